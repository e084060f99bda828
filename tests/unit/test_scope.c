/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the scope question on a small known log in a temporary
 * store, through the C answer (no HTTP): which tenants an engineer, a
 * device or a vendor reached and how (acted upon, viewed, exposed by a
 * grant or an auto_approve policy, only attempted), the counts, users
 * affected, first and last times to the millisecond, cited entries and the
 * window's edges; and the inverse question's principals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/event.h"
#include "common/str.h"
#include "scope/scope.h"
#include "store/store.h"

#define W0 1641772800LL         /* 2022-01-10T00:00:00Z */
#define W1 (W0 + 86400)

struct fixture {
	char dir[64];
	char path[128];
	struct store *s;
};

/* One entry of the story. */
struct story {
	const char *actor;
	int kind;
	const char *vendor, *device, *session, *source;
	const char *action, *tenant, *target;
	int allowed;
	int64_t at_ms;                  /* from W0 */
};

static const struct story log_entries[] = {
	/* 0 */ {"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1",
	    "10.0.0.1", "user.password_reset", "t-a", "usr-a-1", 1, 10250},
	/* 1 */ {"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1",
	    "10.0.0.1", "ticket.view", "t-a", "tkt-1", 1, 20500},
	/* 2 */ {"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1",
	    "10.0.0.1", "ticket.list", "t-b", "", 1, 30000},
	/* 3 */ {"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1",
	    "10.0.0.1", "tenant.export", "t-c", "", 0, 40000},
	/* 4 */ {"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1",
	    "10.0.0.1", "user.password_reset", "t-a", "usr-a-1", 1, 50000},
	/* 5 */ {"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-2", "ses-2",
	    "10.0.0.2", "user.mfa_reset", "t-a", "usr-a-2", 1, 60999},
	/* 6 */ {"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1",
	    "10.0.0.1", "access_request.create", "t-c", "", 1, 70000},
	/* 7: at the window's end, outside */
	{"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1", "10.0.0.1",
	    "ticket.view", "t-a", "tkt-2", 1, 86400000},
	/* 8: a millisecond before its start, outside */
	{"eng-1", ACTOR_ENGINEER, "vendor-a", "dev-1", "ses-1", "10.0.0.1",
	    "ticket.view", "t-a", "tkt-3", 1, -1},
	/* 9: another vendor's engineer */
	{"eng-3", ACTOR_ENGINEER, "vendor-b", "dev-3", "ses-3", "10.0.0.3",
	    "ticket.view", "t-a", "tkt-4", 1, 80000},
	/* 10: the tenant's own user */
	{"usr-b-1", ACTOR_TENANT_USER, "", "", "ses-4", "198.51.100.7",
	    "auth.login", "t-b", "user1", 1, 90000},
};

#define N_ENTRIES (sizeof(log_entries) / sizeof(log_entries[0]))

static int
entry_job(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	const struct story *s = arg;
	struct event ev;
	int rc;

	(void)apply_rc;
	(void)apply_err;
	(void)index;
	(void)time_ms;
	event_init(&ev);
	ev.actor.kind = s->kind;
	str_copy(ev.actor.id, sizeof(ev.actor.id), s->actor);
	str_copy(ev.actor.vendor, sizeof(ev.actor.vendor), s->vendor);
	str_copy(ev.actor.device, sizeof(ev.actor.device), s->device);
	str_copy(ev.actor.session, sizeof(ev.actor.session), s->session);
	str_copy(ev.source, sizeof(ev.source), s->source);
	ev.action = s->action;
	str_copy(ev.tenant, sizeof(ev.tenant), s->tenant);
	str_copy(ev.target, sizeof(ev.target), s->target);
	ev.allowed = s->allowed;
	if (!s->allowed)
		str_copy(ev.reason, sizeof(ev.reason), "role_forbids");
	ev.time_ms = W0 * 1000 + s->at_ms;
	rc = event_serialize(&ev, ev.time_ms, out, en);
	/* en's columns must outlive ev: point them into the story. */
	en->actor_id = s->actor;
	en->engineer_id = en->engineer_id[0] != '\0' ? s->actor : "";
	en->vendor_id = s->vendor;
	en->tenant_id = s->tenant;
	en->action = s->action;
	en->session_id = s->session;
	en->device_id = s->device;
	en->source = s->source;
	en->target = s->target;
	event_cleanup(&ev);
	return rc;
}

/* An entry in another key order than event.c's (as another writer, or an
 * older custos, may have left it): 11, at W1 + 1 h. */
static const char odd_bytes[] = "{\"time\":\"2022-01-11T01:00:00.042Z\","
    "\"v\":1,\"actor\":{\"kind\":\"engineer\",\"id\":\"eng-1\","
    "\"vendor\":\"vendor-a\"},\"session\":\"ses-1\",\"device\":"
    "\"dev-1\",\"source\":\"10.0.0.1\",\"action\":"
    "\"user.password_reset\",\"tenant\":\"t-b\",\"target\":"
    "\"usr-b-9\",\"outcome\":\"allowed\",\"reason\":null}";

static int
odd_job(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	(void)arg;
	(void)apply_rc;
	(void)apply_err;
	(void)index;
	(void)time_ms;
	en->time = W1 + 3600;
	en->actor_id = "eng-1";
	en->engineer_id = "eng-1";
	en->vendor_id = "vendor-a";
	en->tenant_id = "t-b";
	en->action = "user.password_reset";
	en->session_id = "ses-1";
	en->device_id = "dev-1";
	en->source = "10.0.0.1";
	en->allowed = 1;
	return buf_append(out, odd_bytes, sizeof(odd_bytes) - 1);
}

enum wkind { W_VENDOR, W_ENGINEER, W_TENANT, W_GRANT };

struct wrec {
	int kind;
	union {
		struct rec_vendor v;
		struct rec_engineer e;
		struct rec_tenant t;
		struct rec_grant g;
	} u;
};

static int
world_job(struct store_conn *c, void *arg, struct err *e)
{
	const struct wrec *w = arg;
	const struct store_ops *ops = &store_sqlite_ops;

	switch (w->kind) {
	case W_VENDOR:
		return ops->vendor_insert(c, &w->u.v, e);
	case W_ENGINEER:
		return ops->engineer_insert(c, &w->u.e, e);
	case W_TENANT:
		return ops->tenant_insert(c, &w->u.t, e);
	default:
		return ops->grant_insert(c, &w->u.g, e);
	}
}

static void
vendor(struct wrec *w, const char *id)
{
	w->kind = W_VENDOR;
	str_copy(w->u.v.id, sizeof(w->u.v.id), id);
	str_copy(w->u.v.name, sizeof(w->u.v.name), id);
	w->u.v.created = W0 - 86400;
}

static void
engineer(struct wrec *w, const char *id, const char *vid)
{
	w->kind = W_ENGINEER;
	str_copy(w->u.e.id, sizeof(w->u.e.id), id);
	str_copy(w->u.e.username, sizeof(w->u.e.username), id);
	str_copy(w->u.e.vendor_id, sizeof(w->u.e.vendor_id), vid);
	str_copy(w->u.e.password_hash, sizeof(w->u.e.password_hash), "-");
	w->u.e.created = W0 - 86400;
}

static void
tenant(struct wrec *w, const char *id, int policy)
{
	w->kind = W_TENANT;
	str_copy(w->u.t.id, sizeof(w->u.t.id), id);
	str_copy(w->u.t.name, sizeof(w->u.t.name), id);
	w->u.t.policy = policy;
	w->u.t.max_minutes = 480;
	w->u.t.created = W0 - 86400;
}

static void
grant(struct wrec *w, const char *id, const char *tid, const char *eid,
    const char *vid, int64_t decided, int64_t deadline)
{
	struct rec_grant *g = &w->u.g;

	w->kind = W_GRANT;
	str_copy(g->id, sizeof(g->id), id);
	str_copy(g->tenant_id, sizeof(g->tenant_id), tid);
	str_copy(g->engineer_id, sizeof(g->engineer_id), eid);
	str_copy(g->vendor_id, sizeof(g->vendor_id), vid);
	str_copy(g->ticket_id, sizeof(g->ticket_id), "tkt-1");
	str_copy(g->reason, sizeof(g->reason), "a customer asked");
	g->minutes = (deadline - decided) / 60;
	g->state = GRANT_EXPIRED;
	g->created = decided - 60;
	g->decided = decided;
	str_copy(g->decided_by, sizeof(g->decided_by), "usr-a-0");
	g->deadline = deadline;
}

static int
setup(void **state)
{
	static const struct clock clk = {NULL};
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_config cfg;
	struct store_job jobs[16];
	struct wrec w[16];
	struct err e;
	size_t n = 0, i;

	assert_non_null(f);
	str_copy(f->dir, sizeof(f->dir), "/tmp/custos-test-scope.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_not_equal(str_printf(f->path, sizeof(f->path), "%s/c.db",
	    f->dir), -1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &store_sqlite_ops;
	cfg.where = f->path;
	cfg.readers = 1;
	cfg.clock = &clk;
	err_init(&e);
	f->s = store_open(&cfg, &e);
	assert_non_null(f->s);
	memset(w, 0, sizeof(w));
	vendor(&w[n++], "vendor-a");
	vendor(&w[n++], "vendor-b");
	engineer(&w[n++], "eng-1", "vendor-a");
	engineer(&w[n++], "eng-3", "vendor-b");
	tenant(&w[n++], "t-a", POLICY_APPROVAL_REQUIRED);
	tenant(&w[n++], "t-b", POLICY_APPROVAL_REQUIRED);
	tenant(&w[n++], "t-c", POLICY_APPROVAL_REQUIRED);
	tenant(&w[n++], "t-auto", POLICY_AUTO_APPROVE);
	tenant(&w[n++], "t-grant", POLICY_APPROVAL_REQUIRED);
	/* Held from 01:00 (approval) within the window, no entries. */
	grant(&w[n++], "g-1", "t-grant", "eng-1", "vendor-a", W0 + 3600,
	    W0 + 7200);
	grant(&w[n++], "g-2", "t-a", "eng-1", "vendor-a", W0 + 5, W0 + 3600);
	/* Ended before the window: not held in it. */
	grant(&w[n++], "g-3", "t-b", "eng-1", "vendor-a", W0 - 7200,
	    W0 - 3600);
	/* vendor-b's, approved before the window, running into it. */
	grant(&w[n++], "g-4", "t-grant", "eng-3", "vendor-b", W0 - 600,
	    W0 + 600);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < n; i++) {
		jobs[i].apply = world_job;
		jobs[i].arg = &w[i];
	}
	assert_int_equal(store_write_all(f->s, jobs, n, &e), 0);
	for (i = 0; i < N_ENTRIES; i++) {
		struct store_job j = {NULL, entry_job,
		    (void *)(uintptr_t)&log_entries[i]};

		assert_int_equal(store_write(f->s, &j, NULL, &e), 0);
	}
	{
		struct store_job j = {NULL, odd_job, NULL};

		assert_int_equal(store_write(f->s, &j, NULL, &e), 0);
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
	(void)str_printf(p, sizeof(p), "%s/c.db", f->dir);
	unlink(p);
	(void)str_printf(p, sizeof(p), "%s/c.db-wal", f->dir);
	unlink(p);
	(void)str_printf(p, sizeof(p), "%s/c.db-shm", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Asks q; the answer is the caller's to free. */
static void
ask(struct fixture *f, struct scope_query *q, struct scope_answer *a)
{
	struct store_conn *c;
	struct err e;

	err_init(&e);
	c = store_reader_get(f->s, &e);
	assert_non_null(c);
	assert_int_equal(scope_principals(a, c, store_ops(f->s), q, &e), 0);
	store_reader_put(f->s, c);
}

static int64_t
count_of(const struct scope_counts *c, const char *action)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].action, action) == 0)
			return c->v[i].n;
	return 0;
}

static void
assert_entries(const struct scope_indexes *x, const int64_t *want,
    size_t n)
{
	size_t i;

	assert_int_equal(x->n, n);
	for (i = 0; i < n; i++)
		assert_int_equal(x->v[i], want[i]);
}

static void
test_engineer_scope_sorts_tenants_by_what_happened(void **state)
{
	struct fixture *f = *state;
	struct scope_query *q = calloc(1, sizeof(*q));
	struct scope_answer a;
	const struct scope_row *r;
	static const int64_t ta[] = {0, 1, 4, 5}, tc[] = {3, 6};

	assert_non_null(q);
	q->ids[SP_ENGINEER][0] = "eng-1";
	q->n[SP_ENGINEER] = 1;
	q->from = W0;
	q->to = W1;
	ask(f, q, &a);
	assert_int_equal(a.events, 7);
	assert_int_equal(a.denied, 1);
	assert_int_equal(a.max_index, 6);
	assert_int_equal(a.acted_upon, 1);
	assert_int_equal(a.viewed, 1);
	assert_int_equal(a.exposed, 2);
	assert_int_equal(a.n_tenants, 4);
	assert_int_equal(a.n_attempted, 1);
	/* Acted upon, viewed, then exposed by id. */
	assert_string_equal(a.tenants[0]->tenant, "t-a");
	assert_string_equal(a.tenants[1]->tenant, "t-b");
	assert_string_equal(a.tenants[2]->tenant, "t-auto");
	assert_string_equal(a.tenants[3]->tenant, "t-grant");

	r = a.tenants[0];
	assert_int_equal(r->exposure, SCOPE_ACTED_UPON);
	assert_string_equal(r->first, "2022-01-10T00:00:10.250Z");
	assert_string_equal(r->last, "2022-01-10T00:01:00.999Z");
	assert_entries(&r->entries, ta, 4);
	/* Actions in the order first seen. */
	assert_int_equal(r->actions.n, 3);
	assert_string_equal(r->actions.v[0].action, "user.password_reset");
	assert_int_equal(r->actions.v[0].n, 2);
	assert_string_equal(r->actions.v[1].action, "ticket.view");
	assert_string_equal(r->actions.v[2].action, "user.mfa_reset");
	assert_int_equal(r->users_affected.n, 2);
	assert_string_equal(r->users_affected.v[0], "usr-a-1");
	assert_string_equal(r->users_affected.v[1], "usr-a-2");
	assert_int_equal(r->grants.n, 1);
	assert_string_equal(r->grants.v[0], "g-2");
	assert_int_equal(r->denied.n, 0);

	r = a.tenants[1];
	assert_int_equal(r->exposure, SCOPE_VIEWED);
	assert_int_equal(count_of(&r->actions, "ticket.list"), 1);
	assert_int_equal(r->users_affected.n, 0);
	assert_int_equal(r->grants.n, 0);       /* g-3 ended before */

	r = a.tenants[2];
	assert_int_equal(r->exposure, SCOPE_EXPOSED);
	assert_true(r->auto_approve);
	assert_string_equal(r->first, "");
	assert_int_equal(r->entries.n, 0);

	/* A grant alone: held from its approval on. */
	r = a.tenants[3];
	assert_int_equal(r->exposure, SCOPE_EXPOSED);
	assert_false(r->auto_approve);
	assert_string_equal(r->first, "2022-01-10T01:00:00Z");
	assert_string_equal(r->last, "2022-01-10T01:00:00Z");
	assert_int_equal(r->grants.n, 1);
	assert_string_equal(r->grants.v[0], "g-1");

	/* Refused, and a neutral request: attempted, not exposed. */
	r = a.attempted[0];
	assert_string_equal(r->tenant, "t-c");
	assert_entries(&r->entries, tc, 2);
	assert_int_equal(count_of(&r->denied, "tenant.export"), 1);
	assert_int_equal(count_of(&r->actions, "access_request.create"), 1);
	scope_answer_free(&a);
	free(q);
}

static void
test_principals_naming_one_entry_twice_count_it_once(void **state)
{
	struct fixture *f = *state;
	struct scope_query *q = calloc(1, sizeof(*q));
	struct scope_answer a;

	assert_non_null(q);
	q->ids[SP_ENGINEER][0] = "eng-1";
	q->n[SP_ENGINEER] = 1;
	q->ids[SP_DEVICE][0] = "dev-2";
	q->ids[SP_DEVICE][1] = "dev-1";
	q->n[SP_DEVICE] = 2;
	q->ids[SP_SESSION][0] = "ses-1";
	q->n[SP_SESSION] = 1;
	q->from = W0;
	q->to = W1;
	ask(f, q, &a);
	assert_int_equal(a.events, 7);
	assert_int_equal(a.tenants[0]->entries.n, 4);
	scope_answer_free(&a);
	free(q);
}

static void
test_device_scope_finds_its_engineer_and_their_grants(void **state)
{
	struct fixture *f = *state;
	struct scope_query *q = calloc(1, sizeof(*q));
	struct scope_answer a;
	static const int64_t one[] = {5};

	assert_non_null(q);
	q->ids[SP_DEVICE][0] = "dev-2";
	q->n[SP_DEVICE] = 1;
	q->from = W0;
	q->to = W1;
	ask(f, q, &a);
	assert_int_equal(a.events, 1);
	assert_int_equal(a.max_index, 5);
	/* eng-1 made the entry: their grants and the auto_approve tenant
	 * count as exposure. */
	assert_int_equal(a.n_tenants, 3);
	assert_string_equal(a.tenants[0]->tenant, "t-a");
	assert_entries(&a.tenants[0]->entries, one, 1);
	assert_string_equal(a.tenants[0]->first, "2022-01-10T00:01:00.999Z");
	assert_string_equal(a.tenants[1]->tenant, "t-auto");
	assert_string_equal(a.tenants[2]->tenant, "t-grant");
	scope_answer_free(&a);
	free(q);
}

static void
test_window_holds_its_start_and_not_its_end(void **state)
{
	struct fixture *f = *state;
	struct scope_query *q = calloc(1, sizeof(*q));
	struct scope_answer a;
	static const int64_t ends[] = {7};

	assert_non_null(q);
	q->ids[SP_ENGINEER][0] = "eng-1";
	q->n[SP_ENGINEER] = 1;
	q->from = W1;
	q->to = W1 + 1;
	ask(f, q, &a);
	assert_int_equal(a.events, 1);
	assert_entries(&a.tenants[0]->entries, ends, 1);
	assert_string_equal(a.tenants[0]->first, "2022-01-11T00:00:00.000Z");
	scope_answer_free(&a);
	/* Entry 8 is at 23:59:59.999 the day before: outside [W0, W1). */
	q->from = W0 - 1;
	q->to = W0;
	ask(f, q, &a);
	assert_int_equal(a.events, 1);
	assert_int_equal(a.max_index, 8);
	assert_string_equal(a.tenants[0]->first, "2022-01-09T23:59:59.999Z");
	scope_answer_free(&a);
	free(q);
}

static void
test_entries_in_another_key_order_count_the_same(void **state)
{
	struct fixture *f = *state;
	struct scope_query *q = calloc(1, sizeof(*q));
	struct scope_answer a;
	static const int64_t eleven[] = {11};

	assert_non_null(q);
	q->ids[SP_VENDOR][0] = "vendor-a";
	q->n[SP_VENDOR] = 1;
	q->from = W1 + 3600;
	q->to = W1 + 3601;
	ask(f, q, &a);
	assert_int_equal(a.events, 1);
	assert_int_equal(a.acted_upon, 1);
	assert_string_equal(a.tenants[0]->tenant, "t-b");
	assert_entries(&a.tenants[0]->entries, eleven, 1);
	assert_string_equal(a.tenants[0]->first, "2022-01-11T01:00:00.042Z");
	assert_string_equal(a.tenants[0]->last, "2022-01-11T01:00:00.042Z");
	assert_int_equal(a.tenants[0]->users_affected.n, 1);
	assert_string_equal(a.tenants[0]->users_affected.v[0], "usr-b-9");
	scope_answer_free(&a);
	free(q);
}

static void
test_vendor_scope_covers_its_engineers_and_grants(void **state)
{
	struct fixture *f = *state;
	struct scope_query *q = calloc(1, sizeof(*q));
	struct scope_answer a;
	static const int64_t nine[] = {9};

	assert_non_null(q);
	q->ids[SP_VENDOR][0] = "vendor-b";
	q->n[SP_VENDOR] = 1;
	q->from = W0;
	q->to = W1;
	ask(f, q, &a);
	assert_int_equal(a.events, 1);
	assert_int_equal(a.viewed, 1);
	assert_string_equal(a.tenants[0]->tenant, "t-a");
	assert_int_equal(a.tenants[0]->exposure, SCOPE_VIEWED);
	assert_entries(&a.tenants[0]->entries, nine, 1);
	/* g-4 began before the window: held from its start. */
	assert_string_equal(a.tenants[2]->tenant, "t-grant");
	assert_string_equal(a.tenants[2]->first, "2022-01-10T00:00:00Z");
	assert_int_equal(a.tenants[2]->grants.n, 1);
	assert_string_equal(a.tenants[2]->grants.v[0], "g-4");
	scope_answer_free(&a);
	free(q);
}

static void
test_tenant_scope_lists_each_principal_once_per_kind(void **state)
{
	struct fixture *f = *state;
	struct scope_inverse v;
	struct store_conn *c;
	const struct scope_principal *p;
	struct err e;
	size_t i;
	int seen_vendor_b = 0;
	static const int64_t eng1[] = {0, 1, 4, 5};

	err_init(&e);
	c = store_reader_get(f->s, &e);
	assert_non_null(c);
	assert_int_equal(scope_tenant(&v, c, store_ops(f->s), "t-a", W0, W1,
	    &e), 0);
	store_reader_put(f->s, c);
	assert_int_equal(v.max_index, 9);
	p = v.v[0];
	assert_string_equal(p->kind, "engineer");
	assert_string_equal(p->id, "eng-1");
	assert_entries(&p->entries, eng1, 4);
	assert_string_equal(p->first, "2022-01-10T00:00:10.250Z");
	assert_string_equal(p->last, "2022-01-10T00:01:00.999Z");
	assert_int_equal(count_of(&p->actions, "user.password_reset"), 2);
	assert_string_equal(v.v[1]->kind, "vendor");
	assert_string_equal(v.v[1]->id, "vendor-a");
	assert_int_equal(v.v[1]->entries.n, 4);
	assert_string_equal(v.v[2]->kind, "device");
	assert_string_equal(v.v[2]->id, "dev-1");
	assert_int_equal(v.v[2]->entries.n, 3);
	assert_string_equal(v.v[4]->kind, "ip");
	for (i = 0; i < v.n; i++)
		if (strcmp(v.v[i]->kind, "vendor") == 0 &&
		    strcmp(v.v[i]->id, "vendor-b") == 0)
			seen_vendor_b = 1;
	assert_true(seen_vendor_b);
	scope_inverse_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_engineer_scope_sorts_tenants_by_what_happened),
		cmocka_unit_test(
		    test_principals_naming_one_entry_twice_count_it_once),
		cmocka_unit_test(
		    test_device_scope_finds_its_engineer_and_their_grants),
		cmocka_unit_test(test_window_holds_its_start_and_not_its_end),
		cmocka_unit_test(
		    test_entries_in_another_key_order_count_the_same),
		cmocka_unit_test(
		    test_vendor_scope_covers_its_engineers_and_grants),
		cmocka_unit_test(
		    test_tenant_scope_lists_each_principal_once_per_kind),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
