/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the PostgreSQL backend's connection-level ops
 * (store_pg.c) against a real PostgreSQL 15: each test gets a fresh
 * database.  Opening and migrating is idempotent, also when several nodes
 * start at once; meta round-trips; a transaction commits or rolls back as
 * a whole; the log head moves only on commit; lazy savepoints send
 * nothing for a job without SQL and leave nothing of a job rolled back;
 * two writers serialise on the log head's lock; leases are taken,
 * renewed, taken over once expired, and fence the old holder; the
 * watcher hears another connection's announce, and the poll fallback
 * sees news whose notification it missed; a connection killed by the
 * server answers 503 once, then reconnects.
 *
 * The server: $CUSTOS_PG_URL, or the URL in the file $CUSTOS_PG_URL_FILE
 * (ctest's fixture pg writes it).  Without either the test is skipped
 * (exit 77).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/str.h"
#include "store/pg_int.h"
#include "store/store.h"

static const struct store_ops *ops = &store_pg_ops;
static char admin_url[512];
static PGconn *admin;

struct fixture {
	char db[64];
	char where[768];        /* conninfo of db */
	struct store_conn *w;   /* writer, migrated */
	struct store_conn *r;   /* reader */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Runs SQL on the admin connection (the cluster's superuser). */
static void
admin_sql(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	PGresult *r;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	r = PQexec(admin, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(admin));
	PQclear(r);
}

/* The first value of a query on db, as text ("" when no row). */
static void
db_value(const struct fixture *f, const char *sql, char *out, size_t size)
{
	PGconn *c = PQconnectdb(f->where);
	PGresult *r;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, sql);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	str_copy(out, size, PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
}

/* A fresh database, and its conninfo (key=value pairs: the path a
 * "host=..." --store takes; the URL path is tested by its own test). */
static void
db_create(char *name, size_t nsize, char *where, size_t wsize,
    const char *extra)
{
	static int n;
	PQconninfoOption *opts, *o;
	size_t len = 0;

	str_printf(name, nsize, "t_pgcore_%d_%d", (int)getpid(), ++n);
	admin_sql("CREATE DATABASE %s TEMPLATE template0 %s", name,
	    extra != NULL ? extra :
	    "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
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

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	assert_non_null(f);
	db_create(f->db, sizeof(f->db), f->where, sizeof(f->where), NULL);
	err_init(&e);
	f->w = ops->open(f->where, STORE_CONN_WRITE, &e);
	if (f->w == NULL)
		fail_msg("open: %s", e.msg);
	if (ops->migrate(f->w, &e) == -1)
		fail_msg("migrate: %s", e.msg);
	f->r = ops->open(f->where, STORE_CONN_READ, &e);
	if (f->r == NULL)
		fail_msg("open reader: %s", e.msg);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ops->close(f->w);
	ops->close(f->r);
	admin_sql("DROP DATABASE %s WITH (FORCE)", f->db);
	free(f);
	return 0;
}

static void
meta_put(struct store_conn *c, const char *key, const char *v)
{
	struct err e;

	err_init(&e);
	if (ops->meta_set(c, key, v, strlen(v), &e) == -1)
		fail_msg("meta_set %s: %s", key, e.msg);
}

/* The value of key through c: "" when absent. */
static void
meta_read(struct store_conn *c, const char *key, char *out, size_t size)
{
	struct buf b;
	struct err e;
	int rc;

	buf_init(&b, 4096);
	err_init(&e);
	rc = ops->meta_get(c, key, &b, &e);
	if (rc == -1)
		fail_msg("meta_get %s: %s", key, e.msg);
	str_copy(out, size, rc == 1 ? "" : b.data);
	buf_cleanup(&b);
}

static void
begin(struct store_conn *c)
{
	struct err e;

	err_init(&e);
	if (ops->begin(c, &e) == -1)
		fail_msg("begin: %s", e.msg);
}

static void
commit(struct store_conn *c)
{
	struct err e;

	err_init(&e);
	if (ops->commit(c, &e) == -1)
		fail_msg("commit: %s", e.msg);
}

static void
savepoint(struct store_conn *c)
{
	struct err e;

	err_init(&e);
	assert_int_equal(ops->savepoint(c, &e), 0);
}

static void
release(struct store_conn *c)
{
	struct err e;

	err_init(&e);
	assert_int_equal(ops->release(c, &e), 0);
}

static int64_t
head_now(struct store_conn *c)
{
	int64_t h = -1;
	struct err e;

	err_init(&e);
	if (ops->head(c, &h, &e) == -1)
		fail_msg("head: %s", e.msg);
	return h;
}

/* Open, migrate, migrate again on another connection: same schema. */
static void
open_and_migrate_are_idempotent(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c;
	struct err e;
	PGresult *r;
	char v[64];

	err_init(&e);
	assert_int_equal(ops->migrate(f->w, &e), 0);
	c = ops->open(f->where, STORE_CONN_INIT, &e);
	assert_non_null(c);
	assert_int_equal(ops->migrate(c, &e), 0);
	ops->close(c);
	db_value(f, "SELECT version FROM schema_version", v, sizeof(v));
	assert_string_equal(v, "25");   /* 22 + publication, okta, export (issue 16) */
	/* Each kind's session settings. */
	assert_int_equal(pg_simple(f->w, "SHOW idle_in_transaction_session_"
	    "timeout", &r, "show", &e), 0);
	assert_string_equal(PQgetvalue(r, 0, 0), "30s");
	PQclear(r);
	assert_int_equal(pg_simple(f->r, "SHOW default_transaction_read_only",
	    &r, "show", &e), 0);
	assert_string_equal(PQgetvalue(r, 0, 0), "on");
	PQclear(r);
	assert_int_equal(pg_simple(f->w, "SHOW default_transaction_read_only",
	    &r, "show", &e), 0);
	assert_string_equal(PQgetvalue(r, 0, 0), "off");
	PQclear(r);
	db_value(f, "SELECT count(*) FROM schema_version", v, sizeof(v));
	assert_string_equal(v, "1");
	db_value(f, "SELECT size FROM log_head", v, sizeof(v));
	assert_string_equal(v, "0");
	meta_read(f->r, "news_gen", v, sizeof(v));
	assert_string_equal(v, "0");
	db_value(f, "SELECT application_name FROM pg_stat_activity "
	    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
	    "LIMIT 1", v, sizeof(v));
	assert_string_equal(v, "custosd");
}

struct racer {
	const char *where;
	int rc;
	char msg[ERR_MSG_MAX];
};

static void *
race_migrate(void *arg)
{
	struct racer *r = arg;
	struct store_conn *c;
	struct err e;

	err_init(&e);
	c = ops->open(r->where, STORE_CONN_INIT, &e);
	r->rc = c == NULL ? -1 : ops->migrate(c, &e);
	str_copy(r->msg, sizeof(r->msg), e.msg);
	ops->close(c);
	return NULL;
}

/* Several nodes starting together on an empty database: each migrates,
 * none fails, and the schema is made once. */
static void
nodes_starting_together_migrate_once(void **state)
{
	struct fixture g;
	struct racer r[4];
	pthread_t t[4];
	char v[64];
	int i;

	(void)state;
	db_create(g.db, sizeof(g.db), g.where, sizeof(g.where), NULL);
	for (i = 0; i < 4; i++) {
		r[i].where = g.where;
		r[i].rc = -2;
		assert_int_equal(pthread_create(&t[i], NULL, race_migrate,
		    &r[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		if (r[i].rc != 0)
			fail_msg("node %d: %s", i, r[i].msg);
	}
	db_value(&g, "SELECT count(*) FROM log_head", v, sizeof(v));
	assert_string_equal(v, "1");
	db_value(&g, "SELECT version FROM schema_version", v, sizeof(v));
	assert_string_equal(v, "25");   /* 22 + publication, okta, export (issue 16) */
	admin_sql("DROP DATABASE %s WITH (FORCE)", g.db);
}

/* A URL with a password never shows in an error; bad connections are
 * 503; the writer refuses a database that would not be durable or not
 * UTF-8, naming the setting. */
static void
open_checks_the_database(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c;
	struct fixture g;
	struct err e;
	char url[256];

	err_init(&e);
	str_copy(url, sizeof(url), "postgresql://custos:s3cretpw@127.0.0.1:1/x");
	c = ops->open(url, STORE_CONN_READ, &e);
	assert_null(c);
	assert_int_equal(e.status, 503);
	/* Neither the password nor where the database is: a 503 reaches
	 * anyone, /v1/health included (the log has the address). */
	assert_null(strstr(e.msg, "s3cretpw"));
	assert_null(strstr(e.msg, "127.0.0.1"));
	assert_non_null(strstr(e.msg, "cannot be reached"));

	admin_sql("ALTER DATABASE %s SET synchronous_commit = off", f->db);
	err_init(&e);
	c = ops->open(f->where, STORE_CONN_WRITE, &e);
	assert_null(c);
	assert_non_null(strstr(e.msg, "synchronous_commit"));
	c = ops->open(f->where, STORE_CONN_READ, &e);
	assert_non_null(c);     /* readers do not write */
	ops->close(c);
	admin_sql("ALTER DATABASE %s RESET synchronous_commit", f->db);

	db_create(g.db, sizeof(g.db), g.where, sizeof(g.where),
	    "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
	err_init(&e);
	c = ops->open(g.where, STORE_CONN_WRITE, &e);
	assert_null(c);
	assert_non_null(strstr(e.msg, "UTF8"));
	admin_sql("DROP DATABASE %s WITH (FORCE)", g.db);
}

/* The URL form of --store opens too, and a reader cannot write. */
static void
url_opens_and_readers_are_read_only(void **state)
{
	struct fixture *f = *state;
	static const char *const sql[] = {
		"INSERT INTO meta(key, value) VALUES ('x', '\\x00')",
	};
	struct store_conn *c;
	struct err e;
	char url[600], *slash;

	str_copy(url, sizeof(url), admin_url);
	slash = strrchr(url, '/');
	assert_non_null(slash);
	assert_null(strchr(slash, '?'));
	str_copy(slash + 1, sizeof(url) - (size_t)(slash + 1 - url), f->db);
	err_init(&e);
	c = ops->open(url, STORE_CONN_WRITE, &e);
	if (c == NULL)
		fail_msg("open %s: %s", url, e.msg);
	begin(c);
	meta_put(c, "via_url", "1");
	commit(c);
	ops->close(c);
	err_init(&e);
	assert_int_equal(pg_exec(f->r, PG_COPY, 0, sql, NULL, NULL, "write",
	    &e), -1);
	assert_int_equal(e.status, 500);
}

static void
meta_round_trips(void **state)
{
	struct fixture *f = *state;
	static const char bin[] = { 'a', 0, (char)0xff, 'z' };
	struct buf b;
	struct err e;
	char v[64];

	meta_read(f->r, "nothing", v, sizeof(v));
	assert_string_equal(v, "");
	begin(f->w);
	meta_put(f->w, "k", "one");
	err_init(&e);
	assert_int_equal(ops->meta_set(f->w, "bin", bin, sizeof(bin), &e), 0);
	commit(f->w);
	meta_read(f->r, "k", v, sizeof(v));
	assert_string_equal(v, "one");
	begin(f->w);
	meta_put(f->w, "k", "two");     /* an upsert */
	commit(f->w);
	meta_read(f->r, "k", v, sizeof(v));
	assert_string_equal(v, "two");
	buf_init(&b, 64);
	assert_int_equal(ops->meta_get(f->r, "bin", &b, &e), 0);
	assert_int_equal(b.len, sizeof(bin));
	assert_memory_equal(b.data, bin, sizeof(bin));
	buf_cleanup(&b);
}

static void
transactions_commit_or_roll_back_whole(void **state)
{
	struct fixture *f = *state;
	char v[64];

	begin(f->w);
	meta_put(f->w, "a", "1");
	meta_put(f->w, "b", "1");
	/* Not visible before the commit. */
	meta_read(f->r, "a", v, sizeof(v));
	assert_string_equal(v, "");
	commit(f->w);
	meta_read(f->r, "a", v, sizeof(v));
	assert_string_equal(v, "1");

	begin(f->w);
	meta_put(f->w, "a", "2");
	meta_put(f->w, "c", "2");
	ops->rollback(f->w);
	meta_read(f->r, "a", v, sizeof(v));
	assert_string_equal(v, "1");
	meta_read(f->r, "c", v, sizeof(v));
	assert_string_equal(v, "");
	/* The writer goes on. */
	begin(f->w);
	meta_put(f->w, "c", "3");
	commit(f->w);
	meta_read(f->r, "c", v, sizeof(v));
	assert_string_equal(v, "3");
}

/* An entry for the head test (pg_log.c buffers it). */
static int
append_entry(struct store_conn *c, int64_t index, struct err *e)
{
	struct rec_entry en;
	static const char bytes[] = "{\"action\":\"test\"}";

	memset(&en, 0, sizeof(en));
	en.index = index;
	en.time = 1700000000;
	en.actor_id = "actor";
	en.engineer_id = "";
	en.vendor_id = "";
	en.tenant_id = "";
	en.action = "test";
	en.session_id = "";
	en.device_id = "";
	en.source = "";
	en.allowed = 1;
	en.bytes = bytes;
	en.len = sizeof(bytes) - 1;
	return ops->entry_append(c, &en, e);
}

static void
head_moves_only_on_commit(void **state)
{
	struct fixture *f = *state;
	struct store_conn *wt;
	struct store_news n;
	struct err e;
	int i;

	assert_int_equal(head_now(f->r), 0);
	begin(f->w);
	assert_int_equal(head_now(f->w), 0);
	err_init(&e);
	if (append_entry(f->w, 0, &e) == -1) {
		/* pg_log.c not written yet: the head cannot move. */
		assert_int_equal(e.status, 501);
		print_message("head: entry_append not available (%s); only "
		    "the unmoved head is checked\n", e.msg);
		commit(f->w);
		assert_int_equal(head_now(f->r), 0);
		return;
	}
	assert_int_equal(append_entry(f->w, 1, &e), 0);
	assert_int_equal(head_now(f->r), 0);
	wt = ops->open(f->where, STORE_CONN_WATCH, &e);
	assert_non_null(wt);
	assert_int_equal(ops->watch(wt, 10, &n, &e), 0);
	assert_int_equal(n.head, 0);
	commit(f->w);
	assert_int_equal(head_now(f->r), 2);
	/* Every node hears the new head. */
	for (i = 0; i < 10 && n.head != 2; i++)
		assert_int_equal(ops->watch(wt, 2000, &n, &e), 0);
	assert_int_equal(n.head, 2);
	ops->close(wt);
	begin(f->w);
	assert_int_equal(head_now(f->w), 2);
	assert_int_equal(append_entry(f->w, 2, &e), 0);
	ops->rollback(f->w);
	assert_int_equal(head_now(f->r), 2);
	begin(f->w);
	assert_int_equal(head_now(f->w), 2);
	commit(f->w);
	assert_int_equal(head_now(f->r), 2);
}

/* What the writer sends, from libpq's protocol trace. */
struct trace {
	char *text;
	size_t len;
	FILE *fp;
};

static void
trace_start(struct store_conn *c, struct trace *t)
{
	t->text = NULL;
	t->len = 0;
	t->fp = open_memstream(&t->text, &t->len);
	assert_non_null(t->fp);
	PQtrace(c->pg, t->fp);
	PQsetTraceFlags(c->pg, PQTRACE_SUPPRESS_TIMESTAMPS);
}

static void
trace_stop(struct store_conn *c, struct trace *t)
{
	PQuntrace(c->pg);
	fclose(t->fp);
}

/* How many of the frontend's messages (lines "F ...") hold what. */
static int
trace_count(const struct trace *t, const char *what)
{
	const char *p = t->text;
	int n = 0;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		char line[1024];

		str_printf(line, sizeof(line), "%.*s", (int)len, p);
		if (line[0] == 'F' && (what == NULL || strstr(line, what)))
			n++;
		p = eol != NULL ? eol + 1 : NULL;
	}
	return n;
}

static void
job_without_sql_sends_nothing(void **state)
{
	struct fixture *f = *state;
	struct trace t;

	begin(f->w);
	trace_start(f->w, &t);
	savepoint(f->w);
	release(f->w);
	savepoint(f->w);
	ops->rollback_savepoint(f->w);
	savepoint(f->w);
	release(f->w);
	trace_stop(f->w, &t);
	assert_int_equal(trace_count(&t, NULL), 0);
	free(t.text);
	trace_start(f->w, &t);
	commit(f->w);
	trace_stop(f->w, &t);
	/* The commit alone: one simple query, no savepoint in it. */
	assert_int_equal(trace_count(&t, "Query"), 1);
	assert_int_equal(trace_count(&t, "SAVEPOINT"), 0);
	assert_int_equal(trace_count(&t, "COMMIT"), 1);
	free(t.text);
}

static void
job_rolled_back_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = { "SELECT 1 / (random() < 2)::int8 / 0" };
	struct trace t;
	struct err e;
	char v[64];

	begin(f->w);
	meta_put(f->w, "before", "1");
	/* A job that wrote, then failed: its write goes. */
	savepoint(f->w);
	trace_start(f->w, &t);
	meta_put(f->w, "job1", "1");
	trace_stop(f->w, &t);
	/* Its savepoint rode in front of its first statement. */
	assert_int_equal(trace_count(&t, "SAVEPOINT s1"), 1);
	free(t.text);
	ops->rollback_savepoint(f->w);
	/* A job whose statement fails inside its savepoint. */
	savepoint(f->w);
	meta_put(f->w, "job2", "1");
	err_init(&e);
	assert_int_equal(pg_exec(f->w, PG_COPY, 0, bad, NULL, NULL, "fail",
	    &e), -1);
	ops->rollback_savepoint(f->w);
	/* A job that announced, then failed, without sending SQL. */
	savepoint(f->w);
	err_init(&e);
	assert_int_equal(ops->announce(f->w, STORE_NEWS_TOKENS, &e), 0);
	ops->rollback_savepoint(f->w);
	/* A job that succeeds. */
	savepoint(f->w);
	meta_put(f->w, "job4", "1");
	release(f->w);
	commit(f->w);
	meta_read(f->r, "before", v, sizeof(v));
	assert_string_equal(v, "1");
	meta_read(f->r, "job1", v, sizeof(v));
	assert_string_equal(v, "");
	meta_read(f->r, "job2", v, sizeof(v));
	assert_string_equal(v, "");
	meta_read(f->r, "news_gen", v, sizeof(v));
	assert_string_equal(v, "0");
	meta_read(f->r, "job4", v, sizeof(v));
	assert_string_equal(v, "1");
}

struct second {
	const char *where;
	struct store_conn *c;
	volatile int begun;
	int64_t at;
};

static void *
second_writer(void *arg)
{
	struct second *s = arg;
	struct err e;

	err_init(&e);
	if (ops->begin(s->c, &e) == 0) {
		s->at = now_ms();
		s->begun = 1;
	} else {
		s->begun = -1;
	}
	return NULL;
}

static void
writers_serialise_on_the_head(void **state)
{
	struct fixture *f = *state;
	struct second s;
	pthread_t t;
	struct err e;
	int64_t committed;
	char v[64];

	err_init(&e);
	memset(&s, 0, sizeof(s));
	s.c = ops->open(f->where, STORE_CONN_WRITE, &e);
	assert_non_null(s.c);
	begin(f->w);
	meta_put(f->w, "first", "1");
	assert_int_equal(pthread_create(&t, NULL, second_writer, &s), 0);
	sleep_ms(400);
	assert_int_equal(s.begun, 0);   /* waits for the head's lock */
	committed = now_ms();
	commit(f->w);
	pthread_join(t, NULL);
	assert_int_equal(s.begun, 1);
	assert_true(s.at >= committed);
	/* It sees the first writer's work, and the first now waits. */
	meta_read(s.c, "first", v, sizeof(v));
	assert_string_equal(v, "1");
	commit(s.c);
	ops->close(s.c);
}

struct lease_row {
	char name[32], holder[32];
	int64_t epoch, expires;
	int n;
};

static int
lease_row(void *arg, const char *name, const char *holder, int64_t epoch,
    int64_t expires_ms)
{
	struct lease_row *r = arg;

	str_copy(r->name, sizeof(r->name), name);
	str_copy(r->holder, sizeof(r->holder), holder);
	r->epoch = epoch;
	r->expires = expires_ms;
	r->n++;
	return 0;
}

/* lease_take in its own transaction (now() is the transaction's). */
static int
take(struct fixture *f, const char *node, int64_t ttl, int64_t *epoch)
{
	struct err e;
	int rc;

	begin(f->w);
	err_init(&e);
	rc = ops->lease_take(f->w, "signer", node, ttl, epoch, &e);
	if (rc == -1)
		fail_msg("lease_take: %s", e.msg);
	commit(f->w);
	return rc;
}

static int
check(struct fixture *f, const char *node, int64_t epoch)
{
	struct err e;
	int rc;

	begin(f->w);
	err_init(&e);
	rc = ops->lease_check(f->w, "signer", node, epoch, &e);
	if (rc == -1)
		fail_msg("lease_check: %s", e.msg);
	commit(f->w);
	return rc;
}

static void
leases_take_renew_take_over_and_fence(void **state)
{
	struct fixture *f = *state;
	struct lease_row row;
	struct err e;
	int64_t epoch = 0;

	assert_int_equal(take(f, "A", 500, &epoch), 0);
	assert_int_equal(epoch, 1);
	assert_int_equal(take(f, "A", 500, &epoch), 0);  /* renewed */
	assert_int_equal(epoch, 1);
	assert_int_equal(take(f, "B", 500, &epoch), 1);  /* A holds it */
	assert_int_equal(check(f, "A", 1), 0);
	assert_int_equal(check(f, "B", 1), 1);
	sleep_ms(700);
	assert_int_equal(check(f, "A", 1), 1);           /* expired */
	assert_int_equal(take(f, "B", 5000, &epoch), 0); /* taken over */
	assert_int_equal(epoch, 2);
	assert_int_equal(check(f, "B", 2), 0);
	assert_int_equal(check(f, "A", 1), 1);           /* fenced */
	assert_int_equal(take(f, "A", 500, &epoch), 1);
	memset(&row, 0, sizeof(row));
	err_init(&e);
	assert_int_equal(ops->lease_list(f->r, lease_row, &row, &e), 0);
	assert_int_equal(row.n, 1);
	assert_string_equal(row.name, "signer");
	assert_string_equal(row.holder, "B");
	assert_int_equal(row.epoch, 2);
	assert_true(row.expires > (int64_t)time(NULL) * 1000 + 3000);
	assert_true(row.expires < (int64_t)time(NULL) * 1000 + 7000);
}

static void
watch_hears_announce_and_polls(void **state)
{
	struct fixture *f = *state;
	struct store_conn *wt;
	struct store_news n;
	struct err e;
	int64_t t0;
	int i, heard = 0;

	err_init(&e);
	wt = ops->open(f->where, STORE_CONN_WATCH, &e);
	assert_non_null(wt);
	/* The first call reads the truth. */
	assert_int_equal(ops->watch(wt, 100, &n, &e), 0);
	assert_int_equal(n.head, 0);
	assert_int_equal(n.topics, 0);
	/* Nothing happens: a timeout, with the head read afresh. */
	t0 = now_ms();
	assert_int_equal(ops->watch(wt, 200, &n, &e), 0);
	assert_true(now_ms() - t0 >= 150);
	assert_int_equal(n.head, 0);
	assert_int_equal(n.topics, 0);

	/* Another connection announces: heard at its commit, not before. */
	begin(f->w);
	assert_int_equal(ops->announce(f->w, STORE_NEWS_TOKENS, &e), 0);
	assert_int_equal(ops->watch(wt, 200, &n, &e), 0);
	assert_int_equal(n.topics, 0);
	commit(f->w);
	t0 = now_ms();
	for (i = 0; i < 10 && !heard; i++) {
		assert_int_equal(ops->watch(wt, 2000, &n, &e), 0);
		heard = (n.topics & STORE_NEWS_TOKENS) != 0;
	}
	assert_true(heard);
	assert_true(now_ms() - t0 < 1500);      /* woken, not polled */
	/* Told once: the next wait is quiet. */
	assert_int_equal(ops->watch(wt, 100, &n, &e), 0);
	assert_int_equal(n.topics, 0);

	/* News without a notification (as if lost while disconnected):
	 * the poll fallback sees the generation move. */
	begin(f->w);
	meta_put(f->w, "news_gen", "7");
	commit(f->w);
	assert_int_equal(ops->watch(wt, 100, &n, &e), 0);
	assert_true((n.topics & STORE_NEWS_TOKENS) != 0);

	/* The watcher's connection dies: 503, then it reconnects, listens
	 * again and reads afresh. */
	admin_sql("SELECT pg_terminate_backend(%d)", PQbackendPID(wt->pg));
	sleep_ms(100);
	err_init(&e);
	assert_int_equal(ops->watch(wt, 500, &n, &e), -1);
	assert_int_equal(e.status, 503);
	err_init(&e);
	if (ops->watch(wt, 100, &n, &e) == -1)
		fail_msg("watch after reconnect: %s", e.msg);
	assert_int_equal(n.head, 0);
	begin(f->w);
	assert_int_equal(ops->announce(f->w, STORE_NEWS_SETTINGS, &e), 0);
	commit(f->w);
	heard = 0;
	for (i = 0; i < 10 && !heard; i++) {
		assert_int_equal(ops->watch(wt, 2000, &n, &e), 0);
		heard = (n.topics & STORE_NEWS_SETTINGS) != 0;
	}
	assert_true(heard);
	ops->close(wt);
}

static void
killed_connection_is_503_then_recovers(void **state)
{
	struct fixture *f = *state;
	struct err e;
	PGresult *r;
	char v[64];
	int64_t t0;
	int pid;

	/* Killed mid-transaction: the statement and the commit fail with
	 * 503, the rollback does not hang, the next begin reconnects. */
	begin(f->w);
	meta_put(f->w, "lost", "1");
	admin_sql("SELECT pg_terminate_backend(%d)", PQbackendPID(f->w->pg));
	sleep_ms(100);
	err_init(&e);
	assert_int_equal(ops->meta_set(f->w, "lost2", "1", 1, &e), -1);
	assert_int_equal(e.status, 503);
	err_init(&e);
	assert_int_equal(ops->commit(f->w, &e), -1);
	assert_int_equal(e.status, 503);
	t0 = now_ms();
	ops->rollback(f->w);
	assert_true(now_ms() - t0 < 1000);
	begin(f->w);
	meta_put(f->w, "after", "1");
	commit(f->w);
	meta_read(f->r, "lost", v, sizeof(v));
	assert_string_equal(v, "");
	meta_read(f->r, "after", v, sizeof(v));
	assert_string_equal(v, "1");

	/* Killed between transactions (a server restart, say): the next
	 * begin, having sent nothing yet, takes a new connection. */
	pid = PQbackendPID(f->w->pg);
	admin_sql("SELECT pg_terminate_backend(%d)", pid);
	sleep_ms(100);
	begin(f->w);
	assert_int_not_equal(PQbackendPID(f->w->pg), pid);
	meta_put(f->w, "again", "1");
	commit(f->w);
	meta_read(f->r, "again", v, sizeof(v));
	assert_string_equal(v, "1");

	/* A reader killed while idle: the read runs again on a new
	 * connection, still read-only. */
	pid = PQbackendPID(f->r->pg);
	admin_sql("SELECT pg_terminate_backend(%d)", pid);
	sleep_ms(100);
	meta_read(f->r, "after", v, sizeof(v));
	assert_string_equal(v, "1");
	assert_int_not_equal(PQbackendPID(f->r->pg), pid);
	err_init(&e);
	assert_int_equal(pg_simple(f->r, "SHOW default_transaction_read_only",
	    &r, "show", &e), 0);
	assert_string_equal(PQgetvalue(r, 0, 0), "on");
	PQclear(r);

	/* The database refuses connections (as a server that is down):
	 * the writer and readers answer 503, quickly; once it is back,
	 * all works again. */
	admin_sql("ALTER DATABASE %s ALLOW_CONNECTIONS false", f->db);
	admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	    "WHERE datname = '%s'", f->db);
	sleep_ms(100);
	t0 = now_ms();
	err_init(&e);
	assert_int_equal(ops->begin(f->w, &e), -1);
	assert_int_equal(e.status, 503);
	assert_null(strstr(e.msg, "dbname"));
	err_init(&e);
	assert_int_equal(ops->begin(f->w, &e), -1);
	assert_int_equal(e.status, 503);
	{
		struct buf b;

		buf_init(&b, 64);
		err_init(&e);
		assert_int_equal(ops->meta_get(f->r, "after", &b, &e), -1);
		assert_int_equal(e.status, 503);
		buf_cleanup(&b);
	}
	assert_true(now_ms() - t0 < 3000);
	admin_sql("ALTER DATABASE %s ALLOW_CONNECTIONS true", f->db);
	begin(f->w);
	meta_put(f->w, "back", "1");
	commit(f->w);
	meta_read(f->r, "back", v, sizeof(v));
	assert_string_equal(v, "1");
	db_value(f, "SELECT count(*) FROM pg_stat_activity WHERE "
	    "datname = current_database() AND application_name = 'custosd'",
	    v, sizeof(v));
	assert_string_equal(v, "2");
}

/* Through store.c's writer: group commit with lazy savepoints, buffered
 * rows and failing jobs, from several threads at once. */
#define W_THREADS 6
#define W_JOBS 40

struct wjob {
	char key[32];
	int fail;               /* write, then fail: rolled back */
	int announce;           /* announce, without other SQL */
	int sql;                /* send SQL at all */
};

static int
wjob_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct wjob *j = arg;

	if (j->announce && ops->announce(c, STORE_NEWS_TOKENS, e) == -1)
		return -1;
	if (j->sql && ops->meta_set(c, j->key, "1", 1, e) == -1)
		return -1;
	if (j->fail)
		return err_set(e, 409, "conflict", "failing on purpose");
	return 0;
}

static int
wjob_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct wjob *j = arg;

	(void)apply_err;
	(void)time_ms;
	if (buf_printf(out, "{\"key\":\"%s\",\"index\":%lld,\"ok\":%d}",
	    j->key, (long long)index, apply_rc == 0) == -1)
		return -1;
	en->action = "test";
	en->actor_id = "";
	en->engineer_id = "";
	en->vendor_id = "";
	en->tenant_id = "";
	en->session_id = "";
	en->device_id = "";
	en->source = "";
	en->allowed = apply_rc == 0;
	return 0;
}

struct wthread {
	struct store *s;
	int id;
	int bad;
	struct wjob jobs[W_JOBS];
};

static void *
wthread_main(void *arg)
{
	struct wthread *t = arg;
	int i;

	for (i = 0; i < W_JOBS; i++) {
		struct wjob *j = &t->jobs[i];
		struct store_job job = { wjob_apply, wjob_entry, j };
		struct err e;
		int64_t index = -1;
		int rc;

		str_printf(j->key, sizeof(j->key), "w%d_%d", t->id, i);
		j->fail = i % 5 == 3;
		j->sql = i % 3 != 0;
		j->announce = i % 7 == 6;
		err_init(&e);
		rc = store_write(t->s, &job, &index, &e);
		if ((rc == 0) == j->fail || index < 0)
			t->bad++;
	}
	return NULL;
}

static int
count_entry(void *arg, int64_t index, const char *bytes, size_t len)
{
	int64_t *n = arg;

	(void)bytes;
	(void)len;
	if (index != *n)
		return 1;       /* not dense: stops short */
	(*n)++;
	return 0;
}

static void
store_writes_through_postgresql(void **state)
{
	struct fixture *f = *state;
	struct store_config cfg;
	struct wthread t[W_THREADS];
	pthread_t th[W_THREADS];
	struct store *s;
	struct err e;
	int64_t n = 0;
	char v[64];
	int i, k;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = ops;
	cfg.where = f->where;
	cfg.readers = 4;
	cfg.batch_max = 16;
	err_init(&e);
	s = store_open(&cfg, &e);
	if (s == NULL && e.status == 501) {
		print_message("store: %s; not tested until pg_log.c is in\n",
		    e.msg);
		return;
	}
	if (s == NULL)
		fail_msg("store_open: %s", e.msg);
	for (i = 0; i < W_THREADS; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].s = s;
		t[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, wthread_main,
		    &t[i]), 0);
	}
	for (i = 0; i < W_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].bad, 0);
	}
	assert_int_equal(store_entry_count(s), W_THREADS * W_JOBS);
	store_close(s);
	assert_int_equal(head_now(f->r), W_THREADS * W_JOBS);
	err_init(&e);
	assert_int_equal(ops->entry_range(f->r, 0, W_THREADS * W_JOBS,
	    count_entry, &n, &e), 0);
	assert_int_equal(n, W_THREADS * W_JOBS);
	for (i = 0; i < W_THREADS; i++)
		for (k = 0; k < W_JOBS; k++) {
			const struct wjob *j = &t[i].jobs[k];

			meta_read(f->r, j->key, v, sizeof(v));
			assert_string_equal(v, j->sql && !j->fail ? "1" : "");
		}
	/* Announces of failed jobs were rolled back with them. */
	k = 0;
	for (i = 0; i < W_JOBS; i++)
		k += i % 7 == 6 && i % 5 != 3;
	str_printf(v, sizeof(v), "%d", k * W_THREADS);
	{
		char got[64];

		meta_read(f->r, "news_gen", got, sizeof(got));
		assert_string_equal(got, v);
	}
}

/* The start-up lock: a second node waits until the first closes. */
struct locker {
	const char *where;
	volatile int got;
};

static void *
lock_second(void *arg)
{
	struct locker *l = arg;
	struct store_conn *c;
	struct err e;

	err_init(&e);
	c = ops->open(l->where, STORE_CONN_INIT, &e);
	if (c != NULL && ops->init_lock(c, &e) == 0)
		l->got = 1;
	else
		l->got = -1;
	ops->close(c);
	return NULL;
}

static void
init_lock_is_held_until_close(void **state)
{
	struct fixture *f = *state;
	struct store_conn *c;
	struct locker l = { f->where, 0 };
	pthread_t t;
	struct err e;

	err_init(&e);
	c = ops->open(f->where, STORE_CONN_INIT, &e);
	assert_non_null(c);
	assert_int_equal(ops->init_lock(c, &e), 0);
	assert_int_equal(pthread_create(&t, NULL, lock_second, &l), 0);
	sleep_ms(400);
	assert_int_equal(l.got, 0);
	ops->close(c);
	pthread_join(t, NULL);
	assert_int_equal(l.got, 1);
}

/* The URL: $CUSTOS_PG_URL, or the first line of $CUSTOS_PG_URL_FILE. */
static int
find_url(void)
{
	const char *u = getenv("CUSTOS_PG_URL");
	const char *file = getenv("CUSTOS_PG_URL_FILE");
	FILE *fp;

	if (u != NULL && *u != '\0') {
		str_copy(admin_url, sizeof(admin_url), u);
		return 0;
	}
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
		cmocka_unit_test_setup_teardown(
		    open_and_migrate_are_idempotent, setup, teardown),
		cmocka_unit_test(nodes_starting_together_migrate_once),
		cmocka_unit_test_setup_teardown(open_checks_the_database,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    url_opens_and_readers_are_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(meta_round_trips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    transactions_commit_or_roll_back_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(head_moves_only_on_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(job_without_sql_sends_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    job_rolled_back_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    writers_serialise_on_the_head, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    leases_take_renew_take_over_and_fence, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    watch_hears_announce_and_polls, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    killed_connection_is_503_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    init_lock_is_held_until_close, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_writes_through_postgresql, setup, teardown),
	};
	int rc;

	if (find_url() == -1) {
		printf("unit.store_pg: skipped: no PostgreSQL (set "
		    "CUSTOS_PG_URL or CUSTOS_PG_URL_FILE)\n");
		return 77;
	}
	admin = PQconnectdb(admin_url);
	if (PQstatus(admin) != CONNECTION_OK) {
		fprintf(stderr, "unit.store_pg: cannot connect to the test "
		    "server: %s", PQerrorMessage(admin));
		PQfinish(admin);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	PQfinish(admin);
	return rc;
}
