/* SPDX-License-Identifier: ISC */
/*
 * scope: "which customers were affected?"  Given principals (engineers,
 * devices, sessions, vendors, source addresses) and a window, reads the
 * matching entries' columns through the store's per-principal indexes (the
 * cost follows the matches, not the size of the log; for engineers and
 * vendors the index alone answers) and sorts every tenant into acted_upon
 * (an allowed write hit it), viewed (only allowed reads), or exposed (the
 * principals held access to it in the window -- an approved request,
 * break-glass, or an auto_approve policy -- but no allowed action is
 * recorded).  Denied attempts are counted per tenant.  An entry's bytes
 * are read only for what no column holds: whether an actor is an
 * engineer (once per engineer).  The inverse question lists the
 * principals that touched one tenant.  See docs/internals/scope.md.
 *
 * Scope decides; the answer is C.  src/api/api_scope.c turns it into JSON.
 */
#ifndef CUSTOS_SCOPE_SCOPE_H
#define CUSTOS_SCOPE_SCOPE_H

#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"
#include "common/err.h"
#include "scope/lists.h"
#include "store/store.h"

#define SCOPE_IDS_MAX 1000              /* principals per query */
#define SCOPE_ENTRIES_MAX 2000000       /* entries one answer may cite */
#define SCOPE_ID_MAX 64                 /* ID_MAX, REC_ADDR_MAX */
#define SCOPE_TIME_MAX 40               /* an entry's time as written */

struct scope_query {
	const char *ids[SP_COUNT][SCOPE_IDS_MAX];      /* SP_TENANT unused */
	size_t n[SP_COUNT];
	int64_t from, to;                               /* [from, to), s */
};

/* In the order the answer lists them. */
enum scope_exposure {
	SCOPE_ACTED_UPON = 0,
	SCOPE_VIEWED,
	SCOPE_EXPOSED
};


/* One tenant of the answer. */
struct scope_row {
	char tenant[SCOPE_ID_MAX];
	int exposure;                   /* enum scope_exposure */
	char first[SCOPE_TIME_MAX];     /* "" when none */
	char last[SCOPE_TIME_MAX];
	struct scope_counts actions;    /* allowed */
	struct scope_counts denied;
	struct scope_strings users_affected;
	struct scope_indexes entries;   /* ascending */
	struct scope_strings grants;
	int auto_approve;               /* its policy let any engineer in */
	int seen;                       /* it has entries */
	int signed_in;                  /* an engineer's sign-in to it was
					 * allowed: access held (issue 16) */
};

struct scope_answer {
	int64_t events, denied;
	int64_t acted_upon, viewed, exposed;    /* tenants */
	/* Acted upon first, then viewed, then exposed; by tenant id within. */
	struct scope_row **tenants;
	size_t n_tenants;
	/* Only refused attempts and no access held: not exposed, but the
	 * customer should know someone tried (no exposure of their own). */
	struct scope_row **attempted;
	size_t n_attempted;
	int64_t max_index;              /* largest index cited; -1: none */
	void *priv;
};

/*
 * Answers q into *a (scope_answer_free() it, whatever the result).
 * a->max_index lets the caller fetch a checkpoint that covers every entry
 * the answer cites.  -1 with e set: a store error, or more than
 * SCOPE_ENTRIES_MAX entries (400).
 */
int scope_principals(struct scope_answer *a, struct store_conn *c,
    const struct store_ops *ops, const struct scope_query *q, struct err *e)
	__attribute__((warn_unused_result));
void scope_answer_free(struct scope_answer *a);

/* "acted_upon", "viewed", "exposed". */
const char *scope_exposure_name(int exposure);

/* One principal that touched the tenant of the inverse question. */
struct scope_principal {
	const char *kind;               /* "engineer", "vendor", "device",
					 * "session", "ip", or an actor kind */
	char id[SCOPE_ID_MAX];
	char first[SCOPE_TIME_MAX];
	char last[SCOPE_TIME_MAX];
	struct scope_counts actions;
	struct scope_counts denied;
	struct scope_indexes entries;   /* ascending */
};

struct scope_inverse {
	struct scope_principal **v;     /* in the order first seen */
	size_t n;
	int64_t max_index;
	void *priv;
};

/* The inverse: who touched tenant in [from, to); free with
 * scope_inverse_free() whatever the result. */
int scope_tenant(struct scope_inverse *out, struct store_conn *c,
    const struct store_ops *ops, const char *tenant, int64_t from,
    int64_t to, struct err *e) __attribute__((warn_unused_result));
void scope_inverse_free(struct scope_inverse *out);

#endif
