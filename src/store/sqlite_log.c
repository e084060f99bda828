/* SPDX-License-Identifier: ISC */
/*
 * The SQLite backend's transparency log: appending entries, reading them
 * by index, by tenant and by principal, and the Merkle tree's tiles and
 * signed checkpoints.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_codec.h"
#include "store/sqlite_int.h"

enum q {
	Q_ENTRY_APPEND, Q_ENTRY_COUNT, Q_ENTRY_RANGE, Q_ENTRY_RANGE_TENANT,
	Q_POLICY_CHANGES,
	Q_TILE_GET, Q_TILE_PUT, Q_CHECKPOINT_PUT, Q_CHECKPOINT_LATEST,
	Q_LEAF_RANGE, Q_LEAF_RANGE_FULL,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_ENTRY_APPEND] = "INSERT INTO entries(" ENTRY_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[Q_ENTRY_COUNT] = "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries",
	[Q_ENTRY_RANGE] = "SELECT idx, bytes FROM entries "
	    "WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
	/* Entries without a tenant are not keyed: this reads the log from
	 * start on (only ever asked for with a tenant). */
	[Q_ENTRY_RANGE_TENANT] = "SELECT idx, bytes FROM entries "
	    "WHERE tenant_id = '' AND idx >= ?1 ORDER BY idx LIMIT ?2",
	[Q_POLICY_CHANGES] = "SELECT idx, bytes FROM entries "
	    "WHERE action = 'tenant.support_policy' AND allowed = 1 "
	    "ORDER BY idx",
	[Q_TILE_GET] = "SELECT hashes FROM tiles WHERE level = ?1 AND idx = ?2",
	[Q_TILE_PUT] = "INSERT INTO tiles(level, idx, hashes) VALUES "
	    "(?1, ?2, ?3) ON CONFLICT(level, idx) DO UPDATE "
	    "SET hashes = excluded.hashes WHERE hashes <> excluded.hashes",
	[Q_CHECKPOINT_PUT] = "INSERT INTO checkpoints(size, time, note) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT(size) DO NOTHING",
	[Q_CHECKPOINT_LATEST] = "SELECT note FROM checkpoints "
	    "ORDER BY size DESC LIMIT 1",
	[Q_LEAF_RANGE] = "SELECT idx, tenant_id, leaf FROM entries "
	    "WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
	[Q_LEAF_RANGE_FULL] = "SELECT idx, tenant_id, leaf, bytes "
	    "FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
};

/* The statement for query q, prepared on first use. */
static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_LOG, q, q_sql, e);
}

int
sqlite_entry_append(struct store_conn *c, const struct rec_entry *en,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_APPEND, e);

	if (s == NULL)
		return -1;
	sq_bind_entry(s, en);
	if (sq_exec(c, s, "log entry", e) == -1 || sq_keys_add(c, en, e) == -1)
		return -1;
	/* Outside a transaction nothing else would write the keys. */
	return sqlite3_get_autocommit(c->db) ? sq_keys_flush(c, e) : 0;
}

int
sqlite_entry_count(struct store_conn *c, int64_t *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_COUNT, e);
	int rc;

	if (s == NULL)
		return -1;
	rc = sq_step_row(c, s, "log size", e);
	if (rc != 0)
		return rc == 1 ? err_internal(e, "log size unknown") : -1;
	*out = sqlite3_column_int64(s, 0);
	sq_done(s);
	return 0;
}

int
sq_entry_rows(struct store_conn *c, sqlite3_stmt *s, store_entry_cb cb,
    void *arg, struct err *e)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(arg, sqlite3_column_int64(s, 0),
		    sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1)) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "log entries");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_entry_range(struct store_conn *c, int64_t start, int64_t end,
    store_entry_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_RANGE, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, start);
	sqlite3_bind_int64(s, 2, end);
	return sq_entry_rows(c, s, cb, arg, e);
}

int
sqlite_entry_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e)
{
	sqlite3_stmt *s;

	if (tenant_id[0] != '\0')
		return sq_keys_range_tenant(c, tenant_id, start, limit, cb, arg,
		    e);
	s = stmt(c, Q_ENTRY_RANGE_TENANT, e);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, start);
	sqlite3_bind_int64(s, 2, limit);
	return sq_entry_rows(c, s, cb, arg, e);
}

int
sqlite_entry_leaves(struct store_conn *c, int64_t start, int64_t end,
    int full, store_leaf_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, full ? Q_LEAF_RANGE_FULL : Q_LEAF_RANGE, e);
	struct rec_leaf r;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, start);
	sqlite3_bind_int64(s, 2, end);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.index = sqlite3_column_int64(s, 0);
		r.tenant_id = (const char *)sqlite3_column_text(s, 1);
		if (r.tenant_id == NULL)
			r.tenant_id = "";
		r.leaf = sqlite3_column_blob(s, 2);
		r.leaf_len = (size_t)sqlite3_column_bytes(s, 2);
		if (full) {
			r.bytes = sqlite3_column_blob(s, 3);
			r.len = (size_t)sqlite3_column_bytes(s, 3);
		}
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "log leaves");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

int
sqlite_entry_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_entry_cb cb, void *arg, struct err *e)
{
	if (kind < 0 || kind >= SP_COUNT)
		return err_internal(e, "unknown principal kind");
	return sq_keys_by_principal(c, kind, id, from, to, cb, arg, e);
}

int
sqlite_entry_policy_changes(struct store_conn *c, store_entry_cb cb,
    void *arg, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_POLICY_CHANGES, e);

	if (s == NULL)
		return -1;
	return sq_entry_rows(c, s, cb, arg, e);
}

int
sqlite_tile_get(struct store_conn *c, int level, int64_t idx,
    struct buf *out, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TILE_GET, e);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, level);
	sqlite3_bind_int64(s, 2, idx);
	rc = sq_step_row(c, s, "tile", e);
	if (rc != 0)
		return rc;
	rc = buf_append(out, sqlite3_column_blob(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "tile too large") : 0;
}

int
sqlite_tile_put(struct store_conn *c, int level, int64_t idx,
    const void *hashes, size_t len, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_TILE_PUT, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, level);
	sqlite3_bind_int64(s, 2, idx);
	sqlite3_bind_blob(s, 3, hashes, (int)len, SQLITE_STATIC);
	return sq_exec(c, s, "tile", e);
}

int
sqlite_checkpoint_put(struct store_conn *c, int64_t size, int64_t time,
    const char *note, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CHECKPOINT_PUT, e);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, size);
	sqlite3_bind_int64(s, 2, time);
	sq_bind_text(s, 3, note);
	return sq_exec(c, s, "checkpoint", e);
}

int
sqlite_checkpoint_latest(struct store_conn *c, struct buf *note,
    struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CHECKPOINT_LATEST, e);
	int rc;

	if (s == NULL)
		return -1;
	rc = sq_step_row(c, s, "checkpoint", e);
	if (rc != 0)
		return rc;
	rc = buf_append(note, sqlite3_column_text(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0));
	sq_done(s);
	return rc == -1 ? err_internal(e, "checkpoint too large") : 0;
}
