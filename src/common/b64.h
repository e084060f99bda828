/* SPDX-License-Identifier: ISC */
/*
 * b64: the one strict decoder of standard, padded base64 (RFC 4648 §4)
 * for outside input: keys, signatures, hashes, leaves.  libsodium 1.0.18's
 * decoder reads every byte from 0x80 to 0xff as '/', so "\xc3\xa9" would
 * pass for "//" and a signed text would have many spellings; the alphabet
 * is therefore checked first.
 */
#ifndef CUSTOS_COMMON_B64_H
#define CUSTOS_COMMON_B64_H

#include <stddef.h>
#include <stdint.h>

/* Decodes s[0..len) (all of it; no whitespace) into out[max]; *outlen is
 * the decoded length.  The empty string decodes to nothing.  0 or -1. */
int b64_decode(uint8_t *out, size_t max, size_t *outlen, const char *s,
    size_t len) __attribute__((warn_unused_result));

#endif
