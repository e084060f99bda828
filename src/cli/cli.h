/* SPDX-License-Identifier: ISC */
/*
 * cli: what the commands of `custos` share.  main.c parses the global
 * options into a struct cli and calls one command function; each command
 * parses its own options with cli_args(), talks to custosd only over HTTP
 * (http.h) and returns one of the exit codes below.  Nothing here knows
 * the daemon's internals: the contract is docs/openapi.yaml.
 */
#ifndef CUSTOS_CLI_CLI_H
#define CUSTOS_CLI_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"

/* The exit codes are part of the contract (docs/cli.md). */
enum cli_exit {
	CLI_OK = 0,             /* done */
	CLI_NEGATIVE = 1,       /* the answer is no: HTTP 4xx, failed check */
	CLI_USAGE = 2,          /* bad command line or input file syntax */
	CLI_FAIL = 3,           /* server error, no connection, file error */
};

#define CLI_DEFAULT_SERVER "http://127.0.0.1:8443"
#define CLI_URL_MAX 2048
#define CLI_TOKEN_MAX 512       /* bearer token from argv, env or a file */
#define CLI_MAX_OPERANDS 8

struct cli;

/* A command: argv[0] is the command's name, the rest its arguments (global
 * options already removed).  Returns an enum cli_exit. */
typedef int (*cli_cmd_fn)(struct cli *ctx, int argc, char **argv);

struct cli_command {
	const char *name;
	cli_cmd_fn fn;
	const char *synopsis;   /* "users TENANT" */
	const char *summary;    /* one line for `custos help` */
	const char *help;       /* details for `custos CMD --help` */
	int net;                /* needs a server (and maybe a token) */
};

struct cli {
	const struct cli_command *cmd;  /* the command being run */
	int json;                       /* --json: machine output */
	int anonymous;                  /* send no token (login, log reads) */
	const char *config_dir;         /* --config-dir, or NULL */
	const char *cacert;             /* --cacert, or NULL */
	char server[CLI_URL_MAX];       /* base URL, no trailing '/' */
	char *token;                    /* sodium_malloc'd, or NULL */
	int token_from_session;         /* token came from session.json */
	struct cli_http *http;          /* lazily made; see http.h */
};

/* One option of a command.  Exactly one of arg and flag is set: arg for
 * "--name VALUE" / "--name=VALUE" (points into argv), flag for a switch. */
struct cli_opt {
	const char *name;               /* without the leading "--" */
	const char **arg;
	int *flag;
};

/*
 * Parses a command's arguments (argv[0] is the command's name) against
 * opts (ended by a zeroed entry).  Operands are stored in pos[0..*npos);
 * there must be between minpos and maxpos of them (maxpos <=
 * CLI_MAX_OPERANDS).  "--" ends the options.  Returns CLI_OK, or
 * CLI_USAGE after printing why.
 */
int cli_args(struct cli *ctx, int argc, char **argv,
    const struct cli_opt *opts, char **pos, int minpos, int maxpos,
    int *npos)
	__attribute__((warn_unused_result));

/* Prints "custos CMD: <message>" and the command's synopsis to stderr;
 * returns CLI_USAGE. */
int cli_usage(const struct cli *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "custos: <message>" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Reads a whole small file into out (which the caller initialised, with
 * its cap; use buf_init_secret for secrets).  Refuses symlinks when
 * nofollow, anything but a regular file, and files larger than the cap.
 * Returns 0, or -1 after printing why.
 */
int cli_read_file(struct buf *out, const char *path, int nofollow)
	__attribute__((warn_unused_result, nonnull));

/*
 * Writes data to path by way of a temporary file in the same directory
 * (mode 0600), fsync and rename, so a reader never sees half a file.
 * When noreplace, an existing path is left alone and 1 is returned.
 * Returns 0, 1, or -1 after printing why.
 */
int cli_write_file(const char *path, const void *data, size_t len,
    int noreplace)
	__attribute__((warn_unused_result, nonnull));

/* Writes s for a human: control characters (from the server, which got
 * them from someone else) become '?', so no escape sequence reaches the
 * terminal.  keep_lines lets newline and tab through (ticket bodies). */
void cli_put(FILE *f, const char *s, int keep_lines);

/* The text of obj[key] for display: strings as they are, integers and
 * booleans written out into tmp[32]; NULL when absent or null. */
const char *cli_jtext(const json_t *obj, const char *key, char tmp[32]);

/* Writes the server's answer as it came, with a final newline. */
void cli_put_raw(const struct buf *answer);

/* Prints a human view of a 2xx answer a; returns an enum cli_exit. */
typedef int (*cli_show_fn)(const json_t *a, const struct buf *answer);

/*
 * One call and its output: method on path with body (NULL: none), then
 * the answer as it came (--json) or through show.  Returns an enum
 * cli_exit; refusals were printed by http.c.
 */
int cli_call_show(struct cli *ctx, const char *method, const char *path,
    const json_t *body, cli_show_fn show);

/* Appends lit and then, when seg is given, seg as one escaped path
 * segment (what names it in errors).  Returns 0, or -1 after printing
 * why. */
int cli_path_add(const struct cli *ctx, struct buf *path, const char *lit,
    const char *what, const char *seg);

/* obj[key] when it is a string, else NULL. */
const char *cli_jstr(const json_t *obj, const char *key);

/* cli_put of s to stdout, "-" when NULL: one table cell or field. */
void cli_put_cell(const char *s);

/* Says the answer lacked what (and shows it as it came); CLI_FAIL. */
int cli_unexpected(const struct buf *answer, const char *what);

/* Serialises v compactly into out (a secret buffer the caller
 * initialised).  Returns 0 or -1. */
int cli_json_dump(struct buf *out, const json_t *v)
	__attribute__((warn_unused_result));

/* Prints v as indented JSON on stdout (for --json of local commands). */
void cli_json_print(const json_t *v);

/*
 * A table for human output: columns padded to their widest cell, two
 * spaces apart; cells are cleaned as cli_put does.  Opaque.
 */
struct cli_table;

struct cli_table *cli_table_new(size_t ncols, const char *const *headers);
/* Adds a row of ncols cells (NULL shows as "-").  Returns 0 or -1. */
int cli_table_add(struct cli_table *t, const char *const *cells)
	__attribute__((warn_unused_result));
void cli_table_print(const struct cli_table *t, FILE *f);
void cli_table_free(struct cli_table *t);

/* The commands, one family per file. */
int cmd_keygen(struct cli *ctx, int argc, char **argv);
int cmd_pubkey(struct cli *ctx, int argc, char **argv);
int cmd_login(struct cli *ctx, int argc, char **argv);
int cmd_logout(struct cli *ctx, int argc, char **argv);
int cmd_tickets(struct cli *ctx, int argc, char **argv);
int cmd_users(struct cli *ctx, int argc, char **argv);
int cmd_reset_password(struct cli *ctx, int argc, char **argv);
int cmd_reset_mfa(struct cli *ctx, int argc, char **argv);
int cmd_log(struct cli *ctx, int argc, char **argv);
int cmd_log_key(struct cli *ctx, int argc, char **argv);
int cmd_checkpoint(struct cli *ctx, int argc, char **argv);
int cmd_entry(struct cli *ctx, int argc, char **argv);
int cmd_proof(struct cli *ctx, int argc, char **argv);
int cmd_consistency(struct cli *ctx, int argc, char **argv);
int cmd_access_log(struct cli *ctx, int argc, char **argv);
int cmd_verify(struct cli *ctx, int argc, char **argv);
int cmd_seed(struct cli *ctx, int argc, char **argv);
int cmd_tenant_login(struct cli *ctx, int argc, char **argv);
int cmd_request_access(struct cli *ctx, int argc, char **argv);
int cmd_request(struct cli *ctx, int argc, char **argv);
int cmd_requests(struct cli *ctx, int argc, char **argv);
int cmd_approve(struct cli *ctx, int argc, char **argv);
int cmd_deny(struct cli *ctx, int argc, char **argv);
int cmd_revoke(struct cli *ctx, int argc, char **argv);
int cmd_ask_approval(struct cli *ctx, int argc, char **argv);
int cmd_approval(struct cli *ctx, int argc, char **argv);
int cmd_approve_second(struct cli *ctx, int argc, char **argv);
int cmd_deny_second(struct cli *ctx, int argc, char **argv);
int cmd_policy(struct cli *ctx, int argc, char **argv);
int cmd_break_glass(struct cli *ctx, int argc, char **argv);
int cmd_scope(struct cli *ctx, int argc, char **argv);
int cmd_import(struct cli *ctx, int argc, char **argv);
int cmd_alerts(struct cli *ctx, int argc, char **argv);
int cmd_contain(struct cli *ctx, int argc, char **argv);
int cmd_containments(struct cli *ctx, int argc, char **argv);
int cmd_working_hours(struct cli *ctx, int argc, char **argv);

#endif
