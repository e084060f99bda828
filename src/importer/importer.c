/* SPDX-License-Identifier: ISC */
/*
 * What the event importers share: the imported event, the cutting of a
 * body into records, and the checks of times, addresses and principals.
 */
#include "importer/importer.h"

#include <arpa/inet.h>
#include <string.h>

#include "common/clock.h"
#include "common/jsonx.h"
#include "common/rand.h"
#include "common/str.h"

void
import_event_init(struct import_event *ie)
{
	memset(ie, 0, sizeof(*ie));
	event_init(&ie->ev);
	ie->ev.action = ie->action;
}

void
import_event_cleanup(struct import_event *ie)
{
	event_cleanup(&ie->ev);
}

int
import_event_set_action(struct import_event *ie, const char *action)
{
	ie->ev.action = ie->action;
	return str_copy(ie->action, sizeof(ie->action), action);
}

struct event *
import_event_get(struct import_event *ie)
{
	ie->ev.action = ie->action;
	return &ie->ev;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void
import_split_init(struct import_split *s, const char *data, size_t len,
    int allow_array)
{
	const char *q;

	memset(s, 0, sizeof(*s));
	s->p = data;
	s->end = data + len;
	if (len >= 3 && (unsigned char)data[0] == 0xef &&
	    (unsigned char)data[1] == 0xbb && (unsigned char)data[2] == 0xbf)
		s->p += 3;
	s->shape = IMPORT_LINES;
	if (!allow_array)
		return;
	for (q = s->p; q < s->end && is_ws(*q); q++)
		;
	if (q < s->end && *q == '[') {
		s->shape = IMPORT_ARRAY;
		s->p = q + 1;
	}
}

const char *
import_split_unit(const struct import_split *s)
{
	return s->shape == IMPORT_ARRAY ? "event" : "line";
}

void
import_err_at(struct err *e, const struct import_split *s)
{
	char msg[ERR_MSG_MAX];

	str_copy(msg, sizeof(msg), e->msg);
	/* A long message loses its end, never its position. */
	(void)str_printf(e->msg, sizeof(e->msg), "%s %ld: %s",
	    import_split_unit(s), s->number, msg);
}

static int
split_fail(struct import_split *s, struct err *e, const char *msg)
{
	s->done = 1;
	err_bad_request(e, "%s", msg);
	import_err_at(e, s);
	return -1;
}

static int
split_too_long(struct import_split *s, struct err *e)
{
	s->done = 1;
	err_bad_request(e, "longer than %d bytes", IMPORT_RECORD_MAX);
	import_err_at(e, s);
	return -1;
}

static int
split_line(struct import_split *s, const char **rec, size_t *len,
    struct err *e)
{
	while (s->p < s->end) {
		const char *nl, *a, *b;

		nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
		if (nl == NULL)
			nl = s->end;
		a = s->p;
		b = nl;
		s->p = nl < s->end ? nl + 1 : s->end;
		s->number++;
		while (a < b && is_ws(*a))
			a++;
		while (b > a && is_ws(b[-1]))
			b--;
		if (a == b)
			continue;       /* blank line */
		if ((size_t)(b - a) > IMPORT_RECORD_MAX)
			return split_too_long(s, e);
		*rec = a;
		*len = (size_t)(b - a);
		return 1;
	}
	s->done = 1;
	return 0;
}

/*
 * Finds the end of the object starting at s->p: strings are skipped with
 * their escapes, braces and brackets counted.  Whether what lies between
 * is valid JSON is the parser's business.
 */
static int
split_element(struct import_split *s, const char **rec, size_t *len,
    struct err *e)
{
	const char *a = s->p, *q;
	long depth = 0;
	int in_str = 0;

	for (q = a; q < s->end; q++) {
		char c = *q;

		if ((size_t)(q - a) >= IMPORT_RECORD_MAX)
			return split_too_long(s, e);
		if (in_str) {
			if (c == '\\' && q + 1 < s->end)
				q++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0) {
				*rec = a;
				*len = (size_t)(q + 1 - a);
				s->p = q + 1;
				return 1;
			}
		}
	}
	return split_fail(s, e, "the array ends inside this event");
}

static int
split_array(struct import_split *s, const char **rec, size_t *len,
    struct err *e)
{
	while (s->p < s->end && is_ws(*s->p))
		s->p++;
	if (s->started) {
		/* After an element: ',' and the next one, or ']'. */
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			while (s->p < s->end && is_ws(*s->p))
				s->p++;
			if (s->p >= s->end || *s->p == ']') {
				s->number++;
				return split_fail(s, e, "an event must follow "
				    "','");
			}
		} else if (s->p < s->end && *s->p == ']') {
			goto close;
		} else if (s->p >= s->end) {
			return split_fail(s, e, "the array has no closing "
			    "']'");
		} else {
			s->number++;
			return split_fail(s, e, "expected ',' or ']' before "
			    "this event");
		}
	} else if (s->p < s->end && *s->p == ']') {
		goto close;
	}
	s->number++;
	s->started = 1;
	if (s->p >= s->end)
		return split_fail(s, e, "the array has no closing ']'");
	if (*s->p != '{')
		return split_fail(s, e, "each element of the array must be "
		    "a JSON object");
	return split_element(s, rec, len, e);
close:
	for (s->p++; s->p < s->end && is_ws(*s->p); s->p++)
		;
	if (s->p < s->end) {
		s->done = 1;
		err_bad_request(e, "data after the array's closing ']'");
		return -1;
	}
	s->done = 1;
	return 0;
}

int
import_split_next(struct import_split *s, const char **rec, size_t *len,
    struct err *e)
{
	if (s->done)
		return 0;
	if (s->shape == IMPORT_ARRAY)
		return split_array(s, rec, len, e);
	return split_line(s, rec, len, e);
}

json_t *
import_parse_object(const char *data, size_t len, struct err *e)
{
	if (len == 0 || data[0] != '{') {
		err_bad_request(e, "an event must be a JSON object");
		return NULL;
	}
	return jx_parse_object(data, len, e);
}

int
import_time_ms(int64_t *out, const char *s)
{
	int64_t t, ms = 0;
	size_t n = strlen(s);
	int i;

	if (n < 20 || n > IMPORT_TIME_MAX || time_parse(&t, s) == -1)
		return -1;
	/* time_parse checked the shape: a fraction starts at byte 19. */
	if (s[19] == '.') {
		const char *f = s + 20;

		for (i = 0; i < 3; i++) {
			ms *= 10;
			if (*f >= '0' && *f <= '9')
				ms += *f++ - '0';
		}
	}
	if (t < 0 || (t == 0 && ms == 0) || t > INT64_MAX / 1000 - 1)
		return -1;
	*out = t * 1000 + ms;
	return 0;
}

int
import_ip_valid(const char *s)
{
	unsigned char a[16];
	size_t n = strlen(s);

	if (n == 0 || n >= REC_ADDR_MAX)
		return 0;
	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int
import_principal_valid(const char *s)
{
	if (strlen(s) >= ID_MAX)
		return 0;
	return id_valid(s) || str_is_email(s);
}
