/* SPDX-License-Identifier: ISC */
/*
 * sealer: custosd's side of the sealed leaf (leaf.h).  It holds the master
 * seal key (from DIR/secrets.key, given once by src/auth/secrets.c at
 * start-up), derives the log key of each tenant and the operator's from
 * it, seals each entry on the store's writer as it is appended, and checks
 * a stored entry against its leaf at start-up.
 *
 *   K_T = BLAKE2b-256 keyed with the master over
 *         "custos-log-key-v1\0tenant\0" || tenant id
 *   K_O = BLAKE2b-256 keyed with the master over
 *         "custos-log-key-v1\0operator\0"            (entries of no tenant)
 *
 * A process that never calls sealer_setup (unit tests, tools) uses a
 * random master of its own.
 */
#ifndef CUSTOS_TLOG_SEALER_H
#define CUSTOS_TLOG_SEALER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "store/records.h"
#include "tlog/leaf.h"

#define SEALER_MASTER_BYTES 32
#define SEALER_WRITER_TENANTS 1024

/* Sets the master seal key (copied).  Start-up only, before any thread. */
void sealer_setup(const uint8_t master[SEALER_MASTER_BYTES]);

/* The log key of tenant ("" or NULL: the operator's) into out. */
void sealer_log_key(uint8_t out[LEAF_KEY_BYTES], const char *tenant);

struct sealer;

/* A sealer that keeps the keys of about tenants tenants at a time (the
 * writer's: SEALER_WRITER_TENANTS; a request's: a few).  NULL when out of
 * memory. */
struct sealer *sealer_new(size_t tenants);
void sealer_free(struct sealer *s);

/* The store's sealing hook (store_set_sealer), on the writer: seals en's
 * bytes under the key of en's tenant at en's index and points en->leaf at
 * the leaf, valid until the next call. */
int sealer_seal(void *ctx, struct rec_entry *en, struct err *e)
	__attribute__((warn_unused_result));

/* Checks a stored entry (r with its bytes) against its leaf: sealing its
 * plaintext again under its tenant's key at its index gives exactly the
 * stored leaf.  0, or 1 with why set (the entry does not match).  One
 * sealer per thread (its key cache is not locked). */
int sealer_check(struct sealer *s, const struct rec_leaf *r, char *why,
    size_t whylen) __attribute__((warn_unused_result));

/* The sealed body of a stored entry (r with its bytes), recomputed, into
 * *out (*len bytes, valid until the next call on s), after checking that
 * it gives the stored leaf: 0, or -1 with e set (500: the stored entry no
 * longer matches the tree).  One sealer per thread. */
int sealer_body(struct sealer *s, const struct rec_leaf *r,
    const uint8_t **out, size_t *len, struct err *e)
	__attribute__((warn_unused_result));

#endif
