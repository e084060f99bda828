/* SPDX-License-Identifier: ISC */
/*
 * cmd_auth.c: the device key and the sessions: keygen, pubkey, login,
 * logout, and tenant-login (a tenant admin's one-step login, no device).
 *
 * Login is two calls, the device first.  POST /v1/auth/login takes the
 * username and device id and hands back a challenge; the device key signs
 * the exact bytes of that challenge and POST /v1/auth/verify checks the
 * signature, then the password and the TOTP code, and issues the session
 * token, kept in session.json.
 * The secret key and the password stay in wiped memory; the token is
 * never printed.
 */
/* checksrc: memcmp ok */ /* public bytes only: option names, prefixes */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "cli/session.h"
#include "common/str.h"

#define PASSWORD_MAX 1024
#define PASSWORD_FILE_MAX 4096
#define TOTP_MAX 16
#define CHALLENGE_MAX 4096
/* Signed only when it carries custos's login domain: the key never signs
 * bytes a server could reuse for anything else. */
#define CHALLENGE_PREFIX "custos-login-"
#define PUBKEY_B64_LEN \
	sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, \
	    sodium_base64_VARIANT_ORIGINAL)
#define SIG_B64_LEN \
	sodium_base64_ENCODED_LEN(crypto_sign_BYTES, \
	    sodium_base64_VARIANT_ORIGINAL)

/*
 * The one mutable global of the CLI: a signal that arrived while the
 * terminal's echo was off.  A handler can reach nothing else; the prompt
 * restores the terminal and then lets the signal do what it does.
 */
static volatile sig_atomic_t tty_signo;

static void
on_tty_signal(int sig)
{
	tty_signo = sig;
}

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSIGNALS (sizeof(tty_signals) / sizeof(tty_signals[0]))

/*
 * Asks for one line on /dev/tty (echo off unless echo) into out, a secret
 * buffer with its cap.  Returns 0, or -1 after printing why.
 */
static int
tty_ask(const char *prompt, int echo, struct buf *out)
{
	struct sigaction sa, old[NSIGNALS];
	struct termios saved, quiet;
	int fd, rc = -1, restore = 0;
	size_t i;
	ssize_t n;
	char c;

	buf_reset(out);
	memset(&saved, 0, sizeof(saved));
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		cli_warn("no terminal to ask on: %s", strerror(errno));
		return -1;
	}
	tty_signo = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tty_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: read() must return so the terminal is restored. */
	for (i = 0; i < NSIGNALS; i++)
		(void)sigaction(tty_signals[i], &sa, &old[i]);
	if (!echo) {
		if (tcgetattr(fd, &saved) == -1) {
			cli_warn("/dev/tty: %s", strerror(errno));
			goto out;
		}
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1) {
			cli_warn("/dev/tty: %s", strerror(errno));
			goto out;
		}
		restore = 1;
	}
	if (write(fd, prompt, strlen(prompt)) == -1) {
		cli_warn("/dev/tty: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR && tty_signo == 0)
			continue;
		if (n == -1) {
			if (tty_signo == 0)
				cli_warn("/dev/tty: %s", strerror(errno));
			goto out;
		}
		if (n == 0 || c == '\n')
			break;
		if (c == '\r')
			continue;
		if (buf_append(out, &c, 1) == -1) {
			cli_warn("answer longer than %zu bytes", out->max);
			goto out;
		}
	}
	rc = 0;
out:
	c = 0;
	if (restore) {
		(void)tcsetattr(fd, TCSAFLUSH, &saved);
		if (write(fd, "\n", 1) == -1) {
			/* Only cosmetic: the line after the prompt. */
		}
	}
	for (i = 0; i < NSIGNALS; i++)
		(void)sigaction(tty_signals[i], &old[i], NULL);
	close(fd);
	if (tty_signo != 0) {
		buf_reset(out);
		(void)raise(tty_signo);
		return -1;
	}
	if (rc == -1)
		buf_reset(out);
	return rc;
}

int
cli_tty_present(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

/* The first line of fd (stdin) into text, a secret buffer with its cap.
 * Returns 0, or -1 after printing why. */
static int
line_from_fd(int fd, struct buf *text, const char *what)
{
	char c;
	ssize_t n;

	buf_reset(text);
	for (;;) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_warn("%s: %s", what, strerror(errno));
			sodium_memzero(&c, sizeof(c));
			return -1;
		}
		if (n == 0 || c == '\n')
			break;
		if (buf_append(text, &c, 1) == -1) {
			cli_warn("%s: a line longer than %zu bytes", what,
			    text->max);
			sodium_memzero(&c, sizeof(c));
			return -1;
		}
	}
	sodium_memzero(&c, sizeof(c));
	return 0;
}

/*
 * The password: --password-file (first line), --password-stdin (first
 * line of stdin), CUSTOS_PASSWORD, or asked for on the terminal without
 * echo.  With no terminal and none of those it is a usage error naming
 * both options.  Returns an enum cli_exit.
 */
static int
password_get(struct cli *ctx, const char *file, int from_stdin,
    struct buf *pw);

int
cli_password_get(struct cli *ctx, const char *file, struct buf *pw)
{
	return password_get(ctx, file, 0, pw);
}

static int
password_get(struct cli *ctx, const char *file, int from_stdin,
    struct buf *pw)
{
	struct buf text;
	const char *env;
	char *nl;
	int rc = CLI_FAIL;

	buf_init_secret(&text, PASSWORD_FILE_MAX);
	buf_reset(pw);
	if (file != NULL && from_stdin) {
		rc = cli_usage(ctx, "give --password-file or --password-stdin, "
		    "not both");
		goto out;
	}
	if (file != NULL || from_stdin) {
		if (file != NULL && cli_read_file(&text, file, 0) == -1)
			goto out;
		if (from_stdin && line_from_fd(0, &text, "stdin") == -1)
			goto out;
		nl = memchr(text.data, '\n', text.len);
		text.len = nl != NULL ? (size_t)(nl - text.data) : text.len;
		if (text.len > 0 && text.data[text.len - 1] == '\r')
			text.len--;
		if (buf_append(pw, text.data, text.len) == -1) {
			rc = cli_usage(ctx, "%s: password longer than %zu "
			    "bytes", file != NULL ? file : "stdin", pw->max);
			goto out;
		}
	} else if ((env = getenv("CUSTOS_PASSWORD")) != NULL) {
		if (buf_puts(pw, env) == -1) {
			rc = cli_usage(ctx, "CUSTOS_PASSWORD longer than %zu "
			    "bytes", pw->max);
			goto out;
		}
	} else if (!cli_tty_present()) {
		rc = cli_usage(ctx, "no password: there is no terminal to ask "
		    "on; give --password-file FILE or --password-stdin");
		goto out;
	} else if (tty_ask("Password: ", 0, pw) == -1) {
		goto out;
	}
	if (pw->len == 0 || memchr(pw->data, '\0', pw->len) != NULL) {
		rc = cli_usage(ctx, "the password is empty");
		goto out;
	}
	rc = CLI_OK;
out:
	buf_cleanup(&text);
	return rc;
}

/* The TOTP code: given or asked for; spaces dropped, 6 to 8 digits. */
int
cli_totp_get(struct cli *ctx, const char *given, struct buf *code)
{
	struct buf raw;
	size_t i;
	int rc = CLI_USAGE;

	buf_init_secret(&raw, TOTP_MAX * 2);
	buf_reset(code);
	if (given != NULL) {
		if (buf_puts(&raw, given) == -1) {
			rc = cli_usage(ctx, "the TOTP code is too long");
			goto out;
		}
	} else if (!cli_tty_present()) {
		cli_warn("no TOTP code: there is no terminal to ask on; give "
		    "--totp CODE");
		rc = CLI_FAIL;
		goto out;
	} else if (tty_ask("TOTP code: ", 1, &raw) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	for (i = 0; i < raw.len; i++) {
		if (raw.data[i] == ' ')
			continue;
		if (raw.data[i] < '0' || raw.data[i] > '9' ||
		    buf_append(code, &raw.data[i], 1) == -1) {
			rc = cli_usage(ctx, "the TOTP code must be digits");
			goto out;
		}
	}
	if (code->len < 6 || code->len > 8) {
		rc = cli_usage(ctx, "the TOTP code must be 6 to 8 digits");
		goto out;
	}
	rc = CLI_OK;
out:
	buf_cleanup(&raw);
	return rc;
}

static int
factors_want_totp(const json_t *answer)
{
	const json_t *f = json_object_get(answer, "factors"), *v;
	size_t i;

	if (!json_is_array(f))
		return 1;       /* not said: assume the usual second factor */
	json_array_foreach(f, i, v)
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), "totp") == 0)
			return 1;
	return 0;
}

/* Loads the device key; a missing key is a file error with a hint. */
static int
devkey_need(struct cli *ctx, unsigned char **sk)
{
	int r = cli_devkey_load(ctx, sk);

	if (r == 1)
		return CLI_OK;
	if (r == 0)
		cli_warn("no device key: run 'custos keygen' and have the "
		    "operator register its public key");
	return CLI_FAIL;
}

static void
pubkey_print(const struct cli *ctx, const unsigned char *pk,
    const char *path)
{
	char b64[PUBKEY_B64_LEN];
	json_t *v;

	sodium_bin2base64(b64, sizeof(b64), pk, crypto_sign_PUBLICKEYBYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	if (!ctx->json) {
		printf("%s\n", b64);
		return;
	}
	v = path != NULL ? json_pack("{s:s, s:s}", "public_key", b64, "path",
	    path) : json_pack("{s:s}", "public_key", b64);
	if (v != NULL)
		cli_json_print(v);
	json_decref(v);
}

/* keygen [--force]: makes device.key (never over an old one without
 * --force) and prints the public key to register. */
int
cmd_keygen(struct cli *ctx, int argc, char **argv)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char path[CLI_PATH_MAX];
	char *pos[1];
	int force = 0, npos, rc, r;
	const struct cli_opt opts[] = {
		{ "force", NULL, &force },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	if (cli_config_path(ctx, path, sizeof(path), "device.key", 0) == -1)
		return CLI_FAIL;
	r = cli_devkey_create(ctx, force, pk);
	if (r == -1)
		return CLI_FAIL;
	if (r == 1) {
		cli_warn("%s exists; --force replaces it (and the device "
		    "registered with the old key can no longer log in)", path);
		return CLI_NEGATIVE;
	}
	pubkey_print(ctx, pk, path);
	if (!ctx->json)
		fprintf(stderr, "custos: wrote %s; have the operator register "
		    "the public key above\n", path);
	return CLI_OK;
}

/* pubkey: prints the public half of device.key. */
int
cmd_pubkey(struct cli *ctx, int argc, char **argv)
{
	unsigned char *sk = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	rc = devkey_need(ctx, &sk);
	if (rc != CLI_OK)
		return rc;
	pubkey_print(ctx, sk + crypto_sign_SEEDBYTES, NULL);
	cli_devkey_free(sk);
	return CLI_OK;
}

/* Signs the challenge of the first step; sig_b64 gets the base64. */
static int
challenge_sign(char sig_b64[SIG_B64_LEN], const json_t *a1,
    const unsigned char *sk)
{
	unsigned char sig[crypto_sign_BYTES];
	const json_t *ch = json_object_get(a1, "challenge");
	const char *s;
	size_t n;

	if (!json_is_string(ch)) {
		cli_warn("the server sent no challenge");
		return -1;
	}
	s = json_string_value(ch);
	n = json_string_length(ch);
	if (n > CHALLENGE_MAX || n < sizeof(CHALLENGE_PREFIX) - 1 ||
	    memcmp(s, CHALLENGE_PREFIX, sizeof(CHALLENGE_PREFIX) - 1) != 0) {
		cli_warn("refusing to sign a challenge that does not start "
		    "with '%s'", CHALLENGE_PREFIX);
		return -1;
	}
	if (crypto_sign_detached(sig, NULL, (const unsigned char *)s, n,
	    sk) != 0) {
		cli_warn("cannot sign the challenge");
		return -1;
	}
	sodium_bin2base64(sig_b64, SIG_B64_LEN, sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

/*
 * The end of a login: the answer's token becomes the run's and is saved
 * with its end (session.json), then said, naming tenant when it is a
 * tenant's login.  An enum cli_exit.
 */
static int
session_start(struct cli *ctx, const json_t *a, const char *username,
    const char *tenant)
{
	const char *token = json_string_value(json_object_get(a, "token"));
	const char *expires = json_string_value(json_object_get(a,
	    "expires_at"));
	json_t *shown;

	if (token == NULL) {
		cli_warn("the server sent no token");
		return CLI_FAIL;
	}
	if (expires == NULL)
		expires = "";
	if (cli_token_set(ctx, token, strlen(token)) == -1 ||
	    cli_session_save(ctx, ctx->conn.server, username, ctx->conn.token,
	    expires, tenant != NULL ? "tenant" : "engineer") == -1)
		return CLI_FAIL;
	if (ctx->json) {
		shown = tenant != NULL ? json_pack("{s:s, s:s, s:s, s:s}",
		    "username", username, "tenant", tenant, "server",
		    ctx->conn.server, "expires_at", expires) :
		    json_pack("{s:s, s:s, s:s}", "username", username,
		    "server", ctx->conn.server, "expires_at", expires);
		if (shown != NULL)
			cli_json_print(shown);
		json_decref(shown);
		return CLI_OK;
	}
	fputs("logged in", stdout);
	if (tenant != NULL) {
		fputs(" to tenant ", stdout);
		cli_put(stdout, tenant, 0);
	}
	fputs(", session ends ", stdout);
	cli_put(stdout, expires[0] != '\0' ? expires : "(not said)", 0);
	fputc('\n', stdout);
	return CLI_OK;
}

/* --device's default: the device `custos enrol` registered here. */
static int
device_saved(struct cli *ctx, struct buf *out)
{
	char path[CLI_PATH_MAX];
	size_t n;

	if (cli_config_path(ctx, path, sizeof(path), CLI_DEVICE_ID_FILE,
	    0) == -1)
		return CLI_FAIL;
	if (access(path, F_OK) == -1)
		return cli_usage(ctx, "--device is required (no device was "
		    "enrolled here with 'custos enrol')");
	if (cli_read_file(out, path, 1) == -1)
		return CLI_FAIL;
	n = out->len > 0 ? strcspn(out->data, "\r\n") : 0;
	if (n == 0)
		return cli_usage(ctx, "%s: no device id in it", path);
	out->data[n] = '\0';
	out->len = n;
	return CLI_OK;
}

/* login: the two-step engineer login; saves the session on success.
 * The password and secret key are wiped whatever happens. */
int
cmd_login(struct cli *ctx, int argc, char **argv)
{
	const char *username = NULL, *device = NULL, *pwfile = NULL,
	    *totp = NULL, *login_id;
	char sig_b64[SIG_B64_LEN];
	unsigned char *sk = NULL;
	struct buf pw, code, answer, devbuf;
	json_t *body = NULL, *a1 = NULL, *a2 = NULL;
	char *pos[1];
	int npos, rc, pwstdin = 0;
	const struct cli_opt opts[] = {
		{ "username", &username, NULL },
		{ "device", &device, NULL },
		{ "password-file", &pwfile, NULL },
		{ "password-stdin", NULL, &pwstdin },
		{ "totp", &totp, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init_secret(&pw, PASSWORD_MAX);
	buf_init_secret(&code, TOTP_MAX);
	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	buf_init(&devbuf, CLI_DEVICE_ID_MAX + 1);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (npos == 1 && username != NULL) {
		rc = cli_usage(ctx, "give the username once (USERNAME or "
		    "--username)");
		goto out;
	}
	if (npos == 1)
		username = pos[0];
	if (username == NULL) {
		rc = cli_usage(ctx, "USERNAME (or --username) is required");
		goto out;
	}
	if (device == NULL) {
		rc = device_saved(ctx, &devbuf);
		if (rc != CLI_OK)
			goto out;
		device = devbuf.data;
	}
	if (username[0] == '\0' || device[0] == '\0') {
		rc = cli_usage(ctx, "--username and --device must not be "
		    "empty");
		goto out;
	}
	/* The key first: no point asking for a password without it. */
	rc = devkey_need(ctx, &sk);
	if (rc != CLI_OK)
		goto out;
	rc = password_get(ctx, pwfile, pwstdin, &pw);
	if (rc != CLI_OK)
		goto out;

	ctx->conn.anonymous = 1;
	rc = CLI_FAIL;
	body = json_pack("{s:s, s:s}", "username", username, "device",
	    device);
	if (body == NULL) {
		rc = cli_usage(ctx, "--username and --device must be UTF-8");
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "POST", "/v1/auth/login", body, &answer,
	    &a1);
	json_decref(body);
	body = NULL;
	if (rc != CLI_OK)
		goto out;
	rc = CLI_FAIL;
	login_id = json_string_value(json_object_get(a1, "login_id"));
	if (login_id == NULL) {
		cli_warn("the server sent no login_id");
		goto out;
	}
	if (challenge_sign(sig_b64, a1, sk) == -1)
		goto out;
	if (totp != NULL || factors_want_totp(a1)) {
		rc = cli_totp_get(ctx, totp, &code);
		if (rc != CLI_OK)
			goto out;
		rc = CLI_FAIL;
		body = json_pack("{s:s, s:s%, s:s, s:s}", "login_id",
		    login_id, "password", pw.data, pw.len, "totp", code.data,
		    "device_signature", sig_b64);
	} else {
		body = json_pack("{s:s, s:s%, s:s}", "login_id", login_id,
		    "password", pw.data, pw.len, "device_signature", sig_b64);
	}
	buf_cleanup(&pw);
	if (body == NULL) {
		cli_warn("the password must be UTF-8");
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "POST", "/v1/auth/verify", body, &answer,
	    &a2);
	if (rc != CLI_OK)
		goto out;
	rc = session_start(ctx, a2, username, NULL);
out:
	ctx->conn.anonymous = 0;
	sodium_memzero(sig_b64, sizeof(sig_b64));
	json_decref(a2);
	json_decref(a1);
	json_decref(body);
	cli_devkey_free(sk);
	buf_cleanup(&devbuf);
	buf_cleanup(&answer);
	buf_cleanup(&code);
	buf_cleanup(&pw);
	return rc;
}

/* logout: ends the session on the server, then forgets the saved one
 * (kept when the server could not be reached, so a retry can end it). */
int
cmd_logout(struct cli *ctx, int argc, char **argv)
{
	struct buf answer;
	char *pos[1];
	long status;
	int npos, rc, r;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	if (ctx->conn.token == NULL) {
		r = cli_session_remove(ctx);
		if (r == -1)
			return CLI_FAIL;
		if (ctx->json)
			printf("{\"logged_out\": false, \"had_ended\": "
			    "false}\n");
		else
			printf("not logged in\n");
		return CLI_OK;
	}
	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	if (cli_http_send(&ctx->conn, "POST", "/v1/auth/logout", "{}", 2, NULL,
	    &status, &answer) == -1) {
		/* Keep session.json: the session still lives; retry later. */
		rc = CLI_FAIL;
		goto out;
	}
	if (status == 401) {
		rc = CLI_OK;    /* it had ended already */
	} else {
		rc = cli_http_exit(status);
		if (rc != CLI_OK) {
			cli_http_print_error(&ctx->conn, status, &answer);
			goto out;
		}
	}
	/* Only the saved session is forgotten, not one given by --token. */
	if (ctx->conn.token_from_session && cli_session_remove(ctx) == -1) {
		rc = CLI_FAIL;
		goto out;
	}
	if (ctx->json)
		printf("{\"logged_out\": true, \"had_ended\": %s}\n",
		    status == 401 ? "true" : "false");
	else
		printf(status == 401 ? "logged out (the session had already "
		    "ended)\n" : "logged out\n");
out:
	buf_cleanup(&answer);
	return rc;
}

/*
 * Shows the otpauth:// URI of an enrolment on the terminal only: it holds
 * the user's new TOTP secret, which must not land in a pipe, a file or a
 * script's log.  Unbuffered, so no stdio buffer keeps a copy.  Returns
 * an enum cli_exit: CLI_NEGATIVE once shown (the user is not logged in).
 */
static int
enrolment_show(const char *tenant, const char *username, const char *uri)
{
	FILE *tty;
	int fd;

	if (uri == NULL) {
		cli_warn("the server asks for MFA enrolment but sent no "
		    "totp_uri");
		return CLI_FAIL;
	}
	fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		cli_warn("MFA enrolment: the server sent a new authenticator "
		    "secret, but there is no terminal to show it on (it is "
		    "never printed elsewhere); run tenant-login again on a "
		    "terminal");
		return CLI_FAIL;
	}
	tty = fdopen(fd, "w");
	if (tty == NULL) {
		cli_warn("/dev/tty: %s", strerror(errno));
		close(fd);
		return CLI_FAIL;
	}
	setvbuf(tty, NULL, _IONBF, 0);
	fputs("MFA enrolment: add this to your authenticator app (the URI "
	    "holds your\nnew secret; it is shown here only, and saved "
	    "nowhere):\n\n  ", tty);
	cli_put(tty, uri, 0);
	fputs("\n\nThen log in again with a code from it:\n  custos "
	    "tenant-login ", tty);
	cli_put(tty, tenant, 0);
	fputs(" --username ", tty);
	cli_put(tty, username, 0);
	fputs(" --totp CODE\n", tty);
	fclose(tty);
	return CLI_NEGATIVE;
}

/*
 * tenant-login TENANT --username USER [--password-file FILE] [--totp
 * CODE]: a tenant admin's (or user's) one-step login.  The session is
 * saved as login saves an engineer's, replacing any saved before.
 * Without --totp the code is asked on the terminal, and an empty answer
 * sends none: after an MFA reset the server then starts enrolment.
 */
int
cmd_tenant_login(struct cli *ctx, int argc, char **argv)
{
	const char *username = NULL, *pwfile = NULL, *totp = NULL;
	struct buf pw, code, raw, answer, path;
	json_t *body = NULL, *a = NULL;
	char *pos[2];
	int npos, rc, pwstdin = 0;
	const struct cli_opt opts[] = {
		{ "username", &username, NULL },
		{ "password-file", &pwfile, NULL },
		{ "password-stdin", NULL, &pwstdin },
		{ "totp", &totp, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init_secret(&pw, PASSWORD_MAX);
	buf_init_secret(&code, TOTP_MAX);
	buf_init_secret(&raw, TOTP_MAX * 2);
	buf_init_secret(&answer, CLI_HTTP_ANSWER_MAX);
	buf_init(&path, CLI_URL_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (npos == 2 && username != NULL) {
		rc = cli_usage(ctx, "give the username once (USERNAME or "
		    "--username)");
		goto out;
	}
	if (npos == 2)
		username = pos[1];
	if (username == NULL || username[0] == '\0') {
		rc = cli_usage(ctx, "USERNAME (or --username) is required");
		goto out;
	}
	if (buf_puts(&path, "/v1/tenants/") == -1 ||
	    cli_path_segment(ctx, &path, "tenant", pos[0]) == -1 ||
	    buf_puts(&path, "/auth/login") == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = password_get(ctx, pwfile, pwstdin, &pw);
	if (rc != CLI_OK)
		goto out;
	if (totp != NULL) {
		rc = cli_totp_get(ctx, totp, &code);
	} else if (!cli_tty_present()) {
		cli_warn("no TOTP code: there is no terminal to ask on; give "
		    "--totp CODE");
		rc = CLI_FAIL;
	} else if (tty_ask("TOTP code (empty if you have none yet): ", 1,
	    &raw) == -1) {
		rc = CLI_FAIL;
	} else if (raw.len > 0) {
		rc = cli_totp_get(ctx, raw.data, &code);
	}
	buf_cleanup(&raw);
	if (rc != CLI_OK)
		goto out;

	ctx->conn.anonymous = 1;
	body = code.len > 0 ? json_pack("{s:s, s:s%, s:s}", "username",
	    username, "password", pw.data, pw.len, "totp", code.data) :
	    json_pack("{s:s, s:s%}", "username", username, "password",
	    pw.data, pw.len);
	buf_cleanup(&pw);
	buf_cleanup(&code);
	if (body == NULL) {
		rc = cli_usage(ctx, "--username and the password must be "
		    "UTF-8");
		goto out;
	}
	rc = cli_http_json(&ctx->conn, "POST", path.data, body, &answer, &a);
	if (rc != CLI_OK)
		goto out;
	if (json_is_true(json_object_get(a, "enrolment_required"))) {
		rc = enrolment_show(pos[0], username,
		    json_string_value(json_object_get(a, "totp_uri")));
		if (ctx->json && rc == CLI_NEGATIVE)
			printf("{\"enrolment_required\": true}\n");
		goto out;
	}
	rc = session_start(ctx, a, username, pos[0]);
out:
	ctx->conn.anonymous = 0;
	json_decref(a);
	json_decref(body);
	buf_cleanup(&path);
	buf_cleanup(&answer);
	buf_cleanup(&raw);
	buf_cleanup(&code);
	buf_cleanup(&pw);
	return rc;
}
