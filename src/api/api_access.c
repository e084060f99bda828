/* SPDX-License-Identifier: ISC */
/*
 * Customer approvals over HTTP: access requests (asked by an engineer for
 * one ticket of one tenant, answered by the tenant's admins), break-glass
 * access opened by the operator, and second approvals for sensitive
 * actions (two-person rule).  Each handler decodes the request, calls the
 * workflow in access/ (request.h, breakglass.h, approval.h), which decides
 * and builds the change, and encodes its answer; the tenant gate in api.c
 * enforces active grants.
 */
#include <stdio.h>
#include <string.h>

#include "access/approval.h"
#include "access/breakglass.h"
#include "access/grant.h"
#include "access/policy.h"
#include "access/request.h"
#include "api/req.h"
#include "common/jsonx.h"
#include "common/str.h"

static struct notice_cfg
mail_cfg(const struct req *q)
{
	struct notice_cfg m = {q->ctx->cfg.outbox_dir, q->ctx->cfg.mail_from,
	    q->ctx->cfg.public_url};

	return m;
}

/* An engineer's new ask, answered: whether its notice went to the
 * tenant's admins (access/asks.h). */
static json_t *
with_notified(json_t *o, int notify)
{
	if (o != NULL)
		json_object_set_new(o, "admins_notified",
		    json_boolean(notify));
	return o;
}

/* Writes an engineer's new request, then delivers its notice (unless it
 * is withheld) and answers 201. */
static int
write_new_grant(struct req *q, struct request_op *op)
{
	if (req_write_op(q, request_apply, op, "request") == -1)
		return -1;
	if (op->notify)
		notice_deliver(&op->notice);
	req_ok(q, 201, with_notified(grant_json(&op->g, q->now),
	    op->notify));
	return 0;
}

/* POST /v1/tenants/{t}/access-requests {ticket, reason, minutes}. */
int
h_access_request_create(struct req *q)
{
	static const char *const keys[] = {"ticket", "reason", "minutes",
	    NULL};
	struct notice_cfg mail = mail_cfg(q);
	struct request_ask_in in;
	struct request_op op;
	struct store_conn *c;
	json_t *b = req_body(q);
	int rc = -1;

	memset(&in, 0, sizeof(in));
	memset(&op, 0, sizeof(op));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&in.ticket, b, "ticket", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&in.reason, b, "reason", GRANT_REASON_MIN, REC_REASON_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_int(&in.minutes, b, "minutes", 1, q->tenant.max_minutes,
	    JX_REQUIRED, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	in.tenant = &q->tenant;
	in.engineer_id = q->actor.id;
	in.vendor_id = q->actor.vendor;
	in.now = q->now;
	c = req_reader(q);
	if (c != NULL && request_ask(&op, c, store_ops(q->ctx->store), &in,
	    &mail, &q->ev, &q->err) == 0)
		rc = write_new_grant(q, &op);
	notice_discard(&op.notice);
	return rc;
}

/* GET /v1/tenants/{t}/access-requests: api_request_list.c. */

/* Loads the grant of the path ({id} is param 1 under a tenant, else 0). */
static int
load_grant(struct req *q, int param, struct rec_grant *g)
{
	const char *id = req_param(q, param);
	struct store_conn *c;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	return request_load(g, c, store_ops(q->ctx->store), id,
	    param == 1 ? q->tenant.id : NULL, &q->err);
}

int
h_access_request_view(struct req *q)
{
	struct rec_grant g;

	if (load_grant(q, 0, &g) == -1)
		return -1;
	str_copy(q->ev.tenant, sizeof(q->ev.tenant), g.tenant_id);
	/* Anything but one's own is "no such request", not a hint that it
	 * exists. */
	if (!request_may_view(&q->actor, &g)) {
		q->err.reason = "not_yours";
		return err_set(&q->err, 404, "not_found", "no such access "
		    "request");
	}
	return req_grant_view_answer(q, &g);
}

/*
 * What an answer's optional body may say besides "step_up": an approval
 * may give less time than asked ("minutes", 1 to the request's own), a
 * denial may say why ("reason", into the entry's detail).  Read before
 * the step-up, so a bad value does not use up its challenge.
 */
static int
answer_body(struct req *q, int how, const struct rec_grant *g,
    int64_t *minutes, const char **why)
{
	json_t *b;

	*minutes = 0;
	*why = NULL;
	if (how == REQUEST_REVOKE || q->http->body.len == 0)
		return 0;
	if ((b = req_body(q)) == NULL)
		return -1;
	if ((how == REQUEST_APPROVE && jx_int(minutes, b, "minutes", 1,
	    g->minutes, JX_OPTIONAL, &q->err)) || (how == REQUEST_DENY &&
	    jx_str(why, b, "reason", 1, REC_REASON_MAX, JX_OPTIONAL |
	    JX_CLEAN, &q->err))) {
		q->err.reason = "bad_request";
		return -1;
	}
	return 0;
}

/* approve, deny, revoke: by a tenant admin. */
static int
answer(struct req *q, int how)
{
	struct rec_grant g;
	struct request_op op;
	const char *why;
	int64_t minutes;
	char text[24];

	/* The step-up (auth/stepup.h) comes after the request is known to
	 * be this tenant's: an unknown one stays a 404. */
	if (load_grant(q, 1, &g) == -1 ||
	    answer_body(q, how, &g, &minutes, &why) == -1 ||
	    req_step_up(q, g.id) == -1 ||
	    request_answer(&op, &g, &q->tenant,
	    how, q->actor.id, q->now, &q->ev, &q->err) == -1)
		return -1;
	if (minutes > 0 && op.g.deadline > q->now + minutes * 60) {
		op.g.deadline = q->now + minutes * 60;
		(void)snprintf(text, sizeof(text), "%lld", (long long)minutes);
		event_detail(&q->ev, "minutes", text);
	}
	if (why != NULL)
		event_detail(&q->ev, "reason", why);
	if (req_write_op(q, request_apply, &op, "request") == -1)
		return -1;
	req_ok(q, 200, grant_json(&op.g, q->now));
	return 0;
}

int
h_access_request_approve(struct req *q)
{
	return answer(q, REQUEST_APPROVE);
}

int
h_access_request_deny(struct req *q)
{
	return answer(q, REQUEST_DENY);
}

int
h_access_request_revoke(struct req *q)
{
	return answer(q, REQUEST_REVOKE);
}

/* POST /v1/tenants/{t}/break-glass {engineer, reason, minutes}. */
int
h_break_glass(struct req *q)
{
	static const char *const keys[] = {"engineer", "reason", "minutes",
	    NULL};
	struct notice_cfg mail = mail_cfg(q);
	struct breakglass_in in;
	struct request_op op;
	struct store_conn *c;
	json_t *b = req_body(q);
	int rc = -1;

	memset(&in, 0, sizeof(in));
	memset(&op, 0, sizeof(op));
	in.minutes = BREAK_GLASS_DEFAULT_MINUTES;
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_str(&in.engineer_id, b, "engineer", 1, ID_MAX - 1,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&in.reason, b, "reason", GRANT_REASON_MIN, REC_REASON_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_int(&in.minutes, b, "minutes", 1, BREAK_GLASS_MAX_MINUTES,
	    JX_OPTIONAL, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	in.tenant = &q->tenant;
	in.now = q->now;
	c = req_reader(q);
	if (c != NULL && breakglass_open(&op, c, store_ops(q->ctx->store),
	    &in, &mail, &q->ev, &q->err) == 0)
		rc = write_new_grant(q, &op);
	notice_discard(&op.notice);
	return rc;
}

/* POST /v1/tenants/{t}/approvals {action, target, reason}. */
int
h_approval_create(struct req *q)
{
	static const char *const keys[] = {"action", "target", "reason",
	    NULL};
	struct notice_cfg mail = mail_cfg(q);
	struct approval_ask_in in;
	struct approval_op op;
	struct store_conn *c;
	json_t *b = req_body(q);
	int action, rc = -1;

	memset(&in, 0, sizeof(in));
	memset(&op, 0, sizeof(op));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    jx_enum(&action, b, "action", approval_action_names, JX_REQUIRED,
	    &q->err) ||
	    jx_str(&in.target, b, "target", 0, ID_MAX - 1,
	    JX_OPTIONAL | JX_CLEAN, &q->err) ||
	    jx_str(&in.reason, b, "reason", GRANT_REASON_MIN, REC_REASON_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err)) {
		q->err.reason = "bad_request";
		return -1;
	}
	in.tenant = &q->tenant;
	in.engineer_id = q->actor.id;
	in.vendor_id = q->actor.vendor;
	in.action = approval_action_names[action];
	in.now = q->now;
	c = req_reader(q);
	if (c != NULL && approval_ask(&op, c, store_ops(q->ctx->store), &in,
	    &mail, &q->ev, &q->err) == 0 &&
	    req_write_op(q, approval_apply, &op,
	    "approval") == 0) {
		if (op.notify)
			notice_deliver(&op.notice);
		req_ok(q, 201, with_notified(approval_json(&op.a, q->now),
		    op.notify));
		rc = 0;
	}
	notice_discard(&op.notice);
	return rc;
}

/* Loads the approval of the path and the tenant it belongs to; may the
 * caller see (answering 0) or answer (1) it? */
static int
load_approval(struct req *q, struct rec_approval *a, int answering)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	const char *id = req_param(q, 0);
	struct store_conn *c;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL || approval_load(a, &q->tenant, c, ops, id,
	    &q->err) == -1)
		return -1;
	str_copy(q->ev.tenant, sizeof(q->ev.tenant), a->tenant_id);
	return approval_may_answer(c, ops, &q->actor, &q->tenant, a,
	    answering, q->now, &q->err);
}

#define APPROVAL_LIST_MAX 200

static int
approval_list_cb(void *arg, const struct rec_approval *a)
{
	struct { json_t *arr; int64_t now; } *l = arg;

	return json_array_append_new(l->arr, approval_json(a, l->now));
}

/* GET /v1/tenants/{t}/approvals: the tenant's second approvals, newest
 * first (an engineer sees only their own asks). */
int
h_approval_list(struct req *q)
{
	struct { json_t *arr; int64_t now; } l = {json_array(), q->now};
	struct store_conn *c = req_reader(q);

	if (l.arr == NULL || c == NULL ||
	    store_ops(q->ctx->store)->approval_list(c, q->tenant.id,
	    q->actor.kind == ACTOR_ENGINEER ? q->actor.id : NULL,
	    APPROVAL_LIST_MAX, approval_list_cb, &l, &q->err) == -1) {
		json_decref(l.arr);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "approvals", l.arr));
	return 0;
}

int
h_approval_view(struct req *q)
{
	struct rec_approval a;

	if (load_approval(q, &a, 0) == -1)
		return -1;
	req_ok(q, 200, approval_json(&a, q->now));
	return 0;
}

static int
approval_reply(struct req *q, int to)
{
	struct rec_approval a;
	struct approval_op op;

	if (load_approval(q, &a, 1) == -1 || req_step_up(q, a.id) == -1 ||
	    approval_answer(&op, &a, to,
	    q->actor.id, q->now, &q->ev, &q->err) == -1 ||
	    req_write_op(q, approval_apply, &op,
	    "approval") == -1)
		return -1;
	req_ok(q, 200, approval_json(&op.a, q->now));
	return 0;
}

int
h_approval_approve(struct req *q)
{
	return approval_reply(q, APPROVAL_APPROVED);
}

int
h_approval_deny(struct req *q)
{
	return approval_reply(q, APPROVAL_DENIED);
}

int
req_second_approval(struct req *q, const char *approval, const char *target,
    int target_is_admin)
{
	const char *name = action_get(q->route->action)->name;
	struct store_conn *c;

	if (!approval_needed(&q->actor, &q->tenant, q->route->action,
	    target_is_admin))
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
	return approval_check(&q->approval, c, store_ops(q->ctx->store),
	    approval, q->tenant.id, q->actor.id, name, target, q->now,
	    &q->err);
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
