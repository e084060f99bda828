/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the PostgreSQL store's record families detect, incident,
 * invite, optoken and passkey (pg_detect.c ... pg_passkey.c), through
 * store_pg_ops against a real PostgreSQL 15 (docs/internals/pgtest.md):
 * per family, insert then read back, the listings' filters and order,
 * keyset paging, 409 on a duplicate, and each compare-and-set op winning
 * once then answering 1.  The rows these ops refer to (vendors, tenants,
 * engineers, grants, sessions, checkpoints) are put in with plain SQL on
 * a connection of the test's own, so only the ops under test run through
 * the store.
 *
 * Each run takes a fresh database from the cluster named by CUSTOS_PG_URL
 * (a URL) or CUSTOS_PG_URL_FILE (a file holding one); without either, the
 * test says so and exits 77 (skipped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "store/pg_int.h"
#include "store/records.h"
#include "store/store.h"

static const struct store_ops *ops;
static PGconn *admin;           /* the test's own: fixtures, checks */
static char server_url[512];    /* the cluster's, to drop the database */
static char db_url[600];
static char db_name[64];
static struct store_conn *w;    /* the writer */
static struct store_conn *rd;   /* a reader */

/* ---- fixture plumbing ---- */

static int
url_from_env(char *out, size_t size)
{
	const char *u = getenv("CUSTOS_PG_URL");
	const char *path = getenv("CUSTOS_PG_URL_FILE");
	FILE *f;
	size_t n;

	if (u != NULL && *u != '\0') {
		if (strlen(u) >= size)
			return -1;
		memcpy(out, u, strlen(u) + 1);
		return 0;
	}
	if (path == NULL || *path == '\0')
		return -1;
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(out, 1, size - 1, f);
	fclose(f);
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' ||
	    out[n - 1] == ' '))
		out[--n] = '\0';
	return n > 0 ? 0 : -1;
}

/* u with its database name (after the last '/', before any '?')
 * replaced by name. */
static int
url_with_db(char *out, size_t size, const char *u, const char *name)
{
	const char *slash = strrchr(u, '/');
	const char *query;
	int n;

	if (slash == NULL)
		return -1;
	query = strchr(slash, '?');
	n = snprintf(out, size, "%.*s/%s%s", (int)(slash - u), u, name,
	    query != NULL ? query : "");
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static void
sql(const char *q)
{
	PGresult *r = PQexec(admin, q);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQerrorMessage(admin));
	PQclear(r);
}

/* The first column of the first row of q as an integer. */
static long long
sql_int(const char *q)
{
	PGresult *r = PQexec(admin, q);
	long long v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		fail_msg("%s: %s", q, PQerrorMessage(admin));
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

static void
tx(void)
{
	struct err e;

	err_init(&e);
	if (ops->begin(w, &e) != 0)
		fail_msg("begin: %s", e.msg);
}

static void
commit(void)
{
	struct err e;

	err_init(&e);
	if (ops->commit(w, &e) != 0)
		fail_msg("commit: %s", e.msg);
}

/* The op's status after it failed inside a transaction, rolled back. */
static int
failed(int rc, const struct err *e)
{
	assert_int_equal(rc, -1);
	ops->rollback(w);
	return e->status;
}

static int
setup(void **state)
{
	char url[512];
	char q[160];
	PGconn *srv;
	PGresult *r;
	struct err e;

	(void)state;
	ops = &store_pg_ops;
	if (url_from_env(url, sizeof(url)) == -1)
		return -1;
	memcpy(server_url, url, sizeof(url));
	srv = PQconnectdb(url);
	if (PQstatus(srv) != CONNECTION_OK) {
		fprintf(stderr, "cannot reach %s\n", PQdb(srv));
		PQfinish(srv);
		return -1;
	}
	snprintf(db_name, sizeof(db_name), "t_rec2_%ld_%ld", (long)getpid(),
	    (long)time(NULL));
	snprintf(q, sizeof(q), "CREATE DATABASE \"%s\" TEMPLATE template0 "
	    "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", db_name);
	r = PQexec(srv, q);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "%s", PQerrorMessage(srv));
		PQclear(r);
		PQfinish(srv);
		return -1;
	}
	PQclear(r);
	PQfinish(srv);
	if (url_with_db(db_url, sizeof(db_url), url, db_name) == -1)
		return -1;

	err_init(&e);
	w = ops->open(db_url, STORE_CONN_WRITE, &e);
	if (w == NULL || ops->migrate(w, &e) != 0) {
		fprintf(stderr, "open/migrate: %s\n", e.msg);
		return -1;
	}
	rd = ops->open(db_url, STORE_CONN_READ, &e);
	if (rd == NULL) {
		fprintf(stderr, "open reader: %s\n", e.msg);
		return -1;
	}
	admin = PQconnectdb(db_url);
	if (PQstatus(admin) != CONNECTION_OK)
		return -1;
	/* What the records refer to. */
	sql("INSERT INTO vendors(id, name, created) VALUES "
	    "('ven_a', 'Acme', 1), ('ven_b', 'Bolt', 1)");
	sql("INSERT INTO engineers(id, username, vendor_id, password_hash, "
	    "created) VALUES ('eng_1', 'alice', 'ven_a', 'h', 1), "
	    "('eng_2', 'bob', 'ven_b', 'h', 1)");
	sql("INSERT INTO devices(id, engineer_id, name, public_key, created) "
	    "VALUES ('dev_1', 'eng_1', 'laptop', '\\x00', 1), "
	    "('dev_2', 'eng_1', 'phone', '\\x00', 1)");
	sql("INSERT INTO tenants(id, name, policy, created) VALUES "
	    "('ten_a', 'Alpha', 0, 1), ('ten_b', 'Beta', 0, 1)");
	sql("INSERT INTO tickets(tenant_id, id, subject, body, requester, "
	    "status, created) VALUES ('ten_a', 'T-1', 'Printer', '', 'x', "
	    "'open', 1)");
	return 0;
}

static int
teardown(void **state)
{
	char q[160];
	PGconn *srv;

	(void)state;
	if (rd != NULL)
		ops->close(rd);
	if (w != NULL)
		ops->close(w);
	if (admin != NULL)
		PQfinish(admin);
	srv = PQconnectdb(server_url);
	if (PQstatus(srv) == CONNECTION_OK) {
		snprintf(q, sizeof(q), "DROP DATABASE IF EXISTS \"%s\"",
		    db_name);
		PQclear(PQexec(srv, q));
	}
	PQfinish(srv);
	return 0;
}

/* ---- detect: alerts ---- */

static void
alert(struct rec_alert *a, const char *id, int64_t t, const char *rule,
    int sev, const char *subject, int webhook, const char *doc)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	a->time_ms = t;
	snprintf(a->rule, sizeof(a->rule), "%s", rule);
	a->severity = sev;
	snprintf(a->subject, sizeof(a->subject), "%s", subject);
	a->doc = doc;
	a->len = strlen(doc);
	a->webhook = webhook;
}

struct docs {
	char all[512];
	int n;
};

static int
doc_cb(void *arg, const char *doc, size_t len)
{
	struct docs *d = arg;
	size_t at = strlen(d->all);

	snprintf(d->all + at, sizeof(d->all) - at, "%s%.*s",
	    d->n++ ? "," : "", (int)len, doc);
	return 0;
}

static const char *
alerts(int64_t from, int64_t to, const char *rule, int sev,
    const char *subject, int limit, struct docs *d)
{
	struct rec_alert_filter f = {from, to, rule, sev, subject, limit, 0};
	struct err e;

	memset(d, 0, sizeof(*d));
	err_init(&e);
	assert_int_equal(ops->alert_list(rd, &f, doc_cb, d, &e), 0);
	return d->all;
}

struct dues {
	char ids[256];
};

static int
due_cb(void *arg, const struct rec_alert *a)
{
	struct dues *d = arg;
	size_t at = strlen(d->ids);

	snprintf(d->ids + at, sizeof(d->ids) - at, "%s%s:%d:%lld:%.*s",
	    at ? "," : "", a->id, a->attempts, (long long)a->next_attempt,
	    (int)a->len, a->doc);
	return 0;
}

static void
test_alerts(void **state)
{
	struct rec_alert a;
	struct docs d;
	struct dues du;
	struct buf b;
	struct err e;

	(void)state;
	tx();
	err_init(&e);
	alert(&a, "alr_1", 1000, "login_burst", 2, "eng_1", 1, "{\"n\":1}");
	assert_int_equal(ops->alert_insert(w, &a, &e), 0);
	alert(&a, "alr_2", 3000, "odd_hours", 1, "eng_2", 0, "{\"n\":2}");
	assert_int_equal(ops->alert_insert(w, &a, &e), 0);
	alert(&a, "alr_3", 2999, "login_burst", 3, "eng_2", 1, "{\"n\":3}");
	assert_int_equal(ops->alert_insert(w, &a, &e), 0);
	alert(&a, "alr_0", 3000, "odd_hours", 1, "eng_1", 1, "{\"n\":0}");
	assert_int_equal(ops->alert_insert(w, &a, &e), 0);
	commit();

	/* Newest first, ties by id. */
	assert_string_equal(alerts(0, 0, NULL, 0, NULL, 0, &d),
	    "{\"n\":0},{\"n\":2},{\"n\":3},{\"n\":1}");
	assert_string_equal(alerts(0, 0, "login_burst", 0, "", 0, &d),
	    "{\"n\":3},{\"n\":1}");
	assert_string_equal(alerts(0, 0, "", 2, "", 0, &d),
	    "{\"n\":3},{\"n\":1}");
	assert_string_equal(alerts(0, 0, "", 0, "eng_1", 0, &d),
	    "{\"n\":0},{\"n\":1}");
	assert_string_equal(alerts(0, 3000, "", 0, "", 0, &d),
	    "{\"n\":3},{\"n\":1}");
	assert_string_equal(alerts(2000, 0, "", 0, "", 2, &d),
	    "{\"n\":0},{\"n\":2}");
	/* A to_ms past 32 bits still compares as a bigint. */
	assert_string_equal(alerts(0, 5000000000LL, "odd_hours", 0, "", 0,
	    &d), "{\"n\":0},{\"n\":2}");

	buf_init(&b, 1 << 16);
	assert_int_equal(ops->alert_get(rd, "alr_3", &b, &e), 0);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "{\"n\":3}", 7);
	assert_int_equal(ops->alert_get(rd, "alr_9", &b, &e), 1);
	buf_cleanup(&b);

	/* Due: webhook owed, next_attempt reached, oldest attempt first. */
	memset(&du, 0, sizeof(du));
	assert_int_equal(ops->alert_webhook_due(rd, 0, 10, due_cb, &du, &e),
	    0);
	assert_string_equal(du.ids, "alr_1:0:0:{\"n\":1},alr_3:0:0:{\"n\":3},"
	    "alr_0:0:0:{\"n\":0}");
	tx();
	alert(&a, "alr_1", 0, "", 0, "", 1, "");
	a.attempts = 2;
	a.next_attempt = 50;
	assert_int_equal(ops->alert_webhook_set(w, &a, &e), 0);
	alert(&a, "alr_3", 0, "", 0, "", 2, "");
	a.attempts = 1;
	assert_int_equal(ops->alert_webhook_set(w, &a, &e), 0);
	alert(&a, "alr_9", 0, "", 0, "", 2, "");
	assert_int_equal(ops->alert_webhook_set(w, &a, &e), 1);
	commit();
	memset(&du, 0, sizeof(du));
	assert_int_equal(ops->alert_webhook_due(rd, 49, 10, due_cb, &du, &e),
	    0);
	assert_string_equal(du.ids, "alr_0:0:0:{\"n\":0}");
	memset(&du, 0, sizeof(du));
	assert_int_equal(ops->alert_webhook_due(rd, 50, 1, due_cb, &du, &e),
	    0);
	assert_string_equal(du.ids, "alr_0:0:0:{\"n\":0}");
	memset(&du, 0, sizeof(du));
	assert_int_equal(ops->alert_webhook_due(rd, 50, 10, due_cb, &du, &e),
	    0);
	assert_string_equal(du.ids, "alr_0:0:0:{\"n\":0},alr_1:2:50:{\"n\":1}");

	/* A second alert of the same id: 409. */
	tx();
	alert(&a, "alr_1", 1, "x", 0, "", 0, "{}");
	assert_int_equal(failed(ops->alert_insert(w, &a, &e), &e), 409);
}

/* ---- detect: containment ---- */

static void
containment(struct rec_containment *r, const char *id, int kind,
    const char *target, int64_t created, int refuse)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->kind = kind;
	snprintf(r->target, sizeof(r->target), "%s", target);
	snprintf(r->engineer_id, sizeof(r->engineer_id), "%s",
	    kind == CONTAIN_VENDOR ? "" : "eng_1");
	snprintf(r->vendor_id, sizeof(r->vendor_id), "ven_a");
	snprintf(r->reason, sizeof(r->reason), "why %s", id);
	snprintf(r->created_by, sizeof(r->created_by), "operator");
	r->created = created;
	r->refuse_logins = refuse;
	r->revoke_access = 1;
}

static int
cont_cb(void *arg, const struct rec_containment *r)
{
	char *ids = arg;
	size_t at = strlen(ids);

	snprintf(ids + at, 256 - at, "%s%s", at ? "," : "", r->id);
	return 0;
}

static void
test_containment(void **state)
{
	struct rec_containment r, got;
	char ids[256];
	struct err e;

	(void)state;
	err_init(&e);
	tx();
	containment(&r, "con_e", CONTAIN_ENGINEER, "eng_1", 100, 1);
	r.alert_id[0] = 'a';
	assert_int_equal(ops->containment_insert(w, &r, &e), 0);
	containment(&r, "con_d", CONTAIN_DEVICE, "dev_2", 200, 1);
	assert_int_equal(ops->containment_insert(w, &r, &e), 0);
	containment(&r, "con_v", CONTAIN_VENDOR, "ven_b", 300, 1);
	assert_int_equal(ops->containment_insert(w, &r, &e), 0);
	containment(&r, "con_s", CONTAIN_SESSION, "ses_x", 300, 0);
	assert_int_equal(ops->containment_insert(w, &r, &e), 0);
	commit();

	assert_int_equal(ops->containment_get(rd, "con_e", &got, &e), 0);
	assert_string_equal(got.target, "eng_1");
	assert_string_equal(got.engineer_id, "eng_1");
	assert_string_equal(got.vendor_id, "ven_a");
	assert_string_equal(got.reason, "why con_e");
	assert_string_equal(got.created_by, "operator");
	assert_string_equal(got.alert_id, "a");
	assert_int_equal(got.kind, CONTAIN_ENGINEER);
	assert_int_equal(got.created, 100);
	assert_int_equal(got.lifted, 0);
	assert_int_equal(got.refuse_logins, 1);
	assert_int_equal(got.revoke_access, 1);
	assert_int_equal(ops->containment_get(rd, "con_9", &got, &e), 1);

	/* In force: newest first, ties by id; all lists the session one. */
	ids[0] = '\0';
	assert_int_equal(ops->containment_list(rd, 0, cont_cb, ids, &e), 0);
	assert_string_equal(ids, "con_v,con_d,con_e");
	ids[0] = '\0';
	assert_int_equal(ops->containment_list(rd, 1, cont_cb, ids, &e), 0);
	assert_string_equal(ids, "con_s,con_v,con_d,con_e");

	/* Found by engineer, device or vendor; "" matches nothing. */
	assert_int_equal(ops->containment_find(rd, "eng_1", "", "", &got,
	    &e), 0);
	assert_string_equal(got.id, "con_e");
	assert_int_equal(ops->containment_find(rd, "eng_2", "ven_a", "dev_2",
	    &got, &e), 0);
	assert_string_equal(got.id, "con_d");
	assert_int_equal(ops->containment_find(rd, "eng_2", "ven_b", "",
	    &got, &e), 0);
	assert_string_equal(got.id, "con_v");
	assert_int_equal(ops->containment_find(rd, "", "", "", &got, &e), 1);
	assert_int_equal(ops->containment_find(rd, "eng_2", "ven_a", "dev_1",
	    &got, &e), 1);
	/* The oldest in force of several. */
	assert_int_equal(ops->containment_find(rd, "eng_1", "ven_b", "dev_2",
	    &got, &e), 0);
	assert_string_equal(got.id, "con_e");

	/* Lifted once. */
	tx();
	r = got;
	r.lifted = 500;
	snprintf(r.lifted_by, sizeof(r.lifted_by), "operator");
	snprintf(r.lift_reason, sizeof(r.lift_reason), "cleared");
	assert_int_equal(ops->containment_lift(w, &r, &e), 0);
	r.lifted = 600;
	assert_int_equal(ops->containment_lift(w, &r, &e), 1);
	snprintf(r.id, sizeof(r.id), "con_9");
	assert_int_equal(ops->containment_lift(w, &r, &e), 1);
	commit();
	assert_int_equal(ops->containment_get(rd, "con_e", &got, &e), 0);
	assert_int_equal(got.lifted, 500);
	assert_string_equal(got.lift_reason, "cleared");
	assert_int_equal(ops->containment_find(rd, "eng_1", "", "", &got, &e),
	    1);
	ids[0] = '\0';
	assert_int_equal(ops->containment_list(rd, 0, cont_cb, ids, &e), 0);
	assert_string_equal(ids, "con_v,con_d");

	tx();
	containment(&r, "con_d", CONTAIN_DEVICE, "dev_1", 1, 1);
	assert_int_equal(failed(ops->containment_insert(w, &r, &e), &e), 409);
}

static void
test_session_end_matching(void **state)
{
	struct err e;
	int64_t n = -1;

	(void)state;
	err_init(&e);
	sql("INSERT INTO sessions(token_hash, id, principal, principal_id, "
	    "tenant_id, vendor_id, device_id, source, created, expires, "
	    "last_seen) VALUES "
	    "('\\x01', 'ses_1', 1, 'eng_1', '', 'ven_a', 'dev_1', '', 1, 9, 1),"
	    "('\\x02', 'ses_2', 1, 'eng_1', '', 'ven_a', 'dev_2', '', 1, 9, 1),"
	    "('\\x03', 'ses_3', 1, 'eng_3', '', 'ven_a', 'dev_3', '', 1, 9, 1),"
	    "('\\x04', 'ses_4', 1, 'eng_2', '', 'ven_b', 'dev_4', '', 1, 9, 1),"
	    "('\\x05', 'ses_5', 2, 'eng_2', 'ten_a', 'ven_b', '', '', 1, 9, 1),"
	    "('\\x06', 'ses_6', 3, 'operator', '', '', '', '', 1, 9, 1),"
	    "('\\x07', 'ses_7', 3, 'operator', '', '', '', '', 1, 9, 1)");
	tx();
	assert_int_equal(ops->session_end_matching(w, CONTAIN_DEVICE, "dev_2",
	    &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ops->session_end_matching(w, CONTAIN_DEVICE, "dev_2",
	    &n, &e), 0);
	assert_int_equal(n, 0);
	/* A tenant user's session of the same id is no engineer's. */
	assert_int_equal(ops->session_end_matching(w, CONTAIN_ENGINEER,
	    "eng_2", &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ops->session_end_matching(w, CONTAIN_VENDOR, "ven_a",
	    &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ops->session_end_matching(w, CONTAIN_SESSION,
	    "ses_5", &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ops->session_end_matching(w, CONTAIN_KIND_COUNT,
	    "x", &n, &e), -1);
	assert_int_equal(n, 0);
	/* The root operator's two sessions (pg_optoken.c). */
	assert_int_equal(ops->session_end_root_operator(w, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ops->session_end_root_operator(w, NULL, &e), 0);
	commit();
	assert_int_equal(sql_int("SELECT count(*) FROM sessions"), 0);
}

static void
test_hours_and_devices(void **state)
{
	char spec[64];
	struct err e;
	int64_t n = -1;

	(void)state;
	err_init(&e);
	assert_int_equal(ops->engineer_hours_get(rd, "eng_1", spec,
	    sizeof(spec), &e), 0);
	assert_string_equal(spec, "");
	tx();
	assert_int_equal(ops->engineer_hours_set(w, "eng_1", "mon-fri 9-17",
	    &e), 0);
	assert_int_equal(ops->engineer_hours_set(w, "eng_9", "x", &e), 1);
	commit();
	assert_int_equal(ops->engineer_hours_get(rd, "eng_1", spec,
	    sizeof(spec), &e), 0);
	assert_string_equal(spec, "mon-fri 9-17");
	assert_int_equal(ops->engineer_hours_get(rd, "eng_9", spec,
	    sizeof(spec), &e), 1);
	assert_int_equal(ops->device_count(rd, "eng_1", &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ops->device_count(rd, "eng_9", &n, &e), 0);
	assert_int_equal(n, 0);
}

/* ---- incident: the console's request lists ---- */

static int
view_cb(void *arg, const struct rec_grant_view *v)
{
	char *ids = arg;
	size_t at = strlen(ids);

	snprintf(ids + at, 512 - at, "%s%s", at ? "," : "", v->g.id);
	return 0;
}

static int
grant_views(const char *tenant, const char *engineer, const char *after,
    int64_t limit, char *ids)
{
	struct err e;

	err_init(&e);
	ids[0] = '\0';
	return ops->grant_views(rd, tenant, engineer, after, limit, view_cb,
	    ids, &e);
}

static void
test_grant_views(void **state)
{
	struct rec_grant_view v;
	char ids[512];
	struct err e;

	(void)state;
	err_init(&e);
	sql("INSERT INTO grants(id, tenant_id, engineer_id, vendor_id, "
	    "ticket_id, reason, minutes, state, break_glass, created, "
	    "decided, decided_by, deadline) VALUES "
	    "('gr_1', 'ten_a', 'eng_1', 'ven_a', 'T-1', 'r', 60, 3, 0, 100, "
	    "110, 'adm', 900),"
	    "('gr_2', 'ten_a', 'eng_1', 'ven_a', 'T-1', 'r', 60, 2, 0, 200, "
	    "210, 'adm', 0),"
	    "('gr_3', 'ten_a', 'eng_1', 'ven_a', 'T-9', 'r', 60, 0, 0, 200, "
	    "0, '', 0),"
	    "('gr_4', 'ten_b', 'eng_1', 'ven_a', 'T-1', 'r', 60, 1, 0, 150, "
	    "160, 'adm', 900),"
	    "('gr_5', 'ten_a', 'eng_2', 'ven_b', '', 'r', 60, 4, 1, 300, "
	    "300, 'custosd', 900)");

	/* Newest first, ties by id descending. */
	assert_int_equal(grant_views("ten_a", NULL, NULL, 10, ids), 0);
	assert_string_equal(ids, "gr_5,gr_3,gr_2,gr_1");
	assert_int_equal(grant_views("ten_a", "eng_1", NULL, 10, ids), 0);
	assert_string_equal(ids, "gr_3,gr_2,gr_1");
	assert_int_equal(grant_views(NULL, "eng_1", NULL, 10, ids), 0);
	assert_string_equal(ids, "gr_3,gr_2,gr_4,gr_1");
	assert_int_equal(grant_views(NULL, NULL, NULL, 10, ids), 0);
	assert_string_equal(ids, "gr_5,gr_3,gr_2,gr_4,gr_1");
	/* Keyset pages. */
	assert_int_equal(grant_views(NULL, NULL, NULL, 2, ids), 0);
	assert_string_equal(ids, "gr_5,gr_3");
	assert_int_equal(grant_views(NULL, NULL, "gr_3", 2, ids), 0);
	assert_string_equal(ids, "gr_2,gr_4");
	assert_int_equal(grant_views(NULL, NULL, "gr_4", 2, ids), 0);
	assert_string_equal(ids, "gr_1");
	assert_int_equal(grant_views("ten_a", "eng_1", "gr_3", 10, ids), 0);
	assert_string_equal(ids, "gr_2,gr_1");
	assert_int_equal(grant_views(NULL, "eng_1", "gr_2", 10, ids), 0);
	assert_string_equal(ids, "gr_4,gr_1");
	/* A cursor outside the list names nothing. */
	assert_int_equal(grant_views("ten_b", NULL, "gr_3", 10, ids), 1);
	assert_int_equal(grant_views("ten_a", "eng_1", "gr_5", 10, ids), 1);
	assert_int_equal(grant_views(NULL, NULL, "gr_9", 10, ids), 1);

	/* The names and the engineer's past with the tenant. */
	assert_int_equal(ops->grant_view_get(rd, "gr_3", &v, &e), 0);
	assert_string_equal(v.g.tenant_id, "ten_a");
	assert_string_equal(v.g.engineer_id, "eng_1");
	assert_int_equal(v.g.state, 0);
	assert_int_equal(v.g.created, 200);
	assert_string_equal(v.engineer_username, "alice");
	assert_string_equal(v.vendor_name, "Acme");
	assert_string_equal(v.ticket_subject, "");
	assert_string_equal(v.tenant_name, "Alpha");
	assert_int_equal(v.past_requests, 2);
	assert_int_equal(v.past_approved, 1);
	assert_int_equal(v.past_last, 110);
	assert_int_equal(ops->grant_view_get(rd, "gr_2", &v, &e), 0);
	assert_string_equal(v.ticket_subject, "Printer");
	assert_int_equal(v.past_requests, 1);
	assert_int_equal(v.past_approved, 1);
	assert_int_equal(v.past_last, 110);
	assert_int_equal(v.g.decided, 210);
	assert_string_equal(v.g.decided_by, "adm");
	assert_int_equal(ops->grant_view_get(rd, "gr_1", &v, &e), 0);
	assert_int_equal(v.past_requests, 0);
	assert_int_equal(v.past_last, 0);
	assert_int_equal(ops->grant_view_get(rd, "gr_9", &v, &e), 1);
}

/* ---- incident: incidents ---- */

static int
incident_cb(void *arg, const struct rec_incident *r, const char *exposure)
{
	char *out = arg;
	size_t at = strlen(out);

	if (r->doc == NULL)
		snprintf(out + at, 512 - at, "%s%s/%s/(null)", at ? "," : "",
		    r->id, exposure);
	else
		snprintf(out + at, 512 - at, "%s%s/%s/%.*s", at ? "," : "",
		    r->id, exposure, (int)r->len, r->doc);
	return 0;
}

static int
incidents(const char *tenant, const char *after, int64_t limit, char *out)
{
	struct err e;

	err_init(&e);
	out[0] = '\0';
	return ops->incident_list(rd, tenant, after, limit, incident_cb, out,
	    &e);
}

static void
incident(struct rec_incident *r, const char *id, int64_t created,
    const char *doc)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->title, sizeof(r->title), "title %s", id);
	snprintf(r->created_by, sizeof(r->created_by), "operator");
	r->created = created;
	r->from = 10;
	r->to = 20;
	r->size = 7;
	r->tenants = 1;
	r->doc = doc;
	r->len = strlen(doc);
}

static void
report(struct rec_incident_report *r, const char *incident,
    const char *tenant, const char *exposure, const char *doc)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->incident_id, sizeof(r->incident_id), "%s", incident);
	snprintf(r->tenant_id, sizeof(r->tenant_id), "%s", tenant);
	snprintf(r->exposure, sizeof(r->exposure), "%s", exposure);
	r->doc = doc;
	r->len = strlen(doc);
}

static void
test_incidents(void **state)
{
	struct rec_incident r;
	struct rec_incident_report rep;
	char out[512];
	struct buf b;
	struct err e;
	int64_t t = -1;

	(void)state;
	err_init(&e);
	buf_init(&b, 1 << 16);
	assert_int_equal(ops->checkpoint_latest_time(rd, &b, &t, &e), 1);
	sql("INSERT INTO checkpoints(size, time, note) VALUES "
	    "(5, 50, 'note five'), (9, 40, 'note nine')");
	assert_int_equal(ops->checkpoint_latest_time(rd, &b, &t, &e), 0);
	assert_int_equal(t, 40);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.data, "note nine", 9);
	buf_cleanup(&b);

	tx();
	incident(&r, "inc_1", 100, "{\"s\":1}");
	assert_int_equal(ops->incident_insert(w, &r, &e), 0);
	incident(&r, "inc_2", 200, "{\"s\":2}");
	assert_int_equal(ops->incident_insert(w, &r, &e), 0);
	incident(&r, "inc_3", 200, "{\"s\":3}");
	assert_int_equal(ops->incident_insert(w, &r, &e), 0);
	report(&rep, "inc_1", "ten_a", "read", "{\"r\":\"1a\"}");
	assert_int_equal(ops->incident_report_insert(w, &rep, &e), 0);
	report(&rep, "inc_3", "ten_a", "attempted", "{\"r\":\"3a\"}");
	assert_int_equal(ops->incident_report_insert(w, &rep, &e), 0);
	report(&rep, "inc_3", "ten_b", "none", "{\"r\":\"3b\"}");
	assert_int_equal(ops->incident_report_insert(w, &rep, &e), 0);
	commit();

	/* The operator's list: newest first, ties by id descending, with
	 * the summary and no exposure. */
	assert_int_equal(incidents(NULL, NULL, 10, out), 0);
	assert_string_equal(out, "inc_3//{\"s\":3},inc_2//{\"s\":2},"
	    "inc_1//{\"s\":1}");
	assert_int_equal(incidents(NULL, "inc_3", 1, out), 0);
	assert_string_equal(out, "inc_2//{\"s\":2}");
	assert_int_equal(incidents(NULL, "inc_9", 10, out), 1);
	/* A tenant's: only those with its report, its exposure, no
	 * summary. */
	assert_int_equal(incidents("ten_a", NULL, 10, out), 0);
	assert_string_equal(out, "inc_3/attempted/(null),inc_1/read/(null)");
	assert_int_equal(incidents("ten_a", "inc_3", 10, out), 0);
	assert_string_equal(out, "inc_1/read/(null)");
	assert_int_equal(incidents("ten_b", NULL, 10, out), 0);
	assert_string_equal(out, "inc_3/none/(null)");
	assert_int_equal(incidents("ten_b", "inc_2", 10, out), 1);

	buf_init(&b, 1 << 16);
	assert_int_equal(ops->incident_get(rd, "inc_2", &r, &b, &e), 0);
	assert_string_equal(r.title, "title inc_2");
	assert_string_equal(r.created_by, "operator");
	assert_int_equal(r.created, 200);
	assert_int_equal(r.from, 10);
	assert_int_equal(r.to, 20);
	assert_int_equal(r.size, 7);
	assert_int_equal(r.tenants, 1);
	assert_null(r.doc);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "{\"s\":2}", 7);
	assert_int_equal(ops->incident_get(rd, "inc_9", &r, &b, &e), 1);
	buf_cleanup(&b);
	buf_init(&b, 1 << 16);
	assert_int_equal(ops->incident_report_get(rd, "inc_3", "ten_b", &b,
	    &e), 0);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "{\"r\":\"3b\"}", 10);
	assert_int_equal(ops->incident_report_get(rd, "inc_2", "ten_b", &b,
	    &e), 1);
	assert_int_equal(ops->incident_report_get(rd, "inc_1", "ten_b", &b,
	    &e), 1);
	buf_cleanup(&b);

	tx();
	incident(&r, "inc_2", 300, "{}");
	assert_int_equal(failed(ops->incident_insert(w, &r, &e), &e), 409);
	tx();
	report(&rep, "inc_3", "ten_b", "none", "{}");
	assert_int_equal(failed(ops->incident_report_insert(w, &rep, &e), &e),
	    409);
	/* A report of no incident refers to nothing: 409 too. */
	tx();
	report(&rep, "inc_9", "ten_b", "none", "{}");
	assert_int_equal(failed(ops->incident_report_insert(w, &rep, &e), &e),
	    409);
}

/* ---- invite ---- */

static void
invitation(struct rec_invitation *r, const char *id, uint8_t h,
    const char *principal, int64_t created)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	memset(r->token_hash, h, sizeof(r->token_hash));
	r->kind = INVITE_ENGINEER;
	snprintf(r->principal_id, sizeof(r->principal_id), "%s", principal);
	snprintf(r->username, sizeof(r->username), "user-%s", id);
	snprintf(r->email, sizeof(r->email), "%s@example.com", id);
	snprintf(r->created_by, sizeof(r->created_by), "operator");
	r->created = created;
	r->expires = created + 1000;
}

static int
inv_cb(void *arg, const struct rec_invitation *r)
{
	char *ids = arg;
	size_t at = strlen(ids);

	/* Listings never carry pending secrets. */
	assert_int_equal(r->pending_totp.len, 0);
	assert_string_equal(r->pending_password, "");
	snprintf(ids + at, 256 - at, "%s%s", at ? "," : "", r->id);
	return 0;
}

static void
test_invitations(void **state)
{
	struct rec_invitation r, got;
	uint8_t h[TOKEN_HASH_LEN];
	char ids[256];
	struct err e;

	(void)state;
	err_init(&e);
	tx();
	invitation(&r, "inv_1", 1, "eng_1", 100);
	memcpy(r.pending_totp.secret, "0123456789abcdefghij", 20);
	r.pending_totp.len = 20;
	snprintf(r.pending_password, sizeof(r.pending_password), "$argon");
	assert_int_equal(ops->invitation_insert(w, &r, &e), 0);
	invitation(&r, "inv_2", 2, "eng_1", 200);
	snprintf(r.tenant_id, sizeof(r.tenant_id), "ten_a");
	r.kind = INVITE_TENANT_USER;
	assert_int_equal(ops->invitation_insert(w, &r, &e), 0);
	invitation(&r, "inv_0", 3, "eng_2", 200);
	snprintf(r.device_id, sizeof(r.device_id), "dev_4");
	assert_int_equal(ops->invitation_insert(w, &r, &e), 0);
	commit();

	memset(h, 1, sizeof(h));
	assert_int_equal(ops->invitation_get(rd, h, &got, &e), 0);
	assert_string_equal(got.id, "inv_1");
	assert_memory_equal(got.token_hash, h, sizeof(h));
	assert_int_equal(got.kind, INVITE_ENGINEER);
	assert_string_equal(got.principal_id, "eng_1");
	assert_string_equal(got.username, "user-inv_1");
	assert_string_equal(got.email, "inv_1@example.com");
	assert_int_equal(got.created, 100);
	assert_int_equal(got.expires, 1100);
	/* The pending seed went sealed and comes back open. */
	assert_int_equal(got.pending_totp.len, 20);
	assert_memory_equal(got.pending_totp.secret, "0123456789abcdefghij",
	    20);
	assert_string_equal(got.pending_password, "$argon");
	assert_int_equal(sql_int("SELECT length(pending_totp) FROM invitations "
	    "WHERE id = 'inv_1'") > 20, 1);
	assert_int_equal(sql_int("SELECT count(*) FROM invitations WHERE "
	    "position('\\x3031323334353637'::bytea in pending_totp) > 0"), 0);
	memset(h, 9, sizeof(h));
	assert_int_equal(ops->invitation_get(rd, h, &got, &e), 1);
	assert_int_equal(ops->invitation_get_id(rd, "inv_2", &got, &e), 0);
	assert_string_equal(got.tenant_id, "ten_a");
	assert_int_equal(got.pending_totp.len, 0);
	assert_string_equal(got.pending_password, "");
	assert_int_equal(ops->invitation_get_id(rd, "inv_9", &got, &e), 1);

	/* Newest first, ties by id. */
	ids[0] = '\0';
	assert_int_equal(ops->invitation_list(rd, NULL, inv_cb, ids, &e), 0);
	assert_string_equal(ids, "inv_0,inv_2,inv_1");
	ids[0] = '\0';
	assert_int_equal(ops->invitation_list(rd, "ten_a", inv_cb, ids, &e),
	    0);
	assert_string_equal(ids, "inv_2");

	tx();
	/* Pending secrets kept only while open. */
	invitation(&r, "inv_2", 2, "eng_1", 200);
	snprintf(r.tenant_id, sizeof(r.tenant_id), "ten_a");
	memcpy(r.pending_totp.secret, "abcdefghij0123456789", 20);
	r.pending_totp.len = 20;
	snprintf(r.pending_password, sizeof(r.pending_password), "$new");
	assert_int_equal(ops->invitation_set_pending(w, &r, 1200, &e), 1);
	assert_int_equal(ops->invitation_set_pending(w, &r, 300, &e), 0);
	/* One device, once; none on an invitation that has one. */
	assert_int_equal(ops->invitation_set_device(w, "inv_2", "dev_1", 300,
	    &e), 0);
	assert_int_equal(ops->invitation_set_device(w, "inv_2", "dev_2", 300,
	    &e), 1);
	assert_int_equal(ops->invitation_set_device(w, "inv_0", "dev_2", 300,
	    &e), 1);
	/* Used once; then neither revoked nor pending. */
	assert_int_equal(ops->invitation_use(w, "inv_2", 1200, &e), 1);
	assert_int_equal(ops->invitation_use(w, "inv_2", 400, &e), 0);
	assert_int_equal(ops->invitation_use(w, "inv_2", 401, &e), 1);
	assert_int_equal(ops->invitation_revoke(w, "inv_2", 402, &e), 1);
	assert_int_equal(ops->invitation_set_pending(w, &r, 403, &e), 1);
	/* Revoked once, expired or not. */
	assert_int_equal(ops->invitation_revoke(w, "inv_0", 5000, &e), 0);
	assert_int_equal(ops->invitation_revoke(w, "inv_0", 5001, &e), 1);
	assert_int_equal(ops->invitation_use(w, "inv_0", 300, &e), 1);
	assert_int_equal(ops->invitation_revoke(w, "inv_9", 1, &e), 1);
	commit();
	assert_int_equal(ops->invitation_get_id(rd, "inv_2", &got, &e), 0);
	assert_string_equal(got.device_id, "dev_1");
	assert_int_equal(got.used, 400);
	assert_int_equal(got.revoked, 0);
	assert_int_equal(got.pending_totp.len, 0);
	assert_string_equal(got.pending_password, "");
	assert_int_equal(ops->invitation_get_id(rd, "inv_0", &got, &e), 0);
	assert_int_equal(got.revoked, 5000);

	/* A person's open ones revoked at once (not the tenant's other
	 * kind, not expired ones). */
	tx();
	invitation(&r, "inv_4", 4, "eng_1", 500);
	assert_int_equal(ops->invitation_insert(w, &r, &e), 0);
	invitation(&r, "inv_5", 5, "eng_1", 50);
	r.expires = 550;
	assert_int_equal(ops->invitation_insert(w, &r, &e), 0);
	assert_int_equal(ops->invitation_revoke_principal(w, INVITE_ENGINEER,
	    "", "eng_1", 600, &e), 0);
	commit();
	assert_int_equal(ops->invitation_get_id(rd, "inv_4", &got, &e), 0);
	assert_int_equal(got.revoked, 600);
	assert_int_equal(ops->invitation_get_id(rd, "inv_1", &got, &e), 0);
	assert_int_equal(got.revoked, 600);
	assert_int_equal(got.pending_totp.len, 0);
	assert_int_equal(ops->invitation_get_id(rd, "inv_5", &got, &e), 0);
	assert_int_equal(got.revoked, 0);

	tx();
	invitation(&r, "inv_6", 1, "eng_1", 500);
	assert_int_equal(failed(ops->invitation_insert(w, &r, &e), &e), 409);
	tx();
	invitation(&r, "inv_4", 6, "eng_1", 500);
	assert_int_equal(failed(ops->invitation_insert(w, &r, &e), &e), 409);
}

/* ---- optoken ---- */

static void
optoken(struct rec_optoken *r, const char *id, const char *name,
    uint8_t h, int64_t created)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->scope = 2;
	memset(r->token_hash, h, sizeof(r->token_hash));
	r->created = created;
	snprintf(r->created_by, sizeof(r->created_by), "operator");
	r->expires = created + 100;
}

static int
opt_cb(void *arg, const struct rec_optoken *r)
{
	char *ids = arg;
	size_t at = strlen(ids);

	snprintf(ids + at, 256 - at, "%s%s", at ? "," : "", r->id);
	return 0;
}

static void
test_optokens(void **state)
{
	struct rec_optoken r, got;
	uint8_t h[TOKEN_HASH_LEN];
	char ids[256];
	struct err e;

	(void)state;
	err_init(&e);
	tx();
	optoken(&r, "opt_b", "ci", 0xb, 100);
	assert_int_equal(ops->optoken_insert(w, &r, &e), 0);
	optoken(&r, "opt_a", "deploy", 0xa, 100);
	assert_int_equal(ops->optoken_insert(w, &r, &e), 0);
	commit();
	/* A second live token of one name: 409. */
	tx();
	optoken(&r, "opt_c", "ci", 0xc, 200);
	assert_int_equal(failed(ops->optoken_insert(w, &r, &e), &e), 409);

	tx();
	assert_int_equal(ops->optoken_revoke(w, "opt_b", 300, "adm", &e), 0);
	assert_int_equal(ops->optoken_revoke(w, "opt_b", 301, "adm", &e), 1);
	assert_int_equal(ops->optoken_revoke(w, "opt_9", 301, "adm", &e), 1);
	/* Its name is free again. */
	optoken(&r, "opt_c", "ci", 0xc, 200);
	assert_int_equal(ops->optoken_insert(w, &r, &e), 0);
	commit();
	tx();
	optoken(&r, "opt_d", "other", 0xc, 200);
	assert_int_equal(failed(ops->optoken_insert(w, &r, &e), &e), 409);

	memset(h, 0xb, sizeof(h));
	assert_int_equal(ops->optoken_get_hash(rd, h, &got, &e), 0);
	assert_string_equal(got.id, "opt_b");
	assert_string_equal(got.name, "ci");
	assert_int_equal(got.scope, 2);
	assert_int_equal(got.created, 100);
	assert_string_equal(got.created_by, "operator");
	assert_int_equal(got.expires, 200);
	assert_int_equal(got.revoked, 300);
	assert_string_equal(got.revoked_by, "adm");
	assert_int_equal(got.last_used, 0);
	memset(h, 0xe, sizeof(h));
	assert_int_equal(ops->optoken_get_hash(rd, h, &got, &e), 1);
	/* By id, else by name: the live one. */
	assert_int_equal(ops->optoken_get(rd, "opt_b", &got, &e), 0);
	assert_string_equal(got.id, "opt_b");
	assert_int_equal(ops->optoken_get(rd, "ci", &got, &e), 0);
	assert_string_equal(got.id, "opt_c");
	assert_int_equal(got.revoked, 0);
	assert_string_equal(got.revoked_by, "");
	assert_int_equal(ops->optoken_get(rd, "nope", &got, &e), 1);

	/* Oldest first, ties by id. */
	ids[0] = '\0';
	assert_int_equal(ops->optoken_list(rd, opt_cb, ids, &e), 0);
	assert_string_equal(ids, "opt_a,opt_b,opt_c");

	/* last_used only forward. */
	tx();
	assert_int_equal(ops->optoken_touch(w, "opt_c", 500, &e), 0);
	assert_int_equal(ops->optoken_touch(w, "opt_c", 400, &e), 0);
	assert_int_equal(ops->optoken_touch(w, "opt_9", 400, &e), 0);
	commit();
	assert_int_equal(ops->optoken_get(rd, "opt_c", &got, &e), 0);
	assert_int_equal(got.last_used, 500);

	/* With every token of a name revoked, the newest one. */
	tx();
	assert_int_equal(ops->optoken_revoke(w, "opt_c", 600, "adm", &e), 0);
	commit();
	assert_int_equal(ops->optoken_get(rd, "ci", &got, &e), 0);
	assert_string_equal(got.id, "opt_c");
}

/* ---- passkey ---- */

static void
passkey(struct rec_passkey *p, const char *id, uint8_t cred, int principal,
    const char *who, const char *tenant, const char *device,
    int64_t created)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	memset(p->cred_id, cred, 40);
	p->cred_id_len = 40;
	p->principal = principal;
	snprintf(p->principal_id, sizeof(p->principal_id), "%s", who);
	snprintf(p->tenant_id, sizeof(p->tenant_id), "%s", tenant);
	snprintf(p->device_id, sizeof(p->device_id), "%s", device);
	p->alg = -7;
	memset(p->public_key, cred ^ 0xff, 77);
	p->public_key_len = 77;
	p->sign_count = 5;
	p->backup_eligible = 1;
	snprintf(p->name, sizeof(p->name), "key %s", id);
	p->created = created;
	snprintf(p->created_session, sizeof(p->created_session), "ses_%s", id);
}

static int
pk_cb(void *arg, const struct rec_passkey *p)
{
	char *ids = arg;
	size_t at = strlen(ids);

	snprintf(ids + at, 256 - at, "%s%s", at ? "," : "", p->id);
	return 0;
}

static int
op_cb(void *arg, const struct rec_operator *o)
{
	char *ids = arg;
	size_t at = strlen(ids);

	snprintf(ids + at, 256 - at, "%s%s", at ? "," : "", o->id);
	return 0;
}

static void
test_passkeys(void **state)
{
	struct rec_passkey p, got;
	struct rec_operator o, og;
	uint8_t cred[40];
	char ids[256];
	struct err e;
	int64_t n = -1;

	(void)state;
	err_init(&e);
	tx();
	passkey(&p, "pk_b", 1, PRINCIPAL_ENGINEER, "eng_1", "", "dev_1", 100);
	assert_int_equal(ops->passkey_insert(w, &p, &e), 0);
	passkey(&p, "pk_a", 2, PRINCIPAL_ENGINEER, "eng_1", "", "dev_2", 100);
	assert_int_equal(ops->passkey_insert(w, &p, &e), 0);
	passkey(&p, "pk_c", 3, PRINCIPAL_ENGINEER, "eng_1", "", "dev_1", 50);
	p.sign_count = 0;
	assert_int_equal(ops->passkey_insert(w, &p, &e), 0);
	passkey(&p, "pk_u", 4, PRINCIPAL_TENANT_USER, "usr_1", "ten_a", "",
	    10);
	assert_int_equal(ops->passkey_insert(w, &p, &e), 0);
	commit();
	tx();
	passkey(&p, "pk_d", 1, PRINCIPAL_ENGINEER, "eng_1", "", "", 1);
	assert_int_equal(failed(ops->passkey_insert(w, &p, &e), &e), 409);

	assert_int_equal(ops->passkey_get(rd, "pk_b", &got, &e), 0);
	passkey(&p, "pk_b", 1, PRINCIPAL_ENGINEER, "eng_1", "", "dev_1", 100);
	assert_int_equal(got.cred_id_len, 40);
	assert_memory_equal(got.cred_id, p.cred_id, 40);
	assert_int_equal(got.public_key_len, 77);
	assert_memory_equal(got.public_key, p.public_key, 77);
	assert_int_equal(got.principal, PRINCIPAL_ENGINEER);
	assert_string_equal(got.principal_id, "eng_1");
	assert_string_equal(got.device_id, "dev_1");
	assert_int_equal(got.alg, -7);
	assert_int_equal(got.sign_count, 5);
	assert_int_equal(got.backup_eligible, 1);
	assert_string_equal(got.name, "key pk_b");
	assert_int_equal(got.created, 100);
	assert_int_equal(got.status, 0);
	assert_string_equal(got.created_session, "ses_pk_b");
	assert_int_equal(ops->passkey_get(rd, "pk_9", &got, &e), 1);
	memset(cred, 4, sizeof(cred));
	assert_int_equal(ops->passkey_get_by_cred(rd, cred, sizeof(cred), &got,
	    &e), 0);
	assert_string_equal(got.id, "pk_u");
	assert_string_equal(got.tenant_id, "ten_a");
	assert_int_equal(ops->passkey_get_by_cred(rd, cred, 39, &got, &e), 1);

	/* Oldest first, ties by id; by device. */
	ids[0] = '\0';
	assert_int_equal(ops->passkey_list(rd, PRINCIPAL_ENGINEER, "eng_1", "",
	    NULL, pk_cb, ids, &e), 0);
	assert_string_equal(ids, "pk_c,pk_a,pk_b");
	ids[0] = '\0';
	assert_int_equal(ops->passkey_list(rd, PRINCIPAL_ENGINEER, "eng_1", "",
	    "dev_1", pk_cb, ids, &e), 0);
	assert_string_equal(ids, "pk_c,pk_b");
	ids[0] = '\0';
	assert_int_equal(ops->passkey_list(rd, PRINCIPAL_TENANT_USER, "usr_1",
	    "ten_a", "", pk_cb, ids, &e), 0);
	assert_string_equal(ids, "pk_u");

	tx();
	/* A counter is accepted once, and only growing; 0 after 0. */
	assert_int_equal(ops->passkey_use(w, "pk_b", 6, 200, &e), 0);
	assert_int_equal(ops->passkey_use(w, "pk_b", 6, 201, &e), 1);
	assert_int_equal(ops->passkey_use(w, "pk_b", 5, 201, &e), 1);
	assert_int_equal(ops->passkey_use(w, "pk_b", 0, 201, &e), 1);
	assert_int_equal(ops->passkey_use(w, "pk_c", 0, 202, &e), 0);
	assert_int_equal(ops->passkey_use(w, "pk_c", 0, 203, &e), 0);
	assert_int_equal(ops->passkey_use(w, "pk_9", 9, 203, &e), 1);
	/* Removed by its owner only, once. */
	assert_int_equal(ops->passkey_remove(w, "pk_a", PRINCIPAL_ENGINEER,
	    "eng_2", "", &e), 1);
	assert_int_equal(ops->passkey_remove(w, "pk_a", PRINCIPAL_ENGINEER,
	    "eng_1", "", &e), 0);
	assert_int_equal(ops->passkey_remove(w, "pk_a", PRINCIPAL_ENGINEER,
	    "eng_1", "", &e), 1);
	assert_int_equal(ops->passkey_use(w, "pk_a", 99, 204, &e), 1);
	commit();
	assert_int_equal(ops->passkey_get(rd, "pk_b", &got, &e), 0);
	assert_int_equal(got.sign_count, 6);
	assert_int_equal(got.last_used, 200);
	assert_int_equal(ops->passkey_get(rd, "pk_c", &got, &e), 0);
	assert_int_equal(got.last_used, 203);
	assert_int_equal(ops->passkey_get(rd, "pk_a", &got, &e), 0);
	assert_int_equal(got.status, 1);

	/* Revoked by what is given, NULL any; counted. */
	tx();
	assert_int_equal(ops->passkey_revoke(w, 0, NULL, NULL, NULL,
	    "ses_none", &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ops->passkey_revoke(w, PRINCIPAL_ENGINEER, "eng_1",
	    NULL, "dev_1", NULL, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ops->passkey_revoke(w, PRINCIPAL_ENGINEER, "eng_1",
	    NULL, "dev_1", NULL, NULL, &e), 0);
	assert_int_equal(ops->passkey_revoke(w, 0, NULL, "ten_a", NULL, NULL,
	    &n, &e), 0);
	assert_int_equal(n, 1);
	commit();
	assert_int_equal(sql_int("SELECT count(*) FROM passkeys WHERE "
	    "status = 0"), 0);

	/* Operator persons. */
	tx();
	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "opr_b");
	snprintf(o.username, sizeof(o.username), "root");
	snprintf(o.email, sizeof(o.email), "root@example.com");
	o.created = 10;
	assert_int_equal(ops->operator_insert(w, &o, &e), 0);
	snprintf(o.id, sizeof(o.id), "opr_a");
	snprintf(o.username, sizeof(o.username), "second");
	o.status = 1;
	assert_int_equal(ops->operator_insert(w, &o, &e), 0);
	commit();
	tx();
	snprintf(o.id, sizeof(o.id), "opr_c");
	assert_int_equal(failed(ops->operator_insert(w, &o, &e), &e), 409);
	assert_int_equal(ops->operator_get(rd, "opr_b", &og, &e), 0);
	assert_string_equal(og.username, "root");
	assert_string_equal(og.email, "root@example.com");
	assert_int_equal(og.status, 0);
	assert_int_equal(og.created, 10);
	assert_int_equal(ops->operator_get(rd, "opr_9", &og, &e), 1);
	ids[0] = '\0';
	assert_int_equal(ops->operator_list(rd, op_cb, ids, &e), 0);
	assert_string_equal(ids, "opr_a,opr_b");
}

/* ---- compare-and-set under concurrency ----
 *
 * Each "atomic:" op is one statement, so it holds without the log head's
 * lock that serialises the writers of a cluster: two connections, each in
 * its own transaction (plain BEGIN, no head lock), run the same op on the
 * same row.  The second blocks on the first's row lock and, once the first
 * commits, re-checks its WHERE against the committed row: it loses (1, or
 * counts 0).  When the first rolls back instead, the second wins. */

struct race_op {
	int (*fn)(struct store_conn *c, const void *arg, int64_t *n,
	    struct err *e);
	const void *arg;
};

struct racer {
	struct store_conn *c;
	const struct race_op *op;
	int rc;
	int64_t n;
	struct err e;
};

static void
raw(struct store_conn *c, const char *q)
{
	struct err e;

	err_init(&e);
	if (pg_simple(c, q, NULL, "race", &e) != 0)
		fail_msg("%s: %s", q, e.msg);
}

static void *
racer_main(void *arg)
{
	struct racer *r = arg;

	err_init(&r->e);
	r->rc = r->op->fn(r->c, r->op->arg, &r->n, &r->e);
	return NULL;
}

/* Waits until a backend of this database waits for a lock (the second
 * racer). */
static void
wait_for_lock_wait(void)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (sql_int("SELECT count(*) FROM pg_stat_activity "
		    "WHERE wait_event_type = 'Lock' "
		    "AND datname = current_database()") > 0)
			return;
		usleep(10000);
	}
	fail_msg("the second transaction never waited for the row");
}

/* Runs op on a, then on b while a's transaction is open; a ends with
 * `end` (COMMIT or ROLLBACK).  *rb, *nb: what b said. */
static void
race(const struct race_op *op, const char *end, int *ra, int64_t *na,
    int *rb, int64_t *nb)
{
	struct store_conn *a, *b;
	struct racer second;
	pthread_t t;
	struct err e;

	err_init(&e);
	a = ops->open(db_url, STORE_CONN_WRITE, &e);
	b = ops->open(db_url, STORE_CONN_WRITE, &e);
	assert_non_null(a);
	assert_non_null(b);
	raw(a, "BEGIN");
	raw(b, "BEGIN");
	*na = 0;
	*ra = op->fn(a, op->arg, na, &e);
	memset(&second, 0, sizeof(second));
	second.c = b;
	second.op = op;
	assert_int_equal(pthread_create(&t, NULL, racer_main, &second), 0);
	wait_for_lock_wait();
	raw(a, end);
	assert_int_equal(pthread_join(t, NULL), 0);
	raw(b, "COMMIT");
	*rb = second.rc;
	*nb = second.n;
	ops->close(a);
	ops->close(b);
}

static int
race_lift(struct store_conn *c, const void *arg, int64_t *n, struct err *e)
{
	return ops->containment_lift(c, arg, e);
}

static int
race_inv_use(struct store_conn *c, const void *arg, int64_t *n,
    struct err *e)
{
	return ops->invitation_use(c, arg, 700, e);
}

static int
race_inv_device(struct store_conn *c, const void *arg, int64_t *n,
    struct err *e)
{
	static int k;

	/* Each racer offers another device. */
	return ops->invitation_set_device(c, arg, k++ % 2 ? "dev_b" : "dev_a",
	    700, e);
}

static int
race_inv_revoke(struct store_conn *c, const void *arg, int64_t *n,
    struct err *e)
{
	return ops->invitation_revoke(c, arg, 700, e);
}

static int
race_pk_use(struct store_conn *c, const void *arg, int64_t *n,
    struct err *e)
{
	return ops->passkey_use(c, arg, 7, 700, e);
}

static int
race_opt_revoke(struct store_conn *c, const void *arg, int64_t *n,
    struct err *e)
{
	return ops->optoken_revoke(c, arg, 700, "adm", e);
}

static int
race_end(struct store_conn *c, const void *arg, int64_t *n, struct err *e)
{
	return ops->session_end_matching(c, CONTAIN_ENGINEER, arg, n, e);
}

static int
race_pk_revoke(struct store_conn *c, const void *arg, int64_t *n,
    struct err *e)
{
	return ops->passkey_revoke(c, PRINCIPAL_ENGINEER, arg, NULL, NULL,
	    NULL, n, e);
}

static void
test_cas_races(void **state)
{
	struct rec_containment con;
	struct rec_invitation inv;
	struct rec_passkey pk;
	struct rec_optoken opt;
	struct rec_invitation got;
	struct race_op op;
	struct err e;
	int ra, rb;
	int64_t na, nb;

	(void)state;
	err_init(&e);
	tx();
	containment(&con, "con_r", CONTAIN_ENGINEER, "eng_2", 10, 1);
	assert_int_equal(ops->containment_insert(w, &con, &e), 0);
	invitation(&inv, "inv_r1", 0x21, "eng_2", 600);
	assert_int_equal(ops->invitation_insert(w, &inv, &e), 0);
	invitation(&inv, "inv_r2", 0x22, "eng_2", 600);
	assert_int_equal(ops->invitation_insert(w, &inv, &e), 0);
	invitation(&inv, "inv_r3", 0x23, "eng_2", 600);
	assert_int_equal(ops->invitation_insert(w, &inv, &e), 0);
	passkey(&pk, "pk_r", 0x31, PRINCIPAL_ENGINEER, "eng_r", "", "", 1);
	assert_int_equal(ops->passkey_insert(w, &pk, &e), 0);
	passkey(&pk, "pk_r2", 0x32, PRINCIPAL_ENGINEER, "eng_r", "", "", 1);
	assert_int_equal(ops->passkey_insert(w, &pk, &e), 0);
	optoken(&opt, "opt_r", "racer", 0x41, 1);
	assert_int_equal(ops->optoken_insert(w, &opt, &e), 0);
	commit();
	sql("INSERT INTO sessions(token_hash, id, principal, principal_id, "
	    "tenant_id, vendor_id, device_id, source, created, expires, "
	    "last_seen) VALUES "
	    "('\\x11', 'ses_r1', 1, 'eng_r', '', 'ven_a', '', '', 1, 9, 1),"
	    "('\\x12', 'ses_r2', 1, 'eng_r', '', 'ven_a', '', '', 1, 9, 1)");

	/* A lift the first rolled back is the second's. */
	con.lifted = 700;
	op = (struct race_op){race_lift, &con};
	race(&op, "ROLLBACK", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 0);
	tx();
	assert_int_equal(ops->containment_lift(w, &con, &e), 1);
	containment(&con, "con_r2", CONTAIN_ENGINEER, "eng_2", 10, 1);
	assert_int_equal(ops->containment_insert(w, &con, &e), 0);
	commit();
	con.lifted = 700;
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 1);

	op = (struct race_op){race_inv_use, "inv_r1"};
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 1);
	op = (struct race_op){race_inv_device, "inv_r2"};
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 1);
	assert_int_equal(ops->invitation_get_id(rd, "inv_r2", &got, &e), 0);
	assert_string_equal(got.device_id, "dev_a");
	op = (struct race_op){race_inv_revoke, "inv_r3"};
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 1);
	op = (struct race_op){race_pk_use, "pk_r"};
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 1);
	op = (struct race_op){race_opt_revoke, "opt_r"};
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 1);
	/* Counting ops count what each call ended: 2 then 0, never 2 and
	 * 2. */
	op = (struct race_op){race_end, "eng_r"};
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 0);
	assert_int_equal(na, 2);
	assert_int_equal(nb, 0);
	op = (struct race_op){race_pk_revoke, "eng_r"};
	race(&op, "COMMIT", &ra, &na, &rb, &nb);
	assert_int_equal(na, 2);
	assert_int_equal(nb, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_containment),
		cmocka_unit_test(test_session_end_matching),
		cmocka_unit_test(test_hours_and_devices),
		cmocka_unit_test(test_grant_views),
		cmocka_unit_test(test_incidents),
		cmocka_unit_test(test_invitations),
		cmocka_unit_test(test_optokens),
		cmocka_unit_test(test_passkeys),
		cmocka_unit_test(test_cas_races),
	};
	char url[512];

	if (url_from_env(url, sizeof(url)) == -1) {
		printf("SKIP: neither CUSTOS_PG_URL nor CUSTOS_PG_URL_FILE names "
		    "a PostgreSQL server\n");
		return 77;      /* ctest's SKIP_RETURN_CODE */
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
