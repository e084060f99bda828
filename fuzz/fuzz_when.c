/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes when_parse, the parser of the times typed on custos's command
 * line (--since, --from ...).  An accepted text gives an instant within
 * [WHEN_MIN, WHEN_MAX] and the same answer twice; a refusal gives a
 * reason and leaves the output alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t nows[] = {0, 1642773780, WHEN_MAX};
	char text[128];
	const char *why;
	int64_t t, u;
	size_t i;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		why = NULL;
		t = -1;
		if (when_parse(&t, text, nows[i], &why) == -1) {
			if (why == NULL || t != -1)
				abort();
			continue;
		}
		if (t < WHEN_MIN || t > WHEN_MAX)
			abort();
		if (when_parse(&u, text, nows[i], NULL) != 0 || u != t)
			abort();
	}
	return 0;
}
