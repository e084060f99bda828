/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares public proof hashes only */
/*
 * Unit tests of tlog/prover, tlog/tilecache, tlog/edge and tlog/tilenodes:
 * proofs served through the tile cache are byte for byte the proofs made
 * without it (the way custos made them before the cache), for many
 * (index, size) pairs, partial tiles and sizes on both sides of tile
 * boundaries, with a cache small enough to evict; they verify against the
 * root of the right edge; the cache never holds more tiles than its cap,
 * serves repeated proofs without reading a tile, and threads can share it.
 *
 * The tiles live in memory, written by edge_append's sink as the store's
 * writer writes them, plus the edge's partial tiles at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/edge.h"
#include "tlog/prover.h"
#include "tlog/tilecache.h"
#include "tlog/tilenodes.h"

/* Crosses a level-1 tile (65536 leaves) and ends in partial tiles at
 * levels 0, 1 and 2. */
#define N (TILE_WIDTH * TILE_WIDTH + 3 * TILE_WIDTH + 77)
#define PAIRS 600

struct memtiles {
	merkle_hash *row[3][TILE_WIDTH + 8];    /* [level][idx] */
	int width[3][TILE_WIDTH + 8];
	long reads;                             /* tile reads, all told */
	pthread_mutex_t mu;
};

static struct memtiles mt;
static struct edge tree;
static merkle_hash root;

static int
mem_get(void *arg, int level, int64_t idx, struct buf *out, struct err *e)
{
	struct memtiles *m = arg;

	pthread_mutex_lock(&m->mu);
	m->reads++;
	pthread_mutex_unlock(&m->mu);
	if (level < 0 || level > 2 || idx < 0 || idx >= TILE_WIDTH + 8 ||
	    m->row[level][idx] == NULL)
		return 1;
	if (buf_append(out, m->row[level][idx],
	    (size_t)m->width[level][idx] * MERKLE_HASH) == -1)
		return err_internal(e, "out of memory");
	return 0;
}

static void
mem_put(int level, int64_t idx, const merkle_hash *h, int width)
{
	assert_true(level <= 2 && idx < TILE_WIDTH + 8);
	free(mt.row[level][idx]);
	mt.row[level][idx] = malloc((size_t)width * MERKLE_HASH);
	assert_non_null(mt.row[level][idx]);
	memcpy(mt.row[level][idx], h, (size_t)width * MERKLE_HASH);
	mt.width[level][idx] = width;
}

static int
mem_sink(void *arg, int level, int64_t idx, const merkle_hash *nodes,
    struct err *e)
{
	mem_put(level, idx, nodes, TILE_WIDTH);
	return 0;
}

static int
setup(void **state)
{
	struct err e;
	uint8_t data[8];
	merkle_hash leaf;
	int64_t i;
	int level;

	memset(&mt, 0, sizeof(mt));
	memset(&tree, 0, sizeof(tree));
	pthread_mutex_init(&mt.mu, NULL);
	err_init(&e);
	for (i = 0; i < N; i++) {
		memcpy(data, &i, sizeof(data));
		merkle_leaf_hash(leaf, data, sizeof(data));
		if (edge_append(&tree, leaf, mem_sink, NULL, &e) == -1)
			return -1;
	}
	for (level = 0; level < 3; level++)
		if (tree.t[level].width > 0)
			mem_put(level, tree.t[level].index,
			    (const merkle_hash *)tree.t[level].h,
			    tree.t[level].width);
	return edge_root(&tree, root);
}

static int
teardown(void **state)
{
	int l, i;

	for (l = 0; l < 3; l++)
		for (i = 0; i < TILE_WIDTH + 8; i++)
			free(mt.row[l][i]);
	pthread_mutex_destroy(&mt.mu);
	return 0;
}

static const struct prover_tiles tiles = {mem_get, &mt};

/* Sizes at and around every kind of tile boundary. */
static const int64_t edges[] = {
	1, 2, 3, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537,
	65536 + 256, 65536 + 257, N - 1, N,
};

static int64_t
pick(uint64_t *seed, int64_t below)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int64_t)((*seed >> 17) % (uint64_t)below);
}

/* One pair, through the cache and without it: the same bytes, and they
 * verify against the root of the tree of that size. */
static void
inclusion_agrees(struct tilecache *tc, int64_t index, int64_t size)
{
	merkle_hash a[MERKLE_PROOF_MAX], b[MERKLE_PROOF_MAX];
	size_t na = 0, nb = 0;
	struct err e;

	err_init(&e);
	assert_int_equal(prover_inclusion(tc, &tiles, index, size, a, &na,
	    &e), 0);
	assert_int_equal(prover_inclusion(NULL, &tiles, index, size, b, &nb,
	    &e), 0);
	if (na != nb || memcmp(a, b, na * MERKLE_HASH) != 0)
		fail_msg("inclusion %lld in %lld differs with the cache",
		    (long long)index, (long long)size);
}

static void
consistency_agrees(struct tilecache *tc, int64_t size1, int64_t size2)
{
	merkle_hash a[MERKLE_PROOF_MAX], b[MERKLE_PROOF_MAX];
	size_t na = 0, nb = 0;
	struct err e;

	err_init(&e);
	assert_int_equal(prover_consistency(tc, &tiles, size1, size2, a, &na,
	    &e), 0);
	assert_int_equal(prover_consistency(NULL, &tiles, size1, size2, b,
	    &nb, &e), 0);
	if (na != nb || memcmp(a, b, na * MERKLE_HASH) != 0)
		fail_msg("consistency %lld to %lld differs with the cache",
		    (long long)size1, (long long)size2);
}

static void
cached_proofs_equal_uncached_ones_and_the_cache_stays_bounded(void **state)
{
	struct tilecache *tc = tilecache_new(8);
	struct tilecache_stats st;
	uint64_t seed = 1;
	size_t i, j, ne = sizeof(edges) / sizeof(edges[0]);

	assert_non_null(tc);
	for (i = 0; i < ne; i++) {
		for (j = 0; j < ne && edges[j] <= edges[i]; j++) {
			inclusion_agrees(tc, edges[j] - 1, edges[i]);
			inclusion_agrees(tc, 0, edges[i]);
			consistency_agrees(tc, edges[j], edges[i]);
		}
	}
	for (i = 0; i < PAIRS; i++) {
		int64_t size = 1 + pick(&seed, N);

		inclusion_agrees(tc, pick(&seed, size), size);
		consistency_agrees(tc, 1 + pick(&seed, size), size);
	}
	tilecache_stats(tc, &st);
	assert_int_equal(st.cap, 8);
	assert_int_equal(st.tiles, 8);
	assert_true(st.hits > 0 && st.misses > 0);
	tilecache_free(tc);
}

static void
full_tree_proofs_verify_against_the_edge_root(void **state)
{
	struct tilecache *tc = tilecache_new(TILECACHE_DEFAULT);
	merkle_hash p[MERKLE_PROOF_MAX], leaf;
	uint8_t data[8];
	uint64_t seed = 2;
	struct err e;
	size_t n;
	int i;

	err_init(&e);
	for (i = 0; i < 200; i++) {
		int64_t idx = i < 2 ? (i == 0 ? 0 : N - 1) : pick(&seed, N);

		memcpy(data, &idx, sizeof(data));
		merkle_leaf_hash(leaf, data, sizeof(data));
		assert_int_equal(prover_inclusion(tc, &tiles, idx, N, p, &n,
		    &e), 0);
		assert_int_equal(merkle_verify_inclusion(idx, N, leaf,
		    (const merkle_hash *)p, n, root), 0);
	}
	tilecache_free(tc);
}

static void
a_repeated_proof_reads_no_tile(void **state)
{
	struct tilecache *tc = tilecache_new(64);
	merkle_hash p[MERKLE_PROOF_MAX];
	struct err e;
	size_t n;
	long before;

	err_init(&e);
	assert_int_equal(prover_inclusion(tc, &tiles, 12345, N, p, &n, &e),
	    0);
	assert_int_equal(prover_consistency(tc, &tiles, 777, N, p, &n, &e),
	    0);
	before = mt.reads;
	assert_int_equal(prover_inclusion(tc, &tiles, 12345, N, p, &n, &e),
	    0);
	assert_int_equal(prover_inclusion(tc, &tiles, 12300, N, p, &n, &e),
	    0);
	assert_int_equal(prover_consistency(tc, &tiles, 777, N, p, &n, &e),
	    0);
	assert_int_equal(mt.reads, before);
	tilecache_free(tc);
}

static void
a_missing_tile_is_an_error_not_a_proof(void **state)
{
	struct tilecache *tc = tilecache_new(8);
	merkle_hash *saved = mt.row[0][3], p[MERKLE_PROOF_MAX];
	struct err e;
	size_t n;

	err_init(&e);
	mt.row[0][3] = NULL;
	assert_int_equal(prover_inclusion(tc, &tiles, 3 * TILE_WIDTH + 1, N,
	    p, &n, &e), -1);
	assert_int_equal(e.status, 500);
	mt.row[0][3] = saved;
	tilecache_free(tc);
}

static void
the_cache_keeps_the_most_recent_and_the_widest(void **state)
{
	struct tilecache *tc = tilecache_new(4);
	merkle_hash *nodes = calloc(TILENODES, sizeof(*nodes)), out;
	struct tilecache_stats st;
	int i;

	assert_non_null(tc);
	assert_non_null(nodes);
	for (i = 0; i < TILE_WIDTH; i++)
		memset(nodes[i], i, MERKLE_HASH);
	tilenodes_compute(nodes, TILE_WIDTH);
	for (i = 0; i < 100; i++)
		tilecache_put(tc, 0, i, TILE_WIDTH, (const merkle_hash *)nodes);
	tilecache_stats(tc, &st);
	assert_int_equal(st.tiles, 4);
	assert_int_equal(tilecache_get(tc, 0, 95, 0, 0, out), 1);
	assert_int_equal(tilecache_get(tc, 0, 99, 8, 0, out), 0);
	assert_memory_equal(out, nodes[TILENODES - 1], MERKLE_HASH);
	assert_int_equal(tilecache_get(tc, 0, 96, 3, 5, out), 0);
	assert_memory_equal(out, nodes[tilenodes_offset(3) + 5], MERKLE_HASH);
	/* A partial tile answers only its complete nodes, until a wider
	 * copy replaces it; a narrower one does not. */
	tilecache_put(tc, 1, 0, 10, (const merkle_hash *)nodes);
	assert_int_equal(tilecache_get(tc, 1, 0, 1, 4, out), 0);
	assert_int_equal(tilecache_get(tc, 1, 0, 1, 5, out), 1);
	assert_int_equal(tilecache_get(tc, 1, 0, 3, 0, out), 0);
	assert_int_equal(tilecache_get(tc, 1, 0, 4, 0, out), 1);
	tilecache_put(tc, 1, 0, 40, (const merkle_hash *)nodes);
	tilecache_put(tc, 1, 0, 20, (const merkle_hash *)nodes);
	assert_int_equal(tilecache_get(tc, 1, 0, 5, 0, out), 0);
	assert_int_equal(tilecache_get(tc, 1, 0, 2, 9, out), 0);
	assert_int_equal(tilecache_get(tc, 1, 0, 2, 10, out), 1);
	tilecache_stats(tc, &st);
	assert_int_equal(st.tiles, 4);
	free(nodes);
	tilecache_free(tc);
}

struct worker {
	struct tilecache *tc;
	uint64_t seed;
	int bad;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	merkle_hash a[MERKLE_PROOF_MAX], b[MERKLE_PROOF_MAX];
	size_t na, nb;
	struct err e;
	int i;

	err_init(&e);
	for (i = 0; i < 150 && !w->bad; i++) {
		int64_t size = 1 + pick(&w->seed, N);
		int64_t idx = pick(&w->seed, size);

		if (prover_inclusion(w->tc, &tiles, idx, size, a, &na, &e) ==
		    -1 || prover_inclusion(NULL, &tiles, idx, size, b, &nb,
		    &e) == -1 || na != nb ||
		    memcmp(a, b, na * MERKLE_HASH) != 0)
			w->bad = 1;
	}
	return NULL;
}

static void
threads_share_one_cache_and_get_the_same_proofs(void **state)
{
	struct tilecache *tc = tilecache_new(16);
	struct tilecache_stats st;
	struct worker w[4];
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++) {
		w[i].tc = tc;
		w[i].seed = (uint64_t)i + 10;
		w[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker_main,
		    &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	tilecache_stats(tc, &st);
	assert_true(st.tiles <= 16);
	tilecache_free(tc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    cached_proofs_equal_uncached_ones_and_the_cache_stays_bounded),
		cmocka_unit_test(full_tree_proofs_verify_against_the_edge_root),
		cmocka_unit_test(a_repeated_proof_reads_no_tile),
		cmocka_unit_test(a_missing_tile_is_an_error_not_a_proof),
		cmocka_unit_test(the_cache_keeps_the_most_recent_and_the_widest),
		cmocka_unit_test(
		    threads_share_one_cache_and_get_the_same_proofs),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("unit.prover", tests, setup,
	    teardown);
}
