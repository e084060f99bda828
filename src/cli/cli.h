/* SPDX-License-Identifier: ISC */
/*
 * cli: what the commands of `custos` share.  main.c parses the global
 * options into a struct cli and calls one command function; each command
 * parses its own options with cli_args(), talks to custosd only over HTTP
 * (http.h, which needs nothing of this header) and returns one of the exit
 * codes of out.h.  Nothing here knows the daemon's internals: the contract
 * is docs/openapi.yaml.
 */
#ifndef CUSTOS_CLI_CLI_H
#define CUSTOS_CLI_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/http.h"
#include "cli/out.h"
#include "cli/table.h"
#include "common/buf.h"

#define CLI_DEFAULT_SERVER "http://127.0.0.1:8443"
#define CLI_MAX_OPERANDS 8

struct cli;

/* A command: argv[0] is the command's name, the rest its arguments (global
 * options already removed).  Returns an enum cli_exit. */
typedef int (*cli_cmd_fn)(struct cli *ctx, int argc, char **argv);

/* Who runs a command (main.c's command_roles).  0 there means anyone
 * (offline commands, public reads, login). */
enum cli_role {
	CLI_ROLE_ENGINEER = 1,          /* a support engineer's session */
	CLI_ROLE_TENANT = 2,            /* a tenant admin's (or user's) */
	CLI_ROLE_OPERATOR = 4,          /* an operator token (cop_...) */
};

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
	unsigned role;                  /* who this is (enum cli_role), 0
					 * when not known */
	int json;                       /* --json: machine output */
	const char *config_dir;         /* --config-dir, or NULL */
	struct cli_conn conn;           /* the server, the token (http.h) */
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

/* The text of obj[key] for display: strings as they are, integers and
 * booleans written out into tmp[32]; NULL when absent or null. */
const char *cli_jtext(const json_t *obj, const char *key, char tmp[32]);

/* Prints a human view of a 2xx answer a; returns an enum cli_exit. */
typedef int (*cli_show_fn)(const json_t *a, const struct buf *answer);

/*
 * One call and its output: method on path with body (NULL: none), then
 * the answer as it came (--json) or through show.  Returns an enum
 * cli_exit; refusals were printed by http.c.
 */
int cli_call_show(struct cli *ctx, const char *method, const char *path,
    const json_t *body, cli_show_fn show);

/*
 * Appends seg to path as one percent-escaped path segment.  Refuses (with
 * a usage message naming what) an empty segment, "." and "..", and
 * segments over 1024 bytes.  Returns 0, or -1 after printing why.
 */
int cli_path_segment(const struct cli *ctx, struct buf *path,
    const char *what, const char *seg)
	__attribute__((warn_unused_result, nonnull));

/* Appends lit and then, when seg is given, seg as one escaped path
 * segment (what names it in errors).  Returns 0, or -1 after printing
 * why. */
int cli_path_add(const struct cli *ctx, struct buf *path, const char *lit,
    const char *what, const char *seg);

/*
 * A time typed on the command line (common/when.h: RFC 3339, a date,
 * now/today/yesterday, -5d ...), for option --name: *t gets it in seconds
 * and out (RFC3339_LEN = 21 bytes) its RFC 3339 form, what the server is
 * sent.  Returns CLI_OK, or CLI_USAGE after a message naming the option,
 * the text and what is wrong.
 */
int cli_time(const struct cli *ctx, const char *name, const char *text,
    int64_t *t, char *out)
	__attribute__((warn_unused_result, nonnull));

/* obj[key] when it is a string, else NULL. */
const char *cli_jstr(const json_t *obj, const char *key);

/* cli_put of s to stdout, "-" when NULL: one table cell or field. */
void cli_put_cell(const char *s);

/* Prints v as indented JSON on stdout (for --json of local commands). */
void cli_json_print(const json_t *v);

/* Wipes the string obj[key] in place (a password, token or seed that
 * jansson holds) before obj is freed; anything else is left alone. */
void cli_json_wipe(json_t *obj, const char *key);

/* 1 when a terminal can be asked (/dev/tty opens), else 0. */
int cli_tty_present(void);

/* One entry of GET /v1/log/entries as a row INDEX TIME ACTOR ACTION
 * TENANT TARGET OUTCOME (cmd_log.c). */
void cli_log_row(struct cli_row *r, const json_t *en);

/* custos log --start N --end M: the range as it came (cmd_log.c). */
int cli_log_range(struct cli *ctx, int argc, char **argv);

/* The commands, one family per file. */
/*
 * The password for a login or an enrolment: --password-file's first line
 * (file), else $CUSTOS_PASSWORD, else asked on the terminal without echo.
 * pw is a secret buffer.  Returns an enum cli_exit.
 */
int cli_password_get(struct cli *ctx, const char *file, struct buf *pw)
	__attribute__((warn_unused_result));

/* A TOTP code: given, else asked on the terminal; 6 to 8 digits, spaces
 * dropped.  Returns an enum cli_exit. */
int cli_totp_get(struct cli *ctx, const char *given, struct buf *code)
	__attribute__((warn_unused_result));

int cmd_enrol(struct cli *ctx, int argc, char **argv);
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
int cmd_tenant_log_key(struct cli *ctx, int argc, char **argv);
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
/* issue 16, disclose (cmd_incident.c). */
int cmd_incident(struct cli *ctx, int argc, char **argv);
int cmd_working_hours(struct cli *ctx, int argc, char **argv);
int cmd_witness(struct cli *ctx, int argc, char **argv);
/* helper optok (issue 14): named operator tokens (cmd_optoken.c). */
int cmd_operator_token(struct cli *ctx, int argc, char **argv);
/* issue 14, helper dir: the directory, noun then verb (cmd_directory.c). */
int cmd_vendor(struct cli *ctx, int argc, char **argv);
int cmd_engineer(struct cli *ctx, int argc, char **argv);
int cmd_device(struct cli *ctx, int argc, char **argv);
int cmd_tenant(struct cli *ctx, int argc, char **argv);
int cmd_user(struct cli *ctx, int argc, char **argv);
int cmd_ticket(struct cli *ctx, int argc, char **argv);
int cmd_wait(struct cli *ctx, int argc, char **argv);

#endif
