/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the signed-note side of the log: note_verifier_parse,
 * note_open against a fixed key, and checkpoint_parse, on arbitrary bytes.
 * What they accept must hold together: a verifier key formats back to its
 * own text, an opened note re-opens to the same body and that body can be
 * signed again and opened, and a checkpoint formats back to the first
 * three lines of its text.  Refusals are 400s with a message.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "tlog/note.h"

#define FUZZ_NAME "fuzz.example/log"
/* The seed of the fixed key; fuzz/corpus/fuzz_note holds notes by it. */
#define FUZZ_SEED "custos fuzz_note fixed key seed!"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t fixed_pk[crypto_sign_PUBLICKEYBYTES];
static uint8_t fixed_sk[crypto_sign_SECRETKEYBYTES];
static struct note_verifier fixed;

static void
must_be_400(const struct err *e, const char *what)
{
	if (e->status != 400 || e->code == NULL || e->msg[0] == '\0') {
		log_error("fuzz: %s: status %d: %s", what, e->status, e->msg);
		abort();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char vkey[NOTE_VERIFIER_MAX];
	struct err e;

	err_init(&e);
	if (sodium_init() < 0 ||
	    crypto_sign_seed_keypair(fixed_pk, fixed_sk,
	    (const uint8_t *)FUZZ_SEED) != 0 ||
	    note_verifier_format(vkey, sizeof(vkey), FUZZ_NAME,
	    fixed_pk) != 0 ||
	    note_verifier_parse(&fixed, vkey, &e) != 0)
		abort();
	return 0;
}

/* A verifier key that parses formats back to exactly its text. */
static void
fuzz_verifier(const char *s)
{
	struct note_verifier v;
	char again[NOTE_VERIFIER_MAX + 1];
	struct err e;

	err_init(&e);
	if (note_verifier_parse(&v, s, &e) == -1) {
		must_be_400(&e, "verifier");
		return;
	}
	if (!note_name_valid(v.name) ||
	    note_verifier_format(again, sizeof(again), v.name,
	    v.public_key) != 0 || strcmp(again, s) != 0)
		abort();
}

/* A checkpoint that parses formats back to its first three lines. */
static void
fuzz_checkpoint(const char *text, size_t len)
{
	struct checkpoint c, back;
	char again[NOTE_NAME_MAX + 128];
	struct err e;
	size_t n;

	err_init(&e);
	if (checkpoint_parse(&c, text, len, &e) == -1) {
		must_be_400(&e, "checkpoint");
		return;
	}
	if (c.size < 0 || c.origin[0] == '\0' ||
	    checkpoint_format(again, sizeof(again), &c) != 0)
		abort();
	n = strlen(again);
	if (n > len || memcmp(again, text, n) != 0)
		abort();
	if (checkpoint_parse(&back, again, n, &e) != 0 ||
	    back.size != c.size || strcmp(back.origin, c.origin) != 0 ||
	    memcmp(back.root, c.root, MERKLE_HASH) != 0)
		abort();
}

static void
fuzz_open(const char *text, size_t len)
{
	size_t body_len = 0, again_len = 0;
	struct buf b;
	struct err e;
	char *copy;

	err_init(&e);
	if (note_open(text, len, &fixed, &body_len, &e) == -1) {
		must_be_400(&e, "note");
		if (body_len != 0)
			abort();
		return;
	}
	/* The body ends in "\n" and is followed by the blank line. */
	if (body_len == 0 || body_len + 2 > len || text[body_len - 1] != '\n' ||
	    text[body_len] != '\n')
		abort();
	/* It opens again, from other memory, to the same body. */
	copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, text, len);
	if (note_open(copy, len, &fixed, &again_len, &e) != 0 ||
	    again_len != body_len)
		abort();
	free(copy);
	fuzz_checkpoint(text, body_len);
	/* Signed afresh (when note_sign takes it), it opens to itself. */
	buf_init(&b, 2 * NOTE_MAX);
	if (note_sign(&b, text, body_len, FUZZ_NAME, fixed_sk) == 0) {
		if (note_open(b.data, b.len, &fixed, &again_len, &e) != 0 ||
		    again_len != body_len ||
		    memcmp(b.data, text, body_len) != 0)
			abort();
	}
	buf_cleanup(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 2 * NOTE_MAX)
		return 0;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_verifier(s);
	fuzz_open(s, size);
	fuzz_checkpoint(s, size);
	free(s);
	return 0;
}
