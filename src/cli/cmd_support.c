/* SPDX-License-Identifier: ISC */
/*
 * cmd_support.c: what a support engineer does inside a tenant: read
 * tickets, list users, reset a user's password or MFA.  Each is one call;
 * the server decides (access request, policy, second approval) and logs
 * it.  Human output is a short table or sentence; --json prints the
 * server's answer as it came.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "common/buf.h"

#define PATH_BUF_MAX 4096

/* "/v1/tenants/{tenant}" + tail, with the ids escaped. */
static int
tenant_path(const struct cli *ctx, struct buf *path, const char *tenant,
    const char *tail, const char *what, const char *id, const char *tail2)
{
	if (buf_puts(path, "/v1/tenants/") == -1 ||
	    cli_path_segment(ctx, path, "tenant", tenant) == -1 ||
	    buf_puts(path, tail) == -1)
		return -1;
	if (id != NULL && (buf_puts(path, "/") == -1 ||
	    cli_path_segment(ctx, path, what, id) == -1))
		return -1;
	if (tail2 != NULL && buf_puts(path, tail2) == -1)
		return -1;
	return 0;
}

/* Appends "?approval=ID" (escaped) when an approval was given.  Returns
 * 0, or -1 after printing why. */
static int
approval_query(const struct cli *ctx, struct buf *path, const char *approval)
{
	if (approval == NULL)
		return 0;
	if (buf_puts(path, "?approval=") == -1 ||
	    cli_path_segment(ctx, path, "approval", approval) == -1)
		return -1;
	return 0;
}

/* After a refusal: a hint when only a second approval is missing. */
static void
approval_hint(const struct buf *answer, const char *tenant)
{
	json_t *v = json_loadb(answer->data, answer->len, 0, NULL);
	const char *code;

	code = json_string_value(json_object_get(json_object_get(v, "error"),
	    "code"));
	if (code != NULL && strcmp(code, "second_approval_required") == 0 &&
	    cli_out_is_json()) {
		cli_warn("ask for a second approval (custos ask-approval %s "
		    "--action ACTION [--target ID] --reason TEXT), then repeat "
		    "with --approval ID", tenant);
	} else if (code != NULL &&
	    strcmp(code, "second_approval_required") == 0) {
		fputs("custos: ask for a second approval (custos ask-approval ",
		    stderr);
		cli_put(stderr, tenant, 0);
		fputs(" --action ACTION [--target ID] --reason TEXT), then\n"
		    "custos: repeat with --approval ID\n", stderr);
	}
	json_decref(v);
}

static void
tickets_row(struct cli_row *r, const json_t *t)
{
	r->cell[0] = cli_jtext(t, "id", r->tmp[0]);
	r->cell[1] = cli_jstr(t, "status");
	r->cell[2] = cli_jstr(t, "requester");
	r->cell[3] = cli_jstr(t, "subject");
}

static int
tickets_table(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "ID", "STATUS", "REQUESTER",
	    "SUBJECT" };
	static const struct cli_table_spec spec = { head, 4, "tickets",
	    "tickets list", "no tickets", tickets_row };

	return cli_table_show(a, answer, &spec);
}

static void
ticket_show(const json_t *a)
{
	static const char *const first[] = { "id", "subject", "requester",
	    "status", "created", NULL };
	const json_t *t = json_object_get(a, "ticket"), *v;
	const char *key, *s;
	char tmp[32];
	size_t i;

	if (!json_is_object(t))
		t = a;
	for (i = 0; first[i] != NULL; i++) {
		s = cli_jtext(t, first[i], tmp);
		if (s == NULL)
			continue;
		printf("%s: ", first[i]);
		cli_put(stdout, s, 0);
		fputc('\n', stdout);
	}
	/* Whatever else the server adds, as long as it is one value. */
	json_object_foreach((json_t *)(uintptr_t)t, key, v) {
		for (i = 0; first[i] != NULL; i++)
			if (strcmp(key, first[i]) == 0)
				break;
		if (first[i] != NULL || strcmp(key, "body") == 0)
			continue;
		s = cli_jtext(t, key, tmp);
		if (s == NULL)
			continue;
		cli_put(stdout, key, 0);
		fputs(": ", stdout);
		cli_put(stdout, s, 0);
		fputc('\n', stdout);
	}
	s = json_string_value(json_object_get(t, "body"));
	if (s != NULL) {
		fputc('\n', stdout);
		cli_put(stdout, s, 1);
		if (s[0] == '\0' || s[strlen(s) - 1] != '\n')
			fputc('\n', stdout);
	}
}

/* tickets TENANT [TICKET] [--approval ID]: the tenant's tickets, or one
 * of them. */
int
cmd_tickets(struct cli *ctx, int argc, char **argv)
{
	const char *approval = NULL;
	struct buf path, answer;
	json_t *a = NULL;
	char *pos[2];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "approval", &approval, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (tenant_path(ctx, &path, pos[0], "/tickets", "ticket",
	    npos == 2 ? pos[1] : NULL, NULL) == -1 ||
	    approval_query(ctx, &path, approval) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "GET", path.data, NULL, &answer, &a);
	if (rc == CLI_NEGATIVE)
		approval_hint(&answer, pos[0]);
	if (rc != CLI_OK)
		goto out;
	if (ctx->json)
		cli_put_raw(&answer);
	else if (npos == 1)
		rc = tickets_table(a, &answer);
	else
		ticket_show(a);
out:
	json_decref(a);
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}

static void
users_row(struct cli_row *r, const json_t *u)
{
	const json_t *mfa = json_object_get(u, "mfa_enrolled");

	r->cell[0] = cli_jtext(u, "id", r->tmp[0]);
	r->cell[1] = cli_jstr(u, "username");
	r->cell[2] = cli_jstr(u, "email");
	r->cell[3] = cli_jstr(u, "role");
	r->cell[4] = cli_jstr(u, "status");
	r->cell[5] = json_is_boolean(mfa) ?
	    (json_is_true(mfa) ? "yes" : "no") : NULL;
}

static int
users_table(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "ID", "USERNAME", "EMAIL", "ROLE",
	    "STATUS", "MFA" };
	static const struct cli_table_spec spec = { head, 6, "users",
	    "users list", "no users", users_row };

	return cli_table_show(a, answer, &spec);
}

/* users TENANT [--approval ID]: the tenant's users as a table. */
int
cmd_users(struct cli *ctx, int argc, char **argv)
{
	const char *approval = NULL;
	struct buf path, answer;
	json_t *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "approval", &approval, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (tenant_path(ctx, &path, pos[0], "/users", NULL, NULL,
	    NULL) == -1 || approval_query(ctx, &path, approval) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "GET", path.data, NULL, &answer, &a);
	if (rc == CLI_NEGATIVE)
		approval_hint(&answer, pos[0]);
	if (rc != CLI_OK)
		goto out;
	if (ctx->json)
		cli_put_raw(&answer);
	else
		rc = users_table(a, &answer);
out:
	json_decref(a);
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}

/* reset-password and reset-mfa: one POST, optionally with an approval. */
static int
reset(struct cli *ctx, int argc, char **argv, const char *tail, int mfa)
{
	const char *approval = NULL, *to;
	struct buf path, answer;
	json_t *body = NULL, *a = NULL;
	char *pos[2];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "approval", &approval, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (tenant_path(ctx, &path, pos[0], "/users", "user", pos[1],
	    tail) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	if (approval != NULL && approval[0] == '\0') {
		rc = cli_usage(ctx, "--approval must not be empty");
		goto out;
	}
	body = approval != NULL ? json_pack("{s:s}", "approval", approval) :
	    json_object();
	if (body == NULL) {
		rc = cli_usage(ctx, "--approval must be UTF-8");
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "POST", path.data, body, &answer, &a);
	if (rc == CLI_NEGATIVE)
		approval_hint(&answer, pos[0]);
	if (rc != CLI_OK)
		goto out;
	if (ctx->json) {
		cli_put_raw(&answer);
		goto out;
	}
	fputs(mfa ? "MFA reset for user " : "password reset for user ",
	    stdout);
	cli_put(stdout, pos[1], 0);
	fputs(" of tenant ", stdout);
	cli_put(stdout, pos[0], 0);
	if (mfa) {
		fputs("; they enrol again at their next login\n", stdout);
	} else {
		to = json_string_value(json_object_get(a, "delivered_to"));
		fputs("; the link went to ", stdout);
		cli_put(stdout, to != NULL ? to : "the user", 0);
		fputc('\n', stdout);
	}
out:
	json_decref(a);
	json_decref(body);
	buf_cleanup(&answer);
	buf_cleanup(&path);
	return rc;
}

/* reset-password TENANT USER [--approval ID]: the link goes to the
 * user, never to us; we print only the masked address. */
int
cmd_reset_password(struct cli *ctx, int argc, char **argv)
{
	return reset(ctx, argc, argv, "/password-reset", 0);
}

/* reset-mfa TENANT USER [--approval ID]. */
int
cmd_reset_mfa(struct cli *ctx, int argc, char **argv)
{
	return reset(ctx, argc, argv, "/mfa-reset", 1);
}
