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

void
log_set_quiet(int quiet)
{
	__atomic_store_n(&log_quiet, quiet != 0, __ATOMIC_RELAXED);
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
	n = snprintf(line, sizeof(line), "%s custosd %s: ", stamp, level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	off = (size_t)n;
	n = vsnprintf(line + off, sizeof(line) - off - 1, fmt, ap);
	if (n < 0)
		return;
	len = strlen(line);     /* cut to the buffer when it was longer */
	line[len++] = '\n';
	/* One write: a line is never split between threads or files. */
	while (write(STDERR_FILENO, line, len) == -1 && errno == EINTR)
		;
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
