/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the store's filtered log read (store_ops.entry_filter,
 * sqlite_logfilter.c), on a real SQLite store: the order, the limit, each
 * filter, the time window, and above all the bounded walk: a filter that
 * matches little returns what the window held and a "next" that leads,
 * call after call, through the whole range and then to -1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/str.h"
#include "store/store.h"

#define N 60
#define T0 INT64_C(1642773780)

struct fixture {
	char dir[64];
	char path[96];
	struct store *s;
};

/* Entry i: tenant t1 for i % 3 == 0, t2 for 1, none for 2; action a.x
 * for even i; denied for i % 5 == 0; actor eng1 for i < 30; the time
 * T0 + 10 i. */
static int
entry_i(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	static const char *const tenants[] = { "t1", "t2", "" };

	(void)arg;
	(void)apply_rc;
	(void)apply_err;
	(void)time_ms;
	if (buf_printf(out, "{\"i\":%lld}", (long long)index) == -1)
		return -1;
	en->time = T0 + 10 * index;
	en->tenant_id = tenants[index % 3];
	en->action = index % 2 == 0 ? "a.x" : "a.y";
	en->allowed = index % 5 != 0;
	en->actor_id = index < 30 ? "eng1" : "op";
	en->session_id = "";
	en->device_id = "";
	en->source = "";
	return 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_config cfg;
	struct store_job job = { NULL, entry_i, NULL };
	struct err e;
	int i;

	if (f == NULL)
		return -1;
	str_copy(f->dir, sizeof(f->dir), "/tmp/custos-logfilter-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	str_printf(f->path, sizeof(f->path), "%s/custos.db", f->dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = f->path;
	cfg.readers = 2;
	err_init(&e);
	f->s = store_open(&cfg, &e);
	if (f->s == NULL) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		return -1;
	}
	for (i = 0; i < N; i++)
		if (store_write(f->s, &job, NULL, &e) != 0) {
			fprintf(stderr, "store_write: %s\n", e.msg);
			return -1;
		}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	store_close(f->s);
	unlink(f->path);
	str_printf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	str_printf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

struct got {
	int64_t idx[N + 1];
	int n;
};

static int
collect(void *arg, const struct rec_leaf *r)
{
	struct got *g = arg;

	if (g->n <= N)
		g->idx[g->n++] = r->index;
	return 0;
}

static void
filter_init(struct store_entry_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->start = 0;
	f->end = N;
	f->limit = 1000;
	f->scan = 100000;
	f->allowed = -1;
	f->since = INT64_MIN;
	f->until = INT64_MAX;
}

/* Runs f once; returns *next. */
static int64_t
run(struct fixture *fx, const struct store_entry_filter *f, struct got *g)
{
	struct store_conn *c;
	struct err e;
	int64_t next = -7;

	memset(g, 0, sizeof(*g));
	err_init(&e);
	c = store_reader_get(fx->s, &e);
	assert_non_null(c);
	if (store_sqlite_ops.entry_filter(c, f, collect, g, &next, &e) != 0)
		fail_msg("entry_filter: %s", e.msg);
	store_reader_put(fx->s, c);
	return next;
}

static void
newest_first_and_the_limit(void **state)
{
	struct store_entry_filter f;
	struct got g;
	int64_t next;

	filter_init(&f);
	f.desc = 1;
	f.limit = 3;
	next = run(*state, &f, &g);
	assert_int_equal(g.n, 3);
	assert_true(g.idx[0] == 59 && g.idx[1] == 58 && g.idx[2] == 57);
	assert_true(next == 57);
	f.end = next;
	next = run(*state, &f, &g);
	assert_true(g.idx[0] == 56 && g.idx[2] == 54 && next == 54);
	/* Oldest first; the last page says it is the last. */
	filter_init(&f);
	f.start = 55;
	next = run(*state, &f, &g);
	assert_int_equal(g.n, 5);
	assert_true(g.idx[0] == 55 && g.idx[4] == 59);
	assert_true(next == -1);
}

static void
each_filter(void **state)
{
	struct store_entry_filter f;
	struct got g;
	int i;

	filter_init(&f);
	f.tenant_id = "t1";
	f.action = "a.x";
	(void)run(*state, &f, &g);
	assert_int_equal(g.n, 10);      /* i % 6 == 0 */
	for (i = 0; i < g.n; i++)
		assert_true(g.idx[i] % 6 == 0);
	filter_init(&f);
	f.allowed = 0;
	(void)run(*state, &f, &g);
	assert_int_equal(g.n, 12);
	filter_init(&f);
	f.actor_id = "op";
	f.allowed = 1;
	(void)run(*state, &f, &g);
	assert_int_equal(g.n, 24);      /* 30..59 but the 6 of i % 5 */
	assert_true(g.idx[0] == 31);
	filter_init(&f);
	f.tenant_id = "nobody";
	assert_true(run(*state, &f, &g) == -1);
	assert_int_equal(g.n, 0);
}

static void
time_window(void **state)
{
	struct store_entry_filter f;
	struct got g;

	filter_init(&f);
	f.since = T0 + 100;             /* index 10 on */
	f.until = T0 + 200;             /* before index 20 */
	(void)run(*state, &f, &g);
	assert_int_equal(g.n, 10);
	assert_true(g.idx[0] == 10 && g.idx[9] == 19);
	filter_init(&f);
	f.since = T0 + 10 * N;
	assert_true(run(*state, &f, &g) == -1);
	assert_int_equal(g.n, 0);
	filter_init(&f);
	f.until = T0;
	(void)run(*state, &f, &g);
	assert_int_equal(g.n, 0);
}

/* A rare match with a small scan: each call looks at most scan indexes,
 * and following next finds every match, then stops. */
static void
the_walk_is_bounded_and_complete(void **state)
{
	struct store_entry_filter f;
	struct got g;
	int64_t next, seen[N];
	int calls = 0, n = 0, i;

	for (int desc = 0; desc <= 1; desc++) {
		filter_init(&f);
		f.desc = desc;
		f.scan = 7;
		f.tenant_id = "t1";
		f.allowed = 0;          /* i % 15 == 0: 0, 15, 30, 45 */
		calls = 0;
		n = 0;
		for (;;) {
			next = run(*state, &f, &g);
			calls++;
			assert_true(g.n <= 7);
			for (i = 0; i < g.n; i++)
				seen[n++] = g.idx[i];
			if (next == -1)
				break;
			if (desc) {
				assert_true(next < f.end);
				f.end = next;
			} else {
				assert_true(next > f.start);
				f.start = next;
			}
			assert_true(calls < 20);
		}
		assert_int_equal(n, 4);
		assert_true(calls >= N / 7);
		if (desc)
			assert_true(seen[0] == 45 && seen[3] == 0);
		else
			assert_true(seen[0] == 0 && seen[3] == 45);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(newest_first_and_the_limit),
		cmocka_unit_test(each_filter),
		cmocka_unit_test(time_window),
		cmocka_unit_test(the_walk_is_bounded_and_complete),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
