/* SPDX-License-Identifier: ISC */
/*
 * textfile: small state files read with a cap and replaced atomically; see
 * textfile.h.
 */
#include "common/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/str.h"

int
textfile_read(struct buf *out, const char *path, size_t cap, struct err *e)
{
	char chunk[4096];
	struct stat st;
	size_t total = 0;
	ssize_t r;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 1 : err_internal(e, "cannot open %s: "
		    "%s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		err_internal(e, "%s must be a regular file", path);
		goto out;
	}
	if (st.st_size < 0 || (size_t)st.st_size > cap) {
		err_internal(e, "%s is larger than %zu bytes", path, cap);
		goto out;
	}
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err_internal(e, "cannot read %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		total += (size_t)r;
		if (total > cap || buf_append(out, chunk, (size_t)r) == -1) {
			err_internal(e, "%s is larger than %zu bytes", path,
			    cap);
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/* The directory part of path, in buf. */
static const char *
dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL || (size_t)(slash - path) >= size)
		return ".";
	if (slash == path)
		return "/";
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	return buf;
}

int
textfile_write(const char *path, const void *data, size_t len, int mode,
    struct err *e)
{
	char tmp[4096];
	const char *p = data;
	size_t done = 0;
	ssize_t w;
	int fd, dfd;

	if (str_printf(tmp, sizeof(tmp), "%s.tmp", path) == -1)
		return err_internal(e, "path too long: %s", path);
	if (unlink(tmp) == -1 && errno != ENOENT)
		return err_internal(e, "cannot remove %s: %s", tmp,
		    strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1)
		return err_internal(e, "cannot create %s: %s", tmp,
		    strerror(errno));
	while (done < len) {
		w = write(fd, p + done, len - done);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != len || fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		return err_internal(e, "cannot write %s: %s", tmp,
		    strerror(errno));
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		unlink(tmp);
		return err_internal(e, "cannot replace %s: %s", path,
		    strerror(errno));
	}
	dfd = open(dir_of(path, tmp, sizeof(tmp)), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (dfd == -1 || fsync(dfd) == -1) {
		if (dfd != -1)
			close(dfd);
		return err_internal(e, "cannot sync the directory of %s",
		    path);
	}
	close(dfd);
	return 0;
}
