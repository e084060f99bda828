/* SPDX-License-Identifier: ISC */
/*
 * leaf.c: custos-leaf-v1 (see leaf.h).  libsodium does all of it:
 * crypto_generichash (BLAKE2b) for the log keys and the tags, crypto_kdf
 * for the subkeys, crypto_hash_sha256 for the body hash and
 * crypto_aead_xchacha20poly1305_ietf for the seal.  A 24-byte random
 * nonce per body makes nonce reuse under one key negligible however many
 * entries a tenant has.
 */
#include "tlog/leaf.h"

#include <sodium.h>
#include <string.h>

#define LEAF_KDF_CONTEXT "custoslg"
#define LEAF_SUBKEY_TAG 1
#define LEAF_SUBKEY_SEAL 2
#define LEAF_LABEL "custos-log-key-v1"

/* The 8-byte big-endian form of an index. */
static void
be64(uint8_t out[8], int64_t index)
{
	uint64_t u = (uint64_t)index;
	int i;

	for (i = 7; i >= 0; i--) {
		out[i] = (uint8_t)u;
		u >>= 8;
	}
}

int
leaf_log_key(uint8_t out[LEAF_KEY], const uint8_t master[32],
    const char *tenant)
{
	crypto_generichash_state st;
	static const char label[] = LEAF_LABEL;   /* its NUL is the separator */
	static const char tkind[] = "tenant";
	static const char okind[] = "operator";
	size_t tlen = 0;

	if (tenant != NULL) {
		tlen = strnlen(tenant, LEAF_TENANT_MAX + 1);
		if (tlen == 0 || tlen > LEAF_TENANT_MAX)
			return -1;
	}
	if (crypto_generichash_init(&st, master, 32, LEAF_KEY) != 0)
		return -1;
	/* "custos-log-key-v1\0" "tenant\0" tenant | "operator\0" */
	crypto_generichash_update(&st, (const uint8_t *)label, sizeof(label));
	if (tenant != NULL) {
		crypto_generichash_update(&st, (const uint8_t *)tkind,
		    sizeof(tkind));
		crypto_generichash_update(&st, (const uint8_t *)tenant, tlen);
	} else {
		crypto_generichash_update(&st, (const uint8_t *)okind,
		    sizeof(okind));
	}
	crypto_generichash_final(&st, out, LEAF_KEY);
	sodium_memzero(&st, sizeof(st));
	return 0;
}

int
leaf_keys_derive(struct leaf_keys *k, const uint8_t log_key[LEAF_KEY])
{
	if (crypto_kdf_derive_from_key(k->tag, sizeof(k->tag),
	    LEAF_SUBKEY_TAG, LEAF_KDF_CONTEXT, log_key) != 0 ||
	    crypto_kdf_derive_from_key(k->seal, sizeof(k->seal),
	    LEAF_SUBKEY_SEAL, LEAF_KDF_CONTEXT, log_key) != 0) {
		leaf_keys_wipe(k);
		return -1;
	}
	return 0;
}

void
leaf_keys_wipe(struct leaf_keys *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}

void
leaf_tag(uint8_t out[LEAF_TAG], const struct leaf_keys *k, int64_t index)
{
	uint8_t in[8];

	be64(in, index);
	crypto_generichash(out, LEAF_TAG, in, sizeof(in), k->tag,
	    sizeof(k->tag));
}

/* AD = 0x01 || tag || be64(index). */
static void
leaf_ad(uint8_t ad[LEAF_AD], const uint8_t tag[LEAF_TAG], int64_t index)
{
	ad[0] = LEAF_VERSION;
	memcpy(ad + 1, tag, LEAF_TAG);
	be64(ad + 1 + LEAF_TAG, index);
}

int
leaf_seal(uint8_t leaf[LEAF_SIZE], uint8_t *sealed, size_t max,
    size_t *sealed_len, const struct leaf_keys *k, int64_t index,
    const void *plaintext, size_t len, struct err *e)
{
	uint8_t ad[LEAF_AD];
	unsigned long long clen;

	*sealed_len = 0;
	if (index < 0)
		return err_internal(e, "a log index is not negative");
	if (len > max || max - len < LEAF_OVERHEAD)
		return err_internal(e, "no room for a sealed entry of %zu "
		    "bytes", len);
	leaf[0] = LEAF_VERSION;
	leaf_tag(leaf + 1, k, index);
	leaf_ad(ad, leaf + 1, index);
	randombytes_buf(sealed, LEAF_NONCE);
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(sealed + LEAF_NONCE,
	    &clen, plaintext, len, ad, sizeof(ad), NULL, sealed,
	    k->seal) != 0)
		return err_internal(e, "cannot seal the entry");
	*sealed_len = LEAF_NONCE + (size_t)clen;
	crypto_hash_sha256(leaf + 1 + LEAF_TAG, sealed, *sealed_len);
	return 0;
}

int
leaf_parse(const uint8_t *bytes, size_t len, uint8_t *tag,
    uint8_t *body_hash)
{
	if (bytes == NULL || len != LEAF_SIZE || bytes[0] != LEAF_VERSION)
		return -1;
	if (tag != NULL)
		memcpy(tag, bytes + 1, LEAF_TAG);
	if (body_hash != NULL)
		memcpy(body_hash, bytes + 1 + LEAF_TAG, LEAF_BODY_HASH);
	return 0;
}

int
leaf_is_mine(const struct leaf_keys *k, int64_t index, const uint8_t *bytes,
    size_t len)
{
	uint8_t want[LEAF_TAG];

	if (leaf_parse(bytes, len, NULL, NULL) == -1)
		return 0;
	leaf_tag(want, k, index);
	return sodium_memcmp(want, bytes + 1, LEAF_TAG) == 0;
}

int
leaf_open(uint8_t *plain, size_t max, size_t *plain_len,
    const struct leaf_keys *k, int64_t index, const uint8_t *leaf,
    size_t leaf_len, const uint8_t *sealed, size_t slen, struct err *e)
{
	uint8_t tag[LEAF_TAG], bh[LEAF_BODY_HASH], got[LEAF_BODY_HASH];
	uint8_t ad[LEAF_AD];
	unsigned long long mlen;

	*plain_len = 0;
	if (leaf_parse(leaf, leaf_len, tag, bh) == -1)
		return err_bad_request(e, "the leaf is not a %s leaf (%d "
		    "bytes, version %d)", LEAF_FORMAT, LEAF_SIZE,
		    LEAF_VERSION);
	if (!leaf_is_mine(k, index, leaf, leaf_len))
		return err_bad_request(e, "the leaf's tag is not the tenant's "
		    "tag for index %lld", (long long)index);
	if (sealed == NULL || slen < LEAF_OVERHEAD)
		return err_bad_request(e, "the sealed body is %zu bytes, "
		    "shorter than a nonce and a tag", slen);
	crypto_hash_sha256(got, sealed, slen);
	if (sodium_memcmp(got, bh, sizeof(bh)) != 0)
		return err_bad_request(e, "the sealed body does not hash to "
		    "the leaf's body_hash");
	if (slen - LEAF_OVERHEAD > max)
		return err_bad_request(e, "the sealed body is too long (%zu "
		    "bytes)", slen);
	leaf_ad(ad, tag, index);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &mlen, NULL,
	    sealed + LEAF_NONCE, slen - LEAF_NONCE, ad, sizeof(ad), sealed,
	    k->seal) != 0)
		return err_bad_request(e, "the sealed body does not open "
		    "under the tenant's seal key for index %lld",
		    (long long)index);
	*plain_len = (size_t)mlen;
	return 0;
}
