/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's queries for scope: an entry's columns by principal
 * and window, without its bytes (the engineer's and vendor's key rows
 * carry them: sqlite_keys.c), one entry's bytes by index for the few the
 * answer needs more of, and the grants held in a window from the grants'
 * scope indexes (migration 10 -> 11).
 */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite_int.h"

enum sq_scope {
	S_ENTRY_GET, S_GRANT_ENGINEER, S_GRANT_VENDOR,
	S_COUNT
};

_Static_assert(S_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const s_sql[S_COUNT] = {
	[S_ENTRY_GET] = "SELECT idx, bytes FROM entries WHERE idx = ?1",
	/* Approved (or used, or ended) grants that overlap [?2, ?3). */
	[S_GRANT_ENGINEER] = "SELECT id, tenant_id, decided FROM grants "
	    "INDEXED BY grants_scope_engineer WHERE engineer_id = ?1 "
	    "AND deadline > ?2 AND decided > 0 AND decided < ?3 "
	    "AND state IN (1, 3, 4) ORDER BY tenant_id, state, deadline, rowid",
	[S_GRANT_VENDOR] = "SELECT id, tenant_id, decided FROM grants "
	    "INDEXED BY grants_scope_vendor WHERE vendor_id = ?1 "
	    "AND deadline > ?2 AND decided > 0 AND decided < ?3 "
	    "AND state IN (1, 3, 4) ORDER BY state, deadline, rowid",
};

static sqlite3_stmt *
sstmt(struct store_conn *c, enum sq_scope q, struct err *e)
{
	return sq_stmt(c, SQ_SCOPE, q, s_sql, e);
}

int
sqlite_entry_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e)
{
	if (kind < 0 || kind >= SP_COUNT)
		return err_internal(e, "unknown principal kind");
	return sq_keys_cols_by_principal(c, kind, id, from, to, cb, arg, e);
}

int
sqlite_entry_get(struct store_conn *c, int64_t index, store_entry_cb cb,
    void *arg, struct err *e)
{
	sqlite3_stmt *s = sstmt(c, S_ENTRY_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, index);
	rc = sq_step_row(c, s, "entry", e);
	if (rc == 0)
		cb(arg, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1));
	sq_done(s);
	return rc;
}

int
sqlite_grant_overlapping_ids(struct store_conn *c, const char *engineer_id,
    const char *vendor_id, int64_t from, int64_t to, store_grant_cb cb,
    void *arg, struct err *e)
{
	sqlite3_stmt *s = sstmt(c, vendor_id != NULL ? S_GRANT_VENDOR :
	    S_GRANT_ENGINEER, e);
	struct rec_grant g;
	int rc;

	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, vendor_id != NULL ? vendor_id : engineer_id);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&g, 0, sizeof(g));
		sq_col_text(g.id, sizeof(g.id), s, 0);
		sq_col_text(g.tenant_id, sizeof(g.tenant_id), s, 1);
		g.decided = sqlite3_column_int64(s, 2);
		if (cb(arg, &g) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "grants");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}
