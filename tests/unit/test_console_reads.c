/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the store's reads for the console (issue 13) on a real
 * SQLite store (access_fixture.h): grant_views names each request's
 * engineer, vendor, ticket and tenant and counts that engineer's past with
 * the tenant -- only requests made before this one (ties in time broken by
 * id, as the list is ordered), only those of the same tenant, "approved"
 * only for those that granted access at some time (approved, then maybe
 * expired or revoked; break-glass too; not denied, not pending, not
 * expired unanswered), "last" the latest grant -- and pages newest first
 * by id; tenant_page filters names by substring without ASCII case and
 * pages by id; engineer_list never reads a secret.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "access_fixture.h"

/* A grant of eng_a1 (unless engineer given) to tenant, made at created. */
static void
grant(struct fx *f, const char *id, const char *tenant, const char *engineer,
    int64_t created, int state, int64_t decided, int break_glass)
{
	struct rec_grant g;

	memset(&g, 0, sizeof(g));
	str_copy(g.id, sizeof(g.id), id);
	str_copy(g.tenant_id, sizeof(g.tenant_id), tenant);
	str_copy(g.engineer_id, sizeof(g.engineer_id), engineer);
	str_copy(g.vendor_id, sizeof(g.vendor_id),
	    strcmp(engineer, "eng_b1") == 0 ? "ven_b" : "ven_a");
	str_printf(g.ticket_id, sizeof(g.ticket_id), "tkt_%s", tenant);
	str_copy(g.reason, sizeof(g.reason), "customer cannot log in");
	g.minutes = 30;
	g.state = state;
	g.break_glass = break_glass;
	g.created = created;
	g.decided = decided;
	g.deadline = created + 3600;
	fx_put(f, fx_put_grant, &g);
}

struct got {
	struct rec_grant_view v[16];
	size_t n;
};

static int
view_cb(void *arg, const struct rec_grant_view *v)
{
	struct got *g = arg;

	if (g->n == 16)
		return 1;
	g->v[g->n++] = *v;
	return 0;
}

static void
views(struct fx *f, struct got *g, const char *tenant, const char *engineer,
    const char *after, int64_t limit, int want_rc)
{
	struct store_conn *c = fx_reader(f);
	struct err e;

	memset(g, 0, sizeof(*g));
	err_init(&e);
	assert_int_equal(f->ops->grant_views(c, tenant, engineer, after, limit,
	    view_cb, g, &e), want_rc);
	store_reader_put(f->s, c);
}

static const struct rec_grant_view *
find(const struct got *g, const char *id)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->v[i].g.id, id) == 0)
			return &g->v[i];
	fail_msg("no %s", id);
	return NULL;
}

static void
past_counts_only_earlier_grants_of_the_same_tenant(void **state)
{
	struct fx *f = *state;
	const int64_t t = FX_NOW;
	const struct rec_grant_view *v;
	struct got g;

	grant(f, "r1", "ten_req", "eng_a1", t, GRANT_DENIED, t + 5, 0);
	grant(f, "r2", "ten_req", "eng_a1", t + 10, GRANT_REVOKED, t + 20, 0);
	grant(f, "r3", "ten_req", "eng_a1", t + 30, GRANT_EXPIRED, 0, 0);
	grant(f, "r4", "ten_req", "eng_a1", t + 40, GRANT_EXPIRED, t + 45, 0);
	grant(f, "r5", "ten_req", "eng_a1", t + 50, GRANT_APPROVED, t + 55,
	    1);
	/* Same time as r5, later id: r5 is before it. */
	grant(f, "r6", "ten_req", "eng_a1", t + 50, GRANT_PENDING, 0, 0);
	grant(f, "o1", "ten_other", "eng_a1", t + 1, GRANT_APPROVED, t + 2,
	    0);
	grant(f, "b1", "ten_req", "eng_b1", t + 60, GRANT_PENDING, 0, 0);
	views(f, &g, "ten_req", NULL, NULL, 100, 0);
	assert_int_equal(g.n, 7);
	/* Newest first, ties by id descending. */
	assert_string_equal(g.v[0].g.id, "b1");
	assert_string_equal(g.v[1].g.id, "r6");
	assert_string_equal(g.v[2].g.id, "r5");
	v = find(&g, "r1");
	assert_int_equal(v->past_requests, 0);
	assert_int_equal(v->past_approved, 0);
	assert_int_equal(v->past_last, 0);
	v = find(&g, "r3");             /* r1 denied, r2 granted then revoked */
	assert_int_equal(v->past_requests, 2);
	assert_int_equal(v->past_approved, 1);
	assert_int_equal(v->past_last, t + 20);
	v = find(&g, "r5");     /* + r3 expired unanswered, r4 granted */
	assert_int_equal(v->past_requests, 4);
	assert_int_equal(v->past_approved, 2);
	assert_int_equal(v->past_last, t + 45);
	v = find(&g, "r6");     /* + r5, break-glass */
	assert_int_equal(v->past_requests, 5);
	assert_int_equal(v->past_approved, 3);
	assert_int_equal(v->past_last, t + 55);
	v = find(&g, "b1");     /* another engineer: nothing of eng_a1's */
	assert_int_equal(v->past_requests, 0);
	assert_string_equal(v->engineer_username, "eng_b1");
	assert_string_equal(v->vendor_name, "Vendor B");
	v = find(&g, "r2");
	assert_string_equal(v->engineer_username, "eng_a1");
	assert_string_equal(v->vendor_name, "Vendor A");
	assert_string_equal(v->ticket_subject, "Cannot log in");
	assert_string_equal(v->tenant_name, "ten_req");
	assert_int_equal(v->g.state, GRANT_REVOKED);

	/* One engineer, every tenant; then one engineer in one tenant. */
	views(f, &g, NULL, "eng_a1", NULL, 100, 0);
	assert_int_equal(g.n, 7);
	assert_int_equal(find(&g, "o1")->past_requests, 0);
	views(f, &g, "ten_other", "eng_a1", NULL, 100, 0);
	assert_int_equal(g.n, 1);
	views(f, &g, NULL, NULL, NULL, 100, 0);
	assert_int_equal(g.n, 8);

	/* Pages: after r5 come r4, r3. */
	views(f, &g, "ten_req", NULL, "r5", 2, 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.v[0].g.id, "r4");
	assert_string_equal(g.v[1].g.id, "r3");
	views(f, &g, "ten_req", NULL, "r6", 100, 0);
	assert_string_equal(g.v[0].g.id, "r5");
	views(f, &g, "ten_req", NULL, "nothing", 100, 1);
	/* A cursor of another list names nothing in this one. */
	views(f, &g, "ten_req", NULL, "o1", 100, 1);
	views(f, &g, NULL, "eng_b1", "r5", 100, 1);
}

struct names {
	char id[8][ID_MAX];
	size_t n;
};

static int
tenant_cb(void *arg, const struct rec_tenant *t)
{
	struct names *nm = arg;

	if (nm->n == 8)
		return 1;
	str_copy(nm->id[nm->n++], ID_MAX, t->id);
	return 0;
}

static void
tenants_are_filtered_without_ascii_case_and_paged(void **state)
{
	struct fx *f = *state;
	struct store_conn *c;
	struct names nm;
	struct err e;

	err_init(&e);
	c = fx_reader(f);
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(f->ops->tenant_page(c, "TEN_O", "", 10, tenant_cb,
	    &nm, &e), 0);
	assert_int_equal(nm.n, 1);
	assert_string_equal(nm.id[0], "ten_other");
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(f->ops->tenant_page(c, "", "", 2, tenant_cb, &nm,
	    &e), 0);
	assert_int_equal(nm.n, 2);
	assert_string_equal(nm.id[0], "ten_auto");
	assert_string_equal(nm.id[1], "ten_deny");
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(f->ops->tenant_page(c, "ten", "ten_deny", 10,
	    tenant_cb, &nm, &e), 0);
	assert_int_equal(nm.n, 2);
	assert_string_equal(nm.id[0], "ten_other");
	assert_string_equal(nm.id[1], "ten_req");
	memset(&nm, 0, sizeof(nm));
	/* A filter is text, not a pattern. */
	assert_int_equal(f->ops->tenant_page(c, "%", "", 10, tenant_cb, &nm,
	    &e), 0);
	assert_int_equal(nm.n, 0);
	store_reader_put(f->s, c);
}

static int
engineer_cb(void *arg, const struct rec_engineer *r)
{
	int *n = arg;

	assert_string_equal(r->password_hash, "");
	assert_int_equal(r->totp.len, 0);
	(*n)++;
	return 0;
}

static void
engineer_list_reads_no_secret(void **state)
{
	struct fx *f = *state;
	struct store_conn *c = fx_reader(f);
	struct rec_engineer en;
	struct err e;
	int n = 0;

	err_init(&e);
	memset(&en, 0, sizeof(en));
	str_copy(en.id, sizeof(en.id), "eng_secret");
	str_copy(en.username, sizeof(en.username), "eng_secret");
	str_copy(en.vendor_id, sizeof(en.vendor_id), "ven_a");
	str_copy(en.password_hash, sizeof(en.password_hash), "$argon2id$x");
	memset(en.totp.secret, 7, 20);
	en.totp.len = 20;
	store_reader_put(f->s, c);
	fx_put(f, fx_put_engineer, &en);
	c = fx_reader(f);
	assert_int_equal(f->ops->engineer_list(c, engineer_cb, &n, &e), 0);
	assert_int_equal(n, 4);
	store_reader_put(f->s, c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    past_counts_only_earlier_grants_of_the_same_tenant,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    tenants_are_filtered_without_ascii_case_and_paged,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(engineer_list_reads_no_secret,
		    fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
