/* SPDX-License-Identifier: ISC */
/*
 * containment: the operator's side of contain.h.  containment_apply is
 * contain_apply with what it did named in the entry that records it (the
 * caller's, committed with it); lifting ends a containment in force:
 * refused once it was lifted, by anyone, even meanwhile.  Revoked access
 * stays revoked.  Nothing here knows HTTP.
 */
#ifndef CUSTOS_ACCESS_CONTAINMENT_H
#define CUSTOS_ACCESS_CONTAINMENT_H

#include <stdint.h>

#include "access/contain.h"
#include "audit/event.h"
#include "common/err.h"
#include "store/store.h"

/* A containment and the entry that records it. */
struct containment_op {
	struct contain_run *run;        /* from contain_prepare */
	struct event *ev;
};

/* On the writer: contain_apply(op->run), then its detail into op->ev.
 * 0 or -1. */
int containment_apply(struct store_conn *c, const struct store_ops *ops,
    void *op, struct err *e) __attribute__((warn_unused_result));

/*
 * Prepares lifting containment id (read on c) by `by` at now for reason
 * into r, and names it in ev (kind, and its target under that kind).
 * 404 no_such_containment when there is none, 409 wrong_state when it was
 * already lifted or holds nothing in force (level sessions).
 */
int containment_lift_prepare(struct rec_containment *r, struct store_conn *c,
    const struct store_ops *ops, const char *id, const char *by,
    const char *reason, int64_t now, struct event *ev, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: lifts r (a struct rec_containment, from
 * containment_lift_prepare); 409 wrong_state when it was lifted
 * meanwhile.  0 or -1. */
int containment_lift_apply(struct store_conn *c, const struct store_ops *ops,
    void *r, struct err *e) __attribute__((warn_unused_result));

#endif
