/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of common/str: copies report truncation and never overrun,
 * the UTF-8 check refuses everything but clean, shortest-form, non-control
 * text, and e-mail addresses are masked and validated as documented.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/str.h"

static void
copy_that_fits_is_exact(void **state)
{
	char dst[6];

	assert_int_equal(str_copy(dst, sizeof(dst), "abc"), 0);
	assert_string_equal(dst, "abc");
	assert_int_equal(str_copy(dst, sizeof(dst), "abcde"), 0);
	assert_string_equal(dst, "abcde");
	assert_int_equal(str_copy(dst, sizeof(dst), ""), 0);
	assert_string_equal(dst, "");
}

static void
copy_too_long_truncates_terminates_and_fails(void **state)
{
	char dst[8];

	memset(dst, 'Z', sizeof(dst));
	/* "abcdef" + canary: the canary byte must not be written. */
	assert_int_equal(str_copy(dst, 6, "abcdefgh"), -1);
	assert_string_equal(dst, "abcde");
	assert_int_equal(dst[6], 'Z');
	assert_int_equal(str_copy(dst, 6, "abcdef"), -1);
	assert_string_equal(dst, "abcde");
	assert_int_equal(str_copy(dst, 1, "x"), -1);
	assert_string_equal(dst, "");
}

static void
copy_into_zero_sized_buffer_fails_without_writing(void **state)
{
	char dst[2] = {'Q', 'Q'};

	assert_int_equal(str_copy(dst, 0, "x"), -1);
	assert_int_equal(dst[0], 'Q');
}

static void
printf_reports_truncation(void **state)
{
	char dst[8];

	assert_int_equal(str_printf(dst, sizeof(dst), "%d-%s", 12, "ab"), 0);
	assert_string_equal(dst, "12-ab");
	assert_int_equal(str_printf(dst, sizeof(dst), "%s", "1234567"), 0);
	assert_int_equal(str_printf(dst, sizeof(dst), "%s", "12345678"), -1);
	assert_string_equal(dst, "1234567");
}

#define CLEAN(lit) str_is_clean_utf8((lit), sizeof(lit) - 1)

static void
clean_utf8_accepts_text_in_every_sequence_length(void **state)
{
	assert_true(CLEAN(""));
	assert_true(CLEAN("plain ASCII ~ text"));
	assert_true(CLEAN("caf\xc3\xa9"));                     /* U+00E9 */
	assert_true(CLEAN("\xc2\xa0"));                        /* U+00A0 */
	assert_true(CLEAN("\xdf\xbf"));                        /* U+07FF */
	assert_true(CLEAN("\xe0\xa0\x80"));                    /* U+0800 */
	assert_true(CLEAN("\xe2\x82\xac"));                    /* U+20AC */
	assert_true(CLEAN("\xed\x9f\xbf"));                    /* U+D7FF */
	assert_true(CLEAN("\xee\x80\x80"));                    /* U+E000 */
	assert_true(CLEAN("\xef\xbf\xbf"));                    /* U+FFFF */
	assert_true(CLEAN("\xf0\x90\x80\x80"));                /* U+10000 */
	assert_true(CLEAN("\xf0\x9f\x98\x80"));                /* U+1F600 */
	assert_true(CLEAN("\xf4\x8f\xbf\xbf"));                /* U+10FFFF */
}

static void
clean_utf8_refuses_ascii_controls_and_del(void **state)
{
	assert_false(CLEAN("a\x01z"));
	assert_false(CLEAN("a\tb"));
	assert_false(CLEAN("a\nb"));
	assert_false(CLEAN("a\rb"));
	assert_false(CLEAN("\x1b[31m"));
	assert_false(CLEAN("a\x7f"));
	assert_false(CLEAN("a\0b"));
}

static void
clean_utf8_refuses_c1_controls(void **state)
{
	assert_false(CLEAN("\xc2\x80"));                       /* U+0080 */
	assert_false(CLEAN("\xc2\x85"));                       /* NEL */
	assert_false(CLEAN("\xc2\x9b"));                       /* CSI */
	assert_false(CLEAN("\xc2\x9f"));                       /* U+009F */
}

static void
clean_utf8_refuses_overlong_forms(void **state)
{
	assert_false(CLEAN("\xc0\xaf"));                       /* '/' */
	assert_false(CLEAN("\xc0\x80"));                       /* NUL */
	assert_false(CLEAN("\xc1\xbf"));
	assert_false(CLEAN("\xe0\x80\xaf"));
	assert_false(CLEAN("\xe0\x9f\xbf"));                   /* U+07FF */
	assert_false(CLEAN("\xf0\x80\x80\xaf"));
	assert_false(CLEAN("\xf0\x8f\xbf\xbf"));               /* U+FFFF */
}

static void
clean_utf8_refuses_surrogates_and_beyond_unicode(void **state)
{
	assert_false(CLEAN("\xed\xa0\x80"));                   /* U+D800 */
	assert_false(CLEAN("\xed\xad\xbf"));                   /* U+DB7F */
	assert_false(CLEAN("\xed\xb0\x80"));                   /* U+DC00 */
	assert_false(CLEAN("\xed\xbf\xbf"));                   /* U+DFFF */
	assert_false(CLEAN("\xf4\x90\x80\x80"));               /* U+110000 */
	assert_false(CLEAN("\xf5\x80\x80\x80"));
	assert_false(CLEAN("\xf8\x88\x80\x80\x80"));
	assert_false(CLEAN("\xff"));
	assert_false(CLEAN("\xfe"));
}

static void
clean_utf8_refuses_truncated_and_stray_bytes(void **state)
{
	assert_false(CLEAN("\x80"));
	assert_false(CLEAN("a\xbf"));
	assert_false(CLEAN("\xc3"));
	assert_false(CLEAN("\xc3("));
	assert_false(CLEAN("\xe2\x82"));
	assert_false(CLEAN("\xe2\x82("));
	assert_false(CLEAN("\xf0\x9f\x98"));
	/* A sequence cut by the length given must not be read past it. */
	assert_false(str_is_clean_utf8("\xe2\x82\xac", 2));
	assert_true(str_is_clean_utf8("ab\x01", 2));
}

static void
mask_email_keeps_first_letters_and_top_level_domain(void **state)
{
	char out[64];

	str_mask_email(out, sizeof(out), "john.smith@example.com");
	assert_string_equal(out, "j***@e***.com");
	str_mask_email(out, sizeof(out), "a@b.co.uk");
	assert_string_equal(out, "a***@b***.uk");
	str_mask_email(out, sizeof(out), "root@localhost");
	assert_string_equal(out, "r***@l***");
	str_mask_email(out, sizeof(out), "not-an-address");
	assert_string_equal(out, "***");
}

static void
mask_email_never_shows_more_than_first_letters(void **state)
{
	char out[64];

	str_mask_email(out, sizeof(out), "secretname@hiddencorp.org");
	assert_null(strstr(out, "ecret"));
	assert_null(strstr(out, "iddencorp"));
}

static void
mask_email_truncates_into_small_buffers(void **state)
{
	char out[8];

	memset(out, 'Z', sizeof(out));
	str_mask_email(out, 6, "john@example.com");
	assert_int_equal(strlen(out), 5);
	assert_int_equal(out[6], 'Z');
}

static void
email_validation_accepts_deliverable_addresses(void **state)
{
	assert_true(str_is_email("a@b.c"));
	assert_true(str_is_email("first.last+tag@example.co.uk"));
	assert_true(str_is_email("x_y-z@sub.example.com"));
}

static void
email_validation_refuses_malformed_and_header_breaking(void **state)
{
	static const char *const bad[] = {
		"", "abc", "@b.c", "a@", "a@b", "a@@b.c", "a@b@c.d", "a@.b",
		"a.b@c", "a@b.c.", "a b@c.d", "<a@b.c>", "a,b@c.d",
		"a;b@c.d", "a\"b@c.d", "a\\b@c.d", "a@b.c\r\nBcc: x@y.z",
		"a@b.c\n", "a\x7f@b.c",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (str_is_email(bad[i]))
			fail_msg("'%s' was taken for an e-mail address",
			    bad[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_that_fits_is_exact),
		cmocka_unit_test(copy_too_long_truncates_terminates_and_fails),
		cmocka_unit_test(
		    copy_into_zero_sized_buffer_fails_without_writing),
		cmocka_unit_test(printf_reports_truncation),
		cmocka_unit_test(
		    clean_utf8_accepts_text_in_every_sequence_length),
		cmocka_unit_test(clean_utf8_refuses_ascii_controls_and_del),
		cmocka_unit_test(clean_utf8_refuses_c1_controls),
		cmocka_unit_test(clean_utf8_refuses_overlong_forms),
		cmocka_unit_test(
		    clean_utf8_refuses_surrogates_and_beyond_unicode),
		cmocka_unit_test(clean_utf8_refuses_truncated_and_stray_bytes),
		cmocka_unit_test(
		    mask_email_keeps_first_letters_and_top_level_domain),
		cmocka_unit_test(mask_email_never_shows_more_than_first_letters),
		cmocka_unit_test(mask_email_truncates_into_small_buffers),
		cmocka_unit_test(email_validation_accepts_deliverable_addresses),
		cmocka_unit_test(
		    email_validation_refuses_malformed_and_header_breaking),
	};

	return cmocka_run_group_tests_name("unit.str", tests, NULL, NULL);
}
