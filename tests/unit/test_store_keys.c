/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares an entry's public bytes */
/*
 * Unit tests of the log's principal keys (src/store/sqlite_keys.c): what
 * entry_by_principal and entry_range_tenant answer is what the entries'
 * own columns say (checked against plain SQL over them), across chunks of
 * 2^16 indexes, after a rolled-back group, and for a log written before
 * migration 10 keyed its entries.  Migration 13 keeps as an engineer's (and
 * a vendor's) keys only the entries whose actor is an engineer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/str.h"
#include "store/schema_sqlite.h"
#include "store/store.h"

#define BIG 70000               /* more than one chunk of 2^16 */
#define BATCH 10000

struct fixture {
	char dir[64];
	char path[128];
	struct store *s;
};

/* Entry i's columns, made the same every time. */
struct prep {
	char actor[16], device[16], session[16], vendor[16], source[16];
	char tenant[16];
	int64_t time;
	int fail;                       /* apply fails */
};

static void
prep_make(struct prep *p, int64_t i)
{
	memset(p, 0, sizeof(*p));
	/* Every 9th entry has no actor, vendor or device, like a tenant
	 * user's request; every 17th no tenant. */
	if (i % 9 != 0) {
		str_printf(p->actor, sizeof(p->actor), "eng-%d", (int)(i % 7));
		str_printf(p->device, sizeof(p->device), "dev-%d",
		    (int)(i % 11));
		str_printf(p->vendor, sizeof(p->vendor), "ven-%d",
		    (int)(i % 3));
	}
	str_printf(p->session, sizeof(p->session), "ses-%d", (int)(i / 100));
	str_printf(p->source, sizeof(p->source), "10.0.0.%d", (int)(i % 5));
	if (i % 17 != 0)
		str_printf(p->tenant, sizeof(p->tenant), "ten-%d",
		    (int)(i % 13));
	/* Mostly rising, sometimes back in time, as imported events are. */
	p->time = 100000 + i / 10 - (i % 31 == 0 ? 500 : 0);
}

static int
apply_prep(struct store_conn *c, void *arg, struct err *e)
{
	const struct prep *p = arg;

	(void)c;
	return p->fail ? err_bad_request(e, "refused") : 0;
}

static int
entry_prep(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	const struct prep *p = arg;

	(void)apply_rc;
	(void)apply_err;
	(void)time_ms;
	en->time = p->time;
	en->actor_id = p->actor;
	en->engineer_id = p->actor;
	en->device_id = p->device;
	en->session_id = p->session;
	en->vendor_id = p->vendor;
	en->source = p->source;
	en->tenant_id = p->tenant;
	en->action = "test";
	en->allowed = 1;
	return buf_printf(out, "{\"i\":%lld}", (long long)index);
}

/* Appends entries first..first+n-1 in one atomic group each batch. */
static void
append(struct fixture *f, int64_t first, int64_t n)
{
	struct store_job *jobs = calloc(BATCH, sizeof(*jobs));
	struct prep *p = calloc(BATCH, sizeof(*p));
	int64_t done, k;
	struct err e;

	assert_non_null(jobs);
	assert_non_null(p);
	for (done = 0; done < n; done += BATCH) {
		int64_t m = n - done < BATCH ? n - done : BATCH;

		for (k = 0; k < m; k++) {
			prep_make(&p[k], first + done + k);
			jobs[k].entry = entry_prep;
			jobs[k].arg = &p[k];
		}
		err_init(&e);
		if (store_write_all(f->s, jobs, (size_t)m, &e) != 0)
			fail_msg("store_write_all: %s", e.msg);
	}
	free(jobs);
	free(p);
}

static int
open_store(struct fixture *f)
{
	struct store_config cfg;
	struct err e;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = f->path;
	cfg.readers = 2;
	err_init(&e);
	f->s = store_open(&cfg, &e);
	if (f->s == NULL)
		fprintf(stderr, "store_open: %s\n", e.msg);
	return f->s == NULL ? -1 : 0;
}

static int
setup_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	str_copy(f->dir, sizeof(f->dir), "/tmp/custos-keys-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	str_printf(f->path, sizeof(f->path), "%s/custos.db", f->dir);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	if (setup_dir(state) == -1)
		return -1;
	return open_store(*state);
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

/* A list of indexes. */
struct idxs {
	int64_t *v;
	size_t n, cap;
};

static int
idxs_add(struct idxs *x, int64_t idx)
{
	if (x->n == x->cap) {
		x->cap = x->cap > 0 ? x->cap * 2 : 256;
		x->v = realloc(x->v, x->cap * sizeof(*x->v));
		assert_non_null(x->v);
	}
	x->v[x->n++] = idx;
	return 0;
}

static int
collect(void *arg, int64_t index, const char *bytes, size_t len)
{
	char want[32];
	int n = snprintf(want, sizeof(want), "{\"i\":%lld", (long long)index);

	/* The bytes handed over are the entry's own ({"i":N}, or
	 * {"i":N,"actor":...} as make_version_9 writes them). */
	assert_true((size_t)n < len && memcmp(want, bytes, (size_t)n) == 0 &&
	    (bytes[n] == '}' || bytes[n] == ','));
	return idxs_add(arg, index);
}

/* The indexes plain SQL over the entries' columns finds. */
static void
sql_idxs(struct fixture *f, const char *sql, const char *id, int64_t a,
    int64_t b, struct idxs *out)
{
	sqlite3 *db;
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, a);
	sqlite3_bind_int64(s, 3, b);
	while (sqlite3_step(s) == SQLITE_ROW)
		idxs_add(out, sqlite3_column_int64(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void
same(const struct idxs *got, const struct idxs *want, const char *what)
{
	size_t i;

	if (got->n != want->n)
		fail_msg("%s: %zu entries, SQL finds %zu", what, got->n,
		    want->n);
	for (i = 0; i < got->n; i++)
		if (got->v[i] != want->v[i])
			fail_msg("%s: entry %zu is %lld, SQL says %lld", what,
			    i, (long long)got->v[i], (long long)want->v[i]);
}

static const char *const columns[SP_COUNT] = {
	[SP_ENGINEER] = "actor_id", [SP_DEVICE] = "device_id",
	[SP_SESSION] = "session_id", [SP_VENDOR] = "vendor_id",
	[SP_SOURCE] = "source", [SP_TENANT] = "tenant_id",
};

/* entry_by_principal(kind, id, from, to) against SQL on the columns. */
static void
check_principal(struct fixture *f, int kind, const char *id, int64_t from,
    int64_t to)
{
	struct idxs got = {NULL, 0, 0}, want = {NULL, 0, 0};
	struct store_conn *c;
	char sql[256], what[128];
	struct err e;

	err_init(&e);
	c = store_reader_get(f->s, &e);
	assert_non_null(c);
	assert_int_equal(store_ops(f->s)->entry_by_principal(c, kind, id,
	    from, to, collect, &got, &e), 0);
	store_reader_put(f->s, c);
	str_printf(sql, sizeof(sql), "SELECT idx FROM entries WHERE %s = ?1 "
	    "AND time >= ?2 AND time < ?3 ORDER BY idx", columns[kind]);
	/* Entries without one are not anyone's: "" finds nothing. */
	if (id[0] != '\0')
		sql_idxs(f, sql, id, from, to, &want);
	str_printf(what, sizeof(what), "%s %s [%lld, %lld)", columns[kind],
	    id, (long long)from, (long long)to);
	same(&got, &want, what);
	free(got.v);
	free(want.v);
}

/* entry_range_tenant(tenant, start, limit) against SQL. */
static void
check_tenant_range(struct fixture *f, const char *tenant, int64_t start,
    int64_t limit)
{
	struct idxs got = {NULL, 0, 0}, want = {NULL, 0, 0};
	struct store_conn *c;
	char what[128];
	struct err e;

	err_init(&e);
	c = store_reader_get(f->s, &e);
	assert_non_null(c);
	assert_int_equal(store_ops(f->s)->entry_range_tenant(c, tenant, start,
	    limit, collect, &got, &e), 0);
	store_reader_put(f->s, c);
	sql_idxs(f, "SELECT idx FROM entries WHERE tenant_id = ?1 "
	    "AND idx >= ?2 ORDER BY idx LIMIT ?3", tenant, start, limit, &want);
	str_printf(what, sizeof(what), "tenant %s from %lld, %lld", tenant,
	    (long long)start, (long long)limit);
	same(&got, &want, what);
	free(got.v);
	free(want.v);
}

/* The questions asked of every log below. */
static void
check_all(struct fixture *f)
{
	check_principal(f, SP_ENGINEER, "eng-3", 100000, 100000 + BIG);
	check_principal(f, SP_ENGINEER, "eng-3", 106000, 106600);
	check_principal(f, SP_DEVICE, "dev-10", 106500, 106600);
	check_principal(f, SP_SESSION, "ses-654", 0, INT64_MAX / 2);
	check_principal(f, SP_VENDOR, "ven-1", 100100, 106700);
	check_principal(f, SP_SOURCE, "10.0.0.4", 99000, 101000);
	check_principal(f, SP_TENANT, "ten-12", 100000, 107000);
	check_principal(f, SP_ENGINEER, "eng-none", 0, INT64_MAX / 2);
	check_principal(f, SP_ENGINEER, "", 0, INT64_MAX / 2);
	check_tenant_range(f, "ten-5", 0, 100);
	check_tenant_range(f, "ten-5", 65530, 50);
	check_tenant_range(f, "ten-5", 65000, 100000);
	check_tenant_range(f, "ten-7", BIG - 3, 10);
	check_tenant_range(f, "ten-none", 0, 10);
}

static void
keys_answer_as_the_columns_across_chunks(void **state)
{
	struct fixture *f = *state;

	append(f, 0, BIG);
	check_all(f);
}

static void
keys_of_a_rolled_back_group_are_forgotten(void **state)
{
	struct fixture *f = *state;
	struct store_job jobs[3];
	struct prep p[3];
	struct err e;
	int i;

	append(f, 0, 100);
	for (i = 0; i < 3; i++) {
		prep_make(&p[i], 100 + i);
		str_copy(p[i].actor, sizeof(p[i].actor), "eng-gone");
		jobs[i].apply = apply_prep;
		jobs[i].entry = entry_prep;
		jobs[i].arg = &p[i];
	}
	p[2].fail = 1;
	err_init(&e);
	assert_int_equal(store_write_all(f->s, jobs, 3, &e), -1);
	/* The same indexes go to other entries. */
	append(f, 100, 50);
	check_principal(f, SP_ENGINEER, "eng-gone", 0, INT64_MAX / 2);
	check_principal(f, SP_ENGINEER, "eng-1", 0, INT64_MAX / 2);
	check_tenant_range(f, "ten-3", 0, 1000);
}

/* Opens the file as custosd 9 left it, with entries in it. */
static void
make_version_9(struct fixture *f, int64_t n)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	struct prep p;
	char buf[64];
	int64_t i;
	int v;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	for (v = 0; v < 9; v++)
		assert_int_equal(sqlite3_exec(db, sqlite_migrations[v], NULL,
		    NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=9; BEGIN",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO entries(idx, "
	    "time, actor_id, tenant_id, action, session_id, device_id, "
	    "source, allowed, bytes, vendor_id) VALUES (?1, ?2, ?3, ?4, "
	    "'test', ?5, ?6, ?7, 1, ?8, ?9)", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		prep_make(&p, i);
		/* Their actors are engineers (migration 13 keeps only
		 * those as engineers' keys). */
		str_printf(buf, sizeof(buf), "{\"i\":%lld,\"actor\":"
		    "{\"kind\":\"engineer\"}}", (long long)i);
		sqlite3_bind_int64(s, 1, i);
		sqlite3_bind_int64(s, 2, p.time);
		sqlite3_bind_text(s, 3, p.actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, p.tenant, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, p.session, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, p.device, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, p.source, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 8, buf, (int)strlen(buf), SQLITE_STATIC);
		sqlite3_bind_text(s, 9, p.vendor, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

static void
migration_keys_the_entries_already_stored(void **state)
{
	struct fixture *f = *state;

	/* Stored before: the first chunk and a part of the second; the
	 * rest is appended after the migration. */
	make_version_9(f, 66000);
	assert_int_equal(open_store(f), 0);
	assert_true(store_entry_count(f->s) == 66000);
	append(f, 66000, BIG - 66000);
	check_all(f);
}

static int
collect_plain(void *arg, int64_t index, const char *bytes, size_t len)
{
	(void)bytes;
	(void)len;
	return idxs_add(arg, index);
}

/*
 * A log at version 12 whose engineer and vendor keys (one row per entry,
 * as migration 10 wrote them) also name a tenant user, an operator and
 * a tenant's refused login of the engineer's id: after migration 13 the
 * engineer's and the vendor's entries are the engineer's own, and its
 * refused login (anonymous, no tenant), nothing else.
 */
static void
migration_keys_engineers_by_their_kind(void **state)
{
	static const char *const bytes[] = {
		"{\"actor\":{\"kind\":\"engineer\",\"id\":\"e1\"}}",
		"{\"actor\":{\"kind\":\"tenant_admin\",\"id\":\"e1\"}}",
		"{\"actor\":{\"kind\":\"anonymous\",\"id\":\"e1\"}}",
		"{\"actor\":{\"kind\":\"anonymous\",\"id\":\"e1\"}}",
		"{\"actor\":{\"kind\":\"operator\",\"id\":\"e1\"}}",
		"not json",
	};
	static const char *const tenant[] = {"t1", "t1", "", "t1", "", ""};
	static const char *const vendor[] = {"v1", "v1", "v1", "", "v1", "v1"};
	struct fixture *f = *state;
	struct idxs got = {NULL, 0, 0};
	struct store_conn *c;
	sqlite3_stmt *s;
	sqlite3 *db;
	struct err e;
	int v, i;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	for (v = 0; v < 12; v++)
		assert_int_equal(sqlite3_exec(db, sqlite_migrations[v], NULL,
		    NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=12", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO entries(idx, "
	    "time, actor_id, tenant_id, action, session_id, device_id, "
	    "source, allowed, bytes, vendor_id) VALUES (?1, 100, 'e1', ?2, "
	    "'test', '', '', '', 1, ?3, ?4)", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < 6; i++) {
		sqlite3_bind_int(s, 1, i);
		sqlite3_bind_text(s, 2, tenant[i], -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 3, bytes[i], (int)strlen(bytes[i]),
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 4, vendor[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO entry_keys SELECT "
	    "idx >> 16, 0, actor_id, idx, time, 1, time, time, X'', 0 FROM "
	    "entries; INSERT INTO entry_keys SELECT idx >> 16, 3, vendor_id, "
	    "idx, time, 1, time, time, X'', 0 FROM entries WHERE vendor_id "
	    "<> ''; INSERT INTO entry_chunks VALUES (0, 100, 100)", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(open_store(f), 0);
	err_init(&e);
	c = store_reader_get(f->s, &e);
	assert_non_null(c);
	assert_int_equal(store_ops(f->s)->entry_by_principal(c, SP_ENGINEER,
	    "e1", 0, 1000, collect_plain, &got, &e), 0);
	assert_int_equal(got.n, 2);
	assert_true(got.v[0] == 0 && got.v[1] == 2);
	got.n = 0;
	assert_int_equal(store_ops(f->s)->entry_by_principal(c, SP_VENDOR,
	    "v1", 0, 1000, collect_plain, &got, &e), 0);
	assert_int_equal(got.n, 2);
	assert_true(got.v[0] == 0 && got.v[1] == 2);
	store_reader_put(f->s, c);
	free(got.v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    keys_answer_as_the_columns_across_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    keys_of_a_rolled_back_group_are_forgotten, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    migration_keys_the_entries_already_stored, setup_dir,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    migration_keys_engineers_by_their_kind, setup_dir,
		    teardown),
	};

	return cmocka_run_group_tests_name("unit.store_keys", tests, NULL,
	    NULL);
}
