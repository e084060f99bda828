/* SPDX-License-Identifier: ISC */
/*
 * publish: what custosd does with each new signed checkpoint after its
 * commit, on a thread of its own so that appends never wait for it:
 *
 *   1. check that it extends the anchor (anchor.h) and, if so, make it
 *      the anchor (DIR/log.anchor); if not, halt the log;
 *   2. ask every configured witness for a cosignature (witclient.h);
 *   3. keep the checkpoint with the cosignatures it got, which
 *      GET /v1/log/checkpoint serves (one signed note, a signature line
 *      per witness that cosigned).
 *
 * A witness that is down or refuses only costs its line; a refusal with
 * 422 (the checkpoint does not extend what that witness cosigned: a
 * split view, or a log rewritten and accepted by the operator) is logged
 * as an error.
 */
#ifndef CUSTOS_TLOG_PUBLISH_H
#define CUSTOS_TLOG_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "tlog/anchor.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/witclient.h"

#define PUBLISH_WITNESSES_MAX 16

struct publish_config {
	struct anchor *anchor;
	const struct note_verifier *log_key;
	const char *const *witnesses;   /* "URL=KEY" each */
	size_t nwitnesses;
	/* The latest signed checkpoint (the signer's). */
	int (*latest)(void *arg, struct buf *note, int64_t *size,
	    struct err *e);
	/* Whether the committed tree (size, root) extends the anchor:
	 * anchor_extends over a reader. */
	int (*extends)(void *arg, int64_t size, const merkle_hash root,
	    struct err *e);
	witclient_proof_fn proof;       /* committed consistency proofs */
	void (*halt)(void *arg, const char *why);
	/* Whether this node asks the witnesses (several nodes: the holder of
	 * the "signer" lease); NULL: always.  Every node moves its own
	 * anchor. */
	int (*leader)(void *arg);
	void *arg;
	int64_t poll_ms;                /* default 200 */
};

struct publish;

/* Checks the witnesses' specs; nothing runs yet.  NULL with e. */
struct publish *publish_new(const struct publish_config *cfg,
    struct err *e);

/* Starts the thread. */
int publish_start(struct publish *p, struct err *e)
	__attribute__((warn_unused_result));

/* Stops the thread (a witness being asked is waited for, at most its
 * timeout); accepts NULL. */
void publish_free(struct publish *p);

/* Appends the latest checkpoint that went through steps 1 to 3 with its
 * cosignatures: 0 and *size, 1 when there is none yet. */
int publish_checkpoint(struct publish *p, struct buf *note, int64_t *size)
	__attribute__((warn_unused_result));

/* How many witnesses are configured. */
size_t publish_witnesses(const struct publish *p);

/* A witness as the publisher last saw it (GET /v1/log/health). */
struct publish_witness {
	char name[NOTE_NAME_MAX];
	int64_t cosigned_size;          /* the last size it cosigned; -1 */
	int64_t cosigned_time;          /* its cosignature's time, s; 0 */
	int last_ok;                    /* the last round got its line */
};

/* Copies at most max witnesses' state into out; returns how many. */
size_t publish_witness_status(struct publish *p, struct publish_witness *out,
    size_t max);

#endif
