/* SPDX-License-Identifier: ISC */
/*
 * One tenant's report of a scope answer; see scope_report.h.  The rows'
 * JSON (moved here from api_scope.c so that POST /v1/scope and the
 * incidents write the same) and the report's cited entries, each read
 * from the store with its sealed leaf, its sealed body recomputed and
 * checked against the leaf (tlog/sealer.h), and its inclusion proof.
 */
#include "scope/scope_report.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "tlog/proof.h"
#include "tlog/sealer.h"
#include "tlog/tlog.h"

static json_t *
counts_json(const struct scope_counts *c)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o != NULL && i < c->n; i++)
		json_object_set_new(o, c->v[i].action,
		    json_integer((json_int_t)c->v[i].n));
	return o;
}

static json_t *
indexes_json(const struct scope_indexes *x)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < x->n; i++)
		json_array_append_new(a, json_integer((json_int_t)x->v[i]));
	return a;
}

static json_t *
strings_json(const struct scope_strings *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *
time_json(const char *t)
{
	return t[0] != '\0' ? json_string(t) : json_null();
}

json_t *
scope_row_json(const struct scope_row *r, int attempted)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "tenant", json_string(r->tenant));
	if (!attempted)
		json_object_set_new(o, "exposure",
		    json_string(scope_exposure_name(r->exposure)));
	json_object_set_new(o, "first", time_json(r->first));
	json_object_set_new(o, "last", time_json(r->last));
	json_object_set_new(o, "actions", counts_json(&r->actions));
	json_object_set_new(o, "users_affected",
	    strings_json(&r->users_affected));
	json_object_set_new(o, "denied", counts_json(&r->denied));
	json_object_set_new(o, "entries", indexes_json(&r->entries));
	json_object_set_new(o, "grants", strings_json(&r->grants));
	if (r->auto_approve)
		json_object_set_new(o, "policy", json_string("auto_approve"));
	return o;
}

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

/* One cited entry on its way into the report. */
struct cited {
	const struct scope_report_in *in;
	const char *tenant;
	json_t *out;                    /* the entry, or NULL */
	int about;                      /* it is about the tenant */
	struct err *e;
};

static int
leaf_cb(void *arg, const struct rec_leaf *r)
{
	struct cited *x = arg;
	const uint8_t *sealed = NULL;
	size_t len = 0;

	x->about = r->tenant_id != NULL && strcmp(r->tenant_id,
	    x->tenant) == 0;
	if (r->leaf == NULL) {
		err_internal(x->e, "log entry %lld has no sealed leaf",
		    (long long)r->index);
		return 1;
	}
	if (!x->about) {
		/* Proven, but not the tenant's to read. */
		x->out = json_pack("{s:I,s:o}", "index", (json_int_t)r->index,
		    "leaf", b64_json(r->leaf, r->leaf_len));
		return 1;
	}
	if (sealer_body(x->in->sealer, r, &sealed, &len, x->e) == -1)
		return 1;
	x->out = json_pack("{s:I,s:o,s:o,s:o}", "index", (json_int_t)r->index,
	    "leaf", b64_json(r->leaf, r->leaf_len), "sealed",
	    b64_json(sealed, len), "event", json_loadb(r->bytes, r->len, 0,
	    NULL));
	return 1;
}

/* Appends cited entry index, proven, to entries or to other. */
static int
cite(const struct scope_report_in *in, const char *tenant, int64_t index,
    json_t *entries, json_t *other, struct err *e)
{
	merkle_hash h[MERKLE_PROOF_MAX];
	struct cited x = {in, tenant, NULL, 0, e};
	size_t n;

	if (in->ops->entry_leaves(in->c, index, index + 1, 1, leaf_cb, &x,
	    e) == -1)
		return -1;
	if (x.out == NULL)
		return e->status != 0 ? -1 : err_internal(e, "log entry %lld "
		    "is gone", (long long)index);
	if (tlog_inclusion(in->tlog, in->c, index, in->size, h, &n, e) == -1) {
		json_decref(x.out);
		return -1;
	}
	json_object_set_new(x.out, "proof", proof_encode_hashes(
	    (const merkle_hash *)h, n));
	if (json_array_append_new(x.about ? entries : other, x.out) == -1)
		return err_internal(e, "out of memory");
	return 0;
}

/*
 * Where the cited entries came from, in words honest per source (issue
 * 16): {"recorded": n, "imported": {source: n}, "words": "..."}.  An
 * entry custos recorded is a request made through it, and custos records
 * every one; an imported entry (detail.imported) is what another system
 * recorded (an Okta System Log export), which custos did not see.
 */
static json_t *
provenance_json(const json_t *entries)
{
	json_t *imp = json_object(), *o, *x;
	json_int_t recorded = 0, imported = 0;
	const char *src;
	size_t i;

	if (imp == NULL)
		return NULL;
	json_array_foreach(entries, i, x) {
		src = json_string_value(json_object_get(json_object_get(
		    json_object_get(x, "event"), "detail"), "imported"));
		if (src == NULL) {
			recorded++;
			continue;
		}
		imported++;
		json_object_set_new(imp, src, json_integer(json_integer_value(
		    json_object_get(imp, src)) + 1));
	}
	o = json_pack("{s:I,s:o,s:s}", "recorded", recorded, "imported", imp,
	    "words", imported == 0 ? "Every entry is a request made through "
	    "custos, which records every request support makes through it, "
	    "allowed or refused." : recorded == 0 ? "Every entry was imported "
	    "from another system's records (detail.imported names it, e.g. "
	    "okta: an Okta System Log export): custos did not see these "
	    "requests itself and holds what that system recorded, from the "
	    "import on." : "Some entries were imported from another system's "
	    "records (detail.imported names it, e.g. okta: an Okta System "
	    "Log export), which custos did not see itself; the others are "
	    "requests made through custos, which records every one, allowed "
	    "or refused.");
	return o;
}

int
scope_report_tenant(json_t **out, const struct scope_report_in *in,
    const struct scope_row *r, int attempted, const char *name,
    struct err *e)
{
	json_t *o = NULL, *row = NULL, *entries, *other, *v;
	const char *k;
	size_t i;

	*out = NULL;
	entries = json_array();
	other = json_array();
	row = scope_row_json(r, attempted);
	o = json_pack("{s:s}", "format", SCOPE_REPORT_FORMAT);
	if (entries == NULL || other == NULL || row == NULL || o == NULL)
		goto oom;
	if (attempted)
		json_object_set_new(row, "exposure", json_string("attempted"));
	if (name[0] != '\0')
		json_object_set_new(row, "name", json_string(name));
	json_object_foreach(row, k, v)
		if (strcmp(k, "entries") != 0)
			json_object_set(o, k, v);
	for (i = 0; i < r->entries.n; i++)
		if (cite(in, r->tenant, r->entries.v[i], entries, other,
		    e) == -1)
			goto fail;
	if (json_object_set_new(o, "from", json_string(in->from)) == -1 ||
	    json_object_set_new(o, "to", json_string(in->to)) == -1 ||
	    json_object_set_new(o, "generated",
	    json_string(in->generated)) == -1 ||
	    (in->principals != NULL && json_object_set(o, "principals",
	    (json_t *)(uintptr_t)in->principals) == -1) ||
	    json_object_set_new(o, "key", json_string(in->key)) == -1 ||
	    json_object_set_new(o, "checkpoint",
	    json_string(in->checkpoint)) == -1 ||
	    json_object_set_new(o, "size", json_integer(in->size)) == -1 ||
	    json_object_set(o, "entries", entries) == -1 ||
	    json_object_set_new(o, "provenance",
	    provenance_json(entries)) == -1 ||
	    (json_array_size(other) > 0 &&
	    json_object_set(o, "other_entries", other) == -1))
		goto oom;
	json_decref(entries);
	json_decref(other);
	json_decref(row);
	*out = o;
	return 0;
oom:
	err_internal(e, "out of memory");
fail:
	json_decref(entries);
	json_decref(other);
	json_decref(row);
	json_decref(o);
	return -1;
}
