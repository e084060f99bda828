/* SPDX-License-Identifier: ISC */
/*
 * guard: what a connection may hold of the server, and for how long.
 *
 * libmicrohttpd only knows an inactivity timeout, which a client trickling
 * one header line every few seconds never reaches, and a connection limit
 * that refuses newcomers once slow sockets fill it.  The guard tracks every
 * connection from accept to close and the phase it is in:
 *
 *   headers  until the whole header block is in: due within header_seconds
 *            of the accept, or of the end of the previous answer on a
 *            kept-alive connection (a total, not an inactivity timeout);
 *   body     until the declared body is in: at least body_min_rate bytes a
 *            second on average, checked once body_grace_seconds have passed;
 *   busy     the application has the request: no deadline (the server's own
 *            threads never wait on this client);
 *
 * and a reaper thread ends the late ones with shutdown(2).  At a limit
 * (all connections, or one address's), a newcomer evicts the connection
 * that has waited longest for its headers instead of being refused: slow
 * sockets cannot lock out an address (an office behind one NAT) or
 * everyone; a newcomer is refused only when nothing can be evicted.
 *
 * The reaper shuts a socket down only under the guard's lock, and
 * guard_close() (libmicrohttpd's CLOSED notification, which comes before
 * the descriptor is closed) takes the same lock: a descriptor is never
 * shut down after it was closed and reused.
 */
#ifndef CUSTOS_HTTP_GUARD_H
#define CUSTOS_HTTP_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/err.h"

struct guard_config {
	unsigned max_connections;       /* all addresses; 0: no limit */
	unsigned per_ip;                /* one address; 0: no limit */
	unsigned header_seconds;        /* 0: no deadline */
	unsigned body_min_rate;         /* bytes/s; 0: no minimum */
	unsigned body_grace_seconds;
};

/* What the guard has done, for the operational log and tests. */
struct guard_stats {
	uint64_t evicted;               /* made room for a newcomer */
	uint64_t refused;               /* nothing could be evicted */
	uint64_t late_headers;          /* missed the header deadline */
	uint64_t slow_bodies;           /* below the body's minimum rate */
	unsigned open;                  /* connections now */
};

struct guard;
struct guard_conn;

/* A guard with its reaper thread running; NULL with e. */
struct guard *guard_new(const struct guard_config *cfg, struct err *e);
/* Stops the reaper; call once no connection is left (NULL is fine). */
void guard_free(struct guard *g);

/*
 * Whether a connection from sa may be accepted: 1, after evicting the
 * oldest connection still waiting for its headers when a limit is
 * reached; 0 when a limit is reached and nothing can be evicted.
 */
int guard_admit(struct guard *g, const struct sockaddr *sa);

/* Tracks an accepted connection on fd (phase headers), served by the
 * calling thread; conn is the server's own handle of it.  NULL when out
 * of memory (the connection is then not guarded). */
struct guard_conn *guard_open(struct guard *g, int fd,
    const struct sockaddr *sa, void *conn);
/* Forgets c; call before fd is closed.  NULL is fine. */
void guard_close(struct guard *g, struct guard_conn *c);

/* Phase changes of c (NULL is fine): the headers are in; n more body
 * bytes arrived; the application has the request; the answer is done and
 * the next request's headers are awaited. */
void guard_headers_done(struct guard *g, struct guard_conn *c);
void guard_body(struct guard *g, struct guard_conn *c, size_t n);
void guard_busy(struct guard *g, struct guard_conn *c);
void guard_idle(struct guard *g, struct guard_conn *c);

/*
 * Among the calling thread's connections still in their headers phase,
 * the first for which pick(conn) says 1 is handed to last(fd, arg) (its
 * last words) and ended, under the guard's lock (fd is still open).
 * 1 when one was found, else 0.
 */
int guard_end_mine(struct guard *g, int (*pick)(void *conn),
    void (*last)(int fd, void *arg), void *arg);

void guard_stats(struct guard *g, struct guard_stats *out);

/*
 * The request target of c's current request as libmicrohttpd hands it to
 * its URI logger, before it splits the query or unescapes anything: in
 * its read buffer, ended where the space before the HTTP version was.
 */
void guard_target(struct guard_conn *c, const char *target);

/*
 * 1 unless a raw NUL byte cut the target recorded by guard_target short:
 * then its first NUL is not the one right before version (libmicrohttpd
 * would serve ".../t1\0zzz" as ".../t1").
 */
int guard_target_whole(const struct guard_conn *c, const char *version);

#endif
