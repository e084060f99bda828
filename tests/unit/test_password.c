/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/password: Argon2id hashes verify their password and
 * nothing else, an unknown account (no hash) never verifies, only
 * verifiable Argon2id strings count as hashes, and the length policy.
 * The cost is the minimum (password_setup(1, 8192)) so the tests are fast.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "auth/password.h"

static const char pw[] = "correct horse battery staple";

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	return password_setup(1, 8192);
}

static void
hash_verifies_its_password(void **state)
{
	char hash[REC_PWHASH_MAX];

	assert_int_equal(password_hash(hash, pw, strlen(pw)), 0);
	assert_non_null(strstr(hash, "$argon2id$v=19$m=8,t=1,"));
	assert_int_equal(password_verify(hash, pw, strlen(pw)), 0);
	assert_true(password_hash_valid(hash));
}

static void
two_hashes_of_one_password_differ_by_salt(void **state)
{
	char h1[REC_PWHASH_MAX], h2[REC_PWHASH_MAX];

	assert_int_equal(password_hash(h1, pw, strlen(pw)), 0);
	assert_int_equal(password_hash(h2, pw, strlen(pw)), 0);
	assert_string_not_equal(h1, h2);
}

static void
wrong_passwords_do_not_verify(void **state)
{
	static const char *const wrong[] = {
		"correct horse battery stapl", "correct horse battery staplf",
		"correct horse battery staple ", "Correct horse battery staple",
		"", "x",
	};
	char hash[REC_PWHASH_MAX];
	size_t i;

	assert_int_equal(password_hash(hash, pw, strlen(pw)), 0);
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		if (password_verify(hash, wrong[i], strlen(wrong[i])) != -1)
			fail_msg("'%s' verified", wrong[i]);
	/* The length given is what counts, not the NUL. */
	assert_int_equal(password_verify(hash, pw, strlen(pw) - 1), -1);
}

static void
missing_hash_takes_the_dummy_path_and_always_fails(void **state)
{
	assert_int_equal(password_verify(NULL, pw, strlen(pw)), -1);
	assert_int_equal(password_verify("", pw, strlen(pw)), -1);
	/* Not even the dummy hash's own password gets through. */
	assert_int_equal(password_verify(NULL, "custos-dummy-password", 21),
	    -1);
	assert_int_equal(password_verify("", "custos-dummy-password", 21), -1);
}

static void
hash_made_with_another_cost_still_verifies(void **state)
{
	char hash[crypto_pwhash_STRBYTES];

	assert_int_equal(crypto_pwhash_str_alg(hash, pw, strlen(pw), 2,
	    16384, crypto_pwhash_ALG_ARGON2ID13), 0);
	assert_int_equal(password_verify(hash, pw, strlen(pw)), 0);
	assert_true(password_hash_valid(hash));
}

static void
garbage_hash_does_not_verify(void **state)
{
	assert_int_equal(password_verify("$argon2id$v=19$m=8,t=1,p=1$bad$bad",
	    pw, strlen(pw)), -1);
	assert_int_equal(password_verify("plaintext", "plaintext", 9), -1);
}

static void
hash_valid_takes_only_verifiable_argon2id(void **state)
{
	char hash[REC_PWHASH_MAX], cut[REC_PWHASH_MAX], i_hash[128];
	char longer[300];

	assert_int_equal(password_hash(hash, pw, strlen(pw)), 0);
	assert_true(password_hash_valid(hash));

	assert_false(password_hash_valid(""));
	assert_false(password_hash_valid("correct horse"));
	assert_false(password_hash_valid(
	    "$2b$12$abcdefghijklmnopqrstuuF4xGg5TwZ6y7Q8e9r0t1y2u3i4o5p6"));
	assert_int_equal(crypto_pwhash_argon2i_str(i_hash, pw, strlen(pw),
	    crypto_pwhash_argon2i_OPSLIMIT_MIN, 8192), 0);
	assert_false(password_hash_valid(i_hash));
	/* A hash cut short is not one. */
	memcpy(cut, hash, 40);
	cut[40] = '\0';
	assert_false(password_hash_valid(cut));
	assert_false(password_hash_valid("$argon2id$v=19$m=garbage"));
	/* Longer than the column can hold. */
	memset(longer, 'A', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, hash, strlen(hash));
	assert_false(password_hash_valid(longer));
}

static void
acceptable_lengths_are_12_to_256_bytes(void **state)
{
	char p[300];
	struct err e;

	memset(p, 'p', sizeof(p));
	err_init(&e);
	assert_int_equal(password_acceptable(p, 11, "password", &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "field 'password' must be 12 to 256"));
	assert_int_equal(password_acceptable(p, 12, "password", &e), 0);
	assert_int_equal(password_acceptable(p, 256, "password", &e), 0);
	err_init(&e);
	assert_int_equal(password_acceptable(p, 257, "new_password", &e), -1);
	assert_non_null(strstr(e.msg, "field 'new_password'"));
	err_init(&e);
	assert_int_equal(password_acceptable(p, 0, "password", &e), -1);
}

static void
acceptable_refuses_embedded_nul(void **state)
{
	static const char withnul[] = "abcdefgh\0ijklmnop";
	struct err e;

	err_init(&e);
	assert_int_equal(password_acceptable(withnul, sizeof(withnul) - 1,
	    "password", &e), -1);
	assert_non_null(strstr(e.msg, "field 'password' must not contain NUL"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_verifies_its_password),
		cmocka_unit_test(two_hashes_of_one_password_differ_by_salt),
		cmocka_unit_test(wrong_passwords_do_not_verify),
		cmocka_unit_test(
		    missing_hash_takes_the_dummy_path_and_always_fails),
		cmocka_unit_test(hash_made_with_another_cost_still_verifies),
		cmocka_unit_test(garbage_hash_does_not_verify),
		cmocka_unit_test(hash_valid_takes_only_verifiable_argon2id),
		cmocka_unit_test(acceptable_lengths_are_12_to_256_bytes),
		cmocka_unit_test(acceptable_refuses_embedded_nul),
	};

	return cmocka_run_group_tests_name("unit.password", tests, setup,
	    NULL);
}
