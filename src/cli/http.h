/* SPDX-License-Identifier: ISC */
/*
 * http: the CLI's only way to custosd.  One libcurl easy handle per run,
 * reused so consecutive calls (seed's chunks) share one kept-alive
 * connection.  Answers are read into a capped buffer; server errors
 * ({"error": {"code", "message"}}) are printed as "custos: CODE: MESSAGE".
 */
#ifndef CUSTOS_CLI_HTTP_H
#define CUSTOS_CLI_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "cli/out.h"
#include "common/buf.h"

#define CLI_URL_MAX 2048
#define CLI_TOKEN_MAX 512       /* bearer token from argv, env or a file */
#define CLI_HTTP_ANSWER_MAX ((size_t)64 << 20)  /* biggest answer read */
#define CLI_HTTP_BODY_MAX ((size_t)16 << 20)    /* biggest JSON we send */
#define CLI_HTTP_CONNECT_TIMEOUT 10             /* seconds */

struct cli_http;

/* Where and as whom the calls go: set up by main.c from the options and
 * the saved session. */
struct cli_conn {
	char server[CLI_URL_MAX];       /* base URL, no trailing '/' */
	const char *cacert;             /* --cacert, or NULL */
	char *token;                    /* sodium_malloc'd, or NULL */
	int token_from_session;         /* token came from session.json */
	int anonymous;                  /* send no token (login, log reads) */
	int quiet;                      /* no message when no answer came:
					 * it is kept in last_error */
	char last_error[256];
	long timeout_ms;                /* whole request; 0: none */
	long retry_after;               /* last answer's Retry-After (s), or
					 * -1 */
	struct cli_http *http;          /* lazily made */
};

/*
 * Sends one request to conn->server + path (path starts with "/" and is
 * already escaped; see cli_path_segment in cli.h).  body may be NULL;
 * content_type NULL means application/json.  "Authorization: Bearer" is
 * sent when conn->token is set and conn->anonymous is not.  The answer's
 * body goes to answer (initialised by the caller, who owns it; it is
 * reset first and refused past its cap) and its status to *status.
 * Prints nothing about 4xx/5xx.  Returns 0 when an HTTP answer arrived,
 * whatever its status, or -1 (printed) when none did: no connection, TLS
 * failure, answer too big, out of memory.
 */
int cli_http_send(struct cli_conn *conn, const char *method, const char *path,
    const void *body, size_t body_len, const char *content_type,
    long *status, struct buf *answer)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 7, 8)));

/*
 * As cli_http_send, with the body read by read(arg, dst, size) (bytes
 * put, 0 at the end, CURL_READFUNC_ABORT to stop), body_len bytes in
 * all (-1: unknown, sent chunked): a body of any size in constant
 * memory (issue 16, custos import --format okta).  No timeout.
 */
int cli_http_send_stream(struct cli_conn *conn, const char *method,
    const char *path, size_t (*read)(char *dst, size_t size, size_t n,
    void *arg), void *arg, int64_t body_len, const char *content_type,
    long *status, struct buf *answer)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 4, 8, 9)));

/* As cli_http_send, and a 4xx/5xx answer is printed to stderr. */
int cli_http_request(struct cli_conn *conn, const char *method,
    const char *path, const void *body, size_t body_len,
    const char *content_type, long *status, struct buf *answer)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 7, 8)));

/* Prints a 4xx/5xx answer as "custos: CODE: MESSAGE" (cleaned for the
 * terminal), with a hint when a token is missing or stale. */
void cli_http_print_error(const struct cli_conn *conn, long status,
    const struct buf *answer);

/* The exit code an HTTP status maps to: 2xx CLI_OK, 429 and 503
 * CLI_LATER (try again later), other 4xx CLI_NEGATIVE, anything else
 * CLI_FAIL. */
int cli_http_exit(long status);

/*
 * One JSON call: sends body (NULL: none) and, on a 2xx answer, parses it
 * into *out (a new reference the caller releases; an empty body gives an
 * empty object).  answer keeps the raw bytes for --json.  Returns an enum
 * cli_exit; anything but CLI_OK has been printed and leaves *out NULL.
 */
int cli_http_json(struct cli_conn *conn, const char *method, const char *path,
    const json_t *body, struct buf *answer, json_t **out)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 5, 6)));

/* Closes the connection and frees the handle; accepts NULL. */
void cli_http_free(struct cli_http *h);

#endif
