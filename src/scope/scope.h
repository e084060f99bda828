/* SPDX-License-Identifier: ISC */
/*
 * scope: "which customers were affected?"  Given principals (engineers,
 * devices, sessions, vendors, source addresses) and a window, reads the
 * matching entries through the store's per-principal indexes (the cost
 * follows the matches, not the size of the log) and sorts every tenant
 * into acted_upon (an allowed write hit it), viewed (only allowed reads),
 * or exposed (the principals held access to it in the window -- an
 * approved request, break-glass, or an auto_approve policy -- but no
 * allowed action is recorded).  Denied attempts are counted per tenant.
 * The inverse question lists the principals that touched one tenant.
 */
#ifndef CUSTOS_SCOPE_SCOPE_H
#define CUSTOS_SCOPE_SCOPE_H

#include <jansson.h>
#include <stdint.h>

#include "common/err.h"
#include "store/store.h"

#define SCOPE_IDS_MAX 1000              /* principals per query */
#define SCOPE_ENTRIES_MAX 2000000       /* entries one answer may cite */

struct scope_query {
	const char *ids[SP_COUNT][SCOPE_IDS_MAX];      /* SP_TENANT unused */
	size_t n[SP_COUNT];
	int64_t from, to;                               /* [from, to), s */
};

/*
 * The answer's "summary" and "tenants" (a new object); *max_index is the
 * largest index it cites (-1: none), so the caller can fetch a checkpoint
 * that covers them all.
 */
json_t *scope_principals(struct store_conn *c, const struct store_ops *ops,
    const struct scope_query *q, int64_t *max_index, struct err *e);

/* The inverse: {"principals": [...]} of who touched tenant in [from, to). */
json_t *scope_tenant(struct store_conn *c, const struct store_ops *ops,
    const char *tenant, int64_t from, int64_t to, int64_t *max_index,
    struct err *e);

#endif
