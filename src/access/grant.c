/* SPDX-License-Identifier: ISC */
#include "access/grant.h"

#include <string.h>

#include "audit/action.h"
#include "common/clock.h"

const char *const grant_state_names[] = {
	[GRANT_PENDING] = "pending",
	[GRANT_APPROVED] = "approved",
	[GRANT_DENIED] = "denied",
	[GRANT_EXPIRED] = "expired",
	[GRANT_REVOKED] = "revoked",
	NULL,
};

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

/* The actions a tenant may mark sensitive, each with its bit. */
static const int markable[] = {
	ACT_USER_PASSWORD_RESET,
	ACT_USER_MFA_RESET,
	ACT_USER_LIST,
	ACT_TICKET_LIST,
	ACT_TICKET_VIEW,
};

#define NMARKABLE (sizeof(markable) / sizeof(markable[0]))

int
grant_effective_state(const struct rec_grant *g, int64_t now)
{
	if ((g->state == GRANT_PENDING || g->state == GRANT_APPROVED) &&
	    now >= g->deadline)
		return GRANT_EXPIRED;
	return g->state;
}

int
approval_effective_state(const struct rec_approval *a, int64_t now)
{
	if ((a->state == APPROVAL_PENDING || a->state == APPROVAL_APPROVED) &&
	    now >= a->deadline)
		return APPROVAL_EXPIRED;
	return a->state;
}

static json_t *
stamp_or_null(int64_t t)
{
	char s[RFC3339_LEN];

	if (t <= 0)
		return json_null();
	time_format(s, t);
	return json_string(s);
}

json_t *
grant_json(const struct rec_grant *g, int64_t now)
{
	int st = grant_effective_state(g, now);
	json_t *o;

	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:b}", "id", g->id,
	    "tenant", g->tenant_id, "engineer", g->engineer_id, "vendor",
	    g->vendor_id, "ticket", g->ticket_id, "reason", g->reason,
	    "minutes", (json_int_t)g->minutes, "state", grant_state_names[st],
	    "break_glass", g->break_glass);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "created", stamp_or_null(g->created));
	json_object_set_new(o, "decided", stamp_or_null(g->decided));
	json_object_set_new(o, "decided_by", g->decided_by[0] != '\0' ?
	    json_string(g->decided_by) : json_null());
	/* pending: the answer is due by then; approved: access ends then. */
	json_object_set_new(o, st == GRANT_PENDING ? "answer_by" :
	    "expires_at", st == GRANT_PENDING || st == GRANT_APPROVED ||
	    st == GRANT_EXPIRED || st == GRANT_REVOKED ?
	    stamp_or_null(g->deadline) : json_null());
	return o;
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
	json_object_set_new(o, "created", stamp_or_null(a->created));
	json_object_set_new(o, "valid_until", stamp_or_null(a->deadline));
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
grant_needs_second(const struct rec_tenant *t, int action,
    int target_is_admin)
{
	if (target_is_admin && (action == ACT_USER_PASSWORD_RESET ||
	    action == ACT_USER_MFA_RESET))
		return 1;
	return (t->sensitive & sensitive_bit(action)) != 0;
}
