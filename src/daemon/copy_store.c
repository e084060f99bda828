/* SPDX-License-Identifier: ISC */
/*
 * custosd copy-store: copies a store into an empty one on another
 * backend (daemon/copy.h does the work).  SRC and DST are each a data
 * directory (its SQLite file DIR/custos.db; the directory's lock is
 * taken, so no custosd may be running on it), a SQLite file, or a
 * postgresql:// URL.  Key files are not in the store: the operator
 * copies DIR/log.key, DIR/secrets.key and DIR/log.anchor (the last
 * line printed says so).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "daemon/copy_store.h"
#include "daemon/pidlock.h"
#include "daemon/copy.h"
#include "store/store.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: custosd copy-store --from SRC --to DST\n\n"
	    "Copies every table of a custos store into an empty one, keeping "
	    "the\nlog bit for bit, then reads both back and compares them "
	    "table by table.\nSRC and DST: a data directory (its custos.db; "
	    "no custosd may run on it),\na SQLite file, or a postgresql:// "
	    "URL.  Stop every custosd on SRC first.\n");
}

/* Resolves a SQLite data directory to its file and locks it. */
static int
resolve(const char *arg, int create, char *path, size_t size, int *lockfd,
    struct err *e)
{
	struct stat st;

	if (store_ops_for(arg) != &store_sqlite_ops) {
		if (strlen(arg) >= size)
			return err_bad_request(e, "the URL is too long");
		memcpy(path, arg, strlen(arg) + 1);
		return 0;
	}
	if (create && stat(arg, &st) == -1 && errno == ENOENT &&
	    mkdir(arg, 0700) == -1)
		return err_set(e, 500, "internal", "cannot create %s: %s", arg,
		    strerror(errno));
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		int n = snprintf(path, size, "%s/custos.db", arg);

		if (n < 0 || (size_t)n >= size)
			return err_bad_request(e, "the path is too long");
		if (!create && access(path, R_OK) == -1)
			return err_bad_request(e, "%s holds no custos.db",
			    arg);
		return pidlock_take(lockfd, arg, e);
	}
	if (!create && access(arg, R_OK) == -1)
		return err_bad_request(e, "%s: no such store", arg);
	if (strlen(arg) >= size)
		return err_bad_request(e, "the path is too long");
	memcpy(path, arg, strlen(arg) + 1);
	return 0;
}

int
copy_store_main(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	char src[4096], dst[4096];
	int i, lock1 = -1, lock2 = -1, status = 3;
	struct err e;

	err_init(&e);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else {
			fprintf(stderr, "custosd copy-store: unknown argument "
			    "%s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (from == NULL || to == NULL) {
		usage(stderr);
		return 2;
	}
	if (resolve(from, 0, src, sizeof(src), &lock1, &e) == -1 ||
	    resolve(to, 1, dst, sizeof(dst), &lock2, &e) == -1) {
		fprintf(stderr, "custosd copy-store: %s\n", e.msg);
		status = e.status == 400 ? 2 : 3;
		goto out;
	}
	if (store_copy(src, dst, stdout, &e) == -1) {
		fprintf(stderr, "custosd copy-store: %s\n", e.msg);
		status = e.status == 409 ? 1 : e.status == 400 ? 2 : 3;
		goto out;
	}
	printf("copied.  Keys are not in the store: give every custosd of "
	    "the target the\nsource's DIR/log.key, DIR/secrets.key, "
	    "DIR/log.anchor and DIR/operator.token.\n");
	status = 0;
out:
	if (lock1 != -1)
		close(lock1);
	if (lock2 != -1)
		close(lock2);
	return status;
}
