/* SPDX-License-Identifier: ISC */
/*
 * tilenodes: every inner hash of one tile, computed once.
 *
 * A tile row holds up to 256 hashes of one Merkle level; the 255 hashes
 * above them inside the tile (128 + 64 + ... + 1) are what proofs ask for
 * as "the root of 2^s consecutive hashes".  They are laid out level after
 * level in one array of TILENODES hashes: level s (0..8) starts at
 * tilenodes_offset(s), level 0 being the row itself.  For a partial row of
 * width w only the complete nodes are set: j < w >> s at level s.
 */
#ifndef CUSTOS_TLOG_TILENODES_H
#define CUSTOS_TLOG_TILENODES_H

#include <stddef.h>

#include "tlog/merkle.h"
#include "tlog/tilepath.h"

#define TILENODES (2 * TILE_WIDTH - 1)

/* Where level s (0..TILE_HEIGHT) begins in a nodes array. */
static inline size_t
tilenodes_offset(int s)
{
	return (size_t)(2 * TILE_WIDTH - ((2 * TILE_WIDTH) >> s));
}

/* Fills levels 1..8 of nodes from its level 0, the first width (1..256)
 * hashes, which the caller has put there. */
void tilenodes_compute(merkle_hash *nodes, int width);

/* The node j at level s of a tile of width hashes, or NULL when that node
 * is not complete in it. */
const merkle_hash *tilenodes_at(const merkle_hash *nodes, int width, int s,
    int64_t j);

#endif
