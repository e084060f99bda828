/* SPDX-License-Identifier: ISC */
/*
 * detect: custosd's detection thread.  It follows the log as it grows
 * (woken by every commit), feeds each new entry to the rule engine, and
 * for every alert the engine raises writes, in one transaction, the alert,
 * its own log entry ("alert", by custosd) and -- when the rule contains on
 * its own -- the containment with its entries.  Then it tells people:
 * syslog at once, the operator's mailbox in the outbox, and the webhook
 * (see webhook.h), which retries until delivered.
 *
 * Where it stands is kept in the store (meta "detect_cursor", written with
 * each alert and every few seconds), so a restart resumes at the first
 * entry not yet looked at: no entry is skipped, none alerts twice.  On
 * start the engine re-learns the last window of entries without alerting.
 * A new store starts at its end: detection looks forward, not back (the
 * past is what scope is for).
 */
#ifndef CUSTOS_DETECT_DETECT_H
#define CUSTOS_DETECT_DETECT_H

#include "common/clock.h"
#include "common/err.h"
#include "detect/rules.h"
#include "store/store.h"

struct detect_config {
	struct rules rules;
	const char *webhook_url;        /* NULL: no webhook */
	int webhook_attempts;           /* before giving up */
	const char *mail_to;            /* operator's address; NULL: none */
	const char *outbox_dir;
	const char *mail_from;
	int use_syslog;
	/* Several nodes (issue 15): the "detect" lease (store/lease.h).
	 * Only its holder follows the log, from the stored cursor, and
	 * stores alerts and the cursor fenced by it.  NULL: always. */
	struct lease *lease;
	/* Issue 16: alerts by rule and the webhook's deliveries are counted
	 * here (metrics/metrics.h).  NULL: not counted. */
	struct metrics *metrics;
};

struct detect;
struct metrics;

/* Starts the thread.  cfg's strings must outlive it. */
struct detect *detect_start(struct store *st, const struct clock *clk,
    const struct detect_config *cfg, struct err *e);
void detect_stop(struct detect *d);

#endif
