/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/leaf (custos-leaf-v1): the keys are the spec's
 * (checked against libsodium called directly), a sealed entry opens for
 * its tenant at its index and for nobody else, and every tampering the
 * verifier must catch is caught: a changed body, a body with its leaf's
 * body_hash updated, a body moved to another index, a leaf of another
 * tenant, a truncated or re-versioned leaf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "common/err.h"
#include "tlog/leaf.h"

#define EVENT "{\"index\":7,\"tenant\":\"acme\",\"action\":\"user.list\"}"
#define BODY_MAX 1024

static uint8_t master[32];
static struct leaf_keys ka, kb;

static int
setup(void **state)
{
	uint8_t lk[LEAF_KEY];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	memset(master, 0x5a, sizeof(master));
	if (leaf_log_key(lk, master, "acme") == -1 ||
	    leaf_keys_derive(&ka, lk) == -1 ||
	    leaf_log_key(lk, master, "globex") == -1 ||
	    leaf_keys_derive(&kb, lk) == -1)
		return -1;
	return 0;
}

/* Seals EVENT as index for ka. */
static void
seal(uint8_t leaf[LEAF_SIZE], uint8_t *body, size_t *blen, int64_t index)
{
	struct err e;

	err_init(&e);
	assert_int_equal(leaf_seal(leaf, body, BODY_MAX, blen, &ka, index,
	    EVENT, strlen(EVENT), &e), 0);
	assert_int_equal(*blen, strlen(EVENT) + LEAF_OVERHEAD);
}

static void
keys_are_the_specs_derivations(void **state)
{
	static const char lt[] = "custos-log-key-v1\0tenant\0acme";
	static const char lo[] = "custos-log-key-v1\0operator\0";
	uint8_t got[LEAF_KEY], want[LEAF_KEY], sub[32], tag[LEAF_TAG];
	uint8_t idx[8] = {0, 0, 0, 0, 0, 0, 0x01, 0x02};
	struct leaf_keys k;

	(void)state;
	/* sizeof - 1: the label's own NULs are in the string. */
	crypto_generichash(want, sizeof(want), (const uint8_t *)lt,
	    sizeof(lt) - 1, master, sizeof(master));
	assert_int_equal(leaf_log_key(got, master, "acme"), 0);
	assert_memory_equal(got, want, LEAF_KEY);
	crypto_generichash(want, sizeof(want), (const uint8_t *)lo,
	    sizeof(lo) - 1, master, sizeof(master));
	assert_int_equal(leaf_log_key(got, master, NULL), 0);
	assert_memory_equal(got, want, LEAF_KEY);
	assert_int_equal(leaf_log_key(got, master, ""), -1);

	assert_int_equal(leaf_keys_derive(&k, got), 0);
	crypto_kdf_derive_from_key(sub, sizeof(sub), 1, "custoslg", got);
	assert_memory_equal(k.tag, sub, 32);
	crypto_kdf_derive_from_key(sub, sizeof(sub), 2, "custoslg", got);
	assert_memory_equal(k.seal, sub, 32);

	crypto_generichash(want, LEAF_TAG, idx, sizeof(idx), k.tag, 32);
	leaf_tag(tag, &k, 0x0102);
	assert_memory_equal(tag, want, LEAF_TAG);
	leaf_keys_wipe(&k);
}

static void
a_sealed_entry_opens_for_its_tenant_at_its_index(void **state)
{
	uint8_t leaf[LEAF_SIZE], body[BODY_MAX], plain[BODY_MAX];
	uint8_t tag[LEAF_TAG], bh[LEAF_BODY_HASH], h[32];
	size_t blen, plen;
	struct err e;

	(void)state;
	err_init(&e);
	seal(leaf, body, &blen, 7);
	assert_int_equal(leaf[0], LEAF_VERSION);
	assert_int_equal(leaf_parse(leaf, sizeof(leaf), tag, bh), 0);
	crypto_hash_sha256(h, body, blen);
	assert_memory_equal(bh, h, 32);
	assert_int_equal(leaf_is_mine(&ka, 7, leaf, sizeof(leaf)), 1);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka, 7, leaf,
	    sizeof(leaf), body, blen, &e), 0);
	assert_int_equal(plen, strlen(EVENT));
	assert_memory_equal(plain, EVENT, plen);
}

static void
another_tenant_neither_recognises_nor_opens_it(void **state)
{
	uint8_t leaf[LEAF_SIZE], body[BODY_MAX], plain[BODY_MAX];
	size_t blen, plen;
	struct err e;

	(void)state;
	err_init(&e);
	seal(leaf, body, &blen, 7);
	assert_int_equal(leaf_is_mine(&kb, 7, leaf, sizeof(leaf)), 0);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &kb, 7, leaf,
	    sizeof(leaf), body, blen, &e), -1);
	assert_non_null(strstr(e.msg, "tag"));
}

static void
a_changed_body_fails_its_body_hash(void **state)
{
	uint8_t leaf[LEAF_SIZE], body[BODY_MAX], plain[BODY_MAX];
	size_t blen, plen, i;
	struct err e;

	(void)state;
	seal(leaf, body, &blen, 7);
	for (i = 0; i < blen; i += 7) {
		err_init(&e);
		body[i] ^= 0x80;
		assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka,
		    7, leaf, sizeof(leaf), body, blen, &e), -1);
		assert_non_null(strstr(e.msg, "body_hash"));
		body[i] ^= 0x80;
	}
	/* Truncated, or one byte longer. */
	err_init(&e);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka, 7, leaf,
	    sizeof(leaf), body, blen - 1, &e), -1);
	err_init(&e);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka, 7, leaf,
	    sizeof(leaf), body, blen + 1, &e), -1);
}

static void
a_changed_body_with_its_hash_updated_does_not_open(void **state)
{
	uint8_t leaf[LEAF_SIZE], body[BODY_MAX], plain[BODY_MAX];
	size_t blen, plen;
	struct err e;

	(void)state;
	err_init(&e);
	seal(leaf, body, &blen, 7);
	body[LEAF_NONCE + 3] ^= 1;      /* a ciphertext byte */
	crypto_hash_sha256(leaf + 1 + LEAF_TAG, body, blen);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka, 7, leaf,
	    sizeof(leaf), body, blen, &e), -1);
	assert_non_null(strstr(e.msg, "does not open"));
}

static void
a_body_moved_to_another_index_does_not_open(void **state)
{
	uint8_t leaf[LEAF_SIZE], body[BODY_MAX], plain[BODY_MAX];
	size_t blen, plen;
	struct err e;

	(void)state;
	seal(leaf, body, &blen, 7);
	/* The same leaf at index 8: its tag is not index 8's. */
	err_init(&e);
	assert_int_equal(leaf_is_mine(&ka, 8, leaf, sizeof(leaf)), 0);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka, 8, leaf,
	    sizeof(leaf), body, blen, &e), -1);
	/* A forged leaf for index 8 (right tag, same body): the AD binds
	 * the index. */
	leaf_tag(leaf + 1, &ka, 8);
	err_init(&e);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka, 8, leaf,
	    sizeof(leaf), body, blen, &e), -1);
	assert_non_null(strstr(e.msg, "does not open"));
}

static void
leaves_of_another_shape_are_not_v1(void **state)
{
	uint8_t leaf[LEAF_SIZE], body[BODY_MAX], plain[BODY_MAX];
	size_t blen, plen;
	struct err e;

	(void)state;
	seal(leaf, body, &blen, 7);
	assert_int_equal(leaf_parse(leaf, LEAF_SIZE - 1, NULL, NULL), -1);
	assert_int_equal(leaf_parse(NULL, 0, NULL, NULL), -1);
	assert_int_equal(leaf_is_mine(&ka, 7, leaf, LEAF_SIZE - 1), 0);
	leaf[0] = 0x02;
	assert_int_equal(leaf_parse(leaf, LEAF_SIZE, NULL, NULL), -1);
	assert_int_equal(leaf_is_mine(&ka, 7, leaf, LEAF_SIZE), 0);
	err_init(&e);
	assert_int_equal(leaf_open(plain, sizeof(plain), &plen, &ka, 7, leaf,
	    sizeof(leaf), body, blen, &e), -1);
	/* A plaintext (pre-seal) leaf is not v1 either. */
	assert_int_equal(leaf_parse((const uint8_t *)EVENT, strlen(EVENT),
	    NULL, NULL), -1);
}

static void
two_seals_of_one_entry_differ(void **state)
{
	uint8_t l1[LEAF_SIZE], l2[LEAF_SIZE], b1[BODY_MAX], b2[BODY_MAX];
	size_t n1, n2;

	(void)state;
	seal(l1, b1, &n1, 7);
	seal(l2, b2, &n2, 7);
	/* Same tag (same index), fresh nonce: different bodies. */
	assert_memory_equal(l1, l2, 1 + LEAF_TAG);
	assert_memory_not_equal(b1, b2, n1);
	assert_memory_not_equal(l1 + 1 + LEAF_TAG, l2 + 1 + LEAF_TAG,
	    LEAF_BODY_HASH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_are_the_specs_derivations),
		cmocka_unit_test(
		    a_sealed_entry_opens_for_its_tenant_at_its_index),
		cmocka_unit_test(another_tenant_neither_recognises_nor_opens_it),
		cmocka_unit_test(a_changed_body_fails_its_body_hash),
		cmocka_unit_test(
		    a_changed_body_with_its_hash_updated_does_not_open),
		cmocka_unit_test(a_body_moved_to_another_index_does_not_open),
		cmocka_unit_test(leaves_of_another_shape_are_not_v1),
		cmocka_unit_test(two_seals_of_one_entry_differ),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
