/* SPDX-License-Identifier: ISC */
/*
 * The backend-independent half of the store: the reader pool and the group-
 * committing writer.  See store.h for the contract.
 */
#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/str.h"

#define ENTRY_BUF_MAX (256 * 1024)
#define WATCH_MS 250                    /* the watcher's poll fallback */
#define NEWS_SUBS_MAX 8

/* A unit of work for the writer: one job, or an all-or-nothing group. */
struct wreq {
	const struct store_job *jobs;
	size_t n;
	int atomic;
	/* results, set by the writer */
	sem_t done;                     /* posted once results are set */
	store_done_fn cb;               /* or: called instead, then freed */
	void *cb_arg;
	struct store_job one;           /* the job of an asynchronous write */
	int rc;
	int64_t index;
	struct err err;
	struct wreq *next;
};

struct store {
	const struct store_ops *ops;
	const struct clock *clock;
	char *where;
	int batch_max;

	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	struct store_conn **free_readers;
	int nfree, nreaders;

	pthread_mutex_t mu;             /* guards the queue and results */
	pthread_cond_t queue_cv;        /* writer waits for work */
	pthread_cond_t count_cv;        /* entry readers wait for commits */
	struct wreq *head, *tail;
	int stopping;
	pthread_t writer;
	int writer_started;
	struct store_conn *wconn;
	int64_t next_index;             /* writer-owned */
	struct store_hooks hooks;       /* writer-owned once set */
	int (*seal)(void *ctx, struct rec_entry *en, struct err *e);
	void *seal_ctx;
	int64_t count;                  /* committed entries (under mu) */
	int failing;                    /* the last commit failed (under mu) */
	int64_t probe_ms;               /* last probe (under mu) */
	struct err failure;             /* why (under mu) */

	/* Issue 15: several nodes. */
	char node[128];
	int resync;                     /* new hooks: reload before the next
					 * batch (under mu) */
	struct store_conn *iconn;       /* start-up: init_lock held */
	struct store_conn *watch_conn;  /* the watcher's */
	pthread_t watcher;
	int watcher_started;
	struct {                        /* store_on_news (under mu) */
		unsigned topics;
		void (*fn)(void *arg, unsigned topics);
		void *arg;
	} subs[NEWS_SUBS_MAX];
	int nsubs;
	/* Issue 16: told of each group commit (metrics); arg is published
	 * after fn, so a writer that sees arg sees fn. */
	store_commit_fn commit_fn;
	void *commit_arg;
};

const struct store_ops *
store_ops(const struct store *s)
{
	return s->ops;
}

struct store_conn *
store_reader_get(struct store *s, struct err *e)
{
	struct store_conn *c;

	pthread_mutex_lock(&s->pool_mu);
	while (s->nfree == 0)
		pthread_cond_wait(&s->pool_cv, &s->pool_mu);
	c = s->free_readers[--s->nfree];
	pthread_mutex_unlock(&s->pool_mu);
	if (c == NULL) {
		c = s->ops->open(s->where, STORE_CONN_READ, e);
		if (c == NULL) {
			pthread_mutex_lock(&s->pool_mu);
			s->free_readers[s->nfree++] = NULL;
			pthread_cond_signal(&s->pool_cv);
			pthread_mutex_unlock(&s->pool_mu);
		}
	}
	return c;
}

void
store_reader_put(struct store *s, struct store_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&s->pool_mu);
	s->free_readers[s->nfree++] = c;
	pthread_cond_signal(&s->pool_cv);
	pthread_mutex_unlock(&s->pool_mu);
}

/* Applies one job and appends its entry; -1 only on store failure. */
static int
writer_run_job(struct store *s, const struct store_job *job, int64_t now_ms,
    struct buf *eb, struct wreq *w, int atomic)
{
	const struct store_ops *ops = s->ops;
	struct rec_entry en;
	struct err ae;
	int arc = 0, rc;

	err_init(&ae);
	if (job->apply != NULL) {
		if (!atomic && ops->savepoint(s->wconn, &w->err) == -1)
			return -1;
		arc = job->apply(s->wconn, job->arg, &ae);
		if (!atomic) {
			if (arc == -1)
				ops->rollback_savepoint(s->wconn);
			else if (ops->release(s->wconn, &w->err) == -1)
				return -1;
		}
		if (arc == -1) {
			w->rc = -1;
			w->err = ae;
			if (w->err.status == 0)
				err_internal(&w->err, "the change failed");
			if (atomic)
				return 0;
		}
	}
	if (job->entry == NULL)
		return 0;
	buf_reset(eb);
	memset(&en, 0, sizeof(en));
	rc = job->entry(job->arg, arc, &ae, s->next_index, now_ms, eb, &en);
	if (rc == 1)
		return 0;       /* nothing happened worth an entry */
	if (rc == -1) {
		err_internal(&w->err, "could not build the log entry");
		return -1;
	}
	en.index = s->next_index;
	if (en.time == 0)
		en.time = now_ms / 1000;
	en.bytes = eb->data;
	en.len = eb->len;
	if (s->seal != NULL && s->seal(s->seal_ctx, &en, &w->err) == -1)
		return -1;
	if (ops->entry_append(s->wconn, &en, &w->err) == -1)
		return -1;
	/* The tree commits to the sealed leaf where there is one. */
	if (s->hooks.on_entry != NULL && s->hooks.on_entry(s->hooks.ctx,
	    s->wconn, s->next_index, en.leaf != NULL ?
	    (const char *)en.leaf : eb->data, en.leaf != NULL ? en.leaf_len :
	    eb->len, &w->err) == -1)
		return -1;
	w->index = s->next_index++;
	return 0;
}

/* Forgets the entries from index on (their savepoint was rolled back). */
static void
writer_discard(struct store *s, int64_t index)
{
	if (s->next_index > index && s->hooks.discard_from != NULL)
		s->hooks.discard_from(s->hooks.ctx, index);
	s->next_index = index;
}

/* Runs one request; for an atomic group any failure undoes the group. */
static int
writer_run(struct store *s, struct wreq *w, int64_t now_ms, struct buf *eb)
{
	const struct store_ops *ops = s->ops;
	int64_t save_index = s->next_index;
	size_t i;

	w->rc = 0;
	w->index = -1;
	err_init(&w->err);
	if (w->atomic && ops->savepoint(s->wconn, &w->err) == -1)
		return -1;
	for (i = 0; i < w->n; i++) {
		if (writer_run_job(s, &w->jobs[i], now_ms, eb, w,
		    w->atomic) == -1)
			goto fail;
		if (w->atomic && w->rc == -1)
			break;
	}
	if (!w->atomic)
		return 0;
	if (w->rc == -1) {
		ops->rollback_savepoint(s->wconn);
		writer_discard(s, save_index);
		return 0;
	}
	return ops->release(s->wconn, &w->err);
fail:
	if (w->atomic)
		ops->rollback_savepoint(s->wconn);
	writer_discard(s, save_index);
	return -1;
}

static void
writer_finish(struct store *s, struct wreq *batch, int commit_ok,
    const struct err *ce, int64_t committed)
{
	struct wreq *w, *next;

	pthread_mutex_lock(&s->mu);
	/* The watcher may have heard of a later commit (another node's):
	 * the count only grows. */
	if (commit_ok && s->count < committed) {
		pthread_cond_broadcast(&s->count_cv);
		s->count = committed;
	}
	s->failing = !commit_ok;
	if (!commit_ok)
		s->failure = *ce;
	pthread_mutex_unlock(&s->mu);
	/* Wake exactly the callers of this batch, outside any lock.  A
	 * posted request may be gone at once: read next before posting. */
	for (w = batch; w != NULL; w = next) {
		next = w->next;
		if (!commit_ok) {
			w->rc = -1;
			w->index = -1;
			w->err = *ce;
		}
		if (w->cb != NULL) {
			w->cb(w->cb_arg, w->rc, w->index, &w->err);
			free(w);
			continue;
		}
		sem_post(&w->done);
	}
}

/*
 * Several nodes: begin() read the log's size under the head lock.  When it
 * is not what this node last committed (another node appended, or one of
 * this node's commits failed without knowing whether it happened), the
 * tree catches up (hooks.reload) before any job of the batch appends.
 * On failure nothing is adopted: the next batch tries again.
 */
static int
writer_head(struct store *s, struct err *e)
{
	int64_t head;
	int resync;

	if (s->ops->head(s->wconn, &head, e) == -1)
		return -1;
	/* New hooks (the tree at start-up) may stand behind the head this
	 * writer adopted before they came. */
	pthread_mutex_lock(&s->mu);
	resync = s->resync;
	pthread_mutex_unlock(&s->mu);
	if (head == s->next_index && !resync)
		return 0;
	if (s->hooks.reload != NULL &&
	    s->hooks.reload(s->hooks.ctx, s->wconn, head, e) == -1)
		return -1;
	s->next_index = head;
	if (resync) {
		pthread_mutex_lock(&s->mu);
		s->resync = 0;
		pthread_mutex_unlock(&s->mu);
	}
	return 0;
}

static void *
writer_main(void *arg)
{
	struct store *s = arg;
	const struct store_ops *ops = s->ops;
	struct buf eb;

	buf_init(&eb, ENTRY_BUF_MAX);
	for (;;) {
		struct wreq *batch, *w, *last = NULL;
		struct timespec t0, t1;
		int64_t start_index, now_ms;
		struct err ce;
		int n = 0, ok = 1;

		pthread_mutex_lock(&s->mu);
		while (s->head == NULL && !s->stopping)
			pthread_cond_wait(&s->queue_cv, &s->mu);
		if (s->head == NULL && s->stopping) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		/* Take up to batch_max requests; the rest wait their turn. */
		batch = s->head;
		for (w = s->head; w != NULL && n < s->batch_max; w = w->next) {
			last = w;
			n++;
		}
		s->head = last->next;
		if (s->head == NULL)
			s->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->mu);

		err_init(&ce);
		start_index = s->next_index;
		now_ms = clock_now_ms(s->clock);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (ops->begin(s->wconn, &ce) == -1) {
			ok = 0;
		} else if (ops->head != NULL && writer_head(s, &ce) == -1) {
			ok = 0;
			ops->rollback(s->wconn);
		} else {
			start_index = s->next_index;
			for (w = batch; w != NULL; w = w->next)
				if (writer_run(s, w, now_ms, &eb) == -1) {
					ce = w->err;
					ok = 0;
					break;
				}
			if (ok && s->hooks.before_commit != NULL &&
			    s->hooks.before_commit(s->hooks.ctx, s->wconn,
			    s->next_index, now_ms, &ce) == -1)
				ok = 0;
			if (ok && ops->commit(s->wconn, &ce) == -1)
				ok = 0;
			if (!ok)
				ops->rollback(s->wconn);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		{
			void *oarg = __atomic_load_n(&s->commit_arg,
			    __ATOMIC_ACQUIRE);

			if (oarg != NULL)
				s->commit_fn(oarg, n, (int64_t)(t1.tv_sec -
				    t0.tv_sec) * 1000000000 + (t1.tv_nsec -
				    t0.tv_nsec), ok);
		}
		if (ok && s->hooks.after_commit != NULL)
			s->hooks.after_commit(s->hooks.ctx, s->next_index);
		if (!ok && s->hooks.after_rollback != NULL)
			s->hooks.after_rollback(s->hooks.ctx);
		if (!ok) {
			struct err why = ce;

			log_error("store: commit failed: %s", ce.msg);
			s->next_index = start_index;
			/* Nothing of the batch is stored: whatever it would
			 * have recorded must not be answered as if it were. */
			err_refuse(&ce, 503, "unavailable", STORE_UNRECORDABLE,
			    "the store could not commit (%s); nothing was "
			    "changed or recorded", why.msg);
		}
		writer_finish(s, batch, ok, &ce, s->next_index);
	}
	buf_cleanup(&eb);
	return NULL;
}

/* Queues w for the writer. */
static void
store_enqueue(struct store *s, struct wreq *w)
{
	w->next = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->tail != NULL) {
		s->tail->next = w;
	} else {
		s->head = w;
		/* Only an idle writer waits on queue_cv. */
		pthread_cond_signal(&s->queue_cv);
	}
	s->tail = w;
	pthread_mutex_unlock(&s->mu);
}

static int
store_submit(struct store *s, struct wreq *w)
{
	if (sem_init(&w->done, 0, 0) == -1) {
		err_internal(&w->err, "cannot wait for the writer");
		return -1;
	}
	store_enqueue(s, w);
	while (sem_wait(&w->done) == -1 && errno == EINTR)
		;
	sem_destroy(&w->done);
	return w->rc;
}

int
store_write_async(struct store *s, const struct store_job *job,
    store_done_fn done, void *arg, struct err *e)
{
	struct wreq *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		err_refuse(e, 503, "unavailable", STORE_UNRECORDABLE, "out of "
		    "memory: the write was not queued");
		return -1;
	}
	w->one = *job;
	w->jobs = &w->one;
	w->n = 1;
	w->cb = done;
	w->cb_arg = arg;
	store_enqueue(s, w);
	return 0;
}

int
store_write_failing(struct store *s, struct err *why)
{
	int failing;

	pthread_mutex_lock(&s->mu);
	failing = s->failing;
	if (failing && why != NULL)
		*why = s->failure;
	pthread_mutex_unlock(&s->mu);
	return failing;
}

/*
 * The probe writes as much as a busy batch of entries would: a store that
 * has room for a few pages but not for a commit of entries (a nearly full
 * disk) must not look healthy.
 */
#define PROBE_BYTES (64 * 1024)

static int
apply_probe(struct store_conn *c, void *arg, struct err *e)
{
	struct store *s = arg;
	int64_t now = clock_now_ms(s->clock);
	uint8_t *v = calloc(1, PROBE_BYTES);
	int rc;

	if (v == NULL)
		return err_internal(e, "out of memory");
	memcpy(v, &now, sizeof(now));
	rc = s->ops->meta_set(c, "write_probe", v, PROBE_BYTES, e);
	free(v);
	return rc;
}

int
store_probe(struct store *s, struct err *e)
{
	struct store_job job = {apply_probe, NULL, s};
	int64_t now = clock_now_ms(s->clock);
	int again;

	/* At most one probe a second, whoever asks how the store is. */
	pthread_mutex_lock(&s->mu);
	again = now - s->probe_ms >= 1000 || now < s->probe_ms;
	if (again)
		s->probe_ms = now;
	else if (s->failing)
		*e = s->failure;
	pthread_mutex_unlock(&s->mu);
	if (!again)
		return store_write_failing(s, NULL) ? -1 : 0;
	return store_write(s, &job, NULL, e);
}

int
store_write(struct store *s, const struct store_job *job, int64_t *index,
    struct err *e)
{
	struct wreq w;

	memset(&w, 0, sizeof(w));
	w.jobs = job;
	w.n = 1;
	if (store_submit(s, &w) == -1) {
		*e = w.err;
		if (index != NULL)
			*index = w.index;
		return -1;
	}
	if (index != NULL)
		*index = w.index;
	return 0;
}

int
store_write_all(struct store *s, const struct store_job *jobs, size_t n,
    struct err *e)
{
	struct wreq w;

	memset(&w, 0, sizeof(w));
	w.jobs = jobs;
	w.n = n;
	w.atomic = 1;
	if (store_submit(s, &w) == -1) {
		*e = w.err;
		return -1;
	}
	return 0;
}

void
store_set_commit_observer(struct store *s, store_commit_fn fn, void *arg)
{
	/* The writer may be running already (start-up's own entries). */
	__atomic_store_n(&s->commit_arg, NULL, __ATOMIC_RELEASE);
	s->commit_fn = fn;
	__atomic_store_n(&s->commit_arg, fn != NULL ? arg : NULL,
	    __ATOMIC_RELEASE);
}

void
store_set_hooks(struct store *s, const struct store_hooks *h)
{
	pthread_mutex_lock(&s->mu);
	s->hooks = *h;
	s->resync = 1;
	pthread_mutex_unlock(&s->mu);
}

void
store_set_sealer(struct store *s,
    int (*seal)(void *ctx, struct rec_entry *en, struct err *e), void *ctx)
{
	pthread_mutex_lock(&s->mu);
	s->seal = seal;
	s->seal_ctx = ctx;
	pthread_mutex_unlock(&s->mu);
}

int
store_flush(struct store *s, struct err *e)
{
	struct store_job job = {NULL, NULL, NULL};

	return store_write(s, &job, NULL, e);
}

int64_t
store_entry_count(struct store *s)
{
	int64_t n;

	pthread_mutex_lock(&s->mu);
	n = s->count;
	pthread_mutex_unlock(&s->mu);
	return n;
}

int64_t
store_wait_entries(struct store *s, int64_t have, int timeout_ms)
{
	struct timespec until;
	int64_t n;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (s->count <= have && !s->stopping)
		if (pthread_cond_timedwait(&s->count_cv, &s->mu, &until) != 0)
			break;
	n = s->count;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* Another node committed up to head: wake whoever waits for entries. */
static void
heard(struct store *s, int64_t head)
{
	pthread_mutex_lock(&s->mu);
	if (head > s->count) {
		s->count = head;
		pthread_cond_broadcast(&s->count_cv);
		/* Under mu: the hooks' owner (the signer) may be going
		 * away (store_set_hooks waits for this).  The hook takes
		 * only its own lock. */
		if (s->hooks.heard != NULL)
			s->hooks.heard(s->hooks.ctx, head);
	}
	pthread_mutex_unlock(&s->mu);
}

static void
news_deliver(struct store *s, unsigned topics)
{
	int i, n;

	pthread_mutex_lock(&s->mu);
	n = s->nsubs;
	pthread_mutex_unlock(&s->mu);
	/* Subscribers are only ever added (before serving), never moved. */
	for (i = 0; i < n; i++)
		if ((s->subs[i].topics & topics) != 0)
			s->subs[i].fn(s->subs[i].arg, s->subs[i].topics &
			    topics);
}

static int
watcher_stopping(struct store *s)
{
	int stop;

	pthread_mutex_lock(&s->mu);
	stop = s->stopping;
	pthread_mutex_unlock(&s->mu);
	return stop;
}

/* Listens for other nodes' commits and announcements (store_ops.watch);
 * on a timeout the backend re-reads both, so a lost notification costs
 * one poll interval. */
static void *
watcher_main(void *arg)
{
	struct store *s = arg;
	int64_t failed_ms = -1;

	while (!watcher_stopping(s)) {
		struct store_news news;
		struct err e;

		err_init(&e);
		memset(&news, 0, sizeof(news));
		news.head = -1;
		if (s->ops->watch(s->watch_conn, WATCH_MS, &news, &e) == -1) {
			struct timespec ts = {0, WATCH_MS * 1000000L};
			int64_t now = clock_now_ms(NULL);

			if (failed_ms < 0 || now - failed_ms >= 10000) {
				log_warn("store: watching for other nodes: %s",
				    e.msg);
				failed_ms = now;
			}
			nanosleep(&ts, NULL);
			continue;
		}
		if (failed_ms >= 0) {
			log_info("store: watching for other nodes again");
			failed_ms = -1;
		}
		if (news.head >= 0)
			heard(s, news.head);
		if (news.topics != 0)
			news_deliver(s, news.topics);
	}
	return NULL;
}

struct store *
store_open(const struct store_config *cfg, struct err *e)
{
	struct store *s;
	int i;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	s->ops = cfg->ops;
	s->clock = cfg->clock;
	s->batch_max = cfg->batch_max > 0 ? cfg->batch_max : 4096;
	s->nreaders = cfg->readers > 0 ? cfg->readers : 16;
	s->where = strdup(cfg->where);
	s->free_readers = calloc((size_t)s->nreaders, sizeof(*s->free_readers));
	pthread_mutex_init(&s->pool_mu, NULL);
	pthread_cond_init(&s->pool_cv, NULL);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->queue_cv, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&s->count_cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (s->where == NULL || s->free_readers == NULL) {
		err_internal(e, "out of memory");
		goto fail;
	}
	str_copy(s->node, sizeof(s->node), cfg->node != NULL &&
	    cfg->node[0] != '\0' ? cfg->node : "local");
	/* Readers open lazily; NULL slots stand for not-yet-open ones. */
	s->nfree = s->nreaders;
	/* Several nodes: one initialises at a time, from the migrations to
	 * store_init_done (the origin, the root operator token). */
	if (s->ops->init_lock != NULL) {
		s->iconn = s->ops->open(s->where, STORE_CONN_INIT, e);
		if (s->iconn == NULL || s->ops->init_lock(s->iconn, e) == -1 ||
		    s->ops->migrate(s->iconn, e) == -1)
			goto fail;
	}
	s->wconn = s->ops->open(s->where, STORE_CONN_WRITE, e);
	if (s->wconn == NULL)
		goto fail;
	if ((s->iconn == NULL && s->ops->migrate(s->wconn, e) == -1) ||
	    s->ops->entry_count(s->wconn, &s->next_index, e) == -1)
		goto fail;
	s->count = s->next_index;
	for (i = 0; i < s->nreaders; i++)
		s->free_readers[i] = NULL;
	if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
		err_internal(e, "cannot start the writer thread");
		goto fail;
	}
	s->writer_started = 1;
	if (s->ops->watch != NULL) {
		s->watch_conn = s->ops->open(s->where, STORE_CONN_WATCH, e);
		if (s->watch_conn == NULL)
			goto fail;
		if (pthread_create(&s->watcher, NULL, watcher_main, s) != 0) {
			err_internal(e, "cannot start the watcher thread");
			goto fail;
		}
		s->watcher_started = 1;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->writer_started) {
		pthread_mutex_lock(&s->mu);
		s->stopping = 1;
		pthread_cond_signal(&s->queue_cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->writer, NULL);
	}
	if (s->watcher_started) {
		pthread_mutex_lock(&s->mu);
		s->stopping = 1;
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->watcher, NULL);
	}
	if (s->watch_conn != NULL)
		s->ops->close(s->watch_conn);
	if (s->iconn != NULL)
		s->ops->close(s->iconn);
	if (s->free_readers != NULL)
		for (i = 0; i < s->nfree; i++)
			if (s->free_readers[i] != NULL)
				s->ops->close(s->free_readers[i]);
	if (s->wconn != NULL)
		s->ops->close(s->wconn);
	pthread_mutex_destroy(&s->pool_mu);
	pthread_cond_destroy(&s->pool_cv);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->queue_cv);
	pthread_cond_destroy(&s->count_cv);
	free(s->free_readers);
	free(s->where);
	free(s);
}

/* Issue 15: several nodes.  Commit 0 gives the interface; on SQLite (one
 * node) these are trivial. */
const struct store_ops *
store_ops_for(const char *where)
{
	if (where != NULL && (strncmp(where, "postgresql://", 13) == 0 ||
	    strncmp(where, "postgres://", 11) == 0 ||
	    strstr(where, "host=") != NULL || strstr(where, "dbname=") !=
	    NULL))
		return &store_pg_ops;
	return &store_sqlite_ops;
}

void
store_init_done(struct store *s)
{
	if (s->iconn != NULL)
		s->ops->close(s->iconn);
	s->iconn = NULL;
}

int64_t
store_head_fresh(struct store *s)
{
	struct store_conn *c;
	struct err e;
	int64_t head = -1;
	int rc;

	if (s->ops->head == NULL)
		return store_entry_count(s);
	err_init(&e);
	c = store_reader_get(s, &e);
	if (c == NULL)
		return store_entry_count(s);
	rc = s->ops->head(c, &head, &e);
	store_reader_put(s, c);
	if (rc == -1)
		return store_entry_count(s);
	heard(s, head);
	return head;
}

void
store_on_news(struct store *s, unsigned topics,
    void (*fn)(void *arg, unsigned topics), void *arg)
{
	pthread_mutex_lock(&s->mu);
	if (s->nsubs < NEWS_SUBS_MAX) {
		s->subs[s->nsubs].topics = topics;
		s->subs[s->nsubs].fn = fn;
		s->subs[s->nsubs].arg = arg;
		s->nsubs++;
	} else {
		log_error("store: too many news subscribers");
	}
	pthread_mutex_unlock(&s->mu);
}

const char *
store_node(const struct store *s)
{
	return s->node;
}

const char *
store_backend(const struct store *s)
{
	return s->ops->name;
}
