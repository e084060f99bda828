/* SPDX-License-Identifier: ISC */
/*
 * cache: ready answers keyed by (key, version).  The version comes from the
 * store (e.g. a tenant's users_version, bumped by triggers with every change
 * to its user list), so a cached answer is used only while the store says
 * it is still current -- also when several custosd nodes share the store.
 * Direct-mapped with a lock per slot; bounded: slots x entry_max bytes.
 */
#ifndef CUSTOS_API_CACHE_H
#define CUSTOS_API_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct answer_cache;

struct answer_cache *cache_new(size_t slots, size_t entry_max);
void cache_free(struct answer_cache *c);

/* Appends the answer for (key, version) to out: 0 on a hit, 1 on a miss,
 * -1 when out's cap is hit. */
int cache_get(struct answer_cache *c, const char *key, int64_t version,
    struct buf *out) __attribute__((warn_unused_result));

/* Keeps a copy of data as the answer for (key, version); answers larger
 * than entry_max are not kept. */
void cache_put(struct answer_cache *c, const char *key, int64_t version,
    const char *data, size_t len);

#endif
