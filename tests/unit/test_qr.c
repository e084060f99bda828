/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of auth/qr: the SVG draws exactly the dark modules of the
 * code libqrencode makes for the text (the path is read back into a grid
 * and compared module by module), inside a 4-module quiet zone, as one
 * self-contained document; text that is empty or too long, and an SVG
 * that does not fit, are refused with nothing written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/qr.h"

#define URI "otpauth://totp/custos:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHP" \
	"K3PXP&issuer=custos&algorithm=SHA1&digits=6&period=30"

/* Reads an unsigned decimal at *p, moving past it. */
static int
num(const char **p)
{
	int v = 0;

	assert_true(**p >= '0' && **p <= '9');
	while (**p >= '0' && **p <= '9')
		v = v * 10 + (*(*p)++ - '0');
	return v;
}

/* The grid the path draws: each "Mx yhNv1h-Nz" fills N modules of row y
 * from x on (quiet zone removed).  Every module is drawn at most once. */
static unsigned char *
grid_of(const char *svg, int size)
{
	unsigned char *g = calloc((size_t)size * (size_t)size, 1);
	const char *p = strstr(svg, " d=\""), *end;
	int x, y, n, i;

	assert_non_null(g);
	assert_non_null(p);
	p += 4;
	end = strchr(p, '"');
	assert_non_null(end);
	while (p < end) {
		assert_int_equal(*p++, 'M');
		x = num(&p);
		assert_int_equal(*p++, ' ');
		y = num(&p);
		assert_int_equal(*p++, 'h');
		n = num(&p);
		assert_int_equal(strncmp(p, "v1h-", 4), 0);
		p += 4;
		assert_int_equal(num(&p), n);
		assert_int_equal(*p++, 'z');
		assert_true(n > 0 && x >= 4 && y >= 4 && x - 4 + n <= size &&
		    y - 4 < size);
		for (i = 0; i < n; i++) {
			assert_int_equal(g[(y - 4) * size + x - 4 + i], 0);
			g[(y - 4) * size + x - 4 + i] = 1;
		}
	}
	return g;
}

static void
test_svg_draws_exactly_the_dark_modules(void **state)
{
	char *svg = malloc(QR_SVG_MAX);
	QRcode *qr;
	unsigned char *g;
	char head[128];
	int i, w, dark = 0;

	(void)state;
	assert_non_null(svg);
	assert_int_equal(qr_svg(svg, QR_SVG_MAX, URI), 0);
	qr = QRcode_encodeData((int)strlen(URI), (const unsigned char *)URI, 0,
	    QR_ECLEVEL_M);
	assert_non_null(qr);
	w = qr->width;
	snprintf(head, sizeof(head), "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\"", w + 8, w + 8);
	assert_int_equal(strncmp(svg, head, strlen(head)), 0);
	assert_non_null(strstr(svg, "</svg>"));
	assert_int_equal(strcmp(svg + strlen(svg) - 6, "</svg>"), 0);
	assert_null(strstr(svg, "script"));
	assert_null(strstr(svg, "href"));
	g = grid_of(svg, w);
	for (i = 0; i < w * w; i++) {
		assert_int_equal(g[i], qr->data[i] & 1);
		dark += g[i];
	}
	assert_true(dark > w);          /* not an empty drawing */
	free(g);
	QRcode_free(qr);
	free(svg);
}

static void
test_refusals_write_nothing(void **state)
{
	char small[64], *big = malloc(QR_TEXT_MAX + 2), *svg = malloc(
	    QR_SVG_MAX);

	(void)state;
	assert_non_null(big);
	assert_non_null(svg);
	memset(small, 'x', sizeof(small));
	assert_int_equal(qr_svg(small, sizeof(small), URI), -1);
	assert_int_equal(small[0], '\0');
	assert_int_equal(qr_svg(svg, QR_SVG_MAX, ""), -1);
	assert_int_equal(svg[0], '\0');
	memset(big, 'a', QR_TEXT_MAX + 1);
	big[QR_TEXT_MAX + 1] = '\0';
	assert_int_equal(qr_svg(svg, QR_SVG_MAX, big), -1);
	big[QR_TEXT_MAX] = '\0';        /* the longest text fits */
	assert_int_equal(qr_svg(svg, QR_SVG_MAX, big), 0);
	free(big);
	free(svg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg_draws_exactly_the_dark_modules),
		cmocka_unit_test(test_refusals_write_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
