/* SPDX-License-Identifier: ISC */
/*
 * A real SQLite store and outbox in a temporary directory, seeded with
 * what the customer-approval workflows read, for the unit tests of
 * access/ and mail/notice (test_request.c, test_breakglass.c,
 * test_approval.c, test_sweeper.c, test_notice.c).  Included once per
 * test program; everything here is static.
 *
 * Seed: vendors ven_a, ven_b; engineers eng_a1, eng_a2 (ven_a), eng_b1
 * (ven_b); tenants ten_req (approval_required), ten_auto (auto_approve),
 * ten_deny (deny), ten_other (approval_required, second approver may be
 * an engineer of another vendor), each with max_minutes 480, an active
 * admin adm_<tenant> (mail <tenant>@example.test), a suspended admin and
 * a plain user usr_<tenant>, and a ticket tkt_<tenant>.
 */
#ifndef CUSTOS_TESTS_ACCESS_FIXTURE_H
#define CUSTOS_TESTS_ACCESS_FIXTURE_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/approval.h"
#include "access/request.h"
#include "audit/event.h"
#include "common/str.h"
#include "mail/notice.h"
#include "mail/outbox.h"
#include "store/store.h"

#define FX_UNUSED __attribute__((unused))
#define FX_NOW ((int64_t)1767225600)    /* 2026-01-01T00:00:00Z */

struct fx {
	char dir[64];
	char db[128];
	char outbox[128];
	struct store *s;
	const struct store_ops *ops;
	struct notice_cfg mail;
};

/* One record to insert through the writer. */
struct fx_put {
	int (*fn)(struct fx_put *p, struct store_conn *c, struct err *e);
	const void *rec;
	const struct store_ops *ops;
};

static int
fx_put_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct fx_put *p = arg;

	return p->fn(p, c, e);
}

#define FX_PUTTER(name, type, op) \
static FX_UNUSED int \
name(struct fx_put *p, struct store_conn *c, struct err *e) \
{ \
	return p->ops->op(c, (const type *)p->rec, e); \
}
FX_PUTTER(fx_put_vendor, struct rec_vendor, vendor_insert)
FX_PUTTER(fx_put_engineer, struct rec_engineer, engineer_insert)
FX_PUTTER(fx_put_tenant, struct rec_tenant, tenant_insert)
FX_PUTTER(fx_put_settings, struct rec_tenant, tenant_set_settings)
FX_PUTTER(fx_put_user, struct rec_user, user_insert)
FX_PUTTER(fx_put_ticket, struct rec_ticket, ticket_insert)
FX_PUTTER(fx_put_grant, struct rec_grant, grant_insert)
FX_PUTTER(fx_put_approval, struct rec_approval, approval_insert)

static FX_UNUSED void
fx_put(struct fx *f, int (*fn)(struct fx_put *, struct store_conn *,
    struct err *), const void *rec)
{
	struct fx_put p = {fn, rec, f->ops};
	struct store_job job = {fx_put_apply, NULL, &p};
	struct err e;

	err_init(&e);
	if (store_write(f->s, &job, NULL, &e) != 0)
		fail_msg("seeding the store: %s", e.msg);
}

static void
fx_tenant_rec(struct rec_tenant *t, const char *id, int policy)
{
	memset(t, 0, sizeof(*t));
	str_copy(t->id, sizeof(t->id), id);
	str_copy(t->name, sizeof(t->name), id);
	t->policy = policy;
	t->created = FX_NOW - 86400;
	t->max_minutes = 480;
}

static void
fx_seed_tenant(struct fx *f, const char *id, int policy, int second)
{
	struct rec_tenant t;
	struct rec_user u;
	struct rec_ticket tk;
	char s[64];

	fx_tenant_rec(&t, id, policy);
	t.second_approver = second;
	fx_put(f, fx_put_tenant, &t);
	fx_put(f, fx_put_settings, &t);
	memset(&u, 0, sizeof(u));
	str_printf(u.id, sizeof(u.id), "adm_%s", id);
	str_copy(u.tenant_id, sizeof(u.tenant_id), id);
	str_printf(u.username, sizeof(u.username), "admin-%s", id);
	str_printf(u.email, sizeof(u.email), "%s@example.test", id);
	u.role = ROLE_ADMIN;
	u.status = STATUS_ACTIVE;
	u.created = FX_NOW - 86400;
	fx_put(f, fx_put_user, &u);
	/* Neither of these is mailed. */
	str_printf(u.id, sizeof(u.id), "old_%s", id);
	str_printf(u.username, sizeof(u.username), "old-%s", id);
	str_printf(u.email, sizeof(u.email), "old-%s@example.test", id);
	u.status = STATUS_SUSPENDED;
	fx_put(f, fx_put_user, &u);
	str_printf(u.id, sizeof(u.id), "usr_%s", id);
	str_printf(u.username, sizeof(u.username), "user-%s", id);
	str_printf(u.email, sizeof(u.email), "user-%s@example.test", id);
	u.role = ROLE_USER;
	u.status = STATUS_ACTIVE;
	fx_put(f, fx_put_user, &u);
	memset(&tk, 0, sizeof(tk));
	str_printf(s, sizeof(s), "tkt_%s", id);
	str_copy(tk.id, sizeof(tk.id), s);
	str_copy(tk.tenant_id, sizeof(tk.tenant_id), id);
	str_copy(tk.subject, sizeof(tk.subject), "Cannot log in");
	str_copy(tk.requester, sizeof(tk.requester), u.email);
	str_copy(tk.status, sizeof(tk.status), "open");
	tk.body = (char *)"It says no.";
	tk.created = FX_NOW - 3600;
	fx_put(f, fx_put_ticket, &tk);
}

static void
fx_seed_engineer(struct fx *f, const char *id, const char *vendor)
{
	struct rec_engineer en;

	memset(&en, 0, sizeof(en));
	str_copy(en.id, sizeof(en.id), id);
	str_copy(en.username, sizeof(en.username), id);
	str_copy(en.vendor_id, sizeof(en.vendor_id), vendor);
	en.status = STATUS_ACTIVE;
	en.created = FX_NOW - 86400;
	fx_put(f, fx_put_engineer, &en);
}

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct store_config cfg;
	struct rec_vendor v;
	struct err e;

	if (f == NULL)
		return -1;
	str_copy(f->dir, sizeof(f->dir), "/tmp/custos-access-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	str_printf(f->db, sizeof(f->db), "%s/custos.db", f->dir);
	str_printf(f->outbox, sizeof(f->outbox), "%s/outbox", f->dir);
	if (mkdir(f->outbox, 0700) == -1 || outbox_init(f->outbox) == -1)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = f->db;
	cfg.readers = 4;
	err_init(&e);
	f->s = store_open(&cfg, &e);
	if (f->s == NULL) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		return -1;
	}
	f->ops = store_ops(f->s);
	f->mail.outbox_dir = f->outbox;
	f->mail.from = "custos <no-reply@custos.invalid>";
	memset(&v, 0, sizeof(v));
	str_copy(v.id, sizeof(v.id), "ven_a");
	str_copy(v.name, sizeof(v.name), "Vendor A");
	fx_put(f, fx_put_vendor, &v);
	str_copy(v.id, sizeof(v.id), "ven_b");
	str_copy(v.name, sizeof(v.name), "Vendor B");
	fx_put(f, fx_put_vendor, &v);
	fx_seed_engineer(f, "eng_a1", "ven_a");
	fx_seed_engineer(f, "eng_a2", "ven_a");
	fx_seed_engineer(f, "eng_b1", "ven_b");
	fx_seed_tenant(f, "ten_req", POLICY_APPROVAL_REQUIRED,
	    SECOND_TENANT_ADMIN);
	fx_seed_tenant(f, "ten_auto", POLICY_AUTO_APPROVE,
	    SECOND_ADMIN_OR_OTHER_VENDOR);
	fx_seed_tenant(f, "ten_deny", POLICY_DENY, SECOND_TENANT_ADMIN);
	fx_seed_tenant(f, "ten_other", POLICY_APPROVAL_REQUIRED,
	    SECOND_ADMIN_OR_OTHER_VENDOR);
	*state = f;
	return 0;
}

static int
fx_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	nftw(f->dir, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static FX_UNUSED struct store_conn *
fx_reader(struct fx *f)
{
	struct store_conn *c;
	struct err e;

	err_init(&e);
	c = store_reader_get(f->s, &e);
	if (c == NULL)
		fail_msg("no reader: %s", e.msg);
	return c;
}

static FX_UNUSED struct rec_tenant
fx_tenant(struct fx *f, const char *id)
{
	struct store_conn *c = fx_reader(f);
	struct rec_tenant t;
	struct err e;

	err_init(&e);
	if (f->ops->tenant_get(c, id, &t, &e) != 0)
		fail_msg("no tenant %s", id);
	store_reader_put(f->s, c);
	return t;
}

static FX_UNUSED struct rec_grant
fx_grant(struct fx *f, const char *id)
{
	struct store_conn *c = fx_reader(f);
	struct rec_grant g;
	struct err e;

	err_init(&e);
	if (f->ops->grant_get(c, id, &g, &e) != 0)
		fail_msg("no grant %s", id);
	store_reader_put(f->s, c);
	return g;
}

static FX_UNUSED struct rec_approval
fx_approval(struct fx *f, const char *id)
{
	struct store_conn *c = fx_reader(f);
	struct rec_approval a;
	struct err e;

	err_init(&e);
	if (f->ops->approval_get(c, id, &a, &e) != 0)
		fail_msg("no approval %s", id);
	store_reader_put(f->s, c);
	return a;
}

/* Files in outbox/<sub> (tmp: staged, new: delivered). */
static FX_UNUSED int
fx_mail(struct fx *f, const char *sub)
{
	char p[160];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	str_printf(p, sizeof(p), "%s/%s", f->outbox, sub);
	dir = opendir(p);
	if (dir == NULL)
		fail_msg("no %s", p);
	while ((d = readdir(dir)) != NULL)
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

static FX_UNUSED int64_t
fx_entries(struct fx *f)
{
	return store_entry_count(f->s);
}

/* A workflow's change on the writer, with its entry when ev is given. */
struct fx_change {
	const struct store_ops *ops;
	struct request_op *rop;
	struct approval_op *aop;
	struct event *ev;
	int rc;
};

static int
fx_change_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct fx_change *x = arg;

	x->rc = x->rop != NULL ? request_apply(c, x->ops, x->rop, e) :
	    approval_apply(c, x->ops, x->aop, e);
	return x->rc == -1 ? -1 : 0;
}

static int
fx_change_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct fx_change *x = arg;

	(void)apply_rc;
	(void)apply_err;
	(void)index;
	x->ev->allowed = x->rc == 0;
	return event_serialize(x->ev, time_ms, out, en);
}

/* Applies rop or aop on the writer: its rc (0, or 1 when it lost the
 * race). */
static FX_UNUSED int
fx_write(struct fx *f, struct request_op *rop, struct approval_op *aop,
    struct event *ev)
{
	struct fx_change x = {f->ops, rop, aop, ev, -1};
	struct store_job job = {fx_change_apply, NULL, &x};
	struct err e;

	if (ev != NULL)
		job.entry = fx_change_entry;
	err_init(&e);
	if (store_write(f->s, &job, NULL, &e) != 0)
		fail_msg("write: %s", e.msg);
	return x.rc;
}

/* The string detail key of ev, or NULL. */
static FX_UNUSED const char *
fx_detail(const struct event *ev, const char *key)
{
	return ev->detail != NULL ? json_string_value(json_object_get(
	    ev->detail, key)) : NULL;
}

#endif
