/* SPDX-License-Identifier: ISC */
#include "access/request.h"

#include <string.h>

#include "access/asks.h"
#include "access/grant.h"
#include "common/clock.h"
#include "common/rand.h"
#include "common/str.h"

/* 400 unless ticket is one of the tenant's. */
static int
ticket_check(struct store_conn *c, const struct store_ops *ops,
    const char *tenant_id, const char *ticket, struct err *e)
{
	struct rec_ticket tk;
	int found;

	memset(&tk, 0, sizeof(tk));
	found = ticket != NULL && id_valid(ticket) ? ops->ticket_get(c,
	    tenant_id, ticket, &tk, e) : 1;
	rec_ticket_cleanup(&tk);
	if (found == 1)
		return err_refuse(e, 400, "bad_request", "bad_request", "field "
		    "'ticket' names no ticket of this tenant");
	return found;
}

/* The mail to the admins about a new request. */
static int
ask_notice(struct request_op *op, struct store_conn *c,
    const struct store_ops *ops, const struct request_ask_in *in,
    struct err *e)
{
	const struct rec_grant *g = &op->g;
	int approved = g->state == GRANT_APPROVED;
	char body[NOTICE_BODY_MAX], until[RFC3339_LEN];
	char link[NOTICE_LINK_MAX];

	time_format(until, g->deadline);
	notice_link(link, sizeof(link), &op->notice.cfg, g->tenant_id,
	    "requests", g->id);
	if (str_printf(body, sizeof(body),
	    "Support engineer %s (vendor %s) asks for access to your tenant "
	    "%s\r\nfor ticket %s, for %lld minutes.\r\n\r\nReason: %s\r\n"
	    "\r\nRequest: %s\r\n%s %s.\r\n\r\n%s\r\n%s\r\n",
	    g->engineer_id, g->vendor_id, in->tenant->name, g->ticket_id,
	    (long long)g->minutes, g->reason, g->id, approved ?
	    "Your support policy (auto_approve) approved it; access ends at" :
	    "It expires unanswered at", until, approved ?
	    "A tenant admin can revoke it in the console (this mail grants "
	    "nothing; the link still asks you to sign in):" : "Answer it in "
	    "the console as a tenant admin (this mail grants nothing; the "
	    "link still asks you to sign in):", link) == -1)
		return err_internal(e, "notice too long");
	return notice_stage(&op->notice, c, ops, g->tenant_id, approved ?
	    "Support access approved by your policy" :
	    "Support asks for access", body, e);
}

int
request_ask(struct request_op *op, struct store_conn *c,
    const struct store_ops *ops, const struct request_ask_in *in,
    const struct notice_cfg *mail, struct event *ev, struct err *e)
{
	const struct rec_tenant *t = in->tenant;
	struct rec_grant *g = &op->g;

	memset(op, 0, sizeof(*op));
	notice_init(&op->notice, mail);
	op->from = -1;
	if (in->minutes < 1 || in->minutes > t->max_minutes) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'minutes' must be between 1 "
		    "and %lld", (long long)t->max_minutes);
	}
	if (grant_reason_check(in->reason, e) == -1)
		return -1;
	if (t->policy == POLICY_DENY)
		return err_refuse(e, 403, "forbidden", "tenant_policy_deny",
		    "this tenant does not allow support access");
	if (ticket_check(c, ops, t->id, in->ticket, e) == -1)
		return -1;
	op->notify = asks_may_notify(c, ops, in->engineer_id, t->id, in->now,
	    e);
	if (op->notify == -1)
		return -1;
	op->ev = ev;
	id_new(g->id, "req");
	str_copy(g->tenant_id, sizeof(g->tenant_id), t->id);
	str_copy(g->engineer_id, sizeof(g->engineer_id), in->engineer_id);
	str_copy(g->vendor_id, sizeof(g->vendor_id), in->vendor_id);
	str_copy(g->ticket_id, sizeof(g->ticket_id), in->ticket);
	str_copy(g->reason, sizeof(g->reason), in->reason);
	g->minutes = in->minutes;
	g->created = in->now;
	if (t->policy == POLICY_AUTO_APPROVE) {
		g->state = GRANT_APPROVED;
		g->decided = in->now;
		str_copy(g->decided_by, sizeof(g->decided_by),
		    "policy:auto_approve");
		g->deadline = in->now + in->minutes * 60;
	} else {
		g->state = GRANT_PENDING;
		g->deadline = in->now + GRANT_PENDING_SECONDS;
	}
	if (op->notify && ask_notice(op, c, ops, in, e) == -1)
		return -1;
	if (!op->notify)
		event_detail(ev, "notice", "withheld");
	str_copy(ev->target, sizeof(ev->target), g->id);
	event_detail(ev, "ticket", g->ticket_id);
	event_detail(ev, "state", grant_state_names[g->state]);
	if (g->state == GRANT_APPROVED)
		event_detail(ev, "decided_by", g->decided_by);
	return 0;
}

int
request_load(struct rec_grant *g, struct store_conn *c,
    const struct store_ops *ops, const char *id, const char *tenant_id,
    struct err *e)
{
	int found = ops->grant_get(c, id, g, e);

	if (found == -1)
		return -1;
	if (found == 1 || (tenant_id != NULL && strcmp(g->tenant_id,
	    tenant_id) != 0))
		return err_refuse(e, 404, "not_found", "no_such_request",
		    "no such access request");
	return 0;
}

int
request_may_view(const struct actor *who, const struct rec_grant *g)
{
	switch (who->kind) {
	case ACTOR_OPERATOR:
		return 1;
	case ACTOR_ENGINEER:
		return strcmp(g->engineer_id, who->id) == 0;
	case ACTOR_TENANT_ADMIN:
		return strcmp(g->tenant_id, who->tenant) == 0;
	default:
		return 0;
	}
}

int
request_answer(struct request_op *op, const struct rec_grant *g,
    const struct rec_tenant *t, int answer, const char *by, int64_t now,
    struct event *ev, struct err *e)
{
	static const int from[] = {
		[REQUEST_APPROVE] = GRANT_PENDING,
		[REQUEST_DENY] = GRANT_PENDING,
		[REQUEST_REVOKE] = GRANT_APPROVED,
	};
	static const int to[] = {
		[REQUEST_APPROVE] = GRANT_APPROVED,
		[REQUEST_DENY] = GRANT_DENIED,
		[REQUEST_REVOKE] = GRANT_REVOKED,
	};
	static const char *const verb[] = {
		[REQUEST_APPROVE] = "approved",
		[REQUEST_DENY] = "denied",
		[REQUEST_REVOKE] = "revoked",
	};
	int st = grant_effective_state(g, now);

	memset(op, 0, sizeof(*op));
	op->g = *g;
	event_detail(ev, "engineer", g->engineer_id);
	if (st != from[answer]) {
		return err_refuse(e, 409, "conflict", "wrong_state", "the "
		    "request is %s; to be %s it must be %s",
		    grant_state_names[st], verb[answer],
		    grant_state_names[from[answer]]);
	}
	op->from = from[answer];
	op->g.state = to[answer];
	/* A revoke keeps who approved; the log says who revoked. */
	if (answer != REQUEST_REVOKE)
		str_copy(op->g.decided_by, sizeof(op->g.decided_by), by);
	if (answer == REQUEST_APPROVE) {
		/* The duration starts now, capped by today's setting. */
		int64_t m = g->minutes < t->max_minutes ? g->minutes :
		    t->max_minutes;

		op->g.decided = now;
		op->g.deadline = now + m * 60;
	} else if (answer == REQUEST_DENY) {
		op->g.decided = now;
	} else {
		op->g.deadline = now;           /* revoked: ends now */
	}
	event_detail(ev, "state", grant_state_names[op->g.state]);
	return 0;
}

int
request_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	struct request_op *op = arg;

	if (op->from < 0 && op->notify && !op->g.break_glass &&
	    asks_withheld(c, ops, op->g.engineer_id, op->g.tenant_id,
	    op->g.created, op->ev, &op->notify, e) == -1)
		return -1;
	if (op->from < 0)
		return ops->grant_insert(c, &op->g, e);
	return ops->grant_transition(c, &op->g, op->from, e);
}
