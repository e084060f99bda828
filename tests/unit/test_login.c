/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/login (an engineer's login) without HTTP, on a real
 * SQLite store: the device first (step one tries nothing secret and
 * answers a decoy for an unknown user or device), then the signature,
 * the password and a valid TOTP code; a login id and a TOTP code serve
 * once; wrong passwords lock the account only once the device signed;
 * a contained engineer is refused, also when the containment comes
 * between the steps; a login id expires; failures before the last factor
 * are all recorded as bad_credentials.
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

/* Step one on a reader, and its writer half. */
static int
begin(struct world *w, struct login_run *run, const char *user,
    const char *device, int64_t now, struct err *e)
{
	struct store_conn *c = world_reader(w);
	int rc;

	err_init(e);
	rc = login_begin(run, c, ops, &w->p, user, device, W_SOURCE, now, e);
	store_reader_put(w->s, c);
	if (rc == 0)
		world_apply(w, begin_apply, run);
	attempt_release(&run->a);
	return rc;
}

/* Step two on a reader only (the writer half is the caller's). */
static int
verify_read(struct world *w, struct login_verify_run *run,
    const char *login_id, const char *pw, const char *code,
    const uint8_t *sig, int64_t now, char *token, struct err *e)
{
	struct store_conn *c = world_reader(w);
	int rc;

	err_init(e);
	rc = login_verify(run, c, ops, &w->p, login_id, pw, code, sig,
	    W_SOURCE, now, token, TOKEN_MAX + 1, e);
	store_reader_put(w->s, c);
	attempt_release(&run->a);
	return rc;
}

static void
sign(struct world *w, uint8_t sig[LOGIN_SIGNATURE_BYTES], const char *msg)
{
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg,
	    strlen(msg), w->dev_sk);
}

/* Both steps at now with password pw and the code of code_at, signed
 * when sign_it; the reason the attempt was refused for (NULL: a session
 * in *vrun), or "gate:<reason>" when the throttle refused. */
static const char *
login_try(struct world *w, struct login_verify_run *vrun, const char *pw,
    int sign_it, int64_t code_at, int64_t now, char *token)
{
	static char gate[64];
	struct login_run run;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	struct err e;

	assert_int_equal(begin(w, &run, "ada", w->dev.id, now, &e), 0);
	assert_true(run.real);
	if (sign_it)
		sign(w, sig, run.login.challenge);
	else
		sign(w, sig, "custos-login-v1:something else");
	if (verify_read(w, vrun, run.login.id, pw, world_code(&w->eng.totp,
	    code_at), sig, now, token, &e) == -1) {
		str_printf(gate, sizeof(gate), "gate:%s", e.reason);
		return gate;
	}
	world_apply(w, verify_apply, vrun);
	return vrun->a.fail_reason;
}

static const char *
login_full(struct world *w, struct login_verify_run *vrun, int64_t now,
    char *token)
{
	return login_try(w, vrun, W_PASSWORD, 1, now, now, token);
}

static void
login_needs_device_signature_password_and_totp(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run vrun;
	struct rec_session s;
	uint8_t sig[LOGIN_SIGNATURE_BYTES], hash[TOKEN_HASH_LEN];
	char token[TOKEN_MAX + 1], prefix[ID_MAX + 32];
	struct store_conn *c;
	struct err e;

	assert_int_equal(begin(w, &run, "ada", w->dev.id, W_NOW, &e), 0);
	assert_true(run.real);
	str_printf(prefix, sizeof(prefix), LOGIN_CHALLENGE_PREFIX "%s:",
	    run.login.id);
	assert_memory_equal(run.login.challenge, prefix, strlen(prefix));
	assert_int_equal(run.login.expires, W_NOW + w->p.login_ttl);

	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id, W_PASSWORD,
	    world_code(&w->eng.totp, W_NOW + 5), sig, W_NOW + 5, token, &e),
	    0);
	assert_null(vrun.a.fail_reason);
	world_apply(w, verify_apply, &vrun);
	assert_null(vrun.a.fail_reason);
	assert_true(world_session_exists(w, vrun.session.id));
	assert_string_equal(vrun.session.principal_id, w->eng.id);
	assert_string_equal(vrun.session.device_id, w->dev.id);
	assert_string_equal(vrun.engineer_id, w->eng.id);
	assert_string_equal(vrun.vendor_id, w->vendor.id);
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
step_one_answers_unknown_users_and_devices_with_a_decoy(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run vrun;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	char token[TOKEN_MAX + 1];
	struct err e, d;

	assert_int_equal(begin(w, &run, "nobody", w->dev.id, W_NOW, &e), 0);
	assert_false(run.real);
	assert_string_equal(run.why, "unknown_user");
	assert_int_not_equal(run.login.id[0], '\0');
	assert_int_equal(begin(w, &run, "ada", "dev_not_hers", W_NOW, &e),
	    0);
	assert_false(run.real);
	assert_string_equal(run.why, "unregistered_device");
	/* A decoy is stored nowhere: step two refuses it like a bad
	 * signature, with the same answer and entry reason. */
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id, W_PASSWORD,
	    world_code(&w->eng.totp, W_NOW), sig, W_NOW, token, &e), 0);
	assert_string_equal(vrun.a.fail_reason, "unknown_login");
	attempt_refusal(&vrun.a, &d);
	assert_int_equal(d.status, 401);
	assert_string_equal(d.msg, "invalid credentials");
	assert_string_equal(d.reason, ATTEMPT_UNIFORM_REASON);
}

static void
login_refuses_each_missing_factor_alike(void **state)
{
	struct world *w = *state;
	struct login_verify_run vrun;
	char token[TOKEN_MAX + 1];
	const char *want[] = {"bad_device_signature", "bad_password",
	    "bad_totp"};
	const char *got[3];
	struct err d;
	int i;

	w->p.account.delay_after = w->p.account.lock_after = 100;
	got[0] = login_try(w, &vrun, W_PASSWORD, 0, W_NOW, W_NOW, token);
	got[1] = login_try(w, &vrun, "wrong password here", 1, W_NOW, W_NOW,
	    token);
	got[2] = login_try(w, &vrun, W_PASSWORD, 1, W_NOW - 3600, W_NOW,
	    token);
	for (i = 0; i < 3; i++) {
		assert_string_equal(got[i], want[i]);
		vrun.a.fail_reason = got[i];
		attempt_refusal(&vrun.a, &d);
		assert_int_equal(d.status, 401);
		assert_string_equal(d.msg, "invalid credentials");
		assert_string_equal(d.reason, ATTEMPT_UNIFORM_REASON);
	}
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

	/* Two verifies of one login: both pass on readers, the writer lets
	 * only the first through. */
	assert_int_equal(begin(w, &run, "ada", w->dev.id, W_NOW, &e), 0);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &v1, run.login.id, W_PASSWORD, code,
	    sig, W_NOW, t1, &e), 0);
	assert_int_equal(verify_read(w, &v2, run.login.id, W_PASSWORD, code,
	    sig, W_NOW, t2, &e), 0);
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
	assert_int_equal(verify_read(w, &v2, run.login.id, W_PASSWORD, code,
	    sig, W_NOW + 60, t2, &e), 0);
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

	assert_int_equal(begin(w, &run, "ada", w->dev.id, W_NOW, &e), 0);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id, W_PASSWORD,
	    world_code(&w->eng.totp, later), sig, later, token, &e), 0);
	assert_string_equal(vrun.a.fail_reason, "login_expired");
}

static void
wrong_passwords_lock_the_account_only_with_the_device(void **state)
{
	struct world *w = *state;
	struct login_verify_run vrun;
	char token[TOKEN_MAX + 1];
	int i;

	w->p.account.delay_after = 100;         /* only the lock */
	w->p.address.delay_after = 1000;
	/* Without the device's signature: never counted on the account. */
	for (i = 0; i < 2 * w->p.account.lock_after; i++)
		assert_string_equal(login_try(w, &vrun, "not the password", 0,
		    W_NOW + i, W_NOW + i, token), "bad_device_signature");
	assert_null(login_full(w, &vrun, W_NOW + 60, token));
	for (i = 0; i < w->p.account.lock_after; i++)
		assert_string_equal(login_try(w, &vrun, "not the password", 1,
		    W_NOW + 100 + i, W_NOW + 100 + i, token), "bad_password");
	/* Locked: even the right password is refused before it is tried. */
	assert_string_equal(login_full(w, &vrun, W_NOW + 120, token),
	    "gate:locked");
	assert_true(vrun.a.retry_after > 0);
	/* After the lock, and a success forgets the failures. */
	assert_null(login_full(w, &vrun, W_NOW + 1200, token));
	assert_string_equal(login_try(w, &vrun, "not the password", 1,
	    W_NOW + 1230, W_NOW + 1230, token), "bad_password");
	assert_null(login_full(w, &vrun, W_NOW + 1260, token));
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
	struct login_verify_run vrun;
	char token[TOKEN_MAX + 1];
	struct err d;

	contain(w, "cnt_unit");
	/* Without the password nobody learns of the containment. */
	assert_string_equal(login_try(w, &vrun, "not the password", 1, W_NOW,
	    W_NOW, token), "bad_password");
	assert_string_equal(login_full(w, &vrun, W_NOW + 30, token),
	    "contained");
	assert_string_equal(vrun.a.contained, "cnt_unit");
	attempt_refusal(&vrun.a, &d);
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

	assert_int_equal(begin(w, &run, "ada", w->dev.id, W_NOW, &e), 0);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id, W_PASSWORD,
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
		T(login_needs_device_signature_password_and_totp),
		T(step_one_answers_unknown_users_and_devices_with_a_decoy),
		T(login_refuses_each_missing_factor_alike),
		T(login_id_is_used_once),
		T(login_totp_code_serves_once),
		T(login_id_expires),
		T(wrong_passwords_lock_the_account_only_with_the_device),
		T(contained_engineer_is_refused),
		T(containment_between_steps_refuses_verify),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
