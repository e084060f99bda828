/* SPDX-License-Identifier: ISC */
/*
 * range.c: compact ranges (see range.h).  Appending is a binary counter:
 * the new leaf is a subtree of one leaf, and while the lowest bits of the
 * old size are set, the two rightmost subtrees are of equal size and
 * merge.  The root folds the subtrees from the right, RFC 6962's MTH of a
 * tree whose left part is the largest power of two below its size.
 */
#include "tlog/range.h"

#include <string.h>

static size_t
bits_set(uint64_t v)
{
	size_t n = 0;

	while (v != 0) {
		v &= v - 1;
		n++;
	}
	return n;
}

void
range_init(struct range *r)
{
	memset(r, 0, sizeof(*r));
}

int
range_set(struct range *r, int64_t size, const merkle_hash *h, size_t n)
{
	range_init(r);
	if (size < 0 || n != bits_set((uint64_t)size) || n > RANGE_MAX ||
	    (n > 0 && h == NULL))
		return -1;
	if (n > 0)
		memcpy(r->h, h, n * sizeof(merkle_hash));
	r->size = size;
	r->n = n;
	return 0;
}

int
range_append(struct range *r, const merkle_hash leaf)
{
	uint64_t s;

	if (r->size == INT64_MAX || r->n >= RANGE_MAX)
		return -1;
	memcpy(r->h[r->n++], leaf, MERKLE_HASH);
	for (s = (uint64_t)r->size; (s & 1) != 0; s >>= 1) {
		merkle_node_hash(r->h[r->n - 2], r->h[r->n - 2],
		    r->h[r->n - 1]);
		r->n--;
	}
	r->size++;
	return 0;
}

void
range_root(const struct range *r, merkle_hash out)
{
	merkle_hash acc;
	size_t i;

	if (r->n == 0) {
		merkle_empty_root(out);
		return;
	}
	memcpy(acc, r->h[r->n - 1], MERKLE_HASH);
	for (i = r->n - 1; i > 0; i--)
		merkle_node_hash(acc, r->h[i - 1], acc);
	memcpy(out, acc, MERKLE_HASH);
}
