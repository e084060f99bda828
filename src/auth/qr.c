/* SPDX-License-Identifier: ISC */
#include "auth/qr.h"

#include <qrencode.h>
#include <sodium.h>
#include <string.h>

#include "common/buf.h"

#define QUIET 4                 /* modules of white around the code */

/* The dark modules of row y as runs "M x y h n v1 h -n z". */
static int
row(struct buf *b, const QRcode *qr, int y)
{
	int x = 0, run, w = qr->width;

	while (x < w) {
		run = 0;
		while (x + run < w && (qr->data[y * w + x + run] & 1) != 0)
			run++;
		if (run == 0) {
			x++;
			continue;
		}
		if (buf_printf(b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET,
		    run, run) == -1)
			return -1;
		x += run;
	}
	return 0;
}

int
qr_svg(char *out, size_t cap, const char *text)
{
	struct buf b;
	QRcode *qr;
	size_t len;
	int y, size, rc = -1;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	len = text != NULL ? strlen(text) : 0;
	if (len == 0 || len > QR_TEXT_MAX)
		return -1;
	qr = QRcode_encodeData((int)len, (const unsigned char *)text, 0,
	    QR_ECLEVEL_M);
	if (qr == NULL)
		return -1;
	buf_init_secret(&b, cap);
	size = qr->width + 2 * QUIET;
	if (buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size * 4,
	    size * 4, size, size) == -1)
		goto out;
	for (y = 0; y < qr->width; y++)
		if (row(&b, qr, y) == -1)
			goto out;
	/* One byte kept for the NUL. */
	if (buf_puts(&b, "\"/></svg>") == -1 || b.len + 1 > cap)
		goto out;
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	rc = 0;
out:
	/* The modules are the text, which may be a seed. */
	sodium_memzero(qr->data, (size_t)qr->width * (size_t)qr->width);
	QRcode_free(qr);
	buf_cleanup(&b);
	return rc;
}
