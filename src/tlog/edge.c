/* SPDX-License-Identifier: ISC */
/*
 * edge: appending to the tree's right edge and its root; see edge.h.
 */
#include "tlog/edge.h"

#include <stdlib.h>
#include <string.h>

#include "tlog/tilenodes.h"

static void
hash_copy(merkle_hash dst, const merkle_hash src)
{
	memcpy(dst, src, MERKLE_HASH);
}

/* The root of n (a power of two) consecutive hashes. */
static void
subtree_root(merkle_hash out, const merkle_hash *h, size_t n)
{
	merkle_hash buf[TILE_WIDTH / 2];
	size_t i, m;

	if (n == 1) {
		hash_copy(out, h[0]);
		return;
	}
	for (i = 0; i < n / 2; i++)
		merkle_node_hash(buf[i], h[2 * i], h[2 * i + 1]);
	for (m = n / 2; m > 1; m /= 2)
		for (i = 0; i < m / 2; i++)
			merkle_node_hash(buf[i], buf[2 * i], buf[2 * i + 1]);
	hash_copy(out, buf[0]);
}

int
edge_append(struct edge *ed, const merkle_hash leaf, edge_sink sink,
    void *arg, struct err *e)
{
	merkle_hash *nodes = NULL;
	merkle_hash h;
	int level, rc = -1;

	hash_copy(h, leaf);
	for (level = 0; level < EDGE_LEVELS; level++) {
		struct edge_tile *et = &ed->t[level];

		hash_copy(et->h[et->width++], h);
		if (et->width < TILE_WIDTH) {
			ed->size++;
			rc = 0;
			goto out;
		}
		/* Once per 256 leaves: the tile is full. */
		if (nodes == NULL)
			nodes = malloc(TILENODES * sizeof(*nodes));
		if (nodes == NULL) {
			err_internal(e, "out of memory");
			goto out;
		}
		memcpy(nodes, et->h, sizeof(et->h));
		tilenodes_compute(nodes, TILE_WIDTH);
		if (sink(arg, level, et->index, (const merkle_hash *)nodes,
		    e) == -1)
			goto out;
		hash_copy(h, nodes[TILENODES - 1]);
		et->index++;
		et->width = 0;
		et->stored_width = 0;
	}
	err_internal(e, "the log is full");
out:
	free(nodes);
	return rc;
}

int
edge_load(struct edge *ed, int64_t size, edge_tile_get get, void *arg,
    struct err *e)
{
	struct edge *next;
	struct buf tile;
	int level, rc = -1;

	if (size < 0)
		return err_internal(e, "negative tree size");
	next = calloc(1, sizeof(*next));
	if (next == NULL)
		return err_internal(e, "out of memory");
	buf_init(&tile, (size_t)TILE_WIDTH * MERKLE_HASH);
	next->size = size;
	for (level = 0; level < EDGE_LEVELS; level++) {
		struct edge_tile *et = &next->t[level];
		int shift = TILE_HEIGHT * level;
		int found;

		/* Level L holds hashes of 256^L leaves each; its partial
		 * tile has (size >> 8L) mod 256 of them. */
		et->index = shift + TILE_HEIGHT >= 64 ? 0 :
		    size >> (shift + TILE_HEIGHT);
		et->width = shift >= 64 ? 0 : (int)((size >> shift) &
		    (TILE_WIDTH - 1));
		et->stored_width = et->width;
		if (et->width == 0)
			continue;
		buf_reset(&tile);
		found = get(arg, level, et->index, &tile, e);
		if (found == -1)
			goto out;
		if (found == 1 || tile.len < (size_t)et->width * MERKLE_HASH) {
			err_internal(e, "the tile %d/%lld of a tree of size "
			    "%lld is %s", level, (long long)et->index,
			    (long long)size, found == 1 ? "missing" :
			    "too short");
			goto out;
		}
		memcpy(et->h, tile.data, (size_t)et->width * MERKLE_HASH);
	}
	memcpy(ed, next, sizeof(*ed));
	rc = 0;
out:
	buf_cleanup(&tile);
	free(next);
	return rc;
}

/* The hash at (level, index) from the edge, when it lies in an edge tile. */
static int
edge_hash(void *arg, int level, int64_t index, merkle_hash out)
{
	const struct edge *ed = arg;
	int tl = level / TILE_HEIGHT, s = level % TILE_HEIGHT;
	int64_t first = index << s, tidx = first / TILE_WIDTH;
	const struct edge_tile *et;
	int off = (int)(first % TILE_WIDTH);

	if (tl >= EDGE_LEVELS)
		return -1;
	et = &ed->t[tl];
	if (tidx != et->index || off + (1 << s) > et->width)
		return -1;
	subtree_root(out, (const merkle_hash *)&et->h[off], (size_t)1 << s);
	return 0;
}

int
edge_root(const struct edge *ed, merkle_hash out)
{
	struct merkle_source src = {edge_hash, (void *)(uintptr_t)ed};

	if (ed->size == 0) {
		merkle_empty_root(out);
		return 0;
	}
	return merkle_root(&src, ed->size, out);
}
