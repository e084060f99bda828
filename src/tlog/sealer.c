/* SPDX-License-Identifier: ISC */
/*
 * sealer: see sealer.h.  The writer seals every entry it appends, for the
 * tenants being worked on at the time, so the keys of recent tenants are
 * kept (in guarded memory) in a two-way cache rather than derived again
 * for each entry (four keyed BLAKE2b calls, more than the sealing itself).
 */
#include "tlog/sealer.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

#define CACHE_WAYS 2
#define CACHE_SETS_MAX 4096
#define SEALED_MAX (256 * 1024 + LEAF_SEAL_OVERHEAD)
#define KEY_LABEL "custos-log-key-v1"

static uint8_t master[SEALER_MASTER_BYTES];
static int master_set;
static pthread_once_t master_once = PTHREAD_ONCE_INIT;

struct slot {
	int used;
	uint64_t last;                  /* the use count when last used */
	char tenant[ID_MAX];
	struct leaf_keys keys;
};

struct sealer {
	struct slot *slots;             /* sodium_malloc, sets * CACHE_WAYS */
	size_t sets;
	uint64_t uses;
	struct buf sealed;
	uint8_t leaf[LEAF_BYTES];
};

void
sealer_setup(const uint8_t key[SEALER_MASTER_BYTES])
{
	memcpy(master, key, SEALER_MASTER_BYTES);
	master_set = 1;
}

static void
master_default(void)
{
	if (!master_set)
		randombytes_buf(master, sizeof(master));
	master_set = 1;
}

void
sealer_log_key(uint8_t out[LEAF_KEY_BYTES], const char *tenant)
{
	crypto_generichash_state st;
	static const char tkind[] = "tenant", okind[] = "operator";
	int op = tenant == NULL || tenant[0] == '\0';

	pthread_once(&master_once, master_default);
	crypto_generichash_init(&st, master, sizeof(master), LEAF_KEY_BYTES);
	/* The label and the kind each with their NUL. */
	crypto_generichash_update(&st, (const unsigned char *)KEY_LABEL,
	    sizeof(KEY_LABEL));
	if (op) {
		crypto_generichash_update(&st, (const unsigned char *)okind,
		    sizeof(okind));
	} else {
		crypto_generichash_update(&st, (const unsigned char *)tkind,
		    sizeof(tkind));
		crypto_generichash_update(&st, (const unsigned char *)tenant,
		    strlen(tenant));
	}
	crypto_generichash_final(&st, out, LEAF_KEY_BYTES);
	sodium_memzero(&st, sizeof(st));
}

struct sealer *
sealer_new(size_t tenants)
{
	struct sealer *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->sets = tenants / CACHE_WAYS;
	if (s->sets < 1)
		s->sets = 1;
	if (s->sets > CACHE_SETS_MAX)
		s->sets = CACHE_SETS_MAX;
	s->slots = sodium_malloc(s->sets * CACHE_WAYS * sizeof(*s->slots));
	if (s->slots == NULL) {
		free(s);
		return NULL;
	}
	memset(s->slots, 0, s->sets * CACHE_WAYS * sizeof(*s->slots));
	buf_init(&s->sealed, SEALED_MAX);
	return s;
}

void
sealer_free(struct sealer *s)
{
	if (s == NULL)
		return;
	sodium_free(s->slots);
	buf_cleanup(&s->sealed);
	free(s);
}

/* The keys of tenant ("": the operator's), from the cache or derived. */
static const struct leaf_keys *
keys_of(struct sealer *s, const char *tenant)
{
	uint8_t k[LEAF_KEY_BYTES];
	struct slot *set, *sl;
	uint64_t h = 1469598103934665603ull;    /* FNV-1a */
	const char *p;
	int w;

	if (tenant == NULL)
		tenant = "";
	for (p = tenant; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	set = &s->slots[(h % s->sets) * CACHE_WAYS];
	s->uses++;
	for (w = 0; w < CACHE_WAYS; w++)
		if (set[w].used && strcmp(set[w].tenant, tenant) == 0) {
			set[w].last = s->uses;
			return &set[w].keys;
		}
	/* The least recently used way makes room. */
	sl = &set[0];
	for (w = 1; w < CACHE_WAYS; w++)
		if (set[w].last < sl->last)
			sl = &set[w];
	sl->last = s->uses;
	sealer_log_key(k, tenant);
	leaf_keys_derive(&sl->keys, k);
	sodium_memzero(k, sizeof(k));
	sl->used = str_copy(sl->tenant, sizeof(sl->tenant), tenant) == 0;
	return &sl->keys;
}

int
sealer_seal(void *ctx, struct rec_entry *en, struct err *e)
{
	struct sealer *s = ctx;

	buf_reset(&s->sealed);
	if (leaf_seal(s->leaf, &s->sealed, keys_of(s, en->tenant_id),
	    en->index, en->bytes, en->len, e) == -1)
		return -1;
	en->leaf = s->leaf;
	en->leaf_len = LEAF_BYTES;
	return 0;
}

/* Seals r's plaintext again into s->sealed and s->leaf: 0, or 1 when the
 * stored leaf is not what it gives (why set), or -1 (too large). */
static int
reseal(struct sealer *s, const struct rec_leaf *r, char *why, size_t whylen)
{
	struct err e;

	if (r->leaf == NULL) {
		(void)str_printf(why, whylen, "log entry %lld is not sealed "
		    "(a plaintext leaf)", (long long)r->index);
		return 1;
	}
	err_init(&e);
	buf_reset(&s->sealed);
	if (leaf_seal(s->leaf, &s->sealed, keys_of(s, r->tenant_id), r->index,
	    r->bytes, r->len, &e) == -1) {
		(void)str_printf(why, whylen, "log entry %lld: %s",
		    (long long)r->index, e.msg);
		return -1;
	}
	/* Public bytes: the leaf is served to anyone. */
	if (r->leaf_len != LEAF_BYTES || sodium_memcmp(s->leaf, r->leaf,
	    LEAF_BYTES) != 0) {
		(void)str_printf(why, whylen, "log entry %lld differs from "
		    "what its sealed leaf holds: the stored entry (or its "
		    "tenant) was changed", (long long)r->index);
		return 1;
	}
	return 0;
}

int
sealer_check(struct sealer *s, const struct rec_leaf *r, char *why,
    size_t whylen)
{
	return reseal(s, r, why, whylen) == 0 ? 0 : 1;
}

int
sealer_body(struct sealer *s, const struct rec_leaf *r, const uint8_t **out,
    size_t *len, struct err *e)
{
	char why[256];

	if (reseal(s, r, why, sizeof(why)) != 0)
		return err_internal(e, "%s", why);
	*out = (const uint8_t *)s->sealed.data;
	*len = s->sealed.len;
	return 0;
}
