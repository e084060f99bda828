/* SPDX-License-Identifier: ISC */
/*
 * A streamed Okta import (see stream.h): scanner -> json_loadb -> map ->
 * batches of jobs committed as they fill.
 */
#include "importer/stream.h"

#include <stdlib.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/rand.h"
#include "common/str.h"

/* One mapped event waiting for its batch's commit. */
struct stream_item {
	struct import_event ie;
	struct import_stream *st;
	char uuid[OKTA_UUID_MAX + 1];
	int dup;                /* the uuid was imported before */
	int64_t index;
};

static int
item_claim(struct store_conn *c, void *arg, struct err *e)
{
	struct stream_item *it = arg;
	int fresh = 0;

	if (it->st->cfg.ops->import_uuid_claim(c, it->uuid,
	    it->st->cfg.now_ms, &fresh, e) == -1)
		return -1;
	it->dup = !fresh;
	return 0;
}

static int
item_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct stream_item *it = arg;

	(void)apply_err;
	if (apply_rc == -1 || it->dup)
		return 1;       /* no entry: a duplicate */
	it->index = index;
	return event_serialize(import_event_get(&it->ie), time_ms, out, en);
}

static void
count(json_t *o, const char *key)
{
	json_t *c = json_object_get(o, key);

	json_object_set_new(o, key, json_integer((c != NULL ?
	    json_integer_value(c) : 0) + 1));
}

static void
items_clear(struct import_stream *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		import_event_cleanup(&st->items[i].ie);
	st->n = 0;
}

/* Stops the import with e as its failure. */
static void
fail(struct import_stream *st, const struct err *e)
{
	st->failed = 1;
	st->stopped = 1;
	st->err = *e;
}

/* Commits the pending events. */
static int
flush(struct import_stream *st)
{
	struct err e;
	size_t i;

	if (st->n == 0)
		return 0;
	err_init(&e);
	for (i = 0; i < st->n; i++) {
		st->jobs[i].apply = st->cfg.ops != NULL ? item_claim : NULL;
		st->jobs[i].entry = item_entry;
		st->jobs[i].arg = &st->items[i];
	}
	if (st->cfg.commit(st->cfg.commit_arg, st->jobs, st->n, &e) == -1) {
		items_clear(st);
		fail(st, &e);
		return -1;
	}
	st->batches++;
	for (i = 0; i < st->n; i++) {
		struct stream_item *it = &st->items[i];

		if (it->dup) {
			st->duplicates++;
			continue;
		}
		st->imported++;
		if (st->first_index < 0)
			st->first_index = it->index;
		st->last_index = it->index;
	}
	items_clear(st);
	return 0;
}

/* Records one event's error; with all_or_nothing, the import's. */
static void
event_error(struct import_stream *st, const char *reason, const char *msg,
    const struct scan_pos *pos, int64_t event, const char *uuid)
{
	st->nerrors++;
	count(st->reasons, reason);
	if (json_array_size(st->errors) < IMPORT_ERRORS_SHOWN) {
		json_t *x = json_pack("{s:I,s:I,s:I,s:s,s:s}",
		    "event", (json_int_t)event, "line", (json_int_t)pos->line,
		    "offset", (json_int_t)pos->offset, "reason", reason,
		    "message", msg);

		if (x != NULL && uuid != NULL)
			json_object_set_new(x, "uuid", json_string(uuid));
		json_array_append_new(st->errors, x);
	}
	if (st->cfg.all_or_nothing && !st->failed) {
		struct err e;

		err_init(&e);
		err_bad_request(&e, "event %lld (line %ld): %s",
		    (long long)event, pos->line, msg);
		fail(st, &e);
	}
}

/* One event object: mapped into the batch, skipped, or an error. */
static int
one_event(struct import_stream *st, const json_t *o,
    const struct scan_pos *pos)
{
	struct stream_item *it;
	char type[OKTA_TYPE_MAX + 1];
	const char *why, *uuid;
	unsigned drops;
	struct err e;
	int r, k;

	st->events++;
	if (st->cfg.all_or_nothing && st->events > IMPORT_EVENTS_MAX) {
		err_init(&e);
		err_bad_request(&e, "more than %d events in one import "
		    "(all_or_nothing)", IMPORT_EVENTS_MAX);
		fail(st, &e);
		return -1;
	}
	if (st->n == st->cap && flush(st) == -1)
		return -1;
	it = &st->items[st->n];
	memset(it, 0, sizeof(*it));
	import_event_init(&it->ie);
	it->st = st;
	it->index = -1;
	err_init(&e);
	r = okta_map_json(&it->ie, type, o, st->cfg.tenant, st->cfg.conf,
	    &drops, &why, &e);
	if (r != OKTA_MAPPED)
		import_event_cleanup(&it->ie);
	if (r == -1) {
		uuid = json_is_object(o) ? json_string_value(json_object_get(o,
		    "uuid")) : NULL;
		event_error(st, why, e.msg, pos, st->events,
		    uuid != NULL && strlen(uuid) <= OKTA_UUID_MAX ? uuid : NULL);
		return st->failed ? -1 : 0;
	}
	if (r == OKTA_SKIPPED) {
		st->nskipped++;
		count(st->skipped, type);
		return 0;
	}
	str_copy(it->uuid, sizeof(it->uuid),
	    json_string_value(json_object_get(o, "uuid")));
	for (k = 0; k < OKTA_DROP_COUNT; k++)
		if (drops & (1u << k))
			count(st->dropped, okta_drop_name(k));
	if (drops != 0 && st->cfg.all_or_nothing) {
		/* As before issue 16: an odd field refuses the import. */
		for (k = 0; k < OKTA_DROP_COUNT && !(drops & (1u << k)); k++)
			;
		import_event_cleanup(&it->ie);
		(void)str_printf(e.msg, sizeof(e.msg), "field %s is not valid",
		    okta_drop_name(k));
		event_error(st, "bad_field", e.msg, pos, st->events,
		    it->uuid);
		return -1;
	}
	st->n++;
	return 0;
}

/* The Event Hooks envelope: {"eventType": ..., "data": {"events": [..]}}
 * with no uuid of its own; NULL for an event. */
static const json_t *
envelope_events(const json_t *o)
{
	const json_t *d, *ev;

	if (json_object_get(o, "uuid") != NULL)
		return NULL;
	d = json_object_get(o, "data");
	ev = json_is_object(d) ? json_object_get(d, "events") : NULL;
	return json_is_array(ev) ? ev : NULL;
}

static int
on_record(void *arg, const char *rec, size_t len, const struct scan_pos *pos)
{
	struct import_stream *st = arg;
	const json_t *events, *x;
	struct err e;
	json_t *o;
	size_t i;
	int rc = 0;

	if (st->stopped)
		return -1;
	err_init(&e);
	if (pos->in_array && len > IMPORT_RECORD_MAX) {
		st->events++;
		err_bad_request(&e, "longer than %d bytes", IMPORT_RECORD_MAX);
		event_error(st, "too_long", e.msg, pos, st->events, NULL);
		return st->failed ? -1 : 0;
	}
	o = jx_parse_object(rec, len, &e);
	if (o == NULL) {
		st->events++;
		event_error(st, "malformed_json", e.msg, pos, st->events, NULL);
		return st->failed ? -1 : 0;
	}
	events = pos->in_array ? NULL : envelope_events(o);
	if (events != NULL) {
		json_array_foreach(events, i, x)
			if ((rc = one_event(st, x, pos)) == -1)
				break;
	} else if (len > IMPORT_RECORD_MAX) {
		st->events++;
		err_bad_request(&e, "longer than %d bytes", IMPORT_RECORD_MAX);
		event_error(st, "too_long", e.msg, pos, st->events, NULL);
		rc = st->failed ? -1 : 0;
	} else {
		rc = one_event(st, o, pos);
	}
	json_decref(o);
	return rc;
}

static int
on_error(void *arg, const char *reason, const char *msg,
    const struct scan_pos *pos, int lost)
{
	struct import_stream *st = arg;

	if (lost)
		st->lost = 1;
	else if (strcmp(reason, "malformed_json") == 0)
		st->events++;   /* a cut event counts as one */
	event_error(st, reason, msg, pos, lost ? st->events + 1 : st->events,
	    NULL);
	return st->failed ? -1 : 0;
}

static const struct scan_cb *
callbacks(struct import_stream *st)
{
	static const struct scan_cb cb = {on_record, on_error, NULL};

	(void)st;
	return &cb;
}

int
import_stream_init(struct import_stream *st,
    const struct import_stream_cfg *cfg, struct err *e)
{
	memset(st, 0, sizeof(*st));
	st->cfg = *cfg;
	st->first_index = st->last_index = -1;
	err_init(&st->err);
	scan_init(&st->sc, IMPORT_OBJECT_MAX);
	if (cfg->tenant != NULL && !id_valid(cfg->tenant))
		return err_bad_request(e, "query parameter 'tenant' must be a "
		    "tenant id");
	st->cap = cfg->all_or_nothing ? IMPORT_EVENTS_MAX + 1 :
	    cfg->batch != 0 ? cfg->batch : IMPORT_BATCH_DEFAULT;
	st->items = calloc(st->cap, sizeof(*st->items));
	st->jobs = calloc(st->cap, sizeof(*st->jobs));
	st->skipped = json_object();
	st->reasons = json_object();
	st->dropped = json_object();
	st->errors = json_array();
	if (st->items == NULL || st->jobs == NULL || st->skipped == NULL ||
	    st->reasons == NULL || st->dropped == NULL || st->errors == NULL)
		return err_internal(e, "out of memory");
	return 0;
}

int
import_stream_feed(struct import_stream *st, const char *data, size_t len)
{
	struct scan_cb cb = *callbacks(st);

	if (st->stopped)
		return 1;
	cb.arg = st;
	if (scan_feed(&st->sc, data, len, &cb) != 0)
		st->stopped = 1;
	return st->stopped;
}

int
import_stream_finish(struct import_stream *st)
{
	struct scan_cb cb = *callbacks(st);

	cb.arg = st;
	if (!st->stopped)
		(void)scan_finish(&st->sc, &cb);
	if (st->failed) {
		items_clear(st);
		return -1;
	}
	if (flush(st) == -1)
		return -1;
	if (st->events == 0 && st->nerrors == 0) {
		err_bad_request(&st->err, "the body holds no events");
		st->failed = 1;
		return -1;
	}
	return 0;
}

json_t *
import_stream_answer(const struct import_stream *st)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:O,s:O,s:O,s:O,s:o,s:o,"
	    "s:b,s:I}",
	    "events", (json_int_t)st->events,
	    "imported", (json_int_t)st->imported,
	    "entries", (json_int_t)st->imported,
	    "duplicates", (json_int_t)st->duplicates,
	    "errors_total", (json_int_t)st->nerrors,
	    "skipped", st->skipped, "error_reasons", st->reasons,
	    "dropped", st->dropped, "errors", st->errors,
	    "first_index", st->first_index >= 0 ?
	    json_integer(st->first_index) : json_null(),
	    "last_index", st->last_index >= 0 ?
	    json_integer(st->last_index) : json_null(),
	    "complete", !st->lost && !st->failed,
	    "batches", (json_int_t)st->batches);
}

void
import_stream_cleanup(struct import_stream *st)
{
	items_clear(st);
	free(st->items);
	free(st->jobs);
	json_decref(st->skipped);
	json_decref(st->reasons);
	json_decref(st->dropped);
	json_decref(st->errors);
	scan_cleanup(&st->sc);
	memset(st, 0, sizeof(*st));
}
