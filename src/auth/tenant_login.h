/* SPDX-License-Identifier: ISC */
/*
 * tenant_login: a tenant admin's or user's login: password and TOTP at
 * once.  An account without an enrolled second factor (never enrolled, or
 * after an MFA reset) that logs in without a code gets a fresh secret,
 * stored as pending and handed out once as an otpauth:// URI; the first
 * valid code from it completes enrolment and opens the session.  Every
 * refusal is the uniform 401 "invalid credentials", recorded as
 * bad_credentials; the precise reason (unknown_user, bad_password,
 * account_inactive, totp_required, bad_totp, totp_reused) is for the
 * operator (auth/attempt.h).  The caller releases run->a
 * (attempt_release) once the outcome is committed.
 */
#ifndef CUSTOS_AUTH_TENANT_LOGIN_H
#define CUSTOS_AUTH_TENANT_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "auth/attempt.h"
#include "common/err.h"
#include "store/store.h"

#define TENANT_LOGIN_URI_MAX 512

struct tenant_login_run {
	struct attempt a;
	char tenant_id[ID_MAX];
	struct rec_user user;           /* the account, once found (secret) */
	int found;                      /* user holds the account */
	int enrol;                      /* a new secret is handed out */
	int64_t step;                   /* the TOTP step the code matched */
	struct rec_session session;     /* the session made, on success */
};

/*
 * On a reader: the throttle, then the account in tenant, the password and
 * the code (code NULL: none given).  On success without enrolment the
 * session's token goes to token[token_size] (TOKEN_MAX + 1); when
 * run->enrol is set the enrolment URI goes to uri[uri_size]
 * (TENANT_LOGIN_URI_MAX) instead.  The caller wipes both and the run
 * (tenant_login_run_wipe).  -1 with e when the throttle refuses (429/423,
 * run->a.retry_after), no hash slot comes free (503) or the store fails; else 0, with run->a.fail_reason
 * set when refused.  Either way tenant_login_apply then records it.
 */
int tenant_login(struct tenant_login_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *tenant, const char *username, const char *password,
    const char *code, const char *source, int64_t now, char *token,
    size_t token_size, char *uri, size_t uri_size, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: stores the pending secret, or completes enrolment or
 * uses the code's step up and stores the session, or counts the refusal
 * (a replay raced on the writer is refused here: totp_reused).  0, or -1
 * on a store error. */
int tenant_login_apply(struct store_conn *c, const struct store_ops *ops,
    struct tenant_login_run *run, struct err *e)
	__attribute__((warn_unused_result));

void tenant_login_run_wipe(struct tenant_login_run *run);

#endif
