/* SPDX-License-Identifier: ISC */
/*
 * The framing scanner of Okta exports (see scan.h for why by hand).  One
 * pass over each byte: outside objects it reads the array's punctuation
 * and white space; inside, it counts braces and brackets outside strings
 * and steps over escapes.  Whether the object is valid JSON is left to
 * json_loadb.
 */
#include "importer/scan.h"

#include <string.h>

enum {
	ST_TOP = 0,     /* between top-level values */
	ST_ARR_VALUE,   /* in an array: an element or ']' next */
	ST_ARR_NEXT,    /* in an array, after an element: ',' or ']' */
	ST_OBJ,         /* inside an object */
	ST_SKIP,        /* after a stray byte: to the end of its line */
	ST_LOST         /* stopped */
};

void
scan_init(struct scan *s, size_t max)
{
	memset(s, 0, sizeof(*s));
	buf_init(&s->cur, max + 1);
	s->max = max;
	s->line = 1;
	s->state = ST_TOP;
}

void
scan_cleanup(struct scan *s)
{
	buf_cleanup(&s->cur);
	memset(s, 0, sizeof(*s));
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Stops the scan, telling why. */
static int
lose(struct scan *s, const struct scan_cb *cb, const char *msg,
    const struct scan_pos *pos)
{
	s->state = ST_LOST;
	s->stopped = 1;
	buf_reset(&s->cur);
	if (cb->error != NULL && cb->error(cb->arg, "lost_sync", msg, pos,
	    1) == -1)
		return -1;
	return 1;
}

/* The position of the byte at offset off on the current line. */
static struct scan_pos
here(const struct scan *s, uint64_t off)
{
	struct scan_pos p;

	p.line = s->line;
	p.offset = off;
	p.in_array = s->array;
	return p;
}

int
scan_feed(struct scan *s, const char *data, size_t len,
    const struct scan_cb *cb)
{
	static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
	size_t i, rs = 0;       /* where the record began in data */

	if (s->state == ST_LOST)
		return 1;
	for (i = 0; i < len; i++) {
		char c = data[i];
		uint64_t off = s->offset + i;

		if (s->state == ST_OBJ) {
			if (s->nl && c == '{' && !s->array) {
				/* A line cut short: the next event starts. */
				struct scan_pos p = s->pos;

				buf_reset(&s->cur);
				s->nl = 0;
				s->depth = 1;
				s->in_str = s->esc = 0;
				s->pos = here(s, off);
				rs = i;
				if (cb->error != NULL && cb->error(cb->arg,
				    "malformed_json", "the event is cut short: "
				    "the next one starts on the line after",
				    &p, 0) == -1)
					goto stop;
				continue;
			}
			s->nl = c == '\n';
			if (s->in_str) {
				if (s->esc)
					s->esc = 0;
				else if (c == '\\')
					s->esc = 1;
				else if (c == '"')
					s->in_str = 0;
				else if (c == '\n')
					s->line++;      /* invalid; json says so */
				continue;
			}
			if (c == '"') {
				s->in_str = 1;
			} else if (c == '{' || c == '[') {
				s->depth++;
			} else if (c == '}' || c == ']') {
				size_t n;

				if (--s->depth > 0)
					continue;
				n = i + 1 - rs;
				if (s->cur.len + n > s->max) {
					struct scan_pos p = s->pos;

					s->offset += i + 1;
					return lose(s, cb, "an event is longer "
					    "than the limit", &p);
				}
				if (s->cur.len > 0) {
					if (buf_append(&s->cur, data + rs,
					    n) == -1)
						goto oom;
					if (cb->record(cb->arg, s->cur.data,
					    s->cur.len, &s->pos) == -1)
						goto stop;
					buf_reset(&s->cur);
				} else if (cb->record(cb->arg, data + rs, n,
				    &s->pos) == -1) {
					goto stop;
				}
				s->state = s->array ? ST_ARR_NEXT : ST_TOP;
			} else if (c == '\n') {
				s->line++;
			}
			continue;
		}
		if (c == '\n') {
			s->line++;
			if (s->state == ST_SKIP)
				s->state = ST_TOP;
			continue;
		}
		if (s->state == ST_SKIP)
			continue;
		if (s->state == ST_TOP && off < 3 &&
		    (unsigned char)c == bom[off] && s->bom == (int)off) {
			s->bom++;
			continue;
		}
		if (is_ws(c))
			continue;
		if (c == '{' && s->state != ST_ARR_NEXT) {
			s->state = ST_OBJ;
			s->nl = 0;
			s->depth = 1;
			s->in_str = s->esc = 0;
			s->pos = here(s, off);
			rs = i;
			continue;
		}
		if (s->state == ST_TOP) {
			struct scan_pos p = here(s, off);

			if (c == '[') {
				s->array = 1;
				s->state = ST_ARR_VALUE;
				continue;
			}
			s->state = ST_SKIP;
			if (cb->error != NULL && cb->error(cb->arg,
			    "framing", "expected '{' or '[': the rest of the "
			    "line is skipped", &p, 0) == -1)
				goto stop;
			continue;
		}
		/* In an array. */
		if (c == ']') {
			s->array = 0;
			s->state = ST_TOP;
			continue;
		}
		if (c == ',' && s->state == ST_ARR_NEXT) {
			s->state = ST_ARR_VALUE;
			continue;
		}
		{
			struct scan_pos p = here(s, off);

			s->offset += i + 1;
			return lose(s, cb, s->state == ST_ARR_NEXT ?
			    "expected ',' or ']' after an event" :
			    "an element of the array is not an object", &p);
		}
	}
	if (s->state == ST_OBJ) {
		if (s->cur.len + (len - rs) > s->max) {
			struct scan_pos p = s->pos;

			s->offset += len;
			return lose(s, cb, "an event is longer than the limit",
			    &p);
		}
		if (buf_append(&s->cur, data + rs, len - rs) == -1)
			goto oom;
	}
	s->offset += len;
	return 0;
oom:
	s->offset += len;
	(void)lose(s, cb, "out of memory", &s->pos);
	return -1;
stop:
	s->state = ST_LOST;
	s->stopped = 1;
	buf_reset(&s->cur);
	return -1;
}

int
scan_finish(struct scan *s, const struct scan_cb *cb)
{
	struct scan_pos p;

	if (s->state == ST_LOST)
		return 1;
	if (s->state == ST_OBJ) {
		p = s->pos;
		return lose(s, cb, "the stream ends inside an event", &p);
	}
	if (s->array) {
		p = here(s, s->offset);
		return lose(s, cb, "the stream ends inside the array", &p);
	}
	return 0;
}
