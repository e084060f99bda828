/* SPDX-License-Identifier: ISC */
/*
 * textfile: small state files kept beside the keys (the log's anchor, a
 * witness's state).  Read with O_NOFOLLOW, only a regular file, up to a
 * size cap; replaced by write-temp-then-rename with the file and its
 * directory fsynced, so a reader sees the old text or the new, never a
 * mix, and a crash after the rename keeps the new.
 */
#ifndef CUSTOS_COMMON_TEXTFILE_H
#define CUSTOS_COMMON_TEXTFILE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* Reads the file at path into out (appended; out's cap applies): 0, 1 when
 * there is no such file, -1 when it is a link, not a regular file, larger
 * than cap bytes or unreadable. */
int textfile_read(struct buf *out, const char *path, size_t cap,
    struct err *e) __attribute__((warn_unused_result, nonnull));

/* Replaces the file at path by data[0..len) with the given mode:
 * path.tmp (O_EXCL | O_NOFOLLOW) is written, fsynced, renamed over path,
 * and the directory fsynced.  0 or -1. */
int textfile_write(const char *path, const void *data, size_t len,
    int mode, struct err *e) __attribute__((warn_unused_result, nonnull));

#endif
