/* SPDX-License-Identifier: ISC */
/*
 * Access requests as lists, with what a reader needs to judge them (issue
 * 13): a tenant's, for its admins (GET /v1/tenants/{t}/access-requests),
 * and an engineer's own, or for the operator everyone's
 * (GET /v1/access-requests).  Each item is the request as
 * GET /v1/access-requests/{id} shows it (access/grant.h) plus the names
 * behind its ids (engineer_username, vendor_name, ticket_subject,
 * tenant_name), expires_at and seconds_left, and "past": that engineer's
 * earlier requests of the same tenant ({requests, approved, last}), read
 * by the store in the same query (store.h grant_views).  One request
 * (GET /v1/access-requests/{id}, api_access.c) is answered the same way.
 */
#include <string.h>

#include "access/grant.h"
#include "api/req.h"
#include "common/str.h"

#define TENANT_LIST_DEFAULT 1000        /* what the list answered before */
#define BROWSE_DEFAULT 100
#define LIST_MAX 1000

static json_t *
view_json(const struct rec_grant_view *v, int64_t now)
{
	json_t *o = grant_json(&v->g, now);
	int st = grant_effective_state(&v->g, now);

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "engineer_username",
	    json_string(v->engineer_username));
	json_object_set_new(o, "vendor_name", json_string(v->vendor_name));
	json_object_set_new(o, "ticket_subject",
	    json_string(v->ticket_subject));
	json_object_set_new(o, "tenant_name", json_string(v->tenant_name));
	if (json_object_get(o, "expires_at") == NULL)
		json_object_set_new(o, "expires_at", json_null());
	/* Access still open: how long it lasts. */
	json_object_set_new(o, "seconds_left", st == GRANT_APPROVED ?
	    json_integer(v->g.deadline - now) : json_null());
	json_object_set_new(o, "past", json_pack("{s:I,s:I,s:o}", "requests",
	    (json_int_t)v->past_requests, "approved",
	    (json_int_t)v->past_approved, "last",
	    grant_stamp_json(v->past_last)));
	return o;
}

struct page {
	struct req *q;
	json_t *list;
	int64_t limit;
	char next[ID_MAX];
	int fail;
};

static int
view_cb(void *arg, const struct rec_grant_view *v)
{
	struct page *p = arg;

	/* One more than asked was read: there is a next page. */
	if ((int64_t)json_array_size(p->list) == p->limit) {
		json_t *last = json_array_get(p->list, p->limit - 1);

		str_copy(p->next, sizeof(p->next),
		    json_string_value(json_object_get(last, "id")));
		return 1;
	}
	if (json_array_append_new(p->list, view_json(v, p->q->now)) == -1) {
		p->fail = 1;
		return 1;
	}
	return 0;
}

/* An optional id-shaped query parameter: 0 with *out (NULL when absent),
 * or -1 with a 400 naming it. */
static int
query_id(struct req *q, const char *name, const char **out)
{
	*out = http_query(q->http, name);
	if (*out == NULL || id_valid(*out))
		return 0;
	q->err.reason = "bad_request";
	return err_bad_request(&q->err, "query parameter '%s' must be an id",
	    name);
}

/* Answers the page of (tenant, engineer) from ?after= on, ?limit= long. */
static int
answer_page(struct req *q, const char *tenant, const char *engineer,
    int64_t dflt)
{
	struct page p = {q, NULL, 0, "", 0};
	struct store_conn *c;
	const char *after;
	int rc;

	if (req_query_int(q, "limit", dflt, LIST_MAX, &p.limit) == -1 ||
	    query_id(q, "after", &after) == -1)
		return -1;
	if (p.limit == 0)
		p.limit = dflt;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	p.list = json_array();
	if (p.list == NULL)
		return err_internal(&q->err, "out of memory");
	rc = store_ops(q->ctx->store)->grant_views(c, tenant, engineer, after,
	    p.limit + 1, view_cb, &p, &q->err);
	if (rc == 1) {
		q->err.reason = "bad_request";
		err_bad_request(&q->err, "query parameter 'after' names no "
		    "access request");
	}
	if (rc != 0 || p.fail) {
		json_decref(p.list);
		return q->err.status != 0 ? -1 : err_internal(&q->err,
		    "out of memory");
	}
	req_ok(q, 200, json_pack("{s:o,s:o}", "access_requests", p.list,
	    "next", p.next[0] != '\0' ? json_string(p.next) : json_null()));
	return 0;
}

int
req_grant_view_answer(struct req *q, const struct rec_grant *g)
{
	struct rec_grant_view v;
	struct store_conn *c = req_reader(q);
	json_t *o;
	int rc;

	if (c == NULL)
		return -1;
	rc = store_ops(q->ctx->store)->grant_view_get(c, g->id, &v, &q->err);
	if (rc == -1)
		return -1;
	/* Gone since it was loaded (never deleted today): as it was. */
	o = rc == 0 ? view_json(&v, q->now) : grant_json(g, q->now);
	if (o == NULL)
		return err_internal(&q->err, "out of memory");
	req_ok(q, 200, o);
	return 0;
}

/* GET /v1/tenants/{t}/access-requests: the tenant's, for its admins. */
int
h_access_request_list(struct req *q)
{
	return answer_page(q, q->tenant.id, NULL, TENANT_LIST_DEFAULT);
}

/* GET /v1/access-requests: an engineer's own (of ?tenant= only, when
 * given); the operator's all, or those of ?engineer= and/or ?tenant=. */
int
h_access_request_browse(struct req *q)
{
	const char *engineer = NULL, *tenant = NULL;

	if (query_id(q, "tenant", &tenant) == -1)
		return -1;
	if (q->actor.kind == ACTOR_ENGINEER)
		engineer = q->actor.id;         /* never anyone else's */
	else if (query_id(q, "engineer", &engineer) == -1)
		return -1;
	return answer_page(q, tenant, engineer, BROWSE_DEFAULT);
}
