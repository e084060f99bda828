/* SPDX-License-Identifier: ISC */
/*
 * witness: the logic of a C2SP tlog witness (https://c2sp.org/tlog-witness)
 * that `custos witness` serves: for each log it knows (by its verifier
 * key, whose name is the log's origin) it keeps the size and root of the
 * latest checkpoint it cosigned, in a state file, and answers an
 * add-checkpoint request by checking the log's signature and the
 * consistency proof from that size, and cosigning (tlog-cosignature,
 * Ed25519) only a checkpoint that extends what it cosigned before.
 *
 * The HTTP glue lives in the CLI (cmd_witness.c); this module decides
 * the status and the body of each answer, and is what the unit tests
 * drive.  One mutex makes "check the old size, persist the new state"
 * atomic, as the spec requires.
 */
#ifndef CUSTOS_TLOG_WITNESS_H
#define CUSTOS_TLOG_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define WITNESS_LOGS_MAX 64
#define WITNESS_STATE_MAX ((size_t)64 << 10)
#define WITNESS_BODY_MAX (64 * 64 + 16 * 1024 + 64)  /* old, proof, note */
#define WITNESS_SIZE_TYPE "text/x.tlog.size"

struct witness_config {
	const char *name;               /* the cosigner's key name */
	const uint8_t *sk;              /* its Ed25519 secret key, 64 bytes */
	const char *state_path;         /* the state file */
	const char *const *logs;        /* verifier keys of the logs */
	size_t nlogs;
};

struct witness;

/* Loads (or starts) the state of the logs given.  The name, key and
 * path must outlive the witness.  NULL with e on a bad key or state. */
struct witness *witness_new(const struct witness_config *cfg,
    struct err *e);
void witness_free(struct witness *w);

struct witness_answer {
	int status;                     /* HTTP status */
	const char *type;               /* Content-Type */
	struct buf body;                /* cosignature line, size, or why */
};

void witness_answer_init(struct witness_answer *a);
void witness_answer_cleanup(struct witness_answer *a);

/*
 * Answers POST add-checkpoint with the request body req[0..len) at time
 * now (seconds since the epoch, > 0): 200 and the cosignature line; 400
 * malformed or old size above the checkpoint's; 403 no valid signature by
 * the log's key; 404 unknown origin; 409 and the cosigned size (type
 * WITNESS_SIZE_TYPE) when the old size is not it; 422 when the
 * checkpoint is not consistent with what was cosigned (a split view);
 * 500 when the new state cannot be stored (nothing cosigned then).
 */
void witness_add_checkpoint(struct witness *w, const char *req, size_t len,
    uint64_t now, struct witness_answer *a);

/* The size cosigned for origin: 0 and *size, or -1 when unknown. */
int witness_size(struct witness *w, const char *origin, int64_t *size);

#endif
