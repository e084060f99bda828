/* SPDX-License-Identifier: ISC */
/*
 * stepup: a fresh passkey assertion for one answer.  Approving, denying
 * and revoking an access request and answering a second approval ask for
 * it, so that a stolen session (a cookie lifted from a browser) cannot
 * approve: the answer carries "step_up": {challenge_id, credential}, the
 * challenge issued to this session for this action on this target
 * (POST /v1/step-up/options), answered by one of the caller's own
 * passkeys with user verification, its counter grown.
 *
 * When: if the caller has a passkey (an engineer: one for the session's
 * device), or the request came by cookie (a console session).  A bearer
 * caller without passkeys (the CLI, scripts) answers as before.
 *
 * Registering another passkey is stepped up too (action
 * "passkey.register", target the person's own id) once the person has
 * one, so that a stolen session cannot add the thief's authenticator and
 * then step up with it; a person without one registers their first only
 * within PASSKEY_ENROL_WINDOW of signing in (api_passkey.c).  Removing
 * one is stepped up alike ("passkey.delete", target the passkey), or a
 * thief could remove them all and enrol as a person without one.
 */
#ifndef CUSTOS_AUTH_STEPUP_H
#define CUSTOS_AUTH_STEPUP_H

#include <jansson.h>
#include <stdint.h>

#include "auth/passkey.h"
#include "common/err.h"
#include "store/store.h"

/* The actions a step-up may be bound to. */
extern const char *const stepup_actions[];

/* Who asks, and for what. */
struct stepup_in {
	const struct rec_session *session;
	const char *action;             /* one of stepup_actions */
	const char *target;             /* the request or approval id */
	const struct webauthn_rp *rp;
	int64_t now;
};

/* A passkey use to commit with the answer (stepup_apply). */
struct stepup_use {
	char passkey_id[ID_MAX];        /* "": none */
	int64_t sign_count;
};

/* The person of a session. */
void stepup_who(struct passkey_who *who, const struct rec_session *s);

/* *n: the passkeys that may step up for session s (an engineer's: those
 * of the session's device).  0, or -1 on a store error. */
int stepup_count(int64_t *n, struct store_conn *c,
    const struct store_ops *ops, const struct rec_session *s,
    struct err *e) __attribute__((warn_unused_result));

/*
 * Checks the "step_up" object su for in: the challenge (taken: single
 * use) was issued to this session for this action and target, the
 * credential is one of the caller's own (stepup_count's), the assertion
 * verifies with UV, the counter grew.  0 with out filled; -1 with a 403
 * step_up_failed (reason naming why) or a 400 for a malformed su, or a
 * store error.
 */
int stepup_check(struct stepup_use *out, struct store_conn *c,
    const struct store_ops *ops, const struct stepup_in *in,
    const json_t *su, struct err *e) __attribute__((warn_unused_result));

/* On the writer, with the answer: the counter again (atomic).  0; 1 when
 * it did not grow meanwhile (the answer is then refused); -1 on a store
 * error. */
int stepup_apply(struct store_conn *c, const struct store_ops *ops,
    const struct stepup_use *use, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

#endif
