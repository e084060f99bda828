/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the Okta System Log import (POST /v1/import?format=okta) as
 * api_import.c takes it since issue 16: the body streamed through the
 * framing scanner (scan.h) into the importer (stream.h), in chunks whose
 * sizes the input chooses.  Properties: the scanner finds the same
 * records and errors whatever the chunking (whole, and in chunks of 1 to
 * 8 bytes); every mapped event a batch commits serialises as a log entry
 * that is itself a valid custos entry, read back by entries_parse to the
 * very same bytes (so what an Okta import writes can always be exported
 * and imported again); the answer's counts add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "importer/entries.h"
#include "importer/importer.h"
#include "importer/okta.h"
#include "importer/scan.h"
#include "importer/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

/* What a scan found: each record's length and a hash, each error. */
struct seen {
	uint64_t h;
	long n;
};

static uint64_t
mix(uint64_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static int
seen_record(void *arg, const char *rec, size_t len, const struct scan_pos *p)
{
	struct seen *s = arg;

	/* From '{' to the bracket that brings the depth back to 0 (a
	 * mismatched one too: json_loadb refuses what is inside). */
	if (len < 2 || rec[0] != '{' || (rec[len - 1] != '}' &&
	    rec[len - 1] != ']'))
		abort();
	s->h = mix(s->h, rec, len);
	s->h = mix(s->h, (const char *)&p->line, sizeof(p->line));
	s->n++;
	return 0;
}

static int
seen_error(void *arg, const char *reason, const char *msg,
    const struct scan_pos *p, int lost)
{
	struct seen *s = arg;

	(void)msg;
	s->h = mix(s->h, reason, strlen(reason));
	s->h = mix(s->h, (const char *)&p->offset, sizeof(p->offset));
	s->h ^= (uint64_t)lost;
	s->n++;
	return 0;
}

static struct seen
scan_all(const uint8_t *data, size_t size, size_t step)
{
	struct seen s = {1469598103934665603ULL, 0};
	struct scan_cb cb = {seen_record, seen_error, &s};
	struct scan sc;
	size_t i, n;

	scan_init(&sc, 4096);
	for (i = 0; i < size; i += n) {
		n = step == 0 || size - i < step ? size - i : step;
		if (scan_feed(&sc, (const char *)data + i, n, &cb) != 0)
			break;
	}
	if (i >= size)
		(void)scan_finish(&sc, &cb);
	scan_cleanup(&sc);
	return s;
}

/* The importer's commit: each job's entry made and read back. */
static int
commit(void *arg, const struct store_job *jobs, size_t n, struct err *e)
{
	int64_t *index = arg;
	struct rec_entry en;
	struct buf b;
	size_t i;
	char *s;

	(void)e;
	for (i = 0; i < n; i++) {
		buf_init(&b, 256 * 1024);
		memset(&en, 0, sizeof(en));
		if (jobs[i].entry(jobs[i].arg, 0, NULL, (*index)++, T_COMMIT,
		    &b, &en) != 0)
			abort();
		s = buf_steal(&b, NULL);
		if (s == NULL)
			abort();
		reimport(s);
		free(s);
	}
	return 0;
}

/* The operator's map rows and vendor domains (okta-map-file,
 * okta-vendor-domains): each line of the input is tried as both; a type
 * an operator's row maps is never left unmapped. */
static void
conf_lines(const uint8_t *data, size_t size)
{
	struct okta_conf c;
	char line[600];
	struct err e;
	size_t i, n;

	okta_conf_init(&c);
	for (i = 0; i < size; i += n + 1) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);

		n = nl != NULL ? (size_t)(nl - (data + i)) : size - i;
		if (n >= sizeof(line) || memchr(data + i, 0, n) != NULL)
			continue;
		memcpy(line, data + i, n);
		line[n] = '\0';
		err_init(&e);
		if (okta_conf_map_line(&c, line, &e) == 0 && c.nrules > 0 &&
		    okta_rule_find(&c, c.rules[c.nrules - 1].type) == NULL &&
		    c.rules[c.nrules - 1].action != NULL &&
		    strchr(c.rules[c.nrules - 1].type, '*') == NULL &&
		    okta_rule_find(NULL, c.rules[c.nrules - 1].type) != NULL)
			abort();        /* an operator's row hid nothing */
		err_init(&e);
		if (okta_conf_vendors(&c, line, &e) == -1 && e.status == 0)
			abort();
	}
	okta_conf_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_stream_cfg cfg;
	struct import_stream st;
	struct seen whole, bytes;
	int64_t index = 0;
	struct err e;
	json_t *a;
	size_t i, step;

	if (size > 64 * 1024)
		return 0;
	conf_lines(data, size);
	whole = scan_all(data, size, 0);
	bytes = scan_all(data, size, 1 + (size % 8));
	if (whole.h != bytes.h || whole.n != bytes.n)
		abort();
	memset(&cfg, 0, sizeof(cfg));
	cfg.tenant = size % 2 ? NULL : "acme";
	cfg.batch = 3;
	cfg.commit = commit;
	cfg.commit_arg = &index;
	err_init(&e);
	if (import_stream_init(&st, &cfg, &e) == -1)
		abort();
	step = 1 + size % 97;
	for (i = 0; i < size; i += step)
		if (import_stream_feed(&st, (const char *)data + i,
		    size - i < step ? size - i : step) != 0)
			break;
	if (import_stream_finish(&st) == 0 || st.imported > 0) {
		a = import_stream_answer(&st);
		if (a == NULL)
			abort();
		json_decref(a);
	}
	if (st.imported != index || st.imported + st.nskipped > st.events ||
	    (int64_t)json_array_size(st.errors) > IMPORT_ERRORS_SHOWN)
		abort();
	import_stream_cleanup(&st);
	return 0;
}
