/* SPDX-License-Identifier: ISC */
/*
 * cmd_scope.c: the incident commands.
 *
 * `custos scope` asks POST /v1/scope which tenants some principals
 * (engineers, devices, sessions, vendors, source addresses) reached in a
 * window, and how (acted upon, viewed, exposed), or, with --tenant, who
 * reached one tenant.  With --report DIR it asks for the proofs too, and
 * scope_evidence.c fetches the evidence and hands it to report.c, which
 * checks every proof against the signed checkpoint before it writes one
 * report per tenant.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/scope_evidence.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/jsonx.h"
#include "common/num.h"
#include "common/str.h"

#define SCOPE_ID_MAX 1024               /* one principal or tenant id */
#define SCOPE_PRINCIPALS_MAX 10000      /* principals in one question */
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
	char from_buf[RFC3339_LEN];     /* --from, --to as RFC 3339 */
	char to_buf[RFC3339_LEN];
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
scope_check(struct cli *ctx, struct scope_args *sa)
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
	if (sa->from == NULL)
		return cli_usage(ctx, "--from is required (a time such as "
		    "2022-01-21T14:00:00Z, 2022-01-21 or -2d; the window is "
		    "[from, to), --to by default now)");
	if (cli_time(ctx, "from", sa->from, &from, sa->from_buf) != CLI_OK)
		return CLI_USAGE;
	if (sa->to == NULL || strcmp(sa->to, "now") == 0) {
		/* Up to now, this second included: entries carry
		 * milliseconds and the window's end is excluded. */
		to = (int64_t)time(NULL) + 1;
		time_format(sa->to_buf, to);
	} else if (cli_time(ctx, "to", sa->to, &to, sa->to_buf) != CLI_OK) {
		return CLI_USAGE;
	}
	sa->from = sa->from_buf;
	sa->to = sa->to_buf;
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
		rc = cli_http_json(&ctx->conn, "POST", "/v1/scope", body,
		    &answer, &a);
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
	rc = scope_evidence_report(ctx, a, sa.report, sa.force);
out:
	json_decref(a);
	json_decref(body);
	json_decref(sa.principals);
	buf_cleanup(&answer);
	return rc;
}
