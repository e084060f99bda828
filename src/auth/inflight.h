/* SPDX-License-Identifier: ISC */
/*
 * inflight: logins under way, counted per key in this process, so that
 * concurrent attempts cannot all pass the throttle before any of them is
 * counted.  An attempt enters its source address's key (a few at once)
 * and its account's key (one at a time) before any hashing, and leaves
 * them once its outcome (and the failure it counts) is committed: the
 * next attempt on that account then sees that failure.
 *
 * A fixed table: keys are kept as a keyed 64-bit hash, and when the
 * table is full an attempt is refused rather than remembered.
 */
#ifndef CUSTOS_AUTH_INFLIGHT_H
#define CUSTOS_AUTH_INFLIGHT_H

#include <stdint.h>

#define INFLIGHT_KEYS 2048      /* keys with an attempt under way */

/* Enters key: 0, or -1 when limit attempts are already under way for it
 * (or the table is full). */
int inflight_enter(const char *key, int limit)
	__attribute__((warn_unused_result));

/* Leaves key (entered before). */
void inflight_leave(const char *key);

#endif
