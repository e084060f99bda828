/* SPDX-License-Identifier: ISC */
/*
 * lease: taking and renewing a cluster-wide lease; see lease.h.
 */
#include "store/lease.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/str.h"

struct lease {
	struct store *store;
	char name[64];
	char node[128];
	int64_t ttl_ms;
	int none;                       /* the backend has no leases */

	pthread_mutex_t mu;             /* guards what follows */
	pthread_cond_t cv;              /* held changed, or stopping */
	int held;
	int64_t epoch;
	int64_t until;                  /* monotonic ms: held until then */
	int64_t takes;
	int stopping;
	pthread_t thread;
	int started;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct take {
	struct lease *l;
	int rc;                         /* 0 taken, 1 another node's */
	int64_t epoch;
};

static int
apply_take(struct store_conn *c, void *arg, struct err *e)
{
	struct take *t = arg;
	struct lease *l = t->l;

	t->rc = store_ops(l->store)->lease_take(c, l->name, l->node,
	    l->ttl_ms, &t->epoch, e);
	return t->rc == -1 ? -1 : 0;
}

/* One take or renewal, its outcome recorded. */
static void
lease_renew(struct lease *l)
{
	struct take t = {l, -1, 0};
	struct store_job job = {apply_take, NULL, &t};
	int64_t sent = mono_ms();
	struct err e;
	int rc;

	err_init(&e);
	rc = store_write(l->store, &job, NULL, &e);
	pthread_mutex_lock(&l->mu);
	if (rc == 0 && t.rc == 0) {
		if (!l->held || l->epoch != t.epoch) {
			l->takes++;
			log_info("lease %s: held (epoch %lld)", l->name,
			    (long long)t.epoch);
			pthread_cond_broadcast(&l->cv);
		}
		l->held = 1;
		l->epoch = t.epoch;
		l->until = sent + l->ttl_ms;
	} else if (rc == 0 && t.rc == 1) {
		if (l->held) {
			log_info("lease %s: held by another node", l->name);
			pthread_cond_broadcast(&l->cv);
		}
		l->held = 0;
	} else if (l->held && mono_ms() >= l->until) {
		/* The store cannot say: past the expiry, another node may
		 * hold it. */
		log_warn("lease %s: cannot renew (%s): given up", l->name,
		    e.msg);
		l->held = 0;
		pthread_cond_broadcast(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
}

static void *
lease_main(void *arg)
{
	struct lease *l = arg;

	pthread_mutex_lock(&l->mu);
	while (!l->stopping) {
		struct timespec ts;
		int64_t wait = l->ttl_ms / 3;

		pthread_mutex_unlock(&l->mu);
		lease_renew(l);
		pthread_mutex_lock(&l->mu);
		if (l->stopping)
			break;
		/* Not held: try again sooner, so a dead holder's job moves
		 * soon after its expiry. */
		if (!l->held && wait > 250)
			wait = 250;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += wait / 1000;
		ts.tv_nsec += (long)(wait % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (!l->stopping && pthread_cond_timedwait(&l->cv, &l->mu,
		    &ts) == 0)
			;
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

struct lease *
lease_start(struct store *s, const char *name, const char *node,
    int64_t ttl_ms, struct err *e)
{
	struct lease *l = calloc(1, sizeof(*l));

	if (l == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	l->store = s;
	l->ttl_ms = ttl_ms > 0 ? ttl_ms : 5000;
	/* The holder is this process, not only its node's name: two
	 * custosd given one name (one --node-name in every node's
	 * custos.conf, a data directory cloned with its node.id) would
	 * otherwise both hold every lease at one epoch, fences and all. */
	if (str_copy(l->name, sizeof(l->name), name) == -1 ||
	    str_printf(l->node, sizeof(l->node), "%s/%08" PRIx32, node,
	    randombytes_random()) == -1) {
		free(l);
		err_internal(e, "lease or node name too long");
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&l->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (store_ops(s)->lease_take == NULL) {
		l->none = 1;
		l->held = 1;
		l->epoch = 1;
		l->takes = 1;
		return l;
	}
	if (pthread_create(&l->thread, NULL, lease_main, l) != 0) {
		lease_stop(l);
		err_internal(e, "cannot start the lease thread");
		return NULL;
	}
	l->started = 1;
	return l;
}

void
lease_stop(struct lease *l)
{
	if (l == NULL)
		return;
	if (l->started) {
		pthread_mutex_lock(&l->mu);
		l->stopping = 1;
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
	}
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l);
}

/* Under mu: held, and not past its expiry. */
static int
held_locked(struct lease *l)
{
	if (l->none)
		return 1;
	if (l->held && mono_ms() >= l->until) {
		l->held = 0;
		pthread_cond_broadcast(&l->cv);
	}
	return l->held;
}

int
lease_held(struct lease *l, int64_t *epoch)
{
	int held;

	if (l == NULL) {
		if (epoch != NULL)
			*epoch = 1;
		return 1;
	}
	pthread_mutex_lock(&l->mu);
	held = held_locked(l);
	if (epoch != NULL)
		*epoch = l->epoch;
	pthread_mutex_unlock(&l->mu);
	return held;
}

int64_t
lease_takes(struct lease *l)
{
	int64_t n;

	if (l == NULL)
		return 1;
	pthread_mutex_lock(&l->mu);
	n = l->takes;
	pthread_mutex_unlock(&l->mu);
	return n;
}

const char *
lease_name(const struct lease *l)
{
	return l->name;
}

int
lease_fence(struct lease *l, struct store_conn *c, struct err *e)
{
	int64_t epoch;
	int rc;

	if (l == NULL || l->none)
		return 0;
	if (!lease_held(l, &epoch))
		return err_set(e, 409, "lease_lost", "this node no longer "
		    "holds the %s lease", l->name);
	rc = store_ops(l->store)->lease_check(c, l->name, l->node, epoch, e);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		pthread_mutex_lock(&l->mu);
		if (l->held && l->epoch == epoch) {
			l->held = 0;
			pthread_cond_broadcast(&l->cv);
		}
		pthread_mutex_unlock(&l->mu);
		return err_set(e, 409, "lease_lost", "this node lost the %s "
		    "lease", l->name);
	}
	return 0;
}

int
lease_wait(struct lease *l, int ms)
{
	struct timespec ts;
	int held;

	if (l == NULL || l->none)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&l->mu);
	held = held_locked(l);
	while (!held && !l->stopping) {
		int rc = pthread_cond_timedwait(&l->cv, &l->mu, &ts);

		held = held_locked(l);
		if (rc != 0)
			break;
	}
	pthread_mutex_unlock(&l->mu);
	return held;
}
