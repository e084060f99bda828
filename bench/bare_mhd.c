/* SPDX-License-Identifier: ISC */
/*
 * bare_mhd: the baseline of `make bench`.  A libmicrohttpd server in the
 * same threading mode as custosd (a pool of epoll threads, one per core,
 * see src/http/server.c) that answers every
 * request with one fixed JSON document shaped like the answer of
 * GET /v1/tenants/{t}/users, with the same response headers custosd sends.
 * It does no parsing, no authentication, no storage: what custosd does
 * beyond this is what the benchmark's ratio prices.
 *
 *	usage: bare_mhd PORT [BODY_BYTES]
 *
 * Listens on 127.0.0.1:PORT until SIGINT or SIGTERM.  BODY_BYTES (default
 * 12288) is the exact size of the body, newline included; scripts/bench
 * passes the size of custosd's real answer.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/num.h"

#define BODY_MIN 64
#define BODY_MAX (4 * 1024 * 1024)
#define USER_JSON_MAX 256

struct body {
	char *data;
	size_t len;
};

/*
 * {"users":[...]} with as many user objects as fit in size bytes, padded
 * with spaces (valid JSON whitespace) to exactly size bytes with the
 * trailing newline custosd also sends.
 */
static int
body_make(struct body *b, size_t size)
{
	static const char head[] = "{\"users\":[";
	static const char tail[] = "]}\n";
	char user[USER_JSON_MAX];
	size_t off;
	int i, n;

	b->data = malloc(size);
	if (b->data == NULL)
		return -1;
	memcpy(b->data, head, sizeof(head) - 1);
	off = sizeof(head) - 1;
	for (i = 0;; i++) {
		n = snprintf(user, sizeof(user), "%s{\"id\":\"usr-bench-%06d\","
		    "\"username\":\"user%06d\",\"email\":\"user%06d@"
		    "bench.example\",\"role\":\"user\",\"status\":\"active\","
		    "\"mfa_enrolled\":true}", i > 0 ? "," : "", i, i, i);
		if (n < 0 || (size_t)n >= sizeof(user))
			return -1;
		if (off + (size_t)n + sizeof(tail) - 1 > size)
			break;
		memcpy(b->data + off, user, (size_t)n);
		off += (size_t)n;
	}
	memset(b->data + off, ' ', size - off - (sizeof(tail) - 1));
	memcpy(b->data + size - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	b->len = size;
	return 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	const struct body *b = cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	/*
	 * Answer on the second call, as custosd does: a response queued on
	 * the first call, before MHD knows the request has no body, makes
	 * MHD close the connection after it (no keep-alive).
	 */
	if (*con_cls == NULL) {
		*con_cls = (void *)cls;
		return MHD_YES;
	}
	/* A body, if any, is read and dropped. */
	if (*upload_data_size > 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(b->len, b->data,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

int
main(int argc, char *argv[])
{
	struct MHD_Daemon *mhd;
	struct sockaddr_in sin;
	struct body b = {NULL, 0};
	sigset_t set;
	int64_t port, size = 12288;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int sig;

	if (argc < 2 || argc > 3 || num_parse_i64(&port, argv[1], 1, 65535) ==
	    -1 || (argc == 3 && num_parse_i64(&size, argv[2], BODY_MIN,
	    BODY_MAX) == -1)) {
		fprintf(stderr, "usage: bare_mhd PORT [BODY_BYTES (%d..%d)]\n",
		    BODY_MIN, BODY_MAX);
		return 2;
	}
	if (body_make(&b, (size_t)size) == -1) {
		fprintf(stderr, "bare_mhd: cannot build the body\n");
		free(b.data);
		return 1;
	}
	/* Block the stop signals in every thread; main waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	mhd = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	    MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL, on_request, &b,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_THREAD_POOL_SIZE, cores > 0 ? (unsigned)cores : 1U,
	    MHD_OPTION_CONNECTION_LIMIT, 1024U,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30U,
	    MHD_OPTION_END);
	if (mhd == NULL) {
		fprintf(stderr, "bare_mhd: cannot listen on 127.0.0.1:%d\n",
		    (int)port);
		free(b.data);
		return 1;
	}
	printf("bare_mhd: listening on 127.0.0.1:%d, body %zu bytes\n",
	    (int)port, b.len);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	MHD_stop_daemon(mhd);
	free(b.data);
	return 0;
}
