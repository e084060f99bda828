/* SPDX-License-Identifier: ISC */
/*
 * str: length-checked string helpers.  These are the only way custos copies
 * strings into fixed buffers (scripts/checksrc bans strcpy and friends).
 */
#ifndef CUSTOS_COMMON_STR_H
#define CUSTOS_COMMON_STR_H

#include <stddef.h>

/* Copies src into dst[size]; -1 (and dst truncated) when it does not fit. */
int str_copy(char *dst, size_t size, const char *src)
	__attribute__((nonnull));

/* Formats into dst[size]; -1 on truncation. */
int str_printf(char *dst, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), nonnull(1, 3)));

/* 1 when every byte of s[0..n) is printable ASCII or valid UTF-8 other
 * than a control character; used on identifiers and names. */
int str_is_clean_utf8(const char *s, size_t n);

/* Writes a masked form of an e-mail address ("j***@e***.com"). */
void str_mask_email(char *dst, size_t size, const char *email);

/* 1 when s looks like an e-mail address we can deliver to. */
int str_is_email(const char *s);

/* Frees a heap string after wiping it; accepts NULL. */
void str_free_secret(char *s);

#endif
