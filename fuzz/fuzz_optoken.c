/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes what custos does with a named operator token's outside text
 * (issue 14): the name a caller gives (optoken_name_valid), the scope's
 * name (op_scope_by_name), the expiry (time_parse) and the scope check of
 * any action number (optoken_check_scope), each held to what it promises.
 *
 * Input: one byte of scope, two of action (little-endian, signed), then
 * the text, used as the name, the scope's name and the expiry.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "auth/optoken.h"
#include "common/clock.h"
#include "common/rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TEXT_MAX 256

static void
check_name(const char *s)
{
	int ok = optoken_name_valid(s);

	/* Valid only as a path-safe id of at most the limit, never an id
	 * of a token or the root token's actor id. */
	if (ok && (!id_valid(s) || strlen(s) > REC_OPTOKEN_NAME_MAX ||
	    s[0] == '.' || strncmp(s, "opt_", 4) == 0 ||
	    strcmp(s, "operator") == 0))
		abort();
}

static void
check_scope_name(const char *s)
{
	int k = op_scope_by_name(s);

	if (k == -1)
		return;
	if (k < 0 || k >= OPSCOPE_COUNT || strcmp(op_scope_name(k), s) != 0)
		abort();
}

static void
check_scope(int scope, int action)
{
	struct rec_optoken r;
	struct err e;
	int rc;

	memset(&r, 0, sizeof(r));
	memcpy(r.name, "fuzz", 5);
	r.scope = scope;
	err_init(&e);
	rc = optoken_check_scope(&r, action, &e);
	if (rc == 0 && !action_scope_allows(scope, action))
		abort();
	if (rc == -1 && (action_scope_allows(scope, action) ||
	    e.status != 403 || e.reason == NULL ||
	    strcmp(e.reason, "operator_scope") != 0))
		abort();
	if (rc != 0 && rc != -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[TEXT_MAX + 1];
	int64_t t;
	size_t n;
	int scope, action;

	if (size < 3)
		return 0;
	scope = (int)(int8_t)data[0];
	action = (int)(int16_t)(data[1] | (data[2] << 8));
	n = size - 3 > TEXT_MAX ? TEXT_MAX : size - 3;
	memcpy(text, data + 3, n);
	text[n] = '\0';
	check_name(text);
	check_scope_name(text);
	check_scope(scope, action);
	if (time_parse(&t, text) == 0) {
		char back[RFC3339_LEN];

		time_format(back, t);   /* any parsed time formats */
	}
	return 0;
}
