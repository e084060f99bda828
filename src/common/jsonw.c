/* SPDX-License-Identifier: ISC */
#include "common/jsonw.h"

#include <string.h>

int
jsonw_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s, *p;

	if (buf_append(b, "\"", 1) == -1)
		return -1;
	/* Copy runs of bytes that need no escape in one go. */
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[6];
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (buf_append(b, run, (size_t)(p - run)) == -1)
			return -1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		if (buf_append(b, esc, n) == -1)
			return -1;
		run = p + 1;
	}
	if (buf_append(b, run, (size_t)(p - run)) == -1)
		return -1;
	return buf_append(b, "\"", 1);
}

int
jsonw_kv_str(struct buf *b, const char *key, const char *value)
{
	if (jsonw_str(b, key) == -1 || buf_append(b, ":", 1) == -1)
		return -1;
	return jsonw_str(b, value);
}
