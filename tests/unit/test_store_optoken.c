/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the store's named operator tokens (issue 14, migration
 * 21) on a real SQLite store (access_fixture.h): found by hash, by id and
 * by name (the live one first); a name unique among live tokens only;
 * revoked once; last_used only moves forward; listed oldest first; and a
 * rotation of the root token ends only the root token holder's console
 * sessions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "audit/action.h"
#include "auth/optoken.h"

#include <sodium.h>

/* One writer op, run through the writer as custosd does. */
struct wop {
	const struct store_ops *ops;
	int which;
	const void *rec;
	const char *id;
	int64_t when;
	int64_t n;
	int rc;                 /* what the op said */
};

enum { W_INSERT, W_REVOKE, W_TOUCH, W_END_ROOT, W_SESSION };

static int
wop_do(struct wop *w, struct store_conn *c, struct err *e)
{
	switch (w->which) {
	case W_INSERT:
		return w->ops->optoken_insert(c, w->rec, e);
	case W_REVOKE:
		return w->ops->optoken_revoke(c, w->id, w->when, "operator", e);
	case W_TOUCH:
		return w->ops->optoken_touch(c, w->id, w->when, e);
	case W_END_ROOT:
		return w->ops->session_end_root_operator(c, &w->n, e);
	default:
		return w->ops->session_insert(c, w->rec, e);
	}
}

static int
wop_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct wop *w = arg;

	w->rc = wop_do(w, c, e);
	return w->rc;
}

/* The op's result (0, 1) or -1 with e's status in *status. */
static int
run(struct fx *f, struct wop *w, int *status)
{
	struct store_job job = {wop_apply, NULL, w};
	struct err e;
	int rc;

	w->ops = f->ops;
	err_init(&e);
	rc = store_write(f->s, &job, NULL, &e);
	if (status != NULL)
		*status = e.status;
	return rc == -1 ? -1 : w->rc;
}

static void
token(struct rec_optoken *r, const char *id, const char *name, int scope,
    int64_t created)
{
	char secret[TOKEN_MAX + 1];

	memset(r, 0, sizeof(*r));
	str_copy(r->id, sizeof(r->id), id);
	str_copy(r->name, sizeof(r->name), name);
	r->scope = scope;
	r->created = created;
	str_copy(r->created_by, sizeof(r->created_by), "operator");
	assert_int_equal(optoken_make(secret, sizeof(secret), r->token_hash),
	    0);
}

static int
put(struct fx *f, const struct rec_optoken *r, int *status)
{
	struct wop w = {.which = W_INSERT, .rec = r};

	return run(f, &w, status);
}

static int
get(struct fx *f, const char *key, struct rec_optoken *out)
{
	struct store_conn *c = fx_reader(f);
	struct err e;
	int rc;

	err_init(&e);
	rc = f->ops->optoken_get(c, key, out, &e);
	store_reader_put(f->s, c);
	return rc;
}

static void
found_by_hash_id_and_name(void **state)
{
	struct fx *f = *state;
	struct rec_optoken a, got;
	struct store_conn *c;
	uint8_t other[TOKEN_HASH_LEN];
	struct err e;

	token(&a, "opt_a", "ci", OPSCOPE_DIRECTORY, FX_NOW);
	a.expires = FX_NOW + 3600;
	assert_int_equal(put(f, &a, NULL), 0);
	c = fx_reader(f);
	err_init(&e);
	assert_int_equal(f->ops->optoken_get_hash(c, a.token_hash, &got, &e),
	    0);
	assert_string_equal(got.id, "opt_a");
	assert_string_equal(got.name, "ci");
	assert_int_equal(got.scope, OPSCOPE_DIRECTORY);
	assert_int_equal(got.expires, FX_NOW + 3600);
	assert_int_equal(got.revoked, 0);
	assert_int_equal(got.last_used, 0);
	memcpy(other, a.token_hash, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(f->ops->optoken_get_hash(c, other, &got, &e), 1);
	store_reader_put(f->s, c);
	assert_int_equal(get(f, "opt_a", &got), 0);
	assert_string_equal(got.name, "ci");
	assert_int_equal(get(f, "ci", &got), 0);
	assert_string_equal(got.id, "opt_a");
	assert_int_equal(get(f, "nobody", &got), 1);
}

static void
names_are_unique_among_live_tokens(void **state)
{
	struct fx *f = *state;
	struct rec_optoken a, b, got;
	struct wop w = {.which = W_REVOKE, .id = "opt_1", .when = FX_NOW + 5};
	int status = 0;

	token(&a, "opt_1", "soc", OPSCOPE_RESPONDER, FX_NOW);
	token(&b, "opt_2", "soc", OPSCOPE_AUDITOR, FX_NOW + 10);
	assert_int_equal(put(f, &a, NULL), 0);
	assert_int_equal(put(f, &b, &status), -1);
	assert_int_equal(status, 409);
	/* Revoked once; then the name is free again. */
	assert_int_equal(run(f, &w, NULL), 0);
	assert_int_equal(run(f, &w, NULL), 1);
	assert_int_equal(get(f, "opt_1", &got), 0);
	assert_int_equal(got.revoked, FX_NOW + 5);
	assert_string_equal(got.revoked_by, "operator");
	assert_int_equal(get(f, "soc", &got), 0);
	assert_string_equal(got.id, "opt_1");         /* only one: revoked */
	assert_int_equal(put(f, &b, NULL), 0);
	assert_int_equal(get(f, "soc", &got), 0);
	assert_string_equal(got.id, "opt_2");         /* the live one first */
	/* The same secret twice is refused. */
	str_copy(a.id, sizeof(a.id), "opt_3");
	str_copy(a.name, sizeof(a.name), "other");
	assert_int_equal(put(f, &a, &status), -1);
	assert_int_equal(status, 409);
}

static void
last_used_moves_forward_only(void **state)
{
	struct fx *f = *state;
	struct rec_optoken a, got;
	struct wop w = {.which = W_TOUCH, .id = "opt_t", .when = FX_NOW + 100};

	token(&a, "opt_t", "touchy", OPSCOPE_AUDITOR, FX_NOW);
	assert_int_equal(put(f, &a, NULL), 0);
	assert_int_equal(run(f, &w, NULL), 0);
	w.when = FX_NOW + 50;
	assert_int_equal(run(f, &w, NULL), 0);
	assert_int_equal(get(f, "opt_t", &got), 0);
	assert_int_equal(got.last_used, FX_NOW + 100);
}

static int
list_cb(void *arg, const struct rec_optoken *r)
{
	char *names = arg;

	str_printf(names + strlen(names), 64 - strlen(names), "%s,", r->name);
	return 0;
}

static void
listed_oldest_first(void **state)
{
	struct fx *f = *state;
	struct rec_optoken a;
	struct store_conn *c;
	char names[64] = "";
	struct err e;

	token(&a, "opt_y", "second", OPSCOPE_AUDITOR, FX_NOW + 2);
	assert_int_equal(put(f, &a, NULL), 0);
	token(&a, "opt_z", "first", OPSCOPE_AUDITOR, FX_NOW + 1);
	assert_int_equal(put(f, &a, NULL), 0);
	c = fx_reader(f);
	err_init(&e);
	assert_int_equal(f->ops->optoken_list(c, list_cb, names, &e), 0);
	store_reader_put(f->s, c);
	assert_string_equal(names, "first,second,");
}

static void
session(struct fx *f, const char *id, int principal, const char *who)
{
	struct rec_session s;
	struct wop w = {.which = W_SESSION, .rec = &s};

	memset(&s, 0, sizeof(s));
	str_copy(s.id, sizeof(s.id), id);
	randombytes_buf(s.token_hash, sizeof(s.token_hash));
	s.principal = principal;
	str_copy(s.principal_id, sizeof(s.principal_id), who);
	s.created = s.last_seen = FX_NOW;
	s.expires = FX_NOW + 3600;
	assert_int_equal(run(f, &w, NULL), 0);
}

static void
rotation_ends_only_the_root_holders_sessions(void **state)
{
	struct fx *f = *state;
	struct wop w = {.which = W_END_ROOT};
	struct rec_session got;
	struct store_conn *c;
	struct err e;

	session(f, "ses_root1", PRINCIPAL_OPERATOR, "operator");
	session(f, "ses_root2", PRINCIPAL_OPERATOR, "operator");
	session(f, "ses_person", PRINCIPAL_OPERATOR, "opr_alice");
	session(f, "ses_eng", PRINCIPAL_ENGINEER, "operator");
	assert_int_equal(run(f, &w, NULL), 0);
	assert_int_equal(w.n, 2);
	c = fx_reader(f);
	err_init(&e);
	assert_int_equal(f->ops->session_get_id(c, "ses_root1", &got, &e), 1);
	assert_int_equal(f->ops->session_get_id(c, "ses_person", &got, &e), 0);
	assert_int_equal(f->ops->session_get_id(c, "ses_eng", &got, &e), 0);
	store_reader_put(f->s, c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(found_by_hash_id_and_name,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    names_are_unique_among_live_tokens, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(last_used_moves_forward_only,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(listed_oldest_first, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    rotation_ends_only_the_root_holders_sessions, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests_name("unit.store_optoken", tests, NULL,
	    NULL);
}
