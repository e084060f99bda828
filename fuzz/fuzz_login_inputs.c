/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes what the login flow does with outside text: the base32 TOTP
 * secret (totp_from_base32), the code (totp_check), the device signature
 * (sodium_base642bin, then Ed25519 verify), ids (id_valid), times
 * (time_parse) and numbers (num_parse_i64).
 *
 * Input: 8 bytes of "now" (little-endian, folded into 0..2^34), one byte
 * for last_step's distance below now's step, then '\n'-separated fields:
 * secret, code, signature, id, time, number.  Each parser is checked
 * against what it promises, not only for crashes.
 */
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/totp.h"
#include "common/clock.h"
#include "common/num.h"
#include "common/rand.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 6

static unsigned char pk[crypto_sign_PUBLICKEYBYTES];
static const char challenge[] = "custos-login-v1:login_x:abc:1642773840";

static void
check_totp(const char *b32, const char *code, int64_t now, int back)
{
	struct rec_totp t;
	struct err e;
	char want[8];
	int64_t step = -7;
	int rc;

	err_init(&e);
	if (totp_from_base32(&t, b32, "totp_secret", &e) == -1) {
		if (e.status != 400 || t.len != 0 ||
		    strstr(e.msg, "'totp_secret'") == NULL)
			abort();
		memcpy(t.secret, "12345678901234567890", 20);
		t.len = 20;
	} else if (t.len < 10 || t.len > REC_TOTP_MAX) {
		abort();
	}
	t.last_step = now / 30 - back;
	rc = totp_check(&t, code, now, &step);
	if (rc != -1 && rc != 0 && rc != 1)
		abort();
	if (rc == -1)
		return;
	/* A match is six digits of a step within one of now's. */
	if (strlen(code) != 6 || step < now / 30 - 1 || step > now / 30 + 1)
		abort();
	if ((rc == 0) != (step > t.last_step))
		abort();
	if (totp_code(want, &t, step * 30) != 0 || strcmp(want, code) != 0)
		abort();
}

static void
check_signature(const char *b64)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t len = 0;

	if (sodium_base642bin(sig, sizeof(sig), b64, strlen(b64), NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    len != sizeof(sig))
		return;
	/* No random signature verifies against our key. */
	if (crypto_sign_verify_detached(sig, (const unsigned char *)challenge,
	    sizeof(challenge) - 1, pk) == 0)
		abort();
}

static void
check_id(const char *s)
{
	size_t i, n = strlen(s);

	if (!id_valid(s))
		return;
	if (n == 0 || n >= ID_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-.", s[i]) == NULL)
			abort();
}

static void
check_time(const char *s)
{
	char out[RFC3339_LEN];
	int64_t t, back;

	if (time_parse(&t, s) != 0)
		return;
	/* Within what RFC 3339 can write, formatting gives it back. */
	if (t < 0 || t > INT64_C(253402300799))
		return;
	time_format(out, t);
	if (time_parse(&back, out) != 0 || back != t)
		abort();
}

static void
check_number(const char *s)
{
	long long ref;
	int64_t v;
	char *end;

	if (num_parse_i64(&v, s, INT64_MIN, INT64_MAX) != 0)
		return;
	/* What num accepts, the C library reads the same way, whole. */
	if (!(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
		abort();
	errno = 0;
	ref = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || ref != v)
		abort();
	if (num_parse_i64(&v, s, v, v) != 0)
		abort();
	if (v < INT64_MAX && num_parse_i64(&v, s, v + 1, INT64_MAX) != -1)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char seed[crypto_sign_SEEDBYTES];

	if (sodium_init() < 0 || totp_setup() != 0)
		abort();
	memset(seed, 7, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(sk, sizeof(sk));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *field[NFIELDS];
	uint64_t raw = 0;
	int64_t now;
	char *text, *p;
	int i, back;

	if (size < 9)
		return 0;
	for (i = 0; i < 8; i++)
		raw |= (uint64_t)data[i] << (8 * i);
	now = (int64_t)(raw % (UINT64_C(1) << 34));
	back = data[8] % 4;
	text = malloc(size - 9 + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data + 9, size - 9);
	text[size - 9] = '\0';
	p = text;
	for (i = 0; i < NFIELDS; i++) {
		field[i] = p;
		p = strchr(p, '\n');
		if (p == NULL) {
			for (i++; i < NFIELDS; i++)
				field[i] = "";
			break;
		}
		*p++ = '\0';
	}
	check_totp(field[0], field[1], now, back);
	check_signature(field[2]);
	check_id(field[3]);
	check_time(field[4]);
	check_number(field[5]);
	free(text);
	return 0;
}
