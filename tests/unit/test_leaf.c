/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/leaf (custos-leaf-v1): the subkeys and tags are the
 * spec's (checked against libsodium called directly), a sealed entry opens for
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

#include "common/buf.h"
#include "common/err.h"
#include "tlog/leaf.h"

#define EVENT "{\"index\":7,\"tenant\":\"acme\",\"action\":\"user.list\"}"
#define BODY_MAX 1024

static struct leaf_keys ka, kb;

/* A tenant's log key as SEALED.md derives it from the master seal key
 * (the server's side; here only to key the tests like the server would). */
static void
log_key(uint8_t out[LEAF_KEY_BYTES], const char *label, size_t len)
{
	uint8_t master[32];

	memset(master, 0x5a, sizeof(master));
	crypto_generichash(out, LEAF_KEY_BYTES, (const uint8_t *)label, len,
	    master, sizeof(master));
}

static int
setup(void **state)
{
	static const char la[] = "custos-log-key-v1\0tenant\0acme";
	static const char lb[] = "custos-log-key-v1\0tenant\0globex";
	uint8_t lk[LEAF_KEY_BYTES];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	log_key(lk, la, sizeof(la) - 1);
	leaf_keys_derive(&ka, lk);
	log_key(lk, lb, sizeof(lb) - 1);
	leaf_keys_derive(&kb, lk);
	return 0;
}

/* Seals EVENT as index for ka into body (reset first). */
static void
seal(uint8_t leaf[LEAF_BYTES], struct buf *body, int64_t index)
{
	struct err e;

	err_init(&e);
	buf_reset(body);
	assert_int_equal(leaf_seal(leaf, body, &ka, index, EVENT,
	    strlen(EVENT), &e), 0);
	assert_int_equal(body->len, strlen(EVENT) + LEAF_SEAL_OVERHEAD);
}

/* leaf_open into a fresh buffer: 0 with the plaintext EVENT, or -1. */
static int
open_as(const struct leaf_keys *k, int64_t index, const uint8_t *leaf,
    size_t len, const struct buf *body, size_t blen, struct err *e)
{
	struct buf plain;
	int rc;

	buf_init_secret(&plain, BODY_MAX);
	err_init(e);
	rc = leaf_open(&plain, k, index, leaf, len, body->data, blen, e);
	if (rc == 0) {
		assert_int_equal(plain.len, strlen(EVENT));
		assert_memory_equal(plain.data, EVENT, plain.len);
	} else {
		assert_int_equal(plain.len, 0);
	}
	buf_cleanup(&plain);
	return rc;
}

static void
keys_are_the_specs_derivations(void **state)
{
	uint8_t lk[LEAF_KEY_BYTES], sub[32], tag[LEAF_TAG_BYTES];
	uint8_t want[LEAF_TAG_BYTES];
	uint8_t idx[8] = {0, 0, 0, 0, 0, 0, 0x01, 0x02};
	struct leaf_keys k;

	(void)state;
	memset(lk, 3, sizeof(lk));
	leaf_keys_derive(&k, lk);
	crypto_kdf_derive_from_key(sub, sizeof(sub), 1, "custoslg", lk);
	assert_memory_equal(k.tag, sub, 32);
	crypto_kdf_derive_from_key(sub, sizeof(sub), 2, "custoslg", lk);
	assert_memory_equal(k.seal, sub, 32);
	crypto_generichash(want, LEAF_TAG_BYTES, idx, sizeof(idx), k.tag, 32);
	leaf_tag(tag, &k, 0x0102);
	assert_memory_equal(tag, want, LEAF_TAG_BYTES);
	leaf_keys_wipe(&k);
	assert_int_equal(k.tag[0] | k.seal[31], 0);
}

static void
a_sealed_entry_opens_for_its_tenant_at_its_index(void **state)
{
	uint8_t leaf[LEAF_BYTES], h[32];
	struct buf body;
	struct err e;

	(void)state;
	buf_init(&body, BODY_MAX);
	seal(leaf, &body, 7);
	assert_int_equal(leaf[0], LEAF_VERSION);
	crypto_hash_sha256(h, (const uint8_t *)body.data, body.len);
	assert_memory_equal(leaf + 1 + LEAF_TAG_BYTES, h, 32);
	assert_int_equal(leaf_is_mine(&ka, 7, leaf, sizeof(leaf)), 1);
	err_init(&e);
	assert_int_equal(leaf_check_body(leaf, sizeof(leaf), body.data,
	    body.len, &e), 0);
	assert_int_equal(open_as(&ka, 7, leaf, sizeof(leaf), &body, body.len,
	    &e), 0);
	buf_cleanup(&body);
}

static void
another_tenant_neither_recognises_nor_opens_it(void **state)
{
	uint8_t leaf[LEAF_BYTES];
	struct buf body;
	struct err e;

	(void)state;
	buf_init(&body, BODY_MAX);
	seal(leaf, &body, 7);
	assert_int_equal(leaf_is_mine(&kb, 7, leaf, sizeof(leaf)), 0);
	assert_int_equal(open_as(&kb, 7, leaf, sizeof(leaf), &body, body.len,
	    &e), -1);
	assert_non_null(strstr(e.msg, "tag"));
	buf_cleanup(&body);
}

static void
a_changed_body_fails_its_body_hash(void **state)
{
	uint8_t leaf[LEAF_BYTES];
	struct buf body;
	struct err e;
	size_t i;

	(void)state;
	buf_init(&body, BODY_MAX);
	seal(leaf, &body, 7);
	for (i = 0; i < body.len; i += 7) {
		body.data[i] ^= (char)0x80;
		assert_int_equal(open_as(&ka, 7, leaf, sizeof(leaf), &body,
		    body.len, &e), -1);
		assert_non_null(strstr(e.msg, "body_hash"));
		body.data[i] ^= (char)0x80;
	}
	/* Truncated, or one byte longer. */
	assert_int_equal(open_as(&ka, 7, leaf, sizeof(leaf), &body,
	    body.len - 1, &e), -1);
	assert_int_equal(open_as(&ka, 7, leaf, sizeof(leaf), &body,
	    body.len + 1, &e), -1);
	buf_cleanup(&body);
}

static void
a_changed_body_with_its_hash_updated_does_not_open(void **state)
{
	uint8_t leaf[LEAF_BYTES];
	struct buf body;
	struct err e;

	(void)state;
	buf_init(&body, BODY_MAX);
	seal(leaf, &body, 7);
	body.data[LEAF_NONCE_BYTES + 3] ^= 1;      /* a ciphertext byte */
	crypto_hash_sha256(leaf + 1 + LEAF_TAG_BYTES,
	    (const uint8_t *)body.data, body.len);
	assert_int_equal(open_as(&ka, 7, leaf, sizeof(leaf), &body, body.len,
	    &e), -1);
	assert_non_null(strstr(e.msg, "does not open"));
	buf_cleanup(&body);
}

static void
a_body_moved_to_another_index_does_not_open(void **state)
{
	uint8_t leaf[LEAF_BYTES];
	struct buf body;
	struct err e;

	(void)state;
	buf_init(&body, BODY_MAX);
	seal(leaf, &body, 7);
	/* The same leaf at index 8: its tag is not index 8's. */
	assert_int_equal(leaf_is_mine(&ka, 8, leaf, sizeof(leaf)), 0);
	assert_int_equal(open_as(&ka, 8, leaf, sizeof(leaf), &body, body.len,
	    &e), -1);
	/* A forged leaf for index 8 (its tag, the same body): the AD binds
	 * the index. */
	leaf_tag(leaf + 1, &ka, 8);
	assert_int_equal(open_as(&ka, 8, leaf, sizeof(leaf), &body, body.len,
	    &e), -1);
	assert_non_null(strstr(e.msg, "does not open"));
	buf_cleanup(&body);
}

static void
leaves_of_another_shape_are_not_v1(void **state)
{
	uint8_t leaf[LEAF_BYTES];
	struct buf body;
	struct err e;

	(void)state;
	buf_init(&body, BODY_MAX);
	seal(leaf, &body, 7);
	assert_int_equal(leaf_is_mine(&ka, 7, leaf, LEAF_BYTES - 1), 0);
	assert_int_equal(leaf_is_mine(&ka, 7, NULL, 0), 0);
	err_init(&e);
	assert_int_equal(leaf_check_body(leaf, LEAF_BYTES - 1, body.data,
	    body.len, &e), -1);
	leaf[0] = 0x02;
	assert_int_equal(leaf_is_mine(&ka, 7, leaf, LEAF_BYTES), 0);
	assert_int_equal(open_as(&ka, 7, leaf, sizeof(leaf), &body, body.len,
	    &e), -1);
	/* A plaintext (pre-seal) leaf is not v1 either. */
	assert_int_equal(leaf_is_mine(&ka, 7, (const uint8_t *)EVENT,
	    strlen(EVENT)), 0);
	buf_cleanup(&body);
}

static void
two_seals_of_one_entry_differ(void **state)
{
	uint8_t l1[LEAF_BYTES], l2[LEAF_BYTES];
	struct buf b1, b2;

	(void)state;
	buf_init(&b1, BODY_MAX);
	buf_init(&b2, BODY_MAX);
	seal(l1, &b1, 7);
	seal(l2, &b2, 7);
	/* Same tag (same index), fresh nonce: different bodies. */
	assert_memory_equal(l1, l2, 1 + LEAF_TAG_BYTES);
	assert_memory_not_equal(b1.data, b2.data, b1.len);
	assert_memory_not_equal(l1 + 1 + LEAF_TAG_BYTES, l2 + 1 +
	    LEAF_TAG_BYTES, LEAF_BODY_HASH);
	buf_cleanup(&b1);
	buf_cleanup(&b2);
}

static void
a_sealed_body_past_the_cap_is_refused(void **state)
{
	uint8_t leaf[LEAF_BYTES];
	struct buf small;
	struct err e;

	(void)state;
	buf_init(&small, 10);
	err_init(&e);
	assert_int_equal(leaf_seal(leaf, &small, &ka, 7, EVENT, strlen(EVENT),
	    &e), -1);
	assert_int_equal(small.len, 0);
	buf_cleanup(&small);
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
		cmocka_unit_test(a_sealed_body_past_the_cap_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
