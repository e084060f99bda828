/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/clock: RFC 3339 formatting and parsing agree with
 * each other and with known instants, offsets move the instant, leap days
 * follow the Gregorian rule, malformed dates are refused, and the test
 * clock file is read as documented.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/clock.h"

static int64_t
parse_ok(const char *s)
{
	int64_t t = 0;

	if (time_parse(&t, s) != 0)
		fail_msg("'%s' was refused", s);
	return t;
}

static void
refuse(const char *s)
{
	int64_t t = 12345;

	if (time_parse(&t, s) != -1)
		fail_msg("'%s' was accepted as %lld", s, (long long)t);
	assert_true(t == 12345);
}

static void
format_gives_known_instants(void **state)
{
	char out[RFC3339_LEN];

	time_format(out, 0);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	time_format(out, 1642773780);
	assert_string_equal(out, "2022-01-21T14:03:00Z");
	time_format(out, 951782400);
	assert_string_equal(out, "2000-02-29T00:00:00Z");
	time_format(out, INT64_C(253402300799));
	assert_string_equal(out, "9999-12-31T23:59:59Z");
}

static void
parse_gives_known_instants(void **state)
{
	assert_true(parse_ok("1970-01-01T00:00:00Z") == 0);
	assert_true(parse_ok("2022-01-21T14:03:00Z") == 1642773780);
	assert_true(parse_ok("2022-01-16T00:00:00Z") == 1642291200);
	assert_true(parse_ok("9999-12-31T23:59:59Z") ==
	    INT64_C(253402300799));
	assert_true(parse_ok("1969-12-31T23:59:59Z") == -1);
}

static void
format_then_parse_round_trips(void **state)
{
	static const int64_t times[] = {
		0, 1, 59, 86399, 86400, 951782400, 951868799, 1111111109,
		1234567890, 1642773780, 1709164800, 2000000000,
		INT64_C(4102444800), INT64_C(253402300799),
	};
	char out[RFC3339_LEN];
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		time_format(out, times[i]);
		if (parse_ok(out) != times[i])
			fail_msg("%lld -> '%s' -> %lld", (long long)times[i],
			    out, (long long)parse_ok(out));
	}
}

static void
offsets_and_fractions_name_the_same_instant(void **state)
{
	const int64_t t = 1642773780;   /* 2022-01-21T14:03:00Z */

	assert_true(parse_ok("2022-01-21T16:03:00+02:00") == t);
	assert_true(parse_ok("2022-01-21T08:33:00-05:30") == t);
	assert_true(parse_ok("2022-01-21T14:03:00+00:00") == t);
	assert_true(parse_ok("2022-01-21T14:03:00-00:00") == t);
	assert_true(parse_ok("2022-01-22T03:48:00+13:45") == t);
	assert_true(parse_ok("2022-01-21t14:03:00z") == t);
	assert_true(parse_ok("2022-01-21T14:03:00.999Z") == t);
	assert_true(parse_ok("2022-01-21T14:03:00.000000001+00:00") == t);
	/* An offset can cross midnight and the year. */
	assert_true(parse_ok("2021-12-31T23:00:00-01:00") ==
	    parse_ok("2022-01-01T00:00:00Z"));
}

static void
leap_days_follow_the_gregorian_rule(void **state)
{
	assert_true(parse_ok("2024-02-29T00:00:00Z") == 1709164800);
	assert_true(parse_ok("2000-02-29T12:00:00Z") == 951825600);
	assert_true(parse_ok("2024-03-01T00:00:00Z") -
	    parse_ok("2024-02-28T00:00:00Z") == 2 * 86400);
	assert_true(parse_ok("2023-03-01T00:00:00Z") -
	    parse_ok("2023-02-28T00:00:00Z") == 86400);
	refuse("2023-02-29T00:00:00Z");
	refuse("1900-02-29T00:00:00Z");
	refuse("2100-02-29T00:00:00Z");
	refuse("2024-02-30T00:00:00Z");
}

static void
leap_second_is_taken_as_the_second_before(void **state)
{
	assert_true(parse_ok("2016-12-31T23:59:60Z") ==
	    parse_ok("2016-12-31T23:59:59Z"));
}

static void
invalid_dates_and_times_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "2022", "2022-01-21", "2022-01-21T14:03:00",
		"2022-01-21T14:03Z", "2022-00-21T14:03:00Z",
		"2022-13-21T14:03:00Z", "2022-01-00T14:03:00Z",
		"2022-01-32T14:03:00Z", "2022-04-31T14:03:00Z",
		"2022-06-31T00:00:00Z", "2022-01-21T24:00:00Z",
		"2022-01-21T14:60:00Z", "2022-01-21T14:03:61Z",
		"2022-01-21 14:03:00Z", "2022-01-21T14:03:00Z ",
		" 2022-01-21T14:03:00Z", "2022-01-21T14:03:00ZZ",
		"2022-1-21T14:03:00Z", "22-01-21T14:03:00Z",
		"2022/01/21T14:03:00Z", "2022-01-21T14.03.00Z",
		"2022-01-21T14:03:00.Z", "2022-01-21T14:03:00.5",
		"2022-01-21T14:03:00+0200", "2022-01-21T14:03:00+02",
		"2022-01-21T14:03:00+24:00", "2022-01-21T14:03:00+02:60",
		"2022-01-21T14:03:00+02:00x", "2022-01-21T14:03:00UTC",
		"+022-01-21T14:03:00Z", "2022-0a-21T14:03:00Z",
		"2022-01-21T-4:03:00Z",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refuse(bad[i]);
}

static void
test_clock_file_gives_seconds_and_milliseconds(void **state)
{
	char path[] = "/tmp/custos-clock-XXXXXX";
	struct clock c;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("1700000000.25\n", f);
	fclose(f);
	c.file = path;
	assert_true(clock_now_ms(&c) == INT64_C(1700000000250));
	assert_true(clock_now(&c) == 1700000000);
	unlink(path);
	/* Without the file: the real clock, which is long past 2022. */
	assert_true(clock_now(&c) > 1642773780);
	c.file = NULL;
	assert_true(clock_now(&c) > 1642773780);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_gives_known_instants),
		cmocka_unit_test(parse_gives_known_instants),
		cmocka_unit_test(format_then_parse_round_trips),
		cmocka_unit_test(offsets_and_fractions_name_the_same_instant),
		cmocka_unit_test(leap_days_follow_the_gregorian_rule),
		cmocka_unit_test(leap_second_is_taken_as_the_second_before),
		cmocka_unit_test(invalid_dates_and_times_are_refused),
		cmocka_unit_test(
		    test_clock_file_gives_seconds_and_milliseconds),
	};

	return cmocka_run_group_tests_name("unit.clock", tests, NULL, NULL);
}
