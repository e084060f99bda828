/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of audit/flood: the first refusal of a kind from a source in
 * an interval is recorded, the rest only counted and handed over once as a
 * tally when the interval is over; a source past its budget is refused
 * before any work; IPv6 hosts count by /64; the table stays bounded however
 * many sources come; a tally that could not be recorded is kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "audit/flood.h"

#define MIN 60000

struct got {
	struct flood_tally t[64];
	size_t n;
	int fail;
};

static int
collect(void *arg, const struct flood_tally *t, size_t n)
{
	struct got *g = arg;
	size_t i;

	if (g->fail)
		return -1;
	for (i = 0; i < n && g->n < 64; i++)
		g->t[g->n++] = t[i];
	return 0;
}

static struct flood *
new_flood(uint32_t budget)
{
	struct flood_config c = {MIN, budget};
	struct flood *f = flood_new(&c);

	assert_non_null(f);
	return f;
}

static void
first_of_a_kind_is_recorded_the_rest_counted_once(void **state)
{
	struct flood *f = new_flood(1000);
	struct got g;
	int i;

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_int_equal(flood_refusal(f, "10.0.0.1", "unknown",
	    "no_such_route", "", "/a", 1000), FLOOD_RECORD);
	for (i = 0; i < 99; i++)
		assert_int_equal(flood_refusal(f, "10.0.0.1", "unknown",
		    "no_such_route", "", i == 0 ? "/b" : "/c", 2000 + i),
		    FLOOD_COUNT);
	/* Another kind and another source are each recorded once. */
	assert_int_equal(flood_refusal(f, "10.0.0.1", "user.list",
	    "bad_token", "", "", 3000), FLOOD_RECORD);
	assert_int_equal(flood_refusal(f, "10.0.0.2", "unknown",
	    "no_such_route", "", "/a", 3000), FLOOD_RECORD);
	/* Nothing is due before the interval is over. */
	assert_false(flood_due(f, 2000 + MIN - 1));
	assert_int_equal(flood_drain(f, 2000 + MIN - 1, 0, collect, &g), 0);
	assert_true(flood_due(f, 2000 + MIN));
	assert_int_equal(flood_drain(f, 2000 + MIN, 0, collect, &g), 1);
	assert_string_equal(g.t[0].source, "10.0.0.1");
	assert_string_equal(g.t[0].action, "unknown");
	assert_string_equal(g.t[0].reason, "no_such_route");
	assert_string_equal(g.t[0].target, "/b");
	assert_int_equal(g.t[0].count, 99);
	assert_int_equal(g.t[0].first_ms, 2000);
	assert_int_equal(g.t[0].last_ms, 2098);
	/* Handed over once. */
	assert_int_equal(flood_drain(f, 10 * MIN, 1, collect, &g), 0);
	assert_int_equal(g.n, 1);
	flood_free(f);
}

static void
a_probe_of_each_tenant_is_recorded_for_that_tenant(void **state)
{
	struct flood *f = new_flood(1000);

	(void)state;
	assert_int_equal(flood_refusal(f, "10.0.0.1", "user.list", "no_token",
	    "acme", "", 0), FLOOD_RECORD);
	assert_int_equal(flood_refusal(f, "10.0.0.1", "user.list", "no_token",
	    "globex", "", 0), FLOOD_RECORD);
	assert_int_equal(flood_refusal(f, "10.0.0.1", "user.list", "no_token",
	    "acme", "", 1), FLOOD_COUNT);
	flood_free(f);
}

static void
a_new_interval_records_the_first_again(void **state)
{
	struct flood *f = new_flood(1000);

	(void)state;
	assert_int_equal(flood_refusal(f, "10.0.0.1", "unknown", "r", "", "",
	    0), FLOOD_RECORD);
	assert_int_equal(flood_refusal(f, "10.0.0.1", "unknown", "r", "", "",
	    MIN - 1), FLOOD_COUNT);
	assert_int_equal(flood_refusal(f, "10.0.0.1", "unknown", "r", "", "",
	    MIN), FLOOD_RECORD);
	flood_free(f);
}

static void
a_source_past_its_budget_is_refused_until_the_interval_ends(void **state)
{
	struct flood *f = new_flood(5);
	int64_t retry = 0;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_false(flood_spent(f, "10.0.0.1", 1000, &retry));
		(void)flood_refusal(f, "10.0.0.1", "unknown", "r", "", "", 1000);
	}
	assert_true(flood_spent(f, "10.0.0.1", 1500, &retry));
	assert_int_equal(retry, 60);
	assert_false(flood_spent(f, "10.0.0.9", 1500, &retry));
	assert_false(flood_spent(f, "10.0.0.1", 1000 + MIN, &retry));
	flood_free(f);
}

static void
ipv6_hosts_count_by_their_64(void **state)
{
	struct flood *f = new_flood(2);
	char key[FLOOD_SOURCE_MAX];
	int64_t retry;

	(void)state;
	flood_source_key(key, "2001:db8:1:2:aaaa::1");
	assert_string_equal(key, "2001:db8:1:2::/64");
	flood_source_key(key, "192.0.2.7");
	assert_string_equal(key, "192.0.2.7");
	(void)flood_refusal(f, "2001:db8:1:2::1", "unknown", "r", "", "", 0);
	(void)flood_refusal(f, "2001:db8:1:2::2", "unknown", "r", "", "", 0);
	assert_true(flood_spent(f, "2001:db8:1:2:ffff::3", 1, &retry));
	assert_false(flood_spent(f, "2001:db8:1:3::1", 1, &retry));
	flood_free(f);
}

static void
kinds_past_the_limit_share_one_tally(void **state)
{
	struct flood *f = new_flood(100000);
	struct got g;
	char reason[16];
	int i;

	(void)state;
	memset(&g, 0, sizeof(g));
	for (i = 0; i < FLOOD_KINDS + 10; i++) {
		snprintf(reason, sizeof(reason), "r%d", i);
		(void)flood_refusal(f, "10.0.0.1", "unknown", reason, "", "", 0);
		(void)flood_refusal(f, "10.0.0.1", "unknown", reason, "", "", 1);
	}
	assert_int_equal(flood_drain(f, MIN + 1, 0, collect, &g),
	    FLOOD_KINDS + 1);
	assert_string_equal(g.t[FLOOD_KINDS].reason, "other");
	/* 10 kinds shared the last one: the first was recorded, 19 were
	 * counted there. */
	assert_int_equal(g.t[FLOOD_KINDS].count, 19);
	flood_free(f);
}

static void
sources_past_the_table_share_one_bucket(void **state)
{
	struct flood *f = new_flood(100000);
	struct got g;
	char addr[32];
	int i, records = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	for (i = 0; i < FLOOD_SOURCES + 500; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", (i >> 16) & 255,
		    (i >> 8) & 255, i & 255);
		records += flood_refusal(f, addr, "unknown", "r", "", "", 0) ==
		    FLOOD_RECORD;
	}
	/* One record per tracked source, and one for the shared bucket. */
	assert_int_equal(records, FLOOD_SOURCES + 1);
	assert_int_equal(flood_drain(f, MIN, 0, collect, &g), 1);
	assert_string_equal(g.t[0].source, "*");
	assert_int_equal(g.t[0].count, 499);
	/* The drain freed every source: new ones are tracked again. */
	assert_int_equal(flood_refusal(f, "10.200.0.1", "unknown", "r", "", "",
	    MIN), FLOOD_RECORD);
	assert_int_equal(flood_refusal(f, "10.200.0.2", "unknown", "r", "", "",
	    MIN), FLOOD_RECORD);
	flood_free(f);
}

static void
a_tally_that_could_not_be_recorded_is_kept(void **state)
{
	struct flood *f = new_flood(1000);
	struct got g;

	(void)state;
	memset(&g, 0, sizeof(g));
	(void)flood_refusal(f, "10.0.0.1", "unknown", "r", "", "", 0);
	(void)flood_refusal(f, "10.0.0.1", "unknown", "r", "", "", 1);
	(void)flood_refusal(f, "10.0.0.1", "unknown", "r", "", "", 2);
	g.fail = 1;
	assert_int_equal(flood_drain(f, MIN + 5, 0, collect, &g), -1);
	g.fail = 0;
	assert_true(flood_due(f, 2 * MIN + 5));
	assert_int_equal(flood_drain(f, 2 * MIN + 5, 0, collect, &g), 1);
	assert_int_equal(g.t[0].count, 2);
	flood_free(f);
}

/* SIGHUP's reload: a new budget bites on the next check, either way. */
static void
a_changed_budget_applies_from_the_next_request(void **state)
{
	struct flood *f = new_flood(100);
	int64_t retry = 0;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		(void)flood_refusal(f, "10.0.0.1", "unknown", "r", "", "", 1000);
	assert_false(flood_spent(f, "10.0.0.1", 1000, &retry));
	flood_set_budget(f, 3);
	assert_true(flood_spent(f, "10.0.0.1", 1000, &retry));
	flood_set_budget(f, 4);
	assert_false(flood_spent(f, "10.0.0.1", 1000, &retry));
	flood_set_budget(f, 0);         /* counts as 1 */
	assert_true(flood_spent(f, "10.0.0.1", 1000, &retry));
	flood_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    first_of_a_kind_is_recorded_the_rest_counted_once),
		cmocka_unit_test(
		    a_probe_of_each_tenant_is_recorded_for_that_tenant),
		cmocka_unit_test(a_new_interval_records_the_first_again),
		cmocka_unit_test(
		    a_source_past_its_budget_is_refused_until_the_interval_ends),
		cmocka_unit_test(ipv6_hosts_count_by_their_64),
		cmocka_unit_test(kinds_past_the_limit_share_one_tally),
		cmocka_unit_test(sources_past_the_table_share_one_bucket),
		cmocka_unit_test(a_tally_that_could_not_be_recorded_is_kept),
		cmocka_unit_test(
		    a_changed_budget_applies_from_the_next_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
