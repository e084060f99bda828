/* SPDX-License-Identifier: ISC */
/*
 * pidlock: one custosd per data directory.  The daemon holds an exclusive
 * flock(2) on DIR/custosd.pid for as long as it lives, with its pid
 * written there; a second daemon on the same directory finds the lock
 * taken and refuses to start, naming the holder.  The kernel drops the
 * lock when the holder dies, however it dies (kill -9 included), so a
 * stale file never blocks a restart.
 */
#ifndef CUSTOS_DAEMON_PIDLOCK_H
#define CUSTOS_DAEMON_PIDLOCK_H

#include "common/err.h"

/*
 * Takes the lock of data directory dir; on success *fd holds it (keep it
 * open; closing it releases the lock).  -1 with e naming the holder's pid
 * when another process holds it, or the failure.
 */
int pidlock_take(int *fd, const char *dir, struct err *e)
	__attribute__((warn_unused_result));

#endif
