/* SPDX-License-Identifier: ISC */
#include "access/settings.h"

#include <stdlib.h>
#include <string.h>

#include "access/approval.h"
#include "access/grant.h"
#include "access/policy.h"
#include "common/jsonx.h"
#include "common/str.h"

void
settings_in_init(struct settings_in *in)
{
	memset(in, 0, sizeof(*in));
	in->policy = -1;
	in->second_approver = -1;
}

/* The entry's detail: the policy before and after, the rest as it will
 * be. */
static void
change_detail(const struct rec_tenant *from, const struct rec_tenant *to,
    struct event *ev)
{
	char num[24];
	json_t *sj = sensitive_json(to->sensitive);
	char *st = sj != NULL ? jx_dump(sj) : NULL;

	event_detail(ev, "from", policy_names[from->policy]);
	event_detail(ev, "to", policy_names[to->policy]);
	str_printf(num, sizeof(num), "%lld", (long long)to->max_minutes);
	event_detail(ev, "max_minutes", num);
	event_detail(ev, "second_approver",
	    second_approver_names[to->second_approver]);
	event_detail(ev, "sensitive_actions", st != NULL ? st : "[]");
	free(st);
	json_decref(sj);
}

int
settings_change(struct rec_tenant *out, const struct rec_tenant *t,
    const struct settings_in *in, struct event *ev, struct err *e)
{
	*out = *t;
	if (in->policy < -1 || in->policy > POLICY_DENY)
		return err_bad_request(e, "field 'support_policy' has an "
		    "unknown value");
	if (in->second_approver < -1 ||
	    in->second_approver > SECOND_ADMIN_OR_OTHER_VENDOR)
		return err_bad_request(e, "field 'second_approver' has an "
		    "unknown value");
	if (in->max_minutes < 0 || in->max_minutes > TENANT_MAX_MINUTES_CAP)
		return err_bad_request(e, "field 'max_minutes' must be from 1 "
		    "to %d", TENANT_MAX_MINUTES_CAP);
	if (in->policy != -1)
		out->policy = in->policy;
	if (in->max_minutes != 0)
		out->max_minutes = in->max_minutes;
	if (in->second_approver != -1)
		out->second_approver = in->second_approver;
	if (in->has_sensitive)
		out->sensitive = in->sensitive;
	change_detail(t, out, ev);
	return 0;
}

int
settings_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	const struct rec_tenant *t = arg;

	return ops->tenant_set_settings(c, t, e) == -1 ? -1 : 0;
}
