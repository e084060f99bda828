/* SPDX-License-Identifier: ISC */
/*
 * Okta System Log events mapped onto custos log entries.  See okta.h and
 * docs/import.md (the mapping table and why each rule is what it is).
 */
#include "importer/okta.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"

#include "common/jsonx.h"
#include "common/rand.h"
#include "common/str.h"

/*
 * The built-in table.  kind is the actor's kind when Okta names a person:
 * support and admins acting in an org are engineers; granting, extending
 * and revoking support access is the customer's own admin.  cls is how
 * scope counts the action (read: the tenant was viewed; write: acted
 * upon); -1 leaves it to custos's action table or the name's shape
 * (audit/action.c), as before issue 16.  Why each row is what it is:
 * docs/import.md, from Okta's event-type catalogue.  Exact types first;
 * a type ending ".*" matches a prefix, after every exact row.
 */
static const struct okta_rule okta_rules[] = {
	{"user.session.impersonation.grant", "impersonation.grant",
	    ACTOR_TENANT_ADMIN, -1},
	{"user.session.impersonation.extend", "impersonation.extend",
	    ACTOR_TENANT_ADMIN, -1},
	{"user.session.impersonation.revoke", "impersonation.revoke",
	    ACTOR_TENANT_ADMIN, -1},
	{"user.session.impersonation.initiate", "impersonation.initiate",
	    ACTOR_ENGINEER, -1},
	{"user.session.impersonation.end", "impersonation.end",
	    ACTOR_ENGINEER, -1},
	{"user.account.reset_password", "user.password_reset",
	    ACTOR_ENGINEER, -1},
	{"user.mfa.factor.reset_all", "user.mfa_reset", ACTOR_ENGINEER, -1},
	{"user.mfa.factor.deactivate", "user.mfa_reset", ACTOR_ENGINEER, -1},
	{"user.session.start", "auth.login", ACTOR_ENGINEER, -1},
	/* Okta records no plain reads of users; entering the Admin Console
	 * (whose People page lists them) and downloading a report are the
	 * reads it does record. */
	{"user.session.access_admin_app", "user.list", ACTOR_ENGINEER, -1},
	{"analytics.reports.export.download", "user.list", ACTOR_ENGINEER,
	    -1},
	/* The support-access family (issue 16).  "Okta has viewed a page
	 * which contains customer data": a read by Okta's support. */
	{"support.org.view", "tenant.support_view", ACTOR_ENGINEER,
	    ACTION_READ},
	{"support.org.update", "tenant.support_update", ACTOR_ENGINEER,
	    ACTION_WRITE},
	/* A support user entering the org's admin app: like the Admin
	 * Console above, at least a view. */
	{"user.account.access_support_user_app", "tenant.support_access",
	    ACTOR_ENGINEER, ACTION_READ},
	{"user.session.end", "auth.logout", ACTOR_ENGINEER, -1},
	/* Clearing a user's sessions signs that user out: a change. */
	{"user.session.clear", "user.session_clear", ACTOR_ENGINEER,
	    ACTION_WRITE},
	{"user.account.unlock_by_admin", "user.unlock", ACTOR_ENGINEER,
	    ACTION_WRITE},
	{"user.account.update_password", "user.password_change",
	    ACTOR_ENGINEER, ACTION_WRITE},
	{"user.account.privilege.grant", "user.privilege_grant",
	    ACTOR_ENGINEER, ACTION_WRITE},
	{"user.mfa.factor.update", "user.mfa_update", ACTOR_ENGINEER,
	    ACTION_WRITE},
	{"user.mfa.factor.suspend", "user.mfa_suspend", ACTOR_ENGINEER,
	    ACTION_WRITE},
	/* An MFA factor turned off for the whole org. */
	{"system.mfa.factor.deactivate", "tenant.mfa_factor_deactivate",
	    ACTOR_ENGINEER, ACTION_WRITE},
	/* An attempt to get past MFA: a sign-in event, it changes nothing
	 * by itself (refused or not, it is in the tenant's list). */
	{"user.mfa.attempt_bypass", "auth.mfa_bypass", ACTOR_ENGINEER,
	    ACTION_NEUTRAL},
	/* Prefixes. */
	{"system.directory.debugger.*", "directory.debugger",
	    ACTOR_ENGINEER, ACTION_READ},
	{"user.lifecycle.*", "user.lifecycle", ACTOR_ENGINEER, ACTION_WRITE},
	{"analytics.reports.export.*", "report.export", ACTOR_ENGINEER,
	    ACTION_READ},
};

#define NRULES (sizeof(okta_rules) / sizeof(okta_rules[0]))

static const char *const drop_names[OKTA_DROP_COUNT] = {
	"client.ipAddress", "authenticationContext.externalSessionId",
	"device.id", "target[] beyond 64", "target user's alternateId",
	"tenant", "a field of the wrong type",
};

const char *
okta_drop_name(int k)
{
	return k >= 0 && k < OKTA_DROP_COUNT ? drop_names[k] : "?";
}

const struct okta_rule *
okta_builtin(size_t *n)
{
	*n = NRULES;
	return okta_rules;
}

/* 1 when rule type t matches type: equal, or "p.*" and type starts
 * "p." (prefix 1 asks for prefix rows only, 0 for exact ones). */
static int
type_match(const char *t, const char *type, int prefix)
{
	size_t n = strlen(t);

	if (n >= 2 && t[n - 2] == '.' && t[n - 1] == '*')
		return prefix && strncmp(t, type, n - 1) == 0;
	return !prefix && strcmp(t, type) == 0;
}

const struct okta_rule *
okta_rule_find(const struct okta_conf *conf, const char *type)
{
	int prefix;
	size_t i;

	for (prefix = 0; prefix <= 1; prefix++) {
		if (conf != NULL)
			for (i = 0; i < conf->nrules; i++)
				if (type_match(conf->rules[i].type, type,
				    prefix))
					return conf->rules[i].action != NULL ?
					    &conf->rules[i] : NULL;
		for (i = 0; i < NRULES; i++)
			if (type_match(okta_rules[i].type, type, prefix))
				return &okta_rules[i];
	}
	return NULL;
}

const char *
okta_action(const char *type)
{
	const struct okta_rule *r = okta_rule_find(NULL, type);

	return r != NULL ? r->action : NULL;
}

int
okta_action_class(const char *action)
{
	size_t i;

	for (i = 0; i < NRULES; i++)
		if (okta_rules[i].cls >= 0 &&
		    strcmp(okta_rules[i].action, action) == 0)
			return okta_rules[i].cls;
	return -1;
}

void
okta_conf_init(struct okta_conf *c)
{
	memset(c, 0, sizeof(*c));
}

void
okta_conf_free(struct okta_conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->rules);
	free(c->vendors);
	memset(c, 0, sizeof(*c));
}

static int
kind_parse(const char *s)
{
	static const struct {
		const char *name;
		int kind;
	} kinds[] = {
		{"engineer", ACTOR_ENGINEER}, {"tenant_admin", ACTOR_TENANT_ADMIN},
		{"tenant_user", ACTOR_TENANT_USER}, {"system", ACTOR_SYSTEM},
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, s) == 0)
			return kinds[i].kind;
	return -1;
}

/* The next space-separated word of *p into w[size]; 0 at the end, -1
 * when longer. */
static int
word(const char **p, char *w, size_t size)
{
	const char *a = *p, *b;

	while (*a == ' ' || *a == '\t')
		a++;
	for (b = a; *b != '\0' && *b != ' ' && *b != '\t' && *b != '\n' &&
	    *b != '\r'; b++)
		;
	*p = b;
	if (b == a) {
		w[0] = '\0';
		return 0;
	}
	if ((size_t)(b - a) >= size)
		return -1;
	memcpy(w, a, (size_t)(b - a));
	w[b - a] = '\0';
	return 1;
}

static int
type_valid(const char *t)
{
	size_t i;

	for (i = 0; t[i] != '\0'; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' &&
		    t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
		    t[i] == '.' || t[i] == '_' || t[i] == '-' ||
		    (t[i] == '*' && t[i + 1] == '\0' && i > 0 &&
		    t[i - 1] == '.')))
			return 0;
	return i > 0;
}

int
okta_conf_map_line(struct okta_conf *c, const char *line, struct err *e)
{
	char type[OKTA_TYPE_MAX + 1], action[IMPORT_ACTION_MAX + 1];
	char kind[32], extra[8];
	const char *p = line;
	struct okta_rule *nr, *r;
	char **no, *t, *a;
	int k = ACTOR_ENGINEER, n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#' || *p == '\n' || *p == '\r')
		return 0;
	if (word(&p, type, sizeof(type)) != 1 || !type_valid(type))
		return err_bad_request(e, "okta-map: the eventType must be 1 "
		    "to %d of A-Z a-z 0-9 . _ - (a prefix ends '.*')",
		    OKTA_TYPE_MAX);
	if (word(&p, action, sizeof(action)) != 1 || (strcmp(action,
	    "-") != 0 && !id_valid(action)))
		return err_bad_request(e, "okta-map: '%s' needs an action "
		    "(1 to %d of A-Z a-z 0-9 _ . -) or '-' to skip it", type,
		    IMPORT_ACTION_MAX);
	n = word(&p, kind, sizeof(kind));
	if (n == -1 || (n == 1 && (k = kind_parse(kind)) == -1))
		return err_bad_request(e, "okta-map: '%s': the kind must be "
		    "engineer, tenant_admin, tenant_user or system", type);
	if (word(&p, extra, sizeof(extra)) != 0)
		return err_bad_request(e, "okta-map: '%s': at most three "
		    "words: eventType action kind", type);
	if (c->nrules >= OKTA_MAP_MAX)
		return err_bad_request(e, "okta-map: more than %d rows",
		    OKTA_MAP_MAX);
	nr = realloc(c->rules, (c->nrules + 1) * sizeof(*nr));
	if (nr == NULL)
		return err_internal(e, "out of memory");
	c->rules = nr;
	no = realloc(c->owned, (c->nowned + 2) * sizeof(*no));
	if (no == NULL)
		return err_internal(e, "out of memory");
	c->owned = no;
	t = strdup(type);
	a = strcmp(action, "-") == 0 ? NULL : strdup(action);
	if (t == NULL || (strcmp(action, "-") != 0 && a == NULL)) {
		free(t);
		free(a);
		return err_internal(e, "out of memory");
	}
	c->owned[c->nowned++] = t;
	if (a != NULL)
		c->owned[c->nowned++] = a;
	r = &c->rules[c->nrules];
	r->type = t;
	r->action = a;
	r->kind = k;
	r->cls = -1;
	c->nrules++;
	return 0;
}

int
okta_conf_map_file(struct okta_conf *c, const char *path, struct err *e)
{
	char line[512];
	long n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return err_bad_request(e, "okta-map-file %s: %s", path,
		    strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		if (okta_conf_map_line(c, line, e) == -1) {
			char msg[ERR_MSG_MAX];

			str_copy(msg, sizeof(msg), e->msg);
			(void)str_printf(e->msg, sizeof(e->msg), "%s:%ld: %s",
			    path, n, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int
okta_conf_vendors(struct okta_conf *c, const char *value, struct err *e)
{
	const char *p = value;
	char w[2 * ID_MAX + 2], *eq;
	int n;

	while ((n = word(&p, w, sizeof(w))) == 1) {
		struct okta_vendor *nv, *v;

		eq = strchr(w, '=');
		if (eq == NULL)
			return err_bad_request(e, "okta-vendor-domains: '%s' "
			    "must be domain=vendor", w);
		*eq = '\0';
		lower(w);
		if (!id_valid(w) || !id_valid(eq + 1))
			return err_bad_request(e, "okta-vendor-domains: '%s' "
			    "and '%s' must be ids (1 to %d of A-Z a-z 0-9 _ . "
			    "-)", w, eq + 1, ID_MAX - 1);
		if (c->nvendors >= OKTA_VENDORS_MAX)
			return err_bad_request(e, "okta-vendor-domains: more "
			    "than %d", OKTA_VENDORS_MAX);
		nv = realloc(c->vendors, (c->nvendors + 1) * sizeof(*nv));
		if (nv == NULL)
			return err_internal(e, "out of memory");
		c->vendors = nv;
		v = &c->vendors[c->nvendors++];
		str_copy(v->domain, sizeof(v->domain), w);
		str_copy(v->vendor, sizeof(v->vendor), eq + 1);
	}
	if (n == -1)
		return err_bad_request(e, "okta-vendor-domains: a pair is too "
		    "long");
	return 0;
}

/* The vendor of a login: the operator's domain (or a parent domain of
 * it: login@eu.sitel.example matches sitel.example), else none. */
static const char *
vendor_of(const struct okta_conf *conf, const char *login)
{
	const char *at = login != NULL ? strrchr(login, '@') : NULL;
	char dom[ID_MAX];
	size_t i, n, dn;

	if (conf == NULL || at == NULL || str_copy(dom, sizeof(dom),
	    at + 1) == -1)
		return NULL;
	lower(dom);
	dn = strlen(dom);
	for (i = 0; i < conf->nvendors; i++) {
		n = strlen(conf->vendors[i].domain);
		if (n <= dn && strcmp(dom + dn - n, conf->vendors[i].domain) ==
		    0 && (n == dn || dom[dn - n - 1] == '.'))
			return conf->vendors[i].vendor;
	}
	return NULL;
}

/* One event being mapped. */
struct mctx {
	struct event *ev;
	const struct okta_conf *conf;
	unsigned drops;
};

/* o[key] as an object: NULL when absent, null or not an object (the
 * last dropped). */
static const json_t *
sub(struct mctx *m, const json_t *o, const char *key)
{
	const json_t *v = o != NULL ? json_object_get(o, key) : NULL;

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		m->drops |= OKTA_DROP_FIELD;
		return NULL;
	}
	return v;
}

/* An optional string of o (which may be NULL): NULL when absent, empty,
 * "unknown" (Okta writes it where it has no value), or not a clean
 * string of at most max bytes (dropped). */
static const char *
opt_str(struct mctx *m, const json_t *o, const char *key, size_t max)
{
	const char *s = NULL;
	struct err e;

	if (o == NULL)
		return NULL;
	err_init(&e);
	if (jx_str(&s, o, key, 0, max, JX_CLEAN, &e) == -1) {
		m->drops |= OKTA_DROP_FIELD;
		return NULL;
	}
	if (s != NULL && (s[0] == '\0' || strcmp(s, "unknown") == 0))
		return NULL;
	return s;
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

/* An id-shaped field: absent, copied when an id, else dropped (drop) and
 * kept in detail[key] as it was. */
static void
take_id(struct mctx *m, char *dst, const char *s, unsigned drop,
    const char *key)
{
	if (s == NULL)
		return;
	if (id_valid(s) && str_copy(dst, ID_MAX, s) == 0)
		return;
	dst[0] = '\0';
	m->drops |= drop;
	detail_cut(m->ev, key, s);
}

static int
map_actor(struct mctx *m, const json_t *o, const struct okta_rule *r,
    struct err *e)
{
	struct event *ev = m->ev;
	const json_t *a = sub(m, o, "actor");
	const char *id, *alt, *type, *vendor;

	if (a == NULL)
		return err_bad_request(e, "field 'actor' is required");
	id = opt_str(m, a, "id", OKTA_STR_MAX);
	alt = opt_str(m, a, "alternateId", OKTA_STR_MAX);
	type = opt_str(m, a, "type", OKTA_STR_MAX);
	/* The login names the person across systems; the id is Okta's. */
	if (alt != NULL && import_principal_valid(alt))
		str_copy(ev->actor.id, sizeof(ev->actor.id), alt);
	else if (id != NULL && import_principal_valid(id))
		str_copy(ev->actor.id, sizeof(ev->actor.id), id);
	else
		return err_bad_request(e, "in 'actor': neither 'alternateId' "
		    "nor 'id' is an id or e-mail address shorter than %d "
		    "bytes", ID_MAX);
	if (id != NULL)
		detail_cut(ev, "okta_actor_id", id);
	ev->actor.kind = type != NULL && strcmp(type, "SystemPrincipal") == 0 ?
	    ACTOR_SYSTEM : r->kind;
	vendor = ev->actor.kind == ACTOR_ENGINEER ?
	    vendor_of(m->conf, ev->actor.id) : NULL;
	if (vendor != NULL)
		str_copy(ev->actor.vendor, sizeof(ev->actor.vendor), vendor);
	return 0;
}

static void
map_client(struct mctx *m, const json_t *o)
{
	struct event *ev = m->ev;
	const json_t *c = sub(m, o, "client"), *d, *ac;
	const char *s;

	s = opt_str(m, c, "ipAddress", OKTA_STR_MAX);
	if (s != NULL) {
		if (import_ip_valid(s)) {
			str_copy(ev->source, sizeof(ev->source), s);
		} else {
			m->drops |= OKTA_DROP_IP;
			detail_cut(ev, "okta_ip", s);
		}
	}
	s = opt_str(m, c, "device", IMPORT_DETAIL_VALUE_MAX);
	if (s != NULL)
		event_detail(ev, "okta_client_device", s);
	/* client.device is a kind ("Computer"); a device with an id is the
	 * top-level device object (Identity Engine). */
	d = sub(m, o, "device");
	take_id(m, ev->actor.device, opt_str(m, d, "id", OKTA_STR_MAX),
	    OKTA_DROP_DEVICE, "okta_device_id");
	ac = sub(m, o, "authenticationContext");
	take_id(m, ev->actor.session, opt_str(m, ac, "externalSessionId",
	    OKTA_STR_MAX), OKTA_DROP_SESSION, "okta_session");
}

/* Finds the first target of type User and of type Org or Tenant among
 * the first OKTA_TARGETS_MAX. */
static void
scan_targets(struct mctx *m, const json_t *o, const json_t **user,
    const json_t **org)
{
	const json_t *t = json_object_get(o, "target"), *x;
	size_t i;

	*user = *org = NULL;
	if (t == NULL || json_is_null(t))
		return;
	if (!json_is_array(t)) {
		m->drops |= OKTA_DROP_FIELD;
		return;
	}
	if (json_array_size(t) > OKTA_TARGETS_MAX)
		m->drops |= OKTA_DROP_TARGETS;
	json_array_foreach(t, i, x) {
		const char *type;

		if (i >= OKTA_TARGETS_MAX)
			break;
		if (!json_is_object(x)) {
			m->drops |= OKTA_DROP_FIELD;
			continue;
		}
		type = opt_str(m, x, "type", OKTA_STR_MAX);
		if (type == NULL)
			continue;
		if (*user == NULL && strcmp(type, "User") == 0)
			*user = x;
		if (*org == NULL && (strcmp(type, "Org") == 0 ||
		    strcmp(type, "Tenant") == 0))
			*org = x;
	}
}

/* Sets the tenant when s is an id; else drops it. */
static void
set_tenant(struct mctx *m, const char *s)
{
	take_id(m, m->ev->tenant, s, OKTA_DROP_TENANT, "okta_tenant");
}

/*
 * The tenant, first found of: debugContext.debugData.tenant (set by a
 * deployment that tags its events); the id of the first Org or Tenant
 * target; the tenant given for the whole export (an org's own export is
 * one tenant); the domain of the target user's login, lower-cased (one
 * tenant per customer domain).  Else none.  One that is no id is dropped.
 */
static void
map_tenant(struct mctx *m, const json_t *o, const json_t *org,
    const char *user_login, const char *tenant)
{
	const json_t *dd = sub(m, sub(m, o, "debugContext"), "debugData");
	const char *s, *at;
	char dom[ID_MAX];

	s = opt_str(m, dd, "tenant", OKTA_STR_MAX);
	if (s != NULL) {
		set_tenant(m, s);
		return;
	}
	if (org != NULL && (s = opt_str(m, org, "id", OKTA_STR_MAX)) != NULL) {
		set_tenant(m, s);
		return;
	}
	if (tenant != NULL) {
		set_tenant(m, tenant);
		return;
	}
	if (user_login == NULL || (at = strrchr(user_login, '@')) == NULL)
		return;
	if (str_copy(dom, sizeof(dom), at + 1) == -1 || !id_valid(dom)) {
		m->drops |= OKTA_DROP_TENANT;
		return;
	}
	lower(dom);
	str_copy(m->ev->tenant, sizeof(m->ev->tenant), dom);
}

static void
map_target(struct mctx *m, const json_t *o, const char *tenant)
{
	struct event *ev = m->ev;
	const json_t *user, *org;
	const char *id = NULL, *alt = NULL, *login;

	scan_targets(m, o, &user, &org);
	if (user != NULL) {
		id = opt_str(m, user, "id", OKTA_STR_MAX);
		alt = opt_str(m, user, "alternateId", OKTA_STR_MAX);
	}
	login = alt != NULL ? alt : id;
	if (login != NULL) {
		if (strlen(login) >= EVENT_TARGET_MAX) {
			m->drops |= OKTA_DROP_TARGET;
			detail_cut(ev, "okta_target", login);
		} else {
			str_copy(ev->target, sizeof(ev->target), login);
		}
	}
	if (id != NULL)
		detail_cut(ev, "okta_target_id", id);
	map_tenant(m, o, org, alt, tenant);
}

static int
map_outcome(struct mctx *m, const json_t *o, struct err *e)
{
	struct event *ev = m->ev;
	const json_t *oc = sub(m, o, "outcome");
	const char *result, *reason;

	result = opt_str(m, oc, "result", 32);
	if (result == NULL)
		return err_bad_request(e, "in 'outcome': field 'result' is "
		    "required");
	reason = opt_str(m, oc, "reason", OKTA_STR_MAX);
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
okta_map_json(struct import_event *ie, char type[OKTA_TYPE_MAX + 1],
    const json_t *o, const char *tenant, const struct okta_conf *conf,
    unsigned *drops, const char **why, struct err *e)
{
	struct mctx m;
	const struct okta_rule *r;
	const char *uuid, *published, *etype, *s;

	m.ev = &ie->ev;
	m.conf = conf;
	m.drops = 0;
	*drops = 0;
	*why = "missing_field";
	type[0] = '\0';
	if (!json_is_object(o))
		return err_bad_request(e, "an event must be a JSON object");
	if (jx_str(&uuid, o, "uuid", 1, OKTA_UUID_MAX, JX_REQUIRED | JX_CLEAN,
	    e) == -1 || jx_str(&published, o, "published", 1,
	    IMPORT_TIME_MAX, JX_REQUIRED | JX_CLEAN, e) == -1 ||
	    jx_str(&etype, o, "eventType", 1, OKTA_TYPE_MAX,
	    JX_REQUIRED | JX_CLEAN, e) == -1)
		return -1;
	if (import_time_ms(&ie->ev.time_ms, published) == -1) {
		*why = "bad_time";
		return err_bad_request(e, "field 'published' must be an RFC "
		    "3339 time after 1970-01-01T00:00:00Z");
	}
	str_copy(type, OKTA_TYPE_MAX + 1, etype);
	r = okta_rule_find(conf, etype);
	if (r == NULL)
		return OKTA_SKIPPED;
	if (import_event_set_action(ie, r->action) == -1) {
		*why = "bad_field";
		return err_bad_request(e, "the action of '%s' is too long",
		    etype);
	}
	event_detail(&ie->ev, "imported", "okta");
	event_detail(&ie->ev, "okta_uuid", uuid);
	event_detail(&ie->ev, "okta_event_type", etype);
	*why = "bad_actor";
	if (map_actor(&m, o, r, e) == -1)
		return -1;
	map_client(&m, o);
	map_target(&m, o, tenant);
	*why = "bad_outcome";
	if (map_outcome(&m, o, e) == -1)
		return -1;
	s = opt_str(&m, sub(&m, o, "transaction"), "id", OKTA_STR_MAX);
	if (s != NULL)
		detail_cut(&ie->ev, "okta_transaction", s);
	if (ie->ev.detail == NULL) {
		*why = "internal";
		return err_internal(e, "out of memory");
	}
	*drops = m.drops;
	return OKTA_MAPPED;
}

int
okta_map(struct import_event *ie, char type[OKTA_TYPE_MAX + 1],
    const char *data, size_t len, const char *tenant, struct err *e)
{
	const char *why;
	unsigned drops;
	json_t *o;
	int rc;

	type[0] = '\0';
	o = import_parse_object(data, len, e);
	if (o == NULL)
		return -1;
	rc = okta_map_json(ie, type, o, tenant, NULL, &drops, &why, e);
	json_decref(o);
	return rc;
}
