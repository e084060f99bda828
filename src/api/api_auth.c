/* SPDX-License-Identifier: ISC */
/*
 * Logins.  Engineers: password and registered device (POST /v1/auth/login),
 * then TOTP and the device's Ed25519 signature over the server's challenge
 * (POST /v1/auth/verify).  Tenant admins and users: password and TOTP at
 * /v1/tenants/{t}/auth/login.  Argon2id runs on the request thread; every
 * decision that must not race (single-use login ids, TOTP steps, reset
 * tokens, failure counters) is made on the writer, in the same commit as
 * the request's log entry.
 */
#include <sodium.h>
#include <string.h>

#include "access/contain.h"
#include "api/req.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "auth/totp.h"
#include "common/b64.h"
#include "common/jsonx.h"
#include "common/str.h"

#define CHALLENGE_PREFIX "custos-login-v1:"
#define SIGNATURE_B64_MAX 128

static void
policies(const struct api_ctx *ctx, struct throttle_policy *acct,
    struct throttle_policy *ip)
{
	acct->delay_after = ctx->cfg.throttle_delay_after;
	acct->lock_after = ctx->cfg.throttle_lock_after;
	acct->lock_seconds = ctx->cfg.throttle_lock_seconds;
	acct->window = ctx->cfg.throttle_window;
	acct->max_delay = 60;
	ip->delay_after = ctx->cfg.throttle_ip_after;
	ip->lock_after = 0;
	ip->lock_seconds = 0;
	ip->window = ctx->cfg.throttle_window;
	ip->max_delay = 300;
}

/* Refuses early when the account or the address is held back. */
static int
gate(struct req *q, const char *acct_key, const char *ip_key)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct throttle_policy pa, pi;
	struct store_conn *c = req_reader(q);
	int64_t retry = 0;

	if (c == NULL)
		return -1;
	policies(q->ctx, &pa, &pi);
	if (throttle_check(c, ops, &pi, ip_key, q->now, &retry, &q->err) ==
	    -1 || (acct_key != NULL && throttle_check(c, ops, &pa, acct_key,
	    q->now, &retry, &q->err) == -1)) {
		if (retry > 0)
			str_printf(q->retry_after, sizeof(q->retry_after),
			    "%lld", (long long)retry);
		return -1;
	}
	return 0;
}

/* What the writer needs to decide a login step. */
struct attempt {
	char acct_key[REC_KEY_MAX];
	char ip_key[REC_KEY_MAX];
	const char *fail_reason;        /* NULL: the checks passed */
	const char *fail_msg;
	int fail_status;
	/* engineer login */
	struct rec_login login;
	/* verify */
	char login_id[ID_MAX];
	int64_t step;
	struct rec_session session;
	/* tenant login */
	struct rec_user user;
	int enrol;                      /* store user.totp as pending */
	char contained[ID_MAX];         /* the containment that refused */
};

static void
attempt_wipe(struct attempt *a)
{
	sodium_memzero(&a->user, sizeof(a->user));
	sodium_memzero(&a->session, sizeof(a->session));
}

static int
attempt_fail(struct store_conn *c, struct req *q, struct attempt *a,
    struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct throttle_policy pa, pi;
	struct err d;

	policies(q->ctx, &pa, &pi);
	if (throttle_fail(c, ops, &pi, a->ip_key, q->now, e) == -1 ||
	    (a->acct_key[0] != '\0' && throttle_fail(c, ops, &pa,
	    a->acct_key, q->now, e) == -1))
		return -1;
	err_init(&d);
	err_set(&d, a->fail_status ? a->fail_status : 401, a->fail_status ==
	    400 ? "bad_request" : a->fail_status == 403 ? "forbidden" :
	    "unauthorized", "%s", a->fail_msg != NULL ? a->fail_msg :
	    "invalid credentials");
	d.reason = a->fail_reason;
	return req_deny(q, &d);
}

/* The last factor passed: the session starts and the account's failures
 * are forgotten. */
static int
attempt_succeed(struct store_conn *c, struct req *q, struct attempt *a,
    struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);

	if (ops->session_insert(c, &a->session, e) == -1 ||
	    throttle_clear(c, ops, a->acct_key, e) == -1)
		return -1;
	return 0;
}

/* A containment in force over the engineer, their vendor or the device
 * refuses the login (only once the password was right: nobody learns of
 * it without the password).  -1 on a store error. */
static int
refuse_contained(struct store_conn *c, struct req *q, struct attempt *a,
    const char *engineer, const char *vendor, const char *device,
    struct err *e)
{
	struct rec_containment r;
	int rc = contain_refuses(c, store_ops(q->ctx->store), engineer,
	    vendor, device, &r, e);

	if (rc == 1) {
		a->fail_reason = "contained";
		a->fail_status = 403;
		a->fail_msg = "this account is contained by the operator; "
		    "logins are refused until the containment is lifted";
		str_copy(a->contained, sizeof(a->contained), r.id);
	}
	return rc == -1 ? -1 : 0;
}

static int
apply_login(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct attempt *a = arg;

	if (a->fail_reason != NULL)
		return attempt_fail(c, q, a, e);
	return store_ops(q->ctx->store)->login_insert(c, &a->login, e);
}

int
h_auth_login(struct req *q)
{
	static const char *const keys[] = {"username", "password", "device",
	    NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *username, *password, *device;
	struct rec_engineer eng;
	struct rec_device dev;
	struct attempt a;
	uint8_t nonce[24];
	char nonce32[48], stamp[RFC3339_LEN];
	struct store_conn *c;
	json_t *b = req_body(q);
	int found, dfound = 1, rc = -1;

	memset(&a, 0, sizeof(a));
	memset(&eng, 0, sizeof(eng));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&username, b, "username", 1, REC_USERNAME_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&password, b, "password", 1, PASSWORD_MAX, JX_REQUIRED,
	    &q->err) ||
	    jx_str(&device, b, "device", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err))
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), username);
	if (id_valid(device))
		str_copy(q->actor.device, sizeof(q->actor.device), device);
	str_printf(a.acct_key, sizeof(a.acct_key), "eng:%s", username);
	str_printf(a.ip_key, sizeof(a.ip_key), "ip:%s", q->http->source);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	/* The account is named in the entry even when the throttle refuses
	 * at once: a lockout belongs to the account's failures. */
	found = ops->engineer_get_by_username(c, username, &eng, &q->err);
	if (found == -1)
		goto out;
	if (found == 0) {
		str_copy(q->actor.id, sizeof(q->actor.id), eng.id);
		str_copy(q->actor.vendor, sizeof(q->actor.vendor),
		    eng.vendor_id);
	}
	if (gate(q, a.acct_key, a.ip_key) == -1)
		goto out;
	if (found == 0) {
		if (id_valid(device))
			dfound = ops->device_get(c, device, &dev, &q->err);
		if (dfound == -1)
			goto out;
	}
	/* Always pay for Argon2id, so timing tells nothing. */
	if (password_verify(found == 0 ? eng.password_hash : NULL, password,
	    strlen(password)) == -1)
		a.fail_reason = found == 0 ? "bad_password" : "unknown_user";
	else if (eng.status != STATUS_ACTIVE)
		a.fail_reason = "account_inactive";
	else if (dfound != 0 || strcmp(dev.engineer_id, eng.id) != 0)
		a.fail_reason = "unregistered_device";
	else if (refuse_contained(c, q, &a, eng.id, eng.vendor_id, device,
	    &q->err) == -1)
		goto out;
	if (a.fail_reason == NULL) {
		id_new(a.login.id, "login");
		str_copy(a.login.engineer_id, sizeof(a.login.engineer_id),
		    eng.id);
		str_copy(a.login.device_id, sizeof(a.login.device_id), device);
		str_copy(a.login.source, sizeof(a.login.source),
		    q->http->source);
		a.login.expires = q->now + q->ctx->cfg.login_ttl;
		randombytes_buf(nonce, sizeof(nonce));
		base32_encode(nonce32, nonce, sizeof(nonce));
		str_printf(a.login.challenge, sizeof(a.login.challenge),
		    CHALLENGE_PREFIX "%s:%s:%lld", a.login.id, nonce32,
		    (long long)a.login.expires);
	}
	if (a.contained[0] != '\0')
		event_detail(&q->ev, "containment", a.contained);
	if (req_write(q, apply_login, &a) == -1)
		goto out;
	time_format(stamp, a.login.expires);
	req_ok(q, 200, json_pack("{s:s,s:s,s:[s,s],s:s}", "login_id",
	    a.login.id, "challenge", a.login.challenge, "factors", "totp",
	    "device", "expires_at", stamp));
	rc = 0;
out:
	rec_engineer_wipe(&eng);
	attempt_wipe(&a);
	return rc;
}

static int
apply_verify(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct attempt *a = arg;
	struct rec_login l;
	int rc;

	/* Used once, whatever the outcome: a wrong code costs the login. */
	rc = ops->login_take(c, a->login_id, &l, e);
	if (rc == -1)
		return -1;
	if (rc == 1 && a->fail_reason == NULL) {
		a->fail_reason = "login_used";
		a->fail_msg = "this login was already used; start again";
	}
	if (a->fail_reason == NULL) {
		rc = ops->engineer_use_totp_step(c, a->session.principal_id,
		    a->step, e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			a->fail_reason = "totp_reused";
	}
	/* Asked again on the writer: a containment committed since step
	 * one (or while this code was typed) wins. */
	if (a->fail_reason == NULL && refuse_contained(c, q, a,
	    a->session.principal_id, a->session.vendor_id,
	    a->session.device_id, e) == -1)
		return -1;
	if (a->contained[0] != '\0')
		event_detail(&q->ev, "containment", a->contained);
	if (a->fail_reason != NULL) {
		/* Refused here, on the writer: no session was made, and the
		 * entry must not name one. */
		q->actor.kind = ACTOR_ANONYMOUS;
		q->actor.session[0] = '\0';
		return attempt_fail(c, q, a, e);
	}
	return attempt_succeed(c, q, a, e);
}

int
h_auth_verify(struct req *q)
{
	static const char *const keys[] = {"login_id", "totp",
	    "device_signature", NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *login_id, *code, *sig64;
	char token[TOKEN_MAX + 1], stamp[RFC3339_LEN];
	uint8_t sig[crypto_sign_BYTES];
	struct rec_engineer eng;
	struct rec_device dev;
	struct rec_login l;
	struct attempt a;
	struct store_conn *c;
	size_t siglen = 0;
	json_t *b = req_body(q);
	int found, trc, rc = -1;

	memset(&a, 0, sizeof(a));
	memset(&eng, 0, sizeof(eng));
	token[0] = '\0';
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&login_id, b, "login_id", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&code, b, "totp", 6, 8, JX_REQUIRED, &q->err) ||
	    jx_str(&sig64, b, "device_signature", 1, SIGNATURE_B64_MAX,
	    JX_REQUIRED, &q->err))
		return -1;
	if (b64_decode(sig, sizeof(sig), &siglen, sig64, strlen(sig64)) !=
	    0 || siglen != sizeof(sig)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'device_signature' "
		    "must be the base64 of a 64-byte Ed25519 signature");
	}
	str_copy(a.login_id, sizeof(a.login_id), login_id);
	str_printf(a.ip_key, sizeof(a.ip_key), "ip:%s", q->http->source);
	if (gate(q, NULL, a.ip_key) == -1)
		return -1;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = id_valid(login_id) ? ops->login_get(c, login_id, &l, &q->err) :
	    1;
	if (found == -1)
		return -1;
	if (found == 1) {
		a.fail_reason = "unknown_login";
		a.fail_msg = "unknown or used login; start again";
		goto decide;
	}
	str_copy(q->actor.device, sizeof(q->actor.device), l.device_id);
	found = ops->engineer_get(c, l.engineer_id, &eng, &q->err);
	if (found == 0)
		found = ops->device_get(c, l.device_id, &dev, &q->err);
	if (found == -1)
		goto out;
	str_copy(q->actor.id, sizeof(q->actor.id), l.engineer_id);
	str_copy(q->actor.vendor, sizeof(q->actor.vendor), eng.vendor_id);
	str_printf(a.acct_key, sizeof(a.acct_key), "eng:%s", eng.username);
	if (gate(q, a.acct_key, a.ip_key) == -1)
		goto out;
	if (found == 1 || eng.status != STATUS_ACTIVE)
		a.fail_reason = "account_inactive";
	else if (l.expires <= q->now)
		a.fail_reason = "login_expired";
	else if (crypto_sign_verify_detached(sig,
	    (const unsigned char *)l.challenge, strlen(l.challenge),
	    dev.public_key) != 0)
		a.fail_reason = "bad_device_signature";
	else if ((trc = totp_check(&eng.totp, code, q->now, &a.step)) != 0)
		a.fail_reason = trc == 1 ? "totp_reused" : "bad_totp";
	if (a.fail_reason == NULL && session_new(&a.session, token,
	    sizeof(token), PRINCIPAL_ENGINEER, eng.id, "", eng.vendor_id,
	    dev.id, q->http->source, q->now,
	    q->ctx->cfg.session_lifetime) == -1) {
		err_internal(&q->err, "cannot make a session");
		goto out;
	}
	if (a.fail_reason == NULL) {
		q->actor.kind = ACTOR_ENGINEER;
		str_copy(q->actor.session, sizeof(q->actor.session),
		    a.session.id);
	}
	/* session.principal_id also tells the writer whose step to use. */
	str_copy(a.session.principal_id, sizeof(a.session.principal_id),
	    eng.id);
decide:
	if (req_write(q, apply_verify, &a) == -1)
		goto out;
	time_format(stamp, a.session.expires);
	req_ok(q, 200, json_pack("{s:s,s:s,s:s}", "token", token,
	    "expires_at", stamp, "session", a.session.id));
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	rec_engineer_wipe(&eng);
	attempt_wipe(&a);
	return rc;
}

static int
apply_logout(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	return store_ops(q->ctx->store)->session_delete(c, q->session.id, e) ==
	    -1 ? -1 : 0;
}

int
h_auth_logout(struct req *q)
{
	if (req_write(q, apply_logout, NULL) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:s}", "ended", q->session.id));
	return 0;
}

static int
apply_tenant_login(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct attempt *a = arg;
	int rc;

	if (a->fail_reason != NULL)
		return attempt_fail(c, q, a, e);
	if (a->enrol)
		return ops->user_set_totp(c, a->user.tenant_id, a->user.id,
		    &a->user.totp, 0, e) == -1 ? -1 : 0;
	if (!a->user.mfa_enrolled) {
		/* First code from the new secret: enrolment is complete. */
		a->user.totp.last_step = a->step;
		rc = ops->user_set_totp(c, a->user.tenant_id, a->user.id,
		    &a->user.totp, 1, e);
	} else {
		rc = ops->user_use_totp_step(c, a->user.tenant_id, a->user.id,
		    a->step, e);
	}
	if (rc == -1)
		return -1;
	if (rc == 1) {
		a->fail_reason = "totp_reused";
		return attempt_fail(c, q, a, e);
	}
	return attempt_succeed(c, q, a, e);
}

int
h_tenant_login(struct req *q)
{
	static const char *const keys[] = {"username", "password", "totp",
	    NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *tid, *username, *password, *code;
	char token[TOKEN_MAX + 1], uri[512], stamp[RFC3339_LEN];
	struct rec_tenant t;
	struct attempt a;
	struct store_conn *c;
	json_t *b;
	int found, trc, rc = -1;

	memset(&a, 0, sizeof(a));
	token[0] = uri[0] = '\0';
	tid = req_param(q, 0);
	if (tid == NULL)
		return -1;
	str_copy(q->ev.tenant, sizeof(q->ev.tenant), tid);
	b = req_body(q);
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&username, b, "username", 1, REC_USERNAME_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&password, b, "password", 1, PASSWORD_MAX, JX_REQUIRED,
	    &q->err) ||
	    jx_str(&code, b, "totp", 6, 8, JX_OPTIONAL, &q->err))
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), username);
	str_printf(a.acct_key, sizeof(a.acct_key), "usr:%s:%s", tid,
	    username);
	str_printf(a.ip_key, sizeof(a.ip_key), "ip:%s", q->http->source);
	if (gate(q, a.acct_key, a.ip_key) == -1)
		return -1;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = ops->tenant_get(c, tid, &t, &q->err);
	if (found == 0)
		found = ops->user_get_by_username(c, tid, username, &a.user,
		    &q->err);
	if (found == -1)
		goto out;
	if (found == 0)
		str_copy(q->actor.id, sizeof(q->actor.id), a.user.id);
	if (password_verify(found == 0 ? a.user.password_hash : NULL,
	    password, strlen(password)) == -1) {
		a.fail_reason = found == 0 ? "bad_password" : "unknown_user";
	} else if (a.user.status != STATUS_ACTIVE) {
		a.fail_reason = "account_inactive";
	} else if (!a.user.mfa_enrolled && code == NULL) {
		/* After an MFA reset (or never enrolled): a fresh secret. */
		totp_generate(&a.user.totp);
		a.enrol = 1;
		if (totp_uri(uri, sizeof(uri), &a.user.totp,
		    q->ctx->cfg.issuer, username) == -1) {
			err_internal(&q->err, "cannot make a TOTP URI");
			goto out;
		}
	} else if (code == NULL) {
		a.fail_reason = "totp_required";
		a.fail_msg = "field 'totp' is required for this account";
	} else if ((trc = totp_check(&a.user.totp, code, q->now, &a.step)) !=
	    0) {
		a.fail_reason = trc == 1 ? "totp_reused" : "bad_totp";
	}
	if (a.fail_reason == NULL && !a.enrol && session_new(&a.session,
	    token, sizeof(token), PRINCIPAL_TENANT_USER, a.user.id, tid, "",
	    "", q->http->source, q->now,
	    q->ctx->cfg.session_lifetime) == -1) {
		err_internal(&q->err, "cannot make a session");
		goto out;
	}
	str_copy(q->actor.session, sizeof(q->actor.session), a.session.id);
	if (a.fail_reason == NULL)
		q->actor.kind = a.user.role == ROLE_ADMIN ?
		    ACTOR_TENANT_ADMIN : ACTOR_TENANT_USER;
	if (a.enrol)
		event_detail(&q->ev, "mfa", "enrolment_started");
	if (req_write(q, apply_tenant_login, &a) == -1)
		goto out;
	if (a.enrol) {
		req_ok(q, 200, json_pack("{s:b,s:s}", "enrolment_required", 1,
		    "totp_uri", uri));
	} else {
		time_format(stamp, a.session.expires);
		req_ok(q, 200, json_pack("{s:s,s:s,s:s}", "token", token,
		    "expires_at", stamp, "session", a.session.id));
	}
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(uri, sizeof(uri));
	attempt_wipe(&a);
	return rc;
}

struct reset_done {
	struct rec_reset r;
	char hash[REC_PWHASH_MAX];
	struct attempt a;
};

static int
apply_reset_complete(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct reset_done *d = arg;
	struct rec_reset r;
	int rc;

	if (d->a.fail_reason == NULL) {
		rc = ops->reset_take(c, d->r.token_hash, &r, e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			d->a.fail_reason = "reset_token_used";
	}
	if (d->a.fail_reason != NULL) {
		d->a.fail_status = 400;
		d->a.fail_msg = "field 'token' is not a valid reset token "
		    "(unknown, used or expired)";
		return attempt_fail(c, q, &d->a, e);
	}
	/* A new password ends every session the old one opened. */
	if (ops->user_set_password(c, d->r.tenant_id, d->r.user_id, d->hash,
	    e) == -1 || ops->session_delete_principal(c, d->r.user_id, e) ==
	    -1)
		return -1;
	return 0;
}

int
h_password_reset_complete(struct req *q)
{
	static const char *const keys[] = {"token", "new_password", NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *token, *pw;
	struct reset_done d;
	struct store_conn *c;
	json_t *b = req_body(q);
	int found, rc = -1;

	memset(&d, 0, sizeof(d));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&token, b, "token", 1, TOKEN_MAX, JX_REQUIRED, &q->err) ||
	    jx_str(&pw, b, "new_password", 0, PASSWORD_MAX + 1, JX_REQUIRED,
	    &q->err) ||
	    password_acceptable(pw, strlen(pw), "new_password", &q->err) == -1)
		return -1;
	str_printf(d.a.ip_key, sizeof(d.a.ip_key), "ip:%s", q->http->source);
	if (gate(q, NULL, d.a.ip_key) == -1)
		return -1;
	token_hash(d.r.token_hash, token);
	c = req_reader(q);
	if (c == NULL)
		goto out;
	found = ops->reset_get(c, d.r.token_hash, &d.r, &q->err);
	if (found == -1)
		goto out;
	if (found == 1 || d.r.expires <= q->now) {
		d.a.fail_reason = found == 1 ? "reset_token_unknown" :
		    "reset_token_expired";
	} else {
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), d.r.tenant_id);
		str_copy(q->ev.target, sizeof(q->ev.target), d.r.user_id);
		if (password_hash(d.hash, pw, strlen(pw)) == -1) {
			err_internal(&q->err, "cannot hash the password");
			goto out;
		}
	}
	if (req_write(q, apply_reset_complete, &d) == -1)
		goto out;
	req_ok(q, 200, json_pack("{s:s}", "status", "password_changed"));
	rc = 0;
out:
	sodium_memzero(&d, sizeof(d));
	return rc;
}
