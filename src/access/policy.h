/* SPDX-License-Identifier: ISC */
/*
 * policy: may this caller act in this tenant?  The role table says what a
 * kind of caller may attempt; policy says whether it may do so in the
 * tenant at hand: tenant admins and users only in their own tenant, support
 * engineers as the tenant's support_policy allows (auto_approve lets them
 * in, deny keeps them out, approval_required needs an approved access
 * request, which the customer-approvals part adds).
 */
#ifndef CUSTOS_ACCESS_POLICY_H
#define CUSTOS_ACCESS_POLICY_H

#include "audit/event.h"
#include "common/err.h"
#include "store/records.h"

extern const char *const policy_names[];   /* NULL-ended, enum rec_policy */

/*
 * 0 when allowed; -1 with a 403 in e (e->reason set for the log).  For an
 * engineer, g is the engineer's active (approved, unexpired) grant in the
 * tenant or NULL; need_grant is 0 for calls that need no access (asking
 * for it).  A break-glass grant opens even a tenant whose policy is deny.
 */
int policy_tenant_access(const struct actor *a, const struct rec_tenant *t,
    const struct rec_grant *g, int need_grant, struct err *e)
	__attribute__((warn_unused_result));

#endif
