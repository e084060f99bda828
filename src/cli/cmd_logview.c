/* SPDX-License-Identifier: ISC */
/*
 * cmd_logview.c: `custos log`, the operator's view of the log: the newest
 * entries first, filtered by tenant, actor, action, outcome and time, and
 * with --follow the new ones as they come.  The filtering is the
 * server's (GET /v1/log/entries?order=desc&tenant=...&limit=...); each
 * answer is one bounded walk of the log and says where to go on ("next"),
 * so a filter that matches little costs several short calls, never one
 * long one.  `custos log --start N --end M` is the range read of before
 * (cmd_log.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/clock.h"
#include "common/num.h"
#include "common/str.h"

#define LOG_LIMIT_DEFAULT 20
#define LOG_LIMIT_MAX 10000             /* entries one run shows */
#define LOG_SERVER_PAGE 1000            /* the server's page cap */
#define LOG_CALLS_MAX 1000              /* calls to fill one page */
#define FOLLOW_INTERVAL_DEFAULT 2       /* seconds between polls */
#define FOLLOW_INTERVAL_MAX 60
#define LOG_QUERY_MAX 4096

/*
 * The signal that ends --follow.  Set by the handler, read by the loop,
 * which then returns normally (connections closed, output flushed).
 */
static volatile sig_atomic_t follow_stop;

static void
on_stop(int sig)
{
	(void)sig;
	follow_stop = 1;
}

struct log_args {
	int64_t limit;
	int oldest_first;
	int follow;
	int64_t interval;
	const char *tenant, *actor, *action, *outcome;
	char since[RFC3339_LEN], until[RFC3339_LEN];
	int has_since, has_until;
};

/* "&name=value", the value percent-escaped, when value is given. */
static int
query_add(const struct cli *ctx, struct buf *q, const char *name,
    const char *value)
{
	if (value == NULL)
		return 0;
	if (buf_printf(q, "&%s=", name) == -1) {
		cli_usage(ctx, "--%s too long", name);
		return -1;
	}
	return cli_path_segment(ctx, q, name, value);
}

/* The query of one call: the filters, the order, the cursor. */
static int
query_make(const struct cli *ctx, const struct log_args *la, struct buf *q,
    int desc, int64_t cursor, int64_t limit)
{
	buf_reset(q);
	if (buf_printf(q, "/v1/log/entries?order=%s&limit=%" PRId64,
	    desc ? "desc" : "asc", limit) == -1)
		return -1;
	if (cursor >= 0 && buf_printf(q, desc ? "&before=%" PRId64 :
	    "&start=%" PRId64, cursor) == -1)
		return -1;
	if (query_add(ctx, q, "tenant", la->tenant) == -1 ||
	    query_add(ctx, q, "actor", la->actor) == -1 ||
	    query_add(ctx, q, "action", la->action) == -1 ||
	    query_add(ctx, q, "outcome", la->outcome) == -1 ||
	    query_add(ctx, q, "since", la->has_since ? la->since : NULL) ==
	    -1 ||
	    query_add(ctx, q, "until", la->has_until ? la->until : NULL) ==
	    -1)
		return -1;
	return 0;
}

/*
 * Reads up to want matching entries into out (a JSON array), newest first
 * when desc, from cursor on (-1: the end or the start of the log),
 * following the answers' "next".  *next gets where a later read goes on
 * (-1: nothing more), *size the log's size.  Returns an enum cli_exit.
 */
static int
fetch(struct cli *ctx, const struct log_args *la, int desc, int64_t cursor,
    int64_t want, json_t *out, int64_t *next, int64_t *size)
{
	struct buf q, answer;
	json_t *a = NULL, *list, *nx, *item;
	int64_t page;
	size_t i;
	int calls = 0, rc = CLI_OK;

	buf_init(&q, LOG_QUERY_MAX);
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	*next = cursor;
	while ((int64_t)json_array_size(out) < want) {
		if (++calls > LOG_CALLS_MAX)
			break;
		page = want - (int64_t)json_array_size(out);
		if (page > LOG_SERVER_PAGE)
			page = LOG_SERVER_PAGE;
		if (query_make(ctx, la, &q, desc, *next, page) == -1) {
			rc = CLI_USAGE;
			break;
		}
		json_decref(a);
		a = NULL;
		rc = cli_http_json(&ctx->conn, "GET", q.data, NULL, &answer,
		    &a);
		if (rc != CLI_OK)
			break;
		list = json_object_get(a, "entries");
		nx = json_object_get(a, "next");
		if (!json_is_array(list) || (!json_is_null(nx) &&
		    !json_is_integer(nx))) {
			rc = cli_unexpected(&answer, "entries and next");
			break;
		}
		if (size != NULL && json_is_integer(json_object_get(a, "size")))
			*size = json_integer_value(json_object_get(a, "size"));
		json_array_foreach(list, i, item)
			if (json_array_append(out, item) == -1) {
				cli_warn("out of memory");
				rc = CLI_FAIL;
				goto out;
			}
		if (json_is_null(nx)) {
			/* Nothing more in that direction now; a poll goes on
			 * after the last entry seen. */
			*next = -1;
			break;
		}
		*next = json_integer_value(nx);
	}
out:
	json_decref(a);
	buf_cleanup(&answer);
	buf_cleanup(&q);
	return rc;
}

/* One entry as a line (--follow): the table's cells, two spaces apart. */
static void
line_print(struct cli *ctx, const json_t *en)
{
	struct cli_row *r;
	size_t k;

	if (ctx->json) {
		char *s = json_dumps(en, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (s != NULL)
			printf("%s\n", s);
		free(s);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return;
	cli_log_row(r, en);
	for (k = 0; k < 7; k++) {
		if (k > 0)
			fputs("  ", stdout);
		cli_put_cell(r->cell[k]);
	}
	fputc('\n', stdout);
	free(r);
}

static int
reverse(json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t *a, *b;

	for (i = 0; i < n / 2; i++) {
		a = json_incref(json_array_get(list, i));
		b = json_incref(json_array_get(list, n - 1 - i));
		if (json_array_set_new(list, i, b) == -1 ||
		    json_array_set_new(list, n - 1 - i, a) == -1)
			return -1;
	}
	return 0;
}

/* The highest index in list, or -1. */
static int64_t
last_index(const json_t *list)
{
	const json_t *item;
	int64_t m = -1, v;
	size_t i;

	json_array_foreach(list, i, item) {
		v = json_integer_value(json_object_get(item, "index"));
		if (v > m)
			m = v;
	}
	return m;
}

static void
sleep_s(int64_t s)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	int64_t i;

	/* In tenths, so a signal is seen at once even if it came between
	 * the check and the sleep. */
	for (i = 0; i < s * 10 && !follow_stop; i++)
		(void)nanosleep(&ts, NULL);
}

/*
 * --follow: polls for entries after `after` (the highest index shown)
 * every la->interval seconds and prints them as they come, until SIGINT
 * or SIGTERM.  A 429 or 503 waits (Retry-After) and tries again, as does
 * a call that got no answer; a refusal (4xx) ends it.
 */
static int
follow(struct cli *ctx, const struct log_args *la, int64_t after)
{
	struct sigaction sa, old_int, old_term;
	json_t *batch;
	int64_t next, size = 0, m, cursor = after + 1;
	size_t i;
	int rc = CLI_OK;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	follow_stop = 0;
	(void)sigaction(SIGINT, &sa, &old_int);
	(void)sigaction(SIGTERM, &sa, &old_term);
	fflush(stdout);
	while (!follow_stop) {
		sleep_s(la->interval);
		if (follow_stop)
			break;
		batch = json_array();
		if (batch == NULL) {
			rc = CLI_FAIL;
			break;
		}
		rc = fetch(ctx, la, 0, cursor, LOG_LIMIT_MAX, batch, &next,
		    &size);
		for (i = 0; i < json_array_size(batch); i++)
			line_print(ctx, json_array_get(batch, i));
		m = last_index(batch);
		if (m >= cursor)
			cursor = m + 1;
		/* What the walk looked at and did not match is not looked
		 * at again: up to its edge, or the whole log it saw. */
		if (rc == CLI_OK && next == -1 && size > cursor)
			cursor = size;
		else if (rc == CLI_OK && next > cursor)
			cursor = next;
		json_decref(batch);
		fflush(stdout);
		if (rc == CLI_LATER) {
			sleep_s(ctx->conn.retry_after > 0 ?
			    ctx->conn.retry_after : la->interval);
			rc = CLI_OK;
			continue;
		}
		/* custosd away for a moment (a restart): as tail -F, say so
		 * (http.c did) and keep asking. */
		if (rc == CLI_FAIL) {
			rc = CLI_OK;
			continue;
		}
		if (rc != CLI_OK)
			break;
	}
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

/* The options of the filtered read; CLI_OK or CLI_USAGE (printed). */
static int
args_check(struct cli *ctx, struct log_args *la, const char *limit_s,
    const char *since, const char *until, const char *interval_s)
{
	int64_t t0 = 0, t1 = 0;

	la->limit = LOG_LIMIT_DEFAULT;
	la->interval = FOLLOW_INTERVAL_DEFAULT;
	if (limit_s != NULL &&
	    num_parse_i64(&la->limit, limit_s, 1, LOG_LIMIT_MAX) == -1)
		return cli_usage(ctx, "--limit must be a number from 1 to %d",
		    LOG_LIMIT_MAX);
	if (interval_s != NULL && !la->follow)
		return cli_usage(ctx, "--interval goes with --follow");
	if (la->follow && la->oldest_first)
		return cli_usage(ctx, "--follow shows the last entries and then "
		    "the new ones: not with --oldest-first");
	if (interval_s != NULL && num_parse_i64(&la->interval, interval_s, 1,
	    FOLLOW_INTERVAL_MAX) == -1)
		return cli_usage(ctx, "--interval must be seconds from 1 to %d",
		    FOLLOW_INTERVAL_MAX);
	if (la->outcome != NULL && strcmp(la->outcome, "allowed") != 0 &&
	    strcmp(la->outcome, "denied") != 0)
		return cli_usage(ctx, "--outcome must be allowed or denied");
	if ((la->tenant != NULL && la->tenant[0] == '\0') ||
	    (la->actor != NULL && la->actor[0] == '\0') ||
	    (la->action != NULL && la->action[0] == '\0'))
		return cli_usage(ctx, "--tenant, --actor and --action must not "
		    "be empty");
	if (since != NULL) {
		if (cli_time(ctx, "since", since, &t0, la->since) != CLI_OK)
			return CLI_USAGE;
		la->has_since = 1;
	}
	if (until != NULL) {
		if (cli_time(ctx, "until", until, &t1, la->until) != CLI_OK)
			return CLI_USAGE;
		la->has_until = 1;
	}
	if (since != NULL && until != NULL && t1 <= t0)
		return cli_usage(ctx, "--until must be later than --since");
	return CLI_OK;
}

static const char *const view_head[] = { "INDEX", "TIME", "ACTOR",
    "ACTION", "TENANT", "TARGET", "OUTCOME" };
static const struct cli_table_spec view_spec = { view_head, 7, "entries",
    "entries", "no entries", cli_log_row };

/* 1 when argv holds --start or --end: the range read of cmd_log.c. */
static int
range_asked(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strncmp(argv[i], "--start", 7) == 0 ||
		    strncmp(argv[i], "--end", 5) == 0)
			return 1;
	return 0;
}

/*
 * log [--limit N] [--oldest-first] [--tenant T] [--actor A] [--action
 * NAME] [--outcome allowed|denied] [--since WHEN] [--until WHEN]
 * [--follow [--interval S]]; log --start N [--end M] as before.
 */
int
cmd_log(struct cli *ctx, int argc, char **argv)
{
	const char *limit_s = NULL, *since = NULL, *until = NULL,
	    *interval_s = NULL;
	struct log_args la;
	struct buf none;
	json_t *list = NULL, *all = NULL;
	int64_t next, size = 0;
	char *pos[1];
	int npos, rc;
	struct cli_opt opts[] = {
		{ "limit", &limit_s, NULL },
		{ "oldest-first", NULL, NULL },
		{ "tenant", NULL, NULL },
		{ "actor", NULL, NULL },
		{ "action", NULL, NULL },
		{ "outcome", NULL, NULL },
		{ "since", &since, NULL },
		{ "until", &until, NULL },
		{ "follow", NULL, NULL },
		{ "interval", &interval_s, NULL },
		{ NULL, NULL, NULL },
	};

	if (range_asked(argc, argv))
		return cli_log_range(ctx, argc, argv);
	buf_init(&none, 1);
	memset(&la, 0, sizeof(la));
	opts[1].flag = &la.oldest_first;
	opts[2].arg = &la.tenant;
	opts[3].arg = &la.actor;
	opts[4].arg = &la.action;
	opts[5].arg = &la.outcome;
	opts[8].flag = &la.follow;
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		goto out;
	rc = args_check(ctx, &la, limit_s, since, until, interval_s);
	if (rc != CLI_OK)
		goto out;
	list = json_array();
	if (list == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	/* --oldest-first: the first N that match, from the oldest on.
	 * Else the last N, newest first; --follow shows those oldest
	 * first, as tail -f does, and the new ones below them. */
	rc = fetch(ctx, &la, !la.oldest_first, -1, la.limit, list, &next,
	    &size);
	if (rc != CLI_OK)
		goto out;
	if (la.follow && !la.oldest_first && reverse(list) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	if (la.follow) {
		size_t i;

		for (i = 0; i < json_array_size(list); i++)
			line_print(ctx, json_array_get(list, i));
		/* With nothing shown, only entries from now on. */
		rc = follow(ctx, &la, json_array_size(list) > 0 ?
		    last_index(list) : size - 1);
		goto out;
	}
	all = json_pack("{s:I, s:s, s:O}", "size", (json_int_t)size,
	    "order", la.oldest_first ? "asc" : "desc", "entries", list);
	if (all == NULL) {
		rc = CLI_FAIL;
		goto out;
	}
	if (ctx->json)
		cli_json_print(all);
	else if (json_array_size(list) == 0)
		printf("no entries\n");
	else
		rc = cli_table_show(all, &none, &view_spec);
out:
	buf_cleanup(&none);
	json_decref(all);
	json_decref(list);
	return rc;
}
