/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes rules_set, the parser of the detection rules' settings in the
 * config file ("rule-NAME = key=value ...").  The input is split at the
 * first newline into key and value.  An accepted setting leaves every rule
 * within its documented bounds; a refusal is a 400 and leaves the rules as
 * they were.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct rules *rs)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++) {
		const struct rule *r = &rs->r[i];

		if ((r->enabled != 0 && r->enabled != 1) ||
		    r->severity < SEV_LOW || r->severity > SEV_CRITICAL ||
		    r->threshold < 1 || r->threshold > 100000 ||
		    r->window < 60 || r->window > 7 * 86400 ||
		    r->contain < RC_NONE || r->contain >= RC_COUNT)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules rs, before;
	char text[1024], *nl;
	struct err e;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	if (nl == NULL)
		return 0;
	*nl = '\0';
	rules_defaults(&rs);
	before = rs;
	err_init(&e);
	if (rules_set(&rs, text, nl + 1, &e) == -1) {
		if (e.status != 400 || memcmp(&rs, &before, sizeof(rs)) != 0)
			abort();
		return 0;
	}
	check(&rs);
	return 0;
}
