/* SPDX-License-Identifier: ISC */
#include "export/ocsf.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/entry.h"
#include "audit/event.h"
#include "common/str.h"

#define C_FINDING 2004
#define C_ACCOUNT 3001
#define C_AUTH 3002
#define C_ACCESS 3005
#define C_API 6003

#define REDACTED "redacted"

/* Actions by name; the first match wins, "x.*" a prefix, "*.y" a
 * suffix.  Read the schema's activity_id enums (events/iam/ files,
 * events/application/api_activity.json) before changing a row. */
static const struct {
	const char *action;
	int cls, activity;
} map[] = {
	{"auth.login", C_AUTH, 1},              /* Logon */
	{"auth.verify", C_AUTH, 1},
	{"auth.logout", C_AUTH, 2},             /* Logoff */
	{"impersonation.initiate", C_AUTH, 7},  /* Account Switch */
	{"impersonation.end", C_AUTH, 2},
	{"user.create", C_ACCOUNT, 1},          /* Create */
	{"user.delete", C_ACCOUNT, 6},          /* Delete */
	{"user.password_reset", C_ACCOUNT, 4},  /* Password Reset */
	{"user.password_reset_complete", C_ACCOUNT, 3}, /* Password Change */
	{"user.mfa_reset", C_ACCOUNT, 11},      /* MFA Factor Disable */
	{"access_request.approve", C_ACCESS, 1}, /* Assign Privileges */
	{"access_request.break_glass", C_ACCESS, 1},
	{"impersonation.grant", C_ACCESS, 1},
	{"impersonation.extend", C_ACCESS, 1},
	{"access_request.revoke", C_ACCESS, 2}, /* Revoke Privileges */
	{"access_request.expire", C_ACCESS, 2},
	{"impersonation.revoke", C_ACCESS, 2},
	{"alert", C_FINDING, 1},                /* Create */
	{"log.integrity_alert", C_FINDING, 1},
	/* API Activity: Create 1, Read 2, Update 3, Delete 4. */
	{"*.create", C_API, 1},
	{"containment", C_API, 1},
	{"*.list", C_API, 2},
	{"*.view", C_API, 2},
	{"*_view", C_API, 2},
	{"tenant.export", C_API, 2},
	{"tenant.access_log", C_API, 2},
	{"scope", C_API, 2},
	{"access_request.deny", C_API, 3},
	{"approval.approve", C_API, 3},
	{"approval.deny", C_API, 3},
	{"containment.lift", C_API, 3},
	{"tenant.support_policy", C_API, 3},
	{"engineer.working_hours", C_API, 3},
};

static int
action_matches(const char *pat, const char *action)
{
	size_t pl = strlen(pat), al = strlen(action);

	if (pat[0] == '*')
		return al >= pl - 1 && strcmp(action + al - (pl - 1),
		    pat + 1) == 0;
	return strcmp(pat, action) == 0;
}

void
ocsf_class_of(const char *action, int *class_uid, int *activity_id)
{
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (action_matches(map[i].action, action)) {
			*class_uid = map[i].cls;
			*activity_id = map[i].activity;
			return;
		}
	*class_uid = C_API;
	*activity_id = 99;                      /* Other */
}

int
ocsf_detail_ok(const char *key, size_t len)
{
	static const char *const bad[] = {
		"token", "secret", "password", "passwd", "code", "key",
		"cookie", "link", "hash", "otp", "credential",
	};
	char k[128];
	size_t i;

	if (len == 0 || len >= sizeof(k))
		return 0;
	memcpy(k, key, len);
	k[len] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strcasestr(k, bad[i]) != NULL)
			return 0;
	return 1;
}

struct detail {
	json_t *obj;
	char rule[64], severity[16], subject[EVENT_TARGET_MAX];
	char entries[256];
};

static void
grab(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int
key_is(const char *key, size_t n, const char *name)
{
	return strlen(name) == n && strncmp(key, name, n) == 0;
}

static int
detail_cb(void *arg, const char *key, size_t kl, const char *value,
    size_t vl)
{
	struct detail *d = arg;
	json_t *s;

	if (value == NULL)
		return 0;
	if (key_is(key, kl, "rule"))
		grab(d->rule, sizeof(d->rule), value, vl);
	else if (key_is(key, kl, "severity"))
		grab(d->severity, sizeof(d->severity), value, vl);
	else if (key_is(key, kl, "subject"))
		grab(d->subject, sizeof(d->subject), value, vl);
	else if (key_is(key, kl, "entries"))
		grab(d->entries, sizeof(d->entries), value, vl);
	if (!ocsf_detail_ok(key, kl) || vl > 1024)
		return 0;
	s = json_stringn(value, vl);
	if (s == NULL)
		return 0;               /* not UTF-8: left out */
	{
		char k[128];

		grab(k, sizeof(k), key, kl);
		json_object_set_new(d->obj, k, s);
	}
	return 0;
}

/* Sets key to string v, or leaves it out when v is empty. */
static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL && v[0] != '\0')
		json_object_set_new(o, key, json_string(v));
}

static int
user_type_id(int kind)
{
	switch (kind) {
	case ACTOR_TENANT_USER:
		return 1;               /* User */
	case ACTOR_OPERATOR:
	case ACTOR_TENANT_ADMIN:
		return 2;               /* Admin */
	case ACTOR_SYSTEM:
		return 3;               /* System */
	case ACTOR_ENGINEER:
		return 99;              /* Other: a vendor's engineer */
	default:
		return 0;
	}
}

static int
severity_of(const char *s)
{
	if (strcmp(s, "low") == 0)
		return 2;
	if (strcmp(s, "medium") == 0)
		return 3;
	if (strcmp(s, "high") == 0)
		return 4;
	if (strcmp(s, "critical") == 0)
		return 5;
	return 3;
}

/* The actor: its kind always, ids only in full. */
static json_t *
actor_of(const struct entry *en, int pub)
{
	json_t *a = json_object(), *u = json_object();

	json_object_set_new(u, "type_id",
	    json_integer(user_type_id(en->actor_kind)));
	set_str(u, "type", actor_kind_name(en->actor_kind));
	set_str(u, "uid", pub ? (en->actor[0] != '\0' ? REDACTED : NULL) :
	    en->actor);
	if (u != NULL && json_object_get(u, "uid") == NULL)
		json_object_set_new(u, "name", json_string(
		    actor_kind_name(en->actor_kind)));
	if (en->vendor[0] != '\0') {
		json_t *org = json_object();

		set_str(org, "uid", en->vendor);
		json_object_set_new(u, "org", org);
	}
	json_object_set_new(a, "user", u);
	if (!pub && en->session[0] != '\0') {
		json_t *s = json_object();

		set_str(s, "uid", en->session);
		json_object_set_new(a, "session", s);
	}
	return a;
}

/* The account acted on, for the IAM classes: the target user, the
 * engineer of an access request, or for a login the account tried. */
static json_t *
user_of(const struct entry *en, int cls, int pub)
{
	json_t *u = json_object();
	const char *uid = en->target;

	if (cls == C_ACCESS && en->engineer[0] != '\0')
		uid = en->engineer;
	else if (cls == C_AUTH && en->actor[0] != '\0')
		uid = en->actor;
	if (pub || uid[0] == '\0')
		set_str(u, "uid", REDACTED);
	else
		set_str(u, "uid", uid);
	if (cls == C_AUTH && !pub && en->actor[0] == '\0' &&
	    en->target[0] != '\0')
		set_str(u, "name", en->target);         /* username tried */
	if (!pub && en->tenant[0] != '\0' && cls != C_ACCESS) {
		json_t *org = json_object();

		set_str(org, "uid", en->tenant);
		json_object_set_new(u, "org", org);
	}
	return u;
}

static json_t *
finding_of(const struct entry *en, const struct detail *d,
    const char *origin, const char *uid, int pub)
{
	json_t *f = json_object(), *an = json_object();
	int integrity = strcmp(en->action, "log.integrity_alert") == 0;
	char title[160];

	/* The alert's id when there is one; the entry's uid otherwise. */
	set_str(f, "uid", !integrity && en->target[0] != '\0' ? en->target :
	    uid);
	str_printf(title, sizeof(title), "custos: %s", integrity ?
	    "the log failed its integrity check" : d->rule[0] != '\0' ?
	    d->rule : "alert");
	set_str(f, "title", title);
	set_str(an, "name", integrity ? "log.integrity" : d->rule);
	json_object_set_new(an, "type_id", json_integer(1));   /* Rule */
	json_object_set_new(f, "analytic", an);
	if (!pub && d->subject[0] != '\0')
		set_str(f, "desc", d->subject);
	if (!pub && d->entries[0] != '\0') {
		json_t *rel = json_array();
		const char *p = d->entries;

		/* The entries that make the pattern, as their event uids. */
		while (*p != '\0') {
			size_t n = strcspn(p, ",");
			char one[600];

			if (n > 0 && n < 24) {
				str_printf(one, sizeof(one), "%s/%.*s",
				    origin, (int)n, p);
				json_array_append_new(rel, json_pack(
				    "{s:s}", "uid", one));
			}
			p += n;
			if (*p == ',')
				p++;
		}
		json_object_set_new(f, "related_events", rel);
	}
	return f;
}

int
ocsf_entry(struct buf *out, const char *origin, int64_t index,
    const char *bytes, size_t len, const struct ocsf_view *v,
    struct err *e)
{
	struct entry en;
	struct detail d;
	json_t *ev = NULL, *md, *prod, *api, *src;
	char uid[600], *text = NULL;
	int cls, act, pub = v->fields == OCSF_FIELDS_PUBLIC, sev, rc = -1;
	size_t n;

	memset(&d, 0, sizeof(d));
	if (entry_read(&en, index, bytes, len) == -1)
		return err_bad_request(e, "log entry %lld is not an entry",
		    (long long)index);
	if (v->scope == OCSF_SCOPE_OPERATOR && en.tenant[0] != '\0')
		return 1;
	if (v->scope == OCSF_SCOPE_TENANT && strcmp(en.tenant,
	    v->tenant) != 0)
		return 1;
	d.obj = json_object();
	if (d.obj == NULL || entry_detail(bytes, len, detail_cb, &d) == -1) {
		json_decref(d.obj);
		return err_bad_request(e, "log entry %lld: unreadable detail",
		    (long long)index);
	}
	ocsf_class_of(en.action, &cls, &act);
	str_printf(uid, sizeof(uid), "%s/%lld", origin, (long long)index);
	if (cls == C_FINDING)
		sev = strcmp(en.action, "alert") == 0 ?
		    severity_of(d.severity) : 5;
	else
		sev = en.allowed ? 1 : 2;       /* Informational, Low */

	ev = json_object();
	json_object_set_new(ev, "class_uid", json_integer(cls));
	json_object_set_new(ev, "category_uid", json_integer(cls / 1000));
	json_object_set_new(ev, "activity_id", json_integer(act));
	json_object_set_new(ev, "type_uid", json_integer((json_int_t)cls *
	    100 + act));
	json_object_set_new(ev, "severity_id", json_integer(sev));
	json_object_set_new(ev, "time", json_integer(en.time_ms));
	json_object_set_new(ev, "status_id", json_integer(en.allowed ? 1 :
	    2));
	json_object_set_new(ev, "status", json_string(en.allowed ?
	    "Success" : "Failure"));
	set_str(ev, "status_detail", en.reason);
	set_str(ev, "message", en.action);

	md = json_object();
	prod = json_object();
	set_str(prod, "name", "custos");
	set_str(prod, "vendor_name", "custos");
	set_str(prod, "version", CUSTOS_VERSION);
	json_object_set_new(md, "product", prod);
	set_str(md, "version", OCSF_VERSION);
	set_str(md, "uid", uid);
	json_object_set_new(md, "sequence", json_integer(index));
	set_str(md, "log_name", origin);
	set_str(md, "event_code", en.action);
	if (!pub)
		set_str(md, "tenant_uid", en.tenant);
	if (en.imported) {
		json_t *lab = json_array();
		json_t *imp = json_object_get(d.obj, "imported");

		json_array_append_new(lab, json_sprintf("imported:%s",
		    json_is_string(imp) ? json_string_value(imp) : "yes"));
		json_object_set_new(md, "labels", lab);
	}
	json_object_set_new(ev, "metadata", md);

	json_object_set_new(ev, "actor", actor_of(&en, pub));
	src = json_object();
	if (en.source[0] != '\0')
		set_str(src, "ip", pub ? NULL : en.source);
	if (json_object_size(src) == 0)
		set_str(src, "name", en.actor_kind == ACTOR_SYSTEM ?
		    "custosd" : REDACTED);
	json_object_set_new(ev, "src_endpoint", src);

	api = json_object();
	set_str(api, "operation", en.action);
	json_object_set_new(api, "service", json_pack("{s:s}", "name",
	    "custos"));
	json_object_set_new(ev, "api", api);

	if (cls == C_AUTH || cls == C_ACCOUNT || cls == C_ACCESS)
		json_object_set_new(ev, "user", user_of(&en, cls, pub));
	if (cls == C_AUTH) {
		/* What is known of the factors: an engineer's verify and a
		 * tenant's login that passed checked password and TOTP. */
		if (en.allowed && (strcmp(en.action, "auth.verify") == 0 ||
		    (strcmp(en.action, "auth.login") == 0 &&
		    (en.actor_kind == ACTOR_TENANT_ADMIN ||
		    en.actor_kind == ACTOR_TENANT_USER) && !en.imported)))
			json_object_set_new(ev, "is_mfa", json_true());
		if (!pub && en.session[0] != '\0')
			json_object_set_new(ev, "session", json_pack("{s:s}",
			    "uid", en.session));
	}
	if (cls == C_ACCESS)
		json_object_set_new(ev, "privileges", json_pack("[s]",
		    strncmp(en.action, "impersonation.", 14) == 0 ?
		    "impersonation" : "tenant_support_access"));
	if (cls == C_FINDING)
		json_object_set_new(ev, "finding_info", finding_of(&en, &d,
		    origin, uid, pub));
	if (!pub) {
		json_t *cu = json_object();

		set_str(cu, "target", en.target);
		set_str(cu, "tenant", en.tenant);
		set_str(cu, "device", en.device);
		if (json_object_size(d.obj) > 0)
			json_object_set(cu, "detail", d.obj);
		json_object_set_new(ev, "unmapped", json_pack("{s:o}",
		    "custos", cu));
	}
	text = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	n = strlen(text);
	if (buf_append(out, text, n) == -1) {
		err_internal(e, "export batch full");
		goto out;
	}
	rc = 0;
out:
	free(text);
	json_decref(ev);
	json_decref(d.obj);
	return rc;
}
