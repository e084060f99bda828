/* SPDX-License-Identifier: ISC */
/*
 * approval: second approvals, the two-person rule.  An engineer with access
 * asks a second person to allow one sensitive action on one target
 * (approval_ask); a tenant admin, or where the tenant allows an engineer
 * of another vendor with access, answers it (approval_answer), never the
 * asker.  An approved approval is valid for APPROVAL_VALID_SECONDS, for
 * its asker only, for that action on that target, once (approval_check,
 * then approval_use in the commit of the action it allowed).
 *
 * A state moves pending -> approved | denied, approved -> used, and
 * pending or approved -> expired by time alone (effective only: the
 * sweeper does not record it).
 *
 * Each change is prepared on a reader and applied on the writer
 * (approval_apply), like contain.h; nothing here knows HTTP.
 */
#ifndef CUSTOS_ACCESS_APPROVAL_H
#define CUSTOS_ACCESS_APPROVAL_H

#include <jansson.h>
#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"
#include "mail/notice.h"
#include "store/store.h"

#define APPROVAL_PENDING_SECONDS (30 * 60)
#define APPROVAL_VALID_SECONDS (15 * 60)        /* to use it once */

extern const char *const approval_state_names[];       /* NULL-ended */
extern const char *const second_approver_names[];      /* NULL-ended */
/* The actions a second approval can be asked for (the ones a tenant may
 * mark sensitive, and resets of its admins), NULL-ended. */
extern const char *const approval_action_names[];

/* a's state at now: pending or approved past the deadline is expired. */
int approval_effective_state(const struct rec_approval *a, int64_t now);

/* The approval as the API shows it. */
json_t *approval_json(const struct rec_approval *a, int64_t now);

/* Actions a tenant may mark as needing a second approval: the mask from
 * an array of names (400 naming the field otherwise), and back. */
int sensitive_parse(unsigned *mask, const json_t *array, struct err *e)
	__attribute__((warn_unused_result));
json_t *sensitive_json(unsigned mask);
/* The bit of action (enum action) in a tenant's mask; 0 when it cannot be
 * marked. */
unsigned sensitive_bit(int action);

/* 1 when who needs a second approval for action (enum action) in tenant
 * t: only engineers, for a reset of a tenant admin always, and for what
 * the tenant marked. */
int approval_needed(const struct actor *who, const struct rec_tenant *t,
    int action, int target_is_admin);

/* One change of an approval on its way through the writer. */
struct approval_op {
	struct rec_approval a;  /* the row as it will be */
	int from;               /* -1: a new row; else the state it leaves */
	struct notice notice;   /* staged for the tenant's admins */
	int notify;             /* a new ask: the admins are mailed (asks.h) */
	struct event *ev;       /* a new ask: its entry, told on the writer
				 * when the notice is withheld after all */
};

/* What an engineer asks for. */
struct approval_ask_in {
	const struct rec_tenant *tenant;
	const char *engineer_id;
	const char *vendor_id;
	const char *action;     /* one of approval_action_names */
	const char *target;     /* a user of the tenant for resets, the ticket
				 * for ticket.view, may be "" otherwise */
	const char *reason;
	int64_t now;
};

/*
 * Prepares a new pending approval (valid APPROVAL_PENDING_SECONDS) and
 * stages the notice to the tenant's admins through mail (read on c).  400
 * when the action cannot be asked for or the target names nothing it
 * should.  The notice is withheld as in request_ask (op->notify, ev's
 * detail "notice").  On success the entry's detail goes to ev (target, for, on).
 * The caller delivers op->notice after the commit and discards it always.
 */
int approval_ask(struct approval_op *op, struct store_conn *c,
    const struct store_ops *ops, const struct approval_ask_in *in,
    const struct notice_cfg *mail, struct event *ev, struct err *e)
	__attribute__((warn_unused_result));

/* Loads approval id and its tenant; 404 no_such_approval when either is
 * missing. */
int approval_load(struct rec_approval *a, struct rec_tenant *t,
    struct store_conn *c, const struct store_ops *ops, const char *id,
    struct err *e) __attribute__((warn_unused_result));

/*
 * May who see (answering 0) or answer (1) approval a of tenant t?  Tenant
 * admins of t may; the asker may see it, never answer it; an engineer of
 * another vendor may answer only where t's second_approver allows it and
 * they may work in t (an active grant, or auto_approve).  0, or -1 with
 * 404 or 403 and e->reason set.
 */
int approval_may_answer(struct store_conn *c, const struct store_ops *ops,
    const struct actor *who, const struct rec_tenant *t,
    const struct rec_approval *a, int answering, int64_t now, struct err *e)
	__attribute__((warn_unused_result));

/*
 * Prepares the answer to a (to: APPROVAL_APPROVED or APPROVAL_DENIED) by
 * by at now: 409 wrong_state unless a is pending at now.  Approved, it is
 * valid APPROVAL_VALID_SECONDS from now.  The entry's detail goes to ev
 * (engineer, for) even when refused.
 */
int approval_answer(struct approval_op *op, const struct rec_approval *a,
    int to, const char *by, int64_t now, struct event *ev, struct err *e)
	__attribute__((warn_unused_result));

/* The change, on the writer: 0, 1 when the approval left op->from
 * meanwhile (nothing changed), -1 on a store error; for a new approval,
 * op->notify as request_apply. */
int approval_apply(struct store_conn *c, const struct store_ops *ops,
    void *op /* struct approval_op */, struct err *e)
	__attribute__((warn_unused_result));

/*
 * Is approval id valid for engineer_id's action (a name) on target in
 * tenant_id at now: approved, unexpired, unused, and bound to exactly
 * those, and its approver, when an engineer, neither suspended nor
 * offboarded (nor their vendor)?  0 with it in *out; -1 with 403 (reason
 * approval_used when it was used already, approver_inactive for the
 * approver, else approval_not_valid) and *out zeroed.
 */
int approval_check(struct rec_approval *out, struct store_conn *c,
    const struct store_ops *ops, const char *id, const char *tenant_id,
    const char *engineer_id, const char *action, const char *target,
    int64_t now, struct err *e) __attribute__((warn_unused_result));

/* On the writer, in the commit of the action a allowed: a approved ->
 * used.  0, 1 when it was used (or left approved) meanwhile, -1 on a
 * store error. */
int approval_use(struct store_conn *c, const struct store_ops *ops,
    const struct rec_approval *a, struct err *e)
	__attribute__((warn_unused_result));

#endif
