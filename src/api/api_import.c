/* SPDX-License-Identifier: ISC */
/*
 * POST /v1/import?format=entries|okta: events recorded elsewhere loaded
 * into the log, each as an entry of its own with the time it happened, so
 * that they can be scoped and proven like custos's own.  The body is cut
 * into records and each record parsed by its format in src/importer
 * (batch.h); only when every record is good are the entries appended,
 * all in one commit (req_write_bulk, which first checks that the caller
 * still is one), or none.  A refused import is recorded by the pipeline
 * as one denied "import" entry.  docs/import.md is the user's side of
 * this.
 */
#include <string.h>

#include "api/req.h"
#include "importer/batch.h"

int
h_import_events(struct req *q, const char *format_name)
{
	int format = batch_format_parse(format_name), rc = -1;
	struct batch b;
	json_t *first, *last;

	if (format == -1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'format' "
		    "must be 'directory', 'entries' or 'okta'");
	}
	if (batch_parse(&b, format, q->http->body.data, q->http->body.len,
	    http_query(q->http, "tenant"), &q->err) == -1)
		goto out;
	/* All events or none; each one is an entry of its own. */
	if (b.n > 0) {
		if (req_write_bulk(q, b.jobs, b.n) == -1)
			goto out;
		q->recorded = 1;
	}
	first = b.n > 0 ? json_integer(b.items[0].index) : json_null();
	last = b.n > 0 ? json_integer(b.items[b.n - 1].index) : json_null();
	req_ok(q, 200, json_pack("{s:I,s:O,s:I,s:o,s:o}",
	    "imported", (json_int_t)b.n, "skipped", b.skipped,
	    "entries", (json_int_t)b.n, "first_index", first,
	    "last_index", last));
	rc = 0;
out:
	if (rc == -1 && q->err.reason == NULL)
		q->err.reason = q->err.code;
	batch_cleanup(&b);
	return rc;
}
