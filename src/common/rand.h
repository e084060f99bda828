/* SPDX-License-Identifier: ISC */
/*
 * rand: server-chosen identifiers and bearer secrets, from libsodium's CSPRNG.
 */
#ifndef CUSTOS_COMMON_RAND_H
#define CUSTOS_COMMON_RAND_H

#include <stddef.h>
#include <stdint.h>

#define ID_MAX 64              /* longest id, caller-supplied ones included */
#define TOKEN_MAX 64           /* "<prefix>_" + 52 base32 characters */
#define TOKEN_BYTES 32         /* 256 random bits behind every token */
#define TOKEN_HASH_LEN 32

/* A new id "<prefix>_<26 base32 chars>" (128 random bits). */
void id_new(char out[ID_MAX], const char *prefix);

/* 1 when s may be used as an id: 1..ID_MAX-1 of [A-Za-z0-9_.-]. */
int id_valid(const char *s);

/* A new bearer secret: 256 random bits, written as "<prefix>_" + base32
 * into out[size]; size must hold 4 + 52 + 1 bytes.  Returns 0 or -1. */
int token_new(char *out, size_t size, const char *prefix)
	__attribute__((warn_unused_result));

/* SHA-256 of a token: what the store keeps instead of the token. */
void token_hash(uint8_t out[TOKEN_HASH_LEN], const char *token);

/* Lower-case RFC 4648 base32 without padding; out must hold
 * ceil(n*8/5)+1 bytes. */
void base32_encode(char *out, const uint8_t *in, size_t n);

#endif
