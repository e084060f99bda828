/* SPDX-License-Identifier: ISC */
/*
 * cmd_detect.c: detection and containment from the command line
 * (operator token).
 *
 *   alerts          what the detection rules raised (GET /v1/alerts); one
 *                   alert in full (--id); the scope question an alert
 *                   suggests, asked (--scope)
 *
 * Containment and working hours are cmd_contain.c's.
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
	if (cli_out_is_json()) {
		cli_warn("alert %s: %s", id, q->why);
		return rc;
	}
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
	    *from = NULL, *to = NULL, *limit_s = NULL, *id = NULL,
	    *since = NULL;
	char from_buf[RFC3339_LEN], to_buf[RFC3339_LEN];
	struct buf path;
	int64_t limit, t;
	char *pos[1];
	int i, npos, nq = 0, rc;
	const struct cli_opt opts[] = {
		{ "rule", &rule, NULL },
		{ "severity", &severity, NULL },
		{ "subject", &subject, NULL },
		{ "from", &from, NULL },
		{ "since", &since, NULL },
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
	if (since != NULL && from != NULL) {
		rc = cli_usage(ctx, "--since is another name for --from: give "
		    "one");
		goto out;
	}
	if (since != NULL)
		from = since;
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
	if (from != NULL) {
		rc = cli_time(ctx, since != NULL ? "since" : "from", from, &t,
		    from_buf);
		if (rc != CLI_OK)
			goto out;
		from = from_buf;
	}
	if (to != NULL) {
		rc = cli_time(ctx, "to", to, &t, to_buf);
		if (rc != CLI_OK)
			goto out;
		to = to_buf;
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
