/* SPDX-License-Identifier: ISC */
/*
 * cmd_log.c: `custos log`, a reader of the transparency log's entries
 * (a public read: no token is sent).  One line per entry: index, time,
 * actor, action, tenant, target, outcome.  Checking proofs is `verify`'s
 * job, not this one's.
 */
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"

#define LOG_PAGE 20                     /* entries shown by default */
#define LOG_INDEX_MAX (INT64_MAX / 2)   /* keeps start + LOG_PAGE sane */

static int
log_table(const json_t *a, const struct buf *answer, int64_t start,
    int64_t end)
{
	static const char *const head[] = { "INDEX", "TIME", "ACTOR",
	    "ACTION", "TENANT", "TARGET", "OUTCOME" };
	const json_t *list = json_object_get(a, "entries"), *en, *ev, *actor;
	struct cli_table *tab;
	size_t i;

	if (!json_is_array(list)) {
		cli_warn("unexpected answer from the server (no entries); "
		    "as it came:");
		cli_put_raw(answer);
		return CLI_FAIL;
	}
	if (json_array_size(list) == 0) {
		printf("no entries in [%" PRId64 ", %" PRId64 ")\n", start,
		    end);
		return CLI_OK;
	}
	tab = cli_table_new(7, head);
	if (tab == NULL)
		goto oom;
	json_array_foreach(list, i, en) {
		const char *row[7], *kind, *id, *outcome, *reason;
		char idx[32], who[512], what[512];

		ev = json_object_get(en, "event");
		actor = json_object_get(ev, "actor");
		row[0] = cli_jtext(en, "index", idx);
		row[1] = json_string_value(json_object_get(ev, "time"));
		kind = json_string_value(json_object_get(actor, "kind"));
		id = json_string_value(json_object_get(actor, "id"));
		/* Truncation only shortens what a human sees. */
		(void)str_printf(who, sizeof(who), "%s/%s",
		    kind != NULL ? kind : "-", id != NULL ? id : "-");
		row[2] = who;
		row[3] = json_string_value(json_object_get(ev, "action"));
		row[4] = json_string_value(json_object_get(ev, "tenant"));
		row[5] = json_string_value(json_object_get(ev, "target"));
		outcome = json_string_value(json_object_get(ev, "outcome"));
		reason = json_string_value(json_object_get(ev, "reason"));
		if (outcome != NULL && reason != NULL && reason[0] != '\0') {
			(void)str_printf(what, sizeof(what), "%s (%s)",
			    outcome, reason);
			row[6] = what;
		} else {
			row[6] = outcome;
		}
		if (cli_table_add(tab, row) == -1)
			goto oom;
	}
	cli_table_print(tab, stdout);
	cli_table_free(tab);
	return CLI_OK;
oom:
	cli_table_free(tab);
	cli_warn("out of memory");
	return CLI_FAIL;
}

/* log [--start N] [--end M]: entries [start, end), 20 by default. */
int
cmd_log(struct cli *ctx, int argc, char **argv)
{
	const char *start_s = NULL, *end_s = NULL;
	struct buf answer;
	int64_t start = 0, end = LOG_PAGE;
	char path[128];
	json_t *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "start", &start_s, NULL },
		{ "end", &end_s, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		goto out;
	if (start_s != NULL &&
	    num_parse_i64(&start, start_s, 0, LOG_INDEX_MAX) == -1) {
		rc = cli_usage(ctx, "--start must be an index from 0 to %"
		    PRId64, (int64_t)LOG_INDEX_MAX);
		goto out;
	}
	if (end_s != NULL &&
	    num_parse_i64(&end, end_s, 1, LOG_INDEX_MAX) == -1) {
		rc = cli_usage(ctx, "--end must be a number from 1 to %"
		    PRId64, (int64_t)LOG_INDEX_MAX);
		goto out;
	}
	if (start_s != NULL && end_s == NULL)
		end = start + LOG_PAGE;
	else if (start_s == NULL && end_s != NULL)
		start = end > LOG_PAGE ? end - LOG_PAGE : 0;
	if (end <= start) {
		rc = cli_usage(ctx, "--end must be greater than --start (the "
		    "range is [start, end))");
		goto out;
	}
	if (str_printf(path, sizeof(path), "/v1/log/entries?start=%" PRId64
	    "&end=%" PRId64, start, end) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	ctx->anonymous = 1;     /* a public read: the token stays home */
	rc = cli_http_json(ctx, "GET", path, NULL, &answer, &a);
	ctx->anonymous = 0;
	if (rc != CLI_OK)
		goto out;
	if (ctx->json)
		cli_put_raw(&answer);
	else
		rc = log_table(a, &answer, start, end);
out:
	json_decref(a);
	buf_cleanup(&answer);
	return rc;
}
