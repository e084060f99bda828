/* SPDX-License-Identifier: ISC */
/*
 * cmd_seed.c: `custos seed FILE` loads a world (vendors, engineers,
 * devices, tenants, users, tickets) from a JSON-lines file through
 * POST /v1/import.  The file is streamed, never held whole: lines are cut
 * into chunks of at most SEED_CHUNK_BYTES or SEED_CHUNK_LINES, each of
 * which the server imports all or nothing, over one kept-alive
 * connection.  The server names a bad line relative to its chunk; that is
 * turned back into the file's line number.  The file format is in
 * docs/cli.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"

#define SEED_CHUNK_BYTES ((size_t)4 << 20)
#define SEED_CHUNK_LINES 20000
#define SEED_LINE_MAX ((size_t)1 << 20)
#define SEED_READ_SIZE 65536
#define SEED_ANSWER_MAX ((size_t)1 << 20)

struct seed {
	struct cli *ctx;
	const char *file;               /* for messages */
	int64_t from_line;              /* skip lines before it */
	struct buf chunk;               /* the lines to send, '\n'-ended */
	int64_t *where;                 /* file line of each chunk line */
	size_t nlines;
	struct buf answer;
	json_t *totals;                 /* kind -> objects imported */
	int64_t objects;
	int64_t chunks;
	int warned;                     /* about an odd import answer */
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Adds a chunk's {"imported": {kind: n}} to the totals. */
static void
seed_count(struct seed *s, const json_t *a)
{
	const json_t *imp = json_object_get(a, "imported"), *v;
	const char *kind;
	json_int_t n;

	if (!json_is_object(imp)) {
		if (!s->warned)
			cli_warn("the server's answer has no \"imported\" "
			    "counts; totals will be short");
		s->warned = 1;
		return;
	}
	json_object_foreach((json_t *)(uintptr_t)imp, kind, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			continue;
		n = json_integer_value(v) + json_integer_value(
		    json_object_get(s->totals, kind));
		if (json_object_set_new(s->totals, kind, json_integer(n)) == -1)
			continue;
		s->objects += json_integer_value(v);
	}
}

/*
 * A refused chunk: when the server's message starts "line N:", N is a
 * line of the chunk; print it as FILE:LINE instead.
 */
static void
seed_refused(struct seed *s, long status)
{
	const char *code = NULL, *msg = NULL, *rest;
	json_t *v = NULL, *e;
	char digits[24];
	int64_t n;
	size_t k;

	if (s->answer.len > 0)
		v = json_loadb(s->answer.data, s->answer.len, 0, NULL);
	e = json_object_get(v, "error");
	code = json_string_value(json_object_get(e, "code"));
	msg = json_string_value(json_object_get(e, "message"));
	if (code == NULL || msg == NULL || strncmp(msg, "line ", 5) != 0) {
		cli_http_print_error(&s->ctx->conn, status, &s->answer);
		goto out;
	}
	k = strspn(msg + 5, "0123456789");
	rest = msg + 5 + k;
	if (k == 0 || k >= sizeof(digits) || rest[0] != ':') {
		cli_http_print_error(&s->ctx->conn, status, &s->answer);
		goto out;
	}
	memcpy(digits, msg + 5, k);
	digits[k] = '\0';
	if (num_parse_i64(&n, digits, 1, (int64_t)s->nlines) == -1) {
		cli_http_print_error(&s->ctx->conn, status, &s->answer);
		goto out;
	}
	fputs("custos: ", stderr);
	cli_put(stderr, code, 0);
	fputs(": ", stderr);
	cli_put(stderr, s->file, 0);
	fprintf(stderr, ":%" PRId64 "", s->where[n - 1]);
	cli_put(stderr, rest, 0);
	fputc('\n', stderr);
out:
	json_decref(v);
}

/* Sends the chunk.  Returns an enum cli_exit. */
static int
seed_flush(struct seed *s)
{
	json_t *a = NULL;
	long status;
	int rc;

	if (s->nlines == 0)
		return CLI_OK;
	if (cli_http_send(&s->ctx->conn, "POST", "/v1/import", s->chunk.data,
	    s->chunk.len, "application/x-ndjson", &status, &s->answer) == -1)
		rc = CLI_FAIL;
	else
		rc = cli_http_exit(status);
	if (rc == CLI_OK) {
		a = json_loadb(s->answer.data, s->answer.len,
		    JSON_REJECT_DUPLICATES, NULL);
		seed_count(s, a);
		json_decref(a);
		s->chunks++;
		if (isatty(STDERR_FILENO) && !s->ctx->json)
			fprintf(stderr, "custos: chunk %" PRId64 ": lines %"
			    PRId64 "-%" PRId64 ", %" PRId64 " objects so "
			    "far\n", s->chunks, s->where[0],
			    s->where[s->nlines - 1], s->objects);
		buf_reset(&s->chunk);
		s->nlines = 0;
		return CLI_OK;
	}
	if (status == 0) {
		/* No answer: the server may have committed the chunk. */
		cli_warn("no answer for lines %" PRId64 "-%" PRId64 "; they "
		    "may or may not have been imported; %" PRId64 " objects "
		    "from earlier lines were", s->where[0],
		    s->where[s->nlines - 1], s->objects);
		return rc;
	}
	seed_refused(s, status);
	cli_warn("lines %" PRId64 "-%" PRId64 " were not imported (a chunk "
	    "is all or nothing); %" PRId64 " objects from earlier lines "
	    "were; --from-line %" PRId64 " resumes here", s->where[0],
	    s->where[s->nlines - 1], s->objects, s->where[0]);
	return rc;
}

static int
blank_or_comment(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')
			continue;
		return p[i] == '#';
	}
	return 1;
}

/* One whole line (without its '\n').  Returns an enum cli_exit. */
static int
seed_line(struct seed *s, const struct buf *line, int64_t lineno)
{
	int rc;

	if (lineno < s->from_line || blank_or_comment(line->data, line->len))
		return CLI_OK;
	if (s->nlines == SEED_CHUNK_LINES ||
	    line->len + 1 > s->chunk.max - s->chunk.len) {
		rc = seed_flush(s);
		if (rc != CLI_OK)
			return rc;
	}
	if (buf_append(&s->chunk, line->data, line->len) == -1 ||
	    buf_append(&s->chunk, "\n", 1) == -1) {
		cli_warn("out of memory");
		return CLI_FAIL;
	}
	s->where[s->nlines++] = lineno;
	return CLI_OK;
}

/* Reads fd line by line into chunks.  Returns an enum cli_exit. */
static int
seed_read(struct seed *s, int fd)
{
	struct buf line;
	char *rbuf;
	int64_t lineno = 0;
	ssize_t n;
	size_t i, from;
	int rc = CLI_FAIL;

	buf_init_secret(&line, SEED_LINE_MAX);
	rbuf = malloc(SEED_READ_SIZE);
	if (rbuf == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, rbuf, SEED_READ_SIZE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_warn("%s: %s", s->file, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		for (from = 0, i = 0; i < (size_t)n; i++) {
			if (rbuf[i] != '\n')
				continue;
			if (buf_append(&line, rbuf + from, i - from) == -1)
				goto too_long;
			rc = seed_line(s, &line, ++lineno);
			if (rc != CLI_OK)
				goto out;
			rc = CLI_FAIL;
			buf_reset(&line);
			from = i + 1;
		}
		if (buf_append(&line, rbuf + from, (size_t)n - from) == -1)
			goto too_long;
	}
	if (line.len > 0) {     /* the last line had no '\n' */
		rc = seed_line(s, &line, ++lineno);
		if (rc != CLI_OK)
			goto out;
	}
	rc = seed_flush(s);
	goto out;
too_long:
	fputs("custos seed: ", stderr);
	cli_put(stderr, s->file, 0);
	fprintf(stderr, ":%" PRId64 ": line longer than %zu bytes\n",
	    lineno + 1, SEED_LINE_MAX);
	if (s->chunks > 0)
		cli_warn("%" PRId64 " objects from earlier lines were "
		    "imported", s->objects);
	rc = CLI_USAGE;
out:
	if (rbuf != NULL) {
		sodium_memzero(rbuf, SEED_READ_SIZE);
		free(rbuf);
	}
	buf_cleanup(&line);
	return rc;
}

static void
seed_report(const struct seed *s, double secs)
{
	static const char *const order[] = { "vendor", "engineer", "device",
	    "tenant", "user", "ticket", NULL };
	double rate = secs > 0 ? (double)s->objects / secs : 0;
	const char *kind;
	json_t *v, *out;
	size_t i;

	if (!s->ctx->json && s->chunks == 0) {
		printf("nothing to import\n");
		return;
	}
	if (s->ctx->json) {
		out = json_pack("{s:O, s:I, s:I, s:f, s:f}", "imported",
		    s->totals, "objects", (json_int_t)s->objects, "chunks",
		    (json_int_t)s->chunks, "seconds", secs,
		    "objects_per_second", rate);
		if (out != NULL)
			cli_json_print(out);
		json_decref(out);
		return;
	}
	printf("imported %" PRId64 " objects in %.2f s (%.0f objects/s)\n",
	    s->objects, secs, rate);
	for (i = 0; order[i] != NULL; i++) {
		v = json_object_get(s->totals, order[i]);
		if (v != NULL)
			printf("  %-10s %" JSON_INTEGER_FORMAT "\n", order[i],
			    json_integer_value(v));
	}
	json_object_foreach(s->totals, kind, v) {
		for (i = 0; order[i] != NULL; i++)
			if (strcmp(kind, order[i]) == 0)
				break;
		if (order[i] != NULL)
			continue;
		fputs("  ", stdout);
		cli_put(stdout, kind, 0);
		printf(" %" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
	}
}

/* seed FILE [--from-line N]: streams FILE to POST /v1/import and prints
 * the totals and the rate. */
int
cmd_seed(struct cli *ctx, int argc, char **argv)
{
	const char *from_s = NULL;
	struct seed s;
	char *pos[1];
	double t0;
	int npos, rc, fd = -1, own_fd = 0;
	const struct cli_opt opts[] = {
		{ "from-line", &from_s, NULL },
		{ NULL, NULL, NULL },
	};

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.from_line = 1;
	buf_init_secret(&s.chunk, SEED_CHUNK_BYTES);
	buf_init(&s.answer, SEED_ANSWER_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (from_s != NULL &&
	    num_parse_i64(&s.from_line, from_s, 1, INT64_MAX) == -1) {
		rc = cli_usage(ctx, "--from-line must be a line number");
		goto out;
	}
	rc = CLI_FAIL;
	s.file = pos[0];
	s.totals = json_object();
	s.where = calloc(SEED_CHUNK_LINES, sizeof(*s.where));
	if (s.totals == NULL || s.where == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	if (strcmp(s.file, "-") == 0) {
		fd = STDIN_FILENO;
		s.file = "(stdin)";
	} else {
		fd = open(s.file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd == -1) {
			cli_warn("%s: %s", s.file, strerror(errno));
			goto out;
		}
		own_fd = 1;
	}
	t0 = now_seconds();
	rc = seed_read(&s, fd);
	if (rc == CLI_OK)
		seed_report(&s, now_seconds() - t0);
out:
	if (own_fd)
		close(fd);
	free(s.where);
	json_decref(s.totals);
	buf_cleanup(&s.answer);
	buf_cleanup(&s.chunk);
	return rc;
}
