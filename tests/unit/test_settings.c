/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of access/settings (a tenant's support policy and access
 * settings, without HTTP) on a real SQLite store: what is not given keeps
 * its value, the change is recorded with the policy before and after and
 * the settings as they will be, values out of range are refused, and the
 * writer stores exactly the new settings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "op_fixture.h"
#include "access/settings.h"

static void
a_change_is_recorded_with_the_old_and_new_policy(void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_req"), out, now;
	struct settings_in in;
	struct event ev;
	struct err e;

	err_init(&e);
	event_init(&ev);
	settings_in_init(&in);
	in.policy = POLICY_DENY;
	assert_int_equal(settings_change(&out, &t, &in, &ev, &e), 0);
	assert_string_equal(fx_detail(&ev, "from"), "approval_required");
	assert_string_equal(fx_detail(&ev, "to"), "deny");
	assert_string_equal(fx_detail(&ev, "max_minutes"), "480");
	assert_string_equal(fx_detail(&ev, "second_approver"),
	    "tenant_admin");
	assert_string_equal(fx_detail(&ev, "sensitive_actions"), "[]");
	event_cleanup(&ev);
	assert_int_equal(fx_run(f, settings_apply, &out, &e), 0);
	now = fx_tenant(f, "ten_req");
	assert_int_equal(now.policy, POLICY_DENY);
	assert_int_equal(now.max_minutes, 480);
	assert_int_equal(now.second_approver, SECOND_TENANT_ADMIN);
}

static void
what_is_not_given_keeps_its_value(void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_other"), out, now;
	struct settings_in in;
	struct event ev;
	struct err e;

	err_init(&e);
	event_init(&ev);
	settings_in_init(&in);
	in.max_minutes = 60;
	in.has_sensitive = 1;
	in.sensitive = 1u;
	assert_int_equal(settings_change(&out, &t, &in, &ev, &e), 0);
	assert_int_equal(out.policy, t.policy);
	assert_int_equal(out.second_approver, SECOND_ADMIN_OR_OTHER_VENDOR);
	assert_int_equal(out.max_minutes, 60);
	assert_string_equal(fx_detail(&ev, "from"), "approval_required");
	assert_string_equal(fx_detail(&ev, "to"), "approval_required");
	assert_string_equal(fx_detail(&ev, "max_minutes"), "60");
	assert_string_not_equal(fx_detail(&ev, "sensitive_actions"), "[]");
	event_cleanup(&ev);
	assert_int_equal(fx_run(f, settings_apply, &out, &e), 0);
	now = fx_tenant(f, "ten_other");
	assert_int_equal(now.max_minutes, 60);
	assert_int_equal(now.sensitive, 1u);
	assert_int_equal(now.second_approver, SECOND_ADMIN_OR_OTHER_VENDOR);
	/* An empty list clears the marks. */
	event_init(&ev);
	settings_in_init(&in);
	in.has_sensitive = 1;
	t = now;
	assert_int_equal(settings_change(&out, &t, &in, &ev, &e), 0);
	assert_int_equal(out.sensitive, 0);
	assert_int_equal(out.max_minutes, 60);
	event_cleanup(&ev);
}

static void
values_out_of_range_are_refused(void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_req"), out;
	struct settings_in in;
	struct event ev;
	struct err e;

	event_init(&ev);
	settings_in_init(&in);
	in.max_minutes = 24 * 60 + 1;
	err_init(&e);
	assert_int_equal(settings_change(&out, &t, &in, &ev, &e), -1);
	assert_int_equal(e.status, 400);
	settings_in_init(&in);
	in.policy = 3;
	err_init(&e);
	assert_int_equal(settings_change(&out, &t, &in, &ev, &e), -1);
	assert_int_equal(e.status, 400);
	settings_in_init(&in);
	in.second_approver = 2;
	err_init(&e);
	assert_int_equal(settings_change(&out, &t, &in, &ev, &e), -1);
	assert_int_equal(e.status, 400);
	event_cleanup(&ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(a_change_is_recorded_with_the_old_and_new_policy),
		T(what_is_not_given_keeps_its_value),
		T(values_out_of_range_are_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
