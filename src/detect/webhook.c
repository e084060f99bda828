/* SPDX-License-Identifier: ISC */
#include "detect/webhook.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "store/lease.h"
#include "common/str.h"
#include "metrics/metrics.h"

#define BATCH 16
#define POST_TIMEOUT 10         /* seconds per attempt */

struct webhook {
	struct store *st;
	const struct clock *clk;
	const char *url;
	int attempts;
	struct lease *lease;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping, kicked;           /* under mu */
	struct metrics *metrics;        /* under mu */
};

struct owed {
	struct rec_alert a[BATCH];
	char *doc[BATCH];
	size_t n;
};

static int
owed_cb(void *arg, const struct rec_alert *a)
{
	struct owed *o = arg;

	o->a[o->n] = *a;
	o->doc[o->n] = strndup(a->doc, a->len);
	if (o->doc[o->n] == NULL)
		return 1;
	o->a[o->n].doc = o->doc[o->n];
	o->n++;
	return o->n == BATCH;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* One POST; the HTTP status, or 0 when no answer came. */
static long
post(const struct webhook *w, const struct rec_alert *a)
{
	struct curl_slist *h = NULL;
	long status = 0;
	CURL *c = curl_easy_init();

	if (c == NULL)
		return 0;
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, a->doc);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)a->len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)POST_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

struct set_job {
	struct rec_alert a;
	struct webhook *w;
};

static int
set_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct set_job *j = arg;

	if (lease_fence(j->w->lease, c, e) == -1)
		return -1;
	return store_ops(j->w->st)->alert_webhook_set(c, &j->a, e) == -1 ?
	    -1 : 0;
}

static struct metrics *
wh_metrics(struct webhook *w)
{
	struct metrics *m;

	pthread_mutex_lock(&w->mu);
	m = w->metrics;
	pthread_mutex_unlock(&w->mu);
	return m;
}

void
webhook_set_metrics(struct webhook *w, struct metrics *m)
{
	pthread_mutex_lock(&w->mu);
	w->metrics = m;
	pthread_mutex_unlock(&w->mu);
}

static void
deliver(struct webhook *w, struct rec_alert *a)
{
	struct set_job j;
	struct store_job job = {set_apply, NULL, &j};
	int64_t now = clock_now(w->clk), wait;
	long status = post(w, a);
	struct err e;

	a->attempts++;
	if (status >= 200 && status < 300) {
		a->webhook = WEBHOOK_DELIVERED;
		metrics_webhook_attempt(wh_metrics(w),
		    METRICS_WEBHOOK_DELIVERED);
	} else if (a->attempts >= w->attempts) {
		a->webhook = WEBHOOK_GAVE_UP;
		metrics_webhook_attempt(wh_metrics(w),
		    METRICS_WEBHOOK_GAVE_UP);
		log_error("webhook: gave up on alert %s after %d attempts "
		    "(last answer: %ld)", a->id, a->attempts, status);
	} else {
		metrics_webhook_attempt(wh_metrics(w), METRICS_WEBHOOK_RETRY);
		wait = (int64_t)1 << (a->attempts < 9 ? a->attempts : 9);
		a->next_attempt = now + (wait < WEBHOOK_BACKOFF_MAX ? wait :
		    WEBHOOK_BACKOFF_MAX);
		log_warn("webhook: alert %s not delivered (answer %ld); next "
		    "try in %lld s", a->id, status,
		    (long long)(a->next_attempt - now));
	}
	j.a = *a;
	j.w = w;
	err_init(&e);
	if (store_write(w->st, &job, NULL, &e) == -1)
		log_error("webhook: cannot record a delivery: %s", e.msg);
}

/* What is due now, for custos_webhook_queue and _lag_seconds. */
static void
due_figures(struct webhook *w, const struct owed *o)
{
	int64_t oldest = 0, now_ms = clock_now_ms(w->clk);
	size_t i;

	for (i = 0; i < o->n; i++)
		if (oldest == 0 || o->a[i].time_ms < oldest)
			oldest = o->a[i].time_ms;
	metrics_webhook_due(wh_metrics(w), (int64_t)o->n, o->n == 0 ? 0 :
	    (double)(now_ms - oldest) / 1000.0);
}

static void *
webhook_main(void *arg)
{
	struct webhook *w = arg;

	for (;;) {
		struct owed o;
		struct store_conn *c;
		struct timespec until;
		struct err e;
		size_t i;

		pthread_mutex_lock(&w->mu);
		if (!w->kicked && !w->stopping) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&w->cv, &w->mu, &until);
		}
		w->kicked = 0;
		if (w->stopping) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		pthread_mutex_unlock(&w->mu);
		/* Several nodes: the holder of the detect lease delivers. */
		if (!lease_held(w->lease, NULL))
			continue;
		memset(&o, 0, sizeof(o));
		err_init(&e);
		c = store_reader_get(w->st, &e);
		if (c == NULL)
			continue;
		if (store_ops(w->st)->alert_webhook_due(c, clock_now(w->clk),
		    BATCH, owed_cb, &o, &e) == -1)
			log_error("webhook: %s", e.msg);
		store_reader_put(w->st, c);
		due_figures(w, &o);
		for (i = 0; i < o.n; i++) {
			deliver(w, &o.a[i]);
			free(o.doc[i]);
		}
		if (o.n == BATCH) {
			pthread_mutex_lock(&w->mu);
			w->kicked = 1;
			pthread_mutex_unlock(&w->mu);
		}
	}
	return NULL;
}

struct webhook *
webhook_start(struct store *st, const struct clock *clk, const char *url,
    int attempts, struct lease *lease, struct err *e)
{
	struct webhook *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	w->st = st;
	w->clk = clk;
	w->url = url;
	w->attempts = attempts > 0 ? attempts : 1;
	w->lease = lease;
	w->kicked = 1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, webhook_main, w) != 0) {
		err_internal(e, "cannot start the webhook thread");
		webhook_stop(w);
		return NULL;
	}
	w->started = 1;
	return w;
}

void
webhook_kick(struct webhook *w)
{
	pthread_mutex_lock(&w->mu);
	w->kicked = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
webhook_stop(struct webhook *w)
{
	if (w == NULL)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stopping = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
