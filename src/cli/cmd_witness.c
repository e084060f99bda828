/* SPDX-License-Identifier: ISC */
/*
 * cmd_witness.c: `custos witness`, a C2SP tlog witness
 * (https://c2sp.org/tlog-witness) that a customer or an auditor runs
 * beside custosd.  It holds its own Ed25519 key (DIR/witness.key, mode
 * 0600) and state (DIR/witness.state: per log, the size and root it last
 * cosigned), and answers POST /add-checkpoint.  What it checks and signs
 * is tlog/witness.c's; this file is the HTTP glue (libmicrohttpd) and the
 * key and options.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "cli/cli.h"
#include "common/num.h"
#include "common/str.h"
#include "common/textfile.h"
#include "tlog/cosig.h"
#include "tlog/keyfile.h"
#include "tlog/note.h"
#include "tlog/witness.h"

#define WITNESS_DEFAULT_LISTEN "127.0.0.1:7380"
#define WITNESS_LOGS_FILE_MAX ((size_t)64 << 10)
#define WITNESS_CONNECTIONS 64
#define WITNESS_TIMEOUT_S 10

struct wreq {
	struct buf body;
	int too_large;
};

static enum MHD_Result
reply(struct MHD_Connection *c, int status, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct witness *w = cls;
	struct wreq *r = *con_cls;
	struct witness_answer a;
	enum MHD_Result rc;
	static const char notfound[] = "not found\n";
	static const char toolarge[] = "request too large\n";

	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		buf_init(&r->body, WITNESS_BODY_MAX);
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!r->too_large && buf_append(&r->body, upload,
		    *upload_size) == -1)
			r->too_large = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/add-checkpoint") != 0 || strcmp(method, "POST") !=
	    0)
		return reply(c, 404, "text/plain", notfound,
		    sizeof(notfound) - 1);
	if (r->too_large)
		return reply(c, 413, "text/plain", toolarge,
		    sizeof(toolarge) - 1);
	witness_answer_init(&a);
	witness_add_checkpoint(w, r->body.data != NULL ? r->body.data : "",
	    r->body.len, (uint64_t)time(NULL), &a);
	/* A refused checkpoint signed by the log is evidence: say so. */
	if (a.status == 422 && a.body.len > 0)
		cli_warn("refused a checkpoint (422): %.*s",
		    (int)a.body.len - 1, a.body.data);
	rc = reply(c, a.status, a.type, a.body.data != NULL ? a.body.data :
	    "", a.body.len);
	witness_answer_cleanup(&a);
	return rc;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct wreq *r = *con_cls;

	if (r == NULL)
		return;
	buf_cleanup(&r->body);
	free(r);
	*con_cls = NULL;
}

/* "ADDR:PORT" (IPv4) into sin. */
static int
listen_parse(struct sockaddr_in *sin, const char *s)
{
	char addr[64];
	const char *colon = strrchr(s, ':');
	int64_t port;

	memset(sin, 0, sizeof(*sin));
	if (colon == NULL || (size_t)(colon - s) >= sizeof(addr) ||
	    num_parse_i64(&port, colon + 1, 1, 65535) == -1)
		return -1;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
}

/* The logs' verifier keys: arg is a key, or a file of keys one a line.
 * Fills keys (pointers into b). */
static int
logs_load(struct buf *b, const char *arg, const char **keys, size_t *n)
{
	struct err e;
	char *p, *nl;
	int found;

	err_init(&e);
	*n = 0;
	found = textfile_read(b, arg, WITNESS_LOGS_FILE_MAX, &e);
	if (found == -1) {
		cli_warn("--log %s: %s", arg, e.msg);
		return -1;
	}
	if (found == 1) {
		keys[(*n)++] = arg;
		return 0;
	}
	for (p = b->data; p != NULL && *p != '\0'; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		if (*n == WITNESS_LOGS_MAX) {
			cli_warn("--log %s: more than %d keys", arg,
			    WITNESS_LOGS_MAX);
			return -1;
		}
		keys[(*n)++] = p;
	}
	return 0;
}

/* Loads DIR/witness.key, or makes it; writes DIR/witness.vkey. */
static int
key_open(uint8_t *sk, const char *dir, const char *name, char *vkey,
    size_t vsize)
{
	char path[4096], line[NOTE_VERIFIER_MAX + 2];
	struct err e;
	int found;

	err_init(&e);
	if (str_printf(path, sizeof(path), "%s/witness.key", dir) == -1)
		return -1;
	found = keyfile_load(sk, path, &e);
	if (found == 1)
		found = keyfile_create(sk, path, &e);
	if (found == -1) {
		cli_warn("%s", e.msg);
		return -1;
	}
	if (cosig_verifier_format(vkey, vsize, name, sk + 32) == -1) {
		cli_warn("--name %s is not a valid key name", name);
		return -1;
	}
	if (str_printf(path, sizeof(path), "%s/witness.vkey", dir) == -1 ||
	    str_printf(line, sizeof(line), "%s\n", vkey) == -1 ||
	    textfile_write(path, line, strlen(line), 0644, &e) == -1) {
		cli_warn("cannot write %s: %s", path, e.msg);
		return -1;
	}
	return 0;
}

/* Serves until SIGINT or SIGTERM. */
static int
serve(struct witness *w, const char *listen, const char *vkey)
{
	struct sockaddr_in sin;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig = 0;

	if (listen_parse(&sin, listen) == -1) {
		cli_warn("--listen %s is not IPv4-ADDR:PORT", listen);
		return CLI_USAGE;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_request, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)WITNESS_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WITNESS_TIMEOUT_S,
	    MHD_OPTION_END);
	if (d == NULL) {
		cli_warn("cannot listen on %s", listen);
		return CLI_FAIL;
	}
	printf("witness listening on http://%s, key %s\n", listen, vkey);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return CLI_OK;
}

/*
 * witness --dir DIR --name NAME --log KEY|FILE [--listen ADDR:PORT]
 *         [--print-key]
 */
int
cmd_witness(struct cli *ctx, int argc, char **argv)
{
	const char *dir = NULL, *name = NULL, *logs = NULL;
	const char *listen = NULL;
	const char *keys[WITNESS_LOGS_MAX];
	char vkey[NOTE_VERIFIER_MAX], state[4096];
	struct witness_config cfg;
	struct witness *w = NULL;
	struct buf lb;
	struct err e;
	uint8_t *sk;
	size_t nkeys = 0;
	int print_key = 0, npos, rc;
	char *pos[1];
	const struct cli_opt opts[] = {
		{ "dir", &dir, NULL },
		{ "name", &name, NULL },
		{ "log", &logs, NULL },
		{ "listen", &listen, NULL },
		{ "print-key", NULL, &print_key },
		{ NULL, NULL, NULL },
	};

	buf_init(&lb, WITNESS_LOGS_FILE_MAX);
	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	rc = cli_args(ctx, argc, argv, opts, pos, 0, 0, &npos);
	if (rc != CLI_OK)
		goto out;
	if (dir == NULL || name == NULL) {
		rc = cli_usage(ctx, "--dir and --name are required");
		goto out;
	}
	if (!print_key && logs == NULL) {
		rc = cli_usage(ctx, "--log is required (the log's verifier "
		    "key, or a file of keys: custos log-key)");
		goto out;
	}
	rc = CLI_FAIL;
	if (sk == NULL || key_open(sk, dir, name, vkey, sizeof(vkey)) == -1)
		goto out;
	if (print_key) {
		printf("%s\n", vkey);
		rc = CLI_OK;
		goto out;
	}
	if (logs_load(&lb, logs, keys, &nkeys) == -1 ||
	    str_printf(state, sizeof(state), "%s/witness.state", dir) == -1)
		goto out;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = name;
	cfg.sk = sk;
	cfg.state_path = state;
	cfg.logs = keys;
	cfg.nlogs = nkeys;
	err_init(&e);
	w = witness_new(&cfg, &e);
	if (w == NULL) {
		cli_warn("%s", e.msg);
		rc = e.status == 400 ? CLI_USAGE : CLI_FAIL;
		goto out;
	}
	rc = serve(w, listen != NULL ? listen : WITNESS_DEFAULT_LISTEN, vkey);
out:
	witness_free(w);
	sodium_free(sk);
	buf_cleanup(&lb);
	return rc;
}
