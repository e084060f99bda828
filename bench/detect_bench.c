/* SPDX-License-Identifier: ISC */
/*
 * detect_bench: the figures of detection (issue 6), in-process.
 *
 *   1. The rules' cost per entry: a day of ordinary support entries (40
 *      engineers, each in a handful of tenants; logins, ticket and user
 *      reads, some resets), serialised as custosd writes them, then read
 *      back the way the detection thread does -- parsed (entry_parse) and
 *      fed to the engine.  Parsing alone is timed too, and so is a plain
 *      jansson parse, the baseline.
 *   2. Alert latency: a real store with the transparency log and the
 *      detection thread (detect_start, as custosd runs it).  Each round
 *      appends one entry that completes a pattern (a refused export by a
 *      new engineer: forbidden_probe) and times from the moment its
 *      commit is durable to the moment the alert's own commit is (the
 *      alert and its log entry share one).  Idle, then again while
 *      writer threads keep the log busy with ordinary entries.
 *
 * usage: detect_bench [-s] [-n ENTRIES] [-a ALERTS] [-c WRITERS] -d DIR
 * With -s it prints NAME=number lines for scripts/bench.
 */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/event.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/num.h"
#include "common/str.h"
#include "detect/detect.h"
#include "detect/engine.h"
#include "store/store.h"
#include "tlog/tlog.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
	size_t i;

	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

/* --- 1. cost per entry ---------------------------------------------- */

struct day {
	char **bytes;
	size_t *len;
	size_t n;
};

static const char *const day_actions[] = {"ticket.list", "ticket.view",
	"user.list", "ticket.view", "user.list", "user.password_reset"};

/* A day of ordinary entries, as custosd serialises them. */
static int
make_day(struct day *d, size_t n)
{
	int64_t t0 = 1642406400000LL;   /* 2022-01-17 08:00 UTC */
	struct buf b;
	size_t i;

	d->bytes = calloc(n, sizeof(*d->bytes));
	d->len = calloc(n, sizeof(*d->len));
	if (d->bytes == NULL || d->len == NULL)
		return -1;
	buf_init(&b, 64 * 1024);
	for (i = 0; i < n; i++) {
		struct event ev;
		struct rec_entry en;
		unsigned eng = (unsigned)(i % 40), k = (unsigned)(i / 40);

		event_init(&ev);
		ev.actor.kind = ACTOR_ENGINEER;
		str_printf(ev.actor.id, sizeof(ev.actor.id), "eng-%u", eng);
		str_copy(ev.actor.vendor, sizeof(ev.actor.vendor), "sitel");
		str_printf(ev.actor.session, sizeof(ev.actor.session),
		    "ses_%u_%u", eng, k / 400);
		str_printf(ev.actor.device, sizeof(ev.actor.device), "dev-%u",
		    eng);
		str_printf(ev.source, sizeof(ev.source), "10.%u.0.%u", eng / 8,
		    eng);
		if (k % 400 == 0) {
			ev.action = "auth.verify";
		} else {
			/* A reset now and then: fewer than 5 an hour. */
			ev.action = day_actions[k % 6 == 5 && k % 3000 != 5 ?
			    0 : k % 6];
			str_printf(ev.tenant, sizeof(ev.tenant), "tenant-%u",
			    (eng * 7 + (k / 50) % 6) % 500);
			event_detail(&ev, "access", "policy:auto_approve");
		}
		ev.allowed = 1;
		buf_reset(&b);
		if (event_serialize(&ev, t0 + (int64_t)i * 40, &b, &en) == -1)
			return -1;
		d->bytes[i] = strndup(b.data, b.len);
		d->len[i] = b.len;
		event_cleanup(&ev);
		if (d->bytes[i] == NULL)
			return -1;
	}
	buf_cleanup(&b);
	d->n = n;
	return 0;
}

static int
st_hours(void *ctx, const char *engineer, char *out, size_t size)
{
	(void)ctx;
	(void)engineer;
	return str_copy(out, size, "daily 00:00-24:00");
}

static int
st_logins(void *ctx, const char *engineer, int64_t from_s, int64_t before,
    void (*cb)(void *arg, const char *source), void *arg)
{
	(void)ctx;
	(void)engineer;
	(void)from_s;
	(void)before;
	(void)cb;
	(void)arg;
	return 0;
}

static int
st_devices(void *ctx, const char *engineer, int64_t *n)
{
	(void)ctx;
	(void)engineer;
	*n = 1;
	return 0;
}

static void
count_alert(void *arg, const struct alert_raise *a)
{
	(void)a;
	(*(size_t *)arg)++;
}

struct cost {
	double jansson_ns, parse_ns, read_ns, engine_ns;
	size_t alerts, states;
};

static int
measure_cost(const struct day *d, struct cost *c)
{
	static const struct engine_lookup lk = {NULL, st_hours, st_logins,
	    st_devices};
	struct rules rs;
	struct engine *en;
	struct entry de;
	double t;
	size_t i;

	memset(c, 0, sizeof(*c));
	t = now_s();
	for (i = 0; i < d->n; i++)
		json_decref(json_loadb(d->bytes[i], d->len[i], 0, NULL));
	c->jansson_ns = (now_s() - t) * 1e9 / (double)d->n;
	t = now_s();
	for (i = 0; i < d->n; i++)
		if (entry_parse(&de, (int64_t)i, d->bytes[i], d->len[i]) == -1)
			return -1;
	c->parse_ns = (now_s() - t) * 1e9 / (double)d->n;
	t = now_s();
	for (i = 0; i < d->n; i++)
		if (entry_read(&de, (int64_t)i, d->bytes[i], d->len[i]) == -1)
			return -1;
	c->read_ns = (now_s() - t) * 1e9 / (double)d->n;
	rules_defaults(&rs);
	en = engine_new(&rs, &lk);
	if (en == NULL)
		return -1;
	t = now_s();
	for (i = 0; i < d->n; i++) {
		if (entry_read(&de, (int64_t)i, d->bytes[i], d->len[i]) == -1)
			return -1;
		engine_feed(en, &de, count_alert, &c->alerts);
	}
	c->engine_ns = (now_s() - t) * 1e9 / (double)d->n;
	c->states = engine_states(en);
	engine_free(en);
	return 0;
}

/* --- 2. alert latency ----------------------------------------------- */

struct probe {
	char eng[ID_MAX];
	const char *action;
	int allowed;
	struct event ev;
};

static int
probe_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct probe *p = arg;

	(void)apply_rc;
	(void)apply_err;
	(void)index;
	event_init(&p->ev);
	p->ev.actor.kind = ACTOR_ENGINEER;
	str_copy(p->ev.actor.id, sizeof(p->ev.actor.id), p->eng);
	str_copy(p->ev.actor.vendor, sizeof(p->ev.actor.vendor), "sitel");
	str_copy(p->ev.actor.session, sizeof(p->ev.actor.session), "ses_b");
	str_copy(p->ev.source, sizeof(p->ev.source), "10.0.0.1");
	p->ev.action = p->action;
	str_copy(p->ev.tenant, sizeof(p->ev.tenant), "tenant-1");
	p->ev.allowed = p->allowed;
	if (!p->allowed)
		str_copy(p->ev.reason, sizeof(p->ev.reason), "role_forbids");
	return event_serialize(&p->ev, time_ms, out, en);
}

struct load {
	struct store *st;
	volatile int stop;
	long long appends;
	pthread_mutex_t mu;
	int id;
};

static void *
load_main(void *arg)
{
	struct load *l = arg;
	struct probe p;
	struct store_job job = {NULL, probe_entry, &p};
	struct err e;
	long long n = 0;
	int id;

	pthread_mutex_lock(&l->mu);
	id = l->id++;
	pthread_mutex_unlock(&l->mu);
	memset(&p, 0, sizeof(p));
	str_printf(p.eng, sizeof(p.eng), "worker-%d", id);
	p.action = "ticket.list";
	p.allowed = 1;
	while (!l->stop) {
		err_init(&e);
		if (store_write(l->st, &job, NULL, &e) == -1)
			break;
		event_cleanup(&p.ev);
		n++;
	}
	pthread_mutex_lock(&l->mu);
	l->appends += n;
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

static int
found_cb(void *arg, const char *doc, size_t len)
{
	(void)doc;
	(void)len;
	*(int *)arg = 1;
	return 1;
}

/* 1 when an alert about subject is stored, 0 when not, -1 on error. */
static int
alert_stored(struct store *st, const char *subject)
{
	struct rec_alert_filter f;
	struct store_conn *c;
	struct err e;
	int found = 0, rc;

	memset(&f, 0, sizeof(f));
	f.subject = subject;
	f.limit = 1;
	err_init(&e);
	c = store_reader_get(st, &e);
	if (c == NULL)
		return -1;
	rc = store_ops(st)->alert_list(c, &f, found_cb, &found, &e);
	store_reader_put(st, c);
	return rc == -1 ? -1 : found;
}

/* Rounds of "entry durable -> its alert durable", in ms, into v. */
static int
latency_rounds(struct store *st, int rounds, int base, double *v)
{
	struct probe p;
	struct store_job job = {NULL, probe_entry, &p};
	struct err e;
	int i, rc;

	for (i = 0; i < rounds; i++) {
		int64_t idx, seen;
		double t0;

		memset(&p, 0, sizeof(p));
		str_printf(p.eng, sizeof(p.eng), "probe-%d", base + i);
		p.action = "tenant.export";
		p.allowed = 0;
		err_init(&e);
		if (store_write(st, &job, &idx, &e) == -1) {
			fprintf(stderr, "detect_bench: %s\n", e.msg);
			return -1;
		}
		t0 = now_s();
		event_cleanup(&p.ev);
		/* Each commit after this one may be the alert's. */
		seen = idx + 1;
		while ((rc = alert_stored(st, p.eng)) == 0) {
			if (now_s() - t0 > 10) {
				fprintf(stderr, "detect_bench: no alert for "
				    "entry %lld within 10 s\n", (long long)idx);
				return -1;
			}
			seen = store_wait_entries(st, seen, 20);
		}
		if (rc == -1)
			return -1;
		v[i] = (now_s() - t0) * 1000.0;
		usleep(2000);
	}
	return 0;
}

static struct store *
open_store(const char *dir, struct tlog **tl, struct err *e)
{
	static const struct clock clk = {NULL};
	static char path[4096];
	struct store_config cfg;
	struct tlog_config tcfg;
	struct store *st;

	str_printf(path, sizeof(path), "%s/custos.db", dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = path;
	cfg.readers = 8;
	cfg.clock = &clk;
	st = store_open(&cfg, e);
	if (st == NULL)
		return NULL;
	memset(&tcfg, 0, sizeof(tcfg));
	tcfg.data_dir = dir;
	tcfg.origin = "bench.example/detect-bench";
	tcfg.store = st;
	tcfg.clock = &clk;
	*tl = tlog_open(&tcfg, e);
	if (*tl == NULL) {
		store_close(st);
		return NULL;
	}
	return st;
}

static void
usage(void)
{
	fprintf(stderr, "usage: detect_bench [-s] [-n ENTRIES] [-a ALERTS] "
	    "[-c WRITERS] -d DIR\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct clock clk = {NULL};
	int64_t n = 1000000, alerts = 200, writers = 8;
	const char *dir = NULL;
	struct detect_config dc;
	struct detect *det;
	struct tlog *tl = NULL;
	struct store *st;
	struct load ld;
	struct cost c;
	struct day day;
	pthread_t *th;
	double *idle, *busy, t, secs;
	struct err e;
	int ch, shell = 0, i;

	while ((ch = getopt(argc, argv, "sn:a:c:d:")) != -1) {
		switch (ch) {
		case 's':
			shell = 1;
			break;
		case 'n':
			if (num_parse_i64(&n, optarg, 1000, 100000000) == -1)
				usage();
			break;
		case 'a':
			if (num_parse_i64(&alerts, optarg, 10, 100000) == -1)
				usage();
			break;
		case 'c':
			if (num_parse_i64(&writers, optarg, 1, 256) == -1)
				usage();
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (dir == NULL)
		usage();
	log_set_quiet(1);
	if (sodium_init() < 0) {
		fprintf(stderr, "detect_bench: libsodium failed\n");
		return 1;
	}
	if (make_day(&day, (size_t)n) == -1 || measure_cost(&day, &c) == -1) {
		fprintf(stderr, "detect_bench: the cost run failed\n");
		return 1;
	}
	err_init(&e);
	st = open_store(dir, &tl, &e);
	if (st == NULL) {
		fprintf(stderr, "detect_bench: %s\n", e.msg);
		return 1;
	}
	memset(&dc, 0, sizeof(dc));
	rules_defaults(&dc.rules);
	det = detect_start(st, &clk, &dc, &e);
	idle = calloc((size_t)alerts, sizeof(double));
	busy = calloc((size_t)alerts, sizeof(double));
	th = calloc((size_t)writers, sizeof(*th));
	if (det == NULL || idle == NULL || busy == NULL || th == NULL) {
		fprintf(stderr, "detect_bench: %s\n", e.msg);
		return 1;
	}
	usleep(200000);
	if (latency_rounds(st, (int)alerts, 0, idle) == -1)
		return 1;
	memset(&ld, 0, sizeof(ld));
	ld.st = st;
	pthread_mutex_init(&ld.mu, NULL);
	for (i = 0; i < writers; i++)
		pthread_create(&th[i], NULL, load_main, &ld);
	t = now_s();
	if (latency_rounds(st, (int)alerts, (int)alerts, busy) == -1)
		return 1;
	ld.stop = 1;
	for (i = 0; i < writers; i++)
		pthread_join(th[i], NULL);
	secs = now_s() - t;
	detect_stop(det);
	tlog_close(tl);
	store_close(st);
	if (shell) {
		printf("DET_ENTRIES=%lld\nDET_JANSSON_NS=%.0f\n"
		    "DET_PARSE_NS=%.0f\nDET_READ_NS=%.0f\nDET_ENGINE_NS=%.0f\n"
		    "DET_DAY_ALERTS=%zu\nDET_STATES=%zu\n", (long long)n,
		    c.jansson_ns, c.parse_ns, c.read_ns, c.engine_ns, c.alerts,
		    c.states);
		printf("DET_ALERTS=%lld\nDET_IDLE_P50=%.2f\nDET_IDLE_P99=%.2f\n"
		    "DET_BUSY_P50=%.2f\nDET_BUSY_P99=%.2f\n"
		    "DET_BUSY_APPENDS=%.0f\nDET_WRITERS=%lld\n",
		    (long long)alerts, pct(idle, (size_t)alerts, 0.5),
		    pct(idle, (size_t)alerts, 0.99), pct(busy, (size_t)alerts,
		    0.5), pct(busy, (size_t)alerts, 0.99),
		    (double)ld.appends / secs, (long long)writers);
	} else {
		printf("rules over %lld ordinary entries: jansson parse %.0f "
		    "ns, entry parse (jansson) %.0f ns, fast read %.0f ns, "
		    "read + rules %.0f ns an entry (%zu alerts, %zu states)\n",
		    (long long)n, c.jansson_ns, c.parse_ns, c.read_ns,
		    c.engine_ns, c.alerts, c.states);
		printf("entry durable -> alert durable, %lld rounds: idle p50 "
		    "%.2f ms p99 %.2f ms; with %lld writers (%.0f appends/s) "
		    "p50 %.2f ms p99 %.2f ms\n", (long long)alerts,
		    pct(idle, (size_t)alerts, 0.5), pct(idle, (size_t)alerts,
		    0.99), (long long)writers, (double)ld.appends / secs,
		    pct(busy, (size_t)alerts, 0.5), pct(busy, (size_t)alerts,
		    0.99));
	}
	return 0;
}
