/* SPDX-License-Identifier: ISC */
/*
 * GET /v1/log/health (issue 13): the operator's view of the log -- its
 * size, the last signed checkpoint (size, when it was signed, root, and
 * whether it verifies under the log's key), each configured witness's
 * last cosignature, and the integrity state (tlog_broken, the store's
 * last commit).  Not recorded (the action table says why): it must
 * answer when the log is damaged and appends nothing.
 */
#include <sodium.h>
#include <string.h>

#include "access/grant.h"
#include "api/req.h"
#include "tlog/note.h"
#include "tlog/publish.h"
#include "tlog/tlog.h"

/* {size, time, root, signed_by_log_key, age_seconds}, or null when no
 * checkpoint was signed yet. */
static json_t *
checkpoint_json(struct req *q, struct store_conn *c)
{
	char root[sodium_base64_ENCODED_LEN(MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL)];
	struct note_verifier v;
	struct checkpoint cp;
	struct buf note;
	struct err e;
	size_t body = 0;
	int64_t when = 0;
	json_t *o = NULL;
	int rc, ok;

	err_init(&e);
	buf_init(&note, NOTE_MAX + 1);
	rc = store_ops(q->ctx->store)->checkpoint_latest_time(c, &note, &when,
	    &q->err);
	if (rc == -1)
		goto out;
	if (rc == 1) {
		o = json_null();
		goto out;
	}
	ok = note_verifier_parse(&v, tlog_verifier_key(q->ctx->tlog),
	    &e) == 0 && note_open(note.data, note.len, &v, &body, &e) == 0 &&
	    checkpoint_parse(&cp, note.data, body, &e) == 0;
	if (!ok) {
		o = json_pack("{s:b,s:s,s:o}", "verified", 0, "error", e.msg,
		    "time", grant_stamp_json(when));
		goto out;
	}
	sodium_bin2base64(root, sizeof(root), cp.root, MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL);
	o = json_pack("{s:I,s:o,s:I,s:s,s:s,s:b}", "size",
	    (json_int_t)cp.size, "time", grant_stamp_json(when),
	    "age_seconds", (json_int_t)(q->now - when), "root", root,
	    "origin", cp.origin, "verified", 1);
out:
	buf_cleanup(&note);
	return o;
}

static json_t *
witnesses_json(struct req *q)
{
	struct publish_witness w[PUBLISH_WITNESSES_MAX];
	json_t *a = json_array();
	size_t i, n;

	n = tlog_witnesses(q->ctx->tlog, w, PUBLISH_WITNESSES_MAX);
	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:b}", "name",
		    w[i].name, "last_cosigned_size", w[i].cosigned_size >= 0 ?
		    json_integer(w[i].cosigned_size) : json_null(),
		    "last_time", grant_stamp_json(w[i].cosigned_time),
		    "last_round_ok", w[i].last_ok));
	return a;
}

int
h_log_health(struct req *q)
{
	const char *broken = tlog_broken(q->ctx->tlog);
	struct store_conn *c = req_reader(q);
	json_t *cp, *wit, *roles;
	struct err why;

	if (c == NULL)
		return -1;
	cp = checkpoint_json(q, c);
	if (cp == NULL)
		return q->err.status != 0 ? -1 : err_internal(&q->err,
		    "out of memory");
	wit = witnesses_json(q);
	err_init(&why);
	roles = api_roles_json(q->ctx);
	req_ok(q, 200, json_pack("{s:I,s:I,s:o,s:o,s:s,s:s,s:s,s:o}", "size",
	    (json_int_t)tlog_size(q->ctx->tlog), "entries",
	    (json_int_t)store_entry_count(q->ctx->store), "checkpoint", cp,
	    "witnesses", wit != NULL ? wit : json_array(), "integrity",
	    broken != NULL ? broken : "ok", "store",
	    store_write_failing(q->ctx->store, &why) ? why.msg : "ok",
	    "node", store_node(q->ctx->store), "roles", roles != NULL ?
	    roles : json_array()));
	return 0;
}
