/* SPDX-License-Identifier: ISC */
/*
 * keyfile: the log's Ed25519 signing key on disk (DIR/log.key), and other
 * keys kept the same way (DIR/secrets.key, src/auth/secrets.c): one line
 * of base64, a regular file of mode 0600, opened with O_NOFOLLOW and read
 * up to a size cap; created by write-temp-then-rename with fsyncs.
 */
#ifndef CUSTOS_TLOG_KEYFILE_H
#define CUSTOS_TLOG_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define KEYFILE_MAX 512                 /* bytes read at most */

/* Reads the key at path into sk (crypto_sign_SECRETKEYBYTES, the
 * caller's sodium_malloc memory): 0, 1 when there is no such file, -1 on
 * any other problem.  The text read is wiped. */
int keyfile_load(uint8_t *sk, const char *path, struct err *e)
	__attribute__((warn_unused_result));

/* Makes a new key pair into sk and writes it to path, which must not
 * be replaced under a reader: path.tmp is written, fsynced and renamed. */
int keyfile_create(uint8_t *sk, const char *path, struct err *e)
	__attribute__((warn_unused_result));

/* Reads a key of exactly klen bytes at path into k (the caller's
 * sodium_malloc memory): 0, 1 when there is no such file, -1 on any other
 * problem (mode not 0600, a link, not base64, another length). */
int keyfile_load_bytes(uint8_t *k, size_t klen, const char *path,
    struct err *e) __attribute__((warn_unused_result));

/* Writes k (klen bytes) to path as keyfile_create does: path.tmp with
 * O_EXCL|O_NOFOLLOW and mode 0600, fsynced, renamed. */
int keyfile_write_bytes(const uint8_t *k, size_t klen, const char *path,
    struct err *e) __attribute__((warn_unused_result));

#endif
