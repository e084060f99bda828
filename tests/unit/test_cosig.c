/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/cosig: C2SP Ed25519 cosignatures (type 0x04).  A
 * cosignature verifies over the checkpoint it was made for and over no
 * other, whatever other signature lines the note carries; the bytes
 * follow the spec's layout (key ID, big-endian time, signature), checked
 * against the spec's example; verifier keys parse strictly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "common/buf.h"
#include "tlog/cosig.h"
#include "tlog/note.h"

#define BODY "example.com/behind-the-sofa\n20852163\n" \
	"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
/* The spec's example cosignature by witness.example.com/w1. */
#define SPEC_COSIG "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEh" \
	"ZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA=="

static void
keypair(uint8_t sk[64], struct cosig_key *k, const char *name)
{
	uint8_t pk[32];
	char vkey[NOTE_VERIFIER_MAX];
	struct err e;

	crypto_sign_keypair(pk, sk);
	assert_int_equal(cosig_verifier_format(vkey, sizeof(vkey), name, pk),
	    0);
	err_init(&e);
	assert_int_equal(cosig_verifier_parse(k, vkey, &e), 0);
}

/* A log-signed note with cosignature lines appended. */
static void
signed_note(struct buf *note, const char *body, uint8_t lsk[64])
{
	uint8_t pk[32];

	crypto_sign_keypair(pk, lsk);
	assert_int_equal(note_sign(note, body, strlen(body),
	    "example.com/behind-the-sofa", lsk), 0);
}

static void
cosignature_verifies_over_its_checkpoint_only(void **state)
{
	uint8_t lsk[64], wsk[64];
	struct cosig_key k;
	struct buf note, other;
	uint64_t ts = 0;
	struct err e;

	(void)state;
	buf_init(&note, NOTE_MAX);
	buf_init(&other, NOTE_MAX);
	keypair(wsk, &k, "witness.example/w1");
	signed_note(&note, BODY, lsk);
	err_init(&e);
	assert_int_equal(cosig_find(note.data, note.len, &k, &ts, &e), 0);
	assert_int_equal(cosig_sign(&note, BODY, strlen(BODY),
	    "witness.example/w1", wsk, 1679315147), 0);
	assert_int_equal(cosig_find(note.data, note.len, &k, &ts, &e), 1);
	assert_int_equal(ts, 1679315147);

	/* The same line under another checkpoint body fails. */
	signed_note(&other, "example.com/behind-the-sofa\n20852164\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", lsk);
	assert_non_null(strstr(note.data, "\xe2\x80\x94 witness.example/w1"));
	assert_int_equal(buf_puts(&other, strstr(note.data,
	    "\xe2\x80\x94 witness.example/w1")), 0);
	assert_int_equal(cosig_find(other.data, other.len, &k, &ts, &e), -1);
	assert_non_null(strstr(e.msg, "invalid cosignature"));
	buf_cleanup(&other);
	buf_cleanup(&note);
}

static void
changed_timestamp_or_signature_is_refused(void **state)
{
	uint8_t lsk[64], wsk[64], raw[76];
	char b64[128];
	struct cosig_key k;
	struct buf note, line;
	uint64_t ts;
	size_t n;
	struct err e;
	char *sp;

	(void)state;
	buf_init(&note, NOTE_MAX);
	buf_init(&line, 1024);
	keypair(wsk, &k, "witness.example/w1");
	assert_int_equal(cosig_sign(&line, BODY, strlen(BODY),
	    "witness.example/w1", wsk, 1000), 0);
	sp = strrchr(line.data, ' ');
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), sp + 1,
	    strlen(sp + 1) - 1, NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 76);
	raw[11] ^= 1;           /* the time's last byte */
	sodium_bin2base64(b64, sizeof(b64), raw, n,
	    sodium_base64_VARIANT_ORIGINAL);
	signed_note(&note, BODY, lsk);
	assert_int_equal(buf_printf(&note, "\xe2\x80\x94 witness.example/w1 "
	    "%s\n", b64), 0);
	err_init(&e);
	assert_int_equal(cosig_find(note.data, note.len, &k, &ts, &e), -1);
	buf_cleanup(&line);
	buf_cleanup(&note);
}

static void
other_keys_lines_are_ignored(void **state)
{
	uint8_t lsk[64], w1[64], w2[64];
	struct cosig_key k1, k2, k2b;
	struct buf note;
	uint64_t ts;
	struct err e;

	(void)state;
	buf_init(&note, NOTE_MAX);
	keypair(w1, &k1, "witness.example/w1");
	keypair(w2, &k2, "witness.example/w2");
	/* Same name as w2, another key: its key ID differs. */
	keypair(w2, &k2b, "witness.example/w2");
	signed_note(&note, BODY, lsk);
	assert_int_equal(cosig_sign(&note, BODY, strlen(BODY),
	    "witness.example/w1", w1, 5), 0);
	err_init(&e);
	assert_int_equal(cosig_find(note.data, note.len, &k2, &ts, &e), 0);
	assert_int_equal(cosig_find(note.data, note.len, &k1, &ts, &e), 1);
	/* The spec's example line, by a key we do not hold, is ignored. */
	assert_int_equal(buf_puts(&note, "\xe2\x80\x94 witness.example.com/w1 "
	    SPEC_COSIG "\n"), 0);
	assert_int_equal(cosig_find(note.data, note.len, &k1, &ts, &e), 1);
	assert_int_equal(ts, 5);
	buf_cleanup(&note);
}

static void
spec_example_has_the_spec_layout(void **state)
{
	uint8_t raw[80];
	size_t n;
	uint64_t ts = 0;
	int i;

	(void)state;
	/* The example's signed message says "time 1679315147". */
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), SPEC_COSIG,
	    strlen(SPEC_COSIG), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 4 + 8 + 64);
	for (i = 4; i < 12; i++)
		ts = ts << 8 | raw[i];
	assert_int_equal(ts, 1679315147);
}

static void
verifier_keys_parse_strictly(void **state)
{
	uint8_t sk[64], pk[32];
	char vkey[NOTE_VERIFIER_MAX], bad[NOTE_VERIFIER_MAX];
	struct cosig_key k;
	struct note_verifier nv;
	struct err e;

	(void)state;
	crypto_sign_keypair(pk, sk);
	assert_int_equal(cosig_verifier_format(vkey, sizeof(vkey),
	    "witness.example/w1", pk), 0);
	err_init(&e);
	assert_int_equal(cosig_verifier_parse(&k, vkey, &e), 0);
	assert_memory_equal(k.public_key, pk, 32);
	/* A log key (type 1) is not a cosigner key, and the reverse. */
	assert_int_equal(note_verifier_parse(&nv, vkey, &e), -1);
	assert_int_equal(note_verifier_format(bad, sizeof(bad),
	    "witness.example/w1", pk), 0);
	assert_int_equal(cosig_verifier_parse(&k, bad, &e), -1);
	/* A wrong hash. */
	memcpy(bad, vkey, sizeof(bad));
	bad[strlen("witness.example/w1+")] ^= 1;
	assert_int_equal(cosig_verifier_parse(&k, bad, &e), -1);
	assert_int_equal(cosig_verifier_parse(&k, "w+0000+AA==", &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cosignature_verifies_over_its_checkpoint_only),
		cmocka_unit_test(changed_timestamp_or_signature_is_refused),
		cmocka_unit_test(other_keys_lines_are_ignored),
		cmocka_unit_test(spec_example_has_the_spec_layout),
		cmocka_unit_test(verifier_keys_parse_strictly),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
