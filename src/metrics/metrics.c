/* SPDX-License-Identifier: ISC */
/*
 * The registry of metrics.h and its writing out.  Counters are plain
 * uint64_t touched only with __atomic builtins (relaxed: a scrape needs
 * no order between series); a histogram is one counter per bucket plus
 * its sum, and its _count is written as the sum of its buckets, so _count
 * always equals the +Inf bucket even while requests are counted.
 */
#include "metrics/metrics.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/action.h"
#include "common/str.h"
#include "metrics/expo.h"

#define NAME_MAX_LEN 64         /* a rule, severity or destination name */
#define STATUS_MAX 600          /* HTTP status codes 100..599 */

enum outcome { OUT_ALLOWED, OUT_DENIED, OUT_ERROR, OUT_COUNT };

static const char *const outcome_names[OUT_COUNT] = {
	"allowed", "denied", "error"
};

/* Request latency, seconds: 1 ms to 10 s. */
static const double dur_bounds[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
	10
};
#define DUR_N (sizeof(dur_bounds) / sizeof(dur_bounds[0]))

/* Commit latency, seconds: 100 us to 5 s. */
static const double commit_bounds[] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
	0.25, 0.5, 1, 5
};
#define COMMIT_N (sizeof(commit_bounds) / sizeof(commit_bounds[0]))

/* Requests per group commit: 1 to the writer's default batch_max. */
static const double batch_bounds[] = {
	1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096
};
#define BATCH_N (sizeof(batch_bounds) / sizeof(batch_bounds[0]))

static const char *const webhook_names[METRICS_WEBHOOK_RESULTS] = {
	"delivered", "retry", "gave_up"
};

struct hist_dur {
	uint64_t b[DUR_N + 1];
	uint64_t sum_ns;
};

struct alert_series {
	char rule[NAME_MAX_LEN], severity[NAME_MAX_LEN];
	uint64_t n;
};

struct export_series {
	char name[NAME_MAX_LEN];
	int64_t events;
	double seconds;
};

struct metrics {
	char version[NAME_MAX_LEN], node[128], store[NAME_MAX_LEN];
	double start_time;

	/* The request path: atomics only. */
	uint64_t requests[ACT_COUNT][OUT_COUNT];
	struct hist_dur dur[ACT_COUNT];
	uint64_t responses[STATUS_MAX];

	/* The writer's thread. */
	uint64_t commit_batch[BATCH_N + 1];
	uint64_t commit_batch_sum;
	uint64_t commit_dur[COMMIT_N + 1];
	uint64_t commit_dur_ns;
	uint64_t commit_failed;

	uint64_t webhook[METRICS_WEBHOOK_RESULTS];
	int64_t webhook_due;
	int64_t webhook_oldest_ms;

	int64_t log_entries, log_tree_size, checkpoint_age_ms;
	uint64_t scrapes;

	void (*collect)(void *arg, struct metrics *m);
	void *collect_arg;

	pthread_mutex_t mu;     /* the string-keyed series below */
	struct alert_series alerts[METRICS_ALERT_SERIES];
	size_t nalerts;
	struct export_series exports[METRICS_EXPORT_SERIES];
	size_t nexports;
};

static void
add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static uint64_t
get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void
set_i64(int64_t *c, int64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

static int64_t
get_i64(const int64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* The bucket of v: the first bound at or above it, else the last
 * (+Inf) slot. */
static size_t
bucket(const double *bounds, size_t n, double v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v <= bounds[i])
			return i;
	return n;
}

struct metrics *
metrics_new(const char *version, const char *node, const char *store)
{
	struct metrics *m = calloc(1, sizeof(*m));
	struct timespec ts;

	if (m == NULL)
		return NULL;
	str_copy(m->version, sizeof(m->version), version != NULL ? version :
	    "");
	str_copy(m->node, sizeof(m->node), node != NULL ? node : "");
	str_copy(m->store, sizeof(m->store), store != NULL ? store : "");
	clock_gettime(CLOCK_REALTIME, &ts);
	m->start_time = (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) /
	    1000.0;
	m->checkpoint_age_ms = -1;
	pthread_mutex_init(&m->mu, NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

void
metrics_request(struct metrics *m, int action, int status, int64_t ns)
{
	enum outcome o;

	if (m == NULL)
		return;
	if (status >= 100 && status < STATUS_MAX)
		add(&m->responses[status], 1);
	if (action < 0 || action >= ACT_COUNT)
		return;
	o = status >= 500 ? OUT_ERROR : status >= 400 ? OUT_DENIED :
	    OUT_ALLOWED;
	add(&m->requests[action][o], 1);
	if (ns < 0)
		ns = 0;
	add(&m->dur[action].b[bucket(dur_bounds, DUR_N, (double)ns / 1e9)],
	    1);
	add(&m->dur[action].sum_ns, (uint64_t)ns);
}

void
metrics_commit(struct metrics *m, int batch, int64_t ns, int ok)
{
	if (m == NULL)
		return;
	if (!ok) {
		add(&m->commit_failed, 1);
		return;
	}
	if (ns < 0)
		ns = 0;
	if (batch < 0)
		batch = 0;
	add(&m->commit_batch[bucket(batch_bounds, BATCH_N, batch)], 1);
	add(&m->commit_batch_sum, (uint64_t)batch);
	add(&m->commit_dur[bucket(commit_bounds, COMMIT_N, (double)ns / 1e9)],
	    1);
	add(&m->commit_dur_ns, (uint64_t)ns);
}

void
metrics_alert(struct metrics *m, const char *rule, const char *severity)
{
	struct alert_series *a = NULL;
	size_t i;

	if (m == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nalerts && a == NULL; i++)
		if (strcmp(m->alerts[i].rule, rule) == 0 &&
		    strcmp(m->alerts[i].severity, severity) == 0)
			a = &m->alerts[i];
	if (a == NULL && m->nalerts < METRICS_ALERT_SERIES) {
		a = &m->alerts[m->nalerts++];
		/* The last slot takes whatever does not fit. */
		str_copy(a->rule, sizeof(a->rule), m->nalerts ==
		    METRICS_ALERT_SERIES ? "other" : rule);
		str_copy(a->severity, sizeof(a->severity), m->nalerts ==
		    METRICS_ALERT_SERIES ? "other" : severity);
	}
	if (a == NULL)
		a = &m->alerts[METRICS_ALERT_SERIES - 1];
	a->n++;
	pthread_mutex_unlock(&m->mu);
}

void
metrics_webhook_attempt(struct metrics *m, enum metrics_webhook_result r)
{
	if (m == NULL || r >= METRICS_WEBHOOK_RESULTS)
		return;
	add(&m->webhook[r], 1);
}

void
metrics_webhook_due(struct metrics *m, int64_t due, double oldest_seconds)
{
	if (m == NULL)
		return;
	set_i64(&m->webhook_due, due);
	set_i64(&m->webhook_oldest_ms, (int64_t)(oldest_seconds * 1000));
}

int
metrics_export_lag_set(struct metrics *m, const char *destination,
    int64_t events, double seconds)
{
	struct export_series *x = NULL;
	size_t i;

	if (m == NULL)
		return 0;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nexports && x == NULL; i++)
		if (strcmp(m->exports[i].name, destination) == 0)
			x = &m->exports[i];
	if (x == NULL && m->nexports < METRICS_EXPORT_SERIES) {
		x = &m->exports[m->nexports++];
		str_copy(x->name, sizeof(x->name), destination);
	}
	if (x != NULL) {
		x->events = events;
		x->seconds = seconds;
	}
	pthread_mutex_unlock(&m->mu);
	return x != NULL ? 0 : -1;
}

void
metrics_set_collector(struct metrics *m,
    void (*collect)(void *arg, struct metrics *m), void *arg)
{
	if (m == NULL)
		return;
	m->collect = collect;
	m->collect_arg = arg;
}

void
metrics_log_set(struct metrics *m, int64_t entries, int64_t tree_size,
    double checkpoint_age)
{
	if (m == NULL)
		return;
	set_i64(&m->log_entries, entries);
	set_i64(&m->log_tree_size, tree_size);
	set_i64(&m->checkpoint_age_ms, checkpoint_age < 0 ? -1 :
	    (int64_t)(checkpoint_age * 1000));
}

void
metrics_scraped(struct metrics *m)
{
	if (m != NULL)
		add(&m->scrapes, 1);
}

/* Open descriptors: the entries of /proc/self/fd (-1 without /proc). */
static int64_t
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int64_t n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;           /* not the one opendir holds */
}

#define TRY(x) do { if ((x) == -1) return -1; } while (0)

static int
write_requests(struct metrics *m, struct buf *out)
{
	struct expo_label l[2];
	uint64_t counts[DUR_N + 1];
	size_t a, o, k;
	int any;

	TRY(expo_family(out, "custos_requests_total", "counter",
	    "API requests answered, by action (the action table's name) and "
	    "outcome (allowed: status below 400, denied: 4xx, error: 5xx)."));
	for (a = 0; a < ACT_COUNT; a++)
		for (o = 0; o < OUT_COUNT; o++) {
			uint64_t n = get(&m->requests[a][o]);

			if (n == 0)
				continue;
			l[0].name = "action";
			l[0].value = action_get((int)a)->name;
			l[1].name = "outcome";
			l[1].value = outcome_names[o];
			TRY(expo_sample_int(out, "custos_requests_total", l, 2,
			    (int64_t)n));
		}
	TRY(expo_family(out, "custos_request_duration_seconds", "histogram",
	    "Time from a request's headers to its answer (its log entry "
	    "durable included), by action."));
	for (a = 0; a < ACT_COUNT; a++) {
		for (k = 0, any = 0; k <= DUR_N; k++) {
			counts[k] = get(&m->dur[a].b[k]);
			any |= counts[k] != 0;
		}
		if (!any)
			continue;
		l[0].name = "action";
		l[0].value = action_get((int)a)->name;
		TRY(expo_histogram(out, "custos_request_duration_seconds", l, 1,
		    dur_bounds, DUR_N, counts,
		    (double)get(&m->dur[a].sum_ns) / 1e9));
	}
	TRY(expo_family(out, "custos_http_responses_total", "counter",
	    "HTTP answers of the main listener by status code, refusals "
	    "before the API (malformed requests) included."));
	for (k = 0; k < STATUS_MAX; k++) {
		char code[8];
		uint64_t n = get(&m->responses[k]);

		if (n == 0)
			continue;
		str_printf(code, sizeof(code), "%zu", k);
		l[0].name = "code";
		l[0].value = code;
		TRY(expo_sample_int(out, "custos_http_responses_total", l, 1,
		    (int64_t)n));
	}
	return 0;
}

static int
write_store(struct metrics *m, struct buf *out)
{
	uint64_t b[BATCH_N + 1], d[COMMIT_N + 1];
	size_t k;

	for (k = 0; k <= BATCH_N; k++)
		b[k] = get(&m->commit_batch[k]);
	for (k = 0; k <= COMMIT_N; k++)
		d[k] = get(&m->commit_dur[k]);
	TRY(expo_family(out, "custos_commit_batch_size", "histogram",
	    "Writes grouped into one commit by the store's writer."));
	TRY(expo_histogram(out, "custos_commit_batch_size", NULL, 0,
	    batch_bounds, BATCH_N, b, (double)get(&m->commit_batch_sum)));
	TRY(expo_family(out, "custos_commit_duration_seconds", "histogram",
	    "Time of one group commit, from begin to durable."));
	TRY(expo_histogram(out, "custos_commit_duration_seconds", NULL, 0,
	    commit_bounds, COMMIT_N, d,
	    (double)get(&m->commit_dur_ns) / 1e9));
	TRY(expo_family(out, "custos_commit_failures_total", "counter",
	    "Group commits that failed (their requests were answered 503)."));
	TRY(expo_sample_int(out, "custos_commit_failures_total", NULL, 0,
	    (int64_t)get(&m->commit_failed)));
	TRY(expo_family(out, "custos_log_entries", "gauge",
	    "Entries committed to the transparency log."));
	TRY(expo_sample_int(out, "custos_log_entries", NULL, 0,
	    get_i64(&m->log_entries)));
	TRY(expo_family(out, "custos_log_tree_size", "gauge",
	    "Size of the log's Merkle tree as this node has it."));
	TRY(expo_sample_int(out, "custos_log_tree_size", NULL, 0,
	    get_i64(&m->log_tree_size)));
	if (get_i64(&m->checkpoint_age_ms) >= 0) {
		TRY(expo_family(out, "custos_checkpoint_age_seconds", "gauge",
		    "Seconds since the latest signed checkpoint."));
		TRY(expo_sample(out, "custos_checkpoint_age_seconds", NULL, 0,
		    (double)get_i64(&m->checkpoint_age_ms) / 1000.0));
	}
	return 0;
}

static int
write_rare(struct metrics *m, struct buf *out)
{
	struct alert_series al[METRICS_ALERT_SERIES];
	struct export_series ex[METRICS_EXPORT_SERIES];
	struct expo_label l[2];
	size_t i, na, nx;

	pthread_mutex_lock(&m->mu);
	na = m->nalerts;
	memcpy(al, m->alerts, na * sizeof(al[0]));
	nx = m->nexports;
	memcpy(ex, m->exports, nx * sizeof(ex[0]));
	pthread_mutex_unlock(&m->mu);
	TRY(expo_family(out, "custos_alerts_total", "counter",
	    "Alerts raised by the detection rules, by rule and severity."));
	for (i = 0; i < na; i++) {
		l[0].name = "rule";
		l[0].value = al[i].rule;
		l[1].name = "severity";
		l[1].value = al[i].severity;
		TRY(expo_sample_int(out, "custos_alerts_total", l, 2,
		    (int64_t)al[i].n));
	}
	TRY(expo_family(out, "custos_webhook_deliveries_total", "counter",
	    "Alert webhook delivery attempts by result."));
	for (i = 0; i < METRICS_WEBHOOK_RESULTS; i++) {
		l[0].name = "result";
		l[0].value = webhook_names[i];
		TRY(expo_sample_int(out, "custos_webhook_deliveries_total", l,
		    1, (int64_t)get(&m->webhook[i])));
	}
	TRY(expo_family(out, "custos_webhook_queue", "gauge",
	    "Alerts due for webhook delivery at the webhook's last look "
	    "(at most one batch, 16)."));
	TRY(expo_sample_int(out, "custos_webhook_queue", NULL, 0,
	    get_i64(&m->webhook_due)));
	TRY(expo_family(out, "custos_webhook_lag_seconds", "gauge",
	    "Age of the oldest alert due for webhook delivery (0: none)."));
	TRY(expo_sample(out, "custos_webhook_lag_seconds", NULL, 0,
	    (double)get_i64(&m->webhook_oldest_ms) / 1000.0));
	if (nx > 0) {
		TRY(expo_family(out, "custos_export_lag_events", "gauge",
		    "Log entries not yet delivered to a SIEM export "
		    "destination."));
		for (i = 0; i < nx; i++) {
			l[0].name = "destination";
			l[0].value = ex[i].name;
			TRY(expo_sample_int(out, "custos_export_lag_events", l,
			    1, ex[i].events));
		}
		TRY(expo_family(out, "custos_export_lag_seconds", "gauge",
		    "Age of the oldest entry not yet delivered to a SIEM "
		    "export destination (0: caught up)."));
		for (i = 0; i < nx; i++) {
			l[0].name = "destination";
			l[0].value = ex[i].name;
			TRY(expo_sample(out, "custos_export_lag_seconds", l, 1,
			    ex[i].seconds));
		}
	}
	return 0;
}

static int
write_process(struct metrics *m, struct buf *out)
{
	struct expo_label l[2];
	int64_t fds = open_fds();

	l[0].name = "version";
	l[0].value = m->version;
	TRY(expo_family(out, "custos_build_info", "gauge",
	    "Always 1: custosd's version in its label."));
	TRY(expo_sample_int(out, "custos_build_info", l, 1, 1));
	l[0].name = "node";
	l[0].value = m->node;
	l[1].name = "store";
	l[1].value = m->store;
	TRY(expo_family(out, "custos_node_info", "gauge",
	    "Always 1: this node's name and its store backend in the "
	    "labels."));
	TRY(expo_sample_int(out, "custos_node_info", l, 2, 1));
	TRY(expo_family(out, "custos_process_start_time_seconds", "gauge",
	    "Start time of custosd since the Unix epoch, in seconds."));
	TRY(expo_sample(out, "custos_process_start_time_seconds", NULL, 0,
	    m->start_time));
	if (fds >= 0) {
		TRY(expo_family(out, "custos_process_open_fds", "gauge",
		    "Open file descriptors of custosd."));
		TRY(expo_sample_int(out, "custos_process_open_fds", NULL, 0,
		    fds));
	}
	TRY(expo_family(out, "custos_metrics_scrapes_total", "counter",
	    "Scrapes served by the separate --metrics-listen address."));
	TRY(expo_sample_int(out, "custos_metrics_scrapes_total", NULL, 0,
	    (int64_t)get(&m->scrapes)));
	return 0;
}

int
metrics_write(struct metrics *m, struct buf *out)
{
	if (m == NULL)
		return 0;
	if (m->collect != NULL)
		m->collect(m->collect_arg, m);
	TRY(write_process(m, out));
	TRY(write_requests(m, out));
	TRY(write_store(m, out));
	TRY(write_rare(m, out));
	return 0;
}
