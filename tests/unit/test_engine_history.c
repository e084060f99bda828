/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of detect/engine over imported history (engine_set_history):
 * a history engine reads only imported entries and a live one only live
 * entries, so neither sees the other's state; Okta-mapped events (actor
 * ids that are e-mail addresses, sign-ins as auth.login, Okta's refusal
 * reasons) set the rules off; windows hold in both directions of time;
 * and what only custos knows today (working hours, devices, custosd's own
 * logins) is never asked.  The store's lookups are answered by the test,
 * which counts the calls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/str.h"
#include "detect/engine.h"

#define T0 1761955200000LL      /* 2025-11-01 00:00 UTC, ms */
#define MIN 60000LL
#define ENG "jdoe@sitel.example"

struct world {
	struct rules rs;
	struct engine_lookup lk;
	struct engine *live, *hist;
	int64_t next;
	int lookups;                    /* calls of any lookup */
	struct alert_raise got[16];
	int n;
};

static int
lk_hours(void *ctx, const char *engineer, char *out, size_t size)
{
	struct world *w = ctx;

	(void)engineer;
	w->lookups++;
	return str_copy(out, size, "");
}

static int
lk_logins(void *ctx, const char *engineer, int64_t from_s, int64_t before,
    void (*cb)(void *arg, const char *source), void *arg)
{
	struct world *w = ctx;

	(void)engineer;
	(void)from_s;
	(void)before;
	w->lookups++;
	cb(arg, "192.0.2.1");
	return 0;
}

static int
lk_devices(void *ctx, const char *engineer, int64_t *n)
{
	struct world *w = ctx;

	(void)engineer;
	w->lookups++;
	*n = 5;
	return 0;
}

static void
on_alert(void *arg, const struct alert_raise *a)
{
	struct world *w = arg;

	if (w->n < 16)
		w->got[w->n++] = *a;
}

static int
setup(void **state)
{
	static struct world w;

	memset(&w, 0, sizeof(w));
	rules_defaults(&w.rs);
	w.lk.ctx = &w;
	w.lk.hours = lk_hours;
	w.lk.logins = lk_logins;
	w.lk.devices = lk_devices;
	w.live = engine_new(&w.rs, &w.lk);
	w.hist = engine_new(&w.rs, &w.lk);
	assert_non_null(w.live);
	assert_non_null(w.hist);
	engine_set_history(w.hist);
	*state = &w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	engine_free(w->live);
	engine_free(w->hist);
	return 0;
}

/* An imported (or live) entry by ENG as an engineer, as okta.c maps it. */
static struct entry
entry(int imported, const char *action, int allowed, const char *reason,
    const char *source, int64_t t_ms)
{
	struct entry d;

	memset(&d, 0, sizeof(d));
	d.time_ms = t_ms;
	d.actor_kind = ACTOR_ENGINEER;
	str_copy(d.actor, sizeof(d.actor), ENG);
	str_copy(d.session, sizeof(d.session), "102sitelJdoeSess01aB");
	str_copy(d.source, sizeof(d.source), source != NULL ? source :
	    "203.0.113.45");
	str_copy(d.action, sizeof(d.action), action);
	str_copy(d.tenant, sizeof(d.tenant), strcmp(action, "auth.login") ==
	    0 ? "" : "acme.example");
	d.allowed = allowed;
	str_copy(d.reason, sizeof(d.reason), reason != NULL ? reason : "");
	d.imported = imported;
	return d;
}

/* Feeds d to both engines, as the detection thread does. */
static void
feed(struct world *w, struct entry *d)
{
	d->index = w->next++;
	engine_feed(w->live, d, on_alert, w);
	engine_feed(w->hist, d, on_alert, w);
}

static void
nine_okta_mfa_resets_in_seven_minutes_make_a_burst(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	for (i = 0; i < 9; i++) {
		d = entry(1, "user.mfa_reset", 1, NULL, NULL,
		    T0 + i * 50000);    /* 8 x 50 s: under seven minutes */
		feed(w, &d);
		assert_int_equal(w->n, i < 4 ? 0 : 1);
	}
	assert_int_equal(w->got[0].rule, RULE_RESET_BURST);
	assert_string_equal(w->got[0].subject, ENG);
	assert_string_equal(w->got[0].engineer, ENG);
	assert_int_equal(w->got[0].nentries, 5);
	assert_int_equal(w->got[0].last_ms, T0 + 4 * 50000);
	assert_int_equal(w->got[0].first_ms, T0);
	/* Only the history engine kept anything. */
	assert_int_equal(engine_states(w->live), 0);
	assert_int_equal(w->lookups, 0);
}

static void
live_and_history_never_add_up(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	/* Four live resets and four imported ones at the same minutes:
	 * five make a burst, neither engine has more than four. */
	for (i = 0; i < 4; i++) {
		d = entry(0, "user.password_reset", 1, NULL, NULL,
		    T0 + i * MIN);
		feed(w, &d);
		d = entry(1, "user.mfa_reset", 1, NULL, NULL, T0 + i * MIN);
		feed(w, &d);
	}
	assert_int_equal(w->n, 0);
	/* A fifth live one fires live only, and the history's fifth
	 * fires for the history. */
	d = entry(0, "user.password_reset", 1, NULL, NULL, T0 + 5 * MIN);
	feed(w, &d);
	assert_int_equal(w->n, 1);
	d = entry(1, "user.mfa_reset", 1, NULL, NULL, T0 + 5 * MIN);
	feed(w, &d);
	assert_int_equal(w->n, 2);
	assert_int_equal(w->got[0].rule, RULE_RESET_BURST);
	assert_int_equal(w->got[1].rule, RULE_RESET_BURST);
	assert_int_equal(w->got[1].entries[4], d.index);
}

static void
windows_hold_both_ways_in_time(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	/* Three resets on the 10th, then three on the 3rd: a week apart,
	 * no burst, though the 3rd was fed last. */
	for (i = 0; i < 3; i++) {
		d = entry(1, "user.mfa_reset", 1, NULL, NULL,
		    T0 + 9 * 86400000LL + i * MIN);
		feed(w, &d);
	}
	for (i = 0; i < 3; i++) {
		d = entry(1, "user.mfa_reset", 1, NULL, NULL,
		    T0 + 2 * 86400000LL + i * MIN);
		feed(w, &d);
	}
	assert_int_equal(w->n, 0);
	/* Two more on the 3rd, fed newest first: five within the hour. */
	d = entry(1, "user.mfa_reset", 1, NULL, NULL,
	    T0 + 2 * 86400000LL + 10 * MIN);
	feed(w, &d);
	assert_int_equal(w->n, 0);
	d = entry(1, "user.mfa_reset", 1, NULL, NULL,
	    T0 + 2 * 86400000LL + 5 * MIN);
	feed(w, &d);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_RESET_BURST);
	assert_int_equal(w->got[0].nentries, 5);
}

static void
okta_refused_sign_ins_count_and_locked_out_alerts(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	for (i = 0; i < 5; i++) {
		d = entry(1, "auth.login", 0, i % 2 ? "INVALID_CREDENTIALS" :
		    "VERIFICATION_ERROR", "198.51.100.9", T0 + i * MIN);
		feed(w, &d);
	}
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_LOGIN_FAILURES);
	assert_string_equal(w->got[0].subject_kind, "account");
	assert_string_equal(w->got[0].subject, ENG);
	d = entry(1, "auth.login", 0, "LOCKED_OUT", "198.51.100.9",
	    T0 + 6 * MIN);
	feed(w, &d);
	assert_int_equal(w->n, 2);
	assert_int_equal(w->got[1].rule, RULE_ACCOUNT_LOCKED);
	/* The same refusals live: reasons custosd never writes count for
	 * nothing there. */
	for (i = 0; i < 6; i++) {
		d = entry(0, "auth.login", 0, "INVALID_CREDENTIALS",
		    "198.51.100.9", T0 + (10 + i) * MIN);
		feed(w, &d);
	}
	assert_int_equal(w->n, 2);
}

static void
networks_are_learned_from_the_history_itself(void **state)
{
	struct world *w = *state;
	struct entry d;

	/* The first sign-in has nothing to compare with (custosd's own
	 * logins, which the lookup would give, are not asked). */
	d = entry(1, "auth.login", 1, NULL, "203.0.113.45", T0);
	feed(w, &d);
	d = entry(1, "auth.login", 1, NULL, "203.0.113.45", T0 + MIN);
	feed(w, &d);
	assert_int_equal(w->n, 0);
	d = entry(1, "auth.login", 1, NULL, "198.51.100.20", T0 + 2 * MIN);
	feed(w, &d);
	/* new_network, and the session seen from two addresses. */
	assert_int_equal(w->n, 3);
	assert_int_equal(w->got[0].rule, RULE_SESSION_TWO_ADDRESSES);
	assert_int_equal(w->got[1].rule, RULE_NEW_NETWORK);
	assert_int_equal(w->got[2].rule, RULE_SEVERAL_SIGNALS);
	/* No working hours, devices or custosd logins were asked for. */
	assert_int_equal(w->lookups, 0);
	assert_string_equal(w->got[1].engineer, ENG);
}

static void
forbidden_probe_reads_imported_entries(void **state)
{
	struct world *w = *state;
	struct entry d;

	d = entry(1, "user.delete", 0, "role_forbids", NULL, T0);
	feed(w, &d);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_FORBIDDEN_PROBE);
	assert_string_equal(w->got[0].tenant, "acme.example");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    nine_okta_mfa_resets_in_seven_minutes_make_a_burst,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    live_and_history_never_add_up, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    windows_hold_both_ways_in_time, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    okta_refused_sign_ins_count_and_locked_out_alerts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    networks_are_learned_from_the_history_itself, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    forbidden_probe_reads_imported_entries, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
