/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/tenant_login without HTTP, on a real SQLite store: an
 * enrolled account needs password and TOTP (refusals and their reasons);
 * an account without a second factor enrols a fresh secret, which the
 * first valid code completes; a code serves once; wrong passwords lock the
 * account.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/tenant_login.h"
#include "auth_world.h"

struct attempt_out {
	struct tenant_login_run run;
	char token[TOKEN_MAX + 1];
	char uri[TENANT_LOGIN_URI_MAX];
	struct err e;
};

static int
login_apply(struct store_conn *c, const struct store_ops *o, void *run,
    struct err *e)
{
	return tenant_login_apply(c, o, run, e);
}

/* Both halves, the writer's unless the reader's refused at once. */
static int
try_login(struct world *w, struct attempt_out *x, const char *tenant,
    const char *user, const char *pw, const char *code, int64_t now)
{
	struct store_conn *c = world_reader(w);
	int rc;

	memset(x, 0, sizeof(*x));
	err_init(&x->e);
	rc = tenant_login(&x->run, c, ops, &w->p, tenant, user, pw, code,
	    W_SOURCE, now, x->token, sizeof(x->token), x->uri, sizeof(x->uri),
	    &x->e);
	store_reader_put(w->s, c);
	if (rc == 0)
		world_apply(w, login_apply, &x->run);
	attempt_release(&x->run.a);
	return rc;
}

static void
enrolled_account_needs_password_and_totp(void **state)
{
	struct world *w = *state;
	struct attempt_out x;
	struct err d;
	int64_t now = W_NOW;

	w->p.account.delay_after = w->p.account.lock_after = 100;
	assert_int_equal(try_login(w, &x, w->tenant.id, "hank", W_PASSWORD,
	    world_code(&w->admin.totp, now), now), 0);
	assert_null(x.run.a.fail_reason);
	assert_false(x.run.enrol);
	assert_true(world_session_exists(w, x.run.session.id));
	assert_int_equal(x.run.session.principal, PRINCIPAL_TENANT_USER);
	assert_string_equal(x.run.session.principal_id, w->admin.id);
	assert_string_equal(x.run.session.tenant_id, w->tenant.id);
	assert_int_equal(x.run.user.role, ROLE_ADMIN);
	assert_memory_equal(x.token, "cse_", 4);

	now += 30;
	assert_int_equal(try_login(w, &x, w->tenant.id, "hank", W_PASSWORD,
	    NULL, now), 0);
	assert_string_equal(x.run.a.fail_reason, "totp_required");
	attempt_refusal(&x.run.a, &d);
	assert_int_equal(d.status, 401);
	/* The same answer and entry reason as a wrong password. */
	assert_string_equal(d.msg, "invalid credentials");
	assert_string_equal(d.reason, ATTEMPT_UNIFORM_REASON);
	assert_string_equal(x.uri, "");

	assert_int_equal(try_login(w, &x, w->tenant.id, "hank", W_PASSWORD,
	    world_code(&w->admin.totp, now - 3600), now), 0);
	assert_string_equal(x.run.a.fail_reason, "bad_totp");
	assert_false(world_session_exists(w, x.run.session.id));

	assert_int_equal(try_login(w, &x, w->tenant.id, "hank",
	    "not the password", world_code(&w->admin.totp, now), now), 0);
	assert_string_equal(x.run.a.fail_reason, "bad_password");
	attempt_refusal(&x.run.a, &d);
	assert_string_equal(d.msg, "invalid credentials");

	assert_int_equal(try_login(w, &x, w->tenant.id, "nobody", W_PASSWORD,
	    "123456", now), 0);
	assert_string_equal(x.run.a.fail_reason, "unknown_user");
	assert_false(x.run.found);
	assert_int_equal(try_login(w, &x, "ten_nowhere", "hank", W_PASSWORD,
	    "123456", now), 0);
	assert_string_equal(x.run.a.fail_reason, "unknown_user");
}

static void
tenant_totp_code_serves_once(void **state)
{
	struct world *w = *state;
	struct attempt_out x;
	const char *code = world_code(&w->admin.totp, W_NOW);

	assert_int_equal(try_login(w, &x, w->tenant.id, "hank", W_PASSWORD,
	    code, W_NOW), 0);
	assert_null(x.run.a.fail_reason);
	assert_int_equal(try_login(w, &x, w->tenant.id, "hank", W_PASSWORD,
	    code, W_NOW), 0);
	assert_string_equal(x.run.a.fail_reason, "totp_reused");
	assert_false(world_session_exists(w, x.run.session.id));
}

static void
unenrolled_account_enrols_then_logs_in(void **state)
{
	struct world *w = *state;
	struct attempt_out x;
	struct rec_user u;
	char want[64];

	/* No second factor and no code: a fresh secret, no session. */
	assert_int_equal(try_login(w, &x, w->tenant.id, "marge", W_PASSWORD,
	    NULL, W_NOW), 0);
	assert_null(x.run.a.fail_reason);
	assert_true(x.run.enrol);
	assert_string_equal(x.run.session.id, "");
	assert_string_equal(x.token, "");
	assert_memory_equal(x.uri, "otpauth://totp/", 15);
	str_printf(want, sizeof(want), "issuer=%s", w->p.issuer);
	assert_non_null(strstr(x.uri, want));
	world_user_get(w, w->user.id, &u);
	assert_false(u.mfa_enrolled);
	assert_int_equal(u.totp.len, TOTP_SECRET_BYTES);
	assert_memory_equal(u.totp.secret, x.run.user.totp.secret, u.totp.len);

	/* A code from another secret does not complete it. */
	assert_int_equal(try_login(w, &x, w->tenant.id, "marge", W_PASSWORD,
	    world_code(&w->admin.totp, W_NOW + 30), W_NOW + 30), 0);
	assert_string_equal(x.run.a.fail_reason, "bad_totp");

	/* The first valid code of the new secret completes enrolment. */
	assert_int_equal(try_login(w, &x, w->tenant.id, "marge", W_PASSWORD,
	    world_code(&u.totp, W_NOW + 60), W_NOW + 60), 0);
	assert_null(x.run.a.fail_reason);
	assert_false(x.run.enrol);
	assert_true(world_session_exists(w, x.run.session.id));
	assert_int_equal(x.run.user.role, ROLE_USER);
	world_user_get(w, w->user.id, &u);
	assert_true(u.mfa_enrolled);

	/* Enrolled now: no code is no longer an enrolment. */
	assert_int_equal(try_login(w, &x, w->tenant.id, "marge", W_PASSWORD,
	    NULL, W_NOW + 90), 0);
	assert_string_equal(x.run.a.fail_reason, "totp_required");
	rec_user_wipe(&u);
}

static void
tenant_wrong_passwords_lock_the_account(void **state)
{
	struct world *w = *state;
	struct attempt_out x;
	int i;

	w->p.account.delay_after = 100;
	for (i = 0; i < w->p.account.lock_after; i++) {
		assert_int_equal(try_login(w, &x, w->tenant.id, "hank",
		    "not the password", NULL, W_NOW + i), 0);
		assert_string_equal(x.run.a.fail_reason, "bad_password");
	}
	assert_int_equal(try_login(w, &x, w->tenant.id, "hank", W_PASSWORD,
	    world_code(&w->admin.totp, W_NOW + 10), W_NOW + 10), -1);
	assert_int_equal(x.e.status, 423);
	assert_string_equal(x.e.reason, "locked");
	assert_true(x.run.a.retry_after > 0);
	assert_int_equal(try_login(w, &x, w->tenant.id, "hank", W_PASSWORD,
	    world_code(&w->admin.totp, W_NOW + 1000), W_NOW + 1000), 0);
	assert_null(x.run.a.fail_reason);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)
		T(enrolled_account_needs_password_and_totp),
		T(tenant_totp_code_serves_once),
		T(unenrolled_account_enrols_then_logs_in),
		T(tenant_wrong_passwords_lock_the_account),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
