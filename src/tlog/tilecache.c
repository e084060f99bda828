/* SPDX-License-Identifier: ISC */
/*
 * tilecache: decoded tiles in a hash table with an LRU list; see
 * tilecache.h.  One mutex guards it all: a lookup is a short hash-chain
 * walk and a 32-byte copy, far below the cost of the SHA-256 it saves.
 * Entries are allocated up to the cap and then reused, so the cache never
 * holds more than cap tiles and does not churn the allocator.
 */
#include "tlog/tilecache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tilenodes.h"

struct tile_ent {
	int level;
	int width;
	int64_t idx;
	struct tile_ent *chain;         /* next in the bucket */
	struct tile_ent *prev, *next;   /* LRU: head is most recent */
	merkle_hash nodes[TILENODES];
};

struct tilecache {
	pthread_mutex_t mu;
	size_t cap, n, nbuckets;
	struct tile_ent **buckets;
	struct tile_ent lru;            /* sentinel */
	uint64_t hits, misses;
};

static size_t
bucket_of(const struct tilecache *tc, int level, int64_t idx)
{
	uint64_t h = (uint64_t)idx * 0x9e3779b97f4a7c15ULL ^ (uint64_t)level;

	return (size_t)(h >> 17) & (tc->nbuckets - 1);
}

struct tilecache *
tilecache_new(size_t cap)
{
	struct tilecache *tc = calloc(1, sizeof(*tc));

	if (tc == NULL)
		return NULL;
	tc->cap = cap;
	tc->nbuckets = 16;
	while (tc->nbuckets < cap * 2 && tc->nbuckets < ((size_t)1 << 30))
		tc->nbuckets <<= 1;
	tc->buckets = calloc(tc->nbuckets, sizeof(*tc->buckets));
	if (tc->buckets == NULL) {
		free(tc);
		return NULL;
	}
	tc->lru.prev = tc->lru.next = &tc->lru;
	pthread_mutex_init(&tc->mu, NULL);
	return tc;
}

void
tilecache_free(struct tilecache *tc)
{
	struct tile_ent *x, *nx;

	if (tc == NULL)
		return;
	for (x = tc->lru.next; x != &tc->lru; x = nx) {
		nx = x->next;
		free(x);
	}
	free(tc->buckets);
	pthread_mutex_destroy(&tc->mu);
	free(tc);
}

static void
lru_unlink(struct tile_ent *x)
{
	x->prev->next = x->next;
	x->next->prev = x->prev;
}

static void
lru_front(struct tilecache *tc, struct tile_ent *x)
{
	x->next = tc->lru.next;
	x->prev = &tc->lru;
	tc->lru.next->prev = x;
	tc->lru.next = x;
}

static struct tile_ent *
find(const struct tilecache *tc, int level, int64_t idx)
{
	struct tile_ent *x = tc->buckets[bucket_of(tc, level, idx)];

	while (x != NULL && (x->idx != idx || x->level != level))
		x = x->chain;
	return x;
}

static void
chain_remove(struct tilecache *tc, struct tile_ent *x)
{
	struct tile_ent **p = &tc->buckets[bucket_of(tc, x->level, x->idx)];

	while (*p != x)
		p = &(*p)->chain;
	*p = x->chain;
}

int
tilecache_get(struct tilecache *tc, int level, int64_t idx, int s,
    int64_t j, merkle_hash out)
{
	const merkle_hash *h = NULL;
	struct tile_ent *x;

	pthread_mutex_lock(&tc->mu);
	x = find(tc, level, idx);
	if (x != NULL)
		h = tilenodes_at((const merkle_hash *)x->nodes, x->width, s,
		    j);
	if (h == NULL) {
		tc->misses++;
		pthread_mutex_unlock(&tc->mu);
		return 1;
	}
	memcpy(out, *h, MERKLE_HASH);
	if (tc->lru.next != x) {
		lru_unlink(x);
		lru_front(tc, x);
	}
	tc->hits++;
	pthread_mutex_unlock(&tc->mu);
	return 0;
}

/* A new entry, or the least recently used one taken out of the cache. */
static struct tile_ent *
ent_take(struct tilecache *tc)
{
	struct tile_ent *x;

	if (tc->n < tc->cap) {
		x = malloc(sizeof(*x));
		if (x != NULL)
			tc->n++;
		return x;
	}
	x = tc->lru.prev;
	if (x == &tc->lru)
		return NULL;
	lru_unlink(x);
	chain_remove(tc, x);
	return x;
}

void
tilecache_put(struct tilecache *tc, int level, int64_t idx, int width,
    const merkle_hash *nodes)
{
	struct tile_ent *x;
	size_t b;

	if (width < 1 || width > TILE_WIDTH)
		return;
	pthread_mutex_lock(&tc->mu);
	x = find(tc, level, idx);
	if (x != NULL) {
		if (x->width < width) {
			memcpy(x->nodes, nodes, sizeof(x->nodes));
			x->width = width;
		}
		lru_unlink(x);
		lru_front(tc, x);
		goto out;
	}
	x = ent_take(tc);
	if (x == NULL)
		goto out;
	x->level = level;
	x->idx = idx;
	x->width = width;
	memcpy(x->nodes, nodes, sizeof(x->nodes));
	b = bucket_of(tc, level, idx);
	x->chain = tc->buckets[b];
	tc->buckets[b] = x;
	lru_front(tc, x);
out:
	pthread_mutex_unlock(&tc->mu);
}

void
tilecache_stats(struct tilecache *tc, struct tilecache_stats *out)
{
	pthread_mutex_lock(&tc->mu);
	out->hits = tc->hits;
	out->misses = tc->misses;
	out->tiles = tc->n;
	out->cap = tc->cap;
	pthread_mutex_unlock(&tc->mu);
}
