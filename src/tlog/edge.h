/* SPDX-License-Identifier: ISC */
/*
 * edge: the tree's right edge, all of the tree the writer keeps in memory.
 *
 * For each tile level L it holds the rightmost tile (up to 256 hashes of
 * Merkle level 8L).  Appending a leaf adds a hash at level 0; a tile that
 * fills up goes to a sink (the store, or the start-up comparison) with all
 * its inner hashes, and its root becomes the next hash one tile level up.
 * That is O(1) amortised work per leaf, every hash a proof needs is in a
 * full or rightmost tile, and the root of the tree comes from the edge
 * alone.  An edge is a plain value: copy it to snapshot it.
 */
#ifndef CUSTOS_TLOG_EDGE_H
#define CUSTOS_TLOG_EDGE_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "tlog/merkle.h"
#include "tlog/tilepath.h"

#define EDGE_LEVELS 8                   /* 8 tile levels: 2^64 leaves */

struct edge_tile {
	int64_t index;                  /* tile number at this level */
	int width;                      /* hashes in it */
	int stored_width;               /* width last written to the store */
	merkle_hash h[TILE_WIDTH];
};

struct edge {
	int64_t size;                   /* leaves */
	struct edge_tile t[EDGE_LEVELS];
};

/* Called for every tile that fills up while appending: nodes holds its
 * TILENODES hashes (tilenodes.h), the row first.  The sink does not keep
 * the pointer. */
typedef int (*edge_sink)(void *arg, int level, int64_t idx,
    const merkle_hash *nodes, struct err *e);

/* Appends one leaf hash; -1 when a sink fails or the tree is full. */
int edge_append(struct edge *ed, const merkle_hash leaf, edge_sink sink,
    void *arg, struct err *e) __attribute__((warn_unused_result));

/* Appends the stored tile (level, idx) to out (its row of hashes): 0, 1
 * when absent, -1 with e (store_ops.tile_get). */
typedef int (*edge_tile_get)(void *arg, int level, int64_t idx,
    struct buf *out, struct err *e);

/* Loads the edge of a tree of size leaves from its stored tiles (at most
 * EDGE_LEVELS reads, one per level with a partial tile): another node
 * built them.  -1 with e when a tile is missing or too short; ed is then
 * unchanged. */
int edge_load(struct edge *ed, int64_t size, edge_tile_get get, void *arg,
    struct err *e) __attribute__((warn_unused_result));

/* The root of the whole tree (the empty root for size 0). */
int edge_root(const struct edge *ed, merkle_hash out)
	__attribute__((warn_unused_result));

#endif
