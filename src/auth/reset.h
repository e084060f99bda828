/* SPDX-License-Identifier: ISC */
/*
 * reset: a tenant user's password and second factor, reset by support or
 * a tenant admin, and the user completing a password reset.
 *
 * A password reset mails the user a single-use link valid for the ttl given;
 * the store keeps only the SHA-256 of its token, and the answer names the
 * masked address it went to.  The user's password keeps working until the
 * link is used.  reset_complete takes the token once (reset_take on the
 * writer), sets the new password and ends every session of the user; an
 * unknown, used or expired token is one 400 (reasons
 * reset_token_unknown, reset_token_used, reset_token_expired) and counts
 * against the address's throttle.
 *
 * An MFA reset clears the user's secret and ends their sessions; the next
 * login without a code enrols a new one (tenant_login.h).
 *
 * Mail is staged in the outbox before the change is committed, delivered
 * after (reset_deliver), and discarded otherwise (reset_run_cleanup), so a
 * failed request leaves no mail behind.  Who may reset whom (the role
 * table, the two-person rule) is the caller's to check.
 */
#ifndef CUSTOS_AUTH_RESET_H
#define CUSTOS_AUTH_RESET_H

#include <stdint.h>

#include "auth/attempt.h"
#include "common/err.h"
#include "mail/outbox.h"
#include "store/store.h"

/* Where the mail goes and what it says about the tenant. */
struct reset_mail {
	const char *outbox_dir;
	const char *from;
	const char *public_url;         /* base of the reset link */
	const char *tenant_name;
};

struct reset_run {
	const struct reset_mail *mail;
	struct rec_user user;           /* the user reset (secret) */
	struct rec_reset reset;         /* the link, token hashed */
	struct outbox_msg msg;
	char masked[REC_EMAIL_MAX + 1]; /* the address, masked for answers */
};

/*
 * Starts a password reset of user u in tenant: a new token (hashed into
 * run->reset, valid until now + ttl) and the mail with its link, staged.
 * 0, or -1 with a 500.  Always clean up with reset_run_cleanup().
 */
int reset_password_begin(struct reset_run *run, const struct reset_mail *m,
    const struct rec_user *u, const char *tenant, int64_t ttl, int64_t now,
    struct err *e) __attribute__((warn_unused_result));

/* On the writer: stores the hashed token.  0, or -1 on a store error. */
int reset_password_apply(struct store_conn *c, const struct store_ops *ops,
    void *run /* struct reset_run */, struct err *e)
	__attribute__((warn_unused_result));

/*
 * Starts an MFA reset of user u in tenant, by support (by_support) or an
 * admin: the mail telling the user, staged.  0, or -1 with a 500.
 * Always clean up with reset_run_cleanup().
 */
int reset_mfa_begin(struct reset_run *run, const struct reset_mail *m,
    const struct rec_user *u, const char *tenant, int by_support,
    struct err *e) __attribute__((warn_unused_result));

/* On the writer: clears the user's second factor and ends every session
 * it opened.  0, or -1 on a store error. */
int reset_mfa_apply(struct store_conn *c, const struct store_ops *ops,
    void *run /* struct reset_run */, struct err *e)
	__attribute__((warn_unused_result));

/* Delivers the staged mail once the change is committed.  0, or -1 with
 * a 500 (the change stays). */
int reset_deliver(struct reset_run *run, struct err *e)
	__attribute__((warn_unused_result));

/* Discards mail not delivered and wipes the run. */
void reset_run_cleanup(struct reset_run *run);

struct reset_complete_run {
	struct attempt a;
	struct rec_reset r;             /* the reset the token names */
	char hash[REC_PWHASH_MAX];      /* of the new password */
};

/*
 * On a reader: checks the new password against the policy (400 naming
 * new_password), the address's throttle (429), then the token (its hash
 * looked up, unexpired) and hashes the new password.  -1 with e on those
 * refusals or a store error; else 0, with run->a.fail_reason set when the
 * token is unknown or expired.  Either way reset_complete_apply then
 * records it.  Wipe run with reset_complete_run_wipe().
 */
int reset_complete(struct reset_complete_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *new_password, const char *source,
    int64_t now, struct err *e) __attribute__((warn_unused_result));

/* On the writer: takes the token (once), sets the password and ends the
 * user's sessions, or counts the refusal.  0, or -1 on a store error. */
int reset_complete_apply(struct store_conn *c, const struct store_ops *ops,
    struct reset_complete_run *run, struct err *e)
	__attribute__((warn_unused_result));

void reset_complete_run_wipe(struct reset_complete_run *run);

#endif
