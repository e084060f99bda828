/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of store/lease: on SQLite (one node) every lease is held at
 * epoch 1 and the fence lets everything through; on PostgreSQL (skipped
 * without $CUSTOS_PG_URL or $CUSTOS_PG_URL_FILE: exit 77), two stores
 * stand for two nodes on one fresh database: one takes the lease, renews
 * it at the same epoch, the other waits; once it expires the other takes
 * it over at the next epoch, and a job fenced by the old holder's lease
 * fails with 409 lease_lost and writes nothing, while the new holder's
 * fenced job commits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/str.h"
#include "store/lease.h"
#include "store/store.h"

static char admin_url[1024];
static int have_pg;

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static struct store *
open_store(const struct store_ops *ops, const char *where, const char *node)
{
	struct store_config cfg;
	struct store *s;
	struct err e;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = ops;
	cfg.where = where;
	cfg.readers = 2;
	cfg.node = node;
	err_init(&e);
	s = store_open(&cfg, &e);
	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	store_init_done(s);     /* the next node may start */
	return s;
}

/* A job fenced by l: it writes meta key "fenced" = value. */
struct fenced {
	struct lease *l;
	const char *value;
};

static int
apply_fenced(struct store_conn *c, void *arg, struct err *e)
{
	struct fenced *f = arg;

	if (lease_fence(f->l, c, e) == -1)
		return -1;
	return 0;
}

static int
fenced_write(struct store *s, struct lease *l, const char *value,
    struct err *e)
{
	struct fenced f = {l, value};
	struct store_job job = {apply_fenced, NULL, &f};

	return store_write(s, &job, NULL, e);
}

/* The meta write of a fenced job, after its fence. */
struct fenced_meta {
	struct store *s;
	struct lease *l;
	const char *value;
};

static int
apply_fenced_meta(struct store_conn *c, void *arg, struct err *e)
{
	struct fenced_meta *f = arg;

	if (lease_fence(f->l, c, e) == -1)
		return -1;
	return store_ops(f->s)->meta_set(c, "fenced", f->value,
	    strlen(f->value), e);
}

static int
fenced_meta(struct store *s, struct lease *l, const char *value,
    struct err *e)
{
	struct fenced_meta f = {s, l, value};
	struct store_job job = {apply_fenced_meta, NULL, &f};

	return store_write(s, &job, NULL, e);
}

static void
meta_value(struct store *s, char *out, size_t size)
{
	struct store_conn *c;
	struct buf b;
	struct err e;
	int found;

	err_init(&e);
	buf_init(&b, 64);
	c = store_reader_get(s, &e);
	assert_non_null(c);
	found = store_ops(s)->meta_get(c, "fenced", &b, &e);
	store_reader_put(s, c);
	assert_int_not_equal(found, -1);
	out[0] = '\0';
	if (found == 0 && b.len < size) {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
	}
	buf_cleanup(&b);
}

static void
sqlite_leases_are_always_held(void **state)
{
	char dir[] = "/tmp/custos-lease-XXXXXX", path[256];
	struct lease *l;
	struct store *s;
	struct err e;
	int64_t epoch = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	str_printf(path, sizeof(path), "%s/custos.db", dir);
	s = open_store(&store_sqlite_ops, path, "solo");
	err_init(&e);
	l = lease_start(s, "signer", "solo", 5000, &e);
	assert_non_null(l);
	assert_int_equal(lease_held(l, &epoch), 1);
	assert_int_equal(epoch, 1);
	assert_int_equal(lease_wait(l, 10), 1);
	assert_int_equal(lease_takes(l), 1);
	assert_string_equal(lease_name(l), "signer");
	assert_int_equal(fenced_write(s, l, "x", &e), 0);
	assert_int_equal(fenced_meta(s, l, "solo", &e), 0);
	/* No lease at all is held too. */
	assert_int_equal(lease_held(NULL, &epoch), 1);
	assert_int_equal(lease_fence(NULL, NULL, &e), 0);
	lease_stop(l);
	store_close(s);
	unlink(path);
	rmdir(dir);
}

static PGresult *
admin_exec(PGconn *a, const char *sql)
{
	PGresult *r = PQexec(a, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(a));
	return r;
}

/* A fresh database on the test server; where gets its conninfo. */
static void
db_create(PGconn *admin, char *name, size_t nsize, char *where,
    size_t wsize)
{
	PQconninfoOption *opts, *o;
	char sql[256];
	size_t len = 0;

	str_printf(name, nsize, "t_lease_%d", (int)getpid());
	str_printf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0 "
	    "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", name);
	PQclear(admin_exec(admin, sql));
	opts = PQconninfoParse(admin_url, NULL);
	assert_non_null(opts);
	where[0] = '\0';
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || strcmp(o->keyword, "dbname") == 0)
			continue;
		len += (size_t)snprintf(where + len, wsize - len, "%s=%s ",
		    o->keyword, o->val);
		assert_true(len < wsize);
	}
	snprintf(where + len, wsize - len, "dbname=%s", name);
	PQconninfoFree(opts);
}

static void
pg_lease_moves_and_fences(void **state)
{
	char name[64], where[1024], sql[256], v[64];
	struct lease *la, *lb;
	struct store *sa, *sb;
	PGconn *admin, *db;
	struct err e;
	int64_t ea = 0, eb = 0;
	int i;

	(void)state;
	if (!have_pg) {
		printf("unit.lease: PostgreSQL half skipped (no "
		    "CUSTOS_PG_URL)\n");
		skip();
	}
	admin = PQconnectdb(admin_url);
	assert_int_equal(PQstatus(admin), CONNECTION_OK);
	db_create(admin, name, sizeof(name), where, sizeof(where));
	sa = open_store(&store_pg_ops, where, "node-a");
	sb = open_store(&store_pg_ops, where, "node-b");
	err_init(&e);

	/* A takes it (a long ttl: it renews every 10 s, so it believes it
	 * holds the lease long after the database moved it). */
	la = lease_start(sa, "t", "node-a", 30000, &e);
	assert_non_null(la);
	assert_int_equal(lease_wait(la, 5000), 1);
	assert_int_equal(lease_held(la, &ea), 1);
	assert_int_equal(ea, 1);

	/* B tries every 250 ms and does not get it. */
	lb = lease_start(sb, "t", "node-b", 1000, &e);
	assert_non_null(lb);
	assert_int_equal(lease_wait(lb, 800), 0);
	assert_int_equal(lease_held(lb, NULL), 0);
	assert_int_equal(fenced_meta(sa, la, "a1", &e), 0);
	meta_value(sa, v, sizeof(v));
	assert_string_equal(v, "a1");

	/* A's lease expires (as if A had stopped): B takes it over at the
	 * next epoch. */
	db = PQconnectdb(where);
	assert_int_equal(PQstatus(db), CONNECTION_OK);
	PQclear(admin_exec(db, "UPDATE leases SET expires = now() - "
	    "interval '1 second' WHERE name = 't'"));
	assert_int_equal(lease_wait(lb, 3000), 1);
	assert_int_equal(lease_held(lb, &eb), 1);
	assert_int_equal(eb, 2);

	/* A still believes it holds epoch 1; its fenced job fails and
	 * writes nothing. */
	assert_int_equal(lease_held(la, NULL), 1);
	err_init(&e);
	assert_int_equal(fenced_meta(sa, la, "a2", &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.code, "lease_lost");
	meta_value(sa, v, sizeof(v));
	assert_string_equal(v, "a1");
	/* ... and now knows it lost it. */
	assert_int_equal(lease_held(la, NULL), 0);

	/* B's fenced job commits. */
	err_init(&e);
	assert_int_equal(fenced_meta(sb, lb, "b1", &e), 0);
	meta_value(sb, v, sizeof(v));
	assert_string_equal(v, "b1");

	/* B renews at the same epoch across several renewals. */
	for (i = 0; i < 4; i++) {
		sleep_ms(400);
		assert_int_equal(lease_held(lb, &eb), 1);
		assert_int_equal(eb, 2);
	}

	lease_stop(lb);
	lease_stop(la);
	store_close(sb);
	store_close(sa);
	PQfinish(db);
	str_printf(sql, sizeof(sql), "DROP DATABASE %s", name);
	PQclear(admin_exec(admin, sql));
	PQfinish(admin);
}

/* The URL: $CUSTOS_PG_URL, or the first line of $CUSTOS_PG_URL_FILE. */
static int
find_url(void)
{
	const char *u = getenv("CUSTOS_PG_URL");
	const char *file = getenv("CUSTOS_PG_URL_FILE");
	FILE *fp;

	if (u != NULL && *u != '\0')
		return str_copy(admin_url, sizeof(admin_url), u);
	if (file == NULL || *file == '\0')
		return -1;
	fp = fopen(file, "r");
	if (fp == NULL)
		return -1;
	if (fgets(admin_url, sizeof(admin_url), fp) == NULL)
		admin_url[0] = '\0';
	fclose(fp);
	admin_url[strcspn(admin_url, "\r\n")] = '\0';
	return admin_url[0] != '\0' ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sqlite_leases_are_always_held),
		cmocka_unit_test(pg_lease_moves_and_fences),
	};

	have_pg = find_url() == 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
