/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of access/containment (the operator's containment and its
 * lifting, without HTTP) on a real SQLite store: containing names what it
 * did in its entry, lifting is recorded by whom and why and names the
 * containment's kind and target, an unknown containment is a 404, and a
 * containment lifted before (or meanwhile) is a 409 wrong_state.  Levels:
 * one that only ends sessions is never in force and holds nothing to
 * lift; only level access revokes; a session is contained at level
 * sessions only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "op_fixture.h"
#include "access/containment.h"

/* Contains engineer eng_a1 at level; the containment's id into id. */
static void
contain_engineer_at(struct fx *f, int level, char id[ID_MAX],
    struct event *ev)
{
	struct contain_run run;
	struct containment_op op = {&run, ev};
	struct store_conn *c = fx_reader(f);
	struct err e;

	err_init(&e);
	assert_int_equal(contain_prepare(&run, c, f->ops, CONTAIN_ENGINEER,
	    level, "eng_a1", "stolen laptop", FX_NOW, &e), 0);
	store_reader_put(f->s, c);
	str_copy(run.r.created_by, sizeof(run.r.created_by), "operator");
	assert_int_equal(fx_run(f, containment_apply, &op, &e), 0);
	str_copy(id, ID_MAX, run.r.id);
	contain_run_cleanup(&run);
}

static void
contain_engineer(struct fx *f, char id[ID_MAX], struct event *ev)
{
	contain_engineer_at(f, CONTAIN_ACCESS, id, ev);
}

static void
containing_names_what_it_did_in_its_entry(void **state)
{
	struct fx *f = *state;
	char id[ID_MAX];
	struct event ev;

	event_init(&ev);
	contain_engineer(f, id, &ev);
	assert_string_equal(fx_detail(&ev, "kind"), "engineer");
	assert_string_equal(fx_detail(&ev, "engineer"), "eng_a1");
	assert_string_equal(fx_detail(&ev, "level"), "access");
	assert_string_equal(fx_detail(&ev, "sessions_ended"), "0");
	assert_string_equal(fx_detail(&ev, "grants_revoked"), "0");
	event_cleanup(&ev);
}

static int
lift(struct fx *f, const char *id, struct rec_containment *r,
    struct event *ev, struct err *e)
{
	struct store_conn *c = fx_reader(f);
	int rc;

	err_init(e);
	rc = containment_lift_prepare(r, c, f->ops, id, "operator",
	    "laptop found", FX_NOW + 60, ev, e);
	store_reader_put(f->s, c);
	return rc;
}

static void
lifting_is_recorded_by_whom_and_why(void **state)
{
	struct fx *f = *state;
	struct rec_containment r, got;
	struct store_conn *c;
	char id[ID_MAX];
	struct event ev;
	struct err e;

	event_init(&ev);
	contain_engineer(f, id, &ev);
	event_cleanup(&ev);
	event_init(&ev);
	assert_int_equal(lift(f, id, &r, &ev, &e), 0);
	assert_string_equal(fx_detail(&ev, "kind"), "engineer");
	assert_string_equal(fx_detail(&ev, "engineer"), "eng_a1");
	assert_int_equal(fx_run(f, containment_lift_apply, &r, &e), 0);
	c = fx_reader(f);
	assert_int_equal(f->ops->containment_get(c, id, &got, &e), 0);
	store_reader_put(f->s, c);
	assert_int_equal(got.lifted, FX_NOW + 60);
	assert_string_equal(got.lifted_by, "operator");
	assert_string_equal(got.lift_reason, "laptop found");
	event_cleanup(&ev);
}

static void
a_containment_lifted_before_or_meanwhile_is_a_409(void **state)
{
	struct fx *f = *state;
	struct rec_containment r1, r2;
	char id[ID_MAX];
	struct event ev;
	struct err e;

	event_init(&ev);
	contain_engineer(f, id, &ev);
	/* Both prepared while it is in force; the second loses the race. */
	assert_int_equal(lift(f, id, &r1, &ev, &e), 0);
	assert_int_equal(lift(f, id, &r2, &ev, &e), 0);
	assert_int_equal(fx_run(f, containment_lift_apply, &r1, &e), 0);
	assert_int_equal(fx_run(f, containment_lift_apply, &r2, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.reason, "wrong_state");
	assert_non_null(strstr(e.msg, "was already lifted"));
	/* Once lifted, it is refused before the writer. */
	assert_int_equal(lift(f, id, &r2, &ev, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.reason, "wrong_state");
	event_cleanup(&ev);
}

static void
an_unknown_containment_is_a_404(void **state)
{
	struct fx *f = *state;
	struct rec_containment r;
	struct event ev;
	struct err e;

	event_init(&ev);
	assert_int_equal(lift(f, "cnt_nope", &r, &ev, &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.reason, "no_such_containment");
	assert_string_equal(e.msg, "no such containment: cnt_nope");
	event_cleanup(&ev);
}

static void
ending_sessions_holds_nothing_in_force_to_lift(void **state)
{
	struct fx *f = *state;
	struct rec_containment r, got;
	struct store_conn *c;
	char id[ID_MAX];
	struct event ev;
	struct err e;

	event_init(&ev);
	contain_engineer_at(f, CONTAIN_SESSIONS, id, &ev);
	assert_string_equal(fx_detail(&ev, "level"), "sessions");
	c = fx_reader(f);
	assert_int_equal(f->ops->containment_get(c, id, &got, &e), 0);
	/* Logins go on: nothing refuses them. */
	assert_int_equal(contain_refuses(c, f->ops, "eng_a1", "", "", NULL,
	    &e), 0);
	store_reader_put(f->s, c);
	assert_false(contain_in_force(&got));
	assert_false(got.revoke_access);
	assert_string_equal(contain_enforced(&got), "sessions ended; logins "
	    "still allowed; approvals kept");
	event_cleanup(&ev);
	event_init(&ev);
	assert_int_equal(lift(f, id, &r, &ev, &e), -1);
	assert_int_equal(e.status, 409);
	assert_non_null(strstr(e.msg, "holds nothing to lift"));
	event_cleanup(&ev);
}

static void
refusing_logins_keeps_approvals(void **state)
{
	struct fx *f = *state;
	struct rec_containment got;
	struct store_conn *c;
	char id[ID_MAX];
	struct event ev;
	struct err e;

	event_init(&ev);
	contain_engineer_at(f, CONTAIN_LOGINS, id, &ev);
	c = fx_reader(f);
	assert_int_equal(f->ops->containment_get(c, id, &got, &e), 0);
	assert_int_equal(contain_refuses(c, f->ops, "eng_a1", "", "", NULL,
	    &e), 1);
	store_reader_put(f->s, c);
	assert_true(contain_in_force(&got));
	assert_string_equal(contain_level_name(&got), "logins");
	assert_string_equal(contain_enforced(&got), "sessions ended; logins "
	    "refused until lifted; approvals kept");
	event_cleanup(&ev);
}

static void
a_session_is_contained_at_level_sessions_only(void **state)
{
	struct fx *f = *state;
	struct contain_run run;
	struct store_conn *c = fx_reader(f);
	struct err e;

	err_init(&e);
	assert_int_equal(contain_prepare(&run, c, f->ops, CONTAIN_SESSION,
	    CONTAIN_ACCESS, "ses_x", "stolen token", FX_NOW, &e), -1);
	store_reader_put(f->s, c);
	assert_int_equal(e.status, 400);
	contain_run_cleanup(&run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(containing_names_what_it_did_in_its_entry),
		T(lifting_is_recorded_by_whom_and_why),
		T(a_containment_lifted_before_or_meanwhile_is_a_409),
		T(an_unknown_containment_is_a_404),
		T(ending_sessions_holds_nothing_in_force_to_lift),
		T(refusing_logins_keeps_approvals),
		T(a_session_is_contained_at_level_sessions_only),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
