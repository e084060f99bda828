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
#include "common/err.h"
#include "store/records.h"

#define ENTRY_TIME_MAX 40       /* bytes of an RFC 3339 time */
#define ENTRY_ACTION_MAX 65     /* an action name and its NUL */
#define ENTRY_DETAIL_MAX 32     /* keys the fast reader follows */

struct entry {
	int64_t index;
	int64_t time_ms;
	int actor_kind;                 /* enum actor_kind */
	char actor[ID_MAX];
	char vendor[ID_MAX];
	char session[ID_MAX];
	char device[ID_MAX];
	char source[REC_ADDR_MAX];
	char action[ENTRY_ACTION_MAX];
	char tenant[ID_MAX];
	char target[EVENT_TARGET_MAX];
	int allowed;
	char reason[EVENT_REASON_MAX];
	char engineer[ID_MAX];          /* detail.engineer */
	int imported;                   /* detail.imported: not live */
	int ndetail;                    /* keys in detail (entry_detail) */
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

/*
 * For entries from outside (an import): 0 when bytes are an entry in the
 * strict sense -- an object of exactly the entry's keys ("detail"
 * optional), "v" 1, each of its type (strings or null, "actor" an object
 * of kind/id/vendor, "detail" an object or null) and within the struct's
 * room, no control characters -- else -1 with a 400 in e naming the
 * field.  What entry_read() then gives is the entry.  The values of the
 * detail are entry_detail()'s to check.
 */
int entry_check(const char *bytes, size_t len, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/* Called for each key of an entry's detail, in order, with the key's and
 * the value's bytes (not NUL-ended; value NULL when it is not a string).
 * Returns 0, or -1 to stop. */
typedef int (*entry_detail_fn)(void *arg, const char *key, size_t key_len,
    const char *value, size_t value_len);

/*
 * The detail of the entry in bytes, key by key, for what no field of
 * struct entry holds (the importer copies all of it).  Read in place when
 * the entry is canonical (see entry_scan), else with jansson; the bytes
 * passed to fn are valid only during the call.  Returns 0, or -1
 * when bytes are not an entry or fn stopped.
 */
int entry_detail(const char *bytes, size_t len, entry_detail_fn fn,
    void *arg) __attribute__((warn_unused_result));

#endif
