/* SPDX-License-Identifier: ISC */
#include "directory/bulk.h"

#include <stdlib.h>
#include <string.h>

#include "common/jsonx.h"
#include "common/str.h"

static const char *const create_actions[DIR_KIND_COUNT] = {
	[DIR_VENDOR] = "vendor.create",
	[DIR_ENGINEER] = "engineer.create",
	[DIR_DEVICE] = "device.create",
	[DIR_TENANT] = "tenant.create",
	[DIR_USER] = "user.create",
	[DIR_TICKET] = "ticket.create",
};

static int
item_apply(struct store_conn *c, void *arg, struct err *e)
{
	struct bulk_item *it = arg;
	struct err ie;

	err_init(&ie);
	if (dir_insert(c, it->ops, &it->d, &ie) == 0)
		return 0;
	*e = ie;
	str_printf(e->msg, sizeof(e->msg), "line %ld: %s", it->line, ie.msg);
	return -1;
}

static int
item_entry(void *arg, int apply_rc, const struct err *apply_err,
    int64_t index, int64_t time_ms, struct buf *out, struct rec_entry *en)
{
	struct bulk_item *it = arg;

	(void)apply_rc;
	(void)apply_err;
	(void)index;
	it->ev.allowed = 1;
	return event_serialize(&it->ev, time_ms, out, en);
}

/* Parses one line into it; -1 with "line N: ..." in e. */
static int
parse_line(struct bulk *b, struct bulk_item *it, const char *line,
    size_t len, const struct bulk_in *in, struct err *e)
{
	json_t *o;
	int kind, rc = -1;

	o = jx_parse_object(line, len, e);
	if (o == NULL)
		goto out;
	if (jx_enum(&kind, o, "kind", dir_kind_names, JX_REQUIRED, e) == -1 ||
	    dir_parse(&it->d, kind, o, NULL, in->now, in->issuer, 1, e) == -1)
		goto out;
	event_init(&it->ev);
	it->ev.actor = *in->by;
	str_copy(it->ev.source, sizeof(it->ev.source), in->source);
	it->ev.action = create_actions[kind];
	event_detail(&it->ev, "via", "import");
	dir_object_event(&it->d, &it->ev);
	b->counts[kind]++;
	rc = 0;
out:
	if (rc == -1) {
		char msg[ERR_MSG_MAX];

		str_copy(msg, sizeof(msg), e->msg);
		str_printf(e->msg, sizeof(e->msg), "line %ld: %s", it->line,
		    msg);
	}
	json_decref(o);
	return rc;
}

/* Room for one more item. */
static int
grow(struct bulk *b, struct err *e)
{
	struct bulk_item *ni;
	size_t ncap;

	if (b->n < b->cap)
		return 0;
	ncap = b->cap ? b->cap * 2 : 256;
	ni = realloc(b->items, ncap * sizeof(*ni));
	if (ni == NULL)
		return err_internal(e, "out of memory");
	b->items = ni;
	b->cap = ncap;
	return 0;
}

static int
make_jobs(struct bulk *b, struct err *e)
{
	size_t i;

	b->jobs = calloc(b->n, sizeof(*b->jobs));
	if (b->jobs == NULL)
		return err_internal(e, "out of memory");
	for (i = 0; i < b->n; i++) {
		b->jobs[i].apply = item_apply;
		b->jobs[i].entry = item_entry;
		b->jobs[i].arg = &b->items[i];
	}
	return 0;
}

int
bulk_parse(struct bulk *b, const char *data, size_t len,
    const struct store_ops *ops, const struct bulk_in *in, struct err *e)
{
	const char *p, *end, *nl;
	struct bulk_item *it;
	long lineno = 0;

	memset(b, 0, sizeof(*b));
	if (data == NULL || len == 0)
		return err_bad_request(e, "the body must hold JSON lines, one "
		    "object per line");
	end = data + len;
	for (p = data; p < end; p = nl + 1) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - p);
		lineno++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		if (n > BULK_LINE_MAX || b->n >= BULK_LINES_MAX)
			return err_bad_request(e, "line %ld: more than %d "
			    "bytes or %d lines", lineno, BULK_LINE_MAX,
			    BULK_LINES_MAX);
		if (grow(b, e) == -1)
			return -1;
		it = &b->items[b->n];
		memset(it, 0, sizeof(*it));
		it->line = lineno;
		it->ops = ops;
		if (parse_line(b, it, p, n, in, e) == -1) {
			dir_object_cleanup(&it->d);
			event_cleanup(&it->ev);
			return -1;
		}
		b->n++;
	}
	if (b->n == 0)
		return err_bad_request(e, "the body holds no JSON lines");
	return make_jobs(b, e);
}

void
bulk_cleanup(struct bulk *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		dir_object_cleanup(&b->items[i].d);
		event_cleanup(&b->items[i].ev);
	}
	free(b->items);
	free(b->jobs);
	memset(b, 0, sizeof(*b));
}
