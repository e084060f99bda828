/* SPDX-License-Identifier: ISC */
/*
 * importkeys: the named operator tokens that may send an import's large
 * body, kept in memory for api_body_cap().
 *
 * The body cap is decided on libmicrohttpd's event threads, before the
 * request reaches a worker: they serve every connection and must never
 * wait on the store (a reader of the pool, SQLite's locks).  So the live
 * tokens whose scope may import (their hashes and expiry times) are read
 * from the store into this set at start-up and after every change of the
 * tokens (api_optoken.c), on a worker, and only looked up on the event
 * threads.  The set decides no more than the body cap: the request is
 * still authenticated, from the store, before anything is parsed.
 * Internal to src/api.
 */
#ifndef CUSTOS_API_IMPORTKEYS_H
#define CUSTOS_API_IMPORTKEYS_H

#include <stdint.h>

#include "common/err.h"
#include "store/store.h"

/* At most this many live import tokens get the import's cap; a token
 * beyond them is refused a large body (413) and a warning is logged. */
#define IMPORT_KEYS_MAX 4096

struct import_keys;

/* An empty set, or NULL (out of memory).  Free with import_keys_free. */
struct import_keys *import_keys_new(void);
void import_keys_free(struct import_keys *k);

/*
 * Replaces k by the live tokens of the store (read on c, whose ops are
 * ops) that may import.  Loads are serialised, each reading the store
 * after the one before it published: the last load to finish has seen
 * every change committed before it began.  0, or -1 with e (k is then
 * unchanged).
 */
int import_keys_load(struct import_keys *k, struct store_conn *c,
    const struct store_ops *ops, int64_t now, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/* 1 when a token of hash is in k and not expired at now, else 0.  Never
 * waits for more than the swap of a load. */
int import_keys_has(struct import_keys *k, const uint8_t hash[TOKEN_HASH_LEN],
    int64_t now) __attribute__((nonnull));

#endif
