/* SPDX-License-Identifier: ISC */
/*
 * verify: the offline checks of `custos verify` (cmd_verify.c reads the
 * files and the key, then calls these): a signed checkpoint, an entry's
 * inclusion, a consistency proof, a tenant's saved access log.  Each
 * check is recorded (verify_report): a line, or a record under --json.
 * Malformed content is a failed check: a proof that cannot be parsed
 * does not prove anything.
 */
#ifndef CUSTOS_CLI_VERIFY_H
#define CUSTOS_CLI_VERIFY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "tlog/leaf.h"
#include "tlog/note.h"

#define VERIFY_MSG_MAX 1024
#define VERIFY_SHOW_FAILURES 20 /* failure lines printed, the rest counted */

struct verify {
	const struct cli *ctx;
	json_t *checks;         /* --json: the records, else NULL */
	size_t passed;
	size_t failed;
	size_t shown;           /* failure lines printed */
	/* --log-key: the tenant's keys, to open sealed leaves; or NULL */
	const struct leaf_keys *keys;
};

/*
 * Records one check.  The message is the whole human line; it is cleaned
 * and then printed (stdout when it held, stderr when it failed, nothing
 * when quiet and it held) or, under --json, kept as a record of check,
 * file, index (when >= 0), ok and message.  Returns the record (borrowed,
 * for extra fields) or NULL.
 */
json_t *verify_report(struct verify *v, int ok, int quiet, const char *check,
    const char *file, int64_t index, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Sets rec[key] to value, cleaned as messages are (rec may be NULL). */
void verify_rec_str(json_t *rec, const char *key, const char *value);

/*
 * Opens a signed checkpoint: a valid signature by vk, a well-formed body,
 * the origin equal to the key's name.  0 with *c set, or -1 after a
 * failed check.  what ("checkpoint", "old checkpoint") starts the lines.
 */
int verify_checkpoint_open(struct verify *v, const char *check,
    const char *what, const char *file, const char *text, size_t len,
    const struct note_verifier *vk, struct checkpoint *c)
	__attribute__((warn_unused_result));

/* --entry FILE --proof FILE (their bytes eb, pb) against checkpoint c. */
void verify_inclusion(struct verify *v, const struct checkpoint *c,
    const char *efile, const struct buf *eb, const char *pfile,
    const struct buf *pb);

/* --old-checkpoint FILE --consistency FILE (ob, cb) up to checkpoint c. */
void verify_consistency(struct verify *v, const struct note_verifier *vk,
    const struct checkpoint *c, const char *ofile, const struct buf *ob,
    const char *cfile, const struct buf *cb);

/* --tenant-log FILE [--tenant T]: a saved access-log answer (bytes b). */
void verify_tenant_log(struct verify *v, const struct note_verifier *vk,
    const char *file, const struct buf *b, const char *want);

#endif
