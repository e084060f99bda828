/* SPDX-License-Identifier: ISC */
#include "access/role.h"

#define OP WHO(ACTOR_OPERATOR)
#define ENG WHO(ACTOR_ENGINEER)
#define ADM WHO(ACTOR_TENANT_ADMIN)
#define USR WHO(ACTOR_TENANT_USER)
#define ANON WHO(ACTOR_ANONYMOUS)
#define SIGNED_IN (ENG | ADM | USR)

/*
 * Health checks, reads of the public log and the static reset page are
 * not actions on anything custos guards, and anyone may make them;
 * recording them would let unauthenticated callers grow the log at will.  Everything else is
 * recorded, allowed or denied.
 */
static const struct action_def actions[ACT_COUNT] = {
	[ACT_HEALTH] = {"health", WHO_ANYONE, 0, 0, 0, 0},
	[ACT_AUTH_LOGIN] = {"auth.login", ANON, 0, 0, 1, 0},
	[ACT_AUTH_VERIFY] = {"auth.verify", ANON, 0, 0, 1, 0},
	[ACT_AUTH_LOGOUT] = {"auth.logout", SIGNED_IN, 0, 0, 1, 0},
	[ACT_PASSWORD_RESET_COMPLETE] = {"user.password_reset_complete",
	    ANON, 0, 1, 1, 0},
	[ACT_VENDOR_CREATE] = {"vendor.create", OP, 0, 1, 1, 0},
	[ACT_ENGINEER_CREATE] = {"engineer.create", OP, 0, 1, 1, 0},
	[ACT_DEVICE_CREATE] = {"device.create", OP, 0, 1, 1, 0},
	[ACT_TENANT_CREATE] = {"tenant.create", OP, 0, 1, 1, 0},
	[ACT_IMPORT] = {"import", OP, 0, 1, 1, 0},
	[ACT_USER_CREATE] = {"user.create", OP | ADM, 1, 1, 1, 0},
	[ACT_USER_DELETE] = {"user.delete", OP | ADM, 1, 1, 1, 0},
	[ACT_USER_LIST] = {"user.list", ENG | ADM, 1, 0, 1, 0},
	[ACT_USER_PASSWORD_RESET] = {"user.password_reset", ENG | ADM, 1, 1,
	    1, 0},
	[ACT_USER_MFA_RESET] = {"user.mfa_reset", ENG | ADM, 1, 1, 1, 0},
	[ACT_TICKET_CREATE] = {"ticket.create", OP | ADM | USR, 1, 1, 1, 0},
	[ACT_TICKET_LIST] = {"ticket.list", ENG | ADM, 1, 0, 1, 0},
	[ACT_TICKET_VIEW] = {"ticket.view", ENG | ADM, 1, 0, 1, 0},
	[ACT_TENANT_EXPORT] = {"tenant.export", ADM, 1, 0, 1, 0},
	[ACT_TENANT_POLICY_SET] = {"tenant.support_policy", ADM, 1, 1, 1, 0},
	[ACT_LOG_READ] = {"log.read", WHO_ANYONE, 0, 0, 0, 0},
	/* A static page; its query holds a reset token, kept out of the log. */
	[ACT_RESET_PAGE] = {"page.reset", WHO_ANYONE, 0, 0, 0, 0},
	[ACT_ACCESS_LOG] = {"tenant.access_log", ADM, 1, 0, 1, 0},
	/* Customer approvals: engineers ask (without access yet), tenant
	 * admins answer, the operator may open break-glass access. */
	[ACT_ACCESS_REQUEST_CREATE] = {"access_request.create", ENG, 1, 1, 1,
	    1},
	[ACT_ACCESS_REQUEST_VIEW] = {"access_request.view", OP | ENG | ADM, 0,
	    0, 1, 0},
	[ACT_ACCESS_REQUEST_LIST] = {"access_request.list", ADM, 1, 0, 1, 0},
	[ACT_ACCESS_REQUEST_APPROVE] = {"access_request.approve", ADM, 1, 1,
	    1, 0},
	[ACT_ACCESS_REQUEST_DENY] = {"access_request.deny", ADM, 1, 1, 1, 0},
	[ACT_ACCESS_REQUEST_REVOKE] = {"access_request.revoke", ADM, 1, 1, 1, 0},
	[ACT_BREAK_GLASS] = {"access_request.break_glass", OP, 1, 1, 1, 0},
	/* Second approvals: asked by an engineer with access; answered by
	 * a tenant admin or, where the tenant allows, an engineer of another
	 * vendor (the handler checks which). */
	[ACT_APPROVAL_CREATE] = {"approval.create", ENG, 1, 1, 1, 0},
	[ACT_APPROVAL_VIEW] = {"approval.view", ENG | ADM, 0, 0, 1, 0},
	[ACT_APPROVAL_APPROVE] = {"approval.approve", ENG | ADM, 0, 1, 1, 0},
	[ACT_APPROVAL_DENY] = {"approval.deny", ENG | ADM, 0, 1, 1, 0},
	[ACT_TENANT_POLICY_GET] = {"tenant.support_policy_view", ADM, 1, 0,
	    1, 0},
	/* The incident question; asking it is recorded too. */
	[ACT_SCOPE] = {"scope", OP, 0, 0, 1, 0},
	/* Detection and containment: the operator's. */
	[ACT_ENGINEER_HOURS] = {"engineer.working_hours", OP, 0, 1, 1, 0},
	[ACT_ALERT_LIST] = {"alert.list", OP, 0, 0, 1, 0},
	[ACT_ALERT_VIEW] = {"alert.view", OP, 0, 0, 1, 0},
	[ACT_CONTAINMENT] = {"containment", OP, 0, 1, 1, 0},
	[ACT_CONTAINMENT_LIST] = {"containment.list", OP, 0, 0, 1, 0},
	[ACT_CONTAINMENT_LIFT] = {"containment.lift", OP, 0, 1, 1, 0},
	[ACT_UNKNOWN] = {"unknown", 0, 0, 0, 1, 0},
};

const struct action_def *
action_get(int action)
{
	if (action < 0 || action >= ACT_COUNT)
		action = ACT_UNKNOWN;
	return &actions[action];
}

int
role_allows(int kind, int action)
{
	if (kind < 0 || kind >= ACTOR_KIND_COUNT)
		return 0;
	return (action_get(action)->who & WHO(kind)) != 0;
}
