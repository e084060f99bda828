/* SPDX-License-Identifier: ISC */
/*
 * entries: custos's own log entries as an import format.  A line is the
 * "event" object that GET /v1/log/entries returns (the keys of a leaf, see
 * audit/event.h), so the entries of one custos can be loaded into
 * another and scoped there.  The parser is strict: the keys of a leaf and
 * nothing else, each of its type and within its limit.
 */
#ifndef CUSTOS_IMPORTER_ENTRIES_H
#define CUSTOS_IMPORTER_ENTRIES_H

#include <stddef.h>

#include "common/err.h"
#include "importer/importer.h"

/*
 * Parses one entry (len bytes of JSON) into ie, which the caller has
 * initialised and cleans up whatever the result.  The event keeps its own
 * time (ev.time_ms) and every field; its detail gains "imported":
 * "custos", unless it already names the source it was imported from.
 * 0, or -1 with a 400 in e naming the field.
 */
int entries_parse(struct import_event *ie, const char *data, size_t len,
    struct err *e) __attribute__((warn_unused_result, nonnull));

#endif
