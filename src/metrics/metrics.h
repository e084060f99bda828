/* SPDX-License-Identifier: ISC */
/*
 * metrics: custosd's operational figures for Prometheus (docs/metrics.md
 * lists every metric).  One registry per process, made by main and handed
 * to the parts that count (the API's request end, the store's writer,
 * detection, the webhook, the SIEM export); GET /metrics writes it out in
 * the text format (expo.h).
 *
 * Counting is lock-free: the request path and the writer only do relaxed
 * atomic additions into fixed arrays (per action of audit/action.h, per
 * HTTP status, per histogram bucket).  Only the rare, string-keyed series
 * (alerts by rule, export destinations) take the registry's mutex.
 *
 * Labels never carry a tenant id, a user's name or anything a caller
 * chose: actions, outcomes and status codes come from fixed tables, rule
 * and destination names from custosd's configuration.
 *
 * Every function accepts m == NULL and then does nothing, so a part may
 * run without metrics (tests, copy-store).
 */
#ifndef CUSTOS_METRICS_METRICS_H
#define CUSTOS_METRICS_METRICS_H

#include <stdint.h>

#include "common/buf.h"

struct metrics;

/* A new, zeroed registry; NULL when out of memory.  version, node and
 * store (the backend's name) go into custos_build_info and
 * custos_node_info; they are copied. */
struct metrics *metrics_new(const char *version, const char *node,
    const char *store);
void metrics_free(struct metrics *m);

/*
 * One answered HTTP request of the main listener: action is its row in
 * the action table (enum action; -1 when it was refused before the
 * application saw it: only the status is counted then), status the
 * status code sent, ns the time from its headers to its answer.
 * Outcome: allowed below 400, denied 4xx, error 5xx.
 */
void metrics_request(struct metrics *m, int action, int status,
    int64_t ns);

/* One commit of the store's writer: batch requests grouped, ns from
 * begin to commit.  ok 0: the commit failed (counted apart). */
void metrics_commit(struct metrics *m, int batch, int64_t ns, int ok);

/* An alert raised by rule at severity (detect/).  At most
 * METRICS_ALERT_SERIES distinct pairs are kept; more go to rule "other". */
#define METRICS_ALERT_SERIES 64
void metrics_alert(struct metrics *m, const char *rule,
    const char *severity);

/* The alert webhook (detect/webhook.c): one delivery attempt's result,
 * and after each look at what is owed, how many alerts were due and how
 * long the oldest of them has waited since it was raised (0, 0: none). */
enum metrics_webhook_result {
	METRICS_WEBHOOK_DELIVERED,
	METRICS_WEBHOOK_RETRY,
	METRICS_WEBHOOK_GAVE_UP,
	METRICS_WEBHOOK_RESULTS
};
void metrics_webhook_attempt(struct metrics *m,
    enum metrics_webhook_result r);
void metrics_webhook_due(struct metrics *m, int64_t due,
    double oldest_seconds);

/*
 * For the SIEM export (export/): how far destination is behind the log,
 * in entries not yet delivered and in seconds since the oldest of them was
 * appended (0, 0 when caught up).  Call after each delivered batch and
 * whenever the log grows; any thread.  destination is the configured
 * destination's name (not its URL: a URL may hold a secret).  At most
 * METRICS_EXPORT_SERIES destinations; 0, or -1 when full.
 */
#define METRICS_EXPORT_SERIES 16
int metrics_export_lag_set(struct metrics *m, const char *destination,
    int64_t events, double seconds);

/*
 * The log's figures, read when a scrape comes: the collector, set once
 * before serving, calls metrics_log_set().  entries: the store's
 * committed entries; tree_size: the signed tree's size; checkpoint_age:
 * seconds since the latest checkpoint was signed (negative: none yet,
 * the series is then left out).
 */
void metrics_set_collector(struct metrics *m,
    void (*collect)(void *arg, struct metrics *m), void *arg);
void metrics_log_set(struct metrics *m, int64_t entries, int64_t tree_size,
    double checkpoint_age);

/* Scrapes of the unauthenticated --metrics-listen, counted by it. */
void metrics_scraped(struct metrics *m);

/* Appends the whole registry in the text format 0.0.4 to out (runs the
 * collector first).  0, or -1 when out is full. */
int metrics_write(struct metrics *m, struct buf *out)
	__attribute__((warn_unused_result));

#endif
