/* SPDX-License-Identifier: ISC */
/*
 * Incidents: a scope answer kept with one report per tenant; see
 * incident.h.
 */
#include "scope/incident.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "scope/scope_report.h"
#include "tlog/sealer.h"
#include "tlog/tlog.h"

int
incident_title_check(const char *title, struct err *e)
{
	size_t n = title != NULL ? strlen(title) : 0;

	if (n < INCIDENT_TITLE_MIN || n > REC_TITLE_MAX ||
	    !str_is_clean_utf8(title, n)) {
		e->reason = "bad_request";
		return err_bad_request(e, "field 'title' must be %d to %d bytes "
		    "of text", INCIDENT_TITLE_MIN, REC_TITLE_MAX);
	}
	return 0;
}

/* The cited entries of every row, counted against the cap. */
static int
count_cited(const struct scope_answer *a, struct err *e)
{
	size_t i, n = 0;

	for (i = 0; i < a->n_tenants; i++)
		n += a->tenants[i]->entries.n;
	for (i = 0; i < a->n_attempted; i++)
		n += a->attempted[i]->entries.n;
	if (n > INCIDENT_ENTRIES_MAX)
		return err_bad_request(e, "the question cites %zu entries; an "
		    "incident keeps at most %d: narrow the window or the "
		    "principals", n, INCIDENT_ENTRIES_MAX);
	return 0;
}

/* One report: into x->reports[x->n] and the summary's row. */
static int
one(struct incident *x, const struct scope_report_in *ri,
    const struct incident_in *in, const struct scope_row *r, int attempted,
    json_t *rows, struct err *e)
{
	struct rec_incident_report *rep = &x->reports[x->n];
	struct rec_tenant t;
	json_t *doc = NULL, *row;
	const char *name = "";
	char *text;
	int found;

	found = in->ops->tenant_get(in->c, r->tenant, &t, e);
	if (found == -1)
		return -1;
	if (found == 0)
		name = t.name;
	if (scope_report_tenant(&doc, ri, r, attempted, name, e) == -1)
		return -1;
	text = jx_dump(doc);
	json_decref(doc);
	if (text == NULL)
		return err_internal(e, "out of memory");
	if (strlen(text) > INCIDENT_REPORT_MAX) {
		free(text);
		return err_bad_request(e, "the report of tenant %s would be "
		    "larger than %zu bytes: narrow the question", r->tenant,
		    INCIDENT_REPORT_MAX);
	}
	x->docs[x->n] = text;
	str_copy(rep->incident_id, sizeof(rep->incident_id), x->rec.id);
	str_copy(rep->tenant_id, sizeof(rep->tenant_id), r->tenant);
	str_copy(rep->exposure, sizeof(rep->exposure), attempted ?
	    "attempted" : scope_exposure_name(r->exposure));
	rep->doc = text;
	rep->len = strlen(text);
	x->n++;
	/* The operator's row: the answer's, named, without the entries
	 * (they are in the reports), with how many are cited. */
	row = scope_row_json(r, attempted);
	if (row == NULL)
		return err_internal(e, "out of memory");
	json_object_set_new(row, "exposure", json_string(rep->exposure));
	json_object_set_new(row, "name", json_string(name));
	json_object_set_new(row, "cited", json_integer(
	    (json_int_t)r->entries.n));
	json_object_del(row, "entries");
	return json_array_append_new(rows, row) == -1 ?
	    err_internal(e, "out of memory") : 0;
}

int
incident_build(struct incident *x, const struct incident_in *in,
    struct err *e)
{
	struct scope_answer sa;
	struct scope_report_in ri;
	struct buf note;
	char from[RFC3339_LEN], to[RFC3339_LEN], now[RFC3339_LEN];
	int64_t size = 0;
	size_t i, n;
	json_t *rows = NULL;
	int rc = -1;

	memset(x, 0, sizeof(*x));
	memset(&sa, 0, sizeof(sa));
	memset(&ri, 0, sizeof(ri));
	buf_init(&note, 64 * 1024);
	id_new(x->rec.id, "inc");
	str_copy(x->rec.title, sizeof(x->rec.title), in->title);
	str_copy(x->rec.created_by, sizeof(x->rec.created_by),
	    in->created_by);
	x->rec.created = in->now;
	x->rec.from = in->q->from;
	x->rec.to = in->q->to;
	if (scope_principals(&sa, in->c, in->ops, in->q, e) == -1 ||
	    count_cited(&sa, e) == -1)
		goto out;
	/* One checkpoint that covers every entry the reports cite. */
	if (tlog_checkpoint(in->tlog, sa.max_index + 1, &note, &size,
	    e) == -1)
		goto out;
	x->rec.size = size;
	n = sa.n_tenants + sa.n_attempted;
	x->reports = calloc(n + 1, sizeof(*x->reports));
	x->docs = calloc(n + 1, sizeof(*x->docs));
	rows = json_array();
	ri.sealer = sealer_new(4);
	if (x->reports == NULL || x->docs == NULL || rows == NULL ||
	    ri.sealer == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	time_format(from, in->q->from);
	time_format(to, in->q->to);
	time_format(now, in->now);
	ri.c = in->c;
	ri.ops = in->ops;
	ri.tlog = in->tlog;
	ri.key = tlog_verifier_key(in->tlog);
	ri.checkpoint = note.data;
	ri.size = size;
	ri.from = from;
	ri.to = to;
	ri.generated = now;
	ri.principals = in->principals;
	for (i = 0; i < sa.n_tenants; i++)
		if (one(x, &ri, in, sa.tenants[i], 0, rows, e) == -1)
			goto out;
	for (i = 0; i < sa.n_attempted; i++)
		if (one(x, &ri, in, sa.attempted[i], 1, rows, e) == -1)
			goto out;
	x->rec.tenants = (int)x->n;
	x->answer = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:O*,s:s,s:I,"
	    "s:{s:I,s:I,s:I,s:I,s:I,s:I},s:O}", "id", x->rec.id, "title",
	    x->rec.title, "created", now, "created_by", x->rec.created_by,
	    "from", from, "to", to, "principals", in->principals,
	    "checkpoint", note.data, "size", (json_int_t)size, "summary",
	    "events", (json_int_t)sa.events, "tenants_exposed",
	    (json_int_t)sa.exposed, "tenants_viewed", (json_int_t)sa.viewed,
	    "tenants_acted_upon", (json_int_t)sa.acted_upon, "denied",
	    (json_int_t)sa.denied, "tenants_attempted",
	    (json_int_t)sa.n_attempted, "tenants", rows);
	if (x->answer == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	x->summary = jx_dump(x->answer);
	if (x->summary == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	x->rec.doc = x->summary;
	x->rec.len = strlen(x->summary);
	rc = 0;
out:
	sealer_free(ri.sealer);
	json_decref(rows);
	scope_answer_free(&sa);
	buf_cleanup(&note);
	return rc;
}

int
incident_apply(struct store_conn *c, const struct store_ops *ops, void *arg,
    struct err *e)
{
	struct incident *x = arg;
	size_t i;

	if (ops->incident_insert(c, &x->rec, e) == -1)
		return -1;
	for (i = 0; i < x->n; i++)
		if (ops->incident_report_insert(c, &x->reports[i], e) == -1)
			return -1;
	return 0;
}

void
incident_cleanup(struct incident *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; x->docs != NULL && i < x->n; i++)
		free(x->docs[i]);
	free(x->docs);
	free(x->reports);
	free(x->summary);
	json_decref(x->answer);
	memset(x, 0, sizeof(*x));
}
