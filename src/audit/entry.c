/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* log entries are public bytes */
#include "audit/entry.h"

#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "common/clock.h"
#include "common/jsonx.h"
#include "common/str.h"

#define ENTRY_MAX (64 * 1024)

/* Copies o[key] when it is a string that fits; "" otherwise. */
static void
field(char *dst, size_t size, const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (v == NULL || str_copy(dst, size, v) == -1)
		dst[0] = '\0';
}

/* An entry's time in milliseconds: RFC 3339 as event.c writes it
 * ("2026-11-21T05:42:43.401Z") or any other RFC 3339 time (an imported
 * entry's), digits past the millisecond dropped; -1 when it is none. */
static int
time_ms_parse(int64_t *ms, const char *text)
{
	int64_t secs, frac = 0;
	size_t n = strlen(text);
	int i;

	if (n < 20 || n > ENTRY_TIME_MAX || time_parse(&secs, text) == -1)
		return -1;
	/* time_parse checked the shape: a fraction starts at byte 19. */
	if (text[19] == '.') {
		const char *f = text + 20;

		for (i = 0; i < 3; i++) {
			frac *= 10;
			if (*f >= '0' && *f <= '9')
				frac += *f++ - '0';
		}
	}
	if (secs > INT64_MAX / 1000 - 1 || secs < -(INT64_MAX / 1000 - 1))
		return -1;
	*ms = secs * 1000 + frac;      /* before 1970 too: -1 s + 0.5 s */
	return 0;
}

/* The enum actor_kind named kind, or -1. */
static int
kind_parse(const char *kind)
{
	int i;

	for (i = 0; i < ACTOR_KIND_COUNT; i++)
		if (strcmp(kind, actor_kind_name(i)) == 0)
			return i;
	return -1;
}

int
entry_parse(struct entry *d, int64_t index, const char *bytes, size_t len)
{
	char stamp[ENTRY_TIME_MAX + 1];
	const char *kind, *outcome;
	json_t *o, *actor, *detail;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->index = index;
	if (len > ENTRY_MAX)
		return -1;
	o = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o))
		goto out;
	actor = json_object_get(o, "actor");
	detail = json_object_get(o, "detail");
	kind = json_string_value(json_object_get(actor, "kind"));
	outcome = json_string_value(json_object_get(o, "outcome"));
	field(stamp, sizeof(stamp), o, "time");
	if (kind == NULL || outcome == NULL ||
	    time_ms_parse(&d->time_ms, stamp) == -1)
		goto out;
	d->actor_kind = kind_parse(kind);
	if (d->actor_kind == -1)
		goto out;
	field(d->actor, sizeof(d->actor), actor, "id");
	field(d->vendor, sizeof(d->vendor), actor, "vendor");
	field(d->session, sizeof(d->session), o, "session");
	field(d->device, sizeof(d->device), o, "device");
	field(d->source, sizeof(d->source), o, "source");
	field(d->action, sizeof(d->action), o, "action");
	field(d->tenant, sizeof(d->tenant), o, "tenant");
	field(d->target, sizeof(d->target), o, "target");
	field(d->reason, sizeof(d->reason), o, "reason");
	d->allowed = strcmp(outcome, "allowed") == 0;
	if (json_is_object(detail)) {
		field(d->engineer, sizeof(d->engineer), detail, "engineer");
		d->imported = json_object_get(detail, "imported") != NULL;
		d->ndetail = (int)json_object_size(detail);
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/*
 * The fast reader.  Why by hand: the detection thread reads every entry
 * the log gets, and jansson builds a tree of allocated values for each
 * (6 of the 8 microseconds an entry cost); these bytes are custos's own
 * serialisation, so a reader of exactly that form, which gives up on
 * anything else, does it in place.
 */

struct scan {
	const char *p, *end;
};

static int
lit(struct scan *s, const char *text)
{
	size_t n = strlen(text);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, text, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* A string without escapes or control bytes, or null ("" then); copied
 * into dst when it fits, else -1. */
static int
str_or_null(struct scan *s, char *dst, size_t size)
{
	const char *q;

	if (lit(s, "null") == 0) {
		if (dst != NULL)
			dst[0] = '\0';
		return 0;
	}
	/* "" is left to jansson: event.c writes null for an empty value,
	 * and an importer must tell the two apart. */
	if (s->p == s->end || *s->p != '"' || s->p + 1 == s->end ||
	    s->p[1] == '"')
		return -1;
	for (q = s->p + 1; q < s->end && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20 ||
		    (unsigned char)*q >= 0x7f)
			return -1;
	if (q == s->end)
		return -1;
	if (dst != NULL) {
		if ((size_t)(q - s->p - 1) >= size)
			return -1;
		memcpy(dst, s->p + 1, (size_t)(q - s->p - 1));
		dst[q - s->p - 1] = '\0';
	}
	s->p = q + 1;
	return 0;
}

/* A string that is not null, into dst. */
static int
str_only(struct scan *s, char *dst, size_t size)
{
	if (s->p == s->end || *s->p != '"')
		return -1;
	return str_or_null(s, dst, size);
}

/*
 * The canonical detail object after its '{': strings whose keys are
 * unique, as jansson demands; more keys than the reader follows is not
 * canonical.  Fills d's detail fields and, when fn is given, passes each
 * key and value on in place.  0, 1 (not canonical), or -1 (fn stopped).
 */
static int
scan_detail(struct scan *s, struct entry *d, entry_detail_fn fn, void *arg)
{
	char seen[ENTRY_DETAIL_MAX][24], key[24], value[8];
	const char *v;
	size_t nseen = 0, k;

	while (lit(s, "}") == -1) {
		if ((nseen > 0 && lit(s, ",") == -1) ||
		    nseen == ENTRY_DETAIL_MAX ||
		    str_only(s, key, sizeof(key)) == -1 || lit(s, ":") == -1)
			return 1;
		for (k = 0; k < nseen; k++)
			if (strcmp(seen[k], key) == 0)
				return 1;
		memcpy(seen[nseen++], key, sizeof(key));
		v = s->p + 1;
		if (strcmp(key, "engineer") == 0) {
			if (str_only(s, d->engineer, sizeof(d->engineer)) == -1)
				return 1;
		} else if (strcmp(key, "imported") == 0) {
			if (str_only(s, value, sizeof(value)) == -1)
				return 1;
			d->imported = 1;
		} else if (str_only(s, NULL, 0) == -1) {
			return 1;
		}
		if (fn != NULL && fn(arg, key, strlen(key), v,
		    (size_t)(s->p - v - 1)) == -1)
			return -1;
	}
	d->ndetail = (int)nseen;
	return 0;
}

/* entry_scan, with fn given each key of the detail (scan_detail). */
static int
scan(struct entry *d, int64_t index, const char *bytes, size_t len,
    entry_detail_fn fn, void *arg)
{
	static const char *const keys[] = {",\"session\":", ",\"device\":",
	    ",\"source\":", ",\"action\":", ",\"tenant\":", ",\"target\":"};
	struct scan s = {bytes, bytes + len};
	char kind[24], outcome[12], stamp[ENTRY_TIME_MAX + 1];
	char *dst[6];
	size_t sizes[6], i;
	int rc;

	memset(d, 0, sizeof(*d));
	d->index = index;
	dst[0] = d->session;
	sizes[0] = sizeof(d->session);
	dst[1] = d->device;
	sizes[1] = sizeof(d->device);
	dst[2] = d->source;
	sizes[2] = sizeof(d->source);
	dst[3] = d->action;
	sizes[3] = sizeof(d->action);
	dst[4] = d->tenant;
	sizes[4] = sizeof(d->tenant);
	dst[5] = d->target;
	sizes[5] = sizeof(d->target);
	if (lit(&s, "{\"v\":1,\"time\":") == -1 ||
	    str_only(&s, stamp, sizeof(stamp)) == -1 ||
	    lit(&s, ",\"actor\":{\"kind\":") == -1 ||
	    str_only(&s, kind, sizeof(kind)) == -1 ||
	    lit(&s, ",\"id\":") == -1 ||
	    str_or_null(&s, d->actor, sizeof(d->actor)) == -1 ||
	    lit(&s, ",\"vendor\":") == -1 ||
	    str_or_null(&s, d->vendor, sizeof(d->vendor)) == -1 ||
	    lit(&s, "}") == -1)
		return 1;
	for (i = 0; i < 6; i++)
		if (lit(&s, keys[i]) == -1 ||
		    (i == 3 ? str_only(&s, dst[i], sizes[i]) :
		    str_or_null(&s, dst[i], sizes[i])) == -1)
			return 1;
	if (lit(&s, ",\"outcome\":") == -1 ||
	    str_only(&s, outcome, sizeof(outcome)) == -1 ||
	    lit(&s, ",\"reason\":") == -1 ||
	    str_or_null(&s, d->reason, sizeof(d->reason)) == -1)
		return 1;
	if (lit(&s, ",\"detail\":{") == 0) {
		rc = scan_detail(&s, d, fn, arg);
		if (rc != 0)
			return rc;
	}
	if (lit(&s, "}") == -1 || s.p != s.end)
		return 1;
	if (time_ms_parse(&d->time_ms, stamp) == -1)
		return 1;
	d->actor_kind = kind_parse(kind);
	if (d->actor_kind == -1)
		return 1;
	if (strcmp(outcome, "allowed") == 0)
		d->allowed = 1;
	else if (strcmp(outcome, "denied") != 0)
		return 1;
	return 0;
}

int
entry_scan(struct entry *d, int64_t index, const char *bytes, size_t len)
{
	return scan(d, index, bytes, len, NULL, NULL);
}

int
entry_read(struct entry *d, int64_t index, const char *bytes, size_t len)
{
	int rc = entry_scan(d, index, bytes, len);

	return rc == 1 ? entry_parse(d, index, bytes, len) : rc;
}

/* ---- entries from outside ---- */

/* Prefixes e's message with where the field sits. */
static int
inside(struct err *e, const char *where)
{
	char msg[ERR_MSG_MAX];

	str_copy(msg, sizeof(msg), e->msg);
	(void)str_printf(e->msg, sizeof(e->msg), "in '%s': %s", where, msg);
	return -1;
}

/* An optional string field of at most size - 1 bytes (or null). */
static int
opt_str(const json_t *o, const char *key, size_t size, struct err *e)
{
	const char *s;

	return jx_str(&s, o, key, 1, size - 1, JX_CLEAN, e);
}

static int
check_actor(const json_t *actor, struct err *e)
{
	static const char *const keys[] = {"kind", "id", "vendor", NULL};
	const char *kinds[ACTOR_KIND_COUNT + 1];
	int i, kind;

	if (actor == NULL)
		return err_bad_request(e, "field 'actor' is required");
	if (!json_is_object(actor))
		return err_bad_request(e, "field 'actor' must be an object");
	for (i = 0; i < ACTOR_KIND_COUNT; i++)
		kinds[i] = actor_kind_name(i);
	kinds[ACTOR_KIND_COUNT] = NULL;
	if (jx_only(actor, keys, e) == -1 ||
	    jx_enum(&kind, actor, "kind", kinds, JX_REQUIRED, e) == -1 ||
	    opt_str(actor, "id", ID_MAX, e) == -1 ||
	    opt_str(actor, "vendor", ID_MAX, e) == -1)
		return inside(e, "actor");
	return 0;
}

int
entry_check(const char *bytes, size_t len, struct err *e)
{
	static const char *const keys[] = {"v", "time", "actor", "session",
	    "device", "source", "action", "tenant", "target", "outcome",
	    "reason", "detail", NULL};
	static const char *const outcomes[] = {"denied", "allowed", NULL};
	const json_t *detail;
	const char *s;
	int64_t v = 0, ms;
	int outcome, rc = -1;
	json_t *o;

	if (len == 0 || bytes[0] != '{')
		return err_bad_request(e, "an event must be a JSON object");
	if (len > ENTRY_MAX)
		return err_bad_request(e, "an entry is at most %d bytes",
		    ENTRY_MAX);
	o = jx_parse_object(bytes, len, e);
	if (o == NULL)
		return -1;
	if (jx_only(o, keys, e) == -1 ||
	    jx_int(&v, o, "v", 1, 1, JX_REQUIRED, e) == -1 ||
	    jx_str(&s, o, "time", 1, ENTRY_TIME_MAX, JX_REQUIRED | JX_CLEAN,
	    e) == -1)
		goto out;
	if (time_ms_parse(&ms, s) == -1) {
		err_bad_request(e, "field 'time' must be an RFC 3339 time");
		goto out;
	}
	if (check_actor(json_object_get(o, "actor"), e) == -1 ||
	    opt_str(o, "session", ID_MAX, e) == -1 ||
	    opt_str(o, "device", ID_MAX, e) == -1 ||
	    opt_str(o, "tenant", ID_MAX, e) == -1 ||
	    opt_str(o, "source", REC_ADDR_MAX, e) == -1 ||
	    jx_str(&s, o, "action", 1, ENTRY_ACTION_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, e) == -1 ||
	    opt_str(o, "target", EVENT_TARGET_MAX, e) == -1 ||
	    jx_enum(&outcome, o, "outcome", outcomes, JX_REQUIRED, e) == -1 ||
	    opt_str(o, "reason", EVENT_REASON_MAX, e) == -1)
		goto out;
	detail = json_object_get(o, "detail");
	if (detail != NULL && !json_is_null(detail) &&
	    !json_is_object(detail)) {
		err_bad_request(e, "field 'detail' must be an object");
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

int
entry_detail(const char *bytes, size_t len, entry_detail_fn fn, void *arg)
{
	struct entry d;
	const json_t *detail;
	const char *k;
	json_t *o, *v;
	int rc = -1;

	/* In place only when all of it is canonical: fn is then called
	 * once per key, never for a part the fallback would repeat. */
	if (entry_scan(&d, 0, bytes, len) == 0)
		return scan(&d, 0, bytes, len, fn, arg) == 0 ? 0 : -1;
	if (entry_parse(&d, 0, bytes, len) == -1)
		return -1;
	o = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, NULL);
	detail = json_object_get(o, "detail");
	json_object_foreach((json_t *)(uintptr_t)detail, k, v)
		if (fn(arg, k, strlen(k), json_string_value(v),
		    json_string_length(v)) == -1)
			goto out;
	rc = 0;
out:
	json_decref(o);
	return rc;
}
