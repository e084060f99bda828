/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/note: C2SP signed notes and checkpoints, against the
 * published examples (golang.org/x/mod/sumdb/note's PeterNeumann and
 * EnochRoot notes, signed checkpoints of sum.golang.org, the C2SP
 * tlog-checkpoint example).  Signing reproduces the published bytes; every
 * mutation of a signed note is refused, except changes to signatures by
 * other keys, which the spec says to ignore; verifier keys and checkpoint
 * bodies parse strictly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "tlog/note.h"

#define DASH "\xe2\x80\x94 "

#define PETER_VKEY \
	"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
/* The signer key's "0x01 || Ed25519 seed". */
#define PETER_SEED "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define ENOCH_VKEY \
	"EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define TEXT "If you think cryptography is the answer to your problem,\n" \
	"then you don't know what your problem is.\n"
/* Peter's signature, without its final "=". */
#define PETER_B64 "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8p" \
	"AcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM"
#define PETER_SIG DASH "PeterNeumann " PETER_B64 "=\n"
#define ENOCH_SIG DASH "EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCO" \
	"Xm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

#define SUMDB_VKEY \
	"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
#define SUMDB_NOTE1 "go.sum database tree\n63512409\n" \
	"F7eHRPqN/cqPtqti14NKdGGaI1Giw8coWP3KxihFZbg=\n\n" \
	DASH "sum.golang.org Az3gri1OBHKT87Xj8UXU8zjoHGy/X+7Nl94f8TZkELVaas" \
	"olmGApUsWqwVG9vE6hgqYb/ph/w2vdkLIVRH7bMB/FPQ4=\n"
#define SUMDB_NOTE2 "go.sum database tree\n15368405\n" \
	"/g9am3I6YWNKaZX/jkne1fqd9zEyjss+JXyPXG0WfkY=\n\n" \
	DASH "sum.golang.org Az3grqJGUaSGukG9p8nI2vKgiFn7qGHxn0W+mrwyI6Gz3F" \
	"0t1J3LzmWk/p96Ybf295EjwdSwlzgijq5WA9d1Ded7owM=\n"

static struct note_verifier peter, enoch;

static int
setup(void **state)
{
	struct err e;

	err_init(&e);
	if (sodium_init() < 0 ||
	    note_verifier_parse(&peter, PETER_VKEY, &e) != 0 ||
	    note_verifier_parse(&enoch, ENOCH_VKEY, &e) != 0)
		return -1;
	return 0;
}

static int
opens(const char *text, size_t len, const struct note_verifier *v,
    size_t *body_len)
{
	struct err e;
	size_t dummy;

	err_init(&e);
	return note_open(text, len, v, body_len != NULL ? body_len : &dummy,
	    &e);
}

/* Asserts text is refused with a 400 whose message contains want. */
static void
refused(const char *text, size_t len, const struct note_verifier *v,
    const char *want)
{
	struct err e;
	size_t body_len = 99;

	err_init(&e);
	if (note_open(text, len, v, &body_len, &e) != -1)
		fail_msg("accepted: '%.*s'", (int)len, text);
	assert_int_equal(body_len, 0);
	assert_int_equal(e.status, 400);
	if (want != NULL && strstr(e.msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, want);
}

static void
peter_keypair(uint8_t pk[32], uint8_t sk[64])
{
	uint8_t seed[33];
	size_t len;

	assert_int_equal(sodium_base642bin(seed, sizeof(seed), PETER_SEED,
	    strlen(PETER_SEED), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, 33);
	assert_int_equal(seed[0], 1);
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed + 1), 0);
}

/* ---- published examples ---- */

static void
published_verifier_keys_parse_and_format_back(void **state)
{
	static const char *const keys[] = {PETER_VKEY, ENOCH_VKEY, SUMDB_VKEY};
	static const uint8_t ids[][4] = {
		{0xc7, 0x4f, 0x20, 0xa3}, {0xaf, 0x0c, 0xfe, 0x78},
		{0x03, 0x3d, 0xe0, 0xae},
	};
	static const char *const names[] = {"PeterNeumann", "EnochRoot",
	    "sum.golang.org"};
	struct note_verifier v;
	char out[NOTE_VERIFIER_MAX];
	uint8_t id[4];
	struct err e;
	size_t i;

	for (i = 0; i < 3; i++) {
		err_init(&e);
		assert_int_equal(note_verifier_parse(&v, keys[i], &e), 0);
		assert_string_equal(v.name, names[i]);
		assert_memory_equal(v.key_id, ids[i], 4);
		note_key_id(id, v.name, v.public_key);
		assert_memory_equal(id, ids[i], 4);
		assert_int_equal(note_verifier_format(out, sizeof(out), v.name,
		    v.public_key), 0);
		assert_string_equal(out, keys[i]);
	}
	/* A buffer one byte short. */
	assert_int_equal(note_verifier_format(out, strlen(PETER_VKEY),
	    peter.name, peter.public_key), -1);
}

static void
published_notes_open(void **state)
{
	static const char two[] = TEXT "\n" PETER_SIG ENOCH_SIG;
	static const char one[] = TEXT "\n" PETER_SIG;
	static const char s1[] = SUMDB_NOTE1, s2[] = SUMDB_NOTE2;
	struct note_verifier sumdb;
	struct checkpoint cp;
	struct err e;
	size_t body_len;

	assert_int_equal(opens(one, strlen(one), &peter, &body_len), 0);
	assert_int_equal(body_len, strlen(TEXT));
	assert_int_equal(opens(two, strlen(two), &peter, &body_len), 0);
	assert_int_equal(body_len, strlen(TEXT));
	assert_int_equal(opens(two, strlen(two), &enoch, &body_len), 0);
	assert_int_equal(body_len, strlen(TEXT));

	err_init(&e);
	assert_int_equal(note_verifier_parse(&sumdb, SUMDB_VKEY, &e), 0);
	assert_int_equal(opens(s1, strlen(s1), &sumdb, &body_len), 0);
	assert_int_equal(checkpoint_parse(&cp, s1, body_len, &e), 0);
	assert_string_equal(cp.origin, "go.sum database tree");
	assert_int_equal(cp.size, 63512409);
	assert_int_equal(opens(s2, strlen(s2), &sumdb, &body_len), 0);
	assert_int_equal(checkpoint_parse(&cp, s2, body_len, &e), 0);
	assert_int_equal(cp.size, 15368405);
	/* One log's checkpoint is not another's. */
	refused(s1, strlen(s1), &peter, "no signature by key "
	    "PeterNeumann+c74f20a3");
}

static void
signing_reproduces_the_published_note(void **state)
{
	static const char want[] = TEXT "\n" PETER_SIG;
	uint8_t pk[32], sk[64];
	struct buf b;

	peter_keypair(pk, sk);
	assert_memory_equal(pk, peter.public_key, 32);
	buf_init(&b, NOTE_MAX);
	assert_int_equal(buf_puts(&b, "kept:"), 0);
	assert_int_equal(note_sign(&b, TEXT, strlen(TEXT), "PeterNeumann",
	    sk), 0);
	assert_int_equal(b.len, 5 + strlen(want));
	assert_memory_equal(b.data, "kept:", 5);
	assert_memory_equal(b.data + 5, want, strlen(want));
	buf_cleanup(&b);
	sodium_memzero(sk, sizeof(sk));
}

static void
signed_checkpoints_round_trip(void **state)
{
	uint8_t pk[32], sk[64];
	struct note_verifier v;
	struct checkpoint cp, back;
	char vkey[NOTE_VERIFIER_MAX], body[512];
	struct buf b;
	struct err e;
	size_t body_len;

	crypto_sign_keypair(pk, sk);
	assert_int_equal(note_verifier_format(vkey, sizeof(vkey),
	    "custos.example/log", pk), 0);
	err_init(&e);
	assert_int_equal(note_verifier_parse(&v, vkey, &e), 0);
	memset(&cp, 0, sizeof(cp));
	assert_int_equal(str_copy(cp.origin, sizeof(cp.origin),
	    "custos.example/log"), 0);
	cp.size = 12345;
	randombytes_buf(cp.root, sizeof(cp.root));
	assert_int_equal(checkpoint_format(body, sizeof(body), &cp), 0);
	buf_init(&b, NOTE_MAX);
	assert_int_equal(note_sign(&b, body, strlen(body), "custos.example/log",
	    sk), 0);
	assert_int_equal(note_open(b.data, b.len, &v, &body_len, &e), 0);
	assert_int_equal(body_len, strlen(body));
	assert_int_equal(checkpoint_parse(&back, b.data, body_len, &e), 0);
	assert_string_equal(back.origin, cp.origin);
	assert_int_equal(back.size, cp.size);
	assert_memory_equal(back.root, cp.root, MERKLE_HASH);
	/* Someone else's key under the same name does not open it. */
	crypto_sign_keypair(pk, sk);
	assert_int_equal(note_verifier_format(vkey, sizeof(vkey),
	    "custos.example/log", pk), 0);
	assert_int_equal(note_verifier_parse(&v, vkey, &e), 0);
	refused(b.data, b.len, &v, "no signature by key custos.example/log+");
	buf_cleanup(&b);
	sodium_memzero(sk, sizeof(sk));
}

/* ---- mutations ---- */

static void
every_bit_flip_and_truncation_of_a_signed_note_is_refused(void **state)
{
	static const char good[] = TEXT "\n" PETER_SIG;
	size_t len = strlen(good), i;
	char *m = malloc(len);
	int bit;

	assert_non_null(m);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, good, len);
			m[i] = (char)(m[i] ^ (1 << bit));
			if (opens(m, len, &peter, NULL) != -1)
				fail_msg("flip of bit %d of byte %zu accepted",
				    bit, i);
		}
	for (i = 0; i < len; i++)
		refused(good, i, &peter, NULL);
	free(m);
}

static void
framing_mutations_are_refused(void **state)
{
	static const char *const bad[] = {
		/* From the note package's tests. */
		TEXT,
		TEXT "\n",
		"\x01" TEXT "\n" PETER_SIG,
		"\xff" TEXT "\n" PETER_SIG,
		TEXT "\n" DASH "Bad Name " PETER_B64 "=",
		TEXT "\n" PETER_SIG "Unexpected line.\n",
		/* An extra blank line: the text would end in a blank line. */
		TEXT "\n\n" PETER_SIG,
		/* No blank line, or two signature blocks. */
		TEXT PETER_SIG,
		TEXT "\n" PETER_SIG "\n" PETER_SIG,
		/* CRLF, tabs, a trailing space, doubled space, no space. */
		"If you think\r\n\n" PETER_SIG,
		TEXT "\n" DASH "PeterNeumann\t" PETER_B64 "=\n",
		TEXT "\n" DASH "PeterNeumann " PETER_B64 "= \n",
		TEXT "\n" DASH "PeterNeumann  " PETER_B64 "=\n",
		TEXT "\n" DASH "PeterNeumann\n",
		TEXT "\n" DASH "PeterNeumann \n",
		TEXT "\n" DASH " " PETER_B64 "=\n",
		/* An ASCII dash, a missing space after the dash. */
		TEXT "\n- PeterNeumann " PETER_B64 "=\n",
		TEXT "\n\xe2\x80\x94PeterNeumann " PETER_B64 "=\n",
		/* Unpadded and over-padded base64. */
		TEXT "\n" DASH "PeterNeumann " PETER_B64 "\n",
		TEXT "\n" DASH "PeterNeumann " PETER_B64 "==\n",
		/* A signature of four bytes: a key ID and nothing signed. */
		TEXT "\n" DASH "PeterNeumann x08gow==\n",
		/* Overlong UTF-8, a surrogate, NUL. */
		"\xc0\xaf\n\n" PETER_SIG,
		"\xed\xa0\x80\n\n" PETER_SIG,
	};
	static const char nul[] = "If you\0 think\n\n" PETER_SIG;
	static const char inserted[] = TEXT "\n" DASH "PeterNeumann "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFuABCDpLLr8pAcElZInNIuGUgYN1FFYC2pZ"
	    "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i], strlen(bad[i]), &peter, NULL);
	refused(nul, sizeof(nul) - 1, &peter, "malformed");
	refused("", 0, &peter, "malformed");
	/* Go's invalid signature: four characters inserted. */
	refused(inserted, strlen(inserted), &peter,
	    "invalid signature by key PeterNeumann+c74f20a3");
}

static void
a_bad_signature_by_the_key_rejects_even_beside_a_good_one(void **state)
{
	static const char good_then_bad[] = TEXT "\n" PETER_SIG DASH
	    "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN"
	    "1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAA=\n";
	static const char twice[] = TEXT "\n" PETER_SIG PETER_SIG;

	refused(good_then_bad, strlen(good_then_bad), &peter,
	    "invalid signature");
	assert_int_equal(opens(twice, strlen(twice), &peter, NULL), 0);
}

static void
other_keys_signatures_are_ignored_but_must_be_well_formed(void **state)
{
	static const char two[] = TEXT "\n" PETER_SIG ENOCH_SIG;
	/* Peter's name with Enoch's key ID and signature, and vice versa. */
	static const char name_only[] = TEXT "\n" DASH "PeterNeumann rwz+eBzmZa"
	    "0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGw"
	    "nWLox33WWd1RvMc+QQ=\n";
	static const char id_only[] = TEXT "\n" DASH "PeterNeumanm x08go/ZJkuB"
	    "S9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotp"
	    "RZb6KE6RyyBwJnAM=\n";
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(two), start, i, k;
	char *m = malloc(len + 1);

	assert_non_null(m);
	/* Every character of Enoch's base64 but the last two, changed. */
	start = strlen(TEXT "\n" PETER_SIG DASH "EnochRoot ");
	for (i = start; i < len - 3; i++)
		for (k = 0; k < 64; k += 9) {
			memcpy(m, two, len + 1);
			if (m[i] == b64[k])
				continue;
			m[i] = b64[k];
			if (opens(m, len, &peter, NULL) != 0)
				fail_msg("changing byte %zu of an unknown "
				    "signature was not ignored", i);
		}
	/* Its name changed to another valid name. */
	memcpy(m, two, len + 1);
	m[start - 2] = 'T';
	assert_int_equal(opens(m, len, &peter, NULL), 0);
	/* Made invalid: refused, though unknown. */
	memcpy(m, two, len + 1);
	m[start + 5] = '*';
	refused(m, len, &peter, "malformed");
	memcpy(m, two, len + 1);
	m[start - 2] = '+';
	refused(m, len, &peter, "malformed");

	/* Matching name or key ID alone is another key. */
	refused(name_only, strlen(name_only), &peter, "no signature");
	refused(id_only, strlen(id_only), &peter, "no signature");
	free(m);
}

static void
signature_lines_are_capped(void **state)
{
	size_t sig = strlen(PETER_SIG), base = strlen(TEXT) + 1, i;
	char *m = malloc(base + 101 * sig + 1);
	struct note_verifier sumdb;
	struct err e;

	assert_non_null(m);
	memcpy(m, TEXT "\n", base);
	for (i = 0; i < 101; i++)
		memcpy(m + base + i * sig, PETER_SIG, sig);
	assert_int_equal(opens(m, base + NOTE_SIGS_MAX * sig, &peter, NULL),
	    0);
	refused(m, base + (NOTE_SIGS_MAX + 1) * sig, &peter, "more than 100");
	/* Unknown keys count too. */
	err_init(&e);
	assert_int_equal(note_verifier_parse(&sumdb, SUMDB_VKEY, &e), 0);
	refused(m, base + (NOTE_SIGS_MAX + 1) * sig, &sumdb, "more than 100");
	free(m);
}

static void
notes_are_capped_at_note_max(void **state)
{
	uint8_t pk[32], sk[64];
	struct buf b;
	char *body;
	size_t body_len, overhead;

	peter_keypair(pk, sk);
	/* "\n" DASH "PeterNeumann " 92 base64 characters "\n" */
	overhead = 1 + 4 + 12 + 1 + 92 + 1;
	body_len = NOTE_MAX - overhead;
	body = malloc(body_len + 2);
	assert_non_null(body);
	memset(body, 'a', body_len + 1);
	body[body_len - 1] = '\n';
	buf_init(&b, 2 * NOTE_MAX);
	assert_int_equal(note_sign(&b, body, body_len, "PeterNeumann", sk), 0);
	assert_int_equal(b.len, NOTE_MAX);
	assert_int_equal(opens(b.data, b.len, &peter, NULL), 0);
	buf_reset(&b);
	body[body_len - 1] = 'a';
	body[body_len] = '\n';
	assert_int_equal(note_sign(&b, body, body_len + 1, "PeterNeumann", sk),
	    -1);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
	free(body);
	sodium_memzero(sk, sizeof(sk));
}

static void
a_text_may_hold_blank_lines_as_the_spec_allows(void **state)
{
	static const char body[] = "first\n\nthird\n";
	uint8_t pk[32], sk[64], sig[68];
	char b64[sodium_base64_ENCODED_LEN(68,
	    sodium_base64_VARIANT_ORIGINAL)];
	struct buf b;
	size_t body_len;

	peter_keypair(pk, sk);
	/* note_sign will not write such a note... */
	buf_init(&b, NOTE_MAX);
	assert_int_equal(note_sign(&b, body, strlen(body), "PeterNeumann",
	    sk), -1);
	/* ...but one signed elsewhere opens: the last blank line splits. */
	memcpy(sig, peter.key_id, 4);
	crypto_sign_detached(sig + 4, NULL, (const uint8_t *)body,
	    strlen(body), sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(buf_printf(&b, "%s\n" DASH "PeterNeumann %s\n", body,
	    b64), 0);
	assert_int_equal(opens(b.data, b.len, &peter, &body_len), 0);
	assert_int_equal(body_len, strlen(body));
	buf_cleanup(&b);
	sodium_memzero(sk, sizeof(sk));
}

/*
 * libsodium 1.0.18 decodes any byte from 0x80 up as '/': a note whose
 * signature has "//" would open just as well with an e acute (c3 a9) in
 * their place.  Such spellings must be refused.
 */
static void
base64_with_non_ascii_bytes_is_refused(void **state)
{
	uint8_t pk[32], sk[64];
	struct checkpoint cp;
	struct note_verifier v;
	struct buf b;
	struct err e;
	char body[64], *at, key[sizeof(PETER_VKEY)];
	int i;

	peter_keypair(pk, sk);
	buf_init(&b, NOTE_MAX);
	for (i = 0; i < 100000; i++) {
		buf_reset(&b);
		snprintf(body, sizeof(body), "body %d\n", i);
		assert_int_equal(note_sign(&b, body, strlen(body),
		    "PeterNeumann", sk), 0);
		at = strstr(b.data + strlen(body) + 1, "//");
		if (at != NULL)
			break;
	}
	assert_non_null(at);
	assert_int_equal(opens(b.data, b.len, &peter, NULL), 0);
	at[0] = (char)0xc3;
	at[1] = (char)0xa9;
	refused(b.data, b.len, &peter, "malformed");
	buf_cleanup(&b);
	sodium_memzero(sk, sizeof(sk));

	/* A verifier key and a checkpoint root with 0x80 for '/'. */
	memcpy(key, PETER_VKEY, sizeof(key));
	at = strchr(key + 22, '/');
	assert_non_null(at);
	*at = (char)0x80;
	err_init(&e);
	assert_int_equal(note_verifier_parse(&v, key, &e), -1);
	assert_int_equal(checkpoint_parse(&cp, "o\n1\nCsUYapGGPo4dkMgIAUqom"
	    "\x80Xajj7h2fB2MPA3j2jxq2I=\n", 49, &e), -1);
	assert_int_equal(checkpoint_parse(&cp, "o\n1\nCsUYapGGPo4dkMgIAUqom"
	    "/Xajj7h2fB2MPA3j2jxq2I=\n", 49, &e), 0);
}

/* ---- verifier keys and names ---- */

static void
mangled_verifier_keys_are_refused(void **state)
{
	static const char *const bad[] = {
		/* From the note package's tests: wrong length, algorithm. */
		"PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy"
		    "10TWBADKEY==",
		"PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy"
		    "10TW",
		"PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy"
		    "10TW",
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izW"
		    "y10TW",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy"
		    "10TW\n",
		"PeterNeumann+c74f20a3+ ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izW"
		    "y10TW",
		"PeterNeumann+c74f20a3",
		"PeterNeumann",
		"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"",
	};
	struct note_verifier v;
	char m[sizeof(PETER_VKEY)], *longkey;
	struct err e;
	size_t len = strlen(PETER_VKEY), i, j;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		if (note_verifier_parse(&v, bad[i], &e) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(e.status, 400);
	}
	/* Every proper substring, and every byte incremented (Go's test). */
	for (i = 0; i <= len; i++)
		for (j = i + 1; j <= len; j++) {
			if (i == 0 && j == len)
				continue;
			memcpy(m, PETER_VKEY + i, j - i);
			m[j - i] = '\0';
			if (note_verifier_parse(&v, m, &e) != -1)
				fail_msg("accepted substring '%s'", m);
		}
	for (i = 0; i < len; i++) {
		memcpy(m, PETER_VKEY, len + 1);
		m[i]++;
		if (note_verifier_parse(&v, m, &e) != -1)
			fail_msg("accepted '%s'", m);
	}
	/* Longer than NOTE_VERIFIER_MAX. */
	longkey = malloc(NOTE_VERIFIER_MAX + 2);
	assert_non_null(longkey);
	memset(longkey, 'a', NOTE_VERIFIER_MAX + 1);
	longkey[NOTE_VERIFIER_MAX + 1] = '\0';
	assert_int_equal(note_verifier_parse(&v, longkey, &e), -1);
	assert_non_null(strstr(e.msg, "longer"));
	free(longkey);
}

static void
key_names_follow_the_spec(void **state)
{
	static const char *const good[] = {
		"PeterNeumann", "example.com/log42", "sum.golang.org", "a",
		"caf\xc3\xa9", "\xe2\x80\x94", "log:1/2?x=y",
	};
	static const char *const bad[] = {
		"", "a b", "a+b", "+", "a\tb", "a\nb", "a\x7f", "a\xc2\x85",
		"a\xc2\xa0" "b", "a\xe2\x80\x83" "b", "a\xe3\x80\x80" "b",
		"a\xe2\x80\xa8", "\xc0\xaf", "\xed\xa0\x80", "\xff", "a\xc3",
	};
	char name[NOTE_NAME_MAX + 1];
	uint8_t pk[32] = {0};
	char out[NOTE_VERIFIER_MAX];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!note_name_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
		assert_int_equal(note_verifier_format(out, sizeof(out), good[i],
		    pk), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (note_name_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(note_verifier_format(out, sizeof(out), bad[i],
		    pk), -1);
	}
	memset(name, 'n', NOTE_NAME_MAX - 1);
	name[NOTE_NAME_MAX - 1] = '\0';
	assert_true(note_name_valid(name));
	name[NOTE_NAME_MAX - 1] = 'n';
	name[NOTE_NAME_MAX] = '\0';
	assert_false(note_name_valid(name));
}

static void
sign_refuses_bodies_open_would_not_take(void **state)
{
	static const char *const bad[] = {
		"", "\n", "no newline", "two\n\nparagraphs\n", "\nleading\n",
		"tab\there\n", "cr\r\n", "bad \xff utf8\n", "trailing\n\n",
	};
	uint8_t pk[32], sk[64];
	struct buf b;
	size_t i;

	peter_keypair(pk, sk);
	buf_init(&b, NOTE_MAX);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (note_sign(&b, bad[i], strlen(bad[i]), "PeterNeumann",
		    sk) != -1)
			fail_msg("signed '%s'", bad[i]);
		assert_int_equal(b.len, 0);
	}
	assert_int_equal(note_sign(&b, "ok\n", 3, "Peter Neumann", sk), -1);
	assert_int_equal(note_sign(&b, "ok\n", 3, "", sk), -1);
	/* A buffer whose cap is too small is left as it was. */
	buf_cleanup(&b);
	buf_init(&b, 50);
	assert_int_equal(buf_puts(&b, "x"), 0);
	assert_int_equal(note_sign(&b, "ok\n", 3, "PeterNeumann", sk), -1);
	assert_int_equal(b.len, 1);
	assert_string_equal(b.data, "x");
	buf_cleanup(&b);
	sodium_memzero(sk, sizeof(sk));
}

/* ---- checkpoints ---- */

static void
checkpoint_examples_parse_and_format_back(void **state)
{
	/* c2sp.org/tlog-checkpoint. */
	static const char c2sp[] = "example.com/behind-the-sofa\n20852163\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	/* golang.org/x/mod/sumdb/tlog: the root is the leaf "hello world". */
	static const char golden[] = "go.sum database tree\n123456789012\n"
	    "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
	struct checkpoint cp;
	merkle_hash h;
	char out[256];
	struct err e;

	err_init(&e);
	assert_int_equal(checkpoint_parse(&cp, c2sp, strlen(c2sp), &e), 0);
	assert_string_equal(cp.origin, "example.com/behind-the-sofa");
	assert_int_equal(cp.size, 20852163);
	assert_int_equal(checkpoint_format(out, sizeof(out), &cp), 0);
	assert_string_equal(out, c2sp);

	assert_int_equal(checkpoint_parse(&cp, golden, strlen(golden), &e), 0);
	assert_int_equal(cp.size, 123456789012);
	merkle_leaf_hash(h, "hello world", 11);
	assert_memory_equal(cp.root, h, MERKLE_HASH);
	assert_int_equal(checkpoint_format(out, sizeof(out), &cp), 0);
	assert_string_equal(out, golden);
	/* Too small a buffer. */
	assert_int_equal(checkpoint_format(out, strlen(golden), &cp), -1);

	/* Extension lines are allowed and ignored; size 0 is "0". */
	assert_int_equal(checkpoint_parse(&cp, "o\n0\n"
	    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\nx\n",
	    strlen("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
	    "ext one\nx\n"), &e), 0);
	assert_int_equal(cp.size, 0);
	merkle_empty_root(h);
	assert_memory_equal(cp.root, h, MERKLE_HASH);
	assert_int_equal(checkpoint_parse(&cp, "o\n9223372036854775807\n"
	    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", strlen("o\n"
	    "9223372036854775807\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	    "\n"), &e), 0);
	assert_int_equal(cp.size, INT64_MAX);
}

static void
malformed_checkpoints_are_refused(void **state)
{
#define R "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	static const char *const bad[] = {
		"", "o\n", "o\n1\n", "o\n1\n" R, "\n1\n" R "\n",
		"o\n\n" R "\n", "o\n01\n" R "\n", "o\n00\n" R "\n",
		"o\n-1\n" R "\n", "o\n+1\n" R "\n", "o\n 1\n" R "\n",
		"o\n1 \n" R "\n", "o\n0x1\n" R "\n", "o\n1.0\n" R "\n",
		"o\n9223372036854775808\n" R "\n",
		"o\n99999999999999999999\n" R "\n",
		"o\n1\r\n" R "\n", "o\r\n1\n" R "\n", "o\n1\n" R "\r\n",
		"o\n1\n\n", "o\n1\nAAAA\n",
		"o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n",
		"o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n",
		"o\n1\n47DEQpj8HBSa-_TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		"o\n1\n" R "\n\n", "o\n1\n" R "\next\n\n",
		"o\n1\n" R "\next\n\nmore\n", "o\n1\n" R "\nno newline",
		"o\x01\n1\n" R "\n", "o\n1\n" R "\nbad\x02\n",
		"\xff\n1\n" R "\n",
	};
	char origin[NOTE_NAME_MAX + 80];
	struct checkpoint cp;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		if (checkpoint_parse(&cp, bad[i], strlen(bad[i]), &e) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(e.status, 400);
	}
	/* The longest origin that fits, and one byte more. */
	memset(origin, 'o', NOTE_NAME_MAX - 1);
	memcpy(origin + NOTE_NAME_MAX - 1, "\n1\n" R "\n", 3 + 44 + 1 + 1);
	assert_int_equal(checkpoint_parse(&cp, origin, strlen(origin), &e), 0);
	memset(origin, 'o', NOTE_NAME_MAX);
	memcpy(origin + NOTE_NAME_MAX, "\n1\n" R "\n", 3 + 44 + 1 + 1);
	assert_int_equal(checkpoint_parse(&cp, origin, strlen(origin), &e),
	    -1);
	/* The body must not run past len. */
	assert_int_equal(checkpoint_parse(&cp, "o\n1\n" R "\n", 5, &e), -1);
#undef R
}

static void
checkpoint_format_refuses_what_parse_would(void **state)
{
	struct checkpoint cp;
	char out[512];

	memset(&cp, 0, sizeof(cp));
	assert_int_equal(checkpoint_format(out, sizeof(out), &cp), -1);
	cp.origin[0] = 'o';
	cp.size = -1;
	assert_int_equal(checkpoint_format(out, sizeof(out), &cp), -1);
	cp.size = 0;
	assert_int_equal(checkpoint_format(out, sizeof(out), &cp), 0);
	cp.origin[0] = '\n';
	assert_int_equal(checkpoint_format(out, sizeof(out), &cp), -1);
	memset(cp.origin, 'o', sizeof(cp.origin));
	assert_int_equal(checkpoint_format(out, sizeof(out), &cp), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(published_verifier_keys_parse_and_format_back),
		cmocka_unit_test(published_notes_open),
		cmocka_unit_test(signing_reproduces_the_published_note),
		cmocka_unit_test(signed_checkpoints_round_trip),
		cmocka_unit_test(
		    every_bit_flip_and_truncation_of_a_signed_note_is_refused),
		cmocka_unit_test(framing_mutations_are_refused),
		cmocka_unit_test(
		    a_bad_signature_by_the_key_rejects_even_beside_a_good_one),
		cmocka_unit_test(
		    other_keys_signatures_are_ignored_but_must_be_well_formed),
		cmocka_unit_test(signature_lines_are_capped),
		cmocka_unit_test(notes_are_capped_at_note_max),
		cmocka_unit_test(
		    a_text_may_hold_blank_lines_as_the_spec_allows),
		cmocka_unit_test(base64_with_non_ascii_bytes_is_refused),
		cmocka_unit_test(mangled_verifier_keys_are_refused),
		cmocka_unit_test(key_names_follow_the_spec),
		cmocka_unit_test(sign_refuses_bodies_open_would_not_take),
		cmocka_unit_test(checkpoint_examples_parse_and_format_back),
		cmocka_unit_test(malformed_checkpoints_are_refused),
		cmocka_unit_test(checkpoint_format_refuses_what_parse_would),
	};

	return cmocka_run_group_tests_name("unit.note", tests, setup, NULL);
}
