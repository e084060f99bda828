/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the store on a real SQLite file in a temporary directory:
 * every record kind goes in through the writer and comes back through a
 * reader; duplicates are 409; a job whose apply fails leaves no change but
 * still gets its entry; store_write_all is all-or-nothing; concurrent
 * writers get consecutive log indexes; stored entries cannot be changed
 * even through another connection to the file; and a tenant's users are
 * paged and filtered in the store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/str.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	char path[128];
	struct store *s;
};

enum kind {
	K_VENDOR, K_ENGINEER, K_DEVICE, K_TENANT, K_USER, K_TICKET,
	K_SESSION, K_LOGIN, K_RESET, K_THROTTLE, K_META, K_NONE
};

/* One writer job: insert rec of kind, then fail on purpose if asked. */
struct op {
	int kind;
	const void *rec;
	int then_fail;
	char label[48];
	/* what entry() was told */
	int saw_apply_rc;
	int64_t saw_index;
};

static int
apply_op(struct store_conn *c, void *arg, struct err *e)
{
	const struct store_ops *ops = &store_sqlite_ops;
	struct op *o = arg;
	int rc = 0;

	switch (o->kind) {
	case K_VENDOR: rc = ops->vendor_insert(c, o->rec, e); break;
	case K_ENGINEER: rc = ops->engineer_insert(c, o->rec, e); break;
	case K_DEVICE: rc = ops->device_insert(c, o->rec, e); break;
	case K_TENANT: rc = ops->tenant_insert(c, o->rec, e); break;
	case K_USER: rc = ops->user_insert(c, o->rec, e); break;
	case K_TICKET: rc = ops->ticket_insert(c, o->rec, e); break;
	case K_SESSION: rc = ops->session_insert(c, o->rec, e); break;
	case K_LOGIN: rc = ops->login_insert(c, o->rec, e); break;
	case K_RESET: rc = ops->reset_insert(c, o->rec, e); break;
	case K_THROTTLE: rc = ops->throttle_put(c, o->rec, e); break;
	case K_META:
		rc = ops->meta_set(c, o->label, o->rec, strlen(o->rec), e);
		break;
	case K_NONE: break;
	}
	if (rc == 0 && o->then_fail)
		return err_bad_request(e, "refused after making the change");
	return rc;
}

static int
entry_op(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct op *o = arg;

	o->saw_apply_rc = apply_rc;
	o->saw_index = index;
	if (buf_printf(out, "{\"op\":\"%s\",\"index\":%lld,\"ok\":%d}",
	    o->label, (long long)index, apply_rc == 0) == -1)
		return -1;
	en->action = "test";
	en->actor_id = "";
	en->tenant_id = "";
	en->session_id = "";
	en->device_id = "";
	en->source = "";
	en->allowed = apply_rc == 0;
	return 0;
}

static void
op_init(struct op *o, int kind, const void *rec, const char *label)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->rec = rec;
	o->saw_apply_rc = 99;
	o->saw_index = -99;
	str_copy(o->label, sizeof(o->label), label);
}

static int
write_op(struct fixture *f, struct op *o, int64_t *index, struct err *e)
{
	struct store_job job = {apply_op, entry_op, o};

	err_init(e);
	return store_write(f->s, &job, index, e);
}

/* Inserts rec through the writer and asserts it worked. */
static void
put(struct fixture *f, int kind, const void *rec)
{
	struct op o;
	struct err e;

	op_init(&o, kind, rec, "put");
	if (write_op(f, &o, NULL, &e) != 0)
		fail_msg("insert of kind %d failed: %s", kind, e.msg);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_config cfg;
	struct err e;

	if (f == NULL)
		return -1;
	str_copy(f->dir, sizeof(f->dir), "/tmp/custos-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	str_printf(f->path, sizeof(f->path), "%s/custos.db", f->dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = f->path;
	cfg.readers = 4;
	err_init(&e);
	f->s = store_open(&cfg, &e);
	if (f->s == NULL) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	store_close(f->s);
	unlink(f->path);
	str_printf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	str_printf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct store_conn *
reader(struct fixture *f)
{
	struct err e;
	struct store_conn *c;

	err_init(&e);
	c = store_reader_get(f->s, &e);
	if (c == NULL)
		fail_msg("no reader: %s", e.msg);
	return c;
}

static int
vendor_exists(struct fixture *f, const char *id)
{
	struct store_conn *c = reader(f);
	struct rec_vendor v;
	struct err e;
	int rc;

	err_init(&e);
	rc = store_sqlite_ops.vendor_get(c, id, &v, &e);
	store_reader_put(f->s, c);
	assert_int_not_equal(rc, -1);
	return rc == 0;
}

static int64_t
count(struct fixture *f)
{
	struct store_conn *c = reader(f);
	struct err e;
	int64_t n = -1;

	err_init(&e);
	assert_int_equal(store_sqlite_ops.entry_count(c, &n, &e), 0);
	store_reader_put(f->s, c);
	assert_true(n == store_entry_count(f->s));
	return n;
}

struct entries {
	int64_t n;
	int64_t first;
	char bytes[4][128];
	int ordered;
};

static int
collect_entry(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct entries *x = arg;

	if (x->n == 0)
		x->first = index;
	if (index != x->first + x->n)
		x->ordered = 0;
	if (x->n < 4 && len < sizeof(x->bytes[0])) {
		memcpy(x->bytes[x->n], bytes, len);
		x->bytes[x->n][len] = '\0';
	}
	x->n++;
	return 0;
}

static void
read_entries(struct fixture *f, int64_t start, int64_t end,
    struct entries *x)
{
	struct store_conn *c = reader(f);
	struct err e;

	memset(x, 0, sizeof(*x));
	x->ordered = 1;
	err_init(&e);
	assert_int_equal(store_sqlite_ops.entry_range(c, start, end,
	    collect_entry, x, &e), 0);
	store_reader_put(f->s, c);
}

static void
vendor_rec(struct rec_vendor *v, const char *id, const char *name)
{
	memset(v, 0, sizeof(*v));
	str_copy(v->id, sizeof(v->id), id);
	str_copy(v->name, sizeof(v->name), name);
	v->created = 1642291200;
}

static void
every_record_kind_round_trips(void **state)
{
	struct fixture *f = *state;
	const struct store_ops *ops = store_ops(f->s);
	struct rec_vendor v, v2;
	struct rec_engineer en, en2;
	struct rec_device d, d2;
	struct rec_tenant t, t2;
	struct rec_user u, u2;
	struct rec_ticket tk, tk2;
	struct rec_session se, se2;
	struct rec_login l, l2;
	struct rec_reset r, r2;
	struct rec_throttle th, th2;
	struct store_conn *c;
	struct buf mb;
	struct err e;
	int i;

	vendor_rec(&v, "ven_1", "Sitel");
	memset(&en, 0, sizeof(en));
	str_copy(en.id, sizeof(en.id), "eng_1");
	str_copy(en.username, sizeof(en.username), "alice");
	str_copy(en.vendor_id, sizeof(en.vendor_id), "ven_1");
	str_copy(en.password_hash, sizeof(en.password_hash),
	    "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g");
	memcpy(en.totp.secret, "12345678901234567890", 20);
	en.totp.len = 20;
	en.totp.last_step = 41152263;
	en.status = STATUS_SUSPENDED;
	en.created = 1642291201;
	memset(&d, 0, sizeof(d));
	str_copy(d.id, sizeof(d.id), "dev_1");
	str_copy(d.engineer_id, sizeof(d.engineer_id), "eng_1");
	str_copy(d.name, sizeof(d.name), "laptop");
	for (i = 0; i < 32; i++)
		d.public_key[i] = (uint8_t)(i * 7 + 1);
	d.created = 1642291202;
	memset(&t, 0, sizeof(t));
	str_copy(t.id, sizeof(t.id), "ten_1");
	str_copy(t.name, sizeof(t.name), "Acme");
	t.policy = POLICY_AUTO_APPROVE;
	t.created = 1642291203;
	memset(&u, 0, sizeof(u));
	str_copy(u.id, sizeof(u.id), "usr_1");
	str_copy(u.tenant_id, sizeof(u.tenant_id), "ten_1");
	str_copy(u.username, sizeof(u.username), "bob");
	str_copy(u.email, sizeof(u.email), "bob@acme.example");
	u.role = ROLE_ADMIN;
	u.status = STATUS_ACTIVE;
	memcpy(u.totp.secret, "abcdefghij", 10);
	u.totp.len = 10;
	u.totp.last_step = 7;
	u.mfa_enrolled = 1;
	u.created = 1642291204;
	memset(&tk, 0, sizeof(tk));
	str_copy(tk.id, sizeof(tk.id), "tkt_1");
	str_copy(tk.tenant_id, sizeof(tk.tenant_id), "ten_1");
	str_copy(tk.subject, sizeof(tk.subject), "Cannot log in");
	str_copy(tk.requester, sizeof(tk.requester), "bob@acme.example");
	str_copy(tk.status, sizeof(tk.status), "open");
	tk.body = strdup("Line one\nline two \xe2\x82\xac");
	tk.created = 1642291205;
	memset(&se, 0, sizeof(se));
	str_copy(se.id, sizeof(se.id), "ses_1");
	memset(se.token_hash, 0xab, TOKEN_HASH_LEN);
	se.principal = PRINCIPAL_ENGINEER;
	str_copy(se.principal_id, sizeof(se.principal_id), "eng_1");
	str_copy(se.vendor_id, sizeof(se.vendor_id), "ven_1");
	str_copy(se.device_id, sizeof(se.device_id), "dev_1");
	str_copy(se.source, sizeof(se.source), "2001:db8::1");
	se.created = 100;
	se.expires = 200;
	se.last_seen = 150;
	memset(&l, 0, sizeof(l));
	str_copy(l.id, sizeof(l.id), "login_1");
	str_copy(l.engineer_id, sizeof(l.engineer_id), "eng_1");
	str_copy(l.device_id, sizeof(l.device_id), "dev_1");
	str_copy(l.challenge, sizeof(l.challenge), "custos-login-v1:x:y:9");
	str_copy(l.source, sizeof(l.source), "192.0.2.1");
	l.expires = 300;
	memset(&r, 0, sizeof(r));
	memset(r.token_hash, 0xcd, TOKEN_HASH_LEN);
	str_copy(r.tenant_id, sizeof(r.tenant_id), "ten_1");
	str_copy(r.user_id, sizeof(r.user_id), "usr_1");
	r.expires = 400;
	memset(&th, 0, sizeof(th));
	str_copy(th.key, sizeof(th.key), "ip:192.0.2.1");
	th.failures = 3;
	th.last_failure = 500;
	th.locked_until = 600;

	put(f, K_VENDOR, &v);
	put(f, K_ENGINEER, &en);
	put(f, K_DEVICE, &d);
	put(f, K_TENANT, &t);
	put(f, K_USER, &u);
	put(f, K_TICKET, &tk);
	put(f, K_SESSION, &se);
	put(f, K_LOGIN, &l);
	put(f, K_RESET, &r);
	put(f, K_THROTTLE, &th);
	{
		struct op o;

		op_init(&o, K_META, "meta-value", "log.key");
		assert_int_equal(write_op(f, &o, NULL, &e), 0);
	}

	c = reader(f);
	err_init(&e);
	assert_int_equal(ops->vendor_get(c, "ven_1", &v2, &e), 0);
	assert_string_equal(v2.name, "Sitel");
	assert_true(v2.created == v.created);

	assert_int_equal(ops->engineer_get(c, "eng_1", &en2, &e), 0);
	assert_string_equal(en2.username, "alice");
	assert_string_equal(en2.vendor_id, "ven_1");
	assert_string_equal(en2.password_hash, en.password_hash);
	assert_int_equal(en2.totp.len, 20);
	assert_memory_equal(en2.totp.secret, en.totp.secret, 20);
	assert_true(en2.totp.last_step == 41152263);
	assert_int_equal(en2.status, STATUS_SUSPENDED);
	assert_true(en2.created == en.created);
	memset(&en2, 0, sizeof(en2));
	assert_int_equal(ops->engineer_get_by_username(c, "alice", &en2, &e),
	    0);
	assert_string_equal(en2.id, "eng_1");

	assert_int_equal(ops->device_get(c, "dev_1", &d2, &e), 0);
	assert_string_equal(d2.engineer_id, "eng_1");
	assert_string_equal(d2.name, "laptop");
	assert_memory_equal(d2.public_key, d.public_key, 32);

	assert_int_equal(ops->tenant_get(c, "ten_1", &t2, &e), 0);
	assert_string_equal(t2.name, "Acme");
	assert_int_equal(t2.policy, POLICY_AUTO_APPROVE);

	assert_int_equal(ops->user_get(c, "ten_1", "usr_1", &u2, &e), 0);
	assert_string_equal(u2.username, "bob");
	assert_string_equal(u2.email, "bob@acme.example");
	assert_int_equal(u2.role, ROLE_ADMIN);
	assert_int_equal(u2.totp.len, 10);
	assert_memory_equal(u2.totp.secret, "abcdefghij", 10);
	assert_true(u2.totp.last_step == 7);
	assert_int_equal(u2.mfa_enrolled, 1);
	assert_string_equal(u2.password_hash, "");
	/* A user is found only in its own tenant. */
	assert_int_equal(ops->user_get(c, "ten_2", "usr_1", &u2, &e), 1);
	assert_int_equal(ops->user_get_by_username(c, "ten_1", "bob", &u2,
	    &e), 0);
	assert_string_equal(u2.id, "usr_1");

	memset(&tk2, 0, sizeof(tk2));
	assert_int_equal(ops->ticket_get(c, "ten_1", "tkt_1", &tk2, &e), 0);
	assert_string_equal(tk2.subject, "Cannot log in");
	assert_string_equal(tk2.requester, "bob@acme.example");
	assert_string_equal(tk2.status, "open");
	assert_non_null(tk2.body);
	assert_string_equal(tk2.body, tk.body);
	rec_ticket_cleanup(&tk2);

	assert_int_equal(ops->session_get(c, se.token_hash, &se2, &e), 0);
	assert_string_equal(se2.id, "ses_1");
	assert_int_equal(se2.principal, PRINCIPAL_ENGINEER);
	assert_string_equal(se2.principal_id, "eng_1");
	assert_string_equal(se2.device_id, "dev_1");
	assert_string_equal(se2.source, "2001:db8::1");
	assert_true(se2.expires == 200 && se2.last_seen == 150);

	assert_int_equal(ops->login_get(c, "login_1", &l2, &e), 0);
	assert_string_equal(l2.challenge, l.challenge);
	assert_true(l2.expires == 300);

	assert_int_equal(ops->reset_get(c, r.token_hash, &r2, &e), 0);
	assert_string_equal(r2.user_id, "usr_1");
	assert_true(r2.expires == 400);

	assert_int_equal(ops->throttle_get(c, th.key, &th2, &e), 0);
	assert_true(th2.failures == 3 && th2.last_failure == 500 &&
	    th2.locked_until == 600);

	buf_init(&mb, 1024);
	assert_int_equal(ops->meta_get(c, "log.key", &mb, &e), 0);
	assert_string_equal(mb.data, "meta-value");
	buf_cleanup(&mb);

	/* Absent rows are 1, not errors. */
	assert_int_equal(ops->vendor_get(c, "ven_none", &v2, &e), 1);
	assert_int_equal(ops->engineer_get(c, "eng_none", &en2, &e), 1);
	assert_int_equal(ops->tenant_get(c, "ten_none", &t2, &e), 1);
	assert_int_equal(ops->login_get(c, "login_none", &l2, &e), 1);
	store_reader_put(f->s, c);
	free(tk.body);
}

static int
apply_take_login(struct store_conn *c, void *arg, struct err *e)
{
	struct rec_login l;

	return store_sqlite_ops.login_take(c, arg, &l, e);
}

static void
login_take_succeeds_once(void **state)
{
	struct fixture *f = *state;
	static char id[] = "login_2";
	struct store_job job = {apply_take_login, NULL, id};
	struct rec_login l;
	struct err e;

	memset(&l, 0, sizeof(l));
	str_copy(l.id, sizeof(l.id), "login_2");
	str_copy(l.challenge, sizeof(l.challenge), "c");
	put(f, K_LOGIN, &l);
	err_init(&e);
	assert_int_equal(store_write(f->s, &job, NULL, &e), 0);
	/* The second take finds nothing: apply returns 1, not an error. */
	err_init(&e);
	assert_int_equal(store_write(f->s, &job, NULL, &e), 0);
	{
		struct store_conn *c = reader(f);

		assert_int_equal(store_sqlite_ops.login_get(c, "login_2", &l,
		    &e), 1);
		store_reader_put(f->s, c);
	}
}

static void
duplicates_are_409_conflict_and_still_recorded(void **state)
{
	struct fixture *f = *state;
	struct rec_vendor v, same_name;
	struct rec_tenant t;
	struct rec_user u;
	struct op o;
	struct err e;
	int64_t before, index = -5;

	vendor_rec(&v, "ven_dup", "Dup Inc");
	put(f, K_VENDOR, &v);
	before = count(f);

	op_init(&o, K_VENDOR, &v, "dup-id");
	assert_int_equal(write_op(f, &o, &index, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.code, "conflict");
	assert_int_equal(o.saw_apply_rc, -1);
	assert_true(index == before);
	assert_true(count(f) == before + 1);

	vendor_rec(&same_name, "ven_other", "Dup Inc");
	op_init(&o, K_VENDOR, &same_name, "dup-name");
	assert_int_equal(write_op(f, &o, NULL, &e), -1);
	assert_int_equal(e.status, 409);
	assert_false(vendor_exists(f, "ven_other"));

	memset(&t, 0, sizeof(t));
	str_copy(t.id, sizeof(t.id), "ten_d");
	str_copy(t.name, sizeof(t.name), "Tenant D");
	put(f, K_TENANT, &t);
	memset(&u, 0, sizeof(u));
	str_copy(u.id, sizeof(u.id), "usr_d1");
	str_copy(u.tenant_id, sizeof(u.tenant_id), "ten_d");
	str_copy(u.username, sizeof(u.username), "carol");
	str_copy(u.email, sizeof(u.email), "c@d.example");
	put(f, K_USER, &u);
	str_copy(u.id, sizeof(u.id), "usr_d2");
	op_init(&o, K_USER, &u, "dup-username");
	assert_int_equal(write_op(f, &o, NULL, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.code, "conflict");
}

static void
failed_apply_is_rolled_back_but_its_entry_is_appended(void **state)
{
	struct fixture *f = *state;
	struct rec_vendor v;
	struct entries x;
	struct op o;
	struct err e;
	int64_t before, index = -5;

	before = count(f);
	vendor_rec(&v, "ven_rb", "Rolled Back");
	op_init(&o, K_VENDOR, &v, "rollback");
	o.then_fail = 1;
	assert_int_equal(write_op(f, &o, &index, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "refused after making the change"));
	assert_int_equal(o.saw_apply_rc, -1);
	assert_true(o.saw_index == before);
	assert_true(index == before);
	/* The change is gone, the entry is there. */
	assert_false(vendor_exists(f, "ven_rb"));
	assert_true(count(f) == before + 1);
	read_entries(f, before, before + 1, &x);
	assert_true(x.n == 1);
	assert_non_null(strstr(x.bytes[0], "\"op\":\"rollback\""));
	assert_non_null(strstr(x.bytes[0], "\"ok\":0"));
	/* The writer is in a clean state: the same insert now works. */
	op_init(&o, K_VENDOR, &v, "retry");
	assert_int_equal(write_op(f, &o, &index, &e), 0);
	assert_int_equal(o.saw_apply_rc, 0);
	assert_true(index == before + 1);
	assert_true(vendor_exists(f, "ven_rb"));
}

static void
write_all_is_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct rec_vendor v[3];
	struct store_job jobs[3];
	struct op o[3];
	struct entries x;
	struct err e;
	int64_t before, index;
	int i;

	vendor_rec(&v[0], "ven_a", "A");
	vendor_rec(&v[1], "ven_b", "B");
	vendor_rec(&v[2], "ven_c", "C");
	for (i = 0; i < 3; i++) {
		op_init(&o[i], K_VENDOR, &v[i], v[i].id);
		jobs[i].apply = apply_op;
		jobs[i].entry = entry_op;
		jobs[i].arg = &o[i];
	}
	before = count(f);

	/* The last job fails: nothing of the group stays. */
	o[2].then_fail = 1;
	err_init(&e);
	assert_int_equal(store_write_all(f->s, jobs, 3, &e), -1);
	assert_int_equal(e.status, 400);
	for (i = 0; i < 3; i++)
		assert_false(vendor_exists(f, v[i].id));
	assert_true(count(f) == before);

	/* A duplicate in the middle: 409, nothing stays. */
	o[2].then_fail = 0;
	jobs[1].arg = &o[0];
	err_init(&e);
	assert_int_equal(store_write_all(f->s, jobs, 3, &e), -1);
	assert_int_equal(e.status, 409);
	for (i = 0; i < 3; i++)
		assert_false(vendor_exists(f, v[i].id));
	assert_true(count(f) == before);

	/* All good: all three, with three consecutive entries. */
	jobs[1].arg = &o[1];
	err_init(&e);
	assert_int_equal(store_write_all(f->s, jobs, 3, &e), 0);
	for (i = 0; i < 3; i++) {
		assert_true(vendor_exists(f, v[i].id));
		assert_true(o[i].saw_index == before + i);
	}
	assert_true(count(f) == before + 3);
	read_entries(f, before, before + 3, &x);
	assert_true(x.n == 3 && x.ordered && x.first == before);
	assert_non_null(strstr(x.bytes[0], "\"op\":\"ven_a\""));
	assert_non_null(strstr(x.bytes[2], "\"op\":\"ven_c\""));

	/* Failed groups left no gap in the index. */
	{
		struct op n;

		op_init(&n, K_NONE, NULL, "after");
		assert_int_equal(write_op(f, &n, &index, &e), 0);
		assert_true(index == before + 3);
	}
}

#define THREADS 8
#define JOBS 200

struct worker {
	struct fixture *f;
	int id;
	int64_t index[JOBS];
	int failures;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct rec_throttle th;
	struct op o;
	struct err e;
	int i;

	for (i = 0; i < JOBS; i++) {
		memset(&th, 0, sizeof(th));
		str_printf(th.key, sizeof(th.key), "w%d-%d", w->id, i);
		th.failures = i;
		op_init(&o, K_THROTTLE, &th, th.key);
		w->index[i] = -1;
		if (write_op(w->f, &o, &w->index[i], &e) != 0 ||
		    o.saw_index != w->index[i])
			w->failures++;
	}
	return NULL;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
concurrent_writers_get_consecutive_indexes(void **state)
{
	struct fixture *f = *state;
	static struct worker w[THREADS];
	static int64_t all[THREADS * JOBS];
	pthread_t th[THREADS];
	struct entries x;
	int64_t before;
	int i, j;

	before = count(f);
	for (i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].f = f;
		w[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(w[i].failures, 0);
		/* Each thread's own writes come back in order. */
		for (j = 1; j < JOBS; j++)
			assert_true(w[i].index[j] > w[i].index[j - 1]);
		memcpy(all + i * JOBS, w[i].index, sizeof(w[i].index));
	}
	qsort(all, THREADS * JOBS, sizeof(all[0]), cmp_i64);
	for (i = 0; i < THREADS * JOBS; i++)
		if (all[i] != before + i)
			fail_msg("index %d is %lld, expected %lld", i,
			    (long long)all[i], (long long)(before + i));
	assert_true(count(f) == before + THREADS * JOBS);
	read_entries(f, before, before + THREADS * JOBS, &x);
	assert_true(x.n == THREADS * JOBS);
	assert_true(x.ordered);
}

static int
raw_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void
entries_are_append_only_even_for_another_connection(void **state)
{
	struct fixture *f = *state;
	struct entries before, after;
	struct op o;
	struct err e;
	sqlite3 *db = NULL;

	op_init(&o, K_NONE, NULL, "first");
	assert_int_equal(write_op(f, &o, NULL, &e), 0);
	op_init(&o, K_NONE, NULL, "second");
	assert_int_equal(write_op(f, &o, NULL, &e), 0);
	read_entries(f, 0, 2, &before);
	assert_true(before.n == 2);

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	/* The connection can write: other tables take changes. */
	assert_int_equal(raw_exec(db, "INSERT INTO throttle VALUES "
	    "('raw', 1, 2, 3)"), SQLITE_OK);
	assert_int_not_equal(raw_exec(db, "UPDATE entries SET bytes = "
	    "x'7b7d' WHERE idx = 0"), SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_not_equal(raw_exec(db, "UPDATE entries SET allowed = 1 - "
	    "allowed"), SQLITE_OK);
	assert_int_not_equal(raw_exec(db, "DELETE FROM entries WHERE idx = 1"),
	    SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	sqlite3_close(db);

	read_entries(f, 0, 2, &after);
	assert_true(after.n == 2);
	assert_string_equal(after.bytes[0], before.bytes[0]);
	assert_string_equal(after.bytes[1], before.bytes[1]);
}

/* REPLACE deletes the old row without firing delete triggers (unless
 * recursive_triggers is on), so it needs a guard of its own. */
static void
replace_cannot_overwrite_a_stored_entry(void **state)
{
	struct fixture *f = *state;
	struct entries before, after;
	struct op o;
	struct err e;
	sqlite3 *db = NULL;
	int rc;

	op_init(&o, K_NONE, NULL, "original");
	assert_int_equal(write_op(f, &o, NULL, &e), 0);
	read_entries(f, 0, 1, &before);
	assert_true(before.n == 1);

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	/* As custos's own connections run.  (A writer outside custos can do
	 * anything to the file; the Merkle tree catches that at start-up.) */
	assert_int_equal(raw_exec(db, "PRAGMA recursive_triggers=ON"),
	    SQLITE_OK);
	rc = raw_exec(db, "INSERT OR REPLACE INTO entries SELECT idx, time, "
	    "actor_id, tenant_id, action, session_id, device_id, source, "
	    "allowed, CAST('{\"forged\":1}' AS BLOB) FROM entries "
	    "WHERE idx = 0");
	sqlite3_close(db);

	read_entries(f, 0, 1, &after);
	assert_true(after.n == 1);
	if (strcmp(after.bytes[0], before.bytes[0]) != 0)
		fail_msg("REPLACE rewrote entry 0 (rc %d): '%s' is now '%s'",
		    rc, before.bytes[0], after.bytes[0]);
	assert_int_not_equal(rc, SQLITE_OK);
}

/* Collects the ids a user_page answers, joined by ','. */
static int
page_cb(void *arg, const struct rec_user *u)
{
	char *ids = arg;
	size_t n = strlen(ids);

	if (n > 0 && n + 1 < 256)
		ids[n++] = ',';
	str_copy(ids + n, 256 - n, u->id);
	assert_string_equal(u->password_hash, "");
	assert_int_equal(u->totp.len, 0);
	return 0;
}

static const char *
page(struct fixture *f, const char *tenant, const char *q, int status,
    const char *after, int64_t limit, char ids[256])
{
	struct store_conn *c;
	struct err e;

	ids[0] = '\0';
	err_init(&e);
	c = store_reader_get(f->s, &e);
	assert_non_null(c);
	assert_int_equal(store_ops(f->s)->user_page(c, tenant, q, status,
	    after, limit, page_cb, ids, &e), 0);
	store_reader_put(f->s, c);
	return ids;
}

/*
 * helper fixdir (issue 14, F6b): a tenant's users come a page at a time
 * from the store, filtered there, so a request reads no more rows than it
 * answers: by id after `after`, a case-insensitive substring of id,
 * username or email, active or not (suspended), never another tenant's.
 */
static void
user_page_filters_and_pages_in_the_store(void **state)
{
	struct fixture *f = *state;
	static const struct { const char *id, *tenant, *name, *mail; int st; }
	    users[] = {
		{"usr_a", "ten_1", "Alice", "alice@acme.example", 0},
		{"usr_b", "ten_1", "bob", "bob@ACME.example", 1},
		{"usr_c", "ten_1", "carol", "carol@other.example", 0},
		{"usr_d", "ten_1", "dave", "dave@acme.example", 2},
		{"usr_e", "ten_2", "eve", "eve@acme.example", 0},
	};
	struct rec_tenant t;
	struct rec_user u;
	char ids[256];
	size_t i;

	for (i = 0; i < 2; i++) {
		memset(&t, 0, sizeof(t));
		str_printf(t.id, sizeof(t.id), "ten_%zu", i + 1);
		str_copy(t.name, sizeof(t.name), t.id);
		put(f, K_TENANT, &t);
	}
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		memset(&u, 0, sizeof(u));
		str_copy(u.id, sizeof(u.id), users[i].id);
		str_copy(u.tenant_id, sizeof(u.tenant_id), users[i].tenant);
		str_copy(u.username, sizeof(u.username), users[i].name);
		str_copy(u.email, sizeof(u.email), users[i].mail);
		u.status = users[i].st;
		put(f, K_USER, &u);
	}
	assert_string_equal(page(f, "ten_1", "", -1, "", 10, ids),
	    "usr_a,usr_b,usr_c,usr_d");
	assert_string_equal(page(f, "ten_1", "", -1, "", 2, ids),
	    "usr_a,usr_b");
	assert_string_equal(page(f, "ten_1", "", -1, "usr_b", 2, ids),
	    "usr_c,usr_d");
	assert_string_equal(page(f, "ten_1", "acme", -1, "", 10, ids),
	    "usr_a,usr_b,usr_d");
	assert_string_equal(page(f, "ten_1", "ALI", -1, "", 10, ids),
	    "usr_a");
	assert_string_equal(page(f, "ten_1", "usr_c", -1, "", 10, ids),
	    "usr_c");
	assert_string_equal(page(f, "ten_1", "", STATUS_ACTIVE, "", 10, ids),
	    "usr_a,usr_c");
	/* A user is shown as suspended whenever not active. */
	assert_string_equal(page(f, "ten_1", "", STATUS_SUSPENDED, "", 10,
	    ids), "usr_b,usr_d");
	assert_string_equal(page(f, "ten_1", "", STATUS_OFFBOARDED, "", 10,
	    ids), "");
	assert_string_equal(page(f, "ten_1", "acme", STATUS_SUSPENDED,
	    "usr_b", 10, ids), "usr_d");
	assert_string_equal(page(f, "ten_2", "", -1, "", 10, ids), "usr_e");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_record_kind_round_trips,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(login_take_succeeds_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    duplicates_are_409_conflict_and_still_recorded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    failed_apply_is_rolled_back_but_its_entry_is_appended,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(write_all_is_all_or_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    concurrent_writers_get_consecutive_indexes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    entries_are_append_only_even_for_another_connection,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    replace_cannot_overwrite_a_stored_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    user_page_filters_and_pages_in_the_store, setup, teardown),
	};

	return cmocka_run_group_tests_name("unit.store", tests, NULL, NULL);
}
