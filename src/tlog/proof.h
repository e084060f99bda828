/* SPDX-License-Identifier: ISC */
/*
 * proof: the JSON forms of proofs and entries that the API serves and that
 * custos verify reads back from files (outside input: checked here).
 *
 *   inclusion:   {"index": N, "size": M, "hashes": ["<base64>", ...]}
 *   consistency: {"old": A, "new": B, "hashes": [...]}
 *   entry:       {"index": N, "leaf": "<base64 of the exact bytes>", ...}
 */
#ifndef CUSTOS_TLOG_PROOF_H
#define CUSTOS_TLOG_PROOF_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "tlog/merkle.h"

#define PROOF_LEAF_MAX (256 * 1024)

struct proof {
	int64_t a;              /* index, or old size */
	int64_t b;              /* tree size, or new size */
	merkle_hash hashes[MERKLE_PROOF_MAX];
	size_t n;
};

/* Decodes a JSON array of base64 hashes (each exactly 32 bytes). */
int proof_decode_hashes(merkle_hash *out, size_t max, size_t *n,
    const json_t *array, const char *field, struct err *e)
	__attribute__((warn_unused_result));

/* Encodes hashes as a new JSON array of base64 strings. */
json_t *proof_encode_hashes(const merkle_hash *h, size_t n);

/* Parses an inclusion proof object (consistency: old/new keys). */
int proof_parse_inclusion(struct proof *p, const json_t *o, struct err *e)
	__attribute__((warn_unused_result));
int proof_parse_consistency(struct proof *p, const json_t *o, struct err *e)
	__attribute__((warn_unused_result));

/* Parses an entry object: its index and leaf bytes (base64-decoded into
 * a new buffer *leaf of *len bytes; free()). */
int proof_parse_entry(int64_t *index, uint8_t **leaf, size_t *len,
    const json_t *o, struct err *e) __attribute__((warn_unused_result));

#endif
