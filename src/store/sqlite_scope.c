/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's queries for scope: an entry's columns by principal
 * and window, without its bytes (the actor and vendor indexes cover them,
 * with the virtual columns scope_time and scope_user: see migration
 * 9 -> 10), one entry's bytes by index for the few the answer needs more
 * of, and the grants held in a window from the grants' scope indexes.
 */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite_int.h"

enum sq_scope {
	S_COLS_ACTOR, S_COLS_DEVICE, S_COLS_SESSION, S_COLS_VENDOR,
	S_COLS_SOURCE, S_COLS_TENANT, S_ENTRY_GET, S_GRANT_ENGINEER,
	S_GRANT_VENDOR,
	S_COUNT
};

_Static_assert(S_COUNT <= SQ_SCOPE_MAX, "raise SQ_SCOPE_MAX");

#define COLS "SELECT idx, time, actor_id, tenant_id, action, allowed, " \
	"scope_time, scope_user FROM entries "

static const char *const s_sql[S_COUNT] = {
	[S_COLS_ACTOR] = COLS "WHERE actor_id = ?1 AND actor_id <> '' "
	    "AND time >= ?2 AND time < ?3",
	[S_COLS_DEVICE] = COLS "WHERE device_id = ?1 AND device_id <> '' "
	    "AND time >= ?2 AND time < ?3",
	[S_COLS_SESSION] = COLS "WHERE session_id = ?1 AND session_id <> '' "
	    "AND time >= ?2 AND time < ?3",
	[S_COLS_VENDOR] = COLS "WHERE vendor_id = ?1 AND vendor_id <> '' "
	    "AND time >= ?2 AND time < ?3",
	[S_COLS_SOURCE] = COLS "WHERE source = ?1 AND source <> '' "
	    "AND time >= ?2 AND time < ?3",
	[S_COLS_TENANT] = COLS "WHERE tenant_id = ?1 AND tenant_id <> '' "
	    "AND time >= ?2 AND time < ?3",
	[S_ENTRY_GET] = "SELECT idx, bytes FROM entries WHERE idx = ?1",
	/* Approved (or used, or ended) grants that overlap [?2, ?3), in
	 * the order the plans of grant_overlapping give them. */
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
	return sq_prepare(c, &c->s[q], s_sql[q], e);
}

static const char *
col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v != NULL ? (const char *)v : "";
}

int
sqlite_entry_cols_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_cols_cb cb, void *arg,
    struct err *e)
{
	static const enum sq_scope byq[SP_COUNT] = {
		[SP_ENGINEER] = S_COLS_ACTOR, [SP_DEVICE] = S_COLS_DEVICE,
		[SP_SESSION] = S_COLS_SESSION, [SP_VENDOR] = S_COLS_VENDOR,
		[SP_SOURCE] = S_COLS_SOURCE, [SP_TENANT] = S_COLS_TENANT,
	};
	struct store_entry_cols r;
	sqlite3_stmt *s;
	int rc;

	if (kind < 0 || kind >= SP_COUNT)
		return err_internal(e, "unknown principal kind");
	s = sstmt(c, byq[kind], e);
	if (s == NULL)
		return -1;
	sq_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.index = sqlite3_column_int64(s, 0);
		r.time = sqlite3_column_int64(s, 1);
		r.actor_id = col_str(s, 2);
		r.tenant_id = col_str(s, 3);
		r.action = col_str(s, 4);
		r.allowed = sqlite3_column_int(s, 5);
		r.time_text = col_str(s, 6);
		r.user = col_str(s, 7);
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "entries");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
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
