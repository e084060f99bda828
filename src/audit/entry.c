/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* log entries are public bytes */
#include "audit/entry.h"

#include <jansson.h>
#include <string.h>

#include "common/clock.h"
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

/* An entry's time as event.c writes it ("2026-11-21T05:42:43.401Z"), in
 * milliseconds; -1 when it is not one. */
static int
time_ms_parse(int64_t *ms, const char *text)
{
	char stamp[RFC3339_LEN];
	int64_t secs;
	size_t i;

	if (strlen(text) != 24 || text[19] != '.' || text[23] != 'Z')
		return -1;
	for (i = 20; i < 23; i++)
		if (text[i] < '0' || text[i] > '9')
			return -1;
	memcpy(stamp, text, 19);
	memcpy(stamp + 19, "Z", 2);
	if (time_parse(&secs, stamp) == -1)
		return -1;
	*ms = secs * 1000 + (text[20] - '0') * 100 + (text[21] - '0') * 10 +
	    (text[22] - '0');
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
	char stamp[32];
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
#define DETAIL_KEYS_MAX 16

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
	if (s->p == s->end || *s->p != '"')
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

int
entry_scan(struct entry *d, int64_t index, const char *bytes, size_t len)
{
	static const char *const keys[] = {",\"session\":", ",\"device\":",
	    ",\"source\":", ",\"action\":", ",\"tenant\":", ",\"target\":"};
	struct scan s = {bytes, bytes + len};
	char kind[24], outcome[12], stamp[32], key[24], value[8];
	char *dst[6];
	size_t sizes[6], i;

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
		/* An object of strings whose keys are unique, as jansson
		 * demands; more keys than custos writes: not canonical. */
		char seen[DETAIL_KEYS_MAX][24];
		size_t nseen = 0, k;

		while (lit(&s, "}") == -1) {
			if ((nseen > 0 && lit(&s, ",") == -1) ||
			    nseen == DETAIL_KEYS_MAX ||
			    str_only(&s, key, sizeof(key)) == -1 ||
			    lit(&s, ":") == -1)
				return 1;
			for (k = 0; k < nseen; k++)
				if (strcmp(seen[k], key) == 0)
					return 1;
			memcpy(seen[nseen++], key, sizeof(key));
			if (strcmp(key, "engineer") == 0) {
				if (str_only(&s, d->engineer,
				    sizeof(d->engineer)) == -1)
					return 1;
			} else if (strcmp(key, "imported") == 0) {
				if (str_only(&s, value, sizeof(value)) == -1)
					return 1;
				d->imported = 1;
			} else if (str_only(&s, NULL, 0) == -1) {
				return 1;
			}
		}
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
entry_read(struct entry *d, int64_t index, const char *bytes, size_t len)
{
	int rc = entry_scan(d, index, bytes, len);

	return rc == 1 ? entry_parse(d, index, bytes, len) : rc;
}
