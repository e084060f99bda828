/* SPDX-License-Identifier: ISC */
/*
 * lists: the growable lists a scope answer is made of (types only; tally.c
 * grows them, scope.c fills them).  A header of its own so that scope.h
 * and tally.h both use it without including each other.
 */
#ifndef CUSTOS_SCOPE_LISTS_H
#define CUSTOS_SCOPE_LISTS_H

#include <stddef.h>
#include <stdint.h>

/* An action and how many entries of it (in the order first seen). */
struct scope_count {
	const char *action;             /* owned by the answer */
	int64_t n;
};

struct scope_counts {
	struct scope_count *v;
	size_t n, cap;
};

struct scope_indexes {
	int64_t *v;
	size_t n, cap;
};

struct scope_strings {
	char **v;
	size_t n, cap;
};

#endif
