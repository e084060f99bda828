/* SPDX-License-Identifier: ISC */
/*
 * cmd_enrol.c: `custos enrol`, the CLI's side of an invitation.  The
 * operator (or a tenant admin) invites a person; custosd mails them a
 * single-use link.  With the link, the mail or the bare token, the person
 * enrols from their own machine: an engineer registers this machine's
 * device key (made here if there is none), then everyone chooses a
 * password and proves a new authenticator with a code.  No secret ever
 * passes through the inviter.
 *
 * The new TOTP seed is the person's: it is shown on the terminal only,
 * or, when asked with --totp-secret-file, written to a file of mode 0600
 * for a software authenticator (oathtool) -- the choice of someone
 * scripting their own enrolment, as the README's tour does.
 *
 * The steps are the API's (POST /v1/invitations/open, /device, /password,
 * /totp); all go without a token.  A run without --totp stops after the
 * password when there is no terminal to ask the code on; a second run with
 * --totp CODE finishes.  A tenant user is signed in at the end (the
 * session saved as tenant-login saves it); an engineer logs in with
 * `custos login`, whose --device defaults to the device enrolled here.
 */
/* checksrc: memcmp ok */ /* public bytes only: query keys */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/invite_link.h"
#include "cli/session.h"
#include "common/str.h"

#define PASSWORD_MAX 1024
#define TOTP_MAX 16
#define SEED_MAX 128                    /* base32 of the seed */
#define DEVICE_NAME_MAX 64
#define PUBKEY_B64_LEN \
	sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, \
	    sodium_base64_VARIANT_ORIGINAL)

struct enrol {
	struct cli *ctx;
	char token[INVITE_TOKEN_LEN + 1];       /* secret: wiped */
	const char *kind;                       /* from open */
	const char *username;
	json_t *opened;
};

/* 1 when the open answer offers what. */
static int
offers(const json_t *opened, const char *what)
{
	const json_t *o = json_object_get(opened, "offers"), *v;
	size_t i;

	json_array_foreach(o, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), what) ==
		    0)
			return 1;
	return 0;
}

/* The token from the operand (a link or a token) or --mail FILE. */
static int
token_get(struct enrol *en, const char *operand, const char *mail)
{
	struct buf text;
	int rc = CLI_USAGE;

	buf_init_secret(&text, INVITE_LINK_TEXT_MAX);
	if ((operand == NULL) == (mail == NULL)) {
		rc = cli_usage(en->ctx, "give the invitation link (or its "
		    "token), or --mail FILE, one of them");
		goto out;
	}
	if (mail != NULL) {
		if (cli_read_file(&text, mail, 0) == -1) {
			rc = CLI_FAIL;
			goto out;
		}
	} else if (buf_puts(&text, operand) == -1) {
		goto out;
	}
	if (invite_link_token(en->token, sizeof(en->token), text.data,
	    text.len) == -1) {
		rc = cli_usage(en->ctx, "%s holds no invitation link of "
		    "custos (.../#/invite/civ_...)", mail != NULL ? mail :
		    "the operand");
		goto out;
	}
	rc = CLI_OK;
out:
	buf_cleanup(&text);
	return rc;
}

/* POST path {token, extra...} without a token; *a the answer. */
static int
step(struct enrol *en, const char *path, json_t *body, json_t **a)
{
	struct buf answer;
	int rc;

	*a = NULL;
	if (body == NULL) {
		cli_warn("out of memory");
		return CLI_FAIL;
	}
	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	if (json_object_set_new(body, "token", json_string(en->token)) ==
	    -1) {
		json_decref(body);
		cli_warn("out of memory");
		return CLI_FAIL;
	}
	rc = cli_http_json(&en->ctx->conn, "POST", path, body, &answer, a);
	/* The body held the token and maybe a password or a code. */
	cli_json_wipe(body, "token");
	cli_json_wipe(body, "new_password");
	cli_json_wipe(body, "code");
	json_decref(body);
	buf_cleanup(&answer);
	return rc;
}

/* Saves the enrolled device's id beside its key, for `custos login`. */
static int
device_id_save(struct cli *ctx, const char *id)
{
	char path[CLI_PATH_MAX];

	if (cli_config_path(ctx, path, sizeof(path), CLI_DEVICE_ID_FILE,
	    1) == -1 || cli_write_file(path, id, strlen(id), 0) == -1)
		return -1;
	return 0;
}

/* An engineer's invitation without a device: this machine's key. */
static int
device_step(struct enrol *en, const char *name)
{
	unsigned char *sk = NULL;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char b64[PUBKEY_B64_LEN], host[DEVICE_NAME_MAX + 1];
	const char *dev;
	json_t *a = NULL;
	int rc = CLI_FAIL, r;

	r = cli_devkey_load(en->ctx, &sk);
	if (r == -1)
		goto out;
	if (r == 0) {
		if (cli_devkey_create(en->ctx, 0, pk) != 0)
			goto out;
	} else {
		crypto_sign_ed25519_sk_to_pk(pk, sk);
	}
	if (name == NULL) {
		if (gethostname(host, sizeof(host) - 1) == -1 ||
		    host[0] == '\0')
			str_copy(host, sizeof(host), "device");
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	sodium_bin2base64(b64, sizeof(b64), pk, sizeof(pk),
	    sodium_base64_VARIANT_ORIGINAL);
	rc = step(en, "/v1/invitations/device", json_pack("{s:s, s:s}",
	    "name", name, "public_key", b64), &a);
	if (rc != CLI_OK)
		goto out;
	rc = CLI_FAIL;
	dev = json_string_value(json_object_get(a, "device"));
	if (dev == NULL) {
		cli_warn("the server sent no device id");
		goto out;
	}
	if (device_id_save(en->ctx, dev) == -1)
		goto out;
	if (!en->ctx->json) {
		fputs("device ", stdout);
		cli_put(stdout, dev, 0);
		fputs(" registered (this machine's key)\n", stdout);
	}
	rc = CLI_OK;
out:
	cli_devkey_free(sk);
	json_decref(a);
	return rc;
}

/*
 * The base32 seed of an otpauth:// URI into seed (secret buffer): the
 * value of its "secret" query key.  0, or -1 when there is none.
 */
static int
uri_seed(struct buf *seed, const char *uri)
{
	const char *q = strchr(uri, '?'), *p, *end;

	buf_reset(seed);
	for (p = q; p != NULL && *p != '\0'; p = strchr(p, '&')) {
		p++;
		if (strncmp(p, "secret=", 7) != 0)
			continue;
		p += 7;
		end = p + strcspn(p, "&");
		if (end == p || buf_append(seed, p, (size_t)(end - p)) == -1)
			return -1;
		return 0;
	}
	return -1;
}

/* Shows the enrolment URI on the terminal only.  0, or -1 (no tty). */
static int
uri_show(const char *uri)
{
	FILE *tty;
	int fd;

	fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	tty = fdopen(fd, "w");
	if (tty == NULL) {
		close(fd);
		return -1;
	}
	setvbuf(tty, NULL, _IONBF, 0);
	fputs("Add this to your authenticator app (the URI holds your new "
	    "secret;\nit is shown here only, and saved nowhere):\n\n  ", tty);
	cli_put(tty, uri, 0);
	fputs("\n\n", tty);
	fclose(tty);
	return 0;
}

/* The password step; the seed goes to the terminal or seedfile.  *asked
 * is set when the code can be asked now (a terminal saw the URI). */
static int
password_step(struct enrol *en, const char *pwfile, const char *seedfile,
    int *asked)
{
	struct buf pw, seed;
	const char *uri;
	json_t *a = NULL, *body;
	int rc;

	*asked = 0;
	buf_init_secret(&pw, PASSWORD_MAX);
	buf_init_secret(&seed, SEED_MAX);
	rc = cli_password_get(en->ctx, pwfile, &pw);
	if (rc != CLI_OK)
		goto out;
	body = json_object();
	if (body != NULL && json_object_set_new(body, "new_password",
	    json_stringn(pw.data, pw.len)) == -1) {
		json_decref(body);
		body = NULL;
	}
	rc = step(en, "/v1/invitations/password", body, &a);
	if (rc != CLI_OK)
		goto out;
	rc = CLI_FAIL;
	uri = json_string_value(json_object_get(a, "totp_uri"));
	if (uri == NULL || uri_seed(&seed, uri) == -1) {
		cli_warn("the server sent no authenticator secret");
		goto out;
	}
	if (seedfile != NULL) {
		if (cli_write_file(seedfile, seed.data, seed.len, 0) == -1)
			goto out;
		if (!en->ctx->json) {
			fputs("password set; the authenticator secret is in ",
			    stdout);
			cli_put(stdout, seedfile, 0);
			fputs(" (mode 0600)\n", stdout);
		}
	} else if (uri_show(uri) == 0) {
		*asked = 1;
	} else {
		cli_warn("no terminal to show the authenticator secret on "
		    "(it is never printed to stdout): run again on a "
		    "terminal, or give --totp-secret-file FILE");
		goto out;
	}
	rc = CLI_OK;
out:
	/* The answer held the seed: jansson's copy goes with a. */
	cli_json_wipe(a, "totp_uri");
	json_decref(a);
	buf_cleanup(&seed);
	buf_cleanup(&pw);
	return rc;
}

/* The last step: a code from the new authenticator. */
static int
totp_step(struct enrol *en, const char *given)
{
	struct buf code;
	const char *tok, *expires, *tenant;
	json_t *a = NULL, *body = NULL;
	int rc;

	buf_init_secret(&code, TOTP_MAX);
	rc = cli_totp_get(en->ctx, given, &code);
	if (rc != CLI_OK)
		goto out;
	body = json_object();
	if (body != NULL && json_object_set_new(body, "code",
	    json_stringn(code.data, code.len)) == -1) {
		json_decref(body);
		body = NULL;
	}
	rc = step(en, "/v1/invitations/totp", body, &a);
	if (rc != CLI_OK)
		goto out;
	rc = CLI_FAIL;
	tok = json_string_value(json_object_get(a, "token"));
	if (tok != NULL) {
		/* A tenant user: signed in, saved as tenant-login saves. */
		expires = json_string_value(json_object_get(a, "expires_at"));
		if (cli_token_set(en->ctx, tok, strlen(tok)) == -1 ||
		    cli_session_save(en->ctx, en->ctx->conn.server,
		    en->username, en->ctx->conn.token, expires != NULL ?
		    expires : "", "tenant") == -1)
			goto out;
		cli_json_wipe(a, "token");
	}
	tenant = json_string_value(json_object_get(en->opened, "tenant"));
	if (en->ctx->json) {
		json_t *v = json_pack("{s:b, s:s, s:s, s:b}", "enrolled", 1,
		    "kind", en->kind, "username", en->username, "signed_in",
		    tok != NULL);

		if (v != NULL && tenant != NULL)
			json_object_set_new(v, "tenant", json_string(tenant));
		if (v != NULL)
			cli_json_print(v);
		json_decref(v);
	} else {
		fputs("enrolled ", stdout);
		cli_put(stdout, en->username, 0);
		if (tenant != NULL) {
			fputs(" in tenant ", stdout);
			cli_put(stdout, tenant, 0);
		}
		fputs(tok != NULL ? "; signed in\n" : "; log in with "
		    "'custos login'\n", stdout);
	}
	rc = CLI_OK;
out:
	json_decref(a);
	buf_cleanup(&code);
	return rc;
}

/*
 * enrol (LINK | TOKEN | --mail FILE) [--device-name NAME]
 *       [--password-file FILE] [--totp-secret-file FILE] [--totp CODE]
 */
int
cmd_enrol(struct cli *ctx, int argc, char **argv)
{
	const char *mail = NULL, *devname = NULL, *pwfile = NULL,
	    *seedfile = NULL, *totp = NULL;
	struct enrol en;
	char *pos[1];
	int npos, rc, asked = 0;
	const struct cli_opt opts[] = {
		{ "mail", &mail, NULL },
		{ "device-name", &devname, NULL },
		{ "password-file", &pwfile, NULL },
		{ "totp-secret-file", &seedfile, NULL },
		{ "totp", &totp, NULL },
		{ NULL, NULL, NULL },
	};

	memset(&en, 0, sizeof(en));
	en.ctx = ctx;
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (devname != NULL && (devname[0] == '\0' ||
	    strlen(devname) > DEVICE_NAME_MAX)) {
		rc = cli_usage(ctx, "--device-name must be 1 to %d bytes",
		    DEVICE_NAME_MAX);
		goto out;
	}
	if (totp != NULL && (pwfile != NULL || seedfile != NULL ||
	    devname != NULL)) {
		rc = cli_usage(ctx, "--totp finishes an enrolment begun "
		    "before: give it with the link only");
		goto out;
	}
	if (totp == NULL && seedfile == NULL && !cli_tty_present()) {
		rc = cli_usage(ctx, "no terminal to show the new "
		    "authenticator secret on (it is never printed to stdout): "
		    "give --totp-secret-file FILE, or run on a terminal");
		goto out;
	}
	rc = token_get(&en, npos == 1 ? pos[0] : NULL, mail);
	if (rc != CLI_OK)
		goto out;
	ctx->conn.anonymous = 1;
	rc = step(&en, "/v1/invitations/open", json_object(), &en.opened);
	if (rc != CLI_OK)
		goto out;
	rc = CLI_FAIL;
	en.kind = json_string_value(json_object_get(en.opened, "kind"));
	en.username = json_string_value(json_object_get(en.opened,
	    "username"));
	if (en.kind == NULL || en.username == NULL) {
		cli_warn("the server's answer names no kind or username");
		goto out;
	}
	if (strcmp(en.kind, "operator") == 0 ||
	    (!offers(en.opened, "password_totp") && !offers(en.opened,
	    "device"))) {
		cli_warn("this invitation enrols a passkey only: open the "
		    "link in a browser");
		rc = CLI_NEGATIVE;
		goto out;
	}
	if (totp == NULL) {
		if (strcmp(en.kind, "engineer") == 0 &&
		    offers(en.opened, "device")) {
			rc = device_step(&en, devname);
			if (rc != CLI_OK)
				goto out;
		}
		rc = password_step(&en, pwfile, seedfile, &asked);
		if (rc != CLI_OK)
			goto out;
		if (!asked) {
			if (!ctx->json)
				fputs("finish with a code from it: custos "
				    "enrol LINK --totp CODE\n", stdout);
			rc = CLI_OK;
			goto out;
		}
	}
	rc = totp_step(&en, totp);
out:
	json_decref(en.opened);
	sodium_memzero(en.token, sizeof(en.token));
	return rc;
}
