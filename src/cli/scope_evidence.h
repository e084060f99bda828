/* SPDX-License-Identifier: ISC */
/*
 * scope_evidence: what `custos scope --report DIR` fetches besides the
 * answer -- the log's verifier key, the leaves of the entries the answer
 * cites (GET /v1/log/entries, contiguous indexes in one call) and their
 * inclusion proofs -- and hands to report.c, which checks every proof
 * against the signed checkpoint before it writes a file.
 */
#ifndef CUSTOS_CLI_SCOPE_EVIDENCE_H
#define CUSTOS_CLI_SCOPE_EVIDENCE_H

#include <jansson.h>

#include "cli/cli.h"

/*
 * --report DIR for the scope answer a (asked with proofs): the evidence,
 * checked, then the files in dir (replaced when force).  Returns an enum
 * cli_exit; what failed has been printed.
 */
int scope_evidence_report(struct cli *ctx, const json_t *a, const char *dir,
    int force) __attribute__((warn_unused_result, nonnull));

#endif
