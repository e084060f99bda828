/* SPDX-License-Identifier: ISC */
/*
 * witclient: custosd's side of C2SP tlog-witness: asks one witness
 * (POST URL/add-checkpoint) to cosign a checkpoint, with the consistency
 * proof from the size that witness cosigned last.  That size is learnt
 * from the witness itself: the first request says "old 0", a 409 answers
 * the witness's size, and the request is made once more from there.
 * Only a cosignature line that verifies under the witness's configured
 * key (cosig.h) is kept.
 */
#ifndef CUSTOS_TLOG_WITCLIENT_H
#define CUSTOS_TLOG_WITCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "tlog/merkle.h"
#include "tlog/note.h"

#define WITCLIENT_TIMEOUT_S 10

/* The consistency proof from old to size (1 <= old < size). */
typedef int (*witclient_proof_fn)(void *arg, int64_t old, int64_t size,
    merkle_hash *out, size_t *n, struct err *e);

struct witclient;

/* spec is "URL=KEY": the witness's submission prefix and its cosigner
 * verifier key.  NULL with e when it is not. */
struct witclient *witclient_new(const char *spec, struct err *e);
void witclient_free(struct witclient *w);

/* The witness's key name, for messages. */
const char *witclient_name(const struct witclient *w);

/* The witness's cosigner key (to read the time of a line it gave). */
struct cosig_key;
const struct cosig_key *witclient_key(const struct witclient *w);

/*
 * Asks for a cosignature of note (a checkpoint cp signed by the log):
 * 0 with one verified cosignature line appended to out; 1 when the
 * witness refused (its status and answer in e: 422 is a split view),
 * -1 when it could not be asked.
 */
int witclient_cosign(struct witclient *w, const char *note, size_t len,
    const struct checkpoint *cp, witclient_proof_fn proof, void *arg,
    struct buf *out, struct err *e) __attribute__((warn_unused_result));

#endif
