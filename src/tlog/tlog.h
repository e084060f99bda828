/* SPDX-License-Identifier: ISC */
/*
 * tlog: the transparency log over the recorded entries.
 *
 * Every entry the store appends is a leaf of an RFC 6962 Merkle tree.  The
 * tree is kept as C2SP tlog tiles in the store, written by the store's
 * writer in the same commit as the entries (store_hooks), so an entry is
 * never durable without its place in the tree.  At most once a second while
 * entries arrive, and whenever asked, the writer signs a C2SP checkpoint
 * with the log's Ed25519 key (DIR/log.key, mode 0600) in that same commit.
 *
 * At start-up tlog_open re-hashes every stored entry, rebuilds the tree,
 * compares it tile by tile with what is stored and its root with the last
 * signed checkpoint.  On any difference the log is "broken": tlog_broken()
 * says where, and custosd appends nothing until the store is repaired; the
 * next healthy start appends a log.integrity_alert entry about it.
 *
 * Proofs are read from the stored tiles through a bounded cache of
 * decoded tiles (tilecache.h) that any number of threads share.
 *
 * The last signed checkpoint is also kept in DIR/log.anchor (anchor.h):
 * tlog_open refuses a store behind it or whose tree differs from it, and
 * a store with entries but no tree, unless accept_log_rewrite; nothing is
 * signed that does not extend it.  After each checkpoint a thread
 * (publish.h) moves the anchor and asks the configured witnesses for
 * cosignatures, which tlog_checkpoint_witnessed serves.
 */
#ifndef CUSTOS_TLOG_TLOG_H
#define CUSTOS_TLOG_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "store/store.h"
#include "tlog/merkle.h"
#include "tlog/tilecache.h"
#include "tlog/tilepath.h"

struct tlog_config {
	const char *data_dir;           /* holds log.key */
	const char *origin;             /* used on first start only; NULL:
					 * "<hostname>/custos-log" */
	struct store *store;
	const struct clock *clock;
	int64_t checkpoint_interval_ms; /* default 1000 */
	int proof_cache_tiles;          /* tiles kept decoded for proofs:
					 * 0: TILECACHE_DEFAULT (64 MiB),
					 * -1: none */
	/* The anchor and the witnesses (anchor.h, publish.h). */
	int accept_log_rewrite;         /* the operator accepts a log that
					 * does not extend DIR/log.anchor,
					 * or a tree rebuilt over entries */
	const char *const *witnesses;   /* "URL=KEY" each */
	size_t nwitnesses;
	/* Several nodes (issue 15): the "signer" lease (store/lease.h).  Its
	 * holder signs on the interval and asks the witnesses; any node
	 * signs a size asked for that no checkpoint covers.  NULL: this
	 * node does it all. */
	struct lease *signer_lease;
};

struct tlog;

/* Opens (or on first start creates) the log key, checks the stored tree,
 * installs the store hooks.  NULL only on errors that stop start-up; a
 * failed integrity check still opens, broken. */
struct tlog *tlog_open(const struct tlog_config *cfg, struct err *e);
void tlog_close(struct tlog *t);

/* NULL, or why the log refuses to append. */
const char *tlog_broken(const struct tlog *t);

/* The verifier key "name+hash+base64" and the origin. */
const char *tlog_verifier_key(const struct tlog *t);
const char *tlog_origin(const struct tlog *t);

/* The latest signed checkpoint covering at least min_size entries (signs
 * one now when the latest is older); *size is its tree size. */
int tlog_checkpoint(struct tlog *t, int64_t min_size, struct buf *note,
    int64_t *size, struct err *e) __attribute__((warn_unused_result));

/* Committed tree size. */
int64_t tlog_size(struct tlog *t);

/* The checkpoint GET /v1/log/checkpoint serves: with witnesses, the
 * latest that went to them, with the cosignature lines they gave (one
 * note); without, or before the first round, as tlog_checkpoint. */
int tlog_checkpoint_witnessed(struct tlog *t, struct buf *note,
    int64_t *size, struct err *e) __attribute__((warn_unused_result));

/* Proofs, read from the stored tiles through a reader connection. */
int tlog_inclusion(struct tlog *t, struct store_conn *c, int64_t index,
    int64_t size, merkle_hash *out, size_t *n, struct err *e)
	__attribute__((warn_unused_result));
int tlog_consistency(struct tlog *t, struct store_conn *c, int64_t size1,
    int64_t size2, merkle_hash *out, size_t *n, struct err *e)
	__attribute__((warn_unused_result));

/* The bytes of a C2SP tile or entry bundle (404 when not yet complete to
 * the asked width). */
int tlog_tile(struct tlog *t, struct store_conn *c,
    const struct tile_ref *ref, struct buf *out, struct err *e)
	__attribute__((warn_unused_result));

/* The configured witnesses as the publisher last saw them (publish.h);
 * how many were copied into out (0 without witnesses). */
struct publish_witness;
size_t tlog_witnesses(struct tlog *t, struct publish_witness *out,
    size_t max);

/* How the proofs' tile cache fares (all zero without a cache). */
void tlog_cache_stats(struct tlog *t, struct tilecache_stats *out);

#endif
