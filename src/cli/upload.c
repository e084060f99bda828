/* SPDX-License-Identifier: ISC */
/*
 * upload.c: chunks of JSON lines to POST /v1/import (see upload.h).
 */
#include "cli/upload.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/num.h"

int
upload_init(struct upload *u, size_t max_bytes, size_t max_lines,
    size_t answer_max)
{
	buf_init_secret(&u->chunk, max_bytes);
	buf_init(&u->answer, answer_max);
	u->nlines = 0;
	u->max_lines = max_lines;
	u->chunks = 0;
	u->done = 0;
	u->where = calloc(max_lines, sizeof(*u->where));
	if (u->where == NULL) {
		cli_warn("out of memory");
		return -1;
	}
	return 0;
}

void
upload_cleanup(struct upload *u)
{
	free(u->where);
	u->where = NULL;
	buf_cleanup(&u->answer);
	buf_cleanup(&u->chunk);
}

/* A refused chunk: "line K: ..." names a line of the chunk; it is shown
 * as FILE:LINE instead. */
static void
upload_refused(struct upload *u, long status)
{
	const char *code, *msg, *rest;
	json_t *v = NULL, *e;
	char digits[24];
	int64_t k;
	size_t nd;

	if (u->answer.len > 0)
		v = json_loadb(u->answer.data, u->answer.len, 0, NULL);
	e = json_object_get(v, "error");
	code = json_string_value(json_object_get(e, "code"));
	msg = json_string_value(json_object_get(e, "message"));
	if (code == NULL || msg == NULL || strncmp(msg, "line ", 5) != 0)
		goto plain;
	nd = strspn(msg + 5, "0123456789");
	rest = msg + 5 + nd;
	if (nd == 0 || nd >= sizeof(digits) || rest[0] != ':')
		goto plain;
	memcpy(digits, msg + 5, nd);
	digits[nd] = '\0';
	if (num_parse_i64(&k, digits, 1, (int64_t)u->nlines) == -1)
		goto plain;
	if (cli_out_is_json()) {
		cli_error(code, "%s:%" PRId64 "%s", u->file, u->where[k - 1],
		    rest);
		json_decref(v);
		return;
	}
	fputs("custos: ", stderr);
	cli_put(stderr, code, 0);
	fputs(": ", stderr);
	cli_put(stderr, u->file, 0);
	fprintf(stderr, ":%" PRId64, u->where[k - 1]);
	cli_put(stderr, rest, 0);
	fputc('\n', stderr);
	json_decref(v);
	return;
plain:
	cli_http_print_error(&u->ctx->conn, status, &u->answer);
	json_decref(v);
}

int
upload_flush(struct upload *u)
{
	int64_t first, last;
	json_t *a;
	long status;
	int rc;

	if (u->nlines == 0)
		return CLI_OK;
	first = u->where[0];
	last = u->where[u->nlines - 1];
	if (cli_http_send(&u->ctx->conn, "POST", u->path, u->chunk.data,
	    u->chunk.len, "application/x-ndjson", &status, &u->answer) == -1)
		rc = CLI_FAIL;
	else
		rc = cli_http_exit(status);
	if (rc == CLI_OK) {
		a = json_loadb(u->answer.data, u->answer.len,
		    JSON_REJECT_DUPLICATES, NULL);
		u->done = u->count(u->arg, a, u->nlines);
		json_decref(a);
		u->chunks++;
		if (isatty(STDERR_FILENO) && !u->ctx->json)
			fprintf(stderr, "custos: chunk %" PRId64 ": lines %"
			    PRId64 "-%" PRId64 ", %" PRId64 " %s so far\n",
			    u->chunks, first, last, u->done, u->noun);
		buf_reset(&u->chunk);
		u->nlines = 0;
		return CLI_OK;
	}
	if (status == 0) {
		/* No answer: the server may have committed the chunk. */
		cli_warn("no answer for lines %" PRId64 "-%" PRId64 "; they "
		    "may or may not have been imported; %" PRId64 " %s "
		    "from earlier lines were", first, last, u->done, u->noun);
		return rc;
	}
	upload_refused(u, status);
	if (u->done > 0 || !u->quiet_if_none)
		cli_warn("lines %" PRId64 "-%" PRId64 " were not imported (a "
		    "chunk is all or nothing); %" PRId64 " %s from earlier "
		    "lines were; --from-line %" PRId64 " resumes here", first,
		    last, u->done, u->noun, first);
	else
		cli_warn("nothing was imported");
	return rc;
}

int
upload_add(struct upload *u, const char *p, size_t len, int64_t line)
{
	int rc;

	if (u->nlines == u->max_lines ||
	    len + 1 > u->chunk.max - u->chunk.len) {
		rc = upload_flush(u);
		if (rc != CLI_OK)
			return rc;
	}
	if (buf_append(&u->chunk, p, len) == -1 ||
	    buf_append(&u->chunk, "\n", 1) == -1) {
		cli_warn("out of memory");
		return CLI_FAIL;
	}
	u->where[u->nlines++] = line;
	return CLI_OK;
}

int
upload_blank_or_comment(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')
			continue;
		return p[i] == '#';
	}
	return 1;
}

double
upload_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
