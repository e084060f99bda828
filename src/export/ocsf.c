/* SPDX-License-Identifier: ISC */
#include "export/ocsf.h"

#include <stdint.h>
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

/*
 * The event is written straight into the caller's buf, keys in the order
 * jansson's JSON_SORT_KEYS would give (strcmp), compact, strings escaped
 * as jansson escapes them: the same bytes a jansson tree dumped with
 * JSON_COMPACT | JSON_SORT_KEYS gave before (about 20 us an event; this
 * writer a few).  A string that is not UTF-8 is left out, as jansson
 * refuses it.
 */
#define DETAIL_KEYS_MAX 128

struct kv {
	const char *k, *v;
	size_t kl, vl;
};

struct detail {
	struct kv kv[DETAIL_KEYS_MAX];
	size_t n;
	struct buf arena;               /* the keys' and values' bytes */
	char rule[64], severity[16], subject[EVENT_TARGET_MAX];
	char entries[256], imported[64];
};

struct w {
	struct buf *b;
	int fail;
	int depth;
	int first[8];
};

static int
utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p;
		size_t len;
		unsigned cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if ((size_t)(end - p) < len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return 0;
		p += len;
	}
	return 1;
}

static void
w_raw(struct w *w, const char *s, size_t n)
{
	if (!w->fail && buf_append(w->b, s, n) == -1)
		w->fail = 1;
}

/* A JSON string of s[0..n), escaped as jansson does. */
static void
w_qstr(struct w *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	w_raw(w, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		size_t en = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		w_raw(w, s + run, i - run);
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			en = 6;
		}
		w_raw(w, esc, en);
		run = i + 1;
	}
	w_raw(w, s + run, n - run);
	w_raw(w, "\"", 1);
}

static void
w_key(struct w *w, const char *k)
{
	if (!w->first[w->depth])
		w_raw(w, ",", 1);
	w->first[w->depth] = 0;
	w_qstr(w, k, strlen(k));
	w_raw(w, ":", 1);
}

/* "k":{ -- k NULL inside an array. */
static void
w_open(struct w *w, const char *k)
{
	if (k != NULL)
		w_key(w, k);
	w_raw(w, "{", 1);
	if (w->depth + 1 < (int)(sizeof(w->first) / sizeof(w->first[0])))
		w->depth++;
	else
		w->fail = 1;
	w->first[w->depth] = 1;
}

static void
w_close(struct w *w)
{
	w_raw(w, "}", 1);
	if (w->depth > 0)
		w->depth--;
}

/* "k":"v", left out when v is NULL, empty or not UTF-8. */
static void
w_strn(struct w *w, const char *k, const char *v, size_t n)
{
	if (v == NULL || n == 0 || !utf8_ok(v, n))
		return;
	w_key(w, k);
	w_qstr(w, v, n);
}

static void
w_str(struct w *w, const char *k, const char *v)
{
	if (v != NULL)
		w_strn(w, k, v, strlen(v));
}

static void
w_int(struct w *w, const char *k, int64_t v)
{
	char num[24], *p = num + sizeof(num);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	w_key(w, k);
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	w_raw(w, p, (size_t)(num + sizeof(num) - p));
}

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
	struct kv *kv;
	size_t at;

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
	else if (key_is(key, kl, "imported") && utf8_ok(value, vl))
		grab(d->imported, sizeof(d->imported), value, vl);
	/* Keys stop at a NUL, as a C string key would; values do not. */
	kl = strnlen(key, kl);
	if (!ocsf_detail_ok(key, kl) || vl > 1024 || !utf8_ok(value, vl) ||
	    !utf8_ok(key, kl) || d->n == DETAIL_KEYS_MAX)
		return 0;
	/* Offsets now, pointers once the arena stops moving. */
	at = d->arena.len;
	if (buf_append(&d->arena, key, kl) == -1 ||
	    buf_append(&d->arena, value, vl) == -1)
		return 0;
	kv = &d->kv[d->n++];
	kv->k = (const char *)(uintptr_t)at;
	kv->kl = kl;
	kv->v = (const char *)(uintptr_t)(at + kl);
	kv->vl = vl;
	return 0;
}

static int
kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	size_t n = x->kl < y->kl ? x->kl : y->kl;
	int c = strncmp(x->k, y->k, n);

	if (c != 0)
		return c;
	return x->kl < y->kl ? -1 : x->kl > y->kl;
}

static void
detail_finish(struct detail *d)
{
	size_t i, out = 0;

	for (i = 0; i < d->n; i++) {
		d->kv[i].k = d->arena.data + (uintptr_t)d->kv[i].k;
		d->kv[i].v = d->arena.data + (uintptr_t)d->kv[i].v;
	}
	qsort(d->kv, d->n, sizeof(d->kv[0]), kv_cmp);
	/* One value a key, as an object holds (the later one). */
	for (i = 0; i < d->n; i++) {
		if (out > 0 && kv_cmp(&d->kv[out - 1], &d->kv[i]) == 0)
			out--;
		d->kv[out++] = d->kv[i];
	}
	d->n = out;
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

/* "actor": its kind always, ids only in full. */
static void
w_actor(struct w *w, const struct entry *en, int pub)
{
	const char *kind = actor_kind_name(en->actor_kind);
	const char *uid = pub ? (en->actor[0] != '\0' ? REDACTED : NULL) :
	    en->actor;

	w_open(w, "actor");
	if (!pub && en->session[0] != '\0') {
		w_open(w, "session");
		w_str(w, "uid", en->session);
		w_close(w);
	}
	w_open(w, "user");
	if (uid == NULL || uid[0] == '\0' || !utf8_ok(uid, strlen(uid)))
		w_str(w, "name", kind);
	if (en->vendor[0] != '\0') {
		w_open(w, "org");
		w_str(w, "uid", en->vendor);
		w_close(w);
	}
	w_str(w, "type", kind);
	w_int(w, "type_id", user_type_id(en->actor_kind));
	w_str(w, "uid", uid);
	w_close(w);
	w_close(w);
}

/* "user": the account acted on, for the IAM classes: the target user,
 * the engineer of an access request, or for a login the account tried. */
static void
w_user(struct w *w, const struct entry *en, int cls, int pub)
{
	const char *uid = en->target;

	if (cls == C_ACCESS && en->engineer[0] != '\0')
		uid = en->engineer;
	else if (cls == C_AUTH && en->actor[0] != '\0')
		uid = en->actor;
	w_open(w, "user");
	if (cls == C_AUTH && !pub && en->actor[0] == '\0' &&
	    en->target[0] != '\0')
		w_str(w, "name", en->target);          /* username tried */
	if (!pub && en->tenant[0] != '\0' && cls != C_ACCESS) {
		w_open(w, "org");
		w_str(w, "uid", en->tenant);
		w_close(w);
	}
	w_str(w, "uid", pub || uid[0] == '\0' ? REDACTED : uid);
	w_close(w);
}

static void
w_finding(struct w *w, const struct entry *en, const struct detail *d,
    const char *origin, const char *uid, int pub)
{
	int integrity = strcmp(en->action, "log.integrity_alert") == 0;
	char title[160];

	str_printf(title, sizeof(title), "custos: %s", integrity ?
	    "the log failed its integrity check" : d->rule[0] != '\0' ?
	    d->rule : "alert");
	w_open(w, "finding_info");
	w_open(w, "analytic");
	w_str(w, "name", integrity ? "log.integrity" : d->rule);
	w_int(w, "type_id", 1);                 /* Rule */
	w_close(w);
	if (!pub)
		w_str(w, "desc", d->subject);
	if (!pub && d->entries[0] != '\0') {
		const char *p = d->entries;
		int first = 1;

		/* The entries that make the pattern, as their event uids. */
		w_key(w, "related_events");
		w_raw(w, "[", 1);
		while (*p != '\0') {
			size_t n = strcspn(p, ",");
			char one[600];

			if (n > 0 && n < 24 && str_printf(one, sizeof(one),
			    "%s/%.*s", origin, (int)n, p) == 0 &&
			    utf8_ok(one, strlen(one))) {
				if (!first)
					w_raw(w, ",", 1);
				first = 0;
				w_open(w, NULL);
				w_str(w, "uid", one);
				w_close(w);
			}
			p += n;
			if (*p == ',')
				p++;
		}
		w_raw(w, "]", 1);
	}
	w_str(w, "title", title);
	/* The alert's id when there is one; the entry's uid otherwise. */
	w_str(w, "uid", !integrity && en->target[0] != '\0' ? en->target :
	    uid);
	w_close(w);
}

static void
w_metadata(struct w *w, const struct entry *en, const struct detail *d,
    const char *origin, const char *uid, int64_t index, int pub)
{
	w_open(w, "metadata");
	w_str(w, "event_code", en->action);
	if (en->imported) {
		char label[80];

		str_printf(label, sizeof(label), "imported:%s",
		    d->imported[0] != '\0' ? d->imported : "yes");
		w_key(w, "labels");
		w_raw(w, "[", 1);
		w_qstr(w, label, strlen(label));
		w_raw(w, "]", 1);
	}
	w_str(w, "log_name", origin);
	w_open(w, "product");
	w_str(w, "name", "custos");
	w_str(w, "vendor_name", "custos");
	w_str(w, "version", CUSTOS_VERSION);
	w_close(w);
	w_int(w, "sequence", index);
	if (!pub)
		w_str(w, "tenant_uid", en->tenant);
	w_str(w, "uid", uid);
	w_str(w, "version", OCSF_VERSION);
	w_close(w);
}

int
ocsf_entry(struct buf *out, const char *origin, int64_t index,
    const char *bytes, size_t len, const struct ocsf_view *v,
    struct err *e)
{
	struct entry en;
	struct detail dd, *d = &dd;
	struct w w;
	char uid[600];
	int cls, act, pub = v->fields == OCSF_FIELDS_PUBLIC, sev, rc = -1;
	size_t mark = out->len, i;

	if (entry_read(&en, index, bytes, len) == -1)
		return err_bad_request(e, "log entry %lld is not an entry",
		    (long long)index);
	if (v->scope == OCSF_SCOPE_OPERATOR && en.tenant[0] != '\0')
		return 1;
	if (v->scope == OCSF_SCOPE_TENANT && strcmp(en.tenant,
	    v->tenant) != 0)
		return 1;
	d->n = 0;
	d->rule[0] = d->severity[0] = d->subject[0] = '\0';
	d->entries[0] = d->imported[0] = '\0';
	buf_init(&d->arena, (size_t)1 << 20);
	if (entry_detail(bytes, len, detail_cb, d) == -1) {
		err_bad_request(e, "log entry %lld: unreadable detail",
		    (long long)index);
		goto out;
	}
	detail_finish(d);
	ocsf_class_of(en.action, &cls, &act);
	str_printf(uid, sizeof(uid), "%s/%lld", origin, (long long)index);
	if (cls == C_FINDING)
		sev = strcmp(en.action, "alert") == 0 ?
		    severity_of(d->severity) : 5;
	else
		sev = en.allowed ? 1 : 2;       /* Informational, Low */

	memset(&w, 0, sizeof(w));
	w.b = out;
	w.first[0] = 1;
	w_raw(&w, "{", 1);
	w_int(&w, "activity_id", act);
	w_actor(&w, &en, pub);
	w_open(&w, "api");
	w_str(&w, "operation", en.action);
	w_open(&w, "service");
	w_str(&w, "name", "custos");
	w_close(&w);
	w_close(&w);
	w_int(&w, "category_uid", cls / 1000);
	w_int(&w, "class_uid", cls);
	if (cls == C_FINDING)
		w_finding(&w, &en, d, origin, uid, pub);
	/* What is known of the factors: an engineer's verify and a tenant's
	 * login that passed checked password and TOTP. */
	if (cls == C_AUTH && en.allowed && (strcmp(en.action,
	    "auth.verify") == 0 || (strcmp(en.action, "auth.login") == 0 &&
	    (en.actor_kind == ACTOR_TENANT_ADMIN ||
	    en.actor_kind == ACTOR_TENANT_USER) && !en.imported))) {
		w_key(&w, "is_mfa");
		w_raw(&w, "true", 4);
	}
	w_str(&w, "message", en.action);
	w_metadata(&w, &en, d, origin, uid, index, pub);
	if (cls == C_ACCESS) {
		const char *priv = strncmp(en.action, "impersonation.", 14) ==
		    0 ? "impersonation" : "tenant_support_access";

		w_key(&w, "privileges");
		w_raw(&w, "[", 1);
		w_qstr(&w, priv, strlen(priv));
		w_raw(&w, "]", 1);
	}
	if (cls == C_AUTH && !pub && en.session[0] != '\0' &&
	    utf8_ok(en.session, strlen(en.session))) {
		w_open(&w, "session");
		w_str(&w, "uid", en.session);
		w_close(&w);
	}
	w_int(&w, "severity_id", sev);
	w_open(&w, "src_endpoint");
	if (!pub && en.source[0] != '\0' && utf8_ok(en.source,
	    strlen(en.source)))
		w_str(&w, "ip", en.source);
	else
		w_str(&w, "name", en.actor_kind == ACTOR_SYSTEM ? "custosd" :
		    REDACTED);
	w_close(&w);
	w_str(&w, "status", en.allowed ? "Success" : "Failure");
	w_str(&w, "status_detail", en.reason);
	w_int(&w, "status_id", en.allowed ? 1 : 2);
	w_int(&w, "time", en.time_ms);
	w_int(&w, "type_uid", (int64_t)cls * 100 + act);
	if (!pub) {
		w_open(&w, "unmapped");
		w_open(&w, "custos");
		if (d->n > 0) {
			w_open(&w, "detail");
			for (i = 0; i < d->n; i++) {
				char k[128];

				grab(k, sizeof(k), d->kv[i].k, d->kv[i].kl);
				w_key(&w, k);
				w_qstr(&w, d->kv[i].v, d->kv[i].vl);
			}
			w_close(&w);
		}
		w_str(&w, "device", en.device);
		w_str(&w, "target", en.target);
		w_str(&w, "tenant", en.tenant);
		w_close(&w);
		w_close(&w);
	}
	if (cls == C_AUTH || cls == C_ACCOUNT || cls == C_ACCESS)
		w_user(&w, &en, cls, pub);
	w_raw(&w, "}", 1);
	if (w.fail) {
		err_internal(e, "export batch full");
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && out->data != NULL) {
		out->len = mark;        /* the partial event taken back */
		out->data[mark] = '\0';
	}
	buf_cleanup(&d->arena);
	return rc;
}
