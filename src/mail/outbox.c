/* SPDX-License-Identifier: ISC */
#include "mail/outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The message's name and id, its Date header, into m, msgid, date. */
static int
message_names(struct outbox_msg *m, char *msgid, size_t msgid_size,
    char *date, size_t date_size, char *rnd)
{
	uint8_t r[10];
	struct tm tm;
	time_t now = time(NULL);

	randombytes_buf(r, sizeof(r));
	base32_encode(rnd, r, sizeof(r));
	if (str_printf(m->name, sizeof(m->name), "%lld.P%dR%s.custos",
	    (long long)now, (int)getpid(), rnd) == -1 ||
	    str_printf(msgid, msgid_size, "<%s@custos>", rnd) == -1)
		return -1;
	gmtime_r(&now, &tm);
	strftime(date, date_size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	return 0;
}

/* Writes b into DIR/tmp/<m->name> (0600, fsynced); m staged on 0. */
static int
write_tmp(struct outbox_msg *m, const char *dir, const struct buf *b)
{
	char path[4096];
	int fd = -1, rc = -1;
	size_t off;

	if (str_printf(path, sizeof(path), "%s/tmp/%s", dir, m->name) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	for (off = 0; off < b->len;) {
		ssize_t w = write(fd, b->data + off, b->len - off);

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
	close(fd);
	if (rc == -1)
		unlink(path);
	return rc;
}

int
outbox_stage(struct outbox_msg *m, const char *dir, const char *from,
    const char *to, const char *subject, const char *body)
{
	char date[64], rnd[32], msgid[128];
	struct buf b;
	int rc = -1;

	m->staged = 0;
	if (!header_safe(from) || !header_safe(to) || !header_safe(subject))
		return -1;
	if (message_names(m, msgid, sizeof(msgid), date, sizeof(date),
	    rnd) == -1)
		return -1;
	buf_init_secret(&b, MAIL_MAX);
	if (buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
	    "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s", from, to, subject,
	    date, msgid, body) == -1)
		goto out;
	rc = write_tmp(m, dir, &b);
out:
	buf_cleanup(&b);
	return rc;
}

/* Issue 16, disclose: a text and one attachment, multipart/mixed, the
 * attachment in base64 lines of 76 characters. */
int
outbox_stage_attach(struct outbox_msg *m, const char *dir, const char *from,
    const char *to, const char *subject, const char *body,
    const char *att_name, const char *att_type, const void *att,
    size_t att_len)
{
	char date[64], rnd[32], msgid[128];
	size_t b64len, i;
	char *b64 = NULL;
	struct buf b;
	int rc = -1;

	m->staged = 0;
	if (!header_safe(from) || !header_safe(to) || !header_safe(subject) ||
	    strpbrk(att_name, "\r\n\"\\") != NULL ||
	    strpbrk(att_type, "\r\n") != NULL || att_len > OUTBOX_ATTACH_MAX)
		return -1;
	if (message_names(m, msgid, sizeof(msgid), date, sizeof(date),
	    rnd) == -1)
		return -1;
	b64len = sodium_base64_ENCODED_LEN(att_len,
	    sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(b64len);
	if (b64 == NULL)
		return -1;
	sodium_bin2base64(b64, b64len, att, att_len,
	    sodium_base64_VARIANT_ORIGINAL);
	buf_init(&b, MAIL_MAX + b64len + b64len / 38 + 1024);
	if (buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
	    "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"=_custos_%s\"\r\n\r\n"
	    "--=_custos_%s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n"
	    "--=_custos_%s\r\n"
	    "Content-Type: %s; name=\"%s\"\r\n"
	    "Content-Disposition: attachment; filename=\"%s\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", from, to, subject,
	    date, msgid, rnd, rnd, body, rnd, att_type, att_name,
	    att_name) == -1)
		goto out;
	for (i = 0; i < b64len - 1; i += 76)
		if (buf_append(&b, b64 + i, b64len - 1 - i < 76 ?
		    b64len - 1 - i : 76) == -1 || buf_puts(&b, "\r\n") == -1)
			goto out;
	if (buf_printf(&b, "--=_custos_%s--\r\n", rnd) == -1)
		goto out;
	rc = write_tmp(m, dir, &b);
out:
	free(b64);
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
