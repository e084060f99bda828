/* SPDX-License-Identifier: ISC */
/*
 * login: an engineer's login, in two steps, the device first.
 *
 * login_begin: a username and a device id.  Nothing secret is tried, so
 * it always answers with a login id and a challenge for the device to
 * sign:
 *
 *     custos-login-v1:<login_id>:<nonce>:<expires>
 *
 * When the device is registered to that engineer login_begin_apply stores
 * the login (single-use, short-lived); otherwise it is a decoy stored
 * nowhere, which looks the same.
 *
 * login_verify: the device's Ed25519 signature over that challenge first;
 * only then the password (Argon2id, in a hash slot), the account and the
 * TOTP code.  So nobody without a registered device's key can test a
 * password or count failures against (and lock) the account: failures
 * before the signature holds count against the address only.
 * login_verify_apply takes the login id on the writer (used once, whatever
 * the outcome: a wrong code costs the login), uses the TOTP step up, asks
 * again for a containment, and stores the session.
 *
 * Every refusal before the last factor is the same 401 "invalid
 * credentials", recorded as bad_credentials; the precise reason
 * (unknown_login, bad_device_signature, bad_password, account_inactive,
 * bad_totp, totp_reused) is for the operator (auth/attempt.h).
 * login_expired, login_used and contained keep their own answers.
 * login_end ends a session (logout).  The caller releases the attempt
 * (attempt_release) once the outcome is committed.
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
	int known;                      /* the username names an engineer */
	int real;                       /* ... and the device is theirs */
	const char *why;                /* a decoy's reason, for the operator */
	char vendor_id[ID_MAX];         /* a real login's engineer's vendor */
	struct rec_login login;         /* the login issued (or decoy) */
};

/*
 * Step one on a reader.  -1 with e when the address is held back
 * (429, run->a.retry_after) or the store fails; else 0 with run->login
 * to hand out.  login_begin_apply then stores it (or not: a decoy).
 */
int login_begin(struct login_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *username, const char *device, const char *source,
    int64_t now, struct err *e) __attribute__((warn_unused_result));

/* On the writer: stores a real login.  0, or -1 on a store error. */
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
 * Step two on a reader: the login's signature over its challenge, then
 * the password and the code.  On success the session's bearer token goes to token[size]
 * (TOKEN_MAX + 1; the caller wipes it) and run->session holds the rest.
 * -1 with e when the throttle refuses (429/423, run->a.retry_after), no
 * hash slot comes free (503) or the store fails; else 0, with
 * run->a.fail_reason set when refused.  Wipe run with
 * login_verify_run_wipe().
 */
int login_verify(struct login_verify_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *login_id, const char *password, const char *code,
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
