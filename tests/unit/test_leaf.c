/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/leaf and tlog/sealer: a sealed entry opens with its
 * own log key at its own index only; a changed byte of the body, the tag,
 * the body hash, or the entry moved to another index or tenant, is
 * refused; tags of one key are unlinkable; sealing is a function of the
 * entry, its index and the key (synthetic nonce), so custosd recomputes
 * leaves instead of storing bodies; the keys match the spec's derivation
 * (known answers computed apart, in Python); the start-up check tells an
 * entry changed behind its leaf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/leaf.h"
#include "tlog/sealer.h"

static const char plain[] = "{\"v\":1,\"action\":\"user.mfa_reset\","
    "\"tenant\":\"acme\",\"target\":\"users/alice\"}";

static void
keys_of(struct leaf_keys *k, const char *tenant)
{
	uint8_t lk[LEAF_KEY_BYTES];

	sealer_log_key(lk, tenant);
	leaf_keys_derive(k, lk);
}

static void
seal_one(uint8_t leaf[LEAF_BYTES], struct buf *sealed,
    const struct leaf_keys *k, int64_t index)
{
	struct err e;

	err_init(&e);
	buf_reset(sealed);
	assert_int_equal(leaf_seal(leaf, sealed, k, index, plain,
	    strlen(plain), &e), 0);
}

static int
opens(const struct leaf_keys *k, int64_t index, const uint8_t *leaf,
    const struct buf *sealed)
{
	struct buf out;
	struct err e;
	int rc;

	err_init(&e);
	buf_init(&out, 4096);
	rc = leaf_open(&out, k, index, leaf, LEAF_BYTES, sealed->data,
	    sealed->len, &e);
	if (rc == 0) {
		assert_int_equal(out.len, strlen(plain));
		assert_memory_equal(out.data, plain, out.len);
	} else {
		assert_int_equal(out.len, 0);
	}
	buf_cleanup(&out);
	return rc;
}

static void
sealed_leaf_opens_with_its_key_at_its_index(void **state)
{
	uint8_t leaf[LEAF_BYTES], tag[LEAF_TAG_BYTES];
	struct leaf_keys k;
	struct buf sealed;

	(void)state;
	keys_of(&k, "acme");
	buf_init(&sealed, 4096);
	seal_one(leaf, &sealed, &k, 30);
	assert_int_equal(leaf[0], LEAF_VERSION);
	leaf_tag(tag, &k, 30);
	assert_memory_equal(leaf + 1, tag, LEAF_TAG_BYTES);
	assert_int_equal(sealed.len, strlen(plain) + LEAF_SEAL_OVERHEAD);
	assert_null(memmem(sealed.data, sealed.len, "acme", 4));
	assert_null(memmem(leaf, LEAF_BYTES, "acme", 4));
	assert_int_equal(leaf_is_mine(&k, 30, leaf, LEAF_BYTES), 1);
	assert_int_equal(opens(&k, 30, leaf, &sealed), 0);
	buf_cleanup(&sealed);
	leaf_keys_wipe(&k);
}

static void
changed_body_tag_hash_index_or_tenant_is_refused(void **state)
{
	uint8_t leaf[LEAF_BYTES], bad[LEAF_BYTES];
	struct leaf_keys k, other;
	struct buf sealed;
	struct err e;
	size_t i;

	(void)state;
	keys_of(&k, "acme");
	keys_of(&other, "globex");
	buf_init(&sealed, 4096);
	seal_one(leaf, &sealed, &k, 30);
	/* Another index, another tenant's key, the operator's key. */
	assert_int_equal(opens(&k, 31, leaf, &sealed), -1);
	assert_int_equal(opens(&other, 30, leaf, &sealed), -1);
	assert_int_equal(leaf_is_mine(&other, 30, leaf, LEAF_BYTES), 0);
	/* Each byte of the leaf changed. */
	for (i = 0; i < LEAF_BYTES; i++) {
		memcpy(bad, leaf, LEAF_BYTES);
		bad[i] ^= 0x01;
		assert_int_equal(opens(&k, 30, bad, &sealed), -1);
	}
	/* Each byte of the body changed: the hash no longer matches. */
	for (i = 0; i < sealed.len; i += 7) {
		sealed.data[i] ^= 0x01;
		err_init(&e);
		assert_int_equal(leaf_check_body(leaf, LEAF_BYTES,
		    sealed.data, sealed.len, &e), -1);
		assert_int_equal(opens(&k, 30, leaf, &sealed), -1);
		sealed.data[i] ^= 0x01;
	}
	/* A body changed and its hash put into the leaf: the AEAD refuses. */
	sealed.data[LEAF_NONCE_BYTES + 3] ^= 0x01;
	crypto_hash_sha256(leaf + 1 + LEAF_TAG_BYTES,
	    (const uint8_t *)sealed.data, sealed.len);
	err_init(&e);
	assert_int_equal(leaf_check_body(leaf, LEAF_BYTES, sealed.data,
	    sealed.len, &e), 0);
	assert_int_equal(opens(&k, 30, leaf, &sealed), -1);
	/* Too short, wrong length leaf. */
	err_init(&e);
	assert_int_equal(leaf_check_body(leaf, LEAF_BYTES - 1, sealed.data,
	    sealed.len, &e), -1);
	buf_cleanup(&sealed);
	leaf_keys_wipe(&k);
	leaf_keys_wipe(&other);
}

static void
tags_are_unlinkable_and_sealing_is_a_function_of_the_entry(void **state)
{
	uint8_t a[LEAF_BYTES], b[LEAF_BYTES], c[LEAF_BYTES];
	struct leaf_keys k, other;
	struct buf s1, s2;
	struct err e;

	(void)state;
	keys_of(&k, "acme");
	keys_of(&other, "globex");
	buf_init(&s1, 4096);
	buf_init(&s2, 4096);
	seal_one(a, &s1, &k, 7);
	seal_one(b, &s2, &k, 7);
	/* The same entry at the same index: the same bytes. */
	assert_memory_equal(a, b, LEAF_BYTES);
	assert_int_equal(s1.len, s2.len);
	assert_memory_equal(s1.data, s2.data, s1.len);
	/* Another entry at that index: another nonce and body. */
	err_init(&e);
	buf_reset(&s2);
	assert_int_equal(leaf_seal(b, &s2, &k, 7, "{}", 2, &e), 0);
	assert_memory_equal(a + 1, b + 1, LEAF_TAG_BYTES);
	assert_memory_not_equal(s1.data, s2.data, LEAF_NONCE_BYTES);
	assert_memory_not_equal(a + 17, b + 17, LEAF_BODY_HASH);
	/* The same entry at another index: another tag and nonce. */
	seal_one(c, &s2, &k, 8);
	assert_memory_not_equal(a + 1, c + 1, LEAF_TAG_BYTES);
	assert_memory_not_equal(s1.data, s2.data, LEAF_NONCE_BYTES);
	seal_one(c, &s2, &other, 7);
	assert_memory_not_equal(a + 1, c + 1, LEAF_TAG_BYTES);
	buf_cleanup(&s1);
	buf_cleanup(&s2);
	leaf_keys_wipe(&k);
	leaf_keys_wipe(&other);
}

static void
keys_follow_the_spec_known_answers(void **state)
{
	/* Computed with Python's hashlib and libsodium's crypto_kdf
	 * (tests/integration/sealedleaf.py) for the master 00 01 .. 1f. */
	static const char *kt_hex = "337028df50d1f28b8db3d0d30ed6383b"
	    "393c3cd6503af06ef2fa283eb413c62e";
	static const char *ko_hex = "673c8fd3ad5882ea81ae2391ef851449"
	    "b91d98bdfdb9a69fd20ad676338c3cd2";
	static const char *tag_hex = "59fce970ebae02f5f2fee1476b3afe53";
	static const char *leaf_hex = "0108815c9d0da49a847df8f459fa27ede6"
	    "76f2be9a3a46bce27ef09368bfc53febd8364ae6850505ae192df859f5f3d721";
	uint8_t leaf[LEAF_BYTES];
	char lhex[2 * LEAF_BYTES + 1];
	struct buf sealed;
	uint8_t master[SEALER_MASTER_BYTES], kt[LEAF_KEY_BYTES];
	uint8_t tag[LEAF_TAG_BYTES];
	char hex[2 * LEAF_KEY_BYTES + 1];
	struct leaf_keys k;
	size_t i;

	(void)state;
	buf_init(&sealed, 4096);
	for (i = 0; i < sizeof(master); i++)
		master[i] = (uint8_t)i;
	sealer_setup(master);
	sealer_log_key(kt, "acme");
	sodium_bin2hex(hex, sizeof(hex), kt, sizeof(kt));
	assert_string_equal(hex, kt_hex);
	sealer_log_key(kt, "");
	sodium_bin2hex(hex, sizeof(hex), kt, sizeof(kt));
	assert_string_equal(hex, ko_hex);
	sealer_log_key(kt, "acme");
	leaf_keys_derive(&k, kt);
	leaf_tag(tag, &k, 5);
	sodium_bin2hex(hex, sizeof(hex), tag, sizeof(tag));
	assert_string_equal(hex, tag_hex);
	/* The whole leaf of plain at index 30 (the nonce included). */
	seal_one(leaf, &sealed, &k, 30);
	sodium_bin2hex(lhex, sizeof(lhex), leaf, sizeof(leaf));
	assert_string_equal(lhex, leaf_hex);
	buf_cleanup(&sealed);
	leaf_keys_wipe(&k);
}

static void
startcheck_finds_an_entry_changed_behind_its_leaf(void **state)
{
	struct sealer *s = sealer_new(4);
	struct rec_entry en;
	struct rec_leaf r;
	char why[256], changed[sizeof(plain)];
	uint8_t leaf[LEAF_BYTES];
	const uint8_t *body;
	struct buf opened;
	size_t blen;
	struct leaf_keys k;
	struct err e;

	(void)state;
	assert_non_null(s);
	memset(&en, 0, sizeof(en));
	en.index = 30;
	en.tenant_id = "acme";
	en.bytes = plain;
	en.len = strlen(plain);
	err_init(&e);
	assert_int_equal(sealer_seal(s, &en, &e), 0);
	memcpy(leaf, en.leaf, LEAF_BYTES);
	memset(&r, 0, sizeof(r));
	r.index = 30;
	r.tenant_id = "acme";
	r.leaf = leaf;
	r.leaf_len = LEAF_BYTES;
	r.bytes = plain;
	r.len = strlen(plain);
	assert_int_equal(sealer_check(s, &r, why, sizeof(why)), 0);
	/* The body served again is one the tenant's key opens. */
	assert_int_equal(sealer_body(s, &r, &body, &blen, &e), 0);
	keys_of(&k, "acme");
	buf_init(&opened, 4096);
	assert_int_equal(leaf_open(&opened, &k, 30, leaf, LEAF_BYTES, body,
	    blen, &e), 0);
	assert_int_equal(opened.len, strlen(plain));
	assert_memory_equal(opened.data, plain, opened.len);
	buf_cleanup(&opened);
	leaf_keys_wipe(&k);
	/* The plaintext custosd queries changed (allowed -> denied, say). */
	memcpy(changed, plain, sizeof(plain));
	changed[10] ^= 0x20;
	r.bytes = changed;
	assert_int_equal(sealer_check(s, &r, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "log entry 30 differs"));
	err_init(&e);
	assert_int_equal(sealer_body(s, &r, &body, &blen, &e), -1);
	assert_non_null(strstr(e.msg, "log entry 30 differs"));
	/* Its tenant column changed: the tag is not that tenant's. */
	r.bytes = plain;
	r.tenant_id = "globex";
	assert_int_equal(sealer_check(s, &r, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "log entry 30 differs"));
	/* A plaintext leaf of old. */
	r.tenant_id = "acme";
	r.leaf = NULL;
	assert_int_equal(sealer_check(s, &r, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "not sealed"));
	sealer_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sealed_leaf_opens_with_its_key_at_its_index),
		cmocka_unit_test(
		    changed_body_tag_hash_index_or_tenant_is_refused),
		cmocka_unit_test(
		    tags_are_unlinkable_and_sealing_is_a_function_of_the_entry),
		cmocka_unit_test(keys_follow_the_spec_known_answers),
		cmocka_unit_test(
		    startcheck_finds_an_entry_changed_behind_its_leaf),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
