/* SPDX-License-Identifier: ISC */
/*
 * login: an engineer's login, in two steps, the device first.
 *
 * login_begin: a username and a device id.  It always answers with a
 * login id and a challenge for the device to sign:
 *
 *     custos-login-v1:<login_id>:<nonce>:<expires>
 *
 * When the device is registered to that engineer login_begin_apply stores
 * the login (single-use, short-lived); otherwise it is a decoy stored
 * nowhere, which looks the same.
 *
 * The password comes in one of two places.  The device-first shape (the
 * CLI's) sends it to login_verify, after the device signed: then nobody
 * without the device can even make the server hash.  The API contract's
 * shape sends it with step one: login_begin then hashes it (in a hash
 * slot, a decoy's too, against the engineer's hash or the dummy) and
 * keeps only the verdict in the login (rec_login.password), answering
 * the same whatever it is.  The login id tells the shape (LOGIN_ID_*),
 * so that verify can refuse a password sent twice or never alike for a
 * real login and a decoy (login_password_placed).
 *
 * login_verify: the device's Ed25519 signature over that challenge first;
 * only then the password (Argon2id in a hash slot, or step one's
 * verdict), the account and the TOTP code.  So nobody without a
 * registered device's key learns whether a password is right or counts
 * failures against (and locks) the account: failures before the
 * signature holds count against the address only.
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
/* The login id's prefix tells where the password goes. */
#define LOGIN_ID_AT_VERIFY "login"      /* to verify (device first) */
#define LOGIN_ID_AT_BEGIN "loginpw"     /* came with step one (contract) */

struct login_run {
	struct attempt a;
	int known;                      /* the username names an engineer */
	int real;                       /* ... and the device is theirs */
	const char *why;                /* a decoy's reason, for the operator */
	char vendor_id[ID_MAX];         /* a real login's engineer's vendor */
	struct rec_login login;         /* the login issued (or decoy) */
};

/*
 * Step one on a reader.  password is NULL in the device-first shape;
 * given, it is hashed in a hash slot and only the verdict is kept, in a
 * real login (the caller wipes the password).  -1 with e when the
 * address is held back (429, run->a.retry_after), no hash slot comes
 * free (503, run->a.retry_after) or the store fails; else 0 with
 * run->login to hand out, the same whatever the password's verdict.
 * login_begin_apply then stores it (or not: a decoy).
 */
int login_begin(struct login_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *username, const char *device, const char *password,
    const char *source, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

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
 * 0 when the password is given exactly once for login_id: at verify
 * (password_at_verify 1) for a login_id of the device-first shape, at
 * step one (0) for one of the contract's.  Else -1 with a 400 naming
 * the field.  Told by the id alone, so a decoy is answered alike.
 */
int login_password_placed(const char *login_id, int password_at_verify,
    struct err *e) __attribute__((warn_unused_result));

/*
 * Step two on a reader: where the password is given once
 * (login_password_placed; password NULL when step one took it), the
 * login's signature over its challenge, then the password (or step
 * one's verdict) and the code.  On success the session's bearer token
 * goes to token[size] (TOKEN_MAX + 1; the caller wipes it) and
 * run->session holds the rest.  -1 with e when the password's place is
 * wrong (400), the throttle refuses (429/423, run->a.retry_after), no
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
