/* SPDX-License-Identifier: ISC */
/*
 * sweeper: records what time alone changes.  Access requests past their
 * deadline are moved to expired (an access_request.expire entry each, by
 * custosd itself), and tenant admins are mailed when an approved access is
 * about to end (GRANT_WARN_SECONDS before).  Enforcement never waits for
 * it: every request computes the effective state at its own time.  Second
 * approvals are not swept: their expiry is effective only.
 *
 * Every SWEEPER_AUTH_EVERY seconds (of the clock) it also deletes what
 * time made worthless in the authentication tables: expired logins
 * (challenges) and reset tokens, and throttle rows past their window
 * without a lock; and it caps the throttle rows of keys others choose
 * (blinded unknown usernames, source addresses) at SWEEPER_THROTTLE_KEEP
 * each, the most recent kept.  No entry records these: nothing a person
 * did changes.
 *
 * One thread, started by custosd's main; it needs no API: the store it
 * writes to, the clock, where notices go, and whether the log can take
 * entries are given to it.
 */
#ifndef CUSTOS_ACCESS_SWEEPER_H
#define CUSTOS_ACCESS_SWEEPER_H

#include <stdint.h>

#include "common/clock.h"
#include "common/err.h"
#include "mail/notice.h"
#include "store/store.h"

#define SWEEPER_DUE_MAX 500     /* grants handled per pass */
#define SWEEPER_AUTH_EVERY 10   /* seconds between sweeps of auth rows */
#define SWEEPER_THROTTLE_KEEP 10000 /* rows per chosen-key prefix */

struct sweeper_config {
	struct store *store;
	const struct clock *clock;
	struct notice_cfg mail;
	/* 1 while the log cannot take entries: the pass is skipped.  May be
	 * NULL. */
	int (*halted)(void *arg);
	void *halted_arg;
	/* The throttle's window (seconds): older failures count for nothing.
	 * 0: a day. */
	int64_t throttle_window;
	/* Several nodes (issue 15): the "sweeper" lease (store/lease.h);
	 * only its holder sweeps, and each change is fenced by it.  NULL:
	 * this node sweeps. */
	struct lease *lease;
};

struct sweeper;

/* Starts the thread: a pass every 0.5 s at the clock's time.  cfg is
 * copied; what it points to must outlive the sweeper.  NULL with e set. */
struct sweeper *sweeper_start(const struct sweeper_config *cfg,
    struct err *e);
/* Stops and joins the thread; accepts NULL. */
void sweeper_stop(struct sweeper *s);

/*
 * One pass at now: each grant due is expired (with its entry) or, when it
 * ends within GRANT_WARN_SECONDS, its admins are mailed once.  A grant
 * answered meanwhile is left as it is, with no entry.  Returns the number
 * of grants whose change committed (an expiry that lost the race counts
 * but writes nothing), or -1 when the store could not be read.
 */
int sweeper_run(const struct sweeper_config *cfg, int64_t now);

/*
 * The sweep of the authentication rows at now (expired logins and reset
 * tokens, idle throttle rows, the cap on chosen keys), in one commit
 * without an entry.  Returns the number of rows removed, or -1 (logged).
 */
int64_t sweeper_auth(const struct sweeper_config *cfg, int64_t now);

/*
 * The pass's step for one grant g read as due (through c) at now: expire
 * it (from the state g was read in) with its entry, or send the "ends
 * soon" notice.  When g left that state meanwhile (answered, revoked),
 * nothing changes and no entry is written.  0, or -1 (logged).
 */
int sweeper_grant(const struct sweeper_config *cfg, struct store_conn *c,
    const struct rec_grant *g, int64_t now);

#endif
