/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of metrics/expo (the Prometheus text format 0.0.4 writer)
 * and of metrics/metrics's registry as written out: label values and HELP
 * text escaped as the format says, histograms cumulative with +Inf equal
 * to _count, numbers written plainly, outcomes by status class, and a
 * full buffer reported instead of a cut line.  The expected texts are
 * written here by hand from the format's documentation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/action.h"
#include "metrics/expo.h"
#include "metrics/metrics.h"

static char *
text(struct buf *b)
{
	assert_int_equal(buf_append(b, "", 1), 0);
	return (char *)b->data;
}

static void
label_values_are_escaped(void **state)
{
	struct expo_label l[2] = {
		{"rule", "a\\b\"c\nd"}, {"severity", "high"}
	};
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(expo_sample_int(&b, "x_total", l, 2, 7), 0);
	assert_string_equal(text(&b),
	    "x_total{rule=\"a\\\\b\\\"c\\nd\",severity=\"high\"} 7\n");
	buf_cleanup(&b);
}

static void
help_is_escaped_but_quotes_are_not(void **state)
{
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(expo_family(&b, "x", "gauge", "a \"q\" \\ and\nnl"),
	    0);
	assert_string_equal(text(&b), "# HELP x a \"q\" \\\\ and\\nnl\n"
	    "# TYPE x gauge\n");
	buf_cleanup(&b);
}

static void
sample_without_labels_and_special_floats(void **state)
{
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(expo_sample(&b, "a", NULL, 0, 0.1), 0);
	assert_int_equal(expo_sample(&b, "b", NULL, 0, 10), 0);
	assert_int_equal(expo_sample(&b, "c", NULL, 0, INFINITY), 0);
	assert_int_equal(expo_sample(&b, "d", NULL, 0, NAN), 0);
	assert_int_equal(expo_sample(&b, "e", NULL, 0, 1796242164.581), 0);
	assert_string_equal(text(&b), "a 0.1\nb 10\nc +Inf\nd NaN\n"
	    "e 1796242164.581\n");
	buf_cleanup(&b);
}

static void
histogram_is_cumulative_and_count_equals_inf(void **state)
{
	static const double bounds[] = {0.5, 1, 10};
	static const uint64_t counts[] = {2, 0, 3, 1};   /* 1 above 10 */
	struct expo_label l = {"action", "user.list"};
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(expo_histogram(&b, "h_seconds", &l, 1, bounds, 3,
	    counts, 12.25), 0);
	assert_string_equal(text(&b),
	    "h_seconds_bucket{action=\"user.list\",le=\"0.5\"} 2\n"
	    "h_seconds_bucket{action=\"user.list\",le=\"1\"} 2\n"
	    "h_seconds_bucket{action=\"user.list\",le=\"10\"} 5\n"
	    "h_seconds_bucket{action=\"user.list\",le=\"+Inf\"} 6\n"
	    "h_seconds_sum{action=\"user.list\"} 12.25\n"
	    "h_seconds_count{action=\"user.list\"} 6\n");
	buf_cleanup(&b);
}

static void
histogram_without_labels(void **state)
{
	static const double bounds[] = {1};
	static const uint64_t counts[] = {0, 0};
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(expo_histogram(&b, "h", NULL, 0, bounds, 1, counts,
	    0), 0);
	assert_string_equal(text(&b), "h_bucket{le=\"1\"} 0\n"
	    "h_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
	buf_cleanup(&b);
}

static void
full_buffer_is_an_error(void **state)
{
	struct expo_label l = {"k", "a long enough value"};
	struct buf b;

	buf_init(&b, 16);
	assert_int_equal(expo_sample_int(&b, "name_total", &l, 1, 1), -1);
	buf_cleanup(&b);
}

/* The registry: outcome by status class, per-action histograms, the
 * refusals before the API counted by code only, the string series. */
static void
registry_counts_requests_by_action_and_outcome(void **state)
{
	struct metrics *m = metrics_new("1.2.3", "node \"a\"", "sqlite");
	struct buf b;
	char *t;

	assert_non_null(m);
	metrics_request(m, ACT_USER_LIST, 200, 2000000);        /* 2 ms */
	metrics_request(m, ACT_USER_LIST, 403, 30000000000LL);  /* 30 s */
	metrics_request(m, ACT_USER_LIST, 503, 1);
	metrics_request(m, -1, 400, 5);
	metrics_commit(m, 3, 1000, 1);
	metrics_commit(m, 1, 1000, 0);
	metrics_alert(m, "break_glass", "high");
	metrics_alert(m, "break_glass", "high");
	assert_int_equal(metrics_export_lag_set(m, "siem", 5, 1.5), 0);
	buf_init(&b, 1 << 20);
	assert_int_equal(metrics_write(m, &b), 0);
	t = text(&b);
	assert_non_null(strstr(t, "custos_build_info{version=\"1.2.3\"} 1\n"));
	assert_non_null(strstr(t, "custos_node_info{node=\"node \\\"a\\\"\","
	    "store=\"sqlite\"} 1\n"));
	assert_non_null(strstr(t, "custos_requests_total{action=\"user.list\","
	    "outcome=\"allowed\"} 1\n"));
	assert_non_null(strstr(t, "custos_requests_total{action=\"user.list\","
	    "outcome=\"denied\"} 1\n"));
	assert_non_null(strstr(t, "custos_requests_total{action=\"user.list\","
	    "outcome=\"error\"} 1\n"));
	assert_non_null(strstr(t, "custos_request_duration_seconds_bucket{"
	    "action=\"user.list\",le=\"0.001\"} 1\n"));
	assert_non_null(strstr(t, "custos_request_duration_seconds_bucket{"
	    "action=\"user.list\",le=\"0.0025\"} 2\n"));
	assert_non_null(strstr(t, "custos_request_duration_seconds_bucket{"
	    "action=\"user.list\",le=\"10\"} 2\n"));
	assert_non_null(strstr(t, "custos_request_duration_seconds_bucket{"
	    "action=\"user.list\",le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(t, "custos_request_duration_seconds_count{"
	    "action=\"user.list\"} 3\n"));
	/* Refused before the API: by code only, no action. */
	assert_non_null(strstr(t, "custos_http_responses_total{code=\"400\"} "
	    "1\n"));
	assert_null(strstr(t, "action=\"unknown\""));
	assert_non_null(strstr(t, "custos_commit_batch_size_bucket{le=\"2\"} "
	    "0\n"));
	assert_non_null(strstr(t, "custos_commit_batch_size_bucket{le=\"4\"} "
	    "1\n"));
	assert_non_null(strstr(t, "custos_commit_failures_total 1\n"));
	assert_non_null(strstr(t, "custos_alerts_total{rule=\"break_glass\","
	    "severity=\"high\"} 2\n"));
	assert_non_null(strstr(t, "custos_export_lag_events{destination="
	    "\"siem\"} 5\n"));
	assert_non_null(strstr(t, "custos_export_lag_seconds{destination="
	    "\"siem\"} 1.5\n"));
	/* No checkpoint known: its age is left out. */
	assert_null(strstr(t, "custos_checkpoint_age_seconds "));
	buf_cleanup(&b);
	metrics_free(m);
}

static void
alert_series_are_bounded(void **state)
{
	struct metrics *m = metrics_new("v", "n", "s");
	char rule[32];
	struct buf b;
	int i;

	for (i = 0; i < METRICS_ALERT_SERIES + 10; i++) {
		assert_int_equal(snprintf(rule, sizeof(rule), "r%d", i) > 0, 1);
		metrics_alert(m, rule, "low");
	}
	buf_init(&b, 1 << 20);
	assert_int_equal(metrics_write(m, &b), 0);
	assert_non_null(strstr(text(&b), "custos_alerts_total{rule=\"other\","
	    "severity=\"other\"} 11\n"));
	buf_cleanup(&b);
	metrics_free(m);
}

static void
null_registry_does_nothing(void **state)
{
	struct buf b;

	metrics_request(NULL, ACT_HEALTH, 200, 1);
	metrics_commit(NULL, 1, 1, 1);
	metrics_alert(NULL, "x", "y");
	assert_int_equal(metrics_export_lag_set(NULL, "x", 1, 1), 0);
	buf_init(&b, 16);
	assert_int_equal(metrics_write(NULL, &b), 0);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
	metrics_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_values_are_escaped),
		cmocka_unit_test(help_is_escaped_but_quotes_are_not),
		cmocka_unit_test(sample_without_labels_and_special_floats),
		cmocka_unit_test(histogram_is_cumulative_and_count_equals_inf),
		cmocka_unit_test(histogram_without_labels),
		cmocka_unit_test(full_buffer_is_an_error),
		cmocka_unit_test(registry_counts_requests_by_action_and_outcome),
		cmocka_unit_test(alert_series_are_bounded),
		cmocka_unit_test(null_registry_does_nothing),
	};

	return cmocka_run_group_tests_name("unit.expo", tests, NULL, NULL);
}
