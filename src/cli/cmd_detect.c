/* SPDX-License-Identifier: ISC */
/*
 * cmd_detect.c: detection and containment from the command line
 * (operator token).
 *
 *   alerts          what the detection rules raised (GET /v1/alerts); one
 *                   alert in full (--id); the scope question an alert
 *                   suggests, asked (--scope)
 *   contain         contain an engineer, device, session or vendor (POST
 *                   /v1/containment), or lift a containment (--lift)
 *   containments    the containments in force, or all of them
 *   working-hours   an engineer's declared working hours (off_hours rule)
 *
 * `alerts --scope ID` asks no new endpoint: it reads the alert's question
 * (principals and "from"; "to" is now, rounded up to a whole second),
 * writes it as custos scope's command line and calls cmd_scope() with it,
 * so the output, --json, --report and exit codes are exactly scope's.
 *
 * As in cmd_access.c, the server judges names (rules, severities, ids) and
 * enforces everything; only the shape of the command line is checked
 * here.  Human output is cleaned for the terminal; --json prints the
 * server's answer as it came.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/num.h"
#include "common/str.h"

#define PATH_BUF_MAX 4096
#define LIMIT_MAX INT32_MAX             /* the server knows today's cap */
#define WORD_MAX 4096                   /* one quoted word of a command */
#define QUESTION_PRINCIPALS_MAX 10000   /* as custos scope takes */
#define WHY_MAX 256

/* jansson takes no const; nothing here changes what it reads. */
#define UNCONST(p) ((json_t *)(uintptr_t)(p))
#define UNCONST_STR(s) ((char *)(uintptr_t)(s))

/* What can be contained: the request's key, and the option naming it. */
static const char *const target_kinds[] = { "engineer", "device", "session",
    "vendor", NULL };

/* The alert's principals (scope.principals) as custos scope's options. */
static const struct {
	const char *key;
	const char *opt;
} principal_opts[] = {
	{ "engineers", "--engineer" },
	{ "devices", "--device" },
	{ "sessions", "--session" },
	{ "vendors", "--vendor" },
	{ "ips", "--ip" },
};
#define NPRINCIPAL_OPTS (sizeof(principal_opts) / sizeof(principal_opts[0]))

/* custos scope's options that make the question: with --scope the
 * question is the alert's, so none of them may be given. */
static const char *const question_opts[] = { "engineer", "device",
    "session", "vendor", "ip", "from", "to", "tenant", "answer", NULL };

/* The options of the alert list, which do not go with --scope. */
static const char *const list_opts[] = { "rule", "severity", "subject",
    "limit", "id", NULL };

/* Usage messages of scope's own checks name this synopsis. */
static const struct cli_command alerts_scope_cmd = {
	"alerts", NULL,
	"alerts --scope ID [--proofs] [--report DIR [--force]]",
	"", "", 1,
};

static int
oom(void)
{
	cli_warn("out of memory");
	return CLI_FAIL;
}

/* Appends "?name=value" or "&name=value" (value escaped) when value is
 * given.  Returns 0, or -1 after printing why. */
static int
query_add(const struct cli *ctx, struct buf *path, int *nq,
    const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	if (buf_printf(path, "%c%s=", *nq > 0 ? '&' : '?', name) == -1) {
		cli_usage(ctx, "query too long");
		return -1;
	}
	(*nq)++;
	return cli_path_segment(ctx, path, name, value);
}

/* 1 when the argument a is the option --name or --name=VALUE. */
static int
is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	return strncmp(a, "--", 2) == 0 && strncmp(a + 2, name, n) == 0 &&
	    (a[2 + n] == '\0' || a[2 + n] == '=');
}

/* The name in list that the option a is, or NULL. */
static const char *
opt_in(const char *a, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (is_opt(a, list[i]))
			return list[i];
	return NULL;
}

/* ---- the scope question of an alert ---- */

/* 1 when a shell leaves the word w as it is. */
static int
word_plain(const char *w)
{
	const char *p;

	if (w[0] == '\0')
		return 0;
	for (p = w; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("_-.,:/@%+=", *p) !=
		    NULL))
			return 0;
	return 1;
}

/* Writes words[0..n) as a command line to paste into a shell: a word a
 * shell would change goes in single quotes.  Cleaned for the terminal. */
static void
put_words(char *const *words, int n)
{
	struct buf w;
	const char *p, *q;
	int i, bad;

	buf_init(&w, WORD_MAX);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(' ', stdout);
		if (word_plain(words[i])) {
			cli_put_cell(words[i]);
			continue;
		}
		buf_reset(&w);
		bad = buf_puts(&w, "'") == -1;
		for (p = words[i]; !bad && *p != '\0'; p = q) {
			q = strchr(p, '\'');
			if (q == NULL)
				q = p + strlen(p);
			bad = buf_append(&w, p, (size_t)(q - p)) == -1 ||
			    (*q == '\'' && buf_puts(&w, "'\\''") == -1);
			if (*q == '\'')
				q++;
		}
		if (bad || buf_puts(&w, "'") == -1)
			cli_put_cell("'...'");
		else
			cli_put_cell(w.data);
	}
	buf_cleanup(&w);
}

/* The argv of custos scope that asks an alert's question. */
struct scope_q {
	char **argv;            /* "scope", question, extra options, NULL */
	int argc;
	char to[RFC3339_LEN];   /* now, when the alert leaves "to" open */
	char why[WHY_MAX];      /* when there is no question to ask */
};

static void
scope_q_free(struct scope_q *q)
{
	free(q->argv);
	q->argv = NULL;
	q->argc = 0;
}

/* Now, rounded up to the next whole second: the window [from, to) then
 * holds everything logged until this moment. */
static void
now_rounded_up(char out[RFC3339_LEN])
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1) {
		ts.tv_sec = time(NULL) + 1;
		ts.tv_nsec = 0;
	}
	time_format(out, (int64_t)ts.tv_sec + (ts.tv_nsec > 0));
}

/*
 * Builds q->argv: "scope", the alert's principals as scope's options,
 * --from FROM --to TO, then extra[0..nextra).  The strings point into
 * alert and extra, which must outlive q.  Returns CLI_OK; CLI_NEGATIVE
 * when the alert names no principal, CLI_FAIL when its question is
 * malformed or of a kind this custos cannot ask, with q->why set; or
 * CLI_FAIL with an empty q->why when out of memory.
 */
static int
scope_q_build(struct scope_q *q, const json_t *alert, char *const *extra,
    int nextra)
{
	const json_t *sc = json_object_get(alert, "scope");
	const json_t *pr = json_object_get(sc, "principals"), *list, *v;
	const char *from = cli_jstr(sc, "from"), *to = cli_jstr(sc, "to"), *key;
	size_t k, i, n = 0;
	int j = 0;

	memset(q, 0, sizeof(*q));
	if (!json_is_object(pr) || from == NULL) {
		(void)str_copy(q->why, sizeof(q->why), "the alert carries no "
		    "scope question (principals and from)");
		return CLI_FAIL;
	}
	json_object_foreach(UNCONST(pr), key, list) {
		for (k = 0; k < NPRINCIPAL_OPTS; k++)
			if (strcmp(key, principal_opts[k].key) == 0)
				break;
		if (k == NPRINCIPAL_OPTS) {
			(void)str_printf(q->why, sizeof(q->why), "the alert's "
			    "scope question names %.64s, which this custos "
			    "cannot ask about", key);
			return CLI_FAIL;
		}
		if (!json_is_array(list)) {
			(void)str_printf(q->why, sizeof(q->why), "the alert's "
			    "scope question: %s is not a list", key);
			return CLI_FAIL;
		}
		json_array_foreach(list, i, v)
			if (!json_is_string(v)) {
				(void)str_printf(q->why, sizeof(q->why),
				    "the alert's scope question: %s holds "
				    "something but ids", key);
				return CLI_FAIL;
			}
		n += json_array_size(list);
		if (n > QUESTION_PRINCIPALS_MAX) {
			(void)str_printf(q->why, sizeof(q->why), "the alert's "
			    "scope question names more than %d principals",
			    QUESTION_PRINCIPALS_MAX);
			return CLI_FAIL;
		}
	}
	if (n == 0) {
		(void)str_copy(q->why, sizeof(q->why), "the alert names no "
		    "principal: there is no scope question to ask");
		return CLI_NEGATIVE;
	}
	if (to == NULL) {
		now_rounded_up(q->to);
		to = q->to;
	}
	q->argv = calloc(1 + 2 * n + 4 + (size_t)nextra + 1,
	    sizeof(*q->argv));
	if (q->argv == NULL)
		return CLI_FAIL;
	q->argv[j++] = UNCONST_STR("scope");
	for (k = 0; k < NPRINCIPAL_OPTS; k++)
		json_array_foreach(json_object_get(pr, principal_opts[k].key),
		    i, v) {
			q->argv[j++] = UNCONST_STR(principal_opts[k].opt);
			q->argv[j++] = UNCONST_STR(json_string_value(v));
		}
	q->argv[j++] = UNCONST_STR("--from");
	q->argv[j++] = UNCONST_STR(from);
	q->argv[j++] = UNCONST_STR("--to");
	q->argv[j++] = UNCONST_STR(to);
	for (i = 0; i < (size_t)nextra; i++)
		q->argv[j++] = extra[i];
	q->argv[j] = NULL;
	q->argc = j;
	return CLI_OK;
}

/* Prints why an alert's question cannot be asked; returns rc. */
static int
scope_q_refused(const struct scope_q *q, const char *id, int rc)
{
	if (q->why[0] == '\0')
		return oom();
	fputs("custos: alert ", stderr);
	cli_put(stderr, id, 0);
	fputs(": ", stderr);
	cli_put(stderr, q->why, 0);
	fputc('\n', stderr);
	return rc;
}

/* ---- alerts ---- */

static void
alerts_row(struct cli_row *r, const json_t *al)
{
	r->cell[0] = cli_jstr(al, "time");
	r->cell[1] = cli_jstr(al, "severity");
	r->cell[2] = cli_jstr(al, "rule");
	r->cell[3] = cli_jstr(al, "subject");
	r->cell[4] = cli_jstr(al, "id");
	r->cell[5] = cli_jstr(json_object_get(al, "containment"), "id");
	r->cell[6] = cli_jstr(al, "message");
}

static int
alerts_table(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "TIME", "SEVERITY", "RULE",
	    "SUBJECT", "ID", "CONTAINMENT", "MESSAGE" };
	static const struct cli_table_spec spec = { head, 7, "alerts",
	    "alerts list", "no alerts", alerts_row };

	return cli_table_show(a, answer, &spec);
}

/* "key: value" for each of keys that a holds as one value. */
static void
show_fields(const json_t *a, const char *const *keys)
{
	const char *s;
	char tmp[32];
	size_t i;

	for (i = 0; keys[i] != NULL; i++) {
		s = cli_jtext(a, keys[i], tmp);
		if (s == NULL)
			continue;
		printf("%s: ", keys[i]);
		cli_put_cell(s);
		fputc('\n', stdout);
	}
}

/* One alert in full: its fields, what it is about, the entries it cites,
 * its containment and the scope question it suggests. */
static int
alert_show(const json_t *a, const struct buf *answer)
{
	static const char *const first[] = { "id", "rule", "title",
	    "severity", "time", "subject", "subject_kind", "message",
	    "first", "last", NULL };
	const json_t *det = json_object_get(a, "detail"), *v;
	const json_t *ents = json_object_get(a, "entries");
	const json_t *cn = json_object_get(a, "containment");
	const char *id = cli_jstr(a, "id"), *key, *s;
	struct scope_q q;
	char tmp[32];
	size_t i, n;
	int rc;

	if (id == NULL)
		return cli_unexpected(answer, "alert id");
	show_fields(a, first);
	n = 0;
	json_object_foreach(UNCONST(det), key, v) {
		s = cli_jtext(det, key, tmp);
		if (s == NULL)
			continue;
		fputs(n++ == 0 ? "detail: " : ", ", stdout);
		cli_put_cell(key);
		fputc(' ', stdout);
		cli_put_cell(s);
	}
	if (n > 0)
		fputc('\n', stdout);
	fputs("entries:", stdout);
	n = 0;
	json_array_foreach(ents, i, v)
		if (json_is_integer(v))
			printf("%s %" JSON_INTEGER_FORMAT, n++ == 0 ? "" : ",",
			    json_integer_value(v));
	fputs(n == 0 ? " none\n" : "\n", stdout);
	fputs("containment: ", stdout);
	if (cli_jstr(cn, "id") == NULL) {
		fputs("none\n", stdout);
	} else {
		cli_put_cell(cli_jstr(cn, "id"));
		fputs(" (", stdout);
		cli_put_cell(cli_jstr(cn, "kind"));
		fputc(' ', stdout);
		cli_put_cell(cli_jstr(cn, "target"));
		if (json_is_true(json_object_get(cn, "refuses_logins")))
			fputs(", logins refused", stdout);
		fputs(")\n", stdout);
	}
	rc = scope_q_build(&q, a, NULL, 0);
	if (rc == CLI_OK) {
		fputs("scope: custos ", stdout);
		put_words(q.argv, q.argc);
		fputs("\n       (or: custos alerts --scope ", stdout);
		cli_put_cell(id);
		fputs(" [--proofs] [--report DIR])\n", stdout);
	} else if (q.why[0] != '\0') {
		fputs("scope: none (", stdout);
		cli_put_cell(q.why);
		fputs(")\n", stdout);
	} else {
		return oom();
	}
	scope_q_free(&q);
	return CLI_OK;
}

/* GET /v1/alerts/{id}: a new reference in *alert; answer keeps the raw
 * bytes.  Returns an enum cli_exit (printed). */
static int
alert_fetch(struct cli *ctx, const char *id, struct buf *answer,
    json_t **alert)
{
	struct buf path;
	int rc = CLI_USAGE;

	*alert = NULL;
	buf_init(&path, PATH_BUF_MAX);
	if (cli_path_add(ctx, &path, "/v1/alerts/", "alert id", id) == -1)
		goto out;
	rc = cli_http_json(&ctx->conn, "GET", path.data, NULL, answer, alert);
out:
	buf_cleanup(&path);
	return rc;
}

/*
 * alerts --scope ID [scope options]: argv is the command's whole argv.
 * The alert's id and the options that are scope's are sorted out here
 * (cli_args would refuse options it does not know), the question is
 * built and cmd_scope() runs it.
 */
static int
alerts_scope(struct cli *ctx, int argc, char **argv)
{
	const struct cli_command *saved = ctx->cmd;
	const char *id = NULL, *bad;
	struct scope_q q;
	struct buf answer;
	json_t *alert = NULL;
	char **extra;
	int i, nextra = 0, rc;

	memset(&q, 0, sizeof(q));
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	extra = calloc((size_t)argc + 1, sizeof(*extra));
	if (extra == NULL) {
		rc = oom();
		goto out;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc) {
				rc = cli_usage(ctx, "alerts takes no "
				    "arguments (at '%s')", argv[i + 1]);
				goto out;
			}
			break;
		}
		if (!is_opt(a, "scope")) {
			bad = opt_in(a, question_opts);
			if (bad != NULL) {
				rc = cli_usage(ctx, "--%s: with --scope the "
				    "question is the alert's (its principals, "
				    "from its start until now)", bad);
				goto out;
			}
			bad = opt_in(a, list_opts);
			if (bad != NULL) {
				rc = cli_usage(ctx, "--%s does not go with "
				    "--scope", bad);
				goto out;
			}
			extra[nextra++] = argv[i];
			continue;
		}
		if (id != NULL) {
			rc = cli_usage(ctx, "option --scope given twice");
			goto out;
		}
		if (a[7] == '=') {
			id = a + 8;
		} else if (i + 1 < argc) {
			id = argv[++i];
		} else {
			rc = cli_usage(ctx, "option --scope needs a value");
			goto out;
		}
	}
	if (id == NULL || id[0] == '\0') {
		rc = cli_usage(ctx, "--scope needs an alert id");
		goto out;
	}
	rc = alert_fetch(ctx, id, &answer, &alert);
	if (rc != CLI_OK)
		goto out;
	rc = scope_q_build(&q, alert, extra, nextra);
	if (rc != CLI_OK) {
		rc = scope_q_refused(&q, id, rc);
		goto out;
	}
	if (!ctx->json) {
		fputs("alert ", stdout);
		cli_put_cell(id);
		fputs(" (", stdout);
		cli_put_cell(cli_jstr(alert, "rule"));
		fputs("): custos ", stdout);
		put_words(q.argv, q.argc);
		fputc('\n', stdout);
		fflush(stdout);
	}
	ctx->cmd = &alerts_scope_cmd;
	rc = cmd_scope(ctx, q.argc, q.argv);
	ctx->cmd = saved;
out:
	scope_q_free(&q);
	json_decref(alert);
	buf_cleanup(&answer);
	free(extra);
	return rc;
}

/*
 * alerts [--rule R] [--severity S] [--subject ID] [--from T] [--to T]
 * [--limit N] | alerts --id ID | alerts --scope ID [scope options]
 */
int
cmd_alerts(struct cli *ctx, int argc, char **argv)
{
	const char *rule = NULL, *severity = NULL, *subject = NULL,
	    *from = NULL, *to = NULL, *limit_s = NULL, *id = NULL;
	struct buf path;
	int64_t limit, t;
	char *pos[1];
	int i, npos, nq = 0, rc;
	const struct cli_opt opts[] = {
		{ "rule", &rule, NULL },
		{ "severity", &severity, NULL },
		{ "subject", &subject, NULL },
		{ "from", &from, NULL },
		{ "to", &to, NULL },
		{ "limit", &limit_s, NULL },
		{ "id", &id, NULL },
		{ NULL, NULL, NULL },
	};

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (is_opt(argv[i], "scope"))
			return alerts_scope(ctx, argc, argv);
	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		goto out;
	if (id != NULL) {
		if (rule != NULL || severity != NULL || subject != NULL ||
		    from != NULL || to != NULL || limit_s != NULL) {
			rc = cli_usage(ctx, "--id shows one alert: give no "
			    "--rule, --severity, --subject, --from, --to or "
			    "--limit with it");
			goto out;
		}
		if (cli_path_add(ctx, &path, "/v1/alerts/", "alert id", id) ==
		    -1) {
			rc = CLI_USAGE;
			goto out;
		}
		rc = cli_call_show(ctx, "GET", path.data, NULL, alert_show);
		goto out;
	}
	if ((from != NULL && time_parse(&t, from) == -1) ||
	    (to != NULL && time_parse(&t, to) == -1)) {
		rc = cli_usage(ctx, "--from and --to must be RFC 3339 times "
		    "(e.g. 2022-01-21T14:00:00Z)");
		goto out;
	}
	if (limit_s != NULL &&
	    num_parse_i64(&limit, limit_s, 1, LIMIT_MAX) == -1) {
		rc = cli_usage(ctx, "--limit must be a whole number, 1 or "
		    "more");
		goto out;
	}
	if (cli_path_add(ctx, &path, "/v1/alerts", NULL, NULL) == -1 ||
	    query_add(ctx, &path, &nq, "from", from) == -1 ||
	    query_add(ctx, &path, &nq, "to", to) == -1 ||
	    query_add(ctx, &path, &nq, "rule", rule) == -1 ||
	    query_add(ctx, &path, &nq, "severity", severity) == -1 ||
	    query_add(ctx, &path, &nq, "subject", subject) == -1 ||
	    query_add(ctx, &path, &nq, "limit", limit_s) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "GET", path.data, NULL, alerts_table);
out:
	buf_cleanup(&path);
	return rc;
}

/* ---- containment ---- */

/* "engineer eng1", "device dev1 (engineer eng1)": what a containment
 * holds. */
static void
put_target(const json_t *c)
{
	const char *kind = cli_jstr(c, "kind"), *eng = cli_jstr(c, "engineer");

	cli_put_cell(kind);
	fputc(' ', stdout);
	cli_put_cell(cli_jstr(c, "target"));
	if (kind != NULL && strcmp(kind, "engineer") != 0 && eng != NULL) {
		fputs(" (engineer ", stdout);
		cli_put_cell(eng);
		fputc(')', stdout);
	}
}

/* What POST /v1/containment did. */
static int
contain_said(const json_t *c, const struct buf *answer)
{
	static const char *const head[] = { "ID", "TENANT", "ENGINEER" };
	const json_t *revoked = json_object_get(c, "grants_revoked"), *g;
	struct cli_table *tab;
	char tmp[32];
	size_t i;

	if (cli_jstr(c, "id") == NULL || cli_jstr(c, "kind") == NULL)
		return cli_unexpected(answer, "containment id or kind");
	put_target(c);
	fputs(" contained: containment ", stdout);
	cli_put_cell(cli_jstr(c, "id"));
	if (json_is_true(json_object_get(c, "refuses_logins")))
		fputs("; logins are refused until it is lifted", stdout);
	fputc('\n', stdout);
	printf("sessions ended: ");
	cli_put_cell(cli_jtext(c, "sessions_ended", tmp));
	printf("\naccess requests revoked: %zu\n", json_array_size(revoked));
	if (json_array_size(revoked) == 0)
		return CLI_OK;
	tab = cli_table_new(3, head);
	if (tab == NULL)
		return oom();
	json_array_foreach(revoked, i, g) {
		const char *row[3];

		row[0] = cli_jstr(g, "id");
		row[1] = cli_jstr(g, "tenant");
		row[2] = cli_jstr(g, "engineer");
		if (cli_table_add(tab, row) == -1) {
			cli_table_free(tab);
			return oom();
		}
	}
	cli_table_print(tab, stdout);
	cli_table_free(tab);
	return CLI_OK;
}

/* What POST /v1/containment/{id}/lift did. */
static int
lift_said(const json_t *c, const struct buf *answer)
{
	if (cli_jstr(c, "id") == NULL)
		return cli_unexpected(answer, "containment id");
	fputs("containment ", stdout);
	cli_put_cell(cli_jstr(c, "id"));
	fputs(" of ", stdout);
	put_target(c);
	fputs(" lifted at ", stdout);
	cli_put_cell(cli_jstr(c, "lifted"));
	fputs(" by ", stdout);
	cli_put_cell(cli_jstr(c, "lifted_by"));
	fputc('\n', stdout);
	return CLI_OK;
}

static void
containments_row(struct cli_row *r, const json_t *c)
{
	r->cell[0] = cli_jstr(c, "id");
	r->cell[1] = cli_jstr(c, "kind");
	r->cell[2] = cli_jstr(c, "target");
	r->cell[3] = json_is_true(json_object_get(c, "in_force")) ?
	    "in_force" : "lifted";
	r->cell[4] = cli_jstr(c, "created");
	r->cell[5] = cli_jstr(c, "created_by");
	r->cell[6] = cli_jstr(c, "lifted");
	r->cell[7] = cli_jstr(c, "alert");
	r->cell[8] = cli_jstr(c, "reason");
}

static int
containments_table(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "ID", "KIND", "TARGET", "STATE",
	    "CREATED", "CREATED BY", "LIFTED", "ALERT", "REASON" };
	static const struct cli_table_spec spec = { head, 9, "containments",
	    "containments list", "no containments", containments_row };

	return cli_table_show(a, answer, &spec);
}

/* POST /v1/containment/{id}/lift {reason}: the answer into *out (NULL
 * unless CLI_OK) and its bytes into answer. */
static int
lift_one(struct cli *ctx, const char *id, const json_t *body,
    struct buf *answer, json_t **out)
{
	struct buf path;
	int rc = CLI_USAGE;

	*out = NULL;
	buf_init(&path, PATH_BUF_MAX);
	if (cli_path_add(ctx, &path, "/v1/containment/", "containment id",
	    id) == -1 || cli_path_add(ctx, &path, "/lift", NULL, NULL) == -1)
		goto out;
	rc = cli_http_json(&ctx->conn, "POST", path.data, body, answer, out);
out:
	buf_cleanup(&path);
	return rc;
}

/*
 * contain --lift --KIND TARGET: lifts every containment in force whose
 * kind and target are these.  --json prints {"containments": [the
 * answers]}.  Exit 1 when there is none.
 */
static int
lift_target(struct cli *ctx, const char *kind, const char *target,
    const json_t *body)
{
	const json_t *list, *c;
	struct buf answer;
	json_t *in_force = NULL, *lifted = NULL, *one, *doc = NULL;
	size_t i, n = 0;
	int rc, r;

	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_http_json(&ctx->conn, "GET", "/v1/containment", NULL, &answer,
	    &in_force);
	if (rc != CLI_OK)
		goto out;
	list = json_object_get(in_force, "containments");
	if (!json_is_array(list)) {
		rc = cli_unexpected(&answer, "containments list");
		goto out;
	}
	lifted = json_array();
	if (lifted == NULL) {
		rc = oom();
		goto out;
	}
	json_array_foreach(list, i, c) {
		const char *id = cli_jstr(c, "id"), *k = cli_jstr(c, "kind");
		const char *t = cli_jstr(c, "target");

		if (id == NULL || k == NULL || t == NULL ||
		    strcmp(k, kind) != 0 || strcmp(t, target) != 0 ||
		    json_is_false(json_object_get(c, "in_force")))
			continue;
		n++;
		r = lift_one(ctx, id, body, &answer, &one);
		if (r != CLI_OK) {
			if (r > rc)
				rc = r;
			continue;
		}
		if (!ctx->json)
			r = lift_said(one, &answer);
		if (r > rc)
			rc = r;
		if (json_array_append_new(lifted, one) == -1)
			rc = oom();
	}
	if (n == 0) {
		fprintf(stderr, "custos: no containment in force for %s ",
		    kind);
		cli_put(stderr, target, 0);
		fputc('\n', stderr);
		rc = CLI_NEGATIVE;
		goto out;
	}
	if (ctx->json) {
		doc = json_pack("{s:O}", "containments", lifted);
		if (doc == NULL) {
			rc = oom();
			goto out;
		}
		cli_json_print(doc);
	}
out:
	json_decref(doc);
	json_decref(lifted);
	json_decref(in_force);
	buf_cleanup(&answer);
	return rc;
}

/*
 * contain (--engineer ID | --device ID | --session ID | --vendor ID)
 * --reason TEXT: contains one target.  contain --lift (ID | --KIND
 * TARGET) --reason TEXT: lifts a containment, by its id or by what it
 * holds.
 */
int
cmd_contain(struct cli *ctx, int argc, char **argv)
{
	const char *targets[4] = { NULL, NULL, NULL, NULL };
	const char *reason = NULL, *kind = NULL, *target = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[1];
	size_t k;
	int npos, lift = 0, ntargets = 0, rc;
	const struct cli_opt opts[] = {
		{ "engineer", &targets[0], NULL },
		{ "device", &targets[1], NULL },
		{ "session", &targets[2], NULL },
		{ "vendor", &targets[3], NULL },
		{ "reason", &reason, NULL },
		{ "lift", NULL, &lift },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	for (k = 0; target_kinds[k] != NULL; k++) {
		if (targets[k] == NULL)
			continue;
		if (targets[k][0] == '\0') {
			rc = cli_usage(ctx, "--%s must not be empty",
			    target_kinds[k]);
			goto out;
		}
		ntargets++;
		kind = target_kinds[k];
		target = targets[k];
	}
	if (npos > 0 && !lift) {
		rc = cli_usage(ctx, "contain takes no arguments (to lift a "
		    "containment by id: --lift ID)");
		goto out;
	}
	if (lift && npos + ntargets != 1) {
		rc = cli_usage(ctx, "--lift needs a containment id, or one of "
		    "--engineer, --device, --session, --vendor");
		goto out;
	}
	if (!lift && ntargets != 1) {
		rc = cli_usage(ctx, "name exactly one of --engineer, --device, "
		    "--session, --vendor");
		goto out;
	}
	if (reason == NULL || reason[0] == '\0') {
		rc = cli_usage(ctx, "--reason is required");
		goto out;
	}
	body = lift ? json_pack("{s:s}", "reason", reason) :
	    json_pack("{s:s, s:s}", kind, target, "reason", reason);
	if (body == NULL) {
		rc = cli_usage(ctx, "the id and --reason must be UTF-8");
		goto out;
	}
	if (!lift) {
		rc = cli_call_show(ctx, "POST", "/v1/containment", body, contain_said);
		goto out;
	}
	if (ntargets == 1) {
		rc = lift_target(ctx, kind, target, body);
		goto out;
	}
	if (cli_path_add(ctx, &path, "/v1/containment/", "containment id",
	    pos[0]) == -1 || cli_path_add(ctx, &path, "/lift", NULL, NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, lift_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

/* containments [--all]: those in force, or all. */
int
cmd_containments(struct cli *ctx, int argc, char **argv)
{
	char *pos[1];
	int npos, all = 0, rc;
	const struct cli_opt opts[] = {
		{ "all", NULL, &all },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	return cli_call_show(ctx, "GET", all ? "/v1/containment?all=1" :
	    "/v1/containment", NULL, containments_table);
}

/* ---- working hours ---- */

static int
hours_said(const json_t *a, const struct buf *answer)
{
	const char *id = cli_jstr(a, "id"), *h = cli_jstr(a, "working_hours");

	if (id == NULL || h == NULL)
		return cli_unexpected(answer, "id or working_hours");
	fputs("engineer ", stdout);
	cli_put_cell(id);
	if (h[0] == '\0') {
		fputs(": working hours cleared (none declared)\n", stdout);
		return CLI_OK;
	}
	fputs(": working hours ", stdout);
	cli_put_cell(h);
	fputc('\n', stdout);
	return CLI_OK;
}

/* working-hours ENGINEER SPEC: declares (or, with "", clears) an
 * engineer's working hours. */
int
cmd_working_hours(struct cli *ctx, int argc, char **argv)
{
	struct buf path;
	json_t *body = NULL;
	char *pos[2];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	body = json_pack("{s:s}", "working_hours", pos[1]);
	if (body == NULL) {
		rc = cli_usage(ctx, "SPEC must be UTF-8");
		goto out;
	}
	if (cli_path_add(ctx, &path, "/v1/engineers/", "engineer", pos[0]) ==
	    -1 || cli_path_add(ctx, &path, "/working-hours", NULL, NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "PUT", path.data, body, hours_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}
