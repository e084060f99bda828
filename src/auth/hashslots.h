/* SPDX-License-Identifier: ISC */
/*
 * hashslots: a bound on concurrent Argon2id.  Each hash holds
 * --pwhash-mem bytes for its whole run, so a flood of logins would hold
 * that many times over; a counting set of slots (about one per core)
 * holds the memory to slots x cost.  A caller that finds no slot free
 * waits a short, bounded time in a short, bounded queue and is then
 * refused (503 with Retry-After): a worker thread never waits long, and
 * nothing queues without bound.
 *
 * Set up once at start-up (hashslots_setup) before any thread runs; the
 * set itself is shared by the request threads under its own mutex.
 */
#ifndef CUSTOS_AUTH_HASHSLOTS_H
#define CUSTOS_AUTH_HASHSLOTS_H

#include "common/err.h"

#define HASHSLOTS_WAIT_MS 250   /* the longest a caller waits for a slot */
#define HASHSLOTS_RETRY_AFTER 1 /* seconds, told to a refused caller */

/* Sizes the set: slots hashes at once (0: one per online core), and at
 * most queue callers waiting (0: twice the slots). */
void hashslots_setup(int slots, int queue);

/* The number of slots (for figures and tests). */
int hashslots_count(void);

/* Takes a slot, waiting at most HASHSLOTS_WAIT_MS: 0, or -1 with a 503
 * in e when none came free or the queue is full.  Give it back with
 * hashslots_put(). */
int hashslots_take(struct err *e) __attribute__((warn_unused_result));

void hashslots_put(void);

#endif
