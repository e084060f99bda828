/* SPDX-License-Identifier: ISC */
/*
 * cmd_enrol.c: `custos enrol`, the invited person's side of an invitation
 * (auth/invite.h) without a browser: what `custos engineer create
 * --invite`, `engineer re-enrol` and `user create --invite` mailed.
 *
 *   enrol LINK --password-file F [--totp-uri-file F]
 *       opens the invitation; an engineer without a device registers this
 *       machine's key (custos keygen); chooses the password; shows the
 *       authenticator's otpauth:// URI (a secret: on the terminal, or in
 *       a file of mode 0600, never on stdout)
 *   enrol LINK --totp CODE
 *       proves the authenticator with a code and completes the enrolment
 *
 * The calls are anonymous (the link is the credential): no token is sent.
 * Nothing secret is printed to stdout or kept; the password is wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "common/buf.h"
#include "common/str.h"

#define PASSWORD_FILE_MAX 4096
#define LINK_MARK "/#/invite/"
#define INVITE_TOKEN_MAX 256

#define UNCONST_STR(s) ((char *)(uintptr_t)(s))

/* The token of a link (…/#/invite/TOKEN) or the token itself. */
static const char *
link_token(const char *arg)
{
	const char *p = strstr(arg, LINK_MARK);

	return p != NULL ? p + strlen(LINK_MARK) : arg;
}

static void
wipe_field(json_t *body, const char *key)
{
	json_t *v = body != NULL ? json_object_get(body, key) : NULL;

	if (json_is_string(v))
		sodium_memzero(UNCONST_STR(json_string_value(v)),
		    json_string_length(v));
}

/* One anonymous step: POST path body; the answer into *out. */
static int
step(struct cli *ctx, const char *path, const json_t *body, struct buf *ans,
    json_t **out)
{
	/* The password step's answer holds the new seed. */
	wipe_field(*out, "totp_uri");
	wipe_field(*out, "totp_qr_svg");
	json_decref(*out);
	*out = NULL;
	return cli_http_json(&ctx->conn, "POST", path, body, ans, out);
}

/* The password: the first line of file, or $CUSTOS_PASSWORD, into body's
 * new_password.  Returns an enum cli_exit. */
static int
password_into(struct cli *ctx, json_t *body, const char *file)
{
	struct buf text;
	const char *env = getenv("CUSTOS_PASSWORD");
	char *nl;
	int rc = CLI_USAGE;

	buf_init_secret(&text, PASSWORD_FILE_MAX);
	if (file != NULL) {
		if (cli_read_file(&text, file, 0) == -1) {
			rc = CLI_FAIL;
			goto out;
		}
	} else if (env != NULL) {
		if (buf_puts(&text, env) == -1)
			goto out;
	} else {
		rc = cli_usage(ctx, "give the new password with "
		    "--password-file F (its first line) or $CUSTOS_PASSWORD");
		goto out;
	}
	nl = memchr(text.data, '\n', text.len);
	if (nl != NULL)
		text.len = (size_t)(nl - text.data);
	if (text.len > 0 && text.data[text.len - 1] == '\r')
		text.len--;
	if (text.len == 0 || json_object_set_new(body, "new_password",
	    json_stringn(text.data, text.len)) == -1) {
		rc = cli_usage(ctx, "the password is empty or not UTF-8");
		goto out;
	}
	rc = CLI_OK;
out:
	buf_cleanup(&text);
	return rc;
}

/* Registers this machine's device key for an engineer's invitation;
 * *device gets its id (in a). */
static int
register_device(struct cli *ctx, const char *token, const char *name,
    struct buf *ans, json_t **a)
{
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES,
	    sodium_base64_VARIANT_ORIGINAL)];
	char host[64];
	unsigned char *sk = NULL;
	json_t *body;
	int r, rc;

	r = cli_devkey_load(ctx, &sk);
	if (r != 1) {
		if (r == 0)
			cli_warn("no device key: run 'custos keygen' first; "
			    "the invitation registers its public key");
		return CLI_FAIL;
	}
	sodium_bin2base64(b64, sizeof(b64), sk + crypto_sign_SEEDBYTES,
	    crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL);
	cli_devkey_free(sk);
	if (name == NULL) {
		if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
			str_copy(host, sizeof(host), "device");
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	body = json_pack("{s:s,s:s,s:s}", "token", token, "name", name,
	    "public_key", b64);
	if (body == NULL)
		return cli_usage(ctx, "--device-name must be UTF-8");
	rc = step(ctx, "/v1/invitations/device", body, ans, a);
	json_decref(body);
	return rc;
}

/* Shows the otpauth:// URI: into uri_file (0600), else on the terminal
 * only.  Returns an enum cli_exit. */
static int
uri_show(const char *uri, const char *uri_file)
{
	FILE *tty;
	int fd;

	if (uri == NULL) {
		cli_warn("the server sent no totp_uri");
		return CLI_FAIL;
	}
	if (uri_file != NULL)
		return cli_write_file(uri_file, uri, strlen(uri), 0) == -1 ?
		    CLI_FAIL : CLI_OK;
	fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		cli_warn("no terminal to show the authenticator's secret on "
		    "(it is never printed to stdout): give --totp-uri-file F");
		return CLI_FAIL;
	}
	tty = fdopen(fd, "w");
	if (tty == NULL) {
		cli_warn("/dev/tty: %s", strerror(errno));
		close(fd);
		return CLI_FAIL;
	}
	setvbuf(tty, NULL, _IONBF, 0);
	fputs("Add this to your authenticator app (it holds your new "
	    "secret; shown here\nonly, saved nowhere):\n\n  ", tty);
	cli_put(tty, uri, 0);
	fputs("\n\n", tty);
	fclose(tty);
	return CLI_OK;
}

/* The last step: the code. */
static int
finish(struct cli *ctx, const char *token, const char *code,
    const json_t *opened, struct buf *ans)
{
	json_t *body = json_pack("{s:s,s:s}", "token", token, "code", code);
	json_t *a = NULL, *tok;
	const char *kind = cli_jstr(opened, "kind");
	int rc;

	if (body == NULL)
		return cli_usage(ctx, "--totp must be digits");
	rc = step(ctx, "/v1/invitations/totp", body, ans, &a);
	json_decref(body);
	/* A tenant user's completion opens a session: not kept here. */
	tok = json_object_get(a, "token");
	if (json_is_string(tok))
		sodium_memzero(UNCONST_STR(json_string_value(tok)),
		    json_string_length(tok));
	if (rc != CLI_OK)
		goto out;
	if (ctx->json) {
		(void)json_object_del(a, "token");
		cli_json_print(a);
		goto out;
	}
	fputs("enrolled ", stdout);
	cli_put_cell(cli_jstr(opened, "username"));
	if (kind != NULL && strcmp(kind, "engineer") == 0) {
		fputs("; log in with: custos login --username ", stdout);
		cli_put_cell(cli_jstr(opened, "username"));
		fputs(" --device ", stdout);
		cli_put_cell(cli_jstr(opened, "device"));
	} else {
		fputs("; log in with: custos tenant-login ", stdout);
		cli_put_cell(cli_jstr(opened, "tenant"));
		fputs(" --username ", stdout);
		cli_put_cell(cli_jstr(opened, "username"));
	}
	fputc('\n', stdout);
out:
	json_decref(a);
	return rc;
}

int
cmd_enrol(struct cli *ctx, int argc, char **argv)
{
	const char *pwfile = NULL, *code = NULL, *uri_file = NULL;
	const char *dev_name = NULL, *token, *kind;
	struct buf ans;
	json_t *body = NULL, *opened = NULL, *a = NULL, *offers;
	char *pos[1];
	int npos, rc, needs_device = 0;
	size_t i;
	const struct cli_opt opts[] = {
		{ "password-file", &pwfile, NULL },
		{ "totp", &code, NULL },
		{ "totp-uri-file", &uri_file, NULL },
		{ "device-name", &dev_name, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init_secret(&ans, CLI_HTTP_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	token = link_token(pos[0]);
	if (token[0] == '\0' || strlen(token) > INVITE_TOKEN_MAX) {
		rc = cli_usage(ctx, "LINK must be the invitation's link (or "
		    "its token)");
		goto out;
	}
	if (code != NULL && (pwfile != NULL || uri_file != NULL ||
	    dev_name != NULL)) {
		rc = cli_usage(ctx, "--totp finishes an enrolment begun "
		    "with --password-file: give it alone");
		goto out;
	}
	/* The link is the credential: nobody's token goes with it. */
	ctx->conn.anonymous = 1;
	body = json_pack("{s:s}", "token", token);
	if (body == NULL) {
		rc = cli_usage(ctx, "LINK must be UTF-8");
		goto out;
	}
	rc = step(ctx, "/v1/invitations/open", body, &ans, &opened);
	if (rc != CLI_OK)
		goto out;
	kind = cli_jstr(opened, "kind");
	if (kind == NULL) {
		rc = cli_unexpected(&ans, "kind");
		goto out;
	}
	if (strcmp(kind, "operator") == 0) {
		cli_warn("an operator person enrols with a passkey, in the "
		    "console: open the link in a browser");
		rc = CLI_NEGATIVE;
		goto out;
	}
	if (code != NULL) {
		rc = finish(ctx, token, code, opened, &ans);
		goto out;
	}
	offers = json_object_get(opened, "offers");
	for (i = 0; i < json_array_size(offers); i++)
		needs_device |= json_is_string(json_array_get(offers, i)) &&
		    strcmp(json_string_value(json_array_get(offers, i)),
		    "device") == 0;
	if (needs_device) {
		rc = register_device(ctx, token, dev_name, &ans, &a);
		if (rc != CLI_OK)
			goto out;
		(void)json_object_set(opened, "device",
		    json_object_get(a, "device"));
		if (!ctx->json) {
			fputs("registered this machine's key as device ",
			    stdout);
			cli_put_cell(cli_jstr(a, "device"));
			fputc('\n', stdout);
		}
	}
	rc = password_into(ctx, body, pwfile);
	if (rc != CLI_OK)
		goto out;
	rc = step(ctx, "/v1/invitations/password", body, &ans, &a);
	wipe_field(body, "new_password");
	if (rc != CLI_OK)
		goto out;
	rc = uri_show(cli_jstr(a, "totp_uri"), uri_file);
	if (rc != CLI_OK)
		goto out;
	if (ctx->json) {
		json_t *doc = json_pack("{s:s,s:O,s:O,s:s}", "kind", kind,
		    "username", json_object_get(opened, "username"), "device",
		    json_object_get(opened, "device") != NULL ?
		    json_object_get(opened, "device") : json_null(), "next",
		    "totp");

		if (doc != NULL)
			cli_json_print(doc);
		json_decref(doc);
		goto out;
	}
	fputs("password chosen; add the authenticator's URI ", stdout);
	fputs(uri_file != NULL ? "(in the file you named) " : "", stdout);
	fputs("to your app, then finish with:\n  custos enrol LINK --totp "
	    "CODE\n", stdout);
out:
	wipe_field(body, "new_password");
	wipe_field(a, "totp_uri");
	wipe_field(a, "totp_qr_svg");
	json_decref(a);
	json_decref(opened);
	json_decref(body);
	buf_cleanup(&ans);
	return rc;
}
