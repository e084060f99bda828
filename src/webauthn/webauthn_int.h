/* SPDX-License-Identifier: ISC */
/*
 * webauthn_int: the parts of the WebAuthn checks that libfido2 and
 * libcbor do not do, split out so each parser of outside bytes has its
 * own fuzz target: clientDataJSON (webauthn_clientdata.c), the framing of
 * the authenticator data (webauthn_authdata.c) and the bounds of CBOR
 * (webauthn_cbor.c).  Private to src/webauthn/ (and the fuzz targets and
 * unit tests).
 */
#ifndef CUSTOS_WEBAUTHN_WEBAUTHN_INT_H
#define CUSTOS_WEBAUTHN_WEBAUTHN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "webauthn/webauthn.h"

/* Authenticator data flags (WebAuthn L3 §6.1). */
#define WEBAUTHN_FLAG_UP 0x01
#define WEBAUTHN_FLAG_UV 0x04
#define WEBAUTHN_FLAG_BE 0x08
#define WEBAUTHN_FLAG_BS 0x10
#define WEBAUTHN_FLAG_AT 0x40
#define WEBAUTHN_FLAG_ED 0x80

#define WEBAUTHN_AUTH_DATA_MIN 37       /* rpIdHash, flags, signCount */

/* The deepest CBOR nesting accepted: the attestation object is the
 * deepest WebAuthn structure (map > attStmt map > x5c array > bytes). */
#define WEBAUTHN_CBOR_DEPTH 8

/* The authenticator data, cut into its parts (pointers into the input). */
struct webauthn_authdata {
	const uint8_t *rp_id_hash;      /* 32 bytes */
	uint8_t flags;
	uint32_t sign_count;
	/* attested credential data, when flags has AT */
	const uint8_t *aaguid;          /* 16 bytes */
	const uint8_t *cred_id;
	size_t cred_id_len;
	const uint8_t *cose_key;        /* the COSE_Key, CBOR */
	size_t cose_key_len;
	int alg;                        /* the COSE_Key's alg (label 3) */
	/* extensions, when flags has ED */
	const uint8_t *ext;
	size_t ext_len;
};

/* Walks the one CBOR item at the start of p[0..len) without allocating:
 * 0 with *used its encoded length, or -1 when it is not well formed or
 * breaks a bound libcbor 0.8 does not keep (see webauthn_cbor.c).  Every
 * CBOR byte is walked before libcbor or libfido2 loads it. */
int webauthn_cbor_check(const uint8_t *p, size_t len, size_t *used)
    __attribute__((warn_unused_result));

/* Checks clientDataJSON cd[0..cdlen) (the exact bytes the client sent)
 * as WebAuthn L3 §7.1 steps 5-12 and §7.2 steps 8-15 ask: a JSON object
 * (UTF-8, no duplicate member names) whose "type" is type, whose
 * "challenge" is base64url(challenge), whose "origin" is rp->origin,
 * whose "crossOrigin", if present, is false, with no "topOrigin", and
 * no "tokenBinding" of status "present" (custos cannot check one).
 * Other members are ignored, as the spec asks.  0 or -1 with e. */
int webauthn_clientdata_check(const struct webauthn_rp *rp, const char *type,
    const uint8_t *challenge, size_t clen, const uint8_t *cd, size_t cdlen,
    struct err *e) __attribute__((warn_unused_result));

/* Cuts authenticator data ad[0..len) into out and checks its framing
 * and what the RP must check of it: rpIdHash = SHA-256(rp->id); UP set;
 * UV set unless uv_optional; BS only with BE; AT set when attested
 * (registration) and clear otherwise (assertion); the attested
 * credential data (credential id 1..WEBAUTHN_CRED_ID_MAX bytes, a COSE
 * key that is a CBOR map with an integer alg) and the extensions (a CBOR
 * map) present exactly when their flags say so; and nothing after them.
 * 0 or -1 with e. */
int webauthn_authdata_parse(struct webauthn_authdata *out,
    const struct webauthn_rp *rp, int uv_optional, const uint8_t *ad,
    size_t len, int attested, struct err *e)
    __attribute__((warn_unused_result));

/* webauthn_register_verify and webauthn_assert_verify with the UV flag
 * optional when uv_optional is 1 (out->uv says whether it was set).
 * Only for checking published vectors, which were made with random
 * flags, most without UV: custos requires UV, and because this header
 * is private to src/webauthn/ (scripts/checkdeps), nothing in custosd
 * can ask for less. */
int webauthn_register_verify_uv(struct webauthn_cred *out,
    const struct webauthn_rp *rp, int uv_optional,
    const uint8_t *challenge, size_t clen,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *attestation, size_t alen, struct err *e)
    __attribute__((warn_unused_result));
int webauthn_assert_verify_uv(struct webauthn_assertion *out,
    const struct webauthn_rp *rp, int uv_optional,
    const uint8_t *challenge, size_t clen,
    const struct webauthn_cred *cred,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *auth_data, size_t adlen,
    const uint8_t *sig, size_t siglen, struct err *e)
    __attribute__((warn_unused_result));

#endif
