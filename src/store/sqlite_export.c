/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's SIEM export cursors (issue 16, export/export.h):
 * one row per destination, the next log index to send.
 */
#include <sqlite3.h>
#include <stdint.h>

#include "store/sqlite_int.h"

enum q { Q_GET, Q_SET, Q_COUNT };

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_GET] = "SELECT next, updated FROM export_cursors WHERE dest = ?1",
	[Q_SET] = "INSERT INTO export_cursors(dest, next, updated) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT(dest) DO UPDATE SET "
	    "next = excluded.next, updated = excluded.updated",
};

int
sqlite_export_cursor_get(struct store_conn *c, const char *dest,
    int64_t *next, int64_t *updated, struct err *e)
{
	sqlite3_stmt *s = sq_stmt(c, SQ_EXPORT, Q_GET, q_sql, e);
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, dest);
	rc = sq_step_row(c, s, "export cursor", e);
	if (rc != 0)
		return rc;
	*next = sqlite3_column_int64(s, 0);
	if (updated != NULL)
		*updated = sqlite3_column_int64(s, 1);
	sq_done(s);
	return 0;
}

int
sqlite_export_cursor_set(struct store_conn *c, const char *dest,
    int64_t next, int64_t updated, struct err *e)
{
	sqlite3_stmt *s = sq_stmt(c, SQ_EXPORT, Q_SET, q_sql, e);

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, dest);
	sqlite3_bind_int64(s, 2, next);
	sqlite3_bind_int64(s, 3, updated);
	return sq_exec(c, s, "export cursor", e);
}
