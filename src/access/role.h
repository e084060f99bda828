/* SPDX-License-Identifier: ISC */
/*
 * role: the actions custos knows and which kind of caller may attempt each.
 * This table is the least-privilege policy in one place, as data: the
 * support role (engineers) may list and view tickets, list users and
 * trigger password and MFA resets, and nothing else in a tenant.
 */
#ifndef CUSTOS_ACCESS_ROLE_H
#define CUSTOS_ACCESS_ROLE_H

#include "audit/event.h"

enum action {
	ACT_HEALTH,
	ACT_AUTH_LOGIN,
	ACT_AUTH_VERIFY,
	ACT_AUTH_LOGOUT,
	ACT_PASSWORD_RESET_COMPLETE,
	ACT_VENDOR_CREATE,
	ACT_ENGINEER_CREATE,
	ACT_DEVICE_CREATE,
	ACT_TENANT_CREATE,
	ACT_IMPORT,
	ACT_USER_CREATE,
	ACT_USER_DELETE,
	ACT_USER_LIST,
	ACT_USER_PASSWORD_RESET,
	ACT_USER_MFA_RESET,
	ACT_TICKET_CREATE,
	ACT_TICKET_LIST,
	ACT_TICKET_VIEW,
	ACT_TENANT_EXPORT,
	ACT_TENANT_POLICY_SET,
	ACT_LOG_READ,
	ACT_RESET_PAGE,
	ACT_ACCESS_LOG,
	ACT_ACCESS_REQUEST_CREATE,
	ACT_ACCESS_REQUEST_VIEW,
	ACT_ACCESS_REQUEST_LIST,
	ACT_ACCESS_REQUEST_APPROVE,
	ACT_ACCESS_REQUEST_DENY,
	ACT_ACCESS_REQUEST_REVOKE,
	ACT_BREAK_GLASS,
	ACT_APPROVAL_CREATE,
	ACT_APPROVAL_VIEW,
	ACT_APPROVAL_APPROVE,
	ACT_APPROVAL_DENY,
	ACT_TENANT_POLICY_GET,
	ACT_SCOPE,
	ACT_ENGINEER_HOURS,
	ACT_ALERT_LIST,
	ACT_ALERT_VIEW,
	ACT_CONTAINMENT,
	ACT_CONTAINMENT_LIST,
	ACT_CONTAINMENT_LIFT,
	ACT_UNKNOWN,
	ACT_COUNT
};

/* Bits of enum actor_kind. */
#define WHO(k) (1u << (k))
/* Every kind of caller; custosd itself (ACTOR_SYSTEM) never calls. */
#define WHO_ANYONE (WHO(ACTOR_ANONYMOUS) | WHO(ACTOR_OPERATOR) | \
	WHO(ACTOR_ENGINEER) | WHO(ACTOR_TENANT_ADMIN) | WHO(ACTOR_TENANT_USER))

struct action_def {
	const char *name;       /* as it appears in log entries */
	unsigned who;           /* caller kinds the role table allows */
	int tenant_scoped;      /* acts inside one tenant (path has {t}) */
	int write;              /* changes a tenant or the directory */
	int recorded;           /* appends a log entry */
	int no_grant;           /* engineers need no access to the tenant */
};

const struct action_def *action_get(int action);

/* 1 when the role table lets a caller of this kind attempt the action. */
int role_allows(int kind, int action);

#endif
