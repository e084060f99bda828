/* SPDX-License-Identifier: ISC */
/*
 * The transparency log over HTTP.  Public: the verifier key, checkpoints,
 * proofs, hash tiles and entry bundles, all of which carry sealed leaves
 * only (tlog/leaf.h).  With a role: the entries in clear for the operator
 * (GET /v1/log/entries), a tenant's own entries for its admins
 * (GET /v1/tenants/{t}/access-log) and the key they open them with
 * (GET /v1/tenants/{t}/log-key).
 */
#include <sodium.h>
#include <stdlib.h>

#include <string.h>

#include "api/req.h"
#include "common/clock.h"
#include "common/num.h"
#include "common/str.h"
#include "tlog/leaf.h"
#include "tlog/proof.h"
#include "tlog/sealer.h"
#include "tlog/tilepath.h"
#include "tlog/tlog.h"

#define LOG_PAGE_MAX 1000
#define LOG_FILTER_SCAN 100000  /* indexes a filtered read looks at */
#define LOG_FILTER_TEXT_MAX 256 /* a tenant, actor or action asked for */

/* base64 of n bytes as a new JSON string (NULL when out of memory). */
static json_t *
b64_json(const void *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(len);
	json_t *s;

	if (b64 == NULL)
		return NULL;
	sodium_bin2base64(b64, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	s = json_string(b64);
	free(b64);
	return s;
}

/* Entries turned into JSON: the sealer (one per request) recomputes
 * each sealed body and checks it against the stored leaf. */
struct entries_out {
	struct sealer *sealer;
	json_t *entries;
	struct err *e;
	int fail;
};

/*
 * {index, leaf, sealed, event}: the sealed leaf and body in base64 and
 * the entry's plaintext as JSON; NULL with e set.  An entry whose
 * plaintext no longer gives its leaf (the store was changed behind
 * custosd) is shown as it is, for inspection, with "sealed": null and
 * "damaged" saying so, never with a body the tree does not commit to.
 */
static json_t *
entry_json(struct entries_out *eo, const struct rec_leaf *r)
{
	const uint8_t *sealed = NULL;
	struct err why;
	json_t *o;
	size_t len = 0;

	err_init(&why);
	if (r->leaf == NULL || sealer_body(eo->sealer, r, &sealed, &len,
	    &why) == -1)
		sealed = NULL;
	o = json_pack("{s:I,s:o*,s:o*,s:o*}", "index", (json_int_t)r->index,
	    "leaf", r->leaf != NULL ? b64_json(r->leaf, r->leaf_len) :
	    json_null(), "sealed", sealed != NULL ? b64_json(sealed, len) :
	    json_null(), "event", json_loadb(r->bytes, r->len, 0, NULL));
	if (o == NULL) {
		err_internal(eo->e, "out of memory");
		return NULL;
	}
	if (sealed == NULL)
		json_object_set_new(o, "damaged", json_string(r->leaf == NULL ?
		    "the entry has no sealed leaf" : why.msg));
	return o;
}

static int
entry_cb(void *arg, const struct rec_leaf *r)
{
	struct entries_out *eo = arg;
	json_t *o = entry_json(eo, r);

	if (o == NULL || json_array_append_new(eo->entries, o) == -1) {
		eo->fail = 1;
		return 1;
	}
	return 0;
}

/* A text filter parameter: NULL when absent; 400 when empty, long or
 * not clean UTF-8 (PostgreSQL would refuse it as a parameter, and no
 * stored id, actor or action has such bytes). */
static int
filter_text(struct req *q, const char *name, const char **out)
{
	const char *s = http_query(q->http, name);

	*out = s;
	if (s != NULL && (s[0] == '\0' ||
	    strlen(s) > LOG_FILTER_TEXT_MAX ||
	    !str_is_clean_utf8(s, strlen(s)))) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter '%s' must be "
		    "1 to %d bytes of text", name, LOG_FILTER_TEXT_MAX);
	}
	return 0;
}

/* A time filter parameter (RFC 3339) into seconds; def when absent. */
static int
filter_time(struct req *q, const char *name, int64_t def, int64_t *out)
{
	const char *s = http_query(q->http, name);

	*out = def;
	if (s != NULL && time_parse(out, s) == -1) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter '%s' must be "
		    "an RFC 3339 time like 2022-01-21T14:03:00Z", name);
	}
	return 0;
}

/* 1 when the request asks for more than start/end (the filtered read). */
static int
filter_asked(struct req *q)
{
	static const char *const names[] = { "order", "limit", "before",
	    "tenant", "actor", "action", "outcome", "since", "until" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (http_query(q->http, names[i]) != NULL)
			return 1;
	return 0;
}

/*
 * GET /v1/log/entries with filters: order=asc|desc, limit, before=IDX,
 * tenant, actor, action, outcome=allowed|denied, since, until, within
 * [start, end).  One bounded walk (store_ops.entry_filter); "next" says
 * where to go on: the next start (asc) or before (desc), or null.
 */
static int
log_entries_filtered(struct req *q, int64_t size)
{
	struct store_entry_filter f;
	struct entries_out eo = {NULL, NULL, &q->err, 0};
	struct store_conn *c;
	const char *order, *outcome;
	int64_t before, next = -1;
	int rc;

	memset(&f, 0, sizeof(f));
	order = http_query(q->http, "order");
	outcome = http_query(q->http, "outcome");
	if (order != NULL && strcmp(order, "asc") != 0 &&
	    strcmp(order, "desc") != 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'order' must "
		    "be asc or desc");
	}
	f.desc = order != NULL && strcmp(order, "desc") == 0;
	f.allowed = -1;
	if (outcome != NULL) {
		if (strcmp(outcome, "allowed") == 0) {
			f.allowed = 1;
		} else if (strcmp(outcome, "denied") == 0) {
			f.allowed = 0;
		} else {
			q->err.reason = "bad_request";
			return err_bad_request(&q->err, "query parameter "
			    "'outcome' must be allowed or denied");
		}
	}
	if (req_query_int(q, "start", 0, INT64_MAX / 2, &f.start) == -1 ||
	    req_query_int(q, "end", size, INT64_MAX / 2, &f.end) == -1 ||
	    req_query_int(q, "before", size, INT64_MAX / 2, &before) == -1 ||
	    req_query_int(q, "limit", LOG_PAGE_MAX, LOG_PAGE_MAX,
	    &f.limit) == -1 ||
	    filter_text(q, "tenant", &f.tenant_id) == -1 ||
	    filter_text(q, "actor", &f.actor_id) == -1 ||
	    filter_text(q, "action", &f.action) == -1 ||
	    filter_time(q, "since", INT64_MIN, &f.since) == -1 ||
	    filter_time(q, "until", INT64_MAX, &f.until) == -1)
		return -1;
	if (f.limit == 0) {
		q->err.reason = "bad_request";
		return err_bad_request(&q->err, "query parameter 'limit' must "
		    "be 1 to %d", LOG_PAGE_MAX);
	}
	if (f.end > size)
		f.end = size;
	if (f.end > before)
		f.end = before;
	f.scan = LOG_FILTER_SCAN;
	c = req_reader(q);
	if (c == NULL)
		return -1;
	eo.sealer = sealer_new(16);
	eo.entries = json_array();
	if (eo.sealer == NULL || eo.entries == NULL)
		rc = err_internal(&q->err, "out of memory");
	else
		rc = store_ops(q->ctx->store)->entry_filter(c, &f, entry_cb,
		    &eo, &next, &q->err);
	sealer_free(eo.sealer);
	if (rc == -1 || eo.fail) {
		json_decref(eo.entries);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:I,s:o,s:s,s:o}", "size",
	    (json_int_t)size, "entries", eo.entries, "order", f.desc ?
	    "desc" : "asc", "next", next >= 0 ? json_integer(next) :
	    json_null()));
	return 0;
}

/* GET /v1/log/entries: the operator's (the action table says who). */
int
h_log_entries(struct req *q)
{
	int64_t size = store_entry_count(q->ctx->store), start, end;
	struct entries_out eo = {NULL, NULL, &q->err, 0};
	struct store_conn *c;
	int rc;

	if (filter_asked(q))
		return log_entries_filtered(q, size);
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
	eo.sealer = sealer_new(16);
	eo.entries = json_array();
	if (eo.sealer == NULL || eo.entries == NULL)
		rc = err_internal(&q->err, "out of memory");
	else
		rc = store_ops(q->ctx->store)->entry_leaves(c, start, end, 1,
		    entry_cb, &eo, &q->err);
	sealer_free(eo.sealer);
	if (rc == -1 || eo.fail) {
		json_decref(eo.entries);
		return -1;
	}
	req_ok(q, 200, json_pack("{s:I,s:o}", "size", (json_int_t)size,
	    "entries", eo.entries));
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
	json_t *indexes;                /* the tenant's, of this page */
	int64_t limit;
	int64_t size;                   /* the checkpoint's: list below it */
	int64_t next;
};

static int
access_cb(void *arg, int64_t index, const char *bytes, size_t len)
{
	struct access_page *p = arg;

	(void)bytes;
	(void)len;
	if (index >= p->size)
		return 1;
	if ((int64_t)json_array_size(p->indexes) == p->limit) {
		p->next = index;
		return 1;
	}
	return json_array_append_new(p->indexes, json_integer(index)) == -1;
}

static int
one_leaf_cb(void *arg, const struct rec_leaf *r)
{
	struct entries_out *eo = arg;

	if (entry_cb(eo, r) != 0)
		eo->fail = 1;
	return 1;
}

/* The page's indexes turned into entries with their inclusion proofs. */
static int
access_fill(struct req *q, struct access_page *p, json_t *out)
{
	const struct store_ops *ops = store_ops(q->ctx->store);
	merkle_hash hashes[MERKLE_PROOF_MAX];
	struct entries_out eo = {NULL, out, &q->err, 0};
	struct store_conn *c = req_reader(q);
	size_t i, n;
	json_t *ix;
	int rc = -1;

	if (c == NULL)
		return -1;
	eo.sealer = sealer_new(16);
	if (eo.sealer == NULL)
		return err_internal(&q->err, "out of memory");
	json_array_foreach(p->indexes, i, ix) {
		int64_t idx = json_integer_value(ix);
		size_t had = json_array_size(out);
		json_t *o;

		if (ops->entry_leaves(c, idx, idx + 1, 1, one_leaf_cb, &eo,
		    &q->err) == -1 || eo.fail)
			goto out;
		if (json_array_size(out) != had + 1) {
			err_internal(&q->err, "log entry %lld is gone",
			    (long long)idx);
			goto out;
		}
		o = json_array_get(out, had);
		if (tlog_inclusion(q->ctx->tlog, c, idx, p->size, hashes, &n,
		    &q->err) == -1)
			goto out;
		json_object_set_new(o, "proof",
		    proof_encode_hashes((const merkle_hash *)hashes, n));
	}
	rc = 0;
out:
	sealer_free(eo.sealer);
	return rc;
}

/*
 * GET /v1/tenants/{t}/access-log: every entry about the tenant below the
 * size of the checkpoint sent along (signed first, so that no entry of
 * the tenant below it can be missing from the answer), from start on, at
 * most limit; next is the index to ask from for the rest, or null.  Each
 * entry with its sealed leaf and body, its plaintext and its inclusion
 * proof, so the tenant's verifier can check the answer is complete and
 * true against the public tree.
 */
int
h_access_log(struct req *q)
{
	struct access_page p = {NULL, 1000, 0, -1};
	struct buf note;
	int64_t start;
	struct store_conn *c;
	json_t *entries = NULL;
	int rc = -1;

	if (req_query_int(q, "start", 0, INT64_MAX / 2, &start) == -1 ||
	    req_query_int(q, "limit", 1000, 1000, &p.limit) == -1)
		return -1;
	if (p.limit == 0)
		p.limit = 1000;
	buf_init(&note, 64 * 1024);
	p.indexes = json_array();
	entries = json_array();
	if (tlog_checkpoint(q->ctx->tlog, store_entry_count(q->ctx->store),
	    &note, &p.size, &q->err) == -1)
		goto out;
	c = req_reader(q);
	if (c == NULL || store_ops(q->ctx->store)->entry_range_tenant(c,
	    q->tenant.id, start, p.limit + 1, access_cb, &p, &q->err) == -1)
		goto out;
	if (access_fill(q, &p, entries) == -1)
		goto out;
	req_ok(q, 200, json_pack("{s:s,s:s,s:I,s:O,s:o}", "tenant",
	    q->tenant.id, "checkpoint", note.data, "size", (json_int_t)p.size,
	    "entries", entries, "next", p.next >= 0 ?
	    json_integer(p.next) : json_null()));
	rc = 0;
out:
	json_decref(entries);
	json_decref(p.indexes);
	buf_cleanup(&note);
	return rc;
}

/*
 * GET /v1/tenants/{t}/log-key: the tenant's log key, with which its
 * verifier finds (by tag), opens and proves complete the tenant's own
 * entries (tlog/leaf.h).  Handing it out is recorded in the tenant's log.
 */
int
h_tenant_log_key(struct req *q)
{
	uint8_t *k = sodium_malloc(LEAF_KEY_BYTES);
	json_t *key;

	if (k == NULL)
		return err_internal(&q->err, "out of memory");
	sealer_log_key(k, q->tenant.id);
	key = b64_json(k, LEAF_KEY_BYTES);
	sodium_free(k);
	if (key == NULL)
		return err_internal(&q->err, "out of memory");
	req_ok(q, 200, json_pack("{s:s,s:o,s:s}", "tenant", q->tenant.id,
	    "log_key", key, "format", LEAF_FORMAT));
	return 0;
}
