/* SPDX-License-Identifier: ISC */
/*
 * cmd_wait.c: `custos wait [--timeout S]`, for scripts that start custosd
 * and must not talk to it before it is ready: GET /v1/health until it
 * answers 200, every WAIT_POLL_MS, each try bounded so that a server that
 * accepts and never answers cannot hold the wait past its timeout.
 */
#include <inttypes.h>
#include <time.h>

#include "cli/cli.h"
#include "common/num.h"

#define WAIT_DEFAULT_S 30
#define WAIT_MAX_S 3600
#define WAIT_POLL_MS 200
#define WAIT_TRY_MS 2000        /* one request at most */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	(void)nanosleep(&ts, NULL);
}

/* wait [--timeout S]: 0 once /v1/health answers 200, 4 at the timeout. */
int
cmd_wait(struct cli *ctx, int argc, char **argv)
{
	const char *timeout_s = NULL;
	int64_t timeout = WAIT_DEFAULT_S, deadline, left;
	struct buf answer;
	long status = 0;
	char *pos[1];
	int npos, rc, tries = 0;
	const struct cli_opt opts[] = {
		{ "timeout", &timeout_s, NULL },
		{ NULL, NULL, NULL },
	};

	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		return rc;
	if (timeout_s != NULL &&
	    num_parse_i64(&timeout, timeout_s, 0, WAIT_MAX_S) == -1)
		return cli_usage(ctx, "--timeout must be seconds from 0 to %d",
		    WAIT_MAX_S);
	buf_init(&answer, 64 * 1024);
	ctx->conn.anonymous = 1;
	ctx->conn.quiet = 1;
	deadline = mono_ms() + timeout * 1000;
	for (;;) {
		left = deadline - mono_ms();
		ctx->conn.timeout_ms = left < WAIT_TRY_MS ?
		    (left > 100 ? (long)left : 100) : WAIT_TRY_MS;
		tries++;
		if (cli_http_send(&ctx->conn, "GET", "/v1/health", NULL, 0,
		    NULL, &status, &answer) == 0 && status == 200) {
			rc = CLI_OK;
			break;
		}
		if (mono_ms() + WAIT_POLL_MS > deadline) {
			rc = CLI_LATER;
			break;
		}
		sleep_ms(WAIT_POLL_MS);
	}
	ctx->conn.quiet = 0;
	ctx->conn.timeout_ms = 0;
	buf_cleanup(&answer);
	if (rc == CLI_OK) {
		if (ctx->json) {
			json_t *v = json_pack("{s:b, s:s}", "ready", 1,
			    "server", ctx->conn.server);

			if (v != NULL)
				cli_json_print(v);
			json_decref(v);
		} else
			printf("%s is ready\n", ctx->conn.server);
		return CLI_OK;
	}
	if (status != 0)
		cli_error("try_later", "%s is not ready after %" PRId64 " s "
		    "(last answer: HTTP %ld, %d tries)", ctx->conn.server,
		    timeout, status, tries);
	else
		cli_error("try_later", "%s did not answer in %" PRId64 " s "
		    "(%d tries; the last: %s)", ctx->conn.server, timeout,
		    tries, ctx->conn.last_error[0] != '\0' ?
		    ctx->conn.last_error : "no answer");
	return CLI_LATER;
}
