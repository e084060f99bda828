/* SPDX-License-Identifier: ISC */
/*
 * entry: the one reader of a log entry -- the fields scope, detection, the
 * importer, the access log and the CLI look at, parsed once from the stored
 * bytes into a C struct (see docs/internals/log-entries.md).  event.c is the
 * one writer.
 * The bytes come from the store, which is outside input by the project's
 * rule, so the parser is fuzzed (fuzz/fuzz_entry.c).
 */
#ifndef CUSTOS_AUDIT_ENTRY_H
#define CUSTOS_AUDIT_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"
#include "store/records.h"

struct entry {
	int64_t index;
	int64_t time_ms;
	int actor_kind;                 /* enum actor_kind */
	char actor[ID_MAX];
	char vendor[ID_MAX];
	char session[ID_MAX];
	char device[ID_MAX];
	char source[REC_ADDR_MAX];
	char action[REC_ACTION_MAX];
	char tenant[ID_MAX];
	char target[EVENT_TARGET_MAX];
	int allowed;
	char reason[EVENT_REASON_MAX];
	char engineer[ID_MAX];          /* detail.engineer */
	int imported;                   /* detail.imported: not live */
};

/* Parses one entry's bytes; -1 when they are not an entry. */
int entry_parse(struct entry *d, int64_t index, const char *bytes,
    size_t len) __attribute__((warn_unused_result));

/*
 * The same, fast, for entries in custos's own canonical form (event.c's
 * key order, compact, strings without escapes): read in place, nothing
 * allocated.  Returns 1 for anything else -- then entry_parse() decides --
 * so the result is always entry_parse()'s (fuzz_entry checks that).
 */
int entry_scan(struct entry *d, int64_t index, const char *bytes,
    size_t len) __attribute__((warn_unused_result));

/* entry_scan(), falling back to entry_parse(). */
int entry_read(struct entry *d, int64_t index, const char *bytes,
    size_t len) __attribute__((warn_unused_result));

#endif
