/* SPDX-License-Identifier: ISC */
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Changed by SIGHUP's reload while request threads log: atomic. */
static int log_quiet;
/* LOG_FORMAT_*: set at start-up, before threads; atomic all the same. */
static int log_format;

void
log_set_format(int format)
{
	__atomic_store_n(&log_format, format, __ATOMIC_RELAXED);
}

void
log_set_quiet(int quiet)
{
	__atomic_store_n(&log_quiet, quiet != 0, __ATOMIC_RELAXED);
}

size_t
log_json_escape(char *out, size_t size, const char *msg, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)msg;
	size_t i = 0, o = 0, k, len;
	char esc[8];

	while (i < n) {
		unsigned char c = s[i];
		const char *put = esc;

		len = 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = 2;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			k = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			k = 6;
		} else if (c < 0x80) {
			esc[0] = (char)c;
			k = 1;
		} else {
			/* A whole, well-formed UTF-8 sequence, or U+FFFD. */
			len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 &&
			    c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
			for (k = 1; len > 0 && k < len; k++)
				if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
					len = 0;
			if (len == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) ||
			    (c == 0xed && s[i + 1] > 0x9f)))
				len = 0;
			if (len == 4 && ((c == 0xf0 && s[i + 1] < 0x90) ||
			    (c == 0xf4 && s[i + 1] > 0x8f)))
				len = 0;
			if (len == 0) {
				put = "\xef\xbf\xbd";
				k = 3;
				len = 1;
			} else {
				put = msg + i;
				k = len;
			}
		}
		if (o + k >= size)
			break;
		memcpy(out + o, put, k);
		o += k;
		i += len;
	}
	out[o] = '\0';
	return o;
}

static void
log_write(const char *line, size_t len)
{
	/* One write: a line is never split between threads or files. */
	while (write(STDERR_FILENO, line, len) == -1 && errno == EINTR)
		;
}

/* {"time":...,"level":...,"daemon":"custosd","msg":...} on one line. */
static void
log_json(const char *stamp, const char *level, const char *msg)
{
	char line[2048];
	int n;
	size_t off;

	n = snprintf(line, sizeof(line), "{\"time\":\"%s\",\"level\":\"%s\","
	    "\"daemon\":\"custosd\",\"msg\":\"", stamp, level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	off = (size_t)n;
	off += log_json_escape(line + off, sizeof(line) - off - 3, msg,
	    strlen(msg));
	memcpy(line + off, "\"}\n", 3);
	log_write(line, off + 3);
}

static void __attribute__((format(printf, 2, 0)))
log_v(const char *level, const char *fmt, va_list ap)
{
	char line[1024], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t off, len;
	int n;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (__atomic_load_n(&log_format, __ATOMIC_RELAXED) ==
	    LOG_FORMAT_JSON) {
		if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
			return;
		log_json(stamp, level, line);
		return;
	}
	n = snprintf(line, sizeof(line), "%s custosd %s: ", stamp, level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	off = (size_t)n;
	n = vsnprintf(line + off, sizeof(line) - off - 1, fmt, ap);
	if (n < 0)
		return;
	len = strlen(line);     /* cut to the buffer when it was longer */
	line[len++] = '\n';
	log_write(line, len);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_load_n(&log_quiet, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	log_v("info", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v("warn", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v("error", fmt, ap);
	va_end(ap);
}

int
log_file_open(const char *path)
{
	int fd, saved;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	if (fd != STDERR_FILENO && dup2(fd, STDERR_FILENO) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (fd != STDERR_FILENO)
		close(fd);
	return 0;
}
