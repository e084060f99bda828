/* SPDX-License-Identifier: ISC */
/*
 * pg_keys.c: reading the log's principal keys on PostgreSQL (issue 15).
 * The rows and their bytes are sqlite_keys.c's (store/keys_codec.h; they
 * are written by pg_log.c's flush); the walk is the same: the chunks
 * whose times meet the window (entry_chunks), then each chunk's rows for
 * (kind, key) in index order, then the wanted entries.  Where SQLite
 * reads each wanted entry with its own statement, this asks for up to
 * BATCH of them at once (`idx = ANY($1)`), in index order, and hands
 * them over in the same order.  No json_extract: an entry's time text
 * and user, when its key row does not carry them, are read from its
 * bytes here with jansson.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "store/keys_codec.h"
#include "store/pg_int.h"
#include "store/pg_keys.h"

#define BATCH 1024

enum q {
	Q_CHUNKS_TIME, Q_CHUNKS_FROM, Q_KEYS_ROWS, Q_KEYS_ROWS_FROM,
	Q_ENTRY_BYTES, Q_ENTRY_COLS,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_CHUNKS_TIME] = "SELECT chunk FROM entry_chunks "
	    "WHERE tmax >= $1 AND tmin < $2 ORDER BY chunk",
	[Q_CHUNKS_FROM] = "SELECT chunk FROM entry_chunks WHERE chunk >= $1 "
	    "ORDER BY chunk",
	[Q_KEYS_ROWS] = "SELECT first, t0, n, tmin, tmax, list, cols "
	    "FROM entry_keys "
	    "WHERE chunk = $1 AND kind = $2 AND key = $3 ORDER BY first",
	/* From the row holding index $4 on. */
	[Q_KEYS_ROWS_FROM] = "SELECT first, t0, n, tmin, tmax, list, cols "
	    "FROM entry_keys WHERE chunk = $1 AND kind = $2 AND key = $3 "
	    "AND first >= COALESCE((SELECT max(first) FROM entry_keys "
	    "WHERE chunk = $1 AND kind = $2 AND key = $3 AND first <= $4), 0) "
	    "ORDER BY first",
	[Q_ENTRY_BYTES] = "SELECT idx, bytes FROM entries "
	    "WHERE idx = ANY($1::int8[]) ORDER BY idx",
	/* Entries' scope columns where their key rows carry none. */
	[Q_ENTRY_COLS] = "SELECT idx, time, actor_id, tenant_id, action, "
	    "allowed, bytes FROM entries "
	    "WHERE idx = ANY($1::int8[]) ORDER BY idx",
};

/* A wanted entry not yet handed over. */
struct pend {
	int64_t idx, t;
	const uint8_t *colp, *colend;   /* its columns in the key row */
	int fetch;                      /* read from entries */
};

/* What one lookup wants, and its progress. */
struct kscan {
	int64_t from, to;               /* times, [from, to) */
	int64_t start;                  /* indexes from start on */
	int64_t left;                   /* entries still wanted; <0: all */
	store_entry_cb cb;              /* the entries' bytes, or */
	store_cols_cb colcb;            /* their scope columns */
	void *arg;
	int stop;                       /* the callback had enough */
	int full;                       /* left reached: take no more */
	struct pend pend[BATCH];
	int npend, nfetch;
	struct buf ids;                 /* "{i,j,...}" of those to fetch */
};

static int
missing(struct err *e, int64_t idx)
{
	return err_internal(e, "log keys name entry %lld, which is missing",
	    (long long)idx);
}

/* The text json_extract(bytes, '$.key') gives on SQLite, or NULL when
 * that is NULL; malloc'd. */
static char *
json_text(const json_t *doc, const char *key)
{
	const json_t *v = json_object_get(doc, key);
	char num[64];

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return strdup(num);
	}
	if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return strdup(num);
	}
	if (json_is_boolean(v))
		return strdup(json_is_true(v) ? "1" : "0");
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Hands row i of r (Q_ENTRY_COLS) to the columns callback. */
static int
emit_fetched_cols(struct kscan *ks, const PGresult *r, int i)
{
	struct store_entry_cols c;
	size_t len;
	const char *bytes = pg_get_bytes(r, i, 6, &len);
	json_t *doc = json_loadb(bytes, len, 0, NULL);
	char *when = NULL, *user = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	c.index = pg_get_int(r, i, 0);
	c.time = pg_get_int(r, i, 1);
	c.actor_id = pg_get_bytes(r, i, 2, &len);
	c.tenant_id = pg_get_bytes(r, i, 3, &len);
	c.action = pg_get_bytes(r, i, 4, &len);
	c.allowed = (int)pg_get_int(r, i, 5);
	if (doc != NULL) {
		when = json_text(doc, "time");
		if (c.allowed == 1 && strncmp(c.action, "user.", 5) == 0)
			user = json_text(doc, "target");
		json_decref(doc);
	}
	c.time_text = when != NULL ? when : "";
	c.user = user != NULL ? user : "";
	rc = ks->colcb(ks->arg, &c);
	free(when);
	free(user);
	return rc;
}

/* Hands the pending entries over, in order, reading those that need it
 * in one statement. */
static int
drain(struct store_conn *c, struct kscan *ks, struct err *e)
{
	char when[RFC3339_MS_LEN];
	struct pg_params p;
	PGresult *r = NULL;
	int i, j = 0, n = 0, rc = 0;

	if (ks->npend == 0)
		return 0;
	if (ks->nfetch > 0) {
		if (buf_append(&ks->ids, "}", 2) == -1) {
			rc = err_internal(e, "out of memory");
			goto out;
		}
		pg_params_init(&p);
		pg_param_text(&p, ks->ids.data);
		if (pg_run(c, PG_KEYS, ks->colcb != NULL ? Q_ENTRY_COLS :
		    Q_ENTRY_BYTES, q_sql, &p, &r, "log entry", e) == -1) {
			rc = -1;
			goto out;
		}
		n = PQntuples(r);
	}
	for (i = 0; i < ks->npend && !ks->stop; i++) {
		const struct pend *pd = &ks->pend[i];
		int stop;

		if (!pd->fetch) {
			struct keys_cols kc;
			struct store_entry_cols cr;

			if (keys_cols_at(pd->colp, pd->colend, &kc) == -1) {
				rc = err_internal(e, "log keys are damaged");
				goto out;
			}
			time_format_ms(when, pd->t * 1000 + kc.ms);
			cr.index = pd->idx;
			cr.time = pd->t;
			cr.actor_id = kc.str[0];
			cr.tenant_id = kc.str[1];
			cr.action = kc.str[2];
			cr.allowed = kc.allowed;
			cr.time_text = when;
			cr.user = kc.str[3];
			stop = ks->colcb(ks->arg, &cr);
		} else {
			if (j >= n || pg_get_int(r, j, 0) != pd->idx) {
				rc = missing(e, pd->idx);
				goto out;
			}
			if (ks->colcb != NULL) {
				stop = emit_fetched_cols(ks, r, j);
			} else {
				size_t len;
				const char *b = pg_get_bytes(r, j, 1, &len);

				stop = ks->cb(ks->arg, pd->idx, b, len);
			}
			j++;
		}
		if (stop != 0)
			ks->stop = 1;
	}
out:
	PQclear(r);
	ks->npend = ks->nfetch = 0;
	buf_reset(&ks->ids);
	return rc;
}

/* Adds a wanted entry: colp its columns in the key row (NULL: none). */
static int
want(struct store_conn *c, struct kscan *ks, int64_t idx, int64_t t,
    const uint8_t *colp, const uint8_t *colend, struct err *e)
{
	struct pend *pd = &ks->pend[ks->npend];

	pd->idx = idx;
	pd->t = t;
	pd->colp = colp;
	pd->colend = colend;
	/* Bytes are always read; columns when the key row has none. */
	pd->fetch = ks->colcb == NULL || colp == NULL || *colp == 0;
	if (pd->fetch) {
		if (buf_printf(&ks->ids, "%s%" PRId64, ks->nfetch == 0 ? "{" :
		    ",", idx) == -1)
			return err_internal(e, "out of memory");
		ks->nfetch++;
	}
	ks->npend++;
	if (ks->cb != NULL && ks->left > 0 && --ks->left == 0)
		ks->full = 1;
	return ks->npend == BATCH || ks->full ? drain(c, ks, e) : 0;
}

/* Walks row i of r (first, t0, n, tmin, tmax, list, cols). */
static int
scan_row(struct store_conn *c, const PGresult *r, int i, struct kscan *ks,
    struct err *e)
{
	const uint8_t *colp;
	struct keys_iter it;
	size_t len;
	const uint8_t *list;
	int rc;

	if (pg_get_int(r, i, 4) < ks->from || pg_get_int(r, i, 3) >= ks->to)
		return 0;
	list = (const uint8_t *)pg_get_bytes(r, i, 5, &len);
	keys_iter_init(&it, pg_get_int(r, i, 0), pg_get_int(r, i, 1),
	    pg_get_int(r, i, 2), list, len, (int)pg_get_int(r, i, 6));
	while (!ks->stop && !ks->full && (rc = keys_iter_next(&it)) != 0) {
		int w;

		if (rc == -1)
			return err_internal(e, "log keys are damaged");
		w = it.idx >= ks->start && it.t >= ks->from && it.t < ks->to;
		colp = NULL;
		if (it.cols && keys_iter_cols(&it, NULL, &colp) == -1)
			return err_internal(e, "log keys are damaged");
		if (w && want(c, ks, it.idx, it.t, colp, it.end, e) == -1)
			return -1;
	}
	return 0;
}

/* The rows of one chunk for (kind, key), from index ks->start on. */
static int
scan_chunk(struct store_conn *c, int64_t chunk, int kind, const char *key,
    struct kscan *ks, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int i, n, rc = 0;

	pg_params_init(&p);
	pg_param_int(&p, chunk);
	pg_param_int(&p, kind);
	pg_param_text(&p, key);
	if (ks->start > 0)
		pg_param_int(&p, ks->start);
	if (pg_run(c, PG_KEYS, ks->start > 0 ? Q_KEYS_ROWS_FROM : Q_KEYS_ROWS,
	    q_sql, &p, &r, "log keys", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n && !ks->stop && !ks->full && rc == 0; i++)
		rc = scan_row(c, r, i, ks, e);
	/* The pending entries point into r's lists. */
	if (rc == 0)
		rc = drain(c, ks, e);
	else
		ks->npend = ks->nfetch = 0;
	PQclear(r);
	return rc;
}

/* The chunks statement q names (with p), then each one's rows. */
static int
scan(struct store_conn *c, enum q q, const struct pg_params *p, int kind,
    const char *key, struct kscan *ks, struct err *e)
{
	PGresult *r;
	int64_t *chunks;
	int i, n, rc = 0;

	if (pg_run(c, PG_KEYS, q, q_sql, p, &r, "log chunks", e) == -1)
		return -1;
	n = PQntuples(r);
	chunks = malloc(((size_t)n + 1) * sizeof(*chunks));
	if (chunks == NULL) {
		PQclear(r);
		return err_internal(e, "out of memory");
	}
	for (i = 0; i < n; i++)
		chunks[i] = pg_get_int(r, i, 0);
	PQclear(r);
	buf_init(&ks->ids, (size_t)BATCH * 24 + 8);
	for (i = 0; i < n && !ks->stop && !ks->full && rc == 0; i++)
		rc = scan_chunk(c, chunks[i], kind, key, ks, e);
	buf_cleanup(&ks->ids);
	free(chunks);
	return rc;
}

static struct kscan *
kscan_new(int64_t from, int64_t to, int64_t start, int64_t left,
    store_entry_cb cb, store_cols_cb colcb, void *arg)
{
	struct kscan *ks = calloc(1, sizeof(*ks));

	if (ks == NULL)
		return NULL;
	ks->from = from;
	ks->to = to;
	ks->start = start;
	ks->left = left;
	ks->cb = cb;
	ks->colcb = colcb;
	ks->arg = arg;
	return ks;
}

/* The rows of (kind, id) in the chunks whose times meet [ks->from,
 * ks->to) (the writer's unsent keys go first: pg_run). */
static int
by_principal(struct store_conn *c, int kind, const char *id,
    struct kscan *ks, struct err *e)
{
	struct pg_params p;
	int rc;

	if (ks == NULL)
		return err_internal(e, "out of memory");
	if (id == NULL || id[0] == '\0' || ks->from >= ks->to) {
		free(ks);
		return 0;
	}
	pg_params_init(&p);
	pg_param_int(&p, ks->from);
	pg_param_int(&p, ks->to);
	rc = scan(c, Q_CHUNKS_TIME, &p, kind, id, ks, e);
	free(ks);
	return rc;
}

int
pg_keys_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_entry_cb cb, void *arg, struct err *e)
{
	return by_principal(c, kind, id, kscan_new(from, to, 0, -1, cb, NULL,
	    arg), e);
}

int
pg_keys_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e)
{
	struct kscan *ks;
	struct pg_params p;
	int rc;

	if (limit == 0)
		return 0;
	ks = kscan_new(INT64_MIN, INT64_MAX, start, limit < 0 ? -1 : limit,
	    cb, NULL, arg);
	if (ks == NULL)
		return err_internal(e, "out of memory");
	pg_params_init(&p);
	pg_param_int(&p, start > 0 ? start >> KEYS_CHUNK_SHIFT : 0);
	rc = scan(c, Q_CHUNKS_FROM, &p, SP_TENANT, tenant_id, ks, e);
	free(ks);
	return rc;
}

int
pg_keys_cols_by_principal(struct store_conn *c, int kind, const char *id,
    int64_t from, int64_t to, store_cols_cb cb, void *arg, struct err *e)
{
	return by_principal(c, kind, id, kscan_new(from, to, 0, -1, NULL, cb,
	    arg), e);
}
