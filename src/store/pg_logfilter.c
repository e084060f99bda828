/* SPDX-License-Identifier: ISC */
/*
 * pg_logfilter.c: the operator's filtered reads of the log on PostgreSQL
 * (issue 15), as sqlite_logfilter.c: a walk of the primary key over a
 * window of at most f->scan indexes, in either direction, with the
 * filter in the WHERE clause; a time filter first narrows the window to
 * the chunks (entry_chunks) whose times overlap it.  The caller goes on
 * from *next.
 */
#include <string.h>

#include "store/keys_codec.h"
#include "store/pg_int.h"

enum q {
	Q_FILTER_ASC, Q_FILTER_DESC, Q_CHUNK_SPAN,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

#define FILTER_WHERE \
	"FROM entries WHERE idx >= $1 AND idx < $2 " \
	"AND ($3::text IS NULL OR tenant_id = $3::text) " \
	"AND ($4::text IS NULL OR actor_id = $4::text) " \
	"AND ($5::text IS NULL OR action = $5::text) " \
	"AND ($6::int8 IS NULL OR allowed = $6::int8) " \
	"AND time >= $7 AND time < $8 "

static const char *const q_sql[Q_COUNT] = {
	[Q_FILTER_ASC] = ("SELECT idx, tenant_id, leaf, bytes " FILTER_WHERE
	    "ORDER BY idx LIMIT $9"),
	[Q_FILTER_DESC] = ("SELECT idx, tenant_id, leaf, bytes " FILTER_WHERE
	    "ORDER BY idx DESC LIMIT $9"),
	[Q_CHUNK_SPAN] = "SELECT min(chunk), max(chunk) FROM entry_chunks "
	    "WHERE tmax >= $1 AND tmin < $2",
};

#define CHUNK_SHIFT KEYS_CHUNK_SHIFT

/* Narrows [*lo, *hi) to the chunks whose times meet [since, until);
 * 1 when none does. */
static int
chunk_span(struct store_conn *c, int64_t since, int64_t until, int64_t *lo,
    int64_t *hi, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int64_t a, b;
	int rc;

	pg_params_init(&p);
	pg_param_int(&p, since);
	pg_param_int(&p, until);
	rc = pg_row(c, PG_LOGFILTER, Q_CHUNK_SPAN, q_sql, &p, &r,
	    "log chunks", e);
	if (rc != 0)
		return rc;
	if (pg_is_null(r, 0, 0)) {
		PQclear(r);
		return 1;
	}
	a = pg_get_int(r, 0, 0);
	b = pg_get_int(r, 0, 1);
	PQclear(r);
	if (a < 0 || b < a || b > (INT64_MAX >> CHUNK_SHIFT) - 1)
		return 0;       /* nonsense: keep the whole window */
	if (*lo < (a << CHUNK_SHIFT))
		*lo = a << CHUNK_SHIFT;
	if (*hi > ((b + 1) << CHUNK_SHIFT))
		*hi = (b + 1) << CHUNK_SHIFT;
	return 0;
}

int
pg_entry_filter(struct store_conn *c, const struct store_entry_filter *f,
    store_leaf_cb cb, void *arg, int64_t *next, struct err *e)
{
	int64_t lo = f->start, hi = f->end, n = 0, last = -1, lo0, hi0;
	struct pg_params p;
	struct rec_leaf r;
	PGresult *res;
	size_t tlen;
	int rc, i, rows;

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
	pg_params_init(&p);
	pg_param_int(&p, lo);
	pg_param_int(&p, hi);
	pg_param_text(&p, f->tenant_id);
	pg_param_text(&p, f->actor_id);
	pg_param_text(&p, f->action);
	if (f->allowed == -1)
		pg_param_null(&p);
	else
		pg_param_int(&p, f->allowed);
	pg_param_int(&p, f->since);
	pg_param_int(&p, f->until);
	pg_param_int(&p, f->limit);
	if (pg_run(c, PG_LOGFILTER, f->desc ? Q_FILTER_DESC : Q_FILTER_ASC,
	    q_sql, &p, &res, "log entries", e) == -1)
		return -1;
	rows = PQntuples(res);
	for (i = 0; i < rows; i++) {
		memset(&r, 0, sizeof(r));
		r.index = pg_get_int(res, i, 0);
		r.tenant_id = pg_get_bytes(res, i, 1, &tlen);
		if (!pg_is_null(res, i, 2))
			r.leaf = (const uint8_t *)pg_get_bytes(res, i, 2,
			    &r.leaf_len);
		r.bytes = pg_get_bytes(res, i, 3, &r.len);
		last = r.index;
		n++;
		if (cb(arg, &r) != 0)
			break;
	}
	PQclear(res);
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
