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

/* Sets the master seal key (copied).  Start-up only, before any thread. */
void sealer_setup(const uint8_t master[SEALER_MASTER_BYTES]);

/* The log key of tenant ("" or NULL: the operator's) into out. */
void sealer_log_key(uint8_t out[LEAF_KEY_BYTES], const char *tenant);

struct sealer;

struct sealer *sealer_new(void);
void sealer_free(struct sealer *s);

/* The store's sealing hook (store_set_sealer), on the writer: seals en's
 * bytes under the key of en's tenant at en's index and points en->leaf
 * and en->sealed at the result, valid until the next call. */
int sealer_seal(void *ctx, struct rec_entry *en, struct err *e)
	__attribute__((warn_unused_result));

/* Checks a stored entry against its leaf: a custos-leaf-v1 leaf whose tag
 * is its tenant's at its index and whose sealed body hashes to the leaf
 * and opens to exactly the stored plaintext.  0, or 1 with why set (the
 * entry does not match).  Writer-side only (its key cache is not
 * locked). */
int sealer_check(struct sealer *s, const struct rec_leaf *r, char *why,
    size_t whylen) __attribute__((warn_unused_result));

#endif
