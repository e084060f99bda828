/* SPDX-License-Identifier: ISC */
/*
 * The import tokens' set for the body cap.  See importkeys.h.
 */
#include "api/importkeys.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "auth/optoken.h"
#include "common/log.h"

struct import_key {
	uint8_t hash[TOKEN_HASH_LEN];
	int64_t expires;                /* 0: never */
};

struct import_keys {
	pthread_mutex_t load_lock;      /* one load at a time */
	pthread_mutex_t lock;           /* keys and n */
	struct import_key *keys;
	size_t n;
};

struct import_keys *
import_keys_new(void)
{
	struct import_keys *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	if (pthread_mutex_init(&k->load_lock, NULL) != 0) {
		free(k);
		return NULL;
	}
	if (pthread_mutex_init(&k->lock, NULL) != 0) {
		pthread_mutex_destroy(&k->load_lock);
		free(k);
		return NULL;
	}
	return k;
}

/* Every array of keys has IMPORT_KEYS_MAX places. */
static void
keys_free(struct import_key *keys)
{
	if (keys != NULL)
		sodium_memzero(keys, IMPORT_KEYS_MAX * sizeof(*keys));
	free(keys);
}

void
import_keys_free(struct import_keys *k)
{
	if (k == NULL)
		return;
	keys_free(k->keys);
	pthread_mutex_destroy(&k->lock);
	pthread_mutex_destroy(&k->load_lock);
	free(k);
}

struct load_run {
	struct import_key *keys;
	size_t n;
	size_t over;                    /* live import tokens past the cap */
	int64_t now;
};

static int
load_cb(void *arg, const struct rec_optoken *r)
{
	struct load_run *run = arg;

	if (optoken_state(r, run->now) != OPTOKEN_LIVE ||
	    !action_scope_allows(r->scope, ACT_IMPORT))
		return 0;
	if (run->n == IMPORT_KEYS_MAX) {
		run->over++;
		return 0;
	}
	memcpy(run->keys[run->n].hash, r->token_hash, TOKEN_HASH_LEN);
	run->keys[run->n].expires = r->expires;
	run->n++;
	return 0;
}

int
import_keys_load(struct import_keys *k, struct store_conn *c,
    const struct store_ops *ops, int64_t now, struct err *e)
{
	struct load_run run = {NULL, 0, 0, now};
	struct import_key *old;
	int rc = -1;

	/* The whole cap's worth (160 KiB): no growing while loading. */
	run.keys = calloc(IMPORT_KEYS_MAX, sizeof(*run.keys));
	if (run.keys == NULL)
		return err_internal(e, "out of memory");
	pthread_mutex_lock(&k->load_lock);
	if (ops->optoken_list(c, load_cb, &run, e) == -1)
		goto out;
	if (run.over > 0)
		log_warn("%zu live operator tokens that may import are past "
		    "the %d that may send an import's large body",
		    run.over, IMPORT_KEYS_MAX);
	pthread_mutex_lock(&k->lock);
	old = k->keys;
	k->keys = run.keys;
	k->n = run.n;
	pthread_mutex_unlock(&k->lock);
	run.keys = old;
	rc = 0;
out:
	pthread_mutex_unlock(&k->load_lock);
	keys_free(run.keys);
	return rc;
}

int
import_keys_has(struct import_keys *k, const uint8_t hash[TOKEN_HASH_LEN],
    int64_t now)
{
	size_t i;
	int found = 0;

	pthread_mutex_lock(&k->lock);
	/* Every key compared whole, in constant time. */
	for (i = 0; i < k->n; i++)
		if (sodium_memcmp(k->keys[i].hash, hash, TOKEN_HASH_LEN) == 0 &&
		    (k->keys[i].expires == 0 || now < k->keys[i].expires))
			found = 1;
	pthread_mutex_unlock(&k->lock);
	return found;
}
