/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of access/sweeper without the API on a real SQLite store:
 * what is due (pending unanswered, approved ended) is expired once, with
 * one access_request.expire entry by custosd each, and never again; what
 * is not due or already ended otherwise is left alone; admins are told
 * once that an access ends soon; the thread sweeps at its clock's time and
 * waits while the log is halted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "access_fixture.h"
#include "access/grant.h"
#include "access/sweeper.h"

static void
put_grant(struct fx *f, const char *id, int state, int64_t deadline)
{
	struct rec_grant g;

	memset(&g, 0, sizeof(g));
	str_copy(g.id, sizeof(g.id), id);
	str_copy(g.tenant_id, sizeof(g.tenant_id), "ten_req");
	str_copy(g.engineer_id, sizeof(g.engineer_id), "eng_a1");
	str_copy(g.vendor_id, sizeof(g.vendor_id), "ven_a");
	str_copy(g.ticket_id, sizeof(g.ticket_id), "tkt_ten_req");
	str_copy(g.reason, sizeof(g.reason), "customer cannot log in");
	g.minutes = 60;
	g.state = state;
	g.created = FX_NOW - 7200;
	g.deadline = deadline;
	fx_put(f, fx_put_grant, &g);
}

static struct sweeper_config
config(struct fx *f)
{
	struct sweeper_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.store = f->s;
	cfg.mail = f->mail;
	return cfg;
}

struct seen {
	int expire;
	int by_custosd;
};

static int
entry_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct seen *s = arg;
	char text[2048];

	(void)index;
	if (len >= sizeof(text))
		return 0;
	memcpy(text, bytes, len);
	text[len] = '\0';
	if (strstr(text, "\"access_request.expire\"") != NULL) {
		s->expire++;
		s->by_custosd += strstr(text, "\"custosd\"") != NULL;
	}
	return 0;
}

static struct seen
seen(struct fx *f)
{
	struct store_conn *c = fx_reader(f);
	struct seen s = {0, 0};
	struct err e;

	err_init(&e);
	assert_int_equal(f->ops->entry_range(c, 0, fx_entries(f), entry_cb,
	    &s, &e), 0);
	store_reader_put(f->s, c);
	return s;
}

static void
the_sweeper_expires_what_is_due_exactly_once(void **state)
{
	struct fx *f = *state;
	struct sweeper_config cfg = config(f);
	int64_t before;

	put_grant(f, "req_pending", GRANT_PENDING, FX_NOW - 1);
	put_grant(f, "req_ended", GRANT_APPROVED, FX_NOW - 10);
	put_grant(f, "req_later", GRANT_APPROVED, FX_NOW + 3600);
	put_grant(f, "req_due_now", GRANT_PENDING, FX_NOW);
	put_grant(f, "req_revoked", GRANT_REVOKED, FX_NOW - 10);
	before = fx_entries(f);
	assert_int_equal(sweeper_run(&cfg, FX_NOW), 3);
	assert_int_equal(fx_grant(f, "req_pending").state, GRANT_EXPIRED);
	assert_int_equal(fx_grant(f, "req_ended").state, GRANT_EXPIRED);
	assert_int_equal(fx_grant(f, "req_due_now").state, GRANT_EXPIRED);
	assert_int_equal(fx_grant(f, "req_later").state, GRANT_APPROVED);
	assert_int_equal(fx_grant(f, "req_revoked").state, GRANT_REVOKED);
	assert_true(fx_entries(f) == before + 3);
	assert_int_equal(seen(f).expire, 3);
	assert_int_equal(seen(f).by_custosd, 3);
	/* Again: nothing is due any more. */
	assert_int_equal(sweeper_run(&cfg, FX_NOW + 1), 0);
	assert_true(fx_entries(f) == before + 3);
	assert_int_equal(fx_mail(f, "new"), 0);
}

static void
the_sweeper_tells_admins_once_that_access_ends_soon(void **state)
{
	struct fx *f = *state;
	struct sweeper_config cfg = config(f);
	int64_t before;

	put_grant(f, "req_soon", GRANT_APPROVED, FX_NOW + 600);
	put_grant(f, "req_pending_soon", GRANT_PENDING, FX_NOW + 700);
	before = fx_entries(f);
	assert_int_equal(sweeper_run(&cfg, FX_NOW), 1);
	assert_int_equal(fx_mail(f, "new"), 1);
	assert_int_equal(fx_mail(f, "tmp"), 0);
	assert_int_equal(fx_grant(f, "req_soon").notified, 1);
	assert_int_equal(fx_grant(f, "req_soon").state, GRANT_APPROVED);
	assert_true(fx_entries(f) == before);
	assert_int_equal(sweeper_run(&cfg, FX_NOW + 60), 0);
	assert_int_equal(fx_mail(f, "new"), 1);
	/* Its end is still recorded, once. */
	assert_int_equal(sweeper_run(&cfg, FX_NOW + 600), 1);
	assert_int_equal(fx_grant(f, "req_soon").state, GRANT_EXPIRED);
	assert_true(fx_entries(f) == before + 1);
}

static void
a_grant_answered_meanwhile_is_not_expired_and_leaves_no_entry(void **state)
{
	struct fx *f = *state;
	struct sweeper_config cfg = config(f);
	struct rec_grant stale, revoked;
	struct request_op op;
	struct store_conn *c;
	int64_t before;

	put_grant(f, "req_raced", GRANT_APPROVED, FX_NOW - 1);
	/* The sweeper read it due; an admin revokes it before its write. */
	stale = fx_grant(f, "req_raced");
	revoked = stale;
	revoked.state = GRANT_REVOKED;
	memset(&op, 0, sizeof(op));
	op.g = revoked;
	op.from = GRANT_APPROVED;
	assert_int_equal(fx_write(f, &op, NULL, NULL), 0);
	before = fx_entries(f);
	c = fx_reader(f);
	assert_int_equal(sweeper_grant(&cfg, c, &stale, FX_NOW), 0);
	store_reader_put(f->s, c);
	assert_int_equal(fx_grant(f, "req_raced").state, GRANT_REVOKED);
	assert_true(fx_entries(f) == before);
	assert_int_equal(seen(f).expire, 0);
}

static int halted_flag;

static int
halted(void *arg)
{
	(void)arg;
	return __atomic_load_n(&halted_flag, __ATOMIC_SEQ_CST);
}

static void
the_thread_sweeps_at_its_clocks_time_and_waits_while_halted(void **state)
{
	struct fx *f = *state;
	struct sweeper_config cfg = config(f);
	struct timespec pause = {0, 100 * 1000000L};
	struct clock clk;
	struct sweeper *sw;
	char path[160];
	struct err e;
	FILE *fp;
	int i;

	str_printf(path, sizeof(path), "%s/clock", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%lld\n", (long long)FX_NOW);
	fclose(fp);
	clk.file = path;
	cfg.clock = &clk;
	cfg.halted = halted;
	put_grant(f, "req_pending", GRANT_PENDING, FX_NOW - 1);
	__atomic_store_n(&halted_flag, 1, __ATOMIC_SEQ_CST);
	err_init(&e);
	sw = sweeper_start(&cfg, &e);
	assert_non_null(sw);
	for (i = 0; i < 12; i++)
		nanosleep(&pause, NULL);
	assert_int_equal(fx_grant(f, "req_pending").state, GRANT_PENDING);
	__atomic_store_n(&halted_flag, 0, __ATOMIC_SEQ_CST);
	for (i = 0; i < 50 && fx_grant(f, "req_pending").state ==
	    GRANT_PENDING; i++)
		nanosleep(&pause, NULL);
	sweeper_stop(sw);
	assert_int_equal(fx_grant(f, "req_pending").state, GRANT_EXPIRED);
	assert_int_equal(seen(f).expire, 1);
	sweeper_stop(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(the_sweeper_expires_what_is_due_exactly_once),
		T(the_sweeper_tells_admins_once_that_access_ends_soon),
		T(a_grant_answered_meanwhile_is_not_expired_and_leaves_no_entry),
		T(the_thread_sweeps_at_its_clocks_time_and_waits_while_halted),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
