/* SPDX-License-Identifier: ISC */
/*
 * when.c: the CLI's times (see when.h).  RFC 3339 itself is clock.c's
 * time_parse; this file adds the short forms around it and the limits.
 */
#include "common/when.h"

#include <string.h>

#include "common/clock.h"
#include "common/str.h"

#define DAY INT64_C(86400)

static int
refuse(const char **why, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return -1;
}

/* "-5d", "+1h": a sign, 1 to 6 digits, one unit letter. */
static int
relative(int64_t *out, const char *s, size_t n, int64_t now,
    const char **why)
{
	int64_t v = 0, unit;
	size_t i;

	if (n < 3 || n > 8)
		return refuse(why, "a relative time is a sign, a number and "
		    "a unit, e.g. -5d or +1h");
	for (i = 1; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return refuse(why, "a relative time is a sign, a "
			    "number and a unit, e.g. -5d or +1h");
		v = v * 10 + (s[i] - '0');
	}
	switch (s[n - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = DAY; break;
	case 'w': unit = 7 * DAY; break;
	default:
		return refuse(why, "the unit of a relative time is s, m, h, d "
		    "or w");
	}
	/* v < 10^6 and unit <= 604800: no overflow. */
	v *= unit;
	if (v > WHEN_REL_MAX)
		return refuse(why, "a relative time may reach at most ten "
		    "years");
	*out = s[0] == '-' ? now - v : now + v;
	return 0;
}

int
when_parse(int64_t *out, const char *text, int64_t now, const char **why)
{
	char buf[WHEN_TEXT_MAX + 16];
	size_t n;
	int64_t t;
	size_t i;

	n = strnlen(text, WHEN_TEXT_MAX + 1);
	if (n == 0)
		return refuse(why, "the time is empty");
	if (n > WHEN_TEXT_MAX)
		return refuse(why, "the time is too long");
	if (now < WHEN_MIN || now > WHEN_MAX)
		return refuse(why, "the clock is out of range");
	if (strcmp(text, "now") == 0) {
		t = now;
	} else if (strcmp(text, "today") == 0) {
		t = now - now % DAY;
	} else if (strcmp(text, "yesterday") == 0) {
		t = now - now % DAY - DAY;
	} else if (text[0] == '-' || text[0] == '+') {
		if (relative(&t, text, n, now, why) == -1)
			return -1;
	} else if (n == 10) {
		/* YYYY-MM-DD: exactly a date, at 00:00 UTC. */
		for (i = 0; i < n; i++)
			if ((i == 4 || i == 7) ? text[i] != '-' :
			    (text[i] < '0' || text[i] > '9'))
				return refuse(why, "a date is YYYY-MM-DD");
		if (str_printf(buf, sizeof(buf), "%sT00:00:00Z", text) == -1 ||
		    time_parse(&t, buf) == -1)
			return refuse(why, "no such date");
	} else if (time_parse(&t, text) == -1) {
		return refuse(why, "not a time of a known form");
	}
	if (t < WHEN_MIN || t > WHEN_MAX)
		return refuse(why, "the time is before 1970 or after 9999");
	*out = t;
	return 0;
}
