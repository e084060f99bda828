/* SPDX-License-Identifier: ISC */
/* A format this small has no library; parsed here by hand. */
#include "detect/hours.h"

#include <string.h>

static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

static int
day_at(const char *s)
{
	int i;

	for (i = 0; i < 7; i++)
		if (strncmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* Two digits at s; -1 when they are not digits. */
static int
two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "HH:MM" at s (exactly 5 bytes) into minutes; -1 when malformed. */
static int
clock_at(const char *s, int allow_24)
{
	int h = two(s), m = two(s + 3);

	if (h < 0 || m < 0 || s[2] != ':' || m > 59)
		return -1;
	if (h > 23 && !(allow_24 && h == 24 && m == 0))
		return -1;
	return h * 60 + m;
}

static int
parse_days(unsigned *days, const char *s, size_t n)
{
	int a, b;

	*days = 0;
	if (n == 5 && strncmp(s, "daily", 5) == 0) {
		*days = 0x7f;
		return 0;
	}
	if (n == 7 && s[3] == '-') {
		a = day_at(s);
		b = day_at(s + 4);
		if (a < 0 || b < 0)
			return -1;
		for (;;) {
			*days |= 1u << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		return 0;
	}
	while (n >= 3) {
		a = day_at(s);
		if (a < 0)
			return -1;
		*days |= 1u << a;
		s += 3;
		n -= 3;
		if (n == 0)
			return 0;
		if (*s != ',' || n < 4)
			return -1;
		s++;
		n--;
	}
	return -1;
}

int
hours_parse(struct hours *h, const char *text, struct err *e)
{
	const char *sp, *times, *off;
	size_t len = strlen(text);
	int oh, om;

	memset(h, 0, sizeof(*h));
	if (len > HOURS_TEXT_MAX)
		goto bad;
	sp = strchr(text, ' ');
	if (sp == NULL || parse_days(&h->days, text, (size_t)(sp - text)) ==
	    -1)
		goto bad;
	times = sp + 1;
	if (strlen(times) < 11 || times[5] != '-')
		goto bad;
	h->from = clock_at(times, 0);
	h->to = clock_at(times + 6, 1);
	if (h->from < 0 || h->to < 0 || h->from == h->to)
		goto bad;
	off = times + 11;
	if (*off == '\0' || strcmp(off, " Z") == 0)
		return 0;
	if (strlen(off) != 7 || off[0] != ' ' || (off[1] != '+' &&
	    off[1] != '-') || off[4] != ':')
		goto bad;
	oh = two(off + 2);
	om = two(off + 5);
	if (oh < 0 || om < 0 || oh > 14 || om > 59)
		goto bad;
	h->offset = (oh * 60 + om) * (off[1] == '-' ? -1 : 1);
	return 0;
bad:
	return err_bad_request(e, "field 'working_hours' must look like "
	    "'mon-fri 08:00-18:00 +01:00' (days: daily, a range or a list "
	    "of mon..sun; times HH:MM; an optional UTC offset)");
}

int
hours_contain(const struct hours *h, int64_t t)
{
	int64_t local = t + (int64_t)h->offset * 60, day, min;
	int wd;

	day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	min = (local - day * 86400) / 60;
	/* 1970-01-01 was a Thursday (index 3). */
	wd = (int)(((day % 7) + 7 + 3) % 7);
	if (h->from < h->to)
		return (h->days & (1u << wd)) && min >= h->from && min < h->to;
	/* A night shift: the evening of a working day, or the morning after
	 * one. */
	if ((h->days & (1u << wd)) && min >= h->from)
		return 1;
	return (h->days & (1u << ((wd + 6) % 7))) && min < h->to;
}

int
hours_check(const char *text, struct err *e)
{
	struct hours h;

	return text[0] == '\0' ? 0 : hours_parse(&h, text, e);
}

int
hours_set_apply(struct store_conn *c, const struct store_ops *ops,
    void *arg, struct err *e)
{
	const struct hours_set *h = arg;
	int rc = ops->engineer_hours_set(c, h->engineer_id, h->text, e);

	if (rc == 1) {
		return err_refuse(e, 404, "not_found", "not_found",
		    "no such engineer: %s", h->engineer_id);
	}
	return rc;
}
