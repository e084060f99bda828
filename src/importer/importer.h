/* SPDX-License-Identifier: ISC */
/*
 * importer: what the event importers share.  An import body (POST
 * /v1/import?format=entries|okta) holds events from elsewhere, one per line
 * (JSON lines) or, for the formats that allow it, as one JSON array.
 * import_split cuts the body into records without parsing them; each
 * format's parser (entries.c, okta.c) then turns one record into an
 * import_event, the log entry it becomes.  Every limit on outside bytes is
 * named here.
 */
#ifndef CUSTOS_IMPORTER_IMPORTER_H
#define CUSTOS_IMPORTER_IMPORTER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"
#include "common/err.h"

#define IMPORT_EVENTS_MAX 100000        /* records in one body */
#define IMPORT_RECORD_MAX (256 * 1024)  /* bytes of one record */
#define IMPORT_ACTION_MAX 64            /* bytes of an action name */
#define IMPORT_TIME_MAX 40              /* bytes of an RFC 3339 time */
#define IMPORT_DETAIL_KEYS_MAX 32       /* keys in an imported detail */
#define IMPORT_DETAIL_KEY_MAX 64        /* bytes of one detail key */
#define IMPORT_DETAIL_VALUE_MAX 512     /* bytes of one detail value */

/*
 * One imported event.  ev.action points at action; the struct may be
 * moved (an array of them grows), so whoever serialises ev calls
 * import_event_get() first, which points it there again.
 */
struct import_event {
	struct event ev;
	char action[IMPORT_ACTION_MAX + 1];
};

void import_event_init(struct import_event *ie);
void import_event_cleanup(struct import_event *ie);

/* Sets the action (copied; 0, or -1 when longer than IMPORT_ACTION_MAX). */
int import_event_set_action(struct import_event *ie, const char *action);

/* The event, its action pointer made current. */
struct event *import_event_get(struct import_event *ie);

enum import_shape {
	IMPORT_LINES = 0,       /* one JSON object per line */
	IMPORT_ARRAY            /* one JSON array of objects */
};

/* A body being cut into records. */
struct import_split {
	const char *p, *end;
	int shape;              /* enum import_shape */
	int started;
	int done;
	long number;            /* of the last record: line or element */
};

/*
 * Starts cutting data[0..len).  A leading UTF-8 byte-order mark is
 * skipped.  When allow_array is set and the first byte that is not JSON
 * white space is '[', the body is one JSON array whose elements are the
 * records ("event N"); otherwise each non-blank line is one ("line N").
 * data must outlive s.
 */
void import_split_init(struct import_split *s, const char *data, size_t len,
    int allow_array) __attribute__((nonnull));

/*
 * The next record: 1 with *rec and *len set (the bytes of one line, or
 * of one array element from its '{' to its '}'), 0 at the end, or -1
 * with a 400 in e whose message starts "line N: " or "event N: ".  It
 * finds the bounds of a record only; the parser checks what is inside.
 */
int import_split_next(struct import_split *s, const char **rec,
    size_t *len, struct err *e) __attribute__((warn_unused_result));

/* "line" or "event": the unit of s->number, for messages. */
const char *import_split_unit(const struct import_split *s);

/* Prefixes e's message with "<unit> <number>: ". */
void import_err_at(struct err *e, const struct import_split *s);

/* Parses one record as a JSON object, as jx_parse_object does; a record
 * that is not an object is refused in the importer's words. */
json_t *import_parse_object(const char *data, size_t len, struct err *e)
	__attribute__((warn_unused_result, nonnull));

/*
 * Parses an RFC 3339 time with an optional fraction into milliseconds
 * since the epoch (the fraction is cut to milliseconds).  The time must
 * lie after 1970-01-01T00:00:00Z (0 means "no time" to the log writer).
 */
int import_time_ms(int64_t *out, const char *s)
	__attribute__((warn_unused_result, nonnull));

/* 1 when s is a textual IPv4 or IPv6 address that fits a log entry. */
int import_ip_valid(const char *s) __attribute__((nonnull));

/* 1 when s may name an actor: an id (id_valid) or a login that is an
 * e-mail address, shorter than ID_MAX either way. */
int import_principal_valid(const char *s) __attribute__((nonnull));

#endif
