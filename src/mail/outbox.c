/* SPDX-License-Identifier: ISC */
#include "mail/outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/rand.h"
#include "common/str.h"

#define MAIL_MAX (64 * 1024)

static int
mkdir_if_missing(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

int
outbox_init(const char *dir)
{
	static const char *const subs[] = {"tmp", "new", "cur"};
	char path[4096];
	size_t i;

	if (mkdir_if_missing(dir) == -1)
		return -1;
	for (i = 0; i < 3; i++)
		if (str_printf(path, sizeof(path), "%s/%s", dir, subs[i]) ==
		    -1 || mkdir_if_missing(path) == -1)
			return -1;
	return 0;
}

/* Header values come from the directory; refuse anything that could break
 * out of a header line. */
static int
header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

int
outbox_stage(struct outbox_msg *m, const char *dir, const char *from,
    const char *to, const char *subject, const char *body)
{
	char path[4096], date[64], rnd[32], msgid[128];
	uint8_t r[10];
	struct buf b;
	struct tm tm;
	time_t now = time(NULL);
	int fd = -1, rc = -1;
	size_t off;

	m->staged = 0;
	if (!header_safe(from) || !header_safe(to) || !header_safe(subject))
		return -1;
	randombytes_buf(r, sizeof(r));
	base32_encode(rnd, r, sizeof(r));
	if (str_printf(m->name, sizeof(m->name), "%lld.P%dR%s.custos",
	    (long long)now, (int)getpid(), rnd) == -1 ||
	    str_printf(msgid, sizeof(msgid), "<%s@custos>", rnd) == -1)
		return -1;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_init_secret(&b, MAIL_MAX);
	if (buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
	    "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s", from, to, subject,
	    date, msgid, body) == -1)
		goto out;
	if (str_printf(path, sizeof(path), "%s/tmp/%s", dir, m->name) == -1)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		goto out;
	for (off = 0; off < b.len;) {
		ssize_t w = write(fd, b.data + off, b.len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1)
		goto out;
	m->staged = 1;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && fd != -1)
		unlink(path);
	buf_cleanup(&b);
	return rc;
}

int
outbox_deliver(struct outbox_msg *m, const char *dir)
{
	char from[4096], to[4096];
	int dfd;

	if (!m->staged)
		return -1;
	if (str_printf(from, sizeof(from), "%s/tmp/%s", dir, m->name) == -1 ||
	    str_printf(to, sizeof(to), "%s/new/%s", dir, m->name) == -1 ||
	    rename(from, to) == -1)
		return -1;
	m->staged = 0;
	str_printf(to, sizeof(to), "%s/new", dir);
	dfd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd != -1) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

void
outbox_discard(struct outbox_msg *m, const char *dir)
{
	char path[4096];

	if (!m->staged)
		return;
	if (str_printf(path, sizeof(path), "%s/tmp/%s", dir, m->name) == 0)
		unlink(path);
	m->staged = 0;
}
