/* SPDX-License-Identifier: ISC */
/*
 * serve: the separate metrics listener (--metrics-listen ADDR:PORT), a
 * small second HTTP server (http/server.h: one polling thread, one
 * worker) answering GET /metrics with the registry and nothing else.  It
 * has no authentication and records nothing in the transparency log: the
 * operator keeps it on loopback or behind a firewall (docs/metrics.md).
 * What it serves holds no tenant's data.
 */
#ifndef CUSTOS_METRICS_SERVE_H
#define CUSTOS_METRICS_SERVE_H

#include "common/err.h"
#include "metrics/metrics.h"

struct metrics_server;

/* Listens on listen ("ADDR:PORT"); m must outlive the server.  NULL with
 * e when it cannot. */
struct metrics_server *metrics_serve(const char *listen, struct metrics *m,
    struct err *e);
void metrics_serve_stop(struct metrics_server *s);

#endif
