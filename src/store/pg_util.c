/* SPDX-License-Identifier: ISC */
/*
 * Statement helpers shared by the PostgreSQL backend's files (see
 * pg_int.h): parameters, prepared statements, binary results, errors.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/str.h"
#include "store/pg_int.h"

void
pg_params_init(struct pg_params *p)
{
	memset(p, 0, sizeof(*p));
}

/* Past the last slot a parameter is dropped and the statement then fails
 * for want of it: a programming error that tests catch, never a crash. */
static int
pg_param_slot(struct pg_params *p)
{
	if (p->n >= PG_PARAMS_MAX)
		return -1;
	return p->n++;
}

void
pg_param_text(struct pg_params *p, const char *s)
{
	int i = pg_param_slot(p);

	if (i < 0)
		return;
	p->v[i] = s;
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void
pg_param_textn(struct pg_params *p, const char *s, size_t n)
{
	int i = pg_param_slot(p);

	if (i < 0)
		return;
	/* A text parameter in binary format is its bytes, not NUL-ended. */
	p->v[i] = s != NULL ? s : "";
	p->len[i] = (int)n;
	p->fmt[i] = 1;
}

void
pg_param_int(struct pg_params *p, int64_t v)
{
	int i = pg_param_slot(p);

	if (i < 0)
		return;
	snprintf(p->num[i], sizeof(p->num[i]), "%" PRId64, v);
	p->v[i] = p->num[i];
	p->len[i] = 0;
	p->fmt[i] = 0;
}

void
pg_param_blob(struct pg_params *p, const void *b, size_t n)
{
	int i = pg_param_slot(p);

	if (i < 0)
		return;
	p->v[i] = b != NULL ? b : "";
	p->len[i] = (int)n;
	p->fmt[i] = 1;
}

void
pg_param_null(struct pg_params *p)
{
	pg_param_text(p, NULL);
}

/* The server's words stay in custosd's log: its DETAIL quotes the
 * failing row (hashes, sealed seeds), its message may quote a value.
 * Only the append-only guards' own words (custos_refuse, P0001) are
 * custos's to answer with. */
int
pg_fail_internal(struct store_conn *c, const PGresult *r, struct err *e,
    const char *what)
{
	const char *state = r != NULL ?
	    PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *prim = r != NULL ? PQresultErrorField(r,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;
	int n;

	if (prim == NULL || *prim == '\0')
		prim = r != NULL ? PQresultErrorMessage(r) : "";
	if ((prim == NULL || *prim == '\0') && c->pg != NULL)
		prim = PQerrorMessage(c->pg);
	if (prim == NULL)
		prim = "";
	if (state != NULL && strcmp(state, "P0001") == 0)
		return err_internal(e, "store: %s: %.160s", what, prim);
	n = (int)strcspn(prim, "\n");
	log_warn("store: %s: the database %s refused it (SQLSTATE %s): "
	    "%.*s", what, c->label, state != NULL ? state : "none",
	    n > 160 ? 160 : n, prim);
	return err_internal(e, "store: %s: the database refused it "
	    "(SQLSTATE %s; see custosd's log)", what,
	    state != NULL ? state : "none");
}

int
pg_fail(struct store_conn *c, const PGresult *r, struct err *e,
    const char *what)
{
	const char *state = r != NULL ?
	    PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		c->broken = 1;
		return err_set(e, 503, "unavailable", "store: %s: the database "
		    "cannot be reached", what);
	}
	if (state != NULL && strcmp(state, "23505") == 0)
		return err_set(e, 409, "conflict", "%s: it already exists",
		    what);
	if (state != NULL && strcmp(state, "23503") == 0)
		return err_set(e, 409, "conflict", "%s: it is still referenced "
		    "or refers to something missing", what);
	/* Class 08 (connection), 57P (shut down), 53 (resources): the
	 * server, not the request. */
	if (state != NULL && (strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P", 3) == 0 || strncmp(state, "53", 2) == 0)) {
		c->broken = 1;
		return err_set(e, 503, "unavailable", "store: %s: the database "
		    "is unavailable", what);
	}
	/* Text that is not UTF-8 (or holds NUL): what input validation
	 * answers, as SQLite stores it (docs/internals/store-pg.md). */
	if (state != NULL && (strcmp(state, "22021") == 0 ||
	    strcmp(state, "22P05") == 0))
		return err_bad_request(e, "%s: a value is not text", what);
	return pg_fail_internal(c, r, e, what);
}

int
pg_ensure(struct store_conn *c, struct err *e)
{
	if (c->pg != NULL && !c->broken && PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	if (c->in_tx) {
		/* A transaction cannot survive its connection. */
		c->broken = 1;
		return err_set(e, 503, "unavailable", "store: the connection "
		    "to the database was lost mid-transaction");
	}
	if (c->pg == NULL)
		c->pg = PQconnectdb(c->conninfo);
	else
		PQreset(c->pg);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		const char *m = c->pg != NULL ? PQerrorMessage(c->pg) : "";
		int n = (int)strcspn(m, "\n");

		c->broken = 1;
		/* libpq's message names the host, port, database and user
		 * (never the password): custosd's log says it, at most every
		 * 10 s per connection; the answer, which anyone may get
		 * (GET /v1/health), does not. */
		if (c->warned == 0 || time(NULL) - c->warned >= 10) {
			c->warned = time(NULL);
			log_warn("store: the database %s cannot be reached: "
			    "%.*s", c->label, n > 160 ? 160 : n, m);
		}
		return err_set(e, 503, "unavailable", "store: the database "
		    "cannot be reached");
	}
	c->broken = 0;
	c->reconnects++;
	memset(c->prepared, 0, sizeof(c->prepared));
	if (pg_conn_setup(c, e) == -1) {
		c->broken = 1;
		return -1;
	}
	return 0;
}

/* Whether a family's statements read the log's rows (entries, keys),
 * which the writer's buffered rows must then reach first.  Every other
 * statement may go before them: nothing else refers to the log. */
static int
reads_log(enum pg_family f)
{
	return f == PG_LOG || f == PG_KEYS || f == PG_SCOPE ||
	    f == PG_LOGFILTER || f == PG_COPY;
}

static int
pg_prepare(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, const char *what,
    struct err *e)
{
	char name[16];
	PGresult *r;
	int ok;

	if (c->prepared[f][i])
		return 0;
	snprintf(name, sizeof(name), "q%d_%d", (int)f, i);
	r = PQprepare(c->pg, name, sql[i], 0, NULL);
	(void)p;
	ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		pg_fail(c, r, e, what);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	c->prepared[f][i] = 1;
	return 0;
}

static int
pg_run_once(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, PGresult **res,
    const char *what, struct err *e)
{
	char name[16];
	PGresult *r;
	ExecStatusType st;

	if (pg_ensure(c, e) == -1)
		return -1;
	if (c->kind == STORE_CONN_WRITE && c->in_tx &&
	    pg_ctl_send_rows(c, reads_log(f), e) == -1)
		return -1;
	if (pg_prepare(c, f, i, sql, p, what, e) == -1)
		return -1;
	snprintf(name, sizeof(name), "q%d_%d", (int)f, i);
	r = PQexecPrepared(c->pg, name, p->n, p->v, p->len, p->fmt, 1);
	st = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		pg_fail(c, r, e, what);
		PQclear(r);
		return -1;
	}
	*res = r;
	return 0;
}

int
pg_run(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, PGresult **res,
    const char *what, struct err *e)
{
	static const struct pg_params none;
	unsigned before = c->reconnects;

	*res = NULL;
	if (p == NULL)
		p = &none;
	if (pg_run_once(c, f, i, sql, p, res, what, e) == 0)
		return 0;
	/* A reader's connection that died while idle (the server restarted,
	 * an administrator ended it): a read is safe to run again, once, on
	 * a new connection.  Not a connection made just now, and never the
	 * writer's statements. */
	if (c->kind != STORE_CONN_READ || !c->broken ||
	    c->reconnects != before)
		return -1;
	err_init(e);
	return pg_run_once(c, f, i, sql, p, res, what, e);
}

int
pg_exec(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, int64_t *changed,
    const char *what, struct err *e)
{
	PGresult *r;
	const char *n;

	if (pg_run(c, f, i, sql, p, &r, what, e) == -1)
		return -1;
	if (changed != NULL) {
		n = PQcmdTuples(r);
		*changed = 0;
		while (n != NULL && *n >= '0' && *n <= '9')
			*changed = *changed * 10 + (*n++ - '0');
	}
	PQclear(r);
	return 0;
}

int
pg_row(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, PGresult **res,
    const char *what, struct err *e)
{
	if (pg_run(c, f, i, sql, p, res, what, e) == -1)
		return -1;
	if (PQntuples(*res) == 0) {
		PQclear(*res);
		*res = NULL;
		return 1;
	}
	return 0;
}

int
pg_update(struct store_conn *c, enum pg_family f, int i,
    const char *const *sql, const struct pg_params *p, const char *what,
    struct err *e)
{
	int64_t n = 0;

	if (pg_exec(c, f, i, sql, p, &n, what, e) == -1)
		return -1;
	return n == 0 ? 1 : 0;
}

int
pg_simple(struct store_conn *c, const char *sql, PGresult **res,
    const char *what, struct err *e)
{
	PGresult *r, *last = NULL;
	int rc = 0;

	if (res != NULL)
		*res = NULL;
	if (pg_ensure(c, e) == -1)
		return -1;
	if (!PQsendQuery(c->pg, sql))
		return pg_fail(c, NULL, e, what);
	/* Drain every result; the first failure decides. */
	while ((r = PQgetResult(c->pg)) != NULL) {
		ExecStatusType st = PQresultStatus(r);

		if (rc == 0 && st != PGRES_TUPLES_OK &&
		    st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY) {
			rc = pg_fail(c, r, e, what);
			PQclear(r);
			continue;
		}
		PQclear(last);
		last = r;
	}
	if (rc == 0 && res != NULL)
		*res = last;
	else
		PQclear(last);
	return rc;
}

int
pg_is_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}

int64_t
pg_get_int(const PGresult *r, int row, int col)
{
	const unsigned char *v;
	uint64_t x = 0;
	int len, k;

	if (PQgetisnull(r, row, col))
		return 0;
	v = (const unsigned char *)PQgetvalue(r, row, col);
	len = PQgetlength(r, row, col);
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return 0;       /* not an integer type: the SQL must cast */
	for (k = 0; k < len; k++)
		x = x << 8 | v[k];
	/* Sign-extend the narrower types (bool is 0 or 1). */
	if (len == 2)
		return (int16_t)x;
	if (len == 4)
		return (int32_t)x;
	return (int64_t)x;
}

const char *
pg_get_bytes(const PGresult *r, int row, int col, size_t *len)
{
	if (PQgetisnull(r, row, col)) {
		*len = 0;
		return "";
	}
	*len = (size_t)PQgetlength(r, row, col);
	return PQgetvalue(r, row, col);
}

void
pg_get_text(char *dst, size_t size, const PGresult *r, int row, int col)
{
	size_t n;
	const char *v = pg_get_bytes(r, row, col, &n);

	if (size == 0)
		return;
	if (n > size - 1)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

void
pg_get_blob(uint8_t *dst, size_t size, size_t *len, const PGresult *r,
    int row, int col)
{
	size_t n;
	const char *v = pg_get_bytes(r, row, col, &n);

	if (n > size)
		n = size;
	memcpy(dst, v, n);
	*len = n;
}
