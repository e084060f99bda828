/* SPDX-License-Identifier: ISC */
/*
 * Okta System Log events mapped onto custos log entries.  See okta.h and
 * docs/import.md (the mapping table and why each rule is what it is).
 */
#include "importer/okta.h"

#include <string.h>

#include "common/jsonx.h"
#include "common/rand.h"
#include "common/str.h"

/*
 * The event types custos maps.  kind is the actor's kind when Okta names
 * a person: support and admins acting in an org are engineers; granting,
 * extending and revoking support access is the customer's own admin.
 */
struct okta_rule {
	const char *type;
	const char *action;
	int kind;
};

static const struct okta_rule okta_rules[] = {
	{"user.session.impersonation.grant", "impersonation.grant",
	    ACTOR_TENANT_ADMIN},
	{"user.session.impersonation.extend", "impersonation.extend",
	    ACTOR_TENANT_ADMIN},
	{"user.session.impersonation.revoke", "impersonation.revoke",
	    ACTOR_TENANT_ADMIN},
	{"user.session.impersonation.initiate", "impersonation.initiate",
	    ACTOR_ENGINEER},
	{"user.session.impersonation.end", "impersonation.end",
	    ACTOR_ENGINEER},
	{"user.account.reset_password", "user.password_reset",
	    ACTOR_ENGINEER},
	{"user.mfa.factor.reset_all", "user.mfa_reset", ACTOR_ENGINEER},
	{"user.mfa.factor.deactivate", "user.mfa_reset", ACTOR_ENGINEER},
	{"user.session.start", "auth.login", ACTOR_ENGINEER},
	/* Okta records no plain reads of users; entering the Admin Console
	 * (whose People page lists them) and downloading a report are the
	 * reads it does record. */
	{"user.session.access_admin_app", "user.list", ACTOR_ENGINEER},
	{"analytics.reports.export.download", "user.list", ACTOR_ENGINEER},
};

#define NRULES (sizeof(okta_rules) / sizeof(okta_rules[0]))

static const struct okta_rule *
rule_find(const char *type)
{
	size_t i;

	for (i = 0; i < NRULES; i++)
		if (strcmp(okta_rules[i].type, type) == 0)
			return &okta_rules[i];
	return NULL;
}

const char *
okta_action(const char *type)
{
	const struct okta_rule *r = rule_find(type);

	return r != NULL ? r->action : NULL;
}

/* Prefixes e's message with the object the field sits in. */
static int
inside(struct err *e, const char *where)
{
	char msg[ERR_MSG_MAX];

	str_copy(msg, sizeof(msg), e->msg);
	(void)str_printf(e->msg, sizeof(e->msg), "in '%s': %s", where, msg);
	return -1;
}

/* o[key] as an object: *out is NULL when absent or null. */
static int
sub(const json_t **out, const json_t *o, const char *key, struct err *e)
{
	const json_t *v = o != NULL ? json_object_get(o, key) : NULL;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return err_bad_request(e, "field '%s' must be an object", key);
	*out = v;
	return 0;
}

/* An optional string of o (which may be NULL), "unknown" read as absent:
 * Okta writes it where it has no value. */
static int
opt_str(const char **out, const json_t *o, const char *key, size_t max,
    struct err *e)
{
	*out = NULL;
	if (o == NULL)
		return 0;
	if (jx_str(out, o, key, 0, max, JX_CLEAN, e) == -1)
		return -1;
	if (*out != NULL && ((*out)[0] == '\0' ||
	    strcmp(*out, "unknown") == 0))
		*out = NULL;
	return 0;
}

/* Copies src into dst[size], cut short at a character boundary. */
static void
copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Adds a detail string, cut to what an entry may hold. */
static void
detail_cut(struct event *ev, const char *key, const char *value)
{
	char cut[IMPORT_DETAIL_VALUE_MAX + 1];

	copy_cut(cut, sizeof(cut), value);
	event_detail(ev, key, cut);
}

/* An id-shaped field: absent, or valid and copied. */
static int
take_id(char *dst, const char *s, const char *name, struct err *e)
{
	if (s == NULL)
		return 0;
	if (!id_valid(s))
		return err_bad_request(e, "field '%s' is not a valid id "
		    "(1 to %d of A-Z a-z 0-9 _ . -)", name, ID_MAX - 1);
	return str_copy(dst, ID_MAX, s);
}

static int
map_actor(struct event *ev, const json_t *o, const struct okta_rule *r,
    struct err *e)
{
	const json_t *a;
	const char *id, *alt, *type;

	if (sub(&a, o, "actor", e) == -1)
		return -1;
	if (a == NULL)
		return err_bad_request(e, "field 'actor' is required");
	if (jx_str(&id, a, "id", 1, OKTA_STR_MAX, JX_REQUIRED | JX_CLEAN,
	    e) == -1 ||
	    opt_str(&alt, a, "alternateId", OKTA_STR_MAX, e) == -1 ||
	    opt_str(&type, a, "type", OKTA_STR_MAX, e) == -1)
		return inside(e, "actor");
	/* The login names the person across systems; the id is Okta's. */
	if (alt != NULL && import_principal_valid(alt))
		str_copy(ev->actor.id, sizeof(ev->actor.id), alt);
	else if (import_principal_valid(id))
		str_copy(ev->actor.id, sizeof(ev->actor.id), id);
	else
		return err_bad_request(e, "in 'actor': neither 'alternateId' "
		    "nor 'id' is an id or e-mail address shorter than %d "
		    "bytes", ID_MAX);
	detail_cut(ev, "okta_actor_id", id);
	ev->actor.kind = type != NULL && strcmp(type, "SystemPrincipal") == 0 ?
	    ACTOR_SYSTEM : r->kind;
	return 0;
}

static int
map_client(struct event *ev, const json_t *o, struct err *e)
{
	const json_t *c, *d, *ac;
	const char *s;

	if (sub(&c, o, "client", e) == -1)
		return -1;
	if (opt_str(&s, c, "ipAddress", OKTA_STR_MAX, e) == -1)
		return inside(e, "client");
	if (s != NULL) {
		if (!import_ip_valid(s))
			return err_bad_request(e, "in 'client': field "
			    "'ipAddress' must be an IP address");
		str_copy(ev->source, sizeof(ev->source), s);
	}
	if (opt_str(&s, c, "device", IMPORT_DETAIL_VALUE_MAX, e) == -1)
		return inside(e, "client");
	if (s != NULL)
		event_detail(ev, "okta_client_device", s);
	/* client.device is a kind ("Computer"); a device with an id is the
	 * top-level device object (Identity Engine). */
	if (sub(&d, o, "device", e) == -1)
		return -1;
	if (opt_str(&s, d, "id", OKTA_STR_MAX, e) == -1)
		return inside(e, "device");
	if (take_id(ev->actor.device, s, "device.id", e) == -1)
		return -1;
	if (sub(&ac, o, "authenticationContext", e) == -1)
		return -1;
	if (opt_str(&s, ac, "externalSessionId", OKTA_STR_MAX, e) == -1)
		return inside(e, "authenticationContext");
	return take_id(ev->actor.session, s,
	    "authenticationContext.externalSessionId", e);
}

/* Finds the first target of type User and of type Org or Tenant. */
static int
scan_targets(const json_t *o, const json_t **user, const json_t **org,
    struct err *e)
{
	const json_t *t = json_object_get(o, "target"), *x;
	size_t i;

	*user = *org = NULL;
	if (t == NULL || json_is_null(t))
		return 0;
	if (!json_is_array(t))
		return err_bad_request(e, "field 'target' must be an array");
	if (json_array_size(t) > OKTA_TARGETS_MAX)
		return err_bad_request(e, "field 'target' has more than %d "
		    "elements", OKTA_TARGETS_MAX);
	json_array_foreach(t, i, x) {
		const char *type, *id, *alt;

		if (!json_is_object(x))
			return err_bad_request(e, "field 'target' must hold "
			    "objects");
		if (jx_str(&type, x, "type", 0, OKTA_STR_MAX, JX_CLEAN,
		    e) == -1 || jx_str(&id, x, "id", 0, OKTA_STR_MAX,
		    JX_CLEAN, e) == -1 || jx_str(&alt, x, "alternateId", 0,
		    OKTA_STR_MAX, JX_CLEAN, e) == -1)
			return inside(e, "target");
		if (type == NULL)
			continue;
		if (*user == NULL && strcmp(type, "User") == 0)
			*user = x;
		if (*org == NULL && (strcmp(type, "Org") == 0 ||
		    strcmp(type, "Tenant") == 0))
			*org = x;
	}
	return 0;
}

/*
 * The tenant, first found of: debugContext.debugData.tenant (set by a
 * deployment that tags its events); the id of the first Org or Tenant
 * target; the tenant given for the whole export (an org's own export is
 * one tenant); the domain of the target user's login, lower-cased (one
 * tenant per customer domain).  Else none.
 */
static int
map_tenant(struct event *ev, const json_t *o, const json_t *org,
    const char *user_login, const char *tenant, struct err *e)
{
	const json_t *dc, *dd;
	const char *s, *at;
	char dom[ID_MAX];
	size_t i;

	if (sub(&dc, o, "debugContext", e) == -1)
		return -1;
	if (sub(&dd, dc, "debugData", e) == -1)
		return inside(e, "debugContext");
	if (opt_str(&s, dd, "tenant", OKTA_STR_MAX, e) == -1)
		return inside(e, "debugContext.debugData");
	if (s != NULL)
		return take_id(ev->tenant, s, "debugContext.debugData.tenant",
		    e);
	if (org != NULL && opt_str(&s, org, "id", OKTA_STR_MAX, e) == 0 &&
	    s != NULL)
		return take_id(ev->tenant, s, "target[].id", e);
	if (tenant != NULL)
		return take_id(ev->tenant, tenant, "tenant", e);
	if (user_login == NULL || (at = strrchr(user_login, '@')) == NULL)
		return 0;
	if (str_copy(dom, sizeof(dom), at + 1) == -1 || !id_valid(dom))
		return err_bad_request(e, "the domain of the target user's "
		    "'alternateId' is not a valid tenant id");
	for (i = 0; dom[i] != '\0'; i++)
		if (dom[i] >= 'A' && dom[i] <= 'Z')
			dom[i] = (char)(dom[i] - 'A' + 'a');
	return str_copy(ev->tenant, sizeof(ev->tenant), dom);
}

static int
map_target(struct event *ev, const json_t *o, const char *tenant,
    struct err *e)
{
	const json_t *user, *org;
	const char *id = NULL, *alt = NULL, *login;

	if (scan_targets(o, &user, &org, e) == -1)
		return -1;
	if (user != NULL && (opt_str(&id, user, "id", OKTA_STR_MAX, e) == -1 ||
	    opt_str(&alt, user, "alternateId", OKTA_STR_MAX, e) == -1))
		return inside(e, "target");
	login = alt != NULL ? alt : id;
	if (login != NULL) {
		if (strlen(login) >= EVENT_TARGET_MAX)
			return err_bad_request(e, "in 'target': the user's "
			    "'alternateId' is longer than %d bytes",
			    EVENT_TARGET_MAX - 1);
		str_copy(ev->target, sizeof(ev->target), login);
	}
	if (id != NULL)
		detail_cut(ev, "okta_target_id", id);
	return map_tenant(ev, o, org, alt, tenant, e);
}

static int
map_outcome(struct event *ev, const json_t *o, struct err *e)
{
	const json_t *oc;
	const char *result, *reason;

	if (sub(&oc, o, "outcome", e) == -1)
		return -1;
	if (oc == NULL)
		return err_bad_request(e, "field 'outcome' is required");
	if (jx_str(&result, oc, "result", 1, 32, JX_REQUIRED | JX_CLEAN,
	    e) == -1 || opt_str(&reason, oc, "reason", OKTA_STR_MAX, e) == -1)
		return inside(e, "outcome");
	ev->allowed = strcmp(result, "SUCCESS") == 0 ||
	    strcmp(result, "ALLOW") == 0;
	event_detail(ev, "okta_outcome", result);
	if (reason != NULL)
		detail_cut(ev, "okta_reason", reason);
	if (!ev->allowed)
		copy_cut(ev->reason, sizeof(ev->reason),
		    reason != NULL ? reason : result);
	return 0;
}

int
okta_map(struct import_event *ie, char type[OKTA_TYPE_MAX + 1],
    const char *data, size_t len, const char *tenant, struct err *e)
{
	struct event *ev = &ie->ev;
	const struct okta_rule *r;
	const json_t *tx;
	const char *uuid, *published, *etype, *s;
	json_t *o;
	int rc = -1;

	type[0] = '\0';
	o = import_parse_object(data, len, e);
	if (o == NULL)
		return -1;
	if (jx_str(&uuid, o, "uuid", 1, OKTA_UUID_MAX, JX_REQUIRED | JX_CLEAN,
	    e) == -1 || jx_str(&published, o, "published", 1,
	    IMPORT_TIME_MAX, JX_REQUIRED | JX_CLEAN, e) == -1 ||
	    jx_str(&etype, o, "eventType", 1, OKTA_TYPE_MAX,
	    JX_REQUIRED | JX_CLEAN, e) == -1)
		goto out;
	if (import_time_ms(&ev->time_ms, published) == -1) {
		err_bad_request(e, "field 'published' must be an RFC 3339 "
		    "time after 1970-01-01T00:00:00Z");
		goto out;
	}
	str_copy(type, OKTA_TYPE_MAX + 1, etype);
	r = rule_find(etype);
	if (r == NULL) {
		rc = OKTA_SKIPPED;
		goto out;
	}
	import_event_set_action(ie, r->action);
	event_detail(ev, "imported", "okta");
	event_detail(ev, "okta_uuid", uuid);
	event_detail(ev, "okta_event_type", etype);
	if (map_actor(ev, o, r, e) == -1 || map_client(ev, o, e) == -1 ||
	    map_target(ev, o, tenant, e) == -1 || map_outcome(ev, o, e) == -1)
		goto out;
	if (sub(&tx, o, "transaction", e) == -1)
		goto out;
	if (opt_str(&s, tx, "id", OKTA_STR_MAX, e) == -1) {
		inside(e, "transaction");
		goto out;
	}
	if (s != NULL)
		detail_cut(ev, "okta_transaction", s);
	if (ev->detail == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	rc = OKTA_MAPPED;
out:
	json_decref(o);
	return rc;
}
