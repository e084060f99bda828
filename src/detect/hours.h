/* SPDX-License-Identifier: ISC */
/*
 * hours: an engineer's declared working hours, and whether a moment falls
 * inside them.  The text form (set by PUT /v1/engineers/{id}/working-hours,
 * so outside input: fuzzed by fuzz/fuzz_hours.c) is
 *
 *     DAYS HH:MM-HH:MM [UTC-OFFSET]
 *
 * DAYS is "daily", a range "mon-fri" or a list "mon,wed,sat"; the times are
 * a shift's start and end in that local time (an end before the start is a
 * night shift, belonging to the day it starts); the offset is "+01:00",
 * "-05:30" or "Z" (the default).  Example: "mon-fri 08:00-18:00 +01:00".
 * The empty text clears an engineer's hours (the off-hours rule then
 * leaves them alone).
 */
#ifndef CUSTOS_DETECT_HOURS_H
#define CUSTOS_DETECT_HOURS_H

#include <stdint.h>

#include "common/err.h"
#include "store/store.h"

#define HOURS_TEXT_MAX 64

struct hours {
	unsigned days;          /* bit 0 Monday .. bit 6 Sunday */
	int from, to;           /* minutes after local midnight */
	int offset;             /* minutes east of UTC */
};

/* Parses text into h; 400 naming the problem. */
int hours_parse(struct hours *h, const char *text, struct err *e)
	__attribute__((warn_unused_result));

/* An engineer's hours, as they will be set. */
struct hours_set {
	const char *engineer_id;
	const char *text;       /* "" clears them */
};

/* Checks text as the hours of hours_set: "" or what hours_parse takes;
 * 400 naming the problem. */
int hours_check(const char *text, struct err *e)
	__attribute__((warn_unused_result));

/* On the writer: sets the hours of a struct hours_set (checked); 404 when
 * there is no such engineer.  0 or -1. */
int hours_set_apply(struct store_conn *c, const struct store_ops *ops,
    void *set, struct err *e) __attribute__((warn_unused_result));

/* 1 when the moment t (seconds since the epoch) is inside the hours. */
int hours_contain(const struct hours *h, int64_t t);

#endif
