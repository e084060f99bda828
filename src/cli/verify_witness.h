/* SPDX-License-Identifier: ISC */
/*
 * verify_witness: `custos verify --checkpoint FILE --witness KEYS
 * [--min N]`: the checkpoint must carry at least N valid C2SP
 * cosignatures (tlog/cosig.h) by the witnesses named, so that a
 * checkpoint shown to this verifier alone (a split view) is refused:
 * honest witnesses never cosign a checkpoint that does not extend the
 * ones they cosigned before.
 */
#ifndef CUSTOS_CLI_VERIFY_WITNESS_H
#define CUSTOS_CLI_VERIFY_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "cli/verify.h"
#include "common/buf.h"
#include "tlog/cosig.h"

#define VERIFY_WITNESSES_MAX 32

struct verify_witnesses {
	struct cosig_key keys[VERIFY_WITNESSES_MAX];
	size_t n;
	int64_t min;
};

/* KEYS is witness verifier keys separated by white space, or a file of
 * them (one a line); min is --min (NULL: 1).  CLI_OK, or CLI_USAGE /
 * CLI_FAIL after saying why. */
int verify_witnesses_load(struct verify *v, struct verify_witnesses *w,
    const char *keys, const char *min) __attribute__((warn_unused_result));

/* One line per witness (cosigned, not, or a bad cosignature) and one for
 * the count against min; the note is the whole checkpoint file. */
void verify_witnesses_check(struct verify *v,
    const struct verify_witnesses *w, const char *file,
    const struct buf *note);

#endif
