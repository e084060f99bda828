/* SPDX-License-Identifier: ISC */
#include "common/str.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return -1;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int
str_printf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
str_is_clean_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], need, cp, k;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += need + 1;
	}
	return 1;
}

static void
mask_part(char *dst, size_t size, const char *s, size_t n)
{
	if (n == 0) {
		str_copy(dst, size, "");
		return;
	}
	str_printf(dst, size, "%c***", s[0]);
}

void
str_mask_email(char *dst, size_t size, const char *email)
{
	const char *at = strchr(email, '@'), *dot;
	char local[8], dom[8];

	if (at == NULL) {
		str_copy(dst, size, "***");
		return;
	}
	dot = strrchr(at, '.');
	mask_part(local, sizeof(local), email, (size_t)(at - email));
	if (dot == NULL) {
		mask_part(dom, sizeof(dom), at + 1, strlen(at + 1));
		str_printf(dst, size, "%s@%s", local, dom);
		return;
	}
	mask_part(dom, sizeof(dom), at + 1, (size_t)(dot - at - 1));
	str_printf(dst, size, "%s@%s%.16s", local, dom, dot);
}

int
str_is_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strchr(at, '.') == NULL || at[1] == '\0' || at[1] == '.')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		/* No spaces or header-breaking bytes in a mail address. */
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' ||
		    c == ',' || c == ';' || c == '"' || c == '\\')
			return 0;
	}
	return s[i - 1] != '.';
}

void
str_free_secret(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}
