/* SPDX-License-Identifier: ISC */
/*
 * startcheck: the log's integrity check at start-up.
 *
 * On the store's writer (so nothing moves meanwhile) it re-hashes every
 * stored entry, rebuilds the tree, compares it tile by tile with what is
 * stored and its root with the last signed checkpoint.  On a first start
 * with entries but no tiles yet it writes the tiles instead.  Any
 * difference makes the log "broken": the reason is noted in the store so
 * that the next healthy start records a log.integrity_alert entry.
 */
#ifndef CUSTOS_TLOG_STARTCHECK_H
#define CUSTOS_TLOG_STARTCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "store/store.h"
#include "tlog/edge.h"
#include "tlog/sealer.h"
#include "tlog/tilecache.h"

struct startcheck {
	struct store *store;
	const char *vkey;               /* the log's verifier key */
	int build;                      /* no tiles yet: write them */
	struct tilecache *cache;        /* verified tiles go here; or NULL */
	struct sealer *sealer;          /* checks each entry's sealed leaf */
	struct edge *tree;              /* out: the tree rebuilt */
	struct buf *latest;             /* out: the latest stored note */
	int64_t latest_size;            /* out: its size; -1: none */
	int have_cp;                    /* out: it verified */
	char *broken;                   /* out: "" or why the log is broken */
	size_t broken_size;
};

/* Runs the check; -1 only on errors that stop start-up (the reason for a
 * broken log is in sc->broken, already logged and noted in the store). */
int startcheck_run(struct startcheck *sc, struct err *e)
	__attribute__((warn_unused_result));

/* After a start that found the log damaged, the first healthy start
 * appends a log.integrity_alert entry saying so, once. */
int startcheck_alert(struct store *st, struct err *e)
	__attribute__((warn_unused_result));

#endif
