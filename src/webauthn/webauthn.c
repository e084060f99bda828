/* SPDX-License-Identifier: ISC */
/*
 * webauthn: registration and assertion checks (see webauthn.h).
 *
 * Who does what:
 *   - clientDataJSON: webauthn_clientdata.c (libfido2 only hashes it);
 *   - authenticator data framing, rpIdHash, UP/UV/BE/BS flags:
 *     webauthn_authdata.c (libfido2 accepts trailing bytes);
 *   - the attestation object {fmt, attStmt, authData}: libcbor, here
 *     (libfido2 takes the three parts, not the object), after
 *     webauthn_cbor.c has bounded it (libcbor 0.8 allocates what a
 *     header declares);
 *   - the COSE public key -> libfido2's raw form, the attestation
 *     signature (packed: self or x5c) and the assertion signature:
 *     libfido2 (fido_cred_set_authdata_raw, fido_cred_verify[_self],
 *     fido_assert_verify), which also checks rpIdHash and UP/UV again;
 *   - the extension outputs a packed statement signed: read here and
 *     echoed to libfido2, which refuses unrequested ones.
 */
#include "webauthn/webauthn.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/rs256.h>
#include <sodium.h>

#include "webauthn/webauthn_int.h"

#define FMT_MAX 15              /* out->fmt holds 15 characters */

/* The attestation object's three parts (pointers into the CBOR items of
 * the loaded object, which the caller frees). */
struct attobj {
	char fmt[FMT_MAX + 1];
	cbor_item_t *att_stmt;          /* a definite map */
	const uint8_t *auth_data;
	size_t auth_data_len;
};

static int
refuse_att(struct err *e, const char *what)
{
	return err_refuse(e, 400, "bad_request", "webauthn_attestation",
	    "attestation object %s", what);
}

static int
alg_supported(int alg)
{
	return alg == WEBAUTHN_ALG_ES256 || alg == WEBAUTHN_ALG_EDDSA ||
	    alg == WEBAUTHN_ALG_RS256;
}

/* 1 when the CBOR item is the definite text string s. */
static int
cbor_text_is(const cbor_item_t *item, const char *s)
{
	size_t n = strlen(s);

	return cbor_isa_string(item) && cbor_string_is_definite(item) &&
	    cbor_string_length(item) == n &&
	    strncmp((const char *)cbor_string_handle(item), s, n) == 0;
}

/* Reads the attestation object: a definite CBOR map of exactly "fmt"
 * (text), "attStmt" (map) and "authData" (bytes), each once, and nothing
 * after it.  libfido2 wants the parts, not the object, so this is ours. */
static int
attobj_parse(struct attobj *a, cbor_item_t **root, const uint8_t *att,
    size_t alen, struct err *e)
{
	struct cbor_load_result res;
	struct cbor_pair *pairs;
	cbor_item_t *fmt = NULL, *stmt = NULL, *ad = NULL;
	size_t i, n, used;

	memset(a, 0, sizeof(*a));
	*root = NULL;
	if (webauthn_cbor_check(att, alen, &used) != 0)
		return refuse_att(e, "is not well-formed, bounded CBOR");
	if (used != alen)
		return refuse_att(e, "has bytes after its CBOR map");
	*root = cbor_load(att, alen, &res);
	if (*root == NULL || res.read != alen)
		return refuse_att(e, "is not CBOR libcbor can read");
	if (!cbor_isa_map(*root) || !cbor_map_is_definite(*root))
		return refuse_att(e, "is not a definite CBOR map");
	pairs = cbor_map_handle(*root);
	n = cbor_map_size(*root);
	for (i = 0; i < n; i++) {
		cbor_item_t **slot;

		if (cbor_text_is(pairs[i].key, "fmt"))
			slot = &fmt;
		else if (cbor_text_is(pairs[i].key, "attStmt"))
			slot = &stmt;
		else if (cbor_text_is(pairs[i].key, "authData"))
			slot = &ad;
		else
			return refuse_att(e, "has a member other than fmt, "
			    "attStmt and authData");
		if (*slot != NULL)
			return refuse_att(e, "repeats a member");
		*slot = pairs[i].value;
	}
	if (fmt == NULL || stmt == NULL || ad == NULL)
		return refuse_att(e, "lacks fmt, attStmt or authData");
	if (!cbor_isa_string(fmt) || !cbor_string_is_definite(fmt) ||
	    cbor_string_length(fmt) == 0 ||
	    cbor_string_length(fmt) > FMT_MAX ||
	    memchr(cbor_string_handle(fmt), '\0',
	    cbor_string_length(fmt)) != NULL)
		return refuse_att(e, "has a fmt that is not a short text");
	memcpy(a->fmt, cbor_string_handle(fmt), cbor_string_length(fmt));
	a->fmt[cbor_string_length(fmt)] = '\0';
	if (!cbor_isa_map(stmt) || !cbor_map_is_definite(stmt))
		return refuse_att(e, "has an attStmt that is not a map");
	a->att_stmt = stmt;
	if (!cbor_isa_bytestring(ad) || !cbor_bytestring_is_definite(ad))
		return refuse_att(e, "has an authData that is not bytes");
	a->auth_data = cbor_bytestring_handle(ad);
	a->auth_data_len = cbor_bytestring_length(ad);
	return 0;
}

/* The packed attStmt (WebAuthn L3 §8.2): {alg, sig, x5c?}, nothing else
 * (ecdaaKeyId is gone from the spec and libfido2 has no ECDAA).  *alg
 * the attestation alg, *has_x5c whether a certificate chain came. */
static int
packed_stmt_read(const cbor_item_t *stmt, int *alg, int *has_x5c,
    struct err *e)
{
	struct cbor_pair *pairs = cbor_map_handle(stmt);
	size_t i, n = cbor_map_size(stmt);
	int have_alg = 0, have_sig = 0;

	*has_x5c = 0;
	for (i = 0; i < n; i++) {
		const cbor_item_t *v = pairs[i].value;

		if (cbor_text_is(pairs[i].key, "alg")) {
			if (have_alg || !cbor_isa_negint(v) ||
			    cbor_get_int(v) >= 0x10000)
				return refuse_att(e, "has a packed alg that "
				    "is not one negative integer");
			*alg = -(int)cbor_get_int(v) - 1;
			have_alg = 1;
		} else if (cbor_text_is(pairs[i].key, "sig")) {
			if (have_sig || !cbor_isa_bytestring(v) ||
			    !cbor_bytestring_is_definite(v) ||
			    cbor_bytestring_length(v) == 0)
				return refuse_att(e, "has a packed sig that "
				    "is not one byte string");
			have_sig = 1;
		} else if (cbor_text_is(pairs[i].key, "x5c")) {
			if (*has_x5c || !cbor_isa_array(v) ||
			    !cbor_array_is_definite(v) ||
			    cbor_array_size(v) == 0)
				return refuse_att(e, "has a packed x5c that "
				    "is not a list of certificates");
			*has_x5c = 1;
		} else {
			return refuse_att(e, "has a packed attStmt member "
			    "other than alg, sig and x5c");
		}
	}
	if (!have_alg || !have_sig)
		return refuse_att(e, "has a packed attStmt without alg or "
		    "sig");
	return 0;
}

/* Tells libfido2 which extensions the authenticator data carries.
 * fido_cred_verify[_self] refuse a statement whose authenticator data
 * has extension outputs the caller did not request (check_extensions
 * compares its decoding of the map with fido_cred_set_extensions and
 * friends); custos requests none, but authenticators and browsers add
 * credProtect to discoverable credentials by themselves.  The signature
 * covers the map either way, so it is read here, in libfido2's order and
 * with its rules (decode_cred_extension in libfido2 1.12's cbor.c), and
 * echoed back: -1 only when libfido2 would not accept the value. */
static int
cred_echo_extensions(fido_cred_t *cred, const uint8_t *ext, size_t len)
{
	struct cbor_load_result res;
	struct cbor_pair *pairs;
	cbor_item_t *map;
	size_t i, n;
	int rc = -1;

	if (ext == NULL)
		return 0;
	map = cbor_load(ext, len, &res);
	if (map == NULL)
		return -1;
	if (!cbor_isa_map(map) || !cbor_map_is_definite(map))
		goto out;
	pairs = cbor_map_handle(map);
	n = cbor_map_size(map);
	for (i = 0; i < n; i++) {
		const cbor_item_t *v = pairs[i].value;
		int is_true = cbor_isa_float_ctrl(v) && cbor_is_bool(v) &&
		    cbor_ctrl_value(v) == CBOR_CTRL_TRUE;
		int is_u8 = cbor_isa_uint(v) &&
		    cbor_int_get_width(v) == CBOR_INT_8;

		if (cbor_text_is(pairs[i].key, "hmac-secret") && is_true) {
			if (fido_cred_set_extensions(cred,
			    FIDO_EXT_HMAC_SECRET) != FIDO_OK)
				goto out;
		} else if (cbor_text_is(pairs[i].key, "credBlob") && is_true) {
			if (fido_cred_set_extensions(cred,
			    FIDO_EXT_CRED_BLOB) != FIDO_OK)
				goto out;
		} else if (cbor_text_is(pairs[i].key, "credProtect") &&
		    is_u8) {
			if (fido_cred_set_prot(cred, cbor_get_uint8(v)) !=
			    FIDO_OK)
				goto out;
		} else if (cbor_text_is(pairs[i].key, "minPinLength") &&
		    is_u8) {
			if (fido_cred_set_pin_minlen(cred, cbor_get_uint8(v)) !=
			    FIDO_OK)
				goto out;
		}
	}
	rc = 0;
out:
	cbor_decref(&map);
	return rc;
}

/* Loads a stored raw public key for alg into a libfido2 key object; the
 * same call at registration proves the key the store keeps is usable
 * (es256_pk_from_ptr checks the point is on the curve).  *pk is freed
 * with pubkey_free. */
static int
pubkey_load(void **pk, int alg, const uint8_t *raw, size_t len)
{
	*pk = NULL;
	switch (alg) {
	case WEBAUTHN_ALG_ES256:
		if ((*pk = es256_pk_new()) == NULL ||
		    es256_pk_from_ptr(*pk, raw, len) != FIDO_OK)
			return -1;
		return 0;
	case WEBAUTHN_ALG_EDDSA:
		if ((*pk = eddsa_pk_new()) == NULL ||
		    eddsa_pk_from_ptr(*pk, raw, len) != FIDO_OK)
			return -1;
		return 0;
	case WEBAUTHN_ALG_RS256:
		if ((*pk = rs256_pk_new()) == NULL ||
		    rs256_pk_from_ptr(*pk, raw, len) != FIDO_OK)
			return -1;
		return 0;
	default:
		return -1;
	}
}

static void
pubkey_free(void *pk, int alg)
{
	es256_pk_t *es = pk;
	eddsa_pk_t *ed = pk;
	rs256_pk_t *rs = pk;

	if (pk == NULL)
		return;
	if (alg == WEBAUTHN_ALG_ES256)
		es256_pk_free(&es);
	else if (alg == WEBAUTHN_ALG_EDDSA)
		eddsa_pk_free(&ed);
	else if (alg == WEBAUTHN_ALG_RS256)
		rs256_pk_free(&rs);
}

int
webauthn_register_verify_uv(struct webauthn_cred *out,
    const struct webauthn_rp *rp, int uv_optional,
    const uint8_t *challenge, size_t clen,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *attestation, size_t alen, struct err *e)
{
	struct webauthn_authdata ad;
	struct attobj a;
	cbor_item_t *root = NULL;
	fido_cred_t *cred = NULL;
	unsigned char *stmt_cbor = NULL;
	size_t stmt_len = 0, alloc_len;
	void *pk = NULL;
	int rc = -1, r, att_alg = 0, has_x5c = 0;

	memset(out, 0, sizeof(*out));
	memset(&ad, 0, sizeof(ad));
	if (webauthn_clientdata_check(rp, "webauthn.create", challenge, clen,
	    client_data, cdlen, e) != 0)
		goto out;
	if (attestation == NULL || alen == 0 ||
	    alen > WEBAUTHN_ATTESTATION_MAX) {
		err_refuse(e, 400, "bad_request", "webauthn_input",
		    "attestation object is empty or longer than %d bytes",
		    WEBAUTHN_ATTESTATION_MAX);
		goto out;
	}
	if (attobj_parse(&a, &root, attestation, alen, e) != 0)
		goto out;
	if (webauthn_authdata_parse(&ad, rp, uv_optional, a.auth_data,
	    a.auth_data_len, 1, e) != 0)
		goto out;
	if (!alg_supported(ad.alg)) {
		err_refuse(e, 400, "bad_request", "webauthn_alg",
		    "credential algorithm %d is not ES256, EdDSA or RS256",
		    ad.alg);
		goto out;
	}

	if (strcmp(a.fmt, "none") == 0) {
		if (cbor_map_size(a.att_stmt) != 0) {
			refuse_att(e, "of format none has a statement");
			goto out;
		}
	} else if (strcmp(a.fmt, "packed") == 0) {
		if (packed_stmt_read(a.att_stmt, &att_alg, &has_x5c, e) != 0)
			goto out;
		/* Self attestation signs with the credential key itself, so
		 * its alg must be the credential's (§8.2 step 3);
		 * fido_cred_verify_self does not compare them. */
		if (!has_x5c && att_alg != ad.alg) {
			refuse_att(e, "of format packed (self) names another "
			    "alg than the credential's");
			goto out;
		}
		stmt_len = cbor_serialize_alloc(a.att_stmt, &stmt_cbor,
		    &alloc_len);
		if (stmt_len == 0) {
			err_internal(e, "webauthn: out of memory");
			goto out;
		}
	} else {
		err_refuse(e, 400, "bad_request", "webauthn_attestation",
		    "attestation format %s is not accepted (none or packed)",
		    a.fmt);
		goto out;
	}

	/* libfido2 decodes the COSE key (kty, crv and size for the alg)
	 * into its raw form, and for packed checks the statement. */
	if ((cred = fido_cred_new()) == NULL) {
		err_internal(e, "webauthn: out of memory");
		goto out;
	}
	if (fido_cred_set_type(cred, ad.alg) != FIDO_OK ||
	    fido_cred_set_authdata_raw(cred, a.auth_data,
	    a.auth_data_len) != FIDO_OK ||
	    fido_cred_pubkey_len(cred) == 0 ||
	    fido_cred_pubkey_len(cred) > sizeof(out->pubkey) ||
	    fido_cred_id_len(cred) != ad.cred_id_len) {
		err_refuse(e, 400, "bad_request", "webauthn_auth_data",
		    "credential public key is not a valid key for its alg");
		goto out;
	}
	if (pubkey_load(&pk, ad.alg, fido_cred_pubkey_ptr(cred),
	    fido_cred_pubkey_len(cred)) != 0) {
		err_refuse(e, 400, "bad_request", "webauthn_auth_data",
		    "credential public key is not a usable key");
		goto out;
	}
	if (stmt_cbor != NULL) {
		if (fido_cred_set_fmt(cred, a.fmt) != FIDO_OK ||
		    fido_cred_set_attstmt(cred, stmt_cbor, stmt_len) !=
		    FIDO_OK ||
		    fido_cred_set_clientdata(cred, client_data, cdlen) !=
		    FIDO_OK ||
		    fido_cred_set_rp(cred, rp->id, NULL) != FIDO_OK ||
		    fido_cred_set_uv(cred, uv_optional ? FIDO_OPT_OMIT :
		    FIDO_OPT_TRUE) != FIDO_OK) {
			refuse_att(e, "has a statement libfido2 cannot read");
			goto out;
		}
		if (cred_echo_extensions(cred, ad.ext, ad.ext_len) != 0) {
			err_refuse(e, 400, "bad_request", "webauthn_auth_data",
			    "authenticator data has an extension value "
			    "libfido2 does not accept");
			goto out;
		}
		r = has_x5c ? fido_cred_verify(cred) :
		    fido_cred_verify_self(cred);
		if (r != FIDO_OK) {
			err_refuse(e, 400, "bad_request",
			    "webauthn_attestation", "packed attestation "
			    "(%s) does not verify: %s", has_x5c ? "x5c" :
			    "self", fido_strerr(r));
			goto out;
		}
	}

	memcpy(out->id, ad.cred_id, ad.cred_id_len);
	out->id_len = ad.cred_id_len;
	out->alg = ad.alg;
	memcpy(out->pubkey, fido_cred_pubkey_ptr(cred),
	    fido_cred_pubkey_len(cred));
	out->pubkey_len = fido_cred_pubkey_len(cred);
	out->sign_count = ad.sign_count;
	memcpy(out->aaguid, ad.aaguid, sizeof(out->aaguid));
	out->uv = (ad.flags & WEBAUTHN_FLAG_UV) != 0;
	out->backup_eligible = (ad.flags & WEBAUTHN_FLAG_BE) != 0;
	out->backed_up = (ad.flags & WEBAUTHN_FLAG_BS) != 0;
	memcpy(out->fmt, a.fmt, sizeof(out->fmt));
	rc = 0;
out:
	pubkey_free(pk, ad.alg);
	fido_cred_free(&cred);
	free(stmt_cbor);
	if (root != NULL)
		cbor_decref(&root);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
webauthn_assert_verify_uv(struct webauthn_assertion *out,
    const struct webauthn_rp *rp, int uv_optional,
    const uint8_t *challenge, size_t clen,
    const struct webauthn_cred *cred,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *auth_data, size_t adlen,
    const uint8_t *sig, size_t siglen, struct err *e)
{
	struct webauthn_authdata ad;
	fido_assert_t *as = NULL;
	void *pk = NULL;
	int rc = -1, r;

	memset(out, 0, sizeof(*out));
	if (cred == NULL || !alg_supported(cred->alg) ||
	    cred->pubkey_len > sizeof(cred->pubkey) ||
	    pubkey_load(&pk, cred->alg, cred->pubkey,
	    cred->pubkey_len) != 0) {
		err_internal(e, "webauthn: the stored credential's key "
		    "cannot be loaded");
		goto out;
	}
	if (webauthn_clientdata_check(rp, "webauthn.get", challenge, clen,
	    client_data, cdlen, e) != 0)
		goto out;
	if (webauthn_authdata_parse(&ad, rp, uv_optional, auth_data, adlen, 0,
	    e) != 0)
		goto out;
	/* L3 §7.2 step 18: backup eligibility is fixed at creation. */
	if (!(ad.flags & WEBAUTHN_FLAG_BE) != !cred->backup_eligible) {
		err_refuse(e, 400, "bad_request", "webauthn_backup",
		    "authenticator data's backup eligibility (BE) differs "
		    "from the registered credential's");
		goto out;
	}
	if (sig == NULL || siglen == 0 || siglen > WEBAUTHN_SIG_MAX) {
		err_refuse(e, 400, "bad_request", "webauthn_signature",
		    "signature is empty or longer than %d bytes",
		    WEBAUTHN_SIG_MAX);
		goto out;
	}

	if ((as = fido_assert_new()) == NULL) {
		err_internal(e, "webauthn: out of memory");
		goto out;
	}
	if (fido_assert_set_count(as, 1) != FIDO_OK ||
	    fido_assert_set_rp(as, rp->id) != FIDO_OK ||
	    fido_assert_set_clientdata(as, client_data, cdlen) != FIDO_OK ||
	    fido_assert_set_authdata_raw(as, 0, auth_data, adlen) !=
	    FIDO_OK ||
	    fido_assert_set_sig(as, 0, sig, siglen) != FIDO_OK ||
	    fido_assert_set_up(as, FIDO_OPT_TRUE) != FIDO_OK ||
	    fido_assert_set_uv(as, uv_optional ? FIDO_OPT_OMIT :
	    FIDO_OPT_TRUE) != FIDO_OK) {
		err_refuse(e, 400, "bad_request", "webauthn_auth_data",
		    "assertion cannot be read by libfido2");
		goto out;
	}
	r = fido_assert_verify(as, 0, cred->alg, pk);
	if (r != FIDO_OK) {
		err_refuse(e, 400, "bad_request", "webauthn_signature",
		    "assertion signature does not verify: %s",
		    fido_strerr(r));
		goto out;
	}
	out->sign_count = ad.sign_count;
	out->uv = (ad.flags & WEBAUTHN_FLAG_UV) != 0;
	out->backed_up = (ad.flags & WEBAUTHN_FLAG_BS) != 0;
	rc = 0;
out:
	fido_assert_free(&as);
	if (cred != NULL)
		pubkey_free(pk, cred->alg);
	return rc;
}

/* custos's policy: UV required (see webauthn_int.h). */
int
webauthn_register_verify(struct webauthn_cred *out,
    const struct webauthn_rp *rp, const uint8_t *challenge, size_t clen,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *attestation, size_t alen, struct err *e)
{
	return webauthn_register_verify_uv(out, rp, 0, challenge, clen,
	    client_data, cdlen, attestation, alen, e);
}

int
webauthn_assert_verify(struct webauthn_assertion *out,
    const struct webauthn_rp *rp, const uint8_t *challenge, size_t clen,
    const struct webauthn_cred *cred,
    const uint8_t *client_data, size_t cdlen,
    const uint8_t *auth_data, size_t adlen,
    const uint8_t *sig, size_t siglen, struct err *e)
{
	return webauthn_assert_verify_uv(out, rp, 0, challenge, clen, cred,
	    client_data, cdlen, auth_data, adlen, sig, siglen, e);
}

int
webauthn_b64url_decode(uint8_t *out, size_t cap, size_t *outlen,
    const char *in)
{
	size_t i, len;

	*outlen = 0;
	if (in == NULL)
		return -1;
	len = strlen(in);
	/* libsodium 1.0.18 reads bytes 0x80-0xff as alphabet letters (see
	 * common/b64.h), so the alphabet is checked first; '=' is not in
	 * it (WebAuthn's JSON has no padding). */
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return -1;
	}
	if (len == 0)
		return 0;
	/* libsodium refuses a length of 1 mod 4 and nonzero unused bits,
	 * so each byte string has one spelling. */
	if (sodium_base642bin(out, cap, in, len, NULL, outlen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		*outlen = 0;
		return -1;
	}
	return 0;
}

int
webauthn_b64url_encode(char *out, size_t cap, const uint8_t *in,
    size_t len)
{
	if (out == NULL || cap == 0 || (in == NULL && len != 0))
		return -1;
	if (len > (SIZE_MAX - 8) / 4 * 3 ||
	    cap < sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		out[0] = '\0';
		return -1;
	}
	sodium_bin2base64(out, cap, in, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}
