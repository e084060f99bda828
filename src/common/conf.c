/* SPDX-License-Identifier: ISC */
#include "common/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/str.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Clean UTF-8 without control characters, tabs allowed. */
static int
line_clean(const char *s, size_t n)
{
	size_t i = 0;

	while (i <= n) {
		size_t k = i;

		while (k < n && s[k] != '\t')
			k++;
		if (!str_is_clean_utf8(s + i, k - i))
			return 0;
		i = k + 1;
	}
	return 1;
}

int
conf_parse(const char *text, size_t len,
    int (*cb)(void *arg, const char *key, const char *value, int line,
    struct err *e), void *arg, struct err *e)
{
	char line[CONF_LINE_MAX + 1];
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		char *k, *v, *eq, *end;

		lineno++;
		if (n > CONF_LINE_MAX)
			return err_bad_request(e, "config line %d is longer "
			    "than %d bytes", lineno, CONF_LINE_MAX);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!line_clean(line, n))
			return err_bad_request(e, "config line %d has control "
			    "characters or invalid UTF-8", lineno);
		k = line;
		while (is_blank(*k))
			k++;
		if (*k == '\0' || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (eq == NULL)
			return err_bad_request(e, "config line %d: expected "
			    "'key = value'", lineno);
		end = eq;
		while (end > k && is_blank(end[-1]))
			end--;
		*end = '\0';
		if (*k == '\0' || strspn(k, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789-") != strlen(k))
			return err_bad_request(e, "config line %d: the key "
			    "must be lower-case letters, digits and '-'",
			    lineno);
		v = eq + 1;
		while (is_blank(*v))
			v++;
		end = v + strlen(v);
		while (end > v && is_blank(end[-1]))
			end--;
		*end = '\0';
		if (cb(arg, k, v, lineno, e) == -1)
			return -1;
	}
	return 0;
}

char *
conf_read_file(const char *path, size_t max, size_t *len, struct err *e)
{
	char chunk[4096];
	struct buf b;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		err_bad_request(e, "cannot open %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	buf_init(&b, max);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&b, chunk, (size_t)n) == -1) {
			close(fd);
			buf_cleanup(&b);
			err_bad_request(e, "%s is larger than %zu bytes",
			    path, max);
			return NULL;
		}
	close(fd);
	if (n < 0) {
		buf_cleanup(&b);
		err_bad_request(e, "cannot read %s", path);
		return NULL;
	}
	return buf_steal(&b, len);
}
