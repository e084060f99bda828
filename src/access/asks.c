/* SPDX-License-Identifier: ISC */
#include "access/asks.h"

int
asks_check(struct store_conn *c, const struct store_ops *ops,
    const char *engineer_id, const char *tenant_id, int64_t now,
    int64_t *retry_after, struct err *e)
{
	int64_t n = 0, oldest = now;

	*retry_after = 0;
	if (ops->asks_since(c, engineer_id, tenant_id, now - ASKS_WINDOW + 1,
	    &n, &oldest, e) == -1)
		return -1;
	if (n < ASKS_MAX)
		return 0;
	*retry_after = oldest + ASKS_WINDOW - now;
	if (*retry_after < 1)
		*retry_after = 1;
	return err_refuse(e, 429, "rate_limited", "ask_rate", "this engineer "
	    "asked this tenant's admins %d times within the last hour; ask "
	    "again in %lld s", ASKS_MAX, (long long)*retry_after);
}
