/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of http/guard: at the per-address and the global limit a
 * newcomer evicts the connection waiting longest for its headers (of its
 * address, then of anyone), never one whose request is being served; it is
 * refused only when nothing can be evicted; the reaper ends a connection
 * past its header deadline and one whose body is below the minimum rate.
 * Connections are socket pairs: an ended one reads as closed at its peer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/guard.h"

#define MAXC 8

struct pair {
	int ours, peer;
	struct guard_conn *c;
};

static struct sockaddr_in
addr(const char *ip)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_port = htons(40000);
	assert_int_equal(inet_pton(AF_INET, ip, &in.sin_addr), 1);
	return in;
}

static void
pair_open(struct guard *g, struct pair *p, const char *ip)
{
	struct sockaddr_in in = addr(ip);
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p->ours = sv[0];
	p->peer = sv[1];
	p->c = guard_open(g, p->ours, (struct sockaddr *)&in, NULL);
	assert_non_null(p->c);
}

static void
pair_close(struct guard *g, struct pair *p)
{
	guard_close(g, p->c);
	close(p->ours);
	close(p->peer);
}

/* Whether the guard shut p down: its peer reads end-of-file. */
static int
ended(const struct pair *p)
{
	struct pollfd pfd = {p->peer, POLLIN, 0};
	char ch;

	return poll(&pfd, 1, 0) == 1 && read(p->peer, &ch, 1) == 0;
}

static int
admit(struct guard *g, const char *ip)
{
	struct sockaddr_in in = addr(ip);

	return guard_admit(g, (struct sockaddr *)&in);
}

static struct guard *
guard_with(unsigned max, unsigned per_ip, unsigned header_s,
    unsigned rate)
{
	struct guard_config cfg;
	struct err e;
	struct guard *g;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_connections = max;
	cfg.per_ip = per_ip;
	cfg.header_seconds = header_s;
	cfg.body_min_rate = rate;
	cfg.body_grace_seconds = header_s;
	err_init(&e);
	g = guard_new(&cfg, &e);
	assert_non_null(g);
	return g;
}

static void
per_address_limit_evicts_that_address_oldest_waiting(void **state)
{
	struct guard *g = guard_with(100, 2, 0, 0);
	struct pair a1, a2, b1;

	pair_open(g, &a1, "10.0.0.1");
	usleep(2000);
	pair_open(g, &a2, "10.0.0.1");
	pair_open(g, &b1, "10.0.0.2");
	/* Under the limit: nobody is evicted. */
	assert_true(admit(g, "10.0.0.2"));
	assert_false(ended(&a1) || ended(&a2) || ended(&b1));
	/* At 10.0.0.1's limit: its oldest waiting one goes. */
	assert_true(admit(g, "10.0.0.1"));
	assert_true(ended(&a1));
	assert_false(ended(&a2) || ended(&b1));
	pair_close(g, &a1);
	pair_close(g, &a2);
	pair_close(g, &b1);
	guard_free(g);
}

static void
a_request_being_served_is_never_evicted(void **state)
{
	struct guard *g = guard_with(2, 0, 0, 0);
	struct pair p[2];
	struct guard_stats st;

	pair_open(g, &p[0], "10.0.0.1");
	pair_open(g, &p[1], "10.0.0.2");
	guard_headers_done(g, p[0].c);
	guard_busy(g, p[0].c);
	/* Global limit: the waiting one of another address goes. */
	assert_true(admit(g, "10.0.0.3"));
	assert_false(ended(&p[0]));
	assert_true(ended(&p[1]));
	pair_close(g, &p[1]);
	pair_open(g, &p[1], "10.0.0.3");
	guard_headers_done(g, p[1].c);
	/* Both past their headers: nothing to evict, refused. */
	assert_false(admit(g, "10.0.0.4"));
	guard_stats(g, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.refused, 1);
	/* Answered, kept alive, waiting again: evictable again. */
	guard_idle(g, p[0].c);
	assert_true(admit(g, "10.0.0.4"));
	assert_true(ended(&p[0]));
	pair_close(g, &p[0]);
	pair_close(g, &p[1]);
	guard_free(g);
}

static void
reaper_ends_late_headers_and_slow_bodies(void **state)
{
	struct guard *g = guard_with(100, 0, 1, 1000);
	struct pair slow_head, slow_body, fast_body, busy;
	int i;

	pair_open(g, &slow_head, "10.0.0.1");
	pair_open(g, &slow_body, "10.0.0.1");
	pair_open(g, &fast_body, "10.0.0.1");
	pair_open(g, &busy, "10.0.0.1");
	guard_headers_done(g, slow_body.c);
	guard_headers_done(g, fast_body.c);
	guard_headers_done(g, busy.c);
	guard_busy(g, busy.c);
	/* 1.6 s: past the 1 s deadline and grace; the fast body keeps
	 * above 1000 bytes a second, the slow one does not. */
	for (i = 0; i < 16; i++) {
		guard_body(g, fast_body.c, 200);
		guard_body(g, slow_body.c, 10);
		usleep(100000);
	}
	assert_true(ended(&slow_head));
	assert_true(ended(&slow_body));
	assert_false(ended(&fast_body));
	assert_false(ended(&busy));
	pair_close(g, &slow_head);
	pair_close(g, &slow_body);
	pair_close(g, &fast_body);
	pair_close(g, &busy);
	guard_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    per_address_limit_evicts_that_address_oldest_waiting),
		cmocka_unit_test(a_request_being_served_is_never_evicted),
		cmocka_unit_test(reaper_ends_late_headers_and_slow_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
