/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/totp: the RFC 6238 appendix B SHA-1 vectors (secret
 * "12345678901234567890", 6-digit truncations of the published 8-digit
 * codes), a window of one step either side, a step at or below last_step
 * reported as a replay (1), refusal of anything but six digits, and base32
 * secrets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth/totp.h"

static const char rfc_secret[] = "12345678901234567890";

/* RFC 6238 appendix B, SHA-1 column: T and the last 6 of 8 digits. */
static const struct {
	int64_t t;
	const char *code;
} rfc_vectors[] = {
	{59, "287082"},                 /* 94287082 */
	{1111111109, "081804"},         /* 07081804 */
	{1111111111, "050471"},         /* 14050471 */
	{1234567890, "005924"},         /* 89005924 */
	{2000000000, "279037"},         /* 69279037 */
	{INT64_C(20000000000), "353130"}, /* 65353130 */
};

static void
rfc_totp(struct rec_totp *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->secret, rfc_secret, 20);
	t->len = 20;
}

static int
setup(void **state)
{
	return totp_setup();
}

static void
rfc6238_sha1_vectors_generate(void **state)
{
	struct rec_totp t;
	char code[8];
	size_t i;

	rfc_totp(&t);
	for (i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
		assert_int_equal(totp_code(code, &t, rfc_vectors[i].t), 0);
		assert_string_equal(code, rfc_vectors[i].code);
	}
}

static void
rfc6238_sha1_vectors_verify_at_their_step(void **state)
{
	struct rec_totp t;
	int64_t step;
	size_t i;

	rfc_totp(&t);
	for (i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
		step = -1;
		assert_int_equal(totp_check(&t, rfc_vectors[i].code,
		    rfc_vectors[i].t, &step), 0);
		assert_true(step == rfc_vectors[i].t / 30);
	}
}

static void
window_is_one_step_either_side(void **state)
{
	const int64_t now = 1234567890;         /* step 41152263 */
	struct rec_totp t;
	char prev2[8], prev[8], next[8], next2[8];
	int64_t step;

	rfc_totp(&t);
	assert_int_equal(totp_code(prev2, &t, now - 60), 0);
	assert_int_equal(totp_code(prev, &t, now - 30), 0);
	assert_int_equal(totp_code(next, &t, now + 30), 0);
	assert_int_equal(totp_code(next2, &t, now + 60), 0);

	assert_int_equal(totp_check(&t, prev, now, &step), 0);
	assert_true(step == now / 30 - 1);
	assert_int_equal(totp_check(&t, next, now, &step), 0);
	assert_true(step == now / 30 + 1);
	assert_int_equal(totp_check(&t, prev2, now, &step), -1);
	assert_int_equal(totp_check(&t, next2, now, &step), -1);
}

static void
code_at_or_before_last_step_is_refused(void **state)
{
	const int64_t now = 1111111111;         /* step 37037037 */
	struct rec_totp t;
	char prev[8];
	int64_t step;

	rfc_totp(&t);
	assert_int_equal(totp_check(&t, "050471", now, &step), 0);
	/* The caller records the step; the same code is then a replay. */
	t.last_step = step;
	step = -1;
	assert_int_equal(totp_check(&t, "050471", now, &step), 1);
	assert_true(step == now / 30);
	/* And so is an older code still inside the window. */
	assert_int_equal(totp_code(prev, &t, now - 30), 0);
	assert_int_equal(totp_check(&t, prev, now, &step), 1);
	/* A wrong code is no match at all, replay or not. */
	assert_int_equal(totp_check(&t, "050472", now, &step), -1);
	/* One step before: the code is fresh again. */
	t.last_step = now / 30 - 1;
	assert_int_equal(totp_check(&t, "050471", now, &step), 0);
	assert_true(step == now / 30);
}

static void
anything_but_six_digits_is_refused(void **state)
{
	static const char *const bad[] = {
		"", "28708", "2870822", "94287082", "28708a", "a87082",
		" 87082", "28708 ", "+87082", "-87082", "2870.2", "28\x00" "082",
		"\xef\xbc\x92" "87082", "287082\n",
	};
	struct rec_totp t;
	int64_t step = 42;
	size_t i;

	rfc_totp(&t);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (totp_check(&t, bad[i], 59, &step) != -1)
			fail_msg("'%s' was accepted", bad[i]);
	assert_true(step == 42);
	/* The right code, as the control. */
	assert_int_equal(totp_check(&t, "287082", 59, &step), 0);
}

static void
no_secret_accepts_nothing(void **state)
{
	struct rec_totp t;
	int64_t step;

	memset(&t, 0, sizeof(t));
	assert_int_equal(totp_check(&t, "328482", 59, &step), -1);
}

static void
wrong_code_is_refused(void **state)
{
	struct rec_totp t;
	int64_t step;

	rfc_totp(&t);
	assert_int_equal(totp_check(&t, "287083", 59, &step), -1);
	assert_int_equal(totp_check(&t, "000000", 59, &step), -1);
}

static void
base32_decodes_any_case_with_spaces_and_padding(void **state)
{
	static const char *const forms[] = {
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ========",
	};
	struct rec_totp t;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		err_init(&e);
		assert_int_equal(totp_from_base32(&t, forms[i], "totp_secret",
		    &e), 0);
		assert_int_equal(t.len, 20);
		assert_memory_equal(t.secret, rfc_secret, 20);
		assert_true(t.last_step == 0);
	}
}

static void
base32_without_padding_of_odd_lengths_decodes(void **state)
{
	static const uint8_t sixteen[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 13, 14, 15};
	struct rec_totp t;
	struct err e;

	err_init(&e);
	assert_int_equal(totp_from_base32(&t, "JBSWY3DPEHPK3PXP", "s", &e), 0);
	assert_int_equal(t.len, 10);
	assert_memory_equal(t.secret, "Hello!\xde\xad\xbe\xef", 10);
	err_init(&e);
	assert_int_equal(totp_from_base32(&t, "AAAQEAYEAUDAOCAJBIFQYDIOB4",
	    "s", &e), 0);
	assert_int_equal(t.len, 16);
	assert_memory_equal(t.secret, sixteen, 16);
}

static void
base32_refusals_name_the_field(void **state)
{
	static const char *const bad[] = {
		"GEZDGNBVGY3TQOJ1",             /* '1' is not base32 */
		"GEZDGNBVGY3TQOJ0",
		"GEZDGNBVGY3TQOJ8",
		"GEZDGNBV-GY3TQOJQ",
		"GEZDGNBV\tGY3TQOJQ",
		"GEZDGNBV",                     /* 5 bytes: too short */
		"",
	};
	struct rec_totp t;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		if (totp_from_base32(&t, bad[i], "totp_secret", &e) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(e.status, 400);
		assert_non_null(strstr(e.msg, "field 'totp_secret'"));
		assert_int_equal(t.len, 0);
	}
}

static void
base32_longer_than_limits_is_refused(void **state)
{
	char b32[300];
	struct rec_totp t;
	struct err e;

	/* 104 characters: 65 bytes, one more than REC_TOTP_MAX. */
	memset(b32, 'A', 104);
	b32[104] = '\0';
	err_init(&e);
	assert_int_equal(totp_from_base32(&t, b32, "totp_secret", &e), -1);
	assert_non_null(strstr(e.msg, "field 'totp_secret'"));
	/* 96 characters: 60 bytes, accepted. */
	b32[96] = '\0';
	err_init(&e);
	assert_int_equal(totp_from_base32(&t, b32, "totp_secret", &e), 0);
	assert_int_equal(t.len, 60);
	/* Past TOTP_B32_MAX characters, even if spaces pad it out. */
	memset(b32, 'A', 200);
	b32[200] = '\0';
	err_init(&e);
	assert_int_equal(totp_from_base32(&t, b32, "totp_secret", &e), -1);
	assert_non_null(strstr(e.msg, "field 'totp_secret'"));
}

static void
uri_carries_unpadded_secret_and_escaped_labels(void **state)
{
	struct rec_totp t;
	char uri[512];

	rfc_totp(&t);
	assert_int_equal(totp_uri(uri, sizeof(uri), &t, "Acme Corp",
	    "ann&bob"), 0);
	assert_string_equal(uri, "otpauth://totp/Acme%20Corp:ann%26bob?"
	    "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Corp"
	    "&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(totp_uri(uri, 40, &t, "Acme", "ann"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_sha1_vectors_generate),
		cmocka_unit_test(rfc6238_sha1_vectors_verify_at_their_step),
		cmocka_unit_test(window_is_one_step_either_side),
		cmocka_unit_test(code_at_or_before_last_step_is_refused),
		cmocka_unit_test(anything_but_six_digits_is_refused),
		cmocka_unit_test(no_secret_accepts_nothing),
		cmocka_unit_test(wrong_code_is_refused),
		cmocka_unit_test(
		    base32_decodes_any_case_with_spaces_and_padding),
		cmocka_unit_test(base32_without_padding_of_odd_lengths_decodes),
		cmocka_unit_test(base32_refusals_name_the_field),
		cmocka_unit_test(base32_longer_than_limits_is_refused),
		cmocka_unit_test(uri_carries_unpadded_secret_and_escaped_labels),
	};

	return cmocka_run_group_tests_name("unit.totp", tests, setup, NULL);
}
