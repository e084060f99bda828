/* SPDX-License-Identifier: ISC */
/*
 * clock: the one source of wall-clock time.  custosd passes a clock in its
 * context; tests start custosd with --test-clock FILE, and then the time is
 * read from FILE (seconds since the epoch, optionally with a fraction), so
 * expiry and idle timeouts are tested without sleeping.
 */
#ifndef CUSTOS_COMMON_CLOCK_H
#define CUSTOS_COMMON_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct clock {
	const char *file;       /* NULL: the real clock */
};

/* Milliseconds since the epoch. */
int64_t clock_now_ms(const struct clock *c);
int64_t clock_now(const struct clock *c);

#define RFC3339_LEN 21  /* "2022-01-21T14:03:00Z" + NUL */

/* Formats seconds since the epoch as RFC 3339 UTC ("...Z"). */
void time_format(char out[RFC3339_LEN], int64_t t);

#define RFC3339_MS_LEN 25       /* "2022-01-21T14:03:00.123Z" + NUL */

/* Formats milliseconds since the epoch as RFC 3339 UTC with milliseconds,
 * the form of log entries and alerts. */
void time_format_ms(char out[RFC3339_MS_LEN], int64_t ms);

/* Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)"; -1 if malformed. */
int time_parse(int64_t *out, const char *s)
	__attribute__((warn_unused_result, nonnull));

#endif
