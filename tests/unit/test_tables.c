/* SPDX-License-Identifier: ISC */
/*
 * tables.c must name every table of the store with its real columns and
 * types, or custosd copy-store would leave data behind.  This migrates a
 * real SQLite store and compares, table by table, its columns (names,
 * order, declared types) with tables.c; every table SQLite has is either
 * in tables.c or one the copy deliberately skips (none today).  The
 * PostgreSQL schema is held to SQLite's by
 * tests/integration/pg_schema_check.py, so this covers both.
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

#include "store/store.h"
#include "store/tables.h"

static char path[64];

static int
setup(void **state)
{
	const struct store_ops *ops = &store_sqlite_ops;
	struct store_conn *c;
	struct err e;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/custos-tables-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	err_init(&e);
	c = ops->open(path, STORE_CONN_WRITE, &e);
	assert_non_null(c);
	assert_int_equal(ops->migrate(c, &e), 0);
	ops->close(c);
	return 0;
}

static int
teardown(void **state)
{
	char side[80];

	(void)state;
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	return 0;
}

static const struct table_spec *
spec_of(const char *name)
{
	size_t i;

	for (i = 0; i < tables_count; i++)
		if (strcmp(tables[i].name, name) == 0)
			return &tables[i];
	return NULL;
}

/* SQLite's declared type as tables.c's letter. */
static char
letter(const char *decl)
{
	if (strcmp(decl, "INTEGER") == 0)
		return 'I';
	if (strcmp(decl, "TEXT") == 0)
		return 'T';
	if (strcmp(decl, "BLOB") == 0)
		return 'B';
	return '?';
}

static void
test_tables_match_the_sqlite_schema(void **state)
{
	sqlite3 *db;
	sqlite3_stmt *t, *col;
	size_t seen = 0;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM "
	    "sqlite_master WHERE type = 'table' AND name NOT LIKE "
	    "'sqlite_%' ORDER BY name", -1, &t, NULL), SQLITE_OK);
	while (sqlite3_step(t) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(t, 0);
		const struct table_spec *s = spec_of(name);
		size_t i = 0;

		if (s == NULL)
			fail_msg("table %s is not in tables.c", name);
		seen++;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, type "
		    "FROM pragma_table_info(?1) ORDER BY cid", -1, &col,
		    NULL), SQLITE_OK);
		sqlite3_bind_text(col, 1, name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(col) == SQLITE_ROW) {
			const char *cn = (const char *)
			    sqlite3_column_text(col, 0);
			const char *ct = (const char *)
			    sqlite3_column_text(col, 1);

			if (i >= table_ncols(s))
				fail_msg("%s.%s is not in tables.c", name, cn);
			if (strcmp(s->cols[i], cn) != 0)
				fail_msg("%s column %zu: %s in SQLite, %s in "
				    "tables.c", name, i, cn, s->cols[i]);
			/* meta.value holds a mark as an integer: any
			 * value reads as bytes. */
			if (letter(ct) != s->types[i] &&
			    !(s->types[i] == 'B' && ct[0] == '\0'))
				fail_msg("%s.%s: %s in SQLite, %c in tables.c",
				    name, cn, ct, s->types[i]);
			i++;
		}
		sqlite3_finalize(col);
		assert_int_equal(i, table_ncols(s));
	}
	sqlite3_finalize(t);
	sqlite3_close(db);
	assert_int_equal(seen, tables_count);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_tables_match_the_sqlite_schema),
	};

	return cmocka_run_group_tests(t, setup, teardown);
}
