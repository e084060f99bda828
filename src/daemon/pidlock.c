/* SPDX-License-Identifier: ISC */
#include "daemon/pidlock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/num.h"
#include "common/str.h"

#define PIDLOCK_READ_MAX 32     /* bytes of the holder's pid we read */

/* The holder's pid as written in the file, or "" when unreadable. */
static void
holder(int fd, char *out, size_t size)
{
	char buf[PIDLOCK_READ_MAX];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	int64_t pid;

	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (num_parse_i64(&pid, buf, 1, INT32_MAX) == 0)
		str_copy(out, size, buf);
}

int
pidlock_take(int *fd, const char *dir, struct err *e)
{
	char path[4096], pid[PIDLOCK_READ_MAX], who[PIDLOCK_READ_MAX + 8];
	char line[32];
	int f;

	*fd = -1;
	if (str_printf(path, sizeof(path), "%s/custosd.pid", dir) == -1)
		return err_internal(e, "the data directory's path is too long");
	f = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f == -1)
		return err_internal(e, "cannot open %s: %s", path,
		    strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB) == -1) {
		int busy = errno == EWOULDBLOCK;

		holder(f, pid, sizeof(pid));
		close(f);
		if (!busy)
			return err_internal(e, "cannot lock %s: %s", path,
			    strerror(errno));
		who[0] = '\0';
		if (pid[0] != '\0')
			(void)str_printf(who, sizeof(who), " (pid %s)", pid);
		return err_set(e, 409, "conflict", "another custosd%s runs on "
		    "%s (it holds %s); one custosd per data directory", who,
		    dir, path);
	}
	if (str_printf(line, sizeof(line), "%ld\n", (long)getpid()) == -1 ||
	    ftruncate(f, 0) == -1 ||
	    pwrite(f, line, strlen(line), 0) != (ssize_t)strlen(line)) {
		close(f);
		return err_internal(e, "cannot write %s: %s", path,
		    strerror(errno));
	}
	*fd = f;
	return 0;
}
