/* SPDX-License-Identifier: ISC */
#include "store/seal.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

_Static_assert(SEAL_KEY_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "an XChaCha20 key");
_Static_assert(SEAL_OVERHEAD == 1 +
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
    crypto_aead_xchacha20poly1305_ietf_ABYTES, "version, nonce, tag");

#define AD_MAX (16 + 2 * ID_MAX + 8)

static uint8_t seal_key[SEAL_KEY_BYTES];
static int seal_keyed;
static pthread_once_t seal_once = PTHREAD_ONCE_INIT;

void
seal_setup(const uint8_t key[SEAL_KEY_BYTES])
{
	memcpy(seal_key, key, SEAL_KEY_BYTES);
	seal_keyed = 1;
}

/* Without seal_setup: a key of this process only. */
static void
seal_default(void)
{
	if (!seal_keyed)
		randombytes_buf(seal_key, sizeof(seal_key));
	seal_keyed = 1;
}

/* "custos-totp-v1" NUL kind NUL tenant NUL id: the row, unambiguously. */
static size_t
seal_ad(uint8_t ad[AD_MAX], const char *kind, const char *tenant,
    const char *id)
{
	const char *part[4] = {"custos-totp-v1", kind, tenant, id};
	size_t i, n = 0;

	for (i = 0; i < 4; i++) {
		size_t l = strnlen(part[i], ID_MAX);

		if (n + l + 1 > AD_MAX)
			break;
		memcpy(ad + n, part[i], l);
		n += l;
		ad[n++] = '\0';
	}
	return n;
}

void
seal_secret(uint8_t out[SEAL_MAX], size_t *outlen, const char *kind,
    const char *tenant, const char *id, const uint8_t *secret, size_t len)
{
	uint8_t ad[AD_MAX];
	unsigned long long clen = 0;
	size_t adlen = seal_ad(ad, kind, tenant, id);

	pthread_once(&seal_once, seal_default);
	if (len > REC_TOTP_MAX)
		len = REC_TOTP_MAX;
	out[0] = SEAL_VERSION;
	randombytes_buf(out + 1, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 +
	    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, secret, len,
	    ad, adlen, NULL, out + 1, seal_key);
	*outlen = 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
	    (size_t)clen;
}

int
seal_open(uint8_t *secret, size_t size, size_t *len, const char *kind,
    const char *tenant, const char *id, const uint8_t *in, size_t inlen)
{
	const size_t head = 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	uint8_t ad[AD_MAX];
	unsigned long long mlen = 0;
	size_t adlen = seal_ad(ad, kind, tenant, id);

	pthread_once(&seal_once, seal_default);
	*len = 0;
	if (inlen < SEAL_OVERHEAD || inlen > SEAL_MAX || in[0] != SEAL_VERSION ||
	    inlen - SEAL_OVERHEAD > size)
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(secret, &mlen, NULL,
	    in + head, inlen - head, ad, adlen, in + 1, seal_key) != 0) {
		sodium_memzero(secret, size);
		return -1;
	}
	*len = (size_t)mlen;
	return 0;
}
