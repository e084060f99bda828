/* SPDX-License-Identifier: ISC */
/*
 * cosig: C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), the
 * Ed25519 type (signed-note signature type 0x04): a witness's statement
 * that, as of a time, the checkpoint is the largest consistent tree head
 * it has seen for the log.
 *
 *   key ID    = SHA-256(name || "\n" || 0x04 || public key)[0:4]
 *   vkey      = name "+" hex(key ID) "+" base64(0x04 || public key)
 *   signature = "\u2014 " name " " base64(key ID || u64be(time) || sig) "\n"
 *   signed    = "cosignature/v1\n" "time " decimal(time) "\n" body
 *
 * where body is the checkpoint's note text through its final newline.
 * The ML-DSA-44 type is not implemented: libsodium has no ML-DSA.
 */
#ifndef CUSTOS_TLOG_COSIG_H
#define CUSTOS_TLOG_COSIG_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "tlog/note.h"

#define COSIG_ALG 0x04
#define COSIG_LINE_MAX (NOTE_NAME_MAX + 128)    /* one signature line */

struct cosig_key {
	char name[NOTE_NAME_MAX];
	uint8_t key_id[4];
	uint8_t public_key[32];
};

void cosig_key_id(uint8_t out[4], const char *name,
    const uint8_t public_key[32]);

/* Writes the cosigner's verifier key "name+hex(id)+base64(0x04||pk)". */
int cosig_verifier_format(char *out, size_t size, const char *name,
    const uint8_t public_key[32]) __attribute__((warn_unused_result));

/* Parses a cosigner's verifier key (type 0x04); the hash must match. */
int cosig_verifier_parse(struct cosig_key *k, const char *text,
    struct err *e) __attribute__((warn_unused_result));

/* Appends one cosignature line by (name, secret_key) at time timestamp
 * over body[0..body_len) (a checkpoint's note text through its final
 * newline).  0 or -1. */
int cosig_sign(struct buf *out, const char *body, size_t body_len,
    const char *name, const uint8_t secret_key[64], uint64_t timestamp)
	__attribute__((warn_unused_result));

/*
 * Looks in the signature lines of a signed note for a cosignature by k
 * (its name and key ID): 1 when one verifies (*timestamp set), 0 when
 * there is none, -1 when one by k does not verify or the note is
 * malformed (e says which).  Lines by other keys are ignored.
 */
int cosig_find(const char *note, size_t len, const struct cosig_key *k,
    uint64_t *timestamp, struct err *e) __attribute__((warn_unused_result));

#endif
