/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL half of copying a store between backends (daemon/copy.h):
 * table_dump reads a table with binary results, table_load writes rows
 * with one binary COPY (an UPDATE spec: one prepared UPDATE per row).
 * Loading entries also sets log_head to the log's size, which on
 * PostgreSQL is the truth every node's writer starts from.
 */
#include <arpa/inet.h>
#include <string.h>

#include "store/copy_sql.h"
#include "store/pg_int.h"
#include "store/tables.h"

#define COPY_SQL_MAX 2048
#define COPY_CHUNK (1 << 20)    /* bytes sent per PQputCopyData */

int
pg_table_dump(struct store_conn *c, const struct table_spec *t,
    int (*row)(void *arg, const struct table_value *v, size_t n),
    void *arg, struct err *e)
{
	struct table_value v[TABLE_COLS_MAX];
	size_t i, n = table_ncols(t);
	PGresult *r = NULL;
	struct buf sql;
	int rc = -1, k, nr;

	buf_init(&sql, COPY_SQL_MAX);
	if (copy_sql_select(&sql, t) == -1) {
		err_internal(e, "copy: %s: the query is too long", t->name);
		goto out;
	}
	if (pg_ensure(c, e) == -1)
		goto out;
	r = PQexecParams(c->pg, sql.data, 0, NULL, NULL, NULL, NULL, 1);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_fail(c, r, e, t->name);
		goto out;
	}
	nr = PQntuples(r);
	for (k = 0; k < nr; k++) {
		for (i = 0; i < n; i++) {
			memset(&v[i], 0, sizeof(v[i]));
			if (pg_is_null(r, k, (int)i)) {
				v[i].type = 'N';
				continue;
			}
			v[i].type = t->types[i];
			if (v[i].type == 'I')
				v[i].i = pg_get_int(r, k, (int)i);
			else
				v[i].p = pg_get_bytes(r, k, (int)i, &v[i].len);
		}
		if (row(arg, v, n) != 0)
			break;
	}
	rc = 0;
out:
	PQclear(r);
	buf_cleanup(&sql);
	return rc;
}

/* Appends a big-endian integer of width bytes. */
static int
put_be(struct buf *b, uint64_t x, int width)
{
	uint8_t o[8];
	int k;

	for (k = width - 1; k >= 0; k--) {
		o[k] = (uint8_t)(x & 0xff);
		x >>= 8;
	}
	return buf_append(b, o, (size_t)width);
}

static int
copy_send(struct store_conn *c, struct buf *b, const char *what,
    struct err *e)
{
	if (b->len > 0 && PQputCopyData(c->pg, b->data, (int)b->len) != 1)
		return pg_fail(c, NULL, e, what);
	buf_reset(b);
	return 0;
}

static int
load_update(struct store_conn *c, const struct table_spec *t,
    const struct table_value *v, size_t nrows, struct err *e)
{
	size_t r, i, n = table_ncols(t);
	struct buf sql;
	int rc = -1;

	buf_init(&sql, COPY_SQL_MAX);
	if (copy_sql_update(&sql, t, "$") == -1) {
		err_internal(e, "copy: %s: the statement is too long",
		    t->name);
		goto out;
	}
	for (r = 0; r < nrows; r++) {
		const struct table_value *row = v + r * n;
		struct pg_params p;
		PGresult *res;
		int ok;

		pg_params_init(&p);
		for (i = 0; i < n; i++) {
			if (row[i].type == 'N')
				pg_param_null(&p);
			else if (row[i].type == 'I')
				pg_param_int(&p, row[i].i);
			else if (row[i].type == 'T')
				pg_param_textn(&p, row[i].p, row[i].len);
			else
				pg_param_blob(&p, row[i].p, row[i].len);
		}
		res = PQexecParams(c->pg, sql.data, p.n, NULL, p.v, p.len,
		    p.fmt, 1);
		ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok) {
			pg_fail(c, res, e, t->name);
			PQclear(res);
			goto out;
		}
		PQclear(res);
	}
	rc = 0;
out:
	buf_cleanup(&sql);
	return rc;
}

int
pg_table_load(struct store_conn *c, const struct table_spec *t,
    const struct table_value *v, size_t nrows, struct err *e)
{
	/* 11 bytes: the NUL ending the literal is the last. */
	static const char sig[] = "PGCOPY\n\377\r\n";
	size_t r, i, n = table_ncols(t);
	struct buf sql, data;
	PGresult *res = NULL;
	int rc = -1, copying = 0;

	if (pg_ensure(c, e) == -1)
		return -1;
	if (c->in_tx && pg_ctl_send(c, e) == -1)
		return -1;
	if (t->update)
		return load_update(c, t, v, nrows, e);
	buf_init(&sql, COPY_SQL_MAX);
	buf_init(&data, (size_t)1 << 30);
	if (buf_printf(&sql, "COPY %s(", t->name) == -1 ||
	    copy_sql_cols(&sql, t) == -1 ||
	    buf_puts(&sql, ") FROM STDIN (FORMAT binary)") == -1 ||
	    buf_append(&sql, "", 1) == -1) {
		err_internal(e, "copy: %s: the statement is too long",
		    t->name);
		goto out;
	}
	res = PQexec(c->pg, sql.data);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN) {
		pg_fail(c, res, e, t->name);
		goto out;
	}
	PQclear(res);
	res = NULL;
	copying = 1;
	/* The binary COPY format: signature, flags, header extension
	 * length, then per row a field count and length-prefixed fields
	 * (-1 for NULL), then -1 as the trailer. */
	if (buf_append(&data, sig, sizeof(sig)) == -1 ||
	    put_be(&data, 0, 4) == -1 || put_be(&data, 0, 4) == -1)
		goto nomem;
	for (r = 0; r < nrows; r++) {
		const struct table_value *row = v + r * n;

		if (put_be(&data, n, 2) == -1)
			goto nomem;
		for (i = 0; i < n; i++) {
			if (row[i].type == 'N') {
				if (put_be(&data, 0xffffffffu, 4) == -1)
					goto nomem;
			} else if (row[i].type == 'I') {
				if (put_be(&data, 8, 4) == -1 ||
				    put_be(&data, (uint64_t)row[i].i, 8) == -1)
					goto nomem;
			} else if (put_be(&data, row[i].len, 4) == -1 ||
			    buf_append(&data, row[i].p, row[i].len) == -1) {
				goto nomem;
			}
		}
		if (data.len >= COPY_CHUNK &&
		    copy_send(c, &data, t->name, e) == -1)
			goto out;
	}
	if (put_be(&data, 0xffff, 2) == -1)
		goto nomem;
	if (copy_send(c, &data, t->name, e) == -1)
		goto out;
	copying = 0;
	if (PQputCopyEnd(c->pg, NULL) != 1) {
		pg_fail(c, NULL, e, t->name);
		goto out;
	}
	res = PQgetResult(c->pg);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_fail(c, res, e, t->name);
		goto drain;
	}
	PQclear(res);
	res = NULL;
	if (strcmp(t->name, "entries") == 0) {
		res = PQexec(c->pg, "UPDATE log_head SET size = (SELECT "
		    "COALESCE(max(idx) + 1, 0) FROM entries) WHERE id = 1");
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
			pg_fail(c, res, e, "log_head");
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	err_internal(e, "copy: %s: a row is too large", t->name);
out:
	if (copying)
		PQputCopyEnd(c->pg, "custos: copy abandoned");
drain:
	PQclear(res);
	while (c->pg != NULL && (res = PQgetResult(c->pg)) != NULL)
		PQclear(res);
	buf_cleanup(&data);
	buf_cleanup(&sql);
	return rc;
}
