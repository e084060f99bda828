/* SPDX-License-Identifier: ISC */
/*
 * signer: the tree's writer side, run by the store's writer in each
 * commit, and the checkpoints it signs.
 *
 * The store calls the hooks this module installs (store_hooks): each
 * appended entry's leaf hash waits on a pending list; before COMMIT the
 * pending leaves go onto the right edge (edge.h), every tile that filled
 * and the rightmost tile of each level that grew are written, and a
 * checkpoint is signed when one is due; after COMMIT the new size is the
 * one proofs are answered against and the tiles that filled go to the
 * tile cache; after ROLLBACK the edge is restored from its copy.
 *
 * A thread signs within a second after entries stop arriving, and
 * signer_checkpoint signs at once when asked for a size not yet signed.
 */
#ifndef CUSTOS_TLOG_SIGNER_H
#define CUSTOS_TLOG_SIGNER_H

#include <stdint.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "store/store.h"
#include "tlog/edge.h"
#include "tlog/tilecache.h"

struct signer_config {
	struct store *store;
	const struct clock *clock;
	int64_t interval_ms;            /* between checkpoints, > 0 */
	const char *origin;             /* the checkpoints' origin line */
	const uint8_t *sk;              /* Ed25519 secret key, caller's */
	const char *broken;             /* caller's: "" or why it refuses */
	struct tilecache *cache;        /* or NULL */
	const struct edge *tree;        /* the verified tree; NULL: empty */
	const struct buf *latest;       /* the latest signed note */
	int64_t latest_size;            /* its size; -1: none */
	/* Asked before each signature, on the writer's connection c (which
	 * sees this batch's tiles): 0 when the tree (size, root) extends
	 * every checkpoint signed before (the anchor, anchor.h).  Otherwise
	 * nothing is signed and the signer halts: no more appends.  NULL:
	 * no check. */
	int (*guard)(void *ctx, struct store_conn *c, int64_t size,
	    const merkle_hash root, struct err *e);
	void *guard_ctx;
	/* Several nodes (issue 15): whether this node signs on the interval
	 * (holds the "signer" lease); NULL: always.  Any node still signs
	 * when asked for a size no checkpoint covers (signer_checkpoint). */
	int (*leader)(void *ctx);
	void *leader_ctx;
};

struct signer;

/* Takes over the store's hooks; the strings, key and cache given must
 * outlive the signer.  NULL when out of memory. */
struct signer *signer_new(const struct signer_config *cfg, struct err *e);

/* Starts the thread that signs checkpoints while entries arrive. */
int signer_start(struct signer *s, struct err *e)
	__attribute__((warn_unused_result));

/* Stops the thread, gives the store's hooks back; accepts NULL. */
void signer_free(struct signer *s);

/* The committed tree size. */
int64_t signer_size(struct signer *s);

/* Stops all appends and signatures for good, saying why (the guard or
 * the publisher found a checkpoint that does not extend the anchor). */
void signer_halt(struct signer *s, const char *why);

/* NULL, or why the signer halted. */
const char *signer_halted(struct signer *s);

/* The latest signed checkpoint covering at least min_size entries (signs
 * one now when the latest is older); *size is its tree size. */
int signer_checkpoint(struct signer *s, int64_t min_size, struct buf *note,
    int64_t *size, struct err *e) __attribute__((warn_unused_result));

#endif
