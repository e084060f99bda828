/* SPDX-License-Identifier: ISC */
/*
 * session.c: the config dir, session.json and device.key.
 */
#include "cli/session.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/jsonx.h"
#include "common/str.h"

#define SESSION_FILE "session.json"
#define DEVKEY_FILE "device.key"
#define DEVKEY_B64_LEN \
	sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES, \
	    sodium_base64_VARIANT_ORIGINAL)

static int
config_dir(const struct cli *ctx, char *out, size_t size)
{
	const char *env, *home;
	struct passwd *pw;

	if (ctx->config_dir != NULL)
		return str_copy(out, size, ctx->config_dir);
	env = getenv("CUSTOS_CONFIG_DIR");
	if (env != NULL && env[0] != '\0')
		return str_copy(out, size, env);
	/* XDG: a relative XDG_CONFIG_HOME is invalid and ignored. */
	env = getenv("XDG_CONFIG_HOME");
	if (env != NULL && env[0] == '/')
		return str_printf(out, size, "%s/custos", env);
	home = getenv("HOME");
	if (home == NULL || home[0] == '\0') {
		pw = getpwuid(getuid());
		if (pw == NULL || pw->pw_dir == NULL)
			return -1;
		home = pw->pw_dir;
	}
	return str_printf(out, size, "%s/.config/custos", home);
}

/* mkdir -p, mode 0700 for what it makes. */
static int
make_dirs(char *path)
{
	struct stat st;
	char *p;

	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, S_IRWXU) == -1 && errno != EEXIST) {
				cli_warn("%s: %s", path, strerror(errno));
				*p = c;
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	if (stat(path, &st) == -1) {
		cli_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		cli_warn("%s: not a directory", path);
		return -1;
	}
	return 0;
}

int
cli_config_path(const struct cli *ctx, char *out, size_t size,
    const char *name, int create)
{
	char dir[CLI_PATH_MAX];

	if (config_dir(ctx, dir, sizeof(dir)) == -1) {
		cli_warn("cannot tell the config dir: set CUSTOS_CONFIG_DIR "
		    "or HOME, or give --config-dir");
		return -1;
	}
	if (create && make_dirs(dir) == -1)
		return -1;
	if (str_printf(out, size, "%s/%s", dir, name) == -1) {
		cli_warn("%s: path too long", dir);
		return -1;
	}
	return 0;
}

int
cli_token_set(struct cli *ctx, const char *tok, size_t len)
{
	size_t i;
	char *t;

	if (len == 0 || len > CLI_TOKEN_MAX) {
		cli_warn("the token must be 1 to %d bytes long",
		    CLI_TOKEN_MAX);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (tok[i] <= 0x20 || tok[i] >= 0x7f) {
			cli_warn("the token may hold only printable ASCII "
			    "without spaces");
			return -1;
		}
	t = sodium_malloc(len + 1);
	if (t == NULL) {
		cli_warn("out of memory");
		return -1;
	}
	memcpy(t, tok, len);
	t[len] = '\0';
	cli_secret_free(ctx->conn.token);
	ctx->conn.token = t;
	return 0;
}

void
cli_secret_free(char *s)
{
	if (s != NULL)
		sodium_free(s);         /* wipes */
}

static void
session_init(struct cli_session *s)
{
	s->server[0] = '\0';
	s->username[0] = '\0';
	s->expires_at[0] = '\0';
	s->role[0] = '\0';
	s->token = NULL;
}

int
cli_session_load(const struct cli *ctx, struct cli_session *s)
{
	const char *server, *username, *token, *expires, *role = NULL;
	char path[CLI_PATH_MAX];
	struct buf text;
	struct err e;
	json_t *v = NULL;
	int rc = -1;

	session_init(s);
	err_init(&e);
	buf_init_secret(&text, CLI_SESSION_MAX);
	if (cli_config_path(ctx, path, sizeof(path), SESSION_FILE, 0) == -1)
		goto out;
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		rc = 0;
		goto out;
	}
	if (cli_read_file(&text, path, 1) == -1)
		goto out;
	v = jx_parse_object(text.data, text.len, &e);
	if (v == NULL ||
	    jx_str(&server, v, "server", 1, CLI_URL_MAX - 1, JX_REQUIRED |
	    JX_CLEAN, &e) == -1 ||
	    jx_str(&token, v, "token", 1, CLI_TOKEN_MAX, JX_REQUIRED |
	    JX_CLEAN, &e) == -1 ||
	    jx_str(&username, v, "username", 0, CLI_NAME_MAX - 1, JX_CLEAN,
	    &e) == -1 ||
	    jx_str(&expires, v, "expires_at", 0, sizeof(s->expires_at) - 1,
	    JX_CLEAN, &e) == -1 ||
	    jx_str(&role, v, "role", 0, sizeof(s->role) - 1, JX_CLEAN,
	    &e) == -1) {
		cli_warn("%s: %s", path, e.msg);
		goto out;
	}
	if (str_copy(s->server, sizeof(s->server), server) == -1 ||
	    str_copy(s->username, sizeof(s->username),
	    username != NULL ? username : "") == -1 ||
	    str_copy(s->expires_at, sizeof(s->expires_at),
	    expires != NULL ? expires : "") == -1 ||
	    str_copy(s->role, sizeof(s->role), role != NULL ? role : "") == -1)
		goto out;
	s->token = sodium_malloc(strlen(token) + 1);
	if (s->token == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	memcpy(s->token, token, strlen(token) + 1);
	rc = 1;
out:
	json_decref(v);
	buf_cleanup(&text);
	if (rc != 1) {
		cli_session_cleanup(s);
		session_init(s);
	}
	return rc;
}

void
cli_session_cleanup(struct cli_session *s)
{
	cli_secret_free(s->token);
	s->token = NULL;
}

int
cli_session_save(const struct cli *ctx, const char *server,
    const char *username, const char *token, const char *expires_at,
    const char *role)
{
	char path[CLI_PATH_MAX];
	struct buf text;
	json_t *v;
	int rc = -1;

	buf_init_secret(&text, CLI_SESSION_MAX);
	v = json_pack("{s:s, s:s, s:s, s:s, s:s}", "server", server, "token",
	    token, "expires_at", expires_at, "username", username, "role",
	    role);
	if (v == NULL || cli_json_dump(&text, v) == -1 ||
	    buf_append(&text, "\n", 1) == -1) {
		cli_warn("cannot encode the session");
		goto out;
	}
	if (cli_config_path(ctx, path, sizeof(path), SESSION_FILE, 1) == -1 ||
	    cli_write_file(path, text.data, text.len, 0) != 0)
		goto out;
	rc = 0;
out:
	json_decref(v);
	buf_cleanup(&text);
	return rc;
}

int
cli_session_remove(const struct cli *ctx)
{
	char path[CLI_PATH_MAX];

	if (cli_config_path(ctx, path, sizeof(path), SESSION_FILE, 0) == -1)
		return -1;
	if (unlink(path) == -1) {
		if (errno == ENOENT)
			return 1;
		cli_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
cli_devkey_load(const struct cli *ctx, unsigned char **skp)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *sk = NULL, *check = NULL;
	char path[CLI_PATH_MAX];
	struct buf text;
	struct stat st;
	size_t n = 0;
	int rc = -1;

	*skp = NULL;
	buf_init_secret(&text, CLI_DEVKEY_MAX);
	if (cli_config_path(ctx, path, sizeof(path), DEVKEY_FILE, 0) == -1)
		goto out;
	if (lstat(path, &st) == -1 && errno == ENOENT) {
		rc = 0;
		goto out;
	}
	if (cli_read_file(&text, path, 1) == -1)
		goto out;
	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	check = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (sk == NULL || check == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	if (sodium_base642bin(sk, crypto_sign_SECRETKEYBYTES, text.data,
	    text.len, " \t\r\n", &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != crypto_sign_SECRETKEYBYTES) {
		cli_warn("%s: not a base64 Ed25519 secret key", path);
		goto out;
	}
	/* The second half is the public key: it must come from the seed. */
	if (crypto_sign_seed_keypair(pk, check, sk) != 0 ||
	    sodium_memcmp(pk, sk + crypto_sign_SEEDBYTES,
	    crypto_sign_PUBLICKEYBYTES) != 0) {
		cli_warn("%s: damaged key (public half does not match)", path);
		goto out;
	}
	*skp = sk;
	sk = NULL;
	rc = 1;
out:
	if (sk != NULL)
		sodium_free(sk);
	if (check != NULL)
		sodium_free(check);
	buf_cleanup(&text);
	return rc;
}

int
cli_devkey_create(const struct cli *ctx, int force,
    unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	char path[CLI_PATH_MAX];
	unsigned char *sk;
	char *b64 = NULL;
	int rc = -1, w;

	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	b64 = sodium_malloc(DEVKEY_B64_LEN + 1);
	if (sk == NULL || b64 == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	if (cli_config_path(ctx, path, sizeof(path), DEVKEY_FILE, 1) == -1)
		goto out;
	if (crypto_sign_keypair(pk, sk) != 0) {
		cli_warn("cannot make a key pair");
		goto out;
	}
	sodium_bin2base64(b64, DEVKEY_B64_LEN, sk, crypto_sign_SECRETKEYBYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	/* DEVKEY_B64_LEN counts the NUL: put the newline there. */
	b64[DEVKEY_B64_LEN - 1] = '\n';
	w = cli_write_file(path, b64, DEVKEY_B64_LEN, !force);
	if (w == -1)
		goto out;
	rc = w;
out:
	if (b64 != NULL)
		sodium_free(b64);
	if (sk != NULL)
		sodium_free(sk);
	return rc;
}

void
cli_devkey_free(unsigned char *sk)
{
	if (sk != NULL)
		sodium_free(sk);
}
