/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the Okta System Log import (POST /v1/import?format=okta) as
 * api_import.c takes it: the body cut into records (JSON lines or one
 * JSON array, importer.h), each record mapped by okta_map.  A bad record
 * must be a 400 whose message names its line or event; a mapped event
 * must serialise as a log entry, and that entry must itself be a valid
 * custos entry that entries_parse reads back to the very same bytes (so
 * what an Okta import writes can always be exported and imported again).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "importer/entries.h"
#include "importer/importer.h"
#include "importer/okta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RECORDS_MAX 64          /* per input, to keep runs fast */
#define T_COMMIT INT64_C(1642773780123)

static void
must_be_400_at(const struct err *e)
{
	if (e->status != 400 || (strncmp(e->msg, "line ", 5) != 0 &&
	    strncmp(e->msg, "event ", 6) != 0 &&
	    strncmp(e->msg, "data after", 10) != 0)) {
		log_error("fuzz: status %d: %s", e->status, e->msg);
		abort();
	}
}

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
	/* An imported event is indexed at its own time. */
	if (ie->ev.time_ms <= 0 || en.time != ie->ev.time_ms / 1000)
		abort();
	s = buf_steal(&b, NULL);
	if (s == NULL)
		abort();
	return s;
}

static void
reimport(const char *entry)
{
	struct import_event again;
	struct err e;
	char *s;

	err_init(&e);
	import_event_init(&again);
	if (entries_parse(&again, entry, strlen(entry), &e) != 0) {
		log_error("fuzz: okta entry not an entry: %s: %s", e.msg,
		    entry);
		abort();
	}
	s = entry_of(&again);
	if (strcmp(s, entry) != 0) {
		log_error("fuzz: %s\nbecame\n%s", entry, s);
		abort();
	}
	free(s);
	import_event_cleanup(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char type[OKTA_TYPE_MAX + 1];
	struct import_split sp;
	struct import_event ie;
	const char *rec;
	struct err e;
	size_t len;
	int n = 0, r;

	import_split_init(&sp, (const char *)data, size, 1);
	err_init(&e);
	while (n++ < RECORDS_MAX &&
	    (r = import_split_next(&sp, &rec, &len, &e)) == 1) {
		import_event_init(&ie);
		r = okta_map(&ie, type, rec, len, n % 2 ? NULL : "acme", &e);
		if (r == -1) {
			import_err_at(&e, &sp);
			must_be_400_at(&e);
			err_init(&e);
		} else if (r == OKTA_MAPPED) {
			char *s = entry_of(&ie);

			if (okta_action(type) == NULL ||
			    strcmp(ie.ev.action, okta_action(type)) != 0)
				abort();
			reimport(s);
			free(s);
		} else if (r != OKTA_SKIPPED || okta_action(type) != NULL) {
			abort();
		}
		import_event_cleanup(&ie);
	}
	if (e.status != 0)
		must_be_400_at(&e);
	return 0;
}
