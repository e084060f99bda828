/* SPDX-License-Identifier: ISC */
/*
 * out.c: messages, terminal-safe text and JSON encoding (see out.h).
 */
#include "cli/out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("custos: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Bytes of the character at s[0..n) when it is valid UTF-8 and not a
 * control character; 0 otherwise. */
static size_t
clean_char(const unsigned char *s, size_t n)
{
	size_t need;

	if (s[0] < 0x80)
		need = 1;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (need > n || !str_is_clean_utf8((const char *)s, need))
		return 0;
	return need;
}

/* A cleaned heap copy of at most max bytes of s (NULL when out of memory);
 * *width gets its length in characters. */
char *
cli_clean_dup(const char *s, int keep_lines, size_t max, size_t *width)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0, w = 0, k;
	char *d;

	if (n > max)
		n = max;
	d = malloc(n + 1);
	if (d == NULL)
		return NULL;
	while (i < n) {
		k = clean_char(p + i, n - i);
		if (k == 0) {
			if (keep_lines && (p[i] == '\n' || p[i] == '\t'))
				d[o++] = (char)p[i];
			else
				d[o++] = '?';
			i++;
		} else {
			memcpy(d + o, p + i, k);
			o += k;
			i += k;
		}
		w++;
	}
	d[o] = '\0';
	if (width != NULL)
		*width = w;
	return d;
}

void
cli_put(FILE *f, const char *s, int keep_lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		k = clean_char(p + i, n - i);
		if (k == 0) {
			if (keep_lines && (p[i] == '\n' || p[i] == '\t'))
				fputc(p[i], f);
			else
				fputc('?', f);
			i++;
		} else {
			fwrite(p + i, 1, k, f);
			i += k;
		}
	}
}

static int
dump_cb(const char *p, size_t n, void *data)
{
	return buf_append(data, p, n);
}

int
cli_json_dump(struct buf *out, const json_t *v)
{
	buf_reset(out);
	return json_dump_callback(v, dump_cb, out,
	    JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 ? 0 : -1;
}

void
cli_put_raw(const struct buf *answer)
{
	if (answer->len > 0)
		fwrite(answer->data, 1, answer->len, stdout);
	if (answer->len == 0 || answer->data[answer->len - 1] != '\n')
		fputc('\n', stdout);
}

int
cli_unexpected(const struct buf *answer, const char *what)
{
	cli_warn("unexpected answer from the server (no %s); as it came:",
	    what);
	cli_put_raw(answer);
	return CLI_FAIL;
}
