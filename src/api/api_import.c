/* SPDX-License-Identifier: ISC */
/*
 * POST /v1/import?format=entries|okta: events recorded elsewhere loaded
 * into the log, each as an entry of its own with the time it happened, so
 * that they can be scoped and proven like custos's own.
 *
 * format=entries: the body is cut into records and each record parsed in
 * src/importer (batch.h); only when every record is good are the entries
 * appended, all in one commit (req_write_bulk, which first checks that
 * the caller still is one), or none.
 *
 * format=okta (issue 16): the body may be many GB.  The server spools it
 * to an unlinked temporary file (http/server.h, HTTP_SPOOL_AT) instead
 * of memory; it is read back here in chunks into the streaming importer
 * (importer/stream.h), which commits every IMPORT_BATCH_DEFAULT events
 * through req_write_bulk and reports per-event errors instead of
 * refusing the body (all_or_nothing=1: as before).  A refused import is
 * recorded by the pipeline as one denied "import" entry.  docs/import.md
 * is the user's side of this.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/req.h"
#include "common/clock.h"
#include "importer/batch.h"
#include "importer/stream.h"

#define READ_CHUNK (256 * 1024)

static int
commit_batch(void *arg, const struct store_job *jobs, size_t n,
    struct err *e)
{
	struct req *q = arg;

	if (req_write_bulk(q, jobs, n) == -1) {
		*e = q->err;
		return -1;
	}
	return 0;
}

/* Feeds the body (in memory, or spooled) to st. */
static int
feed_body(struct import_stream *st, const struct http_req *r, struct err *e)
{
	char *chunk;
	off_t off = 0;

	if (r->body_fd < 0) {
		size_t i, n;

		for (i = 0; i < r->body.len; i += n) {
			n = r->body.len - i < READ_CHUNK ? r->body.len - i :
			    READ_CHUNK;
			if (import_stream_feed(st, r->body.data + i, n) != 0)
				break;
		}
		return 0;
	}
	chunk = malloc(READ_CHUNK);
	if (chunk == NULL)
		return err_internal(e, "out of memory");
	for (;;) {
		ssize_t got = pread(r->body_fd, chunk, READ_CHUNK, off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(chunk);
			return err_internal(e, "reading the spooled body: %s",
			    strerror(errno));
		}
		if (got == 0)
			break;
		off += got;
		if (import_stream_feed(st, chunk, (size_t)got) != 0)
			break;
	}
	free(chunk);
	return 0;
}

static int
flag(const struct req *q, const char *name)
{
	const char *v = http_query(q->http, name);

	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static int
import_okta(struct req *q)
{
	struct import_stream_cfg cfg;
	struct import_stream st;
	json_t *answer;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.tenant = http_query(q->http, "tenant");
	cfg.conf = q->ctx->cfg.okta;
	cfg.all_or_nothing = flag(q, "all_or_nothing");
	cfg.ops = store_ops(q->ctx->store);
	cfg.now_ms = clock_now_ms(q->ctx->clock);
	cfg.commit = commit_batch;
	cfg.commit_arg = q;
	if (q->http->body_fd < 0 && q->http->body.len == 0)
		return err_bad_request(&q->err, "the body must hold Okta "
		    "events: JSON lines, one JSON array, one object or an "
		    "Event Hooks delivery");
	if (import_stream_init(&st, &cfg, &q->err) == -1)
		goto out;
	if (feed_body(&st, q->http, &q->err) == -1)
		goto out;
	if (import_stream_finish(&st) == -1 && st.imported + st.duplicates ==
	    0) {
		/* Nothing committed: the import is refused as a whole. */
		q->err = st.err;
		goto out;
	}
	answer = import_stream_answer(&st);
	if (answer == NULL) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	if (st.failed)
		json_object_set_new(answer, "stopped", json_string(st.err.msg));
	/* The entries stand for the import; with none (all skipped, all
	 * duplicates, all errors) the import is recorded as its own. */
	q->recorded = st.imported > 0;
	req_ok(q, 200, answer);
	rc = 0;
out:
	import_stream_cleanup(&st);
	return rc;
}

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
	if (format == BATCH_OKTA) {
		rc = import_okta(q);
		if (rc == -1 && q->err.reason == NULL)
			q->err.reason = q->err.code;
		return rc;
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
