/* SPDX-License-Identifier: ISC */
/*
 * cmd_import.c: `custos import` streams a file of custos entries or Okta
 * System Log events to POST /v1/import?format=..., in chunks the server
 * takes all or nothing (the uploader is seed's, upload.c).  Every record
 * is parsed here first (a regular file wholly, before anything is sent),
 * so a malformed line is named with its line number and nothing of the
 * file is imported.  An Okta file may also be one JSON array (what the
 * Okta API returns); its elements are cut out as they stream by and sent
 * one per line.
 *
 * --format okta (issue 16) is different: the file (or stdin) goes to the
 * server as it is, in one request whose body is read from the file as
 * libcurl sends it (constant memory, any size; the server streams it
 * too), with a progress line on stderr (a terminal, or --progress).  The
 * server imports what it can and names each event it could not; this
 * prints its answer.  Importing the same file again records nothing
 * twice (the server de-duplicates by uuid), so there is no --from-line.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "cli/upload.h"
#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"
#include "importer/scan.h"

#define IMPORT_CHUNK_BYTES ((size_t)8 << 20)
#define IMPORT_CHUNK_LINES 50000
#define IMPORT_RECORD_MAX ((size_t)1 << 20)
#define IMPORT_READ_SIZE 65536
#define IMPORT_ANSWER_MAX ((size_t)1 << 20)
#define IMPORT_SHOW_ERRORS 20

/* jansson takes no const; the totals are only read. */
#define UNCONST(p) ((json_t *)(uintptr_t)(p))

/* ---- import ---- */

struct import {
	struct cli *ctx;
	const char *file;               /* for messages */
	const char *format;             /* entries, okta */
	struct buf path;                /* POST path, query included */
	int send;                       /* 0: only check the records */
	int64_t from_line;              /* skip records before it */
	struct upload up;
	json_t *totals;                 /* the answers' counts, summed */
	int64_t records;                /* records seen (checked or sent) */
	int64_t sent;                   /* records imported */
	int64_t bad;                    /* malformed records */
};

/* One malformed record: FILE:LINE: why (the first few printed). */
static void
import_bad(struct import *im, int64_t line, const char *why)
{
	if (im->bad++ >= IMPORT_SHOW_ERRORS)
		return;
	if (cli_out_is_json()) {
		cli_error("usage", "%s:%" PRId64 ": %s", im->file, line, why);
		return;
	}
	fputs("custos import: ", stderr);
	cli_put(stderr, im->file, 0);
	fprintf(stderr, ":%" PRId64 ": ", line);
	cli_put(stderr, why, 0);
	fputc('\n', stderr);
}

/*
 * Adds a chunk's answer to the totals: counts (integers, and objects of
 * integers such as {"skipped": {eventType: n}}) are summed, except that
 * "first_..." keeps the first chunk's value and "last_..." the last's.
 * The records imported so far.
 */
static int64_t
import_count(void *arg, const json_t *ans, size_t nlines)
{
	struct import *im = arg;
	const char *k, *k2;
	json_t *v, *v2, *into;

	im->sent += (int64_t)nlines;

	json_object_foreach(UNCONST(ans), k, v) {
		if (strncmp(k, "first_", 6) == 0) {
			if (json_object_get(im->totals, k) == NULL ||
			    json_is_null(json_object_get(im->totals, k)))
				json_object_set(im->totals, k, v);
			continue;
		}
		if (strncmp(k, "last_", 5) == 0) {
			if (!json_is_null(v))
				json_object_set(im->totals, k, v);
			continue;
		}
		if (json_is_integer(v)) {
			json_object_set_new(im->totals, k, json_integer(
			    json_integer_value(v) + json_integer_value(
			    json_object_get(im->totals, k))));
			continue;
		}
		if (!json_is_object(v))
			continue;
		into = json_object_get(im->totals, k);
		if (!json_is_object(into)) {
			into = json_object();
			if (json_object_set_new(im->totals, k, into) == -1)
				continue;
		}
		json_object_foreach(v, k2, v2)
			if (json_is_integer(v2))
				json_object_set_new(into, k2, json_integer(
				    json_integer_value(v2) +
				    json_integer_value(json_object_get(into,
				    k2))));
	}
	return im->sent;
}

/* One record (a JSON object's bytes, no newline in them) that starts on
 * line.  Returns an enum cli_exit. */
static int
import_record(struct import *im, const char *p, size_t len, int64_t line)
{
	json_error_t je;
	json_t *o;
	char why[200];

	if (line < im->from_line)
		return CLI_OK;
	im->records++;
	o = json_loadb(p, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(o)) {
		if (o == NULL)
			(void)str_printf(why, sizeof(why), "not JSON "
			    "(column %d: %s)", je.column, je.text);
		else
			(void)str_copy(why, sizeof(why), "not a JSON object");
		json_decref(o);
		import_bad(im, line, why);
		return im->send ? CLI_USAGE : CLI_OK;
	}
	json_decref(o);
	if (!im->send)
		return CLI_OK;
	return upload_add(&im->up, p, len, line);
}

/*
 * Cuts one JSON array into its elements as the bytes stream by.  Only
 * objects may be elements.  White space between tokens (newlines too) is
 * kept as spaces, so an element becomes one line; a raw newline inside a
 * string is malformed JSON and refused rather than mended.
 */
struct splitter {
	enum {
		SP_BEFORE,      /* before the '[' */
		SP_FIRST,       /* after it: an element or ']' */
		SP_NEXT,        /* after a ',': an element */
		SP_AFTER,       /* after an element: ',' or ']' */
		SP_IN,          /* in an element */
		SP_DONE         /* after the ']' */
	} state;
	int depth;
	int in_string;
	int escape;
	int64_t line;           /* of the byte being read */
	int64_t start;          /* line the element started on */
	struct buf element;
};

/* One byte.  Returns an enum cli_exit. */
static int
split_byte(struct import *im, struct splitter *sp, char c)
{
	int ws = c == ' ' || c == '\t' || c == '\r' || c == '\n';

	switch (sp->state) {
	case SP_BEFORE:
		if (ws)
			return CLI_OK;
		if (c == '[') {
			sp->state = SP_FIRST;
			return CLI_OK;
		}
		break;
	case SP_AFTER:
		if (ws)
			return CLI_OK;
		if (c == ',' || c == ']') {
			sp->state = c == ',' ? SP_NEXT : SP_DONE;
			return CLI_OK;
		}
		break;
	case SP_FIRST:
	case SP_NEXT:
		if (ws)
			return CLI_OK;
		if (c == ']' && sp->state == SP_FIRST) {
			sp->state = SP_DONE;
			return CLI_OK;
		}
		if (c != '{')
			break;
		sp->state = SP_IN;
		sp->depth = 0;
		sp->start = sp->line;
		buf_reset(&sp->element);
		/* FALLTHROUGH */
	case SP_IN:
		if (sp->in_string) {
			if (c == '\n') {
				import_bad(im, sp->line, "a raw newline in a "
				    "string");
				return CLI_USAGE;
			}
			if (sp->escape)
				sp->escape = 0;
			else if (c == '\\')
				sp->escape = 1;
			else if (c == '"')
				sp->in_string = 0;
		} else if (c == '"') {
			sp->in_string = 1;
		} else if (c == '{' || c == '[') {
			sp->depth++;
		} else if (c == '}' || c == ']') {
			sp->depth--;
		}
		if (buf_append(&sp->element, ws && !sp->in_string ? " " : &c,
		    1) == -1) {
			import_bad(im, sp->start, "an element longer than "
			    "1 MiB");
			return CLI_USAGE;
		}
		if (sp->depth > 0 || sp->in_string)
			return CLI_OK;
		sp->state = SP_AFTER;
		return import_record(im, sp->element.data, sp->element.len,
		    sp->start);
	case SP_DONE:
		if (ws)
			return CLI_OK;
		import_bad(im, sp->line, "text after the end of the array");
		return CLI_USAGE;
	}
	import_bad(im, sp->line, sp->state == SP_BEFORE ? "not a JSON array" :
	    sp->state == SP_AFTER ? "expected ',' or ']' after an element" :
	    "expected an object (elements must be objects)");
	return CLI_USAGE;
}

/* 3 when p starts with a UTF-8 byte-order mark (which is skipped), else
 * 0. */
static size_t
bom_len(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	return n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf ? 3 : 0;
}

/*
 * Reads fd: JSON lines, or (array) one JSON array of objects.  Returns an
 * enum cli_exit; in the checking pass (im->send == 0) malformed records
 * are counted, not fatal.
 */
static int
import_read(struct import *im, int fd, int array)
{
	struct splitter sp;
	struct buf line;
	char *rbuf;
	int64_t lineno = 0;
	ssize_t n;
	size_t i, from, skip;
	int rc = CLI_FAIL, first = 1;

	memset(&sp, 0, sizeof(sp));
	sp.line = 1;
	buf_init_secret(&sp.element, IMPORT_RECORD_MAX);
	buf_init_secret(&line, IMPORT_RECORD_MAX);
	rbuf = malloc(IMPORT_READ_SIZE);
	if (rbuf == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, rbuf, IMPORT_READ_SIZE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_warn("%s: %s", im->file, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		skip = first ? bom_len(rbuf, (size_t)n) : 0;
		first = 0;
		if (array) {
			for (i = skip; i < (size_t)n; i++) {
				rc = split_byte(im, &sp, rbuf[i]);
				if (rc != CLI_OK)
					goto out;
				if (rbuf[i] == '\n')
					sp.line++;
			}
			continue;
		}
		for (from = skip, i = skip; i < (size_t)n; i++) {
			if (rbuf[i] != '\n')
				continue;
			if (buf_append(&line, rbuf + from, i - from) == -1)
				goto too_long;
			lineno++;
			if (!upload_blank_or_comment(line.data, line.len)) {
				rc = import_record(im, line.data, line.len,
				    lineno);
				if (rc != CLI_OK)
					goto out;
			}
			buf_reset(&line);
			from = i + 1;
		}
		if (buf_append(&line, rbuf + from, (size_t)n - from) == -1)
			goto too_long;
	}
	if (array && sp.state != SP_DONE) {
		import_bad(im, sp.line, sp.state == SP_BEFORE ? "empty file" :
		    "the array is not closed (a truncated file?)");
		rc = CLI_USAGE;
		goto out;
	}
	if (!array && line.len > 0 &&
	    !upload_blank_or_comment(line.data, line.len)) {
		rc = import_record(im, line.data, line.len, ++lineno);
		if (rc != CLI_OK)
			goto out;
	}
	rc = im->send ? upload_flush(&im->up) : CLI_OK;
	goto out;
too_long:
	import_bad(im, lineno + 1, "a line longer than 1 MiB");
	rc = CLI_USAGE;
out:
	if (rbuf != NULL) {
		sodium_memzero(rbuf, IMPORT_READ_SIZE);
		free(rbuf);
	}
	buf_cleanup(&line);
	buf_cleanup(&sp.element);
	return rc;
}

/* 1 when the first byte that is not white space is '[' (then the file is
 * rewound); 0 when not; -1 on a read error.  Only for regular files. */
static int
starts_array(int fd)
{
	char b[512];
	ssize_t n, i;
	int r = 0;

	n = read(fd, b, sizeof(b));
	if (n == -1)
		return -1;
	for (i = n > 0 ? (ssize_t)bom_len(b, (size_t)n) : 0; i < n; i++) {
		if (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' ||
		    b[i] == '\n')
			continue;
		r = b[i] == '[';
		break;
	}
	if (lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	return r;
}

static void
import_report(const struct import *im, double secs)
{
	const json_t *first = json_object_get(im->totals, "first_index");
	const json_t *last = json_object_get(im->totals, "last_index");
	const char *k, *k2;
	json_t *v, *v2, *out;

	if (im->ctx->json) {
		out = json_pack("{s:s, s:I, s:I, s:f, s:O}", "format",
		    im->format, "records", (json_int_t)im->sent, "chunks",
		    (json_int_t)im->up.chunks, "seconds", secs, "answer",
		    im->totals);
		if (out != NULL)
			cli_json_print(out);
		json_decref(out);
		return;
	}
	if (im->up.chunks == 0) {
		printf("nothing to import\n");
		return;
	}
	printf("imported %" PRId64 " records (format %s) in %.2f s",
	    im->sent, im->format, secs);
	if (json_is_integer(first) && json_is_integer(last))
		printf(": log entries %" JSON_INTEGER_FORMAT " to %"
		    JSON_INTEGER_FORMAT, json_integer_value(first),
		    json_integer_value(last));
	fputc('\n', stdout);
	json_object_foreach(im->totals, k, v) {
		if (!json_is_integer(v) && !json_is_object(v))
			continue;
		if (json_is_integer(v)) {
			fputs("  ", stdout);
			cli_put(stdout, k, 0);
			printf(" %" JSON_INTEGER_FORMAT "\n",
			    json_integer_value(v));
			continue;
		}
		fputs("  ", stdout);
		cli_put(stdout, k, 0);
		fputs(":\n", stdout);
		json_object_foreach(v, k2, v2) {
			fputs("    ", stdout);
			cli_put(stdout, k2, 0);
			printf(" %" JSON_INTEGER_FORMAT "\n",
			    json_integer_value(v2));
		}
	}
}

/*
 * The first reading of a regular file: every record checked before any is
 * sent (*array: the file is one JSON array), then back to its start.  An
 * enum cli_exit.
 */
static int
import_check_file(struct import *im, int fd, int *array)
{
	int rc;

	*array = starts_array(fd);
	if (*array == -1) {
		cli_warn("%s: %s", im->file, strerror(errno));
		return CLI_FAIL;
	}
	if (*array && strcmp(im->format, "okta") != 0)
		return cli_usage(im->ctx, "%s is a JSON array: only --format "
		    "okta takes one (entries are JSON lines)", im->file);
	rc = import_read(im, fd, *array);
	if (rc == CLI_OK && im->bad > 0)
		rc = CLI_USAGE;
	if (rc != CLI_OK) {
		if (im->bad > IMPORT_SHOW_ERRORS)
			cli_warn("... and %" PRId64 " more malformed records",
			    im->bad - IMPORT_SHOW_ERRORS);
		if (rc == CLI_USAGE)
			cli_warn("nothing was imported");
		return rc;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		cli_warn("%s: %s", im->file, strerror(errno));
		return CLI_FAIL;
	}
	im->records = 0;
	return CLI_OK;
}

/* ---- okta: one streamed request ---- */

#define OKTA_READ_SIZE (256 * 1024)

struct okta_up {
	int fd;
	int progress;
	int failed;
	int err;                        /* errno of a failed read */
	struct scan sc;                 /* counts the events sent */
	int64_t events, bytes, total;
	double t0, shown;
};

static int
okta_count(void *arg, const char *rec, size_t len, const struct scan_pos *p)
{
	struct okta_up *u = arg;

	(void)rec;
	(void)len;
	(void)p;
	u->events++;
	return 0;
}

static void
okta_progress(struct okta_up *u, int last)
{
	double now = upload_now(), dt = now - u->t0;

	if (!u->progress || (!last && now - u->shown < 0.5))
		return;
	u->shown = now;
	fprintf(stderr, "\rcustos import: %" PRId64 " events, %.1f MB",
	    u->events, (double)u->bytes / 1e6);
	if (u->total > 0)
		fprintf(stderr, " of %.1f MB", (double)u->total / 1e6);
	fprintf(stderr, ", %.0f events/s%s", dt > 0 ? (double)u->events / dt :
	    0.0, last ? "\n" : "  ");
	fflush(stderr);
}

static size_t
okta_read(char *dst, size_t size, size_t n, void *arg)
{
	struct okta_up *u = arg;
	struct scan_cb cb = {okta_count, NULL, u};
	size_t want = size * n;
	ssize_t got;

	do
		got = read(u->fd, dst, want);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		u->failed = 1;
		u->err = errno;
		return CURL_READFUNC_ABORT;
	}
	if (got > 0) {
		(void)scan_feed(&u->sc, dst, (size_t)got, &cb);
		u->bytes += got;
	}
	okta_progress(u, 0);
	return (size_t)got;
}

/* The server's answer in words: counts, then the first errors. */
static void
okta_report(const json_t *a, double secs)
{
	const json_t *errs = json_object_get(a, "errors"), *x;
	const char *k;
	json_t *v;
	size_t i;
	json_int_t imported = json_integer_value(json_object_get(a,
	    "imported"));

	printf("imported %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
	    " events in %.2f s (%.0f events/s): %" JSON_INTEGER_FORMAT
	    " duplicates, %" JSON_INTEGER_FORMAT " errors",
	    imported, json_integer_value(json_object_get(a, "events")), secs,
	    secs > 0 ? (double)json_integer_value(json_object_get(a,
	    "events")) / secs : 0.0,
	    json_integer_value(json_object_get(a, "duplicates")),
	    json_integer_value(json_object_get(a, "errors_total")));
	if (json_is_integer(json_object_get(a, "first_index")))
		printf("; log entries %" JSON_INTEGER_FORMAT " to %"
		    JSON_INTEGER_FORMAT, json_integer_value(json_object_get(a,
		    "first_index")), json_integer_value(json_object_get(a,
		    "last_index")));
	fputc('\n', stdout);
	if (json_is_false(json_object_get(a, "complete")))
		printf("  the import stopped early: what is above was "
		    "imported\n");
	json_object_foreach(UNCONST(json_object_get(a, "skipped")), k, v) {
		fputs("  skipped ", stdout);
		cli_put(stdout, k, 0);
		printf(" %" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
	}
	json_object_foreach(UNCONST(json_object_get(a, "dropped")), k, v) {
		fputs("  dropped ", stdout);
		cli_put(stdout, k, 0);
		printf(" %" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
	}
	json_object_foreach(UNCONST(json_object_get(a, "error_reasons")), k,
	    v) {
		fputs("  error ", stdout);
		cli_put(stdout, k, 0);
		printf(" %" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
	}
	json_array_foreach(errs, i, x) {
		printf("  event %" JSON_INTEGER_FORMAT " (line %"
		    JSON_INTEGER_FORMAT "): ", json_integer_value(
		    json_object_get(x, "event")), json_integer_value(
		    json_object_get(x, "line")));
		cli_put(stdout, cli_jstr(x, "message"), 0);
		fputc('\n', stdout);
	}
}

static int
import_okta(struct cli *ctx, const char *file, int fd, const char *path,
    int progress)
{
	struct okta_up u;
	struct stat st;
	struct buf answer;
	json_t *a = NULL;
	long status = 0;
	double t0;
	int rc = CLI_FAIL;

	memset(&u, 0, sizeof(u));
	u.fd = fd;
	u.progress = progress;
	u.total = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ?
	    (int64_t)st.st_size : -1;
	scan_init(&u.sc, (size_t)4 << 20);
	buf_init(&answer, IMPORT_ANSWER_MAX);
	t0 = u.t0 = upload_now();
	if (cli_http_send_stream(&ctx->conn, "POST", path, okta_read, &u,
	    u.total, "application/json", &status, &answer) == -1) {
		if (u.failed)
			cli_warn("%s: %s", file, strerror(u.err));
		goto out;
	}
	okta_progress(&u, 1);
	rc = cli_http_exit(status);
	if (rc != CLI_OK) {
		cli_http_print_error(&ctx->conn, status, &answer);
		goto out;
	}
	a = json_loadb(answer.data, answer.len, JSON_REJECT_DUPLICATES, NULL);
	if (a == NULL) {
		cli_warn("the answer is not JSON");
		rc = CLI_FAIL;
		goto out;
	}
	if (ctx->json)
		cli_json_print(a);
	else
		okta_report(a, upload_now() - t0);
out:
	json_decref(a);
	buf_cleanup(&answer);
	scan_cleanup(&u.sc);
	return rc;
}

/* import FILE [--format entries|okta] [--tenant T] [--from-line N]
 * [--all-or-nothing] [--progress] */
int
cmd_import(struct cli *ctx, int argc, char **argv)
{
	const char *format = NULL, *from_s = NULL, *tenant = NULL;
	int aon = 0, progress = 0;
	struct import im;
	struct stat st;
	char *pos[1];
	double t0;
	int npos, rc, fd = -1, own_fd = 0, array = 0;
	const struct cli_opt opts[] = {
		{ "format", &format, NULL },
		{ "tenant", &tenant, NULL },
		{ "from-line", &from_s, NULL },
		{ "all-or-nothing", NULL, &aon },
		{ "progress", NULL, &progress },
		{ NULL, NULL, NULL },
	};

	memset(&im, 0, sizeof(im));
	im.ctx = ctx;
	im.from_line = 1;
	buf_init(&im.path, 2048);
	if (upload_init(&im.up, IMPORT_CHUNK_BYTES, IMPORT_CHUNK_LINES,
	    IMPORT_ANSWER_MAX) == -1) {
		buf_cleanup(&im.path);
		return CLI_FAIL;
	}
	im.up.ctx = ctx;
	im.up.noun = "records";
	im.up.quiet_if_none = 1;
	im.up.count = import_count;
	im.up.arg = &im;
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	im.format = format != NULL ? format : "entries";
	if (strcmp(im.format, "entries") != 0 &&
	    strcmp(im.format, "okta") != 0) {
		rc = cli_usage(ctx, "--format must be entries or okta");
		goto out;
	}
	if (tenant != NULL && strcmp(im.format, "okta") != 0) {
		rc = cli_usage(ctx, "--tenant goes with --format okta");
		goto out;
	}
	if (buf_printf(&im.path, "/v1/import?format=%s", im.format) == -1 ||
	    (tenant != NULL && (buf_puts(&im.path, "&tenant=") == -1 ||
	    cli_path_segment(ctx, &im.path, "tenant", tenant) == -1))) {
		rc = CLI_USAGE;
		goto out;
	}
	if ((aon || progress) && strcmp(im.format, "okta") != 0) {
		rc = cli_usage(ctx, "--all-or-nothing and --progress go with "
		    "--format okta");
		goto out;
	}
	if (from_s != NULL && strcmp(im.format, "okta") == 0) {
		rc = cli_usage(ctx, "--from-line is not needed with --format "
		    "okta: importing again records each event once");
		goto out;
	}
	if (aon && buf_puts(&im.path, "&all_or_nothing=1") == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	if (from_s != NULL &&
	    num_parse_i64(&im.from_line, from_s, 1, INT64_MAX) == -1) {
		rc = cli_usage(ctx, "--from-line must be a line number");
		goto out;
	}
	rc = CLI_FAIL;
	im.file = pos[0];
	im.totals = json_object();
	if (im.totals == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	if (strcmp(im.file, "-") == 0) {
		fd = STDIN_FILENO;
		im.file = "(stdin)";
	} else {
		fd = open(im.file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd == -1) {
			cli_warn("%s: %s", im.file, strerror(errno));
			goto out;
		}
		own_fd = 1;
	}
	if (fstat(fd, &st) == -1) {
		cli_warn("%s: %s", im.file, strerror(errno));
		goto out;
	}
	if (strcmp(im.format, "okta") == 0) {
		rc = import_okta(ctx, im.file, fd, im.path.data, progress ||
		    (isatty(STDERR_FILENO) && !ctx->json));
		goto out;
	}
	/* A regular file is read twice: checked whole, then sent. */
	if (S_ISREG(st.st_mode)) {
		rc = import_check_file(&im, fd, &array);
		if (rc != CLI_OK)
			goto out;
	}
	im.send = 1;
	im.up.path = im.path.data;
	im.up.file = im.file;
	t0 = upload_now();
	rc = import_read(&im, fd, array);
	if (rc == CLI_USAGE && im.sent > 0)
		cli_warn("%" PRId64 " records from earlier lines were imported;"
		    " fix the line and resume with --from-line", im.sent);
	else if (rc == CLI_USAGE)
		cli_warn("nothing was imported");
	if (rc == CLI_OK)
		import_report(&im, upload_now() - t0);
out:
	if (own_fd)
		close(fd);
	json_decref(im.totals);
	upload_cleanup(&im.up);
	buf_cleanup(&im.path);
	return rc;
}
