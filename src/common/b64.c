/* SPDX-License-Identifier: ISC */
#include "common/b64.h"

#include <sodium.h>

static int
b64_alphabet_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		    c == '='))
			return 0;
	}
	return 1;
}

int
b64_decode(uint8_t *out, size_t max, size_t *outlen, const char *s,
    size_t len)
{
	if (len % 4 != 0 || !b64_alphabet_ok(s, len))
		return -1;
	if (len == 0) {
		*outlen = 0;
		return 0;
	}
	return sodium_base642bin(out, max, s, len, NULL, outlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL);
}
