/* SPDX-License-Identifier: ISC */
/*
 * log: the daemon's operational log (one line per event, on stderr or in
 * the file given by --log-file).  Not the transparency log: that is
 * audit/.  Nothing secret is ever passed here.
 *
 * Each line is one write(2) to descriptor 2, so lines from threads never
 * interleave.  log_file_open() puts a file on descriptor 2 with dup2(),
 * which replaces it in one step: a thread writing at that moment writes
 * whole to the old file or whole to the new one.  That is how SIGHUP
 * reopens the file after logrotate moved it, with no lock on the way.
 */
#ifndef CUSTOS_COMMON_LOG_H
#define CUSTOS_COMMON_LOG_H

#include <stddef.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Lines as text (the default: "TIME custosd LEVEL: MSG") or as JSON
 * lines ({"time","level","daemon","msg"}, --log-format json, issue 16).
 * Set at start-up. */
#define LOG_FORMAT_TEXT 0
#define LOG_FORMAT_JSON 1
void log_set_format(int format);

/*
 * msg (n bytes, any bytes: messages quote outside input) as the inside of
 * a JSON string into out (size >= 1 bytes), NUL-terminated: " and \
 * escaped, control bytes as \n \t \r or \u00XX, invalid UTF-8 as
 * U+FFFD, so that every line parses; cut at a character boundary when it
 * does not fit.  Returns the bytes written (without the NUL).
 */
size_t log_json_escape(char *out, size_t size, const char *msg, size_t n);

/* Info lines off (1) or on (0); any thread may call it at any time. */
void log_set_quiet(int quiet);

/*
 * Opens path for appending (created 0600 under custosd's umask, never
 * through a symbolic link) and makes it descriptor 2, so the lines above
 * and whatever a library prints on stderr go there.  Called again with
 * the same path it reopens it (after a rotation).  Only the main thread
 * calls it.  0, or -1 with errno set and the old log kept.
 */
int log_file_open(const char *path) __attribute__((warn_unused_result));

#endif
