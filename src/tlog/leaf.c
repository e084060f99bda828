/* SPDX-License-Identifier: ISC */
/*
 * leaf: custos-leaf-v1, see leaf.h.  libsodium for the keyed BLAKE2b, the
 * key derivation and XChaCha20-Poly1305; OpenSSL's SHA-256 where it runs
 * (CPU extensions), libsodium's otherwise, the same bytes either way.
 */
#include "tlog/leaf.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(LEAF_KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES,
    "a kdf context");
_Static_assert(LEAF_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "an XChaCha20 key");
_Static_assert(LEAF_NONCE_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "an XChaCha20 nonce");
_Static_assert(crypto_shorthash_siphashx24_BYTES + 8 == LEAF_NONCE_BYTES,
    "a SipHash-128 and an index make a nonce");
_Static_assert(crypto_shorthash_siphashx24_KEYBYTES <= LEAF_KEY_BYTES,
    "the nonce key's first bytes key SipHash");
_Static_assert(LEAF_SEAL_OVERHEAD == LEAF_NONCE_BYTES +
    crypto_aead_xchacha20poly1305_ietf_ABYTES, "nonce and MAC");

#define AD_BYTES (1 + LEAF_TAG_BYTES + 8)

/* Appends n bytes (zeros) to b and points *at to them: 0, or -1 at the
 * cap. */
static int
buf_extend(struct buf *b, size_t n, uint8_t **at)
{
	static const uint8_t zero[256];
	size_t start = b->len, left = n;

	while (left > 0) {
		size_t step = left < sizeof(zero) ? left : sizeof(zero);

		if (buf_append(b, zero, step) == -1) {
			b->len = start;
			return -1;
		}
		left -= step;
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
	crypto_kdf_derive_from_key(k->nonce, sizeof(k->nonce), LEAF_KDF_NONCE,
	    LEAF_KDF_CONTEXT, log_key);
}

void
leaf_keys_wipe(struct leaf_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

static void
be64(uint8_t out[8], int64_t index)
{
	uint64_t v = (uint64_t)index;
	int i;

	for (i = 7; i >= 0; i--) {
		out[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

void
leaf_tag(uint8_t tag[LEAF_TAG_BYTES], const struct leaf_keys *k,
    int64_t index)
{
	uint8_t ix[8];

	be64(ix, index);
	crypto_generichash(tag, LEAF_TAG_BYTES, ix, sizeof(ix), k->tag,
	    sizeof(k->tag));
}

int
leaf_is_mine(const struct leaf_keys *k, int64_t index, const uint8_t *leaf,
    size_t len)
{
	uint8_t tag[LEAF_TAG_BYTES];

	if (len != LEAF_BYTES || leaf[0] != LEAF_VERSION)
		return 0;
	leaf_tag(tag, k, index);
	return sodium_memcmp(tag, leaf + 1, LEAF_TAG_BYTES) == 0;
}

/* The digest is fetched once (EVP_Digest with EVP_sha256() would fetch
 * it on every call, under a lock). */
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha_md;

static void
sha_fetch(void)
{
	sha_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static void
body_hash(uint8_t out[LEAF_BODY_HASH], const void *sealed, size_t slen)
{
	unsigned int n = 0;

	if (pthread_once(&sha_once, sha_fetch) == 0 && sha_md != NULL &&
	    EVP_Digest(sealed, slen, out, &n, sha_md, NULL) == 1 &&
	    n == LEAF_BODY_HASH)
		return;
	crypto_hash_sha256(out, sealed, slen);
}

static void
make_ad(uint8_t ad[AD_BYTES], const uint8_t tag[LEAF_TAG_BYTES],
    int64_t index)
{
	ad[0] = LEAF_VERSION;
	memcpy(ad + 1, tag, LEAF_TAG_BYTES);
	be64(ad + 1 + LEAF_TAG_BYTES, index);
}

/*
 * The synthetic nonce: SipHash-2-4 with 128-bit output (libsodium's
 * siphashx24), keyed with the nonce key's first 16 bytes, of the index
 * and the plaintext, then the index itself.  Two seals share a nonce only
 * at the same index with a 2^-128 collision of the PRF, so a nonce is
 * never reused with another plaintext; SipHash over a few hundred bytes
 * costs a tenth of a keyed BLAKE2b of them on custosd's writer.
 */
static void
make_nonce(uint8_t nonce[LEAF_NONCE_BYTES], const struct leaf_keys *k,
    int64_t index, const uint8_t *msg, size_t msglen)
{
	crypto_shorthash_siphashx24(nonce, msg, msglen, k->nonce);
	be64(nonce + crypto_shorthash_siphashx24_BYTES, index);
}

int
leaf_seal(uint8_t leaf[LEAF_BYTES], struct buf *sealed,
    const struct leaf_keys *k, int64_t index, const void *plain, size_t len,
    struct err *e)
{
	uint8_t ad[AD_BYTES], tag[LEAF_TAG_BYTES], nonce[LEAF_NONCE_BYTES];
	unsigned long long clen = 0;
	size_t need = len + LEAF_SEAL_OVERHEAD;
	uint8_t *out = NULL;

	if (need < len || buf_extend(sealed, need, &out) == -1)
		return err_internal(e, "log entry too large to seal");
	/* index || plaintext, in the body's place until it is written. */
	be64(out, index);
	memcpy(out + 8, plain, len);
	make_nonce(nonce, k, index, out, 8 + len);
	memcpy(out, nonce, LEAF_NONCE_BYTES);
	leaf_tag(tag, k, index);
	make_ad(ad, tag, index);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + LEAF_NONCE_BYTES,
	    &clen, plain, len, ad, sizeof(ad), NULL, out, k->seal);
	leaf[0] = LEAF_VERSION;
	memcpy(leaf + 1, tag, LEAF_TAG_BYTES);
	body_hash(leaf + 1 + LEAF_TAG_BYTES, out, need);
	return 0;
}

int
leaf_check_body(const uint8_t *leaf, size_t len, const void *sealed,
    size_t slen, struct err *e)
{
	uint8_t h[LEAF_BODY_HASH];

	if (len != LEAF_BYTES || leaf[0] != LEAF_VERSION)
		return err_bad_request(e, "not a %s leaf (%zu bytes)",
		    LEAF_FORMAT, len);
	body_hash(h, sealed, slen);
	/* Public values: an ordinary compare would do; this one is as
	 * cheap. */
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
	if (buf_extend(plain, need, &out) == -1)
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
