/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of access/breakglass without HTTP on a real SQLite store:
 * the operator's emergency grant is approved at once and marked, opens
 * even a tenant whose policy is deny, lasts at most an hour, names a real
 * engineer, and mails every active admin after the commit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "access/breakglass.h"
#include "access/grant.h"
#include "access/policy.h"

struct opened {
	struct request_op op;
	struct event ev;
	struct err e;
	int rc;
};

static void
open_for(struct fx *f, struct opened *x, const char *tenant_id,
    const char *engineer, int64_t minutes)
{
	struct rec_tenant t = fx_tenant(f, tenant_id);
	struct breakglass_in in;
	struct store_conn *c = fx_reader(f);

	memset(&in, 0, sizeof(in));
	in.tenant = &t;
	in.engineer_id = engineer;
	in.reason = "production outage, admins unreachable";
	in.minutes = minutes;
	in.now = FX_NOW;
	event_init(&x->ev);
	err_init(&x->e);
	x->rc = breakglass_open(&x->op, c, f->ops, &in, &f->mail, &x->ev,
	    &x->e);
	store_reader_put(f->s, c);
}

static void
break_glass_is_approved_at_once_marked_and_opens_a_deny_tenant(
    void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_deny");
	struct opened x;
	struct rec_grant g;
	struct actor who;
	struct err e;

	open_for(f, &x, "ten_deny", "eng_b1", 20);
	assert_int_equal(x.rc, 0);
	assert_string_equal(fx_detail(&x.ev, "break_glass"), "true");
	assert_string_equal(fx_detail(&x.ev, "alert"), "break_glass");
	assert_string_equal(fx_detail(&x.ev, "engineer"), "eng_b1");
	assert_int_equal(fx_mail(f, "tmp"), 1);
	assert_int_equal(fx_write(f, &x.op, NULL, &x.ev), 0);
	notice_deliver(&x.op.notice);
	notice_discard(&x.op.notice);
	assert_int_equal(fx_mail(f, "new"), 1);
	g = fx_grant(f, x.op.g.id);
	assert_int_equal(g.state, GRANT_APPROVED);
	assert_int_equal(g.break_glass, 1);
	assert_string_equal(g.decided_by, "operator");
	assert_string_equal(g.vendor_id, "ven_b");
	assert_true(g.deadline == FX_NOW + 20 * 60);
	/* The tenant gate lets it through, though the policy is deny. */
	memset(&who, 0, sizeof(who));
	who.kind = ACTOR_ENGINEER;
	str_copy(who.id, sizeof(who.id), "eng_b1");
	err_init(&e);
	assert_int_equal(policy_tenant_access(&who, &t, &g, 1, &e), 0);
	event_cleanup(&x.ev);
}

static void
break_glass_names_a_real_engineer_and_lasts_at_most_an_hour(void **state)
{
	struct fx *f = *state;
	struct opened x;

	open_for(f, &x, "ten_req", "eng_none", 20);
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 400);
	assert_non_null(strstr(x.e.msg, "engineer"));
	event_cleanup(&x.ev);
	open_for(f, &x, "ten_req", "eng_a1", BREAK_GLASS_MAX_MINUTES + 1);
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 400);
	event_cleanup(&x.ev);
	assert_int_equal(fx_mail(f, "tmp"), 0);
	open_for(f, &x, "ten_req", "eng_a1", BREAK_GLASS_MAX_MINUTES);
	assert_int_equal(x.rc, 0);
	notice_discard(&x.op.notice);
	assert_int_equal(fx_mail(f, "tmp"), 0);
	event_cleanup(&x.ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(break_glass_is_approved_at_once_marked_and_opens_a_deny_tenant),
		T(break_glass_names_a_real_engineer_and_lasts_at_most_an_hour),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
