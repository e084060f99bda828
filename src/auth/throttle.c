/* SPDX-License-Identifier: ISC */
#include "auth/throttle.h"

#include <string.h>

#include "common/str.h"

int
throttle_check(struct store_conn *c, const struct store_ops *ops,
    const struct throttle_policy *p, const char *key, int64_t now,
    int64_t *retry_after, struct err *e)
{
	struct rec_throttle t;
	int found;

	*retry_after = 0;
	found = ops->throttle_get(c, key, &t, e);
	if (found != 0)
		return found == 1 ? 0 : -1;
	if (t.locked_until <= now)
		return 0;
	*retry_after = t.locked_until - now;
	if (p->lock_after > 0 && t.failures >= p->lock_after) {
		return err_refuse(e, 423, "locked", "locked",
		    "too many failed attempts; the account is locked for %lld "
		    "more seconds", (long long)*retry_after);
	}
	return err_refuse(e, 429, "rate_limited", "rate_limited",
	    "too many failed attempts; try again in %lld seconds",
	    (long long)*retry_after);
}

int
throttle_fail(struct store_conn *c, const struct store_ops *ops,
    const struct throttle_policy *p, const char *key, int64_t now,
    struct err *e)
{
	struct rec_throttle t;
	int found;

	found = ops->throttle_get(c, key, &t, e);
	if (found == -1)
		return -1;
	if (found == 1 || now - t.last_failure > p->window) {
		memset(&t, 0, sizeof(t));
		str_copy(t.key, sizeof(t.key), key);
	}
	t.failures++;
	t.last_failure = now;
	if (p->lock_after > 0 && t.failures >= p->lock_after) {
		t.locked_until = now + p->lock_seconds;
	} else if (t.failures >= p->delay_after) {
		int64_t d = 1;
		int64_t k;

		for (k = p->delay_after; k < t.failures && d < p->max_delay;
		    k++)
			d *= 2;
		t.locked_until = now + (d < p->max_delay ? d : p->max_delay);
	}
	return ops->throttle_put(c, &t, e);
}

int
throttle_clear(struct store_conn *c, const struct store_ops *ops,
    const char *key, struct err *e)
{
	return ops->throttle_clear(c, key, e);
}
