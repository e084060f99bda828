/* SPDX-License-Identifier: ISC */
#include "access/containment.h"

#include <string.h>

#include "common/str.h"

int
containment_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	struct containment_op *op = arg;

	if (contain_apply(c, ops, op->run, e) == -1)
		return -1;
	contain_detail(op->run, op->ev);
	return 0;
}

static int
already_lifted(const char *id, struct err *e)
{
	return err_refuse(e, 409, "conflict", "wrong_state",
	    "containment %s was already lifted", id);
}

int
containment_lift_prepare(struct rec_containment *r, struct store_conn *c,
    const struct store_ops *ops, const char *id, const char *by,
    const char *reason, int64_t now, struct event *ev, struct err *e)
{
	int found = ops->containment_get(c, id, r, e);

	if (found == -1)
		return -1;
	if (found == 1) {
		return err_refuse(e, 404, "not_found", "no_such_containment",
		    "no such containment: %s", id);
	}
	event_detail(ev, "kind", contain_kind_names[r->kind]);
	event_detail(ev, contain_kind_names[r->kind], r->target);
	if (r->lifted != 0)
		return already_lifted(id, e);
	if (!contain_in_force(r))
		return err_refuse(e, 409, "conflict", "wrong_state",
		    "containment %s holds nothing to lift: %s", id,
		    contain_enforced(r));
	r->lifted = now;
	str_copy(r->lifted_by, sizeof(r->lifted_by), by);
	str_copy(r->lift_reason, sizeof(r->lift_reason), reason);
	return 0;
}

int
containment_lift_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	struct rec_containment *r = arg;
	int rc = ops->containment_lift(c, r, e);

	return rc == 1 ? already_lifted(r->id, e) : rc;
}
