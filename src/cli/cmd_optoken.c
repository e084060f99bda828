/* SPDX-License-Identifier: ISC */
/*
 * cmd_optoken.c: named operator tokens from the command line (issue 14;
 * the server's side is src/api/api_optoken.c).  Needs the root operator
 * token (or an operator person): a named token may not manage tokens.
 *
 *   operator-token create NAME --scope S [--expires WHEN] [--out FILE]
 *   operator-token list
 *   operator-token revoke NAME|ID
 *   operator-token rotate-root [--out FILE]
 *
 * A new token is shown once.  With --out it goes only to FILE (mode 0600,
 * written before anything is printed; FILE must not exist yet), never to
 * stdout; without, it is the only line on stdout, and what it is goes to
 * stderr, so `> FILE` keeps the token alone.  --json prints the answer
 * (without the token when --out took it).
 */
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/str.h"

#define PATH_BUF_MAX 4096
#define TOKEN_FILE_TEXT_MAX 128         /* "cop_" + 52 characters + "\n" */

static int
oom(void)
{
	cli_warn("out of memory");
	return CLI_FAIL;
}

/* FILE for --out must be new: a token is shown once, and replacing a file
 * could lose the one it held.  CLI_OK, or CLI_USAGE after saying why. */
static int
out_is_new(const struct cli *ctx, const char *out)
{
	struct stat st;

	if (out == NULL || lstat(out, &st) == -1)
		return CLI_OK;
	return cli_usage(ctx, "--out %s exists: the token would replace what "
	    "it holds; name a new file", out);
}

/*
 * Hands the token of answer a out: to FILE out (0600) or stdout, and
 * removes it from a (for --json).  lost says what to do when FILE cannot
 * be written.  Returns an enum cli_exit.
 */
static int
hand_out(json_t *a, const char *out, const char *lost)
{
	const char *tok = cli_jstr(a, "token");
	struct buf text;
	int rc = CLI_OK;

	if (tok == NULL)
		return CLI_FAIL;
	if (out == NULL) {
		fputs(tok, stdout);
		fputc('\n', stdout);
		return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
	}
	buf_init_secret(&text, TOKEN_FILE_TEXT_MAX);
	if (buf_puts(&text, tok) == -1 || buf_puts(&text, "\n") == -1)
		rc = oom();
	else if (cli_write_file(out, text.data, text.len, 1) != 0) {
		/* Never shown elsewhere: it is lost. */
		cli_warn("the token could not be written to %s: %s", out,
		    lost);
		rc = CLI_FAIL;
	}
	buf_cleanup(&text);
	json_object_del(a, "token");
	return rc;
}

/* What was made, in words, on f. */
static void
said_made(FILE *f, const json_t *a, const char *out)
{
	fputs("operator token ", f);
	cli_put(f, cli_jstr(a, "name"), 0);
	fputs(" (", f);
	cli_put(f, cli_jstr(a, "id"), 0);
	fputs(", scope ", f);
	cli_put(f, cli_jstr(a, "scope"), 0);
	if (cli_jstr(a, "expires_at") != NULL) {
		fputs(", expires ", f);
		cli_put(f, cli_jstr(a, "expires_at"), 0);
	}
	fputs(out != NULL ? ") written to " : "): shown once, keep it",
	    f);
	if (out != NULL)
		cli_put(f, out, 0);
	fputc('\n', f);
}

/* Prints the answer a for --json, the token removed when hand_out did. */
static int
json_answer(const json_t *a)
{
	cli_json_print(a);
	return CLI_OK;
}

static int
create(struct cli *ctx, int argc, char **argv)
{
	const char *scope = NULL, *expires = NULL, *out = NULL;
	struct buf answer;
	json_t *body = NULL, *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "scope", &scope, NULL },
		{ "expires", &expires, NULL },
		{ "out", &out, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		return rc;
	if (scope == NULL)
		return cli_usage(ctx, "--scope is required: directory, "
		    "responder or auditor");
	if (strcmp(scope, "directory") != 0 && strcmp(scope, "responder") !=
	    0 && strcmp(scope, "auditor") != 0)
		return cli_usage(ctx, "--scope must be directory, responder or "
		    "auditor");
	rc = out_is_new(ctx, out);
	if (rc != CLI_OK)
		return rc;
	body = json_pack("{s:s,s:s}", "name", pos[0], "scope", scope);
	if (body == NULL || (expires != NULL && json_object_set_new(body,
	    "expires_at", json_string(expires)) == -1)) {
		json_decref(body);
		return oom();
	}
	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_http_json(&ctx->conn, "POST", "/v1/operator-tokens", body,
	    &answer, &a);
	if (rc != CLI_OK)
		goto out;
	if (cli_jstr(a, "token") == NULL || cli_jstr(a, "id") == NULL) {
		rc = cli_unexpected(&answer, "token and id");
		goto out;
	}
	/* --json alone: the answer, token and all, is the output. */
	if (ctx->json && out == NULL)
		rc = json_answer(a);
	else
		rc = hand_out(a, out, "it is lost; revoke it and make another");
	if (rc == CLI_OK && ctx->json && out != NULL)
		rc = json_answer(a);
	/* Said once it is where it is said to be. */
	if (rc == CLI_OK && !ctx->json)
		said_made(out != NULL ? stdout : stderr, a, out);
out:
	json_decref(a);
	json_decref(body);
	buf_cleanup(&answer);
	return rc;
}

static void
token_row(struct cli_row *r, const json_t *t)
{
	r->cell[0] = cli_jstr(t, "name");
	r->cell[1] = cli_jstr(t, "id");
	r->cell[2] = cli_jstr(t, "scope");
	r->cell[3] = cli_jstr(t, "state");
	r->cell[4] = cli_jstr(t, "created");
	r->cell[5] = cli_jstr(t, "created_by");
	r->cell[6] = cli_jstr(t, "last_used");
	r->cell[7] = cli_jstr(t, "expires_at");
	r->cell[8] = cli_jstr(t, "revoked");
}

static int
tokens_table(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "NAME", "ID", "SCOPE", "STATE",
	    "CREATED", "CREATED BY", "LAST USED", "EXPIRES", "REVOKED" };
	static const struct cli_table_spec spec = { head, 9, "tokens",
	    "tokens list", "no operator tokens", token_row };

	return cli_table_show(a, answer, &spec);
}

static int
list(struct cli *ctx, int argc, char **argv)
{
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	return cli_call_show(ctx, "GET", "/v1/operator-tokens", NULL,
	    tokens_table);
}

static int
revoked_said(const json_t *a, const struct buf *answer)
{
	if (cli_jstr(a, "id") == NULL)
		return cli_unexpected(answer, "token id");
	fputs("operator token ", stdout);
	cli_put(stdout, cli_jstr(a, "name"), 0);
	fputs(" (", stdout);
	cli_put(stdout, cli_jstr(a, "id"), 0);
	fputs(") revoked at ", stdout);
	cli_put(stdout, cli_jstr(a, "revoked"), 0);
	fputs(": it is refused from its next use\n", stdout);
	return CLI_OK;
}

static int
revoke(struct cli *ctx, int argc, char **argv)
{
	struct buf path;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		return rc;
	buf_init(&path, PATH_BUF_MAX);
	rc = CLI_USAGE;
	if (cli_path_add(ctx, &path, "/v1/operator-tokens/", "token name or "
	    "id", pos[0]) == 0)
		rc = cli_call_show(ctx, "DELETE", path.data, NULL,
		    revoked_said);
	buf_cleanup(&path);
	return rc;
}

static int
rotate_root(struct cli *ctx, int argc, char **argv)
{
	const char *out = NULL;
	struct buf answer;
	json_t *body = NULL, *a = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "out", &out, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	rc = out_is_new(ctx, out);
	if (rc != CLI_OK)
		return rc;
	body = json_object();
	if (body == NULL)
		return oom();
	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_http_json(&ctx->conn, "POST",
	    "/v1/operator-tokens/rotate-root", body, &answer, &a);
	if (rc != CLI_OK)
		goto out;
	if (cli_jstr(a, "token") == NULL) {
		rc = cli_unexpected(&answer, "token");
		goto out;
	}
	/* --json alone: the answer, token and all, is the output. */
	if (ctx->json && out == NULL)
		rc = json_answer(a);
	else
		rc = hand_out(a, out, cli_jstr(a, "file") != NULL ? "it is in "
		    "the server's DIR/operator.token" : "and the server could "
		    "not write it either: it is lost, rotate again");
	if (rc == CLI_OK && ctx->json && out != NULL)
		rc = json_answer(a);
	if (!ctx->json) {
		FILE *f = out != NULL && rc == CLI_OK ? stdout : stderr;

		fputs("the root operator token was rotated: the old one is "
		    "refused from now on", f);
		if (cli_jstr(a, "file") != NULL) {
			fputs("; the server wrote the new one to ", f);
			cli_put(f, cli_jstr(a, "file"), 0);
		}
		if (out != NULL && rc == CLI_OK) {
			fputs("; and it is in ", f);
			cli_put(f, out, 0);
		}
		fputc('\n', f);
		if (cli_jstr(a, "warning") != NULL) {
			fputs("custos: warning: ", stderr);
			cli_put(stderr, cli_jstr(a, "warning"), 0);
			fputc('\n', stderr);
		}
	}
out:
	json_decref(a);
	json_decref(body);
	buf_cleanup(&answer);
	return rc;
}

/* operator-token VERB ...: argv[1] is the verb; the verb's own arguments
 * follow it (argv[1] serves as their argv[0]). */
int
cmd_operator_token(struct cli *ctx, int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*fn)(struct cli *, int, char **);
	} verbs[] = {
		{ "create", create },
		{ "list", list },
		{ "revoke", revoke },
		{ "rotate-root", rotate_root },
	};
	size_t i;

	if (argc < 2)
		return cli_usage(ctx, "which: create, list, revoke or "
		    "rotate-root?");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].verb) == 0)
			return verbs[i].fn(ctx, argc - 1, argv + 1);
	return cli_usage(ctx, "no such operator-token command '%s': create, "
	    "list, revoke or rotate-root", argv[1]);
}
