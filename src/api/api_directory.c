/* SPDX-License-Identifier: ISC */
/*
 * The directory: the operator's create calls (vendors, engineers,
 * devices, tenants; users and tickets also by tenant admins), the bulk
 * import of JSON lines that `custos seed` uses, and the lists the console
 * reads (vendors, engineers with their devices and standing, tenants by
 * name and page, one tenant).  The rules are in src/directory
 * (directory.h for one object, bulk.h for the lines).
 */
#include <stdlib.h>
#include <string.h>

#include "access/approval.h"
#include "access/grant.h"
#include "access/policy.h"
#include "api/req.h"
#include "common/str.h"
#include "directory/bulk.h"
#include "directory/directory.h"
#include "directory/lifecycle.h"

#define TENANT_PAGE_DEFAULT 100
#define TENANT_PAGE_MAX 1000
#define TENANT_FILTER_MAX REC_NAME_MAX

/* Parses the body as kind, inserts it with its entry, answers 201. */
static int
create(struct req *q, int kind, const char *parent)
{
	struct dir_object *d;
	json_t *b = req_body(q), *resp, *obj;
	const int stepped = kind == DIR_USER &&
	    q->actor.kind == ACTOR_TENANT_ADMIN;
	int rc = -1;

	if (b == NULL)
		return -1;
	/* The object without the step-up's field, which dir_parse does not
	 * know (a shallow copy: the values stay b's). */
	obj = stepped ? json_copy(b) : json_incref(b);
	if (obj == NULL)
		return err_internal(&q->err, "out of memory");
	if (stepped)
		(void)json_object_del(obj, "step_up");
	d = malloc(sizeof(*d));
	if (d == NULL) {
		json_decref(obj);
		return err_internal(&q->err, "out of memory");
	}
	if (dir_parse(d, kind, obj, parent, q->now, q->ctx->cfg.issuer, 0,
	    &q->err) == -1) {
		q->err.reason = "bad_request";
		goto out;
	}
	dir_object_event(d, &q->ev);
	if (stepped && req_step_up(q, parent) == -1)
		goto out;
	if (req_write_op(q, dir_insert, d, dir_kind_names[kind]) == -1)
		goto out;
	resp = json_pack("{s:s}", "id", dir_object_id(d));
	if (kind == DIR_VENDOR)
		json_object_set_new(resp, "name", json_string(d->u.vendor.name));
	/* An engineer made without a password enrols by invitation: the
	 * seed made for them is never shown to anyone. */
	if (kind == DIR_ENGINEER && d->u.engineer.password_hash[0] != '\0')
		json_object_set_new(resp, "totp_uri",
		    json_string(d->totp_uri));
	req_ok(q, 201, resp);
	rc = 0;
out:
	json_decref(obj);
	dir_object_cleanup(d);
	free(d);
	return rc;
}

int
h_vendor_create(struct req *q)
{
	return create(q, DIR_VENDOR, NULL);
}

int
h_engineer_create(struct req *q)
{
	return create(q, DIR_ENGINEER, NULL);
}

int
h_device_create(struct req *q)
{
	const char *eng = req_param(q, 0);

	return eng == NULL ? -1 : create(q, DIR_DEVICE, eng);
}

int
h_tenant_create(struct req *q)
{
	return create(q, DIR_TENANT, NULL);
}

/* A tenant admin's user.create also takes "step_up" (auth/stepup.h),
 * bound to the tenant's id: judged after the user, before the write. */
int
h_user_create(struct req *q)
{
	return create(q, DIR_USER, q->tenant.id);
}

int
h_ticket_create(struct req *q)
{
	return create(q, DIR_TICKET, q->tenant.id);
}

/* POST /v1/import (format=directory, the default): all lines or none,
 * each object with its own entry. */
int
h_import(struct req *q)
{
	const char *format = http_query(q->http, "format");
	struct bulk_in in = {&q->actor, q->ev.source, q->ctx->cfg.issuer,
	    q->now};
	struct bulk b;
	json_t *counts;
	int rc = -1, k;

	if (format != NULL && strcmp(format, "directory") != 0)
		return h_import_events(q, format);
	if (bulk_parse(&b, q->http->body.data, q->http->body.len,
	    store_ops(q->ctx->store), &in, &q->err) == -1 ||
	    req_write_bulk(q, b.jobs, b.n) == -1)
		goto out;
	q->recorded = 1;
	rc = 0;
	counts = json_object();
	for (k = 0; k < DIR_KIND_COUNT; k++)
		if (b.counts[k] > 0)
			json_object_set_new(counts, dir_kind_names[k],
			    json_integer(b.counts[k]));
	req_ok(q, 200, json_pack("{s:o,s:I}", "imported", counts, "entries",
	    (json_int_t)b.n));
out:
	if (rc == -1 && q->err.reason == NULL)
		q->err.reason = q->err.code;
	bulk_cleanup(&b);
	return rc;
}

/* ---- the console's lists (issue 13) ---- */

/* A time, or null for 0 (never). */
static json_t *
stamp_or_null(int64_t t)
{
	return t != 0 ? grant_stamp_json(t) : json_null();
}

/* ---- paging and filters of the directory's lists (issue 14) ---- */

static int
ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i, k;

	if (hay == NULL)
		return 0;
	for (i = 0; hay[i] != '\0'; i++) {
		for (k = 0; k < n && hay[i + k] != '\0'; k++) {
			char a = hay[i + k], b = needle[k];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (k == n)
			return 1;
	}
	return n == 0;
}

static const char *
field(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
dir_filter_parse(struct req *q, struct dir_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->q = http_query(q->http, "q");
	f->status = http_query(q->http, "status");
	f->vendor = http_query(q->http, "vendor");
	f->engineer = http_query(q->http, "engineer");
	f->after = http_query(q->http, "after");
	if (req_query_int(q, "limit", TENANT_PAGE_DEFAULT, TENANT_PAGE_MAX,
	    &f->limit) == -1)
		return -1;
	if (f->limit == 0)
		f->limit = TENANT_PAGE_DEFAULT;
	q->err.reason = "bad_request";
	if (f->q != NULL && (strlen(f->q) > TENANT_FILTER_MAX ||
	    !str_is_clean_utf8(f->q, strlen(f->q))))
		return err_bad_request(&q->err, "query parameter 'q' must be "
		    "at most %d bytes of text", TENANT_FILTER_MAX);
	if (f->status != NULL && lifecycle_status_parse(f->status) == -1)
		return err_bad_request(&q->err, "query parameter 'status' must "
		    "be active, suspended or offboarded");
	if (f->vendor != NULL && !id_valid(f->vendor))
		return err_bad_request(&q->err, "query parameter 'vendor' must "
		    "be a vendor id");
	if (f->engineer != NULL && !id_valid(f->engineer))
		return err_bad_request(&q->err, "query parameter 'engineer' "
		    "must be an engineer id");
	if (f->after != NULL && !id_valid(f->after))
		return err_bad_request(&q->err, "query parameter 'after' must "
		    "be an id (the last one of the page before)");
	q->err.reason = NULL;
	return 0;
}

static int
filter_match(const struct dir_filter *f, const json_t *o)
{
	static const char *const text[] = {"id", "name", "username", "email",
	    NULL};
	int i, hit;

	if (f->status != NULL && (field(o, "status") == NULL ||
	    strcmp(field(o, "status"), f->status) != 0))
		return 0;
	if (f->vendor != NULL && (field(o, "vendor") == NULL ||
	    strcmp(field(o, "vendor"), f->vendor) != 0))
		return 0;
	if (f->engineer != NULL && (field(o, "engineer") == NULL ||
	    strcmp(field(o, "engineer"), f->engineer) != 0))
		return 0;
	if (f->q == NULL || f->q[0] == '\0')
		return 1;
	for (i = 0, hit = 0; text[i] != NULL && !hit; i++)
		hit = ci_contains(field(o, text[i]), f->q);
	return hit;
}

int
dir_page(struct req *q, const struct dir_filter *f, json_t *all,
    const char *key)
{
	json_t *page = json_array(), *o;
	const char *next = NULL;
	size_t i, start = 0;
	int seen = f->after == NULL;

	if (page == NULL)
		return err_internal(&q->err, "out of memory");
	for (i = 0; !seen && i < json_array_size(all); i++)
		if (field(json_array_get(all, i), "id") != NULL && strcmp(field(
		    json_array_get(all, i), "id"), f->after) == 0) {
			seen = 1;
			start = i + 1;
		}
	if (!seen) {
		json_decref(page);
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'after' names "
		    "nothing in this list");
	}
	for (i = start; i < json_array_size(all); i++) {
		o = json_array_get(all, i);
		if (!filter_match(f, o))
			continue;
		if ((int64_t)json_array_size(page) == f->limit) {
			next = field(json_array_get(page, f->limit - 1), "id");
			break;
		}
		json_array_append(page, o);
	}
	req_ok(q, 200, json_pack("{s:o,s:o}", key, page, "next",
	    next != NULL ? json_string(next) : json_null()));
	return 0;
}

/* The containments in force, by kind: {kind: {target: containment id}}. */
struct contained {
	json_t *by[CONTAIN_KIND_COUNT];
};

static int
contained_cb(void *arg, const struct rec_containment *r)
{
	struct contained *k = arg;

	if (r->kind >= 0 && r->kind < CONTAIN_KIND_COUNT && r->lifted == 0)
		json_object_set_new(k->by[r->kind], r->target,
		    json_string(r->id));
	return 0;
}

static int
contained_load(struct req *q, struct store_conn *c, struct contained *k)
{
	int i;

	for (i = 0; i < CONTAIN_KIND_COUNT; i++) {
		k->by[i] = json_object();
		if (k->by[i] == NULL)
			return err_internal(&q->err, "out of memory");
	}
	return store_ops(q->ctx->store)->containment_list(c, 0, contained_cb,
	    k, &q->err);
}

static void
contained_free(struct contained *k)
{
	int i;

	for (i = 0; i < CONTAIN_KIND_COUNT; i++)
		json_decref(k->by[i]);
}

/* The containment in force over (kind, id) as JSON: its id, or null. */
static json_t *
contained_json(const struct contained *k, int kind, const char *id)
{
	json_t *v = json_object_get(k->by[kind], id);

	return v != NULL ? json_incref(v) : json_null();
}

struct lists {
	struct req *q;
	struct contained k;
	json_t *vendors;                /* id -> vendor object */
	json_t *engineers;              /* id -> engineer object */
	json_t *order;                  /* the answer's array */
	int fail;
};

static int
vendor_cb(void *arg, const struct rec_vendor *v)
{
	struct lists *l = arg;
	json_t *o = json_pack("{s:s,s:s,s:o,s:i,s:o,s:s,s:o}", "id", v->id,
	    "name", v->name, "created", grant_stamp_json(v->created),
	    "engineers", 0, "contained", contained_json(&l->k, CONTAIN_VENDOR,
	    v->id), "status", lifecycle_status_name(v->status),
	    "status_changed", stamp_or_null(v->status_changed));

	if (o == NULL || json_object_set(l->vendors, v->id, o) == -1 ||
	    json_array_append_new(l->order, o) == -1) {
		l->fail = 1;
		return 1;
	}
	return 0;
}

static int
engineer_cb(void *arg, const struct rec_engineer *r)
{
	struct lists *l = arg;
	json_t *v = json_object_get(l->vendors, r->vendor_id), *o;

	if (v != NULL)
		json_object_set_new(v, "engineers", json_integer(
		    json_integer_value(json_object_get(v, "engineers")) + 1));
	if (l->engineers == NULL)
		return 0;
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:[]}", "id", r->id,
	    "username", r->username, "vendor", r->vendor_id, "vendor_name",
	    v != NULL ? json_string_value(json_object_get(v, "name")) : "",
	    "status", lifecycle_status_name(r->status), "created",
	    grant_stamp_json(r->created), "contained",
	    contained_json(&l->k, CONTAIN_ENGINEER, r->id), "vendor_contained",
	    contained_json(&l->k, CONTAIN_VENDOR, r->vendor_id), "devices");
	if (o != NULL) {
		json_object_set_new(o, "email", json_string(r->email));
		json_object_set_new(o, "status_changed",
		    stamp_or_null(r->status_changed));
		json_object_set_new(o, "vendor_status", json_string(v != NULL ?
		    field(v, "status") : "active"));
	}
	if (o == NULL || json_object_set(l->engineers, r->id, o) == -1 ||
	    json_array_append_new(l->order, o) == -1) {
		l->fail = 1;
		return 1;
	}
	return 0;
}

static int
device_cb(void *arg, const struct rec_device *d)
{
	struct lists *l = arg;
	json_t *en = json_object_get(l->engineers, d->engineer_id);

	if (en == NULL)
		return 0;
	if (json_array_append_new(json_object_get(en, "devices"),
	    json_pack("{s:s,s:s,s:o,s:o,s:o}", "id", d->id, "name", d->name,
	    "created", grant_stamp_json(d->created), "contained",
	    contained_json(&l->k, CONTAIN_DEVICE, d->id), "revoked",
	    stamp_or_null(d->revoked))) == -1) {
		l->fail = 1;
		return 1;
	}
	return 0;
}

/* GET /v1/vendors (engineers 0) and GET /v1/engineers (1). */
static int
directory_list(struct req *q, int engineers)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	struct store_conn *c = req_reader(q);
	struct lists l;
	json_t *vendors_order;
	int rc = -1;

	struct dir_filter f;

	memset(&l, 0, sizeof(l));
	l.q = q;
	if (dir_filter_parse(q, &f) == -1)
		return -1;
	if (c == NULL)
		return -1;
	l.vendors = json_object();
	l.order = json_array();
	if (engineers)
		l.engineers = json_object();
	if (l.vendors == NULL || l.order == NULL || (engineers &&
	    l.engineers == NULL)) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	if (contained_load(q, c, &l.k) == -1 ||
	    ops->vendor_list(c, vendor_cb, &l, &q->err) == -1)
		goto out;
	vendors_order = l.order;
	if (engineers) {
		l.order = json_array();
		if (l.order == NULL) {
			l.order = vendors_order;
			err_internal(&q->err, "out of memory");
			goto out;
		}
		json_decref(vendors_order);
	}
	if (l.fail || ops->engineer_list(c, engineer_cb, &l, &q->err) == -1 ||
	    l.fail || (engineers && ops->device_list(c, device_cb, &l,
	    &q->err) == -1) || l.fail) {
		if (q->err.status == 0)
			err_internal(&q->err, "out of memory");
		goto out;
	}
	if (dir_page(q, &f, l.order, engineers ? "engineers" : "vendors") ==
	    -1)
		goto out;
	rc = 0;
out:
	contained_free(&l.k);
	json_decref(l.vendors);
	json_decref(l.engineers);
	json_decref(l.order);
	return rc;
}

int
h_vendor_list(struct req *q)
{
	return directory_list(q, 0);
}

int
h_engineer_list(struct req *q)
{
	return directory_list(q, 1);
}

/* A tenant as the console shows it: name and settings, nothing of its
 * users. */
static json_t *
tenant_json(const struct rec_tenant *t)
{
	return json_pack("{s:s,s:s,s:s,s:I,s:s,s:o,s:o}", "id", t->id, "name",
	    t->name, "support_policy", policy_names[t->policy], "max_minutes",
	    (json_int_t)t->max_minutes, "second_approver",
	    second_approver_names[t->second_approver], "sensitive_actions",
	    sensitive_json(t->sensitive), "created",
	    grant_stamp_json(t->created));
}

struct tenant_page {
	json_t *list;
	int64_t limit;
	char next[ID_MAX];
	int fail;
};

static int
tenant_cb(void *arg, const struct rec_tenant *t)
{
	struct tenant_page *p = arg;

	/* One more than asked was read: there is a next page. */
	if ((int64_t)json_array_size(p->list) == p->limit) {
		json_t *last = json_array_get(p->list, p->limit - 1);

		str_copy(p->next, sizeof(p->next),
		    json_string_value(json_object_get(last, "id")));
		return 1;
	}
	if (json_array_append_new(p->list, tenant_json(t)) == -1) {
		p->fail = 1;
		return 1;
	}
	return 0;
}

/* GET /v1/tenants?q=&limit=&after=: by id, a page at a time. */
int
h_tenant_list(struct req *q)
{
	const char *filter = http_query(q->http, "q");
	const char *after = http_query(q->http, "after");
	struct tenant_page p = {NULL, 0, "", 0};
	struct store_conn *c;

	if (req_query_int(q, "limit", TENANT_PAGE_DEFAULT, TENANT_PAGE_MAX,
	    &p.limit) == -1)
		return -1;
	if (p.limit == 0)
		p.limit = TENANT_PAGE_DEFAULT;
	if (filter != NULL && (strlen(filter) > TENANT_FILTER_MAX ||
	    !str_is_clean_utf8(filter, strlen(filter)))) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'q' must be at "
		    "most %d bytes of text", TENANT_FILTER_MAX);
	}
	if (after != NULL && !id_valid(after)) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'after' must be "
		    "a tenant id");
	}
	c = req_reader(q);
	if (c == NULL)
		return -1;
	p.list = json_array();
	if (p.list == NULL)
		return err_internal(&q->err, "out of memory");
	if (store_ops(q->ctx->store)->tenant_page(c, filter != NULL ? filter :
	    "", after != NULL ? after : "", p.limit + 1, tenant_cb, &p,
	    &q->err) == -1 || p.fail) {
		json_decref(p.list);
		return q->err.status != 0 ? -1 : err_internal(&q->err,
		    "out of memory");
	}
	req_ok(q, 200, json_pack("{s:o,s:o}", "tenants", p.list, "next",
	    p.next[0] != '\0' ? json_string(p.next) : json_null()));
	return 0;
}

/* GET /v1/tenants/{t}: the tenant gate loaded it and let only the
 * operator and its own admins through. */
int
h_tenant_view(struct req *q)
{
	json_t *o = tenant_json(&q->tenant);

	if (o == NULL)
		return err_internal(&q->err, "out of memory");
	req_ok(q, 200, o);
	return 0;
}
