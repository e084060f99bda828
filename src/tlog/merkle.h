/* SPDX-License-Identifier: ISC */
/*
 * merkle: RFC 6962 / RFC 9162 Merkle trees over SHA-256.  Leaves hash as
 * SHA-256(0x00 || data), interior nodes as SHA-256(0x01 || left || right).
 *
 * Proofs are generated over a merkle_source, which answers "the hash of the
 * complete subtree at `level` (2^level leaves) number `index`" -- the
 * server backs it with stored tiles.  Verification needs nothing but the
 * proof and is what custos verify runs offline.
 */
#ifndef CUSTOS_TLOG_MERKLE_H
#define CUSTOS_TLOG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH 32
#define MERKLE_PROOF_MAX 64     /* hashes in any proof of a 2^63 tree */

typedef uint8_t merkle_hash[MERKLE_HASH];

void merkle_leaf_hash(merkle_hash out, const void *data, size_t len);
void merkle_node_hash(merkle_hash out, const merkle_hash left,
    const merkle_hash right);
/* The root of the empty tree: SHA-256 of nothing. */
void merkle_empty_root(merkle_hash out);

struct merkle_source {
	/* 0 with out set, -1 when the hash cannot be read. */
	int (*hash_at)(void *arg, int level, int64_t index, merkle_hash out);
	void *arg;
};

/* The root of the first size leaves. */
int merkle_root(const struct merkle_source *src, int64_t size,
    merkle_hash out) __attribute__((warn_unused_result));

/* The RFC 9162 inclusion proof of leaf index in a tree of size leaves:
 * *n hashes into out[MERKLE_PROOF_MAX].  -1 if index >= size. */
int merkle_inclusion_proof(const struct merkle_source *src, int64_t index,
    int64_t size, merkle_hash *out, size_t *n)
	__attribute__((warn_unused_result));

/* The RFC 9162 consistency proof from size1 to size2 (0 < size1 <= size2);
 * empty when size1 == size2. */
int merkle_consistency_proof(const struct merkle_source *src, int64_t size1,
    int64_t size2, merkle_hash *out, size_t *n)
	__attribute__((warn_unused_result));

/* RFC 9162 2.1.3.2: 0 when leaf is at index in the tree with this root. */
int merkle_verify_inclusion(int64_t index, int64_t size,
    const merkle_hash leaf, const merkle_hash *proof, size_t n,
    const merkle_hash root) __attribute__((warn_unused_result));

/* RFC 9162 2.1.4.2: 0 when the tree (size2, root2) extends (size1, root1).
 * size1 == size2 needs an empty proof and equal roots; size1 == 0 is
 * refused (there is nothing to be consistent with). */
int merkle_verify_consistency(int64_t size1, int64_t size2,
    const merkle_hash root1, const merkle_hash root2,
    const merkle_hash *proof, size_t n) __attribute__((warn_unused_result));

#endif
