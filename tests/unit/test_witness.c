/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/witness, the state machine of `custos witness` (C2SP
 * tlog-witness add-checkpoint): a fresh witness cosigns from old size 0;
 * consistent growth is cosigned and remembered across a restart; an old
 * size that is not the cosigned one is 409 with that size; a split view
 * (same size, other root; or growth whose proof does not hold) is 422 and
 * leaves the state alone; unknown origins 404, bad signatures 403.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/str.h"
#include "tlog/cosig.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/witness.h"

#define ORIGIN "example.com/log"
#define WNAME "witness.example/w1"

struct world {
	uint8_t lsk[64], wsk[64];
	char lvkey[NOTE_VERIFIER_MAX];
	struct cosig_key wk;
	char state[256];
	struct witness *w;
	merkle_hash leaves[64];
	merkle_hash forked[64];         /* same leaves, but leaf 2 */
};

static int
hash_at(void *arg, int level, int64_t index, merkle_hash out)
{
	const merkle_hash *leaves = arg;
	merkle_hash l, r;

	if (level == 0) {
		memcpy(out, leaves[index], MERKLE_HASH);
		return 0;
	}
	if (hash_at(arg, level - 1, 2 * index, l) == -1 ||
	    hash_at(arg, level - 1, 2 * index + 1, r) == -1)
		return -1;
	merkle_node_hash(out, l, r);
	return 0;
}

static struct witness *
open_witness(struct world *wd)
{
	const char *logs[1] = {wd->lvkey};
	struct witness_config cfg = {WNAME, wd->wsk, wd->state, logs, 1};
	struct err e;
	struct witness *w;

	err_init(&e);
	w = witness_new(&cfg, &e);
	if (w == NULL)
		fail_msg("witness_new: %s", e.msg);
	return w;
}

static int
setup(void **state)
{
	struct world *wd = calloc(1, sizeof(*wd));
	uint8_t pk[32];
	char vkey[NOTE_VERIFIER_MAX];
	struct err e;
	int i;

	crypto_sign_keypair(pk, wd->lsk);
	assert_int_equal(note_verifier_format(wd->lvkey, sizeof(wd->lvkey),
	    ORIGIN, pk), 0);
	crypto_sign_keypair(pk, wd->wsk);
	assert_int_equal(cosig_verifier_format(vkey, sizeof(vkey), WNAME, pk),
	    0);
	err_init(&e);
	assert_int_equal(cosig_verifier_parse(&wd->wk, vkey, &e), 0);
	for (i = 0; i < 64; i++) {
		merkle_leaf_hash(wd->leaves[i], &i, sizeof(i));
		memcpy(wd->forked[i], wd->leaves[i], MERKLE_HASH);
	}
	merkle_leaf_hash(wd->forked[2], "x", 1);
	str_printf(wd->state, sizeof(wd->state), "/tmp/test_witness.%d",
	    (int)getpid());
	unlink(wd->state);
	wd->w = open_witness(wd);
	*state = wd;
	return 0;
}

static int
teardown(void **state)
{
	struct world *wd = *state;

	witness_free(wd->w);
	unlink(wd->state);
	free(wd);
	return 0;
}

/* The request: old size, proof from old to size over leaves, the
 * checkpoint of size signed by the log key (or by sk). */
static void
request(struct world *wd, struct buf *req, int64_t old, int64_t size,
    merkle_hash *leaves, const uint8_t *sk)
{
	struct merkle_source src = {hash_at, leaves};
	struct checkpoint cp;
	merkle_hash proof[MERKLE_PROOF_MAX];
	char body[512], b64[64];
	size_t n = 0, i;

	memset(&cp, 0, sizeof(cp));
	str_copy(cp.origin, sizeof(cp.origin), ORIGIN);
	cp.size = size;
	if (size == 0)
		merkle_empty_root(cp.root);
	else
		assert_int_equal(merkle_root(&src, size, cp.root), 0);
	if (old > 0 && old < size)
		assert_int_equal(merkle_consistency_proof(&src, old, size,
		    proof, &n), 0);
	assert_int_equal(buf_printf(req, "old %lld\n", (long long)old), 0);
	for (i = 0; i < n; i++) {
		sodium_bin2base64(b64, sizeof(b64), proof[i], MERKLE_HASH,
		    sodium_base64_VARIANT_ORIGINAL);
		assert_int_equal(buf_printf(req, "%s\n", b64), 0);
	}
	assert_int_equal(buf_puts(req, "\n"), 0);
	assert_int_equal(checkpoint_format(body, sizeof(body), &cp), 0);
	assert_int_equal(note_sign(req, body, strlen(body), ORIGIN,
	    sk != NULL ? sk : wd->lsk), 0);
}

/* Submits; returns the status, checks a 200's cosignature. */
static int
submit(struct world *wd, int64_t old, int64_t size, merkle_hash *leaves,
    const uint8_t *sk, struct buf *answer)
{
	struct witness_answer a;
	struct buf req, note;
	const char *blank;
	uint64_t ts;
	struct err e;
	int st;

	buf_init(&req, 64 * 1024);
	buf_init(&note, 64 * 1024);
	request(wd, &req, old, size, leaves, sk);
	witness_answer_init(&a);
	witness_add_checkpoint(wd->w, req.data, req.len, 1700000000, &a);
	st = a.status;
	if (answer != NULL) {
		buf_reset(answer);
		assert_int_equal(buf_append(answer, a.body.data, a.body.len),
		    0);
	}
	if (st == 200) {
		blank = strstr(req.data, "\n\n");
		assert_int_equal(buf_puts(&note, blank + 2), 0);
		assert_int_equal(buf_append(&note, a.body.data, a.body.len),
		    0);
		err_init(&e);
		assert_int_equal(cosig_find(note.data, note.len, &wd->wk, &ts,
		    &e), 1);
		assert_int_equal(ts, 1700000000);
	}
	witness_answer_cleanup(&a);
	buf_cleanup(&note);
	buf_cleanup(&req);
	return st;
}

static void
fresh_witness_cosigns_from_zero(void **state)
{
	struct world *wd = *state;
	int64_t sz = -1;

	assert_int_equal(submit(wd, 0, 5, wd->leaves, NULL, NULL), 200);
	assert_int_equal(witness_size(wd->w, ORIGIN, &sz), 0);
	assert_int_equal(sz, 5);
	/* A proof is not allowed from 0. */
}

static void
consistent_growth_is_cosigned_and_survives_restart(void **state)
{
	struct world *wd = *state;
	int64_t sz = -1;

	assert_int_equal(submit(wd, 0, 3, wd->leaves, NULL, NULL), 200);
	assert_int_equal(submit(wd, 3, 7, wd->leaves, NULL, NULL), 200);
	assert_int_equal(submit(wd, 7, 7, wd->leaves, NULL, NULL), 200);
	assert_int_equal(submit(wd, 7, 40, wd->leaves, NULL, NULL), 200);
	witness_free(wd->w);
	wd->w = open_witness(wd);
	assert_int_equal(witness_size(wd->w, ORIGIN, &sz), 0);
	assert_int_equal(sz, 40);
	assert_int_equal(submit(wd, 40, 64, wd->leaves, NULL, NULL), 200);
}

static void
old_size_mismatch_is_409_with_the_cosigned_size(void **state)
{
	struct world *wd = *state;
	struct buf ans;

	buf_init(&ans, 4096);
	assert_int_equal(submit(wd, 0, 9, wd->leaves, NULL, NULL), 200);
	assert_int_equal(submit(wd, 0, 12, wd->leaves, NULL, &ans), 409);
	assert_string_equal(ans.data, "9\n");
	assert_int_equal(submit(wd, 5, 12, wd->leaves, NULL, &ans), 409);
	assert_string_equal(ans.data, "9\n");
	/* Then the client retries from 9. */
	assert_int_equal(submit(wd, 9, 12, wd->leaves, NULL, NULL), 200);
	buf_cleanup(&ans);
}

static void
split_view_is_refused_and_state_kept(void **state)
{
	struct world *wd = *state;
	int64_t sz = -1;

	assert_int_equal(submit(wd, 0, 8, wd->leaves, NULL, NULL), 200);
	/* The same size with another root. */
	assert_int_equal(submit(wd, 8, 8, wd->forked, NULL, NULL), 422);
	/* Growth from a tree that is not the one cosigned. */
	assert_int_equal(submit(wd, 8, 20, wd->forked, NULL, NULL), 422);
	assert_int_equal(witness_size(wd->w, ORIGIN, &sz), 0);
	assert_int_equal(sz, 8);
	/* The true log still goes on. */
	assert_int_equal(submit(wd, 8, 20, wd->leaves, NULL, NULL), 200);
}

static void
bad_signature_unknown_origin_and_bad_sizes(void **state)
{
	struct world *wd = *state;
	struct witness_answer a;
	uint8_t other[64], pk[32];
	struct buf req;
	char *p;

	crypto_sign_keypair(pk, other);
	assert_int_equal(submit(wd, 0, 4, wd->leaves, other, NULL), 403);
	/* old above the size */
	assert_int_equal(submit(wd, 0, 4, wd->leaves, NULL, NULL), 200);
	assert_int_equal(submit(wd, 9, 4, wd->leaves, NULL, NULL), 400);
	/* unknown origin: rename the log in a signed request */
	buf_init(&req, 64 * 1024);
	request(wd, &req, 4, 4, wd->leaves, NULL);
	p = strstr(req.data, "example.com/log\n");
	p[0] = 'X';
	witness_answer_init(&a);
	witness_add_checkpoint(wd->w, req.data, req.len, 1, &a);
	assert_int_equal(a.status, 404);
	witness_add_checkpoint(wd->w, "old 01\n\nx\n", 10, 1, &a);
	assert_int_equal(a.status, 400);
	witness_add_checkpoint(wd->w, "old 0\nAAAA\n\nx\n", 14, 1, &a);
	assert_int_equal(a.status, 400);
	witness_answer_cleanup(&a);
	buf_cleanup(&req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    fresh_witness_cosigns_from_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    consistent_growth_is_cosigned_and_survives_restart, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    old_size_mismatch_is_409_with_the_cosigned_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    split_view_is_refused_and_state_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    bad_signature_unknown_origin_and_bad_sizes, setup,
		    teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
