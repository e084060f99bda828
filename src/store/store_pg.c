/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL backend (issue 15): connections and reconnection,
 * migrations (schema_pg.h), the writer's transaction with the log head's
 * lock, lazy savepoints, meta, leases, watch and announce, and the ops
 * table.  See pg_int.h for the files, docs/internals/store.md for what
 * each operation guarantees.
 *
 * The writer's transaction.  begin() is one round trip, `BEGIN; SELECT
 * size FROM log_head WHERE id = 1 FOR UPDATE`: every writer of every node
 * holds that row lock until it commits, so writes are serialised across
 * the cluster and log indexes stay dense.  commit() sends the buffered
 * rows, then, in one simple query, what is still queued, the new head
 * with its notification, and COMMIT.
 *
 * Lazy savepoints.  store.c puts each job in a savepoint, but most jobs
 * (every recorded GET) send no SQL at all.  So savepoint(), release() and
 * rollback_savepoint() only queue control statements, each tagged with
 * the position of the log buffer (pg_log_count) when it was queued, and
 * pg_ctl_send() sends them just before the next real statement (pg_run
 * calls it) or at commit: the rows before each one, then the control
 * statements (consecutive ones as one simple query), then the rest of the
 * rows.  A savepoint never sent is dropped on release; rolling one back
 * drops it with whatever was queued after it, or queues ROLLBACK TO when
 * it was sent.  Any failure while sending fails the whole batch (the
 * rows and statements sent belong to earlier jobs, outside any savepoint
 * this job could roll back).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/num.h"
#include "common/str.h"
#include "store/pg_int.h"
#include "store/schema_pg.h"

enum q {
	Q_META_GET, Q_META_SET, Q_HEAD, Q_NEWS,
	Q_COUNT
};

_Static_assert(Q_COUNT <= PG_FAMILY_MAX, "raise PG_FAMILY_MAX");

static const char *const q_sql[Q_COUNT] = {
	[Q_META_GET] = "SELECT value FROM meta WHERE key = $1",
	[Q_META_SET] = ("INSERT INTO meta(key, value) VALUES ($1, $2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
	[Q_HEAD] = "SELECT size FROM log_head WHERE id = 1",
	[Q_NEWS] = ("SELECT (SELECT size FROM log_head WHERE id = 1), "
	    "(SELECT value FROM meta WHERE key = 'news_gen')"),
};

enum lq {
	L_TAKE, L_CHECK, L_LIST,
	L_COUNT
};

static const char *const l_sql[L_COUNT] = {
	/* Take, or renew when ours; another node's only once expired, and
	 * then the epoch moves on (the fence of plan 2.10).  The database
	 * clock decides, never a node's. */
	[L_TAKE] = ("INSERT INTO leases(name, holder, epoch, expires) "
	    "VALUES ($1, $2, 1, now() + make_interval(secs => $3::int8 / "
	    "1000.0)) ON CONFLICT (name) DO UPDATE SET "
	    "holder = excluded.holder, "
	    "epoch = CASE WHEN leases.holder = excluded.holder "
	    "THEN leases.epoch ELSE leases.epoch + 1 END, "
	    "expires = excluded.expires "
	    "WHERE leases.holder = excluded.holder OR leases.expires < now() "
	    "RETURNING epoch"),
	[L_CHECK] = ("SELECT 1 FROM leases WHERE name = $1 AND holder = $2 "
	    "AND epoch = $3::int8 AND expires > now()"),
	[L_LIST] = ("SELECT name, holder, epoch, "
	    "(extract(epoch FROM expires) * 1000)::int8 FROM leases "
	    "ORDER BY name"),
};

#define PG_CONNINFO_MAX 8192
#define PG_ITEM_MAX 320         /* one queued control statement */
#define PG_SP_MAX 8             /* nested savepoints */
#define PG_CTL_TEXT_MAX (1 << 20)

/* What every connection gets unless the --store URL says otherwise. */
static const char *const pg_defaults[][2] = {
	{"connect_timeout", "3"},
	{"keepalives", "1"},
	{"keepalives_idle", "10"},
	{"keepalives_interval", "3"},
	{"keepalives_count", "3"},
	{"application_name", "custosd"},
};

/* A queued control statement: sent once the rows before pos are. */
struct pg_item {
	size_t pos;
	uint64_t seq;
	int sp;                 /* a SAVEPOINT: its depth (1..), else 0 */
	char sql[PG_ITEM_MAX];
};

struct pg_ctl {
	struct pg_item *q;
	size_t n, alloc;
	uint64_t seq;
	struct {
		size_t mark;    /* pg_log_count when it was taken */
		uint64_t seq;   /* its SAVEPOINT item */
		int sent;
	} sp[PG_SP_MAX];
	int depth;
	int poisoned;           /* sending failed: the batch fails */
	struct err why;
};

/* ---- connections ------------------------------------------------------ */

/* Appends key='value' to b, quoting as libpq's conninfo wants. */
static int
conninfo_add(struct buf *b, const char *key, const char *val)
{
	const char *p;

	if (buf_printf(b, "%s%s='", b->len > 0 ? " " : "", key) == -1)
		return -1;
	for (p = val; *p != '\0'; p++) {
		if ((*p == '\'' || *p == '\\') && buf_append(b, "\\", 1) == -1)
			return -1;
		if (buf_append(b, p, 1) == -1)
			return -1;
	}
	return buf_append(b, "'", 1);
}

/*
 * c->conninfo: what where says (a URL or key=value pairs), plus the
 * defaults above where it is silent, and always UTF-8 on the wire.
 * c->label: host/db, what messages may name (where may hold a password).
 */
static int
conninfo_build(struct store_conn *c, const char *where, struct err *e)
{
	PQconninfoOption *opts, *o;
	char *msg = NULL;
	const char *host = NULL, *db = NULL;
	struct buf b;
	size_t k;
	int rc = -1;

	opts = PQconninfoParse(where != NULL ? where : "", &msg);
	if (opts == NULL) {
		/* libpq's message may quote the string: not repeated. */
		PQfreemem(msg);
		return err_internal(e, "store: the PostgreSQL connection "
		    "string cannot be parsed");
	}
	buf_init_secret(&b, PG_CONNINFO_MAX);
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || strcmp(o->keyword, "client_encoding") == 0)
			continue;
		if (strcmp(o->keyword, "host") == 0 ||
		    strcmp(o->keyword, "hostaddr") == 0)
			host = host != NULL ? host : o->val;
		if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
		if (conninfo_add(&b, o->keyword, o->val) == -1)
			goto out;
	}
	for (k = 0; k < sizeof(pg_defaults) / sizeof(pg_defaults[0]); k++) {
		for (o = opts; o->keyword != NULL; o++)
			if (strcmp(o->keyword, pg_defaults[k][0]) == 0)
				break;
		if (o->keyword != NULL && o->val != NULL)
			continue;
		if (conninfo_add(&b, pg_defaults[k][0], pg_defaults[k][1]) == -1)
			goto out;
	}
	if (conninfo_add(&b, "client_encoding", "UTF8") == -1)
		goto out;
	str_printf(c->label, sizeof(c->label), "%.60s/%.60s",
	    host != NULL ? host : "(default host)",
	    db != NULL ? db : "(default database)");
	c->conninfo = buf_steal(&b, NULL);
	if (c->conninfo != NULL)
		rc = 0;
out:
	buf_cleanup(&b);
	PQconninfoFree(opts);
	if (rc == -1)
		err_internal(e, "store: the PostgreSQL connection string is "
		    "too long");
	return rc;
}

static int
text_i64(const PGresult *r, int row, int col, int64_t *out)
{
	if (r == NULL || PQntuples(r) <= row || PQgetisnull(r, row, col))
		return -1;
	return num_parse_i64(out, PQgetvalue(r, row, col), INT64_MIN,
	    INT64_MAX);
}

/* The server's warnings go to custosd's log, naming host/db; its notices
 * (NOTICE, INFO...) are dropped, as is libpq's habit of printing them. */
static void
pg_notice(void *arg, const PGresult *r)
{
	const struct store_conn *c = arg;
	const char *sev = PQresultErrorField(r,
	    PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorMessage(r);

	if (sev == NULL || strcmp(sev, "NOTICE") == 0 ||
	    strcmp(sev, "INFO") == 0 || strcmp(sev, "LOG") == 0 ||
	    strcmp(sev, "DEBUG") == 0)
		return;
	log_warn("store: the database %s says: %.*s", c->label,
	    (int)strcspn(msg, "\n"), msg);
}

int
pg_conn_setup(struct store_conn *c, struct err *e)
{
	PGresult *r = NULL;
	const char *sync, *enc;
	int rc = -1;

	PQsetNoticeReceiver(c->pg, pg_notice, c);
	switch (c->kind) {
	case STORE_CONN_READ:
		return pg_simple(c, "SET default_transaction_read_only = on",
		    NULL, "set up a reader", e);
	case STORE_CONN_WATCH:
		return pg_simple(c, "SET default_transaction_read_only = on;"
		    "LISTEN custos_head; LISTEN custos_news", NULL,
		    "set up the watcher", e);
	case STORE_CONN_WRITE:
		break;
	default:
		return 0;
	}
	/* "Durable when store_write returns" needs synchronous_commit;
	 * COLLATE "C" text needs UTF-8 to compare as SQLite does. */
	if (pg_simple(c, "SELECT current_setting('synchronous_commit'), "
	    "current_setting('server_encoding')", &r, "set up the writer",
	    e) == -1)
		return -1;
	if (PQntuples(r) != 1 || PQnfields(r) != 2) {
		err_internal(e, "store: set up the writer: no answer");
		goto out;
	}
	sync = PQgetvalue(r, 0, 0);
	enc = PQgetvalue(r, 0, 1);
	if (strcmp(sync, "off") == 0) {
		err_internal(e, "store: the database %s has synchronous_commit "
		    "= off: a commit would not be durable when custosd "
		    "answers; set it to on", c->label);
		goto out;
	}
	if (strcmp(enc, "UTF8") != 0) {
		err_internal(e, "store: the database %s is encoded in %.32s; "
		    "custosd needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')",
		    c->label, enc);
		goto out;
	}
	/* A node stopped mid-transaction (SIGSTOP, a partition) would hold
	 * the log head's lock, and so every node's writes, until TCP gives
	 * up: the server ends such a session instead.  A batch is never idle
	 * that long between its statements. */
	if (pg_simple(c, "SET idle_in_transaction_session_timeout = '30s'",
	    NULL, "set up the writer", e) == -1)
		goto out;
	rc = 0;
out:
	PQclear(r);
	return rc;
}

static void
pg_close(struct store_conn *c)
{
	if (c == NULL)
		return;
	pg_log_free(c);
	if (c->ctl != NULL) {
		free(c->ctl->q);
		free(c->ctl);
	}
	if (c->pg != NULL)
		PQfinish(c->pg);        /* releases init_lock's lock too */
	str_free_secret(c->conninfo);
	free(c);
}

static struct store_conn *
pg_open(const char *where, int kind, struct err *e)
{
	struct store_conn *c;

	/* Every connection is used by one thread at a time, but several
	 * threads run libpq at once. */
	if (!PQisthreadsafe()) {
		err_internal(e, "store: this libpq is not thread-safe");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	c->kind = kind;
	c->head = -1;
	c->news_gen = -1;
	if (conninfo_build(c, where, e) == -1 || pg_ensure(c, e) == -1) {
		pg_close(c);
		return NULL;
	}
	return c;
}

/* ---- queued control statements ----------------------------------------- */

static struct pg_ctl *
ctl_get(struct store_conn *c)
{
	if (c->ctl == NULL)
		c->ctl = calloc(1, sizeof(*c->ctl));
	return c->ctl;
}

static void
ctl_reset(struct store_conn *c)
{
	if (c->ctl == NULL)
		return;
	c->ctl->n = 0;
	c->ctl->depth = 0;
	c->ctl->poisoned = 0;
	err_init(&c->ctl->why);
}

static void
ctl_poison(struct pg_ctl *t, const struct err *why)
{
	if (t->poisoned)
		return;
	t->poisoned = 1;
	t->why = *why;
}

/* Queues sql (one or more statements, no outside values) at the log
 * buffer's current position; *seq (may be NULL) gets its number. */
static int
ctl_queue(struct store_conn *c, int sp, uint64_t *seq, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
ctl_queue(struct store_conn *c, int sp, uint64_t *seq, const char *fmt, ...)
{
	struct pg_ctl *t = ctl_get(c);
	struct pg_item *it;
	va_list ap;
	int n;

	if (t == NULL)
		return -1;
	if (t->n == t->alloc) {
		size_t na = t->alloc == 0 ? 16 : t->alloc * 2;
		struct pg_item *nq = realloc(t->q, na * sizeof(*nq));

		if (nq == NULL)
			return -1;
		t->q = nq;
		t->alloc = na;
	}
	it = &t->q[t->n];
	va_start(ap, fmt);
	n = vsnprintf(it->sql, sizeof(it->sql), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(it->sql))
		return -1;
	it->pos = pg_log_count(c);
	it->seq = ++t->seq;
	it->sp = sp;
	t->n++;
	if (seq != NULL)
		*seq = it->seq;
	return 0;
}

static void
ctl_mark_sent(struct pg_ctl *t, uint64_t seq)
{
	int d;

	for (d = 0; d < t->depth; d++)
		if (t->sp[d].seq == seq)
			t->sp[d].sent = 1;
}

static int
ctl_text_send(struct store_conn *c, struct buf *text, PGresult **last,
    struct err *e)
{
	int rc;

	rc = pg_simple(c, text->data, last, "send the batch", e);
	buf_reset(text);
	return rc;
}

/*
 * Sends what is queued, in order with the buffered rows, then tail (may
 * be NULL) in the same simple query as the last control statements;
 * *last (may be NULL) gets the last result.  A failure poisons the batch.
 */
static int
ctl_send(struct store_conn *c, const char *tail, PGresult **last,
    int all_rows, struct err *e)
{
	struct pg_ctl *t = c->ctl;
	struct buf text;
	size_t i;
	int rc = -1;

	if (last != NULL)
		*last = NULL;
	if (t != NULL && t->poisoned) {
		*e = t->why;
		return -1;
	}
	buf_init(&text, PG_CTL_TEXT_MAX);
	for (i = 0; t != NULL && i < t->n; i++) {
		struct pg_item *it = &t->q[i];

		if (it->pos > pg_log_sent(c)) {
			if (text.len > 0 &&
			    ctl_text_send(c, &text, NULL, e) == -1)
				goto out;
			if (pg_log_flush(c, it->pos, e) == -1)
				goto out;
		}
		if (buf_puts(&text, it->sql) == -1 ||
		    buf_puts(&text, ";") == -1) {
			err_internal(e, "store: too many queued statements");
			goto out;
		}
		if (it->sp > 0)
			ctl_mark_sent(t, it->seq);
	}
	if (t != NULL)
		t->n = 0;
	/* Rows after the last control statement may wait for the commit
	 * (one COPY for a whole import) unless the caller is about to read
	 * the log; a later control statement sends them first. */
	if ((all_rows || tail != NULL) && pg_log_count(c) > pg_log_sent(c)) {
		if (text.len > 0 && ctl_text_send(c, &text, NULL, e) == -1)
			goto out;
		if (pg_log_flush(c, pg_log_count(c), e) == -1)
			goto out;
	}
	if (tail != NULL && buf_puts(&text, tail) == -1) {
		err_internal(e, "store: too many queued statements");
		goto out;
	}
	if (text.len > 0 && ctl_text_send(c, &text, last, e) == -1)
		goto out;
	rc = 0;
out:
	buf_cleanup(&text);
	if (rc == -1 && t != NULL) {
		t->n = 0;
		ctl_poison(t, e);
	}
	return rc;
}

int
pg_ctl_send(struct store_conn *c, struct err *e)
{
	return pg_ctl_send_rows(c, 1, e);
}

int
pg_ctl_send_rows(struct store_conn *c, int rows, struct err *e)
{
	if ((c->ctl == NULL || (c->ctl->n == 0 && !c->ctl->poisoned)) &&
	    (!rows || pg_log_count(c) <= pg_log_sent(c)))
		return 0;
	return ctl_send(c, NULL, NULL, rows, e);
}

/* ---- migrations -------------------------------------------------------- */

static int
pg_migrate(struct store_conn *c, struct err *e)
{
	PGresult *r = NULL;
	int64_t version;
	size_t k;
	char setv[96];
	int rc = -1;

	/* One transaction under a lock every node takes: nodes starting
	 * together migrate one after the other, and the later ones find
	 * the work done.  in_tx keeps pg_ensure from reconnecting (and so
	 * leaving the transaction) in the middle. */
	if (pg_ensure(c, e) == -1)
		return -1;
	c->in_tx = 1;
	if (pg_simple(c, "BEGIN; SELECT pg_advisory_xact_lock("
	    "hashtext('custos.migrate')); "
	    "SELECT to_regclass('schema_version') IS NOT NULL", &r,
	    "migrate", e) == -1)
		goto out;
	if (PQntuples(r) != 1) {
		err_internal(e, "store: migrate: no answer");
		goto out;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0 &&
	    pg_simple(c, pg_schema_base, NULL, "create the schema", e) == -1)
		goto out;
	PQclear(r);
	r = NULL;
	if (pg_simple(c, "SELECT version FROM schema_version", &r,
	    "read the schema version", e) == -1)
		goto out;
	if (text_i64(r, 0, 0, &version) == -1) {
		err_internal(e, "store: the schema version cannot be read");
		goto out;
	}
	if (version < PG_SCHEMA_BASE ||
	    version > (int64_t)(PG_SCHEMA_BASE + PG_MIGRATIONS)) {
		err_internal(e, "the database schema (version %" PRId64 ") is "
		    "not one this custosd knows (%d to %d)", version,
		    PG_SCHEMA_BASE, (int)(PG_SCHEMA_BASE + PG_MIGRATIONS));
		goto out;
	}
	for (k = (size_t)(version - PG_SCHEMA_BASE); pg_migrations[k] != NULL; k++) {
		str_printf(setv, sizeof(setv), "UPDATE schema_version SET "
		    "version = %d", (int)(PG_SCHEMA_BASE + k + 1));
		if (pg_simple(c, pg_migrations[k], NULL, "migrate", e) == -1 ||
		    pg_simple(c, setv, NULL, "migrate", e) == -1)
			goto out;
	}
	PQclear(r);
	r = NULL;
	if (pg_simple(c, "COMMIT", &r, "migrate", e) == -1)
		goto out;
	if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		err_internal(e, "store: migrate: the transaction was rolled "
		    "back");
		goto out;
	}
	rc = 0;
out:
	PQclear(r);
	c->in_tx = 0;
	if (rc == -1 && c->pg != NULL && !c->broken &&
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	return rc;
}

/* ---- transactions ------------------------------------------------------ */

/* Ends whatever transaction the server holds for c, without waiting on a
 * connection that is known to be gone. */
static void
tx_abandon(struct store_conn *c)
{
	PGTransactionStatusType ts;
	PGresult *r;

	c->in_tx = 0;
	ctl_reset(c);
	pg_log_reset(c);
	if (c->pg == NULL || c->broken || PQstatus(c->pg) != CONNECTION_OK) {
		c->broken = 1;
		return;
	}
	ts = PQtransactionStatus(c->pg);
	if (ts == PQTRANS_IDLE)
		return;
	if (ts != PQTRANS_INTRANS && ts != PQTRANS_INERROR) {
		c->broken = 1;          /* reset at the next use */
		return;
	}
	r = PQexec(c->pg, "ROLLBACK");
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK ||
	    PQstatus(c->pg) != CONNECTION_OK)
		c->broken = 1;
	PQclear(r);
}

static int
pg_begin(struct store_conn *c, struct err *e)
{
	static const char sql[] = "BEGIN; SELECT size FROM log_head "
	    "WHERE id = 1 FOR UPDATE";
	PGresult *r = NULL;
	unsigned before;
	int64_t head;

	if (c->in_tx)
		tx_abandon(c);
	ctl_reset(c);
	pg_log_reset(c);
	before = c->reconnects;
	if (pg_simple(c, sql, &r, "begin", e) == -1) {
		/* Nothing was written yet: a connection that had died while
		 * idle (a server restart) is replaced and the begin tried
		 * once more, rather than failing a batch for it. */
		tx_abandon(c);
		if (!c->broken || c->reconnects != before)
			goto fail;
		err_init(e);
		if (pg_simple(c, sql, &r, "begin", e) == -1)
			goto fail;
	}
	if (text_i64(r, 0, 0, &head) == -1 || head < 0) {
		err_internal(e, "store: begin: the log head cannot be read");
		goto fail;
	}
	PQclear(r);
	c->head = head;
	c->in_tx = 1;
	return 0;
fail:
	PQclear(r);
	tx_abandon(c);
	return -1;
}

static int
pg_commit(struct store_conn *c, struct err *e)
{
	PGresult *r = NULL;
	char tail[192];
	int64_t to;

	if (!c->in_tx)
		return err_internal(e, "store: commit without a transaction");
	if (c->ctl != NULL && c->ctl->depth > 0)
		return err_internal(e, "store: commit inside a savepoint");
	to = pg_log_appended_to(c);
	if (to > c->head)
		str_printf(tail, sizeof(tail), "UPDATE log_head SET size = %"
		    PRId64 " WHERE id = 1; SELECT pg_notify('custos_head', '%"
		    PRId64 "'); COMMIT", to, to);
	else
		str_copy(tail, sizeof(tail), "COMMIT");
	if (pg_ensure(c, e) == -1 || ctl_send(c, tail, &r, 1, e) == -1)
		return -1;
	/* COMMIT of a failed transaction answers ROLLBACK, not an error. */
	if (r == NULL || strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		PQclear(r);
		return err_internal(e, "store: the transaction was rolled "
		    "back");
	}
	PQclear(r);
	if (to > c->head)
		c->head = to;
	c->in_tx = 0;
	ctl_reset(c);
	pg_log_reset(c);
	return 0;
}

static void
pg_rollback(struct store_conn *c)
{
	tx_abandon(c);
}

/* ---- lazy savepoints ----------------------------------------------------- */

static int
pg_savepoint(struct store_conn *c, struct err *e)
{
	struct pg_ctl *t = ctl_get(c);
	uint64_t seq;
	int d;

	if (t == NULL)
		return err_internal(e, "out of memory");
	if (!c->in_tx)
		return err_internal(e, "store: savepoint without a "
		    "transaction");
	if (t->depth >= PG_SP_MAX)
		return err_internal(e, "store: savepoints nested too deep");
	d = t->depth + 1;
	if (ctl_queue(c, d, &seq, "SAVEPOINT s%d", d) == -1)
		return err_internal(e, "out of memory");
	t->sp[t->depth].mark = pg_log_count(c);
	t->sp[t->depth].seq = seq;
	t->sp[t->depth].sent = 0;
	t->depth = d;
	return 0;
}

static int
pg_release(struct store_conn *c, struct err *e)
{
	struct pg_ctl *t = c->ctl;
	size_t i;
	int d;

	if (t == NULL || t->depth == 0)
		return err_internal(e, "store: release without a savepoint");
	d = t->depth;
	if (!t->sp[d - 1].sent) {
		/* Never sent: forget it; what was queued after it (an
		 * announce) stays, as it would have been released. */
		for (i = 0; i < t->n; i++)
			if (t->q[i].seq == t->sp[d - 1].seq) {
				memmove(&t->q[i], &t->q[i + 1],
				    (t->n - i - 1) * sizeof(t->q[0]));
				t->n--;
				break;
			}
	} else if (ctl_queue(c, 0, NULL, "RELEASE s%d", d) == -1) {
		return err_internal(e, "out of memory");
	}
	t->depth--;
	return 0;
}

static void
pg_rollback_savepoint(struct store_conn *c)
{
	struct pg_ctl *t = c->ctl;
	struct err oom;
	size_t i, mark;
	int d;

	if (t == NULL || t->depth == 0)
		return;
	d = t->depth;
	mark = t->sp[d - 1].mark;
	/* Whatever was queued since the savepoint goes with it. */
	while (t->n > 0 && t->q[t->n - 1].seq >= t->sp[d - 1].seq)
		t->n--;
	pg_log_truncate(c, mark);
	for (i = 0; i < t->n; i++)
		if (t->q[i].pos > mark)
			t->q[i].pos = mark;
	if (t->sp[d - 1].sent && ctl_queue(c, 0, NULL,
	    "ROLLBACK TO s%d; RELEASE s%d", d, d) == -1) {
		err_init(&oom);
		err_internal(&oom, "out of memory");
		ctl_poison(t, &oom);
	}
	t->depth--;
}

/* ---- meta, head, init lock ----------------------------------------------- */

static int
pg_meta_get(struct store_conn *c, const char *key, struct buf *out,
    struct err *e)
{
	struct pg_params p;
	PGresult *r;
	const char *v;
	size_t n;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, key);
	rc = pg_row(c, PG_MAIN, Q_META_GET, q_sql, &p, &r, "meta", e);
	if (rc != 0)
		return rc;
	v = pg_get_bytes(r, 0, 0, &n);
	rc = buf_append(out, v, n);
	PQclear(r);
	return rc == -1 ? err_internal(e, "meta value too large") : 0;
}

static int
pg_meta_set(struct store_conn *c, const char *key, const void *v, size_t n,
    struct err *e)
{
	struct pg_params p;

	pg_params_init(&p);
	pg_param_text(&p, key);
	pg_param_blob(&p, v, n);
	return pg_exec(c, PG_MAIN, Q_META_SET, q_sql, &p, NULL, "meta", e);
}

static int
pg_head(struct store_conn *c, int64_t *size, struct err *e)
{
	PGresult *r;
	int rc;

	if (c->kind == STORE_CONN_WRITE && c->in_tx) {
		*size = c->head;
		return 0;
	}
	rc = pg_row(c, PG_MAIN, Q_HEAD, q_sql, NULL, &r, "log head", e);
	if (rc == 1)
		return err_internal(e, "store: the log head is missing");
	if (rc == -1)
		return -1;
	*size = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static int
pg_init_lock(struct store_conn *c, struct err *e)
{
	/* A session lock: held until c closes (store_init_done). */
	return pg_simple(c, "SELECT pg_advisory_lock(hashtext('custos.init'))",
	    NULL, "take the start-up lock", e);
}

/* ---- watch and announce -------------------------------------------------- */

/* Takes the notifications libpq holds; 1 when there was one. */
static int
watch_drain(struct store_conn *c, struct store_news *out)
{
	PGnotify *n;
	int64_t v;
	int got = 0;

	while ((n = PQnotifies(c->pg)) != NULL) {
		got = 1;
		if (n->extra != NULL && num_parse_i64(&v, n->extra, 0,
		    INT64_MAX) == 0) {
			if (strcmp(n->relname, "custos_head") == 0) {
				if (v > out->head)
					out->head = v;
			} else if (strcmp(n->relname, "custos_news") == 0) {
				out->topics |= (unsigned)v;
			}
		}
		PQfreemem(n);
	}
	return got;
}

/* The poll fallback: the head and news generation as they are now. */
static int
watch_read(struct store_conn *c, struct store_news *out, struct err *e)
{
	PGresult *r;
	const char *v;
	char num[24];
	size_t n;
	int64_t head, gen = 0;

	if (pg_run(c, PG_MAIN, Q_NEWS, q_sql, NULL, &r, "watch", e) == -1)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return err_internal(e, "store: watch: no answer");
	}
	head = pg_get_int(r, 0, 0);
	v = pg_get_bytes(r, 0, 1, &n);
	if (n > 0 && n < sizeof(num)) {
		memcpy(num, v, n);
		num[n] = '\0';
		if (num_parse_i64(&gen, num, 0, INT64_MAX) == -1)
			gen = 0;
	}
	PQclear(r);
	if (head > out->head)
		out->head = head;
	/* Notifications lost (while disconnected, say): the generation
	 * moved without news; tell every topic. */
	if (c->news_gen >= 0 && gen != c->news_gen && out->topics == 0)
		out->topics = STORE_NEWS_TOKENS | STORE_NEWS_SETTINGS;
	c->news_gen = gen;
	c->watch_seen = c->reconnects;
	return 0;
}

static int
pg_watch(struct store_conn *c, int timeout_ms, struct store_news *out,
    struct err *e)
{
	struct pollfd pfd;
	int got, pr;

	out->head = -1;
	out->topics = 0;
	if (c->kind != STORE_CONN_WATCH)
		return err_internal(e, "store: watch on another connection");
	if (pg_ensure(c, e) == -1) {
		/* The database is down: wait as a watch would, so that a
		 * caller looping on watch does not spin. */
		poll(NULL, 0, timeout_ms < 0 ? 0 : timeout_ms);
		return -1;
	}
	if (c->watch_seen != c->reconnects)
		return watch_read(c, out, e);   /* new connection */
	got = watch_drain(c, out);
	if (!got) {
		pfd.fd = PQsocket(c->pg);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0)
			return pg_fail(c, NULL, e, "watch");
		pr = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
		if (pr < 0 && errno != EINTR)
			return err_internal(e, "store: watch: poll failed");
		if (pr > 0) {
			if (!PQconsumeInput(c->pg)) {
				c->broken = 1;
				return pg_fail(c, NULL, e, "watch");
			}
			got = watch_drain(c, out);
		}
	}
	/* Heads come with their notification; news, a timeout or a wake-up
	 * without notification read the truth afresh. */
	if (got && out->topics == 0)
		return 0;
	return watch_read(c, out, e);
}

static int
pg_announce(struct store_conn *c, unsigned topic, struct err *e)
{
	if (c->kind != STORE_CONN_WRITE || !c->in_tx)
		return err_internal(e, "store: announce outside the writer's "
		    "transaction");
	/* NOTIFY is delivered at commit, and not at all on rollback; the
	 * generation is what a watcher that missed it reads. */
	if (ctl_queue(c, 0, NULL, "SELECT pg_notify('custos_news', '%u'); "
	    "INSERT INTO meta(key, value) VALUES ('news_gen', "
	    "convert_to('1', 'UTF8')) ON CONFLICT (key) DO UPDATE SET "
	    "value = convert_to((convert_from(meta.value, 'UTF8')::int8 + 1)"
	    "::text, 'UTF8')", topic) == -1)
		return err_internal(e, "out of memory");
	return 0;
}

/* ---- leases --------------------------------------------------------------- */

static int
pg_lease_take(struct store_conn *c, const char *name, const char *node,
    int64_t ttl_ms, int64_t *epoch, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, name);
	pg_param_text(&p, node);
	pg_param_int(&p, ttl_ms);
	rc = pg_row(c, PG_LEASE, L_TAKE, l_sql, &p, &r, "lease", e);
	if (rc != 0)
		return rc;
	*epoch = pg_get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static int
pg_lease_check(struct store_conn *c, const char *name, const char *node,
    int64_t epoch, struct err *e)
{
	struct pg_params p;
	PGresult *r;
	int rc;

	pg_params_init(&p);
	pg_param_text(&p, name);
	pg_param_text(&p, node);
	pg_param_int(&p, epoch);
	rc = pg_row(c, PG_LEASE, L_CHECK, l_sql, &p, &r, "lease", e);
	if (rc == 0)
		PQclear(r);
	return rc;
}

static int
pg_lease_list(struct store_conn *c, int (*cb)(void *arg, const char *name,
    const char *holder, int64_t epoch, int64_t expires_ms), void *arg,
    struct err *e)
{
	PGresult *r;
	char name[128], holder[128];
	int i, n;

	if (pg_run(c, PG_LEASE, L_LIST, l_sql, NULL, &r, "leases", e) == -1)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		pg_get_text(name, sizeof(name), r, i, 0);
		pg_get_text(holder, sizeof(holder), r, i, 1);
		if (cb(arg, name, holder, pg_get_int(r, i, 2),
		    pg_get_int(r, i, 3)) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.migrate = pg_migrate,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.savepoint = pg_savepoint,
	.release = pg_release,
	.rollback_savepoint = pg_rollback_savepoint,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
	.vendor_insert = pg_vendor_insert,
	.vendor_get = pg_vendor_get,
	.engineer_insert = pg_engineer_insert,
	.engineer_get = pg_engineer_get,
	.engineer_get_by_username = pg_engineer_get_by_username,
	.engineer_use_totp_step = pg_engineer_use_totp_step,
	.engineer_set_secrets = pg_engineer_set_secrets,
	.device_insert = pg_device_insert,
	.device_get = pg_device_get,
	.tenant_insert = pg_tenant_insert,
	.tenant_get = pg_tenant_get,
	.tenant_set_settings = pg_tenant_set_settings,
	.user_insert = pg_user_insert,
	.user_get = pg_user_get,
	.user_get_by_username = pg_user_get_by_username,
	.user_list = pg_user_list,
	.user_set_password = pg_user_set_password,
	.user_set_totp = pg_user_set_totp,
	.user_use_totp_step = pg_user_use_totp_step,
	.user_delete = pg_user_delete,
	.ticket_insert = pg_ticket_insert,
	.ticket_get = pg_ticket_get,
	.ticket_list = pg_ticket_list,
	.session_insert = pg_session_insert,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_delete = pg_session_delete,
	.session_delete_user = pg_session_delete_user,
	.login_insert = pg_login_insert,
	.login_take = pg_login_take,
	.login_get = pg_login_get,
	.reset_insert = pg_reset_insert,
	.reset_take = pg_reset_take,
	.reset_delete_user = pg_reset_delete_user,
	.reset_get = pg_reset_get,
	.throttle_get = pg_throttle_get,
	.throttle_put = pg_throttle_put,
	.throttle_clear = pg_throttle_clear,
	.auth_sweep = pg_auth_sweep,
	.throttle_trim = pg_throttle_trim,
	.totp_seal_clear = pg_totp_seal_clear,
	.entry_append = pg_entry_append,
	.entry_count = pg_entry_count,
	.entry_range = pg_entry_range,
	.entry_leaves = pg_entry_leaves,
	.entry_range_tenant = pg_entry_range_tenant,
	.tile_get = pg_tile_get,
	.tile_put = pg_tile_put,
	.checkpoint_put = pg_checkpoint_put,
	.checkpoint_latest = pg_checkpoint_latest,
	.grant_insert = pg_grant_insert,
	.grant_get = pg_grant_get,
	.grant_transition = pg_grant_transition,
	.grant_active = pg_grant_active,
	.grant_list_tenant = pg_grant_list_tenant,
	.grant_due = pg_grant_due,
	.grant_set_notified = pg_grant_set_notified,
	.entry_by_principal = pg_entry_by_principal,
	.tenant_list = pg_tenant_list,
	.entry_policy_changes = pg_entry_policy_changes,
	.asks_since = pg_asks_since,
	.approval_insert = pg_approval_insert,
	.approval_get = pg_approval_get,
	.approval_list = pg_approval_list,
	.approval_transition = pg_approval_transition,
	.alert_insert = pg_alert_insert,
	.alert_list = pg_alert_list,
	.alert_get = pg_alert_get,
	.alert_webhook_due = pg_alert_webhook_due,
	.alert_webhook_set = pg_alert_webhook_set,
	.containment_insert = pg_containment_insert,
	.containment_get = pg_containment_get,
	.containment_lift = pg_containment_lift,
	.containment_list = pg_containment_list,
	.containment_find = pg_containment_find,
	.session_end_matching = pg_session_end_matching,
	.session_get_id = pg_session_get_id,
	.grant_open = pg_grant_open,
	.engineer_hours_set = pg_engineer_hours_set,
	.engineer_hours_get = pg_engineer_hours_get,
	.device_count = pg_device_count,
	.entry_cols_by_principal = pg_entry_cols_by_principal,
	.entry_get = pg_entry_get,
	.grant_overlapping_ids = pg_grant_overlapping_ids,
	/* Passkeys and operator persons (issue 13). */
	.passkey_insert = pg_passkey_insert,
	.passkey_get = pg_passkey_get,
	.passkey_get_by_cred = pg_passkey_get_by_cred,
	.passkey_list = pg_passkey_list,
	.passkey_use = pg_passkey_use,
	.passkey_remove = pg_passkey_remove,
	.passkey_revoke = pg_passkey_revoke,
	.operator_insert = pg_operator_insert,
	.operator_get = pg_operator_get,
	.operator_list = pg_operator_list,
	/* issue 13, directory. */
	.vendor_list = pg_vendor_list,
	.engineer_list = pg_engineer_list,
	.device_list = pg_device_list,
	.tenant_page = pg_tenant_page,
	.grant_views = pg_grant_views,
	.grant_view_get = pg_grant_view_get,
	.checkpoint_latest_time = pg_checkpoint_latest_time,
	.incident_insert = pg_incident_insert,
	.incident_report_insert = pg_incident_report_insert,
	.incident_list = pg_incident_list,
	.incident_get = pg_incident_get,
	.incident_report_get = pg_incident_report_get,
	/* invitations */
	.invitation_insert = pg_invitation_insert,
	.invitation_get = pg_invitation_get,
	.invitation_get_id = pg_invitation_get_id,
	.invitation_list = pg_invitation_list,
	.invitation_set_pending = pg_invitation_set_pending,
	.invitation_use = pg_invitation_use,
	.invitation_set_device = pg_invitation_set_device,
	.invitation_revoke = pg_invitation_revoke,
	.invitation_revoke_principal = pg_invitation_revoke_principal,
	/* issue 14, helper optok: named operator tokens. */
	.optoken_insert = pg_optoken_insert,
	.optoken_get_hash = pg_optoken_get_hash,
	.optoken_get = pg_optoken_get,
	.optoken_list = pg_optoken_list,
	.optoken_revoke = pg_optoken_revoke,
	.optoken_touch = pg_optoken_touch,
	.import_uuid_claim = pg_import_uuid_claim,
	.session_end_root_operator = pg_session_end_root_operator,
	/* issue 14, helper dir: the directory's lifecycle. */
	.vendor_set_status = pg_vendor_set_status,
	.engineer_set_status = pg_engineer_set_status,
	.engineer_offboard_vendor = pg_engineer_offboard_vendor,
	.engineer_set_email = pg_engineer_set_email,
	.device_revoke = pg_device_revoke,
	.device_revoke_all = pg_device_revoke_all,
	.approval_cancel_all = pg_approval_cancel_all,
	/* helper cli (issue 14) */
	.entry_filter = pg_entry_filter,
	/* helper fixdir (issue 14) */
	.user_page = pg_user_page,
	/* issue 15 */
	.init_lock = pg_init_lock,
	.head = pg_head,
	.watch = pg_watch,
	.announce = pg_announce,
	.lease_take = pg_lease_take,
	.lease_check = pg_lease_check,
	.lease_list = pg_lease_list,
	.table_dump = pg_table_dump,
	.table_load = pg_table_load,
	.incident_notice_insert = pg_incident_notice_insert,
	.incident_notice_list = pg_incident_notice_list,
	.incident_notice_get = pg_incident_notice_get,
	.export_cursor_get = pg_export_cursor_get,
	.export_cursor_set = pg_export_cursor_set,
};
