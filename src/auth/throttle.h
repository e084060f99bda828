/* SPDX-License-Identifier: ISC */
/*
 * throttle: growing delays and lockouts after failed logins, per account
 * and per source address, kept in the store so every custosd node sees
 * them.  After `delay_after` failures each further one closes the door for
 * twice as long (1 s, 2 s, 4 s ... capped); an account key is locked for
 * `lock_seconds` after `lock_after` failures.  Failures older than `window`
 * are forgotten.
 */
#ifndef CUSTOS_AUTH_THROTTLE_H
#define CUSTOS_AUTH_THROTTLE_H

#include <stdint.h>

#include "common/err.h"
#include "store/store.h"

struct throttle_policy {
	int delay_after;
	int lock_after;                 /* 0: never locks (address keys) */
	int64_t lock_seconds;
	int64_t window;
	int64_t max_delay;
};

/* 0 when key may try now; else -1 with a 429 rate_limited or a 423 locked
 * in e and *retry_after in seconds. */
int throttle_check(struct store_conn *c, const struct store_ops *ops,
    const struct throttle_policy *p, const char *key, int64_t now,
    int64_t *retry_after, struct err *e)
	__attribute__((warn_unused_result));

/* Counts a failure (on the writer connection). */
int throttle_fail(struct store_conn *c, const struct store_ops *ops,
    const struct throttle_policy *p, const char *key, int64_t now,
    struct err *e) __attribute__((warn_unused_result));

/* Forgets the failures of key after a success. */
int throttle_clear(struct store_conn *c, const struct store_ops *ops,
    const char *key, struct err *e) __attribute__((warn_unused_result));

#endif
