/* SPDX-License-Identifier: ISC */
/*
 * webauthn: the server side of WebAuthn (https://www.w3.org/TR/webauthn-3/)
 * for custos's passkeys: checks a registration
 * (navigator.credentials.create) and an assertion
 * (navigator.credentials.get) against the challenge the server issued and
 * the relying party (RP) it is.  Pure functions: no store, no HTTP, no
 * clock; the caller keeps the challenge (single use) and the credential.
 *
 * Signatures and attestation statements are checked by libfido2; the
 * attestation object is read with libcbor; clientDataJSON (jansson) and
 * the framing of the authenticator data are checked here, because
 * libfido2 does neither (see docs/internals/webauthn.md).
 *
 * Every refusal is -1 with e set: status 400, code "bad_request", a
 * sentence naming what failed, and e->reason one of the short static
 * words "webauthn_input", "webauthn_type", "webauthn_challenge",
 * "webauthn_origin", "webauthn_cross_origin", "webauthn_rp_id",
 * "webauthn_up", "webauthn_uv", "webauthn_backup", "webauthn_auth_data",
 * "webauthn_attestation", "webauthn_alg", "webauthn_signature" for the
 * caller's own log.  Nothing secret is in the sentence.
 */
#ifndef CUSTOS_WEBAUTHN_WEBAUTHN_H
#define CUSTOS_WEBAUTHN_WEBAUTHN_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define WEBAUTHN_CRED_ID_MAX 1023
#define WEBAUTHN_PUBKEY_MAX 600          /* the stored public key blob */
#define WEBAUTHN_CLIENT_DATA_MAX 4096
#define WEBAUTHN_ATTESTATION_MAX 16384
#define WEBAUTHN_AUTH_DATA_MAX 4096
#define WEBAUTHN_SIG_MAX 600
#define WEBAUTHN_CHALLENGE_LEN 32

/* The challenge lengths accepted: custos issues WEBAUTHN_CHALLENGE_LEN;
 * the spec asks for at least 16 random bytes; 64 is what some RP
 * libraries (and their published test vectors) use. */
#define WEBAUTHN_CHALLENGE_MIN 16
#define WEBAUTHN_CHALLENGE_MAX 64

/* COSE algorithm identifiers accepted (RFC 9053, IANA COSE registry). */
#define WEBAUTHN_ALG_ES256 (-7)
#define WEBAUTHN_ALG_EDDSA (-8)
#define WEBAUTHN_ALG_RS256 (-257)

struct webauthn_rp {
	const char *id;          /* "localhost", "custos.example.com" */
	const char *origin;      /* "http://localhost:8443" */
};

/* A registered credential: what the store keeps. */
struct webauthn_cred {
	uint8_t id[WEBAUTHN_CRED_ID_MAX];
	size_t id_len;
	int alg;                 /* COSE: -7 ES256, -8 EdDSA, -257 RS256 */
	uint8_t pubkey[WEBAUTHN_PUBKEY_MAX];   /* libfido2's raw form for alg */
	size_t pubkey_len;
	uint32_t sign_count;
	uint8_t aaguid[16];
	int uv, backup_eligible, backed_up;
	char fmt[16];            /* "none", "packed", ... */
};

struct webauthn_assertion {
	uint32_t sign_count;
	int uv, backed_up;
};

/* Checks a registration (navigator.credentials.create) against the
 * challenge the server issued: clientDataJSON type webauthn.create, the
 * challenge, the origin, rpIdHash, UP and UV set, attestation "none" or a
 * verifiable "packed" (self or x5c; the chain is not judged), alg among
 * ES256/EdDSA/RS256.  0 with out filled, or -1 with e (status 400, a
 * sentence naming what failed). */
int webauthn_register_verify(struct webauthn_cred *out,
    const struct webauthn_rp *rp, const uint8_t *challenge, size_t clen,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *attestation, size_t alen, struct err *e)
    __attribute__((warn_unused_result));

/* Checks an assertion (navigator.credentials.get) by cred: type
 * webauthn.get, challenge, origin, rpIdHash, UP and UV set, signature.
 * It does not judge sign_count (the caller compares with the stored one).
 * 0 with out filled, or -1 with e. */
int webauthn_assert_verify(struct webauthn_assertion *out,
    const struct webauthn_rp *rp, const uint8_t *challenge, size_t clen,
    const struct webauthn_cred *cred,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *auth_data, size_t adlen,
    const uint8_t *sig, size_t siglen, struct err *e)
    __attribute__((warn_unused_result));

/* base64url without padding (what WebAuthn JSON uses): 0 or -1.
 * decode: the whole of the NUL-terminated in, alphabet A-Z a-z 0-9 - _
 * only (no '=', no whitespace), unused trailing bits zero; *outlen the
 * length written to out[cap].  encode: out[cap] gets the text and a NUL. */
int webauthn_b64url_decode(uint8_t *out, size_t cap, size_t *outlen,
    const char *in) __attribute__((warn_unused_result));
int webauthn_b64url_encode(char *out, size_t cap, const uint8_t *in,
    size_t len) __attribute__((warn_unused_result));

#endif
