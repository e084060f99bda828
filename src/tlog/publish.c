/* SPDX-License-Identifier: ISC */
/*
 * publish: the anchor and the witnesses, after each commit; see
 * publish.h and docs/internals/tlog.md.
 */
#include "tlog/publish.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/str.h"
#include "tlog/cosig.h"

#define RETRY_MS 5000                   /* a witness that did not cosign
					 * is asked again this much later */

struct publish {
	struct publish_config cfg;
	struct witclient *wit[PUBLISH_WITNESSES_MAX];
	size_t nwit;
	int64_t done;                   /* the size published last; -1 */
	int incomplete;                 /* a witness did not cosign it */
	int64_t retry_ms;               /* when to ask again (monotonic) */

	pthread_mutex_t mu;             /* guards what follows */
	pthread_cond_t cv;
	struct buf cosigned;            /* note and cosignature lines */
	int64_t cosigned_size;          /* -1: none */
	struct publish_witness state[PUBLISH_WITNESSES_MAX];
	int stopping;
	int halted;
	pthread_t thread;
	int started;
};

struct publish *
publish_new(const struct publish_config *cfg, struct err *e)
{
	struct publish *p;
	size_t i;

	if (cfg->nwitnesses > PUBLISH_WITNESSES_MAX) {
		err_bad_request(e, "at most %d witnesses",
		    PUBLISH_WITNESSES_MAX);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	p->cfg = *cfg;
	if (p->cfg.poll_ms <= 0)
		p->cfg.poll_ms = 200;
	p->done = -1;
	p->cosigned_size = -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	buf_init(&p->cosigned, NOTE_MAX);
	for (i = 0; i < cfg->nwitnesses; i++) {
		p->wit[i] = witclient_new(cfg->witnesses[i], e);
		if (p->wit[i] == NULL) {
			publish_free(p);
			return NULL;
		}
		p->state[i].cosigned_size = -1;
		(void)str_copy(p->state[i].name, sizeof(p->state[i].name),
		    witclient_name(p->wit[i]));
		p->nwit++;
	}
	return p;
}

size_t
publish_witnesses(const struct publish *p)
{
	return p->nwit;
}

/* Step 1: 0 anchored, -1 not now (retried), 1 the log is halted. */
static int
anchor_step(struct publish *p, const struct buf *note,
    const struct checkpoint *cp)
{
	struct err e;
	int rc;

	err_init(&e);
	rc = p->cfg.extends(p->cfg.arg, cp->size, cp->root, &e);
	if (rc == 1) {
		log_error("tlog: the checkpoint of size %lld does not extend "
		    "the anchor: %s", (long long)cp->size, e.msg);
		p->cfg.halt(p->cfg.arg, e.msg);
		return 1;
	}
	if (rc == 0 && anchor_store(p->cfg.anchor, note->data, note->len,
	    &e) == 0)
		return 0;
	log_warn("tlog: cannot anchor the checkpoint of size %lld: %s",
	    (long long)cp->size, e.msg);
	return -1;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Steps 2 and 3: how many witnesses cosigned. */
static size_t
witness_step(struct publish *p, const struct buf *note,
    const struct checkpoint *cp)
{
	struct buf out;
	struct err e;
	size_t i, got = 0;
	int rc;

	buf_init(&out, NOTE_MAX);
	if (buf_append(&out, note->data, note->len) == -1)
		goto out;
	for (i = 0; i < p->nwit; i++) {
		uint64_t ts = 0;

		/* A witness asked again cosigns the same tree again. */
		err_init(&e);
		rc = witclient_cosign(p->wit[i], note->data, note->len, cp,
		    p->cfg.proof, p->cfg.arg, &out, &e);
		/* Its line's time, read by the one cosignature reader (the
		 * line was verified before it was kept). */
		if (rc == 0 && cosig_find(out.data, out.len,
		    witclient_key(p->wit[i]), &ts, &e) != 1)
			ts = 0;
		pthread_mutex_lock(&p->mu);
		p->state[i].last_ok = rc == 0;
		if (rc == 0) {
			p->state[i].cosigned_size = cp->size;
			p->state[i].cosigned_time = ts <= (uint64_t)INT64_MAX ?
			    (int64_t)ts : 0;
		}
		pthread_mutex_unlock(&p->mu);
		if (rc == 0)
			got++;
		else if (rc == 1 && (e.status == 422 || e.status == 409))
			log_error("tlog: %s (a split view: the witness holds "
			    "a checkpoint this one does not extend)", e.msg);
		else
			log_warn("tlog: %s", e.msg);
	}
	if (p->nwit > 0)
		log_info("tlog: checkpoint of size %lld cosigned by %zu of %zu "
		    "witnesses", (long long)cp->size, got, p->nwit);
	pthread_mutex_lock(&p->mu);
	buf_reset(&p->cosigned);
	if (buf_append(&p->cosigned, out.data, out.len) == 0)
		p->cosigned_size = cp->size;
	else
		p->cosigned_size = -1;
	pthread_mutex_unlock(&p->mu);
out:
	buf_cleanup(&out);
	return got;
}

/* One round: the latest checkpoint, if new, through the steps. */
static void
round_once(struct publish *p)
{
	struct checkpoint cp;
	struct buf note;
	struct err e;
	int64_t size = -1;
	size_t body = 0;

	err_init(&e);
	buf_init(&note, NOTE_MAX);
	if (p->cfg.latest(p->cfg.arg, &note, &size, &e) == -1)
		goto out;
	if (size < p->done || (size == p->done && !(p->incomplete &&
	    mono_ms() >= p->retry_ms)))
		goto out;
	if (note_open(note.data, note.len, p->cfg.log_key, &body, &e) == -1 ||
	    checkpoint_parse(&cp, note.data, body, &e) == -1) {
		log_error("tlog: the latest checkpoint does not verify: %s",
		    e.msg);
		goto out;
	}
	switch (size == p->done ? 0 : anchor_step(p, &note, &cp)) {
	case 1:
		pthread_mutex_lock(&p->mu);
		p->halted = 1;
		pthread_mutex_unlock(&p->mu);
		goto out;
	case -1:
		goto out;
	}
	if (p->cfg.leader != NULL && !p->cfg.leader(p->cfg.arg)) {
		/* Several nodes: the signer lease's holder asks them.  Look
		 * again at each poll: this node may take the lease over. */
		p->incomplete = p->nwit > 0;
		p->retry_ms = 0;
		p->done = size;
		goto out;
	}
	p->incomplete = witness_step(p, &note, &cp) < p->nwit;
	p->retry_ms = mono_ms() + RETRY_MS;
	p->done = size;
out:
	buf_cleanup(&note);
}

static void *
publish_main(void *arg)
{
	struct publish *p = arg;
	struct timespec ts;

	pthread_mutex_lock(&p->mu);
	while (!p->stopping && !p->halted) {
		pthread_mutex_unlock(&p->mu);
		round_once(p);
		pthread_mutex_lock(&p->mu);
		if (p->stopping)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)(p->cfg.poll_ms % 1000) * 1000000L;
		ts.tv_sec += p->cfg.poll_ms / 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
publish_start(struct publish *p, struct err *e)
{
	if (pthread_create(&p->thread, NULL, publish_main, p) != 0)
		return err_internal(e, "cannot start the publisher");
	p->started = 1;
	return 0;
}

void
publish_free(struct publish *p)
{
	size_t i;

	if (p == NULL)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->stopping = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
	}
	for (i = 0; i < p->nwit; i++)
		witclient_free(p->wit[i]);
	buf_cleanup(&p->cosigned);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int
publish_checkpoint(struct publish *p, struct buf *note, int64_t *size)
{
	int rc = 1;

	pthread_mutex_lock(&p->mu);
	if (p->cosigned_size >= 0 && buf_append(note, p->cosigned.data,
	    p->cosigned.len) == 0) {
		*size = p->cosigned_size;
		rc = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

size_t
publish_witness_status(struct publish *p, struct publish_witness *out,
    size_t max)
{
	size_t i;

	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->nwit && i < max; i++)
		out[i] = p->state[i];
	pthread_mutex_unlock(&p->mu);
	return i;
}
