/* SPDX-License-Identifier: ISC */
#include "api/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/rand.h"
#include "common/str.h"

struct slot {
	pthread_mutex_t mu;
	char key[ID_MAX];
	int64_t version;
	char *data;
	size_t len;
};

struct answer_cache {
	struct slot *slots;
	size_t nslots;
	size_t entry_max;
};

struct answer_cache *
cache_new(size_t nslots, size_t entry_max)
{
	struct answer_cache *c = calloc(1, sizeof(*c));
	size_t i;

	if (c == NULL)
		return NULL;
	c->slots = calloc(nslots, sizeof(*c->slots));
	if (c->slots == NULL) {
		free(c);
		return NULL;
	}
	c->nslots = nslots;
	c->entry_max = entry_max;
	for (i = 0; i < nslots; i++)
		pthread_mutex_init(&c->slots[i].mu, NULL);
	return c;
}

void
cache_free(struct answer_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslots; i++) {
		free(c->slots[i].data);
		pthread_mutex_destroy(&c->slots[i].mu);
	}
	free(c->slots);
	free(c);
}

static struct slot *
slot_of(struct answer_cache *c, const char *key)
{
	uint64_t h = 1469598103934665603ULL;    /* FNV-1a */

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return &c->slots[h % c->nslots];
}

int
cache_get(struct answer_cache *c, const char *key, int64_t version,
    struct buf *out)
{
	struct slot *s;
	int rc = 1;

	if (c == NULL)
		return 1;
	s = slot_of(c, key);
	pthread_mutex_lock(&s->mu);
	if (s->data != NULL && s->version == version &&
	    strcmp(s->key, key) == 0)
		rc = buf_append(out, s->data, s->len) == -1 ? -1 : 0;
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void
cache_put(struct answer_cache *c, const char *key, int64_t version,
    const char *data, size_t len)
{
	struct slot *s;
	char *copy;

	if (c == NULL || len > c->entry_max || strlen(key) >= ID_MAX)
		return;
	copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, data, len);
	s = slot_of(c, key);
	pthread_mutex_lock(&s->mu);
	free(s->data);
	str_copy(s->key, sizeof(s->key), key);
	s->version = version;
	s->data = copy;
	s->len = len;
	pthread_mutex_unlock(&s->mu);
}
