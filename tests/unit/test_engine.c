/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of detect/engine and detect/rules: each rule fires on the
 * entry that completes its pattern and not before, stays quiet for its
 * window once fired, forgets what fell out of its window, learns without
 * alerting during warm-up, and reads its settings from the config text.
 * The store's three lookups are answered by the test (the integration
 * tests drive the real store).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/str.h"
#include "detect/engine.h"

#define T0 1642417200000LL      /* Monday 2022-01-17 11:00 UTC, ms */
#define MIN 60000LL

struct world {
	struct rules rs;
	struct engine_lookup lk;
	struct engine *en;
	int64_t next;                   /* next entry index */
	int64_t devices;                /* what the devices lookup says */
	const char *hours;
	const char *history;            /* a past login source, or NULL */
	struct alert_raise got[16];
	int n;
};

static int
lk_hours(void *ctx, const char *engineer, char *out, size_t size)
{
	struct world *w = ctx;

	(void)engineer;
	return str_copy(out, size, w->hours != NULL ? w->hours : "");
}

static int
lk_logins(void *ctx, const char *engineer, int64_t from_s, int64_t before,
    void (*cb)(void *arg, const char *source), void *arg)
{
	struct world *w = ctx;

	(void)engineer;
	(void)from_s;
	(void)before;
	if (w->history != NULL)
		cb(arg, w->history);
	return 0;
}

static int
lk_devices(void *ctx, const char *engineer, int64_t *n)
{
	struct world *w = ctx;

	(void)engineer;
	*n = w->devices;
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
	w.devices = 1;
	w.en = engine_new(&w.rs, &w.lk);
	assert_non_null(w.en);
	*state = &w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	engine_free(w->en);
	return 0;
}

/* An entry by engineer eng1 (kind "engineer") unless kind says else. */
static struct entry
entry(int kind, const char *action, const char *tenant, int allowed,
    const char *reason, int64_t t_ms)
{
	struct entry d;

	memset(&d, 0, sizeof(d));
	d.time_ms = t_ms;
	d.actor_kind = kind;
	str_copy(d.actor, sizeof(d.actor), kind == ACTOR_OPERATOR ?
	    "operator" : "eng1");
	str_copy(d.vendor, sizeof(d.vendor), "sitel");
	if (kind == ACTOR_ENGINEER) {
		str_copy(d.session, sizeof(d.session), "ses_1");
		str_copy(d.device, sizeof(d.device), "dev1");
	}
	str_copy(d.source, sizeof(d.source), "10.0.0.7");
	str_copy(d.action, sizeof(d.action), action);
	str_copy(d.tenant, sizeof(d.tenant), tenant != NULL ? tenant : "");
	d.allowed = allowed;
	str_copy(d.reason, sizeof(d.reason), reason != NULL ? reason : "");
	return d;
}

static void
feed(struct world *w, struct entry *d, int live)
{
	d->index = w->next++;
	engine_feed(w->en, d, live ? on_alert : NULL, w);
}

static void
a_reset_burst_fires_on_the_fifth_and_then_keeps_quiet(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	for (i = 0; i < 4; i++) {
		d = entry(ACTOR_ENGINEER, "user.password_reset", "t1", 1, NULL,
		    T0 + i * MIN);
		feed(w, &d, 1);
	}
	assert_int_equal(w->n, 0);
	d = entry(ACTOR_ENGINEER, "user.mfa_reset", "t1", 1, NULL, T0 + 5 * MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_RESET_BURST);
	assert_string_equal(w->got[0].subject, "eng1");
	assert_int_equal(w->got[0].nentries, 5);
	assert_int_equal(w->got[0].entries[4], d.index);
	/* A sixth within the hour: the alert already stands. */
	d = entry(ACTOR_ENGINEER, "user.password_reset", "t1", 1, NULL,
	    T0 + 6 * MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
}

static void
resets_outside_the_window_do_not_add_up(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	for (i = 0; i < 8; i++) {
		d = entry(ACTOR_ENGINEER, "user.password_reset", "t1", 1, NULL,
		    T0 + i * 20 * MIN);        /* three an hour */
		feed(w, &d, 1);
	}
	assert_int_equal(w->n, 0);
	/* A refused reset is no reset. */
	for (i = 0; i < 6; i++) {
		d = entry(ACTOR_ENGINEER, "user.password_reset", "t2", 0,
		    "no_approved_access", T0 + 300 * MIN + i);
		feed(w, &d, 1);
	}
	assert_int_equal(w->n, 0);
}

static void
warm_up_learns_without_alerting(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	for (i = 0; i < 4; i++) {
		d = entry(ACTOR_ENGINEER, "user.password_reset", "t1", 1, NULL,
		    T0 + i * MIN);
		feed(w, &d, 0);
	}
	d = entry(ACTOR_ENGINEER, "user.password_reset", "t1", 1, NULL,
	    T0 + 4 * MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_RESET_BURST);
}

static void
tenant_hopping_counts_distinct_tenants_in_the_hour(void **state)
{
	struct world *w = *state;
	struct entry d;
	char t[16];
	int i;

	for (i = 0; i < 10; i++) {
		str_printf(t, sizeof(t), "t%d", i);
		d = entry(ACTOR_ENGINEER, "ticket.list", t, 1, NULL,
		    T0 + i * MIN);
		feed(w, &d, 1);
		d = entry(ACTOR_ENGINEER, "user.list", t, 1, NULL,
		    T0 + i * MIN + 1);
		feed(w, &d, 1);
	}
	/* Asking for access is not entering. */
	d = entry(ACTOR_ENGINEER, "access_request.create", "t99", 1, NULL,
	    T0 + 11 * MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 0);
	d = entry(ACTOR_ENGINEER, "ticket.list", "t10", 1, NULL, T0 + 12 * MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_TENANT_HOPPING);
	assert_int_equal(w->got[0].nentries, 11);
}

static void
a_session_from_two_addresses_fires_within_its_window(void **state)
{
	struct world *w = *state;
	struct entry d;

	d = entry(ACTOR_ENGINEER, "ticket.list", "t1", 1, NULL, T0);
	feed(w, &d, 1);
	d = entry(ACTOR_ENGINEER, "ticket.list", "t1", 1, NULL, T0 + 40 * MIN);
	str_copy(d.source, sizeof(d.source), "192.0.2.1");
	feed(w, &d, 1);
	assert_int_equal(w->n, 0);     /* 40 min later: a move, not a theft */
	d = entry(ACTOR_ENGINEER, "user.list", "t1", 0, "no_approved_access",
	    T0 + 41 * MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_SESSION_TWO_ADDRESSES);
	assert_string_equal(w->got[0].subject_kind, "session");
	assert_string_equal(w->got[0].subject, "ses_1");
	assert_string_equal(w->got[0].engineer, "eng1");
	assert_int_equal(w->got[0].nentries, 2);
}

static void
failed_logins_and_a_lockout_alert_on_the_account(void **state)
{
	struct world *w = *state;
	struct entry d;
	int i;

	for (i = 0; i < 5; i++) {
		d = entry(ACTOR_ANONYMOUS, "auth.login", NULL, 0,
		    i % 2 ? "bad_password" : "bad_totp", T0 + i * 1000);
		feed(w, &d, 1);
		assert_int_equal(w->n, i == 4);
	}
	assert_int_equal(w->got[0].rule, RULE_LOGIN_FAILURES);
	assert_string_equal(w->got[0].subject_kind, "account");
	assert_string_equal(w->got[0].subject, "eng1");
	d = entry(ACTOR_ANONYMOUS, "auth.login", NULL, 0, "locked", T0 + 9000);
	feed(w, &d, 1);
	assert_int_equal(w->n, 2);
	assert_int_equal(w->got[1].rule, RULE_ACCOUNT_LOCKED);
}

static void
a_second_device_then_tenant_access_alerts_a_first_does_not(void **state)
{
	struct world *w = *state;
	struct entry d, dev;

	dev = entry(ACTOR_OPERATOR, "device.create", NULL, 1, NULL, T0);
	str_copy(dev.engineer, sizeof(dev.engineer), "eng1");
	feed(w, &dev, 1);                       /* devices: 1, enrolment */
	d = entry(ACTOR_ENGINEER, "ticket.list", "t1", 1, NULL, T0 + MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 0);
	w->devices = 2;
	dev.time_ms = T0 + 2 * MIN;
	feed(w, &dev, 1);
	d = entry(ACTOR_ENGINEER, "ticket.list", "t1", 1, NULL, T0 + 3 * MIN);
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_CREDENTIAL_THEN_ACCESS);
	assert_int_equal(w->got[0].entries[0], dev.index);
}

static void
a_login_from_a_new_network_alerts_only_with_a_history(void **state)
{
	struct world *w = *state;
	struct entry d;

	/* No history: the first login sets the baseline. */
	d = entry(ACTOR_ENGINEER, "auth.verify", NULL, 1, NULL, T0);
	feed(w, &d, 1);
	assert_int_equal(w->n, 0);
	/* Each login makes its own session. */
	d = entry(ACTOR_ENGINEER, "auth.verify", NULL, 1, NULL, T0 + MIN);
	str_copy(d.session, sizeof(d.session), "ses_2");
	str_copy(d.source, sizeof(d.source), "10.0.0.99");     /* same /24 */
	feed(w, &d, 1);
	assert_int_equal(w->n, 0);
	d = entry(ACTOR_ENGINEER, "auth.verify", NULL, 1, NULL, T0 + 2 * MIN);
	str_copy(d.session, sizeof(d.session), "ses_3");
	str_copy(d.source, sizeof(d.source), "10.0.1.5");
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_NEW_NETWORK);
}

static void
networks_are_slash_24_and_slash_48(void **state)
{
	char net[64];

	(void)state;
	assert_int_equal(engine_network(net, sizeof(net), "10.1.2.3"), 0);
	assert_string_equal(net, "10.1.2.0/24");
	assert_int_equal(engine_network(net, sizeof(net),
	    "2001:db8:aa:bb::1"), 0);
	assert_string_equal(net, "2001:db8:aa::/48");
	assert_int_equal(engine_network(net, sizeof(net), "example"), -1);
}

static void
activity_outside_declared_hours_alerts(void **state)
{
	struct world *w = *state;
	struct entry d;

	w->hours = "mon-fri 08:00-18:00";
	d = entry(ACTOR_ENGINEER, "ticket.list", "t1", 1, NULL, T0);
	feed(w, &d, 1);
	assert_int_equal(w->n, 0);              /* Monday 11:00 */
	d = entry(ACTOR_ENGINEER, "ticket.list", "t1", 1, NULL,
	    T0 + 5 * 24 * 60 * MIN);           /* Saturday 11:00 */
	feed(w, &d, 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(w->got[0].rule, RULE_OFF_HOURS);
}

static void
probes_break_glass_and_unknown_devices_alert_at_once(void **state)
{
	struct world *w = *state;
	struct entry d;

	d = entry(ACTOR_ENGINEER, "tenant.export", "t1", 0, "role_forbids", T0);
	feed(w, &d, 1);
	d = entry(ACTOR_OPERATOR, "access_request.break_glass", "t1", 1, NULL,
	    T0 + 1);
	str_copy(d.engineer, sizeof(d.engineer), "eng2");
	feed(w, &d, 1);
	d = entry(ACTOR_ANONYMOUS, "auth.login", NULL, 0,
	    "unregistered_device", T0 + 2);
	feed(w, &d, 1);
	assert_int_equal(w->n, 3);
	assert_int_equal(w->got[0].rule, RULE_FORBIDDEN_PROBE);
	assert_int_equal(w->got[1].rule, RULE_BREAK_GLASS);
	assert_string_equal(w->got[1].subject, "eng2");
	assert_int_equal(w->got[2].rule, RULE_UNREGISTERED_DEVICE);
	assert_string_equal(w->got[2].engineer, "eng1");
}

static void
disabled_rules_and_imported_entries_stay_silent(void **state)
{
	struct world *w = *state;
	struct err e;
	struct entry d;

	err_init(&e);
	assert_int_equal(rules_set(&w->rs, "rule-forbidden-probe",
	    "enabled=no", &e), 0);
	d = entry(ACTOR_ENGINEER, "tenant.export", "t1", 0, "role_forbids", T0);
	feed(w, &d, 1);
	d = entry(ACTOR_ENGINEER, "user.create", "t1", 0, "role_forbids", T0);
	d.imported = 1;
	assert_int_equal(rules_set(&w->rs, "rule-forbidden-probe",
	    "enabled=yes", &e), 0);
	feed(w, &d, 1);
	assert_int_equal(w->n, 0);
}

static void
rule_settings_parse_and_refuse_naming_the_problem(void **state)
{
	struct rules rs;
	struct err e;

	(void)state;
	rules_defaults(&rs);
	err_init(&e);
	assert_int_equal(rules_set(&rs, "rule-tenant-hopping",
	    " threshold=15  window=7200 severity=critical contain=vendor ", &e),
	    0);
	assert_int_equal(rs.r[RULE_TENANT_HOPPING].threshold, 15);
	assert_int_equal(rs.r[RULE_TENANT_HOPPING].window, 7200);
	assert_int_equal(rs.r[RULE_TENANT_HOPPING].severity, SEV_CRITICAL);
	assert_int_equal(rs.r[RULE_TENANT_HOPPING].contain, RC_VENDOR);
	assert_int_equal(rules_set(&rs, "rule-no-such", "enabled=no", &e), -1);
	assert_non_null(strstr(e.msg, "no such rule"));
	assert_int_equal(rules_set(&rs, "rule-off-hours", "window=10", &e),
	    -1);
	assert_non_null(strstr(e.msg, "window"));
	assert_int_equal(rules_set(&rs, "rule-off-hours", "loud", &e), -1);
	assert_int_equal(rules_set(&rs, "rule-off-hours", "colour=red", &e),
	    -1);
	assert_int_equal(rs.r[RULE_OFF_HOURS].window, 3600);   /* unchanged */
}

/* The fast reader reads what event.c writes exactly as jansson does,
 * and steps aside (1) for what it does not know. */
static void
the_fast_reader_agrees_with_jansson_on_written_entries(void **state)
{
	static const char *const targets[] = {"usr-1", "caf\xc3\xa9",
	    "quote\"d", NULL};
	struct entry fast, slow;
	struct rec_entry en;
	struct event ev;
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 64 * 1024);
	for (i = 0; targets[i] != NULL; i++) {
		event_init(&ev);
		ev.actor.kind = ACTOR_ENGINEER;
		str_copy(ev.actor.id, sizeof(ev.actor.id), "eng1");
		str_copy(ev.actor.vendor, sizeof(ev.actor.vendor), "sitel");
		str_copy(ev.source, sizeof(ev.source), "10.0.0.1");
		ev.action = "user.password_reset";
		str_copy(ev.tenant, sizeof(ev.tenant), "t1");
		str_copy(ev.target, sizeof(ev.target), targets[i]);
		ev.allowed = i != 1;
		if (i == 1)
			str_copy(ev.reason, sizeof(ev.reason), "role_forbids");
		event_detail(&ev, "engineer", "eng2");
		event_detail(&ev, "imported", "okta");
		buf_reset(&b);
		assert_int_equal(event_serialize(&ev, T0 + 123, &b, &en), 0);
		assert_int_equal(entry_parse(&slow, 7, b.data, b.len), 0);
		assert_int_equal(entry_scan(&fast, 7, b.data, b.len),
		    i == 0 ? 0 : 1);
		assert_int_equal(entry_read(&fast, 7, b.data, b.len), 0);
		assert_memory_equal(&fast, &slow, sizeof(fast));
		assert_int_equal(fast.time_ms, T0 + 123);
		assert_string_equal(fast.engineer, "eng2");
		assert_true(fast.imported);
		event_cleanup(&ev);
	}
	assert_int_equal(entry_scan(&fast, 1, "{\"v\":1}", 7), 1);
	assert_int_equal(entry_read(&fast, 1, "{\"v\":1}", 7), -1);
	buf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(a_reset_burst_fires_on_the_fifth_and_then_keeps_quiet),
		T(resets_outside_the_window_do_not_add_up),
		T(warm_up_learns_without_alerting),
		T(tenant_hopping_counts_distinct_tenants_in_the_hour),
		T(a_session_from_two_addresses_fires_within_its_window),
		T(failed_logins_and_a_lockout_alert_on_the_account),
		T(a_second_device_then_tenant_access_alerts_a_first_does_not),
		T(a_login_from_a_new_network_alerts_only_with_a_history),
		T(activity_outside_declared_hours_alerts),
		T(probes_break_glass_and_unknown_devices_alert_at_once),
		T(disabled_rules_and_imported_entries_stay_silent),
		cmocka_unit_test(networks_are_slash_24_and_slash_48),
		cmocka_unit_test(
		    the_fast_reader_agrees_with_jansson_on_written_entries),
		cmocka_unit_test(rule_settings_parse_and_refuse_naming_the_problem),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
