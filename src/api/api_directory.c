/* SPDX-License-Identifier: ISC */
/*
 * Creating the directory: the operator's create calls (vendors, engineers,
 * devices, tenants; users and tickets also by tenant admins) and the bulk
 * import of JSON lines that `custos seed` uses.
 */
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "directory/directory.h"

#define IMPORT_LINE_MAX (1024 * 1024)
#define IMPORT_LINES_MAX 100000

static int
apply_create(struct store_conn *c, struct req *q, void *arg, struct err *e)
{
	return dir_insert(c, store_ops(q->ctx->store), arg, e);
}

/* Parses the body as kind, inserts it with its entry, answers 201. */
static int
create(struct req *q, int kind, const char *parent)
{
	struct dir_object *d;
	json_t *b = req_body(q), *resp;
	int rc = -1;

	if (b == NULL)
		return -1;
	d = malloc(sizeof(*d));
	if (d == NULL)
		return err_internal(&q->err, "out of memory");
	if (dir_parse(d, kind, b, parent, q->now, q->ctx->cfg.issuer, 0,
	    &q->err) == -1) {
		q->err.reason = "bad_request";
		goto out;
	}
	str_copy(q->ev.target, sizeof(q->ev.target), dir_object_id(d));
	/* Whose credential it is: detection watches for new ones. */
	if (kind == DIR_DEVICE)
		event_detail(&q->ev, "engineer", d->u.device.engineer_id);
	if (dir_object_tenant(d)[0] != '\0')
		str_copy(q->ev.tenant, sizeof(q->ev.tenant),
		    dir_object_tenant(d));
	if (req_write(q, apply_create, d) == -1)
		goto out;
	resp = json_pack("{s:s}", "id", dir_object_id(d));
	if (kind == DIR_VENDOR)
		json_object_set_new(resp, "name", json_string(d->u.vendor.name));
	if (kind == DIR_ENGINEER)
		json_object_set_new(resp, "totp_uri",
		    json_string(d->totp_uri));
	req_ok(q, 201, resp);
	rc = 0;
out:
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

/* One line of an import: the object, its entry and where it came from. */
struct import_item {
	struct dir_object d;
	struct event ev;
	long line;
	const struct store_ops *ops;
};

struct import {
	struct req *q;
	struct import_item *items;
	size_t n;
	int counts[DIR_KIND_COUNT];
};

static const char *const create_actions[DIR_KIND_COUNT] = {
	[DIR_VENDOR] = "vendor.create",
	[DIR_ENGINEER] = "engineer.create",
	[DIR_DEVICE] = "device.create",
	[DIR_TENANT] = "tenant.create",
	[DIR_USER] = "user.create",
	[DIR_TICKET] = "ticket.create",
};

static int
import_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct import_item *it = arg;
	struct err ie;

	err_init(&ie);
	if (dir_insert(c, it->ops, &it->d, &ie) == 0)
		return 0;
	*e = ie;
	str_printf(e->msg, sizeof(e->msg), "line %ld: %s", it->line, ie.msg);
	return -1;
}

static int
import_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct import_item *it = arg;

	it->ev.allowed = 1;
	return event_serialize(&it->ev, time_ms, out, en);
}

/* Parses one line into item; -1 with "line N: ..." in e. */
static int
import_line(struct import *im, struct import_item *it, const char *line,
    size_t len, long lineno, struct err *e)
{
	struct req *q = im->q;
	json_t *o;
	int kind, rc = -1;

	it->line = lineno;
	it->ops = store_ops(q->ctx->store);
	o = jx_parse_object(line, len, e);
	if (o == NULL)
		goto out;
	if (jx_enum(&kind, o, "kind", dir_kind_names, JX_REQUIRED, e) == -1 ||
	    dir_parse(&it->d, kind, o, NULL, q->now, q->ctx->cfg.issuer, 1,
	    e) == -1)
		goto out;
	event_init(&it->ev);
	it->ev.actor = q->actor;
	str_copy(it->ev.source, sizeof(it->ev.source), q->ev.source);
	it->ev.action = create_actions[kind];
	str_copy(it->ev.tenant, sizeof(it->ev.tenant),
	    dir_object_tenant(&it->d));
	str_copy(it->ev.target, sizeof(it->ev.target), dir_object_id(&it->d));
	event_detail(&it->ev, "via", "import");
	if (kind == DIR_DEVICE)
		event_detail(&it->ev, "engineer", it->d.u.device.engineer_id);
	im->counts[kind]++;
	rc = 0;
out:
	if (rc == -1) {
		char msg[ERR_MSG_MAX];

		str_copy(msg, sizeof(msg), e->msg);
		str_printf(e->msg, sizeof(e->msg), "line %ld: %s", lineno, msg);
	}
	json_decref(o);
	return rc;
}

int
h_import(struct req *q)
{
	const char *data = q->http->body.data, *p, *end, *nl;
	struct store_job *jobs = NULL;
	struct import im;
	json_t *counts;
	long lineno = 0;
	size_t i, cap = 0;
	int rc = -1, k;

	if (http_query(q->http, "format") != NULL &&
	    strcmp(http_query(q->http, "format"), "directory") != 0)
		return h_import_events(q, http_query(q->http, "format"));
	memset(&im, 0, sizeof(im));
	im.q = q;
	if (data == NULL || q->http->body.len == 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "the body must hold JSON "
		    "lines, one object per line");
	}
	end = data + q->http->body.len;
	for (p = data; p < end; p = nl + 1) {
		size_t len;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		len = (size_t)(nl - p);
		lineno++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		if (len > IMPORT_LINE_MAX || im.n >= IMPORT_LINES_MAX) {
			err_bad_request(&q->err, "line %ld: more than %d bytes "
			    "or %d lines", lineno, IMPORT_LINE_MAX,
			    IMPORT_LINES_MAX);
			goto out;
		}
		if (im.n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct import_item *ni;

			ni = realloc(im.items, ncap * sizeof(*ni));
			if (ni == NULL) {
				err_internal(&q->err, "out of memory");
				goto out;
			}
			im.items = ni;
			cap = ncap;
		}
		memset(&im.items[im.n], 0, sizeof(im.items[im.n]));
		if (import_line(&im, &im.items[im.n], p, len, lineno,
		    &q->err) == -1) {
			dir_object_cleanup(&im.items[im.n].d);
			event_cleanup(&im.items[im.n].ev);
			goto out;
		}
		im.n++;
	}
	if (im.n == 0) {
		err_bad_request(&q->err, "the body holds no JSON lines");
		goto out;
	}
	jobs = calloc(im.n, sizeof(*jobs));
	if (jobs == NULL) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	for (i = 0; i < im.n; i++) {
		jobs[i].apply = import_apply;
		jobs[i].entry = import_entry;
		jobs[i].arg = &im.items[i];
	}
	/* All lines or none; each object gets its own entry. */
	if (store_write_all(q->ctx->store, jobs, im.n, &q->err) == -1) {
		goto out;
	}
	q->recorded = 1;
	rc = 0;
	counts = json_object();
	for (k = 0; k < DIR_KIND_COUNT; k++)
		if (im.counts[k] > 0)
			json_object_set_new(counts, dir_kind_names[k],
			    json_integer(im.counts[k]));
	req_ok(q, 200, json_pack("{s:o,s:I}", "imported", counts, "entries",
	    (json_int_t)im.n));
out:
	if (rc == -1 && q->err.reason == NULL)
		q->err.reason = q->err.code;
	for (i = 0; i < im.n; i++) {
		dir_object_cleanup(&im.items[i].d);
		event_cleanup(&im.items[i].ev);
	}
	free(im.items);
	free(jobs);
	return rc;
}
