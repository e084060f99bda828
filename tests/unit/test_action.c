/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of audit/action: the action table checked against a second
 * table written here by hand from the contract (shared API.md, the
 * customer-approvals issue and the mission's least-privilege list), not
 * copied from action.c.  A change to who may attempt what must be made in
 * both places on purpose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "audit/action.h"

enum { N = 0, Y = 1 };

/* What the contract says.  Columns: anonymous, operator, engineer,
 * tenant admin, tenant user; then tenant-scoped, write, recorded, and
 * whether an engineer may make the call in a tenant without access to it
 * (only asking for access). */
static const struct expect {
	int action;
	const char *name;
	int who[ACTOR_KIND_COUNT];
	int scoped, write, recorded, no_grant;
} expected[] = {
	/*                                    anon op eng adm usr */
	{ACT_HEALTH, "health",                {Y, Y, Y, Y, Y}, N, N, N, N},
	{ACT_AUTH_LOGIN, "auth.login",        {Y, N, N, N, N}, N, N, Y, N},
	{ACT_AUTH_VERIFY, "auth.verify",      {Y, N, N, N, N}, N, N, Y, N},
	{ACT_AUTH_LOGOUT, "auth.logout",      {N, Y, Y, Y, Y}, N, N, Y, N},
	{ACT_PASSWORD_RESET_COMPLETE, "user.password_reset_complete",
	                                      {Y, N, N, N, N}, N, Y, Y, N},
	{ACT_VENDOR_CREATE, "vendor.create",  {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_ENGINEER_CREATE, "engineer.create",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_DEVICE_CREATE, "device.create",  {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_TENANT_CREATE, "tenant.create",  {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_IMPORT, "import",                {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_USER_CREATE, "user.create",      {N, Y, N, Y, N}, Y, Y, Y, N},
	{ACT_USER_DELETE, "user.delete",      {N, Y, N, Y, N}, Y, Y, Y, N},
	{ACT_USER_LIST, "user.list",          {N, Y, Y, Y, N}, Y, N, Y, N},
	{ACT_USER_PASSWORD_RESET, "user.password_reset",
	                                      {N, N, Y, Y, N}, Y, Y, Y, N},
	{ACT_USER_MFA_RESET, "user.mfa_reset",
	                                      {N, N, Y, Y, N}, Y, Y, Y, N},
	{ACT_TICKET_CREATE, "ticket.create",  {N, Y, N, Y, Y}, Y, Y, Y, N},
	{ACT_TICKET_LIST, "ticket.list",      {N, N, Y, Y, N}, Y, N, Y, N},
	{ACT_TICKET_VIEW, "ticket.view",      {N, N, Y, Y, N}, Y, N, Y, N},
	{ACT_TENANT_EXPORT, "tenant.export",  {N, N, N, Y, N}, Y, N, Y, N},
	{ACT_TENANT_POLICY_SET, "tenant.support_policy",
	                                      {N, N, N, Y, N}, Y, Y, Y, N},
	/* The public tree (sealed leaves only); the entries in clear are
	 * the operator's (issue 12). */
	{ACT_LOG_READ, "log.read",            {Y, Y, Y, Y, Y}, N, N, N, N},
	{ACT_LOG_ENTRIES, "log.entries",      {N, Y, N, N, N}, N, N, N, N},
	/* The static page a mailed reset link opens: not a guarded action,
	 * and unrecorded because its query holds the reset token. */
	{ACT_RESET_PAGE, "page.reset",        {Y, Y, Y, Y, Y}, N, N, N, N},
	/* A tenant admin (or the operator) reads what support did in the
	 * tenant, with proofs, and gets the tenant's log key to check it is
	 * complete; both reads are recorded. */
	{ACT_ACCESS_LOG, "tenant.access_log", {N, Y, N, Y, N}, Y, N, Y, N},
	{ACT_TENANT_LOG_KEY, "tenant.log_key", {N, Y, N, Y, N}, Y, N, Y, N},
	/*
	 * Customer approvals.  An engineer asks for access to a tenant (the
	 * one call it makes there without access); the tenant's admins list,
	 * approve, deny and revoke, and read and set the support policy; the
	 * operator opens break-glass access.  One request by id is read by
	 * its engineer, the admins of its tenant and the operator, who opens
	 * break-glass requests (the handler shows each caller only what is
	 * theirs).
	 */
	{ACT_ACCESS_REQUEST_CREATE, "access_request.create",
	                                      {N, N, Y, N, N}, Y, Y, Y, Y},
	{ACT_ACCESS_REQUEST_VIEW, "access_request.view",
	                                      {N, Y, Y, Y, N}, N, N, Y, N},
	{ACT_ACCESS_REQUEST_LIST, "access_request.list",
	                                      {N, N, N, Y, N}, Y, N, Y, N},
	{ACT_ACCESS_REQUEST_APPROVE, "access_request.approve",
	                                      {N, N, N, Y, N}, Y, Y, Y, N},
	{ACT_ACCESS_REQUEST_DENY, "access_request.deny",
	                                      {N, N, N, Y, N}, Y, Y, Y, N},
	{ACT_ACCESS_REQUEST_REVOKE, "access_request.revoke",
	                                      {N, N, N, Y, N}, Y, Y, Y, N},
	{ACT_BREAK_GLASS, "access_request.break_glass",
	                                      {N, Y, N, N, N}, Y, Y, Y, N},
	{ACT_TENANT_POLICY_GET, "tenant.support_policy_view",
	                                      {N, N, N, Y, N}, Y, N, Y, N},
	/* The incident question is the operator's; asking it is recorded. */
	{ACT_SCOPE, "scope",                  {N, Y, N, N, N}, N, N, Y, N},
	/*
	 * Second approvals: asked by an engineer with access to the tenant;
	 * answered by a tenant admin or, where the tenant allows it, an
	 * engineer of another vendor (the handler checks which, and that
	 * nobody answers their own); read by both.  Never the operator: the
	 * second person is the customer's or another vendor's.
	 */
	{ACT_APPROVAL_CREATE, "approval.create",
	                                      {N, N, Y, N, N}, Y, Y, Y, N},
	{ACT_APPROVAL_VIEW, "approval.view",  {N, N, Y, Y, N}, N, N, Y, N},
	{ACT_APPROVAL_APPROVE, "approval.approve",
	                                      {N, N, Y, Y, N}, N, Y, Y, N},
	{ACT_APPROVAL_DENY, "approval.deny",  {N, N, Y, Y, N}, N, Y, Y, N},
	/* Detection and containment are the operator's alone. */
	{ACT_ENGINEER_HOURS, "engineer.working_hours",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_ALERT_LIST, "alert.list",        {N, Y, N, N, N}, N, N, Y, N},
	{ACT_ALERT_VIEW, "alert.view",        {N, Y, N, N, N}, N, N, Y, N},
	{ACT_CONTAINMENT, "containment",      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_CONTAINMENT_LIST, "containment.list",
	                                      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_CONTAINMENT_LIFT, "containment.lift",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	/* The console: its files are public and unrecorded; who is signed
	 * in, for everyone signed in; the operator token's console
	 * session. */
	{ACT_CONSOLE, "page.console",        {Y, Y, Y, Y, Y}, N, N, N, N},
	{ACT_SESSION_VIEW, "session.view",    {N, Y, Y, Y, Y}, N, N, Y, N},
	{ACT_AUTH_OPERATOR, "auth.operator",  {Y, N, N, N, N}, N, N, Y, N},
	{ACT_APPROVAL_LIST, "approval.list",  {N, Y, Y, Y, N}, Y, N, Y, N},
	/* Passkeys: one's own (an invitee registers without a session,
	 * the handler authenticates everyone else); signing in with one,
	 * its challenge unrecorded; the step-up of those who answer;
	 * operator persons. */
	{ACT_PASSKEY_REGISTER_BEGIN, "passkey.register_begin",
	                                      {Y, Y, Y, Y, Y}, N, N, Y, N},
	{ACT_PASSKEY_REGISTER, "passkey.register",
	                                      {Y, Y, Y, Y, Y}, N, Y, Y, N},
	{ACT_PASSKEY_LIST, "passkey.list",    {N, Y, Y, Y, Y}, N, N, Y, N},
	{ACT_PASSKEY_DELETE, "passkey.delete", {N, Y, Y, Y, Y}, N, Y, Y, N},
	{ACT_AUTH_PASSKEY_BEGIN, "auth.passkey_options",
	                                      {Y, N, N, N, N}, N, N, N, N},
	{ACT_AUTH_PASSKEY, "auth.passkey",    {Y, N, N, N, N}, N, N, Y, N},
	{ACT_STEP_UP_BEGIN, "step_up.begin",  {N, Y, Y, Y, Y}, N, N, Y, N},
	/* A tenant's admins over their users' passkeys. */
	{ACT_USER_PASSKEY_LIST, "user.passkey_list",
	                                      {N, N, N, Y, N}, Y, N, Y, N},
	{ACT_USER_PASSKEY_DELETE, "user.passkey_delete",
	                                      {N, N, N, Y, N}, Y, Y, Y, N},
	{ACT_OPERATOR_CREATE, "operator.create",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_OPERATOR_LIST, "operator.list",  {N, Y, N, N, N}, N, N, Y, N},
	/* What the console reads: the directory and incidents are the
	 * operator's; a tenant's own admins read their tenant and their
	 * part of an incident; an engineer browses only their own
	 * requests; the log's health is not recorded (it must answer while
	 * the log is damaged). */
	{ACT_VENDOR_LIST, "vendor.list",      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_ENGINEER_LIST, "engineer.list",  {N, Y, N, N, N}, N, N, Y, N},
	{ACT_TENANT_LIST, "tenant.list",      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_TENANT_VIEW, "tenant.view",      {N, Y, N, Y, N}, Y, N, Y, N},
	{ACT_ACCESS_REQUEST_BROWSE, "access_request.browse",
	                                      {N, Y, Y, N, N}, N, N, Y, N},
	{ACT_INCIDENT_CREATE, "incident.create",
	                                      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_INCIDENT_LIST, "incident.list",  {N, Y, N, N, N}, N, N, Y, N},
	{ACT_INCIDENT_VIEW, "incident.view",  {N, Y, N, N, N}, N, N, Y, N},
	{ACT_TENANT_INCIDENT_LIST, "tenant.incident_list",
	                                      {N, Y, N, Y, N}, Y, N, Y, N},
	{ACT_TENANT_INCIDENT_VIEW, "tenant.incident_view",
	                                      {N, Y, N, Y, N}, Y, N, Y, N},
	{ACT_LOG_HEALTH, "log.health",        {N, Y, N, N, N}, N, N, N, N},
	/* Invitations: the operator invites anyone, a tenant's admins their
	 * own users; whoever holds the mailed link enrols, anonymously and
	 * recorded (auth/invite.h). */
	{ACT_INVITATION_CREATE, "invitation.create",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_INVITATION_LIST, "invitation.list",
	                                      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_INVITATION_REVOKE, "invitation.revoke",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_USER_INVITE, "user.invite",      {N, Y, N, Y, N}, Y, Y, Y, N},
	{ACT_USER_INVITATION_LIST, "user.invitation_list",
	                                      {N, Y, N, Y, N}, Y, N, Y, N},
	{ACT_USER_INVITATION_REVOKE, "user.invitation_revoke",
	                                      {N, Y, N, Y, N}, Y, Y, Y, N},
	{ACT_INVITATION_OPEN, "invitation.open",
	                                      {Y, N, N, N, N}, N, N, Y, N},
	{ACT_INVITATION_PASSWORD, "invitation.password",
	                                      {Y, N, N, N, N}, N, N, Y, N},
	{ACT_INVITATION_COMPLETE, "invitation.complete",
	                                      {Y, N, N, N, N}, N, Y, Y, N},
	{ACT_INVITATION_DEVICE, "invitation.device",
	                                      {Y, N, N, N, N}, N, Y, Y, N},
	/* helper optok (issue 14): named operator tokens, the operator's. */
	{ACT_OPERATOR_TOKEN_CREATE, "operator_token.create",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_OPERATOR_TOKEN_LIST, "operator_token.list",
	                                      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_OPERATOR_TOKEN_REVOKE, "operator_token.revoke",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_OPERATOR_TOKEN_ROTATE_ROOT, "operator_token.rotate_root",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	/* issue 14: the directory's lifecycle, the operator's. */
	{ACT_VENDOR_VIEW, "vendor.view",      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_VENDOR_SUSPEND, "vendor.suspend",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_VENDOR_RESUME, "vendor.resume",  {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_VENDOR_OFFBOARD, "vendor.offboard",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_ENGINEER_VIEW, "engineer.view",  {N, Y, N, N, N}, N, N, Y, N},
	{ACT_ENGINEER_SUSPEND, "engineer.suspend",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_ENGINEER_RESUME, "engineer.resume",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_ENGINEER_OFFBOARD, "engineer.offboard",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_ENGINEER_RE_ENROL, "engineer.re_enrol",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_DEVICE_LIST, "device.list",      {N, Y, N, N, N}, N, N, Y, N},
	{ACT_DEVICE_REVOKE, "device.revoke",  {N, Y, N, N, N}, N, Y, Y, N},
	/* One user, read as user.list reads: in the tenant's log. */
	{ACT_USER_VIEW, "user.view",          {N, Y, N, Y, N}, Y, N, Y, N},
	/* Issue 16: Prometheus scrapes; operators only, not recorded (a
	 * scrape every 15 s would flood the log). */
	{ACT_METRICS_READ, "metrics.read",    {N, Y, N, N, N}, N, N, N, N},
	/* issue 16, disclose: the operator publishes an incident; a
	 * tenant's admins read the notices sent to their tenant. */
	{ACT_INCIDENT_PUBLISH, "incident.publish",
	                                      {N, Y, N, N, N}, N, Y, Y, N},
	{ACT_TENANT_NOTICE_LIST, "tenant.incident_notice_list",
	                                      {N, Y, N, Y, N}, Y, N, Y, N},
	{ACT_TENANT_NOTICE_VIEW, "tenant.incident_notice_view",
	                                      {N, Y, N, Y, N}, Y, N, Y, N},
	/* issue 16: the SIEM export's status, as log.health. */
	{ACT_EXPORT_STATUS, "export.status",  {N, Y, N, N, N}, N, N, N, N},
	{ACT_UNKNOWN, "unknown",              {N, N, N, N, N}, N, N, Y, N},
};

#define NEXPECTED (sizeof(expected) / sizeof(expected[0]))

static void
expected_table_covers_every_action(void **state)
{
	int seen[ACT_COUNT] = {0};
	size_t i;
	int a;

	for (i = 0; i < NEXPECTED; i++)
		seen[expected[i].action]++;
	for (a = 0; a < ACT_COUNT; a++)
		if (seen[a] != 1)
			fail_msg("action %d (%s) is in the expected table %d "
			    "times", a, action_get(a)->name, seen[a]);
}

static void
every_action_allows_exactly_the_expected_kinds(void **state)
{
	size_t i;
	int k;

	for (i = 0; i < NEXPECTED; i++)
		for (k = 0; k < ACTOR_KIND_COUNT; k++)
			if (action_allows(k, expected[i].action) !=
			    expected[i].who[k])
				fail_msg("%s by %s: role table says %d, the "
				    "contract %d", expected[i].name,
				    actor_kind_name(k),
				    action_allows(k, expected[i].action),
				    expected[i].who[k]);
}

static void
every_action_has_its_name_and_flags(void **state)
{
	const struct action_def *d;
	size_t i;

	for (i = 0; i < NEXPECTED; i++) {
		d = action_get(expected[i].action);
		assert_non_null(d);
		assert_string_equal(d->name, expected[i].name);
		if (d->tenant_scoped != expected[i].scoped ||
		    d->write != expected[i].write ||
		    d->recorded != expected[i].recorded ||
		    d->no_grant != expected[i].no_grant)
			fail_msg("%s: scoped/write/recorded/no_grant "
			    "%d/%d/%d/%d, expected %d/%d/%d/%d", d->name,
			    d->tenant_scoped, d->write, d->recorded,
			    d->no_grant, expected[i].scoped, expected[i].write,
			    expected[i].recorded, expected[i].no_grant);
	}
}

/* The mission's list: support may view tickets and user lists and
 * trigger password and MFA resets; nothing else in a tenant.  Besides,
 * it asks for access and for second approvals, reads its own, and may be
 * the second person for another vendor's engineer where a tenant allows. */
static void
support_engineer_may_do_only_the_support_list(void **state)
{
	static const int support[] = {ACT_HEALTH, ACT_AUTH_LOGOUT,
	    ACT_USER_LIST, ACT_USER_PASSWORD_RESET, ACT_USER_MFA_RESET,
	    ACT_TICKET_LIST, ACT_TICKET_VIEW, ACT_LOG_READ, ACT_RESET_PAGE,
	    ACT_CONSOLE, ACT_SESSION_VIEW, ACT_ACCESS_REQUEST_BROWSE,
	    ACT_APPROVAL_LIST,
	    ACT_ACCESS_REQUEST_CREATE, ACT_ACCESS_REQUEST_VIEW,
	    ACT_APPROVAL_CREATE, ACT_APPROVAL_VIEW, ACT_APPROVAL_APPROVE,
	    ACT_APPROVAL_DENY, ACT_PASSKEY_REGISTER_BEGIN, ACT_PASSKEY_REGISTER,
	    ACT_PASSKEY_LIST, ACT_PASSKEY_DELETE, ACT_STEP_UP_BEGIN};
	int a, allowed;
	size_t i;

	for (a = 0; a < ACT_COUNT; a++) {
		allowed = 0;
		for (i = 0; i < sizeof(support) / sizeof(support[0]); i++)
			if (support[i] == a)
				allowed = 1;
		if (action_allows(ACTOR_ENGINEER, a) != allowed)
			fail_msg("engineer and %s: %d", action_get(a)->name,
			    action_allows(ACTOR_ENGINEER, a));
	}
	assert_false(action_allows(ACTOR_ENGINEER, ACT_USER_CREATE));
	assert_false(action_allows(ACTOR_ENGINEER, ACT_USER_DELETE));
	assert_false(action_allows(ACTOR_ENGINEER, ACT_TENANT_EXPORT));
	/* Engineers never answer access requests nor open break-glass. */
	assert_false(action_allows(ACTOR_ENGINEER, ACT_ACCESS_REQUEST_APPROVE));
	assert_false(action_allows(ACTOR_ENGINEER, ACT_BREAK_GLASS));
	assert_false(action_allows(ACTOR_ENGINEER, ACT_TENANT_POLICY_SET));
}

/* Only asking for access skips the grant check; every other call an
 * engineer makes in a tenant needs an approved request. */
static void
only_asking_needs_no_access(void **state)
{
	int a;

	for (a = 0; a < ACT_COUNT; a++)
		if (action_get(a)->no_grant != (a == ACT_ACCESS_REQUEST_CREATE))
			fail_msg("%s: no_grant %d", action_get(a)->name,
			    action_get(a)->no_grant);
}

static void
out_of_range_kinds_and_actions_are_refused(void **state)
{
	int k;

	assert_false(action_allows(-1, ACT_HEALTH));
	assert_false(action_allows(ACTOR_KIND_COUNT, ACT_HEALTH));
	assert_false(action_allows(7, ACT_LOG_READ));
	assert_false(action_allows(31, ACT_LOG_READ));
	for (k = 0; k < ACTOR_KIND_COUNT; k++) {
		assert_false(action_allows(k, -1));
		assert_false(action_allows(k, ACT_COUNT));
		assert_false(action_allows(k, 1000));
	}
	assert_string_equal(action_get(-1)->name, "unknown");
	assert_string_equal(action_get(ACT_COUNT)->name, "unknown");
}

/* Scope counts by the table's class; names the table does not know
 * (imported events) are read by their shape. */
static void
scope_classes_come_from_the_table(void **state)
{
	assert_int_equal(action_class_of("user.password_reset"), ACTION_WRITE);
	assert_int_equal(action_class_of("user.mfa_reset"), ACTION_WRITE);
	assert_int_equal(action_class_of("user.list"), ACTION_READ);
	assert_int_equal(action_class_of("ticket.view"), ACTION_READ);
	assert_int_equal(action_class_of("access_request.approve"),
	    ACTION_NEUTRAL);
	assert_int_equal(action_class_of("approval.create"), ACTION_NEUTRAL);
	assert_int_equal(action_class_of("auth.login"), ACTION_NEUTRAL);
	/* Not in the table. */
	assert_int_equal(action_class_of("access_request.expire"),
	    ACTION_NEUTRAL);
	assert_int_equal(action_class_of("user.mfa.factor.reset_all"),
	    ACTION_WRITE);
	assert_int_equal(action_class_of("user.session.start"), ACTION_READ);
	assert_int_equal(action_by_name("no.such.action"), -1);
	assert_int_equal(action_by_name("user.list"), ACT_USER_LIST);
}

/* Every write in a tenant that support may make is described to the
 * customer; the words come from the table, by name. */
static void
reports_describe_what_support_may_do(void **state)
{
	assert_non_null(action_words("user.password_reset"));
	assert_non_null(action_words("user.mfa_reset"));
	assert_non_null(action_words("user.list"));
	assert_non_null(action_words("ticket.list"));
	assert_non_null(action_words("ticket.view"));
	assert_non_null(action_words("access_request.break_glass"));
	assert_null(action_words("auth.login"));
	assert_null(action_words("no.such.action"));
}

/* Routes: every action but "unknown" has one, tenant-scoped actions and
 * only they take {t} first, and no two rows claim the same route. */
static void
every_route_belongs_to_one_action(void **state)
{
	const struct action_def *d, *o;
	int a, b, k, j;

	for (a = 0; a < ACT_COUNT; a++) {
		d = action_get(a);
		if (a != ACT_UNKNOWN && d->routes[0].method == NULL)
			fail_msg("%s has no route", d->name);
		for (k = 0; k < ACTION_ROUTES_MAX && d->routes[k].method != NULL;
		    k++) {
			int in_tenant = strncmp(d->routes[k].pattern,
			    "/v1/tenants/{t}/", 16) == 0 ||
			    strcmp(d->routes[k].pattern, "/v1/tenants/{t}") == 0;

			if (d->tenant_scoped && !in_tenant)
				fail_msg("%s: %s lacks {t}", d->name,
				    d->routes[k].pattern);
			for (b = 0; b < ACT_COUNT; b++) {
				o = action_get(b);
				for (j = 0; j < ACTION_ROUTES_MAX &&
				    o->routes[j].method != NULL; j++)
					if ((a != b || j != k) &&
					    strcmp(o->routes[j].method,
					    d->routes[k].method) == 0 &&
					    strcmp(o->routes[j].pattern,
					    d->routes[k].pattern) == 0)
						fail_msg("%s %s twice",
						    d->routes[k].method,
						    d->routes[k].pattern);
			}
		}
	}
	assert_null(action_get(ACT_UNKNOWN)->routes[0].method);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expected_table_covers_every_action),
		cmocka_unit_test(every_action_allows_exactly_the_expected_kinds),
		cmocka_unit_test(every_action_has_its_name_and_flags),
		cmocka_unit_test(support_engineer_may_do_only_the_support_list),
		cmocka_unit_test(only_asking_needs_no_access),
		cmocka_unit_test(out_of_range_kinds_and_actions_are_refused),
		cmocka_unit_test(scope_classes_come_from_the_table),
		cmocka_unit_test(reports_describe_what_support_may_do),
		cmocka_unit_test(every_route_belongs_to_one_action),
	};

	return cmocka_run_group_tests_name("unit.action", tests, NULL, NULL);
}
