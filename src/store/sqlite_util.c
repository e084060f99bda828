/* SPDX-License-Identifier: ISC */
/*
 * Statement helpers shared by the SQLite backend's files (see
 * sqlite_int.h).
 */
#include <sqlite3.h>
#include <string.h>

#include "common/str.h"
#include "store/sqlite_int.h"

sqlite3_stmt *
sq_prepare(struct store_conn *c, sqlite3_stmt **slot, const char *sql,
    struct err *e)
{
	if (*slot == NULL && sqlite3_prepare_v3(c->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		sq_fail(c, e, "prepare");
		return NULL;
	}
	return *slot;
}

sqlite3_stmt *
sq_stmt(struct store_conn *c, enum sq_family family, int i,
    const char *const *sql, struct err *e)
{
	return sq_prepare(c, &c->q[family][i], sql[i], e);
}

int
sq_fail(struct store_conn *c, struct err *e, const char *what)
{
	int ext = sqlite3_extended_errcode(c->db);

	if (ext == SQLITE_CONSTRAINT_UNIQUE ||
	    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(e, 409, "conflict", "%s: it already exists",
		    what);
	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(e, 409, "conflict", "%s: it is still referenced "
		    "or refers to something missing", what);
	return err_internal(e, "store: %s: %s", what, sqlite3_errmsg(c->db));
}

void
sq_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void
sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

void
sq_col_text(char *dst, size_t size, sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	str_copy(dst, size, v != NULL ? (const char *)v : "");
}

void
sq_col_blob(uint8_t *dst, size_t size, size_t *len, sqlite3_stmt *s, int i)
{
	const void *v = sqlite3_column_blob(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i);

	if (v == NULL || n > size)
		n = 0;
	if (n > 0)
		memcpy(dst, v, n);
	if (len != NULL)
		*len = n;
}

/* Steps a statement that returns no rows. */
int
sq_exec(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE) {
		sq_fail(c, e, what);
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

/* Steps a lookup: 0 with a row to read, 1 when there is none. */
int
sq_step_row(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		sq_done(s);
		return 1;
	}
	sq_fail(c, e, what);
	sq_done(s);
	return -1;
}

/* Runs an UPDATE; 1 when it matched no row. */
int
sq_exec_update(struct store_conn *c, sqlite3_stmt *s, const char *what,
    struct err *e)
{
	if (sq_exec(c, s, what, e) == -1)
		return -1;
	return sqlite3_changes(c->db) == 0 ? 1 : 0;
}

