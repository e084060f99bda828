/* SPDX-License-Identifier: ISC */
#include "api/sweeper.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/grant.h"
#include "api/notify.h"
#include "audit/event.h"
#include "common/log.h"
#include "common/str.h"
#include "tlog/tlog.h"

#define DUE_MAX 500

struct sweeper {
	struct api_ctx *ctx;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
};

struct due {
	struct rec_grant g[DUE_MAX];
	size_t n;
};

static int
due_cb(void *arg, const struct rec_grant *g)
{
	struct due *d = arg;

	if (d->n == DUE_MAX)
		return 1;
	d->g[d->n++] = *g;
	return 0;
}

struct expire {
	struct api_ctx *ctx;
	struct rec_grant g;
	int from;
	int warn;               /* only the "about to expire" notice */
	int changed;
	struct event ev;
};

static int
apply_expire(struct store_conn *c, void *arg, struct err *e)
{
	struct expire *x = arg;
	const struct store_ops *ops = store_ops(x->ctx->store);
	int rc;

	if (x->warn)
		return ops->grant_set_notified(c, x->g.id, e) == -1 ? -1 : 0;
	rc = ops->grant_transition(c, &x->g, x->from, e);
	if (rc == -1)
		return -1;
	x->changed = rc == 0;
	return 0;
}

static int
entry_expire(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct expire *x = arg;

	/* Answered meanwhile (revoked, approved): nothing expired. */
	if (!x->changed)
		return 1;
	x->ev.allowed = 1;
	return event_serialize(&x->ev, time_ms, out, en);
}

static int
handle(struct api_ctx *ctx, struct store_conn *c, const struct rec_grant *g,
    int64_t now)
{
	struct expire x;
	struct store_job job = {apply_expire, entry_expire, &x};
	struct notice n;
	char body[1024], until[RFC3339_LEN];
	struct err e;
	int rc;

	memset(&x, 0, sizeof(x));
	memset(&n, 0, sizeof(n));
	err_init(&e);
	x.ctx = ctx;
	x.g = *g;
	x.from = g->state;
	if (g->deadline > now) {
		x.warn = 1;
		job.entry = NULL;
		time_format(until, g->deadline);
		str_printf(body, sizeof(body), "Support access of engineer %s "
		    "to your tenant ends at %s\r\n(request %s%s).\r\n",
		    g->engineer_id, until, g->id, g->break_glass ?
		    ", break-glass" : "");
		if (notify_stage(ctx, c, g->tenant_id, "Support access ends "
		    "soon", body, &n, &e) == -1)
			return -1;
	} else {
		x.g.state = GRANT_EXPIRED;
		event_init(&x.ev);
		x.ev.actor.kind = ACTOR_SYSTEM;
		str_copy(x.ev.actor.id, sizeof(x.ev.actor.id), "custosd");
		x.ev.action = "access_request.expire";
		str_copy(x.ev.tenant, sizeof(x.ev.tenant), g->tenant_id);
		str_copy(x.ev.target, sizeof(x.ev.target), g->id);
		event_detail(&x.ev, "engineer", g->engineer_id);
		event_detail(&x.ev, "from", grant_state_names[g->state]);
	}
	rc = store_write(ctx->store, &job, NULL, &e);
	if (rc == 0)
		notify_deliver(ctx, &n);
	else
		log_warn("sweeper: %s: %s", g->id, e.msg);
	notify_discard(ctx, &n);
	event_cleanup(&x.ev);
	return rc;
}

int
sweeper_run(struct api_ctx *ctx)
{
	struct due *d = calloc(1, sizeof(*d));
	struct store_conn *c;
	int64_t now = clock_now(ctx->clock);
	struct err e;
	size_t i;
	int done = 0;

	if (d == NULL)
		return -1;
	err_init(&e);
	c = store_reader_get(ctx->store, &e);
	if (c != NULL && store_ops(ctx->store)->grant_due(c, now,
	    GRANT_WARN_SECONDS, due_cb, d, &e) == 0)
		for (i = 0; i < d->n; i++)
			if (handle(ctx, c, &d->g[i], now) == 0)
				done++;
	store_reader_put(ctx->store, c);
	free(d);
	return done;
}

static void *
sweeper_main(void *arg)
{
	struct sweeper *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 500 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->mu);
		if (s->ctx->tlog == NULL || tlog_broken(s->ctx->tlog) == NULL)
			sweeper_run(s->ctx);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct sweeper *
sweeper_start(struct api_ctx *ctx, struct err *e)
{
	struct sweeper *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	s->ctx = ctx;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, sweeper_main, s) != 0) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		err_internal(e, "cannot start the sweeper");
		return NULL;
	}
	return s;
}

void
sweeper_stop(struct sweeper *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
