/* SPDX-License-Identifier: ISC */
/*
 * The flood account: a fixed table of sources (allocated once, pages
 * touched only when used), found through an open-addressing index that is
 * rebuilt when a drain frees sources.  See flood.h for the contract.
 */
#include "audit/flood.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

#define INDEX_SIZE (FLOOD_SOURCES * 2)  /* power of two, load <= 1/2 */
#define OVERFLOW FLOOD_SOURCES          /* the shared bucket's slot */
#define NO_SLOT (-1)

struct kind {
	char action[FLOOD_WORD_MAX];
	char reason[FLOOD_WORD_MAX];
	char tenant[FLOOD_WORD_MAX];
	char target[FLOOD_TARGET_MAX];
	int used;
	int seen;                       /* recorded in the current window */
	uint64_t count;                 /* counted since the last drain */
	int64_t first_ms, last_ms;
};

struct source {
	char key[FLOOD_SOURCE_MAX];
	int used;
	int64_t window_start;
	uint32_t refusals;              /* in the current window */
	struct kind kinds[FLOOD_KINDS + 1];     /* the last one: the rest */
};

struct flood {
	struct flood_config cfg;
	pthread_mutex_t mu;
	struct source *src;             /* FLOOD_SOURCES + 1 (overflow) */
	int32_t index[INDEX_SIZE];      /* slot in src, or NO_SLOT */
	int nused;                      /* tracked sources, overflow apart */
	int64_t next_due;               /* INT64_MAX: nothing to drain;
					 * written under mu, read without
					 * it (atomic) by flood_due */
	int draining;
};

static uint32_t
hash_key(const char *s)
{
	uint32_t h = 2166136261u;       /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

/* Copies src into dst, cut to fit: these are labels, not ids. */
static void
copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
flood_source_key(char out[FLOOD_SOURCE_MAX], const char *address)
{
	struct in6_addr a6;
	char text[INET6_ADDRSTRLEN];

	if (strchr(address, ':') != NULL &&
	    inet_pton(AF_INET6, address, &a6) == 1) {
		memset(a6.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &a6, text, sizeof(text)) != NULL &&
		    str_printf(out, FLOOD_SOURCE_MAX, "%s/64", text) == 0)
			return;
	}
	/* A peer address always fits; other text is cut. */
	copy_cut(out, FLOOD_SOURCE_MAX, address);
}

struct flood *
flood_new(const struct flood_config *cfg)
{
	struct flood *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->src = calloc(FLOOD_SOURCES + 1, sizeof(*f->src));
	if (f->src == NULL) {
		free(f);
		return NULL;
	}
	f->cfg = *cfg;
	if (f->cfg.interval_ms <= 0)
		f->cfg.interval_ms = 60 * 1000;
	if (f->cfg.budget == 0)
		f->cfg.budget = 1;
	memset(f->index, 0xff, sizeof(f->index));
	f->next_due = INT64_MAX;
	str_copy(f->src[OVERFLOW].key, FLOOD_SOURCE_MAX, "*");
	pthread_mutex_init(&f->mu, NULL);
	return f;
}

void
flood_free(struct flood *f)
{
	if (f == NULL)
		return;
	pthread_mutex_destroy(&f->mu);
	free(f->src);
	free(f);
}

/* The index position of key: where it is, or the empty one it would take. */
static uint32_t
index_probe(const struct flood *f, const char *key)
{
	uint32_t i = hash_key(key) & (INDEX_SIZE - 1);

	while (f->index[i] != NO_SLOT &&
	    strcmp(f->src[f->index[i]].key, key) != 0)
		i = (i + 1) & (INDEX_SIZE - 1);
	return i;
}

static struct source *
source_find(struct flood *f, const char *key)
{
	int32_t slot = f->index[index_probe(f, key)];

	return slot == NO_SLOT ? NULL : &f->src[slot];
}

/* The source of key, added when new (in the shared bucket when full). */
static struct source *
source_get(struct flood *f, const char *key, int64_t now_ms)
{
	uint32_t i = index_probe(f, key);
	struct source *s;
	int slot;

	if (f->index[i] != NO_SLOT)
		return &f->src[f->index[i]];
	if (f->nused == FLOOD_SOURCES || strlen(key) == 0)
		return &f->src[OVERFLOW];
	for (slot = 0; f->src[slot].used; slot++)
		;
	s = &f->src[slot];
	memset(s, 0, sizeof(*s));
	str_copy(s->key, sizeof(s->key), key);
	s->used = 1;
	s->window_start = now_ms;
	f->index[i] = slot;
	f->nused++;
	return s;
}

static void
due_at(struct flood *f, int64_t when)
{
	if (when < f->next_due)
		__atomic_store_n(&f->next_due, when, __ATOMIC_RELAXED);
}

/* Moves s to a new window when its current one is over at now_ms. */
static void
window_roll(struct flood *f, struct source *s, int64_t now_ms)
{
	int k;

	if (s->used && now_ms < s->window_start + f->cfg.interval_ms)
		return;
	s->used = 1;
	s->window_start = now_ms;
	s->refusals = 0;
	for (k = 0; k <= FLOOD_KINDS; k++)
		s->kinds[k].seen = 0;
	due_at(f, now_ms + f->cfg.interval_ms);
}

int
flood_spent(struct flood *f, const char *source, int64_t now_ms,
    int64_t *retry_after)
{
	char key[FLOOD_SOURCE_MAX];
	struct source *s;
	int64_t end;
	int spent = 0;

	flood_source_key(key, source);
	pthread_mutex_lock(&f->mu);
	s = source_find(f, key);
	if (s == NULL && f->nused == FLOOD_SOURCES)
		s = &f->src[OVERFLOW];
	if (s != NULL && s->used) {
		end = s->window_start + f->cfg.interval_ms;
		if (now_ms < end && s->refusals >= f->cfg.budget) {
			spent = 1;
			*retry_after = (end - now_ms + 999) / 1000;
		}
	}
	pthread_mutex_unlock(&f->mu);
	return spent;
}

static struct kind *
kind_get(struct source *s, const char *action, const char *reason,
    const char *tenant)
{
	struct kind *k;
	int i;

	for (i = 0; i < FLOOD_KINDS; i++) {
		k = &s->kinds[i];
		if (!k->used) {
			k->used = 1;
			copy_cut(k->action, sizeof(k->action), action);
			copy_cut(k->reason, sizeof(k->reason), reason);
			copy_cut(k->tenant, sizeof(k->tenant), tenant);
			return k;
		}
		if (strcmp(k->action, action) == 0 &&
		    strcmp(k->reason, reason) == 0 &&
		    strcmp(k->tenant, tenant) == 0)
			return k;
	}
	/* The rest share the last kind, named by the first that came. */
	k = &s->kinds[FLOOD_KINDS];
	if (!k->used) {
		k->used = 1;
		copy_cut(k->action, sizeof(k->action), action);
		copy_cut(k->reason, sizeof(k->reason), "other");
	}
	return k;
}

enum flood_verdict
flood_refusal(struct flood *f, const char *source, const char *action,
    const char *reason, const char *tenant, const char *target,
    int64_t now_ms)
{
	char key[FLOOD_SOURCE_MAX];
	enum flood_verdict v = FLOOD_COUNT;
	struct source *s;
	struct kind *k;

	flood_source_key(key, source);
	pthread_mutex_lock(&f->mu);
	s = source_get(f, key, now_ms);
	window_roll(f, s, now_ms);
	if (s->refusals < UINT32_MAX)
		s->refusals++;
	k = kind_get(s, action, reason, tenant);
	if (!k->seen) {
		k->seen = 1;
		v = FLOOD_RECORD;
	} else {
		if (k->count == 0) {
			k->first_ms = now_ms;
			copy_cut(k->target, sizeof(k->target), target);
			due_at(f, now_ms + f->cfg.interval_ms);
		}
		k->count++;
		k->last_ms = now_ms;
	}
	pthread_mutex_unlock(&f->mu);
	return v;
}

int
flood_due(struct flood *f, int64_t now_ms)
{
	/* Asked on every request: no lock.  A drain sets next_due to
	 * INT64_MAX first, and another drain at once returns 0 anyway. */
	return __atomic_load_n(&f->next_due, __ATOMIC_RELAXED) <= now_ms;
}

/* Rebuilds the index after sources were freed (probing needs no holes). */
static void
index_rebuild(struct flood *f)
{
	int slot;

	memset(f->index, 0xff, sizeof(f->index));
	for (slot = 0; slot < FLOOD_SOURCES; slot++)
		if (f->src[slot].used)
			f->index[index_probe(f, f->src[slot].key)] = slot;
}

/*
 * Takes the tallies due at now_ms from s into out (up to *n of cap), frees
 * s when it has nothing left, and notes when s is next due.  1 when s was
 * freed.
 */
static int
source_take(struct flood *f, struct source *s, int64_t now_ms, int all,
    struct flood_tally *out, size_t *n)
{
	int64_t iv = f->cfg.interval_ms;
	struct kind *k;
	int i, pending = 0;

	for (i = 0; i <= FLOOD_KINDS; i++) {
		k = &s->kinds[i];
		if (k->count == 0)
			continue;
		if (!all && now_ms < k->first_ms + iv) {
			due_at(f, k->first_ms + iv);
			pending = 1;
			continue;
		}
		str_copy(out[*n].source, sizeof(out[*n].source), s->key);
		str_copy(out[*n].action, sizeof(out[*n].action), k->action);
		str_copy(out[*n].reason, sizeof(out[*n].reason), k->reason);
		str_copy(out[*n].tenant, sizeof(out[*n].tenant), k->tenant);
		str_copy(out[*n].target, sizeof(out[*n].target), k->target);
		out[*n].count = k->count;
		out[*n].first_ms = k->first_ms;
		out[*n].last_ms = k->last_ms;
		(*n)++;
		k->count = 0;
	}
	if (pending || (!all && now_ms < s->window_start + iv)) {
		due_at(f, s->window_start + iv);
		return 0;
	}
	memset(s, 0, sizeof(*s));
	return 1;
}

/* Puts the counts of tallies that could not be recorded back. */
static void
tallies_restore(struct flood *f, const struct flood_tally *t, size_t n,
    int64_t now_ms)
{
	struct source *s;
	struct kind *k;
	size_t i;

	pthread_mutex_lock(&f->mu);
	for (i = 0; i < n; i++) {
		s = strcmp(t[i].source, "*") == 0 ? &f->src[OVERFLOW] :
		    source_get(f, t[i].source, now_ms);
		if (!s->used) {
			s->used = 1;
			s->window_start = now_ms;
		}
		k = kind_get(s, t[i].action, t[i].reason, t[i].tenant);
		if (k->count == 0) {
			k->first_ms = t[i].first_ms;
			str_copy(k->target, sizeof(k->target), t[i].target);
		}
		k->count += t[i].count;
		if (t[i].last_ms > k->last_ms)
			k->last_ms = t[i].last_ms;
		due_at(f, now_ms + f->cfg.interval_ms);
	}
	pthread_mutex_unlock(&f->mu);
}

int
flood_drain(struct flood *f, int64_t now_ms, int all, flood_tally_cb cb,
    void *arg)
{
	size_t cap = (FLOOD_SOURCES + 1) * (FLOOD_KINDS + 1), n = 0;
	struct flood_tally *t = malloc(cap * sizeof(*t));
	int slot, freed = 0, rc = 0;

	if (t == NULL)
		return -1;
	pthread_mutex_lock(&f->mu);
	if (f->draining) {
		pthread_mutex_unlock(&f->mu);
		free(t);
		return 0;
	}
	f->draining = 1;
	__atomic_store_n(&f->next_due, INT64_MAX, __ATOMIC_RELAXED);
	for (slot = 0; slot < FLOOD_SOURCES; slot++)
		if (f->src[slot].used &&
		    source_take(f, &f->src[slot], now_ms, all, t, &n)) {
			f->nused--;
			freed = 1;
		}
	if (f->src[OVERFLOW].used &&
	    source_take(f, &f->src[OVERFLOW], now_ms, all, t, &n))
		str_copy(f->src[OVERFLOW].key, FLOOD_SOURCE_MAX, "*");
	if (freed)
		index_rebuild(f);
	pthread_mutex_unlock(&f->mu);
	if (n > 0 && cb(arg, t, n) == -1) {
		tallies_restore(f, t, n, now_ms);
		rc = -1;
	}
	pthread_mutex_lock(&f->mu);
	f->draining = 0;
	pthread_mutex_unlock(&f->mu);
	free(t);
	return rc == -1 ? -1 : (int)n;
}

void
flood_set_budget(struct flood *f, uint32_t budget)
{
	pthread_mutex_lock(&f->mu);
	f->cfg.budget = budget > 0 ? budget : 1;
	pthread_mutex_unlock(&f->mu);
}
