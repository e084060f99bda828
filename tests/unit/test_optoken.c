/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/optoken and the scopes of the action table (issue 14):
 * a token's shape and hash, names, states, and which scope may use which
 * action, checked against rules written here from the design (OPS.md),
 * not copied from action.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "audit/action.h"
#include "auth/optoken.h"
#include "common/err.h"
#include "common/rand.h"

#define DIR_ OPSCOPE_BIT(OPSCOPE_DIRECTORY)
#define RESP OPSCOPE_BIT(OPSCOPE_RESPONDER)
#define AUD OPSCOPE_BIT(OPSCOPE_AUDITOR)

static void
made_token_is_shaped_like_the_root_token_and_hashed(void **state)
{
	char a[TOKEN_MAX + 1], b[TOKEN_MAX + 1];
	uint8_t ha[TOKEN_HASH_LEN], hb[TOKEN_HASH_LEN], h[TOKEN_HASH_LEN];

	(void)state;
	assert_int_equal(optoken_make(a, sizeof(a), ha), 0);
	assert_int_equal(optoken_make(b, sizeof(b), hb), 0);
	assert_int_equal(strlen(a), 4 + 52);
	assert_memory_equal(a, "cop_", 4);
	assert_int_equal(strspn(a + 4, "abcdefghijklmnopqrstuvwxyz234567"),
	    52);
	assert_string_not_equal(a, b);
	token_hash(h, a);
	assert_memory_equal(h, ha, TOKEN_HASH_LEN);
	assert_memory_not_equal(ha, hb, TOKEN_HASH_LEN);
	/* Too small a buffer: refused, and nothing of a secret is left. */
	memset(b, 'x', sizeof(b));
	assert_int_equal(optoken_make(b, 20, hb), -1);
	assert_int_equal(b[0], '\0');
}

static void
ids_are_distinct_and_prefixed(void **state)
{
	char a[ID_MAX], b[ID_MAX];

	(void)state;
	optoken_id_new(a);
	optoken_id_new(b);
	assert_memory_equal(a, "opt_", 4);
	assert_true(id_valid(a));
	assert_string_not_equal(a, b);
	/* An id is never a valid name: a path takes either. */
	assert_false(optoken_name_valid(a));
}

static void
names_are_path_safe_and_not_ids(void **state)
{
	char longest[REC_OPTOKEN_NAME_MAX + 2];

	(void)state;
	assert_true(optoken_name_valid("ci-deploy"));
	assert_true(optoken_name_valid("soc.night_shift-2"));
	assert_false(optoken_name_valid(""));
	assert_false(optoken_name_valid("a/b"));
	assert_false(optoken_name_valid("a b"));
	assert_false(optoken_name_valid(".."));
	assert_false(optoken_name_valid("opt_abc"));
	assert_false(optoken_name_valid("operator"));
	memset(longest, 'n', sizeof(longest));
	longest[REC_OPTOKEN_NAME_MAX] = '\0';
	assert_true(optoken_name_valid(longest));
	longest[REC_OPTOKEN_NAME_MAX] = 'n';
	longest[REC_OPTOKEN_NAME_MAX + 1] = '\0';
	assert_false(optoken_name_valid(longest));
}

static void
states_follow_revocation_and_expiry(void **state)
{
	struct rec_optoken r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(optoken_state(&r, 1000), OPTOKEN_LIVE);
	r.expires = 2000;
	assert_int_equal(optoken_state(&r, 1999), OPTOKEN_LIVE);
	assert_int_equal(optoken_state(&r, 2000), OPTOKEN_EXPIRED);
	r.revoked = 1500;
	assert_int_equal(optoken_state(&r, 1000), OPTOKEN_REVOKED);
	assert_int_equal(optoken_state(&r, 3000), OPTOKEN_REVOKED);
}

/* The directory's objects (OPS.md: the directory scope changes them). */
static int
directory_object(const char *name)
{
	static const char *const prefixes[] = {"vendor.", "engineer.",
	    "device.", "tenant.", "user.", "ticket.", "invitation.", NULL};
	int k;

	for (k = 0; prefixes[k] != NULL; k++)
		if (strncmp(name, prefixes[k], strlen(prefixes[k])) == 0)
			return 1;
	return strcmp(name, "import") == 0;
}

/* Rules from the design: who may do what beyond the reads. */
static unsigned
expected_scopes(int a)
{
	const struct action_def *d = action_get(a);
	int r, get_only = 1;

	switch (a) {
	case ACT_OPERATOR_TOKEN_CREATE:
	case ACT_OPERATOR_TOKEN_LIST:
	case ACT_OPERATOR_TOKEN_REVOKE:
	case ACT_OPERATOR_TOKEN_ROTATE_ROOT:
	case ACT_OPERATOR_CREATE:
	case ACT_BREAK_GLASS:
		return 0;
	case ACT_SCOPE:
		return DIR_ | RESP | AUD;
	case ACT_ENGINEER_HOURS:        /* detection's input, an engineer's */
		return DIR_ | RESP;
	case ACT_CONTAINMENT:
	case ACT_CONTAINMENT_LIFT:
	case ACT_INCIDENT_CREATE:
	case ACT_INCIDENT_PUBLISH:      /* telling the tenants: the incident's */
		return RESP;
	default:
		break;
	}
	for (r = 0; r < ACTION_ROUTES_MAX && d->routes[r].method != NULL; r++)
		if (strcmp(d->routes[r].method, "GET") != 0)
			get_only = 0;
	if (!d->write && get_only && d->routes[0].method != NULL)
		return DIR_ | RESP | AUD;
	/* A change of the directory's: the directory admin's. */
	return directory_object(d->name) ? DIR_ : 0;
}

static void
every_operator_action_has_the_expected_scopes(void **state)
{
	int a;

	(void)state;
	for (a = 0; a < ACT_COUNT; a++) {
		if (!action_allows(ACTOR_OPERATOR, a))
			continue;
		if (action_scopes(a) != expected_scopes(a))
			fail_msg("%s: scopes %#x, expected %#x",
			    action_get(a)->name, action_scopes(a),
			    expected_scopes(a));
	}
}

static void
auditor_may_change_nothing(void **state)
{
	int a, k;

	(void)state;
	for (a = 0; a < ACT_COUNT; a++) {
		const struct action_def *d = action_get(a);

		if (!action_scope_allows(OPSCOPE_AUDITOR, a) || a == ACT_SCOPE)
			continue;
		assert_false(d->write);
		for (k = 0; k < ACTION_ROUTES_MAX && d->routes[k].method !=
		    NULL; k++)
			assert_string_equal(d->routes[k].method, "GET");
	}
	assert_true(action_scope_allows(OPSCOPE_AUDITOR, ACT_SCOPE));
	assert_true(action_scope_allows(OPSCOPE_AUDITOR, ACT_LOG_ENTRIES));
	assert_false(action_scope_allows(OPSCOPE_AUDITOR, ACT_CONTAINMENT));
	assert_false(action_scope_allows(OPSCOPE_AUDITOR, ACT_VENDOR_CREATE));
}

static void
out_of_range_scopes_may_do_nothing(void **state)
{
	(void)state;
	assert_false(action_scope_allows(-1, ACT_VENDOR_LIST));
	assert_false(action_scope_allows(OPSCOPE_COUNT, ACT_VENDOR_LIST));
	assert_false(action_scope_allows(OPSCOPE_AUDITOR, -1));
	assert_false(action_scope_allows(OPSCOPE_AUDITOR, ACT_COUNT + 5));
	assert_null(op_scope_name(OPSCOPE_COUNT));
	assert_int_equal(op_scope_by_name("root"), -1);
	assert_int_equal(op_scope_by_name("auditor"), OPSCOPE_AUDITOR);
	assert_string_equal(op_scope_name(OPSCOPE_DIRECTORY), "directory");
	assert_string_equal(op_scope_name(OPSCOPE_RESPONDER), "responder");
}

static void
refusals_name_the_scope_needed(void **state)
{
	struct rec_optoken r;
	struct err e;

	(void)state;
	memset(&r, 0, sizeof(r));
	memcpy(r.name, "ci", 3);
	r.scope = OPSCOPE_AUDITOR;
	err_init(&e);
	assert_int_equal(optoken_check_scope(&r, ACT_VENDOR_LIST, &e), 0);
	assert_int_equal(optoken_check_scope(&r, ACT_ENGINEER_HOURS, &e), -1);
	assert_int_equal(e.status, 403);
	assert_string_equal(e.code, "forbidden");
	assert_string_equal(e.reason, "operator_scope");
	assert_non_null(strstr(e.msg, "directory or responder"));
	assert_non_null(strstr(e.msg, "'ci'"));
	assert_non_null(strstr(e.msg, "auditor"));
	err_init(&e);
	r.scope = OPSCOPE_DIRECTORY;
	assert_int_equal(optoken_check_scope(&r, ACT_OPERATOR_TOKEN_LIST, &e),
	    -1);
	assert_non_null(strstr(e.msg, "root operator token"));
	err_init(&e);
	assert_int_equal(optoken_check_scope(&r, ACT_VENDOR_CREATE, &e), 0);
}

static void
scope_words(void **state)
{
	char w[64];

	(void)state;
	optoken_scopes_text(w, sizeof(w), DIR_);
	assert_string_equal(w, "directory");
	optoken_scopes_text(w, sizeof(w), DIR_ | AUD);
	assert_string_equal(w, "directory or auditor");
	optoken_scopes_text(w, sizeof(w), DIR_ | RESP | AUD);
	assert_string_equal(w, "any scope");
	optoken_scopes_text(w, sizeof(w), 0);
	assert_string_equal(w, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    made_token_is_shaped_like_the_root_token_and_hashed),
		cmocka_unit_test(ids_are_distinct_and_prefixed),
		cmocka_unit_test(names_are_path_safe_and_not_ids),
		cmocka_unit_test(states_follow_revocation_and_expiry),
		cmocka_unit_test(every_operator_action_has_the_expected_scopes),
		cmocka_unit_test(auditor_may_change_nothing),
		cmocka_unit_test(out_of_range_scopes_may_do_nothing),
		cmocka_unit_test(refusals_name_the_scope_needed),
		cmocka_unit_test(scope_words),
	};

	return cmocka_run_group_tests_name("unit.optoken", tests, NULL, NULL);
}
