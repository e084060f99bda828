/* SPDX-License-Identifier: ISC */
/*
 * leaf.c: custos-leaf-v1 (see leaf.h).  libsodium does all of it:
 * crypto_generichash (BLAKE2b) for the tags, crypto_kdf for the subkeys,
 * crypto_hash_sha256 for the body hash and
 * crypto_aead_xchacha20poly1305_ietf for the seal.  A 24-byte random
 * nonce per body makes nonce reuse under one key negligible however many
 * entries a tenant has.
 */
#include "tlog/leaf.h"

#include <sodium.h>
#include <string.h>

#define AD_BYTES (1 + LEAF_TAG_BYTES + 8)

_Static_assert(sizeof(LEAF_KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES,
    "the KDF context is 8 bytes");
_Static_assert(LEAF_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "a seal key");
_Static_assert(LEAF_SEAL_OVERHEAD ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
    crypto_aead_xchacha20poly1305_ietf_ABYTES, "nonce and MAC");

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

/* Appends n bytes to b and points *at to them.  0, or -1 at the cap. */
static int
buf_grow(struct buf *b, size_t n, uint8_t **at)
{
	static const uint8_t zero[256];
	size_t start = b->len, step;

	while (b->len - start < n) {
		step = n - (b->len - start);
		if (step > sizeof(zero))
			step = sizeof(zero);
		if (buf_append(b, zero, step) == -1) {
			b->len = start;
			if (b->data != NULL)
				b->data[start] = '\0';
			return -1;
		}
	}
	*at = (uint8_t *)b->data + start;
	return 0;
}

void
leaf_keys_derive(struct leaf_keys *k, const uint8_t log_key[LEAF_KEY_BYTES])
{
	crypto_kdf_derive_from_key(k->tag, sizeof(k->tag), LEAF_KDF_TAG,
	    LEAF_KDF_CONTEXT, log_key);
	crypto_kdf_derive_from_key(k->seal, sizeof(k->seal), LEAF_KDF_SEAL,
	    LEAF_KDF_CONTEXT, log_key);
}

void
leaf_keys_wipe(struct leaf_keys *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}

void
leaf_tag(uint8_t tag[LEAF_TAG_BYTES], const struct leaf_keys *k,
    int64_t index)
{
	uint8_t in[8];

	be64(in, index);
	crypto_generichash(tag, LEAF_TAG_BYTES, in, sizeof(in), k->tag,
	    sizeof(k->tag));
}

int
leaf_is_mine(const struct leaf_keys *k, int64_t index, const uint8_t *leaf,
    size_t len)
{
	uint8_t want[LEAF_TAG_BYTES];

	if (leaf == NULL || len != LEAF_BYTES || leaf[0] != LEAF_VERSION)
		return 0;
	leaf_tag(want, k, index);
	return sodium_memcmp(want, leaf + 1, LEAF_TAG_BYTES) == 0;
}

/* AD = 0x01 || tag || be64(index). */
static void
make_ad(uint8_t ad[AD_BYTES], const uint8_t *tag, int64_t index)
{
	ad[0] = LEAF_VERSION;
	memcpy(ad + 1, tag, LEAF_TAG_BYTES);
	be64(ad + 1 + LEAF_TAG_BYTES, index);
}

int
leaf_seal(uint8_t leaf[LEAF_BYTES], struct buf *sealed,
    const struct leaf_keys *k, int64_t index, const void *plain, size_t len,
    struct err *e)
{
	uint8_t ad[AD_BYTES];
	unsigned long long clen = 0;
	size_t need = len + LEAF_SEAL_OVERHEAD;
	uint8_t *out = NULL;

	if (index < 0 || need < len || buf_grow(sealed, need, &out) == -1)
		return err_internal(e, "log entry too large to seal");
	leaf[0] = LEAF_VERSION;
	leaf_tag(leaf + 1, k, index);
	make_ad(ad, leaf + 1, index);
	randombytes_buf(out, LEAF_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + LEAF_NONCE_BYTES,
	    &clen, plain, len, ad, sizeof(ad), NULL, out, k->seal);
	crypto_hash_sha256(leaf + 1 + LEAF_TAG_BYTES, out, need);
	return 0;
}

int
leaf_check_body(const uint8_t *leaf, size_t len, const void *sealed,
    size_t slen, struct err *e)
{
	uint8_t h[LEAF_BODY_HASH];

	if (leaf == NULL || len != LEAF_BYTES || leaf[0] != LEAF_VERSION)
		return err_bad_request(e, "not a %s leaf (%zu bytes)",
		    LEAF_FORMAT, len);
	crypto_hash_sha256(h, sealed, slen);
	if (sodium_memcmp(h, leaf + 1 + LEAF_TAG_BYTES, LEAF_BODY_HASH) != 0)
		return err_bad_request(e, "the sealed body does not hash to "
		    "the leaf's body_hash");
	return 0;
}

int
leaf_open(struct buf *plain, const struct leaf_keys *k, int64_t index,
    const uint8_t *leaf, size_t len, const void *sealed, size_t slen,
    struct err *e)
{
	const uint8_t *s = sealed;
	uint8_t ad[AD_BYTES];
	unsigned long long mlen = 0;
	size_t at = plain->len, need;
	uint8_t *out = NULL;

	if (leaf_check_body(leaf, len, sealed, slen, e) == -1)
		return -1;
	if (!leaf_is_mine(k, index, leaf, len))
		return err_bad_request(e, "the leaf's tag is not this key's "
		    "for index %lld", (long long)index);
	if (slen < LEAF_SEAL_OVERHEAD)
		return err_bad_request(e, "the sealed body is too short");
	need = slen - LEAF_SEAL_OVERHEAD;
	if (buf_grow(plain, need, &out) == -1)
		return err_bad_request(e, "the sealed body is too long");
	make_ad(ad, leaf + 1, index);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL,
	    s + LEAF_NONCE_BYTES, slen - LEAF_NONCE_BYTES, ad, sizeof(ad), s,
	    k->seal) != 0 || (size_t)mlen != need) {
		sodium_memzero(out, need);
		plain->len = at;
		plain->data[at] = '\0';
		return err_bad_request(e, "the sealed body does not open "
		    "under this key at index %lld", (long long)index);
	}
	return 0;
}
