/* SPDX-License-Identifier: ISC */
/*
 * tally: what scope counts with.  Strings interned to small numbers (the
 * tenants, actions and actors of one answer: a hash each, so a matched
 * entry costs a few probes, not a JSON object per tenant), and the
 * growable lists of scope.h's rows.  Internal to src/scope.
 */
#ifndef CUSTOS_SCOPE_TALLY_H
#define CUSTOS_SCOPE_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "scope/lists.h"

#define TALLY_STRINGS_MAX 4000000       /* distinct strings per table */

struct tally_strtab {
	char **s;                       /* by number */
	size_t n, cap;
	int32_t *slot;                  /* hash -> number + 1, 0 empty */
	size_t nslot;
};

void tally_strtab_init(struct tally_strtab *t);
void tally_strtab_cleanup(struct tally_strtab *t);
/* s's number, added when absent (len bytes, not NUL-terminated); -1 when
 * out of memory or full. */
int32_t tally_intern(struct tally_strtab *t, const char *s, size_t len);

/* Adds one to the count of action (an interned pointer: compared as
 * such).  -1 when out of memory. */
int tally_count(struct scope_counts *c, const char *action);
void tally_counts_cleanup(struct scope_counts *c);

int tally_index_push(struct scope_indexes *x, int64_t index);
void tally_indexes_cleanup(struct scope_indexes *x);

/* Adds a copy of s unless it is there already. */
int tally_string_add(struct scope_strings *l, const char *s);
void tally_strings_cleanup(struct scope_strings *l);

#endif
