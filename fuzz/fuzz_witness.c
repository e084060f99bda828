/* SPDX-License-Identifier: ISC */
/*
 * Fuzzes what custos witness reads from the network and custosd reads
 * from a witness: witness_add_checkpoint on arbitrary request bodies (a
 * witness that knows one fixed log key, state in a temporary file), and
 * cosig_find and cosig_verifier_parse on arbitrary notes and keys.  Every
 * answer has one of the statuses the spec allows and a body that ends in
 * a newline; nothing is cosigned without a valid signature by the log
 * key, which random bytes do not carry.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "tlog/cosig.h"
#include "tlog/note.h"
#include "tlog/witness.h"

#define FUZZ_LOG "fuzz.example/log"
#define FUZZ_SEED "custos fuzz_witness fixed seed!!"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t lsk[crypto_sign_SECRETKEYBYTES], wsk[64];
static char lvkey[NOTE_VERIFIER_MAX], state[64];
static struct witness *w;
static struct cosig_key wk;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t pk[32];
	const char *logs[1] = {lvkey};
	struct witness_config cfg = {"fuzz.example/w", wsk, state, logs, 1};
	char wv[NOTE_VERIFIER_MAX];
	struct err e;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	crypto_sign_seed_keypair(pk, lsk, (const uint8_t *)FUZZ_SEED);
	if (note_verifier_format(lvkey, sizeof(lvkey), FUZZ_LOG, pk) == -1)
		abort();
	crypto_sign_keypair(pk, wsk);
	if (cosig_verifier_format(wv, sizeof(wv), "fuzz.example/w", pk) == -1)
		abort();
	err_init(&e);
	if (cosig_verifier_parse(&wk, wv, &e) == -1)
		abort();
	snprintf(state, sizeof(state), "/tmp/fuzz_witness.%d", (int)getpid());
	unlink(state);
	w = witness_new(&cfg, &e);
	if (w == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct witness_answer a;
	struct cosig_key k;
	char *text;
	uint64_t ts;
	struct err e;

	witness_answer_init(&a);
	witness_add_checkpoint(w, (const char *)data, size, 1, &a);
	switch (a.status) {
	case 200: case 400: case 403: case 404: case 409: case 422: case 500:
		break;
	default:
		log_error("fuzz: status %d", a.status);
		abort();
	}
	if (a.body.len == 0 || a.body.data[a.body.len - 1] != '\n')
		abort();
	witness_answer_cleanup(&a);

	err_init(&e);
	(void)cosig_find((const char *)data, size, &wk, &ts, &e);
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err_init(&e);
	(void)cosig_verifier_parse(&k, text, &e);
	free(text);
	return 0;
}
