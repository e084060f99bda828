/* SPDX-License-Identifier: ISC */
/*
 * The SQLite half of copying a store between backends (daemon/copy.h):
 * table_dump reads a table's rows by the declared types of tables.c,
 * table_load inserts rows with one prepared statement.
 */
#include <sqlite3.h>
#include <string.h>

#include "store/copy_sql.h"
#include "store/sqlite_int.h"
#include "store/tables.h"

#define COPY_SQL_MAX 2048

int
sqlite_table_dump(struct store_conn *c, const struct table_spec *t,
    int (*row)(void *arg, const struct table_value *v, size_t n),
    void *arg, struct err *e)
{
	struct table_value v[TABLE_COLS_MAX];
	size_t i, n = table_ncols(t);
	sqlite3_stmt *s = NULL;
	struct buf sql;
	int rc = -1, st;

	buf_init(&sql, COPY_SQL_MAX);
	if (copy_sql_select(&sql, t) == -1) {
		err_internal(e, "copy: %s: the query is too long", t->name);
		goto out;
	}
	if (sqlite3_prepare_v2(c->db, sql.data, -1, &s, NULL) != SQLITE_OK) {
		sq_fail(c, e, t->name);
		goto out;
	}
	while ((st = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			memset(&v[i], 0, sizeof(v[i]));
			if (sqlite3_column_type(s, (int)i) == SQLITE_NULL) {
				v[i].type = 'N';
				continue;
			}
			v[i].type = t->types[i];
			if (v[i].type == 'I') {
				v[i].i = sqlite3_column_int64(s, (int)i);
				continue;
			}
			/* Text and bytes alike: the value's bytes (an
			 * integer in a bytes column gives its text). */
			v[i].p = v[i].type == 'T' ?
			    (const void *)sqlite3_column_text(s, (int)i) :
			    sqlite3_column_blob(s, (int)i);
			v[i].len = (size_t)sqlite3_column_bytes(s, (int)i);
			if (v[i].p == NULL)
				v[i].p = "";
		}
		if (row(arg, v, n) != 0)
			break;
	}
	if (st != SQLITE_ROW && st != SQLITE_DONE) {
		sq_fail(c, e, t->name);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	buf_cleanup(&sql);
	return rc;
}

int
sqlite_table_load(struct store_conn *c, const struct table_spec *t,
    const struct table_value *v, size_t nrows, struct err *e)
{
	size_t r, i, n = table_ncols(t);
	sqlite3_stmt *s = NULL;
	struct buf sql;
	int rc = -1;

	buf_init(&sql, COPY_SQL_MAX);
	if (copy_sql_insert(&sql, t, "?") == -1) {
		err_internal(e, "copy: %s: the statement is too long",
		    t->name);
		goto out;
	}
	if (sqlite3_prepare_v2(c->db, sql.data, -1, &s, NULL) != SQLITE_OK) {
		sq_fail(c, e, t->name);
		goto out;
	}
	for (r = 0; r < nrows; r++) {
		const struct table_value *row = v + r * n;

		for (i = 0; i < n; i++) {
			int k = (int)i + 1;

			if (row[i].type == 'N')
				sqlite3_bind_null(s, k);
			else if (row[i].type == 'I')
				sqlite3_bind_int64(s, k, row[i].i);
			else if (row[i].type == 'T')
				sqlite3_bind_text(s, k, row[i].p,
				    (int)row[i].len, SQLITE_STATIC);
			else
				sqlite3_bind_blob(s, k, row[i].p,
				    (int)row[i].len, SQLITE_STATIC);
		}
		if (sqlite3_step(s) != SQLITE_DONE) {
			sq_fail(c, e, t->name);
			goto out;
		}
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	buf_cleanup(&sql);
	return rc;
}
