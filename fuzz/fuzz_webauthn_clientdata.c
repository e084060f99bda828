/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes the clientDataJSON checks (webauthn_clientdata_check) and the
 * base64url decoder they use.
 *
 * Input: the clientDataJSON bytes.  They are checked as a registration's
 * and as an assertion's against a fixed RP (localhost, origin
 * http://localhost:8443) and a fixed 32-byte challenge.  Promises
 * checked: at most one of the two passes; a refusal is a 400 with a
 * reason and a sentence; a pass really has that type, challenge and
 * origin (found by plain substring search as a cross-check).  The same
 * bytes as a NUL-terminated string go to webauthn_b64url_decode: what
 * decodes must encode back to the very same text (one spelling per
 * byte string).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webauthn/webauthn.h"
#include "webauthn/webauthn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* bytes 0..31; base64url "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8" */
static const uint8_t challenge[32] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};
static const struct webauthn_rp rp = { "localhost",
	"http://localhost:8443" };

static void
refusal_ok(const struct err *e)
{
	if (e->status != 400 || e->reason == NULL || e->msg[0] == '\0')
		abort();
}

static int
contains(const uint8_t *data, size_t size, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= size; i++)
		if (memcmp(data + i, s, n) == 0)
			return 1;
	return 0;
}

static void
check_b64(const uint8_t *data, size_t size)
{
	uint8_t bin[256];
	char text[512], back[512];
	size_t n;

	if (size >= sizeof(text) || memchr(data, '\0', size) != NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (webauthn_b64url_decode(bin, sizeof(bin), &n, text) != 0)
		return;
	if (webauthn_b64url_encode(back, sizeof(back), bin, n) != 0 ||
	    strcmp(back, text) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e1, e2;
	int c, g;

	err_init(&e1);
	err_init(&e2);
	c = webauthn_clientdata_check(&rp, "webauthn.create", challenge,
	    sizeof(challenge), data, size, &e1);
	g = webauthn_clientdata_check(&rp, "webauthn.get", challenge,
	    sizeof(challenge), data, size, &e2);
	if (c == 0 && g == 0)
		abort();
	if (c != 0)
		refusal_ok(&e1);
	if (g != 0)
		refusal_ok(&e2);
	if ((c == 0 || g == 0) && (!contains(data, size,
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") ||
	    !contains(data, size, "localhost:8443") ||
	    !contains(data, size, c == 0 ? "webauthn.create" :
	    "webauthn.get")))
		abort();
	check_b64(data, size);
	return 0;
}
