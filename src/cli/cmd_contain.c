/* SPDX-License-Identifier: ISC */
/*
 * cmd_contain.c: containment from the command line (operator token), the
 * answer to what detection raised (cmd_detect.c).
 *
 *   contain         contain an engineer, device, session or vendor (POST
 *                   /v1/containment), or lift a containment (--lift)
 *   containments    the containments in force, or all of them
 *   working-hours   an engineer's declared working hours (off_hours rule)
 *
 * The server judges names and ids and enforces everything; only the shape
 * of the command line is checked here.  Human output is cleaned for the
 * terminal; --json prints the server's answer as it came.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/str.h"

#define PATH_BUF_MAX 4096

/* What can be contained: the request's key, and the option naming it. */
static const char *const target_kinds[] = { "engineer", "device", "session",
    "vendor", NULL };

static int
oom(void)
{
	cli_warn("out of memory");
	return CLI_FAIL;
}

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
static void
revoked_row(struct cli_row *r, const json_t *g)
{
	r->cell[0] = cli_jstr(g, "id");
	r->cell[1] = cli_jstr(g, "tenant");
	r->cell[2] = cli_jstr(g, "engineer");
}

static int
contain_said(const json_t *c, const struct buf *answer)
{
	static const char *const head[] = { "ID", "TENANT", "ENGINEER" };
	static const struct cli_table_spec spec = { head, 3,
	    "grants_revoked", "grants_revoked", "", revoked_row };
	const json_t *revoked = json_object_get(c, "grants_revoked");
	char tmp[32];

	if (cli_jstr(c, "id") == NULL || cli_jstr(c, "kind") == NULL)
		return cli_unexpected(answer, "containment id or kind");
	put_target(c);
	fputs(" contained: containment ", stdout);
	cli_put_cell(cli_jstr(c, "id"));
	fputs(json_is_true(json_object_get(c, "refuses_logins")) ?
	    "; logins are refused until it is lifted" :
	    "; logins are still allowed", stdout);
	fputs("\nlevel ", stdout);
	cli_put_cell(cli_jstr(c, "level"));
	fputs(": ", stdout);
	cli_put_cell(cli_jstr(c, "enforced"));
	printf("\nsessions ended: ");
	cli_put_cell(cli_jtext(c, "sessions_ended", tmp));
	printf("\naccess requests revoked: %zu\n", json_array_size(revoked));
	if (json_array_size(revoked) == 0)
		return CLI_OK;
	return cli_table_show(c, answer, &spec);
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
	/* in_force: refusing logins now; done: it ended sessions and holds
	 * nothing more; lifted. */
	r->cell[3] = json_is_true(json_object_get(c, "in_force")) ?
	    "in_force" : cli_jstr(c, "lifted") != NULL ? "lifted" : "done";
	r->cell[4] = cli_jstr(c, "level");
	r->cell[5] = cli_jstr(c, "enforced");
	r->cell[6] = cli_jstr(c, "created");
	r->cell[7] = cli_jstr(c, "created_by");
	r->cell[8] = cli_jstr(c, "lifted");
	r->cell[9] = cli_jstr(c, "alert");
	r->cell[10] = cli_jstr(c, "reason");
}

static int
containments_table(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "ID", "KIND", "TARGET", "STATE",
	    "LEVEL", "ENFORCED", "CREATED", "CREATED BY", "LIFTED", "ALERT",
	    "REASON" };
	static const struct cli_table_spec spec = { head, 11, "containments",
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
	if (n == 0 && cli_out_is_json()) {
		cli_error("not_found", "no containment in force for %s %s",
		    kind, target);
		rc = CLI_NEGATIVE;
		goto out;
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
 * [--level sessions|logins|access] --reason TEXT: contains one target
 * (the server's default level: access, sessions for a session).  contain --lift (ID | --KIND
 * TARGET) --reason TEXT: lifts a containment, by its id or by what it
 * holds.
 */
int
cmd_contain(struct cli *ctx, int argc, char **argv)
{
	const char *targets[4] = { NULL, NULL, NULL, NULL };
	const char *reason = NULL, *kind = NULL, *target = NULL;
	const char *level = NULL;
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
		{ "level", &level, NULL },
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
	if (level != NULL && (lift || (strcmp(level, "sessions") != 0 &&
	    strcmp(level, "logins") != 0 && strcmp(level, "access") != 0))) {
		rc = cli_usage(ctx, lift ? "--lift takes no --level" :
		    "--level must be sessions, logins or access");
		goto out;
	}
	body = lift ? json_pack("{s:s}", "reason", reason) :
	    json_pack("{s:s, s:s}", kind, target, "reason", reason);
	if (body != NULL && level != NULL && json_object_set_new(body,
	    "level", json_string(level)) == -1) {
		json_decref(body);
		body = NULL;
	}
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
