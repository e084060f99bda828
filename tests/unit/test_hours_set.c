/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of setting an engineer's working hours (detect/hours.c,
 * hours_check and hours_set_apply, without HTTP) on a real SQLite store:
 * the text is checked (empty clears), the writer stores it for the
 * engineer the detection rules then read, and an unknown engineer is a
 * 404 naming them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"
#include "op_fixture.h"
#include "detect/hours.h"

static void
hours_are_checked_and_empty_clears(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(hours_check("mon-fri 08:00-18:00 +01:00", &e), 0);
	assert_int_equal(hours_check("", &e), 0);
	assert_int_equal(hours_check("someday 25:00-26:00", &e), -1);
	assert_int_equal(e.status, 400);
}

static void
hours_are_stored_for_the_engineer(void **state)
{
	struct fx *f = *state;
	struct hours_set h = {"eng_a1", "mon-fri 08:00-18:00 +01:00"};
	struct store_conn *c;
	char got[HOURS_TEXT_MAX + 1];
	struct err e;

	assert_int_equal(fx_run(f, hours_set_apply, &h, &e), 0);
	c = fx_reader(f);
	assert_int_equal(f->ops->engineer_hours_get(c, "eng_a1", got,
	    sizeof(got), &e), 0);
	assert_string_equal(got, "mon-fri 08:00-18:00 +01:00");
	store_reader_put(f->s, c);
	h.text = "";
	assert_int_equal(fx_run(f, hours_set_apply, &h, &e), 0);
	c = fx_reader(f);
	assert_int_equal(f->ops->engineer_hours_get(c, "eng_a1", got,
	    sizeof(got), &e), 0);
	assert_string_equal(got, "");
	store_reader_put(f->s, c);
}

static void
an_unknown_engineer_is_a_404(void **state)
{
	struct fx *f = *state;
	struct hours_set h = {"eng_zz", "daily 09:00-17:00"};
	struct err e;

	assert_int_equal(fx_run(f, hours_set_apply, &h, &e), -1);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.reason, "not_found");
	assert_string_equal(e.msg, "no such engineer: eng_zz");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(hours_are_checked_and_empty_clears),
		T(hours_are_stored_for_the_engineer),
		T(an_unknown_engineer_is_a_404),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
