/* SPDX-License-Identifier: ISC */
/*
 * buf: the one growable byte buffer.  Every buffer has a hard cap given at
 * init; appends past it fail instead of growing, so outside input can never
 * make custos allocate without bound.  The contents stay NUL-terminated.
 */
#ifndef CUSTOS_COMMON_BUF_H
#define CUSTOS_COMMON_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t max;     /* cap on len */
	int secret;     /* wipe on free and on growth */
};

void buf_init(struct buf *b, size_t max);
/* Like buf_init, but the contents are wiped whenever memory is released. */
void buf_init_secret(struct buf *b, size_t max);
void buf_cleanup(struct buf *b);
void buf_reset(struct buf *b);

/* Appends n bytes; -1 when the cap would be passed or memory is short. */
int buf_append(struct buf *b, const void *p, size_t n)
	__attribute__((warn_unused_result));
int buf_puts(struct buf *b, const char *s)
	__attribute__((warn_unused_result));
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), warn_unused_result));

/* Hands the bytes to the caller (free()) and leaves b empty. */
char *buf_steal(struct buf *b, size_t *len);

#endif
