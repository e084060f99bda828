/* SPDX-License-Identifier: ISC */
/*
 * stream: one Okta import (POST /v1/import?format=okta) read as a
 * stream.  The bytes come in chunks (import_stream_feed); the framing
 * scanner (scan.h) cuts them into event objects, each parsed with
 * json_loadb and mapped (okta.h); mapped events are committed in
 * batches of cfg.batch (commit(), one atomic store_write_all each), so
 * memory stays the same whatever the size of the export.
 *
 * An event that cannot be imported is an error of its own: counted by
 * reason, the first IMPORT_ERRORS_SHOWN kept verbatim with their
 * position, the rest imported.  With cfg.all_or_nothing the first error
 * refuses the whole import and everything is committed at the end in one
 * batch, as before issue 16 (at most IMPORT_EVENTS_MAX events).
 *
 * Each event's uuid is claimed in the store inside the commit
 * (store_ops.import_uuid_claim): an event imported before makes no entry
 * and counts as a duplicate.  Nothing here knows HTTP.
 */
#ifndef CUSTOS_IMPORTER_STREAM_H
#define CUSTOS_IMPORTER_STREAM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "importer/okta.h"
#include "importer/scan.h"
#include "store/store.h"

#define IMPORT_OBJECT_MAX (4 * 1024 * 1024)    /* a top-level object
						 * (an Event Hooks
						 * delivery's envelope) */
#define IMPORT_BATCH_DEFAULT 2000       /* events per commit */
#define IMPORT_ERRORS_SHOWN 20          /* errors kept verbatim */

struct import_stream_cfg {
	const char *tenant;             /* NULL, or the export's tenant */
	const struct okta_conf *conf;   /* may be NULL */
	int all_or_nothing;
	size_t batch;                   /* 0: IMPORT_BATCH_DEFAULT */
	const struct store_ops *ops;    /* for the uuid claims */
	int64_t now_ms;
	/* Commits n jobs atomically: 0, or -1 with e. */
	int (*commit)(void *arg, const struct store_job *jobs, size_t n,
	    struct err *e);
	void *commit_arg;
};

struct stream_item;

struct import_stream {
	struct import_stream_cfg cfg;
	struct scan sc;
	struct stream_item *items;
	struct store_job *jobs;
	size_t n, cap;
	int64_t events;                 /* event objects met */
	int64_t imported, duplicates, nskipped, nerrors, batches;
	int64_t first_index, last_index;
	json_t *skipped;                /* eventType -> count */
	json_t *reasons;                /* error reason -> count */
	json_t *dropped;                /* field -> count */
	json_t *errors;                 /* the first ones, verbatim */
	int stopped;                    /* no more input is taken */
	int lost;                       /* the framing was lost */
	int failed;                     /* err holds why (a commit, or
					 * all_or_nothing's first error) */
	struct err err;
};

/* 0, or -1 with e (out of memory, a bad tenant). */
int import_stream_init(struct import_stream *st,
    const struct import_stream_cfg *cfg, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/* The next chunk: 0 go on, 1 the import stopped (lost sync, a failed
 * commit, all_or_nothing's first error): the rest need not be sent. */
int import_stream_feed(struct import_stream *st, const char *data,
    size_t len) __attribute__((nonnull));

/* The end of the input: commits what is pending.  0, or -1 when the
 * import failed (st->err). */
int import_stream_finish(struct import_stream *st)
	__attribute__((nonnull, warn_unused_result));

/* The answer's object (see docs/import.md); NULL when out of memory. */
json_t *import_stream_answer(const struct import_stream *st)
	__attribute__((nonnull));

void import_stream_cleanup(struct import_stream *st);

#endif
