/* SPDX-License-Identifier: ISC */
/*
 * invite_link.c: the invitation token out of what a person was sent -- the
 * link itself (PUBLIC_URL/#/invite/<token>), the bare token, or the whole
 * mail custosd wrote (an RFC 5322 message, 8bit text, the link on a line
 * of its own).  Outside bytes: read against INVITE_LINK_TEXT_MAX, and the
 * token must have the server's shape (civ_ and base32), so nothing else in
 * a mail is ever sent back as a token.
 */
#include <string.h>

#include <sodium.h>

#include "cli/invite_link.h"

#define MARK "#/invite/"
#define PREFIX "civ_"
#define ALPHABET "abcdefghijklmnopqrstuvwxyz234567"

/* 1 when s[0..n) is a token of the server's shape. */
static int
token_shaped(const char *s, size_t n)
{
	size_t i;

	if (n != INVITE_TOKEN_LEN || strncmp(s, PREFIX, 4) != 0)
		return 0;
	for (i = 4; i < n; i++)
		if (s[i] == '\0' || strchr(ALPHABET, s[i]) == NULL)
			return 0;
	return 1;
}

/* The length of the run of token characters at s (bounded by end). */
static size_t
token_run(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && p - s <= INVITE_TOKEN_LEN && *p != '\0' &&
	    (strchr(ALPHABET, *p) != NULL || *p == '_' ||
	    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
		p++;
	return (size_t)(p - s);
}

int
invite_link_token(char *out, size_t size, const char *text, size_t len)
{
	const char *p = text, *end, *hit = NULL;
	size_t n, left;

	if (size < INVITE_TOKEN_LEN + 1 || len > INVITE_LINK_TEXT_MAX)
		return -1;
	end = text + len;
	/* A bare token (surrounding blanks allowed, as pasted). */
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	n = token_run(p, end);
	if (token_shaped(p, n)) {
		const char *q = p + n;

		while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' ||
		    *q == '\n'))
			q++;
		if (q == end) {
			hit = p;
			goto found;
		}
	}
	/* Else the one link in the text: two different ones are refused. */
	for (p = text; p < end; p++) {
		left = (size_t)(end - p);
		if (left < sizeof(MARK) - 1 ||
		    strncmp(p, MARK, sizeof(MARK) - 1) != 0)
			continue;
		p += sizeof(MARK) - 1;
		n = token_run(p, end);
		if (!token_shaped(p, n))
			return -1;
		if (hit != NULL && sodium_memcmp(hit, p, INVITE_TOKEN_LEN) != 0)
			return -1;
		hit = p;
		p += n - 1;
	}
	if (hit == NULL)
		return -1;
found:
	memcpy(out, hit, INVITE_TOKEN_LEN);
	out[INVITE_TOKEN_LEN] = '\0';
	return 0;
}
