/* SPDX-License-Identifier: ISC */
/*
 * The request pipeline's side of audit/flood: which refusals named no
 * principal (they are accounted per source instead of recorded one by
 * one), the 429 before any work for a source that spent its budget, and
 * the tally entries that carry the counted refusals into the log.
 */
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "common/log.h"
#include "common/str.h"
#include "tlog/tlog.h"

/* A tally of counted refusals as the entry that records them.  The event
 * lives in the job: the entry's index columns point into it until the
 * writer has appended the entry (store.h's contract). */
struct tally_job {
	const struct flood_tally *t;
	struct event ev;
};

static int
tally_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct tally_job *j = arg;
	const struct flood_tally *t = j->t;
	struct event *ev = &j->ev;
	char n[24], from[RFC3339_MS_LEN], until[RFC3339_MS_LEN];

	event_cleanup(ev);
	event_init(ev);
	ev->action = action_get(action_by_name(t->action))->name;
	str_copy(ev->source, sizeof(ev->source), t->source);
	str_copy(ev->reason, sizeof(ev->reason), t->reason);
	if (id_valid(t->tenant))
		str_copy(ev->tenant, sizeof(ev->tenant), t->tenant);
	if (str_copy(ev->target, sizeof(ev->target), t->target) == -1)
		ev->target[0] = '\0';
	ev->allowed = 0;
	str_printf(n, sizeof(n), "%llu", (unsigned long long)t->count);
	time_format_ms(from, t->first_ms);
	time_format_ms(until, t->last_ms);
	event_detail(ev, "repeated", n);
	event_detail(ev, "from", from);
	event_detail(ev, "until", until);
	return event_serialize(ev, time_ms, out, en);
}

static int
tallies_record(void *arg, const struct flood_tally *t, size_t n)
{
	struct api_ctx *ctx = arg;
	struct store_job *jobs = calloc(n, sizeof(*jobs));
	struct tally_job *tj = calloc(n, sizeof(*tj));
	struct err e;
	size_t i;
	int rc = -1;

	err_init(&e);
	if (jobs == NULL || tj == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		tj[i].t = &t[i];
		event_init(&tj[i].ev);
		jobs[i].entry = tally_entry;
		jobs[i].arg = &tj[i];
	}
	rc = store_write_all(ctx->store, jobs, n, &e);
	if (rc == -1)
		log_error("flood: %zu tallies wait, not recorded: %s", n,
		    e.msg);
	for (i = 0; i < n; i++)
		event_cleanup(&tj[i].ev);
out:
	free(jobs);
	free(tj);
	return rc;
}

void
api_flood_flush(struct api_ctx *ctx, int all)
{
	int64_t now_ms = clock_now_ms(ctx->clock);

	if (ctx->flood == NULL || (!all && !flood_due(ctx->flood, now_ms)))
		return;
	if (ctx->tlog != NULL && tlog_broken(ctx->tlog) != NULL)
		return;
	(void)flood_drain(ctx->flood, now_ms, all, tallies_record, ctx);
}

int
req_flood_gate(struct req *q, int authenticates)
{
	int64_t retry;

	if (q->ctx->flood == NULL || authenticates ||
	    !flood_spent(q->ctx->flood, q->http->source,
	    clock_now_ms(q->ctx->clock), &retry))
		return 0;
	str_printf(q->retry_after, sizeof(q->retry_after), "%lld",
	    (long long)retry);
	q->err.reason = "flood_budget";
	err_set(&q->err, 429, "too_many_requests", "too many refused "
	    "requests from this address; try again in %lld s",
	    (long long)retry);
	return 1;
}

int
req_flood_counted(struct req *q)
{
	const char *reason;

	if (q->ctx->flood == NULL || q->actor.kind != ACTOR_ANONYMOUS ||
	    q->actor.id[0] != '\0' || (q->status >= 200 && q->status < 300))
		return 0;
	reason = q->ev.reason[0] != '\0' ? q->ev.reason :
	    q->err.reason != NULL ? q->err.reason :
	    q->err.code != NULL ? q->err.code : "error";
	return flood_refusal(q->ctx->flood, q->http->source,
	    q->ev.action != NULL ? q->ev.action : "unknown", reason,
	    q->ev.tenant, q->ev.target, clock_now_ms(q->ctx->clock)) == FLOOD_COUNT;
}
