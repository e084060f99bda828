/* SPDX-License-Identifier: ISC */
/*
 * attempt: what every login step (engineer login and verify, tenant login,
 * completing a password reset) shares.  A step is decided in two halves:
 * on a reader (the throttle gate, then the password and the factors, which
 * are slow) and on the writer, in the commit of the step's log entry (the
 * single-use checks, then either a failure counted against the throttle
 * or the session stored and the account's failures forgotten).
 *
 * An attempt carries the throttle keys and, once refused, why: the
 * precise reason (for the operator: the daemon's log) and the uniform
 * answer (attempt_refusal), whose reason the log entry records.  Every
 * failure before the last factor (unknown user, wrong password, inactive
 * account, unregistered device, bad signature, missing or wrong code) is
 * recorded as ATTEMPT_UNIFORM_REASON, so neither the answer nor the
 * transparency log tells which factor was wrong.  Refusals are not
 * errors: the step's *_apply returns 0 after counting the failure, and the
 * caller records the refusal; -1 means the store failed.
 *
 * Before any hashing, an attempt enters its address's and its account's
 * keys as under way (auth/inflight.h): a few at once per address, one at
 * a time per account, so concurrent attempts cannot all pass the throttle
 * before one of them is counted.  attempt_release() leaves them once the
 * outcome is committed.  A username that matches no account is never
 * kept as typed: its throttle key is "unk:" and its blinded form
 * (auth/secrets.h).
 */
#ifndef CUSTOS_AUTH_ATTEMPT_H
#define CUSTOS_AUTH_ATTEMPT_H

#include <stdint.h>

#include "auth/secrets.h"
#include "auth/throttle.h"
#include "common/err.h"
#include "store/store.h"

/* The limits and lifetimes of the login workflows (from the config). */
struct attempt_policy {
	struct throttle_policy account;
	struct throttle_policy address;
	int64_t login_ttl;              /* an engineer's login id */
	int64_t session_lifetime;
	const char *issuer;             /* name in TOTP enrolment URIs */
};

/* The one reason recorded for a failure before the last factor. */
#define ATTEMPT_UNIFORM_REASON "bad_credentials"
#define ATTEMPT_PER_SOURCE 4    /* attempts under way per address */

struct attempt {
	const struct attempt_policy *policy;
	int64_t now;
	char acct_key[REC_KEY_MAX];     /* "": no account named (yet) */
	char ip_key[REC_KEY_MAX];
	int entered_ip;                 /* ip_key is counted as under way */
	int entered_acct;               /* acct_key is */
	const char *fail_reason;        /* NULL: not refused; precise */
	const char *fail_msg;           /* NULL: "invalid credentials" */
	int fail_status;                /* 0: 401 */
	char contained[ID_MAX];         /* the containment that refused */
	int64_t retry_after;            /* seconds, when the gate refused */
};

/* Fills the policies from the config's throttle settings (accounts
 * delay up to 60 s and lock, addresses delay up to 300 s and never lock). */
void attempt_policy_init(struct attempt_policy *p, int delay_after,
    int lock_after, int64_t lock_seconds, int64_t window, int ip_after);

/* Starts an attempt from source (the address key) at now. */
void attempt_init(struct attempt *a, const struct attempt_policy *p,
    const char *source, int64_t now);

/* Sets acct_key to prefix and name for an account that exists, or to
 * "unk:" and the blinded (context, name) for a name that matches none. */
void attempt_account(struct attempt *a, int exists, const char *prefix,
    const char *context, const char *name);

/* Refuses early when the address, or the account once acct_key is set,
 * is held back: -1 with a 429 rate_limited or 423 locked in e and
 * a->retry_after set (or a store error); 0 when the step may go on.
 * Enters the keys as under way first (429 when too many are): leave them
 * with attempt_release() on every path. */
int attempt_gate(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
	__attribute__((warn_unused_result));

/* Marks the attempt refused for reason (a static string), answered with
 * the default 401 "invalid credentials". */
void attempt_refuse(struct attempt *a, const char *reason);

/* Refuses the attempt (403 "contained") when a containment in force
 * covers the engineer, their vendor or the device; its id goes to
 * a->contained.  0, or -1 on a store error. */
int attempt_contained(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, const char *engineer_id,
    const char *vendor_id, const char *device_id, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: counts the refused attempt against the address and the
 * account.  0, or -1 on a store error. */
int attempt_fail(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: stores the session the last factor earned and forgets
 * the account's failures.  0, or -1 on a store error. */
int attempt_succeed(struct attempt *a, struct store_conn *c,
    const struct store_ops *ops, const struct rec_session *s,
    struct err *e) __attribute__((warn_unused_result));

/* Leaves the keys attempt_gate entered (once the outcome is committed, or
 * refused before).  Safe to call more than once. */
void attempt_release(struct attempt *a);

/* Takes a hash slot (auth/hashslots.h) for the Argon2id this attempt is
 * about to run: 0, or -1 with a 503 and a->retry_after set. */
int attempt_hash_slot(struct attempt *a, struct err *e)
	__attribute__((warn_unused_result));

/* The answer to a refused attempt: status, code, message and the reason
 * the log entry records (ATTEMPT_UNIFORM_REASON for the failures it
 * covers; a->fail_reason itself for the others). */
void attempt_refusal(const struct attempt *a, struct err *out);

/* 1 when reason is one the uniform answer hides. */
int attempt_hidden(const char *reason);

#endif
