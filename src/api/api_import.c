/* SPDX-License-Identifier: ISC */
/*
 * POST /v1/import?format=entries|okta: events recorded elsewhere loaded
 * into the log, each as an entry of its own with the time it happened, so
 * that they can be scoped and proven like custos's own.  The body is cut
 * into records (importer.h), each record parsed by its format (entries.h,
 * okta.h); only when every record is good are the entries appended, all
 * in one commit (store_write_all), or none.  A refused import is recorded
 * by the pipeline as one denied "import" entry.  docs/import.md is the
 * user's side of this.
 */
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "importer/entries.h"
#include "importer/importer.h"
#include "importer/okta.h"

enum import_format {
	FORMAT_ENTRIES,
	FORMAT_OKTA
};

/* One event to append, and the index it got. */
struct import_item {
	struct import_event ie;
	int64_t index;
};

struct events_import {
	struct import_item *items;
	size_t n, cap;
	json_t *skipped;                /* eventType -> count */
};

static int
item_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct import_item *it = arg;

	(void)apply_rc;
	(void)apply_err;
	it->index = index;
	return event_serialize(import_event_get(&it->ie), time_ms, out, en);
}

/* Room for one more item, initialised; NULL when memory is short. */
static struct import_item *
item_next(struct events_import *im)
{
	struct import_item *it;

	if (im->n == im->cap) {
		size_t ncap = im->cap != 0 ? im->cap * 2 : 256;
		struct import_item *ni;

		ni = realloc(im->items, ncap * sizeof(*ni));
		if (ni == NULL)
			return NULL;
		im->items = ni;
		im->cap = ncap;
	}
	it = &im->items[im->n];
	memset(it, 0, sizeof(*it));
	import_event_init(&it->ie);
	it->index = -1;
	return it;
}

static int
count_skipped(struct events_import *im, const char *type)
{
	json_t *c = json_object_get(im->skipped, type);
	json_int_t n = c != NULL ? json_integer_value(c) : 0;

	return json_object_set_new(im->skipped, type, json_integer(n + 1));
}

/* Parses every record of the body into im; -1 with q->err set. */
static int
parse_body(struct req *q, int format, const char *tenant,
    struct events_import *im)
{
	struct import_split sp;
	const char *rec;
	char type[OKTA_TYPE_MAX + 1];
	size_t len;
	long records = 0;
	int r;

	import_split_init(&sp, q->http->body.data, q->http->body.len,
	    format == FORMAT_OKTA);
	for (;;) {
		struct import_item *it;

		r = import_split_next(&sp, &rec, &len, &q->err);
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		if (++records > IMPORT_EVENTS_MAX) {
			err_bad_request(&q->err, "more than %d events in one "
			    "import", IMPORT_EVENTS_MAX);
			import_err_at(&q->err, &sp);
			return -1;
		}
		it = item_next(im);
		if (it == NULL)
			return err_internal(&q->err, "out of memory");
		if (format == FORMAT_ENTRIES)
			r = entries_parse(&it->ie, rec, len, &q->err);
		else
			r = okta_map(&it->ie, type, rec, len, tenant,
			    &q->err);
		if (r != 0)
			import_event_cleanup(&it->ie);
		if (r == -1) {
			import_err_at(&q->err, &sp);
			return -1;
		}
		if (r == OKTA_SKIPPED) {
			if (count_skipped(im, type) == -1)
				return err_internal(&q->err, "out of memory");
			continue;
		}
		im->n++;
	}
	if (records == 0)
		return err_bad_request(&q->err, "the body holds no events");
	return 0;
}

int
h_import_events(struct req *q, const char *format_name)
{
	struct events_import im;
	struct store_job *jobs = NULL;
	json_t *first, *last;
	const char *tenant;
	size_t i;
	int format, rc = -1;

	memset(&im, 0, sizeof(im));
	if (strcmp(format_name, "entries") == 0) {
		format = FORMAT_ENTRIES;
	} else if (strcmp(format_name, "okta") == 0) {
		format = FORMAT_OKTA;
	} else {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'format' "
		    "must be 'directory', 'entries' or 'okta'");
	}
	if (q->http->body.data == NULL || q->http->body.len == 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "the body must hold events: "
		    "JSON lines%s", format == FORMAT_OKTA ?
		    " or one JSON array" : "");
	}
	im.skipped = json_object();
	if (im.skipped == NULL) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	tenant = http_query(q->http, "tenant");
	if (tenant != NULL && (format != FORMAT_OKTA || !id_valid(tenant))) {
		err_bad_request(&q->err, "query parameter 'tenant' must be "
		    "a tenant id, and is taken with format=okta only");
		goto out;
	}
	if (parse_body(q, format, tenant, &im) == -1)
		goto out;
	if (im.n > 0) {
		jobs = calloc(im.n, sizeof(*jobs));
		if (jobs == NULL) {
			err_internal(&q->err, "out of memory");
			goto out;
		}
		for (i = 0; i < im.n; i++) {
			jobs[i].apply = NULL;
			jobs[i].entry = item_entry;
			jobs[i].arg = &im.items[i];
		}
		/* All events or none; each one is an entry of its own. */
		if (store_write_all(q->ctx->store, jobs, im.n, &q->err) == -1)
			goto out;
		q->recorded = 1;
	}
	first = im.n > 0 ? json_integer(im.items[0].index) : json_null();
	last = im.n > 0 ? json_integer(im.items[im.n - 1].index) :
	    json_null();
	req_ok(q, 200, json_pack("{s:I,s:O,s:I,s:o,s:o}",
	    "imported", (json_int_t)im.n, "skipped", im.skipped,
	    "entries", (json_int_t)im.n, "first_index", first,
	    "last_index", last));
	rc = 0;
out:
	if (rc == -1 && q->err.reason == NULL)
		q->err.reason = q->err.code;
	for (i = 0; i < im.n; i++)
		import_event_cleanup(&im.items[i].ie);
	free(im.items);
	free(jobs);
	json_decref(im.skipped);
	return rc;
}
