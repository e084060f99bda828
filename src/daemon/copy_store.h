/* SPDX-License-Identifier: ISC */
/*
 * copy_store: `custosd copy-store --from SRC --to DST`, the move of a
 * store between backends (daemon/copy.h).
 */
#ifndef CUSTOS_DAEMON_COPY_STORE_H
#define CUSTOS_DAEMON_COPY_STORE_H

/* Runs the command (argv[0] is "copy-store"); returns the exit status. */
int copy_store_main(int argc, char **argv);

#endif
