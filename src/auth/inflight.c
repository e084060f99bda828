/* SPDX-License-Identifier: ISC */
#include "auth/inflight.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

struct slot {
	uint64_t h;
	int n;                  /* 0: free */
};

static struct {
	pthread_mutex_t mu;
	pthread_once_t once;
	uint8_t key[crypto_shorthash_KEYBYTES];
	struct slot s[INFLIGHT_KEYS];
} inf = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_ONCE_INIT, {0}, {{0, 0}}};

static void
inflight_init(void)
{
	randombytes_buf(inf.key, sizeof(inf.key));
}

static uint64_t
hash(const char *key)
{
	uint8_t out[crypto_shorthash_BYTES];
	uint64_t h;

	pthread_once(&inf.once, inflight_init);
	crypto_shorthash(out, (const unsigned char *)key, strlen(key),
	    inf.key);
	memcpy(&h, out, sizeof(h));
	return h;
}

/* The slot of h, or a free one (NULL: none).  Under inf.mu. */
static struct slot *
find(uint64_t h, int make)
{
	struct slot *free_slot = NULL;
	size_t i, at = (size_t)(h % INFLIGHT_KEYS);

	for (i = 0; i < INFLIGHT_KEYS; i++) {
		struct slot *s = &inf.s[(at + i) % INFLIGHT_KEYS];

		if (s->n > 0 && s->h == h)
			return s;
		if (s->n == 0 && free_slot == NULL)
			free_slot = s;
		if (s->n == 0 && s->h == 0)
			break;          /* never used: h is not further on */
	}
	if (!make || free_slot == NULL)
		return NULL;
	free_slot->h = h;
	return free_slot;
}

int
inflight_enter(const char *key, int limit)
{
	uint64_t h = hash(key);
	struct slot *s;
	int rc = -1;

	pthread_mutex_lock(&inf.mu);
	s = find(h, 1);
	if (s != NULL && s->n < limit) {
		s->n++;
		rc = 0;
	}
	pthread_mutex_unlock(&inf.mu);
	return rc;
}

void
inflight_leave(const char *key)
{
	uint64_t h = hash(key);
	struct slot *s;

	pthread_mutex_lock(&inf.mu);
	s = find(h, 0);
	if (s != NULL)
		s->n--;
	pthread_mutex_unlock(&inf.mu);
}
