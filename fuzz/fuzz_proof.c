/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes proof decoding: arbitrary bytes loaded by jansson, then taken as
 * an inclusion proof, a consistency proof and an entry, and every parsed
 * proof run through the verifiers with roots and a leaf taken from the
 * input.  Refusals are 400s naming a field; what parses stays within its
 * limits and encodes back to the same hashes; nothing crashes or trips a
 * sanitizer, whatever the sizes.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "tlog/merkle.h"
#include "tlog/proof.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must_name_a_field(const struct err *e, const char *what)
{
	if (e->status != 400 || e->code == NULL ||
	    (strchr(e->msg, '\'') == NULL &&
	    strstr(e->msg, "JSON object") == NULL)) {
		log_error("fuzz: %s: status %d: %s", what, e->status, e->msg);
		abort();
	}
}

/* The hashes encode back to the same bytes. */
static void
round_trip(const struct proof *p)
{
	merkle_hash back[MERKLE_PROOF_MAX];
	struct err e;
	json_t *a;
	size_t n;

	a = proof_encode_hashes((const merkle_hash *)p->hashes, p->n);
	if (a == NULL)
		return;
	err_init(&e);
	if (proof_decode_hashes(back, MERKLE_PROOF_MAX, &n, a, "hashes",
	    &e) != 0 || n != p->n ||
	    (n > 0 && memcmp(back, p->hashes, n * MERKLE_HASH) != 0))
		abort();
	json_decref(a);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	merkle_hash seed, r1, r2;
	struct proof p;
	struct err e;
	uint8_t *leaf;
	int64_t index;
	size_t len;
	json_t *o;

	if (size > 64 * 1024)
		return 0;
	/* Roots and a leaf that depend on the input. */
	crypto_hash_sha256(seed, data, size);
	memcpy(r1, seed, MERKLE_HASH);
	merkle_leaf_hash(r2, data, size);
	o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (o == NULL)
		return 0;

	err_init(&e);
	if (proof_parse_inclusion(&p, o, &e) == 0) {
		if (p.a < 0 || p.b < 0 || p.n > MERKLE_PROOF_MAX)
			abort();
		round_trip(&p);
		(void)merkle_verify_inclusion(p.a, p.b, seed,
		    (const merkle_hash *)p.hashes, p.n, r2);
		/* The proof's first hash as the root: the leaf alone. */
		if (p.n > 0 && merkle_verify_inclusion(p.a, p.b, p.hashes[0],
		    NULL, 0, p.hashes[0]) == 0 && p.b != 1)
			abort();
	} else {
		must_name_a_field(&e, "inclusion");
	}

	err_init(&e);
	if (proof_parse_consistency(&p, o, &e) == 0) {
		if (p.a < 0 || p.b < 0 || p.n > MERKLE_PROOF_MAX)
			abort();
		round_trip(&p);
		(void)merkle_verify_consistency(p.a, p.b, r1, r2,
		    (const merkle_hash *)p.hashes, p.n);
		(void)merkle_verify_consistency(p.a, p.b, r1, r1,
		    (const merkle_hash *)p.hashes, p.n);
		/* Equal sizes need an empty proof and equal roots. */
		if (p.a == p.b && merkle_verify_consistency(p.a, p.b, r1, r2,
		    (const merkle_hash *)p.hashes, p.n) == 0)
			abort();
		if (p.a == 0 && merkle_verify_consistency(p.a, p.b, r1, r1,
		    (const merkle_hash *)p.hashes, p.n) == 0)
			abort();
	} else {
		must_name_a_field(&e, "consistency");
	}

	err_init(&e);
	if (proof_parse_entry(&index, &leaf, &len, o, &e) == 0) {
		if (index < 0 || leaf == NULL || len > PROOF_LEAF_MAX)
			abort();
		merkle_leaf_hash(r2, leaf, len);
		free(leaf);
	} else {
		must_name_a_field(&e, "entry");
		if (leaf != NULL)
			abort();
	}
	json_decref(o);
	return 0;
}
