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
#include <unistd.h>

#include "cli/cli.h"
#include "cli/upload.h"
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
	struct upload up;
	json_t *totals;                 /* kind -> objects imported */
	int64_t objects;
	int warned;                     /* about an odd import answer */
};

/* Adds a chunk's {"imported": {kind: n}} to the totals; the objects
 * imported so far. */
static int64_t
seed_count(void *arg, const json_t *a, size_t nlines)
{
	const json_t *imp = json_object_get(a, "imported"), *v;
	struct seed *s = arg;
	const char *kind;
	json_int_t n;

	if (!json_is_object(imp)) {
		if (!s->warned)
			cli_warn("the server's answer has no \"imported\" "
			    "counts; totals will be short");
		s->warned = 1;
		return s->objects;
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
	return s->objects;
}

/* One whole line (without its '\n').  Returns an enum cli_exit. */
static int
seed_line(struct seed *s, const struct buf *line, int64_t lineno)
{
	if (lineno < s->from_line ||
	    upload_blank_or_comment(line->data, line->len))
		return CLI_OK;
	return upload_add(&s->up, line->data, line->len, lineno);
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
	rc = upload_flush(&s->up);
	goto out;
too_long:
	if (cli_out_is_json()) {
		cli_error("usage", "%s:%" PRId64 ": line longer than %zu bytes",
		    s->file, lineno + 1, SEED_LINE_MAX);
	} else {
		fputs("custos seed: ", stderr);
		cli_put(stderr, s->file, 0);
		fprintf(stderr, ":%" PRId64 ": line longer than %zu bytes\n",
		    lineno + 1, SEED_LINE_MAX);
	}
	if (s->up.chunks > 0)
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

	if (!s->ctx->json && s->up.chunks == 0) {
		printf("nothing to import\n");
		return;
	}
	if (s->ctx->json) {
		out = json_pack("{s:O, s:I, s:I, s:f, s:f}", "imported",
		    s->totals, "objects", (json_int_t)s->objects, "chunks",
		    (json_int_t)s->up.chunks, "seconds", secs,
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
	if (upload_init(&s.up, SEED_CHUNK_BYTES, SEED_CHUNK_LINES,
	    SEED_ANSWER_MAX) == -1)
		return CLI_FAIL;
	s.up.ctx = ctx;
	s.up.path = "/v1/import";
	s.up.noun = "objects";
	s.up.count = seed_count;
	s.up.arg = &s;
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
	if (s.totals == NULL) {
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
	s.up.file = s.file;
	t0 = upload_now();
	rc = seed_read(&s, fd);
	if (rc == CLI_OK)
		seed_report(&s, upload_now() - t0);
out:
	if (own_fd)
		close(fd);
	json_decref(s.totals);
	upload_cleanup(&s.up);
	return rc;
}
