/* SPDX-License-Identifier: ISC */
/*
 * engine: the rules run over the stream of log entries, one entry at a
 * time, in index order.  Incremental: each rule keeps only what its window
 * needs per engineer, session or account (counts, tenants, addresses), so
 * an entry costs a hash lookup and a few comparisons, never a re-read of
 * the log.  Time is the entries' own time, so the same entries give the
 * same alerts whatever the clock says.
 *
 * Three things the entries alone cannot say come through a lookup
 * interface: an engineer's declared working hours, where the engineer
 * logged in from over the last 90 days (when first needed), and how many
 * devices the engineer has (so a first device is enrolment, a second one
 * a new credential).
 *
 * Not thread-safe: one engine per detection thread.
 */
#ifndef CUSTOS_DETECT_ENGINE_H
#define CUSTOS_DETECT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "audit/entry.h"
#include "detect/rules.h"

#define ALERT_ENTRIES_MAX 32    /* trigger entries named per alert */
#define NETWORK_HISTORY_DAYS 90

struct engine_lookup {
	void *ctx;
	/* The engineer's working hours text ("" when none declared).
	 * 0, or -1 when it cannot be read (the rule is skipped). */
	int (*hours)(void *ctx, const char *engineer, char *out,
	    size_t size);
	/* Calls cb with the source of each successful login of engineer
	 * from from_s on, before entry before_index.  0 or -1. */
	int (*logins)(void *ctx, const char *engineer, int64_t from_s,
	    int64_t before_index, void (*cb)(void *arg, const char *source),
	    void *arg);
	/* How many devices the engineer has now.  0 or -1. */
	int (*devices)(void *ctx, const char *engineer, int64_t *n);
};

/* One alert the engine raised. */
struct alert_raise {
	int rule;                       /* enum rule_id */
	const char *subject_kind;       /* "engineer", "session", "account" */
	char subject[ID_MAX + 8];
	char engineer[ID_MAX];          /* "" when not an engineer's */
	char vendor[ID_MAX];
	char session[ID_MAX];
	char device[ID_MAX];
	char source[REC_ADDR_MAX];
	char tenant[ID_MAX];
	char message[320];
	int64_t entries[ALERT_ENTRIES_MAX];
	size_t nentries;
	int64_t first_ms, last_ms;      /* times of the first, last entry */
};

typedef void (*engine_emit_fn)(void *arg, const struct alert_raise *a);

struct engine;

/* rs and lk must outlive the engine. */
struct engine *engine_new(const struct rules *rs,
    const struct engine_lookup *lk);
void engine_free(struct engine *en);

/*
 * Feeds one entry.  emit (may be NULL: warm-up, when the engine only
 * learns what came before) is called once per alert the entry completes.
 */
void engine_feed(struct engine *en, const struct entry *d,
    engine_emit_fn emit, void *arg);

/*
 * Makes en a history engine (before the first feed): it reads only
 * imported entries (detail.imported), which a live engine ignores, so an
 * imported month and the live log never share state.  Over history a
 * sign-in is auth.login (allowed: new_network; refused, with whatever
 * reason the other system gave: login_failures, or account_locked for
 * LOCKED_OUT), networks are learned from the history itself, and what
 * only custos knows today is not asked: working hours (off_hours is
 * skipped) and device counts (a device.create is no new credential).
 * Windows hold in both directions of time, so entries fed somewhat out
 * of order are still counted together.
 */
void engine_set_history(struct engine *en);

/* How many engineers, sessions and accounts the engine holds state for. */
size_t engine_states(const struct engine *en);

/* The network ("10.1.2.0/24", "2001:db8:1::/48") of an address; -1 when
 * it is not an IP address. */
int engine_network(char *out, size_t size, const char *addr);

#endif
