/* SPDX-License-Identifier: ISC */
/*
 * session: what the CLI keeps between runs, in the user's config dir
 * ($CUSTOS_CONFIG_DIR, else $XDG_CONFIG_HOME/custos, else
 * ~/.config/custos; made 0700 when first written):
 *
 *   device.key    this device's Ed25519 secret key (64 bytes, base64), 0600
 *   session.json  {server, token, expires_at, username} after login, 0600
 *
 * Both are read with O_NOFOLLOW and a size cap and replaced by
 * write-temp-then-rename.  Secrets are held in sodium_malloc memory.
 */
#ifndef CUSTOS_CLI_SESSION_H
#define CUSTOS_CLI_SESSION_H

#include <sodium.h>
#include <stddef.h>

#include "cli/cli.h"

#define CLI_PATH_MAX 4096
#define CLI_SESSION_MAX 65536           /* cap on session.json */
#define CLI_DEVKEY_MAX 1024             /* cap on device.key */
#define CLI_NAME_MAX 256                /* username in session.json */
/* The id of the device enrolled by `custos enrol` (login's default). */
#define CLI_DEVICE_ID_FILE "device.id"
#define CLI_DEVICE_ID_MAX 64

struct cli_session {
	char server[CLI_URL_MAX];
	char username[CLI_NAME_MAX];
	char expires_at[64];
	char role[16];          /* "engineer", "tenant", or "" (older) */
	char *token;            /* sodium_malloc'd; NULL when none */
};

/*
 * Writes the path of name inside the config dir into out[size]; with
 * create, the directory (and missing parents) are made, mode 0700.
 * Returns 0, or -1 after printing why.
 */
int cli_config_path(const struct cli *ctx, char *out, size_t size,
    const char *name, int create)
	__attribute__((warn_unused_result, nonnull));

/*
 * Checks tok (len bytes: a bearer token is printable ASCII without
 * spaces, at most CLI_TOKEN_MAX) and makes a sodium_malloc'd copy the
 * ctx owns, replacing any token it had.  Returns 0, or -1 after printing
 * why (never the token).
 */
int cli_token_set(struct cli *ctx, const char *tok, size_t len)
	__attribute__((warn_unused_result, nonnull));

/* Frees a string from sodium_malloc (the token); accepts NULL. */
void cli_secret_free(char *s);

/* Reads session.json into s.  Returns 1 when read, 0 when there is none,
 * -1 (printed) when it cannot be read or parsed; s is always usable and
 * must be cleaned up. */
int cli_session_load(const struct cli *ctx, struct cli_session *s)
	__attribute__((warn_unused_result, nonnull));
void cli_session_cleanup(struct cli_session *s);

/* Replaces session.json.  Returns 0, or -1 after printing why. */
int cli_session_save(const struct cli *ctx, const char *server,
    const char *username, const char *token, const char *expires_at,
    const char *role)
	__attribute__((warn_unused_result, nonnull));

/* Deletes session.json.  Returns 0, 1 when there was none, or -1. */
int cli_session_remove(const struct cli *ctx)
	__attribute__((warn_unused_result, nonnull));

/*
 * Loads device.key into *sk (crypto_sign_SECRETKEYBYTES in sodium_malloc
 * memory; release with cli_devkey_free) after checking that its public
 * half matches its seed.  Returns 1 when loaded, 0 when there is no key,
 * -1 after printing why.
 */
int cli_devkey_load(const struct cli *ctx, unsigned char **sk)
	__attribute__((warn_unused_result, nonnull));

/*
 * Makes a new device key and writes it to device.key; an existing key is
 * replaced only with force.  pk gets the public key.  Returns 0, 1 when a
 * key exists and force is not set, or -1 after printing why.
 */
int cli_devkey_create(const struct cli *ctx, int force,
    unsigned char pk[crypto_sign_PUBLICKEYBYTES])
	__attribute__((warn_unused_result, nonnull));

void cli_devkey_free(unsigned char *sk);

#endif
