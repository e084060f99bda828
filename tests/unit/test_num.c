/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/num: the one integer parser takes a whole decimal
 * string within [min, max] and refuses everything else without touching
 * its output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/num.h"

#define UNTOUCHED INT64_C(0x5a5a5a5a)

/* Parses s; asserts it fails and leaves out alone. */
static void
refuse(const char *s, int64_t min, int64_t max)
{
	int64_t v = UNTOUCHED;

	if (num_parse_i64(&v, s, min, max) != -1)
		fail_msg("'%s' in [%lld, %lld] was accepted as %lld", s,
		    (long long)min, (long long)max, (long long)v);
	assert_true(v == UNTOUCHED);
}

static int64_t
take(const char *s, int64_t min, int64_t max)
{
	int64_t v = UNTOUCHED;

	if (num_parse_i64(&v, s, min, max) != 0)
		fail_msg("'%s' in [%lld, %lld] was refused", s,
		    (long long)min, (long long)max);
	return v;
}

static void
values_inside_range_parse_including_bounds(void **state)
{
	assert_true(take("0", 0, 10) == 0);
	assert_true(take("10", 0, 10) == 10);
	assert_true(take("7", 0, 10) == 7);
	assert_true(take("65535", 0, 65535) == 65535);
	assert_true(take("-5", -10, 10) == -5);
	assert_true(take("-10", -10, 10) == -10);
	assert_true(take("007", 0, 10) == 7);
}

static void
values_outside_range_are_refused(void **state)
{
	refuse("11", 0, 10);
	refuse("65536", 0, 65535);
	refuse("-1", 0, 10);
	refuse("-11", -10, 10);
	refuse("0", 1, 10);
}

static void
int64_limits_parse_and_one_past_them_overflows(void **state)
{
	assert_true(take("9223372036854775807", INT64_MIN, INT64_MAX) ==
	    INT64_MAX);
	assert_true(take("-9223372036854775808", INT64_MIN, INT64_MAX) ==
	    INT64_MIN);
	refuse("9223372036854775808", INT64_MIN, INT64_MAX);
	refuse("-9223372036854775809", INT64_MIN, INT64_MAX);
	refuse("18446744073709551616", INT64_MIN, INT64_MAX);
	refuse("99999999999999999999999999999", INT64_MIN, INT64_MAX);
	refuse("-99999999999999999999999999999", INT64_MIN, INT64_MAX);
	/* Wrapping to a small value must not sneak into a range. */
	refuse("18446744073709551617", 0, 10);
}

static void
signs_other_than_one_leading_minus_are_refused(void **state)
{
	assert_true(take("-0", -10, 10) == 0);
	refuse("-", -10, 10);
	refuse("--5", -10, 10);
	refuse("5-", -10, 10);
	refuse("+-5", -10, 10);
	refuse("-+5", -10, 10);
	refuse("1-2", -10, 10);
}

static void
junk_and_whitespace_are_refused(void **state)
{
	static const char *const junk[] = {
		"", " 5", "5 ", "\t5", "5\n", "5a", "a5", "0x10", "1e3",
		"1.0", "1,000", "1_000", "\xef\xbc\x95" /* fullwidth 5 */,
		"NaN", "inf",
	};
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		refuse(junk[i], INT64_MIN, INT64_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_inside_range_parse_including_bounds),
		cmocka_unit_test(values_outside_range_are_refused),
		cmocka_unit_test(
		    int64_limits_parse_and_one_past_them_overflows),
		cmocka_unit_test(
		    signs_other_than_one_leading_minus_are_refused),
		cmocka_unit_test(junk_and_whitespace_are_refused),
	};

	return cmocka_run_group_tests_name("unit.num", tests, NULL, NULL);
}
