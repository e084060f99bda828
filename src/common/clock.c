/* SPDX-License-Identifier: ISC */
#include "common/clock.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t
clock_from_file(const char *path)
{
	char text[64];
	ssize_t n;
	int64_t sec = 0, ms = 0, scale = 100;
	size_t i = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	for (; text[i] >= '0' && text[i] <= '9' && i < 18; i++)
		sec = sec * 10 + (text[i] - '0');
	if (text[i] == '.')
		for (i++; text[i] >= '0' && text[i] <= '9' && scale > 0; i++) {
			ms += (text[i] - '0') * scale;
			scale /= 10;
		}
	return sec * 1000 + ms;
}

int64_t
clock_now_ms(const struct clock *c)
{
	struct timespec ts;

	if (c != NULL && c->file != NULL) {
		int64_t t = clock_from_file(c->file);

		if (t >= 0)
			return t;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_now(const struct clock *c)
{
	return clock_now_ms(c) / 1000;
}

void
time_format(char out[RFC3339_LEN], int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, RFC3339_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(out, "1970-01-01T00:00:00Z", RFC3339_LEN);
}

void
time_format_ms(char out[RFC3339_MS_LEN], int64_t ms)
{
	char s[RFC3339_LEN];

	time_format(s, ms / 1000);
	/* "2022-01-21T14:03:00Z" -> "2022-01-21T14:03:00.123Z" */
	memcpy(out, s, 19);
	out[19] = '.';
	out[20] = (char)('0' + (ms % 1000) / 100);
	out[21] = (char)('0' + (ms % 100) / 10);
	out[22] = (char)('0' + ms % 10);
	out[23] = 'Z';
	out[24] = '\0';
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), Hinnant's method. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
time_parse(int64_t *out, const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
	    digits(p + 1, 2, &oh) == 0 && p[3] == ':' &&
	    digits(p + 4, 2, &om) == 0 && oh <= 23 && om <= 59) {
		sign = *p == '+' ? 1 : -1;
	} else {
		return -1;
	}
	if (sec == 60)
		sec = 59;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	return 0;
}
