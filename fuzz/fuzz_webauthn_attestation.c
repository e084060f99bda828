/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes a registration: the attestation object (CBOR, read with
 * libcbor), the authenticator data inside it and the attestation
 * statement through libfido2 (webauthn_register_verify_uv).
 *
 * Input: challenge[32] || clientDataJSON length (2 bytes, big-endian) ||
 * clientDataJSON || attestation object, checked against RP example.org,
 * origin https://example.org, UV optional (so the W3C vectors, most made
 * without UV, seed the corpus whole).  Promises checked: a refusal is a
 * 400 with a reason and leaves out zeroed; a pass gives a credential id
 * of 1..1023 bytes, a known alg with its key length, fmt none or packed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webauthn/webauthn.h"
#include "webauthn/webauthn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct webauthn_rp rp = { "example.org",
	"https://example.org" };

static int
zeroed(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct webauthn_cred c;
	struct err e;
	size_t cdlen;
	int rc;

	if (size < 34)
		return 0;
	cdlen = (size_t)data[32] << 8 | data[33];
	if (cdlen > size - 34)
		return 0;
	err_init(&e);
	rc = webauthn_register_verify_uv(&c, &rp, 1, data, 32, data + 34,
	    cdlen, data + 34 + cdlen, size - 34 - cdlen, &e);
	if (rc != 0) {
		if (e.status != 400 || e.reason == NULL || e.msg[0] == '\0' ||
		    !zeroed(&c, sizeof(c)))
			abort();
		return 0;
	}
	if (c.id_len == 0 || c.id_len > WEBAUTHN_CRED_ID_MAX)
		abort();
	if (!((c.alg == WEBAUTHN_ALG_ES256 && c.pubkey_len == 64) ||
	    (c.alg == WEBAUTHN_ALG_EDDSA && c.pubkey_len == 32) ||
	    (c.alg == WEBAUTHN_ALG_RS256 && c.pubkey_len == 259)))
		abort();
	if (strcmp(c.fmt, "none") != 0 && strcmp(c.fmt, "packed") != 0)
		abort();
	if (c.backed_up && !c.backup_eligible)
		abort();
	return 0;
}
