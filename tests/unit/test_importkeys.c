/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of api/importkeys.c (review 14, F6a) on a real SQLite store
 * (access_fixture.h): the set for the import's body cap holds the live
 * tokens whose scope may import and no other, follows a revocation once
 * reloaded, and honours an expiry without a reload.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "api/importkeys.h"
#include "audit/action.h"
#include "auth/optoken.h"

struct wop {
	const struct store_ops *ops;
	const struct rec_optoken *rec;  /* insert it, or */
	const char *revoke;             /* revoke this id */
};

static int
wop_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct wop *w = arg;

	if (w->rec != NULL)
		return w->ops->optoken_insert(c, w->rec, e);
	return w->ops->optoken_revoke(c, w->revoke, FX_NOW, "operator", e);
}

static void
write_op(struct fx *f, const struct rec_optoken *rec, const char *revoke)
{
	struct wop w = {f->ops, rec, revoke};
	struct store_job job = {wop_apply, NULL, &w};
	struct err e;

	err_init(&e);
	assert_int_equal(store_write(f->s, &job, NULL, &e), 0);
}

static void
token(struct fx *f, struct rec_optoken *r, const char *id, int scope,
    int64_t expires)
{
	char secret[TOKEN_MAX + 1];

	memset(r, 0, sizeof(*r));
	str_copy(r->id, sizeof(r->id), id);
	str_copy(r->name, sizeof(r->name), id + 4);
	r->scope = scope;
	r->created = FX_NOW;
	r->expires = expires;
	str_copy(r->created_by, sizeof(r->created_by), "operator");
	assert_int_equal(optoken_make(secret, sizeof(secret), r->token_hash),
	    0);
	write_op(f, r, NULL);
}

static void
load(struct fx *f, struct import_keys *k)
{
	struct store_conn *c = fx_reader(f);
	struct err e;

	err_init(&e);
	assert_int_equal(import_keys_load(k, c, f->ops, FX_NOW, &e), 0);
	store_reader_put(f->s, c);
}

static void
only_live_tokens_that_may_import(void **state)
{
	struct fx *f = *state;
	struct import_keys *k = import_keys_new();
	struct rec_optoken dir, brief, resp, aud, gone;

	assert_non_null(k);
	assert_true(action_scope_allows(OPSCOPE_DIRECTORY, ACT_IMPORT));
	token(f, &dir, "opt_dir", OPSCOPE_DIRECTORY, 0);
	token(f, &brief, "opt_brief", OPSCOPE_DIRECTORY, FX_NOW + 10);
	token(f, &resp, "opt_resp", OPSCOPE_RESPONDER, 0);
	token(f, &aud, "opt_aud", OPSCOPE_AUDITOR, 0);
	token(f, &gone, "opt_gone", OPSCOPE_DIRECTORY, 0);
	write_op(f, NULL, "opt_gone");
	/* Empty until loaded. */
	assert_int_equal(import_keys_has(k, dir.token_hash, FX_NOW), 0);
	load(f, k);
	assert_int_equal(import_keys_has(k, dir.token_hash, FX_NOW), 1);
	assert_int_equal(import_keys_has(k, brief.token_hash, FX_NOW), 1);
	assert_int_equal(import_keys_has(k, resp.token_hash, FX_NOW), 0);
	assert_int_equal(import_keys_has(k, aud.token_hash, FX_NOW), 0);
	assert_int_equal(import_keys_has(k, gone.token_hash, FX_NOW), 0);
	/* An expiry bites without a reload. */
	assert_int_equal(import_keys_has(k, brief.token_hash, FX_NOW + 10),
	    0);
	/* A revocation once reloaded. */
	write_op(f, NULL, "opt_dir");
	assert_int_equal(import_keys_has(k, dir.token_hash, FX_NOW), 1);
	load(f, k);
	assert_int_equal(import_keys_has(k, dir.token_hash, FX_NOW), 0);
	assert_int_equal(import_keys_has(k, brief.token_hash, FX_NOW), 1);
	import_keys_free(k);
	import_keys_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    only_live_tokens_that_may_import, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("unit.importkeys", tests, NULL,
	    NULL);
}
