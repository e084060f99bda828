/* SPDX-License-Identifier: ISC */
/*
 * keyfile: the log's Ed25519 signing key on disk (DIR/log.key): one line
 * of base64, a regular file of mode 0600, opened with O_NOFOLLOW and read
 * up to a size cap; created by write-temp-then-rename with fsyncs.
 */
#ifndef CUSTOS_TLOG_KEYFILE_H
#define CUSTOS_TLOG_KEYFILE_H

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

#endif
