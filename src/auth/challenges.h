/* SPDX-License-Identifier: ISC */
/*
 * challenges: the WebAuthn challenges custosd has handed out and not yet
 * seen answered.  Each is 32 random bytes under a public id ("ch_" and 32
 * hex digits), lives CHALLENGES_TTL seconds, and is taken (removed) by
 * the first answer that names it, whatever that answer's outcome: a
 * challenge never serves twice.  It remembers what it was issued for
 * (registration, sign-in or step-up), for whom (the session, the person,
 * the invitation) and, for a step-up, the action and target it stands
 * for; an answer for anything else is refused by the caller.
 *
 * A bounded table in this process, under one mutex: CHALLENGES_MAX
 * entries.  Nobody can fill it for others:
 *   - each binding holds at most CHALLENGES_PER_BINDING outstanding
 *     challenges of one pool (step-ups, or the rest): a session, a person
 *     (who), an invitation; an anonymous sign-in's binding is its source
 *     address, with at most CHALLENGES_PER_SOURCE.  One more replaces the
 *     binding's oldest (which then no longer serves), so asking again and
 *     again costs no one else a slot;
 *   - anonymous ones (sign-in, registration by invitation) take at most
 *     CHALLENGES_ANON_MAX entries in all;
 *   - CHALLENGES_STEP_UP_RESERVE entries are kept for step-ups: however
 *     many registrations and sign-ins are under way, an approval can be
 *     stepped up.
 * Expired entries are reused.
 * A restart forgets every challenge (the person asks again).
 * TODO(issue 15): move to the database so several custosd processes
 * share them.
 */
#ifndef CUSTOS_AUTH_CHALLENGES_H
#define CUSTOS_AUTH_CHALLENGES_H

#include <stdint.h>

#include "common/err.h"
#include "store/records.h"

#define CHALLENGES_MAX 4096
#define CHALLENGES_ANON_MAX 2048
#define CHALLENGES_STEP_UP_RESERVE 1024 /* of CHALLENGES_MAX */
#define CHALLENGES_PER_BINDING 4
#define CHALLENGES_PER_SOURCE 8         /* anonymous sign-ins */
#define CHALLENGES_TTL 120              /* seconds */
#define CHALLENGE_BYTES 32              /* WEBAUTHN_CHALLENGE_LEN */

enum challenge_purpose {
	CHALLENGE_REGISTER = 1,
	CHALLENGE_SIGN_IN,
	CHALLENGE_STEP_UP,
};

/* A person, as passkeys name them (auth/passkey.h): whom a challenge is
 * for. */
struct passkey_who {
	int principal;                  /* enum rec_principal; 0: anyone */
	char id[ID_MAX];
	char tenant[ID_MAX];            /* tenant users */
	char device[ID_MAX];            /* engineers */
};

struct challenge {
	char id[ID_MAX];                /* "ch_" + 32 hex */
	uint8_t bytes[CHALLENGE_BYTES];
	int purpose;                    /* enum challenge_purpose */
	int64_t expires;
	char session[ID_MAX];           /* the session that asked, or "" */
	char invitation[ID_MAX];        /* the invitation it is for, or "" */
	char source[REC_ADDR_MAX];      /* anonymous sign-in: who asked */
	struct passkey_who who;
	char action[REC_ACTION_MAX];    /* step-up: the action ... */
	char target[ID_MAX];            /* ... and its target */
};

/*
 * Issues ch: fills its id, bytes and expiry (the caller filled the rest).
 * Replaces the oldest of ch's binding when it holds its share already.
 * 0, or -1 with a 503 (and Retry-After worth 1 s) when the table, or its
 * anonymous share when ch names no session, or the part that is not kept
 * for step-ups, is full.
 */
int challenges_put(struct challenge *ch, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

/*
 * Takes the challenge id: 0 with it in out (it is gone from the table
 * from then on), or 1 when there is none of that purpose, or it expired
 * (it is dropped too).
 */
int challenges_take(struct challenge *out, const char *id, int purpose,
    int64_t now) __attribute__((warn_unused_result));

#endif
