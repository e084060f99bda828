/* SPDX-License-Identifier: ISC */
/*
 * keyfile: loading and creating the log key; see keyfile.h.
 */
#include "tlog/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/str.h"

int
keyfile_load_bytes(uint8_t *k, size_t klen, const char *path,
    struct err *e)
{
	char text[KEYFILE_MAX + 1];
	struct stat st;
	size_t n = 0, len = 0;
	ssize_t r;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 1 : err_internal(e, "cannot open %s: "
		    "%s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 077) != 0) {
		err_internal(e, "%s must be a regular file of mode 0600",
		    path);
		goto out;
	}
	while (n < KEYFILE_MAX && (r = read(fd, text + n,
	    KEYFILE_MAX - n)) > 0)
		n += (size_t)r;
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	if (sodium_base642bin(k, klen, text, n, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || len != klen) {
		err_internal(e, "%s does not hold a base64 key of %zu bytes",
		    path, klen);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(text, sizeof(text));
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
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	return slash == path ? "/" : buf;
}

int
keyfile_load(uint8_t *sk, const char *path, struct err *e)
{
	return keyfile_load_bytes(sk, crypto_sign_SECRETKEYBYTES, path, e);
}

int
keyfile_write_bytes(const uint8_t *k, size_t klen, const char *path,
    struct err *e)
{
	char text[KEYFILE_MAX], tmp[4096];
	size_t len;
	int fd, rc = -1;

	if (sodium_base64_ENCODED_LEN(klen, sodium_base64_VARIANT_ORIGINAL) >=
	    sizeof(text))
		return err_internal(e, "a key of %zu bytes is too long", klen);
	sodium_bin2base64(text, sizeof(text), k, klen,
	    sodium_base64_VARIANT_ORIGINAL);
	len = strlen(text);
	text[len++] = '\n';
	if (str_printf(tmp, sizeof(tmp), "%s.tmp", path) == -1)
		goto out;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		err_internal(e, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		err_internal(e, "cannot write %s", tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		err_internal(e, "cannot create %s", path);
		goto out;
	}
	fd = open(dir_of(path, tmp, sizeof(tmp)), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (fd != -1) {
		fsync(fd);
		close(fd);
	}
	log_info("first start: wrote %s (mode 0600)", path);
	rc = 0;
out:
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
keyfile_create(uint8_t *sk, const char *path, struct err *e)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];

	crypto_sign_keypair(pk, sk);
	return keyfile_write_bytes(sk, crypto_sign_SECRETKEYBYTES, path, e);
}
