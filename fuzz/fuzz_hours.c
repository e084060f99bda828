/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes hours_parse, the parser of an engineer's declared working hours
 * (PUT /v1/engineers/{id}/working-hours).  An accepted text gives a shift
 * that is a real one (days set, times within a day, an offset within +-14
 * hours) and hours_contain() answers 0 or 1 for any moment; a refusal is a
 * 400 naming the field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/hours.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t moments[] = {0, 1, -1, 86399, 1642344000,
	    1642951199, INT64_MAX / 4, -(INT64_MAX / 4)};
	char text[256];
	struct hours h;
	struct err e;
	size_t i;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err_init(&e);
	if (hours_parse(&h, text, &e) == -1) {
		if (e.status != 400 || strstr(e.msg, "working_hours") == NULL)
			abort();
		return 0;
	}
	if (h.days == 0 || h.days > 0x7f || h.from < 0 || h.from >= 1440 ||
	    h.to < 0 || h.to > 1440 || h.from == h.to ||
	    h.offset < -14 * 60 - 59 || h.offset > 14 * 60 + 59)
		abort();
	for (i = 0; i < sizeof(moments) / sizeof(moments[0]); i++) {
		int in = hours_contain(&h, moments[i]);

		if (in != 0 && in != 1)
			abort();
	}
	return 0;
}
