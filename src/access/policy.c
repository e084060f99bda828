/* SPDX-License-Identifier: ISC */
#include "access/policy.h"

#include <string.h>

const char *const policy_names[] = {
	[POLICY_APPROVAL_REQUIRED] = "approval_required",
	[POLICY_AUTO_APPROVE] = "auto_approve",
	[POLICY_DENY] = "deny",
	NULL,
};

int
policy_tenant_access(const struct actor *a, const struct rec_tenant *t,
    const struct rec_grant *g, int need_grant, struct err *e)
{
	switch (a->kind) {
	case ACTOR_OPERATOR:
		return 0;
	case ACTOR_TENANT_ADMIN:
	case ACTOR_TENANT_USER:
		if (strcmp(a->tenant, t->id) == 0)
			return 0;
		return err_refuse(e, 403, "forbidden", "other_tenant",
		    "you may act only in your own tenant");
	case ACTOR_ENGINEER:
		if (t->policy == POLICY_AUTO_APPROVE || !need_grant)
			return 0;
		if (g != NULL && (t->policy != POLICY_DENY || g->break_glass))
			return 0;
		if (t->policy == POLICY_DENY) {
			return err_refuse(e, 403, "forbidden",
			    "tenant_policy_deny",
			    "this tenant does not allow support access");
		}
		return err_refuse(e, 403, "forbidden", "no_approved_access",
		    "support access to this tenant needs an approved access "
		    "request");
	default:
		return err_refuse(e, 403, "forbidden", "not_signed_in",
		    "not allowed");
	}
}
