/* SPDX-License-Identifier: ISC */
/*
 * The log on PostgreSQL (src/store/pg_log.c, pg_keys.c, pg_logfilter.c,
 * pg_scope.c) against the log on SQLite: the same entries appended to
 * both (with a savepoint rolled back after some rows were sent, a flush
 * in the middle, entries across a chunk of 2^16 indexes, entries whose
 * key rows carry no columns), then every read of the log asked of both,
 * the answers written out as text and compared: same rows, same order.
 *
 * Needs a real PostgreSQL: the URL of a superuser in CUSTOS_PG_URL, or
 * in the file CUSTOS_PG_URL_FILE names (ctest's fixture pg, see
 * tests/CMakeLists.txt); without one the test is skipped.  It makes a
 * database of its own, with the schema of schema_pg.h, and drives
 * pg_log.c on a raw connection (store_pg.c's transactions are not used:
 * BEGIN, SAVEPOINT and COMMIT are sent here).  Then the same through
 * store_open on both backends (store_pg.c's transactions and lazy
 * savepoints with pg_log.c's buffer): batches of jobs, some whose change
 * fails (their savepoint rolled back), some that read the log on the
 * writer mid-batch (rows sent before the savepoint), and atomic groups
 * undone after some of their rows were sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/str.h"
#include "store/pg_int.h"
#include "store/schema_pg.h"
#include "store/store.h"

#define FIRST 65000             /* the log crosses chunk 0 -> 1 */
#define N 2600
#define MARK 1000               /* a savepoint here ... */
#define SENT 1400               /* ... rows sent up to here ... */
#define UNDO 1700               /* ... rolled back from here */

struct fix {
	char url[512];
	char dir[64];
	PGconn *admin;
	char db[64];
	struct store_conn *pw, *pr;     /* PostgreSQL writer, reader */
	struct store_conn *sw;          /* SQLite */
};

/* Entry i's columns and bytes, the same every time. */
struct prep {
	char actor[16], engineer[16], vendor[16], tenant[16], action[300];
	char session[16], device[16], source[16], target[32];
	char bytes[1024];
	uint8_t leaf[49];
	struct rec_entry en;
};

static void
prep_make(struct prep *p, int64_t i)
{
	char when[RFC3339_MS_LEN];
	int64_t t = 1790000000 + i / 7;
	int eng = i % 9 != 0;
	const char *target_json;
	char tj[48];

	memset(p, 0, sizeof(*p));
	str_printf(p->actor, sizeof(p->actor), "%s-%d", eng ? "eng" : "usr",
	    (int)(i % 7));
	if (eng) {
		str_copy(p->engineer, sizeof(p->engineer), p->actor);
		str_printf(p->vendor, sizeof(p->vendor), "ven-%d",
		    (int)(i % 3));
		str_printf(p->device, sizeof(p->device), "dev-%d",
		    (int)(i % 11));
	}
	if (i % 17 != 0)
		str_printf(p->tenant, sizeof(p->tenant), "ten-%d",
		    (int)(i % 5));
	if (i % 101 == 0)
		str_copy(p->action, sizeof(p->action),
		    "tenant.support_policy");
	else if (i % 53 == 0) {
		/* Too long for the key row's columns: read from the entry. */
		memset(p->action, 'x', 280);
		memcpy(p->action, "user.", 5);
		p->action[280] = '\0';
	} else
		str_copy(p->action, sizeof(p->action), i % 2 ? "user.get" :
		    "ticket.list");
	str_printf(p->session, sizeof(p->session), "ses-%d", (int)(i / 50));
	str_printf(p->source, sizeof(p->source), "10.0.0.%d", (int)(i % 4));
	target_json = "null";
	if (i % 3 == 1) {
		str_printf(p->target, sizeof(p->target), "usr_%d",
		    (int)(i % 13));
		str_printf(tj, sizeof(tj), "\"%s\"", p->target);
		target_json = tj;
	} else if (i % 3 == 2) {
		str_copy(tj, sizeof(tj), "42");
		target_json = tj;
	}
	time_format_ms(when, t * 1000 + i % 1000);
	str_printf(p->bytes, sizeof(p->bytes), "{\"v\":1,\"time\":\"%s\","
	    "\"actor\":\"%s\",\"action\":\"%s\",\"tenant\":\"%s\","
	    "\"target\":%s,\"i\":%lld}", when, p->actor, p->action,
	    p->tenant, target_json, (long long)i);
	p->en.index = FIRST + i;
	p->en.time = t;
	/* Every 29th entry's ms are unknown: its key rows carry no
	 * columns. */
	p->en.time_ms = i % 29 == 0 ? 0 : t * 1000 + i % 1000;
	p->en.actor_id = p->actor;
	p->en.engineer_id = p->engineer;
	p->en.vendor_id = p->vendor;
	p->en.tenant_id = p->tenant;
	p->en.action = p->action;
	p->en.session_id = p->session;
	p->en.device_id = p->device;
	p->en.source = p->source;
	p->en.allowed = i % 5 != 0;
	p->en.bytes = p->bytes;
	p->en.len = strlen(p->bytes);
	p->en.target = p->target[0] != '\0' ? p->target : NULL;
	if (i % 4 != 0) {
		memset(p->leaf, (int)(i & 0xff), sizeof(p->leaf));
		p->en.leaf = p->leaf;
		p->en.leaf_len = sizeof(p->leaf);
	}
}

static int
read_url(char *out, size_t size)
{
	const char *u = getenv("CUSTOS_PG_URL"), *f;
	FILE *fp;

	if (u != NULL && u[0] != '\0')
		return str_copy(out, size, u);
	f = getenv("CUSTOS_PG_URL_FILE");
	if (f == NULL || (fp = fopen(f, "r")) == NULL)
		return -1;
	if (fgets(out, (int)size, fp) == NULL) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] != '\0' ? 0 : -1;
}

static void
run(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
}

/* The URL of database db on the server of url. */
static void
db_url(char *out, size_t size, const char *url, const char *db)
{
	const char *slash = strrchr(url, '/');
	const char *q = strchr(url, '?');

	assert_non_null(slash);
	assert_int_equal(str_printf(out, size, "%.*s/%s%s",
	    (int)(slash - url), url, db, q != NULL ? q : ""), 0);
}

static struct store_conn *
pg_conn(const char *url, int kind)
{
	struct store_conn *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->conninfo = strdup(url);
	c->pg = PQconnectdb(url);
	c->kind = kind;
	assert_int_equal(PQstatus(c->pg), CONNECTION_OK);
	return c;
}

static void
pg_conn_free(struct store_conn *c)
{
	if (c == NULL)
		return;
	pg_log_free(c);
	PQfinish(c->pg);
	free(c->conninfo);
	free(c);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	char url[600], path[128];
	char sql[128];
	struct err e;

	assert_non_null(f);
	if (read_url(f->url, sizeof(f->url)) == -1) {
		free(f);
		*state = NULL;
		return 0;
	}
	f->admin = PQconnectdb(f->url);
	assert_int_equal(PQstatus(f->admin), CONNECTION_OK);
	str_printf(f->db, sizeof(f->db), "pglog_%d_%d", (int)getpid(),
	    rand() % 100000);
	str_printf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0 "
	    "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", f->db);
	run(f->admin, sql);
	db_url(url, sizeof(url), f->url, f->db);
	f->pw = pg_conn(url, STORE_CONN_WRITE);
	run(f->pw->pg, pg_schema_base);
	f->pr = pg_conn(url, STORE_CONN_READ);

	str_copy(f->dir, sizeof(f->dir), "/tmp/test-pglog-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	str_printf(path, sizeof(path), "%s/custos.db", f->dir);
	err_init(&e);
	f->sw = store_sqlite_ops.open(path, STORE_CONN_WRITE, &e);
	assert_non_null(f->sw);
	assert_int_equal(store_sqlite_ops.migrate(f->sw, &e), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	char sql[128], path[160];
	static const char *const tails[] = {"", "-wal", "-shm"};
	size_t i;

	if (f == NULL)
		return 0;
	pg_conn_free(f->pw);
	pg_conn_free(f->pr);
	str_printf(sql, sizeof(sql), "DROP DATABASE %s", f->db);
	run(f->admin, sql);
	PQfinish(f->admin);
	store_sqlite_ops.close(f->sw);
	for (i = 0; i < 3; i++) {
		str_printf(path, sizeof(path), "%s/custos.db%s", f->dir,
		    tails[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
pg_begin(struct store_conn *c)
{
	run(c->pg, "BEGIN");
	c->in_tx = 1;
}

static void
pg_commit(struct store_conn *c)
{
	char sql[128];
	struct err e;
	int64_t to = pg_log_appended_to(c);

	err_init(&e);
	assert_int_equal(pg_log_flush(c, pg_log_count(c), &e), 0);
	if (to >= 0) {
		str_printf(sql, sizeof(sql), "UPDATE log_head SET size = %lld "
		    "WHERE id = 1", (long long)to);
		run(c->pg, sql);
	}
	run(c->pg, "COMMIT");
	c->in_tx = 0;
	pg_log_reset(c);
}

static void
append_both(struct fix *f, int64_t i)
{
	struct prep p;
	struct err e;

	prep_make(&p, i);
	err_init(&e);
	if (pg_entry_append(f->pw, &p.en, &e) != 0)
		fail_msg("pg append %lld: %s", (long long)i, e.msg);
	if (store_sqlite_ops.entry_append(f->sw, &p.en, &e) != 0)
		fail_msg("sqlite append %lld: %s", (long long)i, e.msg);
}

/* The same log in both stores. */
static void
fill(struct fix *f)
{
	struct err e;
	int64_t i;

	err_init(&e);
	pg_begin(f->pw);
	assert_int_equal(store_sqlite_ops.begin(f->sw, &e), 0);
	for (i = 0; i < MARK; i++)
		append_both(f, i);
	/* A savepoint at MARK whose rows are partly sent, then undone. */
	assert_int_equal(pg_log_flush(f->pw, MARK, &e), 0);
	assert_int_equal((int)pg_log_sent(f->pw), MARK);
	run(f->pw->pg, "SAVEPOINT s");
	assert_int_equal(store_sqlite_ops.savepoint(f->sw, &e), 0);
	for (i = MARK; i < UNDO; i++)
		append_both(f, i);
	assert_int_equal(pg_log_flush(f->pw, SENT, &e), 0);
	run(f->pw->pg, "ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s");
	pg_log_truncate(f->pw, MARK);
	store_sqlite_ops.rollback_savepoint(f->sw);
	assert_int_equal((int)pg_log_count(f->pw), MARK);
	assert_int_equal((int)pg_log_sent(f->pw), MARK);
	assert_int_equal(pg_log_appended_to(f->pw), FIRST + MARK);
	/* Out of order: refused. */
	{
		struct prep p;

		prep_make(&p, MARK + 5);
		assert_int_equal(pg_entry_append(f->pw, &p.en, &e), -1);
	}
	for (i = MARK; i < N / 2; i++)
		append_both(f, i);
	pg_commit(f->pw);
	assert_int_equal(store_sqlite_ops.commit(f->sw, &e), 0);

	pg_begin(f->pw);
	assert_int_equal(store_sqlite_ops.begin(f->sw, &e), 0);
	/* Small flushes (one INSERT each, not COPY) as a writer's reads
	 * make them. */
	for (i = N / 2; i < N; i++) {
		append_both(f, i);
		if (i % 37 == 0)
			assert_int_equal(pg_log_flush(f->pw,
			    pg_log_count(f->pw), &e), 0);
	}
	pg_commit(f->pw);
	assert_int_equal(store_sqlite_ops.commit(f->sw, &e), 0);
}

/* --- answers as text --- */

static int
entry_out(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct buf *b = arg;

	assert_int_equal(buf_printf(b, "%lld %.*s\n", (long long)index,
	    (int)len, bytes), 0);
	return 0;
}

static int
leaf_out(void *arg, const struct rec_leaf *r)
{
	struct buf *b = arg;
	size_t i;

	assert_int_equal(buf_printf(b, "%lld %s %s", (long long)r->index,
	    r->tenant_id, r->leaf == NULL ? "null" : ""), 0);
	for (i = 0; r->leaf != NULL && i < r->leaf_len; i++)
		assert_int_equal(buf_printf(b, "%02x", r->leaf[i]), 0);
	if (r->bytes != NULL)
		assert_int_equal(buf_printf(b, " %.*s", (int)r->len,
		    r->bytes), 0);
	assert_int_equal(buf_puts(b, "\n"), 0);
	return 0;
}

static int
cols_out(void *arg, const struct store_entry_cols *r)
{
	struct buf *b = arg;

	assert_int_equal(buf_printf(b, "%lld %lld [%s] [%s] [%.40s] %d [%s] "
	    "[%s]\n", (long long)r->index, (long long)r->time, r->actor_id,
	    r->tenant_id, r->action, r->allowed, r->time_text, r->user), 0);
	return 0;
}

static void
same(const char *what, struct buf *a, struct buf *b)
{
	assert_int_equal(buf_append(a, "", 1), 0);
	assert_int_equal(buf_append(b, "", 1), 0);
	if (a->len != b->len || strcmp(a->data, b->data) != 0) {
		fprintf(stderr, "%s differs:\n--- pg\n%.2000s\n--- sqlite\n"
		    "%.2000s\n", what, a->data, b->data);
		fail_msg("%s: PostgreSQL and SQLite disagree", what);
	}
	buf_reset(a);
	buf_reset(b);
}

static void
test_pg_log_same_as_sqlite(void **state)
{
	struct fix *f = *state;
	const struct store_ops *sq = &store_sqlite_ops;
	static const char *const ids[SP_COUNT][3] = {
		[SP_ENGINEER] = {"eng-1", "eng-0", "usr-0"},
		[SP_DEVICE] = {"dev-3", "dev-10", "nope"},
		[SP_SESSION] = {"ses-3", "ses-30", "ses-51"},
		[SP_VENDOR] = {"ven-1", "ven-2", "ven-9"},
		[SP_SOURCE] = {"10.0.0.1", "10.0.0.3", ""},
		[SP_TENANT] = {"ten-1", "ten-4", "ten-9"},
	};
	static const int64_t wins[][2] = {
		{INT64_MIN, INT64_MAX}, {1790000010, 1790000100},
		{1790000300, 1790000301}, {0, 1},
	};
	struct store_conn *cs[2];
	struct buf a, b;
	struct err e;
	int64_t n;
	int k, i, w, which;

	if (f == NULL) {
		skip();
		return;
	}
	fill(f);
	buf_init(&a, 64 << 20);
	buf_init(&b, 64 << 20);
	err_init(&e);
	for (which = 0; which < 2; which++) {
		struct store_conn *c = which == 0 ? f->pr : f->pw;

		cs[0] = c;
		cs[1] = f->sw;
		assert_int_equal(pg_entry_count(c, &n, &e), 0);
		assert_int_equal(n, FIRST + N);
		assert_int_equal(pg_entry_range(c, FIRST - 5, FIRST + N + 5,
		    entry_out, &a, &e), 0);
		assert_int_equal(sq->entry_range(cs[1], FIRST - 5,
		    FIRST + N + 5, entry_out, &b, &e), 0);
		same("entry_range", &a, &b);
		for (k = 0; k < 2; k++) {
			assert_int_equal(pg_entry_leaves(c, FIRST + 3,
			    FIRST + 900, k, leaf_out, &a, &e), 0);
			assert_int_equal(sq->entry_leaves(cs[1], FIRST + 3,
			    FIRST + 900, k, leaf_out, &b, &e), 0);
			same("entry_leaves", &a, &b);
		}
		assert_int_equal(pg_entry_policy_changes(c, entry_out, &a, &e),
		    0);
		assert_int_equal(sq->entry_policy_changes(cs[1], entry_out,
		    &b, &e), 0);
		same("entry_policy_changes", &a, &b);
		for (k = 0; k < SP_COUNT; k++)
			for (i = 0; i < 3; i++)
				for (w = 0; w < 4; w++) {
					if (ids[k][i][0] == '\0')
						continue;
					assert_int_equal(pg_entry_by_principal(
					    c, k, ids[k][i], wins[w][0],
					    wins[w][1], entry_out, &a, &e), 0);
					assert_int_equal(sq->entry_by_principal(
					    cs[1], k, ids[k][i], wins[w][0],
					    wins[w][1], entry_out, &b, &e), 0);
					same("entry_by_principal", &a, &b);
					assert_int_equal(
					    pg_entry_cols_by_principal(c, k,
					    ids[k][i], wins[w][0], wins[w][1],
					    cols_out, &a, &e), 0);
					assert_int_equal(
					    sq->entry_cols_by_principal(cs[1],
					    k, ids[k][i], wins[w][0],
					    wins[w][1], cols_out, &b, &e), 0);
					same("entry_cols_by_principal", &a, &b);
				}
		for (i = 0; i < 3; i++) {
			static const int64_t starts[] = {0, FIRST + 400,
			    FIRST + 2000};
			static const int64_t limits[] = {-1, 7, 1};
			int s, l;

			for (s = 0; s < 3; s++)
				for (l = 0; l < 3; l++) {
					assert_int_equal(pg_entry_range_tenant(
					    c, ids[SP_TENANT][i], starts[s],
					    limits[l], entry_out, &a, &e), 0);
					assert_int_equal(sq->entry_range_tenant(
					    cs[1], ids[SP_TENANT][i], starts[s],
					    limits[l], entry_out, &b, &e), 0);
					same("entry_range_tenant", &a, &b);
				}
		}
		assert_int_equal(pg_entry_range_tenant(c, "", FIRST + 10, 20,
		    entry_out, &a, &e), 0);
		assert_int_equal(sq->entry_range_tenant(cs[1], "", FIRST + 10,
		    20, entry_out, &b, &e), 0);
		same("entry_range_tenant ''", &a, &b);
		assert_int_equal(pg_entry_get(c, FIRST + 77, entry_out, &a,
		    &e), 0);
		assert_int_equal(sq->entry_get(cs[1], FIRST + 77, entry_out,
		    &b, &e), 0);
		same("entry_get", &a, &b);
		assert_int_equal(pg_entry_get(c, FIRST + N, entry_out, &a, &e),
		    1);
		{
			struct store_entry_filter fl;
			int64_t na, nb;
			int d;

			for (d = 0; d < 8; d++) {
				memset(&fl, 0, sizeof(fl));
				fl.start = 0;
				fl.end = FIRST + N;
				fl.desc = d & 1;
				fl.limit = d & 2 ? 5 : 100;
				fl.scan = d & 4 ? 300 : 100000;
				fl.tenant_id = d & 2 ? "ten-2" : NULL;
				fl.actor_id = d == 4 ? "eng-3" : NULL;
				fl.action = d == 5 ? "user.get" : NULL;
				fl.allowed = d == 6 ? 0 : -1;
				fl.since = d == 7 ? 1790000050 : INT64_MIN;
				fl.until = d == 7 ? 1790000070 : INT64_MAX;
				assert_int_equal(pg_entry_filter(c, &fl,
				    leaf_out, &a, &na, &e), 0);
				assert_int_equal(sq->entry_filter(cs[1], &fl,
				    leaf_out, &b, &nb, &e), 0);
				assert_int_equal(buf_printf(&a, "next %lld\n",
				    (long long)na), 0);
				assert_int_equal(buf_printf(&b, "next %lld\n",
				    (long long)nb), 0);
				same("entry_filter", &a, &b);
			}
		}
	}
	buf_cleanup(&a);
	buf_cleanup(&b);
}

static void
test_pg_tiles_checkpoints(void **state)
{
	struct fix *f = *state;
	uint8_t h[64];
	struct buf out;
	struct err e;

	if (f == NULL) {
		skip();
		return;
	}
	buf_init(&out, 1 << 20);
	err_init(&e);
	memset(h, 0xab, sizeof(h));
	assert_int_equal(pg_tile_get(f->pr, 0, 3, &out, &e), 1);
	assert_int_equal(pg_tile_put(f->pw, 0, 3, h, 32, &e), 0);
	assert_int_equal(pg_tile_put(f->pw, 0, 3, h, 32, &e), 0);
	assert_int_equal(pg_tile_put(f->pw, 0, 3, h, 64, &e), 0);
	assert_int_equal(pg_tile_get(f->pr, 0, 3, &out, &e), 0);
	assert_int_equal(out.len, 64);
	/* Tiles only grow: the trigger refuses, as a 500. */
	h[0] = 0;
	assert_int_equal(pg_tile_put(f->pw, 0, 3, h, 32, &e), -1);
	assert_int_equal(e.status, 500);
	buf_reset(&out);
	assert_int_equal(pg_checkpoint_latest(f->pr, &out, &e), 1);
	assert_int_equal(pg_checkpoint_put(f->pw, 5, 100, "five", &e), 0);
	assert_int_equal(pg_checkpoint_put(f->pw, 9, 101, "nine", &e), 0);
	assert_int_equal(pg_checkpoint_put(f->pw, 9, 102, "again", &e), 0);
	assert_int_equal(pg_checkpoint_latest(f->pr, &out, &e), 0);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "nine", 4);
	buf_cleanup(&out);
}

static int
grant_out(void *arg, const struct rec_grant *g)
{
	struct buf *b = arg;

	assert_int_equal(buf_printf(b, "%s/%s/%lld ", g->id, g->tenant_id,
	    (long long)g->decided), 0);
	return 0;
}

/* The grants held in a window, by engineer and by vendor, in SQLite's
 * order (its rowid ties broken by created, then id). */
static void
test_pg_grants_overlapping(void **state)
{
	struct fix *f = *state;
	struct buf out;
	struct err e;

	if (f == NULL) {
		skip();
		return;
	}
	run(f->pw->pg, "INSERT INTO vendors(id, name, created) VALUES "
	    "('v1', 'V1', 1), ('v2', 'V2', 1);"
	    "INSERT INTO engineers(id, username, vendor_id, password_hash, "
	    "created) VALUES ('e1', 'u1', 'v1', 'x', 1), "
	    "('e2', 'u2', 'v1', 'x', 1), ('e3', 'u3', 'v2', 'x', 1);"
	    "INSERT INTO tenants(id, name, policy, created) VALUES "
	    "('tb', 'B', 0, 1), ('ta', 'A', 0, 1);"
	    "INSERT INTO grants(id, tenant_id, engineer_id, vendor_id, "
	    "ticket_id, reason, minutes, state, break_glass, created, decided, "
	    "decided_by, deadline) VALUES "
	    /* held in [100, 200): */
	    "('g1', 'tb', 'e1', 'v1', 't', 'r', 5, 1, 0, 10, 50, 'x', 150),"
	    "('g2', 'ta', 'e1', 'v1', 't', 'r', 5, 3, 0, 11, 120, 'x', 300),"
	    "('g3', 'ta', 'e1', 'v1', 't', 'r', 5, 1, 0, 12, 60, 'x', 300),"
	    "('g4', 'ta', 'e2', 'v1', 't', 'r', 5, 4, 0, 13, 90, 'x', 101),"
	    /* not: ended before, decided after, pending, denied: */
	    "('g5', 'ta', 'e1', 'v1', 't', 'r', 5, 1, 0, 14, 50, 'x', 100),"
	    "('g6', 'ta', 'e1', 'v1', 't', 'r', 5, 1, 0, 15, 200, 'x', 300),"
	    "('g7', 'ta', 'e1', 'v1', 't', 'r', 5, 0, 0, 16, 0, '', 300),"
	    "('g8', 'ta', 'e1', 'v1', 't', 'r', 5, 2, 0, 17, 120, 'x', 300),"
	    "('g9', 'ta', 'e3', 'v2', 't', 'r', 5, 1, 0, 18, 120, 'x', 300)");
	buf_init(&out, 1 << 20);
	err_init(&e);
	assert_int_equal(pg_grant_overlapping_ids(f->pr, "e1", NULL, 100, 200,
	    grant_out, &out, &e), 0);
	assert_int_equal(buf_append(&out, "", 1), 0);
	/* tenant, state, deadline. */
	assert_string_equal(out.data, "g3/ta/60 g2/ta/120 g1/tb/50 ");
	buf_reset(&out);
	assert_int_equal(pg_grant_overlapping_ids(f->pr, NULL, "v1", 100, 200,
	    grant_out, &out, &e), 0);
	assert_int_equal(buf_append(&out, "", 1), 0);
	/* state, deadline. */
	assert_string_equal(out.data,
	    "g1/tb/50 g3/ta/60 g2/ta/120 g4/ta/90 ");
	buf_cleanup(&out);
}

/* An append outside a transaction is stored at once, with the head. */
static void
test_pg_append_alone(void **state)
{
	struct fix *f = *state;
	struct prep p;
	struct buf out;
	struct err e;
	int64_t n = -1;

	if (f == NULL) {
		skip();
		return;
	}
	buf_init(&out, 1 << 20);
	err_init(&e);
	prep_make(&p, 0);
	p.en.index = 0;
	assert_int_equal(pg_entry_append(f->pw, &p.en, &e), 0);
	assert_int_equal(pg_log_count(f->pw), 0);
	assert_int_equal(pg_entry_count(f->pr, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pg_entry_get(f->pr, 0, entry_out, &out, &e), 0);
	assert_true(out.len > 10);
	buf_reset(&out);
	assert_int_equal(pg_entry_by_principal(f->pr, SP_SESSION, "ses-0",
	    INT64_MIN, INT64_MAX, entry_out, &out, &e), 0);
	assert_true(out.len > 10);
	buf_cleanup(&out);
}

/* A dead connection: 503, and marked broken. */
static void
test_pg_log_lost(void **state)
{
	struct fix *f = *state;
	struct prep p;
	struct err e;
	char sql[160];

	if (f == NULL) {
		skip();
		return;
	}
	pg_begin(f->pw);
	prep_make(&p, 0);
	p.en.index = 0;
	err_init(&e);
	assert_int_equal(pg_entry_append(f->pw, &p.en, &e), 0);
	str_printf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)",
	    PQbackendPID(f->pw->pg));
	run(f->admin, sql);
	usleep(100000);
	assert_int_equal(pg_log_flush(f->pw, 1, &e), -1);
	assert_int_equal(e.status, 503);
	assert_true(f->pw->broken);
	pg_log_reset(f->pw);
	f->pw->in_tx = 0;
}

/* --- the same jobs through store_open on both backends --- */

struct sjob {
	struct prep p;
	int fail;                       /* apply fails */
	int read;                       /* apply reads the log first */
	int slow;                       /* apply takes 200 ms */
	const struct store_ops *ops;
};

static int
read_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	(void)index;
	(void)bytes;
	(void)len;
	++*(int64_t *)arg;
	return 0;
}

static int
sjob_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct sjob *j = arg;
	int64_t n = 0;

	if (j->read && j->ops->entry_by_principal(c, SP_SESSION, "ses-0",
	    INT64_MIN, INT64_MAX, read_cb, &n, e) == -1)
		return -1;
	if (j->slow)
		usleep(200000);
	if (j->fail)
		return err_set(e, 409, "conflict", "refused on purpose");
	return 0;
}

static int
sjob_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct sjob *j = arg;

	(void)apply_err;
	(void)time_ms;
	prep_make(&j->p, index);
	*en = j->p.en;
	en->allowed = apply_rc == 0;
	en->leaf = NULL;
	en->leaf_len = 0;
	return buf_append(out, j->p.bytes, strlen(j->p.bytes));
}

static atomic_int async_left;

static void
async_done(void *arg, int rc, int64_t index, const struct err *e)
{
	(void)arg;
	(void)rc;
	(void)index;
	(void)e;
	atomic_fetch_sub(&async_left, 1);
}

#define SJOBS 280

struct group {
	struct store *s;
	const struct store_job *jobs;
	int rc;
};

static void *
group_main(void *arg)
{
	struct group *g = arg;
	struct err e;

	err_init(&e);
	g->rc = store_write_all(g->s, g->jobs, 20, &e);
	return NULL;
}

static void
drive(struct store *s, const struct store_ops *ops, struct sjob *jobs)
{
	struct store_job sj[SJOBS];
	struct err e;
	int i, k;

	for (i = 0; i < SJOBS; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].ops = ops;
		jobs[i].fail = i % 10 == 3;
		jobs[i].read = i % 10 == 5 || i % 40 == 21;
		sj[i].apply = sjob_apply;
		sj[i].entry = sjob_entry;
		sj[i].arg = &jobs[i];
	}
	err_init(&e);
	/* Single jobs, batched by the writer. */
	atomic_store(&async_left, 100);
	for (i = 0; i < 100; i++)
		assert_int_equal(store_write_async(s, &sj[i], async_done, NULL,
		    &e), 0);
	while (atomic_load(&async_left) > 0)
		usleep(1000);
	/* Atomic groups of 20: every other one fails at its end, after a
	 * read sent its first rows. */
	for (k = 100; k < 240; k += 20) {
		int bad = (k / 20) % 2 == 0;

		jobs[k + 19].fail = bad;
		for (i = k; i < k + 19; i++)
			jobs[i].fail = 0;
		jobs[k + 10].read = 1;
		assert_int_equal(store_write_all(s, &sj[k], 20, &e),
		    bad ? -1 : 0);
	}
	/* One batch: a slow job (so the rest queue behind it), a group
	 * undone after a read sent its first rows, then single jobs that
	 * append after the undone rows in the same transaction. */
	{
		struct group g = {s, &sj[241], 0};
		pthread_t t;

		for (i = 241; i < 261; i++)
			jobs[i].fail = jobs[i].read = 0;
		jobs[250].read = 1;
		jobs[260].fail = 1;
		jobs[240].slow = 1;
		jobs[240].fail = jobs[240].read = 0;
		atomic_store(&async_left, 1 + (SJOBS - 261));
		assert_int_equal(store_write_async(s, &sj[240], async_done,
		    NULL, &e), 0);
		usleep(50000);
		assert_int_equal(pthread_create(&t, NULL, group_main, &g), 0);
		usleep(50000);
		for (i = 261; i < SJOBS; i++)
			assert_int_equal(store_write_async(s, &sj[i],
			    async_done, NULL, &e), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_int_equal(g.rc, -1);
		while (atomic_load(&async_left) > 0)
			usleep(1000);
	}
}

static void
test_pg_store_same_as_sqlite(void **state)
{
	struct fix *f = *state;
	static const struct clock clk = {NULL};
	struct store_config cfg;
	struct store *sp, *ss;
	struct store_conn *rp, *rs;
	static struct sjob jp[SJOBS], js[SJOBS];
	char url[600], path[128];
	struct buf a, b;
	struct err e;
	int k;

	if (f == NULL) {
		skip();
		return;
	}
	/* A database of the store's own: migrated by store_open. */
	pg_conn_free(f->pw);
	f->pw = NULL;
	pg_conn_free(f->pr);
	f->pr = NULL;
	db_url(url, sizeof(url), f->url, f->db);
	run(f->admin, "SELECT 1");
	{
		char sql[128];

		str_printf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)",
		    f->db);
		run(f->admin, sql);
		str_printf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE "
		    "template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
		    f->db);
		run(f->admin, sql);
	}
	err_init(&e);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_pg_ops;
	cfg.where = url;
	cfg.readers = 2;
	cfg.clock = &clk;
	cfg.node = "test";
	sp = store_open(&cfg, &e);
	if (sp == NULL)
		fail_msg("store_open (PostgreSQL): %s", e.msg);
	store_init_done(sp);
	str_printf(path, sizeof(path), "%s/store.db", f->dir);
	cfg.ops = &store_sqlite_ops;
	cfg.where = path;
	ss = store_open(&cfg, &e);
	assert_non_null(ss);
	store_init_done(ss);
	drive(sp, &store_pg_ops, jp);
	drive(ss, &store_sqlite_ops, js);
	assert_int_equal(store_entry_count(sp), store_entry_count(ss));
	assert_true(store_entry_count(sp) > 150);

	rp = store_reader_get(sp, &e);
	rs = store_reader_get(ss, &e);
	assert_non_null(rp);
	assert_non_null(rs);
	buf_init(&a, 64 << 20);
	buf_init(&b, 64 << 20);
	assert_int_equal(store_pg_ops.entry_range(rp, 0, INT64_MAX, entry_out,
	    &a, &e), 0);
	assert_int_equal(store_sqlite_ops.entry_range(rs, 0, INT64_MAX,
	    entry_out, &b, &e), 0);
	same("store: entry_range", &a, &b);
	for (k = 0; k < SP_COUNT; k++) {
		static const char *const ids[SP_COUNT] = {"eng-1", "dev-3",
		    "ses-2", "ven-0", "10.0.0.2", "ten-3"};

		assert_int_equal(store_pg_ops.entry_by_principal(rp, k, ids[k],
		    INT64_MIN, INT64_MAX, entry_out, &a, &e), 0);
		assert_int_equal(store_sqlite_ops.entry_by_principal(rs, k,
		    ids[k], INT64_MIN, INT64_MAX, entry_out, &b, &e), 0);
		same("store: entry_by_principal", &a, &b);
		assert_int_equal(store_pg_ops.entry_cols_by_principal(rp, k,
		    ids[k], INT64_MIN, INT64_MAX, cols_out, &a, &e), 0);
		assert_int_equal(store_sqlite_ops.entry_cols_by_principal(rs,
		    k, ids[k], INT64_MIN, INT64_MAX, cols_out, &b, &e), 0);
		same("store: entry_cols_by_principal", &a, &b);
	}
	{
		int64_t n = 0;

		assert_int_equal(store_pg_ops.entry_count(rp, &n, &e), 0);
		assert_int_equal(n, store_entry_count(ss));
	}
	buf_cleanup(&a);
	buf_cleanup(&b);
	store_reader_put(sp, rp);
	store_reader_put(ss, rs);
	store_close(sp);
	store_close(ss);
	unlink(path);
	str_printf(path, sizeof(path), "%s/store.db-wal", f->dir);
	unlink(path);
	str_printf(path, sizeof(path), "%s/store.db-shm", f->dir);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pg_log_same_as_sqlite,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_tiles_checkpoints,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_append_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pg_grants_overlapping,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_log_lost, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pg_store_same_as_sqlite,
		    setup, teardown),
	};
	char url[512];

	if (read_url(url, sizeof(url)) == -1) {
		printf("unit.store_pg_log: skipped: no PostgreSQL (set "
		    "CUSTOS_PG_URL or CUSTOS_PG_URL_FILE)\n");
		return 77;
	}
	srand((unsigned)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
