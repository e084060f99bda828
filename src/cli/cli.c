/* SPDX-License-Identifier: ISC */
/*
 * cli.c: helpers every command uses: option parsing, messages, small file
 * I/O and output that is safe to put on a terminal.
 */
/* checksrc: memcmp ok */ /* public bytes only: option names, prefixes */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/clock.h"
#include "common/str.h"
#include "common/when.h"

#define CLI_SEGMENT_MAX 1024    /* one escaped path segment */

static const struct cli_opt *
opt_find(const struct cli_opt *opts, const char *name, size_t n)
{
	size_t i;

	for (i = 0; opts[i].name != NULL; i++)
		if (strlen(opts[i].name) == n &&
		    memcmp(opts[i].name, name, n) == 0)
			return &opts[i];
	return NULL;
}

int
cli_args(struct cli *ctx, int argc, char **argv, const struct cli_opt *opts,
    char **pos, int minpos, int maxpos, int *npos)
{
	const struct cli_opt *o;
	const char *name, *eq;
	int i, n = 0, opts_done = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (n >= maxpos)
				return cli_usage(ctx, "too many arguments "
				    "(at '%s')", a);
			pos[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			opts_done = 1;
			continue;
		}
		if (a[1] != '-')
			return cli_usage(ctx, "unknown option '%s'", a);
		name = a + 2;
		eq = strchr(name, '=');
		o = opt_find(opts, name,
		    eq != NULL ? (size_t)(eq - name) : strlen(name));
		if (o == NULL)
			return cli_usage(ctx, "unknown option '%s'", a);
		if (o->flag != NULL) {
			if (eq != NULL)
				return cli_usage(ctx, "option --%s takes no "
				    "value", o->name);
			*o->flag = 1;
			continue;
		}
		if (*o->arg != NULL)
			return cli_usage(ctx, "option --%s given twice",
			    o->name);
		if (eq != NULL) {
			*o->arg = eq + 1;
		} else {
			if (i + 1 >= argc)
				return cli_usage(ctx, "option --%s needs a "
				    "value", o->name);
			*o->arg = argv[++i];
		}
	}
	if (n < minpos)
		return cli_usage(ctx, "missing argument");
	*npos = n;
	return CLI_OK;
}

int
cli_usage(const struct cli *ctx, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	if (cli_out_is_json()) {
		cli_error("usage", "%s: %s (usage: custos %s)", ctx->cmd->name,
		    msg, ctx->cmd->synopsis);
		return CLI_USAGE;
	}
	fprintf(stderr, "custos %s: %s\nusage: custos %s\n", ctx->cmd->name,
	    msg, ctx->cmd->synopsis);
	return CLI_USAGE;
}

int
cli_read_file(struct buf *out, const char *path, int nofollow)
{
	char chunk[4096];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	buf_reset(out);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (nofollow ? O_NOFOLLOW : 0));
	if (fd == -1) {
		cli_warn("%s: %s", path, errno == ELOOP ?
		    "is a symbolic link; refusing to follow it" :
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		cli_warn("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_warn("%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > out->max) {
		cli_warn("%s: larger than %zu bytes", path, out->max);
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_warn("%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_append(out, chunk, (size_t)n) == -1) {
			cli_warn("%s: larger than %zu bytes", path, out->max);
			goto out;
		}
	}
	rc = 0;
out:
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	if (rc == -1)
		buf_reset(out);
	return rc;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes the rename durable: fsync the directory holding path. */
static void
sync_dir(const char *path)
{
	char copy[4096];
	int fd;

	if (str_copy(copy, sizeof(copy), path) == -1)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

int
cli_write_file(const char *path, const void *data, size_t len, int noreplace)
{
	char tmp[4096];
	int fd, rc = -1, made = 0;

	if (str_printf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) == -1) {
		cli_warn("%s: path too long", path);
		return -1;
	}
	fd = mkstemp(tmp);      /* mode 0600 */
	if (fd == -1) {
		cli_warn("%s: cannot create a temporary file: %s", path,
		    strerror(errno));
		return -1;
	}
	made = 1;
	if (fchmod(fd, S_IRUSR | S_IWUSR) == -1 ||
	    write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		cli_warn("%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) == -1) {
		cli_warn("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (noreplace) {
		/* link() fails when path exists: no window to overwrite. */
		if (link(tmp, path) == -1) {
			if (errno == EEXIST) {
				rc = 1;
				goto out;
			}
			cli_warn("%s: %s", path, strerror(errno));
			goto out;
		}
	} else {
		if (rename(tmp, path) == -1) {
			cli_warn("%s: %s", path, strerror(errno));
			goto out;
		}
		made = 0;
	}
	sync_dir(path);
	rc = 0;
out:
	if (made)
		(void)unlink(tmp);
	return rc;
}

const char *
cli_jtext(const json_t *obj, const char *key, char tmp[32])
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		if (str_printf(tmp, 32, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v)) == -1)
			return NULL;
		return tmp;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

int
cli_call_show(struct cli *ctx, const char *method, const char *path,
    const json_t *body, cli_show_fn show)
{
	struct buf answer;
	json_t *a = NULL;
	int rc;

	buf_init(&answer, CLI_HTTP_ANSWER_MAX);
	rc = cli_http_json(&ctx->conn, method, path, body, &answer, &a);
	if (rc == CLI_OK) {
		if (ctx->json)
			cli_put_raw(&answer);
		else
			rc = show(a, &answer);
	}
	json_decref(a);
	buf_cleanup(&answer);
	return rc;
}

int
cli_path_segment(const struct cli *ctx, struct buf *path, const char *what,
    const char *seg)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = strlen(seg);

	if (n == 0 || n > CLI_SEGMENT_MAX || strcmp(seg, ".") == 0 ||
	    strcmp(seg, "..") == 0) {
		cli_usage(ctx, "invalid %s '%s'", what, n > 64 ? "..." : seg);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)seg[i];
		char esc[3];
		int r;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			r = buf_append(path, &seg[i], 1);
		} else {
			esc[0] = '%';
			esc[1] = hex[c >> 4];
			esc[2] = hex[c & 15];
			r = buf_append(path, esc, 3);
		}
		if (r == -1) {
			cli_usage(ctx, "%s too long", what);
			return -1;
		}
	}
	return 0;
}

int
cli_path_add(const struct cli *ctx, struct buf *path, const char *lit,
    const char *what, const char *seg)
{
	if (buf_puts(path, lit) == -1) {
		cli_usage(ctx, "%s too long", what != NULL ? what : "path");
		return -1;
	}
	if (seg != NULL && cli_path_segment(ctx, path, what, seg) == -1)
		return -1;
	return 0;
}

const char *
cli_jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

void
cli_put_cell(const char *s)
{
	cli_put(stdout, s != NULL ? s : "-", 0);
}

void
cli_json_print(const json_t *v)
{
	if (json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0)
		fputc('\n', stdout);
}

int
cli_time(const struct cli *ctx, const char *name, const char *text,
    int64_t *t, char *out)
{
	const char *why = "";

	if (when_parse(t, text, (int64_t)time(NULL), &why) == -1)
		return cli_usage(ctx, "--%s '%.64s': %s (a time is " WHEN_FORMS
		    ")", name, text, why);
	time_format(out, *t);
	return CLI_OK;
}

void
cli_json_wipe(json_t *obj, const char *key)
{
	json_t *v = obj != NULL ? json_object_get(obj, key) : NULL;

	if (json_is_string(v))
		sodium_memzero((char *)(uintptr_t)json_string_value(v),
		    json_string_length(v));
}
