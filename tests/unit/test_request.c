/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of access/request (access requests, without HTTP) on a real
 * SQLite store: the tenant's policy decides at ask time (pending with a
 * deadline, approved by the policy, refused), the admins' notice is staged
 * and delivered only after the commit, answers move only from the state
 * they need (at the effective state), approval starts the duration capped
 * by today's setting, and of two answers to one request the second loses
 * the race and changes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "access/grant.h"

struct asked {
	struct request_op op;
	struct event ev;
	struct err e;
	int rc;
};

/* eng_a1 asks tenant_id for minutes on its ticket at now (not written). */
static void
ask(struct fx *f, struct asked *x, const char *tenant_id, const char *ticket,
    int64_t minutes, int64_t now)
{
	struct rec_tenant t = fx_tenant(f, tenant_id);
	struct request_ask_in in;
	struct store_conn *c = fx_reader(f);
	char tk[64];

	str_printf(tk, sizeof(tk), "tkt_%s", tenant_id);
	memset(&in, 0, sizeof(in));
	in.tenant = &t;
	in.engineer_id = "eng_a1";
	in.vendor_id = "ven_a";
	in.ticket = ticket != NULL ? ticket : tk;
	in.reason = "customer cannot log in since Monday";
	in.minutes = minutes;
	in.now = now;
	event_init(&x->ev);
	err_init(&x->e);
	x->rc = request_ask(&x->op, c, f->ops, &in, &f->mail, &x->ev, &x->e);
	store_reader_put(f->s, c);
}

/* Asks and commits like the API: write, deliver, discard. */
static void
ask_and_write(struct fx *f, struct asked *x, const char *tenant_id,
    int64_t minutes, int64_t now)
{
	ask(f, x, tenant_id, NULL, minutes, now);
	assert_int_equal(x->rc, 0);
	assert_int_equal(fx_write(f, &x->op, NULL, &x->ev), 0);
	notice_deliver(&x->op.notice);
	notice_discard(&x->op.notice);
	event_cleanup(&x->ev);
}

static void
a_request_under_approval_required_is_pending_with_a_deadline(void **state)
{
	struct fx *f = *state;
	struct asked x;
	struct rec_grant g;
	int64_t before = fx_entries(f);

	ask(f, &x, "ten_req", NULL, 60, FX_NOW);
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.op.g.state, GRANT_PENDING);
	assert_true(x.op.g.deadline == FX_NOW + GRANT_PENDING_SECONDS);
	assert_string_equal(x.op.g.decided_by, "");
	assert_string_equal(fx_detail(&x.ev, "state"), "pending");
	assert_string_equal(x.ev.target, x.op.g.id);
	/* Staged for the one active admin, not delivered before the
	 * commit. */
	assert_int_equal(fx_mail(f, "tmp"), 1);
	assert_int_equal(fx_mail(f, "new"), 0);
	assert_int_equal(fx_write(f, &x.op, NULL, &x.ev), 0);
	notice_deliver(&x.op.notice);
	notice_discard(&x.op.notice);
	assert_int_equal(fx_mail(f, "tmp"), 0);
	assert_int_equal(fx_mail(f, "new"), 1);
	assert_true(fx_entries(f) == before + 1);
	g = fx_grant(f, x.op.g.id);
	assert_int_equal(g.state, GRANT_PENDING);
	assert_string_equal(g.engineer_id, "eng_a1");
	assert_string_equal(g.ticket_id, "tkt_ten_req");
	assert_int_equal(grant_effective_state(&g, g.deadline), GRANT_EXPIRED);
	event_cleanup(&x.ev);
}

static void
a_request_under_auto_approve_is_approved_by_the_policy(void **state)
{
	struct fx *f = *state;
	struct asked x;

	ask(f, &x, "ten_auto", NULL, 45, FX_NOW);
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.op.g.state, GRANT_APPROVED);
	assert_string_equal(x.op.g.decided_by, "policy:auto_approve");
	assert_true(x.op.g.decided == FX_NOW);
	assert_true(x.op.g.deadline == FX_NOW + 45 * 60);
	assert_string_equal(fx_detail(&x.ev, "decided_by"),
	    "policy:auto_approve");
	assert_int_equal(fx_mail(f, "tmp"), 1);
	/* The change failed: the notice goes, nothing is told. */
	notice_discard(&x.op.notice);
	assert_int_equal(fx_mail(f, "tmp"), 0);
	assert_int_equal(fx_mail(f, "new"), 0);
	event_cleanup(&x.ev);
}

static void
a_request_under_deny_is_refused_and_mails_nobody(void **state)
{
	struct fx *f = *state;
	struct asked x;

	ask(f, &x, "ten_deny", NULL, 30, FX_NOW);
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 403);
	assert_string_equal(x.e.reason, "tenant_policy_deny");
	assert_int_equal(fx_mail(f, "tmp"), 0);
	notice_discard(&x.op.notice);
	event_cleanup(&x.ev);
}

static void
a_request_needs_a_ticket_of_the_tenant_and_minutes_within_its_cap(
    void **state)
{
	struct fx *f = *state;
	struct asked x;

	ask(f, &x, "ten_req", "tkt_ten_auto", 30, FX_NOW);
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 400);
	assert_non_null(strstr(x.e.msg, "ticket"));
	event_cleanup(&x.ev);
	ask(f, &x, "ten_req", NULL, 481, FX_NOW);
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.e.status, 400);
	assert_non_null(strstr(x.e.msg, "minutes"));
	event_cleanup(&x.ev);
	ask(f, &x, "ten_req", NULL, 0, FX_NOW);
	assert_int_equal(x.rc, -1);
	event_cleanup(&x.ev);
	assert_int_equal(fx_mail(f, "tmp"), 0);
}

/* Prepares answer `how` to grant id by adm_<tenant> at now. */
static int
prepare_answer(struct fx *f, struct request_op *op, const char *id,
    const struct rec_tenant *t, int how, int64_t now, struct err *e)
{
	struct rec_grant g;
	struct event ev;
	struct store_conn *c = fx_reader(f);
	int rc;

	event_init(&ev);
	err_init(e);
	rc = request_load(&g, c, f->ops, id, t->id, e);
	store_reader_put(f->s, c);
	if (rc == 0)
		rc = request_answer(op, &g, t, how, "adm_x", now, &ev, e);
	if (rc == 0)
		assert_string_equal(fx_detail(&ev, "engineer"), "eng_a1");
	event_cleanup(&ev);
	return rc;
}

static void
approval_starts_the_duration_capped_by_todays_setting(void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_req");
	struct request_op op;
	struct asked x;
	struct err e;
	struct rec_grant g;

	ask_and_write(f, &x, "ten_req", 300, FX_NOW);
	/* The tenant lowered its cap since: 120 minutes from approval. */
	t.max_minutes = 120;
	assert_int_equal(prepare_answer(f, &op, x.op.g.id, &t,
	    REQUEST_APPROVE, FX_NOW + 600, &e), 0);
	assert_int_equal(fx_write(f, &op, NULL, NULL), 0);
	g = fx_grant(f, x.op.g.id);
	assert_int_equal(g.state, GRANT_APPROVED);
	assert_true(g.decided == FX_NOW + 600);
	assert_true(g.deadline == FX_NOW + 600 + 120 * 60);
	assert_string_equal(g.decided_by, "adm_x");
	/* Revoked: ends now, keeps who approved. */
	assert_int_equal(prepare_answer(f, &op, g.id, &t, REQUEST_REVOKE,
	    FX_NOW + 900, &e), 0);
	assert_int_equal(fx_write(f, &op, NULL, NULL), 0);
	g = fx_grant(f, g.id);
	assert_int_equal(g.state, GRANT_REVOKED);
	assert_true(g.deadline == FX_NOW + 900);
	assert_string_equal(g.decided_by, "adm_x");
	/* Nothing moves a revoked grant. */
	assert_int_equal(prepare_answer(f, &op, g.id, &t, REQUEST_APPROVE,
	    FX_NOW + 901, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.reason, "wrong_state");
}

static void
answers_move_only_from_the_state_they_need(void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_req");
	struct request_op op;
	struct asked x;
	struct err e;

	ask_and_write(f, &x, "ten_req", 60, FX_NOW);
	/* Pending: cannot be revoked. */
	assert_int_equal(prepare_answer(f, &op, x.op.g.id, &t,
	    REQUEST_REVOKE, FX_NOW + 1, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.reason, "wrong_state");
	/* Unanswered past its deadline it is expired, swept or not. */
	assert_int_equal(prepare_answer(f, &op, x.op.g.id, &t,
	    REQUEST_APPROVE, FX_NOW + GRANT_PENDING_SECONDS, &e), -1);
	assert_string_equal(e.reason, "wrong_state");
	assert_non_null(strstr(e.msg, "expired"));
	/* Denied in time: denied, and then nothing more. */
	assert_int_equal(prepare_answer(f, &op, x.op.g.id, &t, REQUEST_DENY,
	    FX_NOW + 2, &e), 0);
	assert_int_equal(fx_write(f, &op, NULL, NULL), 0);
	assert_int_equal(fx_grant(f, x.op.g.id).state, GRANT_DENIED);
	assert_int_equal(prepare_answer(f, &op, x.op.g.id, &t,
	    REQUEST_APPROVE, FX_NOW + 3, &e), -1);
	assert_string_equal(e.reason, "wrong_state");
}

static void
of_two_answers_the_second_loses_the_race_and_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct rec_tenant t = fx_tenant(f, "ten_req");
	struct request_op approve, deny;
	struct asked x;
	struct err e;
	struct rec_grant g;

	ask_and_write(f, &x, "ten_req", 60, FX_NOW);
	/* Both read it pending. */
	assert_int_equal(prepare_answer(f, &approve, x.op.g.id, &t,
	    REQUEST_APPROVE, FX_NOW + 5, &e), 0);
	assert_int_equal(prepare_answer(f, &deny, x.op.g.id, &t,
	    REQUEST_DENY, FX_NOW + 6, &e), 0);
	assert_int_equal(fx_write(f, &approve, NULL, NULL), 0);
	assert_int_equal(fx_write(f, &deny, NULL, NULL), 1);
	g = fx_grant(f, x.op.g.id);
	assert_int_equal(g.state, GRANT_APPROVED);
	assert_true(g.decided == FX_NOW + 5);
}

static void
a_request_is_found_only_in_its_tenant_and_seen_only_by_its_people(
    void **state)
{
	struct fx *f = *state;
	struct store_conn *c;
	struct asked x;
	struct rec_grant g;
	struct actor who;
	struct err e;

	ask_and_write(f, &x, "ten_req", 60, FX_NOW);
	c = fx_reader(f);
	err_init(&e);
	assert_int_equal(request_load(&g, c, f->ops, x.op.g.id, "ten_auto",
	    &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.reason, "no_such_request");
	err_init(&e);
	assert_int_equal(request_load(&g, c, f->ops, "req_none", NULL, &e),
	    -1);
	assert_int_equal(e.status, 404);
	err_init(&e);
	assert_int_equal(request_load(&g, c, f->ops, x.op.g.id, NULL, &e), 0);
	store_reader_put(f->s, c);
	memset(&who, 0, sizeof(who));
	who.kind = ACTOR_ENGINEER;
	str_copy(who.id, sizeof(who.id), "eng_a1");
	assert_true(request_may_view(&who, &g));
	str_copy(who.id, sizeof(who.id), "eng_a2");
	assert_false(request_may_view(&who, &g));
	who.kind = ACTOR_TENANT_ADMIN;
	str_copy(who.tenant, sizeof(who.tenant), "ten_req");
	assert_true(request_may_view(&who, &g));
	str_copy(who.tenant, sizeof(who.tenant), "ten_auto");
	assert_false(request_may_view(&who, &g));
	who.kind = ACTOR_OPERATOR;
	assert_true(request_may_view(&who, &g));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(a_request_under_approval_required_is_pending_with_a_deadline),
		T(a_request_under_auto_approve_is_approved_by_the_policy),
		T(a_request_under_deny_is_refused_and_mails_nobody),
		T(a_request_needs_a_ticket_of_the_tenant_and_minutes_within_its_cap),
		T(approval_starts_the_duration_capped_by_todays_setting),
		T(answers_move_only_from_the_state_they_need),
		T(of_two_answers_the_second_loses_the_race_and_changes_nothing),
		T(a_request_is_found_only_in_its_tenant_and_seen_only_by_its_people),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
