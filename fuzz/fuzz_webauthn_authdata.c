/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the authenticator data: its framing (webauthn_authdata_parse)
 * and the assertion path through libfido2 (webauthn_assert_verify_uv).
 *
 * Input: authenticator data bytes.  They are cut as an assertion's and
 * as a registration's (RP example.org, UV optional so the fuzzer can
 * reach past the flags); a cut must account for every byte.  They also
 * go, as an assertion, with the W3C "Packed Attestation with ES256
 * Credential" vector's credential, clientDataJSON, challenge and
 * signature (https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs):
 * only the vector's own authenticator data may pass, since any other
 * passing would be a forged signature.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "webauthn/webauthn.h"
#include "webauthn/webauthn_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct webauthn_rp rp = { "example.org",
	"https://example.org" };

static const char CHALLENGE[] =
    "b1106fa46a57bef1781511c0557dc898a03413d5f0f17d244630c194c7e1adb5";
static const char CLIENT_DATA[] =
    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
    "65223a2273524276704770587676463446524841565833496d4b413045395877"
    "3858306b526a44426c4d6668726255222c226f726967696e223a226874747073"
    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a6661"
    "6c73652c22657874726144617461223a22636c69656e74446174614a534f4e20"
    "6d617920626520657874656e6465642077697468206164646974696f6e616c20"
    "6669656c647320696e20746865206675747572652c2073756368206173207468"
    "69733a20415a4d77794d78496244382d756775464e7036723851227d";
static const char AUTH_DATA[] =
    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
    "0d00000000";
static const char SIG[] =
    "30450220694969d3ee928de6f02ef23a9c644d7d779916451734a94b432542f4"
    "98a1ebe90221008b0819c824218a97152cd099c55bfb1477b29d900a49a64018"
    "314f9bfccda163";
/* The credential public key (x || y) from the vector's registration. */
static const char PUBKEY[] =
    "1cf27f25da591208a4239c2e324f104f585525479a29edeedd830f48e77aeae5"
    "59e4b7da6c0106e206ce390c93ab98a15a5ec3887e57f0cc2bece803b920c423";

static uint8_t ch[32], cd[512], ad[64], sig[80];
static size_t chn, cdn, adn, sign;
static struct webauthn_cred cred;

static void
unhex(uint8_t *out, size_t cap, size_t *n, const char *hex)
{
	if (sodium_hex2bin(out, cap, hex, strlen(hex), NULL, n, NULL) != 0)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t n;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	unhex(ch, sizeof(ch), &chn, CHALLENGE);
	unhex(cd, sizeof(cd), &cdn, CLIENT_DATA);
	unhex(ad, sizeof(ad), &adn, AUTH_DATA);
	unhex(sig, sizeof(sig), &sign, SIG);
	unhex(cred.pubkey, sizeof(cred.pubkey), &n, PUBKEY);
	cred.pubkey_len = n;
	cred.alg = WEBAUTHN_ALG_ES256;
	cred.backup_eligible = 1;
	/* The vector itself must pass, or the forgery check is empty. */
	{
		struct webauthn_assertion a;
		struct err e;

		err_init(&e);
		if (webauthn_assert_verify_uv(&a, &rp, 1, ch, chn, &cred, cd,
		    cdn, ad, adn, sig, sign, &e) != 0)
			abort();
	}
	return 0;
}

static void
check_cut(const struct webauthn_authdata *p, size_t size, int attested)
{
	size_t sum = WEBAUTHN_AUTH_DATA_MIN;

	if (attested) {
		if (p->cred_id_len == 0 ||
		    p->cred_id_len > WEBAUTHN_CRED_ID_MAX ||
		    p->cose_key_len == 0)
			abort();
		sum += 18 + p->cred_id_len + p->cose_key_len;
	} else if (p->cred_id != NULL || p->cose_key != NULL) {
		abort();
	}
	if (!!(p->flags & WEBAUTHN_FLAG_ED) != (p->ext != NULL))
		abort();
	sum += p->ext_len;
	if (sum != size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct webauthn_authdata p;
	struct webauthn_assertion a;
	struct err e;
	int rc;

	err_init(&e);
	if (webauthn_authdata_parse(&p, &rp, 1, data, size, 0, &e) == 0)
		check_cut(&p, size, 0);
	else if (e.status != 400 || e.reason == NULL)
		abort();
	err_init(&e);
	if (webauthn_authdata_parse(&p, &rp, 1, data, size, 1, &e) == 0)
		check_cut(&p, size, 1);
	else if (e.status != 400 || e.reason == NULL)
		abort();

	err_init(&e);
	rc = webauthn_assert_verify_uv(&a, &rp, 1, ch, chn, &cred, cd, cdn,
	    data, size, sig, sign, &e);
	if (rc == 0 && (size != adn || memcmp(data, ad, adn) != 0))
		abort();
	if (rc != 0 && (e.status != 400 || e.reason == NULL))
		abort();
	return 0;
}
