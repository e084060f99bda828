/* SPDX-License-Identifier: ISC */
/*
 * flood: what traffic nobody authenticated for may cost the log.
 *
 * Every authenticated request is recorded one by one.  A refusal that names
 * no principal (an unknown route, no or a bad token, a malformed anonymous
 * login, an unknown user, a throttled attempt) costs the log a bounded
 * amount per source instead: the first refusal of each kind (action and
 * reason, tenant) from a source in an interval is recorded as usual; the ones after
 * it in that interval are only counted, and one tally entry per kind
 * carries their count once the interval is over.  A source that spends its
 * budget of refusals in an interval is refused (429) before any work until
 * the interval ends.
 *
 * Sources are IPv4 addresses, or IPv6 /64 prefixes (one host owns a whole
 * /64).  At most FLOOD_SOURCES sources are tracked per interval; the ones
 * past that share one bucket "*", so the log's cost per interval is bounded
 * however many addresses an attacker has: at most (FLOOD_SOURCES + 1) *
 * (FLOOD_KINDS + 1) * 2 entries.
 *
 * Thread-safe: one mutex, held for a hash lookup.
 */
#ifndef CUSTOS_AUDIT_FLOOD_H
#define CUSTOS_AUDIT_FLOOD_H

#include <stddef.h>
#include <stdint.h>

#define FLOOD_SOURCES 4096      /* tracked sources per interval */
#define FLOOD_KINDS 8           /* kinds per source; the rest share one */
#define FLOOD_SOURCE_MAX 48     /* a source key, with its NUL */
#define FLOOD_WORD_MAX 48       /* an action or reason, with its NUL */
#define FLOOD_TARGET_MAX 96     /* the first target, with its NUL */

struct flood_config {
	int64_t interval_ms;    /* > 0 */
	uint32_t budget;        /* refusals per source per interval, > 0 */
};

/* Refusals of one kind from one source that were counted, not recorded. */
struct flood_tally {
	char source[FLOOD_SOURCE_MAX];
	char action[FLOOD_WORD_MAX];
	char reason[FLOOD_WORD_MAX];
	char tenant[FLOOD_WORD_MAX];    /* "" or the tenant probed */
	char target[FLOOD_TARGET_MAX];  /* of the first one counted */
	uint64_t count;                 /* > 0 */
	int64_t first_ms, last_ms;      /* when the counted ones came */
};

enum flood_verdict {
	FLOOD_RECORD = 0,       /* write the refusal's entry */
	FLOOD_COUNT = 1,        /* counted: a tally entry will carry it */
};

/* Records n tallies (as one commit); 0, or -1 when they could not be. */
typedef int (*flood_tally_cb)(void *arg, const struct flood_tally *t,
    size_t n);

struct flood;

/* A new, empty flood account; NULL when out of memory.  cfg is copied. */
struct flood *flood_new(const struct flood_config *cfg);
void flood_free(struct flood *f);

/*
 * The key of a peer address: an IPv4 address as it is, an IPv6 address as
 * its /64 prefix ("2001:db8:1:2::/64"), anything else as it is (cut).
 */
void flood_source_key(char out[FLOOD_SOURCE_MAX], const char *address);

/*
 * 1 when source has spent its budget in the current interval (the request
 * is then to be refused before any work, and *retry_after gets the seconds
 * until the interval ends), else 0.  Spends nothing.
 */
int flood_spent(struct flood *f, const char *source, int64_t now_ms,
    int64_t *retry_after);

/*
 * Accounts one refusal that named no principal, from source, of kind
 * (action, reason, tenant), about target (tenant and target may be ""):
 * a probe of a tenant is a kind of its own, so each customer sees in its
 * log that it was probed.  Returns FLOOD_RECORD for
 * the first of its kind from source in the interval (write its entry as
 * usual) and FLOOD_COUNT for the others (answer, but write no entry).
 */
enum flood_verdict flood_refusal(struct flood *f, const char *source,
    const char *action, const char *reason, const char *tenant,
    const char *target, int64_t now_ms);

/* 1 when some counted refusals wait for their tally entry at now_ms (their
 * interval is over), else 0.  Cheap: for a check on every request. */
int flood_due(struct flood *f, int64_t now_ms);

/*
 * Takes every tally whose interval ended by now_ms (every tally, when all),
 * forgets sources with nothing left, and hands the tallies to cb at once,
 * outside the lock.  When cb fails (-1) their counts are put back for the
 * next drain.  One drain runs at a time (another returns 0 at once).
 * Returns the number handed over, or -1 when cb failed or out of memory.
 */
int flood_drain(struct flood *f, int64_t now_ms, int all, flood_tally_cb cb,
    void *arg);

/* Changes the budget (> 0; 0 counts as 1) from the next refusal on, for
 * SIGHUP's reload; sources keep what they spent in this interval. */
void flood_set_budget(struct flood *f, uint32_t budget);

#endif
