/* SPDX-License-Identifier: ISC */
/*
 * out.c: messages, terminal-safe text and JSON encoding (see out.h).
 */
#include "cli/out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

#define KEPT_CODE_MAX 64
#define KEPT_MSG_MAX 2048

/*
 * Under --json the errors of a run are kept here and printed once, as
 * JSON, when it ends (cli_out_finish).  Set at start-up from the command
 * line, then only appended to: the run is one thread.
 */
static struct {
	int json;
	char code[KEPT_CODE_MAX];
	char msg[KEPT_MSG_MAX];
	size_t len;
} kept;

void
cli_out_json(int on)
{
	kept.json = on;
}

int
cli_out_is_json(void)
{
	return kept.json;
}

static void keep(const char *code, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
keep(const char *code, const char *fmt, va_list ap)
{
	char line[KEPT_MSG_MAX];
	size_t n;

	if (code != NULL && kept.code[0] == '\0')
		(void)str_copy(kept.code, sizeof(kept.code), code);
	if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
		return;
	n = strlen(line);
	if (kept.len > 0 && kept.len + 2 < sizeof(kept.msg)) {
		memcpy(kept.msg + kept.len, "; ", 2);
		kept.len += 2;
	}
	if (n > sizeof(kept.msg) - 1 - kept.len)
		n = sizeof(kept.msg) - 1 - kept.len;
	memcpy(kept.msg + kept.len, line, n);
	kept.len += n;
	kept.msg[kept.len] = '\0';
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (kept.json) {
		keep(NULL, fmt, ap);
	} else {
		fputs("custos: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

void
cli_error(const char *code, const char *fmt, ...)
{
	char line[KEPT_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (kept.json) {
		keep(code, fmt, ap);
	} else if (vsnprintf(line, sizeof(line), fmt, ap) >= 0) {
		fputs("custos: ", stderr);
		cli_put(stderr, code, 0);
		fputs(": ", stderr);
		cli_put(stderr, line, 0);
		fputc('\n', stderr);
	}
	va_end(ap);
}

int
cli_out_finish(int rc)
{
	static const char *const codes[] = { "ok", "refused", "usage",
	    "failed", "try_later" };
	static const char *const msgs[] = { "done", "the answer is no",
	    "usage error", "server or I/O error", "try again later" };
	const char *code;
	json_t *v;
	char *text;
	int i = rc >= 0 && rc <= CLI_LATER ? rc : CLI_FAIL;

	if (!kept.json || rc == CLI_OK)
		return rc;
	code = kept.code[0] != '\0' ? kept.code : codes[i];
	/* Text from the server may be anything: jansson escapes it. */
	v = json_pack("{s:{s:s%, s:s%}, s:i}", "error", "code", code,
	    strlen(code), "message", kept.len > 0 ? kept.msg : msgs[i],
	    kept.len > 0 ? kept.len : strlen(msgs[i]), "exit", rc);
	text = v != NULL ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII) : NULL;
	if (text != NULL)
		fprintf(stderr, "%s\n", text);
	else
		fprintf(stderr, "{\"error\": {\"code\": \"%s\", "
		    "\"message\": \"%s\"}, \"exit\": %d}\n", codes[i], msgs[i],
		    rc);
	free(text);
	json_decref(v);
	return rc;
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
