/* SPDX-License-Identifier: ISC */
/*
 * out: the bottom of the CLI, what every other module of it shares and
 * that needs none of them: the exit codes, messages to stderr, text from
 * elsewhere made safe for a terminal, and JSON encoding into a buffer.
 * http.c (the client) and cli.c (the commands' helpers) both sit on it,
 * so neither needs the other's header to say "custos: ..." or CLI_FAIL.
 */
#ifndef CUSTOS_CLI_OUT_H
#define CUSTOS_CLI_OUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"

/* The exit codes are part of the contract (docs/cli.md). */
enum cli_exit {
	CLI_OK = 0,             /* done */
	CLI_NEGATIVE = 1,       /* the answer is no: HTTP 4xx, failed check */
	CLI_USAGE = 2,          /* bad command line or input file syntax */
	CLI_FAIL = 3,           /* server error, no connection, file error */
	CLI_LATER = 4,          /* try again later: HTTP 429 or 503 */
};

/* Prints "custos: <message>" to stderr; under --json (cli_out_json) it is
 * kept instead, for the JSON error cli_out_finish prints. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* As cli_warn, with a machine code ("forbidden", "usage", ...): printed
 * "custos: CODE: MESSAGE" (cleaned for the terminal), or kept under
 * --json.  The first code given is the one the JSON error carries. */
void cli_error(const char *code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Under --json, errors are kept, not printed: set once at start-up. */
void cli_out_json(int on);
int cli_out_is_json(void);

/* At exit: under --json with rc not CLI_OK, prints one line to stderr,
 * {"error": {"code", "message"}, "exit": rc}, from what was kept (the
 * messages joined by "; ").  Returns rc. */
int cli_out_finish(int rc);

/* Writes s for a human: control characters (from the server, which got
 * them from someone else) become '?', so no escape sequence reaches the
 * terminal.  keep_lines lets newline and tab through (ticket bodies). */
void cli_put(FILE *f, const char *s, int keep_lines);

/* A copy of at most max bytes of s cleaned as cli_put does, on the heap
 * (the caller frees it; NULL when out of memory); *width (when not NULL)
 * gets its length in characters. */
char *cli_clean_dup(const char *s, int keep_lines, size_t max,
    size_t *width);

/* Serialises v compactly into out (a secret buffer the caller
 * initialised).  Returns 0 or -1. */
int cli_json_dump(struct buf *out, const json_t *v)
	__attribute__((warn_unused_result));

/* Writes the server's answer as it came, with a final newline. */
void cli_put_raw(const struct buf *answer);

/* Says the answer lacked what (and shows it as it came); CLI_FAIL. */
int cli_unexpected(const struct buf *answer, const char *what);

#endif
