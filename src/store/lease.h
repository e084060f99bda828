/* SPDX-License-Identifier: ISC */
/*
 * lease: a cluster-wide job (the signer's timer, detection, the sweeper)
 * that one node at a time runs (issue 15).
 *
 * A lease is a row of the store's `leases` table (store_ops.lease_take):
 * its holder, an epoch bumped at each change of holder, and an expiry on
 * the database's clock.  lease_start runs a thread that takes or renews it
 * every ttl/3 as a writer job.  lease_held says whether this node may run
 * the job; the job's own writes call lease_fence inside their apply, on
 * the writer (the log head's lock held), so a node that lost the lease
 * while it worked writes nothing (409 lease_lost).
 *
 * Held is measured pessimistically: from the time the renewal was sent,
 * on the local monotonic clock, for ttl.  A node that cannot reach the
 * store stops acting before another node can take over.
 *
 * On a backend without leases (SQLite: one node) every lease is held at
 * epoch 1, nothing runs and the fence is a no-op.
 */
#ifndef CUSTOS_STORE_LEASE_H
#define CUSTOS_STORE_LEASE_H

#include <stdint.h>

#include "common/err.h"
#include "store/store.h"

struct lease;

/* Starts taking name for node (both copied) for ttl_ms; NULL with e.
 * The lease's holder is node and a tag of this lease, so that two
 * processes given one node name never share a lease. */
struct lease *lease_start(struct store *s, const char *name,
    const char *node, int64_t ttl_ms, struct err *e);

/* Stops the renewals (the lease then expires on its own); accepts NULL. */
void lease_stop(struct lease *l);

/* 1 when this node holds the lease now (and *epoch, may be NULL), else 0.
 * NULL l: held (no lease configured). */
int lease_held(struct lease *l, int64_t *epoch);

/* Inside a job's apply, on the writer's connection: 0 when the lease is
 * still this node's at the epoch held; else -1 with e (409 lease_lost). */
int lease_fence(struct lease *l, struct store_conn *c, struct err *e)
	__attribute__((warn_unused_result));

/* Waits up to ms for the lease to be held (at once when it is); returns
 * lease_held(). */
int lease_wait(struct lease *l, int ms);

/* How many times this node took the lease (0, 1, ...): a job that sees it
 * change knows it lost the lease in between and starts afresh. */
int64_t lease_takes(struct lease *l);

const char *lease_name(const struct lease *l);

#endif
