/* SPDX-License-Identifier: ISC */
/*
 * prover: proofs from stored tiles through the tile cache; see prover.h
 * and docs/internals/tlog.md.
 */
#include "tlog/prover.h"

#include <stdlib.h>
#include <string.h>

#include "tlog/tilenodes.h"

#define RCACHE 4                        /* rows read within one proof */

struct reader {
	struct tilecache *tc;
	const struct prover_tiles *tiles;
	struct err *e;
	int level[RCACHE];
	int64_t idx[RCACHE];
	struct buf tile[RCACHE];
	int next;
	merkle_hash *nodes;             /* decoded on a cache miss */
};

/* The root of n (a power of two) consecutive hashes. */
static void
subtree_root(merkle_hash out, const merkle_hash *h, size_t n)
{
	merkle_hash buf[TILE_WIDTH / 2];
	size_t i, m;

	if (n == 1) {
		memcpy(out, h[0], MERKLE_HASH);
		return;
	}
	for (i = 0; i < n / 2; i++)
		merkle_node_hash(buf[i], h[2 * i], h[2 * i + 1]);
	for (m = n / 2; m > 1; m /= 2)
		for (i = 0; i < m / 2; i++)
			merkle_node_hash(buf[i], buf[2 * i], buf[2 * i + 1]);
	memcpy(out, buf[0], MERKLE_HASH);
}

/* The stored row of tile (level, idx), kept for the rest of the proof. */
static const merkle_hash *
reader_row(struct reader *r, int level, int64_t idx, int *width)
{
	struct buf *b;
	int i, found;

	for (i = 0; i < RCACHE; i++)
		if (r->tile[i].len > 0 && r->level[i] == level &&
		    r->idx[i] == idx) {
			*width = (int)(r->tile[i].len / MERKLE_HASH);
			return (const merkle_hash *)(void *)r->tile[i].data;
		}
	i = r->next;
	r->next = (r->next + 1) % RCACHE;
	b = &r->tile[i];
	buf_reset(b);
	found = r->tiles->get(r->tiles->arg, level, idx, b, r->e);
	if (found != 0 || b->len % MERKLE_HASH != 0 ||
	    b->len > (size_t)TILE_WIDTH * MERKLE_HASH) {
		if (found == 1)
			err_internal(r->e, "tile %d/%lld is missing", level,
			    (long long)idx);
		buf_reset(b);
		return NULL;
	}
	r->level[i] = level;
	r->idx[i] = idx;
	*width = (int)(b->len / MERKLE_HASH);
	return (const merkle_hash *)(void *)b->data;
}

/* Decodes a row into r->nodes and hands it to the cache. */
static int
reader_decode(struct reader *r, int level, int64_t idx,
    const merkle_hash *row, int width)
{
	if (r->nodes == NULL)
		r->nodes = calloc(TILENODES, sizeof(*r->nodes));
	if (r->nodes == NULL)
		return err_internal(r->e, "out of memory");
	memcpy(r->nodes, row, (size_t)width * MERKLE_HASH);
	tilenodes_compute(r->nodes, width);
	tilecache_put(r->tc, level, idx, width, (const merkle_hash *)r->nodes);
	return 0;
}

static int
reader_source(void *arg, int level, int64_t index, merkle_hash out)
{
	struct reader *r = arg;
	int tl = level / TILE_HEIGHT, s = level % TILE_HEIGHT, width = 0;
	int64_t first = index << s, tidx = first / TILE_WIDTH;
	int off = (int)(first % TILE_WIDTH);
	const merkle_hash *row, *h;

	if (r->tc != NULL && tilecache_get(r->tc, tl, tidx, s, off >> s,
	    out) == 0)
		return 0;
	row = reader_row(r, tl, tidx, &width);
	if (row == NULL)
		return -1;
	if (off + (1 << s) > width) {
		err_internal(r->e, "tile %d/%lld is shorter than the tree",
		    tl, (long long)tidx);
		return -1;
	}
	if (r->tc == NULL) {
		subtree_root(out, &row[off], (size_t)1 << s);
		return 0;
	}
	if (reader_decode(r, tl, tidx, row, width) == -1)
		return -1;
	h = tilenodes_at((const merkle_hash *)r->nodes, width, s, off >> s);
	memcpy(out, *h, MERKLE_HASH);
	return 0;
}

/* Builds a proof of either kind. */
static int
prove(struct tilecache *tc, const struct prover_tiles *tiles,
    int (*proof)(const struct merkle_source *, int64_t, int64_t,
    merkle_hash *, size_t *), int64_t a, int64_t b, merkle_hash *out,
    size_t *n, struct err *e)
{
	struct reader r;
	struct merkle_source src = {reader_source, &r};
	int i, rc;

	memset(&r, 0, sizeof(r));
	r.tc = tc;
	r.tiles = tiles;
	r.e = e;
	for (i = 0; i < RCACHE; i++)
		buf_init(&r.tile[i], TILE_WIDTH * MERKLE_HASH);
	rc = proof(&src, a, b, out, n);
	for (i = 0; i < RCACHE; i++)
		buf_cleanup(&r.tile[i]);
	free(r.nodes);
	if (rc == -1 && e->status == 0)
		err_internal(e, "cannot build the proof");
	return rc;
}

int
prover_inclusion(struct tilecache *tc, const struct prover_tiles *tiles,
    int64_t index, int64_t size, merkle_hash *out, size_t *n, struct err *e)
{
	return prove(tc, tiles, merkle_inclusion_proof, index, size, out, n,
	    e);
}

int
prover_consistency(struct tilecache *tc, const struct prover_tiles *tiles,
    int64_t size1, int64_t size2, merkle_hash *out, size_t *n,
    struct err *e)
{
	return prove(tc, tiles, merkle_consistency_proof, size1, size2, out,
	    n, e);
}

struct bundle {
	struct buf *out;
	int64_t count;
	int fail;
};

/* A bundle holds the sealed leaves, what the tree hashes: never an
 * entry's plaintext. */
static int
bundle_cb(void *arg, const struct rec_leaf *r)
{
	struct bundle *b = arg;
	const uint8_t *bytes = r->leaf;
	size_t len = r->leaf_len;
	uint8_t be[2];

	if (bytes == NULL || len > 0xffff) {
		b->fail = 1;
		return 1;
	}
	be[0] = (uint8_t)(len >> 8);
	be[1] = (uint8_t)len;
	if (buf_append(b->out, be, 2) == -1 ||
	    buf_append(b->out, bytes, len) == -1) {
		b->fail = 1;
		return 1;
	}
	b->count++;
	return 0;
}

static int
entry_bundle(const struct store_ops *ops, struct store_conn *c, int64_t size,
    const struct tile_ref *ref, struct buf *out, struct err *e)
{
	struct bundle b = {out, 0, 0};
	int64_t first;

	/* The index is the caller's: check it before multiplying. */
	if (ref->index > (INT64_MAX - TILE_WIDTH) / TILE_WIDTH)
		return err_set(e, 404, "not_found", "no such entry bundle");
	first = ref->index * TILE_WIDTH;
	if (first + ref->width > size)
		return err_set(e, 404, "not_found", "no such entry bundle "
		    "(yet)");
	if (ops->entry_leaves(c, first, first + ref->width, 0, bundle_cb, &b,
	    e) == -1)
		return -1;
	if (b.fail || b.count != ref->width)
		return err_internal(e, "cannot build the entry bundle");
	return 0;
}

int
prover_tile(const struct store_ops *ops, struct store_conn *c, int64_t size,
    const struct tile_ref *ref, struct buf *out, struct err *e)
{
	struct buf tile;
	int64_t have;
	int found;

	if (ref->entries)
		return entry_bundle(ops, c, size, ref, out, e);
	/* Hashes at level 8L that the committed tree has. */
	have = ref->level * TILE_HEIGHT < 63 ?
	    size >> (ref->level * TILE_HEIGHT) : 0;
	if (ref->index > (have - ref->width) / TILE_WIDTH ||
	    ref->index * TILE_WIDTH + ref->width > have)
		return err_set(e, 404, "not_found", "no such tile (yet)");
	buf_init(&tile, TILE_WIDTH * MERKLE_HASH);
	found = ops->tile_get(c, ref->level, ref->index, &tile, e);
	if (found == 0 && tile.len < (size_t)ref->width * MERKLE_HASH)
		found = err_internal(e, "the stored tile is short");
	if (found == 0 && buf_append(out, tile.data,
	    (size_t)ref->width * MERKLE_HASH) == -1)
		found = err_internal(e, "out of memory");
	if (found == 1)
		found = err_set(e, 404, "not_found", "no such tile");
	buf_cleanup(&tile);
	return found;
}
