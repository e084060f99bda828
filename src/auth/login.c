/* SPDX-License-Identifier: ISC */
#include "auth/login.h"

#include <sodium.h>
#include <string.h>

#include "auth/hashslots.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "common/str.h"
#include "access/standing.h"

_Static_assert(LOGIN_SIGNATURE_BYTES == crypto_sign_BYTES,
    "an Ed25519 signature");

/* The login step one answers: id (whose prefix tells where the password
 * goes), expiry, challenge.  A password given at step one is taken as
 * wrong until login_begin_password judges it. */
static void
login_issue(struct login_run *run, const char *engineer_id,
    const char *device, const char *source, int password_given)
{
	struct rec_login *l = &run->login;
	uint8_t nonce[24];
	char nonce32[48];

	id_new(l->id, password_given ? LOGIN_ID_AT_BEGIN : LOGIN_ID_AT_VERIFY);
	l->password = password_given ? LOGIN_PASSWORD_WRONG :
	    LOGIN_PASSWORD_AT_VERIFY;
	str_copy(l->engineer_id, sizeof(l->engineer_id), engineer_id);
	str_copy(l->device_id, sizeof(l->device_id), device);
	str_copy(l->source, sizeof(l->source), source);
	l->expires = run->a.now + run->a.policy->login_ttl;
	randombytes_buf(nonce, sizeof(nonce));
	base32_encode(nonce32, nonce, sizeof(nonce));
	str_printf(l->challenge, sizeof(l->challenge),
	    LOGIN_CHALLENGE_PREFIX "%s:%s:%lld", l->id, nonce32,
	    (long long)l->expires);
}

/* The contract's shape: the password came with step one.  It is hashed
 * now, in a hash slot, for a decoy too (against the engineer's hash when
 * the name is known, else the dummy), so neither the answer nor its time
 * tells a real login from a decoy, or a right password from a wrong one.
 * A real login keeps only the verdict, which verify applies once the
 * device signed; a decoy's is dropped. */
static int
login_begin_password(struct login_run *run, const struct rec_engineer *eng,
    const char *password, struct err *e)
{
	int pwrc;

	if (attempt_hash_slot(&run->a, e) == -1)
		return -1;
	pwrc = password_verify(run->known ? eng->password_hash : NULL,
	    password, strlen(password));
	hashslots_put();
	if (run->real && pwrc == 0)
		run->login.password = LOGIN_PASSWORD_RIGHT;
	return 0;
}

int
login_begin(struct login_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *username, const char *device, const char *password,
    const char *source, int64_t now, struct err *e)
{
	struct rec_engineer eng;
	struct rec_device dev;
	int found, dfound = 1, rc = -1;

	memset(run, 0, sizeof(*run));
	memset(&eng, 0, sizeof(eng));
	attempt_init(&run->a, p, source, now);
	/* Only the address is held back here: whatever is tried, nobody
	 * without the device learns of it or counts against the account. */
	if (attempt_gate(&run->a, c, ops, e) == -1)
		goto out;
	found = ops->engineer_get_by_username(c, username, &eng, e);
	if (found == 0 && id_valid(device))
		dfound = ops->device_get(c, device, &dev, e);
	if (found == -1 || dfound == -1)
		goto out;
	run->known = found == 0;
	run->real = found == 0 && dfound == 0 &&
	    strcmp(dev.engineer_id, eng.id) == 0;
	if (!run->real)
		run->why = found == 0 ? "unregistered_device" : "unknown_user";
	else
		str_copy(run->vendor_id, sizeof(run->vendor_id),
		    eng.vendor_id);
	/* A decoy looks the same and is stored nowhere: step two then fails
	 * like a bad signature. */
	login_issue(run, run->real ? eng.id : "", device, source,
	    password != NULL);
	if (password != NULL && login_begin_password(run, &eng, password,
	    e) == -1)
		goto out;
	rc = 0;
out:
	rec_engineer_wipe(&eng);
	return rc;
}

int
login_begin_apply(struct store_conn *c, const struct store_ops *ops,
    struct login_run *run, struct err *e)
{
	if (!run->real)
		return 0;
	return ops->login_insert(c, &run->login, e);
}

/* The password (given now, or step one's verdict), then the account, a
 * containment and the code, once the signature proved the device: these
 * failures count against the account.  A containment is told only to
 * whoever has the device and the password (as before the code, so a
 * contained engineer learns it at once). */
static int
verify_secrets(struct login_verify_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct rec_engineer *eng,
    const struct rec_login *l, const char *password, const char *code,
    struct err *e)
{
	const char *why = NULL;
	int trc, pwrc = -1, rc;

	if (l->password != LOGIN_PASSWORD_AT_VERIFY)
		pwrc = l->password == LOGIN_PASSWORD_RIGHT ? 0 : -1;
	else if (password != NULL) {
		if (attempt_hash_slot(&run->a, e) == -1)
			return -1;
		pwrc = password_verify(eng->password_hash, password,
		    strlen(password));
		hashslots_put();
	}
	if (pwrc == -1) {
		attempt_refuse(&run->a, "bad_password");
		return 0;
	}
	/* Suspended or offboarded, the vendor too, or the device revoked
	 * (directory/lifecycle.h): told only to whoever has the device's
	 * key and the password, as a containment is. */
	rc = standing_refuses(c, ops, eng, run->device_id, &why, e);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		attempt_refuse(&run->a, why);
		return 0;
	}
	if (attempt_contained(&run->a, c, ops, eng->id, eng->vendor_id,
	    run->device_id, e) == -1)
		return -1;
	if (run->a.fail_reason == NULL && (trc = totp_check(&eng->totp, code,
	    run->a.now, &run->step)) != 0)
		attempt_refuse(&run->a, trc == 1 ? "totp_reused" : "bad_totp");
	return 0;
}

/* The login's device: its signature over the challenge, checked before
 * anything secret.  0 when it holds (the account may then be tried). */
static int
verify_device(struct login_verify_run *run, const struct rec_login *l,
    const struct rec_device *dev, int found, const uint8_t *sig)
{
	if (found != 0)
		attempt_refuse(&run->a, "unknown_login");
	else if (l->expires <= run->a.now) {
		attempt_refuse(&run->a, "login_expired");
		run->a.fail_msg = "this login has expired; start again";
	} else if (crypto_sign_verify_detached(sig,
	    (const unsigned char *)l->challenge, strlen(l->challenge),
	    dev->public_key) != 0)
		attempt_refuse(&run->a, "bad_device_signature");
	return run->a.fail_reason == NULL ? 0 : -1;
}

int
login_password_placed(const char *login_id, int password_at_verify,
    struct err *e)
{
	size_t n = strlen(LOGIN_ID_AT_BEGIN "_");
	int at_begin = strncmp(login_id, LOGIN_ID_AT_BEGIN "_", n) == 0;

	if (at_begin != password_at_verify)
		return 0;
	if (at_begin)
		return err_bad_request(e, "field 'password' was already given "
		    "at /v1/auth/login for this login: give it at "
		    "/v1/auth/login or at /v1/auth/verify, once");
	return err_bad_request(e, "field 'password' is required, at "
	    "/v1/auth/login or at /v1/auth/verify, once");
}

int
login_verify(struct login_verify_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *login_id, const char *password, const char *code,
    const uint8_t sig[LOGIN_SIGNATURE_BYTES], const char *source,
    int64_t now, char *token, size_t size, struct err *e)
{
	struct rec_engineer eng;
	struct rec_device dev;
	struct rec_login l;
	int found, rc = -1;

	memset(run, 0, sizeof(*run));
	memset(&eng, 0, sizeof(eng));
	attempt_init(&run->a, p, source, now);
	str_copy(run->login_id, sizeof(run->login_id), login_id);
	if (login_password_placed(login_id, password != NULL, e) == -1 ||
	    attempt_gate(&run->a, c, ops, e) == -1)
		return -1;
	found = id_valid(login_id) ? ops->login_get(c, login_id, &l, e) : 1;
	if (found == 0)
		found = ops->engineer_get(c, l.engineer_id, &eng, e);
	if (found == 0)
		found = ops->device_get(c, l.device_id, &dev, e);
	if (found == -1)
		goto out;
	if (found == 0) {
		/* A real login names its engineer and device (also when the
		 * signature fails: someone holds the login but not the key). */
		str_copy(run->device_id, sizeof(run->device_id), l.device_id);
		str_copy(run->engineer_id, sizeof(run->engineer_id), eng.id);
		str_copy(run->vendor_id, sizeof(run->vendor_id),
		    eng.vendor_id);
	}
	if (verify_device(run, &l, &dev, found, sig) == -1) {
		rc = 0;
		goto out;
	}
	attempt_account(&run->a, 1, "eng:", "eng", eng.username);
	if (attempt_gate(&run->a, c, ops, e) == -1 ||
	    verify_secrets(run, c, ops, &eng, &l, password, code, e) == -1)
		goto out;
	if (run->a.fail_reason == NULL && session_new(&run->session, token,
	    size, PRINCIPAL_ENGINEER, eng.id, "", eng.vendor_id, dev.id,
	    source, now, p->session_lifetime) == -1) {
		err_internal(e, "cannot make a session");
		goto out;
	}
	/* session.principal_id also tells the writer whose step to use. */
	str_copy(run->session.principal_id, sizeof(run->session.principal_id),
	    eng.id);
	rc = 0;
out:
	rec_engineer_wipe(&eng);
	return rc;
}

int
login_verify_apply(struct store_conn *c, const struct store_ops *ops,
    struct login_verify_run *run, struct err *e)
{
	struct rec_login l;
	int rc;

	/* Used once, whatever the outcome: a wrong code costs the login. */
	rc = ops->login_take(c, run->login_id, &l, e);
	if (rc == -1)
		return -1;
	if (rc == 1 && run->a.fail_reason == NULL) {
		attempt_refuse(&run->a, "login_used");
		run->a.fail_msg = "this login was already used; start again";
	}
	if (run->a.fail_reason == NULL) {
		rc = ops->engineer_use_totp_step(c, run->session.principal_id,
		    run->step, e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			attempt_refuse(&run->a, "totp_reused");
	}
	/* Asked again on the writer: a containment committed since the
	 * reader's check (or while this code was typed) wins. */
	if (run->a.fail_reason == NULL && attempt_contained(&run->a, c, ops,
	    run->session.principal_id, run->session.vendor_id,
	    run->session.device_id, e) == -1)
		return -1;
	if (run->a.fail_reason != NULL)
		return attempt_fail(&run->a, c, ops, e);
	return attempt_succeed(&run->a, c, ops, &run->session, e);
}

void
login_verify_run_wipe(struct login_verify_run *run)
{
	attempt_release(&run->a);
	sodium_memzero(run, sizeof(*run));
}

int
login_end(struct store_conn *c, const struct store_ops *ops,
    const char *session_id, struct err *e)
{
	return ops->session_delete(c, session_id, e) == -1 ? -1 : 0;
}
