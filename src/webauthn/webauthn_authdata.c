/* SPDX-License-Identifier: ISC */
/*
 * webauthn_authdata: the framing of the authenticator data (WebAuthn L3
 * §6.1):
 *
 *   rpIdHash[32] flags[1] signCount[4 BE]
 *   [ aaguid[16] credIdLen[2 BE] credId[credIdLen] COSE_Key(CBOR map) ]  AT
 *   [ extensions(CBOR map) ]                                            ED
 *
 * Written here because libfido2 1.12 reads the parts it needs and stops:
 * cbor_decode_cred_authdata and cbor_decode_assert_authdata carry the
 * comment "XXX we should probably ensure that len == 0 at this point", so
 * bytes after the last part pass; an assertion's AT flag is not looked
 * at; BS without BE is not refused.  One byte string must have one
 * meaning, so those are refused here before libfido2 sees the bytes.
 * rpIdHash and the UP/UV flags are compared here too (libfido2 compares
 * them again when it verifies) so that a refusal can say which one
 * failed, and because for attestation "none" libfido2 verifies nothing.
 * CBOR items are bounded by webauthn_cbor_check, then read by libcbor.
 */
#include "webauthn/webauthn_int.h"

#include <string.h>

#include <cbor.h>
#include <sodium.h>

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Measures the CBOR map at p[0..len): its encoded length in *used, or
 * -1 when it is not one definite map.  With alg non-NULL, the map is a
 * COSE_Key and *alg its label 3 (an integer). */
static int
cbor_map_measure(const uint8_t *p, size_t len, size_t *used, int *alg)
{
	struct cbor_load_result res;
	struct cbor_pair *pairs;
	cbor_item_t *item;
	size_t i, n, walked;
	int rc = -1, found = 0;

	if (webauthn_cbor_check(p, len, &walked) != 0)
		return -1;
	item = cbor_load(p, walked, &res);
	if (item == NULL)
		return -1;
	if (!cbor_isa_map(item) || !cbor_map_is_definite(item) ||
	    res.read != walked)
		goto out;
	if (alg != NULL) {
		pairs = cbor_map_handle(item);
		n = cbor_map_size(item);
		for (i = 0; i < n; i++) {
			cbor_item_t *k = pairs[i].key, *v = pairs[i].value;

			if (!cbor_isa_uint(k) || cbor_get_int(k) != 3)
				continue;
			if (found)
				goto out;       /* label 3 twice */
			found = 1;
			if (cbor_isa_negint(v) && cbor_get_int(v) < 0x10000)
				*alg = -(int)cbor_get_int(v) - 1;
			else if (cbor_isa_uint(v) && cbor_get_int(v) < 0x10000)
				*alg = (int)cbor_get_int(v);
			else
				goto out;
		}
		if (!found)
			goto out;
	}
	*used = res.read;
	rc = 0;
out:
	cbor_decref(&item);
	return rc;
}

static int
bad(struct err *e, const char *what)
{
	return err_refuse(e, 400, "bad_request", "webauthn_auth_data",
	    "authenticator data %s", what);
}

int
webauthn_authdata_parse(struct webauthn_authdata *out,
    const struct webauthn_rp *rp, int uv_optional, const uint8_t *ad,
    size_t len, int attested, struct err *e)
{
	uint8_t want[crypto_hash_sha256_BYTES];
	const uint8_t *p = ad;
	size_t left = len, used;

	memset(out, 0, sizeof(*out));
	if (rp == NULL || rp->id == NULL || rp->id[0] == '\0')
		return err_internal(e, "webauthn: no RP ID to check against");
	if (ad == NULL || len < WEBAUTHN_AUTH_DATA_MIN)
		return bad(e, "is shorter than 37 bytes");
	if (len > WEBAUTHN_AUTH_DATA_MAX)
		return bad(e, "is too long");
	out->rp_id_hash = p;
	out->flags = p[32];
	out->sign_count = be32(p + 33);
	p += WEBAUTHN_AUTH_DATA_MIN;
	left -= WEBAUTHN_AUTH_DATA_MIN;

	crypto_hash_sha256(want, (const uint8_t *)rp->id, strlen(rp->id));
	if (sodium_memcmp(want, out->rp_id_hash, sizeof(want)) != 0)
		return err_refuse(e, 400, "bad_request", "webauthn_rp_id",
		    "authenticator data is for another RP ID than %s",
		    rp->id);
	if ((out->flags & WEBAUTHN_FLAG_UP) == 0)
		return err_refuse(e, 400, "bad_request", "webauthn_up",
		    "authenticator data lacks user presence (UP)");
	if ((out->flags & WEBAUTHN_FLAG_UV) == 0 && !uv_optional)
		return err_refuse(e, 400, "bad_request", "webauthn_uv",
		    "authenticator data lacks user verification (UV)");
	if ((out->flags & WEBAUTHN_FLAG_BS) != 0 &&
	    (out->flags & WEBAUTHN_FLAG_BE) == 0)
		return err_refuse(e, 400, "bad_request", "webauthn_backup",
		    "authenticator data says backed up (BS) but not backup "
		    "eligible (BE)");

	if (!attested != !(out->flags & WEBAUTHN_FLAG_AT))
		return bad(e, attested ? "of a registration lacks the "
		    "attested credential data (AT)" : "of an assertion "
		    "carries attested credential data (AT)");
	if (attested) {
		size_t idlen;

		if (left < 18)
			return bad(e, "is cut inside the attested credential "
			    "data");
		out->aaguid = p;
		idlen = (size_t)p[16] << 8 | p[17];
		p += 18;
		left -= 18;
		if (idlen == 0 || idlen > WEBAUTHN_CRED_ID_MAX)
			return bad(e, "has a credential ID of length 0 or "
			    "over 1023");
		if (left < idlen)
			return bad(e, "is cut inside the credential ID");
		out->cred_id = p;
		out->cred_id_len = idlen;
		p += idlen;
		left -= idlen;
		if (left == 0 || cbor_map_measure(p, left, &used,
		    &out->alg) != 0)
			return bad(e, "has no readable credential public key "
			    "(a COSE_Key map with an alg)");
		out->cose_key = p;
		out->cose_key_len = used;
		p += used;
		left -= used;
	}
	if (out->flags & WEBAUTHN_FLAG_ED) {
		if (left == 0 || cbor_map_measure(p, left, &used, NULL) != 0)
			return bad(e, "has the extensions flag (ED) but no "
			    "extensions map");
		out->ext = p;
		out->ext_len = used;
		p += used;
		left -= used;
	}
	if (left != 0)
		return bad(e, "has bytes after its last part");
	return 0;
}
