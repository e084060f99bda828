/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the record families directory, auth and access (issue 15)
 * on a real PostgreSQL database, and the same scenarios on a real SQLite
 * file: every op goes through the backend's ops table and must give the
 * same results in the same order on both (SQLite is the reference the PG
 * port mirrors).  Inserts and gets of each family, 409 on duplicates and
 * on missing references, the compare-and-set moves (a second attempt
 * answers 1), login_take/reset_take taking a row once, counts of the
 * bulk updates, bytewise ORDER BY (COLLATE "C"), keyset pages and
 * filters.
 *
 * The PostgreSQL half needs a server: CUSTOS_PG_URL (a URL to a database
 * on it) or CUSTOS_PG_URL_FILE (a file holding one, the ctest fixture
 * pg); it creates a fresh database there.  Without either it is skipped,
 * saying so.
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
#include <unistd.h>

#include "common/str.h"
#include "store/pg_int.h"
#include "store/seal.h"
#include "store/store.h"

struct be {
	const char *name;
	const struct store_ops *ops;
	struct store_conn *c;
	char dir[64];
	char path[128];
	char url[512];
	int skip;
};

/* ---------------------------------------------------------------- setup */

static int pg_skipped;

static int
read_url(char *out, size_t size)
{
	const char *u = getenv("CUSTOS_PG_URL"), *f;
	FILE *fp;
	size_t n;

	if (u != NULL && *u != '\0') {
		str_copy(out, size, u);
		return 0;
	}
	f = getenv("CUSTOS_PG_URL_FILE");
	if (f == NULL || *f == '\0' || (fp = fopen(f, "r")) == NULL)
		return -1;
	n = fread(out, 1, size - 1, fp);
	fclose(fp);
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' ||
	    out[n - 1] == ' '))
		out[--n] = '\0';
	return n > 0 ? 0 : -1;
}

/* A fresh database on the server of url: its URL in out. */
static int
new_database(const char *url, const char *locale, char *out, size_t size)
{
	char name[64], sql[256];
	const char *slash, *q;
	PGconn *pg = PQconnectdb(url);
	PGresult *r;
	int ok;

	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "cannot reach %s: %s", PQhost(pg),
		    PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	snprintf(name, sizeof(name), "t_rec_%d_%ld", (int)getpid(),
	    (long)random());
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\" TEMPLATE template0 "
	    "ENCODING 'UTF8' LC_COLLATE '%s' LC_CTYPE '%s'", name, locale,
	    locale);
	r = PQexec(pg, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "%s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(pg);
	if (!ok)
		return -1;
	/* Same server and options, the new database's name. */
	q = strchr(url, '?');
	slash = strrchr(url, '/');
	if (slash == NULL || (q != NULL && slash > q) ||
	    (size_t)(slash - url) < 13)
		return -1;
	snprintf(out, size, "%.*s/%s%s", (int)(slash - url), url, name,
	    q != NULL ? q : "");
	return 0;
}

static int
setup_seal(void)
{
	uint8_t key[SEAL_KEY_BYTES];

	memset(key, 0x5a, sizeof(key));
	seal_setup(key);
	return 0;
}

static int
setup_sqlite(void **state)
{
	static struct be b;
	struct err e;

	memset(&b, 0, sizeof(b));
	b.name = "sqlite";
	b.ops = &store_sqlite_ops;
	setup_seal();
	str_copy(b.dir, sizeof(b.dir), "/tmp/custos-pgrec-XXXXXX");
	if (mkdtemp(b.dir) == NULL)
		return -1;
	snprintf(b.path, sizeof(b.path), "%s/custos.db", b.dir);
	b.c = b.ops->open(b.path, STORE_CONN_WRITE, &e);
	if (b.c == NULL || b.ops->migrate(b.c, &e) == -1) {
		fprintf(stderr, "sqlite: %s\n", e.msg);
		return -1;
	}
	*state = &b;
	return 0;
}

static int
teardown_sqlite(void **state)
{
	struct be *b = *state;

	if (b->c != NULL)
		b->ops->close(b->c);
	unlink(b->path);
	{
		char p[160];

		snprintf(p, sizeof(p), "%s-wal", b->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", b->path);
		unlink(p);
	}
	rmdir(b->dir);
	return 0;
}

static int
setup_pg_locale(void **state, const char *locale)
{
	static struct be b;
	char server[512];
	struct err e;

	memset(&b, 0, sizeof(b));
	b.name = "postgresql";
	b.ops = &store_pg_ops;
	*state = &b;
	setup_seal();
	if (read_url(server, sizeof(server)) == -1) {
		fprintf(stderr, "store_pg_records: PostgreSQL half skipped: "
		    "neither CUSTOS_PG_URL nor CUSTOS_PG_URL_FILE is set\n");
		b.skip = 1;
		pg_skipped = 1;
		return 0;
	}
	if (new_database(server, locale, b.url, sizeof(b.url)) == -1)
		return -1;
	b.c = b.ops->open(b.url, STORE_CONN_WRITE, &e);
	if (b.c == NULL) {
		fprintf(stderr, "postgresql open: %s\n", e.msg);
		return -1;
	}
	if (b.ops->migrate(b.c, &e) == -1) {
		fprintf(stderr, "postgresql migrate: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
setup_pg(void **state)
{
	return setup_pg_locale(state, "C");
}

/* A database whose default collation is not C: the SQL must not depend
 * on it (every column is COLLATE "C", and so are the parameters it
 * folds). */
static int
setup_pg_utf8(void **state)
{
	return setup_pg_locale(state, "C.UTF-8");
}

static int
teardown_pg(void **state)
{
	struct be *b = *state;

	if (b->c != NULL)
		b->ops->close(b->c);
	return 0;
}

#define BE(state) \
	struct be *b = *(state); \
	const struct store_ops *ops = b->ops; \
	struct store_conn *c = b->c; \
	struct err e; \
	if (b->skip) { \
		skip(); \
		return; \
	} \
	(void)ops; (void)c; memset(&e, 0, sizeof(e))

#define OK(x) assert_int_equal((x), 0)
#define NONE(x) assert_int_equal((x), 1)
#define CONFLICT(x) do { \
	assert_int_equal((x), -1); \
	assert_int_equal(e.status, 409); \
} while (0)

/* ----------------------------------------------------------- collectors */

/* Ids seen by a list callback, joined with ','. */
struct ids {
	char s[1024];
	int n;
	int stop_after;         /* stop after this many (0: never) */
};

static int
ids_add(struct ids *x, const char *id)
{
	size_t at = strlen(x->s);

	snprintf(x->s + at, sizeof(x->s) - at, "%s%s", x->n > 0 ? "," : "",
	    id);
	x->n++;
	return x->stop_after > 0 && x->n >= x->stop_after;
}

static int
on_tenant(void *arg, const struct rec_tenant *t)
{
	return ids_add(arg, t->id);
}

static int
on_vendor(void *arg, const struct rec_vendor *v)
{
	return ids_add(arg, v->id);
}

static int
on_engineer(void *arg, const struct rec_engineer *r)
{
	/* Lists never read the secret columns. */
	assert_string_equal(r->password_hash, "");
	assert_int_equal(r->totp.len, 0);
	return ids_add(arg, r->id);
}

static int
on_device(void *arg, const struct rec_device *d)
{
	return ids_add(arg, d->id);
}

static int
on_user(void *arg, const struct rec_user *u)
{
	assert_string_equal(u->password_hash, "");
	assert_int_equal(u->totp.len, 0);
	return ids_add(arg, u->id);
}

static int
on_ticket(void *arg, const struct rec_ticket *t)
{
	assert_null(t->body);
	return ids_add(arg, t->id);
}

static int
on_grant(void *arg, const struct rec_grant *g)
{
	return ids_add(arg, g->id);
}

static int
on_approval(void *arg, const struct rec_approval *a)
{
	ids_add(arg, a->id);
	return 0;
}

#define IDS(x) struct ids x; memset(&x, 0, sizeof(x))

/* ------------------------------------------------------------ directory */

static void
mk_tenant(struct rec_tenant *t, const char *id, const char *name)
{
	memset(t, 0, sizeof(*t));
	str_copy(t->id, sizeof(t->id), id);
	str_copy(t->name, sizeof(t->name), name);
	t->policy = POLICY_APPROVAL_REQUIRED;
	t->created = 1000;
}

static void
mk_vendor(struct rec_vendor *v, const char *id, const char *name)
{
	memset(v, 0, sizeof(*v));
	str_copy(v->id, sizeof(v->id), id);
	str_copy(v->name, sizeof(v->name), name);
	v->created = 1001;
}

static void
mk_engineer(struct rec_engineer *r, const char *id, const char *username,
    const char *vendor)
{
	memset(r, 0, sizeof(*r));
	str_copy(r->id, sizeof(r->id), id);
	str_copy(r->username, sizeof(r->username), username);
	str_copy(r->vendor_id, sizeof(r->vendor_id), vendor);
	str_copy(r->password_hash, sizeof(r->password_hash), "$argon2$x");
	str_copy(r->email, sizeof(r->email), "x@example.org");
	r->created = 1002;
}

static void
mk_device(struct rec_device *d, const char *id, const char *engineer)
{
	memset(d, 0, sizeof(*d));
	str_copy(d->id, sizeof(d->id), id);
	str_copy(d->engineer_id, sizeof(d->engineer_id), engineer);
	str_copy(d->name, sizeof(d->name), "laptop");
	memset(d->public_key, id[1], sizeof(d->public_key));
	d->created = 1003;
}

static void
mk_user(struct rec_user *u, const char *tenant, const char *id,
    const char *username, const char *email, int status)
{
	memset(u, 0, sizeof(*u));
	str_copy(u->id, sizeof(u->id), id);
	str_copy(u->tenant_id, sizeof(u->tenant_id), tenant);
	str_copy(u->username, sizeof(u->username), username);
	str_copy(u->email, sizeof(u->email), email);
	str_copy(u->password_hash, sizeof(u->password_hash), "$argon2$u");
	u->status = status;
	u->created = 1004;
}

static void
test_directory(void **state)
{
	BE(state);
	struct rec_tenant t, tg;
	struct rec_vendor v, vg;
	struct rec_engineer r, rg;
	struct rec_device d, dg;
	struct rec_user u, ug;
	struct rec_ticket k, kg;
	int64_t n, ver;

	/* Tenants: ids chosen so that bytewise order (t_B < t_a < t_c)
	 * differs from any linguistic one. */
	mk_tenant(&t, "t_a", "alpha");
	OK(ops->tenant_insert(c, &t, &e));
	mk_tenant(&t, "t_B", "Beta");
	OK(ops->tenant_insert(c, &t, &e));
	mk_tenant(&t, "t_c", "Gamma");
	OK(ops->tenant_insert(c, &t, &e));
	mk_tenant(&t, "t_e", "\xc3\x89" "cole");      /* École */
	OK(ops->tenant_insert(c, &t, &e));
	mk_tenant(&t, "t_c", "Delta");
	CONFLICT(ops->tenant_insert(c, &t, &e));
	mk_tenant(&t, "t_d", "alpha");
	CONFLICT(ops->tenant_insert(c, &t, &e));
	OK(ops->tenant_get(c, "t_B", &tg, &e));
	assert_string_equal(tg.name, "Beta");
	assert_int_equal(tg.created, 1000);
	assert_int_equal(tg.max_minutes, 480);
	assert_int_equal(tg.users_version, 0);
	NONE(ops->tenant_get(c, "t_x", &tg, &e));
	tg.policy = POLICY_AUTO_APPROVE;
	tg.max_minutes = 60;
	tg.second_approver = SECOND_ADMIN_OR_OTHER_VENDOR;
	tg.sensitive = 0x80000005u;
	OK(ops->tenant_set_settings(c, &tg, &e));
	memset(&tg, 0, sizeof(tg));
	OK(ops->tenant_get(c, "t_B", &tg, &e));
	assert_int_equal(tg.policy, POLICY_AUTO_APPROVE);
	assert_int_equal(tg.max_minutes, 60);
	assert_int_equal(tg.second_approver, 1);
	assert_true(tg.sensitive == 0x80000005u);
	str_copy(tg.id, sizeof(tg.id), "t_x");
	NONE(ops->tenant_set_settings(c, &tg, &e));
	{
		IDS(x);
		OK(ops->tenant_list(c, on_tenant, &x, &e));
		assert_string_equal(x.s, "t_B,t_a,t_c,t_e");
	}
	{
		IDS(x);
		x.stop_after = 1;
		OK(ops->tenant_list(c, on_tenant, &x, &e));
		assert_string_equal(x.s, "t_B");
	}
	{
		IDS(x);
		OK(ops->tenant_page(c, "", "", 10, on_tenant, &x, &e));
		assert_string_equal(x.s, "t_B,t_a,t_c,t_e");
	}
	{
		/* Case folds ASCII only, whatever the database's locale:
		 * "É" finds École, "é" does not, "ÉCO" does. */
		IDS(x);
		OK(ops->tenant_page(c, "\xc3\x89", "", 10, on_tenant, &x, &e));
		assert_string_equal(x.s, "t_e");
	}
	{
		IDS(x);
		OK(ops->tenant_page(c, "\xc3\xa9", "", 10, on_tenant, &x, &e));
		assert_string_equal(x.s, "");
	}
	{
		IDS(x);
		OK(ops->tenant_page(c, "\xc3\x89" "CO", "", 10, on_tenant, &x,
		    &e));
		assert_string_equal(x.s, "t_e");
	}
	{
		IDS(x);
		OK(ops->tenant_page(c, "A", "t_B", 1, on_tenant, &x, &e));
		assert_string_equal(x.s, "t_a");
	}
	{
		IDS(x);
		OK(ops->tenant_page(c, "mM", "", 10, on_tenant, &x, &e));
		assert_string_equal(x.s, "t_c");
	}
	{
		/* A LIKE pattern is no pattern here. */
		IDS(x);
		OK(ops->tenant_page(c, "%", "", 10, on_tenant, &x, &e));
		assert_string_equal(x.s, "");
	}

	/* Vendors: names whose bytewise order is B < a < b. */
	mk_vendor(&v, "v1", "b");
	OK(ops->vendor_insert(c, &v, &e));
	mk_vendor(&v, "v2", "B");
	OK(ops->vendor_insert(c, &v, &e));
	mk_vendor(&v, "v3", "a");
	OK(ops->vendor_insert(c, &v, &e));
	CONFLICT(ops->vendor_insert(c, &v, &e));
	OK(ops->vendor_get(c, "v2", &vg, &e));
	assert_string_equal(vg.name, "B");
	assert_int_equal(vg.created, 1001);
	NONE(ops->vendor_get(c, "v9", &vg, &e));
	{
		IDS(x);
		OK(ops->vendor_list(c, on_vendor, &x, &e));
		assert_string_equal(x.s, "v2,v3,v1");
	}
	OK(ops->vendor_set_status(c, "v1", STATUS_SUSPENDED, 100, &e));
	OK(ops->vendor_set_status(c, "v1", STATUS_OFFBOARDED, 101, &e));
	NONE(ops->vendor_set_status(c, "v1", STATUS_ACTIVE, 102, &e));
	OK(ops->vendor_get(c, "v1", &vg, &e));
	assert_int_equal(vg.status, STATUS_OFFBOARDED);
	assert_int_equal(vg.status_changed, 101);

	/* Engineers: usernames whose bytewise order is Bob < amy < zed. */
	mk_engineer(&r, "e1", "zed", "v2");
	memcpy(r.totp.secret, "12345678901234567890", 20);
	r.totp.len = 20;
	r.totp.last_step = 5;
	OK(ops->engineer_insert(c, &r, &e));
	mk_engineer(&r, "e2", "amy", "v2");
	OK(ops->engineer_insert(c, &r, &e));
	mk_engineer(&r, "e3", "Bob", "v3");
	OK(ops->engineer_insert(c, &r, &e));
	mk_engineer(&r, "e4", "zed", "v3");
	CONFLICT(ops->engineer_insert(c, &r, &e));
	mk_engineer(&r, "e5", "nobody", "v_missing");
	CONFLICT(ops->engineer_insert(c, &r, &e));
	OK(ops->engineer_get(c, "e1", &rg, &e));
	assert_string_equal(rg.username, "zed");
	assert_string_equal(rg.vendor_id, "v2");
	assert_string_equal(rg.password_hash, "$argon2$x");
	assert_int_equal(rg.totp.len, 20);
	assert_memory_equal(rg.totp.secret, "12345678901234567890", 20);
	assert_int_equal(rg.totp.last_step, 5);
	assert_string_equal(rg.email, "x@example.org");
	OK(ops->engineer_get_by_username(c, "Bob", &rg, &e));
	assert_string_equal(rg.id, "e3");
	assert_int_equal(rg.totp.len, 0);
	NONE(ops->engineer_get_by_username(c, "bob", &rg, &e));
	NONE(ops->engineer_get(c, "e9", &rg, &e));
	NONE(ops->engineer_use_totp_step(c, "e1", 5, &e));
	OK(ops->engineer_use_totp_step(c, "e1", 6, &e));
	NONE(ops->engineer_use_totp_step(c, "e1", 6, &e));
	OK(ops->engineer_get(c, "e1", &rg, &e));
	assert_int_equal(rg.totp.last_step, 6);
	{
		struct rec_totp none;

		memset(&none, 0, sizeof(none));
		OK(ops->engineer_set_secrets(c, "e1", "$argon2$y", &none, &e));
		NONE(ops->engineer_set_secrets(c, "e9", "h", &none, &e));
	}
	OK(ops->engineer_get(c, "e1", &rg, &e));
	assert_string_equal(rg.password_hash, "$argon2$y");
	assert_int_equal(rg.totp.len, 0);
	assert_int_equal(rg.totp.last_step, 0);
	{
		IDS(x);
		OK(ops->engineer_list(c, on_engineer, &x, &e));
		assert_string_equal(x.s, "e3,e2,e1");
	}
	OK(ops->engineer_set_status(c, "e2", STATUS_SUSPENDED, 200, &e));
	OK(ops->engineer_set_email(c, "e2", "amy@example.org", &e));
	NONE(ops->engineer_set_email(c, "e9", "a@b", &e));
	OK(ops->engineer_get(c, "e2", &rg, &e));
	assert_int_equal(rg.status, STATUS_SUSPENDED);
	assert_int_equal(rg.status_changed, 200);
	assert_string_equal(rg.email, "amy@example.org");

	/* Devices. */
	mk_device(&d, "d2", "e1");
	OK(ops->device_insert(c, &d, &e));
	mk_device(&d, "d1", "e2");
	OK(ops->device_insert(c, &d, &e));
	mk_device(&d, "d3", "e3");
	OK(ops->device_insert(c, &d, &e));
	mk_device(&d, "d4", "e1");
	OK(ops->device_insert(c, &d, &e));
	CONFLICT(ops->device_insert(c, &d, &e));
	mk_device(&d, "d5", "e9");
	CONFLICT(ops->device_insert(c, &d, &e));
	OK(ops->device_get(c, "d1", &dg, &e));
	assert_string_equal(dg.engineer_id, "e2");
	assert_string_equal(dg.name, "laptop");
	mk_device(&d, "d1", "e2");
	assert_memory_equal(dg.public_key, d.public_key, 32);
	assert_int_equal(dg.revoked, 0);
	NONE(ops->device_get(c, "d9", &dg, &e));
	{
		IDS(x);
		OK(ops->device_list(c, on_device, &x, &e));
		assert_string_equal(x.s, "d2,d4,d1,d3");
	}
	OK(ops->device_revoke(c, "d1", 300, &e));
	NONE(ops->device_revoke(c, "d1", 301, &e));
	OK(ops->device_get(c, "d1", &dg, &e));
	assert_int_equal(dg.revoked, 300);
	OK(ops->device_revoke_all(c, "e1", NULL, 302, &n, &e));
	assert_int_equal(n, 2);
	OK(ops->device_revoke_all(c, "e1", NULL, 303, &n, &e));
	assert_int_equal(n, 0);
	OK(ops->device_revoke_all(c, NULL, "v3", 304, &n, &e));
	assert_int_equal(n, 1);
	OK(ops->device_get(c, "d3", &dg, &e));
	assert_int_equal(dg.revoked, 304);
	OK(ops->engineer_offboard_vendor(c, "v2", 400, &n, &e));
	assert_int_equal(n, 2);
	OK(ops->engineer_offboard_vendor(c, "v2", 401, &n, &e));
	assert_int_equal(n, 0);
	NONE(ops->engineer_set_status(c, "e1", STATUS_ACTIVE, 402, &e));

	/* Users of t_a: ids u1 < u2 < u3; the users_version trigger. */
	mk_user(&u, "t_a", "u2", "carol", "c@x.org", STATUS_ACTIVE);
	u.role = ROLE_ADMIN;
	OK(ops->user_insert(c, &u, &e));
	mk_user(&u, "t_a", "u1", "Bob", "bob@y.org", STATUS_SUSPENDED);
	OK(ops->user_insert(c, &u, &e));
	mk_user(&u, "t_a", "u3", "al", "AL@\xc3\x89z.org", STATUS_ACTIVE);
	memcpy(u.totp.secret, "abcdefghij", 10);
	u.totp.len = 10;
	u.totp.last_step = 7;
	u.mfa_enrolled = 1;
	OK(ops->user_insert(c, &u, &e));
	mk_user(&u, "t_a", "u4", "carol", "c2@x.org", STATUS_ACTIVE);
	CONFLICT(ops->user_insert(c, &u, &e));
	mk_user(&u, "t_missing", "u5", "dan", "d@x.org", STATUS_ACTIVE);
	CONFLICT(ops->user_insert(c, &u, &e));
	OK(ops->tenant_get(c, "t_a", &tg, &e));
	assert_int_equal(tg.users_version, 3);
	ver = tg.users_version;
	OK(ops->user_get(c, "t_a", "u3", &ug, &e));
	assert_string_equal(ug.username, "al");
	assert_string_equal(ug.email, "AL@\xc3\x89z.org");
	assert_string_equal(ug.password_hash, "$argon2$u");
	assert_int_equal(ug.totp.len, 10);
	assert_memory_equal(ug.totp.secret, "abcdefghij", 10);
	assert_int_equal(ug.totp.last_step, 7);
	assert_int_equal(ug.mfa_enrolled, 1);
	{
		IDS(x);
		OK(ops->user_page(c, "t_a", "\xc3\xa9", -1, "", 10, on_user,
		    &x, &e));
		assert_string_equal(x.s, "");
	}
	OK(ops->user_get_by_username(c, "t_a", "carol", &ug, &e));
	assert_string_equal(ug.id, "u2");
	assert_int_equal(ug.role, ROLE_ADMIN);
	NONE(ops->user_get(c, "t_B", "u2", &ug, &e));
	NONE(ops->user_get_by_username(c, "t_a", "Carol", &ug, &e));
	{
		IDS(x);
		OK(ops->user_list(c, "t_a", on_user, &x, &e));
		assert_string_equal(x.s, "u1,u2,u3");
	}
	{
		IDS(x);
		OK(ops->user_page(c, "t_a", "B", -1, "", 10, on_user, &x, &e));
		assert_string_equal(x.s, "u1");
	}
	{
		IDS(x);
		OK(ops->user_page(c, "t_a", "\xc3\x89Z.OR", -1, "", 10, on_user,
		    &x, &e));
		assert_string_equal(x.s, "u3");
	}
	{
		IDS(x);
		OK(ops->user_page(c, "t_a", "", 0, "", 10, on_user, &x, &e));
		assert_string_equal(x.s, "u2,u3");
	}
	{
		IDS(x);
		OK(ops->user_page(c, "t_a", "", 1, "", 10, on_user, &x, &e));
		assert_string_equal(x.s, "u1");
	}
	{
		IDS(x);
		OK(ops->user_page(c, "t_a", "", -1, "u1", 1, on_user, &x, &e));
		assert_string_equal(x.s, "u2");
	}
	{
		IDS(x);
		OK(ops->user_page(c, "t_a", "U", -1, "", 10, on_user, &x, &e));
		assert_string_equal(x.s, "u1,u2,u3");
	}
	OK(ops->user_set_password(c, "t_a", "u2", "$argon2$new", &e));
	NONE(ops->user_set_password(c, "t_a", "u9", "h", &e));
	{
		struct rec_totp tt;

		memset(&tt, 0, sizeof(tt));
		memcpy(tt.secret, "0123456789ABCDEF", 16);
		tt.len = 16;
		tt.last_step = 2;
		OK(ops->user_set_totp(c, "t_a", "u2", &tt, 1, &e));
		NONE(ops->user_set_totp(c, "t_a", "u9", &tt, 1, &e));
	}
	OK(ops->user_get(c, "t_a", "u2", &ug, &e));
	assert_string_equal(ug.password_hash, "$argon2$new");
	assert_int_equal(ug.totp.len, 16);
	assert_memory_equal(ug.totp.secret, "0123456789ABCDEF", 16);
	assert_int_equal(ug.mfa_enrolled, 1);
	OK(ops->user_use_totp_step(c, "t_a", "u2", 3, &e));
	NONE(ops->user_use_totp_step(c, "t_a", "u2", 3, &e));
	NONE(ops->user_use_totp_step(c, "t_a", "u2", 2, &e));
	OK(ops->tenant_get(c, "t_a", &tg, &e));
	assert_true(tg.users_version > ver);   /* mfa_enrolled changed */
	ver = tg.users_version;
	OK(ops->user_delete(c, "t_a", "u3", &e));
	NONE(ops->user_delete(c, "t_a", "u3", &e));
	OK(ops->tenant_get(c, "t_a", &tg, &e));
	assert_int_equal(tg.users_version, ver + 1);

	/* Tickets. */
	memset(&k, 0, sizeof(k));
	str_copy(k.id, sizeof(k.id), "k2");
	str_copy(k.tenant_id, sizeof(k.tenant_id), "t_a");
	str_copy(k.subject, sizeof(k.subject), "printer");
	str_copy(k.requester, sizeof(k.requester), "r@x.org");
	str_copy(k.status, sizeof(k.status), "open");
	k.body = (char *)"it is on fire\nsend help";
	k.created = 1005;
	OK(ops->ticket_insert(c, &k, &e));
	CONFLICT(ops->ticket_insert(c, &k, &e));
	str_copy(k.id, sizeof(k.id), "k1");
	k.body = NULL;
	OK(ops->ticket_insert(c, &k, &e));
	OK(ops->ticket_get(c, "t_a", "k2", &kg, &e));
	assert_string_equal(kg.subject, "printer");
	assert_string_equal(kg.requester, "r@x.org");
	assert_string_equal(kg.status, "open");
	assert_int_equal(kg.created, 1005);
	assert_non_null(kg.body);
	assert_string_equal(kg.body, "it is on fire\nsend help");
	rec_ticket_cleanup(&kg);
	OK(ops->ticket_get(c, "t_a", "k1", &kg, &e));
	assert_non_null(kg.body);
	assert_string_equal(kg.body, "");
	rec_ticket_cleanup(&kg);
	NONE(ops->ticket_get(c, "t_B", "k1", &kg, &e));
	{
		IDS(x);
		OK(ops->ticket_list(c, "t_a", on_ticket, &x, &e));
		assert_string_equal(x.s, "k1,k2");
	}
}

/* ----------------------------------------------------------------- auth */

static void
test_auth(void **state)
{
	BE(state);
	struct rec_session s, sg;
	struct rec_login l, lg;
	struct rec_reset rr, rg;
	struct rec_throttle t, tg;
	uint8_t h1[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN], h3[TOKEN_HASH_LEN];
	uint8_t zero[TOKEN_HASH_LEN];
	int64_t n;
	int i;

	memset(h1, 1, sizeof(h1));
	memset(h2, 2, sizeof(h2));
	memset(h3, 3, sizeof(h3));
	h3[0] = 0;              /* a NUL byte in a bytea */
	memset(zero, 0, sizeof(zero));

	/* Sessions. */
	memset(&s, 0, sizeof(s));
	str_copy(s.id, sizeof(s.id), "s1");
	memcpy(s.token_hash, h1, sizeof(h1));
	s.principal = PRINCIPAL_TENANT_USER;
	str_copy(s.principal_id, sizeof(s.principal_id), "u1");
	str_copy(s.tenant_id, sizeof(s.tenant_id), "t_a");
	str_copy(s.source, sizeof(s.source), "192.0.2.1");
	s.created = 10;
	s.expires = 1000;
	s.last_seen = 10;
	s.console = 1;
	OK(ops->session_insert(c, &s, &e));
	CONFLICT(ops->session_insert(c, &s, &e));
	str_copy(s.id, sizeof(s.id), "s2");
	memcpy(s.token_hash, h3, sizeof(h3));
	s.principal = PRINCIPAL_ENGINEER;
	str_copy(s.tenant_id, sizeof(s.tenant_id), "");
	str_copy(s.vendor_id, sizeof(s.vendor_id), "v2");
	str_copy(s.device_id, sizeof(s.device_id), "d2");
	s.console = 0;
	OK(ops->session_insert(c, &s, &e));
	str_copy(s.id, sizeof(s.id), "s1");
	memcpy(s.token_hash, h2, sizeof(h2));
	CONFLICT(ops->session_insert(c, &s, &e));
	OK(ops->session_get(c, h1, &sg, &e));
	assert_string_equal(sg.id, "s1");
	assert_memory_equal(sg.token_hash, h1, sizeof(h1));
	assert_int_equal(sg.principal, PRINCIPAL_TENANT_USER);
	assert_string_equal(sg.principal_id, "u1");
	assert_string_equal(sg.tenant_id, "t_a");
	assert_string_equal(sg.source, "192.0.2.1");
	assert_int_equal(sg.expires, 1000);
	assert_int_equal(sg.console, 1);
	OK(ops->session_get(c, h3, &sg, &e));
	assert_string_equal(sg.id, "s2");
	assert_string_equal(sg.device_id, "d2");
	NONE(ops->session_get(c, h2, &sg, &e));
	OK(ops->session_get_id(c, "s2", &sg, &e));
	assert_memory_equal(sg.token_hash, zero, sizeof(zero));
	assert_string_equal(sg.vendor_id, "v2");
	NONE(ops->session_get_id(c, "s9", &sg, &e));
	OK(ops->session_touch(c, "s1", 50, &e));
	NONE(ops->session_touch(c, "s1", 40, &e));
	NONE(ops->session_touch(c, "s1", 50, &e));
	OK(ops->session_get(c, h1, &sg, &e));
	assert_int_equal(sg.last_seen, 50);
	/* The tenant user's sessions only, not the engineer's same id. */
	OK(ops->session_delete_user(c, "t_a", "u1", &e));
	NONE(ops->session_get(c, h1, &sg, &e));
	OK(ops->session_get(c, h3, &sg, &e));
	OK(ops->session_delete(c, "s2", &e));
	NONE(ops->session_delete(c, "s2", &e));

	/* Logins: taken once. */
	memset(&l, 0, sizeof(l));
	str_copy(l.id, sizeof(l.id), "l1");
	str_copy(l.engineer_id, sizeof(l.engineer_id), "e1");
	str_copy(l.device_id, sizeof(l.device_id), "d2");
	str_copy(l.challenge, sizeof(l.challenge), "chal-1");
	str_copy(l.source, sizeof(l.source), "2001:db8::1");
	l.expires = 90;
	l.password = LOGIN_PASSWORD_WRONG;
	OK(ops->login_insert(c, &l, &e));
	CONFLICT(ops->login_insert(c, &l, &e));
	OK(ops->login_get(c, "l1", &lg, &e));
	assert_string_equal(lg.challenge, "chal-1");
	assert_int_equal(lg.password, LOGIN_PASSWORD_WRONG);
	memset(&lg, 0, sizeof(lg));
	OK(ops->login_take(c, "l1", &lg, &e));
	assert_string_equal(lg.id, "l1");
	assert_string_equal(lg.engineer_id, "e1");
	assert_string_equal(lg.device_id, "d2");
	assert_string_equal(lg.source, "2001:db8::1");
	assert_int_equal(lg.expires, 90);
	assert_int_equal(lg.password, LOGIN_PASSWORD_WRONG);
	NONE(ops->login_take(c, "l1", &lg, &e));
	NONE(ops->login_get(c, "l1", &lg, &e));

	/* Reset tokens: taken once. */
	memset(&rr, 0, sizeof(rr));
	memcpy(rr.token_hash, h3, sizeof(h3));
	str_copy(rr.tenant_id, sizeof(rr.tenant_id), "t_a");
	str_copy(rr.user_id, sizeof(rr.user_id), "u1");
	rr.expires = 80;
	OK(ops->reset_insert(c, &rr, &e));
	CONFLICT(ops->reset_insert(c, &rr, &e));
	OK(ops->reset_get(c, h3, &rg, &e));
	assert_string_equal(rg.user_id, "u1");
	memset(&rg, 0, sizeof(rg));
	OK(ops->reset_take(c, h3, &rg, &e));
	assert_memory_equal(rg.token_hash, h3, sizeof(h3));
	assert_string_equal(rg.tenant_id, "t_a");
	assert_string_equal(rg.user_id, "u1");
	assert_int_equal(rg.expires, 80);
	NONE(ops->reset_take(c, h3, &rg, &e));
	NONE(ops->reset_get(c, h3, &rg, &e));
	memcpy(rr.token_hash, h1, sizeof(h1));
	OK(ops->reset_insert(c, &rr, &e));
	memcpy(rr.token_hash, h2, sizeof(h2));
	str_copy(rr.user_id, sizeof(rr.user_id), "u2");
	OK(ops->reset_insert(c, &rr, &e));
	OK(ops->reset_delete_user(c, "t_a", "u1", &e));
	NONE(ops->reset_get(c, h1, &rg, &e));
	OK(ops->reset_get(c, h2, &rg, &e));

	/* Throttle: an upsert, clear, trim to the newest. */
	memset(&t, 0, sizeof(t));
	str_copy(t.key, sizeof(t.key), "user:t_a:bob");
	t.failures = 1;
	t.last_failure = 10;
	OK(ops->throttle_put(c, &t, &e));
	t.failures = 2;
	t.last_failure = 11;
	t.locked_until = 500;
	OK(ops->throttle_put(c, &t, &e));
	OK(ops->throttle_get(c, "user:t_a:bob", &tg, &e));
	assert_int_equal(tg.failures, 2);
	assert_int_equal(tg.last_failure, 11);
	assert_int_equal(tg.locked_until, 500);
	NONE(ops->throttle_get(c, "user:t_a:BOB", &tg, &e));
	OK(ops->throttle_clear(c, "user:t_a:bob", &e));
	NONE(ops->throttle_get(c, "user:t_a:bob", &tg, &e));
	for (i = 0; i < 5; i++) {
		memset(&t, 0, sizeof(t));
		snprintf(t.key, sizeof(t.key), "ip:%c", 'a' + i);
		t.failures = 1;
		t.last_failure = 100 + i;
		OK(ops->throttle_put(c, &t, &e));
	}
	memset(&t, 0, sizeof(t));
	str_copy(t.key, sizeof(t.key), "iq:z");     /* past the prefix */
	t.last_failure = 1;
	OK(ops->throttle_put(c, &t, &e));
	str_copy(t.key, sizeof(t.key), "ip");       /* before it */
	OK(ops->throttle_put(c, &t, &e));
	OK(ops->throttle_trim(c, "ip:", 2, &n, &e));
	assert_int_equal(n, 3);
	NONE(ops->throttle_get(c, "ip:c", &tg, &e));
	OK(ops->throttle_get(c, "ip:d", &tg, &e));
	OK(ops->throttle_get(c, "ip:e", &tg, &e));
	OK(ops->throttle_get(c, "iq:z", &tg, &e));
	OK(ops->throttle_get(c, "ip", &tg, &e));
	OK(ops->throttle_trim(c, "ip:", 2, &n, &e));
	assert_int_equal(n, 0);
	assert_int_equal(ops->throttle_trim(c, "", 2, &n, &e), -1);

	/* The sweep: logins and resets expired by now, throttle rows idle
	 * since before idle_before and not locked. */
	memset(&l, 0, sizeof(l));
	str_copy(l.id, sizeof(l.id), "l2");
	l.expires = 100;
	OK(ops->login_insert(c, &l, &e));
	str_copy(l.id, sizeof(l.id), "l3");
	l.expires = 101;
	OK(ops->login_insert(c, &l, &e));
	memset(&t, 0, sizeof(t));
	str_copy(t.key, sizeof(t.key), "locked");
	t.last_failure = 1;
	t.locked_until = 101;
	OK(ops->throttle_put(c, &t, &e));
	/* Removed: l2, the reset h2 (expires 80), iq:z, ip (last 1),
	 * ip:d, ip:e (103, 104 < 105); kept: l3, locked. */
	OK(ops->auth_sweep(c, 100, 105, &n, &e));
	assert_int_equal(n, 6);
	NONE(ops->login_get(c, "l2", &lg, &e));
	OK(ops->login_get(c, "l3", &lg, &e));
	NONE(ops->reset_get(c, h2, &rg, &e));
	OK(ops->throttle_get(c, "locked", &tg, &e));
	OK(ops->auth_sweep(c, 100, 105, &n, &e));
	assert_int_equal(n, 0);
}

/* First, on an empty store: no clear seed to seal (SQLite's migrations
 * leave the mark, which this pass then removes; PostgreSQL starts
 * without one), and a second pass has nothing to do either. */
static void
test_seal_clear(void **state)
{
	BE(state);
	int64_t n = -1;

	OK(ops->totp_seal_clear(c, &n, &e));
	assert_int_equal(n, 0);
	OK(ops->totp_seal_clear(c, &n, &e));
	assert_int_equal(n, 0);
}

/* --------------------------------------------------------------- access */

static void
mk_grant(struct rec_grant *g, const char *id, const char *engineer,
    int state, int64_t created, int64_t deadline)
{
	memset(g, 0, sizeof(*g));
	str_copy(g->id, sizeof(g->id), id);
	str_copy(g->tenant_id, sizeof(g->tenant_id), "t_a");
	str_copy(g->engineer_id, sizeof(g->engineer_id), engineer);
	str_copy(g->vendor_id, sizeof(g->vendor_id), "v3");
	str_copy(g->ticket_id, sizeof(g->ticket_id), "k1");
	str_copy(g->reason, sizeof(g->reason), "fix the printer");
	g->minutes = 30;
	g->state = state;
	g->created = created;
	g->deadline = deadline;
}

static void
mk_approval(struct rec_approval *a, const char *id, const char *engineer,
    int64_t created)
{
	memset(a, 0, sizeof(*a));
	str_copy(a->id, sizeof(a->id), id);
	str_copy(a->tenant_id, sizeof(a->tenant_id), "t_a");
	str_copy(a->engineer_id, sizeof(a->engineer_id), engineer);
	str_copy(a->vendor_id, sizeof(a->vendor_id), "v3");
	str_copy(a->action, sizeof(a->action), "user.reset");
	str_copy(a->target, sizeof(a->target), "u2");
	str_copy(a->reason, sizeof(a->reason), "locked out");
	a->created = created;
	a->deadline = 5000;
}

static void
test_access(void **state)
{
	BE(state);
	struct rec_grant g, gg;
	struct rec_approval a, ag;
	struct rec_engineer r;
	int64_t n;

	/* Engineers for the foreign keys (own vendor v3, from scratch). */
	mk_engineer(&r, "ea", "access-a", "v3");
	OK(ops->engineer_insert(c, &r, &e));
	mk_engineer(&r, "eb", "access-b", "v3");
	OK(ops->engineer_insert(c, &r, &e));

	mk_grant(&g, "g1", "ea", GRANT_PENDING, 100, 1000);
	OK(ops->grant_insert(c, &g, &e));
	CONFLICT(ops->grant_insert(c, &g, &e));
	mk_grant(&g, "gB", "ea", GRANT_APPROVED, 200, 500);
	g.decided = 150;
	str_copy(g.decided_by, sizeof(g.decided_by), "u2");
	OK(ops->grant_insert(c, &g, &e));
	mk_grant(&g, "ga", "ea", GRANT_APPROVED, 200, 700);
	g.break_glass = 1;
	OK(ops->grant_insert(c, &g, &e));
	mk_grant(&g, "gx", "e_missing", GRANT_PENDING, 1, 2);
	CONFLICT(ops->grant_insert(c, &g, &e));
	OK(ops->grant_get(c, "gB", &gg, &e));
	assert_string_equal(gg.engineer_id, "ea");
	assert_string_equal(gg.vendor_id, "v3");
	assert_string_equal(gg.ticket_id, "k1");
	assert_string_equal(gg.reason, "fix the printer");
	assert_int_equal(gg.minutes, 30);
	assert_int_equal(gg.state, GRANT_APPROVED);
	assert_int_equal(gg.decided, 150);
	assert_string_equal(gg.decided_by, "u2");
	assert_int_equal(gg.deadline, 500);
	assert_int_equal(gg.notified, 0);
	NONE(ops->grant_get(c, "g9", &gg, &e));
	{
		IDS(x);
		OK(ops->grant_list_tenant(c, "t_a", on_grant, &x, &e));
		assert_string_equal(x.s, "gB,ga,g1");
	}
	/* The newest-ending approved grant of the pair. */
	OK(ops->grant_active(c, "ea", "t_a", 300, &gg, &e));
	assert_string_equal(gg.id, "ga");
	OK(ops->grant_active(c, "ea", "t_a", 600, &gg, &e));
	assert_string_equal(gg.id, "ga");
	NONE(ops->grant_active(c, "ea", "t_a", 700, &gg, &e));
	NONE(ops->grant_active(c, "eb", "t_a", 300, &gg, &e));

	/* A compare-and-set: the second move from pending fails. */
	mk_grant(&g, "g1", "ea", GRANT_DENIED, 100, 1000);
	g.decided = 160;
	str_copy(g.decided_by, sizeof(g.decided_by), "u2");
	OK(ops->grant_transition(c, &g, GRANT_PENDING, &e));
	g.state = GRANT_APPROVED;
	NONE(ops->grant_transition(c, &g, GRANT_PENDING, &e));
	OK(ops->grant_get(c, "g1", &gg, &e));
	assert_int_equal(gg.state, GRANT_DENIED);
	assert_int_equal(gg.decided, 160);

	/* Due: gB ends within warn of now and is not yet notified. */
	{
		IDS(x);
		OK(ops->grant_due(c, 450, 100, on_grant, &x, &e));
		assert_string_equal(x.s, "gB");
	}
	OK(ops->grant_set_notified(c, "gB", &e));
	NONE(ops->grant_set_notified(c, "gB", &e));
	NONE(ops->grant_set_notified(c, "g9", &e));
	OK(ops->grant_get(c, "gB", &gg, &e));
	assert_int_equal(gg.notified, 1);
	{
		IDS(x);
		OK(ops->grant_due(c, 450, 100, on_grant, &x, &e));
		assert_string_equal(x.s, "");
	}
	{
		IDS(x);
		OK(ops->grant_due(c, 500, 0, on_grant, &x, &e));
		assert_string_equal(x.s, "gB");
	}
	{
		IDS(x);
		OK(ops->grant_open(c, "ea", NULL, 600, on_grant, &x, &e));
		assert_string_equal(x.s, "ga");
	}
	{
		IDS(x);
		OK(ops->grant_open(c, NULL, "v3", 100, on_grant, &x, &e));
		assert_int_equal(x.n, 2);
	}
	{
		IDS(x);
		OK(ops->grant_open(c, NULL, "v2", 100, on_grant, &x, &e));
		assert_int_equal(x.n, 0);
	}

	/* Approvals. */
	mk_approval(&a, "a1", "ea", 10);
	OK(ops->approval_insert(c, &a, &e));
	CONFLICT(ops->approval_insert(c, &a, &e));
	mk_approval(&a, "aB", "eb", 20);
	OK(ops->approval_insert(c, &a, &e));
	mk_approval(&a, "aa", "ea", 20);
	OK(ops->approval_insert(c, &a, &e));
	OK(ops->approval_get(c, "aB", &ag, &e));
	assert_string_equal(ag.engineer_id, "eb");
	assert_string_equal(ag.action, "user.reset");
	assert_string_equal(ag.target, "u2");
	assert_string_equal(ag.reason, "locked out");
	assert_int_equal(ag.deadline, 5000);
	NONE(ops->approval_get(c, "a9", &ag, &e));
	{
		IDS(x);
		OK(ops->approval_list(c, "t_a", NULL, 10, on_approval, &x, &e));
		assert_string_equal(x.s, "aB,aa,a1");
	}
	{
		IDS(x);
		OK(ops->approval_list(c, "t_a", "ea", 10, on_approval, &x, &e));
		assert_string_equal(x.s, "aa,a1");
	}
	{
		IDS(x);
		OK(ops->approval_list(c, "t_a", NULL, 1, on_approval, &x, &e));
		assert_string_equal(x.s, "aB");
	}
	ag.state = APPROVAL_APPROVED;
	ag.decided = 30;
	str_copy(ag.decided_by, sizeof(ag.decided_by), "u2");
	ag.deadline = 4000;
	OK(ops->approval_transition(c, &ag, APPROVAL_PENDING, &e));
	NONE(ops->approval_transition(c, &ag, APPROVAL_PENDING, &e));
	OK(ops->approval_get(c, "aB", &ag, &e));
	assert_int_equal(ag.state, APPROVAL_APPROVED);
	assert_int_equal(ag.deadline, 4000);
	assert_string_equal(ag.decided_by, "u2");

	/* Asks since 0: the grants (break-glass aside) and approvals. */
	OK(ops->asks_since(c, "ea", "t_a", 0, &n, &e));
	assert_int_equal(n, 4);         /* g1, gB; a1, aa */
	OK(ops->asks_since(c, "ea", "t_a", 150, &n, &e));
	assert_int_equal(n, 1);         /* gB */
	OK(ops->asks_since(c, "e_none", "t_a", 0, &n, &e));
	assert_int_equal(n, 0);

	/* Cancel: ea's pending ones end as expired; eb's approved one
	 * too when by engineer eb. */
	OK(ops->approval_cancel_all(c, "ea", NULL, 50, "operator", &n, &e));
	assert_int_equal(n, 2);
	OK(ops->approval_get(c, "a1", &ag, &e));
	assert_int_equal(ag.state, APPROVAL_EXPIRED);
	assert_int_equal(ag.deadline, 50);
	assert_string_equal(ag.decided_by, "operator");
	OK(ops->approval_cancel_all(c, "ea", NULL, 51, "operator", &n, &e));
	assert_int_equal(n, 0);
	OK(ops->approval_cancel_all(c, NULL, "v3", 52, "operator", &n, &e));
	assert_int_equal(n, 1);
}

/* ------------------------------------------------ inside a transaction */

/* The ops as the writer runs them: in its transaction, a savepoint per
 * job; a failed job (a 409 aborts the statement) rolls back to its
 * savepoint and the next job's statements still run and commit. */
static void
test_in_tx(void **state)
{
	BE(state);
	struct rec_vendor v, vg;
	struct rec_login l;

	OK(ops->begin(c, &e));
	OK(ops->savepoint(c, &e));
	mk_vendor(&v, "v1", "dup");
	CONFLICT(ops->vendor_insert(c, &v, &e));
	ops->rollback_savepoint(c);
	OK(ops->savepoint(c, &e));
	mk_vendor(&v, "v_tx", "in a transaction");
	OK(ops->vendor_insert(c, &v, &e));
	OK(ops->login_take(c, "l3", &l, &e));
	NONE(ops->login_take(c, "l3", &l, &e));
	OK(ops->release(c, &e));
	OK(ops->savepoint(c, &e));
	mk_vendor(&v, "v_rb", "rolled back");
	OK(ops->vendor_insert(c, &v, &e));
	ops->rollback_savepoint(c);
	OK(ops->commit(c, &e));
	OK(ops->vendor_get(c, "v_tx", &vg, &e));
	assert_string_equal(vg.name, "in a transaction");
	NONE(ops->vendor_get(c, "v_rb", &vg, &e));
	NONE(ops->login_get(c, "l3", &l, &e));

	OK(ops->begin(c, &e));
	mk_vendor(&v, "v_rb2", "rolled back too");
	OK(ops->vendor_insert(c, &v, &e));
	ops->rollback(c);
	NONE(ops->vendor_get(c, "v_rb2", &vg, &e));
}

/* ------------------------------------------- atomic ops, two writers */

/*
 * Each "atomic:" op is one statement, so it stays atomic without the log
 * head's lock: connection A does the op in an open transaction; B does
 * the same op meanwhile (it waits for A's row lock) and, once A commits,
 * must answer 1.  PostgreSQL only (SQLite has one writer).
 */
enum race_op {
	R_LOGIN_TAKE, R_RESET_TAKE, R_NOTIFIED, R_GRANT_MOVE, R_TOTP_STEP,
	R_USER_STEP, R_TOUCH, R_APPROVAL_MOVE, R_DEVICE_REVOKE, R_COUNT
};

struct race {
	const struct store_ops *ops;
	struct store_conn *c;
	int op;
	int rc;
	struct err e;
};

static const uint8_t race_hash[TOKEN_HASH_LEN] = { 7, 7, 7 };

static int
race_run(const struct store_ops *ops, struct store_conn *c, int op,
    struct err *e)
{
	struct rec_login l;
	struct rec_reset r;
	struct rec_grant g;
	struct rec_approval a;

	switch (op) {
	case R_LOGIN_TAKE:
		return ops->login_take(c, "race-l", &l, e);
	case R_RESET_TAKE:
		return ops->reset_take(c, race_hash, &r, e);
	case R_NOTIFIED:
		return ops->grant_set_notified(c, "race-g", e);
	case R_GRANT_MOVE:
		mk_grant(&g, "race-g", "ea", GRANT_REVOKED, 1, 2);
		return ops->grant_transition(c, &g, GRANT_APPROVED, e);
	case R_TOTP_STEP:
		return ops->engineer_use_totp_step(c, "ea", 99, e);
	case R_USER_STEP:
		return ops->user_use_totp_step(c, "t_a", "u2", 99, e);
	case R_TOUCH:
		return ops->session_touch(c, "race-s", 99, e);
	case R_APPROVAL_MOVE:
		mk_approval(&a, "race-a", "ea", 1);
		a.state = APPROVAL_USED;
		return ops->approval_transition(c, &a, APPROVAL_APPROVED, e);
	case R_DEVICE_REVOKE:
		return ops->device_revoke(c, "race-d", 99, e);
	}
	return -1;
}

static void *
race_thread(void *arg)
{
	struct race *x = arg;

	x->rc = race_run(x->ops, x->c, x->op, &x->e);
	return NULL;
}

static void
test_atomic(void **state)
{
	BE(state);
	struct store_conn *c2;
	struct rec_login l;
	struct rec_reset r;
	struct rec_grant g;
	struct rec_approval a;
	struct rec_session s;
	struct rec_device d;
	struct race x;
	pthread_t th;
	int op;

	if (strcmp(b->name, "postgresql") != 0) {
		skip();
		return;
	}
	c2 = ops->open(b->url, STORE_CONN_WRITE, &e);
	assert_non_null(c2);
	memset(&l, 0, sizeof(l));
	str_copy(l.id, sizeof(l.id), "race-l");
	OK(ops->login_insert(c, &l, &e));
	memset(&r, 0, sizeof(r));
	memcpy(r.token_hash, race_hash, sizeof(race_hash));
	OK(ops->reset_insert(c, &r, &e));
	mk_grant(&g, "race-g", "ea", GRANT_APPROVED, 1, 10000);
	OK(ops->grant_insert(c, &g, &e));
	mk_approval(&a, "race-a", "ea", 1);
	a.state = APPROVAL_APPROVED;
	OK(ops->approval_insert(c, &a, &e));
	memset(&s, 0, sizeof(s));
	str_copy(s.id, sizeof(s.id), "race-s");
	memcpy(s.token_hash, race_hash, sizeof(race_hash));
	OK(ops->session_insert(c, &s, &e));
	mk_device(&d, "race-d", "ea");
	OK(ops->device_insert(c, &d, &e));
	for (op = 0; op < R_COUNT; op++) {
		PGresult *res;

		OK(pg_simple(c, "BEGIN", NULL, "begin", &e));
		OK(race_run(ops, c, op, &e));
		memset(&x, 0, sizeof(x));
		x.ops = ops;
		x.c = c2;
		x.op = op;
		assert_int_equal(pthread_create(&th, NULL, race_thread, &x), 0);
		usleep(150 * 1000);     /* B waits on A's row lock */
		OK(pg_simple(c, "COMMIT", &res, "commit", &e));
		PQclear(res);
		assert_int_equal(pthread_join(th, NULL), 0);
		if (x.rc != 1)
			fail_msg("op %d: the second writer got %d (%s)", op,
			    x.rc, x.e.msg);
	}
	ops->close(c2);
}

/* Seeds stored in clear before sealing existed (a database copied from
 * an old SQLite one): marked in meta, they are sealed for their rows
 * once; the mark goes.  PostgreSQL only (the rows are written by SQL). */
static void
test_seal_clear_rows(void **state)
{
	BE(state);
	struct rec_engineer r, rg;
	struct rec_user ug;
	int64_t n = -1;

	if (strcmp(b->name, "sqlite") == 0) {
		skip();
		return;
	}
	mk_engineer(&r, "es", "sealme", "v3");
	OK(ops->engineer_insert(c, &r, &e));
	/* The mark says every stored seed is clear (the migration that
	 * sets it runs before any is sealed): no sealed one is left. */
	OK(pg_simple(c, "UPDATE users SET totp_secret = NULL "
	    "WHERE totp_secret IS NOT NULL;"
	    "UPDATE engineers SET totp_secret = "
	    "'\\x30313233343536373839'::bytea WHERE id = 'es';"
	    "UPDATE users SET totp_secret = '\\x6162636465'::bytea "
	    "WHERE tenant_id = 't_a' AND id = 'u1';"
	    "INSERT INTO meta(key, value) VALUES ('totp_clear', '\\x31')",
	    NULL, "clear seeds", &e));
	/* A clear seed does not open as a sealed one. */
	OK(ops->engineer_get(c, "es", &rg, &e));
	assert_int_equal(rg.totp.len, 0);
	OK(ops->totp_seal_clear(c, &n, &e));
	assert_int_equal(n, 2);
	OK(ops->engineer_get(c, "es", &rg, &e));
	assert_int_equal(rg.totp.len, 10);
	assert_memory_equal(rg.totp.secret, "0123456789", 10);
	OK(ops->user_get(c, "t_a", "u1", &ug, &e));
	assert_int_equal(ug.totp.len, 5);
	assert_memory_equal(ug.totp.secret, "abcde", 5);
	OK(ops->totp_seal_clear(c, &n, &e));
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_clear),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_in_tx),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_seal_clear_rows),
	};
	int rc;

	rc = cmocka_run_group_tests_name("sqlite", tests, setup_sqlite,
	    teardown_sqlite);
	rc += cmocka_run_group_tests_name("postgresql", tests, setup_pg,
	    teardown_pg);
	rc += cmocka_run_group_tests_name("postgresql C.UTF-8", tests,
	    setup_pg_utf8, teardown_pg);
	/* SQLite passed, PostgreSQL never ran: ctest's "skipped". */
	return rc == 0 && pg_skipped ? 77 : rc;
}
