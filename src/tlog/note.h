/* SPDX-License-Identifier: ISC */
/*
 * note: C2SP signed notes (https://c2sp.org/signed-note) with Ed25519
 * keys, and the C2SP tlog-checkpoint body they carry
 * (https://c2sp.org/tlog-checkpoint).
 *
 *   note      = body "\n" 1*signature-line   (body ends with "\n")
 *   signature = "\u2014 " name " " base64(key_id[4] || ed25519_sig[64]) "\n"
 *   key_id    = SHA-256(name || "\n" || 0x01 || public_key)[0:4]
 *   verifier  = name "+" hex(key_id) "+" base64(0x01 || public_key)
 *   checkpoint body = origin "\n" decimal(size) "\n" base64(root) "\n"
 *                     *(extension-line "\n")
 */
#ifndef CUSTOS_TLOG_NOTE_H
#define CUSTOS_TLOG_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "tlog/merkle.h"

#define NOTE_NAME_MAX 128
#define NOTE_MAX (16 * 1024)            /* a whole note, signatures too */
#define NOTE_VERIFIER_MAX 256
#define NOTE_SIGS_MAX 100               /* signature lines we look at */

struct note_verifier {
	char name[NOTE_NAME_MAX];
	uint8_t key_id[4];
	uint8_t public_key[32];
};

/* 1 when name may name a key: non-empty, no spaces, no '+', no control
 * characters, valid UTF-8. */
int note_name_valid(const char *name);

void note_key_id(uint8_t out[4], const char *name,
    const uint8_t public_key[32]);

/*
 * The C2SP signed-note key id, SHA-256(name || "\n" || alg || key)[:4],
 * and verifier key "name+hex(id)+base64(alg || key)" of a 32-byte key of
 * type alg: the note's own Ed25519 keys (1) and cosignature keys (4,
 * tlog/cosig) share them.  The parse refuses a key of another type or
 * length with "<what> is not <alg_msg>".
 */
void note_key_id_alg(uint8_t out[4], const char *name, uint8_t alg,
    const uint8_t public_key[32]);
int note_verifier_format_alg(char *out, size_t size, const char *name,
    uint8_t alg, const uint8_t public_key[32])
	__attribute__((warn_unused_result));
int note_verifier_parse_alg(struct note_verifier *v, const char *text,
    uint8_t alg, const char *what, const char *alg_msg, struct err *e)
	__attribute__((warn_unused_result));

/* Writes the verifier key string for (name, public_key). */
int note_verifier_format(char *out, size_t size, const char *name,
    const uint8_t public_key[32]) __attribute__((warn_unused_result));

/* Parses "name+hash+base64"; the hash must match the key. */
int note_verifier_parse(struct note_verifier *v, const char *text,
    struct err *e) __attribute__((warn_unused_result));

/* Appends the signed note: body (which must end in "\n" and hold no blank
 * line), a blank line, one signature line by (name, secret_key). */
int note_sign(struct buf *out, const char *body, size_t body_len,
    const char *name, const uint8_t secret_key[64])
	__attribute__((warn_unused_result));

/* Checks that text is a well-formed note with a valid signature by v.
 * 0 with *body_len = length of the body (through its final "\n");
 * -1 with e naming what failed (malformed, no signature by this key,
 * bad signature).  Signatures by other keys are ignored. */
int note_open(const char *text, size_t len, const struct note_verifier *v,
    size_t *body_len, struct err *e) __attribute__((warn_unused_result));

struct checkpoint {
	char origin[NOTE_NAME_MAX];
	int64_t size;
	merkle_hash root;
};

/* Parses a checkpoint body (extension lines allowed and ignored). */
int checkpoint_parse(struct checkpoint *c, const char *body, size_t len,
    struct err *e) __attribute__((warn_unused_result));

/* Writes the three-line body of c. */
int checkpoint_format(char *out, size_t size, const struct checkpoint *c)
	__attribute__((warn_unused_result));

#endif
