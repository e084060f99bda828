/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes conf_parse, the parser of custosd's config file.  Every setting it
 * hands over must keep the promises of conf.h: a key of [a-z0-9-]+, a value
 * without surrounding blanks, no control character (tabs aside) and valid
 * UTF-8, and line numbers that grow; refusals are a 400 naming a line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "common/log.h"
#include "common/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	int last_line;
	int settings;
};

/* Clean UTF-8 where tabs may stand between the clean runs. */
static int
clean_but_tabs(const char *s)
{
	size_t n;

	for (;;) {
		n = strcspn(s, "\t");
		if (!str_is_clean_utf8(s, n))
			return 0;
		if (s[n] == '\0')
			return 1;
		s += n + 1;
	}
}

static int
setting(void *arg, const char *key, const char *value, int line,
    struct err *e)
{
	struct state *st = arg;
	size_t vn = strlen(value);

	if (key[0] == '\0' || strspn(key, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789-") != strlen(key) || strlen(key) > CONF_LINE_MAX)
		goto bad;
	if (vn > 0 && (value[0] == ' ' || value[0] == '\t' ||
	    value[vn - 1] == ' ' || value[vn - 1] == '\t'))
		goto bad;
	if (!clean_but_tabs(value) || line <= st->last_line)
		goto bad;
	st->last_line = line;
	/* Stop now and then, as an unknown key would. */
	if (++st->settings == 50)
		return err_bad_request(e, "config line %d: too many", line);
	return 0;
bad:
	log_error("fuzz: line %d gave key '%s' value '%s'", line, key, value);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st = {0, 0};
	struct err e;

	if (size > CONF_FILE_MAX)
		return 0;
	err_init(&e);
	if (conf_parse((const char *)data, size, setting, &st, &e) == -1 &&
	    (e.status != 400 || strstr(e.msg, "line ") == NULL))
		abort();
	return 0;
}
