/* SPDX-License-Identifier: ISC */
/*
 * Creating the directory: the operator's create calls (vendors, engineers,
 * devices, tenants; users and tickets also by tenant admins) and the bulk
 * import of JSON lines that `custos seed` uses.  The rules are in
 * src/directory (directory.h for one object, bulk.h for the lines).
 */
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "common/str.h"
#include "directory/bulk.h"
#include "directory/directory.h"

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
	dir_object_event(d, &q->ev);
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
	    store_write_all(q->ctx->store, b.jobs, b.n, &q->err) == -1)
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
