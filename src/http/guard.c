/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares client addresses, not secrets */
/*
 * The connection guard.  See guard.h for the contract.  Every connection
 * is one node of a list under one lock; the scans are linear, which at a
 * few thousand connections costs microseconds per accept and per reaper
 * round (four a second).
 */
#include "http/guard.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

#define REAP_EVERY_MS 250

enum phase { PH_HEADERS, PH_BODY, PH_BUSY };

/* An address without its port: the unit of the per-address limit. */
struct addr_key {
	int family;
	uint8_t bytes[16];
};

/*
 * A connection's phase and when it started, in one word that its serving
 * thread stores without the lock (three times a request) and the reaper
 * loads: (since_ms << 2) | phase.
 */
#define PHASE_BITS 2
#define PHASE_MASK 3u

struct guard_conn {
	int fd;
	struct addr_key addr;
	uint64_t phase_since;           /* atomic */
	uint64_t body_bytes;            /* atomic */
	int ended;                      /* shut down by the guard */
	void *conn;                     /* the server's handle */
	pthread_t thread;               /* the thread serving it */
	const char *target;             /* the request target, as read */
	size_t target_len;              /* up to its first NUL */
	struct guard_conn *prev, *next;
};

struct guard {
	struct guard_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;              /* wakes the reaper to stop */
	struct guard_conn *head, *tail;
	unsigned live;                  /* open and not ended */
	struct guard_stats st;
	int stopping;
	pthread_t reaper;
	int reaper_started;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
phase_word(enum phase p, int64_t since_ms)
{
	return (uint64_t)since_ms << PHASE_BITS | (uint64_t)p;
}

static enum phase
phase_of(const struct guard_conn *c, int64_t *since_ms)
{
	uint64_t w = __atomic_load_n(&c->phase_since, __ATOMIC_ACQUIRE);

	*since_ms = (int64_t)(w >> PHASE_BITS);
	return (enum phase)(w & PHASE_MASK);
}

static void
addr_key(struct addr_key *k, const struct sockaddr *sa)
{
	memset(k, 0, sizeof(*k));
	if (sa == NULL)
		return;
	k->family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		memcpy(k->bytes, &in->sin_addr, sizeof(in->sin_addr));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		memcpy(k->bytes, &in6->sin6_addr, sizeof(in6->sin6_addr));
	}
}

static int
addr_equal(const struct addr_key *a, const struct addr_key *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

/* Ends c's connection: libmicrohttpd sees the socket fail and closes it.
 * Under g->mu. */
static void
end_conn(struct guard *g, struct guard_conn *c)
{
	if (c->ended)
		return;
	shutdown(c->fd, SHUT_RDWR);
	c->ended = 1;
	g->live--;
}

/* The connection waiting longest for its headers (of addr when given),
 * or NULL.  Under g->mu. */
static struct guard_conn *
oldest_waiting(struct guard *g, const struct addr_key *addr)
{
	struct guard_conn *c, *best = NULL;
	int64_t since, best_since = 0;

	for (c = g->head; c != NULL; c = c->next) {
		if (c->ended || phase_of(c, &since) != PH_HEADERS ||
		    (addr != NULL && !addr_equal(&c->addr, addr)))
			continue;
		if (best == NULL || since < best_since) {
			best = c;
			best_since = since;
		}
	}
	return best;
}

int
guard_admit(struct guard *g, const struct sockaddr *sa)
{
	struct guard_conn *c, *victim;
	struct addr_key k;
	unsigned same = 0;
	int ok = 1;

	addr_key(&k, sa);
	pthread_mutex_lock(&g->mu);
	if (g->cfg.per_ip > 0) {
		for (c = g->head; c != NULL; c = c->next)
			if (!c->ended && addr_equal(&c->addr, &k))
				same++;
		if (same >= g->cfg.per_ip) {
			victim = oldest_waiting(g, &k);
			if (victim == NULL)
				ok = 0;
			else
				end_conn(g, victim);
			g->st.evicted += victim != NULL;
		}
	}
	if (ok && g->cfg.max_connections > 0 &&
	    g->live >= g->cfg.max_connections) {
		victim = oldest_waiting(g, NULL);
		if (victim == NULL)
			ok = 0;
		else
			end_conn(g, victim);
		g->st.evicted += victim != NULL;
	}
	if (!ok)
		g->st.refused++;
	pthread_mutex_unlock(&g->mu);
	return ok;
}

struct guard_conn *
guard_open(struct guard *g, int fd, const struct sockaddr *sa, void *conn)
{
	struct guard_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->conn = conn;
	c->thread = pthread_self();
	addr_key(&c->addr, sa);
	c->phase_since = phase_word(PH_HEADERS, now_ms());
	pthread_mutex_lock(&g->mu);
	c->prev = g->tail;
	if (g->tail != NULL)
		g->tail->next = c;
	else
		g->head = c;
	g->tail = c;
	g->live++;
	g->st.open++;
	pthread_mutex_unlock(&g->mu);
	return c;
}

void
guard_close(struct guard *g, struct guard_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		g->tail = c->prev;
	if (!c->ended)
		g->live--;
	g->st.open--;
	pthread_mutex_unlock(&g->mu);
	free(c);
}

/* Only c's serving thread changes its phase: no lock (see phase_since). */
static void
set_phase(struct guard *g, struct guard_conn *c, enum phase p)
{
	if (c == NULL)
		return;
	__atomic_store_n(&c->body_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->phase_since, phase_word(p, now_ms()),
	    __ATOMIC_RELEASE);
}

void
guard_headers_done(struct guard *g, struct guard_conn *c)
{
	set_phase(g, c, PH_BODY);
}

void
guard_busy(struct guard *g, struct guard_conn *c)
{
	set_phase(g, c, PH_BUSY);
}

void
guard_idle(struct guard *g, struct guard_conn *c)
{
	set_phase(g, c, PH_HEADERS);
}

void
guard_body(struct guard *g, struct guard_conn *c, size_t n)
{
	if (c == NULL)
		return;
	__atomic_add_fetch(&c->body_bytes, n, __ATOMIC_RELAXED);
}

int
guard_end_mine(struct guard *g, int (*pick)(void *conn),
    void (*last)(int fd, void *arg), void *arg)
{
	struct guard_conn *c;
	pthread_t self = pthread_self();
	int found = 0;

	pthread_mutex_lock(&g->mu);
	for (c = g->head; c != NULL && !found; c = c->next) {
		int64_t since;

		if (c->ended || phase_of(c, &since) != PH_HEADERS ||
		    !pthread_equal(c->thread, self) || !pick(c->conn))
			continue;
		last(c->fd, arg);
		end_conn(g, c);
		found = 1;
	}
	pthread_mutex_unlock(&g->mu);
	return found;
}

void
guard_stats(struct guard *g, struct guard_stats *out)
{
	pthread_mutex_lock(&g->mu);
	*out = g->st;
	pthread_mutex_unlock(&g->mu);
}

/* Whether c has missed its phase's deadline at now. */
static int
late(const struct guard *g, const struct guard_conn *c, int64_t now,
    int *slow_body)
{
	int64_t since, age;
	enum phase p = phase_of(c, &since);

	age = now - since;
	*slow_body = 0;
	if (p == PH_HEADERS)
		return g->cfg.header_seconds > 0 &&
		    age > (int64_t)g->cfg.header_seconds * 1000;
	if (p != PH_BODY || g->cfg.body_min_rate == 0 ||
	    age <= (int64_t)g->cfg.body_grace_seconds * 1000)
		return 0;
	*slow_body = 1;
	return __atomic_load_n(&c->body_bytes, __ATOMIC_RELAXED) * 1000 <
	    (uint64_t)age * g->cfg.body_min_rate;
}

static void *
reaper_main(void *arg)
{
	struct guard *g = arg;
	struct guard_conn *c;
	struct timespec until;
	int slow;

	pthread_mutex_lock(&g->mu);
	while (!g->stopping) {
		int64_t now = now_ms();

		for (c = g->head; c != NULL; c = c->next) {
			if (c->ended || !late(g, c, now, &slow))
				continue;
			end_conn(g, c);
			if (slow)
				g->st.slow_bodies++;
			else
				g->st.late_headers++;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += REAP_EVERY_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->cv, &g->mu, &until);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

struct guard *
guard_new(const struct guard_config *cfg, struct err *e)
{
	struct guard *g = calloc(1, sizeof(*g));
	pthread_condattr_t ca;

	if (g == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	g->cfg = *cfg;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&g->reaper, NULL, reaper_main, g) != 0) {
		err_internal(e, "cannot start the connection reaper");
		guard_free(g);
		return NULL;
	}
	g->reaper_started = 1;
	return g;
}

void
guard_free(struct guard *g)
{
	struct guard_conn *c, *next;

	if (g == NULL)
		return;
	if (g->reaper_started) {
		pthread_mutex_lock(&g->mu);
		g->stopping = 1;
		pthread_cond_signal(&g->cv);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->reaper, NULL);
	}
	if (g->st.evicted + g->st.refused + g->st.late_headers +
	    g->st.slow_bodies > 0)
		log_info("http: %llu connections evicted, %llu refused, %llu "
		    "late with their headers, %llu with too slow a body",
		    (unsigned long long)g->st.evicted,
		    (unsigned long long)g->st.refused,
		    (unsigned long long)g->st.late_headers,
		    (unsigned long long)g->st.slow_bodies);
	for (c = g->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

void
guard_target(struct guard_conn *c, const char *target)
{
	if (c == NULL)
		return;
	c->target = target;
	c->target_len = strlen(target);
}

int
guard_target_whole(const struct guard_conn *c, const char *version)
{
	if (c == NULL || c->target == NULL || version == NULL ||
	    version[0] == '\0')
		return 1;
	return c->target + c->target_len + 1 == version;
}
