/* SPDX-License-Identifier: ISC */
/*
 * passkey: WebAuthn credentials of every person custos knows -- tenant
 * admins and users, engineers (each passkey bound to one registered
 * device, for which it stands in the browser) and operator persons --
 * registered, listed, removed, and used to sign in.  The cryptography is
 * src/webauthn's; this module decides whose a credential is, what a
 * challenge was issued for (auth/challenges.h) and what a use opens.
 *
 * Registration (passkey_register) takes the person explicitly (struct
 * passkey_who), so the same code serves a signed-in person registering
 * their own passkey and an invitation naming a person not yet signed in
 * (auth/invite.h: see the hook below).  The WebAuthn user handle is
 * derived from the person (secrets_user_handle), never stored.
 *
 * Sign-in (passkey_sign_in, then passkey_sign_in_apply on the writer) is
 * a login like the others (auth/attempt.h): its address is throttled,
 * every failure answers the uniform 401 "invalid credentials", recorded
 * as bad_credentials with the precise reason in the daemon's log, except
 * two: a containment (403 contained, once the assertion holds, as other
 * logins) and a signature counter that did not grow (recorded as
 * sign_count, since it is how a cloned authenticator shows: the caller
 * names it in the entry, passkey_clone_suspected).
 */
#ifndef CUSTOS_AUTH_PASSKEY_H
#define CUSTOS_AUTH_PASSKEY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/attempt.h"
#include "auth/challenges.h"
#include "auth/secrets.h"
#include "common/err.h"
#include "store/store.h"
#include "webauthn/webauthn.h"

#define PASSKEY_NAME_MAX 64             /* a passkey's label */
#define PASSKEY_USER_HANDLE_MAX 64      /* WebAuthn caps it at 64 */
/* A session registers its person's first passkey only this soon after
 * signing in (seconds): an older session, perhaps a stolen cookie,
 * cannot enrol an authenticator of its own. */
#define PASSKEY_ENROL_WINDOW (10 * 60)

/* A registration as the browser sends it (PublicKeyCredential JSON). */
struct passkey_attestation_in {
	uint8_t raw_id[WEBAUTHN_CRED_ID_MAX];
	size_t raw_id_len;
	uint8_t client_data[WEBAUTHN_CLIENT_DATA_MAX];
	size_t cd_len;
	uint8_t attestation[WEBAUTHN_ATTESTATION_MAX];
	size_t att_len;
};

/* An assertion as the browser sends it. */
struct passkey_assertion_in {
	uint8_t raw_id[WEBAUTHN_CRED_ID_MAX];
	size_t raw_id_len;
	uint8_t client_data[WEBAUTHN_CLIENT_DATA_MAX];
	size_t cd_len;
	uint8_t auth_data[WEBAUTHN_AUTH_DATA_MAX];
	size_t ad_len;
	uint8_t sig[WEBAUTHN_SIG_MAX];
	size_t sig_len;
	uint8_t user_handle[PASSKEY_USER_HANDLE_MAX];
	size_t uh_len;
	int has_user_handle;
};

/*
 * Parse the "credential" object of a registration or an assertion: {id,
 * rawId?, type?: "public-key", response: {...}, authenticatorAttachment?,
 * clientExtensionResults?}, binary fields base64url without padding, each
 * against its limit.  0, or -1 with a 400 naming the field.
 */
int passkey_parse_attestation(struct passkey_attestation_in *out,
    const json_t *cred, struct err *e) __attribute__((warn_unused_result));
int passkey_parse_assertion(struct passkey_assertion_in *out,
    const json_t *cred, struct err *e) __attribute__((warn_unused_result));

/* The user handle of who (WebAuthn user.id). */
void passkey_user_handle(uint8_t out[SECRETS_USER_HANDLE_LEN],
    const struct passkey_who *who);

/* A new passkey id: "pk_" and 16 hex digits. */
void passkey_id_new(char out[ID_MAX]);

/*
 * Checks a registration answering ch (a CHALLENGE_REGISTER challenge,
 * already taken) for who, and fills out, the passkey to store (id new,
 * name as given or "passkey", created now) and aaguid (32 hex digits,
 * for the entry).  0, or -1 with a 400 naming what failed.  The caller
 * stores out (ops->passkey_insert, on the writer: a credential already
 * registered is a 409).
 */
int passkey_register(struct rec_passkey *out, char aaguid[33],
    const struct passkey_who *who, const struct webauthn_rp *rp,
    const struct challenge *ch, const struct passkey_attestation_in *in,
    const char *name, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

/* The webauthn credential of a stored passkey (for an assertion). */
void passkey_cred_of(struct webauthn_cred *out, const struct rec_passkey *p);

/*
 * The invitation hook (src/auth/invite.c defines these two, with
 * invite_passkey_name for the options' user.name; api_passkey.c's
 * invitation_who()/invitation_name()/invitation_done() call them).
 *
 *   int invite_passkey_who(struct passkey_who *who, char inv_id[ID_MAX],
 *       struct store_conn *c, const struct store_ops *ops,
 *       const char *token, int64_t now, struct err *e);
 *     On a reader: the person an unused, unexpired invitation names
 *     (principal, id, tenant, device) and its id.  0, or -1 with e (a
 *     404/410 for an unknown or spent invitation).
 *
 *   int invite_passkey_done(struct store_conn *c,
 *       const struct store_ops *ops, const char *inv_id, int64_t now,
 *       struct err *e);
 *     On the writer, in the commit that stores the passkey: uses the
 *     invitation up (and activates the account it was for).  0; 1 when
 *     it was used or revoked meanwhile (nothing is stored then); -1 with
 *     e.
 *
 * Everything else is done: POST /v1/passkeys/options and POST
 * /v1/passkeys take "invitation" without a session (api_passkey.c
 * authenticates every other caller), the challenge is bound to the
 * invitation, and an invitee's registration signs them in (a session
 * stored with the passkey, given by req_session_give: token or cookie),
 * the entry's detail naming the invitation.
 */

struct passkey_sign_in_run {
	struct attempt a;
	struct rec_passkey pk;          /* the credential, once found */
	int found;
	char vendor_id[ID_MAX];         /* engineers */
	int role;                       /* tenant users: enum rec_role */
	int64_t sign_count;             /* the assertion's */
	struct rec_session session;     /* the session made, on success */
};

/*
 * On a reader: the address's throttle, the challenge (taken: single use),
 * the credential, the assertion, the user handle, then the person (active;
 * an engineer's device registered to them and no containment).  On
 * success the session's token goes to token[size] (TOKEN_MAX + 1; the
 * caller wipes it).  -1 with e when the throttle refuses (429,
 * run->a.retry_after) or the store fails; else 0, with run->a.fail_reason
 * set when refused.  Wipe run with passkey_sign_in_run_wipe().
 */
int passkey_sign_in(struct passkey_sign_in_run *run, struct store_conn *c,
    const struct store_ops *ops, const struct attempt_policy *p,
    const struct webauthn_rp *rp, const char *challenge_id,
    const struct passkey_assertion_in *in, const char *source, int64_t now,
    char *token, size_t size, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: the counter (atomic: refused as sign_count when it did
 * not grow meanwhile), a containment committed since, then the session,
 * or the failure counted.  0, or -1 on a store error. */
int passkey_sign_in_apply(struct store_conn *c, const struct store_ops *ops,
    struct passkey_sign_in_run *run, struct err *e)
	__attribute__((warn_unused_result));

/* The answer to a refused sign-in (see the top of this file). */
void passkey_sign_in_refusal(const struct passkey_sign_in_run *run,
    struct err *out);

void passkey_sign_in_run_wipe(struct passkey_sign_in_run *run);

/* 1 when a counter of new after stored is acceptable (it grew, or both
 * are 0: an authenticator without a counter). */
int passkey_count_ok(int64_t stored, int64_t new_count);

#endif
