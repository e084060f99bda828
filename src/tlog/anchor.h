/* SPDX-License-Identifier: ISC */
/*
 * anchor: the last signed checkpoint kept outside the database too, in
 * DIR/log.anchor beside log.key, so that a database rewritten or restored
 * behind custosd's back is noticed at the next start.
 *
 * The file holds the signed note itself (the log's signature only), so
 * it proves itself under the log key.  It is replaced write-temp-then-
 * rename with fsyncs (textfile.h), only after the checkpoint it names was
 * committed to the store: a crash leaves it equal to or behind the
 * store, never ahead.  custosd refuses to start when the store is behind
 * it or its tree differs at its size (anchor_extends), and checks that
 * every checkpoint it signs extends it.
 */
#ifndef CUSTOS_TLOG_ANCHOR_H
#define CUSTOS_TLOG_ANCHOR_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/prover.h"
#include "tlog/tilecache.h"

#define ANCHOR_FILE "log.anchor"

struct anchor;

/* The anchor of DIR/log.anchor, checked under the log key v (copied).
 * Nothing is read yet.  NULL when out of memory. */
struct anchor *anchor_new(const char *data_dir,
    const struct note_verifier *v, struct err *e);
void anchor_free(struct anchor *a);

/* Reads the file: 0 with *present 0 or 1, -1 when it is unreadable, too
 * large, or not a checkpoint signed by the log key. */
int anchor_load(struct anchor *a, int *present, struct err *e)
	__attribute__((warn_unused_result));

/* The anchored size (-1: none) and root, thread-safe. */
int64_t anchor_get(struct anchor *a, merkle_hash root);

/* Forgets the anchor in memory (the file stays until anchor_store):
 * the operator accepted a log that does not extend it. */
void anchor_forget(struct anchor *a);

/* The file's path, for messages. */
const char *anchor_path(const struct anchor *a);

/* Makes note (a checkpoint signed by the log key) the anchor: the file
 * is replaced, then the copy in memory. */
int anchor_store(struct anchor *a, const char *note, size_t len,
    struct err *e) __attribute__((warn_unused_result));

/*
 * Whether the tree of size leaves with this root extends the anchor,
 * proved from the tiles (through tc, which may be NULL): 0 yes, 1 no
 * (why in e), -1 when the tiles cannot be read.  A tree smaller than the
 * anchor does not extend it.
 */
int anchor_extends(struct anchor *a, struct tilecache *tc,
    const struct prover_tiles *tiles, int64_t size, const merkle_hash root,
    struct err *e) __attribute__((warn_unused_result));

#endif
