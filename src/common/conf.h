/* SPDX-License-Identifier: ISC */
/*
 * conf: the parser of custosd's config file: one "key = value" per line,
 * '#' comments, blank lines; keys are [a-z0-9-]+, values the rest of the
 * line with surrounding blanks removed (no quoting, no continuation).
 */
#ifndef CUSTOS_COMMON_CONF_H
#define CUSTOS_COMMON_CONF_H

#include <stddef.h>

#include "common/err.h"

#define CONF_FILE_MAX (64 * 1024)
#define CONF_LINE_MAX 1024

/* Calls cb for each setting; stops with its -1.  Errors name the line. */
int conf_parse(const char *text, size_t len,
    int (*cb)(void *arg, const char *key, const char *value, int line,
    struct err *e), void *arg, struct err *e)
	__attribute__((warn_unused_result));

/* Reads a whole file (O_NOFOLLOW, at most max bytes) into a new string. */
char *conf_read_file(const char *path, size_t max, size_t *len,
    struct err *e) __attribute__((warn_unused_result));

#endif
