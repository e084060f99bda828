/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of tlog/anchor and common/textfile: DIR/log.anchor holds a
 * checkpoint signed by the log key and nothing else is taken for one (an
 * unsigned note, another key's, a symbolic link, an oversized file); a
 * tree smaller than the anchor, or of its size with another root, does
 * not extend it; the same tree does; anchor_store replaces the file
 * whole and a reload sees the new one.
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
#include "common/textfile.h"
#include "tlog/anchor.h"
#include "tlog/note.h"

#define ORIGIN "example.com/anchor-test"

struct world {
	char dir[64], path[128];
	uint8_t sk[64];
	struct note_verifier v;
	struct anchor *a;
};

static int
no_tiles(void *arg, int level, int64_t idx, struct buf *out, struct err *e)
{
	return err_internal(e, "no tiles in this test");
}

static void
signed_cp(struct world *w, struct buf *out, int64_t size, uint8_t fill,
    const uint8_t *sk)
{
	struct checkpoint cp;
	char body[256];

	memset(&cp, 0, sizeof(cp));
	str_copy(cp.origin, sizeof(cp.origin), ORIGIN);
	cp.size = size;
	memset(cp.root, fill, sizeof(cp.root));
	assert_int_equal(checkpoint_format(body, sizeof(body), &cp), 0);
	assert_int_equal(note_sign(out, body, strlen(body), ORIGIN,
	    sk != NULL ? sk : w->sk), 0);
}

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char vkey[NOTE_VERIFIER_MAX];
	uint8_t pk[32];
	struct err e;

	str_copy(w->dir, sizeof(w->dir), "/tmp/test_anchor.XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	str_printf(w->path, sizeof(w->path), "%s/" ANCHOR_FILE, w->dir);
	crypto_sign_keypair(pk, w->sk);
	assert_int_equal(note_verifier_format(vkey, sizeof(vkey), ORIGIN, pk),
	    0);
	err_init(&e);
	assert_int_equal(note_verifier_parse(&w->v, vkey, &e), 0);
	w->a = anchor_new(w->dir, &w->v, &e);
	assert_non_null(w->a);
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;
	char tmp[160];

	anchor_free(w->a);
	unlink(w->path);
	str_printf(tmp, sizeof(tmp), "%s.tmp", w->path);
	unlink(tmp);
	rmdir(w->dir);
	free(w);
	return 0;
}

static void
stored_anchor_reloads_and_bounds_the_tree(void **state)
{
	struct world *w = *state;
	struct prover_tiles tiles = {no_tiles, NULL};
	struct anchor *again;
	merkle_hash root;
	struct buf note;
	struct err e;
	int present = -1;

	buf_init(&note, NOTE_MAX);
	err_init(&e);
	assert_int_equal(anchor_load(w->a, &present, &e), 0);
	assert_int_equal(present, 0);
	assert_int_equal(anchor_get(w->a, root), -1);
	signed_cp(w, &note, 7, 0xaa, NULL);
	assert_int_equal(anchor_store(w->a, note.data, note.len, &e), 0);
	again = anchor_new(w->dir, &w->v, &e);
	assert_int_equal(anchor_load(again, &present, &e), 0);
	assert_int_equal(present, 1);
	assert_int_equal(anchor_get(again, root), 7);
	/* Smaller: behind.  Same size, other root: differs.  Same: fine. */
	memset(root, 0xaa, sizeof(root));
	assert_int_equal(anchor_extends(again, NULL, &tiles, 6, root, &e), 1);
	assert_non_null(strstr(e.msg, "behind the anchor"));
	memset(root, 0xab, sizeof(root));
	assert_int_equal(anchor_extends(again, NULL, &tiles, 7, root, &e), 1);
	assert_non_null(strstr(e.msg, "differs from"));
	memset(root, 0xaa, sizeof(root));
	assert_int_equal(anchor_extends(again, NULL, &tiles, 7, root, &e), 0);
	/* Growth needs a proof from the tiles: none here, an error. */
	assert_int_equal(anchor_extends(again, NULL, &tiles, 9, root, &e), -1);
	anchor_forget(again);
	assert_int_equal(anchor_extends(again, NULL, &tiles, 1, root, &e), 0);
	anchor_free(again);
	buf_cleanup(&note);
}

static void
only_a_checkpoint_signed_by_the_log_key_is_an_anchor(void **state)
{
	struct world *w = *state;
	uint8_t other[64], pk[32];
	struct buf note;
	struct err e;
	int present;
	char big[NOTE_MAX + 2];

	buf_init(&note, NOTE_MAX);
	err_init(&e);
	/* Not signed at all. */
	assert_int_equal(textfile_write(w->path, "x\n1\nAA==\n", 9, 0600, &e),
	    0);
	assert_int_equal(anchor_load(w->a, &present, &e), -1);
	assert_non_null(strstr(e.msg, "not a checkpoint signed"));
	/* Signed by another key. */
	crypto_sign_keypair(pk, other);
	signed_cp(w, &note, 3, 1, other);
	assert_int_equal(anchor_store(w->a, note.data, note.len, &e), -1);
	assert_int_equal(textfile_write(w->path, note.data, note.len, 0600,
	    &e), 0);
	assert_int_equal(anchor_load(w->a, &present, &e), -1);
	/* Too large. */
	memset(big, 'a', sizeof(big));
	assert_int_equal(textfile_write(w->path, big, sizeof(big), 0600, &e),
	    0);
	assert_int_equal(anchor_load(w->a, &present, &e), -1);
	assert_non_null(strstr(e.msg, "larger than"));
	/* A symbolic link to a good one. */
	buf_reset(&note);
	signed_cp(w, &note, 3, 1, NULL);
	{
		char real[160];

		str_printf(real, sizeof(real), "%s/real", w->dir);
		assert_int_equal(textfile_write(real, note.data, note.len,
		    0600, &e), 0);
		unlink(w->path);
		assert_int_equal(symlink(real, w->path), 0);
		assert_int_equal(anchor_load(w->a, &present, &e), -1);
		unlink(real);
	}
	buf_cleanup(&note);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    stored_anchor_reloads_and_bounds_the_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    only_a_checkpoint_signed_by_the_log_key_is_an_anchor, setup,
		    teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
