/* SPDX-License-Identifier: ISC */
/*
 * attempt: what every login step (engineer login and verify, tenant login,
 * completing a password reset) shares.  A step is decided in two halves:
 * on a reader (the throttle gate, then the password and the factors, which
 * are slow) and on the writer, in the commit of the step's log entry (the
 * single-use checks, then either a failure counted against the throttle
 * or the session stored and the account's failures forgotten).
 *
 * An attempt carries the throttle keys and, once refused, why: a reason
 * for the log entry and the uniform answer (attempt_refusal).  Refusals
 * are not errors: the step's *_apply returns 0 after counting the failure,
 * and the caller records the refusal; -1 means the store failed.
 */
#ifndef CUSTOS_AUTH_ATTEMPT_H
#define CUSTOS_AUTH_ATTEMPT_H

#include <stdint.h>

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

struct attempt {
	const struct attempt_policy *policy;
	int64_t now;
	char acct_key[REC_KEY_MAX];     /* "": no account named (yet) */
	char ip_key[REC_KEY_MAX];
	const char *fail_reason;        /* NULL: not refused */
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

/* Refuses early when the address, or the account once acct_key is set,
 * is held back: -1 with a 429 rate_limited or 423 locked in e and
 * a->retry_after set (or a store error); 0 when the step may go on. */
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

/* The answer to a refused attempt: status, code, message and reason. */
void attempt_refusal(const struct attempt *a, struct err *out);

#endif
