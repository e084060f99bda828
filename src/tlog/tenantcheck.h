/* SPDX-License-Identifier: ISC */
/*
 * tenantcheck: the core of `custos verify --tenant`, without I/O, so that
 * the CLI and the bench run the same code.
 *
 * A check goes from the tree the verifier checked last (a compact range
 * at size S; the empty one the first time) to a signed checkpoint (N, R):
 *
 *   tenantcheck_bundle  each C2SP entry bundle covering [S, N), in order:
 *                       every leaf from S on is hashed into the range,
 *                       and a leaf whose tag is the tenant's for its
 *                       index is kept as the tenant's;
 *   tenantcheck_root    the range's root, to compare with R: equal, every
 *                       leaf of [S, N) is in the tree (inclusion) and the
 *                       tree of size S is its prefix (consistency);
 *   tenantcheck_entry   each entry of the tenant's access-log answer with
 *                       an index in [S, N): one of the tenant's leaves,
 *                       listed once, its leaf the tree's, its sealed body
 *                       hashing to the leaf's body_hash, opening under
 *                       the tenant's seal key, an entry about the tenant
 *                       equal to the event shown;
 *   tenantcheck_missing the tenant's leaves the answer did not list
 *                       (hidden entries).
 */
#ifndef CUSTOS_TLOG_TENANTCHECK_H
#define CUSTOS_TLOG_TENANTCHECK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "tlog/leaf.h"
#include "tlog/range.h"

#define TENANTCHECK_BODY_MAX (256 * 1024)  /* plaintext of one entry */

struct tenantcheck_own {
	int64_t index;
	uint8_t leaf[LEAF_BYTES];
	int listed;             /* the answer listed it */
};

struct tenantcheck {
	const struct leaf_keys *k;      /* the tenant's; borrowed */
	const char *tenant;             /* borrowed */
	int64_t from;                   /* S: the size checked before */
	struct range r;                 /* [0, size) as appended so far */
	struct tenantcheck_own *own;    /* the tenant's leaves in [S, size) */
	size_t nown, cap;
	int64_t foreign;                /* leaves that are not custos-leaf-v1 */
	struct buf plain;               /* scratch, cap TENANTCHECK_BODY_MAX */
};

/* Starts a check from the range checked before (copied).  0, or -1 when
 * out of memory. */
int tenantcheck_init(struct tenantcheck *t, const struct leaf_keys *k,
    const char *tenant, const struct range *from)
	__attribute__((warn_unused_result, nonnull));

void tenantcheck_cleanup(struct tenantcheck *t);

/*
 * Feeds entry bundle number `bundle` (C2SP: each leaf a big-endian
 * 16-bit length and its bytes), of `width` leaves.  It must be the
 * bundle that holds leaf t->r.size (bundles come in order; leaves below
 * the range's size, in the first one, are skipped).  0, or -1 with e
 * (malformed, wrong width, out of order, out of memory).
 */
int tenantcheck_bundle(struct tenantcheck *t, int64_t bundle,
    const uint8_t *data, size_t len, int width, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/* The root of the tree of the leaves fed so far. */
void tenantcheck_root(const struct tenantcheck *t, merkle_hash out)
	__attribute__((nonnull));

/*
 * Checks one entry object of the access-log answer ({index, leaf,
 * sealed, event}), whose index must be in [from, size): see above.
 * *index is set when the entry has one (else -1).  0, or -1 with e.
 */
int tenantcheck_entry(struct tenantcheck *t, const json_t *en,
    int64_t *index, struct err *e)
	__attribute__((warn_unused_result, nonnull(1, 3, 4)));

/* The i-th of the tenant's leaves not listed by the answer, or NULL
 * when there are no more (call with i = 0, 1, ...). */
const struct tenantcheck_own *tenantcheck_missing(const struct tenantcheck *t,
    size_t *i) __attribute__((nonnull));

#endif
