/* SPDX-License-Identifier: ISC */
#include "access/approval.h"

#include <string.h>

#include "access/asks.h"
#include "access/grant.h"
#include "access/standing.h"
#include "audit/action.h"
#include "common/clock.h"
#include "common/rand.h"
#include "common/str.h"

const char *const approval_state_names[] = {
	[APPROVAL_PENDING] = "pending",
	[APPROVAL_APPROVED] = "approved",
	[APPROVAL_DENIED] = "denied",
	[APPROVAL_USED] = "used",
	[APPROVAL_EXPIRED] = "expired",
	NULL,
};

const char *const second_approver_names[] = {
	[SECOND_TENANT_ADMIN] = "tenant_admin",
	[SECOND_ADMIN_OR_OTHER_VENDOR] = "tenant_admin_or_other_vendor",
	NULL,
};

/* The actions a tenant may mark sensitive, each with its bit (its index
 * here); a second approval can be asked for each of them.  The order is
 * that of the tenants.sensitive bits on disk: append only. */
static const int markable[] = {
	ACT_USER_PASSWORD_RESET,
	ACT_USER_MFA_RESET,
	ACT_USER_LIST,
	ACT_TICKET_LIST,
	ACT_TICKET_VIEW,
};

#define NMARKABLE (sizeof(markable) / sizeof(markable[0]))

const char *const approval_action_names[] = {
	"user.password_reset",
	"user.mfa_reset",
	"user.list",
	"ticket.list",
	"ticket.view",
	NULL,
};

int
approval_effective_state(const struct rec_approval *a, int64_t now)
{
	if ((a->state == APPROVAL_PENDING || a->state == APPROVAL_APPROVED) &&
	    now >= a->deadline)
		return APPROVAL_EXPIRED;
	return a->state;
}

json_t *
approval_json(const struct rec_approval *a, int64_t now)
{
	int st = approval_effective_state(a, now);
	json_t *o;

	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", a->id,
	    "tenant", a->tenant_id, "engineer", a->engineer_id, "vendor",
	    a->vendor_id, "action", a->action, "target", a->target, "reason",
	    a->reason, "state", approval_state_names[st]);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "created", grant_stamp_json(a->created));
	json_object_set_new(o, "valid_until", grant_stamp_json(a->deadline));
	json_object_set_new(o, "decided_by", a->decided_by[0] != '\0' ?
	    json_string(a->decided_by) : json_null());
	return o;
}

unsigned
sensitive_bit(int action)
{
	size_t i;

	for (i = 0; i < NMARKABLE; i++)
		if (markable[i] == action)
			return 1u << i;
	return 0;
}

int
sensitive_parse(unsigned *mask, const json_t *array, struct err *e)
{
	const json_t *v;
	size_t i, k;

	*mask = 0;
	if (!json_is_array(array) || json_array_size(array) > 16)
		return err_bad_request(e, "field 'sensitive_actions' must be "
		    "an array of action names");
	json_array_foreach(array, i, v) {
		const char *name = json_string_value(v);

		for (k = 0; name != NULL && k < NMARKABLE; k++)
			if (strcmp(name, action_get(markable[k])->name) == 0)
				break;
		if (name == NULL || k == NMARKABLE)
			return err_bad_request(e, "field 'sensitive_actions' "
			    "may hold only user.password_reset, "
			    "user.mfa_reset, user.list, ticket.list and "
			    "ticket.view");
		*mask |= 1u << k;
	}
	return 0;
}

json_t *
sensitive_json(unsigned mask)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < NMARKABLE; i++)
		if (mask & (1u << i))
			json_array_append_new(a,
			    json_string(action_get(markable[i])->name));
	return a;
}

int
approval_needed(const struct actor *who, const struct rec_tenant *t,
    int action, int target_is_admin)
{
	if (who->kind != ACTOR_ENGINEER)
		return 0;
	if (target_is_admin && (action == ACT_USER_PASSWORD_RESET ||
	    action == ACT_USER_MFA_RESET))
		return 1;
	return (t->sensitive & sensitive_bit(action)) != 0;
}

static int
bad(struct err *e, const char *msg)
{
	e->reason = "bad_request";
	return err_bad_request(e, "%s", msg);
}

/* 400 unless target names what action k needs: a user of the tenant for
 * the resets, the ticket for ticket.view. */
static int
target_check(struct store_conn *c, const struct store_ops *ops,
    const char *tenant_id, size_t k, const char *target, struct err *e)
{
	struct rec_user u;
	int found;

	if (markable[k] == ACT_USER_PASSWORD_RESET ||
	    markable[k] == ACT_USER_MFA_RESET) {
		memset(&u, 0, sizeof(u));
		found = id_valid(target) ? ops->user_get(c, tenant_id, target,
		    &u, e) : 1;
		rec_user_wipe(&u);
		if (found == 1)
			return bad(e, "field 'target' names no user of this "
			    "tenant");
		return found;
	}
	if (markable[k] == ACT_TICKET_VIEW && !id_valid(target))
		return bad(e, "field 'target' must name the ticket");
	return 0;
}

int
approval_ask(struct approval_op *op, struct store_conn *c,
    const struct store_ops *ops, const struct approval_ask_in *in,
    const struct notice_cfg *mail, struct event *ev, struct err *e)
{
	const char *target = in->target != NULL ? in->target : "";
	char body[NOTICE_BODY_MAX], link[NOTICE_LINK_MAX];
	size_t k;

	memset(op, 0, sizeof(*op));
	notice_init(&op->notice, mail);
	op->from = -1;
	for (k = 0; k < NMARKABLE; k++)
		if (in->action != NULL &&
		    strcmp(in->action, approval_action_names[k]) == 0)
			break;
	if (k == NMARKABLE)
		return bad(e, "field 'action' names no action that takes a "
		    "second approval");
	if (strlen(target) >= ID_MAX)
		return bad(e, "field 'target' is too long");
	if (grant_reason_check(in->reason, e) == -1 ||
	    target_check(c, ops, in->tenant->id, k, target, e) == -1)
		return -1;
	op->notify = asks_may_notify(c, ops, in->engineer_id, in->tenant->id,
	    in->now, e);
	if (op->notify == -1)
		return -1;
	op->ev = ev;
	id_new(op->a.id, "apr");
	str_copy(op->a.tenant_id, sizeof(op->a.tenant_id), in->tenant->id);
	str_copy(op->a.engineer_id, sizeof(op->a.engineer_id),
	    in->engineer_id);
	str_copy(op->a.vendor_id, sizeof(op->a.vendor_id), in->vendor_id);
	str_copy(op->a.action, sizeof(op->a.action), approval_action_names[k]);
	str_copy(op->a.target, sizeof(op->a.target), target);
	str_copy(op->a.reason, sizeof(op->a.reason), in->reason);
	op->a.state = APPROVAL_PENDING;
	op->a.created = in->now;
	op->a.deadline = in->now + APPROVAL_PENDING_SECONDS;
	notice_link(link, sizeof(link), mail, in->tenant->id, "approvals",
	    op->a.id);
	if (str_printf(body, sizeof(body),
	    "Support engineer %s (vendor %s) asks for a second approval in "
	    "your tenant %s:\r\n\r\n  %s %s\r\n\r\nReason: %s\r\n\r\n"
	    "Approval: %s. Answer it in the console as a tenant admin (this "
	    "mail grants nothing; the link still asks you to sign in):\r\n"
	    "%s\r\n", in->engineer_id, in->vendor_id,
	    in->tenant->name, op->a.action, target, in->reason,
	    op->a.id, link) == -1)
		return err_internal(e, "notice too long");
	if (op->notify && notice_stage(&op->notice, c, ops, in->tenant->id,
	    "Support asks for a second approval", body, e) == -1)
		return -1;
	if (!op->notify)
		event_detail(ev, "notice", "withheld");
	str_copy(ev->target, sizeof(ev->target), op->a.id);
	event_detail(ev, "for", op->a.action);
	event_detail(ev, "on", target);
	return 0;
}

int
approval_load(struct rec_approval *a, struct rec_tenant *t,
    struct store_conn *c, const struct store_ops *ops, const char *id,
    struct err *e)
{
	int found;

	found = ops->approval_get(c, id, a, e);
	if (found == 0)
		found = ops->tenant_get(c, a->tenant_id, t, e);
	if (found == 1)
		return err_refuse(e, 404, "not_found", "no_such_approval",
		    "no such approval");
	return found;
}

int
approval_may_answer(struct store_conn *c, const struct store_ops *ops,
    const struct actor *who, const struct rec_tenant *t,
    const struct rec_approval *a, int answering, int64_t now, struct err *e)
{
	struct rec_grant g;
	int found;

	if (who->kind == ACTOR_TENANT_ADMIN)
		return strcmp(who->tenant, a->tenant_id) == 0 ? 0 :
		    err_refuse(e, 404, "not_found", "other_tenant",
		    "no such approval");
	/* An engineer's own request; a tenant user or the operator of the
	 * same id is someone else. */
	if (who->kind == ACTOR_ENGINEER && strcmp(who->id,
	    a->engineer_id) == 0)
		return answering ? err_refuse(e, 403, "forbidden",
		    "own_request", "nobody approves their own request") : 0;
	if (who->kind != ACTOR_ENGINEER ||
	    t->second_approver != SECOND_ADMIN_OR_OTHER_VENDOR ||
	    strcmp(who->vendor, a->vendor_id) == 0)
		return err_refuse(e, 403, "forbidden", "not_a_second_approver",
		    "this tenant accepts second approvals only from its "
		    "admins");
	/* Only one who may work in the tenant may vouch in it. */
	if (t->policy == POLICY_AUTO_APPROVE)
		return 0;
	found = ops->grant_active(c, who->id, a->tenant_id, now, &g, e);
	if (found == 1)
		return err_refuse(e, 403, "forbidden", "no_approved_access",
		    "a second approver needs access to this tenant");
	return found;
}

int
approval_answer(struct approval_op *op, const struct rec_approval *a,
    int to, const char *by, int64_t now, struct event *ev, struct err *e)
{
	int st = approval_effective_state(a, now);

	memset(op, 0, sizeof(*op));
	op->a = *a;
	event_detail(ev, "engineer", a->engineer_id);
	event_detail(ev, "for", a->action);
	if (st != APPROVAL_PENDING) {
		return err_refuse(e, 409, "conflict", "wrong_state",
		    "the approval is %s; only a pending one can be answered",
		    approval_state_names[st]);
	}
	op->from = APPROVAL_PENDING;
	op->a.state = to;
	op->a.decided = now;
	str_copy(op->a.decided_by, sizeof(op->a.decided_by), by);
	/* Approved: it must be used soon, once. */
	if (to == APPROVAL_APPROVED)
		op->a.deadline = now + APPROVAL_VALID_SECONDS;
	return 0;
}

int
approval_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	struct approval_op *op = arg;

	if (op->from < 0 && op->notify && asks_withheld(c, ops,
	    op->a.engineer_id, op->a.tenant_id, op->a.created, op->ev,
	    &op->notify, e) == -1)
		return -1;
	if (op->from < 0)
		return ops->approval_insert(c, &op->a, e);
	return ops->approval_transition(c, &op->a, op->from, e);
}

/*
 * Does the engineer who gave approval a stand no longer (suspended or
 * offboarded, or their vendor is)?  1 then, 0 when they stand or the
 * approval was not given by an engineer, -1 on a store error.  decided_by
 * holds an id without its kind: an engineer of another vendor than the
 * asker's is taken as the approver (the asker's own vendor never
 * approves), also where a tenant admin has the same id: refusing then is
 * the safe side of the doubt.
 */
static int
approver_gone(struct store_conn *c, const struct store_ops *ops,
    const struct rec_approval *a, struct err *e)
{
	struct rec_engineer en;
	const char *why;
	int found, rc;

	if (!id_valid(a->decided_by))
		return 0;
	memset(&en, 0, sizeof(en));
	found = ops->engineer_get(c, a->decided_by, &en, e);
	if (found == 0 && strcmp(en.vendor_id, a->vendor_id) != 0)
		rc = standing_refuses(c, ops, &en, "", &why, e);
	else
		rc = found == -1 ? -1 : 0;
	rec_engineer_wipe(&en);
	return rc;
}

int
approval_check(struct rec_approval *out, struct store_conn *c,
    const struct store_ops *ops, const char *id, const char *tenant_id,
    const char *engineer_id, const char *action, const char *target,
    int64_t now, struct err *e)
{
	int found, used, gone;

	found = id_valid(id) ? ops->approval_get(c, id, out, e) : 1;
	if (found == -1)
		return -1;
	/* Bound to this engineer, tenant, action and target; approved,
	 * unexpired, unused. */
	if (found == 0 && strcmp(out->tenant_id, tenant_id) == 0 &&
	    strcmp(out->engineer_id, engineer_id) == 0 &&
	    strcmp(out->action, action) == 0 &&
	    strcmp(out->target, target) == 0 &&
	    approval_effective_state(out, now) == APPROVAL_APPROVED) {
		/* Given by an engineer who was suspended or offboarded
		 * since (issue 14, F3): it serves nobody while they do not
		 * stand, as their own access requests. */
		gone = approver_gone(c, ops, out, e);
		if (gone == 0)
			return 0;
		memset(out, 0, sizeof(*out));
		return gone == -1 ? -1 : err_refuse(e, 403, "forbidden",
		    "approver_inactive", "the engineer who gave this approval "
		    "is suspended or offboarded (or their vendor is)");
	}
	used = found == 0 && out->state == APPROVAL_USED;
	memset(out, 0, sizeof(*out));
	return err_refuse(e, 403, "forbidden", used ? "approval_used" :
	    "approval_not_valid", used ? "the approval was already used" :
	    "field 'approval' does not approve this action by you on this "
	    "target (or it is not approved, expired or used)");
}

int
approval_use(struct store_conn *c, const struct store_ops *ops,
    const struct rec_approval *a, struct err *e)
{
	struct rec_approval used = *a;

	used.state = APPROVAL_USED;
	return ops->approval_transition(c, &used, APPROVAL_APPROVED, e);
}
