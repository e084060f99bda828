/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/login (an engineer's login) without HTTP, on a real
 * SQLite store: a session needs the right password, the registered device's
 * signature over the challenge and a valid TOTP code; a login id and a
 * TOTP code serve once; wrong passwords lock the account; a contained
 * engineer is refused, also when the containment comes between the steps;
 * a login id expires.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/login.h"
#include "auth_world.h"

static int
begin_apply(struct store_conn *c, const struct store_ops *o, void *run,
    struct err *e)
{
	return login_begin_apply(c, o, run, e);
}

static int
verify_apply(struct store_conn *c, const struct store_ops *o, void *run,
    struct err *e)
{
	return login_verify_apply(c, o, run, e);
}

/* Step one on a reader; the writer half too unless the gate refused. */
static int
begin(struct world *w, struct login_run *run, const char *user,
    const char *pw, const char *device, int64_t now, struct err *e)
{
	struct store_conn *c = world_reader(w);
	int rc;

	err_init(e);
	rc = login_begin(run, c, ops, &w->p, user, pw, device, W_SOURCE, now,
	    e);
	store_reader_put(w->s, c);
	if (rc == 0)
		world_apply(w, begin_apply, run);
	return rc;
}

/* Step two on a reader only (the writer half is the caller's). */
static int
verify_read(struct world *w, struct login_verify_run *run,
    const char *login_id, const char *code, const uint8_t *sig,
    int64_t now, char *token, struct err *e)
{
	struct store_conn *c = world_reader(w);
	int rc;

	err_init(e);
	rc = login_verify(run, c, ops, &w->p, login_id, code, sig, W_SOURCE,
	    now, token, TOKEN_MAX + 1, e);
	store_reader_put(w->s, c);
	return rc;
}

static void
sign(struct world *w, uint8_t sig[LOGIN_SIGNATURE_BYTES], const char *msg)
{
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg,
	    strlen(msg), w->dev_sk);
}

/* Both steps with the right factors at now; the reason the attempt was
 * refused for, or NULL with the session in *vrun and its token. */
static const char *
login_full(struct world *w, struct login_verify_run *vrun, int64_t now,
    char *token)
{
	struct login_run run;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	struct err e;

	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, now,
	    &e), 0);
	if (run.a.fail_reason != NULL)
		return run.a.fail_reason;
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, vrun, run.login.id,
	    world_code(&w->eng.totp, now), sig, now, token, &e), 0);
	world_apply(w, verify_apply, vrun);
	return vrun->a.fail_reason;
}

static void
login_needs_password_device_signature_and_totp(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run vrun;
	struct rec_session s;
	uint8_t sig[LOGIN_SIGNATURE_BYTES], hash[TOKEN_HASH_LEN];
	char token[TOKEN_MAX + 1], prefix[ID_MAX + 32];
	struct store_conn *c;
	struct err e;

	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, W_NOW,
	    &e), 0);
	assert_null(run.a.fail_reason);
	assert_string_equal(run.engineer_id, w->eng.id);
	assert_string_equal(run.vendor_id, w->vendor.id);
	str_printf(prefix, sizeof(prefix), LOGIN_CHALLENGE_PREFIX "%s:",
	    run.login.id);
	assert_memory_equal(run.login.challenge, prefix, strlen(prefix));
	assert_int_equal(run.login.expires, W_NOW + w->p.login_ttl);

	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id,
	    world_code(&w->eng.totp, W_NOW + 5), sig, W_NOW + 5, token, &e),
	    0);
	assert_null(vrun.a.fail_reason);
	world_apply(w, verify_apply, &vrun);
	assert_null(vrun.a.fail_reason);
	assert_true(world_session_exists(w, vrun.session.id));
	assert_string_equal(vrun.session.principal_id, w->eng.id);
	assert_string_equal(vrun.session.device_id, w->dev.id);
	assert_int_equal(vrun.session.principal, PRINCIPAL_ENGINEER);

	/* The store keeps the token's hash; the token finds the session. */
	token_hash(hash, token);
	assert_memory_equal(hash, vrun.session.token_hash, sizeof(hash));
	c = world_reader(w);
	assert_int_equal(ops->session_get(c, hash, &s, &e), 0);
	store_reader_put(w->s, c);
	assert_string_equal(s.id, vrun.session.id);
	login_verify_run_wipe(&vrun);
}

static void
login_refuses_each_missing_factor(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run vrun;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	char token[TOKEN_MAX + 1];
	struct err e, d;
	int64_t now = W_NOW;

	w->p.account.delay_after = w->p.account.lock_after = 100;
	assert_int_equal(begin(w, &run, "ada", "wrong password here",
	    w->dev.id, now, &e), 0);
	assert_string_equal(run.a.fail_reason, "bad_password");
	attempt_refusal(&run.a, &d);
	assert_int_equal(d.status, 401);
	assert_string_equal(d.msg, "invalid credentials");
	assert_string_equal(d.reason, "bad_password");

	assert_int_equal(begin(w, &run, "nobody", W_PASSWORD, w->dev.id, now,
	    &e), 0);
	assert_string_equal(run.a.fail_reason, "unknown_user");
	assert_string_equal(run.engineer_id, "");
	attempt_refusal(&run.a, &d);
	assert_string_equal(d.msg, "invalid credentials");

	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, "dev_not_hers",
	    now, &e), 0);
	assert_string_equal(run.a.fail_reason, "unregistered_device");
	assert_string_equal(run.login.id, "");

	/* A signature over anything but the challenge. */
	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, now,
	    &e), 0);
	assert_null(run.a.fail_reason);
	sign(w, sig, "custos-login-v1:something else");
	assert_int_equal(verify_read(w, &vrun, run.login.id,
	    world_code(&w->eng.totp, now), sig, now, token, &e), 0);
	assert_string_equal(vrun.a.fail_reason, "bad_device_signature");
	world_apply(w, verify_apply, &vrun);
	assert_false(world_session_exists(w, vrun.session.id));

	/* The right signature with a code from an hour ago. */
	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, now,
	    &e), 0);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id,
	    world_code(&w->eng.totp, now - 3600), sig, now, token, &e), 0);
	assert_string_equal(vrun.a.fail_reason, "bad_totp");
	world_apply(w, verify_apply, &vrun);
	assert_string_equal(vrun.a.fail_reason, "bad_totp");
	assert_false(world_session_exists(w, vrun.session.id));
}

static void
login_id_is_used_once(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run v1, v2;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	char t1[TOKEN_MAX + 1], t2[TOKEN_MAX + 1];
	const char *code = world_code(&w->eng.totp, W_NOW);
	struct err e;

	/* Two verifies of one login race: both pass on readers, the writer
	 * lets only the first through. */
	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, W_NOW,
	    &e), 0);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &v1, run.login.id, code, sig, W_NOW,
	    t1, &e), 0);
	assert_int_equal(verify_read(w, &v2, run.login.id, code, sig, W_NOW,
	    t2, &e), 0);
	assert_null(v1.a.fail_reason);
	assert_null(v2.a.fail_reason);
	world_apply(w, verify_apply, &v1);
	world_apply(w, verify_apply, &v2);
	assert_null(v1.a.fail_reason);
	assert_string_equal(v2.a.fail_reason, "login_used");
	assert_true(world_session_exists(w, v1.session.id));
	assert_false(world_session_exists(w, v2.session.id));

	/* Afterwards the id is unknown, even with a fresh code. */
	code = world_code(&w->eng.totp, W_NOW + 60);
	assert_int_equal(verify_read(w, &v2, run.login.id, code, sig,
	    W_NOW + 60, t2, &e), 0);
	assert_string_equal(v2.a.fail_reason, "unknown_login");
	world_apply(w, verify_apply, &v2);
	assert_false(world_session_exists(w, v2.session.id));
}

static void
login_totp_code_serves_once(void **state)
{
	struct world *w = *state;
	struct login_verify_run vrun;
	char token[TOKEN_MAX + 1];

	assert_null(login_full(w, &vrun, W_NOW, token));
	assert_string_equal(login_full(w, &vrun, W_NOW, token),
	    "totp_reused");
	assert_null(login_full(w, &vrun, W_NOW + 30, token));
}

static void
login_id_expires(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run vrun;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	char token[TOKEN_MAX + 1];
	int64_t later = W_NOW + w->p.login_ttl;
	struct err e;

	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, W_NOW,
	    &e), 0);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id,
	    world_code(&w->eng.totp, later), sig, later, token, &e), 0);
	assert_string_equal(vrun.a.fail_reason, "login_expired");
}

static void
wrong_passwords_lock_the_account(void **state)
{
	struct world *w = *state;
	struct login_verify_run vrun;
	struct login_run run;
	char token[TOKEN_MAX + 1];
	struct err e;
	int i;

	w->p.account.delay_after = 100;         /* only the lock */
	for (i = 0; i < w->p.account.lock_after; i++) {
		assert_int_equal(begin(w, &run, "ada", "not the password",
		    w->dev.id, W_NOW + i, &e), 0);
		assert_string_equal(run.a.fail_reason, "bad_password");
	}
	/* Locked: even the right password is refused before it is tried,
	 * and the refusal still names the account. */
	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id,
	    W_NOW + 10, &e), -1);
	assert_int_equal(e.status, 423);
	assert_string_equal(e.reason, "locked");
	assert_true(run.a.retry_after > 0);
	assert_string_equal(run.engineer_id, w->eng.id);
	/* Another account from the same address is not locked. */
	assert_int_equal(begin(w, &run, "nobody", W_PASSWORD, w->dev.id,
	    W_NOW + 10, &e), 0);
	/* After the lock, and a success forgets the failures. */
	assert_null(login_full(w, &vrun, W_NOW + 1000, token));
	assert_int_equal(begin(w, &run, "ada", "not the password",
	    w->dev.id, W_NOW + 1001, &e), 0);
	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id,
	    W_NOW + 1002, &e), 0);
	assert_null(run.a.fail_reason);
}

static void
contain(struct world *w, const char *id)
{
	struct rec_containment r;

	memset(&r, 0, sizeof(r));
	str_copy(r.id, sizeof(r.id), id);
	r.kind = CONTAIN_ENGINEER;
	str_copy(r.target, sizeof(r.target), w->eng.id);
	str_copy(r.engineer_id, sizeof(r.engineer_id), w->eng.id);
	str_copy(r.vendor_id, sizeof(r.vendor_id), w->vendor.id);
	str_copy(r.reason, sizeof(r.reason), "unit test containment");
	str_copy(r.created_by, sizeof(r.created_by), "operator");
	r.refuse_logins = 1;
	r.created = W_NOW - 1;
	WORLD_PUT(w, ops->containment_insert, &r);
}

static void
contained_engineer_is_refused(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct err e, d;

	contain(w, "cnt_unit");
	/* Without the password nobody learns of the containment. */
	assert_int_equal(begin(w, &run, "ada", "not the password",
	    w->dev.id, W_NOW, &e), 0);
	assert_string_equal(run.a.fail_reason, "bad_password");
	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, W_NOW,
	    &e), 0);
	assert_string_equal(run.a.fail_reason, "contained");
	assert_string_equal(run.a.contained, "cnt_unit");
	assert_string_equal(run.login.id, "");
	attempt_refusal(&run.a, &d);
	assert_int_equal(d.status, 403);
	assert_string_equal(d.code, "forbidden");
}

static void
containment_between_steps_refuses_verify(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run vrun;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	char token[TOKEN_MAX + 1];
	struct err e;

	assert_int_equal(begin(w, &run, "ada", W_PASSWORD, w->dev.id, W_NOW,
	    &e), 0);
	assert_null(run.a.fail_reason);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id,
	    world_code(&w->eng.totp, W_NOW), sig, W_NOW, token, &e), 0);
	assert_null(vrun.a.fail_reason);
	contain(w, "cnt_between");
	world_apply(w, verify_apply, &vrun);
	assert_string_equal(vrun.a.fail_reason, "contained");
	assert_string_equal(vrun.a.contained, "cnt_between");
	assert_false(world_session_exists(w, vrun.session.id));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)
		T(login_needs_password_device_signature_and_totp),
		T(login_refuses_each_missing_factor),
		T(login_id_is_used_once),
		T(login_totp_code_serves_once),
		T(login_id_expires),
		T(wrong_passwords_lock_the_account),
		T(contained_engineer_is_refused),
		T(containment_between_steps_refuses_verify),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
