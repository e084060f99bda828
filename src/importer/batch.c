/* SPDX-License-Identifier: ISC */
#include "importer/batch.h"

#include <stdlib.h>
#include <string.h>

#include "common/rand.h"
#include "importer/entries.h"
#include "importer/okta.h"

int
batch_format_parse(const char *name)
{
	if (strcmp(name, "entries") == 0)
		return BATCH_ENTRIES;
	if (strcmp(name, "okta") == 0)
		return BATCH_OKTA;
	return -1;
}

static int
item_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct batch_item *it = arg;

	(void)apply_rc;
	(void)apply_err;
	it->index = index;
	return event_serialize(import_event_get(&it->ie), time_ms, out, en);
}

/* Room for one more item, initialised; NULL when memory is short. */
static struct batch_item *
item_next(struct batch *b)
{
	struct batch_item *it;

	if (b->n == b->cap) {
		size_t ncap = b->cap != 0 ? b->cap * 2 : 256;
		struct batch_item *ni;

		ni = realloc(b->items, ncap * sizeof(*ni));
		if (ni == NULL)
			return NULL;
		b->items = ni;
		b->cap = ncap;
	}
	it = &b->items[b->n];
	memset(it, 0, sizeof(*it));
	import_event_init(&it->ie);
	it->index = -1;
	return it;
}

static int
count_skipped(struct batch *b, const char *type)
{
	json_t *c = json_object_get(b->skipped, type);
	json_int_t n = c != NULL ? json_integer_value(c) : 0;

	return json_object_set_new(b->skipped, type, json_integer(n + 1));
}

/* Parses every record of the body into b. */
static int
parse_records(struct batch *b, int format, const char *data, size_t len,
    const char *tenant, struct err *e)
{
	struct import_split sp;
	const char *rec;
	char type[OKTA_TYPE_MAX + 1];
	size_t rlen;
	long records = 0;
	int r;

	import_split_init(&sp, data, len, format == BATCH_OKTA);
	for (;;) {
		struct batch_item *it;

		r = import_split_next(&sp, &rec, &rlen, e);
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		if (++records > IMPORT_EVENTS_MAX) {
			err_bad_request(e, "more than %d events in one import",
			    IMPORT_EVENTS_MAX);
			import_err_at(e, &sp);
			return -1;
		}
		it = item_next(b);
		if (it == NULL)
			return err_internal(e, "out of memory");
		if (format == BATCH_ENTRIES)
			r = entries_parse(&it->ie, rec, rlen, e);
		else
			r = okta_map(&it->ie, type, rec, rlen, tenant, e);
		if (r != 0)
			import_event_cleanup(&it->ie);
		if (r == -1) {
			import_err_at(e, &sp);
			return -1;
		}
		if (r == OKTA_SKIPPED) {
			if (count_skipped(b, type) == -1)
				return err_internal(e, "out of memory");
			continue;
		}
		b->n++;
	}
	if (records == 0)
		return err_bad_request(e, "the body holds no events");
	return 0;
}

int
batch_parse(struct batch *b, int format, const char *data, size_t len,
    const char *tenant, struct err *e)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	if (data == NULL || len == 0)
		return err_bad_request(e, "the body must hold events: JSON "
		    "lines%s", format == BATCH_OKTA ? " or one JSON array" :
		    "");
	b->skipped = json_object();
	if (b->skipped == NULL)
		return err_internal(e, "out of memory");
	if (tenant != NULL && (format != BATCH_OKTA || !id_valid(tenant)))
		return err_bad_request(e, "query parameter 'tenant' must be a "
		    "tenant id, and is taken with format=okta only");
	if (parse_records(b, format, data, len, tenant, e) == -1)
		return -1;
	if (b->n == 0)
		return 0;
	b->jobs = calloc(b->n, sizeof(*b->jobs));
	if (b->jobs == NULL)
		return err_internal(e, "out of memory");
	for (i = 0; i < b->n; i++) {
		b->jobs[i].apply = NULL;
		b->jobs[i].entry = item_entry;
		b->jobs[i].arg = &b->items[i];
	}
	return 0;
}

void
batch_cleanup(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		import_event_cleanup(&b->items[i].ie);
	free(b->items);
	free(b->jobs);
	json_decref(b->skipped);
	memset(b, 0, sizeof(*b));
}
