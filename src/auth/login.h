/* SPDX-License-Identifier: ISC */
/*
 * login: an engineer's login, in two steps.
 *
 * login_begin: password and registered device.  When they are right (and
 * the account is active, the device is the engineer's and no containment
 * covers them) login_begin_apply stores a single-use login id with a
 * challenge for the device to sign:
 *
 *     custos-login-v1:<login_id>:<nonce>:<expires>
 *
 * login_verify: the device's Ed25519 signature over that challenge and a
 * TOTP code.  login_verify_apply takes the login id on the writer (used
 * once, whatever the outcome: a wrong code costs the login), uses the TOTP
 * step up, asks again for a containment, and stores the session.
 *
 * Unknown users cost one Argon2id like known ones; every refusal but the
 * login-id ones is the same 401 "invalid credentials", with the reason
 * (unknown_user, bad_password, account_inactive, unregistered_device,
 * contained, unknown_login, login_used, login_expired,
 * bad_device_signature, bad_totp, totp_reused) for the log.
 * login_end ends a session (logout).
 */
#ifndef CUSTOS_AUTH_LOGIN_H
#define CUSTOS_AUTH_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "auth/attempt.h"
#include "common/err.h"
#include "store/store.h"

#define LOGIN_CHALLENGE_PREFIX "custos-login-v1:"
#define LOGIN_SIGNATURE_BYTES 64        /* Ed25519 */

struct login_run {
	struct attempt a;
	/* who the attempt names, filled as soon as known (also when it is
	 * refused): for the log entry */
	char engineer_id[ID_MAX];
	char vendor_id[ID_MAX];
	struct rec_login login;         /* the login issued, on success */
};

/*
 * Step one on a reader.  -1 with e when the throttle refuses (429/423,
 * run->a.retry_after) or the store fails; else 0, with run->a.fail_reason
 * set when refused.  Either way login_begin_apply then records it.
 */
int login_begin(struct login_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *username, const char *password, const char *device,
    const char *source, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: stores the login, or counts the refusal.  0, or -1 on a
 * store error. */
int login_begin_apply(struct store_conn *c, const struct store_ops *ops,
    struct login_run *run, struct err *e)
	__attribute__((warn_unused_result));

struct login_verify_run {
	struct attempt a;
	char login_id[ID_MAX];
	/* who the login names (for the log entry), once known */
	char engineer_id[ID_MAX];
	char vendor_id[ID_MAX];
	char device_id[ID_MAX];
	int64_t step;                   /* the TOTP step the code matched */
	struct rec_session session;     /* the session made, on success */
};

/*
 * Step two on a reader: the login's signature over its challenge and the
 * code.  On success the session's bearer token goes to token[size]
 * (TOKEN_MAX + 1; the caller wipes it) and run->session holds the rest.
 * Returns as login_begin.  Wipe run with login_verify_run_wipe().
 */
int login_verify(struct login_verify_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *login_id, const char *code,
    const uint8_t sig[LOGIN_SIGNATURE_BYTES], const char *source,
    int64_t now, char *token, size_t size, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: takes the login id, uses the TOTP step, refuses a
 * containment committed since, then stores the session or counts the
 * refusal (run->a.fail_reason).  0, or -1 on a store error. */
int login_verify_apply(struct store_conn *c, const struct store_ops *ops,
    struct login_verify_run *run, struct err *e)
	__attribute__((warn_unused_result));

void login_verify_run_wipe(struct login_verify_run *run);

/* On the writer: ends session_id (logout).  0, or -1 on a store error. */
int login_end(struct store_conn *c, const struct store_ops *ops,
    const char *session_id, struct err *e)
	__attribute__((warn_unused_result));

#endif
