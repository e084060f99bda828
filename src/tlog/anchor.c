/* SPDX-License-Identifier: ISC */
/*
 * anchor: DIR/log.anchor; see anchor.h and docs/internals/tlog.md.
 */
#include "tlog/anchor.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/textfile.h"

struct anchor {
	char path[4096];
	struct note_verifier key;
	pthread_mutex_t mu;
	int64_t size;                   /* -1: none */
	merkle_hash root;
};

struct anchor *
anchor_new(const char *data_dir, const struct note_verifier *v,
    struct err *e)
{
	struct anchor *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	if (str_printf(a->path, sizeof(a->path), "%s/" ANCHOR_FILE,
	    data_dir) == -1) {
		free(a);
		err_internal(e, "data directory path too long");
		return NULL;
	}
	a->key = *v;
	a->size = -1;
	pthread_mutex_init(&a->mu, NULL);
	return a;
}

void
anchor_free(struct anchor *a)
{
	if (a == NULL)
		return;
	pthread_mutex_destroy(&a->mu);
	free(a);
}

const char *
anchor_path(const struct anchor *a)
{
	return a->path;
}

/* The checkpoint in a note signed by the log key. */
static int
note_checkpoint(struct anchor *a, const char *note, size_t len,
    struct checkpoint *cp, struct err *e)
{
	size_t body = 0;

	if (note_open(note, len, &a->key, &body, e) == -1 ||
	    checkpoint_parse(cp, note, body, e) == -1)
		return -1;
	if (strcmp(cp->origin, a->key.name) != 0)
		return err_bad_request(e, "its origin is not the log's");
	return 0;
}

int
anchor_load(struct anchor *a, int *present, struct err *e)
{
	struct checkpoint cp;
	struct buf b;
	int found, rc = -1;

	*present = 0;
	buf_init(&b, NOTE_MAX);
	found = textfile_read(&b, a->path, NOTE_MAX, e);
	if (found == -1)
		goto out;
	if (found == 1) {
		rc = 0;
		goto out;
	}
	if (note_checkpoint(a, b.data != NULL ? b.data : "", b.len, &cp, e) ==
	    -1) {
		struct err inner = *e;

		err_internal(e, "%s is not a checkpoint signed by the log key "
		    "(%s)", a->path, inner.msg);
		goto out;
	}
	pthread_mutex_lock(&a->mu);
	a->size = cp.size;
	memcpy(a->root, cp.root, MERKLE_HASH);
	pthread_mutex_unlock(&a->mu);
	*present = 1;
	rc = 0;
out:
	buf_cleanup(&b);
	return rc;
}

int64_t
anchor_get(struct anchor *a, merkle_hash root)
{
	int64_t n;

	pthread_mutex_lock(&a->mu);
	n = a->size;
	memcpy(root, a->root, MERKLE_HASH);
	pthread_mutex_unlock(&a->mu);
	return n;
}

void
anchor_forget(struct anchor *a)
{
	pthread_mutex_lock(&a->mu);
	a->size = -1;
	pthread_mutex_unlock(&a->mu);
}

int
anchor_store(struct anchor *a, const char *note, size_t len, struct err *e)
{
	struct checkpoint cp;

	if (note_checkpoint(a, note, len, &cp, e) == -1)
		return -1;
	if (textfile_write(a->path, note, len, 0600, e) == -1)
		return -1;
	pthread_mutex_lock(&a->mu);
	a->size = cp.size;
	memcpy(a->root, cp.root, MERKLE_HASH);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

int
anchor_extends(struct anchor *a, struct tilecache *tc,
    const struct prover_tiles *tiles, int64_t size, const merkle_hash root,
    struct err *e)
{
	merkle_hash aroot, proof[MERKLE_PROOF_MAX], empty;
	size_t n = 0;
	int64_t asize;

	asize = anchor_get(a, aroot);
	if (asize < 0)
		return 0;
	if (size < asize) {
		err_internal(e, "the log holds %lld entries but %s says %lld "
		    "were signed: the database is behind the anchor (a "
		    "restored backup, or entries lost)", (long long)size,
		    a->path, (long long)asize);
		return 1;
	}
	if (asize == 0) {
		merkle_empty_root(empty);
		if (sodium_memcmp(empty, aroot, MERKLE_HASH) == 0)
			return 0;
	} else if (asize == size) {
		if (sodium_memcmp(root, aroot, MERKLE_HASH) == 0)
			return 0;
	} else {
		if (prover_consistency(tc, tiles, asize, size, proof, &n, e) ==
		    -1)
			return -1;
		if (merkle_verify_consistency(asize, size, aroot, root, proof,
		    n) == 0)
			return 0;
	}
	err_internal(e, "the log's tree differs from %s at size %lld: "
	    "entries before index %lld were changed, or the tree was rebuilt "
	    "over other entries", a->path, (long long)asize,
	    (long long)asize);
	return 1;
}
