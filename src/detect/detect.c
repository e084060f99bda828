/* SPDX-License-Identifier: ISC */
#include "detect/detect.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "access/contain.h"
#include "audit/event.h"
#include "common/log.h"
#include "common/num.h"
#include "common/str.h"
#include "detect/engine.h"
#include "detect/webhook.h"
#include "mail/outbox.h"
#include "metrics/metrics.h"
#include "store/lease.h"

#define CURSOR_KEY "detect_cursor"
#define HISTORY_KEY "detect_history_cursor"
#define HBLOCK 4096             /* imported entries sorted at a time */
#define HSETTLE_MS 1000         /* a run at the head waits this long */
#define CHUNK 512               /* entries read per turn */
#define SAVE_EVERY_MS 2000      /* cursor saved this often when moved */
#define WAIT_MS 500
#define DOC_MAX (64 * 1024)

struct detect {
	struct store *st;
	const struct clock *clk;
	struct detect_config cfg;
	struct engine_lookup lk;
	struct engine *en;
	struct webhook *wh;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	int stopping;                   /* under mu */
	int64_t cursor;                 /* next entry to look at */
	int64_t current;                /* the entry being fed */
	int64_t saved;                  /* cursor as stored */
	int64_t saved_ms;
	struct entry *chunk;
	size_t nchunk;
	int64_t takes;                  /* lease_takes when last acquired */
	/* History (imported entries): its own engine and cursor. */
	struct engine *hen;
	int64_t hcursor;                /* next entry not yet fed to hen:
					 * the start of the pending block */
	int64_t hsaved;                 /* hcursor as stored */
	int64_t hread;                  /* next entry to look at */
	struct entry *hblock;           /* imported entries pending */
	size_t nh;
	int64_t hgrow_ms;               /* when the block last grew */
	int history;                    /* on_alert: fed from history */
	int64_t hfirst, hlast;          /* indexes of the block being fed */
};

/* --- what the engine asks of the store ----------------------------- */

static int
lk_hours(void *ctx, const char *engineer, char *out, size_t size)
{
	struct detect *d = ctx;
	struct store_conn *c;
	struct err e;
	int rc;

	err_init(&e);
	c = store_reader_get(d->st, &e);
	if (c == NULL)
		return -1;
	rc = store_ops(d->st)->engineer_hours_get(c, engineer, out, size, &e);
	store_reader_put(d->st, c);
	if (rc == 1)
		out[0] = '\0';
	return rc == -1 ? -1 : 0;
}

struct login_scan {
	int64_t before;
	void (*cb)(void *arg, const char *source);
	void *arg;
};

static int
login_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct login_scan *x = arg;
	struct entry de;

	if (index >= x->before)
		return 1;
	if (entry_read(&de, index, bytes, len) == 0 && de.allowed &&
	    (strcmp(de.action, "auth.verify") == 0 ||
	    strcmp(de.action, "auth.passkey") == 0) && !de.imported)
		x->cb(x->arg, de.source);
	return 0;
}

static int
lk_logins(void *ctx, const char *engineer, int64_t from_s,
    int64_t before_index, void (*cb)(void *arg, const char *source),
    void *arg)
{
	struct detect *d = ctx;
	struct login_scan x = {before_index, cb, arg};
	struct store_conn *c;
	struct err e;
	int rc;

	err_init(&e);
	c = store_reader_get(d->st, &e);
	if (c == NULL)
		return -1;
	rc = store_ops(d->st)->entry_by_principal(c, SP_ENGINEER, engineer,
	    from_s, INT64_MAX / 2, login_cb, &x, &e);
	store_reader_put(d->st, c);
	return rc;
}

static int
lk_devices(void *ctx, const char *engineer, int64_t *n)
{
	struct detect *d = ctx;
	struct store_conn *c;
	struct err e;
	int rc;

	err_init(&e);
	c = store_reader_get(d->st, &e);
	if (c == NULL)
		return -1;
	rc = store_ops(d->st)->device_count(c, engineer, n, &e);
	store_reader_put(d->st, c);
	return rc;
}

/* --- alerts --------------------------------------------------------- */

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL && v[0] != '\0')
		json_object_set_new(o, key, json_string(v));
}

/* The scope question that follows from the alert: its principals, from
 * a window before the first entry until now ("to" left to the asker). */
static json_t *
scope_question(const struct rule *ru, const struct alert_raise *a)
{
	json_t *p = json_object(), *q;
	int64_t back = ru->window > 3600 ? ru->window : 3600;
	char from[RFC3339_LEN];

	if (a->engineer[0] != '\0')
		json_object_set_new(p, "engineers",
		    json_pack("[s]", a->engineer));
	if (strcmp(a->subject_kind, "session") == 0)
		json_object_set_new(p, "sessions", json_pack("[s]",
		    a->session));
	if (json_object_size(p) == 0 && a->source[0] != '\0')
		json_object_set_new(p, "ips", json_pack("[s]", a->source));
	time_format(from, a->first_ms / 1000 - back);
	q = json_pack("{s:o,s:s,s:n}", "principals", p, "from", from, "to");
	return q;
}

/*
 * The alert as JSON.  Live: "time" is when custos raised it.  From
 * imported history: "time" is the time of the event that completed the
 * pattern, "found_at" when custos found it, "history" true and "import"
 * the run of imported entries it was found in.
 */
static json_t *
alert_doc(const struct detect *d, const struct alert_raise *a,
    const char *id, int64_t now_ms, const struct contain_run *cr)
{
	const struct rule *ru = &d->cfg.rules.r[a->rule];
	char when[RFC3339_MS_LEN], first[RFC3339_MS_LEN],
	    last[RFC3339_MS_LEN];
	json_t *o, *det, *ents;
	size_t i;

	time_format_ms(when, d->history ? a->last_ms : now_ms);
	time_format_ms(first, a->first_ms);
	time_format_ms(last, a->last_ms);
	det = json_object();
	ents = json_array();
	set_str(det, "engineer", a->engineer);
	set_str(det, "vendor", a->vendor);
	set_str(det, "session", a->session);
	set_str(det, "device", a->device);
	set_str(det, "source", a->source);
	set_str(det, "tenant", a->tenant);
	for (i = 0; i < a->nentries; i++)
		json_array_append_new(ents, json_integer(a->entries[i]));
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,"
	    "s:o}", "id", id, "rule", ru->name, "title", ru->title,
	    "severity", severity_names[ru->severity], "time", when,
	    "subject", a->subject, "subject_kind", a->subject_kind,
	    "message", a->message, "detail", det, "entries", ents, "first",
	    first, "last", last, "scope", scope_question(ru, a));
	if (o == NULL)
		return NULL;
	if (d->history) {
		time_format_ms(when, now_ms);
		json_object_set_new(o, "history", json_true());
		json_object_set_new(o, "found_at", json_string(when));
		json_object_set_new(o, "import", json_pack("{s:I,s:I}",
		    "first_index", (json_int_t)d->hfirst, "last_index",
		    (json_int_t)d->hlast));
	}
	json_object_set_new(o, "containment", cr != NULL ?
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", cr->r.id, "kind",
	    contain_kind_names[cr->r.kind], "target", cr->r.target,
	    "level", contain_level_name(&cr->r), "enforced",
	    contain_enforced(&cr->r), "refuses_logins",
	    cr->r.refuse_logins) : json_null());
	return o;
}

struct alert_job {
	struct detect *d;
	struct rec_alert rec;
	const struct alert_raise *a;
	char cursor[24];
	struct event ev;
};

static int
alert_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct alert_job *j = arg;
	const struct store_ops *ops = store_ops(j->d->st);

	/* A node that lost the detect lease writes no alert: the new holder
	 * starts from the stored cursor and raises it. */
	if (lease_fence(j->d->cfg.lease, c, e) == -1)
		return -1;
	if (ops->alert_insert(c, &j->rec, e) == -1)
		return -1;
	/* A history alert moves no cursor: its block is fed again after a
	 * restart, and history_seen() keeps it from being stored twice. */
	if (j->cursor[0] == '\0')
		return 0;
	return ops->meta_set(c, CURSOR_KEY, j->cursor, strlen(j->cursor), e);
}

static void
system_actor(struct event *ev)
{
	ev->actor.kind = ACTOR_SYSTEM;
	str_copy(ev->actor.id, sizeof(ev->actor.id), "custosd");
}

static int
alert_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct alert_job *j = arg;
	struct buf list;
	size_t i;
	int rc;

	(void)apply_err;
	(void)index;
	event_cleanup(&j->ev);
	event_init(&j->ev);
	system_actor(&j->ev);
	j->ev.action = "alert";
	str_copy(j->ev.target, sizeof(j->ev.target), j->rec.id);
	j->ev.allowed = apply_rc == 0;
	if (apply_rc != 0)
		str_copy(j->ev.reason, sizeof(j->ev.reason), "internal");
	event_detail(&j->ev, "rule", j->rec.rule);
	event_detail(&j->ev, "severity", severity_names[j->rec.severity]);
	event_detail(&j->ev, "subject", j->rec.subject);
	if (j->d->history)
		event_detail(&j->ev, "history", "true");
	buf_init(&list, 1024);
	for (i = 0, rc = 0; i < j->a->nentries && rc == 0; i++)
		rc = buf_printf(&list, "%s%lld", i ? "," : "",
		    (long long)j->a->entries[i]);
	if (rc == 0 && buf_puts(&list, "") == 0)
		event_detail(&j->ev, "entries", list.data);
	buf_cleanup(&list);
	rc = event_serialize(&j->ev, time_ms, out, en);
	return rc;
}

struct contain_job {
	struct detect *d;
	struct contain_run *run;
	struct event ev;
};

static int
contain_job_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct contain_job *j = arg;

	return contain_apply(c, store_ops(j->d->st), j->run, e);
}

static int
contain_job_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct contain_job *j = arg;

	(void)apply_rc;
	(void)apply_err;
	(void)index;
	event_cleanup(&j->ev);
	event_init(&j->ev);
	system_actor(&j->ev);
	j->ev.action = "containment";
	str_copy(j->ev.target, sizeof(j->ev.target), j->run->r.id);
	j->ev.allowed = 1;
	contain_detail(j->run, &j->ev);
	return event_serialize(&j->ev, time_ms, out, en);
}

/* What the rule's contain setting means for this alert; 0 when nothing
 * is to be contained. */
static int
contain_plan(const struct detect *d, const struct alert_raise *a,
    struct contain_run *run, int64_t now, const char *alert_id)
{
	const struct rule *ru = &d->cfg.rules.r[a->rule];
	const char *target = NULL;
	struct store_conn *c;
	struct err e;
	int kind = -1, rc;

	switch (ru->contain) {
	case RC_SESSION:
		/* The session involved; for a login that made none, every
		 * session of the engineer, who may still log in. */
		if (strcmp(a->subject_kind, "session") == 0) {
			kind = CONTAIN_SESSION;
			target = a->session;
		} else {
			kind = CONTAIN_ENGINEER;
			target = a->engineer;
		}
		break;
	case RC_ENGINEER:
		kind = CONTAIN_ENGINEER;
		target = a->engineer;
		break;
	case RC_DEVICE:
		kind = CONTAIN_DEVICE;
		target = a->device;
		break;
	case RC_VENDOR:
		kind = CONTAIN_VENDOR;
		target = a->vendor;
		break;
	default:
		return 0;
	}
	if (target == NULL || target[0] == '\0')
		return 0;
	err_init(&e);
	c = store_reader_get(d->st, &e);
	if (c == NULL)
		return 0;
	rc = contain_prepare(run, c, store_ops(d->st), kind,
	    ru->contain == RC_SESSION ? CONTAIN_SESSIONS : ru->level, target,
	    ru->title, now, &e);
	store_reader_put(d->st, c);
	if (rc == -1) {
		log_warn("detect: alert %s: cannot contain %s %s: %s", alert_id,
		    contain_kind_names[kind], target, e.msg);
		contain_run_cleanup(run);
		return 0;
	}
	run->by.kind = ACTOR_SYSTEM;
	str_copy(run->by.id, sizeof(run->by.id), "custosd");
	str_copy(run->r.created_by, sizeof(run->r.created_by), "custosd");
	str_copy(run->r.alert_id, sizeof(run->r.alert_id), alert_id);
	return 1;
}

/* Writes one alert (and its containment) in one transaction. */
static int
alert_write(struct detect *d, const struct alert_raise *a,
    struct alert_job *aj, struct contain_run *run, int contain)
{
	struct contain_job cj;
	struct store_job *jobs;
	size_t n = 1 + (contain ? 1 + run->cap : 0);
	struct err e;
	int rc;

	jobs = calloc(n, sizeof(*jobs));
	if (jobs == NULL)
		return -1;
	jobs[0].apply = alert_apply;
	jobs[0].entry = alert_entry;
	jobs[0].arg = aj;
	memset(&cj, 0, sizeof(cj));
	if (contain) {
		cj.d = d;
		cj.run = run;
		jobs[1].apply = contain_job_apply;
		jobs[1].entry = contain_job_entry;
		jobs[1].arg = &cj;
		contain_grant_jobs(run, jobs + 2);
	}
	err_init(&e);
	rc = store_write_all(d->st, jobs, n, &e);
	if (rc == -1)
		log_error("detect: cannot store alert %s (%s): %s", aj->rec.id,
		    a->message, e.msg);
	event_cleanup(&cj.ev);
	event_cleanup(&aj->ev);
	free(jobs);
	return rc;
}

/* The operator's copy in the outbox. */
static void
alert_mail(const struct detect *d, const char *id, const char *rule,
    const char *sev, const struct alert_raise *a, const char *doc)
{
	struct outbox_msg m;
	char subject[200];
	struct buf body;

	if (d->cfg.mail_to == NULL || d->cfg.outbox_dir == NULL)
		return;
	memset(&m, 0, sizeof(m));
	str_printf(subject, sizeof(subject), "[custos alert%s] %s %s: %s",
	    d->history ? ", imported history" : "", sev, rule, a->subject);
	buf_init(&body, DOC_MAX + 4096);
	if (buf_printf(&body, "custos raised alert %s.\r\n\r\n%s\r\n\r\n"
	    "See it with:  custos alerts --id %s\r\nScope it with: custos "
	    "alerts --scope %s\r\nContain with:  custos contain --%s %s "
	    "--level sessions|logins|access --reason ...\r\n\r\nThe alert "
	    "as JSON:\r\n%s\r\n", id,
	    a->message, id, id, a->engineer[0] != '\0' ? "engineer" :
	    "session", a->engineer[0] != '\0' ? a->engineer : a->session,
	    doc) == -1 || outbox_stage(&m, d->cfg.outbox_dir,
	    d->cfg.mail_from, d->cfg.mail_to, subject, body.data) == -1 ||
	    outbox_deliver(&m, d->cfg.outbox_dir) == -1) {
		outbox_discard(&m, d->cfg.outbox_dir);
		log_warn("detect: alert %s: cannot write the operator's mail",
		    id);
	}
	buf_cleanup(&body);
}

static int
seen_cb(void *arg, const char *doc, size_t len)
{
	int *found = arg;

	(void)doc;
	(void)len;
	*found = 1;
	return 1;
}

/*
 * 1 when a history alert of the same rule about the same subject at the
 * same event time is stored already: the same history imported again,
 * or a block fed again after a restart, raises nothing new.
 */
static int
history_seen(struct detect *d, const struct rec_alert *rec)
{
	struct rec_alert_filter f;
	struct store_conn *c;
	struct err e;
	int found = 0;

	memset(&f, 0, sizeof(f));
	f.from_ms = rec->time_ms;
	f.to_ms = rec->time_ms + 1;
	f.rule = rec->rule;
	f.subject = rec->subject;
	f.history = 1;
	f.limit = 1;
	err_init(&e);
	c = store_reader_get(d->st, &e);
	if (c == NULL)
		return 0;
	if (store_ops(d->st)->alert_list(c, &f, seen_cb, &found, &e) == -1)
		log_warn("detect: cannot look for an earlier alert: %s",
		    e.msg);
	store_reader_put(d->st, c);
	return found;
}

/* The engine's emit: store the alert, contain, tell people.  An alert
 * from history contains nothing: a month-old event is no reason to
 * suspend anyone today; people are told, marked as history. */
static void
on_alert(void *arg, const struct alert_raise *a)
{
	struct detect *d = arg;
	const struct rule *ru = &d->cfg.rules.r[a->rule];
	struct contain_run run;
	struct alert_job aj;
	int64_t now_ms = clock_now_ms(d->clk);
	char *doc = NULL;
	json_t *o;
	int contain;

	memset(&aj, 0, sizeof(aj));
	memset(&run, 0, sizeof(run));
	id_new(aj.rec.id, "alr");
	if (d->history) {
		aj.rec.time_ms = a->last_ms;
		str_copy(aj.rec.rule, sizeof(aj.rec.rule), ru->name);
		str_copy(aj.rec.subject, sizeof(aj.rec.subject), a->subject);
		if (history_seen(d, &aj.rec))
			return;
	}
	contain = d->history ? 0 : contain_plan(d, a, &run, now_ms / 1000,
	    aj.rec.id);
	for (;;) {
		o = alert_doc(d, a, aj.rec.id, now_ms, contain ? &run : NULL);
		doc = o != NULL ? json_dumps(o, JSON_COMPACT |
		    JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		if (doc == NULL) {
			log_error("detect: cannot build alert %s", aj.rec.id);
			goto out;
		}
		aj.d = d;
		aj.a = a;
		aj.rec.time_ms = d->history ? a->last_ms : now_ms;
		str_copy(aj.rec.rule, sizeof(aj.rec.rule), ru->name);
		aj.rec.severity = ru->severity;
		str_copy(aj.rec.subject, sizeof(aj.rec.subject), a->subject);
		aj.rec.doc = doc;
		aj.rec.len = strlen(doc);
		aj.rec.webhook = d->wh != NULL ? WEBHOOK_PENDING : WEBHOOK_NONE;
		/* Every entry up to the one that completed the pattern has
		 * been looked at. */
		if (!d->history)
			str_printf(aj.cursor, sizeof(aj.cursor), "%lld",
			    (long long)(d->current + 1));
		if (alert_write(d, a, &aj, &run, contain) == 0)
			break;
		if (!contain || !lease_held(d->cfg.lease, NULL))
			goto out;
		/* The alert matters more than its containment. */
		contain_run_cleanup(&run);
		contain = 0;
		free(doc);
		doc = NULL;
	}
	/* Stored: counted (issue 16, custos_alerts_total). */
	metrics_alert(d->cfg.metrics, ru->name, severity_names[ru->severity]);
	if (d->cfg.use_syslog)
		syslog(LOG_AUTH | (ru->severity >= SEV_HIGH ? LOG_ALERT :
		    LOG_WARNING), "custos alert %s %s severity=%s "
		    "subject=%s%s%s%s: %s", aj.rec.id, ru->name,
		    severity_names[ru->severity], a->subject,
		    d->history ? " history=true" : "", contain ?
		    " contained=" : "", contain ? run.r.id : "", a->message);
	log_warn("alert %s %s (%s)%s %s%s%s", aj.rec.id, ru->name,
	    severity_names[ru->severity], d->history ? " in imported history" :
	    "", a->message, contain ? "; contained: " : "", contain ?
	    run.r.id : "");
	alert_mail(d, aj.rec.id, ru->name, severity_names[ru->severity], a,
	    doc);
	if (d->wh != NULL)
		webhook_kick(d->wh);
out:
	if (contain)
		contain_run_cleanup(&run);
	free(doc);
}

/* --- following the log ---------------------------------------------- */

static int
chunk_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct detect *d = arg;
	struct entry *de = &d->chunk[d->nchunk];

	if (d->nchunk == CHUNK)
		return 1;
	if (entry_read(de, index, bytes, len) == -1) {
		log_warn("detect: log entry %lld is not readable; skipped",
		    (long long)index);
		return 0;
	}
	d->nchunk++;
	return 0;
}

/* Reads entries [start, end) (at most CHUNK) into d->chunk. */
static int
read_chunk(struct detect *d, int64_t start, int64_t end)
{
	struct store_conn *c;
	struct err e;
	int rc;

	err_init(&e);
	d->nchunk = 0;
	if (end - start > CHUNK)
		end = start + CHUNK;
	c = store_reader_get(d->st, &e);
	if (c == NULL)
		return -1;
	rc = store_ops(d->st)->entry_range(c, start, end, chunk_cb, d, &e);
	store_reader_put(d->st, c);
	if (rc == -1)
		log_error("detect: cannot read the log: %s", e.msg);
	return rc;
}

/* The time of entry i (ms), or -1. */
static int64_t
entry_time(struct detect *d, int64_t i)
{
	if (read_chunk(d, i, i + 1) == -1 || d->nchunk != 1)
		return -1;
	return d->chunk[0].time_ms;
}

struct save_job {
	struct detect *d;
	char text[24], htext[24];
};

static int
save_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct save_job *j = arg;
	const struct store_ops *ops = store_ops(j->d->st);

	if (lease_fence(j->d->cfg.lease, c, e) == -1)
		return -1;
	if (ops->meta_set(c, CURSOR_KEY, j->text, strlen(j->text), e) == -1)
		return -1;
	return ops->meta_set(c, HISTORY_KEY, j->htext, strlen(j->htext), e);
}

/* Stores both cursors (no log entry: it records nothing that
 * happened). */
static void
save_cursor(struct detect *d, int64_t now_ms)
{
	struct save_job j = {d, "", ""};
	struct store_job job = {save_apply, NULL, &j};
	struct err e;

	d->saved_ms = now_ms;
	if (d->saved == d->cursor && d->hsaved == d->hcursor)
		return;
	str_printf(j.text, sizeof(j.text), "%lld", (long long)d->cursor);
	str_printf(j.htext, sizeof(j.htext), "%lld", (long long)d->hcursor);
	err_init(&e);
	if (store_write(d->st, &job, NULL, &e) == -1) {
		log_error("detect: cannot save where it stands: %s", e.msg);
		return;
	}
	d->saved = d->cursor;
	d->hsaved = d->hcursor;
}

/* One stored cursor into *out; a missing (1) or damaged one is the end
 * of the log.  0 when read, 1 when missing, -1. */
static int
load_one(struct detect *d, const char *key, int64_t *out)
{
	struct store_conn *c;
	struct buf b;
	struct err e;
	char text[24];
	int rc;

	err_init(&e);
	buf_init(&b, 64);
	c = store_reader_get(d->st, &e);
	if (c == NULL) {
		buf_cleanup(&b);
		return -1;
	}
	rc = store_ops(d->st)->meta_get(c, key, &b, &e);
	store_reader_put(d->st, c);
	*out = store_head_fresh(d->st);
	if (rc == 0 && (b.len >= sizeof(text) || (memcpy(text, b.data,
	    b.len), text[b.len] = '\0', num_parse_i64(out, text, 0,
	    *out) == -1))) {
		log_warn("detect: the stored position (%s) is damaged; "
		    "starting at the end of the log", key);
		*out = store_head_fresh(d->st);
	}
	buf_cleanup(&b);
	return rc;
}

/* Where detection stands, live and over history; a new store (or one
 * from before detection) starts at its end, and so does history on a
 * store from before history was detected. */
static int
load_cursor(struct detect *d)
{
	int rc = load_one(d, CURSOR_KEY, &d->cursor), hrc;

	if (rc == -1)
		return -1;
	d->saved = rc == 0 ? d->cursor : -1;
	hrc = load_one(d, HISTORY_KEY, &d->hcursor);
	if (hrc == -1)
		return -1;
	d->hsaved = hrc == 0 ? d->hcursor : -1;
	if (hrc == 1)
		d->saved = -1;          /* store both at once */
	d->hread = d->hcursor;
	d->nh = 0;
	return 0;
}

/* The first entry inside the engine's longest window before now: the log
 * is in time order but for imported events, so a binary search over the
 * entries' times is near enough (imported ones are ignored anyway). */
static int64_t
warm_start(struct detect *d, int64_t now_ms)
{
	int64_t lo = 0, hi = d->cursor, since = now_ms -
	    rules_max_window(&d->cfg.rules) * 1000;

	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2, t = entry_time(d, mid);

		if (t == -1)
			return d->cursor;       /* no warm-up; alerts go on */
		if (t < since)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --- imported history ---------------------------------------------- */

static int
by_time(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Feeds the pending block of imported entries to the history engine in
 * the events' own time order, alerting; then everything before hread
 * has been looked at.
 */
static void
history_flush(struct detect *d)
{
	size_t i;

	if (d->nh > 0) {
		d->hfirst = d->hblock[0].index;
		d->hlast = d->hblock[d->nh - 1].index;
		qsort(d->hblock, d->nh, sizeof(*d->hblock), by_time);
		d->history = 1;
		for (i = 0; i < d->nh; i++) {
			d->current = d->hblock[i].index;
			engine_feed(d->hen, &d->hblock[i], on_alert, d);
		}
		d->history = 0;
		d->nh = 0;
	}
	d->hcursor = d->hread;
}

/*
 * Takes one entry (the next readable one from hread on) into the
 * history: imported ones gather in the block, which is fed when a live
 * entry ends the run of imported ones or when it is full.
 */
static void
history_take(struct detect *d, const struct entry *de, int64_t now_ms)
{
	if (!de->imported) {
		d->hread = de->index;
		history_flush(d);
		d->hread = d->hcursor = de->index + 1;
		return;
	}
	d->hblock[d->nh++] = *de;
	d->hgrow_ms = now_ms;
	d->hread = de->index + 1;
	if (d->nh == HBLOCK)
		history_flush(d);
}

/* After the entries before to were taken (the others unreadable). */
static void
history_taken(struct detect *d, int64_t to)
{
	d->hread = to;
	if (d->nh == 0)
		d->hcursor = to;
}

/* Catches history up to the live cursor (after a restart, or when it was
 * behind), then feeds a block at the head once no entry came for
 * HSETTLE_MS (an import being written in several commits is one run). */
static int
history_step(struct detect *d, int64_t now_ms)
{
	while (d->hread < d->cursor) {
		int64_t to = d->hread + CHUNK < d->cursor ? d->hread + CHUNK :
		    d->cursor;

		size_t i;

		if (read_chunk(d, d->hread, to) == -1)
			return -1;
		for (i = 0; i < d->nchunk; i++)
			history_take(d, &d->chunk[i], now_ms);
		history_taken(d, to);
	}
	if (d->nh > 0 && d->hread == d->cursor &&
	    (now_ms - d->hgrow_ms >= HSETTLE_MS || now_ms < d->hgrow_ms))
		history_flush(d);
	return 0;
}

/* Feeds entries [from, to); emits only when live.  Live, history takes
 * each entry first when it is not behind, so a run of imported entries
 * is fed (and its alerts raised) before the live entry that ends it. */
static int
feed(struct detect *d, int64_t from, int64_t to, int live)
{
	int64_t now_ms = clock_now_ms(d->clk);

	while (from < to) {
		int64_t next = from + CHUNK < to ? from + CHUNK : to;
		int sync = live && d->hread == from;
		size_t i;

		if (read_chunk(d, from, to) == -1)
			return -1;
		for (i = 0; i < d->nchunk; i++) {
			if (sync)
				history_take(d, &d->chunk[i], now_ms);
			d->current = d->chunk[i].index;
			engine_feed(d->en, &d->chunk[i], live ? on_alert :
			    NULL, d);
			if (live)
				d->cursor = d->chunk[i].index + 1;
		}
		if (sync)
			history_taken(d, next);
		/* Unreadable entries were skipped: step over the range. */
		from = next;
		if (live)
			d->cursor = from;
	}
	return 0;
}

static int
stopping(struct detect *d)
{
	int s;

	pthread_mutex_lock(&d->mu);
	s = d->stopping;
	pthread_mutex_unlock(&d->mu);
	return s;
}

/*
 * This node (again) holds the detect lease: the stored cursor is where
 * detection stands (another node may have moved it), and the engine's
 * windows are warmed up afresh from the entries before it.
 */
static int
acquire(struct detect *d, int again)
{
	int64_t now_ms = clock_now_ms(d->clk), start;

	if (again) {
		struct engine *en = engine_new(&d->cfg.rules, &d->lk),
		    *hen = engine_new(&d->cfg.rules, &d->lk);

		if (en == NULL || hen == NULL || load_cursor(d) == -1) {
			engine_free(en);
			engine_free(hen);
			log_error("detect: cannot read where detection stands");
			return -1;
		}
		engine_set_history(hen);
		engine_free(d->en);
		d->en = en;
		engine_free(d->hen);
		d->hen = hen;
		if (store_ops(d->st)->lease_take != NULL)
			log_info("detect: this node detects now, from entry "
			    "%lld", (long long)d->cursor);
	}
	start = warm_start(d, now_ms);
	if (start < d->cursor)
		feed(d, start, d->cursor, 0);
	if (d->saved == -1)
		save_cursor(d, now_ms);
	return 0;
}

static void *
detect_main(void *arg)
{
	struct detect *d = arg;
	int64_t now_ms;

	while (!stopping(d)) {
		int64_t n, takes;

		/* Several nodes: one follows the log at a time. */
		if (!lease_held(d->cfg.lease, NULL)) {
			lease_wait(d->cfg.lease, WAIT_MS);
			continue;
		}
		takes = lease_takes(d->cfg.lease);
		if (takes != d->takes) {
			/* Several nodes: the cursor read at start may have
			 * moved since on the node that held the lease. */
			if (acquire(d, d->takes != 0 ||
			    store_ops(d->st)->lease_take != NULL) == -1) {
				store_wait_entries(d->st, INT64_MAX, WAIT_MS);
				continue;
			}
			d->takes = takes;
		}
		n = store_wait_entries(d->st, d->cursor, WAIT_MS);
		if (n > d->cursor && feed(d, d->cursor, n, 1) == -1)
			store_wait_entries(d->st, INT64_MAX, WAIT_MS);
		now_ms = clock_now_ms(d->clk);
		if (history_step(d, now_ms) == -1)
			store_wait_entries(d->st, INT64_MAX, WAIT_MS);
		if (now_ms - d->saved_ms >= SAVE_EVERY_MS ||
		    now_ms < d->saved_ms)
			save_cursor(d, now_ms);
	}
	if (d->takes != 0 && lease_held(d->cfg.lease, NULL))
		save_cursor(d, clock_now_ms(d->clk));
	return NULL;
}

struct detect *
detect_start(struct store *st, const struct clock *clk,
    const struct detect_config *cfg, struct err *e)
{
	struct detect *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	d->st = st;
	d->clk = clk;
	d->cfg = *cfg;
	pthread_mutex_init(&d->mu, NULL);
	d->lk.ctx = d;
	d->lk.hours = lk_hours;
	d->lk.logins = lk_logins;
	d->lk.devices = lk_devices;
	d->en = engine_new(&d->cfg.rules, &d->lk);
	d->hen = engine_new(&d->cfg.rules, &d->lk);
	d->chunk = calloc(CHUNK, sizeof(*d->chunk));
	d->hblock = calloc(HBLOCK, sizeof(*d->hblock));
	if (d->en == NULL || d->hen == NULL || d->chunk == NULL ||
	    d->hblock == NULL) {
		err_internal(e, "out of memory");
		goto fail;
	}
	engine_set_history(d->hen);
	if (load_cursor(d) == -1) {
		err_internal(e, "detect: cannot read where detection stands");
		goto fail;
	}
	if (cfg->webhook_url != NULL) {
		d->wh = webhook_start(st, clk, cfg->webhook_url,
		    cfg->webhook_attempts, cfg->lease, e);
		if (d->wh == NULL)
			goto fail;
		webhook_set_metrics(d->wh, cfg->metrics);
	}
	if (cfg->use_syslog)
		openlog("custosd", LOG_PID | LOG_NDELAY, LOG_AUTH);
	if (pthread_create(&d->thread, NULL, detect_main, d) != 0) {
		err_internal(e, "cannot start the detection thread");
		goto fail;
	}
	d->started = 1;
	/* Named, so its CPU time can be told apart (make bench reads it). */
	pthread_setname_np(d->thread, "custos-detect");
	return d;
fail:
	detect_stop(d);
	return NULL;
}

void
detect_stop(struct detect *d)
{
	if (d == NULL)
		return;
	if (d->started) {
		pthread_mutex_lock(&d->mu);
		d->stopping = 1;
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->thread, NULL);
		if (d->cfg.use_syslog)
			closelog();
	}
	webhook_stop(d->wh);
	engine_free(d->en);
	engine_free(d->hen);
	free(d->chunk);
	free(d->hblock);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
