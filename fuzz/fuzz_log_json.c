/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes log_json_escape, which puts a log message (any bytes: messages
 * quote outside input, e.g. libmicrohttpd's) inside a JSON string for
 * --log-format json.  Whatever the bytes and however small the room, the
 * result stays in its buffer, is NUL-terminated, and in quotes is one
 * JSON string jansson reads, with no line feed (one line per message);
 * with room enough, valid UTF-8 without control bytes comes back whole.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *msg, size_t n, size_t room)
{
	char *out = malloc(room + 2), *quoted;
	json_error_t je;
	json_t *j;
	size_t len;

	if (out == NULL)
		return;
	len = log_json_escape(out + 1, room, msg, n);
	if (len >= room || out[1 + len] != '\0' || strlen(out + 1) != len ||
	    memchr(out + 1, '\n', len) != NULL)
		abort();
	quoted = malloc(len + 3);
	if (quoted == NULL) {
		free(out);
		return;
	}
	quoted[0] = '"';
	memcpy(quoted + 1, out + 1, len);
	quoted[len + 1] = '"';
	quoted[len + 2] = '\0';
	/* A message from vsnprintf holds no NUL; here one may be (\u0000). */
	j = json_loads(quoted, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (j == NULL || !json_is_string(j))
		abort();
	/* Room for the worst case (6 bytes a byte): nothing is cut, and
	 * clean UTF-8 comes back as it went in. */
	if (room > 6 * n && str_is_clean_utf8(msg, n) &&
	    (json_string_length(j) != n ||
	    memcmp(json_string_value(j), msg, n) != 0))
		abort();
	json_decref(j);
	free(quoted);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	check((const char *)data, size, 6 * size + 1);
	check((const char *)data, size, 1 + size % 17);
	return 0;
}
