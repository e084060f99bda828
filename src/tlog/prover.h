/* SPDX-License-Identifier: ISC */
/*
 * prover: inclusion and consistency proofs over the stored tiles, and the
 * C2SP tiles and entry bundles as served.
 *
 * A hash at Merkle level 8L+s (s < 8) is node s of a level-L tile
 * (tilenodes.h).  The prover asks the tile cache for it first; on a miss
 * it reads the tile (through a prover_tiles reader, a store connection in
 * custosd), computes all its inner hashes once and gives them to the
 * cache.  Without a cache it hashes just the nodes it needs, as custos
 * did before the cache: both give the same proofs, byte for byte.
 */
#ifndef CUSTOS_TLOG_PROVER_H
#define CUSTOS_TLOG_PROVER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "store/store.h"
#include "tlog/merkle.h"
#include "tlog/tilecache.h"
#include "tlog/tilepath.h"

/* Where the prover reads tiles: get as store_ops.tile_get (0 found, 1
 * missing, -1 error), out holding the row. */
struct prover_tiles {
	int (*get)(void *arg, int level, int64_t idx, struct buf *out,
	    struct err *e);
	void *arg;
};

/* The inclusion proof of index in the tree of size leaves (the caller has
 * checked 0 <= index < size <= the committed size); tc may be NULL. */
int prover_inclusion(struct tilecache *tc, const struct prover_tiles *tiles,
    int64_t index, int64_t size, merkle_hash *out, size_t *n, struct err *e)
	__attribute__((warn_unused_result));

/* The consistency proof from size1 to size2 (checked by the caller). */
int prover_consistency(struct tilecache *tc,
    const struct prover_tiles *tiles, int64_t size1, int64_t size2,
    merkle_hash *out, size_t *n, struct err *e)
	__attribute__((warn_unused_result));

/* The bytes of a C2SP tile or entry bundle of a tree of size leaves, read
 * on c; 404 when it is not (yet) complete to the asked width. */
int prover_tile(const struct store_ops *ops, struct store_conn *c,
    int64_t size, const struct tile_ref *ref, struct buf *out, struct err *e)
	__attribute__((warn_unused_result));

#endif
