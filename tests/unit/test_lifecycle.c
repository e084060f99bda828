/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of directory/lifecycle and access/standing on a real SQLite
 * store, without HTTP: suspend and resume move an engineer's status and
 * standing and back; a suspended one cannot be suspended again nor an
 * active one resumed (409 state); offboarding is final (409 offboarded
 * for anything after); a vendor's suspension refuses its engineers but
 * keeps their own status, and spares other vendors'; a vendor's
 * offboarding offboards each of its engineers; an offboarding committed
 * meanwhile wins over a suspension prepared before it; a revoked device
 * is refused, and revoked once; an unknown account is a 404; a status
 * out of range is named suspended.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "op_fixture.h"
#include "access/standing.h"
#include "directory/lifecycle.h"

FX_PUTTER(fx_put_device, struct rec_device, device_insert)

/* prepare (reader) then apply (writer): the apply's rc, or -1 with e
 * when prepare refused. */
static int
change(struct fx *f, int kind, int op, const char *id,
    struct lifecycle_run *run, struct err *e)
{
	struct store_conn *c = fx_reader(f);
	int rc;

	err_init(e);
	rc = lifecycle_prepare(run, c, f->ops, kind, op, id, "a reason",
	    FX_NOW, e);
	store_reader_put(f->s, c);
	if (rc == 0)
		rc = fx_run(f, lifecycle_apply, run, e);
	return rc;
}

static int
change_ok(struct fx *f, int kind, int op, const char *id)
{
	struct lifecycle_run run;
	struct err e;
	int rc = change(f, kind, op, id, &run, &e);

	lifecycle_run_cleanup(&run);
	return rc;
}

/* standing_refuses for engineer id (and device): its why, or NULL. */
static const char *
why_refused(struct fx *f, const char *id, const char *device)
{
	struct store_conn *c = fx_reader(f);
	struct rec_engineer en;
	const char *why = NULL;
	struct err e;

	err_init(&e);
	assert_int_equal(f->ops->engineer_get(c, id, &en, &e), 0);
	rec_engineer_wipe(&en);
	assert_int_not_equal(standing_refuses(c, f->ops, &en, device, &why,
	    &e), -1);
	store_reader_put(f->s, c);
	return why;
}

static int
status_of(struct fx *f, const char *id)
{
	struct store_conn *c = fx_reader(f);
	struct rec_engineer en;
	struct err e;

	err_init(&e);
	assert_int_equal(f->ops->engineer_get(c, id, &en, &e), 0);
	rec_engineer_wipe(&en);
	store_reader_put(f->s, c);
	return en.status;
}

static void
suspend_and_resume_move_status_and_standing(void **state)
{
	struct fx *f = *state;

	assert_null(why_refused(f, "eng_a1", ""));
	assert_int_equal(change_ok(f, LIFECYCLE_ENGINEER, LIFECYCLE_SUSPEND,
	    "eng_a1"), 0);
	assert_int_equal(status_of(f, "eng_a1"), STATUS_SUSPENDED);
	assert_string_equal(why_refused(f, "eng_a1", ""),
	    "engineer_inactive");
	assert_null(why_refused(f, "eng_a2", ""));
	assert_int_equal(change_ok(f, LIFECYCLE_ENGINEER, LIFECYCLE_RESUME,
	    "eng_a1"), 0);
	assert_int_equal(status_of(f, "eng_a1"), STATUS_ACTIVE);
	assert_null(why_refused(f, "eng_a1", ""));
}

static void
suspending_twice_or_resuming_the_active_is_a_409(void **state)
{
	struct fx *f = *state;
	struct lifecycle_run run;
	struct err e;

	assert_int_equal(change(f, LIFECYCLE_ENGINEER, LIFECYCLE_RESUME,
	    "eng_a1", &run, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.reason, "state");
	lifecycle_run_cleanup(&run);
	assert_int_equal(change_ok(f, LIFECYCLE_ENGINEER, LIFECYCLE_SUSPEND,
	    "eng_a1"), 0);
	assert_int_equal(change(f, LIFECYCLE_ENGINEER, LIFECYCLE_SUSPEND,
	    "eng_a1", &run, &e), -1);
	assert_int_equal(e.status, 409);
	lifecycle_run_cleanup(&run);
}

static void
offboarding_is_final(void **state)
{
	struct fx *f = *state;
	struct lifecycle_run run;
	struct err e;
	int op;

	assert_int_equal(change_ok(f, LIFECYCLE_ENGINEER, LIFECYCLE_OFFBOARD,
	    "eng_a1"), 0);
	assert_int_equal(status_of(f, "eng_a1"), STATUS_OFFBOARDED);
	for (op = 0; op < LIFECYCLE_OP_COUNT; op++) {
		assert_int_equal(change(f, LIFECYCLE_ENGINEER, op, "eng_a1",
		    &run, &e), -1);
		assert_int_equal(e.status, 409);
		assert_string_equal(e.reason, "offboarded");
		lifecycle_run_cleanup(&run);
	}
}

static void
a_vendors_suspension_refuses_its_engineers_only(void **state)
{
	struct fx *f = *state;

	assert_int_equal(change_ok(f, LIFECYCLE_VENDOR, LIFECYCLE_SUSPEND,
	    "ven_a"), 0);
	assert_string_equal(why_refused(f, "eng_a1", ""), "vendor_inactive");
	assert_string_equal(why_refused(f, "eng_a2", ""), "vendor_inactive");
	assert_int_equal(status_of(f, "eng_a1"), STATUS_ACTIVE);
	assert_null(why_refused(f, "eng_b1", ""));
	assert_int_equal(change_ok(f, LIFECYCLE_VENDOR, LIFECYCLE_RESUME,
	    "ven_a"), 0);
	assert_null(why_refused(f, "eng_a1", ""));
}

static void
a_vendors_offboarding_offboards_each_engineer(void **state)
{
	struct fx *f = *state;
	struct lifecycle_run run;
	struct event ev;
	struct err e;

	event_init(&ev);
	assert_int_equal(change(f, LIFECYCLE_VENDOR, LIFECYCLE_OFFBOARD,
	    "ven_a", &run, &e), 0);
	assert_int_equal(run.engineers_offboarded, 2);
	lifecycle_detail(&run, &ev);
	assert_string_equal(fx_detail(&ev, "engineers_offboarded"), "2");
	assert_string_equal(fx_detail(&ev, "from"), "active");
	lifecycle_run_cleanup(&run);
	event_cleanup(&ev);
	assert_int_equal(status_of(f, "eng_a1"), STATUS_OFFBOARDED);
	assert_int_equal(status_of(f, "eng_a2"), STATUS_OFFBOARDED);
	assert_int_equal(status_of(f, "eng_b1"), STATUS_ACTIVE);
}

static void
an_offboarding_meanwhile_wins(void **state)
{
	struct fx *f = *state;
	struct lifecycle_run run;
	struct store_conn *c = fx_reader(f);
	struct err e;

	err_init(&e);
	assert_int_equal(lifecycle_prepare(&run, c, f->ops, LIFECYCLE_ENGINEER,
	    LIFECYCLE_SUSPEND, "eng_a1", "a reason", FX_NOW, &e), 0);
	store_reader_put(f->s, c);
	assert_int_equal(change_ok(f, LIFECYCLE_ENGINEER, LIFECYCLE_OFFBOARD,
	    "eng_a1"), 0);
	assert_int_equal(fx_run(f, lifecycle_apply, &run, &e), 1);
	lifecycle_run_cleanup(&run);
	assert_int_equal(status_of(f, "eng_a1"), STATUS_OFFBOARDED);
}

static void
a_revoked_device_is_refused_and_revoked_once(void **state)
{
	struct fx *f = *state;
	struct device_revoke r;
	struct rec_device d;
	struct err e;

	memset(&d, 0, sizeof(d));
	str_copy(d.id, sizeof(d.id), "dev_a1");
	str_copy(d.engineer_id, sizeof(d.engineer_id), "eng_a1");
	str_copy(d.name, sizeof(d.name), "laptop");
	d.created = FX_NOW - 60;
	fx_put(f, fx_put_device, &d);
	assert_null(why_refused(f, "eng_a1", "dev_a1"));
	memset(&r, 0, sizeof(r));
	str_copy(r.id, sizeof(r.id), "dev_a1");
	r.now = FX_NOW;
	assert_int_equal(fx_run(f, lifecycle_device_revoke, &r, &e), 0);
	assert_string_equal(why_refused(f, "eng_a1", "dev_a1"),
	    "device_revoked");
	assert_null(why_refused(f, "eng_a1", ""));
	assert_int_equal(fx_run(f, lifecycle_device_revoke, &r, &e), 1);
}

static void
an_unknown_account_is_a_404(void **state)
{
	struct fx *f = *state;
	struct lifecycle_run run;
	struct err e;

	assert_int_equal(change(f, LIFECYCLE_ENGINEER, LIFECYCLE_SUSPEND,
	    "eng_nobody", &run, &e), -1);
	assert_int_equal(e.status, 404);
	lifecycle_run_cleanup(&run);
	assert_int_equal(change(f, LIFECYCLE_VENDOR, LIFECYCLE_OFFBOARD,
	    "ven_nobody", &run, &e), -1);
	assert_int_equal(e.status, 404);
	lifecycle_run_cleanup(&run);
}

/* A status column holding a value past the names (a damaged or newer
 * database) names no memory past the table: it reads as suspended. */
static void
a_status_out_of_range_is_named_suspended(void **state)
{
	(void)state;
	assert_string_equal(lifecycle_status_name(STATUS_ACTIVE), "active");
	assert_string_equal(lifecycle_status_name(STATUS_OFFBOARDED),
	    "offboarded");
	assert_string_equal(lifecycle_status_name(3), "suspended");
	assert_string_equal(lifecycle_status_name(-1), "suspended");
	assert_string_equal(lifecycle_status_name(1 << 30), "suspended");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(suspend_and_resume_move_status_and_standing),
		T(suspending_twice_or_resuming_the_active_is_a_409),
		T(offboarding_is_final),
		T(a_vendors_suspension_refuses_its_engineers_only),
		T(a_vendors_offboarding_offboards_each_engineer),
		T(an_offboarding_meanwhile_wins),
		T(a_revoked_device_is_refused_and_revoked_once),
		T(an_unknown_account_is_a_404),
		cmocka_unit_test(a_status_out_of_range_is_named_suspended),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
