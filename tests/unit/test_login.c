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
 *
 * The API contract's shape (the password with step one): step one hashes
 * it in a hash slot, for decoys too, answers the same whatever it is and
 * keeps only the verdict in a real login; verify applies the verdict
 * once the device signed (then a wrong one counts against the account,
 * never before); the login id tells the shape, so a password given at
 * both steps or at neither is a 400 for real logins and decoys alike.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/hashslots.h"
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

/* Step one on a reader, and its writer half; pw NULL: the device-first
 * shape. */
static int
begin_pw(struct world *w, struct login_run *run, const char *user,
    const char *device, const char *pw, int64_t now, struct err *e)
{
	struct store_conn *c = world_reader(w);
	int rc;

	err_init(e);
	rc = login_begin(run, c, ops, &w->p, user, device, pw, W_SOURCE, now,
	    e);
	store_reader_put(w->s, c);
	if (rc == 0)
		world_apply(w, begin_apply, run);
	attempt_release(&run->a);
	return rc;
}

static int
begin(struct world *w, struct login_run *run, const char *user,
    const char *device, int64_t now, struct err *e)
{
	return begin_pw(w, run, user, device, NULL, now, e);
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

/* The login as stored: 0, or 1 when there is none (a decoy, or taken). */
static int
stored_login(struct world *w, const char *id, struct rec_login *out)
{
	struct store_conn *c = world_reader(w);
	struct err e;
	int rc;

	err_init(&e);
	rc = ops->login_get(c, id, out, &e);
	store_reader_put(w->s, c);
	assert_int_not_equal(rc, -1);
	return rc;
}

/* The failures counted against throttle key (0 when it has no row). */
static int
failures(struct world *w, const char *key)
{
	struct store_conn *c = world_reader(w);
	struct rec_throttle t;
	struct err e;
	int rc;

	err_init(&e);
	rc = ops->throttle_get(c, key, &t, &e);
	store_reader_put(w->s, c);
	assert_int_not_equal(rc, -1);
	return rc == 0 ? (int)t.failures : 0;
}

/* Both steps in the contract's shape: pw at step one, none at verify,
 * signed when sign_it; the refusal's reason (NULL: a session), or
 * "gate:<reason>" when verify's gate refused. */
static const char *
contract_try(struct world *w, struct login_verify_run *vrun, const char *pw,
    int sign_it, int64_t now, char *token)
{
	static char gate[64];
	struct login_run run;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	struct err e;

	assert_int_equal(begin_pw(w, &run, "ada", w->dev.id, pw, now, &e), 0);
	assert_true(run.real);
	sign(w, sig, sign_it ? run.login.challenge : "custos-login-v1:else");
	if (verify_read(w, vrun, run.login.id, NULL, world_code(&w->eng.totp,
	    now), sig, now, token, &e) == -1) {
		str_printf(gate, sizeof(gate), "gate:%s", e.reason);
		return gate;
	}
	world_apply(w, verify_apply, vrun);
	return vrun->a.fail_reason;
}

static void
contract_shape_logs_in_with_the_password_at_step_one(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct login_verify_run vrun;
	struct rec_login l;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	char token[TOKEN_MAX + 1];
	struct err e;

	assert_int_equal(begin_pw(w, &run, "ada", w->dev.id, W_PASSWORD,
	    W_NOW, &e), 0);
	assert_true(run.real);
	assert_memory_equal(run.login.id, LOGIN_ID_AT_BEGIN "_",
	    strlen(LOGIN_ID_AT_BEGIN "_"));
	/* Stored with the verdict alone. */
	assert_int_equal(stored_login(w, run.login.id, &l), 0);
	assert_int_equal(l.password, LOGIN_PASSWORD_RIGHT);
	sign(w, sig, run.login.challenge);
	assert_int_equal(verify_read(w, &vrun, run.login.id, NULL,
	    world_code(&w->eng.totp, W_NOW + 5), sig, W_NOW + 5, token, &e),
	    0);
	assert_null(vrun.a.fail_reason);
	world_apply(w, verify_apply, &vrun);
	assert_null(vrun.a.fail_reason);
	assert_true(world_session_exists(w, vrun.session.id));
	assert_string_equal(vrun.session.principal_id, w->eng.id);
	login_verify_run_wipe(&vrun);
}

static void
contract_shape_step_one_answers_alike_and_keeps_only_the_verdict(void **state)
{
	struct world *w = *state;
	struct login_run right, wrong, nouser, nodev;
	struct rec_login l;
	struct err e;

	assert_int_equal(begin_pw(w, &right, "ada", w->dev.id, W_PASSWORD,
	    W_NOW, &e), 0);
	assert_int_equal(begin_pw(w, &wrong, "ada", w->dev.id,
	    "not the password", W_NOW, &e), 0);
	assert_int_equal(begin_pw(w, &nouser, "nobody", w->dev.id,
	    W_PASSWORD, W_NOW, &e), 0);
	assert_int_equal(begin_pw(w, &nodev, "ada", "dev_not_hers",
	    W_PASSWORD, W_NOW, &e), 0);
	/* The same shape of answer: an id of the contract's form and a
	 * challenge over it, whatever the password and the pair. */
	assert_true(right.real && wrong.real);
	assert_false(nouser.real || nodev.real);
	assert_string_equal(nouser.why, "unknown_user");
	assert_string_equal(nodev.why, "unregistered_device");
	assert_memory_equal(wrong.login.id, LOGIN_ID_AT_BEGIN "_",
	    strlen(LOGIN_ID_AT_BEGIN "_"));
	assert_memory_equal(nouser.login.id, LOGIN_ID_AT_BEGIN "_",
	    strlen(LOGIN_ID_AT_BEGIN "_"));
	assert_memory_equal(nodev.login.id, LOGIN_ID_AT_BEGIN "_",
	    strlen(LOGIN_ID_AT_BEGIN "_"));
	assert_int_equal(strlen(right.login.challenge),
	    strlen(wrong.login.challenge));
	assert_int_equal(strlen(right.login.challenge),
	    strlen(nouser.login.challenge));
	/* Nothing counted at step one, on the account or the address. */
	assert_int_equal(failures(w, "eng:ada"), 0);
	assert_int_equal(failures(w, "ip:" W_SOURCE), 0);
	/* The wrong one is stored with its verdict; decoys nowhere. */
	assert_int_equal(stored_login(w, wrong.login.id, &l), 0);
	assert_int_equal(l.password, LOGIN_PASSWORD_WRONG);
	assert_int_equal(stored_login(w, nouser.login.id, &l), 1);
	assert_int_equal(stored_login(w, nodev.login.id, &l), 1);
}

static void
contract_shape_hashes_in_a_slot_for_decoys_too(void **state)
{
	struct world *w = *state;
	struct login_run run;
	struct err e;
	int i, n = hashslots_count();

	err_init(&e);
	for (i = 0; i < n; i++)
		assert_int_equal(hashslots_take(&e), 0);
	/* No slot free: the password at step one waits, then 503 with a
	 * Retry-After, for a real login and a decoy alike ... */
	assert_int_equal(begin_pw(w, &run, "ada", w->dev.id, W_PASSWORD,
	    W_NOW, &e), -1);
	assert_int_equal(e.status, 503);
	assert_int_equal(run.a.retry_after, HASHSLOTS_RETRY_AFTER);
	assert_int_equal(begin_pw(w, &run, "nobody", w->dev.id, W_PASSWORD,
	    W_NOW, &e), -1);
	assert_int_equal(e.status, 503);
	/* ... while the device-first step one hashes nothing. */
	assert_int_equal(begin(w, &run, "ada", w->dev.id, W_NOW, &e), 0);
	for (i = 0; i < n; i++)
		hashslots_put();
	assert_int_equal(begin_pw(w, &run, "nobody", w->dev.id, W_PASSWORD,
	    W_NOW, &e), 0);
}

static void
contract_shape_wrong_password_counts_only_once_the_device_signed(
    void **state)
{
	struct world *w = *state;
	struct login_verify_run vrun;
	char token[TOKEN_MAX + 1];
	struct err d;
	int i;

	w->p.account.delay_after = 100;         /* only the lock */
	w->p.address.delay_after = 1000;
	/* Without the device's signature: refused alike, right password or
	 * wrong, never counted on the account, never locking it. */
	assert_string_equal(contract_try(w, &vrun, W_PASSWORD, 0, W_NOW,
	    token), "bad_device_signature");
	for (i = 0; i < 2 * w->p.account.lock_after; i++)
		assert_string_equal(contract_try(w, &vrun, "not the password",
		    0, W_NOW + 1 + i, token), "bad_device_signature");
	attempt_refusal(&vrun.a, &d);
	assert_int_equal(d.status, 401);
	assert_string_equal(d.reason, ATTEMPT_UNIFORM_REASON);
	assert_int_equal(failures(w, "eng:ada"), 0);
	assert_null(contract_try(w, &vrun, W_PASSWORD, 1, W_NOW + 60, token));
	/* With it, step one's wrong password is refused at verify like a
	 * wrong one given there, and counts against the account. */
	for (i = 0; i < w->p.account.lock_after; i++) {
		assert_string_equal(contract_try(w, &vrun, "not the password",
		    1, W_NOW + 100 + i, token), "bad_password");
		assert_int_equal(failures(w, "eng:ada"), i + 1);
	}
	attempt_refusal(&vrun.a, &d);
	assert_int_equal(d.status, 401);
	assert_string_equal(d.msg, "invalid credentials");
	assert_string_equal(d.reason, ATTEMPT_UNIFORM_REASON);
	assert_string_equal(contract_try(w, &vrun, W_PASSWORD, 1, W_NOW + 120,
	    token), "gate:locked");
}

static void
password_at_both_steps_or_neither_is_a_400(void **state)
{
	struct world *w = *state;
	struct login_run pw, nopw, decoy;
	struct login_verify_run vrun;
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	char token[TOKEN_MAX + 1];
	struct rec_login l;
	struct err e;

	assert_int_equal(begin_pw(w, &pw, "ada", w->dev.id, W_PASSWORD, W_NOW,
	    &e), 0);
	assert_int_equal(begin(w, &nopw, "ada", w->dev.id, W_NOW, &e), 0);
	assert_int_equal(begin_pw(w, &decoy, "nobody", w->dev.id, W_PASSWORD,
	    W_NOW, &e), 0);
	sign(w, sig, pw.login.challenge);
	/* Twice: a real login and a decoy get the same 400. */
	assert_int_equal(verify_read(w, &vrun, pw.login.id, W_PASSWORD,
	    world_code(&w->eng.totp, W_NOW), sig, W_NOW, token, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "field 'password'"));
	assert_int_equal(verify_read(w, &vrun, decoy.login.id, W_PASSWORD,
	    world_code(&w->eng.totp, W_NOW), sig, W_NOW, token, &e), -1);
	assert_int_equal(e.status, 400);
	/* Never: */
	sign(w, sig, nopw.login.challenge);
	assert_int_equal(verify_read(w, &vrun, nopw.login.id, NULL,
	    world_code(&w->eng.totp, W_NOW), sig, W_NOW, token, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "field 'password' is required"));
	/* Refused before anything: the logins are still there. */
	assert_int_equal(stored_login(w, pw.login.id, &l), 0);
	assert_int_equal(stored_login(w, nopw.login.id, &l), 0);
	assert_int_equal(failures(w, "ip:" W_SOURCE), 0);
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
		T(contract_shape_logs_in_with_the_password_at_step_one),
		T(contract_shape_step_one_answers_alike_and_keeps_only_the_verdict),
		T(contract_shape_hashes_in_a_slot_for_decoys_too),
		T(contract_shape_wrong_password_counts_only_once_the_device_signed),
		T(password_at_both_steps_or_neither_is_a_400),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
