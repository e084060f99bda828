/* SPDX-License-Identifier: ISC */
/*
 * tilecache: a bounded, thread-safe cache of decoded tiles for proofs.
 *
 * Each entry is one tile (level, number) with all its inner hashes
 * (tilenodes.h), so a proof asks the cache for each hash it needs instead
 * of reading the tile and re-hashing up to 255 nodes of it.  A stored full
 * tile never changes and a partial one only grows (the store's triggers
 * see to it), so an entry never goes stale: a partial entry answers the
 * nodes it holds, and a wider copy of the tile replaces it.
 *
 * At most `cap` tiles are kept (16 KiB each), least recently used first
 * out.  Any number of threads may call any function at once.
 */
#ifndef CUSTOS_TLOG_TILECACHE_H
#define CUSTOS_TLOG_TILECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "tlog/merkle.h"

#define TILECACHE_DEFAULT 4096          /* tiles: 64 MiB, 1 M leaves */

struct tilecache;

struct tilecache_stats {
	uint64_t hits, misses;
	size_t tiles, cap;
};

/* A cache of at most cap tiles; NULL when out of memory. */
struct tilecache *tilecache_new(size_t cap);
void tilecache_free(struct tilecache *tc);

/* Copies node j of level s (tilenodes.h) of tile (level, idx) into out:
 * 0 when the cache holds it, 1 when not (the caller reads the tile and
 * puts it). */
int tilecache_get(struct tilecache *tc, int level, int64_t idx, int s,
    int64_t j, merkle_hash out) __attribute__((warn_unused_result));

/* Keeps a copy of the TILENODES nodes of tile (level, idx) of width
 * hashes, unless the cache already holds it at least as wide. */
void tilecache_put(struct tilecache *tc, int level, int64_t idx, int width,
    const merkle_hash *nodes);

void tilecache_stats(struct tilecache *tc, struct tilecache_stats *out);

#endif
