/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/edge's edge_load: the right edge read from stored
 * tiles (what a node does when another node appended more than it will
 * hash again) equals the edge built by appending the same leaves, at the
 * sizes where tiles fill and levels appear; a missing or short tile is an
 * error that leaves the edge as it was.  The tiles live in memory, written
 * as the signer writes them: each full tile by the sink, the rightmost
 * partial tile of each level at each commit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/edge.h"
#include "tlog/merkle.h"

#define LEVELS 3
#define TILES_MAX 300           /* level-0 tiles of 70000 leaves: 274 */

struct mtiles {
	int width[LEVELS][TILES_MAX];   /* 0: absent */
	merkle_hash h[LEVELS][TILES_MAX][TILE_WIDTH];
	int gets;
	int short_level;                /* -1, or cut that level's tile */
};

static void
put(struct mtiles *m, int level, int64_t idx, const merkle_hash *h, int w)
{
	assert_true(level < LEVELS && idx < TILES_MAX);
	memcpy(m->h[level][idx], h, (size_t)w * MERKLE_HASH);
	m->width[level][idx] = w;
}

static int
sink(void *arg, int level, int64_t idx, const merkle_hash *nodes,
    struct err *e)
{
	(void)e;
	put(arg, level, idx, nodes, TILE_WIDTH);
	return 0;
}

static int
get(void *arg, int level, int64_t idx, struct buf *out, struct err *e)
{
	struct mtiles *m = arg;
	int w;

	(void)e;
	m->gets++;
	if (level >= LEVELS || idx >= TILES_MAX || m->width[level][idx] == 0)
		return 1;
	w = m->width[level][idx];
	if (level == m->short_level)
		w--;
	return buf_append(out, m->h[level][idx], (size_t)w * MERKLE_HASH);
}

/* What the signer stores at a commit: the rightmost tile of each level. */
static void
commit(struct mtiles *m, const struct edge *ed)
{
	int level;

	for (level = 0; level < LEVELS; level++)
		if (ed->t[level].width > 0)
			put(m, level, ed->t[level].index, ed->t[level].h,
			    ed->t[level].width);
}

static void
leaf(merkle_hash out, int64_t i)
{
	char text[32];

	snprintf(text, sizeof(text), "entry %lld", (long long)i);
	merkle_leaf_hash(out, text, strlen(text));
}

static void
assert_same_edge(const struct edge *a, const struct edge *b)
{
	merkle_hash ra, rb;
	int level;

	assert_int_equal(a->size, b->size);
	for (level = 0; level < EDGE_LEVELS; level++) {
		const struct edge_tile *x = &a->t[level], *y = &b->t[level];

		assert_int_equal(x->index, y->index);
		assert_int_equal(x->width, y->width);
		assert_int_equal(y->stored_width, y->width);
		assert_memory_equal(x->h, y->h, (size_t)x->width *
		    MERKLE_HASH);
	}
	assert_int_equal(edge_root(a, ra), 0);
	assert_int_equal(edge_root(b, rb), 0);
	assert_memory_equal(ra, rb, MERKLE_HASH);
}

static void
loaded_edges_equal_appended_ones(void **state)
{
	static const int64_t sizes[] = {0, 1, 255, 256, 257, 65535, 65536,
	    70000};
	struct mtiles *m = calloc(1, sizeof(*m));
	struct edge *built = calloc(1, sizeof(*built));
	struct edge *loaded = calloc(1, sizeof(*loaded));
	struct err e;
	size_t k;
	int64_t i = 0;

	(void)state;
	assert_non_null(m);
	assert_non_null(built);
	assert_non_null(loaded);
	m->short_level = -1;
	err_init(&e);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (; i < sizes[k]; i++) {
			merkle_hash h;

			leaf(h, i);
			assert_int_equal(edge_append(built, h, sink, m, &e),
			    0);
		}
		commit(m, built);
		/* Start from an edge of another size: nothing may stay. */
		memset(loaded, 0xa5, sizeof(*loaded));
		m->gets = 0;
		assert_int_equal(edge_load(loaded, sizes[k], get, m, &e), 0);
		assert_true(m->gets <= EDGE_LEVELS);
		assert_same_edge(built, loaded);
		/* And it grows on as the appended one does. */
		{
			struct edge *b2 = malloc(sizeof(*b2));
			merkle_hash h, ra, rb;

			leaf(h, sizes[k]);
			assert_non_null(b2);
			memcpy(b2, built, sizeof(*b2));
			assert_int_equal(edge_append(b2, h, sink, m, &e), 0);
			assert_int_equal(edge_append(loaded, h, sink, m, &e),
			    0);
			assert_int_equal(edge_root(b2, ra), 0);
			assert_int_equal(edge_root(loaded, rb), 0);
			assert_memory_equal(ra, rb, MERKLE_HASH);
			free(b2);
		}
	}
	free(loaded);
	free(built);
	free(m);
}

static void
missing_or_short_tiles_fail_and_change_nothing(void **state)
{
	struct mtiles *m = calloc(1, sizeof(*m));
	struct edge *built = calloc(1, sizeof(*built));
	struct edge *loaded = calloc(1, sizeof(*loaded));
	struct edge *before = malloc(sizeof(*before));
	struct err e;
	int64_t i;

	(void)state;
	assert_non_null(m);
	assert_non_null(built);
	assert_non_null(loaded);
	assert_non_null(before);
	m->short_level = -1;
	err_init(&e);
	for (i = 0; i < 300; i++) {
		merkle_hash h;

		leaf(h, i);
		assert_int_equal(edge_append(built, h, sink, m, &e), 0);
	}
	commit(m, built);
	memset(loaded, 0x5a, sizeof(*loaded));
	memcpy(before, loaded, sizeof(*before));

	/* The partial level-0 tile (1/0, 44 hashes) shorter than needed. */
	m->short_level = 0;
	assert_int_equal(edge_load(loaded, 300, get, m, &e), -1);
	assert_non_null(strstr(e.msg, "too short"));
	assert_memory_equal(loaded, before, sizeof(*before));
	m->short_level = -1;

	/* A size the tiles do not reach: level 0's tile 2 is absent. */
	err_init(&e);
	assert_int_equal(edge_load(loaded, 600, get, m, &e), -1);
	assert_non_null(strstr(e.msg, "missing"));
	assert_memory_equal(loaded, before, sizeof(*before));

	/* Whole again: it loads. */
	err_init(&e);
	assert_int_equal(edge_load(loaded, 300, get, m, &e), 0);
	assert_same_edge(built, loaded);
	free(before);
	free(loaded);
	free(built);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loaded_edges_equal_appended_ones),
		cmocka_unit_test(missing_or_short_tiles_fail_and_change_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
