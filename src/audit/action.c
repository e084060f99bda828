/* SPDX-License-Identifier: ISC */
#include "audit/action.h"

#include <string.h>

#define OP WHO(ACTOR_OPERATOR)
#define ENG WHO(ACTOR_ENGINEER)
#define ADM WHO(ACTOR_TENANT_ADMIN)
#define USR WHO(ACTOR_TENANT_USER)
#define ANON WHO(ACTOR_ANONYMOUS)
#define SIGNED_IN (ENG | ADM | USR)
/* Named operator tokens' scopes (helper optok, issue 14); reads (GETs that
 * write nothing) default to every scope, anything else to none. */
#define S_DIR OPSCOPE_BIT(OPSCOPE_DIRECTORY)
#define S_RESP OPSCOPE_BIT(OPSCOPE_RESPONDER)
#define S_ROOT SCOPES_ROOT_ONLY

/*
 * Health checks, reads of the public log and the static reset page are
 * not actions on anything custos guards, and anyone may make them;
 * recording them would let unauthenticated callers grow the log at will.
 * Everything else is recorded, allowed or denied.  Each row names its
 * routes: the router matches a request against these, in table order.
 */
static const struct action_def actions[ACT_COUNT] = {
	[ACT_HEALTH] = {
		.name = "health", .who = WHO_ANYONE,
		.cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/health"}},
	},
	[ACT_AUTH_LOGIN] = {
		.name = "auth.login", .who = ANON,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {
			{"POST", "/v1/auth/login"},
			{"POST", "/v1/tenants/{t}/auth/login"},
		},
	},
	[ACT_AUTH_VERIFY] = {
		.name = "auth.verify", .who = ANON,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/auth/verify"}},
	},
	[ACT_AUTH_LOGOUT] = {
		.name = "auth.logout", .who = OP | SIGNED_IN,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/auth/logout"}},
	},
	[ACT_PASSWORD_RESET_COMPLETE] = {
		.name = "user.password_reset_complete", .who = ANON,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/password-reset"}},
	},
	[ACT_VENDOR_CREATE] = {
		.name = "vendor.create", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/vendors"}},
		.scopes = S_DIR,
	},
	[ACT_ENGINEER_CREATE] = {
		.name = "engineer.create", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/engineers"}},
		.scopes = S_DIR,
	},
	[ACT_DEVICE_CREATE] = {
		.name = "device.create", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/engineers/{id}/devices"}},
		.scopes = S_DIR,
	},
	[ACT_TENANT_CREATE] = {
		.name = "tenant.create", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/tenants"}},
		.scopes = S_DIR,
	},
	[ACT_IMPORT] = {
		.name = "import", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/import"}},
		.scopes = S_DIR,
	},
	[ACT_USER_CREATE] = {
		.name = "user.create", .who = OP | ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "a user was created",
		.routes = {{"POST", "/v1/tenants/{t}/users"}},
		.scopes = S_DIR,
	},
	[ACT_USER_DELETE] = {
		.name = "user.delete", .who = OP | ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "a user was deleted",
		.routes = {{"DELETE", "/v1/tenants/{t}/users/{u}"}},
		.scopes = S_DIR,
	},
	[ACT_USER_LIST] = {
		.name = "user.list", .who = OP | ENG | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.words = "the list of your users (names, e-mail addresses, "
		    "roles, MFA status) was read",
		.routes = {{"GET", "/v1/tenants/{t}/users"}},
	},
	[ACT_USER_PASSWORD_RESET] = {
		.name = "user.password_reset", .who = ENG | ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "a password reset was started: a reset link was "
		    "mailed to the user's own address",
		.routes = {{"POST", "/v1/tenants/{t}/users/{u}/password-reset"}},
	},
	[ACT_USER_MFA_RESET] = {
		.name = "user.mfa_reset", .who = ENG | ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "the user's MFA factors were removed: the user "
		    "enrols again at the next login",
		.routes = {{"POST", "/v1/tenants/{t}/users/{u}/mfa-reset"}},
	},
	[ACT_TICKET_CREATE] = {
		.name = "ticket.create", .who = OP | ADM | USR,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/tenants/{t}/tickets"}},
		.scopes = S_DIR,
	},
	[ACT_TICKET_LIST] = {
		.name = "ticket.list", .who = ENG | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.words = "your support tickets were listed",
		.routes = {{"GET", "/v1/tenants/{t}/tickets"}},
	},
	[ACT_TICKET_VIEW] = {
		.name = "ticket.view", .who = ENG | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.words = "a support ticket was read",
		.routes = {{"GET", "/v1/tenants/{t}/tickets/{id}"}},
	},
	[ACT_TENANT_EXPORT] = {
		.name = "tenant.export", .who = ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.words = "your tenant's data was exported",
		.routes = {{"GET", "/v1/tenants/{t}/export"}},
	},
	[ACT_TENANT_POLICY_SET] = {
		.name = "tenant.support_policy", .who = ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"PUT", "/v1/tenants/{t}/support-policy"}},
	},
	/* The public tree: sealed leaves only (docs/internals/tlog.md). */
	[ACT_LOG_READ] = {
		.name = "log.read", .who = WHO_ANYONE,
		.cls = ACTION_NEUTRAL,
		.routes = {
			{"GET", "/v1/log/key"},
			{"GET", "/v1/log/checkpoint"},
			{"GET", "/v1/log/proof/inclusion"},
			{"GET", "/v1/log/proof/consistency"},
			{"GET", "/v1/log/tile/*"},
		},
	},
	/* Every entry in clear: the operator's.  Not recorded, as the
	 * reads of the public log: the operator reads it to audit, and the
	 * answer changes nothing. */
	[ACT_LOG_ENTRIES] = {
		.name = "log.entries", .who = OP,
		.cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/log/entries"}},
	},
	/* A static page; its query holds a reset token, kept out of the log. */
	[ACT_RESET_PAGE] = {
		.name = "page.reset", .who = WHO_ANYONE,
		.cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/reset"}},
	},
	[ACT_ACCESS_LOG] = {
		.name = "tenant.access_log", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/tenants/{t}/access-log"}},
	},
	/* The key a tenant's verifier opens its own entries with. */
	[ACT_TENANT_LOG_KEY] = {
		.name = "tenant.log_key", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.words = "your tenant's log key was handed out",
		.routes = {{"GET", "/v1/tenants/{t}/log-key"}},
	},
	/* Customer approvals: engineers ask (without access yet), tenant
	 * admins answer, the operator may open break-glass access. */
	[ACT_ACCESS_REQUEST_CREATE] = {
		.name = "access_request.create", .who = ENG,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .no_grant = 1,
		.cls = ACTION_NEUTRAL,
		.words = "access to your tenant was requested",
		.routes = {{"POST", "/v1/tenants/{t}/access-requests"}},
	},
	[ACT_ACCESS_REQUEST_VIEW] = {
		.name = "access_request.view", .who = OP | ENG | ADM,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/access-requests/{id}"}},
	},
	[ACT_ACCESS_REQUEST_LIST] = {
		.name = "access_request.list", .who = ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/tenants/{t}/access-requests"}},
	},
	[ACT_ACCESS_REQUEST_APPROVE] = {
		.name = "access_request.approve", .who = ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.words = "a request for access was approved",
		.routes = {{"POST", "/v1/tenants/{t}/access-requests/{id}/approve"}},
	},
	[ACT_ACCESS_REQUEST_DENY] = {
		.name = "access_request.deny", .who = ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/tenants/{t}/access-requests/{id}/deny"}},
	},
	[ACT_ACCESS_REQUEST_REVOKE] = {
		.name = "access_request.revoke", .who = ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/tenants/{t}/access-requests/{id}/revoke"}},
	},
	[ACT_BREAK_GLASS] = {
		.name = "access_request.break_glass", .who = OP,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.words = "emergency access was opened by the operator",
		.routes = {{"POST", "/v1/tenants/{t}/break-glass"}},
		.scopes = S_ROOT,
	},
	/* Second approvals: asked by an engineer with access; answered by
	 * a tenant admin or, where the tenant allows, an engineer of another
	 * vendor (the handler checks which). */
	[ACT_APPROVAL_CREATE] = {
		.name = "approval.create", .who = ENG,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/tenants/{t}/approvals"}},
	},
	[ACT_APPROVAL_VIEW] = {
		.name = "approval.view", .who = ENG | ADM,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/approvals/{id}"}},
	},
	[ACT_APPROVAL_APPROVE] = {
		.name = "approval.approve", .who = ENG | ADM,
		.write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/approvals/{id}/approve"}},
	},
	[ACT_APPROVAL_DENY] = {
		.name = "approval.deny", .who = ENG | ADM,
		.write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/approvals/{id}/deny"}},
	},
	[ACT_TENANT_POLICY_GET] = {
		.name = "tenant.support_policy_view", .who = ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/tenants/{t}/support-policy"}},
	},
	/* The incident question; asking it is recorded too. */
	[ACT_SCOPE] = {
		.name = "scope", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"POST", "/v1/scope"}},
		.scopes = SCOPES_ALL,
	},
	/* Detection and containment: the operator's. */
	[ACT_ENGINEER_HOURS] = {
		.name = "engineer.working_hours", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"PUT", "/v1/engineers/{id}/working-hours"}},
		.scopes = S_DIR | S_RESP,
	},
	[ACT_ALERT_LIST] = {
		.name = "alert.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/alerts"}},
	},
	[ACT_ALERT_VIEW] = {
		.name = "alert.view", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/alerts/{id}"}},
	},
	[ACT_CONTAINMENT] = {
		.name = "containment", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/containment"}},
		.scopes = S_RESP,
	},
	[ACT_CONTAINMENT_LIST] = {
		.name = "containment.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/containment"}},
	},
	[ACT_CONTAINMENT_LIFT] = {
		.name = "containment.lift", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/containment/{id}/lift"}},
		.scopes = S_RESP,
	},
	/* The console's files: static, the same for everyone, so not
	 * recorded (as the public tree's reads). */
	[ACT_CONSOLE] = {
		.name = "page.console", .who = WHO_ANYONE,
		.cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/"}, {"GET", "/console/*"}},
	},
	[ACT_SESSION_VIEW] = {
		.name = "session.view", .who = OP | SIGNED_IN,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/session"}},
	},
	/* The operator token's holder opens a console session. */
	[ACT_AUTH_OPERATOR] = {
		.name = "auth.operator", .who = ANON,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/auth/operator"}},
	},
	/* A tenant's second approvals: its admins answer them; an engineer
	 * with access sees their own asks. */
	[ACT_APPROVAL_LIST] = {
		.name = "approval.list", .who = OP | ENG | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/tenants/{t}/approvals"}},
	},
	/* Invitations (auth/invite.h).  The anonymous steps are recorded:
	 * each names the invitation (and the tenant of a user's), so
	 * tenant admins see their users enrol. */
	[ACT_INVITATION_CREATE] = {
		.name = "invitation.create", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/invitations"}},
		.scopes = S_DIR,
	},
	[ACT_INVITATION_LIST] = {
		.name = "invitation.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/invitations"}},
	},
	[ACT_INVITATION_REVOKE] = {
		.name = "invitation.revoke", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"DELETE", "/v1/invitations/{id}"}},
		.scopes = S_DIR,
	},
	[ACT_USER_INVITE] = {
		.name = "user.invite", .who = OP | ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "a user was invited to enrol: a single-use link was "
		    "mailed to the user's own address",
		.routes = {{"POST", "/v1/tenants/{t}/invitations"}},
		.scopes = S_DIR,
	},
	[ACT_USER_INVITATION_LIST] = {
		.name = "user.invitation_list", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.words = "the list of your users' invitations was read",
		.routes = {{"GET", "/v1/tenants/{t}/invitations"}},
	},
	[ACT_USER_INVITATION_REVOKE] = {
		.name = "user.invitation_revoke", .who = OP | ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "a user's invitation was revoked",
		.routes = {{"DELETE", "/v1/tenants/{t}/invitations/{id}"}},
		.scopes = S_DIR,
	},
	[ACT_INVITATION_OPEN] = {
		.name = "invitation.open", .who = ANON,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/invitations/open"}},
	},
	[ACT_INVITATION_PASSWORD] = {
		.name = "invitation.password", .who = ANON,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/invitations/password"}},
	},
	[ACT_INVITATION_COMPLETE] = {
		.name = "invitation.complete", .who = ANON,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "a user completed their invitation and chose a "
		    "password and an authenticator",
		.routes = {{"POST", "/v1/invitations/totp"}},
	},
	[ACT_INVITATION_DEVICE] = {
		.name = "invitation.device", .who = ANON,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.words = "an invited engineer registered their device",
		.routes = {{"POST", "/v1/invitations/device"}},
	},
	/* Passkeys (issue 13): one's own, registered by the signed-in
	 * person (an operator person's by the operator token's holder too)
	 * or by the invited one (anonymous with an invitation: the handler
	 * authenticates everyone else, req_authenticate); signing in with
	 * one; the step-up of an answer; operator persons. */
	[ACT_PASSKEY_REGISTER_BEGIN] = {
		.name = "passkey.register_begin", .who = ANON | OP | SIGNED_IN,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/passkeys/options"}},
	},
	[ACT_PASSKEY_REGISTER] = {
		.name = "passkey.register", .who = ANON | OP | SIGNED_IN,
		.write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/passkeys"}},
	},
	[ACT_PASSKEY_LIST] = {
		.name = "passkey.list", .who = OP | SIGNED_IN,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/passkeys"}},
	},
	[ACT_PASSKEY_DELETE] = {
		.name = "passkey.delete", .who = OP | SIGNED_IN,
		.write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"DELETE", "/v1/passkeys/{id}"}},
	},
	/* A random challenge for anyone: not recorded (as the public log's
	 * reads), so nobody unauthenticated grows the log with it. */
	[ACT_AUTH_PASSKEY_BEGIN] = {
		.name = "auth.passkey_options", .who = ANON,
		.cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/auth/passkey/options"}},
	},
	[ACT_AUTH_PASSKEY] = {
		.name = "auth.passkey", .who = ANON,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/auth/passkey"}},
	},
	/* A tenant's admins over their users' passkeys (removal with a
	 * step-up, as an approval's answer); the operator reaches anyone's
	 * through passkey.list and passkey.delete. */
	[ACT_USER_PASSKEY_LIST] = {
		.name = "user.passkey_list", .who = ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/tenants/{t}/users/{u}/passkeys"}},
	},
	[ACT_USER_PASSKEY_DELETE] = {
		.name = "user.passkey_delete", .who = ADM,
		.tenant_scoped = 1, .write = 1, .recorded = 1,
		.cls = ACTION_WRITE,
		.words = "one of the user's passkeys was removed: it signs "
		    "in no more",
		.routes = {{"DELETE",
		    "/v1/tenants/{t}/users/{u}/passkeys/{id}"}},
	},
	[ACT_STEP_UP_BEGIN] = {
		.name = "step_up.begin", .who = OP | SIGNED_IN,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/step-up/options"}},
	},
	[ACT_OPERATOR_CREATE] = {
		.name = "operator.create", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/operators"}},
		.scopes = S_ROOT,
	},
	[ACT_OPERATOR_LIST] = {
		.name = "operator.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/operators"}},
	},
	/* issue 13, directory: the directory, requests, incidents and the
	 * log's health as the console reads them (docs/internals/
	 * directory.md, "What the console reads"). */
	[ACT_VENDOR_LIST] = {
		.name = "vendor.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/vendors"}},
	},
	[ACT_ENGINEER_LIST] = {
		.name = "engineer.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/engineers"}},
	},
	[ACT_TENANT_LIST] = {
		.name = "tenant.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/tenants"}},
	},
	/* A tenant's name and settings: no data of its users. */
	[ACT_TENANT_VIEW] = {
		.name = "tenant.view", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/tenants/{t}"}},
	},
	/* An engineer's own requests; the operator's: everyone's. */
	[ACT_ACCESS_REQUEST_BROWSE] = {
		.name = "access_request.browse", .who = OP | ENG,
		.recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/access-requests"}},
	},
	/* Scope asked and its per-tenant reports kept. */
	[ACT_INCIDENT_CREATE] = {
		.name = "incident.create", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"POST", "/v1/incidents"}},
		.scopes = S_RESP,
	},
	[ACT_INCIDENT_LIST] = {
		.name = "incident.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/incidents"}},
	},
	[ACT_INCIDENT_VIEW] = {
		.name = "incident.view", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/incidents/{id}"}},
	},
	/* A tenant's own part of the incidents: its reports. */
	[ACT_TENANT_INCIDENT_LIST] = {
		.name = "tenant.incident_list", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.words = "the incident reports about your tenant were listed",
		.routes = {{"GET", "/v1/tenants/{t}/incidents"}},
	},
	[ACT_TENANT_INCIDENT_VIEW] = {
		.name = "tenant.incident_view", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.words = "an incident report about your tenant was read",
		.routes = {{"GET", "/v1/tenants/{t}/incidents/{id}"}},
	},
	/* Not recorded, as log.entries: it must answer when the log is
	 * damaged and appends nothing, which is when it matters most. */
	[ACT_LOG_HEALTH] = {
		.name = "log.health", .who = OP,
		.cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/log/health"}},
	},
	/* helper optok (issue 14): named operator tokens
	 * (api_optoken.c).  Only the root token and operator persons manage
	 * them, reads included: a token's holder may not see the others. */
	[ACT_OPERATOR_TOKEN_CREATE] = {
		.name = "operator_token.create", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/operator-tokens"}},
		.scopes = S_ROOT,
	},
	[ACT_OPERATOR_TOKEN_LIST] = {
		.name = "operator_token.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/operator-tokens"}},
		.scopes = S_ROOT,
	},
	[ACT_OPERATOR_TOKEN_REVOKE] = {
		.name = "operator_token.revoke", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"DELETE", "/v1/operator-tokens/{id}"}},
		.scopes = S_ROOT,
	},
	[ACT_OPERATOR_TOKEN_ROTATE_ROOT] = {
		.name = "operator_token.rotate_root", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/operator-tokens/rotate-root"}},
		.scopes = S_ROOT,
	},
	/* issue 14, helper dir: the directory's lifecycle
	 * (directory/lifecycle.h).  Operator scopes: the changes need
	 * `directory`; the reads are for any scope. */
	[ACT_VENDOR_VIEW] = {
		.name = "vendor.view", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/vendors/{id}"}},
	},
	[ACT_VENDOR_SUSPEND] = {
		.name = "vendor.suspend", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/vendors/{id}/suspend"}},
		.scopes = S_DIR,
	},
	[ACT_VENDOR_RESUME] = {
		.name = "vendor.resume", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/vendors/{id}/resume"}},
		.scopes = S_DIR,
	},
	[ACT_VENDOR_OFFBOARD] = {
		.name = "vendor.offboard", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/vendors/{id}/offboard"}},
		.scopes = S_DIR,
	},
	[ACT_ENGINEER_VIEW] = {
		.name = "engineer.view", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {{"GET", "/v1/engineers/{id}"}},
	},
	[ACT_ENGINEER_SUSPEND] = {
		.name = "engineer.suspend", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/engineers/{id}/suspend"}},
		.scopes = S_DIR,
	},
	[ACT_ENGINEER_RESUME] = {
		.name = "engineer.resume", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/engineers/{id}/resume"}},
		.scopes = S_DIR,
	},
	[ACT_ENGINEER_OFFBOARD] = {
		.name = "engineer.offboard", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/engineers/{id}/offboard"}},
		.scopes = S_DIR,
	},
	[ACT_ENGINEER_RE_ENROL] = {
		.name = "engineer.re_enrol", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"POST", "/v1/engineers/{id}/re-enrol"}},
		.scopes = S_DIR,
	},
	[ACT_DEVICE_LIST] = {
		.name = "device.list", .who = OP,
		.recorded = 1, .cls = ACTION_READ,
		.routes = {
			{"GET", "/v1/devices"},
			{"GET", "/v1/engineers/{id}/devices"},
		},
	},
	[ACT_DEVICE_REVOKE] = {
		.name = "device.revoke", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_WRITE,
		.routes = {{"DELETE", "/v1/engineers/{id}/devices/{d}"}},
		.scopes = S_DIR,
	},
	/* One user, as user.list shows each: recorded in the tenant's log. */
	[ACT_USER_VIEW] = {
		.name = "user.view", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_READ,
		.words = "one of your users (name, e-mail address, role, MFA "
		    "status) was read",
		.routes = {{"GET", "/v1/tenants/{t}/users/{u}"}},
	},
	/* issue 16: Prometheus metrics on the main listener (the separate
	 * --metrics-listen serves them without a token).  Not recorded, as
	 * log.health: a scrape every 15 s would flood the log, and the
	 * figures hold no tenant's data.  Any operator: the root token,
	 * operator persons, and named tokens of every scope as for every
	 * read (their uses are recorded, as every named token's: api.c
	 * named_recorded). */
	[ACT_METRICS_READ] = {
		.name = "metrics.read", .who = OP,
		.cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/metrics"}},
	},
	/* issue 16, disclose (scope/incident_publish.h): the operator tells
	 * the tenants of an incident; each notice is its own entry,
	 * incident.notify, in the tenant's log (no route: custosd writes
	 * it).  A tenant's admins read their notices. */
	[ACT_INCIDENT_PUBLISH] = {
		.name = "incident.publish", .who = OP,
		.write = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.routes = {{"POST", "/v1/incidents/{id}/publish"}},
		.scopes = S_RESP,
	},
	[ACT_TENANT_NOTICE_LIST] = {
		.name = "tenant.incident_notice_list", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.words = "the incident notices sent to your tenant were listed",
		.routes = {{"GET", "/v1/tenants/{t}/incident-notices"}},
	},
	[ACT_TENANT_NOTICE_VIEW] = {
		.name = "tenant.incident_notice_view", .who = OP | ADM,
		.tenant_scoped = 1, .recorded = 1, .cls = ACTION_NEUTRAL,
		.words = "an incident notice sent to your tenant was read",
		.routes = {{"GET", "/v1/tenants/{t}/incident-notices/{id}"}},
	},
	/* issue 16, export: where each SIEM destination stands (as
	 * log.health: monitoring, not recorded). */
	[ACT_EXPORT_STATUS] = {
		.name = "export.status", .who = OP,
		.cls = ACTION_NEUTRAL,
		.routes = {{"GET", "/v1/export"}},
	},
	[ACT_UNKNOWN] = {
		.name = "unknown", .who = 0,
		.recorded = 1, .cls = ACTION_READ,
	},
};

const struct action_def *
action_get(int action)
{
	if (action < 0 || action >= ACT_COUNT)
		action = ACT_UNKNOWN;
	return &actions[action];
}

int
action_by_name(const char *name)
{
	int a;

	for (a = 0; a < ACT_COUNT; a++)
		if (strcmp(actions[a].name, name) == 0)
			return a;
	return -1;
}

int
action_allows(int kind, int action)
{
	if (kind < 0 || kind >= ACTOR_KIND_COUNT)
		return 0;
	return (action_get(action)->who & WHO(kind)) != 0;
}

unsigned
action_scopes(int action)
{
	const struct action_def *d = action_get(action);
	int r;

	if (d->scopes == SCOPES_ROOT_ONLY)
		return 0;
	if (d->scopes != 0)
		return d->scopes & SCOPES_ALL;
	/* The default: a read (no write, GETs only) is every scope's. */
	if (d->write || d->routes[0].method == NULL)
		return 0;
	for (r = 0; r < ACTION_ROUTES_MAX && d->routes[r].method != NULL; r++)
		if (strcmp(d->routes[r].method, "GET") != 0)
			return 0;
	return SCOPES_ALL;
}

int
action_scope_allows(int scope, int action)
{
	if (scope < 0 || scope >= OPSCOPE_COUNT)
		return 0;
	return (action_scopes(action) & OPSCOPE_BIT(scope)) != 0;
}

static const char *const scope_names[OPSCOPE_COUNT] = {
	[OPSCOPE_DIRECTORY] = "directory",
	[OPSCOPE_RESPONDER] = "responder",
	[OPSCOPE_AUDITOR] = "auditor",
};

const char *
op_scope_name(int scope)
{
	return scope >= 0 && scope < OPSCOPE_COUNT ? scope_names[scope] : NULL;
}

int
op_scope_by_name(const char *name)
{
	int k;

	for (k = 0; k < OPSCOPE_COUNT; k++)
		if (strcmp(scope_names[k], name) == 0)
			return k;
	return -1;
}

int
action_class_of(const char *name)
{
	int a = action_by_name(name);

	if (a != -1)
		return actions[a].cls;
	/* Imported or internal names the table does not know (an identity
	 * provider's events, access_request.expire): asking, answering and
	 * logins touch nothing; resets are writes, whatever their source
	 * calls them. */
	if (strncmp(name, "access_request.", 15) == 0 ||
	    strncmp(name, "approval.", 9) == 0 || strncmp(name, "auth.", 5) == 0 ||
	    strcmp(name, "incident.notify") == 0)       /* issue 16 */
		return ACTION_NEUTRAL;
	if (strstr(name, "reset") != NULL || strstr(name, "delete") != NULL ||
	    strstr(name, "create") != NULL)
		return ACTION_WRITE;
	return ACTION_READ;
}

const char *
action_words(const char *name)
{
	int a = action_by_name(name);

	return a != -1 ? actions[a].words : NULL;
}

int
action_table_print(FILE *f)
{
	static const char *const classes[] = {"neutral", "read", "write"};
	const struct action_def *d;
	int a, k, r, first;

	for (a = 0; a < ACT_COUNT; a++) {
		d = &actions[a];
		for (r = 0; r < ACTION_ROUTES_MAX && d->routes[r].method != NULL;
		    r++) {
			fprintf(f, "{\"method\":\"%s\",\"pattern\":\"%s\","
			    "\"action\":%d,\"name\":\"%s\",\"who\":[",
			    d->routes[r].method, d->routes[r].pattern, a,
			    d->name);
			for (k = 0, first = 1; k < ACTOR_KIND_COUNT; k++)
				if (d->who & WHO(k)) {
					fprintf(f, "%s\"%s\"", first ? "" : ",",
					    actor_kind_name(k));
					first = 0;
				}
			fprintf(f, "],\"tenant_scoped\":%s,\"write\":%s,"
			    "\"recorded\":%s,\"no_grant\":%s,\"class\":\"%s\","
			    "\"scopes\":[", d->tenant_scoped ? "true" : "false",
			    d->write ? "true" : "false",
			    d->recorded ? "true" : "false",
			    d->no_grant ? "true" : "false", classes[d->cls]);
			/* Only where the operator may act at all. */
			for (k = 0, first = 1; k < OPSCOPE_COUNT; k++)
				if ((d->who & OP) && action_scope_allows(k, a)) {
					fprintf(f, "%s\"%s\"", first ? "" : ",",
					    scope_names[k]);
					first = 0;
				}
			fputs("]}\n", f);
		}
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
