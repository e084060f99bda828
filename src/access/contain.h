/* SPDX-License-Identifier: ISC */
/*
 * contain: shutting an engineer, a device, a session or a whole vendor out
 * at once, at one of three levels, each doing what the one before does
 * and more (docs/detection.md#containment):
 *
 *   sessions  every matching session ends.  Nothing stays in force: the
 *             engineer logs in again with their factors, and customers'
 *             approvals stand.  What one signal may do on its own.
 *   logins    and logins by that engineer, device or vendor are refused
 *             until the containment is lifted (the login handlers ask
 *             contain_refuses()); approvals stand and serve again once it
 *             is lifted, if still unexpired.
 *   access    and every open access request (pending, or approved and
 *             unexpired) of the engineers concerned is revoked, each
 *             revocation with its own access_request.revoke entry in the
 *             tenant's log: customers must approve again.  Strong
 *             evidence only: the operator's default, a rule's only when
 *             configured so.
 *
 * Passkeys end with what they stand for, at every level: a session's
 * containment revokes the passkeys that session registered (a thief
 * with a stolen session plants one to come back), a device's those of
 * that device; an engineer's or a vendor's, at levels logins and access,
 * every passkey of the engineer(s).  Lifting brings none back: the
 * person registers again.
 *
 * All in one transaction.  A session containment is of level sessions
 * only (contain its engineer for more).  A containment is in force while
 * it refuses logins; lifting ends the refusal; ended sessions and revoked
 * access stay so.
 *
 * Used by the API (POST /v1/containment) and by detection (rules that
 * contain on their own).
 */
#ifndef CUSTOS_ACCESS_CONTAIN_H
#define CUSTOS_ACCESS_CONTAIN_H

#include <jansson.h>
#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"
#include "store/store.h"

#define CONTAIN_MARGIN 64       /* grants that may open while it runs */

extern const char *const contain_kind_names[];  /* NULL-ended */

enum contain_level {
	CONTAIN_SESSIONS = 0,
	CONTAIN_LOGINS,
	CONTAIN_ACCESS,
	CONTAIN_LEVEL_COUNT
};

extern const char *const contain_level_names[]; /* NULL-ended */

struct contain_run;
struct contain_slot {
	struct contain_run *run;
	size_t k;
	struct event ev;        /* its entry's columns point in here */
};

/* One containment on its way through the writer. */
struct contain_run {
	struct rec_containment r;
	int64_t now;
	struct actor by;                /* operator, or custosd */
	char source[REC_ADDR_MAX];      /* "" for custosd */
	/* filled on the writer */
	int64_t sessions_ended;
	int64_t passkeys_ended;         /* passkeys revoked (contain_apply) */
	struct rec_grant *grants;       /* revoked, at most cap */
	size_t ngrants, cap;
	struct contain_slot *slots;     /* one per grant entry job */
	/* The detail naming the cause in each revoked grant's entry, with
	 * r.id as its value: "containment" when NULL (the directory's
	 * lifecycle says "offboard", directory/lifecycle.h). */
	const char *cause;
};

/* Index of kind in contain_kind_names, or -1. */
int contain_kind_parse(const char *kind);
/* Index of level in contain_level_names, or -1. */
int contain_level_parse(const char *level);

/* The level r holds ("sessions", "logins", "access"; an older
 * containment that revoked access without refusing logins is
 * "sessions+access"). */
const char *contain_level_name(const struct rec_containment *r);

/* 1 while r holds anything: it refuses logins and was not lifted. */
int contain_in_force(const struct rec_containment *r);

/* What r enforces now, in words for people: e.g. "sessions ended; logins
 * still allowed; approvals kept". */
const char *contain_enforced(const struct rec_containment *r);

/*
 * Fills run->r for kind, level and target from the store (the engineer and
 * vendor concerned) and, at level access, sizes run->grants for the open
 * grants it will revoke.  404 naming the target when there is no such
 * engineer, device, session or vendor; 400 for a session at another level
 * than sessions.  Free with contain_run_cleanup().
 */
int contain_prepare(struct contain_run *run, struct store_conn *c,
    const struct store_ops *ops, int kind, int level, const char *target,
    const char *reason, int64_t now, struct err *e)
	__attribute__((warn_unused_result));
void contain_run_cleanup(struct contain_run *run);

/* The change, on the writer: containment row, sessions, grants. */
int contain_apply(struct store_conn *c, const struct store_ops *ops,
    struct contain_run *run, struct err *e)
	__attribute__((warn_unused_result));

/* contain_apply without the containment row: what a run ends (sessions,
 * passkeys, grants at its level) on the writer.  The directory's
 * lifecycle (directory/lifecycle.h) ends what a suspension or an
 * offboarding ends through it; nothing then refuses logins but the
 * account's status. */
int contain_end(struct store_conn *c, const struct store_ops *ops,
    struct contain_run *run, struct err *e)
	__attribute__((warn_unused_result));

/* What the containment did, as detail of its entry and as the answer. */
void contain_detail(const struct contain_run *run, struct event *ev);
json_t *contain_json(const struct contain_run *run);
json_t *containment_json(const struct rec_containment *r);

/* The jobs that record each revoked grant: fills jobs[0..cap) (apply
 * NULL; an entry for each grant contain_apply revoked, none for the
 * rest).  cap must be run->cap. */
void contain_grant_jobs(struct contain_run *run, struct store_job *jobs);

/*
 * 1 when a containment in force covers this engineer, vendor or device
 * (which one goes to *out, may be NULL), 0 when none, -1 on a store error.
 */
int contain_refuses(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *vendor_id, const char *device_id,
    struct rec_containment *out, struct err *e)
	__attribute__((warn_unused_result));

#endif
