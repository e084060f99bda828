/* SPDX-License-Identifier: ISC */
#include "common/rand.h"

#include <sodium.h>
#include <string.h>

#include "common/str.h"

void
base32_encode(char *out, const uint8_t *in, size_t n)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint32_t acc = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alpha[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

void
id_new(char out[ID_MAX], const char *prefix)
{
	uint8_t r[16];
	char enc[32];

	randombytes_buf(r, sizeof(r));
	base32_encode(enc, r, sizeof(r));
	str_printf(out, ID_MAX, "%s_%s", prefix, enc);
}

int
id_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= ID_MAX - 1)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.'))
			return 0;
	}
	return i > 0;
}

int
token_new(char *out, size_t size, const char *prefix)
{
	uint8_t r[TOKEN_BYTES];
	char enc[64];
	int rc;

	randombytes_buf(r, sizeof(r));
	base32_encode(enc, r, sizeof(r));
	rc = str_printf(out, size, "%s_%s", prefix, enc);
	sodium_memzero(r, sizeof(r));
	sodium_memzero(enc, sizeof(enc));
	return rc;
}

void
token_hash(uint8_t out[TOKEN_HASH_LEN], const char *token)
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}
