/* SPDX-License-Identifier: ISC */
/*
 * POST /v1/scope: which customers were affected, with proof.  The answer
 * carries the signed checkpoint it was computed against, which covers
 * every entry it cites; with "proofs": true each cited entry's inclusion
 * proof comes along, so a customer can check its part offline.
 */
#include <stdlib.h>
#include <string.h>

#include "api/req.h"
#include "common/jsonx.h"
#include "common/str.h"
#include "scope/scope.h"
#include "scope/scope_report.h"
#include "tlog/proof.h"
#include "tlog/tlog.h"

static const char *const kinds[SP_COUNT] = {
	[SP_ENGINEER] = "engineers",
	[SP_DEVICE] = "devices",
	[SP_SESSION] = "sessions",
	[SP_VENDOR] = "vendors",
	[SP_SOURCE] = "ips",
	[SP_TENANT] = NULL,
};

int
req_scope_window(struct req *q, const json_t *b, int64_t *from, int64_t *to)
{
	const char *f, *t;

	if (jx_str(&f, b, "from", 20, 40, JX_REQUIRED | JX_CLEAN, &q->err) ||
	    jx_str(&t, b, "to", 20, 40, JX_REQUIRED | JX_CLEAN, &q->err))
		return -1;
	if (time_parse(from, f) == -1)
		return err_bad_request(&q->err, "field 'from' must be an RFC "
		    "3339 time");
	if (time_parse(to, t) == -1)
		return err_bad_request(&q->err, "field 'to' must be an RFC 3339 "
		    "time");
	if (*to <= *from)
		return err_bad_request(&q->err, "field 'to' must be after "
		    "'from'");
	return 0;
}

int
req_scope_principals(struct req *q, const json_t *p, struct scope_query *sq)
{
	static const char *const keys[] = {"engineers", "devices", "sessions",
	    "vendors", "ips", NULL};
	size_t total = 0, i;
	int k;

	if (!json_is_object(p))
		return err_bad_request(&q->err, "field 'principals' must be an "
		    "object");
	if (jx_only(p, keys, &q->err) == -1)
		return -1;
	for (k = 0; k < SP_COUNT; k++) {
		const json_t *a, *v;

		if (kinds[k] == NULL)
			continue;
		a = json_object_get(p, kinds[k]);
		if (a == NULL)
			continue;
		if (!json_is_array(a) || json_array_size(a) > SCOPE_IDS_MAX)
			return err_bad_request(&q->err, "field 'principals.%s' "
			    "must be an array of at most %d ids", kinds[k],
			    SCOPE_IDS_MAX);
		json_array_foreach(a, i, v) {
			const char *s = json_string_value(v);

			if (s == NULL || s[0] == '\0' || strlen(s) >=
			    (k == SP_SOURCE ? REC_ADDR_MAX : ID_MAX) ||
			    !str_is_clean_utf8(s, strlen(s)))
				return err_bad_request(&q->err, "field "
				    "'principals.%s' holds a malformed id",
				    kinds[k]);
			sq->ids[k][sq->n[k]++] = s;
			total++;
		}
	}
	if (total == 0)
		return err_bad_request(&q->err, "field 'principals' names no "
		    "principal");
	return 0;
}

static json_t *
counts_json(const struct scope_counts *c)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < c->n; i++)
		json_object_set_new(o, c->v[i].action,
		    json_integer((json_int_t)c->v[i].n));
	return o;
}

static json_t *
indexes_json(const struct scope_indexes *x)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < x->n; i++)
		json_array_append_new(a, json_integer((json_int_t)x->v[i]));
	return a;
}

static json_t *
time_json(const char *t)
{
	return t[0] != '\0' ? json_string(t) : json_null();
}

static json_t *
rows_json(struct scope_row *const *v, size_t n, int attempted)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, scope_row_json(v[i], attempted));
	return a;
}

/* The answer's "summary", "tenants" and "attempted". */
static json_t *
answer_json(const struct scope_answer *a)
{
	return json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I},s:o,s:o}", "summary",
	    "events", (json_int_t)a->events, "tenants_exposed",
	    (json_int_t)a->exposed, "tenants_viewed", (json_int_t)a->viewed,
	    "tenants_acted_upon", (json_int_t)a->acted_upon, "denied",
	    (json_int_t)a->denied, "tenants_attempted",
	    (json_int_t)a->n_attempted, "tenants",
	    rows_json(a->tenants, a->n_tenants, 0), "attempted",
	    rows_json(a->attempted, a->n_attempted, 1));
}

/* The inverse answer: {"principals": [...]}. */
static json_t *
inverse_json(const struct scope_inverse *v)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct scope_principal *p = v->v[i];

		json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:o,s:o,"
		    "s:o,s:o}", "kind", p->kind, "id", p->id, "first",
		    time_json(p->first), "last", time_json(p->last), "actions",
		    counts_json(&p->actions), "denied",
		    counts_json(&p->denied), "entries",
		    indexes_json(&p->entries)));
	}
	return json_pack("{s:o}", "principals", list);
}

/* Adds tenant names, and proofs of the cited entries when asked. */
static int
decorate(struct req *q, struct store_conn *c, json_t *tenants, int proofs,
    int64_t size)
{
	merkle_hash h[MERKLE_PROOF_MAX];
	json_t *row, *v, *pr;
	size_t i, j, n;

	json_array_foreach(tenants, i, row) {
		struct rec_tenant t;
		const char *tid = json_string_value(json_object_get(row,
		    "tenant"));

		if (store_ops(q->ctx->store)->tenant_get(c, tid, &t, &q->err) ==
		    0)
			json_object_set_new(row, "name", json_string(t.name));
		if (!proofs)
			continue;
		pr = json_object();

		json_array_foreach(json_object_get(row, "entries"), j, v) {
			char key[24];
			int64_t idx = json_integer_value(v);

			if (tlog_inclusion(q->ctx->tlog, c, idx, size, h, &n,
			    &q->err) == -1) {
				json_decref(pr);
				return -1;
			}
			str_printf(key, sizeof(key), "%lld", (long long)idx);
			json_object_set_new(pr, key, proof_encode_hashes(
			    (const merkle_hash *)h, n));
		}
		json_object_set_new(row, "proofs", pr);
	}
	return 0;
}

int
h_scope(struct req *q)
{
	static const char *const keys[] = {"principals", "tenant", "from",
	    "to", "proofs", NULL};
	struct scope_query *sq = NULL;
	struct scope_answer sa;
	struct scope_inverse inv;
	const char *tenant;
	struct store_conn *c;
	struct buf note;
	char f[RFC3339_LEN], t[RFC3339_LEN];
	int64_t from, to, max = -1, size = 0;
	json_t *b = req_body(q), *ans = NULL, *pr;
	int proofs = 0, rc = -1;

	buf_init(&note, 64 * 1024);
	memset(&sa, 0, sizeof(sa));
	memset(&inv, 0, sizeof(inv));
	if (b == NULL || jx_only(b, keys, &q->err) ||
	    req_scope_window(q, b, &from, &to) ||
	    jx_str(&tenant, b, "tenant", 1, ID_MAX - 1, JX_OPTIONAL | JX_CLEAN,
	    &q->err))
		goto bad;
	pr = json_object_get(b, "proofs");
	if (pr != NULL && !json_is_boolean(pr)) {
		err_bad_request(&q->err, "field 'proofs' must be true or false");
		goto bad;
	}
	proofs = json_is_true(pr);
	if ((tenant != NULL) == (json_object_get(b, "principals") != NULL)) {
		err_bad_request(&q->err, "give either 'principals' or "
		    "'tenant'");
		goto bad;
	}
	c = req_reader(q);
	if (c == NULL)
		goto out;
	if (tenant != NULL) {
		str_copy(q->ev.tenant, sizeof(q->ev.tenant), tenant);
		if (scope_tenant(&inv, c, store_ops(q->ctx->store), tenant, from,
		    to, &q->err) == -1)
			goto out;
		ans = inverse_json(&inv);
		max = inv.max_index;
	} else {
		sq = calloc(1, sizeof(*sq));
		if (sq == NULL) {
			err_internal(&q->err, "out of memory");
			goto out;
		}
		sq->from = from;
		sq->to = to;
		if (req_scope_principals(q, json_object_get(b, "principals"),
		    sq) == -1)
			goto bad;
		if (scope_principals(&sa, c, store_ops(q->ctx->store), sq,
		    &q->err) == -1)
			goto out;
		ans = answer_json(&sa);
		max = sa.max_index;
	}
	if (ans == NULL) {
		err_internal(&q->err, "out of memory");
		goto out;
	}
	/* One checkpoint that covers every entry the answer cites. */
	if (tlog_checkpoint(q->ctx->tlog, max + 1, &note, &size, &q->err) ==
	    -1)
		goto out;
	c = req_reader(q);
	if (c == NULL || (tenant == NULL && (decorate(q, c,
	    json_object_get(ans, "tenants"), proofs, size) == -1 ||
	    decorate(q, c, json_object_get(ans, "attempted"), proofs,
	    size) == -1)))
		goto out;
	time_format(f, from);
	time_format(t, to);
	json_object_set_new(ans, "from", json_string(f));
	json_object_set_new(ans, "to", json_string(t));
	json_object_set_new(ans, "checkpoint", json_string(note.data));
	json_object_set_new(ans, "size", json_integer(size));
	if (tenant != NULL)
		json_object_set_new(ans, "tenant", json_string(tenant));
	else
		json_object_set(ans, "query", json_object_get(b, "principals"));
	req_ok(q, 200, ans);
	ans = NULL;
	rc = 0;
	goto out;
bad:
	q->err.reason = "bad_request";
out:
	json_decref(ans);
	scope_answer_free(&sa);
	scope_inverse_free(&inv);
	free(sq);
	buf_cleanup(&note);
	return rc;
}
