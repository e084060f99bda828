/* SPDX-License-Identifier: ISC */
/* checksrc: memcmp ok */ /* compares public names and key IDs only */
/*
 * cosig: C2SP Ed25519 cosignatures; see cosig.h.
 */
#include "tlog/cosig.h"

#include <sodium.h>
#include <string.h>

#include "common/b64.h"
#include "common/str.h"

#define KEY_ID_LEN 4
#define TS_LEN 8
#define SIG_LEN crypto_sign_BYTES
#define COSIG_RAW (KEY_ID_LEN + TS_LEN + SIG_LEN)
#define SIG_PREFIX "\xe2\x80\x94 "
#define SIG_PREFIX_LEN 4
#define HEADER "cosignature/v1\n"
#define TS_MAX ((uint64_t)INT64_MAX)

void
cosig_key_id(uint8_t out[4], const char *name, const uint8_t public_key[32])
{
	note_key_id_alg(out, name, COSIG_ALG, public_key);
}

int
cosig_verifier_format(char *out, size_t size, const char *name,
    const uint8_t public_key[32])
{
	return note_verifier_format_alg(out, size, name, COSIG_ALG,
	    public_key);
}

int
cosig_verifier_parse(struct cosig_key *k, const char *text, struct err *e)
{
	struct note_verifier v;

	memset(k, 0, sizeof(*k));
	if (note_verifier_parse_alg(&v, text, COSIG_ALG, "witness key",
	    "an Ed25519 cosignature key (type 4, 32 bytes)", e) == -1)
		return -1;
	memcpy(k->name, v.name, sizeof(k->name));
	memcpy(k->key_id, v.key_id, sizeof(k->key_id));
	memcpy(k->public_key, v.public_key, sizeof(k->public_key));
	return 0;
}

/* The message a cosignature signs, in out (cap: header, time, body). */
static int
signed_message(struct buf *out, const char *body, size_t body_len,
    uint64_t timestamp)
{
	return buf_printf(out, HEADER "time %llu\n",
	    (unsigned long long)timestamp) == -1 ||
	    buf_append(out, body, body_len) == -1 ? -1 : 0;
}

static void
be64_put(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
be64_get(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
cosig_sign(struct buf *out, const char *body, size_t body_len,
    const char *name, const uint8_t secret_key[64], uint64_t timestamp)
{
	uint8_t raw[COSIG_RAW];
	char b64[sodium_base64_ENCODED_LEN(COSIG_RAW,
	    sodium_base64_VARIANT_ORIGINAL)];
	struct buf msg;
	int rc = -1;

	buf_init(&msg, NOTE_MAX + 64);
	if (!note_name_valid(name) || timestamp > TS_MAX || body_len == 0 ||
	    body[body_len - 1] != '\n' ||
	    signed_message(&msg, body, body_len, timestamp) == -1)
		goto out;
	cosig_key_id(raw, name, secret_key + 32);
	be64_put(raw + KEY_ID_LEN, timestamp);
	if (crypto_sign_detached(raw + KEY_ID_LEN + TS_LEN, NULL,
	    (const uint8_t *)msg.data, msg.len, secret_key) != 0)
		goto out;
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw),
	    sodium_base64_VARIANT_ORIGINAL);
	rc = buf_printf(out, SIG_PREFIX "%s %s\n", name, b64);
out:
	buf_cleanup(&msg);
	return rc;
}

/* Checks one signature line against k: 1 valid by k, 0 not by k, -1. */
static int
check_line(const char *line, size_t n, const char *body, size_t body_len,
    const struct cosig_key *k, uint64_t *timestamp, struct err *e)
{
	uint8_t raw[COSIG_RAW + 1];
	const char *sp;
	size_t namelen, rawlen;
	struct buf msg;
	int rc = -1;

	if (n < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) !=
	    0)
		return err_bad_request(e, "malformed note: a signature line "
		    "does not start with an em dash and a space");
	line += SIG_PREFIX_LEN;
	n -= SIG_PREFIX_LEN;
	sp = memchr(line, ' ', n);
	if (sp == NULL)
		return err_bad_request(e, "malformed note: a signature line "
		    "lacks a signature");
	namelen = (size_t)(sp - line);
	if (namelen != strlen(k->name) || memcmp(line, k->name, namelen) != 0)
		return 0;
	/* Longer signatures (another type under the same name) decode
	 * past raw and are not this key's. */
	if (b64_decode(raw, sizeof(raw), &rawlen, sp + 1, n - namelen - 1) ==
	    -1 || rawlen < KEY_ID_LEN ||
	    memcmp(raw, k->key_id, KEY_ID_LEN) != 0)
		return 0;
	if (rawlen != COSIG_RAW)
		return err_bad_request(e, "cosignature by %s has %zu bytes, "
		    "not %d", k->name, rawlen, COSIG_RAW);
	*timestamp = be64_get(raw + KEY_ID_LEN);
	buf_init(&msg, NOTE_MAX + 64);
	if (*timestamp > TS_MAX ||
	    signed_message(&msg, body, body_len, *timestamp) == -1 ||
	    crypto_sign_verify_detached(raw + KEY_ID_LEN + TS_LEN,
	    (const uint8_t *)msg.data, msg.len, k->public_key) != 0) {
		err_bad_request(e, "invalid cosignature by witness %s",
		    k->name);
		goto out;
	}
	rc = 1;
out:
	buf_cleanup(&msg);
	return rc;
}

int
cosig_find(const char *note, size_t len, const struct cosig_key *k,
    uint64_t *timestamp, struct err *e)
{
	const char *sigs, *end, *nl;
	size_t split;
	int rc, found = 0;

	*timestamp = 0;
	if (len > NOTE_MAX)
		return err_bad_request(e, "note is longer than %d bytes",
		    NOTE_MAX);
	for (split = len; split >= 2; split--)
		if (note[split - 1] == '\n' && note[split - 2] == '\n')
			break;
	if (split < 2 || note[len - 1] != '\n')
		return err_bad_request(e, "malformed note: no blank line "
		    "before the signatures");
	sigs = note + split;
	end = note + len;
	while (sigs < end) {
		nl = memchr(sigs, '\n', (size_t)(end - sigs));
		rc = check_line(sigs, (size_t)(nl - sigs), note, split - 1, k,
		    timestamp, e);
		if (rc == -1)
			return -1;
		found |= rc;
		sigs = nl + 1;
	}
	return found;
}
