/* SPDX-License-Identifier: ISC */
/*
 * when: the one parser of the times people type on the command line
 * (`custos log --since`, `scope --from`, `alerts --since` ...).  Strict:
 * a text is one of the forms below or it is refused with a reason; there
 * is no guessing of formats.  Relative forms count from a now the caller
 * passes in, so the parser itself reads no clock and tests are exact.
 *
 *   2022-01-21T14:03:00Z, 2022-01-21T15:03:00+01:00   RFC 3339
 *   2022-01-16                                        that day, 00:00 UTC
 *   now, today, yesterday                             now; 00:00 UTC of
 *                                                     today or yesterday
 *   -30s, -30m, -3h, -5d, -2w, +1h                    now minus/plus N
 *                                                     seconds, minutes,
 *                                                     hours, days, weeks
 */
#ifndef CUSTOS_COMMON_WHEN_H
#define CUSTOS_COMMON_WHEN_H

#include <stdint.h>

#define WHEN_TEXT_MAX 64                /* longest text looked at */
#define WHEN_MIN 0                      /* 1970-01-01T00:00:00Z */
#define WHEN_MAX INT64_C(253402300799)  /* 9999-12-31T23:59:59Z */
#define WHEN_REL_MAX (INT64_C(3660) * 86400) /* +-10 years, in seconds */

/*
 * Parses text into *out (seconds since the epoch, UTC) against now
 * (seconds).  Returns 0, or -1 with *why (a static sentence, when why is
 * not NULL) saying what is wrong; *out is untouched then.  Results
 * outside [WHEN_MIN, WHEN_MAX] are refused.
 */
int when_parse(int64_t *out, const char *text, int64_t now,
    const char **why)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* The forms when_parse accepts, in one line, for usage messages. */
#define WHEN_FORMS "RFC 3339 (2022-01-21T14:03:00Z), a date (2022-01-21), " \
	"now, today, yesterday, or -5d, -3h, -30m, -2w, +1h"

#endif
