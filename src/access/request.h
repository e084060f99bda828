/* SPDX-License-Identifier: ISC */
/*
 * request: access requests, the customer's approval.  An engineer asks for
 * access to one tenant for one ticket of it (request_ask); the tenant's
 * support_policy decides at once whether it waits for an admin
 * (approval_required: pending for GRANT_PENDING_SECONDS), is approved by
 * the policy (auto_approve) or refused (deny).  A tenant admin approves or
 * denies a pending request and revokes an approved one (request_answer);
 * the duration starts at the approval, capped by the tenant's setting.
 * Every admin of the tenant is mailed when a request is asked.
 *
 * A change is prepared on a reader (records built, policy decided, notice
 * staged) and applied on the writer (request_apply) with the caller's log
 * entry; the caller delivers the notice after the commit.  Break-glass
 * (breakglass.h) and the sweeper (sweeper.h) change grants too.  Nothing
 * here knows HTTP.
 */
#ifndef CUSTOS_ACCESS_REQUEST_H
#define CUSTOS_ACCESS_REQUEST_H

#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"
#include "mail/notice.h"
#include "store/store.h"

/* One change of a grant on its way through the writer. */
struct request_op {
	struct rec_grant g;     /* the row as it will be */
	int from;               /* -1: a new row; else the state it leaves */
	struct notice notice;   /* staged for the tenant's admins */
	int notify;             /* a new ask: the admins are mailed (asks.h) */
	struct event *ev;       /* a new ask: its entry, told on the writer
				 * when the notice is withheld after all */
};

/* What an engineer asks for. */
struct request_ask_in {
	const struct rec_tenant *tenant;
	const char *engineer_id;
	const char *vendor_id;
	const char *ticket;     /* a ticket of the tenant */
	const char *reason;
	int64_t minutes;        /* 1..tenant->max_minutes */
	int64_t now;
};

enum request_answer {
	REQUEST_APPROVE,        /* pending -> approved */
	REQUEST_DENY,           /* pending -> denied */
	REQUEST_REVOKE,         /* approved -> revoked */
};

/*
 * Prepares the new grant of an engineer's request and stages the notice to
 * the tenant's admins (read on c).  403 tenant_policy_deny under deny; 400
 * when minutes is out of range or ticket names no ticket of the tenant.
 * When the engineer asked the tenant's admins too often (asks.h) nothing
 * is staged, op->notify is 0 and ev's detail "notice" is "withheld".
 * On success the entry's detail goes to ev (target, ticket, state,
 * decided_by).  The caller delivers op->notice after the commit and
 * discards it always.
 */
int request_ask(struct request_op *op, struct store_conn *c,
    const struct store_ops *ops, const struct request_ask_in *in,
    const struct notice_cfg *mail, struct event *ev, struct err *e)
	__attribute__((warn_unused_result));

/* Loads grant id; 404 no_such_request when there is none, or when
 * tenant_id is not NULL and the grant is of another tenant. */
int request_load(struct rec_grant *g, struct store_conn *c,
    const struct store_ops *ops, const char *id, const char *tenant_id,
    struct err *e) __attribute__((warn_unused_result));

/* 1 when who may see grant g: its engineer, its tenant's admins, the
 * operator. */
int request_may_view(const struct actor *who, const struct rec_grant *g);

/*
 * Prepares answer (enum request_answer) to g by tenant admin `by` at now,
 * under tenant t's settings today: 409 wrong_state unless g is, at now,
 * in the state the answer needs.  The entry's detail goes to ev (engineer
 * always, state when it moves).
 */
int request_answer(struct request_op *op, const struct rec_grant *g,
    const struct rec_tenant *t, int answer, const char *by, int64_t now,
    struct event *ev, struct err *e) __attribute__((warn_unused_result));

/* The change, on the writer: 0, 1 when the grant left op->from meanwhile
 * (nothing changed), -1 on a store error.  A new request of an engineer
 * counts the asks again (asks.h): over the bound, op->notify goes to 0
 * and the caller discards the notice instead of delivering it. */
int request_apply(struct store_conn *c, const struct store_ops *ops,
    void *op /* struct request_op */, struct err *e)
	__attribute__((warn_unused_result));

#endif
