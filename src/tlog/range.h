/* SPDX-License-Identifier: ISC */
/*
 * range: the compact range [0, size) of an RFC 6962 tree: the roots of
 * its largest complete subtrees, left to right, one per bit set in size
 * (the tree's right edge).  At most 64 hashes, yet enough to append
 * leaves and to compute the root of every larger tree.
 *
 * This is what a verifier keeps between two checks: it appends each new
 * leaf's hash and compares the root with the new signed checkpoint's.
 * Equal roots prove both that every appended leaf is in the new tree
 * and that the old tree (whose root the same range gave before) is a
 * prefix of it, with no proof fetched from the server.
 */
#ifndef CUSTOS_TLOG_RANGE_H
#define CUSTOS_TLOG_RANGE_H

#include <stddef.h>
#include <stdint.h>

#include "tlog/merkle.h"

#define RANGE_MAX 63            /* bits of a non-negative int64_t */

struct range {
	int64_t size;           /* leaves */
	size_t n;               /* hashes: the bits set in size */
	merkle_hash h[RANGE_MAX];       /* largest subtree first */
};

/* The empty range. */
void range_init(struct range *r) __attribute__((nonnull));

/*
 * Sets r from saved hashes: n must be the number of bits set in size.
 * 0, or -1 (then r is the empty range).
 */
int range_set(struct range *r, int64_t size, const merkle_hash *h, size_t n)
	__attribute__((warn_unused_result, nonnull(1)));

/* Appends the leaf hash (merkle_leaf_hash of a leaf).  0, or -1 when
 * the tree is full. */
int range_append(struct range *r, const merkle_hash leaf)
	__attribute__((warn_unused_result, nonnull));

/* The root of the tree [0, size): the empty root when size is 0. */
void range_root(const struct range *r, merkle_hash out)
	__attribute__((nonnull));

#endif
