/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of store/seal: a sealed TOTP seed opens for its own row
 * only (kind, tenant, id are its associated data), not under another
 * key, and not after a byte changed; the box never holds the seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "store/seal.h"

static const uint8_t seed[20] = "12345678901234567890";

static void
sealed_seed_opens_for_its_row_only(void **state)
{
	uint8_t box[SEAL_MAX], out[REC_TOTP_MAX];
	size_t n, len;

	(void)state;
	seal_secret(box, &n, SEAL_KIND_USER, "ten_a", "usr_1", seed,
	    sizeof(seed));
	assert_int_equal(n, sizeof(seed) + SEAL_OVERHEAD);
	assert_null(memmem(box, n, seed, 8));
	assert_int_equal(seal_open(out, sizeof(out), &len, SEAL_KIND_USER,
	    "ten_a", "usr_1", box, n), 0);
	assert_int_equal(len, sizeof(seed));
	assert_memory_equal(out, seed, sizeof(seed));
	/* Copied into another row: another id, tenant or kind. */
	assert_int_equal(seal_open(out, sizeof(out), &len, SEAL_KIND_USER,
	    "ten_a", "usr_2", box, n), -1);
	assert_int_equal(len, 0);
	assert_int_equal(seal_open(out, sizeof(out), &len, SEAL_KIND_USER,
	    "ten_b", "usr_1", box, n), -1);
	assert_int_equal(seal_open(out, sizeof(out), &len,
	    SEAL_KIND_ENGINEER, "", "usr_1", box, n), -1);
	/* "ten_a" + "usr_1" must not read as "ten_au" + "sr_1". */
	assert_int_equal(seal_open(out, sizeof(out), &len, SEAL_KIND_USER,
	    "ten_au", "sr_1", box, n), -1);
	box[n - 1] ^= 1;
	assert_int_equal(seal_open(out, sizeof(out), &len, SEAL_KIND_USER,
	    "ten_a", "usr_1", box, n), -1);
	box[n - 1] ^= 1;
	/* A clear seed (as stored before sealing) does not open. */
	assert_int_equal(seal_open(out, sizeof(out), &len, SEAL_KIND_USER,
	    "ten_a", "usr_1", seed, sizeof(seed)), -1);
}

static void
another_key_does_not_open(void **state)
{
	uint8_t key[SEAL_KEY_BYTES], box[SEAL_MAX], out[REC_TOTP_MAX];
	size_t n, len;

	(void)state;
	randombytes_buf(key, sizeof(key));
	seal_setup(key);
	seal_secret(box, &n, SEAL_KIND_ENGINEER, "", "eng_1", seed,
	    sizeof(seed));
	assert_int_equal(seal_open(out, sizeof(out), &len,
	    SEAL_KIND_ENGINEER, "", "eng_1", box, n), 0);
	key[0] ^= 1;
	seal_setup(key);
	assert_int_equal(seal_open(out, sizeof(out), &len,
	    SEAL_KIND_ENGINEER, "", "eng_1", box, n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sealed_seed_opens_for_its_row_only),
		cmocka_unit_test(another_key_does_not_open),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
