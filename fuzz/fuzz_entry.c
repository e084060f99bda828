/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the readers of a log entry as the detection rules read it back
 * from the store: the fast in-place one (entry_scan) must give exactly
 * what the jansson one (entry_parse) gives whenever it does not step
 * aside, field for field; entry_detail (in place when canonical) must pass
 * on exactly the keys and values jansson sees in the detail; entry_check
 * (the strict reader for imports) must take every canonical entry, and
 * what it takes entry_parse must read.  What is accepted is fed to the
 * rule engine, with lookups that answer from the input itself.  Nothing
 * may crash, and every alert raised names at least one entry and a known
 * rule.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "audit/entry.h"
#include "detect/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
hours(void *ctx, const char *engineer, char *out, size_t size)
{
	(void)ctx;
	(void)engineer;
	return str_copy(out, size, "mon-fri 08:00-18:00 +01:00");
}

static int
logins(void *ctx, const char *engineer, int64_t from_s, int64_t before,
    void (*cb)(void *arg, const char *source), void *arg)
{
	(void)ctx;
	(void)engineer;
	(void)from_s;
	(void)before;
	cb(arg, "10.0.0.1");
	return 0;
}

static int
devices(void *ctx, const char *engineer, int64_t *n)
{
	(void)ctx;
	*n = (int64_t)strlen(engineer);
	return 0;
}

static void
emit(void *arg, const struct alert_raise *a)
{
	(void)arg;
	if (a->rule < 0 || a->rule >= RULE_COUNT || a->nentries == 0 ||
	    a->nentries > ALERT_ENTRIES_MAX)
		abort();
}

/* Appends one key and value (or "(none)") to the buffer in arg. */
static int
detail_add(void *arg, const char *key, size_t key_len, const char *value,
    size_t value_len)
{
	struct buf *b = arg;

	if (buf_append(b, key, key_len) == -1 || buf_append(b, "\0", 1) == -1)
		return -1;
	if (value == NULL)
		return buf_append(b, "(none)", 7);
	if (buf_append(b, value, value_len) == -1)
		return -1;
	return buf_append(b, "\0", 1);
}

/* The detail as jansson sees it, into b the way detail_add writes it. */
static void
detail_jansson(struct buf *b, const char *p, size_t n)
{
	json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES, NULL), *v;
	const char *k;

	json_object_foreach(json_object_get(o, "detail"), k, v)
		if (detail_add(b, k, strlen(k), json_string_value(v),
		    json_string_length(v)) == -1)
			abort();
	json_decref(o);
}

/* The readers on one line; a non-entry must be refused by all. */
static void
readers_agree(int64_t i, const char *p, size_t n, struct entry *d,
    int *ok)
{
	struct entry fast;
	struct buf got, want;
	struct err e;
	int rc;

	rc = entry_scan(&fast, i, p, n);
	if (rc != 0 && rc != 1)
		abort();
	*ok = entry_parse(d, i, p, n) == 0;
	if (rc == 0 && !*ok)
		abort();        /* the fast reader took a non-entry */
	if (rc == 0 && memcmp(&fast, d, sizeof(*d)) != 0)
		abort();        /* ... or read one differently */
	err_init(&e);
	if (entry_check(p, n, &e) == 0) {
		if (!*ok)
			abort();        /* strict took what the reader cannot */
	} else if (rc == 0) {
		abort();        /* a canonical entry refused on import */
	}
	if (!*ok)
		return;
	buf_init(&got, 1 << 20);
	buf_init(&want, 1 << 20);
	if (entry_detail(p, n, detail_add, &got) == -1)
		abort();
	detail_jansson(&want, p, n);
	if (got.len != want.len || (got.len > 0 &&
	    memcmp(got.data, want.data, got.len) != 0))
		abort();        /* the detail read in place differs */
	buf_cleanup(&want);
	buf_cleanup(&got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct engine_lookup lk = {NULL, hours, logins, devices};
	struct rules rs;
	struct entry d;
	struct engine *en;
	int ok;
	const uint8_t *p = data, *end = data + size, *nl;
	int64_t i = 0;

	rules_defaults(&rs);
	for (i = 0; i < RULE_COUNT; i++)
		rs.r[i].threshold = 1;
	en = engine_new(&rs, &lk);
	if (en == NULL)
		return 0;
	/* One entry per line, fed in order, as the log would be. */
	for (i = 0; p < end && i < 64; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		readers_agree(i, (const char *)p, (size_t)(nl - p), &d, &ok);
		if (ok)
			engine_feed(en, &d, emit, NULL);
		p = nl + 1;
	}
	engine_free(en);
	return 0;
}
