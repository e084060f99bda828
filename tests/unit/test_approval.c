/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of access/approval (second approvals, the two-person rule)
 * without HTTP on a real SQLite store: what may be asked for and on what,
 * who may answer (never the asker, not the asker's vendor, another vendor
 * only where the tenant allows and with access), answers only while
 * pending and once, and an approval is good only for its asker, its
 * action, its target and its tenant, unexpired, and once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "access/grant.h"
#include "audit/action.h"

struct asked {
	struct approval_op op;
	struct event ev;
	struct err e;
	int rc;
};

static void
ask(struct fx *f, struct asked *x, const char *tenant_id, const char *action,
    const char *target)
{
	struct rec_tenant t = fx_tenant(f, tenant_id);
	struct approval_ask_in in;
	struct store_conn *c = fx_reader(f);

	memset(&in, 0, sizeof(in));
	in.tenant = &t;
	in.engineer_id = "eng_a1";
	in.vendor_id = "ven_a";
	in.action = action;
	in.target = target;
	in.reason = "user locked out, confirmed by phone";
	in.now = FX_NOW;
	event_init(&x->ev);
	err_init(&x->e);
	x->rc = approval_ask(&x->op, c, f->ops, &in, &f->mail, &x->ev, &x->e);
	store_reader_put(f->s, c);
}

/* Asked by eng_a1 in tenant_id and written; its id in x->op.a.id. */
static void
ask_and_write(struct fx *f, struct asked *x, const char *tenant_id,
    const char *action, const char *target)
{
	ask(f, x, tenant_id, action, target);
	assert_int_equal(x->rc, 0);
	assert_int_equal(fx_write(f, NULL, &x->op, &x->ev), 0);
	notice_deliver(&x->op.notice);
	notice_discard(&x->op.notice);
	event_cleanup(&x->ev);
}

static struct actor
engineer(const char *id, const char *vendor)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.kind = ACTOR_ENGINEER;
	str_copy(a.id, sizeof(a.id), id);
	str_copy(a.vendor, sizeof(a.vendor), vendor);
	return a;
}

static struct actor
admin(const char *tenant_id)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.kind = ACTOR_TENANT_ADMIN;
	str_printf(a.id, sizeof(a.id), "adm_%s", tenant_id);
	str_copy(a.tenant, sizeof(a.tenant), tenant_id);
	return a;
}

/* May who answer approval id?  0, or -1 with e. */
static int
may_answer(struct fx *f, const struct actor *who, const char *id,
    int answering, struct err *e)
{
	struct store_conn *c = fx_reader(f);
	struct rec_approval a;
	struct rec_tenant t;
	int rc;

	err_init(e);
	rc = approval_load(&a, &t, c, f->ops, id, e);
	if (rc == 0)
		rc = approval_may_answer(c, f->ops, who, &t, &a, answering,
		    FX_NOW, e);
	store_reader_put(f->s, c);
	return rc;
}

/* Answers approval id (to) at now and writes it: the apply's rc. */
static int
answer(struct fx *f, const char *id, int to, int64_t now)
{
	struct rec_approval a = fx_approval(f, id);
	struct approval_op op;
	struct event ev;
	struct err e;
	int rc;

	event_init(&ev);
	err_init(&e);
	rc = approval_answer(&op, &a, to, "adm_x", now, &ev, &e);
	assert_string_equal(fx_detail(&ev, "engineer"), "eng_a1");
	event_cleanup(&ev);
	if (rc == -1)
		return -1;
	return fx_write(f, NULL, &op, NULL);
}

/* approval_check for eng's action on target in tenant at now. */
static int
check(struct fx *f, const char *id, const char *tenant_id, const char *eng,
    const char *action, const char *target, int64_t now,
    struct rec_approval *a, struct err *e)
{
	struct store_conn *c = fx_reader(f);
	int rc;

	err_init(e);
	rc = approval_check(a, c, f->ops, id, tenant_id, eng, action, target,
	    now, e);
	store_reader_put(f->s, c);
	return rc;
}

static void
an_approval_is_asked_for_a_sensitive_action_on_what_it_names(void **state)
{
	struct fx *f = *state;
	struct asked x;
	struct rec_approval a;

	ask(f, &x, "ten_req", "user.password_reset", "usr_ten_req");
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.op.a.state, APPROVAL_PENDING);
	assert_true(x.op.a.deadline == FX_NOW + APPROVAL_PENDING_SECONDS);
	assert_string_equal(fx_detail(&x.ev, "for"), "user.password_reset");
	assert_string_equal(fx_detail(&x.ev, "on"), "usr_ten_req");
	assert_int_equal(fx_mail(f, "tmp"), 1);
	assert_int_equal(fx_write(f, NULL, &x.op, &x.ev), 0);
	notice_deliver(&x.op.notice);
	notice_discard(&x.op.notice);
	assert_int_equal(fx_mail(f, "new"), 1);
	a = fx_approval(f, x.op.a.id);
	assert_string_equal(a.engineer_id, "eng_a1");
	assert_string_equal(a.target, "usr_ten_req");
	event_cleanup(&x.ev);
	/* A reset names a user of this tenant. */
	ask(f, &x, "ten_req", "user.mfa_reset", "usr_ten_auto");
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 400);
	event_cleanup(&x.ev);
	/* ticket.view names the ticket. */
	ask(f, &x, "ten_req", "ticket.view", "");
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 400);
	event_cleanup(&x.ev);
	/* Only the actions that take one. */
	ask(f, &x, "ten_req", "tenant.export", "");
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 400);
	event_cleanup(&x.ev);
	ask(f, &x, "ten_req", "user.list", NULL);
	assert_int_equal(x.rc, 0);
	assert_string_equal(x.op.a.target, "");
	notice_discard(&x.op.notice);
	event_cleanup(&x.ev);
}

static void
nobody_approves_their_own_request_nor_their_own_vendor(void **state)
{
	struct fx *f = *state;
	struct actor who;
	struct asked x;
	struct err e;

	ask_and_write(f, &x, "ten_other", "user.list", "");
	who = engineer("eng_a1", "ven_a");
	assert_int_equal(may_answer(f, &who, x.op.a.id, 1, &e), -1);
	assert_int_equal(e.status, 403);
	assert_string_equal(e.reason, "own_request");
	/* The asker may look at it. */
	assert_int_equal(may_answer(f, &who, x.op.a.id, 0, &e), 0);
	who = engineer("eng_a2", "ven_a");
	assert_int_equal(may_answer(f, &who, x.op.a.id, 1, &e), -1);
	assert_string_equal(e.reason, "not_a_second_approver");
	who = admin("ten_req");
	assert_int_equal(may_answer(f, &who, x.op.a.id, 1, &e), -1);
	assert_int_equal(e.status, 404);
	who = admin("ten_other");
	assert_int_equal(may_answer(f, &who, x.op.a.id, 1, &e), 0);
	assert_int_equal(may_answer(f, &who, "apr_none", 1, &e), -1);
	assert_string_equal(e.reason, "no_such_approval");
}

static void
another_vendor_answers_only_where_allowed_and_with_access(void **state)
{
	struct fx *f = *state;
	struct actor who = engineer("eng_b1", "ven_b");
	struct rec_grant g;
	struct asked x, y, z;
	struct err e;

	/* ten_req takes only its admins. */
	ask_and_write(f, &x, "ten_req", "user.list", "");
	assert_int_equal(may_answer(f, &who, x.op.a.id, 1, &e), -1);
	assert_string_equal(e.reason, "not_a_second_approver");
	/* ten_other takes another vendor's engineer with access... */
	ask_and_write(f, &y, "ten_other", "user.list", "");
	assert_int_equal(may_answer(f, &who, y.op.a.id, 1, &e), -1);
	assert_string_equal(e.reason, "no_approved_access");
	memset(&g, 0, sizeof(g));
	str_copy(g.id, sizeof(g.id), "req_b1");
	str_copy(g.tenant_id, sizeof(g.tenant_id), "ten_other");
	str_copy(g.engineer_id, sizeof(g.engineer_id), "eng_b1");
	str_copy(g.vendor_id, sizeof(g.vendor_id), "ven_b");
	str_copy(g.reason, sizeof(g.reason), "working the same ticket");
	g.minutes = 60;
	g.state = GRANT_APPROVED;
	g.created = g.decided = FX_NOW - 60;
	g.deadline = FX_NOW + 3600;
	fx_put(f, fx_put_grant, &g);
	assert_int_equal(may_answer(f, &who, y.op.a.id, 1, &e), 0);
	/* ...and under auto_approve anyone may work there. */
	ask_and_write(f, &z, "ten_auto", "user.list", "");
	assert_int_equal(may_answer(f, &who, z.op.a.id, 1, &e), 0);
}

static void
an_answer_needs_a_pending_approval_and_happens_once(void **state)
{
	struct fx *f = *state;
	struct rec_approval a;
	struct approval_op approve, deny;
	struct event ev;
	struct asked x;
	struct err e;

	ask_and_write(f, &x, "ten_req", "user.list", "");
	a = fx_approval(f, x.op.a.id);
	event_init(&ev);
	err_init(&e);
	/* Both read it pending; the second to commit loses. */
	assert_int_equal(approval_answer(&approve, &a, APPROVAL_APPROVED,
	    "adm_ten_req", FX_NOW + 10, &ev, &e), 0);
	assert_int_equal(approval_answer(&deny, &a, APPROVAL_DENIED,
	    "adm_ten_req", FX_NOW + 11, &ev, &e), 0);
	assert_int_equal(fx_write(f, NULL, &approve, NULL), 0);
	assert_int_equal(fx_write(f, NULL, &deny, NULL), 1);
	a = fx_approval(f, x.op.a.id);
	assert_int_equal(a.state, APPROVAL_APPROVED);
	assert_true(a.deadline == FX_NOW + 10 + APPROVAL_VALID_SECONDS);
	/* Approved: no more answers. */
	assert_int_equal(answer(f, x.op.a.id, APPROVAL_DENIED, FX_NOW + 12),
	    -1);
	event_cleanup(&ev);
	/* Unanswered past its deadline it is expired. */
	ask_and_write(f, &x, "ten_req", "user.list", "");
	assert_int_equal(answer(f, x.op.a.id, APPROVAL_APPROVED,
	    FX_NOW + APPROVAL_PENDING_SECONDS), -1);
}

static void
an_approval_serves_only_its_asker_action_target_and_tenant_once(
    void **state)
{
	struct fx *f = *state;
	const char *act = "user.password_reset";
	struct rec_approval a;
	struct asked x;
	struct err e;
	int64_t t = FX_NOW + 20;

	ask_and_write(f, &x, "ten_req", act, "usr_ten_req");
	/* Pending: not yet. */
	assert_int_equal(check(f, x.op.a.id, "ten_req", "eng_a1", act,
	    "usr_ten_req", t, &a, &e), -1);
	assert_string_equal(e.reason, "approval_not_valid");
	assert_int_equal(answer(f, x.op.a.id, APPROVAL_APPROVED, FX_NOW + 15),
	    0);
	assert_int_equal(check(f, x.op.a.id, "ten_req", "eng_a2", act,
	    "usr_ten_req", t, &a, &e), -1);
	assert_string_equal(e.reason, "approval_not_valid");
	assert_string_equal(a.id, "");
	assert_int_equal(check(f, x.op.a.id, "ten_req", "eng_a1", act,
	    "adm_ten_req", t, &a, &e), -1);
	assert_int_equal(check(f, x.op.a.id, "ten_req", "eng_a1",
	    "user.mfa_reset", "usr_ten_req", t, &a, &e), -1);
	assert_int_equal(check(f, x.op.a.id, "ten_other", "eng_a1", act,
	    "usr_ten_req", t, &a, &e), -1);
	assert_int_equal(check(f, "not an id", "ten_req", "eng_a1", act,
	    "usr_ten_req", t, &a, &e), -1);
	/* Past its 15 minutes: expired. */
	assert_int_equal(check(f, x.op.a.id, "ten_req", "eng_a1", act,
	    "usr_ten_req", FX_NOW + 15 + APPROVAL_VALID_SECONDS, &a, &e), -1);
	assert_string_equal(e.reason, "approval_not_valid");
	/* The asker, for this, in time: yes, once. */
	assert_int_equal(check(f, x.op.a.id, "ten_req", "eng_a1", act,
	    "usr_ten_req", t, &a, &e), 0);
	assert_string_equal(a.id, x.op.a.id);
	{
		struct approval_op use;

		/* Used in the commit of the action it allowed. */
		memset(&use, 0, sizeof(use));
		use.a = a;
		use.a.state = APPROVAL_USED;
		use.from = APPROVAL_APPROVED;
		assert_int_equal(fx_write(f, NULL, &use, NULL), 0);
		/* A second use, racing with it, changes nothing. */
		assert_int_equal(fx_write(f, NULL, &use, NULL), 1);
	}
	assert_int_equal(fx_approval(f, x.op.a.id).state, APPROVAL_USED);
	assert_int_equal(check(f, x.op.a.id, "ten_req", "eng_a1", act,
	    "usr_ten_req", t, &a, &e), -1);
	assert_int_equal(e.status, 403);
	assert_string_equal(e.reason, "approval_used");
}

/* approval_use on the writer, as the pipeline calls it. */
struct use_job {
	const struct store_ops *ops;
	struct rec_approval a;
	int rc;
};

static int
use_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct use_job *u = arg;

	u->rc = approval_use(c, u->ops, &u->a, e);
	return u->rc == -1 ? -1 : 0;
}

static void
approval_use_uses_it_up_once(void **state)
{
	struct fx *f = *state;
	struct use_job u;
	struct store_job job = {use_apply, NULL, &u};
	struct asked x;
	struct err e;

	ask_and_write(f, &x, "ten_req", "ticket.list", "");
	assert_int_equal(answer(f, x.op.a.id, APPROVAL_APPROVED, FX_NOW + 1),
	    0);
	u.ops = f->ops;
	u.a = fx_approval(f, x.op.a.id);
	err_init(&e);
	assert_int_equal(store_write(f->s, &job, NULL, &e), 0);
	assert_int_equal(u.rc, 0);
	assert_int_equal(fx_approval(f, x.op.a.id).state, APPROVAL_USED);
	assert_int_equal(store_write(f->s, &job, NULL, &e), 0);
	assert_int_equal(u.rc, 1);
}

static void
only_engineers_need_one_for_admin_resets_and_marked_actions(void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_req");
	struct actor eng = engineer("eng_a1", "ven_a");
	struct actor adm = admin("ten_req");

	assert_true(approval_needed(&eng, &t, ACT_USER_PASSWORD_RESET, 1));
	assert_true(approval_needed(&eng, &t, ACT_USER_MFA_RESET, 1));
	assert_false(approval_needed(&eng, &t, ACT_USER_PASSWORD_RESET, 0));
	assert_false(approval_needed(&eng, &t, ACT_TICKET_VIEW, 0));
	assert_false(approval_needed(&adm, &t, ACT_USER_PASSWORD_RESET, 1));
	t.sensitive = sensitive_bit(ACT_TICKET_VIEW);
	assert_true(approval_needed(&eng, &t, ACT_TICKET_VIEW, 0));
	assert_false(approval_needed(&eng, &t, ACT_TICKET_LIST, 0));
	assert_false(approval_needed(&adm, &t, ACT_TICKET_VIEW, 0));
	assert_int_equal(sensitive_bit(ACT_TENANT_EXPORT), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(an_approval_is_asked_for_a_sensitive_action_on_what_it_names),
		T(nobody_approves_their_own_request_nor_their_own_vendor),
		T(another_vendor_answers_only_where_allowed_and_with_access),
		T(an_answer_needs_a_pending_approval_and_happens_once),
		T(an_approval_serves_only_its_asker_action_target_and_tenant_once),
		T(approval_use_uses_it_up_once),
		T(only_engineers_need_one_for_admin_resets_and_marked_actions),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
