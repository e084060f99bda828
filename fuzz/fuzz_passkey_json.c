/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the parsing of the passkey calls' bodies (api_passkey.c): the
 * JSON object, then its "credential" (and the object itself) as the
 * browser's PublicKeyCredential JSON of a registration and of an
 * assertion (passkey_parse_attestation, passkey_parse_assertion: the
 * envelope, base64url fields against their limits), and the challenge id
 * looked up (challenges_take).  Bad input must come back as a 400, never
 * a crash; what parses stays within the limits.  The bytes inside (client
 * data, authenticator data, attestation object) are webauthn's, fuzzed by
 * its own targets.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/challenges.h"
#include "auth/passkey.h"
#include "common/jsonx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct passkey_attestation_in att;
static struct passkey_assertion_in as;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	return 0;
}

static void
parse(const json_t *cred)
{
	struct err e;

	err_init(&e);
	if (passkey_parse_attestation(&att, cred, &e) == 0) {
		if (att.raw_id_len == 0 || att.raw_id_len > sizeof(att.raw_id) ||
		    att.cd_len > sizeof(att.client_data) ||
		    att.att_len > sizeof(att.attestation))
			abort();
	} else if (e.status != 400) {
		abort();
	}
	err_init(&e);
	if (passkey_parse_assertion(&as, cred, &e) == 0) {
		if (as.raw_id_len == 0 || as.raw_id_len > sizeof(as.raw_id) ||
		    as.cd_len > sizeof(as.client_data) ||
		    as.ad_len > sizeof(as.auth_data) ||
		    as.sig_len > sizeof(as.sig) ||
		    as.uh_len > sizeof(as.user_handle))
			abort();
	} else if (e.status != 400) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct challenge ch;
	const char *cid;
	struct err e;
	json_t *b;

	err_init(&e);
	b = jx_parse_object((const char *)data, size, &e);
	if (b == NULL)
		return 0;
	parse(json_object_get(b, "credential"));
	parse(json_object_get(json_object_get(b, "step_up"), "credential"));
	parse(b);
	if (jx_str(&cid, b, "challenge_id", 1, ID_MAX - 1, JX_REQUIRED |
	    JX_CLEAN, &e) == 0 && challenges_take(&ch, cid, CHALLENGE_SIGN_IN,
	    0) == 0)
		abort();        /* nothing was ever put */
	json_decref(b);
	return 0;
}
