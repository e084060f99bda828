/* SPDX-License-Identifier: ISC */
/*
 * upload: the uploader `custos seed` and `custos import` share.  Lines
 * (JSON records, one per line) are gathered into chunks of at most a
 * number of bytes or lines and POSTed as application/x-ndjson over the
 * one kept-alive connection; the server takes a chunk all or nothing.
 * A refusal that names "line K" of the chunk is shown as FILE:LINE, the
 * line of the file, so the user can fix it and resume with --from-line.
 */
#ifndef CUSTOS_CLI_UPLOAD_H
#define CUSTOS_CLI_UPLOAD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "common/buf.h"

/* Adds a taken chunk's answer (may be NULL: not JSON) of nlines lines to
 * the caller's totals; returns how many units are imported so far. */
typedef int64_t (*upload_count_fn)(void *arg, const json_t *answer,
    size_t nlines);

struct upload {
	struct cli *ctx;
	const char *file;               /* for messages */
	const char *path;               /* POST path, query included */
	const char *noun;               /* what is counted: "objects" ... */
	int quiet_if_none;              /* "nothing was imported" instead */
	upload_count_fn count;
	void *arg;
	struct buf chunk;               /* the lines to send, '\n'-ended */
	int64_t *where;                 /* file line of each chunk line */
	size_t nlines, max_lines;
	struct buf answer;
	int64_t chunks;                 /* chunks taken */
	int64_t done;                   /* units imported (count's total) */
};

/* Sets u up for chunks of max_bytes / max_lines; the caller fills ctx,
 * file, path, noun, count and arg.  0, or -1 (printed). */
int upload_init(struct upload *u, size_t max_bytes, size_t max_lines,
    size_t answer_max) __attribute__((warn_unused_result, nonnull));

void upload_cleanup(struct upload *u);

/* Adds one line (len bytes, no '\n') that is line of the file, sending
 * the chunk first when the line would not fit.  An enum cli_exit. */
int upload_add(struct upload *u, const char *p, size_t len, int64_t line)
	__attribute__((warn_unused_result, nonnull));

/* Sends what is gathered, if anything.  An enum cli_exit; a refusal or
 * a lost answer has been printed, with what was imported before. */
int upload_flush(struct upload *u) __attribute__((warn_unused_result,
    nonnull));

/* 1 when p[0..n) is blank or a '#' comment. */
int upload_blank_or_comment(const char *p, size_t n);

/* Seconds on the monotonic clock, for the rates the commands print. */
double upload_now(void);

#endif
