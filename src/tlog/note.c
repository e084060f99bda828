/* SPDX-License-Identifier: ISC */
/*
 * note: C2SP signed notes with Ed25519 keys, and checkpoint bodies.
 *
 * note_open is the one parser of signed notes, which come from outside
 * (a checkpoint file handed to custos verify, a witness's cosigned note):
 * it is bounded by NOTE_MAX bytes and NOTE_SIGS_MAX signature lines, and
 * checks the whole syntax of signed-note before it trusts any of it.
 * As the spec says, the text is separated from the signatures by the last
 * blank line; signatures by keys other than the verifier's are checked for
 * syntax only and otherwise ignored; a signature by the verifier's name
 * and key ID that does not verify rejects the whole note.
 */
#include "tlog/note.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/b64.h"
#include "common/str.h"

#define ALG_ED25519 0x01
#define KEY_ID_LEN 4
#define SIG_LEN crypto_sign_BYTES
/* "— ": U+2014 EM DASH and a space. */
#define SIG_PREFIX "\xe2\x80\x94 "
#define SIG_PREFIX_LEN 4
/* base64 of the 33-byte "0x01 || public key" in a verifier key. */
#define VKEY_B64_LEN 44

/* Base64 in notes is never empty. */
static int
note_b64(uint8_t *out, size_t max, size_t *outlen, const char *s,
    size_t len)
{
	return len == 0 ? -1 : b64_decode(out, max, outlen, s, len);
}

/* Decodes one UTF-8 sequence at s[0..n); its length, or 0 when invalid. */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0], need, k;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n <= need)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3f);
	}
	if ((need == 2 && v < 0x800) || (need == 3 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need + 1;
}

/* The Unicode White_Space characters (Go's unicode.IsSpace). */
static int
is_unicode_space(uint32_t cp)
{
	switch (cp) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return 1;
	}
	return cp >= 0x2000 && cp <= 0x200a;
}

/*
 * The spec's rule for a key name: non-empty, valid UTF-8, no Unicode space
 * and no '+'.
 */
static int
name_syntax_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, k;

	if (n == 0)
		return 0;
	while (i < n) {
		k = utf8_next(p + i, n - i, &cp);
		if (k == 0 || cp == '+' || is_unicode_space(cp))
			return 0;
		i += k;
	}
	return 1;
}

/* Signed-note text: valid UTF-8 with no control character but "\n". */
static int
text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] < 0x20 && p[i] != '\n')
				return 0;
			i++;
			continue;
		}
		k = utf8_next(p + i, n - i, &cp);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

int
note_name_valid(const char *name)
{
	size_t n = strnlen(name, NOTE_NAME_MAX);

	return n < NOTE_NAME_MAX && name_syntax_ok(name, n) &&
	    str_is_clean_utf8(name, n);
}

void
note_key_id_alg(uint8_t out[4], const char *name, uint8_t alg,
    const uint8_t public_key[32])
{
	const uint8_t sep[2] = {'\n', alg};
	crypto_hash_sha256_state st;
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, sep, sizeof(sep));
	crypto_hash_sha256_update(&st, public_key, 32);
	crypto_hash_sha256_final(&st, h);
	memcpy(out, h, KEY_ID_LEN);
}

void
note_key_id(uint8_t out[4], const char *name, const uint8_t public_key[32])
{
	note_key_id_alg(out, name, ALG_ED25519, public_key);
}

int
note_verifier_format_alg(char *out, size_t size, const char *name,
    uint8_t alg, const uint8_t public_key[32])
{
	uint8_t key[33], id[KEY_ID_LEN];
	char b64[VKEY_B64_LEN + 1];

	if (!note_name_valid(name))
		return -1;
	key[0] = alg;
	memcpy(key + 1, public_key, 32);
	note_key_id_alg(id, name, alg, public_key);
	sodium_bin2base64(b64, sizeof(b64), key, sizeof(key),
	    sodium_base64_VARIANT_ORIGINAL);
	return str_printf(out, size, "%s+%02x%02x%02x%02x+%s", name, id[0],
	    id[1], id[2], id[3], b64);
}

int
note_verifier_format(char *out, size_t size, const char *name,
    const uint8_t public_key[32])
{
	return note_verifier_format_alg(out, size, name, ALG_ED25519,
	    public_key);
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
note_verifier_parse_alg(struct note_verifier *v, const char *text,
    uint8_t alg, const char *what, const char *alg_msg, struct err *e)
{
	const char *p1, *p2, *b64;
	uint8_t key[33 + 1], id[KEY_ID_LEN];
	size_t len, namelen, keylen, i;
	int hi, lo;

	memset(v, 0, sizeof(*v));
	len = strnlen(text, NOTE_VERIFIER_MAX + 1);
	if (len > NOTE_VERIFIER_MAX)
		return err_bad_request(e, "%s is longer than %d bytes", what,
		    NOTE_VERIFIER_MAX);
	p1 = memchr(text, '+', len);
	if (p1 == NULL)
		return err_bad_request(e, "%s must be name+hash+key", what);
	namelen = (size_t)(p1 - text);
	p2 = memchr(p1 + 1, '+', len - namelen - 1);
	if (p2 == NULL || p2 - p1 - 1 != 2 * KEY_ID_LEN)
		return err_bad_request(e, "%s must be name+hash+key with an "
		    "8-digit hex hash", what);
	if (namelen >= NOTE_NAME_MAX)
		return err_bad_request(e, "%s name is longer than %d bytes",
		    what, NOTE_NAME_MAX - 1);
	memcpy(v->name, text, namelen);
	v->name[namelen] = '\0';
	if (!note_name_valid(v->name))
		return err_bad_request(e, "%s name is not a valid key name",
		    what);
	for (i = 0; i < KEY_ID_LEN; i++) {
		hi = hex_nibble(p1[1 + 2 * i]);
		lo = hex_nibble(p1[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return err_bad_request(e, "%s hash must be 8 lowercase "
			    "hex digits", what);
		v->key_id[i] = (uint8_t)(hi << 4 | lo);
	}
	b64 = p2 + 1;
	if (note_b64(key, sizeof(key), &keylen, b64,
	    len - (size_t)(b64 - text)) == -1)
		return err_bad_request(e, "%s is not valid base64", what);
	if (keylen != 33 || key[0] != alg)
		return err_bad_request(e, "%s is not %s", what, alg_msg);
	memcpy(v->public_key, key + 1, 32);
	note_key_id_alg(id, v->name, alg, v->public_key);
	if (sodium_memcmp(id, v->key_id, KEY_ID_LEN) != 0)
		return err_bad_request(e, "%s hash does not match its name and "
		    "key", what);
	return 0;
}

int
note_verifier_parse(struct note_verifier *v, const char *text,
    struct err *e)
{
	return note_verifier_parse_alg(v, text, ALG_ED25519, "verifier key",
	    "an Ed25519 key (algorithm 1, 32 bytes)", e);
}

int
note_sign(struct buf *out, const char *body, size_t body_len,
    const char *name, const uint8_t secret_key[64])
{
	uint8_t sig[KEY_ID_LEN + SIG_LEN];
	char b64[sodium_base64_ENCODED_LEN(KEY_ID_LEN + SIG_LEN,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t start = out->len, namelen;

	if (!note_name_valid(name) || body_len == 0 ||
	    body[body_len - 1] != '\n' || body[0] == '\n' ||
	    memmem(body, body_len, "\n\n", 2) != NULL ||
	    !text_ok(body, body_len))
		return -1;
	namelen = strlen(name);
	/* body, blank line, "— name b64\n" */
	if (body_len + 1 + SIG_PREFIX_LEN + namelen + 1 + (sizeof(b64) - 1) +
	    1 > NOTE_MAX)
		return -1;
	note_key_id(sig, name, secret_key + 32);
	if (crypto_sign_detached(sig + KEY_ID_LEN, NULL,
	    (const uint8_t *)body, body_len, secret_key) != 0)
		return -1;
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	if (buf_append(out, body, body_len) == -1 ||
	    buf_append(out, "\n" SIG_PREFIX, 1 + SIG_PREFIX_LEN) == -1 ||
	    buf_append(out, name, namelen) == -1 ||
	    buf_append(out, " ", 1) == -1 ||
	    buf_append(out, b64, strlen(b64)) == -1 ||
	    buf_append(out, "\n", 1) == -1) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		return -1;
	}
	return 0;
}

static void
key_label(char *out, size_t size, const struct note_verifier *v)
{
	(void)str_printf(out, size, "%s+%02x%02x%02x%02x", v->name,
	    v->key_id[0], v->key_id[1], v->key_id[2], v->key_id[3]);
}

/*
 * Checks one signature line (without its "\n") and, when it is by v,
 * the signature itself.  *by_v is set when it is by v and verifies.
 * dec is scratch of at least line_len bytes.
 */
static int
check_sig_line(const char *line, size_t line_len, const char *body,
    size_t body_len, const struct note_verifier *v, uint8_t *dec,
    int *by_v, struct err *e)
{
	const char *name, *sp, *b64;
	size_t namelen, b64len, declen;
	char label[NOTE_NAME_MAX + 16];

	*by_v = 0;
	if (line_len < SIG_PREFIX_LEN ||
	    sodium_memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return err_bad_request(e, "malformed note: a signature line "
		    "does not start with an em dash and a space");
	name = line + SIG_PREFIX_LEN;
	sp = memchr(name, ' ', line_len - SIG_PREFIX_LEN);
	if (sp == NULL)
		return err_bad_request(e, "malformed note: a signature line "
		    "lacks a signature");
	namelen = (size_t)(sp - name);
	b64 = sp + 1;
	b64len = line_len - SIG_PREFIX_LEN - namelen - 1;
	if (!name_syntax_ok(name, namelen))
		return err_bad_request(e, "malformed note: a signature line "
		    "has an invalid key name");
	if (note_b64(dec, line_len, &declen, b64, b64len) == -1 ||
	    declen < KEY_ID_LEN + 1)
		return err_bad_request(e, "malformed note: a signature is "
		    "not valid base64 of a key ID and a signature");
	if (namelen != strlen(v->name) ||
	    sodium_memcmp(name, v->name, namelen) != 0 ||
	    sodium_memcmp(dec, v->key_id, KEY_ID_LEN) != 0)
		return 0;       /* another key's: ignored */
	if (declen != KEY_ID_LEN + SIG_LEN ||
	    crypto_sign_verify_detached(dec + KEY_ID_LEN,
	    (const uint8_t *)body, body_len, v->public_key) != 0) {
		key_label(label, sizeof(label), v);
		return err_bad_request(e, "invalid signature by key %s",
		    label);
	}
	*by_v = 1;
	return 0;
}

int
note_open(const char *text, size_t len, const struct note_verifier *v,
    size_t *body_len, struct err *e)
{
	char label[NOTE_NAME_MAX + 16];
	const char *sigs, *end, *nl;
	uint8_t *dec = NULL;
	size_t split, nsig = 0, verified = 0;
	int by_v, rc = -1;

	*body_len = 0;
	if (len > NOTE_MAX) {
		err_bad_request(e, "note is longer than %d bytes", NOTE_MAX);
		goto out;
	}
	if (!text_ok(text, len)) {
		err_bad_request(e, "malformed note: not UTF-8 text without "
		    "control characters");
		goto out;
	}
	/* The text ends at the last blank line. */
	for (split = len; split >= 2; split--)
		if (text[split - 1] == '\n' && text[split - 2] == '\n')
			break;
	if (split < 2) {
		err_bad_request(e, "malformed note: no blank line before the "
		    "signatures");
		goto out;
	}
	sigs = text + split;
	end = text + len;
	if (sigs == end || end[-1] != '\n') {
		err_bad_request(e, "malformed note: the signatures must be "
		    "lines ending in a newline");
		goto out;
	}
	dec = malloc(len);
	if (dec == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	while (sigs < end) {
		nl = memchr(sigs, '\n', (size_t)(end - sigs));
		if (++nsig > NOTE_SIGS_MAX) {
			err_bad_request(e, "malformed note: more than %d "
			    "signatures", NOTE_SIGS_MAX);
			goto out;
		}
		if (check_sig_line(sigs, (size_t)(nl - sigs), text, split - 1,
		    v, dec, &by_v, e) == -1)
			goto out;
		verified += (size_t)by_v;
		sigs = nl + 1;
	}
	if (verified == 0) {
		key_label(label, sizeof(label), v);
		err_bad_request(e, "note has no signature by key %s", label);
		goto out;
	}
	*body_len = split - 1;
	rc = 0;
out:
	free(dec);
	return rc;
}

/* Parses a tree size: decimal, no leading zeros but "0", within int64. */
static int
parse_size(int64_t *out, const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
checkpoint_parse(struct checkpoint *c, const char *body, size_t len,
    struct err *e)
{
	const char *line[3], *p = body, *end = body + len, *nl;
	size_t linelen[3], rootlen, i;
	uint8_t root[MERKLE_HASH + 1];

	memset(c, 0, sizeof(*c));
	if (len > NOTE_MAX)
		return err_bad_request(e, "checkpoint is longer than %d bytes",
		    NOTE_MAX);
	if (len == 0 || body[len - 1] != '\n')
		return err_bad_request(e, "checkpoint must be lines ending in "
		    "a newline");
	for (i = 0; i < 3; i++) {
		nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (nl == NULL)
			return err_bad_request(e, "checkpoint must have an "
			    "origin, a size and a root hash line");
		line[i] = p;
		linelen[i] = (size_t)(nl - p);
		p = nl + 1;
	}
	if (linelen[0] == 0 || linelen[0] >= NOTE_NAME_MAX ||
	    !str_is_clean_utf8(line[0], linelen[0]))
		return err_bad_request(e, "checkpoint origin must be 1 to %d "
		    "bytes of text", NOTE_NAME_MAX - 1);
	if (parse_size(&c->size, line[1], linelen[1]) == -1)
		return err_bad_request(e, "checkpoint size must be a decimal "
		    "number without leading zeros");
	if (note_b64(root, sizeof(root), &rootlen, line[2],
	    linelen[2]) == -1 || rootlen != MERKLE_HASH)
		return err_bad_request(e, "checkpoint root hash must be "
		    "base64 of %d bytes", MERKLE_HASH);
	/* Extension lines: opaque, but each non-empty. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == p)
			return err_bad_request(e, "checkpoint has an empty "
			    "line");
		if (!text_ok(p, (size_t)(nl - p)))
			return err_bad_request(e, "checkpoint extension line "
			    "is not text");
		p = nl + 1;
	}
	memcpy(c->origin, line[0], linelen[0]);
	c->origin[linelen[0]] = '\0';
	memcpy(c->root, root, MERKLE_HASH);
	return 0;
}

int
checkpoint_format(char *out, size_t size, const struct checkpoint *c)
{
	char b64[sodium_base64_ENCODED_LEN(MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t n = strnlen(c->origin, NOTE_NAME_MAX);

	if (n == 0 || n >= NOTE_NAME_MAX || c->size < 0 ||
	    !str_is_clean_utf8(c->origin, n))
		return -1;
	sodium_bin2base64(b64, sizeof(b64), c->root, MERKLE_HASH,
	    sodium_base64_VARIANT_ORIGINAL);
	return str_printf(out, size, "%s\n%lld\n%s\n", c->origin,
	    (long long)c->size, b64);
}
