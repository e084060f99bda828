/* SPDX-License-Identifier: ISC */
#include "auth/login.h"

#include <sodium.h>
#include <string.h>

#include "auth/password.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "common/str.h"

_Static_assert(LOGIN_SIGNATURE_BYTES == crypto_sign_BYTES,
    "an Ed25519 signature");

/* The login a right password and device earn: id, expiry, challenge. */
static void
login_issue(struct login_run *run, const char *engineer_id,
    const char *device, const char *source)
{
	struct rec_login *l = &run->login;
	uint8_t nonce[24];
	char nonce32[48];

	id_new(l->id, "login");
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

int
login_begin(struct login_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *username, const char *password, const char *device,
    const char *source, int64_t now, struct err *e)
{
	struct rec_engineer eng;
	struct rec_device dev;
	int found, dfound = 1, rc = -1;

	memset(run, 0, sizeof(*run));
	memset(&eng, 0, sizeof(eng));
	attempt_init(&run->a, p, source, now);
	str_printf(run->a.acct_key, sizeof(run->a.acct_key), "eng:%s",
	    username);
	/* The account is named even when the throttle refuses at once: a
	 * lockout belongs to the account's failures. */
	found = ops->engineer_get_by_username(c, username, &eng, e);
	if (found == -1)
		goto out;
	if (found == 0) {
		str_copy(run->engineer_id, sizeof(run->engineer_id), eng.id);
		str_copy(run->vendor_id, sizeof(run->vendor_id),
		    eng.vendor_id);
	}
	if (attempt_gate(&run->a, c, ops, e) == -1)
		goto out;
	if (found == 0 && id_valid(device)) {
		dfound = ops->device_get(c, device, &dev, e);
		if (dfound == -1)
			goto out;
	}
	/* Always pay for Argon2id, so timing tells nothing. */
	if (password_verify(found == 0 ? eng.password_hash : NULL, password,
	    strlen(password)) == -1)
		attempt_refuse(&run->a, found == 0 ? "bad_password" :
		    "unknown_user");
	else if (eng.status != STATUS_ACTIVE)
		attempt_refuse(&run->a, "account_inactive");
	else if (dfound != 0 || strcmp(dev.engineer_id, eng.id) != 0)
		attempt_refuse(&run->a, "unregistered_device");
	else if (attempt_contained(&run->a, c, ops, eng.id, eng.vendor_id,
	    device, e) == -1)
		goto out;
	if (run->a.fail_reason == NULL)
		login_issue(run, eng.id, device, source);
	rc = 0;
out:
	rec_engineer_wipe(&eng);
	return rc;
}

int
login_begin_apply(struct store_conn *c, const struct store_ops *ops,
    struct login_run *run, struct err *e)
{
	if (run->a.fail_reason != NULL)
		return attempt_fail(&run->a, c, ops, e);
	return ops->login_insert(c, &run->login, e);
}

/* The checks of step two, in the order their reasons are told. */
static int
verify_factors(struct login_verify_run *run, const struct rec_login *l,
    const struct rec_engineer *eng, const struct rec_device *dev,
    int found, const char *code, const uint8_t *sig)
{
	int trc;

	if (found == 1 || eng->status != STATUS_ACTIVE)
		attempt_refuse(&run->a, "account_inactive");
	else if (l->expires <= run->a.now)
		attempt_refuse(&run->a, "login_expired");
	else if (crypto_sign_verify_detached(sig,
	    (const unsigned char *)l->challenge, strlen(l->challenge),
	    dev->public_key) != 0)
		attempt_refuse(&run->a, "bad_device_signature");
	else if ((trc = totp_check(&eng->totp, code, run->a.now,
	    &run->step)) != 0)
		attempt_refuse(&run->a, trc == 1 ? "totp_reused" : "bad_totp");
	return run->a.fail_reason == NULL;
}

int
login_verify(struct login_verify_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *login_id, const char *code,
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
	if (attempt_gate(&run->a, c, ops, e) == -1)
		return -1;
	found = id_valid(login_id) ? ops->login_get(c, login_id, &l, e) : 1;
	if (found == -1)
		return -1;
	if (found == 1) {
		attempt_refuse(&run->a, "unknown_login");
		run->a.fail_msg = "unknown or used login; start again";
		return 0;
	}
	str_copy(run->device_id, sizeof(run->device_id), l.device_id);
	found = ops->engineer_get(c, l.engineer_id, &eng, e);
	if (found == 0)
		found = ops->device_get(c, l.device_id, &dev, e);
	if (found == -1)
		goto out;
	str_copy(run->engineer_id, sizeof(run->engineer_id), l.engineer_id);
	str_copy(run->vendor_id, sizeof(run->vendor_id), eng.vendor_id);
	str_printf(run->a.acct_key, sizeof(run->a.acct_key), "eng:%s",
	    eng.username);
	if (attempt_gate(&run->a, c, ops, e) == -1)
		goto out;
	if (verify_factors(run, &l, &eng, &dev, found, code, sig) &&
	    session_new(&run->session, token, size, PRINCIPAL_ENGINEER,
	    eng.id, "", eng.vendor_id, dev.id, source, now,
	    p->session_lifetime) == -1) {
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
	/* Asked again on the writer: a containment committed since step
	 * one (or while this code was typed) wins. */
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
	sodium_memzero(run, sizeof(*run));
}

int
login_end(struct store_conn *c, const struct store_ops *ops,
    const char *session_id, struct err *e)
{
	return ops->session_delete(c, session_id, e) == -1 ? -1 : 0;
}
