/* SPDX-License-Identifier: ISC */
#include "access/sweeper.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/grant.h"
#include "audit/event.h"
#include "common/log.h"
#include "common/str.h"
#include "store/lease.h"

struct sweeper {
	struct sweeper_config cfg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
};

struct due {
	struct rec_grant g[SWEEPER_DUE_MAX];
	size_t n;
};

static int
due_cb(void *arg, const struct rec_grant *g)
{
	struct due *d = arg;

	if (d->n == SWEEPER_DUE_MAX)
		return 1;
	d->g[d->n++] = *g;
	return 0;
}

struct expire {
	const struct store_ops *ops;
	struct lease *lease;
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
	const struct store_ops *ops = x->ops;
	int rc;

	/* A node that lost the sweeper lease meanwhile changes nothing. */
	if (lease_fence(x->lease, c, e) == -1)
		return -1;
	if (x->warn) {
		/* A compare-and-set: 1 when another node (or an earlier
		 * pass) notified already; then no second mail. */
		rc = ops->grant_set_notified(c, x->g.id, e);
		if (rc == -1)
			return -1;
		x->changed = rc == 0;
		return 0;
	}
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

/* The "ends soon" mail for g. */
static int
warn_notice(struct notice *n, struct store_conn *c,
    const struct store_ops *ops, const struct rec_grant *g, struct err *e)
{
	char body[NOTICE_BODY_MAX], until[RFC3339_LEN];

	time_format(until, g->deadline);
	if (str_printf(body, sizeof(body), "Support access of engineer %s "
	    "to your tenant ends at %s\r\n(request %s%s).\r\n",
	    g->engineer_id, until, g->id, g->break_glass ?
	    ", break-glass" : "") == -1)
		return err_internal(e, "notice too long");
	return notice_stage(n, c, ops, g->tenant_id, "Support access ends "
	    "soon", body, e);
}

/* The expiry of g, by custosd, as its entry says it. */
static void
expire_event(struct event *ev, const struct rec_grant *g)
{
	event_init(ev);
	ev->actor.kind = ACTOR_SYSTEM;
	str_copy(ev->actor.id, sizeof(ev->actor.id), "custosd");
	ev->action = "access_request.expire";
	str_copy(ev->tenant, sizeof(ev->tenant), g->tenant_id);
	str_copy(ev->target, sizeof(ev->target), g->id);
	event_detail(ev, "engineer", g->engineer_id);
	event_detail(ev, "from", grant_state_names[g->state]);
}

int
sweeper_grant(const struct sweeper_config *cfg, struct store_conn *c,
    const struct rec_grant *g, int64_t now)
{
	struct expire x;
	struct store_job job = {apply_expire, entry_expire, &x};
	struct notice n;
	struct err e;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	notice_init(&n, &cfg->mail);
	err_init(&e);
	event_init(&x.ev);
	x.ops = store_ops(cfg->store);
	x.lease = cfg->lease;
	x.g = *g;
	x.from = g->state;
	if (g->deadline > now) {
		x.warn = 1;
		job.entry = NULL;
		if (warn_notice(&n, c, x.ops, g, &e) == -1)
			goto out;
	} else {
		x.g.state = GRANT_EXPIRED;
		expire_event(&x.ev, g);
	}
	rc = store_write(cfg->store, &job, NULL, &e);
	if (rc == 0 && (!x.warn || x.changed))
		notice_deliver(&n);
out:
	if (rc == -1)
		log_warn("sweeper: %s: %s", g->id, e.msg);
	notice_discard(&n);
	event_cleanup(&x.ev);
	return rc;
}

int
sweeper_run(const struct sweeper_config *cfg, int64_t now)
{
	struct due *d = calloc(1, sizeof(*d));
	struct store_conn *c;
	struct err e;
	size_t i;
	int done = -1;

	if (d == NULL)
		return -1;
	err_init(&e);
	c = store_reader_get(cfg->store, &e);
	if (c != NULL && store_ops(cfg->store)->grant_due(c, now,
	    GRANT_WARN_SECONDS, due_cb, d, &e) == 0) {
		done = 0;
		for (i = 0; i < d->n; i++)
			if (sweeper_grant(cfg, c, &d->g[i], now) == 0)
				done++;
	}
	store_reader_put(cfg->store, c);
	free(d);
	return done;
}

struct auth_sweep {
	const struct store_ops *ops;
	int64_t now;
	int64_t window;
	int64_t removed;
};

/* The throttle keys whose names others choose (see auth/attempt.c). */
static const char *const chosen_keys[] = {"unk:", "ip:", NULL};

static int
apply_auth_sweep(struct store_conn *c, void *arg, struct err *e)
{
	struct auth_sweep *x = arg;
	int64_t n = 0;
	size_t i;

	if (x->ops->auth_sweep(c, x->now, x->now - x->window, &n, e) == -1)
		return -1;
	x->removed += n;
	for (i = 0; chosen_keys[i] != NULL; i++) {
		if (x->ops->throttle_trim(c, chosen_keys[i],
		    SWEEPER_THROTTLE_KEEP, &n, e) == -1)
			return -1;
		x->removed += n;
	}
	return 0;
}

int64_t
sweeper_auth(const struct sweeper_config *cfg, int64_t now)
{
	struct auth_sweep x;
	struct store_job job = {apply_auth_sweep, NULL, &x};
	struct err e;

	memset(&x, 0, sizeof(x));
	err_init(&e);
	x.ops = store_ops(cfg->store);
	x.now = now;
	x.window = cfg->throttle_window > 0 ? cfg->throttle_window : 86400;
	if (store_write(cfg->store, &job, NULL, &e) == -1) {
		log_warn("sweeper: authentication rows: %s", e.msg);
		return -1;
	}
	return x.removed;
}

static void *
sweeper_main(void *arg)
{
	struct sweeper *s = arg;
	int64_t last_auth = 0;

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
		if ((s->cfg.halted == NULL ||
		    !s->cfg.halted(s->cfg.halted_arg)) &&
		    lease_held(s->cfg.lease, NULL)) {
			int64_t now = clock_now(s->cfg.clock);

			(void)sweeper_run(&s->cfg, now);
			if (now < last_auth ||
			    now - last_auth >= SWEEPER_AUTH_EVERY) {
				(void)sweeper_auth(&s->cfg, now);
				last_auth = now;
			}
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct sweeper *
sweeper_start(const struct sweeper_config *cfg, struct err *e)
{
	struct sweeper *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
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
