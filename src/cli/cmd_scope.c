/* SPDX-License-Identifier: ISC */
/*
 * cmd_scope.c: the incident commands.
 *
 * `custos scope` asks POST /v1/scope which tenants some principals
 * (engineers, devices, sessions, vendors, source addresses) reached in a
 * window, and how (acted upon, viewed, exposed), or, with --tenant, who
 * reached one tenant.  With --report DIR it asks for the proofs too,
 * fetches the log's verifier key and the leaves of the entries the answer
 * cites (GET /v1/log/entries, contiguous indexes in one call) and hands
 * all of it to report.c, which checks every proof against the signed
 * checkpoint before it writes one report per tenant.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "cli/report.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/jsonx.h"
#include "common/num.h"
#include "common/str.h"
#include "tlog/note.h"

#define SCOPE_ID_MAX 1024               /* one principal or tenant id */
#define SCOPE_PRINCIPALS_MAX 10000      /* principals in one question */
#define SCOPE_PAGE 1000                 /* entries the log sends per call */
#define SCOPE_GAP 16                    /* indexes fetched to save a call */
#define SCOPE_USERS_SHOWN 3             /* users in the table's cell */
#define SCOPE_CELL_MAX 4096


/* jansson takes no const; nothing here changes what it reads. */
#define UNCONST(p) ((json_t *)(uintptr_t)(p))

static const struct {
	const char *opt;        /* --engineer */
	const char *key;        /* "engineers" in the request */
	const char *word;       /* for messages */
} principal_kinds[] = {
	{ "engineer", "engineers", "engineer" },
	{ "device", "devices", "device" },
	{ "session", "sessions", "session" },
	{ "vendor", "vendors", "vendor" },
	{ "ip", "ips", "address" },
};
#define NKINDS (sizeof(principal_kinds) / sizeof(principal_kinds[0]))

struct scope_args {
	json_t *principals;     /* {"engineers": [...], ...} */
	size_t nprincipals;
	const char *from;
	const char *to;
	const char *tenant;
	const char *report;
	const char *answer;     /* --answer FILE */
	int proofs;
	int force;
};

/*
 * The scope options.  cli_args() refuses an option given twice, and the
 * principal options are made to be repeated, so they are parsed here:
 * "--name VALUE" or "--name=VALUE", "--" ends the options, and the
 * command takes no operands.  Returns CLI_OK or CLI_USAGE (printed).
 */
static int
scope_parse(struct cli *ctx, int argc, char **argv, struct scope_args *sa)
{
	struct {
		const char *name;
		const char **arg;
		int *flag;
	} single[] = {
		{ "from", &sa->from, NULL },
		{ "to", &sa->to, NULL },
		{ "tenant", &sa->tenant, NULL },
		{ "report", &sa->report, NULL },
		{ "answer", &sa->answer, NULL },
		{ "proofs", NULL, &sa->proofs },
		{ "force", NULL, &sa->force },
	};
	const char *a, *eq, *val;
	size_t n, k;
	int i, kind;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc)
				return cli_usage(ctx, "scope takes no "
				    "arguments (at '%s')", argv[i + 1]);
			break;
		}
		if (strncmp(a, "--", 2) != 0)
			return cli_usage(ctx, "scope takes no arguments (at "
			    "'%s')", a);
		eq = strchr(a + 2, '=');
		n = eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2);
		kind = -1;
		for (k = 0; k < NKINDS; k++)
			if (strlen(principal_kinds[k].opt) == n &&
			    strncmp(principal_kinds[k].opt, a + 2, n) == 0)
				kind = (int)k;
		for (k = 0; kind == -1 && k < sizeof(single) /
		    sizeof(single[0]); k++)
			if (strlen(single[k].name) == n &&
			    strncmp(single[k].name, a + 2, n) == 0)
				break;
		if (kind == -1 && k == sizeof(single) / sizeof(single[0]))
			return cli_usage(ctx, "unknown option '%s'", a);
		if (kind == -1 && single[k].flag != NULL) {
			if (eq != NULL)
				return cli_usage(ctx, "option --%s takes no "
				    "value", single[k].name);
			*single[k].flag = 1;
			continue;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return cli_usage(ctx, "option %s needs a value", a);
		if (val[0] == '\0' || strlen(val) > SCOPE_ID_MAX ||
		    !str_is_clean_utf8(val, strlen(val)))
			return cli_usage(ctx, "option --%.*s: the value must "
			    "be 1 to %d bytes of printable UTF-8", (int)n,
			    a + 2, SCOPE_ID_MAX);
		if (kind == -1) {
			if (*single[k].arg != NULL)
				return cli_usage(ctx, "option --%s given "
				    "twice", single[k].name);
			*single[k].arg = val;
			continue;
		}
		if (sa->nprincipals >= SCOPE_PRINCIPALS_MAX)
			return cli_usage(ctx, "more than %d principals",
			    SCOPE_PRINCIPALS_MAX);
		if (json_array_append_new(json_object_get(sa->principals,
		    principal_kinds[kind].key), json_string(val)) == -1) {
			cli_warn("out of memory");
			return CLI_FAIL;
		}
		sa->nprincipals++;
	}
	return CLI_OK;
}

/* Checks the combination of options.  CLI_OK or CLI_USAGE (printed). */
static int
scope_check(struct cli *ctx, const struct scope_args *sa)
{
	int64_t from, to;

	if (sa->force && sa->report == NULL)
		return cli_usage(ctx, "--force goes with --report");
	if (sa->answer != NULL) {
		if (sa->nprincipals > 0 || sa->tenant != NULL ||
		    sa->from != NULL || sa->to != NULL || sa->proofs)
			return cli_usage(ctx, "--answer FILE takes the "
			    "question from the file: give no principals, "
			    "--tenant, --from, --to or --proofs");
		return CLI_OK;
	}
	if (sa->from == NULL || sa->to == NULL)
		return cli_usage(ctx, "--from and --to are required (RFC 3339 "
		    "times, e.g. 2022-01-21T14:00:00Z; the window is [from, "
		    "to))");
	if (time_parse(&from, sa->from) == -1)
		return cli_usage(ctx, "--from: not an RFC 3339 time (e.g. "
		    "2022-01-21T14:00:00Z)");
	if (time_parse(&to, sa->to) == -1)
		return cli_usage(ctx, "--to: not an RFC 3339 time (e.g. "
		    "2022-01-22T00:00:00Z)");
	if (to <= from)
		return cli_usage(ctx, "--to must be later than --from");
	if (sa->tenant != NULL) {
		if (sa->nprincipals > 0)
			return cli_usage(ctx, "--tenant asks who reached one "
			    "tenant: give no --engineer, --device, --session, "
			    "--vendor or --ip with it");
		if (sa->report != NULL || sa->proofs)
			return cli_usage(ctx, "--report and --proofs go with "
			    "principals, not with --tenant");
		return CLI_OK;
	}
	if (sa->nprincipals == 0)
		return cli_usage(ctx, "name at least one principal "
		    "(--engineer, --device, --session, --vendor, --ip), or "
		    "a --tenant");
	return CLI_OK;
}

/* ---- human output ---- */

/* "name:n,name:n" of a {name: n} object into out; NULL when empty. */
static const char *
counts_cell(struct buf *out, const json_t *counts)
{
	const char *k;
	json_t *v;

	buf_reset(out);
	json_object_foreach(UNCONST(counts), k, v) {
		if (!json_is_integer(v))
			continue;
		if (buf_printf(out, "%s%s:%" JSON_INTEGER_FORMAT, out->len > 0 ?
		    "," : "", k, json_integer_value(v)) == -1)
			break;
	}
	return out->len > 0 ? out->data : NULL;
}

/* The first few strings of an array and "+N" more; NULL when empty. */
static const char *
list_cell(struct buf *out, const json_t *a)
{
	const json_t *v;
	size_t i, shown = 0;

	buf_reset(out);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			continue;
		if (shown == SCOPE_USERS_SHOWN) {
			/* A full cell keeps what it holds. */
			if (buf_printf(out, " +%zu", json_array_size(a) -
			    i) == -1)
				break;
			break;
		}
		if (buf_printf(out, "%s%s", shown > 0 ? "," : "",
		    json_string_value(v)) == -1)
			break;
		shown++;
	}
	return out->len > 0 ? out->data : NULL;
}

static json_int_t
jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void
put_window(const json_t *a)
{
	const char *from = json_string_value(json_object_get(a, "from"));
	const char *to = json_string_value(json_object_get(a, "to"));

	fputs(" from ", stdout);
	cli_put(stdout, from != NULL ? from : "?", 0);
	fputs(" to ", stdout);
	cli_put(stdout, to != NULL ? to : "?", 0);
	if (json_is_integer(json_object_get(a, "size")))
		printf(" (checkpoint size %" JSON_INTEGER_FORMAT ")",
		    jint(a, "size"));
}

/* One row of the tenants' table. */
static int
forward_row(struct cli_table *tab, const json_t *t, const char *exposure,
    struct buf *c1, struct buf *c2, struct buf *c3)
{
	const char *row[7];

	row[0] = json_string_value(json_object_get(t, "tenant"));
	row[1] = exposure != NULL ? exposure :
	    json_string_value(json_object_get(t, "exposure"));
	row[2] = json_string_value(json_object_get(t, "first"));
	row[3] = json_string_value(json_object_get(t, "last"));
	row[4] = counts_cell(c1, json_object_get(t, "actions"));
	row[5] = list_cell(c2, json_object_get(t, "users_affected"));
	row[6] = counts_cell(c3, json_object_get(t, "denied"));
	return cli_table_add(tab, row);
}

/*
 * The summary line and the table of tenants: those of "tenants", then
 * those of "attempted" (only refused attempts), shown as "attempted".
 */
static int
forward_print(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "TENANT", "EXPOSURE", "FIRST",
	    "LAST", "ACTIONS", "USERS", "DENIED" };
	const json_t *list = json_object_get(a, "tenants"), *t;
	const json_t *tried = json_object_get(a, "attempted");
	const json_t *sum = json_object_get(a, "summary");
	struct cli_table *tab = NULL;
	struct buf c1, c2, c3;
	size_t i;
	int rc = CLI_FAIL;

	buf_init(&c1, SCOPE_CELL_MAX);
	buf_init(&c2, SCOPE_CELL_MAX);
	buf_init(&c3, SCOPE_CELL_MAX);
	if (!json_is_array(list)) {
		cli_warn("unexpected answer from the server (no tenants); as "
		    "it came:");
		cli_put_raw(answer);
		goto out;
	}
	printf("%" JSON_INTEGER_FORMAT " events", jint(sum, "events"));
	put_window(a);
	printf(": %" JSON_INTEGER_FORMAT " tenants acted upon, %"
	    JSON_INTEGER_FORMAT " viewed, %" JSON_INTEGER_FORMAT " exposed",
	    jint(sum, "tenants_acted_upon"), jint(sum, "tenants_viewed"),
	    jint(sum, "tenants_exposed"));
	if (json_object_get(sum, "tenants_attempted") != NULL)
		printf(", %" JSON_INTEGER_FORMAT " attempted",
		    jint(sum, "tenants_attempted"));
	printf("; %" JSON_INTEGER_FORMAT " denied attempts\n",
	    jint(sum, "denied"));
	if (json_array_size(list) + json_array_size(tried) == 0) {
		printf("no tenant was reached in the window\n");
		rc = CLI_OK;
		goto out;
	}
	tab = cli_table_new(7, head);
	if (tab == NULL)
		goto oom;
	json_array_foreach(list, i, t)
		if (forward_row(tab, t, NULL, &c1, &c2, &c3) == -1)
			goto oom;
	json_array_foreach(tried, i, t)
		if (forward_row(tab, t, "attempted", &c1, &c2, &c3) == -1)
			goto oom;
	cli_table_print(tab, stdout);
	rc = CLI_OK;
	goto out;
oom:
	cli_warn("out of memory");
out:
	cli_table_free(tab);
	buf_cleanup(&c3);
	buf_cleanup(&c2);
	buf_cleanup(&c1);
	return rc;
}

/* The inverse answer: who reached the tenant. */
static int
inverse_print(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "KIND", "ID", "FIRST", "LAST",
	    "ACTIONS", "DENIED", "ENTRIES" };
	const json_t *list = json_object_get(a, "principals"), *p;
	const char *tenant = json_string_value(json_object_get(a, "tenant"));
	struct cli_table *tab = NULL;
	struct buf c1, c2;
	char tmp[32];
	size_t i;
	int rc = CLI_FAIL;

	buf_init(&c1, SCOPE_CELL_MAX);
	buf_init(&c2, SCOPE_CELL_MAX);
	if (!json_is_array(list)) {
		cli_warn("unexpected answer from the server (no principals); "
		    "as it came:");
		cli_put_raw(answer);
		goto out;
	}
	printf("%zu principals reached tenant ", json_array_size(list));
	cli_put(stdout, tenant != NULL ? tenant : "?", 0);
	put_window(a);
	fputc('\n', stdout);
	if (json_array_size(list) == 0) {
		rc = CLI_OK;
		goto out;
	}
	tab = cli_table_new(7, head);
	if (tab == NULL)
		goto oom;
	json_array_foreach(list, i, p) {
		const char *row[7];

		row[0] = json_string_value(json_object_get(p, "kind"));
		row[1] = json_string_value(json_object_get(p, "id"));
		row[2] = json_string_value(json_object_get(p, "first"));
		row[3] = json_string_value(json_object_get(p, "last"));
		row[4] = counts_cell(&c1, json_object_get(p, "actions"));
		row[5] = counts_cell(&c2, json_object_get(p, "denied"));
		(void)str_printf(tmp, sizeof(tmp), "%zu",
		    json_array_size(json_object_get(p, "entries")));
		row[6] = tmp;
		if (cli_table_add(tab, row) == -1)
			goto oom;
	}
	cli_table_print(tab, stdout);
	rc = CLI_OK;
	goto out;
oom:
	cli_warn("out of memory");
out:
	cli_table_free(tab);
	buf_cleanup(&c2);
	buf_cleanup(&c1);
	return rc;
}

/* ---- the report's evidence ---- */

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
		ctx->conn.anonymous = 1;
		rc = cli_http_json(&ctx->conn, "GET", path, NULL, &answer, &a);
		ctx->conn.anonymous = 0;
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
			if (json_object_set_new(entries, key, json_pack(
			    "{s:I, s:O}", "index", (json_int_t)got, "leaf",
			    UNCONST(leaf))) == -1) {
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
		rc = cli_http_json(&ctx->conn, "GET", path, NULL, &answer, &got);
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

/* --report DIR: the evidence, checked, then the files. */
static int
scope_report(struct cli *ctx, const json_t *a, const char *dir, int force)
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

static json_t *
scope_body(const struct scope_args *sa)
{
	if (sa->tenant != NULL)
		return json_pack("{s:s, s:s, s:s}", "tenant", sa->tenant,
		    "from", sa->from, "to", sa->to);
	if (sa->proofs || sa->report != NULL)
		return json_pack("{s:O, s:s, s:s, s:b}", "principals",
		    sa->principals, "from", sa->from, "to", sa->to,
		    "proofs", 1);
	return json_pack("{s:O, s:s, s:s}", "principals", sa->principals,
	    "from", sa->from, "to", sa->to);
}

/*
 * scope [--engineer ID]... [--device ID]... [--session ID]...
 *       [--vendor ID]... [--ip ADDR]... --from T --to T [--proofs]
 *       [--report DIR [--force]]
 * scope --tenant T --from T --to T
 * scope --answer FILE [--report DIR [--force]]
 */
int
cmd_scope(struct cli *ctx, int argc, char **argv)
{
	struct scope_args sa;
	struct buf answer;
	json_t *body = NULL, *a = NULL;
	struct err e;
	size_t k;
	int rc;

	memset(&sa, 0, sizeof(sa));
	err_init(&e);
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	sa.principals = json_object();
	for (k = 0; sa.principals != NULL && k < NKINDS; k++)
		if (json_object_set_new(sa.principals,
		    principal_kinds[k].key, json_array()) == -1) {
			json_decref(sa.principals);
			sa.principals = NULL;
		}
	if (sa.principals == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	rc = scope_parse(ctx, argc, argv, &sa);
	if (rc == CLI_OK)
		rc = scope_check(ctx, &sa);
	if (rc != CLI_OK)
		goto out;
	if (sa.report != NULL) {
		rc = report_dir_prepare(sa.report, sa.force, &e);
		if (rc != 0) {
			cli_warn("%s", e.msg);
			rc = rc == 1 ? CLI_NEGATIVE : CLI_FAIL;
			goto out;
		}
	}
	if (sa.answer != NULL) {
		if (cli_read_file(&answer, sa.answer, 1) == -1) {
			rc = CLI_FAIL;
			goto out;
		}
		a = jx_parse_object(answer.data, answer.len, &e);
		if (a == NULL) {
			cli_warn("%s: not a scope answer: %s", sa.answer,
			    e.msg);
			rc = CLI_USAGE;
			goto out;
		}
	} else {
		body = scope_body(&sa);
		if (body == NULL) {
			cli_warn("out of memory");
			rc = CLI_FAIL;
			goto out;
		}
		rc = cli_http_json(&ctx->conn, "POST", "/v1/scope", body, &answer,
		    &a);
		if (rc != CLI_OK)
			goto out;
	}
	if (ctx->json)
		cli_put_raw(&answer);
	else if (json_is_array(json_object_get(a, "principals")))
		rc = inverse_print(a, &answer);
	else
		rc = forward_print(a, &answer);
	if (rc != CLI_OK || sa.report == NULL)
		goto out;
	if (json_is_array(json_object_get(a, "principals"))) {
		cli_warn("%s: an answer about one tenant makes no reports",
		    sa.answer != NULL ? sa.answer : "the answer");
		rc = CLI_USAGE;
		goto out;
	}
	rc = scope_report(ctx, a, sa.report, sa.force);
out:
	json_decref(a);
	json_decref(body);
	json_decref(sa.principals);
	buf_cleanup(&answer);
	return rc;
}
