/* SPDX-License-Identifier: ISC */
/*
 * webauthn_clientdata: the checks of clientDataJSON.  Written here, with
 * jansson, because libfido2 only hashes clientDataJSON
 * (fido_assert_set_clientdata, fido_cred_set_clientdata): it knows
 * nothing of its type, challenge or origin, which are what bind a
 * response to this server's ceremony and this web origin.
 *
 * The JSON is parsed in full (not by the spec's "limited verification
 * algorithm" over a template) with duplicate member names refused, so
 * {"origin":"https://evil","origin":"https://good"} cannot be read one
 * way here and another way elsewhere.
 */
#include "webauthn/webauthn_int.h"

#include <string.h>

#include <jansson.h>
#include <sodium.h>

/* The member as a string without NULs, or NULL. */
static const char *
member_string(json_t *o, const char *name, size_t *len)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	if (strlen(json_string_value(v)) != *len)
		return NULL;
	return json_string_value(v);
}

static int
check_challenge(json_t *o, const uint8_t *challenge, size_t clen,
    struct err *e)
{
	uint8_t got[WEBAUTHN_CHALLENGE_MAX];
	const char *s;
	size_t len, glen;

	s = member_string(o, "challenge", &len);
	if (s == NULL)
		return err_refuse(e, 400, "bad_request", "webauthn_challenge",
		    "clientDataJSON has no challenge string");
	if (webauthn_b64url_decode(got, sizeof(got), &glen, s) != 0 ||
	    glen != clen || sodium_memcmp(got, challenge, clen) != 0)
		return err_refuse(e, 400, "bad_request", "webauthn_challenge",
		    "clientDataJSON's challenge is not the one issued");
	return 0;
}

int
webauthn_clientdata_check(const struct webauthn_rp *rp, const char *type,
    const uint8_t *challenge, size_t clen, const uint8_t *cd, size_t cdlen,
    struct err *e)
{
	json_t *o = NULL, *v;
	const char *s;
	size_t len;
	int rc = -1;

	if (rp == NULL || rp->origin == NULL || challenge == NULL ||
	    clen < WEBAUTHN_CHALLENGE_MIN || clen > WEBAUTHN_CHALLENGE_MAX) {
		err_internal(e, "webauthn: no origin or challenge to check "
		    "against");
		goto out;
	}
	if (cd == NULL || cdlen == 0 || cdlen > WEBAUTHN_CLIENT_DATA_MAX) {
		err_refuse(e, 400, "bad_request", "webauthn_input",
		    "clientDataJSON is empty or longer than %d bytes",
		    WEBAUTHN_CLIENT_DATA_MAX);
		goto out;
	}
	/* jansson checks UTF-8 and refuses \u0000 in strings unless asked
	 * (JSON_ALLOW_NUL), and a byte-order mark is not JSON. */
	o = json_loadb((const char *)cd, cdlen, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		err_refuse(e, 400, "bad_request", "webauthn_input",
		    "clientDataJSON is not a JSON object (or repeats a "
		    "member)");
		goto out;
	}

	s = member_string(o, "type", &len);
	if (s == NULL || strcmp(s, type) != 0) {
		err_refuse(e, 400, "bad_request", "webauthn_type",
		    "clientDataJSON's type is not %s", type);
		goto out;
	}
	if (check_challenge(o, challenge, clen, e) != 0)
		goto out;
	s = member_string(o, "origin", &len);
	if (s == NULL || strcmp(s, rp->origin) != 0) {
		err_refuse(e, 400, "bad_request", "webauthn_origin",
		    "clientDataJSON's origin is not %s", rp->origin);
		goto out;
	}
	/* Only the top-level console may use its passkeys: an RP that
	 * expects no cross-origin iframe refuses crossOrigin true (§7.1
	 * step 10), and topOrigin is only sent for a framed call. */
	v = json_object_get(o, "crossOrigin");
	if (v != NULL && !json_is_false(v)) {
		err_refuse(e, 400, "bad_request", "webauthn_cross_origin",
		    "clientDataJSON says crossOrigin (an embedded frame); "
		    "custos accepts top-level calls only");
		goto out;
	}
	if (json_object_get(o, "topOrigin") != NULL) {
		err_refuse(e, 400, "bad_request", "webauthn_cross_origin",
		    "clientDataJSON has a topOrigin (an embedded frame); "
		    "custos accepts top-level calls only");
		goto out;
	}
	/* Token binding (Level 2) is gone from browsers; custos has no
	 * binding to compare with, so a claimed one cannot be honoured. */
	v = json_object_get(o, "tokenBinding");
	if (v != NULL) {
		const char *st;

		if (!json_is_object(v)) {
			err_refuse(e, 400, "bad_request", "webauthn_input",
			    "clientDataJSON's tokenBinding is not an object");
			goto out;
		}
		st = json_string_value(json_object_get(v, "status"));
		if (st != NULL && strcmp(st, "present") == 0) {
			err_refuse(e, 400, "bad_request", "webauthn_input",
			    "clientDataJSON claims a token binding, which "
			    "custos cannot check");
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}
