/* SPDX-License-Identifier: ISC */
/*
 * cmd_incident.c: `custos incident publish ID [--unaffected]
 * [--message TEXT]` (issue 16): POST /v1/incidents/{id}/publish, which
 * tells each tenant of the incident by mail to its admins, with its own
 * report attached (and, with --unaffected, every other tenant that it
 * was not affected, with its proof).  Prints who was told, how many
 * admins each, and who could not be (no admin address); --json prints
 * the answer as it came.  Needs the operator token or a responder one.
 */
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/str.h"

#define PATH_BUF_MAX 4096

static int
published(const json_t *a, const struct buf *answer)
{
	const json_t *told = json_object_get(a, "notified");
	const json_t *unreached = json_object_get(a, "unreached");
	const json_t *x;
	char tmp[32];
	size_t i;

	if (!json_is_array(told) || !json_is_array(unreached))
		return cli_unexpected(answer, "notified or unreached");
	printf("incident ");
	cli_put_cell(cli_jstr(a, "incident"));
	printf(": %zu tenants told now, %s told before\n",
	    json_array_size(told), cli_jtext(a, "already_notified", tmp) ?
	    tmp : "0");
	json_array_foreach(told, i, x) {
		printf("  told        ");
		cli_put_cell(cli_jstr(x, "tenant"));
		printf(" (");
		cli_put_cell(cli_jstr(x, "exposure"));
		printf("): %s admin(s) mailed\n", cli_jtext(x, "recipients",
		    tmp) ? tmp : "0");
	}
	if (cli_jtext(a, "deferred", tmp) != NULL && strcmp(tmp, "0") != 0)
		printf("  %s unaffected tenants deferred: publish again\n", tmp);
	json_array_foreach(unreached, i, x) {
		printf("  NOT TOLD    ");
		cli_put_cell(cli_jstr(x, "tenant"));
		printf(" (");
		cli_put_cell(cli_jstr(x, "exposure"));
		printf("): ");
		cli_put_cell(cli_jstr(x, "reason"));
		printf("\n");
	}
	return CLI_OK;
}

int
cmd_incident(struct cli *ctx, int argc, char **argv)
{
	const char *message = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[2];
	int npos, unaffected = 0, rc;
	const struct cli_opt opts[] = {
		{ "message", &message, NULL },
		{ "unaffected", NULL, &unaffected },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (strcmp(pos[0], "publish") != 0) {
		rc = cli_usage(ctx, "unknown incident command '%s' (publish)",
		    pos[0]);
		goto out;
	}
	body = json_pack("{s:s}", "notify", unaffected ?
	    "affected_and_unaffected" : "affected");
	if (body == NULL || (message != NULL && json_object_set_new(body,
	    "message", json_string(message)) == -1)) {
		rc = cli_usage(ctx, "--message must be UTF-8");
		goto out;
	}
	if (cli_path_add(ctx, &path, "/v1/incidents/", "incident id",
	    pos[1]) == -1 || cli_path_add(ctx, &path, "/publish", NULL,
	    NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, published);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}
