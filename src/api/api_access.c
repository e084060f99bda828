/* SPDX-License-Identifier: ISC */
/*
 * Customer approvals: access requests (asked by an engineer for one ticket
 * of one tenant, answered by the tenant's admins, time-boxed from the
 * approval), break-glass access opened by the operator, and second
 * approvals for sensitive actions (two-person rule).  The rules live in
 * access/grant.c; the tenant gate in api.c enforces active grants.
 */
#include <stdlib.h>
#include <string.h>

#include "access/grant.h"
#include "access/policy.h"
#include "api/notify.h"
#include "api/req.h"
#include "common/jsonx.h"
#include "common/str.h"

#define MAIL_MAX 2048

/* A state change of a grant or approval, with the notice it sends. */
struct change {
	struct rec_grant g;
	struct rec_approval a;
	int from;
	struct notice notice;
};

static int
deny(struct req *q, int status, const char *code, const char *reason,
    const char *msg)
{
	q->err.reason = reason;
	return err_set(&q->err, status, code, "%s", msg);
}

static int
apply_grant_insert(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct change *ch = arg;

	return store_ops(q->ctx->store)->grant_insert(c, &ch->g, e);
}

/* A transition lost the race: someone answered first.  Denied, but the
 * request's entry still commits. */
static int
answered_meanwhile(struct req *q, const char *what)
{
	struct err d;

	err_init(&d);
	err_set(&d, 409, "conflict", "the %s was answered meanwhile", what);
	d.reason = "state_changed";
	return req_deny(q, &d);
}

static int
apply_grant_transition(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct change *ch = arg;
	int rc;

	rc = store_ops(q->ctx->store)->grant_transition(c, &ch->g, ch->from,
	    e);
	return rc == 1 ? answered_meanwhile(q, "request") : rc;
}

/*
 * POST /v1/tenants/{t}/access-requests {ticket, reason, minutes}: an
 * engineer asks for one ticket of this tenant.  With auto_approve the
 * policy answers at once (recorded as approved by the policy); with deny
 * nobody may ask.
 */
int
h_access_request_create(struct req *q)
{
	static const char *const keys[] = {"ticket", "reason", "minutes",
	    NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *ticket, *reason;
	char body[MAIL_MAX], until[RFC3339_LEN];
	struct rec_ticket tk;
	struct change ch;
	int64_t minutes = 0;
	struct store_conn *c;
	json_t *b = req_body(q);
	int found, rc = -1;

	memset(&ch, 0, sizeof(ch));
	memset(&tk, 0, sizeof(tk));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&ticket, b, "ticket", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&reason, b, "reason", GRANT_REASON_MIN, REC_REASON_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_int(&minutes, b, "minutes", 1, q->tenant.max_minutes,
	    JX_REQUIRED, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (q->tenant.policy == POLICY_DENY)
		return deny(q, 403, "forbidden", "tenant_policy_deny", "this "
		    "tenant does not allow support access");
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = id_valid(ticket) ? ops->ticket_get(c, q->tenant.id, ticket,
	    &tk, &q->err) : 1;
	rec_ticket_cleanup(&tk);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'ticket' names no ticket "
		    "of this tenant");
	}
	id_new(ch.g.id, "req");
	str_copy(ch.g.tenant_id, sizeof(ch.g.tenant_id), q->tenant.id);
	str_copy(ch.g.engineer_id, sizeof(ch.g.engineer_id), q->actor.id);
	str_copy(ch.g.vendor_id, sizeof(ch.g.vendor_id), q->actor.vendor);
	str_copy(ch.g.ticket_id, sizeof(ch.g.ticket_id), ticket);
	str_copy(ch.g.reason, sizeof(ch.g.reason), reason);
	ch.g.minutes = minutes;
	ch.g.created = q->now;
	if (q->tenant.policy == POLICY_AUTO_APPROVE) {
		ch.g.state = GRANT_APPROVED;
		ch.g.decided = q->now;
		str_copy(ch.g.decided_by, sizeof(ch.g.decided_by),
		    "policy:auto_approve");
		ch.g.deadline = q->now + minutes * 60;
	} else {
		ch.g.state = GRANT_PENDING;
		ch.g.deadline = q->now + GRANT_PENDING_SECONDS;
	}
	time_format(until, ch.g.deadline);
	if (str_printf(body, sizeof(body),
	    "Support engineer %s (vendor %s) asks for access to your tenant "
	    "%s\r\nfor ticket %s, for %lld minutes.\r\n\r\nReason: %s\r\n"
	    "\r\nRequest: %s\r\n%s %s.\r\n\r\n%s\r\n",
	    q->actor.id, q->actor.vendor, q->tenant.name, ticket,
	    (long long)minutes, reason, ch.g.id, ch.g.state == GRANT_APPROVED ?
	    "Your support policy (auto_approve) approved it; access ends at" :
	    "It expires unanswered at", until, ch.g.state == GRANT_APPROVED ?
	    "A tenant admin can revoke it in custos (this mail grants "
	    "nothing)." : "Answer it in custos as a tenant admin (this mail "
	    "grants nothing).") == -1 ||
	    notify_stage(q->ctx, c, q->tenant.id, ch.g.state ==
	    GRANT_APPROVED ? "Support access approved by your policy" :
	    "Support asks for access", body, &ch.notice, &q->err) == -1)
		goto out;
	str_copy(q->ev.target, sizeof(q->ev.target), ch.g.id);
	event_detail(&q->ev, "ticket", ticket);
	event_detail(&q->ev, "state", grant_state_names[ch.g.state]);
	if (ch.g.state == GRANT_APPROVED)
		event_detail(&q->ev, "decided_by", ch.g.decided_by);
	if (req_write(q, apply_grant_insert, &ch) == -1)
		goto out;
	notify_deliver(q->ctx, &ch.notice);
	req_ok(q, 201, grant_json(&ch.g, q->now));
	rc = 0;
out:
	notify_discard(q->ctx, &ch.notice);
	return rc;
}

static int
grant_list_cb(void *arg, const struct rec_grant *g)
{
	struct req *q = *(struct req **)arg;
	json_t *list = ((json_t **)arg)[1];

	return json_array_append_new(list, grant_json(g, q->now)) == -1;
}

int
h_access_request_list(struct req *q)
{
	void *arg[2];
	struct store_conn *c = req_reader(q);
	json_t *list = json_array();

	arg[0] = q;
	arg[1] = list;
	if (c == NULL || store_ops(q->ctx->store)->grant_list_tenant(c,
	    q->tenant.id, grant_list_cb, arg, &q->err) == -1) {
		json_decref(list);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "access_requests", list));
	return 0;
}

/* Loads the grant of the path ({id} is param 1 under a tenant, else 0). */
static int
load_grant(struct req *q, int param, struct rec_grant *g)
{
	const char *id = req_param(q, param);
	struct store_conn *c;
	int found;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = store_ops(q->ctx->store)->grant_get(c, id, g, &q->err);
	if (found == -1)
		return -1;
	if (found == 1 || (param == 1 && strcmp(g->tenant_id,
	    q->tenant.id) != 0))
		return deny(q, 404, "not_found", "no_such_request", "no such "
		    "access request");
	return 0;
}

int
h_access_request_view(struct req *q)
{
	struct rec_grant g;

	if (load_grant(q, 0, &g) == -1)
		return -1;
	str_copy(q->ev.tenant, sizeof(q->ev.tenant), g.tenant_id);
	/* Engineers see their own; admins their tenant's; the operator all.
	 * Anything else is "no such request", not a hint that it exists. */
	if ((q->actor.kind == ACTOR_ENGINEER && strcmp(g.engineer_id,
	    q->actor.id) != 0) || (q->actor.kind == ACTOR_TENANT_ADMIN &&
	    strcmp(g.tenant_id, q->actor.tenant) != 0))
		return deny(q, 404, "not_found", "not_yours", "no such access "
		    "request");
	req_ok(q, 200, grant_json(&g, q->now));
	return 0;
}

/* approve, deny, revoke: from one state to another, by a tenant admin. */
static int
answer(struct req *q, int from, int to)
{
	struct change ch;
	int st;

	memset(&ch, 0, sizeof(ch));
	if (load_grant(q, 1, &ch.g) == -1)
		return -1;
	st = grant_effective_state(&ch.g, q->now);
	event_detail(&q->ev, "engineer", ch.g.engineer_id);
	if (st != from) {
		q->err.reason = "wrong_state";
		return err_set(&q->err, 409, "conflict", "the request is %s; "
		    "to be %s it must be %s", grant_state_names[st],
		    to == GRANT_APPROVED ? "approved" : to == GRANT_DENIED ?
		    "denied" : "revoked", grant_state_names[from]);
	}
	ch.from = from;
	ch.g.state = to;
	/* A revoke keeps who approved; the log says who revoked. */
	if (to != GRANT_REVOKED)
		str_copy(ch.g.decided_by, sizeof(ch.g.decided_by),
		    q->actor.id);
	if (to == GRANT_APPROVED) {
		/* The duration starts now, capped by today's setting. */
		int64_t m = ch.g.minutes < q->tenant.max_minutes ?
		    ch.g.minutes : q->tenant.max_minutes;

		ch.g.decided = q->now;
		ch.g.deadline = q->now + m * 60;
	} else if (to == GRANT_DENIED) {
		ch.g.decided = q->now;
	} else {
		ch.g.deadline = q->now;         /* revoked: ends now */
	}
	event_detail(&q->ev, "state", grant_state_names[to]);
	if (req_write(q, apply_grant_transition, &ch) == -1)
		return -1;
	req_ok(q, 200, grant_json(&ch.g, q->now));
	return 0;
}

int
h_access_request_approve(struct req *q)
{
	return answer(q, GRANT_PENDING, GRANT_APPROVED);
}

int
h_access_request_deny(struct req *q)
{
	return answer(q, GRANT_PENDING, GRANT_DENIED);
}

int
h_access_request_revoke(struct req *q)
{
	return answer(q, GRANT_APPROVED, GRANT_REVOKED);
}

/*
 * POST /v1/tenants/{t}/break-glass {engineer, reason, minutes}: the
 * operator opens short emergency access for one engineer without the
 * tenant's admins.  Every admin is mailed at once; every entry the grant
 * lets through says break_glass.
 */
int
h_break_glass(struct req *q)
{
	static const char *const keys[] = {"engineer", "reason", "minutes",
	    NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *eng, *reason;
	char body[MAIL_MAX], until[RFC3339_LEN];
	struct rec_engineer en;
	struct change ch;
	int64_t minutes = 30;
	struct store_conn *c;
	json_t *b = req_body(q);
	int found, rc = -1;

	memset(&ch, 0, sizeof(ch));
	memset(&en, 0, sizeof(en));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&eng, b, "engineer", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&reason, b, "reason", GRANT_REASON_MIN, REC_REASON_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_int(&minutes, b, "minutes", 1, BREAK_GLASS_MAX_MINUTES,
	    JX_OPTIONAL, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = id_valid(eng) ? ops->engineer_get(c, eng, &en, &q->err) : 1;
	rec_engineer_wipe(&en);
	if (found == -1)
		return -1;
	if (found == 1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'engineer' names no "
		    "engineer");
	}
	id_new(ch.g.id, "req");
	str_copy(ch.g.tenant_id, sizeof(ch.g.tenant_id), q->tenant.id);
	str_copy(ch.g.engineer_id, sizeof(ch.g.engineer_id), en.id);
	str_copy(ch.g.vendor_id, sizeof(ch.g.vendor_id), en.vendor_id);
	str_copy(ch.g.reason, sizeof(ch.g.reason), reason);
	ch.g.minutes = minutes;
	ch.g.state = GRANT_APPROVED;
	ch.g.break_glass = 1;
	ch.g.created = ch.g.decided = q->now;
	str_copy(ch.g.decided_by, sizeof(ch.g.decided_by), "operator");
	ch.g.deadline = q->now + minutes * 60;
	time_format(until, ch.g.deadline);
	if (str_printf(body, sizeof(body),
	    "BREAK-GLASS: the operator opened emergency support access to "
	    "your tenant %s\r\nfor engineer %s (vendor %s) until %s, without "
	    "an admin's approval.\r\n\r\nReason: %s\r\n\r\nRequest: %s. "
	    "Every action under it is marked in your tenant's\r\naccess log. "
	    "A tenant admin can revoke it at once.\r\n", q->tenant.name,
	    en.id, en.vendor_id, until, reason, ch.g.id) == -1 ||
	    notify_stage(q->ctx, c, q->tenant.id, "Break-glass access to your "
	    "tenant", body, &ch.notice, &q->err) == -1)
		goto out;
	str_copy(q->ev.target, sizeof(q->ev.target), ch.g.id);
	event_detail(&q->ev, "engineer", en.id);
	event_detail(&q->ev, "break_glass", "true");
	event_detail(&q->ev, "alert", "break_glass");
	if (req_write(q, apply_grant_insert, &ch) == -1)
		goto out;
	notify_deliver(q->ctx, &ch.notice);
	req_ok(q, 201, grant_json(&ch.g, q->now));
	rc = 0;
out:
	notify_discard(q->ctx, &ch.notice);
	return rc;
}

static int
apply_approval_insert(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct change *ch = arg;

	return store_ops(q->ctx->store)->approval_insert(c, &ch->a, e);
}

/*
 * POST /v1/tenants/{t}/approvals {action, target, reason}: an engineer
 * with access asks a second person to allow one sensitive action.
 */
int
h_approval_create(struct req *q)
{
	static const char *const keys[] = {"action", "target", "reason",
	    NULL};
	static const char *const actions[] = {"user.password_reset",
	    "user.mfa_reset", "user.list", "ticket.list", "ticket.view",
	    NULL};
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *target, *reason;
	char body[MAIL_MAX];
	struct change ch;
	struct store_conn *c;
	json_t *b = req_body(q);
	int action, rc = -1;

	memset(&ch, 0, sizeof(ch));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_enum(&action, b, "action", actions, JX_REQUIRED, &q->err) ||
	    jx_str(&target, b, "target", 0, ID_MAX - 1, JX_OPTIONAL | JX_CLEAN,
	    &q->err) ||
	    jx_str(&reason, b, "reason", GRANT_REASON_MIN, REC_REASON_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	if (target == NULL)
		target = "";
	c = req_reader(q);
	if (c == NULL)
		return -1;
	if (action <= 1) {
		struct rec_user u;
		int found = id_valid(target) ? ops->user_get(c, q->tenant.id,
		    target, &u, &q->err) : 1;

		rec_user_wipe(&u);
		if (found == -1)
			return -1;
		if (found == 1) {
			q->err.reason = "bad_request";
			return err_bad_request(&q->err, "field 'target' names no "
			    "user of this tenant");
		}
	} else if (action == 4 && !id_valid(target)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "field 'target' must name the "
		    "ticket");
	}
	id_new(ch.a.id, "apr");
	str_copy(ch.a.tenant_id, sizeof(ch.a.tenant_id), q->tenant.id);
	str_copy(ch.a.engineer_id, sizeof(ch.a.engineer_id), q->actor.id);
	str_copy(ch.a.vendor_id, sizeof(ch.a.vendor_id), q->actor.vendor);
	str_copy(ch.a.action, sizeof(ch.a.action), actions[action]);
	str_copy(ch.a.target, sizeof(ch.a.target), target);
	str_copy(ch.a.reason, sizeof(ch.a.reason), reason);
	ch.a.state = APPROVAL_PENDING;
	ch.a.created = q->now;
	ch.a.deadline = q->now + APPROVAL_PENDING_SECONDS;
	if (str_printf(body, sizeof(body),
	    "Support engineer %s (vendor %s) asks for a second approval in "
	    "your tenant %s:\r\n\r\n  %s %s\r\n\r\nReason: %s\r\n\r\n"
	    "Approval: %s. Answer it in custos as a tenant admin (this mail "
	    "grants nothing).\r\n", q->actor.id, q->actor.vendor,
	    q->tenant.name, ch.a.action, target, reason, ch.a.id) == -1 ||
	    notify_stage(q->ctx, c, q->tenant.id, "Support asks for a second "
	    "approval", body, &ch.notice, &q->err) == -1)
		goto out;
	str_copy(q->ev.target, sizeof(q->ev.target), ch.a.id);
	event_detail(&q->ev, "for", ch.a.action);
	event_detail(&q->ev, "on", target);
	if (req_write(q, apply_approval_insert, &ch) == -1)
		goto out;
	notify_deliver(q->ctx, &ch.notice);
	req_ok(q, 201, approval_json(&ch.a, q->now));
	rc = 0;
out:
	notify_discard(q->ctx, &ch.notice);
	return rc;
}

/* Loads the approval of the path and the tenant it belongs to. */
static int
load_approval(struct req *q, struct rec_approval *a)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *id = req_param(q, 0);
	struct store_conn *c;
	int found;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = ops->approval_get(c, id, a, &q->err);
	if (found == 0)
		found = ops->tenant_get(c, a->tenant_id, &q->tenant, &q->err);
	if (found == -1)
		return -1;
	if (found == 1)
		return deny(q, 404, "not_found", "no_such_approval", "no such "
		    "approval");
	str_copy(q->ev.tenant, sizeof(q->ev.tenant), a->tenant_id);
	return 0;
}

/* May this caller answer (or see) approval a?  The asker never may
 * answer; engineers of another vendor only where the tenant allows. */
static int
may_answer(struct req *q, const struct rec_approval *a, int answering)
{
	if (q->actor.kind == ACTOR_TENANT_ADMIN)
		return strcmp(q->actor.tenant, a->tenant_id) == 0 ? 0 :
		    deny(q, 404, "not_found", "other_tenant", "no such "
		    "approval");
	if (strcmp(q->actor.id, a->engineer_id) == 0)
		return answering ? deny(q, 403, "forbidden", "own_request",
		    "nobody approves their own request") : 0;
	if (q->tenant.second_approver == SECOND_ADMIN_OR_OTHER_VENDOR &&
	    strcmp(q->actor.vendor, a->vendor_id) != 0) {
		struct store_conn *c = req_reader(q);
		struct rec_grant g;
		int found;

		/* Only one who may work in the tenant may vouch in it. */
		if (q->tenant.policy == POLICY_AUTO_APPROVE)
			return 0;
		if (c == NULL)
			return -1;
		found = store_ops(q->ctx->store)->grant_active(c, q->actor.id,
		    a->tenant_id, q->now, &g, &q->err);
		if (found == -1)
			return -1;
		if (found == 0)
			return 0;
		return deny(q, 403, "forbidden", "no_approved_access", "a "
		    "second approver needs access to this tenant");
	}
	return deny(q, 403, "forbidden", "not_a_second_approver", "this "
	    "tenant accepts second approvals only from its admins" );
}

int
h_approval_view(struct req *q)
{
	struct rec_approval a;

	if (load_approval(q, &a) == -1 || may_answer(q, &a, 0) == -1)
		return -1;
	req_ok(q, 200, approval_json(&a, q->now));
	return 0;
}

static int
apply_approval_transition(struct store_conn *c, struct req *q, void *arg,
    struct err *e)
{
	struct change *ch = arg;
	int rc;

	rc = store_ops(q->ctx->store)->approval_transition(c, &ch->a,
	    ch->from, e);
	return rc == 1 ? answered_meanwhile(q, "approval") : rc;
}

static int
approval_answer(struct req *q, int to)
{
	struct change ch;
	int st;

	memset(&ch, 0, sizeof(ch));
	if (load_approval(q, &ch.a) == -1 || may_answer(q, &ch.a, 1) == -1)
		return -1;
	event_detail(&q->ev, "engineer", ch.a.engineer_id);
	event_detail(&q->ev, "for", ch.a.action);
	st = approval_effective_state(&ch.a, q->now);
	if (st != APPROVAL_PENDING) {
		q->err.reason = "wrong_state";
		return err_set(&q->err, 409, "conflict", "the approval is %s; "
		    "only a pending one can be answered",
		    approval_state_names[st]);
	}
	ch.from = APPROVAL_PENDING;
	ch.a.state = to;
	ch.a.decided = q->now;
	str_copy(ch.a.decided_by, sizeof(ch.a.decided_by), q->actor.id);
	/* Approved: it must be used soon, once. */
	if (to == APPROVAL_APPROVED)
		ch.a.deadline = q->now + APPROVAL_VALID_SECONDS;
	if (req_write(q, apply_approval_transition, &ch) == -1)
		return -1;
	req_ok(q, 200, approval_json(&ch.a, q->now));
	return 0;
}

int
h_approval_approve(struct req *q)
{
	return approval_answer(q, APPROVAL_APPROVED);
}

int
h_approval_deny(struct req *q)
{
	return approval_answer(q, APPROVAL_DENIED);
}

int
req_second_approval(struct req *q, const char *approval, const char *target,
    int target_is_admin)
{
	const char *name = action_get(q->route->action)->name;
	struct rec_approval *a = &q->approval;
	struct store_conn *c;
	int found;

	if (q->actor.kind != ACTOR_ENGINEER ||
	    !grant_needs_second(&q->tenant, q->route->action, target_is_admin))
		return 0;
	if (approval == NULL) {
		q->err.reason = "second_approval_required";
		return err_set(&q->err, 403, "second_approval_required",
		    "%s here needs a second approval: POST "
		    "/v1/tenants/%s/approvals", name, q->tenant.id);
	}
	event_detail(&q->ev, "approval", approval);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	found = id_valid(approval) ? store_ops(q->ctx->store)->approval_get(c,
	    approval, a, &q->err) : 1;
	if (found == -1)
		return -1;
	/* Bound to this engineer, tenant, action and target; approved,
	 * unexpired, unused. */
	if (found == 1 || strcmp(a->tenant_id, q->tenant.id) != 0 ||
	    strcmp(a->engineer_id, q->actor.id) != 0 ||
	    strcmp(a->action, name) != 0 || strcmp(a->target, target) != 0 ||
	    approval_effective_state(a, q->now) != APPROVAL_APPROVED) {
		int used = found == 0 && a->state == APPROVAL_USED;

		memset(a, 0, sizeof(*a));
		q->err.reason = used ? "approval_used" : "approval_not_valid";
		return err_set(&q->err, 403, "forbidden", used ? "the approval "
		    "was already used" : "field 'approval' does not approve "
		    "this action by you on this target (or it is not approved, "
		    "expired or used)");
	}
	return 0;
}

int
h_tenant_policy_get(struct req *q)
{
	req_ok(q, 200, json_pack("{s:s,s:I,s:s,s:o}", "support_policy",
	    policy_names[q->tenant.policy], "max_minutes",
	    (json_int_t)q->tenant.max_minutes, "second_approver",
	    second_approver_names[q->tenant.second_approver],
	    "sensitive_actions", sensitive_json(q->tenant.sensitive)));
	return 0;
}
