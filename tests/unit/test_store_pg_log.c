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
 * BEGIN, SAVEPOINT and COMMIT are sent here).
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
	for (i = N / 2; i < N; i++)
		append_both(f, i);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pg_log_same_as_sqlite,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_tiles_checkpoints,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_log_lost, setup,
		    teardown),
	};

	srand((unsigned)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
