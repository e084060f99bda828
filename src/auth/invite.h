/* SPDX-License-Identifier: ISC */
/*
 * invite: enrolment by invitation.  The operator (or a tenant admin, for
 * their own users) invites a person -- an engineer for one of their
 * devices, a tenant user, or a new operator person -- and custos mails
 * them a single-use link, PUBLIC_URL/#/invite/<token>, valid INVITE_TTL.
 * The token is never in an answer or an entry: the store keeps only its
 * SHA-256, the inviter sees the invitation's id and the masked address.
 * A newer invitation of the same person revokes the older ones.
 *
 * Whoever holds the link enrols, once:
 *  - a tenant user by password and TOTP (invite_password keeps the new
 *    password's hash and a fresh seed pending on the invitation, the seed
 *    sealed for its row; invite_totp takes a code from it and then makes
 *    both the account's, uses the invitation and opens a session), or by
 *    a passkey;
 *  - an engineer: the invitation names a device the operator registered,
 *    or the engineer registers one (invite_device: the public key of
 *    `custos keygen`, bound to the invitation, once); then, the device
 *    bound, by a passkey for it or by password and TOTP as a tenant user
 *    does -- the CLI's login (password, TOTP and the device's signature).
 *    Completing by TOTP does not sign an engineer in: the CLI does, with
 *    the device's key;
 *  - an operator person by a passkey only (operator persons have no
 *    password).
 *
 * An invitation is open while unused, unrevoked and unexpired.  A token
 * that names none, or one not open, is one 400 (reasons
 * invitation_unknown, invitation_used, invitation_revoked,
 * invitation_expired) counted against the address's throttle; a wrong
 * code is the uniform 401 counted against the address and the invitation
 * (auth/attempt.h), so the code cannot be guessed.  Using it is a
 * compare-and-set on the writer (invitation_use): two completions cannot
 * both win.  Mail is staged before the commit and delivered after, as
 * for reset links (auth/reset.h).
 */
#ifndef CUSTOS_AUTH_INVITE_H
#define CUSTOS_AUTH_INVITE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/attempt.h"
#include "auth/challenges.h"
#include "common/err.h"
#include "mail/outbox.h"
#include "store/store.h"

#define INVITE_TTL (72 * 3600)          /* seconds a link works */
#define INVITE_URI_MAX 512              /* the otpauth:// URI */

/* The kinds' names in the API, by enum rec_invite_kind (0 unused). */
extern const char *const invite_kind_names[];
/* "pending", "used", "revoked" or "expired" at now. */
const char *invite_state(const struct rec_invitation *r, int64_t now);

/* Where the mail goes and what it says. */
struct invite_mail {
	const char *outbox_dir;
	const char *from;
	const char *public_url;         /* base of the link */
	const char *product;            /* "custos": the issuer's name */
	const char *where;              /* the tenant's name, or NULL */
};

struct invite_run {
	const struct invite_mail *mail;
	struct rec_invitation inv;      /* what is stored (token hashed) */
	struct outbox_msg msg;
	char masked[REC_EMAIL_MAX + 1]; /* the address, masked for answers */
};

/*
 * Starts invitation proto (kind, principal_id, tenant_id, device_id,
 * username, email, created_by filled and checked by the caller) at now: a
 * new id and token (hashed into run->inv), and the mail with the link,
 * staged.  0, or -1 with a 500.  Always clean up with invite_run_cleanup.
 */
int invite_begin(struct invite_run *run, const struct invite_mail *m,
    const struct rec_invitation *proto, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: revokes the person's open invitations and stores this
 * one.  0, or -1 on a store error.  (An op_fn: arg is the run.) */
int invite_apply(struct store_conn *c, const struct store_ops *ops,
    void *run, struct err *e) __attribute__((warn_unused_result));

/* Delivers the staged mail once committed: 0, or -1 with a 500. */
int invite_deliver(struct invite_run *run, struct err *e)
	__attribute__((warn_unused_result));

/* Discards mail not delivered and wipes the run. */
void invite_run_cleanup(struct invite_run *run);

/*
 * The invitation token names, if it is open at now: 0 with out filled;
 * 1 with *why its reason (invitation_unknown, _used, _revoked, _expired);
 * -1 on a store error.  out holds pending secrets: rec_invitation_wipe.
 */
int invite_find(struct rec_invitation *out, struct store_conn *c,
    const struct store_ops *ops, const char *token, int64_t now,
    const char **why, struct err *e) __attribute__((warn_unused_result));

/* One anonymous step of an invitation (open, password, totp). */
struct invite_step {
	struct attempt a;
	struct rec_invitation inv;      /* once found (secret: wipe) */
	int found;                      /* inv is open */
	int64_t step;                   /* totp: the step the code matched */
	struct rec_user user;           /* totp: the account (secret) */
	struct rec_session session;     /* totp: the session made */
};

/*
 * On a reader: the address's throttle, then the token.  0 with
 * run->found, or with run->a.fail_reason when refused (then
 * invite_step_apply counts it); -1 with e when the throttle refuses or the
 * store fails.  Opening changes nothing.
 */
int invite_open(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *source, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

/*
 * On a reader: as invite_open, then new_password against the policy (400
 * naming it), a tenant-user or engineer invitation (400: operator persons
 * enrol by passkey; 409 for an engineer's without a device yet),
 * the hash of the password and a fresh seed, kept in run->inv for
 * invite_step_apply to store as pending; the enrolment URI goes to
 * uri[uri_size] (INVITE_URI_MAX; secret: only for the person enrolling,
 * wipe it).  0 or -1 as invite_open.
 */
int invite_password(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *new_password, const char *source,
    int64_t now, char *uri, size_t uri_size, struct err *e)
	__attribute__((warn_unused_result));

/*
 * On a reader: as invite_open, then the invitation's throttle, a pending
 * password and seed (409 otherwise: choose a password first), the code
 * against the seed, and the account (active); then the session, whose
 * token goes to token[token_size] (TOKEN_MAX + 1; wipe it).  For an
 * engineer the account is checked as invite_passkey_who does (403) and
 * no session is made.  0 or -1 as invite_open.
 */
int invite_totp(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *code, const char *source, int64_t now,
    char *sess_token, size_t token_size, struct err *e)
	__attribute__((warn_unused_result));

/*
 * On a reader: as invite_open, then an engineer's invitation (400
 * otherwise) without a device yet (409) whose engineer may enrol (403 as
 * invite_passkey_who).  The caller parses the device (directory.h) for
 * run->inv.principal_id, puts its id in run->inv.device_id and inserts it
 * in the commit where invite_step_apply (INVITE_STEP_DEVICE) binds it.
 * 0 or -1 as invite_open.
 */
int invite_device(struct invite_step *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const char *token, const char *source, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

/* Which step invite_step_apply finishes. */
enum invite_step_kind {
	INVITE_STEP_OPEN,
	INVITE_STEP_PASSWORD,
	INVITE_STEP_TOTP,
	INVITE_STEP_DEVICE
};

/*
 * On the writer: counts a refusal, or finishes the step: PASSWORD stores
 * the pending secrets; TOTP uses the invitation (refused as
 * invitation_used when it was used meanwhile), sets the user's password
 * and seed (enrolled, the code's step spent), ends the user's other
 * sessions and reset links and stores the session -- for an engineer sets
 * their password and seed and ends their sessions, storing none; DEVICE
 * binds run->inv.device_id (409 when the invitation has one already or
 * closed meanwhile).  0, or -1 on a store error.
 */
int invite_step_apply(struct store_conn *c, const struct store_ops *ops,
    struct invite_step *run, int kind, struct err *e)
	__attribute__((warn_unused_result));

void invite_step_wipe(struct invite_step *run);

/*
 * Enrolment by passkey (auth/passkey.h registers; these say for whom and
 * use the invitation).  The person an invitation stands for: engineers
 * as PRINCIPAL_ENGINEER with the invitation's device, tenant users,
 * operator persons (whose id the invitation chose).
 */
void invite_who(struct passkey_who *who, const struct rec_invitation *r);

/*
 * The hook of api_passkey.c (auth/passkey.h "The invitation hook"): on a
 * reader, the person the open invitation token names and its id, if they
 * may enrol.  0, or -1 with e: a 400 naming the field (reason
 * invitation_unknown, _used, _revoked or _expired), or a 403 for an
 * account not active (account_inactive) or, for an engineer, under a
 * containment of engineer, vendor or device (contained).
 */
int invite_passkey_who(struct passkey_who *who, char inv_id[ID_MAX],
    struct store_conn *c, const struct store_ops *ops, const char *token,
    int64_t now, struct err *e) __attribute__((warn_unused_result));

/* The username the invitation inv_id enrols (the options' user.name),
 * into out[size].  0, or -1 with e (404 when there is no such one). */
int invite_passkey_name(char *out, size_t size, struct store_conn *c,
    const struct store_ops *ops, const char *inv_id, struct err *e)
	__attribute__((warn_unused_result));

/*
 * On the writer, in the commit that stores the passkey: uses invitation
 * inv_id up and, for an operator person, makes their account (409 when
 * the username was taken meanwhile).  0; 1 when it was used, revoked or
 * expired meanwhile (nothing may be stored then); -1 with e.
 */
int invite_passkey_done(struct store_conn *c, const struct store_ops *ops,
    const char *inv_id, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

#endif
