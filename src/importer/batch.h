/* SPDX-License-Identifier: ISC */
/*
 * batch: one event import (POST /v1/import?format=entries|okta) from body
 * to jobs.  The body is cut into records (importer.h), each record parsed
 * by its format (entries.h, okta.h; Okta events of types custos does not
 * map are counted as skipped, per eventType); only when every record is
 * good does the caller get one entry job per event, to append all in one
 * commit (store_write_all) or none.  Each job records the log index its
 * entry got.  Nothing here knows HTTP.
 *
 * Since issue 16 POST /v1/import?format=okta goes through stream.h
 * instead (streamed, per-event errors, de-duplicated); BATCH_OKTA here
 * is the in-memory, all-or-nothing reading kept for its unit test.
 */
#ifndef CUSTOS_IMPORTER_BATCH_H
#define CUSTOS_IMPORTER_BATCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "importer/importer.h"
#include "store/store.h"

enum batch_format {
	BATCH_ENTRIES,          /* custos's own entries (entries.h) */
	BATCH_OKTA              /* Okta System Log events (okta.h) */
};

/* One event to append, and the index its entry got (-1 before). */
struct batch_item {
	struct import_event ie;
	int64_t index;
};

struct batch {
	struct batch_item *items;
	size_t n, cap;
	json_t *skipped;                /* eventType -> count */
	struct store_job *jobs;         /* one per item, after batch_parse */
};

/* The format named ("entries", "okta"), or -1. */
int batch_format_parse(const char *name);

/*
 * Parses data (len bytes) in format into b and makes its jobs
 * (b->jobs[0..b->n), none when every event was skipped).  tenant (or
 * NULL) is the tenant of Okta events (400 for another format or when it
 * is not an id).  400 naming the line or event
 * ("line N: ..."/"event N: ...") when one is refused, when there are
 * more than IMPORT_EVENTS_MAX, or when the body holds none.  Free b with
 * batch_cleanup() either way.
 */
int batch_parse(struct batch *b, int format, const char *data, size_t len,
    const char *tenant, struct err *e) __attribute__((warn_unused_result));

void batch_cleanup(struct batch *b);

#endif
