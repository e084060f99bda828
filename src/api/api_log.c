/* SPDX-License-Identifier: ISC */
/*
 * Public reads of the recorded requests: GET /v1/log/entries?start=&end=.
 */
#include <sodium.h>
#include <stdlib.h>

#include <string.h>

#include "api/req.h"
#include "common/num.h"
#include "tlog/proof.h"
#include "tlog/tilepath.h"
#include "tlog/tlog.h"

#define LOG_PAGE_MAX 1000

static int
entry_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	json_t *entries = arg, *event, *o;
	size_t b64len = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64len);

	if (b64 == NULL)
		return 1;
	sodium_bin2base64(b64, b64len, (const unsigned char *)bytes, len,
	    sodium_base64_VARIANT_ORIGINAL);
	event = json_loadb(bytes, len, 0, NULL);
	o = json_pack("{s:I,s:s,s:o*}", "index", (json_int_t)index, "leaf",
	    b64, "event", event);
	free(b64);
	return o == NULL || json_array_append_new(entries, o) == -1;
}

int
h_log_entries(struct req *q)
{
	int64_t size = store_entry_count(q->ctx->store), start, end;
	struct store_conn *c;
	json_t *entries;

	if (req_query_int(q, "start", 0, INT64_MAX / 2, &start) == -1 ||
	    req_query_int(q, "end", size, INT64_MAX / 2, &end) == -1)
		return -1;
	if (end < start) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'end' must "
		    "not be below 'start'");
	}
	if (end > size)
		end = size;
	if (end - start > LOG_PAGE_MAX)
		end = start + LOG_PAGE_MAX;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	entries = json_array();
	if (store_ops(q->ctx->store)->entry_range(c, start, end, entry_cb,
	    entries, &q->err) == -1) {
		json_decref(entries);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:I,s:o}", "size", (json_int_t)size,
	    "entries", entries));
	return 0;
}

/* A text answer (the key, the checkpoint). */
static int
text_answer(struct req *q, const char *text, size_t len)
{
	buf_reset(&q->raw);
	if (buf_append(&q->raw, text, len) == -1)
		return err_internal(&q->err, "answer too large");
	q->has_raw = 1;
	q->raw_type = "text/plain; charset=utf-8";
	q->status = 200;
	return 0;
}

int
h_log_key(struct req *q)
{
	const char *k = tlog_verifier_key(q->ctx->tlog);

	return text_answer(q, k, strlen(k)) == -1 ? -1 :
	    buf_puts(&q->raw, "\n") == -1 ? -1 : 0;
}

int
h_log_checkpoint(struct req *q)
{
	struct buf note;
	int64_t size;
	int rc;

	/* The latest: signed at most a second after the entries it covers
	 * (and at once when a proof needs it). */
	buf_init(&note, 64 * 1024);
	rc = tlog_checkpoint_witnessed(q->ctx->tlog, &note, &size, &q->err);
	if (rc == 0)
		rc = text_answer(q, note.data, note.len);
	buf_cleanup(&note);
	return rc;
}

/* The size of the latest checkpoint: the default tree size of proofs. */
static int
checkpoint_size(struct req *q, int64_t *size)
{
	struct buf note;
	int rc;

	buf_init(&note, 64 * 1024);
	rc = tlog_checkpoint(q->ctx->tlog, 0, &note, size, &q->err);
	buf_cleanup(&note);
	return rc;
}

int
h_log_inclusion(struct req *q)
{
	merkle_hash hashes[MERKLE_PROOF_MAX];
	int64_t index, size, dflt = 0;
	struct store_conn *c;
	size_t n = 0;

	if (http_query(q->http, "size") == NULL &&
	    checkpoint_size(q, &dflt) == -1)
		return -1;
	if (req_query_int(q, "index", -1, INT64_MAX / 2, &index) == -1 ||
	    req_query_int(q, "size", dflt, INT64_MAX / 2, &size) == -1)
		return -1;
	if (index < 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'index' is "
		    "required");
	}
	c = req_reader(q);
	if (c == NULL || tlog_inclusion(q->ctx->tlog, c, index, size, hashes,
	    &n, &q->err) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:I,s:I,s:o}", "index", (json_int_t)index,
	    "size", (json_int_t)size, "hashes",
	    proof_encode_hashes((const merkle_hash *)hashes, n)));
	return 0;
}

int
h_log_consistency(struct req *q)
{
	merkle_hash hashes[MERKLE_PROOF_MAX];
	int64_t oldsz, newsz;
	struct store_conn *c;
	size_t n = 0;

	if (req_query_int(q, "old", -1, INT64_MAX / 2, &oldsz) == -1 ||
	    req_query_int(q, "new", -1, INT64_MAX / 2, &newsz) == -1)
		return -1;
	if (oldsz < 0 || newsz < 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameters 'old' and "
		    "'new' are required");
	}
	c = req_reader(q);
	if (c == NULL || tlog_consistency(q->ctx->tlog, c, oldsz, newsz,
	    hashes, &n, &q->err) == -1)
		return -1;
	req_ok(q, 200, json_pack("{s:I,s:I,s:o}", "old", (json_int_t)oldsz,
	    "new", (json_int_t)newsz, "hashes",
	    proof_encode_hashes((const merkle_hash *)hashes, n)));
	return 0;
}

int
h_log_tile(struct req *q)
{
	struct tile_ref ref;
	struct store_conn *c;

	if (tilepath_parse(&ref, q->rest, &q->err) == -1) {
		q->err.status = 404;
		q->err.code = "not_found";
		return -1;
	}
	c = req_reader(q);
	buf_reset(&q->raw);
	if (c == NULL || tlog_tile(q->ctx->tlog, c, &ref, &q->raw, &q->err) ==
	    -1)
		return -1;
	q->has_raw = 1;
	q->raw_type = "application/octet-stream";
	q->status = 200;
	/* A full tile or bundle never changes: caches may keep it. */
	if (ref.width == TILE_WIDTH)
		q->cache_control = "public, max-age=31536000, immutable";
	return 0;
}

struct access_page {
	json_t *entries;
	int64_t limit;
	int64_t last;
	int64_t next;
};

static int
access_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct access_page *p = arg;

	if ((int64_t)json_array_size(p->entries) == p->limit) {
		p->next = index;
		return 1;
	}
	p->last = index;
	return entry_cb(p->entries, index, bytes, len);
}

/*
 * GET /v1/tenants/{t}/access-log: every entry about the tenant, each with
 * its inclusion proof in the tree of the checkpoint sent along, so the
 * customer can check them without trusting custosd.
 */
int
h_access_log(struct req *q)
{
	struct access_page p = {NULL, 1000, -1, -1};
	merkle_hash hashes[MERKLE_PROOF_MAX];
	struct buf note;
	int64_t start, size = 0;
	struct store_conn *c;
	size_t i, n;
	json_t *o;
	int rc = -1;

	if (req_query_int(q, "start", 0, INT64_MAX / 2, &start) == -1 ||
	    req_query_int(q, "limit", 1000, 1000, &p.limit) == -1)
		return -1;
	if (p.limit == 0)
		p.limit = 1000;
	buf_init(&note, 64 * 1024);
	p.entries = json_array();
	c = req_reader(q);
	if (c == NULL || store_ops(q->ctx->store)->entry_range_tenant(c,
	    q->tenant.id, start, p.limit + 1, access_cb, &p, &q->err) == -1)
		goto out;
	/* A checkpoint that covers every entry of the page. */
	if (tlog_checkpoint(q->ctx->tlog, p.last + 1, &note, &size,
	    &q->err) == -1)
		goto out;
	c = req_reader(q);
	if (c == NULL)
		goto out;
	json_array_foreach(p.entries, i, o) {
		int64_t idx = json_integer_value(json_object_get(o, "index"));

		if (tlog_inclusion(q->ctx->tlog, c, idx, size, hashes, &n,
		    &q->err) == -1)
			goto out;
		json_object_set_new(o, "proof",
		    proof_encode_hashes((const merkle_hash *)hashes, n));
	}
	req_ok(q, 200, json_pack("{s:s,s:s,s:I,s:O,s:o}", "tenant",
	    q->tenant.id, "checkpoint", note.data, "size", (json_int_t)size,
	    "entries", p.entries, "next", p.next >= 0 ?
	    json_integer(p.next) : json_null()));
	rc = 0;
out:
	json_decref(p.entries);
	buf_cleanup(&note);
	return rc;
}
