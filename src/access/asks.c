/* SPDX-License-Identifier: ISC */
#include "access/asks.h"

int
asks_may_notify(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *tenant_id, int64_t now,
    struct err *e)
{
	int64_t n = 0;

	if (ops->asks_since(c, engineer_id, tenant_id, now - ASKS_WINDOW + 1,
	    &n, e) == -1)
		return -1;
	return n < ASKS_MAX;
}

int
asks_withheld(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *tenant_id, int64_t now,
    struct event *ev, int *notify, struct err *e)
{
	int rc = asks_may_notify(c, ops, engineer_id, tenant_id, now, e);

	if (rc == -1)
		return -1;
	if (rc == 0) {
		*notify = 0;
		event_detail(ev, "notice", "withheld");
	}
	return 0;
}
