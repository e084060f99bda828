/* SPDX-License-Identifier: ISC */
/*
 * Detection and containment, the operator's side: the alerts the rules
 * raised (GET /v1/alerts, /v1/alerts/{id}), containment (POST and GET
 * /v1/containment, POST /v1/containment/{id}/lift) and engineers' declared
 * working hours (PUT /v1/engineers/{id}/working-hours), which the
 * off-hours rule reads.
 */
#include <stdlib.h>
#include <string.h>

#include "access/contain.h"
#include "access/containment.h"
#include "api/req.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "detect/hours.h"
#include "detect/rules.h"

#define ALERTS_LIMIT_MAX 1000
#define CONTAIN_REASON_MIN 3

/* PUT /v1/engineers/{id}/working-hours: the rules are in detect/hours.c. */
int
h_engineer_hours(struct req *q)
{
	static const char *const keys[] = {"working_hours", NULL};
	struct hours_set h;
	json_t *b = req_body(q);

	h.engineer_id = req_param(q, 0);
	if (h.engineer_id == NULL || b == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), h.engineer_id);
	if (jx_only(b, keys, &q->err) == -1 || jx_str(&h.text, b,
	    "working_hours", 0, HOURS_TEXT_MAX, JX_REQUIRED | JX_CLEAN,
	    &q->err) == -1 || hours_check(h.text, &q->err) == -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	event_detail(&q->ev, "working_hours", h.text);
	if (req_write_op(q, hours_set_apply, &h, "engineer") == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:s,s:s}", "id", h.engineer_id,
	    "working_hours", h.text));
	return 0;
}

/* A time query parameter into milliseconds (def when absent). */
static int
query_time(struct req *q, const char *name, int64_t def, int64_t *out_ms)
{
	const char *s = http_query(q->http, name);
	int64_t t;

	if (s == NULL) {
		*out_ms = def;
		return 0;
	}
	if (time_parse(&t, s) == -1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter '%s' must be "
		    "an RFC 3339 UTC time like 2022-01-21T14:03:00Z", name);
	}
	*out_ms = t * 1000;
	return 0;
}

struct doc_list {
	struct buf *out;
	int n, fail;
};

static int
doc_cb(void *arg, const char *doc, size_t len)
{
	struct doc_list *l = arg;

	if ((l->n++ > 0 && buf_puts(l->out, ",") == -1) ||
	    buf_append(l->out, doc, len) == -1) {
		l->fail = 1;
		return 1;
	}
	return 0;
}

int
h_alert_list(struct req *q)
{
	struct rec_alert_filter f;
	struct doc_list l = {&q->raw, 0, 0};
	const char *sev, *hist;
	struct store_conn *c;
	int64_t limit;

	memset(&f, 0, sizeof(f));
	if (query_time(q, "from", 0, &f.from_ms) == -1 ||
	    query_time(q, "to", 0, &f.to_ms) == -1 ||
	    req_query_int(q, "limit", 100, ALERTS_LIMIT_MAX, &limit) == -1)
		return -1;
	f.limit = limit > 0 ? (int)limit : 1;
	f.rule = http_query(q->http, "rule");
	if (f.rule != NULL && rules_find(f.rule) == -1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'rule' names "
		    "no rule (see docs/detection.md for the list)");
	}
	sev = http_query(q->http, "severity");
	if (sev != NULL && (f.min_severity = severity_parse(sev)) == -1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'severity' "
		    "must be low, medium, high or critical");
	}
	hist = http_query(q->http, "history");
	if (hist != NULL) {
		if (strcmp(hist, "true") == 0)
			f.history = 1;
		else if (strcmp(hist, "false") == 0)
			f.history = -1;
		else {
			q->err.reason = "bad_request";
			return err_bad_request(&q->err, "query parameter "
			    "'history' must be true or false");
		}
	}
	f.subject = http_query(q->http, "subject");
	if (f.subject != NULL && (strlen(f.subject) >= ID_MAX + 8 ||
	    !str_is_clean_utf8(f.subject, strlen(f.subject)))) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'subject' "
		    "must be an id");
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	if (buf_puts(&q->raw, "{\"alerts\":[") == -1 ||
	    store_ops(q->ctx->store)->alert_list(c, &f, doc_cb, &l,
	    &q->err) == -1)
		return -1;
	if (l.fail || buf_puts(&q->raw, "]}") == -1)
		return err_internal(&q->err, "the answer is too large");
	q->has_raw = 1;
	q->status = 200;
	return 0;
}

int
h_alert_view(struct req *q)
{
	const char *id = req_param(q, 0);
	struct store_conn *c;
	int rc;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	rc = store_ops(q->ctx->store)->alert_get(c, id, &q->raw, &q->err);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		q->err.reason = "no_such_alert";
		return err_set(&q->err, 404, "not_found", "no such alert: %s",
		    id);
	}
	q->has_raw = 1;
	q->status = 200;
	return 0;
}

/* The body of POST /v1/containment: exactly one of the kinds names its
 * target, a reason, and the level (by default sessions for a session,
 * access for the rest: the operator's word is strong evidence).  -1 with
 * a 400. */
static int
contain_body(struct req *q, int *kind, int *level, const char **target,
    const char **reason)
{
	static const char *const keys[] = {"engineer", "device", "session",
	    "vendor", "reason", "level", NULL};
	json_t *b = req_body(q);
	const char *v;
	int i;

	*target = NULL;
	if (b == NULL)
		return -1;
	if (jx_only(b, keys, &q->err) == -1)
		goto bad;
	for (i = 0; i < CONTAIN_KIND_COUNT; i++) {
		if (jx_str(&v, b, contain_kind_names[i], 1, ID_MAX - 1,
		    JX_CLEAN, &q->err) == -1)
			goto bad;
		if (v == NULL)
			continue;
		if (*target != NULL) {
			err_bad_request(&q->err, "name exactly one of "
			    "'engineer', 'device', 'session' and 'vendor'");
			goto bad;
		}
		*target = v;
		*kind = i;
	}
	if (*target == NULL) {
		err_bad_request(&q->err, "name what to contain: one of "
		    "'engineer', 'device', 'session' or 'vendor'");
		goto bad;
	}
	if (jx_str(reason, b, "reason", CONTAIN_REASON_MIN, REC_REASON_MAX,
	    JX_REQUIRED, &q->err) == -1 || jx_str(&v, b, "level", 1, 16,
	    JX_CLEAN, &q->err) == -1)
		goto bad;
	*level = *kind == CONTAIN_SESSION ? CONTAIN_SESSIONS : CONTAIN_ACCESS;
	if (v != NULL) {
		*level = contain_level_parse(v);
		if (*level == -1) {
			err_bad_request(&q->err, "field 'level' must be "
			    "'sessions', 'logins' or 'access'");
			goto bad;
		}
	}
	return 0;
bad:
	q->err.reason = "bad_request";
	return -1;
}

/* POST /v1/containment: the rules are in access/contain.c. */
int
h_containment(struct req *q)
{
	const char *target, *reason;
	struct contain_run run;
	struct containment_op op = {&run, &q->ev};
	struct store_job *more = NULL;
	struct store_conn *c;
	int kind = -1, level = -1, rc = -1;

	memset(&run, 0, sizeof(run));
	if (contain_body(q, &kind, &level, &target, &reason) == -1)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), target);
	c = req_reader(q);
	if (c == NULL || contain_prepare(&run, c, store_ops(q->ctx->store),
	    kind, level, target, reason, q->now, &q->err) == -1)
		goto out;
	run.by = q->actor;
	str_copy(run.source, sizeof(run.source), q->ev.source);
	str_copy(run.r.created_by, sizeof(run.r.created_by), q->actor.id);
	str_copy(q->ev.target, sizeof(q->ev.target), run.r.id);
	if (run.cap > 0) {
		more = calloc(run.cap, sizeof(*more));
		if (more == NULL) {
			err_internal(&q->err, "out of memory");
			goto out;
		}
		contain_grant_jobs(&run, more);
	}
	if (req_write_op_with(q, containment_apply, &op, "containment", more,
	    run.cap) == -1)
		goto out;
	req_ok(q, 201, contain_json(&run));
	rc = 0;
out:
	free(more);
	contain_run_cleanup(&run);
	return rc;
}

static int
list_cb(void *arg, const struct rec_containment *r)
{
	return json_array_append_new(arg, containment_json(r)) == -1;
}

int
h_containment_list(struct req *q)
{
	struct store_conn *c;
	int64_t all;
	json_t *list;

	if (req_query_int(q, "all", 0, 1, &all) == -1)
		return -1;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	list = json_array();
	if (store_ops(q->ctx->store)->containment_list(c, (int)all, list_cb,
	    list, &q->err) == -1) {
		json_decref(list);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:o}", "containments", list));
	return 0;
}

/* POST /v1/containment/{id}/lift {reason}: the rules are in
 * access/containment.c. */
int
h_containment_lift(struct req *q)
{
	static const char *const keys[] = {"reason", NULL};
	const char *id = req_param(q, 0), *reason;
	struct rec_containment r;
	struct store_conn *c;
	json_t *b = req_body(q);

	if (id == NULL || b == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	if (jx_only(b, keys, &q->err) == -1 || jx_str(&reason, b, "reason",
	    CONTAIN_REASON_MIN, REC_REASON_MAX, JX_REQUIRED, &q->err) == -1) {
		q->err.reason = "bad_request";
		return -1;
	}
	c = req_reader(q);
	if (c == NULL || containment_lift_prepare(&r, c,
	    store_ops(q->ctx->store), id, q->actor.id, reason, q->now, &q->ev,
	    &q->err) == -1 ||
	    req_write_op(q, containment_lift_apply, &r, "containment") == -1)
		return -1;
	req_ok(q, 200, containment_json(&r));
	return 0;
}
