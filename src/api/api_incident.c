/* SPDX-License-Identifier: ISC */
/*
 * Incidents over HTTP (issue 13): the operator asks the scope question and
 * keeps its answer with one report per tenant (POST /v1/incidents), lists
 * and reads them (GET /v1/incidents[/{id}]); a tenant's admins list and
 * read only their own tenant's reports (GET /v1/tenants/{t}/incidents
 * [/{id}]), through the tenant gate.  The rules and the reports are
 * src/scope's (incident.h, scope_report.h); this decodes and encodes.
 */
#include <stdlib.h>
#include <string.h>

#include "access/grant.h"
#include "api/req.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "scope/incident.h"
#include "scope/incident_publish.h"

#define INCIDENT_PAGE_DEFAULT 50
#define INCIDENT_PAGE_MAX 500

/* POST /v1/incidents {title, scope: {principals, from, to}}. */
int
h_incident_create(struct req *q)
{
	static const char *const keys[] = {"title", "scope", NULL};
	static const char *const scope_keys[] = {"principals", "from", "to",
	    NULL};
	struct incident_in in;
	struct incident x;
	struct scope_query *sq = NULL;
	const json_t *scope;
	const char *title;
	char n[24];
	json_t *b = req_body(q);
	int rc = -1;

	memset(&x, 0, sizeof(x));
	memset(&in, 0, sizeof(in));
	if (b == NULL)
		return -1;
	if (jx_only(b, keys, &q->err) ||
	    jx_str(&title, b, "title", INCIDENT_TITLE_MIN, REC_TITLE_MAX,
	    JX_REQUIRED | JX_CLEAN, &q->err))
		goto bad;
	scope = json_object_get(b, "scope");
	if (!json_is_object(scope)) {
		err_bad_request(&q->err, "field 'scope' must be an object: "
		    "{principals, from, to}, as POST /v1/scope takes");
		goto bad;
	}
	sq = calloc(1, sizeof(*sq));
	if (sq == NULL)
		return err_internal(&q->err, "out of memory");
	if (jx_only(scope, scope_keys, &q->err) ||
	    req_scope_window(q, scope, &sq->from, &sq->to) ||
	    req_scope_principals(q, json_object_get(scope, "principals"),
	    sq))
		goto bad;
	in.c = req_reader(q);
	if (in.c == NULL)
		goto out;
	in.ops = store_ops(q->ctx->store);
	in.tlog = q->ctx->tlog;
	in.title = title;
	in.created_by = q->actor.id;
	in.now = q->now;
	in.q = sq;
	in.principals = json_object_get(scope, "principals");
	if (incident_build(&x, &in, &q->err) == -1) {
		if (q->err.status == 400)
			goto bad;
		goto out;
	}
	str_copy(q->ev.target, sizeof(q->ev.target), x.rec.id);
	(void)str_printf(n, sizeof(n), "%zu", x.n);
	event_detail(&q->ev, "tenants", n);
	if (req_write_op(q, incident_apply, &x, "incident") == -1)
		goto out;
	req_ok(q, 201, json_incref(x.answer));
	rc = 0;
	goto out;
bad:
	q->err.reason = "bad_request";
out:
	incident_cleanup(&x);
	free(sq);
	return rc;
}

struct inc_page {
	struct req *q;
	json_t *list;
	int64_t limit;
	int tenant;                     /* a tenant's list */
	char next[ID_MAX];
	int fail;
};

static int
incident_cb(void *arg, const struct rec_incident *r, const char *exposure)
{
	struct inc_page *p = arg;
	json_t *o, *doc;

	if ((int64_t)json_array_size(p->list) == p->limit) {
		json_t *last = json_array_get(p->list, p->limit - 1);

		str_copy(p->next, sizeof(p->next),
		    json_string_value(json_object_get(last, "id")));
		return 1;
	}
	o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:I}", "id", r->id, "title",
	    r->title, "created", grant_stamp_json(r->created), "from",
	    grant_stamp_json(r->from), "to", grant_stamp_json(r->to), "size",
	    (json_int_t)r->size);
	if (o == NULL)
		goto fail;
	if (p->tenant) {
		json_object_set_new(o, "exposure", json_string(exposure));
	} else {
		json_object_set_new(o, "created_by",
		    json_string(r->created_by));
		json_object_set_new(o, "tenants", json_integer(r->tenants));
		doc = r->doc != NULL ? json_loadb(r->doc, r->len, 0, NULL) :
		    NULL;
		json_object_set(o, "summary", doc != NULL ?
		    json_object_get(doc, "summary") : json_null());
		json_decref(doc);
	}
	if (json_array_append_new(p->list, o) == -1)
		goto fail;
	return 0;
fail:
	p->fail = 1;
	return 1;
}

static int
incident_page(struct req *q, const char *tenant)
{
	struct inc_page p = {q, NULL, 0, tenant != NULL, "", 0};
	const char *after = http_query(q->http, "after");
	struct store_conn *c;
	int rc;

	if (req_query_int(q, "limit", INCIDENT_PAGE_DEFAULT,
	    INCIDENT_PAGE_MAX, &p.limit) == -1)
		return -1;
	if (p.limit == 0)
		p.limit = INCIDENT_PAGE_DEFAULT;
	if (after != NULL && !id_valid(after)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'after' must be "
		    "an incident id");
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	p.list = json_array();
	if (p.list == NULL)
		return err_internal(&q->err, "out of memory");
	rc = store_ops(q->ctx->store)->incident_list(c, tenant, after,
	    p.limit + 1, incident_cb, &p, &q->err);
	if (rc == 1) {
		q->err.reason = "bad_request";
		err_bad_request(&q->err, "query parameter 'after' names no "
		    "incident");
	}
	if (rc != 0 || p.fail) {
		json_decref(p.list);
		return q->err.status != 0 ? -1 : err_internal(&q->err,
		    "out of memory");
	}
	req_ok(q, 200, json_pack("{s:o,s:o}", "incidents", p.list, "next",
	    p.next[0] != '\0' ? json_string(p.next) : json_null()));
	return 0;
}

int
h_incident_list(struct req *q)
{
	return incident_page(q, NULL);
}

int
h_tenant_incident_list(struct req *q)
{
	return incident_page(q, q->tenant.id);
}

/* A stored JSON document as the answer, as it was kept. */
static int
raw_answer(struct req *q)
{
	if (buf_puts(&q->raw, "\n") == -1)
		return err_internal(&q->err, "answer too large");
	q->has_raw = 1;
	q->status = 200;
	return 0;
}

static int
no_incident(struct req *q)
{
	q->err.reason = "no_such_incident";
	return err_set(&q->err, 404, "not_found", "no such incident");
}

/* GET /v1/incidents/{id}: the operator's summary. */
int
h_incident_view(struct req *q)
{
	const char *id = req_param(q, 0);
	struct rec_incident r;
	struct store_conn *c;
	int rc;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	buf_reset(&q->raw);
	rc = store_ops(q->ctx->store)->incident_get(c, id, &r, &q->raw,
	    &q->err);
	if (rc == -1)
		return -1;
	return rc == 1 ? no_incident(q) : raw_answer(q);
}

/* GET /v1/tenants/{t}/incidents/{id}: the tenant's report only.  An
 * incident that has no report of this tenant is no incident to it. */
int
h_tenant_incident_view(struct req *q)
{
	const char *id = req_param(q, 1);
	struct store_conn *c;
	int rc;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	buf_reset(&q->raw);
	rc = store_ops(q->ctx->store)->incident_report_get(c, id,
	    q->tenant.id, &q->raw, &q->err);
	if (rc == -1)
		return -1;
	return rc == 1 ? no_incident(q) : raw_answer(q);
}

/* The operator's text: lines (LF, tabs) without other control bytes
 * (jansson has checked it is UTF-8). */
static int
message_ok(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * POST /v1/incidents/{id}/publish {notify, message?} (issue 16): the
 * rules are scope/incident_publish.c's.  The notices and their entries
 * (incident.notify, one per tenant told) commit with the request's
 * (incident.publish) or not at all; the mail goes after the commit.
 */
int
h_incident_publish(struct req *q)
{
	static const char *const keys[] = {"notify", "message", NULL};
	const char *id = req_param(q, 0), *notify, *message;
	struct notice_cfg mail = {q->ctx->cfg.outbox_dir,
	    q->ctx->cfg.mail_from, q->ctx->cfg.public_url};
	struct publish_in in;
	struct publish p;
	struct store_job *more = NULL;
	char n[24];
	json_t *b;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	memset(&in, 0, sizeof(in));
	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	b = req_body(q);
	if (b == NULL)
		return -1;
	if (jx_only(b, keys, &q->err) ||
	    jx_str(&notify, b, "notify", 1, 32, JX_REQUIRED | JX_CLEAN,
	    &q->err) ||
	    jx_str(&message, b, "message", 1, PUBLISH_MESSAGE_MAX, 0,
	    &q->err))
		goto bad;
	if (strcmp(notify, "affected") != 0 &&
	    strcmp(notify, "affected_and_unaffected") != 0) {
		err_bad_request(&q->err, "field 'notify' must be 'affected' or "
		    "'affected_and_unaffected'");
		goto bad;
	}
	if (message != NULL && !message_ok(message)) {
		err_bad_request(&q->err, "field 'message' must be text: lines "
		    "without control characters");
		goto bad;
	}
	in.c = req_reader(q);
	if (in.c == NULL)
		return -1;
	in.ops = store_ops(q->ctx->store);
	in.tlog = q->ctx->tlog;
	in.incident_id = id;
	in.unaffected = strcmp(notify, "affected_and_unaffected") == 0;
	in.message = message;
	in.by = &q->actor;
	in.source = q->ev.source;
	in.now = q->now;
	in.mail = &mail;
	if (publish_prepare(&p, &in, &q->err) == -1)
		goto out;
	(void)str_printf(n, sizeof(n), "%zu", p.n);
	event_detail(&q->ev, "notified", n);
	(void)str_printf(n, sizeof(n), "%zu", json_array_size(p.unreached));
	event_detail(&q->ev, "unreached", n);
	event_detail(&q->ev, "notify", notify);
	if (p.n > 0) {
		more = calloc(p.n, sizeof(*more));
		if (more == NULL) {
			err_internal(&q->err, "out of memory");
			goto out;
		}
		publish_jobs(&p, more);
	}
	if (req_write_op_with(q, publish_apply, &p, "publication", more,
	    p.n) == -1)
		goto out;
	publish_deliver(&p);
	req_ok(q, 200, publish_json(&p));
	rc = 0;
	goto out;
bad:
	q->err.reason = "bad_request";
out:
	free(more);
	publish_cleanup(&p);
	return rc;
}

struct notice_page {
	json_t *list;
	int fail;
};

static int
notice_cb(void *arg, const struct rec_incident_notice *r)
{
	struct notice_page *p = arg;
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:b}", "incident",
	    r->incident_id, "title", r->title, "exposure", r->exposure,
	    "published", grant_stamp_json(r->created), "from",
	    grant_stamp_json(r->from), "to", grant_stamp_json(r->to),
	    "affected", strcmp(r->exposure, "unaffected") != 0);

	if (o == NULL || json_array_append_new(p->list, o) == -1) {
		p->fail = 1;
		return 1;
	}
	return 0;
}

/* GET /v1/tenants/{t}/incident-notices: the notices this tenant was
 * sent, newest first (the console's page). */
int
h_tenant_notice_list(struct req *q)
{
	struct notice_page p = {NULL, 0};
	struct store_conn *c;
	int64_t limit;

	if (req_query_int(q, "limit", INCIDENT_PAGE_DEFAULT,
	    INCIDENT_PAGE_MAX, &limit) == -1)
		return -1;
	if (limit == 0)
		limit = INCIDENT_PAGE_DEFAULT;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	p.list = json_array();
	if (p.list == NULL)
		return err_internal(&q->err, "out of memory");
	if (store_ops(q->ctx->store)->incident_notice_list(c, NULL,
	    q->tenant.id, limit, notice_cb, &p, &q->err) == -1 || p.fail) {
		json_decref(p.list);
		return q->err.status != 0 ? -1 : err_internal(&q->err,
		    "out of memory");
	}
	req_ok(q, 200, json_pack("{s:o}", "notices", p.list));
	return 0;
}

/* GET /v1/tenants/{t}/incident-notices/{id}: the notice as sent (its
 * text; an unaffected tenant's proof), this tenant's only. */
int
h_tenant_notice_view(struct req *q)
{
	const char *id = req_param(q, 1);
	struct store_conn *c;
	int rc;

	if (id == NULL)
		return -1;
	str_copy(q->ev.target, sizeof(q->ev.target), id);
	c = req_reader(q);
	if (c == NULL)
		return -1;
	buf_reset(&q->raw);
	rc = store_ops(q->ctx->store)->incident_notice_get(c, id,
	    q->tenant.id, &q->raw, &q->err);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		q->err.reason = "no_such_notice";
		return err_set(&q->err, 404, "not_found", "no such notice");
	}
	return raw_answer(q);
}
