/* SPDX-License-Identifier: ISC */
/*
 * tenant_verify: `custos verify --tenant T --key KEY --log-key FILE
 * [--state FILE] [--access-log FILE] [--tiles DIR]`, the tenant's check
 * of its own entries (docs/verify.md): the signed checkpoint, the tree
 * up to it from the entry bundles (only those after the last check when
 * a state file is kept), the tenant's leaves found by their tags, and the
 * tenant's access-log answer listing exactly those, each opening under
 * the tenant's seal key to the event shown.  The checks are
 * tlog/tenantcheck's; this file does the I/O: the key and state files,
 * the public bundles and the access log (from the server, or files).
 */
#ifndef CUSTOS_CLI_TENANT_VERIFY_H
#define CUSTOS_CLI_TENANT_VERIFY_H

#include "cli/cli.h"
#include "cli/verify.h"
#include "tlog/leaf.h"
#include "tlog/note.h"

#define TV_STATE_FORMAT "custos-tenant-check/1"

struct tv_args {
	const char *tenant;     /* T */
	const char *log_key;    /* the file GET /v1/tenants/T/log-key gave */
	const char *state;      /* kept between runs, or NULL */
	const char *access_log; /* a saved answer, or NULL: ask the server */
	const char *tiles;      /* a directory holding tile/entries/..., or
				 * NULL: the server's public bundles */
};

/*
 * Runs the check; every outcome is recorded in v (verify_report).  The
 * state file is replaced only when every check held.  Returns CLI_OK
 * when the checks ran (v says whether they held), CLI_FAIL when a file
 * or the server could not be read, CLI_USAGE for a bad argument.
 */
int tenant_verify(struct cli *ctx, struct verify *v,
    const struct note_verifier *vk, const struct tv_args *a);

/*
 * Reads a tenant's log key file (what `custos tenant-log-key` printed, or
 * the base64 key alone; when tenant is given, a file naming another
 * tenant is refused) and derives its subkeys into *out (sodium_malloc'd;
 * tenant_verify_key_free).  The outcome is recorded in v.  Returns
 * CLI_OK, CLI_NEGATIVE (not a key) or CLI_FAIL (unreadable).
 */
int tenant_verify_key(struct verify *v, const char *file, const char *tenant,
    struct leaf_keys **out) __attribute__((warn_unused_result));

void tenant_verify_key_free(struct leaf_keys *k);

#endif
