/* SPDX-License-Identifier: ISC */
/*
 * scope_evidence.c: the evidence of the scope reports (see
 * scope_evidence.h).
 */
#include "cli/scope_evidence.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/report.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/str.h"
#include "tlog/note.h"

#define SCOPE_PAGE 1000                 /* entries the log sends per call */
#define SCOPE_GAP 16                    /* indexes fetched to save a call */

/* jansson takes no const; nothing here changes what it reads. */
#define UNCONST(p) ((json_t *)(uintptr_t)(p))

static json_int_t
jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* GET /v1/log/key: the verifier key into key (trailing newline cut). */
static int
fetch_key(struct cli *ctx, struct buf *key)
{
	long status;
	int rc;

	ctx->conn.anonymous = 1;     /* a public read: the token stays home */
	rc = cli_http_request(&ctx->conn, "GET", "/v1/log/key", NULL, 0, NULL,
	    &status, key);
	ctx->conn.anonymous = 0;
	if (rc == -1)
		return CLI_FAIL;
	rc = cli_http_exit(status);
	if (rc != CLI_OK)
		return rc == CLI_NEGATIVE ? CLI_FAIL : rc;
	while (key->len > 0 && (key->data[key->len - 1] == '\n' ||
	    key->data[key->len - 1] == '\r'))
		key->data[--key->len] = '\0';
	if (key->len == 0 || strlen(key->data) != key->len) {
		cli_warn("GET /v1/log/key: empty or binary answer");
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* The answer's lists of tenants: "tenants", then "attempted". */
static const char *const tenant_lists[] = { "tenants", "attempted", NULL };

static int
index_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Appends the indexes of one tenant's "entries" to *idx.  0 or -1. */
static int
indexes_add(int64_t **idx, size_t *k, size_t *cap, const json_t *list)
{
	const json_t *v;
	int64_t *grown;
	size_t j;

	json_array_foreach(list, j, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			continue;
		if (*k == REPORT_ENTRIES_MAX) {
			cli_warn("the answer cites more than %d entries",
			    REPORT_ENTRIES_MAX);
			return -1;
		}
		if (*k == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			grown = realloc(*idx, *cap * sizeof(**idx));
			if (grown == NULL) {
				cli_warn("out of memory");
				return -1;
			}
			*idx = grown;
		}
		(*idx)[(*k)++] = json_integer_value(v);
	}
	return 0;
}

/* Every index the answer's tenants cite, ascending, each once. */
static int
cited_indexes(const json_t *a, int64_t **out, size_t *n)
{
	const json_t *t;
	int64_t *idx = NULL;
	size_t i, k = 0, cap = 0, m = 0, l;

	*out = NULL;
	*n = 0;
	for (l = 0; tenant_lists[l] != NULL; l++) {
		json_array_foreach(json_object_get(a, tenant_lists[l]), i, t) {
			if (indexes_add(&idx, &k, &cap, json_object_get(t,
			    "entries")) == -1) {
				free(idx);
				return -1;
			}
		}
	}
	if (k == 0)
		return 0;
	qsort(idx, k, sizeof(*idx), index_cmp);
	for (i = 0; i < k; i++)
		if (m == 0 || idx[m - 1] != idx[i])
			idx[m++] = idx[i];
	*out = idx;
	*n = m;
	return 0;
}

static int
index_find(const int64_t *idx, size_t n, int64_t want)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (idx[mid] == want)
			return 1;
		if (idx[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Fetches the leaves of the cited entries into entries ("index" ->
 * {index, leaf}): runs of indexes at most SCOPE_GAP apart are one call
 * (of at most SCOPE_PAGE entries; the server may send fewer, and then the
 * rest is asked for).  Returns an enum cli_exit.
 */
static int
fetch_leaves(struct cli *ctx, const int64_t *idx, size_t n, json_t *entries)
{
	const json_t *list, *en, *leaf;
	struct buf answer;
	int64_t start, end, got;
	json_t *a = NULL;
	char path[128], key[32];
	size_t i = 0, j, k;
	int rc = CLI_OK;

	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	while (i < n && rc == CLI_OK) {
		start = idx[i];
		end = start + 1;
		for (j = i + 1; j < n && idx[j] - end <= SCOPE_GAP &&
		    idx[j] + 1 - start <= SCOPE_PAGE; j++)
			end = idx[j] + 1;
		if (str_printf(path, sizeof(path), "/v1/log/entries?start=%"
		    PRId64 "&end=%" PRId64, start, end) == -1) {
			rc = CLI_FAIL;
			break;
		}
		/* The operator's read (the log in clear): with the token. */
		rc = cli_http_json(&ctx->conn, "GET", path, NULL, &answer, &a);
		if (rc != CLI_OK)
			break;
		list = json_object_get(a, "entries");
		if (!json_is_array(list) || json_array_size(list) == 0) {
			cli_warn("GET %s: the log sent no entry %" PRId64,
			    path, start);
			rc = CLI_FAIL;
			break;
		}
		got = start - 1;
		json_array_foreach(list, k, en) {
			const json_t *ix = json_object_get(en, "index");

			if (!json_is_integer(ix) ||
			    json_integer_value(ix) <= got ||
			    json_integer_value(ix) >= end) {
				cli_warn("GET %s: entries out of order or out "
				    "of range", path);
				rc = CLI_FAIL;
				break;
			}
			got = json_integer_value(ix);
			if (!index_find(idx, n, got))
				continue;
			leaf = json_object_get(en, "leaf");
			(void)str_printf(key, sizeof(key), "%" PRId64, got);
			if (leaf == NULL)
				leaf = json_null();
			/* Sealed leaves come with their body and event. */
			if (json_object_set_new(entries, key, json_pack(
			    "{s:I, s:O, s:O*, s:O*}", "index", (json_int_t)got,
			    "leaf", UNCONST(leaf), "sealed",
			    UNCONST(json_object_get(en, "sealed")), "event",
			    UNCONST(json_object_get(en, "event")))) == -1) {
				cli_warn("out of memory");
				rc = CLI_FAIL;
				break;
			}
		}
		json_decref(a);
		a = NULL;
		/* Past what came back: the next index not fetched yet. */
		while (i < n && idx[i] <= got)
			i++;
	}
	json_decref(a);
	buf_cleanup(&answer);
	return rc;
}

/*
 * Puts a proof on every fetched entry: the answer's (tenants[].proofs),
 * else GET /v1/log/proof/inclusion at the answer's size.  Returns an
 * enum cli_exit.
 */
static int
attach_proofs(struct cli *ctx, const json_t *a, json_t *entries)
{
	const json_t *t, *proofs, *pr, *hashes;
	struct buf answer;
	json_int_t size = jint(a, "size");
	json_t *en, *got = NULL;
	const char *key;
	char path[128];
	size_t i, l;
	int rc = CLI_OK;

	for (l = 0; tenant_lists[l] != NULL; l++) {
		json_array_foreach(json_object_get(a, tenant_lists[l]), i, t) {
			proofs = json_object_get(t, "proofs");
			json_object_foreach(UNCONST(proofs), key, pr) {
				en = json_object_get(entries, key);
				if (en != NULL &&
				    json_object_get(en, "proof") == NULL &&
				    json_object_set(en, "proof",
				    UNCONST(pr)) == -1)
					return CLI_FAIL;
			}
		}
	}
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	json_object_foreach(entries, key, en) {
		if (json_object_get(en, "proof") != NULL)
			continue;
		if (str_printf(path, sizeof(path), "/v1/log/proof/inclusion?"
		    "index=%s&size=%" JSON_INTEGER_FORMAT, key, size) == -1) {
			rc = CLI_FAIL;
			break;
		}
		ctx->conn.anonymous = 1;
		rc = cli_http_json(&ctx->conn, "GET", path, NULL, &answer,
		    &got);
		ctx->conn.anonymous = 0;
		if (rc != CLI_OK) {
			rc = CLI_FAIL;
			break;
		}
		hashes = json_object_get(got, "hashes");
		if (jint(got, "size") != size || !json_is_array(hashes) ||
		    json_object_set(en, "proof", UNCONST(hashes)) == -1) {
			cli_warn("GET %s: not the proof asked for", path);
			rc = CLI_FAIL;
			break;
		}
		json_decref(got);
		got = NULL;
	}
	json_decref(got);
	buf_cleanup(&answer);
	return rc;
}

int
scope_evidence_report(struct cli *ctx, const json_t *a, const char *dir,
    int force)
{
	struct report_input in;
	struct report *r = NULL;
	char now[RFC3339_LEN];
	json_t *entries = NULL, *files = NULL;
	int64_t *idx = NULL;
	struct buf key;
	struct err e;
	size_t n;
	int rc;

	err_init(&e);
	buf_init(&key, NOTE_VERIFIER_MAX + 16);
	if (!json_is_array(json_object_get(a, "tenants")) ||
	    !json_is_integer(json_object_get(a, "size"))) {
		cli_warn("the answer has no 'tenants' or 'size': no report "
		    "written");
		rc = CLI_FAIL;
		goto out;
	}
	rc = fetch_key(ctx, &key);
	if (rc != CLI_OK)
		goto out;
	if (report_precheck(a, key.data, &e) == -1) {
		cli_warn("the answer does not check out, no report written: "
		    "%s", e.msg);
		rc = CLI_FAIL;
		goto out;
	}
	entries = json_object();
	if (entries == NULL || cited_indexes(a, &idx, &n) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	rc = fetch_leaves(ctx, idx, n, entries);
	if (rc == CLI_OK)
		rc = attach_proofs(ctx, a, entries);
	if (rc != CLI_OK) {
		rc = CLI_FAIL;
		cli_warn("cannot fetch the evidence; no report written");
		goto out;
	}
	time_format(now, (int64_t)time(NULL));
	in.answer = a;
	in.key = key.data;
	in.entries = entries;
	in.generated = now;
	r = report_new(&in, &e);
	if (r == NULL) {
		cli_warn("the answer does not check out, no report written: "
		    "%s", e.msg);
		rc = CLI_FAIL;
		goto out;
	}
	if (report_write(r, dir, force, &files, &e) == -1) {
		cli_warn("%s", e.msg);
		rc = CLI_FAIL;
		goto out;
	}
	if (!ctx->json) {
		printf("wrote %zu tenant reports and the summary to ",
		    report_tenants(r));
		cli_put(stdout, dir, 0);
		printf(" (%zu entries, every proof checked against the "
		    "checkpoint)\n", n);
	}
	rc = CLI_OK;
out:
	json_decref(files);
	report_free(r);
	json_decref(entries);
	free(idx);
	buf_cleanup(&key);
	return rc;
}
