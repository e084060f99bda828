/* SPDX-License-Identifier: ISC */
/*
 * pg_log.c: the PostgreSQL backend's transparency log (issue 15).
 *
 * The writer buffers the entries it appends (struct pg_log: a copy of
 * each rec_entry's columns, bytes and leaf) and sends them with binary
 * COPY at pg_log_flush: rows [sent, upto) into entries, then their
 * principal keys (derived here from the same rows with keys_codec, so a
 * rolled-back savepoint only drops rows: pg_log_truncate) into
 * entry_keys, then each touched chunk's time bounds into entry_chunks.
 * store_pg.c flushes before every statement the writer runs (pg_run ->
 * pg_ctl_send), before a savepoint's first statement and at commit, so
 * the writer's own reads see its rows.  Indexes are dense: an entry must
 * follow the previous one of the transaction.
 *
 * Reads mirror sqlite_log.c; long ranges are read in pages of PAGE rows
 * (keyset, by idx) so no result holds the whole log.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/keys_codec.h"
#include "store/pg_int.h"
#include "store/pg_keys.h"

#define PAGE 4096
#define COPY_SEND 262144        /* bytes per PQputCopyData */
#define SMALL 64                /* rows sent in one INSERT, not COPY */

enum q {
	Q_ENTRY_COUNT, Q_ENTRY_RANGE, Q_ENTRY_RANGE_TENANT, Q_POLICY_CHANGES,
	Q_TILE_GET, Q_TILE_PUT, Q_CHECKPOINT_PUT, Q_CHECKPOINT_LATEST,
	Q_LEAF_RANGE, Q_LEAF_RANGE_FULL,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

/* Paged reads: $1 the first index, $2 the end, $3 the page. */
static const char *const q_sql[Q_COUNT] = {
	[Q_ENTRY_COUNT] = "SELECT size FROM log_head WHERE id = 1",
	[Q_ENTRY_RANGE] = "SELECT idx, bytes FROM entries "
	    "WHERE idx >= $1 AND idx < $2 ORDER BY idx LIMIT $3",
	/* Entries without a tenant are not keyed: this reads the log from
	 * start on (only ever asked for with a tenant). */
	[Q_ENTRY_RANGE_TENANT] = "SELECT idx, bytes FROM entries "
	    "WHERE tenant_id = '' AND idx >= $1 AND idx < $2 "
	    "ORDER BY idx LIMIT $3",
	[Q_POLICY_CHANGES] = "SELECT idx, bytes FROM entries "
	    "WHERE action = 'tenant.support_policy' AND allowed = 1 "
	    "AND idx >= $1 AND idx < $2 ORDER BY idx LIMIT $3",
	[Q_TILE_GET] = "SELECT hashes FROM tiles WHERE level = $1 AND idx = $2",
	[Q_TILE_PUT] = "INSERT INTO tiles(level, idx, hashes) VALUES "
	    "($1, $2, $3) ON CONFLICT(level, idx) DO UPDATE "
	    "SET hashes = excluded.hashes "
	    "WHERE tiles.hashes <> excluded.hashes",
	[Q_CHECKPOINT_PUT] = "INSERT INTO checkpoints(size, time, note) "
	    "VALUES ($1, $2, $3) ON CONFLICT(size) DO NOTHING",
	[Q_CHECKPOINT_LATEST] = "SELECT note FROM checkpoints "
	    "ORDER BY size DESC LIMIT 1",
	[Q_LEAF_RANGE] = "SELECT idx, tenant_id, leaf FROM entries "
	    "WHERE idx >= $1 AND idx < $2 ORDER BY idx LIMIT $3",
	[Q_LEAF_RANGE_FULL] = "SELECT idx, tenant_id, leaf, bytes "
	    "FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx LIMIT $3",
};

/* The strings of a buffered entry, in the arena. */
enum { S_ACTOR, S_ENGINEER, S_VENDOR, S_TENANT, S_ACTION, S_SESSION,
	S_DEVICE, S_SOURCE, S_TARGET, S_BYTES, S_LEAF, S_COUNT };

struct pl_row {
	int64_t idx, time, time_ms;
	int allowed;
	int has_leaf;
	size_t off[S_COUNT], len[S_COUNT];
};

struct pg_log {
	struct pl_row *rows;            /* rows [base, count) */
	size_t caprows;
	char *arena;
	size_t narena, caparena;
	size_t base, count, sent;
	int64_t first_idx;              /* index of the transaction's row 0 */
	uint8_t *copy;                  /* a COPY's data */
	size_t ncopy, capcopy;
	struct keys_buf keys;
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap > 0 ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* A failed COPY or upsert: 503 (and the connection marked broken) when
 * the server is gone, else 500. */
static int
log_fail(struct store_conn *c, const PGresult *r, struct err *e,
    const char *what)
{
	const char *state = r != NULL ?
	    PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK ||
	    (state != NULL && (strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P", 3) == 0))) {
		c->broken = 1;
		return err_set(e, 503, "unavailable", "store: %s: the database "
		    "cannot be reached", what);
	}
	return pg_fail_internal(c, r, e, what);
}

/* --- the buffer --- */

static int
arena_put(struct pg_log *L, struct pl_row *r, int s, const void *v,
    size_t n)
{
	if (grow((void **)&L->arena, &L->caparena, L->narena + n, 1) == -1)
		return -1;
	if (n > 0)
		memcpy(L->arena + L->narena, v, n);
	r->off[s] = L->narena;
	r->len[s] = n;
	L->narena += n;
	return 0;
}

static int
arena_str(struct pg_log *L, struct pl_row *r, int s, const char *v)
{
	return arena_put(L, r, s, v != NULL ? v : "",
	    v != NULL ? strlen(v) : 0);
}

static struct pl_row *
row_at(struct pg_log *L, size_t i)
{
	return &L->rows[i - L->base];
}

static int
flush_alone(struct store_conn *c, struct err *e);

int
pg_entry_append(struct store_conn *c, const struct rec_entry *en,
    struct err *e)
{
	struct pg_log *L = c->log;
	struct pl_row *r;
	size_t mark;

	if (c->kind != STORE_CONN_WRITE)
		return err_internal(e, "log entry: only the writer appends");
	if (L == NULL) {
		L = c->log = calloc(1, sizeof(*L));
		if (L == NULL)
			return err_internal(e, "out of memory");
	}
	if (L->count == 0)
		L->first_idx = en->index;
	else if (en->index != L->first_idx + (int64_t)L->count)
		return err_internal(e, "log entry %lld out of order (expected "
		    "%lld)", (long long)en->index,
		    (long long)(L->first_idx + (int64_t)L->count));
	if (grow((void **)&L->rows, &L->caprows, L->count - L->base + 1,
	    sizeof(*L->rows)) == -1)
		return err_internal(e, "out of memory");
	mark = L->narena;
	r = &L->rows[L->count - L->base];
	memset(r, 0, sizeof(*r));
	r->idx = en->index;
	r->time = en->time;
	r->time_ms = en->time_ms;
	r->allowed = en->allowed;
	r->has_leaf = en->leaf != NULL;
	if (arena_str(L, r, S_ACTOR, en->actor_id) == -1 ||
	    arena_str(L, r, S_ENGINEER, en->engineer_id) == -1 ||
	    arena_str(L, r, S_VENDOR, en->vendor_id) == -1 ||
	    arena_str(L, r, S_TENANT, en->tenant_id) == -1 ||
	    arena_str(L, r, S_ACTION, en->action) == -1 ||
	    arena_str(L, r, S_SESSION, en->session_id) == -1 ||
	    arena_str(L, r, S_DEVICE, en->device_id) == -1 ||
	    arena_str(L, r, S_SOURCE, en->source) == -1 ||
	    arena_str(L, r, S_TARGET, en->target) == -1 ||
	    arena_put(L, r, S_BYTES, en->bytes, en->len) == -1 ||
	    arena_put(L, r, S_LEAF, en->leaf, en->leaf != NULL ?
	    en->leaf_len : 0) == -1) {
		L->narena = mark;
		return err_internal(e, "out of memory");
	}
	L->count++;
	/* Outside a transaction nothing else would send it. */
	return c->in_tx ? 0 : flush_alone(c, e);
}

size_t
pg_log_count(const struct store_conn *c)
{
	return c->log != NULL ? c->log->count : 0;
}

size_t
pg_log_sent(const struct store_conn *c)
{
	return c->log != NULL ? c->log->sent : 0;
}

void
pg_log_truncate(struct store_conn *c, size_t mark)
{
	struct pg_log *L = c->log;

	if (L == NULL || mark >= L->count)
		return;
	if (mark >= L->base) {
		/* The arena keeps the dropped rows' bytes until the next
		 * flush or reset: they are only ever a savepoint's. */
		L->count = mark;
	} else {
		L->base = L->count = mark;
		L->narena = 0;
	}
	if (L->sent > mark)
		L->sent = mark;
}

void
pg_log_reset(struct store_conn *c)
{
	struct pg_log *L = c->log;

	if (L == NULL)
		return;
	L->base = L->count = L->sent = 0;
	L->narena = 0;
	L->ncopy = 0;
	keys_discard(&L->keys);
}

int64_t
pg_log_appended_to(const struct store_conn *c)
{
	const struct pg_log *L = c->log;

	return L != NULL && L->count > 0 ? L->first_idx + (int64_t)L->count :
	    -1;
}

void
pg_log_free(struct store_conn *c)
{
	struct pg_log *L = c->log;

	if (L == NULL)
		return;
	free(L->rows);
	free(L->arena);
	free(L->copy);
	keys_free(&L->keys);
	free(L);
	c->log = NULL;
}

/* --- binary COPY --- */

static int
cp_need(struct pg_log *L, size_t n)
{
	return grow((void **)&L->copy, &L->capcopy, L->ncopy + n, 1);
}

static void
cp_i16(struct pg_log *L, int v)
{
	uint16_t x = htons((uint16_t)v);

	memcpy(L->copy + L->ncopy, &x, 2);
	L->ncopy += 2;
}

static void
cp_i32(struct pg_log *L, int32_t v)
{
	uint32_t x = htonl((uint32_t)v);

	memcpy(L->copy + L->ncopy, &x, 4);
	L->ncopy += 4;
}

/* An int8 field: its length, then the value. */
static void
cp_int8(struct pg_log *L, int64_t v)
{
	uint64_t u = (uint64_t)v;

	cp_i32(L, 8);
	cp_i32(L, (int32_t)(uint32_t)(u >> 32));
	cp_i32(L, (int32_t)(uint32_t)(u & 0xffffffffu));
}

static void
cp_bytes(struct pg_log *L, const void *v, size_t n)
{
	cp_i32(L, (int32_t)n);
	if (n > 0)
		memcpy(L->copy + L->ncopy, v, n);
	L->ncopy += n;
}

static void
cp_header(struct pg_log *L)
{
	static const char sig[11] = "PGCOPY\n\377\r\n";

	L->ncopy = 0;
	memcpy(L->copy, sig, sizeof(sig));
	L->ncopy = sizeof(sig);
	cp_i32(L, 0);           /* flags */
	cp_i32(L, 0);           /* header extension */
}

/* Runs `sql` (a COPY ... FROM STDIN (FORMAT binary)) with L->copy. */
static int
copy_run(struct store_conn *c, const char *sql, const char *what,
    struct err *e)
{
	struct pg_log *L = c->log;
	PGresult *r;
	size_t at;
	int rc = 0;

	if (c->pg == NULL || c->broken || PQstatus(c->pg) != CONNECTION_OK)
		return log_fail(c, NULL, e, what);
	r = PQexec(c->pg, sql);
	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN) {
		rc = log_fail(c, r, e, what);
		PQclear(r);
		return rc;
	}
	PQclear(r);
	for (at = 0; at < L->ncopy; at += COPY_SEND) {
		size_t n = L->ncopy - at < COPY_SEND ? L->ncopy - at :
		    COPY_SEND;

		if (PQputCopyData(c->pg, (const char *)L->copy + at,
		    (int)n) != 1) {
			rc = log_fail(c, NULL, e, what);
			break;
		}
	}
	if (PQputCopyEnd(c->pg, rc == 0 ? NULL : "custos: abandoned") != 1 &&
	    rc == 0)
		rc = log_fail(c, NULL, e, what);
	/* Drain every result; the first failure decides. */
	while ((r = PQgetResult(c->pg)) != NULL) {
		if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = log_fail(c, r, e, what);
		PQclear(r);
	}
	return rc;
}

static int
copy_entries(struct store_conn *c, size_t from, size_t upto, struct err *e)
{
	/* Columns in the order of ENTRY_COLS (sqlite_codec.h). */
	static const int strs[] = {S_ACTOR, S_TENANT, S_ACTION, S_SESSION,
	    S_DEVICE, S_SOURCE};
	struct pg_log *L = c->log;
	size_t i, k, need;

	if (cp_need(L, 32) == -1)
		return err_internal(e, "out of memory");
	cp_header(L);
	for (i = from; i < upto; i++) {
		const struct pl_row *r = row_at(L, i);

		need = 2 + 12 * 4 + 4 * 8;
		for (k = 0; k < S_COUNT; k++)
			need += r->len[k];
		if (cp_need(L, need) == -1)
			return err_internal(e, "out of memory");
		cp_i16(L, 12);
		cp_int8(L, r->idx);
		cp_int8(L, r->time);
		for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			cp_bytes(L, L->arena + r->off[strs[k]],
			    r->len[strs[k]]);
		cp_int8(L, r->allowed);
		cp_bytes(L, L->arena + r->off[S_BYTES], r->len[S_BYTES]);
		cp_bytes(L, L->arena + r->off[S_VENDOR], r->len[S_VENDOR]);
		if (r->has_leaf)
			cp_bytes(L, L->arena + r->off[S_LEAF], r->len[S_LEAF]);
		else
			cp_i32(L, -1);
	}
	if (cp_need(L, 2) == -1)
		return err_internal(e, "out of memory");
	cp_i16(L, -1);
	return copy_run(c, "COPY entries(idx, time, actor_id, tenant_id, "
	    "action, session_id, device_id, source, allowed, bytes, "
	    "vendor_id, leaf) FROM STDIN (FORMAT binary)", "log entries", e);
}

/* A row's columns as a rec_entry (pointing into the arena, which holds
 * no NULs: so each string is copied out NUL-terminated into buf). */
static int
row_entry(struct pg_log *L, const struct pl_row *r, struct rec_entry *en,
    char *buf, size_t size)
{
	static const int strs[] = {S_ACTOR, S_ENGINEER, S_VENDOR, S_TENANT,
	    S_ACTION, S_SESSION, S_DEVICE, S_SOURCE, S_TARGET};
	const char *v[sizeof(strs) / sizeof(strs[0])];
	size_t k, at = 0;

	for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++) {
		size_t n = r->len[strs[k]];

		if (at + n + 1 > size)
			return -1;
		memcpy(buf + at, L->arena + r->off[strs[k]], n);
		buf[at + n] = '\0';
		v[k] = buf + at;
		at += n + 1;
	}
	memset(en, 0, sizeof(*en));
	en->index = r->idx;
	en->time = r->time;
	en->time_ms = r->time_ms;
	en->allowed = r->allowed;
	en->actor_id = v[0];
	en->engineer_id = v[1];
	en->vendor_id = v[2];
	en->tenant_id = v[3];
	en->action = v[4];
	en->session_id = v[5];
	en->device_id = v[6];
	en->source = v[7];
	en->target = v[8];
	return 0;
}

/* Buffers the keys of rows [from, upto) in L->keys. */
static int
keys_build(struct pg_log *L, size_t from, size_t upto, struct err *e)
{
	struct rec_entry en;
	size_t i, n, cap = 0;
	char *tmp = NULL;

	keys_discard(&L->keys);
	for (i = from; i < upto; i++) {
		const struct pl_row *row = row_at(L, i);
		size_t size = 9;

		for (n = 0; n < S_BYTES; n++)
			size += row->len[n];
		if (grow((void **)&tmp, &cap, size, 1) == -1 ||
		    row_entry(L, row, &en, tmp, size) == -1 ||
		    keys_add(&L->keys, &en) == -1) {
			free(tmp);
			return err_internal(e, "out of memory");
		}
	}
	free(tmp);
	return 0;
}

/* The keys of rows [from, upto) into entry_keys, and their chunks'
 * bounds into entry_chunks. */
static int
copy_keys(struct store_conn *c, size_t from, size_t upto, struct err *e)
{
	struct pg_log *L = c->log;
	struct keys_row kr;
	struct buf sql;
	int64_t chunk, tmin, tmax;
	size_t i, n, at;
	PGresult *r;
	int rc;

	if (keys_build(L, from, upto, e) == -1)
		return -1;
	n = keys_groups(&L->keys);
	if (n == 0)
		return 0;
	if (keys_sort(&L->keys) == -1 || cp_need(L, 32) == -1)
		return err_internal(e, "out of memory");
	cp_header(L);
	for (i = 0; i < n; i++) {
		if (keys_row(&L->keys, i, &kr) == -1)
			return err_internal(e, "log keys: list too long");
		if (cp_need(L, 2 + 10 * 4 + 8 * 8 + kr.key_len + kr.len) == -1)
			return err_internal(e, "out of memory");
		cp_i16(L, 10);
		cp_int8(L, kr.chunk);
		cp_int8(L, kr.kind);
		cp_bytes(L, kr.key, kr.key_len);
		cp_int8(L, kr.first);
		cp_int8(L, kr.t0);
		cp_int8(L, kr.n);
		cp_int8(L, kr.tmin);
		cp_int8(L, kr.tmax);
		cp_bytes(L, kr.list, kr.len);
		cp_int8(L, kr.cols);
	}
	if (cp_need(L, 2) == -1)
		return err_internal(e, "out of memory");
	cp_i16(L, -1);
	if (copy_run(c, "COPY entry_keys(chunk, kind, key, first, t0, n, tmin, "
	    "tmax, list, cols) FROM STDIN (FORMAT binary)", "log keys",
	    e) == -1)
		return -1;
	/* The chunks: integers only, so one literal statement. */
	buf_init(&sql, 1 << 20);
	rc = buf_puts(&sql, "INSERT INTO entry_chunks(chunk, tmin, tmax) "
	    "VALUES ");
	at = 0;
	n = 0;
	while (rc == 0 && keys_chunk(&L->keys, &at, &chunk, &tmin, &tmax))
		rc = buf_printf(&sql, "%s(%" PRId64 ", %" PRId64 ", %" PRId64
		    ")", n++ > 0 ? ", " : "", chunk, tmin, tmax);
	if (rc == 0)
		rc = buf_puts(&sql, " ON CONFLICT(chunk) DO UPDATE SET "
		    "tmin = LEAST(entry_chunks.tmin, excluded.tmin), "
		    "tmax = GREATEST(entry_chunks.tmax, excluded.tmax)");
	if (rc == 0)
		rc = buf_append(&sql, "", 1);
	if (rc == -1) {
		buf_cleanup(&sql);
		return err_internal(e, "log chunks: too many");
	}
	r = PQexec(c->pg, sql.data);
	buf_cleanup(&sql);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = log_fail(c, r, e, "log chunks");
		PQclear(r);
		return rc;
	}
	PQclear(r);
	keys_discard(&L->keys);
	return 0;
}

/* --- a small flush: one statement --- */

#define OID_INT8 20
#define OID_TEXT 25
#define OID_BYTEA 17

/* The parameters of one statement, all in binary format. */
struct sparams {
	char *data;                     /* the values, back to back */
	size_t n, cap;
	size_t *off;
	int *len;                       /* -1: NULL */
	Oid *type;
	int np, capp;
};

static int
sp_add(struct sparams *p, Oid type, const void *v, int len)
{
	size_t capp = (size_t)p->capp;

	if (p->np == p->capp) {
		size_t a = capp, b = capp, c = capp;

		if (grow((void **)&p->off, &a, capp + 1, sizeof(*p->off)) == -1 ||
		    grow((void **)&p->len, &b, capp + 1, sizeof(*p->len)) == -1 ||
		    grow((void **)&p->type, &c, capp + 1, sizeof(*p->type)) == -1)
			return -1;
		p->capp = (int)(a < b ? (a < c ? a : c) : (b < c ? b : c));
	}
	if (len > 0 && grow((void **)&p->data, &p->cap, p->n + (size_t)len,
	    1) == -1)
		return -1;
	p->off[p->np] = p->n;
	p->len[p->np] = len;
	p->type[p->np] = type;
	if (len > 0) {
		memcpy(p->data + p->n, v, (size_t)len);
		p->n += (size_t)len;
	}
	p->np++;
	return 0;
}

static int
sp_int8(struct sparams *p, int64_t v)
{
	uint8_t b[8];
	uint64_t u = (uint64_t)v;
	int k;

	for (k = 7; k >= 0; k--, u >>= 8)
		b[k] = (uint8_t)(u & 0xff);
	return sp_add(p, OID_INT8, b, 8);
}

static void
sp_free(struct sparams *p)
{
	free(p->data);
	free(p->off);
	free(p->len);
	free(p->type);
}

/* "($k, ..., $k+n-1)" after a comma when not the first. */
static int
sql_tuple(struct buf *b, int *k, int n, int first)
{
	int i;

	if (buf_puts(b, first ? "(" : ", (") == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (buf_printf(b, "%s$%d", i > 0 ? ", " : "", (*k)++) == -1)
			return -1;
	return buf_puts(b, ")");
}

/* Rows [from, upto), their keys and chunks as one INSERT (with the keys'
 * and chunks' inserts as data-modifying WITH parts): one round trip. */
static int
flush_small(struct store_conn *c, size_t from, size_t upto, struct err *e)
{
	static const int strs[] = {S_ACTOR, S_TENANT, S_ACTION, S_SESSION,
	    S_DEVICE, S_SOURCE};
	struct pg_log *L = c->log;
	struct sparams p;
	struct keys_row kr;
	struct buf sql;
	const char **vals = NULL;
	int *fmts = NULL;
	int64_t chunk, tmin, tmax;
	size_t i, k, n, at;
	int pk = 1, rc = -1, bad = 0;
	PGresult *r;

	memset(&p, 0, sizeof(p));
	buf_init(&sql, (size_t)1 << 24);
	if (keys_build(L, from, upto, e) == -1)
		goto out;
	n = keys_groups(&L->keys);
	if (n > 0 && keys_sort(&L->keys) == -1)
		goto oom;
	if (n > 0) {
		bad |= buf_puts(&sql, "WITH k AS (INSERT INTO entry_keys(chunk, "
		    "kind, key, first, t0, n, tmin, tmax, list, cols) VALUES ");
		for (i = 0; i < n && !bad; i++) {
			if (keys_row(&L->keys, i, &kr) == -1) {
				err_internal(e, "log keys: list too long");
				goto out;
			}
			bad |= sql_tuple(&sql, &pk, 10, i == 0);
			bad |= sp_int8(&p, kr.chunk);
			bad |= sp_int8(&p, kr.kind);
			bad |= sp_add(&p, OID_TEXT, kr.key, (int)kr.key_len);
			bad |= sp_int8(&p, kr.first);
			bad |= sp_int8(&p, kr.t0);
			bad |= sp_int8(&p, kr.n);
			bad |= sp_int8(&p, kr.tmin);
			bad |= sp_int8(&p, kr.tmax);
			bad |= sp_add(&p, OID_BYTEA, kr.list, (int)kr.len);
			bad |= sp_int8(&p, kr.cols);
		}
		bad |= buf_puts(&sql, "), ch AS (INSERT INTO entry_chunks(chunk, "
		    "tmin, tmax) VALUES ");
		at = 0;
		k = 0;
		while (!bad && keys_chunk(&L->keys, &at, &chunk, &tmin, &tmax)) {
			bad |= sql_tuple(&sql, &pk, 3, k++ == 0);
			bad |= sp_int8(&p, chunk);
			bad |= sp_int8(&p, tmin);
			bad |= sp_int8(&p, tmax);
		}
		bad |= buf_puts(&sql, " ON CONFLICT(chunk) DO UPDATE SET "
		    "tmin = LEAST(entry_chunks.tmin, excluded.tmin), "
		    "tmax = GREATEST(entry_chunks.tmax, excluded.tmax)) ");
	}
	bad |= buf_puts(&sql, "INSERT INTO entries(idx, time, actor_id, "
	    "tenant_id, action, session_id, device_id, source, allowed, bytes, "
	    "vendor_id, leaf) VALUES ");
	for (i = from; i < upto && !bad; i++) {
		const struct pl_row *row = row_at(L, i);

		bad |= sql_tuple(&sql, &pk, 12, i == from);
		bad |= sp_int8(&p, row->idx);
		bad |= sp_int8(&p, row->time);
		for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			bad |= sp_add(&p, OID_TEXT, L->arena + row->off[strs[k]],
			    (int)row->len[strs[k]]);
		bad |= sp_int8(&p, row->allowed);
		bad |= sp_add(&p, OID_BYTEA, L->arena + row->off[S_BYTES],
		    (int)row->len[S_BYTES]);
		bad |= sp_add(&p, OID_TEXT, L->arena + row->off[S_VENDOR],
		    (int)row->len[S_VENDOR]);
		bad |= sp_add(&p, OID_BYTEA, L->arena + row->off[S_LEAF],
		    row->has_leaf ? (int)row->len[S_LEAF] : -1);
	}
	bad |= buf_append(&sql, "", 1);
	if (bad)
		goto oom;
	vals = calloc((size_t)p.np + 1, sizeof(*vals));
	fmts = calloc((size_t)p.np + 1, sizeof(*fmts));
	if (vals == NULL || fmts == NULL)
		goto oom;
	for (k = 0; k < (size_t)p.np; k++) {
		vals[k] = p.len[k] < 0 ? NULL : p.data != NULL ?
		    p.data + p.off[k] : "";
		fmts[k] = 1;
	}
	if (c->pg == NULL || c->broken || PQstatus(c->pg) != CONNECTION_OK) {
		log_fail(c, NULL, e, "log entries");
		goto out;
	}
	r = PQexecParams(c->pg, sql.data, p.np, p.type, vals, p.len, fmts, 1);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
		log_fail(c, r, e, "log entries");
	else
		rc = 0;
	PQclear(r);
	keys_discard(&L->keys);
	goto out;
oom:
	err_internal(e, "out of memory");
out:
	free(vals);
	free(fmts);
	sp_free(&p);
	buf_cleanup(&sql);
	return rc;
}

int
pg_log_flush(struct store_conn *c, size_t upto, struct err *e)
{
	struct pg_log *L = c->log;

	if (L == NULL)
		return 0;
	if (upto > L->count)
		upto = L->count;
	if (upto <= L->sent)
		return 0;
	if (upto - L->sent <= SMALL) {
		if (flush_small(c, L->sent, upto, e) == -1)
			return -1;
	} else if (copy_entries(c, L->sent, upto, e) == -1 ||
	    copy_keys(c, L->sent, upto, e) == -1) {
		return -1;
	}
	L->sent = upto;
	if (L->sent == L->count) {
		/* Nothing left to send: the rows' bytes can go (a later
		 * truncate below this only moves the counts). */
		L->base = L->count;
		L->narena = 0;
	}
	if (L->capcopy > (size_t)64 << 20) {
		free(L->copy);
		L->copy = NULL;
		L->capcopy = L->ncopy = 0;
	}
	return 0;
}

/* An append outside a transaction: the entry, its keys and the head in
 * one transaction of their own. */
static int
flush_alone(struct store_conn *c, struct err *e)
{
	char sql[160];
	int64_t to = pg_log_appended_to(c);
	int rc;

	if (pg_simple(c, "BEGIN", NULL, "log entry", e) == -1) {
		pg_log_reset(c);
		return -1;
	}
	rc = pg_log_flush(c, pg_log_count(c), e);
	snprintf(sql, sizeof(sql), "UPDATE log_head SET size = %" PRId64
	    " WHERE id = 1 AND size < %" PRId64 "; COMMIT", to, to);
	if (rc == 0)
		rc = pg_simple(c, sql, NULL, "log head", e);
	if (rc == -1) {
		struct err ignored;

		err_init(&ignored);
		if (pg_simple(c, "ROLLBACK", NULL, "rollback", &ignored) == -1)
			c->broken = 1;  /* reconnect: no transaction left */
	}
	pg_log_reset(c);
	return rc;
}

/* --- reads --- */

int
pg_entry_count(struct store_conn *c, int64_t *out, struct err *e)
{
	PGresult *r;
	int rc;

	/* The writer's own appends count before they are committed, as
	 * they do on SQLite. */
	if (c->kind == STORE_CONN_WRITE && c->in_tx &&
	    pg_log_appended_to(c) >= 0) {
		*out = pg_log_appended_to(c);
		return 0;
	}
	rc = pg_row(c, PG_LOG, Q_ENTRY_COUNT, q_sql, NULL, &r, "log size", e);
	if (rc != 0)
		return rc == 1 ? err_internal(e, "log size unknown") : -1;
	*out = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

/*
 * Statement q ($1 from, $2 end, $3 page) in pages: (idx, bytes) rows to
 * cb, at most limit in all (<0: no limit), until cb answers non-zero.
 */
static int
entry_pages(struct store_conn *c, enum q q, int64_t from, int64_t end,
    int64_t limit, store_entry_cb cb, void *arg, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int n, i;

	while (from < end && limit != 0) {
		int64_t page = limit > 0 && limit < PAGE ? limit : PAGE;

		pg_params_init(&p);
		pg_param_int(&p, from);
		pg_param_int(&p, end);
		pg_param_int(&p, page);
		if (pg_run(c, PG_LOG, q, q_sql, &p, &r, "log entries", e) == -1)
			return -1;
		n = PQntuples(r);
		for (i = 0; i < n; i++) {
			size_t len;
			const char *b = pg_get_bytes(r, i, 1, &len);

			if (cb(arg, pg_get_int(r, i, 0), b, len) != 0) {
				PQclear(r);
				return 0;
			}
		}
		if (n > 0)
			from = pg_get_int(r, n - 1, 0) + 1;
		PQclear(r);
		if (n < page)
			break;
		if (limit > 0)
			limit -= n;
	}
	return 0;
}

int
pg_entry_range(struct store_conn *c, int64_t start, int64_t end,
    store_entry_cb cb, void *arg, struct err *e)
{
	return entry_pages(c, Q_ENTRY_RANGE, start, end, -1, cb, arg, e);
}

int
pg_entry_range_tenant(struct store_conn *c, const char *tenant_id,
    int64_t start, int64_t limit, store_entry_cb cb, void *arg,
    struct err *e)
{
	if (tenant_id[0] != '\0')
		return pg_keys_range_tenant(c, tenant_id, start, limit, cb, arg,
		    e);
	return entry_pages(c, Q_ENTRY_RANGE_TENANT, start, INT64_MAX, limit,
	    cb, arg, e);
}

int
pg_entry_leaves(struct store_conn *c, int64_t start, int64_t end,
    int full, store_leaf_cb cb, void *arg, struct err *e)
{
	enum q q = full ? Q_LEAF_RANGE_FULL : Q_LEAF_RANGE;
	struct pg_params p;
	struct rec_leaf rl;
	size_t tlen;
	PGresult *r;
	int n, i;

	while (start < end) {
		pg_params_init(&p);
		pg_param_int(&p, start);
		pg_param_int(&p, end);
		pg_param_int(&p, PAGE);
		if (pg_run(c, PG_LOG, q, q_sql, &p, &r, "log leaves", e) == -1)
			return -1;
		n = PQntuples(r);
		for (i = 0; i < n; i++) {
			memset(&rl, 0, sizeof(rl));
			rl.index = pg_get_int(r, i, 0);
			/* libpq ends every value with a NUL. */
			rl.tenant_id = pg_get_bytes(r, i, 1, &tlen);
			if (!pg_is_null(r, i, 2))
				rl.leaf = (const uint8_t *)pg_get_bytes(r, i,
				    2, &rl.leaf_len);
			if (full)
				rl.bytes = pg_get_bytes(r, i, 3, &rl.len);
			if (cb(arg, &rl) != 0) {
				PQclear(r);
				return 0;
			}
		}
		if (n > 0)
			start = pg_get_int(r, n - 1, 0) + 1;
		PQclear(r);
		if (n < PAGE)
			break;
	}
	return 0;
}

int
pg_entry_by_principal(struct store_conn *c, int kind,
    const char *id, int64_t from, int64_t to, store_entry_cb cb, void *arg,
    struct err *e)
{
	if (kind < 0 || kind >= SP_COUNT)
		return err_internal(e, "unknown principal kind");
	return pg_keys_by_principal(c, kind, id, from, to, cb, arg, e);
}

int
pg_entry_policy_changes(struct store_conn *c, store_entry_cb cb,
    void *arg, struct err *e)
{
	return entry_pages(c, Q_POLICY_CHANGES, 0, INT64_MAX, -1, cb, arg, e);
}

int
pg_tile_get(struct store_conn *c, int level, int64_t idx,
    struct buf *out, struct err *e)
{
	struct pg_params p;
	const char *v;
	PGresult *r;
	size_t len;
	int rc;

	pg_params_init(&p);
	pg_param_int(&p, level);
	pg_param_int(&p, idx);
	rc = pg_row(c, PG_LOG, Q_TILE_GET, q_sql, &p, &r, "tile", e);
	if (rc != 0)
		return rc;
	v = pg_get_bytes(r, 0, 0, &len);
	rc = buf_append(out, v, len);
	PQclear(r);
	return rc == -1 ? err_internal(e, "tile too large") : 0;
}

int
pg_tile_put(struct store_conn *c, int level, int64_t idx,
    const void *hashes, size_t len, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_int(&p, level);
	pg_param_int(&p, idx);
	pg_param_blob(&p, hashes, len);
	return pg_exec(c, PG_LOG, Q_TILE_PUT, q_sql, &p, NULL, "tile", e);
}

int
pg_checkpoint_put(struct store_conn *c, int64_t size, int64_t time,
    const char *note, struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_int(&p, size);
	pg_param_int(&p, time);
	pg_param_text(&p, note);
	return pg_exec(c, PG_LOG, Q_CHECKPOINT_PUT, q_sql, &p, NULL,
	    "checkpoint", e);
}

int
pg_checkpoint_latest(struct store_conn *c, struct buf *note,
    struct err *e)
{
	const char *v;
	PGresult *r;
	size_t len;
	int rc;

	rc = pg_row(c, PG_LOG, Q_CHECKPOINT_LATEST, q_sql, NULL, &r,
	    "checkpoint", e);
	if (rc != 0)
		return rc;
	v = pg_get_bytes(r, 0, 0, &len);
	rc = buf_append(note, v, len);
	PQclear(r);
	return rc == -1 ? err_internal(e, "checkpoint too large") : 0;
}
