/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares principal ids, which are public */
/*
 * The log's principal keys (migration 10): which entries name an engineer,
 * device, session, vendor, source or tenant, kept as posting lists instead
 * of one index row per entry and principal.  An entry is an engineer's (and
 * its vendor's) only when its actor is an engineer (rec_entry.engineer_id):
 * a tenant user whose id equals an engineer's is no part of the engineer's
 * activity (migration 13 rebuilt the rows written before that rule).
 *
 * A row of entry_keys is (chunk, kind, key, first): the entries of one
 * principal (kind = enum store_principal, key its id) within one chunk of
 * 2^16 indexes, from index first on, with their times.  The writer buffers
 * the keys of the entries it appends (sq_keys_add) and writes one row per
 * chunk, kind and key at sq_keys_flush (before a commit or a savepoint, or
 * before the writer itself reads them), so a bulk import writes a few rows
 * per principal and batch, all at the end of the table (the chunk leads
 * the key), instead of six index rows per entry scattered over six
 * indexes.  entry_chunks keeps each chunk's earliest and latest time so a
 * lookup by time reads only the chunks that can match.
 *
 * list holds the entries after the first, each as the varint of its index
 * minus the previous one and the zig-zag varint of its time minus the
 * previous one; the first is (first, t0).  Rows of one chunk, kind and key
 * never overlap and follow index order.
 *
 * The encoding is store/keys_codec.c's (shared with PostgreSQL).
 *
 * The engineer's and the vendor's rows (cols = 1) also carry what scope
 * counts of each entry, after its deltas (before the first entry's,
 * which has none): a flag byte (1: the columns follow; 0: read them from
 * entries), then the varint of the milliseconds past the entry's second,
 * the outcome byte, and actor, tenant, action and the user of an allowed
 * user.* action as varint-length strings.  They are covering index rows
 * written per batch: a scope of an engineer or a vendor reads these rows
 * and no entry at all, and an append writes no index row of its own.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "store/keys_codec.h"
#include "store/sqlite_int.h"

#define CHUNK_SHIFT KEYS_CHUNK_SHIFT

enum q {
	Q_KEYS_INSERT, Q_CHUNK_PUT, Q_CHUNKS_TIME, Q_CHUNKS_FROM, Q_KEYS_ROWS,
	Q_KEYS_ROWS_FROM, Q_ENTRY_BYTES, Q_ENTRY_COLS,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_KEYS_INSERT] = "INSERT INTO entry_keys(chunk, kind, key, first, "
	    "t0, n, tmin, tmax, list, cols) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_CHUNK_PUT] = "INSERT INTO entry_chunks(chunk, tmin, tmax) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT(chunk) DO UPDATE SET "
	    "tmin = min(tmin, excluded.tmin), tmax = max(tmax, excluded.tmax)",
	[Q_CHUNKS_TIME] = "SELECT chunk FROM entry_chunks "
	    "WHERE tmax >= ?1 AND tmin < ?2 ORDER BY chunk",
	[Q_CHUNKS_FROM] = "SELECT chunk FROM entry_chunks WHERE chunk >= ?1 "
	    "ORDER BY chunk",
	[Q_KEYS_ROWS] = "SELECT first, t0, n, tmin, tmax, list, cols "
	    "FROM entry_keys "
	    "WHERE chunk = ?1 AND kind = ?2 AND key = ?3 ORDER BY first",
	/* From the row holding index ?4 on. */
	[Q_KEYS_ROWS_FROM] = "SELECT first, t0, n, tmin, tmax, list, cols "
	    "FROM entry_keys WHERE chunk = ?1 AND kind = ?2 AND key = ?3 "
	    "AND first >= COALESCE((SELECT max(first) FROM entry_keys "
	    "WHERE chunk = ?1 AND kind = ?2 AND key = ?3 AND first <= ?4), 0) "
	    "ORDER BY first",
	[Q_ENTRY_BYTES] = "SELECT bytes FROM entries WHERE idx = ?1",
	/* An entry's scope columns where its key row carries none. */
	[Q_ENTRY_COLS] = "SELECT time, actor_id, tenant_id, action, allowed, "
	    "json_extract(CAST(bytes AS TEXT), '$.time'), "
	    "CASE WHEN allowed = 1 AND action GLOB 'user.*' THEN "
	    "json_extract(CAST(bytes AS TEXT), '$.target') END "
	    "FROM entries WHERE idx = ?1",
};

static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_KEYS, q, q_sql, e);
}

/* The writer's buffered keys. */
struct sq_keys {
	struct keys_buf b;
};

int
sq_keys_add(struct store_conn *c, const struct rec_entry *en, struct err *e)
{
	if (c->keys == NULL) {
		c->keys = calloc(1, sizeof(*c->keys));
		if (c->keys == NULL)
			return err_internal(e, "out of memory");
	}
	if (keys_add(&c->keys->b, en) == -1)
		return err_internal(e, "out of memory");
	return 0;
}

void
sq_keys_discard(struct store_conn *c)
{
	if (c->keys != NULL)
		keys_discard(&c->keys->b);
}

void
sq_keys_free(struct store_conn *c)
{
	if (c->keys == NULL)
		return;
	keys_free(&c->keys->b);
	free(c->keys);
	c->keys = NULL;
}

/* Writes one row. */
static int
write_group(struct store_conn *c, sqlite3_stmt *s, const struct keys_row *r,
    struct err *e)
{
	sqlite3_bind_int64(s, 1, r->chunk);
	sqlite3_bind_int(s, 2, r->kind);
	sqlite3_bind_text(s, 3, r->key, (int)r->key_len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, r->first);
	sqlite3_bind_int64(s, 5, r->t0);
	sqlite3_bind_int(s, 6, (int)r->n);
	sqlite3_bind_int64(s, 7, r->tmin);
	sqlite3_bind_int64(s, 8, r->tmax);
	sqlite3_bind_blob(s, 9, r->list, (int)r->len, SQLITE_STATIC);
	sqlite3_bind_int(s, 10, r->cols);
	return sq_exec(c, s, "log keys", e);
}

/* Widens the time bounds of each chunk the groups touch. */
static int
write_chunks(struct store_conn *c, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CHUNK_PUT, e);
	int64_t chunk, tmin, tmax;
	size_t i = 0;

	if (s == NULL)
		return -1;
	while (keys_chunk(&c->keys->b, &i, &chunk, &tmin, &tmax)) {
		sqlite3_bind_int64(s, 1, chunk);
		sqlite3_bind_int64(s, 2, tmin);
		sqlite3_bind_int64(s, 3, tmax);
		if (sq_exec(c, s, "log chunks", e) == -1)
			return -1;
	}
	return 0;
}

int
sq_keys_flush(struct store_conn *c, struct err *e)
{
	struct keys_row r;
	sqlite3_stmt *s;
	size_t i, n;

	if (c->keys == NULL || (n = keys_groups(&c->keys->b)) == 0)
		return 0;
	if (keys_sort(&c->keys->b) == -1)
		return err_internal(e, "out of memory");
	s = stmt(c, Q_KEYS_INSERT, e);
	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (keys_row(&c->keys->b, i, &r) == -1)
			return err_internal(e, "log keys: list too long");
		if (write_group(c, s, &r, e) == -1)
			return -1;
	}
	if (write_chunks(c, e) == -1)
		return -1;
	sq_keys_discard(c);
	return 0;
}

/* What one lookup wants, and its progress. */
struct kscan {
	int64_t from, to;               /* times, [from, to) */
	int64_t start;                  /* indexes from start on */
	int64_t left;                   /* entries still wanted; <0: all */
	store_entry_cb cb;              /* the entries' bytes, or */
	store_cols_cb colcb;            /* their scope columns */
	void *arg;
	int stop;
};

/* Hands entry idx's bytes to the callback. */
static int
emit(struct store_conn *c, struct kscan *ks, int64_t idx, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_ENTRY_BYTES, e);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, idx);
	rc = sq_step_row(c, s, "log entry", e);
	if (rc == -1)
		return -1;
	if (rc == 1)
		return err_internal(e, "log keys name entry %lld, which is "
		    "missing", (long long)idx);
	if (ks->cb(ks->arg, idx, sqlite3_column_blob(s, 0),
	    (size_t)sqlite3_column_bytes(s, 0)) != 0)
		ks->stop = 1;
	sq_done(s);
	if (ks->left > 0 && --ks->left == 0)
		ks->stop = 1;
	return 0;
}

/* Hands entry idx's scope columns to the callback: from kc when the key
 * row carried them, else from the entry's row. */
static int
emit_cols(struct store_conn *c, struct kscan *ks, int64_t idx, int64_t t,
    const struct keys_cols *kc, struct err *e)
{
	char when[RFC3339_MS_LEN];
	struct store_entry_cols r;
	sqlite3_stmt *s = NULL;
	int rc;

	r.index = idx;
	r.time = t;
	if (kc->present) {
		time_format_ms(when, t * 1000 + kc->ms);
		r.actor_id = kc->str[0];
		r.tenant_id = kc->str[1];
		r.action = kc->str[2];
		r.allowed = kc->allowed;
		r.time_text = when;
		r.user = kc->str[3];
	} else {
		s = stmt(c, Q_ENTRY_COLS, e);
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, idx);
		rc = sq_step_row(c, s, "log entry", e);
		if (rc != 0)
			return rc == 1 ? err_internal(e, "log keys name entry "
			    "%lld, which is missing", (long long)idx) : -1;
		r.time = sqlite3_column_int64(s, 0);
		r.actor_id = (const char *)sqlite3_column_text(s, 1);
		r.tenant_id = (const char *)sqlite3_column_text(s, 2);
		r.action = (const char *)sqlite3_column_text(s, 3);
		r.allowed = sqlite3_column_int(s, 4);
		r.time_text = (const char *)sqlite3_column_text(s, 5);
		r.user = (const char *)sqlite3_column_text(s, 6);
		r.actor_id = r.actor_id != NULL ? r.actor_id : "";
		r.tenant_id = r.tenant_id != NULL ? r.tenant_id : "";
		r.action = r.action != NULL ? r.action : "";
		r.time_text = r.time_text != NULL ? r.time_text : "";
		r.user = r.user != NULL ? r.user : "";
	}
	if (ks->colcb(ks->arg, &r) != 0)
		ks->stop = 1;
	if (s != NULL)
		sq_done(s);
	return 0;
}

/* Walks the current row of s (first, t0, n, tmin, tmax, list, cols). */
static int
scan_row(struct store_conn *c, sqlite3_stmt *s, struct kscan *ks,
    struct err *e)
{
	const uint8_t *p = sqlite3_column_blob(s, 5);
	struct keys_iter it;
	struct keys_cols kc;
	int rc;

	if (sqlite3_column_int64(s, 4) < ks->from ||
	    sqlite3_column_int64(s, 3) >= ks->to)
		return 0;
	keys_iter_init(&it, sqlite3_column_int64(s, 0),
	    sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), p,
	    p != NULL ? (size_t)sqlite3_column_bytes(s, 5) : 0,
	    sqlite3_column_int(s, 6));
	kc.present = 0;
	while (!ks->stop && (rc = keys_iter_next(&it)) != 0) {
		int want;

		if (rc == -1)
			return err_internal(e, "log keys are damaged");
		want = it.idx >= ks->start && it.t >= ks->from &&
		    it.t < ks->to;
		if (it.cols && keys_iter_cols(&it, want && ks->colcb != NULL ?
		    &kc : NULL, NULL) == -1)
			return err_internal(e, "log keys are damaged");
		if (!want)
			continue;
		if (ks->colcb != NULL ? emit_cols(c, ks, it.idx, it.t, &kc,
		    e) == -1 : emit(c, ks, it.idx, e) == -1)
			return -1;
	}
	return 0;
}

/* The rows of one chunk for (kind, key), from index ks->start on. */
static int
scan_chunk(struct store_conn *c, int64_t chunk, int kind, const char *key,
    struct kscan *ks, struct err *e)
{
	sqlite3_stmt *s = stmt(c, ks->start > 0 ? Q_KEYS_ROWS_FROM :
	    Q_KEYS_ROWS, e);
	int rc = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, chunk);
	sqlite3_bind_int(s, 2, kind);
	sq_bind_text(s, 3, key);
	if (ks->start > 0)
		sqlite3_bind_int64(s, 4, ks->start);
	while (!ks->stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
		if (scan_row(c, s, ks, e) == -1) {
			sq_done(s);
			return -1;
		}
	if (!ks->stop && rc != SQLITE_DONE) {
		sq_fail(c, e, "log keys");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	return 0;
}

/* The chunks q names (bound by the caller in s), then each one's rows. */
static int
scan(struct store_conn *c, sqlite3_stmt *s, int kind, const char *key,
    struct kscan *ks, struct err *e)
{
	int64_t *chunks = NULL, *more;
	size_t n = 0, cap = 0, i;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap > 0 ? cap * 2 : 64;
			more = realloc(chunks, cap * sizeof(*chunks));
			if (more == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			chunks = more;
		}
		chunks[n++] = sqlite3_column_int64(s, 0);
	}
	if (rc != SQLITE_DONE) {
		sq_fail(c, e, "log chunks");
		sq_done(s);
		free(chunks);
		return -1;
	}
	sq_done(s);
	rc = 0;
	for (i = 0; i < n && !ks->stop && rc == 0; i++)
		rc = scan_chunk(c, chunks[i], kind, key, ks, e);
	free(chunks);
	return rc;
}

/* The rows of (kind, id) in the chunks whose times meet [ks->from,
 * ks->to), after the writer's unwritten keys. */
static int
by_principal(struct store_conn *c, int kind, const char *id,
    struct kscan *ks, struct err *e)
{
	sqlite3_stmt *s;

	if (id == NULL || id[0] == '\0' || ks->from >= ks->to)
		return 0;
	if (sq_keys_flush(c, e) == -1)
		return -1;
	s = stmt(c, Q_CHUNKS_TIME, e);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ks->from);
	sqlite3_bind_int64(s, 2, ks->to);
	return scan(c, s, kind, id, ks, e);
}

int
sq_keys_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_entry_cb cb, void *arg, struct err *e)
{
	struct kscan ks = {from, to, 0, -1, cb, NULL, arg, 0};

	return by_principal(c, kind, id, &ks, e);
}

int
sq_keys_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e)
{
	struct kscan ks = {INT64_MIN, INT64_MAX, start, limit < 0 ? -1 : limit,
	    cb, NULL, arg, 0};
	sqlite3_stmt *s;

	if (limit == 0)
		return 0;
	if (sq_keys_flush(c, e) == -1)
		return -1;
	s = stmt(c, Q_CHUNKS_FROM, e);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, start > 0 ? start >> CHUNK_SHIFT : 0);
	return scan(c, s, SP_TENANT, tenant_id, &ks, e);
}

int
sq_keys_cols_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_cols_cb cb, void *arg, struct err *e)
{
	struct kscan ks = {from, to, 0, -1, NULL, cb, arg, 0};

	return by_principal(c, kind, id, &ks, e);
}
