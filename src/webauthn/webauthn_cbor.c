/* SPDX-License-Identifier: ISC */
/*
 * webauthn_cbor: a bounded well-formedness walk over CBOR (RFC 8949) run
 * before any CBOR byte reaches libcbor.
 *
 * Written here because libcbor 0.8 (Debian's, which libfido2 also uses)
 * allocates a definite array or map for the item count its header
 * declares before reading the items: nine bytes claiming 2^31 entries
 * ask malloc for 17 GB (found by fuzz_webauthn_attestation).  The walk
 * refuses any count larger than the bytes left could hold (each item
 * takes at least one byte), any string longer than the bytes left,
 * indefinite lengths (CTAP2's canonical CBOR has none, and browsers pass
 * the authenticator's bytes through), reserved additional-information
 * values, a stray "break", and nesting deeper than WEBAUTHN_CBOR_DEPTH.
 * After it, libcbor allocates at most a few times the input's size.
 */
#include "webauthn/webauthn_int.h"

/* Reads the head at p[0..len): major type, argument, head length. */
static int
head(const uint8_t *p, size_t len, int *major, uint64_t *arg, size_t *hl)
{
	uint8_t ai;
	size_t n, i;

	if (len == 0)
		return -1;
	*major = p[0] >> 5;
	ai = p[0] & 0x1f;
	if (ai < 24) {
		*arg = ai;
		*hl = 1;
		return 0;
	}
	if (ai > 27)
		return -1;      /* 28-30 reserved, 31 indefinite or break */
	n = (size_t)1 << (ai - 24);
	if (len < 1 + n)
		return -1;
	*arg = 0;
	for (i = 0; i < n; i++)
		*arg = *arg << 8 | p[1 + i];
	*hl = 1 + n;
	return 0;
}

static int
walk(const uint8_t *p, size_t len, size_t *used, int depth)
{
	uint64_t arg, i, items;
	size_t hl, off, u;
	int major;

	if (depth > WEBAUTHN_CBOR_DEPTH || head(p, len, &major, &arg, &hl) != 0)
		return -1;
	off = hl;
	switch (major) {
	case 0:                 /* unsigned */
	case 1:                 /* negative */
	case 7:                 /* simple values and floats */
		break;
	case 2:                 /* bytes */
	case 3:                 /* text (UTF-8 is libcbor's and our callers') */
		if (arg > len - off)
			return -1;
		off += (size_t)arg;
		break;
	case 4:                 /* array */
	case 5:                 /* map */
		items = major == 5 ? arg * 2 : arg;
		if (arg > len - off || items > len - off)
			return -1;
		for (i = 0; i < items; i++) {
			if (walk(p + off, len - off, &u, depth + 1) != 0)
				return -1;
			off += u;
		}
		break;
	case 6:                 /* tag */
		if (walk(p + off, len - off, &u, depth + 1) != 0)
			return -1;
		off += u;
		break;
	default:
		return -1;
	}
	*used = off;
	return 0;
}

int
webauthn_cbor_check(const uint8_t *p, size_t len, size_t *used)
{
	*used = 0;
	if (p == NULL)
		return -1;
	return walk(p, len, used, 0);
}
