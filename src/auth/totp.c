/* SPDX-License-Identifier: ISC */
#include "auth/totp.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

#define TOTP_STEP 30
#define TOTP_DIGITS 6

int
totp_setup(void)
{
	return oath_init() == OATH_OK ? 0 : -1;
}

void
totp_generate(struct rec_totp *t)
{
	memset(t, 0, sizeof(*t));
	randombytes_buf(t->secret, TOTP_SECRET_BYTES);
	t->len = TOTP_SECRET_BYTES;
}

int
totp_from_base32(struct rec_totp *t, const char *b32, const char *field,
    struct err *e)
{
	char clean[TOTP_B32_MAX + 1];
	char *out = NULL;
	size_t n = 0, outlen = 0, i;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	for (i = 0; b32[i] != '\0'; i++) {
		char c = b32[i];

		if (c == ' ' || c == '=')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) ||
		    n >= TOTP_B32_MAX) {
			err_bad_request(e, "field '%s' must be base32 of at "
			    "most %d characters", field, TOTP_B32_MAX);
			goto out;
		}
		clean[n++] = c;
	}
	/* Pad to a multiple of 8 as liboath's decoder expects. */
	while (n % 8 != 0 && n < sizeof(clean) - 1)
		clean[n++] = '=';
	clean[n] = '\0';
	if (oath_base32_decode(clean, n, &out, &outlen) != OATH_OK ||
	    outlen < 10 || outlen > REC_TOTP_MAX) {
		err_bad_request(e, "field '%s' must be base32 of a secret of "
		    "10 to %d bytes", field, REC_TOTP_MAX);
		goto out;
	}
	memcpy(t->secret, out, outlen);
	t->len = outlen;
	rc = 0;
out:
	sodium_memzero(clean, sizeof(clean));
	if (out != NULL) {
		sodium_memzero(out, outlen);
		free(out);
	}
	return rc;
}

/* Percent-encodes the characters of a label that may not stand in a URI. */
static void
uri_escape(char *dst, size_t size, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s != '\0' && o + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '@') {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '%';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
}

int
totp_uri(char *out, size_t size, const struct rec_totp *t,
    const char *issuer, const char *account)
{
	char *b32 = NULL, iss[128], acc[256];
	size_t len = 0;
	int rc;

	if (oath_base32_encode((const char *)t->secret, t->len, &b32, &len) !=
	    OATH_OK)
		return -1;
	/* Authenticator apps want the secret without padding. */
	while (len > 0 && b32[len - 1] == '=')
		b32[--len] = '\0';
	uri_escape(iss, sizeof(iss), issuer);
	uri_escape(acc, sizeof(acc), account);
	rc = str_printf(out, size, "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&algorithm=SHA1&digits=6&period=30", iss, acc, b32, iss);
	sodium_memzero(b32, len);
	free(b32);
	return rc;
}

/* liboath's comparison hook: constant-time, 0 on a match. */
static int
totp_cmp(void *handle, const char *test_otp)
{
	const char *given = handle;

	if (strlen(test_otp) != TOTP_DIGITS)
		return 1;
	return sodium_memcmp(given, test_otp, TOTP_DIGITS) == 0 ? 0 : 1;
}

int
totp_check(const struct rec_totp *t, const char *code, int64_t now,
    int64_t *step)
{
	char given[TOTP_DIGITS + 1];
	uint64_t counter = 0;
	int pos = 0, rc, i;

	if (t->len == 0 || strlen(code) != TOTP_DIGITS)
		return -1;
	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;
	memcpy(given, code, sizeof(given));
	rc = oath_totp_validate3_callback((const char *)t->secret, t->len,
	    (time_t)now, TOTP_STEP, 0, TOTP_DIGITS, 1, &pos, &counter,
	    totp_cmp, given);
	sodium_memzero(given, sizeof(given));
	if (rc < 0)
		return -1;
	*step = (int64_t)counter;
	return (int64_t)counter <= t->last_step ? 1 : 0;
}

int
totp_code(char out[8], const struct rec_totp *t, int64_t now)
{
	return oath_totp_generate((const char *)t->secret, t->len,
	    (time_t)now, TOTP_STEP, 0, TOTP_DIGITS, out) == OATH_OK ? 0 : -1;
}
