/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/when: every form the CLI documents gives the
 * instant it names against a fixed now, and everything else is refused
 * with a reason and leaves the output alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/when.h"

/* 2022-01-21T14:03:00Z */
#define NOW INT64_C(1642773780)

static int64_t
ok(const char *s)
{
	const char *why = NULL;
	int64_t t = -7;

	if (when_parse(&t, s, NOW, &why) != 0)
		fail_msg("'%s' was refused: %s", s, why);
	return t;
}

static void
refuse(const char *s)
{
	const char *why = NULL;
	int64_t t = 12345;

	if (when_parse(&t, s, NOW, &why) != -1)
		fail_msg("'%s' was accepted as %lld", s, (long long)t);
	assert_true(t == 12345);
	assert_non_null(why);
	assert_true(strlen(why) > 5);
}

static void
rfc3339_with_z_and_offsets(void **state)
{
	(void)state;
	assert_true(ok("2022-01-21T14:03:00Z") == NOW);
	assert_true(ok("2022-01-21T15:03:00+01:00") == NOW);
	assert_true(ok("2022-01-21T09:03:00-05:00") == NOW);
	assert_true(ok("1970-01-01T00:00:00Z") == 0);
}

static void
a_date_is_midnight_utc(void **state)
{
	(void)state;
	assert_true(ok("2022-01-16") == INT64_C(1642291200));
	assert_true(ok("2000-02-29") == INT64_C(951782400));
	refuse("2001-02-29");
	refuse("2022-13-01");
	refuse("2022-1-16");
	refuse("20220116");
	refuse("2022/01/16");
}

static void
words_count_from_now(void **state)
{
	(void)state;
	assert_true(ok("now") == NOW);
	assert_true(ok("today") == INT64_C(1642723200));
	assert_true(ok("yesterday") == INT64_C(1642723200) - 86400);
	refuse("Now");
	refuse("tomorrow");
	refuse("now ");
}

static void
relative_forms(void **state)
{
	(void)state;
	assert_true(ok("-5d") == NOW - 5 * 86400);
	assert_true(ok("-3h") == NOW - 3 * 3600);
	assert_true(ok("-30m") == NOW - 30 * 60);
	assert_true(ok("-2w") == NOW - 14 * 86400);
	assert_true(ok("+1h") == NOW + 3600);
	assert_true(ok("-45s") == NOW - 45);
	assert_true(ok("-0m") == NOW);
	refuse("5d");           /* a sign is required */
	refuse("-d");
	refuse("-5");
	refuse("-5y");
	refuse("- 5d");
	refuse("-5dd");
	refuse("-1000000d");    /* too many digits */
	refuse("-9999w");       /* more than ten years */
	refuse("--5d");
}

static void
limits_and_junk_are_refused(void **state)
{
	const char *why = NULL;
	char big[WHEN_TEXT_MAX + 2];
	int64_t t = 1;

	(void)state;
	refuse("");
	refuse("soon");
	refuse("2022-01-21 14:03:00");
	refuse("2022-01-21T14:03:00");          /* no zone */
	refuse("1969-12-31T23:59:59Z");
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refuse(big);
	/* Relative times stay within the range, too. */
	assert_int_equal(when_parse(&t, "-1d", 100, &why), -1);
	assert_int_equal(t, 1);
	assert_int_equal(when_parse(&t, "+1d", WHEN_MAX - 10, &why), -1);
	/* why may be NULL. */
	assert_int_equal(when_parse(&t, "x", NOW, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc3339_with_z_and_offsets),
		cmocka_unit_test(a_date_is_midnight_utc),
		cmocka_unit_test(words_count_from_now),
		cmocka_unit_test(relative_forms),
		cmocka_unit_test(limits_and_junk_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
