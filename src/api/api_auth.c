/* SPDX-License-Identifier: ISC */
/*
 * Logins over HTTP: the engineer's two steps (POST /v1/auth/login and
 * /v1/auth/verify), logout, the tenant login (/v1/tenants/{t}/auth/login)
 * and completing a password reset (POST /v1/password-reset).  The rules
 * live in src/auth (login.c, tenant_login.c, reset.c): each handler
 * decodes the body, runs the workflow's reader half, has the writer apply
 * its other half with the request's log entry, and encodes the answer.
 * A refused attempt is recorded (and its failure counted) in that commit,
 * with the uniform reason; its precise reason goes to the daemon's log
 * (the operator's), never to the answer or the entry.  A username that
 * matches no account is recorded only blinded (auth/secrets.h).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "auth/login.h"
#include "auth/password.h"
#include "auth/qr.h"
#include "auth/reset.h"
#include "auth/secrets.h"
#include "auth/tenant_login.h"
#include "common/b64.h"
#include "common/jsonx.h"
#include "common/log.h"
#include "common/str.h"

#define SIGNATURE_B64_MAX 128

void
req_attempt_policy(const struct api_ctx *ctx, struct attempt_policy *p)
{
	attempt_policy_init(p, ctx->cfg.throttle_delay_after,
	    ctx->cfg.throttle_lock_after, ctx->cfg.throttle_lock_seconds,
	    ctx->cfg.throttle_window, ctx->cfg.throttle_ip_after);
	p->login_ttl = ctx->cfg.login_ttl;
	p->session_lifetime = api_config_live(&ctx->cfg.session_lifetime);
	p->issuer = ctx->cfg.issuer;
}

/* After a workflow's reader half failed: the throttle's Retry-After. */
static int
refused_early(struct req *q, const struct attempt *a)
{
	if (a->retry_after > 0)
		str_printf(q->retry_after, sizeof(q->retry_after), "%lld",
		    (long long)a->retry_after);
	return -1;
}

/* The precise reason of a refusal, for the operator only: the daemon's
 * log.  The account is named by id, or by the entry's target (a known
 * username, or an unknown one blinded). */
static void
operator_note(const struct req *q, const char *reason)
{
	log_info("%s refused from %s: %s (account %s)", q->ev.action != NULL ?
	    q->ev.action : "login", q->http->source, reason,
	    q->actor.id[0] != '\0' ? q->actor.id : q->ev.target[0] != '\0' ?
	    q->ev.target : "-");
}

/* The entry's target: the username as typed when it names an account,
 * else only its blinded form. */
static void
target_name(struct req *q, int known, const char *context,
    const char *username)
{
	if (known)
		str_copy(q->ev.target, sizeof(q->ev.target), username);
	else
		secrets_blind(q->ev.target, sizeof(q->ev.target), context,
		    username);
}

void
req_wipe_field(json_t *b, const char *key)
{
	json_t *v = b != NULL ? json_object_get(b, key) : NULL;

	if (json_is_string(v))
		sodium_memzero((char *)(uintptr_t)json_string_value(v),
		    json_string_length(v));
}

/* After a workflow's writer half: a refused attempt denies the request
 * (its failure is counted in the same commit). */
static int
verdict(struct req *q, const struct attempt *a)
{
	struct err d;

	if (a->contained[0] != '\0')
		event_detail(&q->ev, "containment", a->contained);
	if (a->fail_reason == NULL)
		return 0;
	attempt_refusal(a, &d);
	if (attempt_hidden(a->fail_reason))
		operator_note(q, a->fail_reason);
	return req_deny(q, &d);
}

static int
apply_login(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct login_run *run = arg;

	if (login_begin_apply(c, store_ops(q->ctx->store), run, e) == -1)
		return -1;
	return verdict(q, &run->a);
}

int
h_auth_login(struct req *q)
{
	static const char *const keys[] = {"username", "device", "password",
	    NULL};
	const char *username, *device, *password;
	struct attempt_policy p;
	struct login_run run;
	char stamp[RFC3339_LEN];
	struct store_conn *c;
	json_t *b = req_body(q), *answer;
	int brc, rc = -1;

	memset(&run, 0, sizeof(run));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&username, b, "username", 1, REC_USERNAME_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&device, b, "device", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&password, b, "password", 1, PASSWORD_MAX, JX_OPTIONAL,
	    &q->err))
		goto out;
	if (id_valid(device))
		str_copy(q->actor.device, sizeof(q->actor.device), device);
	c = req_reader(q);
	if (c == NULL)
		goto out;
	req_attempt_policy(q->ctx, &p);
	/* The API contract's shape brings the password here: only its
	 * verdict is kept, for verify (auth/login.h). */
	brc = login_begin(&run, c, store_ops(q->ctx->store), &p, username,
	    device, password, q->http->source, q->now, &q->err);
	req_wipe_field(b, "password");
	if (brc == -1) {
		target_name(q, 0, "eng", username);
		refused_early(q, &run.a);
		goto out;
	}
	target_name(q, run.known, "eng", username);
	if (run.real) {
		str_copy(q->actor.id, sizeof(q->actor.id),
		    run.login.engineer_id);
		str_copy(q->actor.vendor, sizeof(q->actor.vendor),
		    run.vendor_id);
	}
	/* A decoy is answered and recorded as a real challenge; only the
	 * operator's log tells it apart. */
	if (run.why != NULL)
		log_info("auth.login from %s: a decoy challenge (%s, account "
		    "%s)", q->http->source, run.why, q->ev.target);
	if (req_write(q, apply_login, &run) == -1)
		goto out;
	time_format(stamp, run.login.expires);
	/* factors: what verify still wants. */
	if (password != NULL)
		answer = json_pack("{s:s,s:s,s:[s,s],s:s}", "login_id",
		    run.login.id, "challenge", run.login.challenge, "factors",
		    "totp", "device", "expires_at", stamp);
	else
		answer = json_pack("{s:s,s:s,s:[s,s,s],s:s}", "login_id",
		    run.login.id, "challenge", run.login.challenge, "factors",
		    "device", "password", "totp", "expires_at", stamp);
	req_ok(q, 200, answer);
	rc = 0;
out:
	req_wipe_field(b, "password");
	attempt_release(&run.a);
	sodium_memzero(&run.login.password, sizeof(run.login.password));
	return rc;
}

/* The answer of a login that made session s (its token in token). */
static int
give_session(struct req *q, const char *token, const struct rec_session *s)
{
	json_t *resp = json_pack("{s:s}", "session", s->id);

	if (resp == NULL || req_session_give(q, resp, token, s->expires) ==
	    -1) {
		json_decref(resp);
		return err_internal(&q->err, "out of memory");
	}
	req_ok(q, 200, resp);
	return 0;
}

static int
apply_verify(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	struct login_verify_run *run = arg;

	if (login_verify_apply(c, store_ops(q->ctx->store), run, e) == -1)
		return -1;
	if (run->a.fail_reason != NULL) {
		/* Refused: no session was made, and the entry must not name
		 * one. */
		q->actor.kind = ACTOR_ANONYMOUS;
		q->actor.session[0] = '\0';
	}
	return verdict(q, &run->a);
}

int
h_auth_verify(struct req *q)
{
	static const char *const keys[] = {"login_id", "password", "totp",
	    "device_signature", "session", NULL};
	const char *login_id, *password, *code, *sig64;
	char token[TOKEN_MAX + 1];
	uint8_t sig[LOGIN_SIGNATURE_BYTES];
	struct attempt_policy p;
	struct login_verify_run run;
	struct store_conn *c;
	size_t siglen = 0;
	json_t *b = req_body(q);
	int vrc, rc = -1;

	memset(&run, 0, sizeof(run));
	token[0] = '\0';
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&login_id, b, "login_id", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&password, b, "password", 1, PASSWORD_MAX, JX_OPTIONAL,
	    &q->err) ||
	    jx_str(&code, b, "totp", 6, 8, JX_REQUIRED, &q->err) ||
	    jx_str(&sig64, b, "device_signature", 1, SIGNATURE_B64_MAX,
	    JX_REQUIRED, &q->err))
		goto out;
	if (b64_decode(sig, sizeof(sig), &siglen, sig64, strlen(sig64)) !=
	    0 || siglen != sizeof(sig)) {
		q->err.reason = "bad_request";
		err_bad_request(&q->err, "field 'device_signature' must be "
		    "the base64 of a 64-byte Ed25519 signature");
		goto out;
	}
	c = req_reader(q);
	if (c == NULL)
		goto out;
	req_attempt_policy(q->ctx, &p);
	/* password is NULL when step one took it (the contract's shape). */
	vrc = login_verify(&run, c, store_ops(q->ctx->store), &p, login_id,
	    password, code, sig, q->http->source, q->now, token, sizeof(token),
	    &q->err);
	req_wipe_field(b, "password");
	str_copy(q->actor.device, sizeof(q->actor.device), run.device_id);
	if (run.engineer_id[0] != '\0') {
		str_copy(q->actor.id, sizeof(q->actor.id), run.engineer_id);
		str_copy(q->actor.vendor, sizeof(q->actor.vendor),
		    run.vendor_id);
	}
	if (vrc == -1) {
		refused_early(q, &run.a);
		goto out;
	}
	if (run.a.fail_reason == NULL) {
		q->actor.kind = ACTOR_ENGINEER;
		str_copy(q->actor.session, sizeof(q->actor.session),
		    run.session.id);
	}
	if (req_session_mark(q, &run.session) == -1 ||
	    req_write(q, apply_verify, &run) == -1)
		goto out;
	rc = give_session(q, token, &run.session);
out:
	req_wipe_field(b, "password");
	attempt_release(&run.a);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(sig, sizeof(sig));
	login_verify_run_wipe(&run);
	return rc;
}

static int
apply_logout(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	(void)arg;
	return login_end(c, store_ops(q->ctx->store), q->session.id, e);
}

int
h_auth_logout(struct req *q)
{
	if (q->session.id[0] == '\0') {
		q->err.reason = "role_forbids";
		return err_set(&q->err, 403, "forbidden", "the operator token "
		    "has no session to end");
	}
	if (req_write(q, apply_logout, NULL) == -1)
		return -1;
	if (q->by_cookie)
		req_cookie_clear(q);
	req_ok(q, 200, json_pack("{s:s}", "ended", q->session.id));
	return 0;
}

static int
apply_tenant_login(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct tenant_login_run *run = arg;

	if (tenant_login_apply(c, store_ops(q->ctx->store), run, e) == -1)
		return -1;
	return verdict(q, &run->a);
}

int
h_tenant_login(struct req *q)
{
	static const char *const keys[] = {"username", "password", "totp",
	    "session", NULL};
	const char *tid, *username, *password, *code;
	char token[TOKEN_MAX + 1], uri[TENANT_LOGIN_URI_MAX];
	struct attempt_policy p;
	struct tenant_login_run run;
	struct store_conn *c;
	json_t *b;
	int rc = -1;

	memset(&run, 0, sizeof(run));
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
	c = req_reader(q);
	if (c == NULL)
		return -1;
	req_attempt_policy(q->ctx, &p);
	if (tenant_login(&run, c, store_ops(q->ctx->store), &p, tid, username,
	    password, code, q->http->source, q->now, token, sizeof(token), uri,
	    sizeof(uri), &q->err) == -1) {
		refused_early(q, &run.a);
		target_name(q, run.found, "usr", username);
		if (run.found)
			str_copy(q->actor.id, sizeof(q->actor.id),
			    run.user.id);
		goto out;
	}
	target_name(q, run.found, "usr", username);
	if (run.found)
		str_copy(q->actor.id, sizeof(q->actor.id), run.user.id);
	str_copy(q->actor.session, sizeof(q->actor.session), run.session.id);
	if (run.a.fail_reason == NULL)
		q->actor.kind = run.user.role == ROLE_ADMIN ?
		    ACTOR_TENANT_ADMIN : ACTOR_TENANT_USER;
	if (run.enrol)
		event_detail(&q->ev, "mfa", "enrolment_started");
	if (req_session_mark(q, &run.session) == -1 ||
	    req_write(q, apply_tenant_login, &run) == -1)
		goto out;
	if (run.enrol) {
		json_t *r = json_pack("{s:b,s:s}", "enrolment_required", 1,
		    "totp_uri", uri);
		char *svg = malloc(QR_SVG_MAX);

		/* The same secret as a QR code for the user's authenticator
		 * app (the console shows it as an image). */
		if (r != NULL && svg != NULL && qr_svg(svg, QR_SVG_MAX, uri) ==
		    0)
			json_object_set_new(r, "totp_qr_svg", json_string(svg));
		if (svg != NULL)
			sodium_memzero(svg, QR_SVG_MAX);
		free(svg);
		req_ok(q, 200, r);
		rc = 0;
	} else {
		rc = give_session(q, token, &run.session);
	}
out:
	req_wipe_field(b, "password");
	attempt_release(&run.a);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(uri, sizeof(uri));
	tenant_login_run_wipe(&run);
	return rc;
}

static int
apply_reset_complete(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct reset_complete_run *run = arg;

	if (reset_complete_apply(c, store_ops(q->ctx->store), run, e) == -1)
		return -1;
	return verdict(q, &run->a);
}

int
h_password_reset_complete(struct req *q)
{
	static const char *const keys[] = {"token", "new_password", NULL};
	const char *token, *pw;
	struct attempt_policy p;
	struct reset_complete_run run;
	struct store_conn *c;
	json_t *b = req_body(q);
	int rc = -1;

	memset(&run, 0, sizeof(run));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&token, b, "token", 1, TOKEN_MAX, JX_REQUIRED, &q->err) ||
	    jx_str(&pw, b, "new_password", 0, PASSWORD_MAX + 1, JX_REQUIRED,
	    &q->err))
		return -1;
	c = req_reader(q);
	if (c == NULL)
		goto out;
	req_attempt_policy(q->ctx, &p);
	if (reset_complete(&run, c, store_ops(q->ctx->store), &p, token, pw,
	    q->http->source, q->now, &q->err) == -1) {
		refused_early(q, &run.a);
		goto out;
	}
	if (run.a.fail_reason == NULL) {
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), run.r.tenant_id);
		str_copy(q->ev.target, sizeof(q->ev.target), run.r.user_id);
	}
	if (req_write(q, apply_reset_complete, &run) == -1)
		goto out;
	req_ok(q, 200, json_pack("{s:s}", "status", "password_changed"));
	rc = 0;
out:
	attempt_release(&run.a);
	reset_complete_run_wipe(&run);
	return rc;
}
