/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the import of custos's own entries (POST /v1/import?format=
 * entries) as api_import.c takes it: the body cut into JSON lines
 * (importer.h), each line parsed by entries_parse.  A bad line must be a
 * 400 whose message starts "line N: "; a good one must serialise as a log
 * entry that parses back to the very same bytes (the format is a fixed
 * point: exporting and importing again changes nothing more), carrying
 * an "imported" mark.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "importer/entries.h"
#include "importer/importer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINES_MAX 64            /* per input, to keep runs fast */
#define T_COMMIT INT64_C(1642773780123)

static char *
entry_of(struct import_event *ie)
{
	struct rec_entry en;
	struct buf b;
	char *s;

	buf_init(&b, 256 * 1024);
	memset(&en, 0, sizeof(en));
	if (event_serialize(import_event_get(ie), T_COMMIT, &b, &en) == -1)
		abort();
	if (ie->ev.time_ms <= 0 || en.time != ie->ev.time_ms / 1000)
		abort();
	s = buf_steal(&b, NULL);
	if (s == NULL)
		abort();
	return s;
}

static void
line(const char *rec, size_t len)
{
	struct import_event ie, again;
	struct err e;
	char *s, *t;

	err_init(&e);
	import_event_init(&ie);
	if (entries_parse(&ie, rec, len, &e) == -1) {
		if (e.status != 400 || e.msg[0] == '\0')
			abort();
		import_event_cleanup(&ie);
		return;
	}
	if (json_object_get(ie.ev.detail, "imported") == NULL)
		abort();
	s = entry_of(&ie);
	import_event_init(&again);
	if (entries_parse(&again, s, strlen(s), &e) != 0) {
		log_error("fuzz: own entry refused: %s: %s", e.msg, s);
		abort();
	}
	t = entry_of(&again);
	if (strcmp(s, t) != 0) {
		log_error("fuzz: %s\nbecame\n%s", s, t);
		abort();
	}
	free(t);
	free(s);
	import_event_cleanup(&again);
	import_event_cleanup(&ie);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_split sp;
	const char *rec;
	struct err e;
	size_t len;
	int n = 0, r;

	import_split_init(&sp, (const char *)data, size, 0);
	err_init(&e);
	while (n++ < LINES_MAX &&
	    (r = import_split_next(&sp, &rec, &len, &e)) == 1)
		line(rec, len);
	if (e.status != 0 && (e.status != 400 ||
	    strncmp(e.msg, "line ", 5) != 0)) {
		log_error("fuzz: status %d: %s", e.status, e.msg);
		abort();
	}
	return 0;
}
