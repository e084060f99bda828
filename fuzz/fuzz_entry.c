/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the readers of a log entry as the detection rules read it back
 * from the store: the fast in-place one (entry_scan) must give exactly
 * what the jansson one (entry_parse) gives whenever it does not step
 * aside; what is accepted is fed to the rule engine, with lookups that
 * answer from the input itself.  Nothing may crash, and every alert raised
 * names at least one entry and a known rule.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct engine_lookup lk = {NULL, hours, logins, devices};
	struct rules rs;
	struct entry d, fast;
	struct engine *en;
	int rc;
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
		rc = entry_scan(&fast, i, (const char *)p, (size_t)(nl - p));
		if (rc != 0 && rc != 1)
			abort();
		if (entry_parse(&d, i, (const char *)p, (size_t)(nl - p)) ==
		    0)
			engine_feed(en, &d, emit, NULL);
		else if (rc == 0)
			abort();        /* the fast reader took a non-entry */
		if (rc == 0 && memcmp(&fast, &d, sizeof(d)) != 0)
			abort();        /* ... or read one differently */
		p = nl + 1;
	}
	engine_free(en);
	return 0;
}
