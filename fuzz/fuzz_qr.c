/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes qr_svg (auth/qr.h) with any text: the enrolment URI it draws
 * carries a username someone chose.  Checked, not only for crashes: an
 * answer is one self-contained SVG document whose only markup is the
 * svg, rect and path elements (the text never reaches it as markup), and
 * a refusal writes nothing; text of 1..QR_TEXT_MAX bytes always fits in
 * QR_SVG_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/qr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char svg[QR_SVG_MAX];
static char text[QR_TEXT_MAX + 2];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	const char *p;
	int rc;

	memcpy(text, data, n);
	text[n] = '\0';
	rc = qr_svg(svg, sizeof(svg), text);
	if (rc == -1) {
		if (svg[0] != '\0' || (strlen(text) >= 1 &&
		    strlen(text) <= QR_TEXT_MAX))
			abort();
		return 0;
	}
	if (rc != 0 || strncmp(svg, "<svg ", 5) != 0 ||
	    strcmp(svg + strlen(svg) - 9, "\"/></svg>") != 0)
		abort();
	/* Exactly three elements: svg, rect, path. */
	for (p = svg, n = 0; (p = strchr(p, '<')) != NULL; p++)
		n++;
	if (n != 4 || strstr(svg, "<rect ") == NULL ||
	    strstr(svg, "<path ") == NULL)
		abort();
	return 0;
}
