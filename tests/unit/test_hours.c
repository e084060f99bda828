/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of detect/hours: the working-hours text an operator declares
 * per engineer, and whether a moment falls inside it -- across weekdays,
 * UTC offsets and night shifts that cross midnight.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "detect/hours.h"

/* 2022-01-17 was a Monday; 00:00 UTC. */
#define MONDAY 1642377600LL
#define DAY 86400LL
#define H(x) ((int64_t)(x) * 3600)

static struct hours
parse_ok(const char *text)
{
	struct hours h;
	struct err e;

	err_init(&e);
	assert_int_equal(hours_parse(&h, text, &e), 0);
	return h;
}

static void
office_hours_cover_weekdays_only(void **state)
{
	struct hours h = parse_ok("mon-fri 08:00-18:00");

	(void)state;
	assert_true(hours_contain(&h, MONDAY + H(8)));
	assert_true(hours_contain(&h, MONDAY + 4 * DAY + H(17) + 3599));
	assert_false(hours_contain(&h, MONDAY + H(18)));
	assert_false(hours_contain(&h, MONDAY + H(7) + 3599));
	assert_false(hours_contain(&h, MONDAY + 5 * DAY + H(10)));   /* Sat */
	assert_false(hours_contain(&h, MONDAY + 6 * DAY + H(10)));   /* Sun */
}

static void
an_offset_shifts_the_day(void **state)
{
	/* 08:00-18:00 at +01:00 is 07:00-17:00 UTC. */
	struct hours h = parse_ok("mon-fri 08:00-18:00 +01:00");
	struct hours w = parse_ok("daily 09:00-17:00 -05:30");

	(void)state;
	assert_true(hours_contain(&h, MONDAY + H(7)));
	assert_false(hours_contain(&h, MONDAY + H(17)));
	/* Sunday 23:30 UTC is Monday 00:30 at +01:00: before the shift. */
	assert_false(hours_contain(&h, MONDAY - 1800));
	assert_true(hours_contain(&w, MONDAY + H(14) + 1800));
	assert_false(hours_contain(&w, MONDAY + H(14)));
}

static void
a_night_shift_belongs_to_the_day_it_starts(void **state)
{
	struct hours h = parse_ok("fri 22:00-06:00");

	(void)state;
	assert_true(hours_contain(&h, MONDAY + 4 * DAY + H(23)));    /* Fri */
	assert_true(hours_contain(&h, MONDAY + 5 * DAY + H(5)));     /* Sat */
	assert_false(hours_contain(&h, MONDAY + 5 * DAY + H(6)));
	assert_false(hours_contain(&h, MONDAY + 5 * DAY + H(23)));   /* Sat */
	assert_false(hours_contain(&h, MONDAY + 4 * DAY + H(5)));    /* Fri */
}

static void
lists_ranges_and_wraps_parse(void **state)
{
	struct hours h;

	(void)state;
	h = parse_ok("mon,wed,sun 00:00-24:00 Z");
	assert_int_equal(h.days, (1u << 0) | (1u << 2) | (1u << 6));
	h = parse_ok("sat-mon 10:00-11:00");
	assert_int_equal(h.days, (1u << 5) | (1u << 6) | (1u << 0));
	h = parse_ok("daily 00:00-23:59 +14:00");
	assert_int_equal(h.days, 0x7f);
	assert_int_equal(h.offset, 14 * 60);
}

static void
malformed_text_is_refused_naming_the_field(void **state)
{
	static const char *const bad[] = {"", "mon-fri", "mon-fri 8:00-18:00",
	    "mon-fri 08:00-18:00 +1", "mon-fry 08:00-18:00", "mon,",
	    "mon-fri 08:00-08:00", "mon-fri 24:00-08:00", "mon-fri 08:60-09:00",
	    "mon-fri 08:00-18:00 +15:00", "mon-fri 08:00-18:00x",
	    "mon-fri  08:00-18:00", "mon,,tue 08:00-18:00",
	    "mon-fri 08:00-18:00 +01:00 extra", NULL};
	struct hours h;
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		err_init(&e);
		assert_int_equal(hours_parse(&h, bad[i], &e), -1);
		assert_int_equal(e.status, 400);
		assert_non_null(strstr(e.msg, "working_hours"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(office_hours_cover_weekdays_only),
		cmocka_unit_test(an_offset_shifts_the_day),
		cmocka_unit_test(a_night_shift_belongs_to_the_day_it_starts),
		cmocka_unit_test(lists_ranges_and_wraps_parse),
		cmocka_unit_test(malformed_text_is_refused_naming_the_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
