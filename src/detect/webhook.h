/* SPDX-License-Identifier: ISC */
/*
 * webhook: delivers alerts to the operator's webhook (an HTTP(S) POST of
 * the alert's JSON, through libcurl) on a thread of its own, so no request
 * and no rule ever waits for it.  What is owed is in the store (each
 * alert's webhook state), so a restart picks up where it left: an alert
 * is posted until the endpoint answers 2xx, with exponential backoff
 * (2, 4, 8 ... s, at most 5 min between tries), and given up after the
 * configured number of attempts.  The URL may carry a secret; it is never
 * logged.
 */
#ifndef CUSTOS_DETECT_WEBHOOK_H
#define CUSTOS_DETECT_WEBHOOK_H

#include "common/clock.h"
#include "common/err.h"
#include "store/store.h"

#define WEBHOOK_BACKOFF_MAX 300

struct webhook;

struct lease;

/* url must outlive the webhook.  Needs curl_global_init() done.  lease
 * (store/lease.h; NULL: always): several nodes, only the holder of the
 * "detect" lease delivers, and records it fenced by the lease. */
struct webhook *webhook_start(struct store *st, const struct clock *clk,
    const char *url, int attempts, struct lease *lease, struct err *e);
/* Something new is owed: look now rather than at the next tick. */
void webhook_kick(struct webhook *w);
void webhook_stop(struct webhook *w);
/* Issue 16: counts deliveries and what is due in m (metrics/metrics.h);
 * call right after webhook_start.  NULL: not counted. */
struct metrics;
void webhook_set_metrics(struct webhook *w, struct metrics *m);

#endif
