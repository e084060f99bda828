/* SPDX-License-Identifier: ISC */
/*
 * sqlite_logfilter.c: the operator's filtered reads of the log (GET
 * /v1/log/entries?order=desc&tenant=...).  The entries table has no
 * index but its primary key (the others were traded for posting lists,
 * sqlite_keys.c, to keep appends cheap), so a filter is a walk of the
 * primary key over a window of at most f->scan indexes, in either
 * direction, with the filter in the WHERE clause.  A time filter first
 * narrows the window to the chunks (2^16 indexes, entry_chunks) whose
 * times overlap it.  The caller goes on from *next.
 */
#include <string.h>

#include "store/sqlite_int.h"

enum q {
	Q_FILTER_ASC, Q_FILTER_DESC, Q_CHUNK_SPAN,
	Q_COUNT
};

_Static_assert(Q_COUNT <= SQ_FAMILY_MAX, "raise SQ_FAMILY_MAX");

#define FILTER_WHERE \
	"FROM entries WHERE idx >= ?1 AND idx < ?2 " \
	"AND (?3 IS NULL OR tenant_id = ?3) " \
	"AND (?4 IS NULL OR actor_id = ?4) " \
	"AND (?5 IS NULL OR action = ?5) " \
	"AND (?6 IS NULL OR allowed = ?6) " \
	"AND time >= ?7 AND time < ?8 "

static const char *const q_sql[Q_COUNT] = {
	[Q_FILTER_ASC] = ("SELECT idx, tenant_id, leaf, bytes " FILTER_WHERE
	    "ORDER BY idx LIMIT ?9"),
	[Q_FILTER_DESC] = ("SELECT idx, tenant_id, leaf, bytes " FILTER_WHERE
	    "ORDER BY idx DESC LIMIT ?9"),
	[Q_CHUNK_SPAN] = "SELECT min(chunk), max(chunk) FROM entry_chunks "
	    "WHERE tmax >= ?1 AND tmin < ?2",
};

#define CHUNK_SHIFT 16

static sqlite3_stmt *
stmt(struct store_conn *c, enum q q, struct err *e)
{
	return sq_stmt(c, SQ_LOGFILTER, q, q_sql, e);
}

/* Narrows [*lo, *hi) to the chunks whose times meet [since, until);
 * 1 when none does. */
static int
chunk_span(struct store_conn *c, int64_t since, int64_t until, int64_t *lo,
    int64_t *hi, struct err *e)
{
	sqlite3_stmt *s = stmt(c, Q_CHUNK_SPAN, e);
	int64_t a, b;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, until);
	rc = sq_step_row(c, s, "log chunks", e);
	if (rc != 0)
		return rc;
	if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
		sq_done(s);
		return 1;
	}
	a = sqlite3_column_int64(s, 0);
	b = sqlite3_column_int64(s, 1);
	sq_done(s);
	if (a < 0 || b < a || b > (INT64_MAX >> CHUNK_SHIFT) - 1)
		return 0;       /* nonsense: keep the whole window */
	if (*lo < (a << CHUNK_SHIFT))
		*lo = a << CHUNK_SHIFT;
	if (*hi > ((b + 1) << CHUNK_SHIFT))
		*hi = (b + 1) << CHUNK_SHIFT;
	return 0;
}

static void
bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int
sqlite_entry_filter(struct store_conn *c, const struct store_entry_filter *f,
    store_leaf_cb cb, void *arg, int64_t *next, struct err *e)
{
	int64_t lo = f->start, hi = f->end, n = 0, last = -1, lo0, hi0;
	struct rec_leaf r;
	sqlite3_stmt *s;
	int rc;

	*next = -1;
	if (f->limit <= 0 || f->scan <= 0 || lo >= hi)
		return 0;
	if (f->since > INT64_MIN || f->until < INT64_MAX) {
		rc = chunk_span(c, f->since, f->until, &lo, &hi, e);
		if (rc == -1)
			return -1;
		if (rc == 1 || lo >= hi)
			return 0;
	}
	lo0 = lo;
	hi0 = hi;
	/* The window: at most f->scan indexes from the end we start at. */
	if (f->desc && hi - lo > f->scan)
		lo = hi - f->scan;
	else if (!f->desc && hi - lo > f->scan)
		hi = lo + f->scan;
	s = stmt(c, f->desc ? Q_FILTER_DESC : Q_FILTER_ASC, e);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, lo);
	sqlite3_bind_int64(s, 2, hi);
	bind_text_or_null(s, 3, f->tenant_id);
	bind_text_or_null(s, 4, f->actor_id);
	bind_text_or_null(s, 5, f->action);
	if (f->allowed == -1)
		sqlite3_bind_null(s, 6);
	else
		sqlite3_bind_int(s, 6, f->allowed);
	sqlite3_bind_int64(s, 7, f->since);
	sqlite3_bind_int64(s, 8, f->until);
	sqlite3_bind_int64(s, 9, f->limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.index = sqlite3_column_int64(s, 0);
		r.tenant_id = (const char *)sqlite3_column_text(s, 1);
		if (r.tenant_id == NULL)
			r.tenant_id = "";
		r.leaf = sqlite3_column_blob(s, 2);
		r.leaf_len = (size_t)sqlite3_column_bytes(s, 2);
		r.bytes = sqlite3_column_blob(s, 3);
		r.len = (size_t)sqlite3_column_bytes(s, 3);
		last = r.index;
		n++;
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_fail(c, e, "log entries");
		sq_done(s);
		return -1;
	}
	sq_done(s);
	/* A full page goes on after its last entry; a short one after the
	 * window, when the window did not reach the range's end. */
	if (n >= f->limit) {
		if (f->desc && last > lo0)
			*next = last;
		else if (!f->desc && last + 1 < hi0)
			*next = last + 1;
	} else if (f->desc && lo > lo0) {
		*next = lo;
	} else if (!f->desc && hi < hi0) {
		*next = hi;
	}
	return 0;
}
