/* SPDX-License-Identifier: ISC */
/*
 * dentry: a log entry as the rules see it -- the fields they look at,
 * parsed once from the stored bytes (see docs/internals/log-entries.md).
 * The bytes come from the store, which is outside input by the project's
 * rule, so the parser is fuzzed (fuzz/fuzz_dentry.c).
 */
#ifndef CUSTOS_DETECT_DENTRY_H
#define CUSTOS_DETECT_DENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"
#include "store/records.h"

struct dentry {
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
int dentry_parse(struct dentry *d, int64_t index, const char *bytes,
    size_t len) __attribute__((warn_unused_result));

/*
 * The same, fast, for entries in custos's own canonical form (event.c's
 * key order, compact, strings without escapes): read in place, nothing
 * allocated.  Returns 1 for anything else -- then dentry_parse() decides --
 * so the result is always dentry_parse()'s (fuzz_dentry checks that).
 */
int dentry_scan(struct dentry *d, int64_t index, const char *bytes,
    size_t len) __attribute__((warn_unused_result));

/* dentry_scan(), falling back to dentry_parse(). */
int dentry_read(struct dentry *d, int64_t index, const char *bytes,
    size_t len) __attribute__((warn_unused_result));

#endif
