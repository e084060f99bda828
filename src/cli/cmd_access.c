/* SPDX-License-Identifier: ISC */
/*
 * cmd_access.c: customer approvals from the command line.
 *
 *   engineer      request-access, request, ask-approval, approval
 *   tenant admin  requests, approve, deny, revoke, policy
 *   both          approve-second, deny-second (an engineer only where the
 *                 tenant accepts one of another vendor; never one's own)
 *   operator      break-glass
 *
 * Each command is one call; the server decides, enforces and logs, so
 * nothing is checked here but the shape of the command line (names of
 * actions and policies are the server's to judge).  Human output is a
 * sentence, "key: value" lines or a table, cleaned for the terminal;
 * --json prints the server's answer as it came.
 */
#include <stdint.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"

#define PATH_BUF_MAX 4096
/* Only the shape is checked here: the server knows today's caps. */
#define MINUTES_MAX INT32_MAX
#define SENSITIVE_MAX 16                /* names in --sensitive */

/* Checks --minutes; returns CLI_OK or CLI_USAGE (printed). */
static int
minutes_parse(const struct cli *ctx, int64_t *out, const char *s)
{
	if (num_parse_i64(out, s, 1, MINUTES_MAX) == -1)
		return cli_usage(ctx, "--minutes must be a whole number of "
		    "minutes, 1 or more");
	return CLI_OK;
}

/*
 * "key: value" lines: the keys of first in that order, then whatever
 * else the server sent that is one value.  Absent and null values are
 * left out.
 */
static void
show_fields(const json_t *o, const char *const *first)
{
	const json_t *v;
	const char *key, *s;
	char tmp[32];
	size_t i;

	for (i = 0; first[i] != NULL; i++) {
		s = cli_jtext(o, first[i], tmp);
		if (s == NULL)
			continue;
		printf("%s: ", first[i]);
		cli_put_cell(s);
		fputc('\n', stdout);
	}
	json_object_foreach((json_t *)(uintptr_t)o, key, v) {
		for (i = 0; first[i] != NULL; i++)
			if (strcmp(key, first[i]) == 0)
				break;
		if (first[i] != NULL)
			continue;
		s = cli_jtext(o, key, tmp);
		if (s == NULL)
			continue;
		cli_put_cell(key);
		fputs(": ", stdout);
		cli_put_cell(s);
		fputc('\n', stdout);
	}
}

/* One sentence about an access request (a grant). */
static int
grant_said(const json_t *g, const struct buf *answer)
{
	const char *id = cli_jstr(g, "id"), *state = cli_jstr(g, "state");
	const char *by = cli_jstr(g, "decided_by");

	if (id == NULL || state == NULL)
		return cli_unexpected(answer, "request id or state");
	fputs("access request ", stdout);
	cli_put_cell(id);
	fputs(": ", stdout);
	cli_put_cell(state);
	if (strcmp(state, "pending") == 0) {
		fputs("; a tenant admin must answer by ", stdout);
		cli_put_cell(cli_jstr(g, "answer_by"));
	} else if (strcmp(state, "approved") == 0) {
		fputs("; engineer ", stdout);
		cli_put_cell(cli_jstr(g, "engineer"));
		fputs(" has access to tenant ", stdout);
		cli_put_cell(cli_jstr(g, "tenant"));
		fputs(" until ", stdout);
		cli_put_cell(cli_jstr(g, "expires_at"));
		if (json_is_true(json_object_get(g, "break_glass")))
			fputs(" (break-glass)", stdout);
		else if (by != NULL && strncmp(by, "policy:", 7) == 0)
			fputs(" (approved by the tenant's policy)", stdout);
	} else if (strcmp(state, "denied") == 0) {
		fputs(" by ", stdout);
		cli_put_cell(by);
	} else if (strcmp(state, "revoked") == 0) {
		fputs("; access ended at ", stdout);
		cli_put_cell(cli_jstr(g, "expires_at"));
	}
	fputc('\n', stdout);
	return CLI_OK;
}

static int
grant_show(const json_t *g, const struct buf *answer)
{
	static const char *const first[] = { "id", "state", "tenant",
	    "engineer", "vendor", "ticket", "minutes", "reason", "created",
	    "decided", "decided_by", "answer_by", "expires_at", "break_glass",
	    NULL };

	if (cli_jstr(g, "id") == NULL)
		return cli_unexpected(answer, "request id");
	show_fields(g, first);
	return CLI_OK;
}

static int
break_glass_said(const json_t *g, const struct buf *answer)
{
	int rc = grant_said(g, answer);

	if (rc == CLI_OK)
		printf("the tenant's admins have been mailed; every entry it "
		    "lets through is marked break_glass\n");
	return rc;
}

/* One sentence about a second approval. */
static int
approval_said(const json_t *a, const struct buf *answer)
{
	const char *id = cli_jstr(a, "id"), *state = cli_jstr(a, "state");
	const char *target = cli_jstr(a, "target");

	if (id == NULL || state == NULL)
		return cli_unexpected(answer, "approval id or state");
	fputs("second approval ", stdout);
	cli_put_cell(id);
	fputs(": ", stdout);
	cli_put_cell(state);
	fputs(" (", stdout);
	cli_put_cell(cli_jstr(a, "action"));
	if (target != NULL && target[0] != '\0') {
		fputs(" on ", stdout);
		cli_put_cell(target);
	}
	fputs(" by engineer ", stdout);
	cli_put_cell(cli_jstr(a, "engineer"));
	fputc(')', stdout);
	if (strcmp(state, "pending") == 0) {
		fputs("; to be answered by ", stdout);
		cli_put_cell(cli_jstr(a, "valid_until"));
	} else if (strcmp(state, "approved") == 0) {
		fputs("; usable once, until ", stdout);
		cli_put_cell(cli_jstr(a, "valid_until"));
	} else if (strcmp(state, "denied") == 0) {
		fputs(" by ", stdout);
		cli_put_cell(cli_jstr(a, "decided_by"));
	}
	fputc('\n', stdout);
	return CLI_OK;
}

/* ask-approval's sentence, and the command that will use the approval. */
static int
approval_asked(const json_t *a, const struct buf *answer)
{
	static const struct {
		const char *action;
		const char *cmd;
		int target;
	} redo[] = {
		{ "user.password_reset", "reset-password", 1 },
		{ "user.mfa_reset", "reset-mfa", 1 },
		{ "user.list", "users", 0 },
		{ "ticket.list", "tickets", 0 },
		{ "ticket.view", "tickets", 1 },
	};
	const char *action = cli_jstr(a, "action"), *target = cli_jstr(a, "target");
	size_t i;
	int rc;

	rc = approval_said(a, answer);
	if (rc != CLI_OK || action == NULL)
		return rc;
	for (i = 0; i < sizeof(redo) / sizeof(redo[0]); i++) {
		if (strcmp(action, redo[i].action) != 0)
			continue;
		printf("once it is approved: custos %s ", redo[i].cmd);
		cli_put_cell(cli_jstr(a, "tenant"));
		if (redo[i].target && target != NULL && target[0] != '\0') {
			fputc(' ', stdout);
			cli_put_cell(target);
		}
		fputs(" --approval ", stdout);
		cli_put_cell(cli_jstr(a, "id"));
		fputc('\n', stdout);
		break;
	}
	return CLI_OK;
}

static int
approval_show(const json_t *a, const struct buf *answer)
{
	static const char *const first[] = { "id", "state", "tenant",
	    "engineer", "vendor", "action", "target", "reason", "created",
	    "decided_by", "valid_until", NULL };

	if (cli_jstr(a, "id") == NULL)
		return cli_unexpected(answer, "approval id");
	show_fields(a, first);
	return CLI_OK;
}

static void
requests_row(struct cli_row *r, const json_t *g)
{
	const char *st = cli_jstr(g, "state");

	/* pending: the answer is due then; else access ends(ed). */
	r->cell[5] = cli_jstr(g, "answer_by");
	if (r->cell[5] == NULL)
		r->cell[5] = cli_jstr(g, "expires_at");
	if (st != NULL && json_is_true(json_object_get(g, "break_glass")) &&
	    str_printf(r->tmp[1], sizeof(r->tmp[1]), "%s,break-glass",
	    st) == 0)
		st = r->tmp[1];
	r->cell[0] = cli_jstr(g, "id");
	r->cell[1] = st;
	r->cell[2] = cli_jstr(g, "engineer");
	r->cell[3] = cli_jstr(g, "ticket");
	r->cell[4] = cli_jtext(g, "minutes", r->tmp[0]);
	r->cell[6] = cli_jstr(g, "decided_by");
}

static int
requests_table(const json_t *a, const struct buf *answer)
{
	static const char *const head[] = { "ID", "STATE", "ENGINEER",
	    "TICKET", "MINUTES", "UNTIL", "DECIDED BY" };
	static const struct cli_table_spec spec = { head, 7,
	    "access_requests", "access_requests list", "no access requests",
	    requests_row };

	return cli_table_show(a, answer, &spec);
}

static int
policy_show(const json_t *a, const struct buf *answer)
{
	static const char *const first[] = { "support_policy", "max_minutes",
	    "second_approver", NULL };
	const json_t *sens = json_object_get(a, "sensitive_actions"), *v;
	size_t i;

	if (cli_jstr(a, "support_policy") == NULL || !json_is_array(sens))
		return cli_unexpected(answer, "support_policy or "
		    "sensitive_actions");
	show_fields(a, first);
	fputs("sensitive_actions: ", stdout);
	if (json_array_size(sens) == 0)
		fputs("none marked", stdout);
	json_array_foreach(sens, i, v) {
		if (i > 0)
			fputs(", ", stdout);
		cli_put_cell(json_string_value(v));
	}
	fputs("\n(resets of a tenant admin always need a second approval)\n",
	    stdout);
	return CLI_OK;
}

static int
policy_set_show(const json_t *a, const struct buf *answer)
{
	printf("support policy changed; now:\n");
	return policy_show(a, answer);
}

/* "/v1/tenants/{tenant}" + tail [+ "/{id}" + tail2]. */
static int
tenant_path(const struct cli *ctx, struct buf *path, const char *tenant,
    const char *tail, const char *what, const char *id, const char *tail2)
{
	if (cli_path_add(ctx, path, "/v1/tenants/", "tenant", tenant) == -1 ||
	    cli_path_add(ctx, path, tail, NULL, NULL) == -1)
		return -1;
	if (id != NULL && cli_path_add(ctx, path, "/", what, id) == -1)
		return -1;
	if (tail2 != NULL && cli_path_add(ctx, path, tail2, NULL, NULL) == -1)
		return -1;
	return 0;
}

/*
 * request-access TENANT --ticket T --reason TEXT --minutes N: asks the
 * tenant's admins for access for one ticket.  The duration starts when
 * an admin approves.
 */
int
cmd_request_access(struct cli *ctx, int argc, char **argv)
{
	const char *ticket = NULL, *reason = NULL, *minutes_s = NULL;
	struct buf path;
	json_t *body = NULL;
	int64_t minutes = 0;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "ticket", &ticket, NULL },
		{ "reason", &reason, NULL },
		{ "minutes", &minutes_s, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (ticket == NULL || reason == NULL || minutes_s == NULL) {
		rc = cli_usage(ctx, "--ticket, --reason and --minutes are "
		    "required");
		goto out;
	}
	if (ticket[0] == '\0' || reason[0] == '\0') {
		rc = cli_usage(ctx, "--ticket and --reason must not be empty");
		goto out;
	}
	rc = minutes_parse(ctx, &minutes, minutes_s);
	if (rc != CLI_OK)
		goto out;
	body = json_pack("{s:s, s:s, s:I}", "ticket", ticket, "reason",
	    reason, "minutes", (json_int_t)minutes);
	if (body == NULL) {
		rc = cli_usage(ctx, "--ticket and --reason must be UTF-8");
		goto out;
	}
	if (tenant_path(ctx, &path, pos[0], "/access-requests", NULL, NULL,
	    NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, grant_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

/* GET /v1/{coll}/{id}, shown as "key: value" lines. */
static int
show_one(struct cli *ctx, int argc, char **argv, const char *coll,
    const char *what, cli_show_fn show)
{
	struct buf path;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (cli_path_add(ctx, &path, coll, what, pos[0]) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "GET", path.data, NULL, show);
out:
	buf_cleanup(&path);
	return rc;
}

/* request ID: one access request (one's own, or of one's tenant). */
int
cmd_request(struct cli *ctx, int argc, char **argv)
{
	return show_one(ctx, argc, argv, "/v1/access-requests/", "request",
	    grant_show);
}

/* approval ID: one second approval. */
int
cmd_approval(struct cli *ctx, int argc, char **argv)
{
	return show_one(ctx, argc, argv, "/v1/approvals/", "approval",
	    approval_show);
}

/* requests TENANT: the tenant's access requests (tenant admin). */
int
cmd_requests(struct cli *ctx, int argc, char **argv)
{
	struct buf path;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (tenant_path(ctx, &path, pos[0], "/access-requests", NULL, NULL,
	    NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "GET", path.data, NULL, requests_table);
out:
	buf_cleanup(&path);
	return rc;
}

/* approve, deny, revoke TENANT ID: a tenant admin answers a request. */
static int
answer_request(struct cli *ctx, int argc, char **argv, const char *verb)
{
	struct buf path;
	json_t *body;
	char *pos[2];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&path, PATH_BUF_MAX);
	body = json_object();
	rc = cli_args(ctx, argc, argv, opts, pos, 2, 2, &npos);
	if (rc != CLI_OK)
		goto out;
	if (body == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	if (tenant_path(ctx, &path, pos[0], "/access-requests", "request",
	    pos[1], verb) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, grant_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

int
cmd_approve(struct cli *ctx, int argc, char **argv)
{
	return answer_request(ctx, argc, argv, "/approve");
}

int
cmd_deny(struct cli *ctx, int argc, char **argv)
{
	return answer_request(ctx, argc, argv, "/deny");
}

int
cmd_revoke(struct cli *ctx, int argc, char **argv)
{
	return answer_request(ctx, argc, argv, "/revoke");
}

/*
 * ask-approval TENANT --action A [--target X] --reason TEXT: asks a
 * second person to allow one sensitive action once.
 */
int
cmd_ask_approval(struct cli *ctx, int argc, char **argv)
{
	const char *action = NULL, *target = NULL, *reason = NULL;
	struct buf path;
	json_t *body = NULL;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "action", &action, NULL },
		{ "target", &target, NULL },
		{ "reason", &reason, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (action == NULL || reason == NULL) {
		rc = cli_usage(ctx, "--action and --reason are required");
		goto out;
	}
	if (action[0] == '\0' || reason[0] == '\0' ||
	    (target != NULL && target[0] == '\0')) {
		rc = cli_usage(ctx, "--action, --target and --reason must not "
		    "be empty");
		goto out;
	}
	body = target != NULL ? json_pack("{s:s, s:s, s:s}", "action", action,
	    "target", target, "reason", reason) : json_pack("{s:s, s:s}",
	    "action", action, "reason", reason);
	if (body == NULL) {
		rc = cli_usage(ctx, "--action, --target and --reason must be "
		    "UTF-8");
		goto out;
	}
	if (tenant_path(ctx, &path, pos[0], "/approvals", NULL, NULL,
	    NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, approval_asked);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

/* approve-second, deny-second ID: answers a second approval. */
static int
answer_second(struct cli *ctx, int argc, char **argv, const char *verb)
{
	struct buf path;
	json_t *body;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = { { NULL, NULL, NULL } };

	buf_init(&path, PATH_BUF_MAX);
	body = json_object();
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (body == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	if (cli_path_add(ctx, &path, "/v1/approvals/", "approval", pos[0]) ==
	    -1 || cli_path_add(ctx, &path, verb, NULL, NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, approval_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

int
cmd_approve_second(struct cli *ctx, int argc, char **argv)
{
	return answer_second(ctx, argc, argv, "/approve");
}

int
cmd_deny_second(struct cli *ctx, int argc, char **argv)
{
	return answer_second(ctx, argc, argv, "/deny");
}

/* --sensitive a,b,...: the names as a JSON array ("" clears the list).
 * Returns CLI_OK or CLI_USAGE (printed). */
static int
sensitive_list(const struct cli *ctx, json_t *array, const char *list)
{
	const char *p = list, *end, *comma;
	size_t n = 0;

	if (list[0] == '\0')
		return CLI_OK;
	for (;;) {
		comma = strchr(p, ',');
		end = comma != NULL ? comma : p + strlen(p);
		while (p < end && *p == ' ')
			p++;
		while (end > p && end[-1] == ' ')
			end--;
		if (end == p)
			return cli_usage(ctx, "--sensitive: an empty action "
			    "name (give a,b,... or \"\" for none)");
		if (++n > SENSITIVE_MAX)
			return cli_usage(ctx, "--sensitive: more than %d "
			    "names", SENSITIVE_MAX);
		if (json_array_append_new(array, json_stringn(p,
		    (size_t)(end - p))) == -1)
			return cli_usage(ctx, "--sensitive must be UTF-8");
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return CLI_OK;
}

/*
 * policy TENANT [--set-policy P] [--max-minutes N] [--second-approver W]
 * [--sensitive a,b,...]: shows the tenant's support policy, or changes
 * the parts given (a tenant admin; every change is logged).
 */
int
cmd_policy(struct cli *ctx, int argc, char **argv)
{
	const char *policy = NULL, *max_s = NULL, *second = NULL,
	    *sensitive = NULL;
	struct buf path;
	json_t *body = NULL, *sens = NULL;
	int64_t max = 0;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "set-policy", &policy, NULL },
		{ "max-minutes", &max_s, NULL },
		{ "second-approver", &second, NULL },
		{ "sensitive", &sensitive, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (tenant_path(ctx, &path, pos[0], "/support-policy", NULL, NULL,
	    NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	if (policy == NULL && max_s == NULL && second == NULL &&
	    sensitive == NULL) {
		rc = cli_call_show(ctx, "GET", path.data, NULL, policy_show);
		goto out;
	}
	if ((policy != NULL && policy[0] == '\0') ||
	    (second != NULL && second[0] == '\0')) {
		rc = cli_usage(ctx, "--set-policy and --second-approver must "
		    "not be empty");
		goto out;
	}
	if (max_s != NULL && num_parse_i64(&max, max_s, 1, MINUTES_MAX) ==
	    -1) {
		rc = cli_usage(ctx, "--max-minutes must be a whole number of "
		    "minutes, 1 or more");
		goto out;
	}
	body = json_object();
	sens = json_array();
	if (body == NULL || sens == NULL) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	if ((policy != NULL && json_object_set_new(body, "support_policy",
	    json_string(policy)) == -1) ||
	    (second != NULL && json_object_set_new(body, "second_approver",
	    json_string(second)) == -1)) {
		rc = cli_usage(ctx, "--set-policy and --second-approver must "
		    "be UTF-8");
		goto out;
	}
	if (max_s != NULL && json_object_set_new(body, "max_minutes",
	    json_integer((json_int_t)max)) == -1) {
		cli_warn("out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	if (sensitive != NULL) {
		rc = sensitive_list(ctx, sens, sensitive);
		if (rc != CLI_OK)
			goto out;
		if (json_object_set(body, "sensitive_actions", sens) == -1) {
			cli_warn("out of memory");
			rc = CLI_FAIL;
			goto out;
		}
	}
	rc = cli_call_show(ctx, "PUT", path.data, body, policy_set_show);
out:
	json_decref(sens);
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}

/*
 * break-glass TENANT --engineer E --reason TEXT [--minutes N]: the
 * operator opens short emergency access without the tenant's admins;
 * they are mailed at once and may revoke it.
 */
int
cmd_break_glass(struct cli *ctx, int argc, char **argv)
{
	const char *engineer = NULL, *reason = NULL, *minutes_s = NULL;
	struct buf path;
	json_t *body = NULL;
	int64_t minutes = 0;
	char *pos[1];
	int npos, rc;
	const struct cli_opt opts[] = {
		{ "engineer", &engineer, NULL },
		{ "reason", &reason, NULL },
		{ "minutes", &minutes_s, NULL },
		{ NULL, NULL, NULL },
	};

	buf_init(&path, PATH_BUF_MAX);
	rc = cli_args(ctx, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != CLI_OK)
		goto out;
	if (engineer == NULL || reason == NULL) {
		rc = cli_usage(ctx, "--engineer and --reason are required");
		goto out;
	}
	if (engineer[0] == '\0' || reason[0] == '\0') {
		rc = cli_usage(ctx, "--engineer and --reason must not be "
		    "empty");
		goto out;
	}
	if (minutes_s != NULL) {
		rc = minutes_parse(ctx, &minutes, minutes_s);
		if (rc != CLI_OK)
			goto out;
		body = json_pack("{s:s, s:s, s:I}", "engineer", engineer,
		    "reason", reason, "minutes", (json_int_t)minutes);
	} else {
		body = json_pack("{s:s, s:s}", "engineer", engineer, "reason",
		    reason);
	}
	if (body == NULL) {
		rc = cli_usage(ctx, "--engineer and --reason must be UTF-8");
		goto out;
	}
	if (tenant_path(ctx, &path, pos[0], "/break-glass", NULL, NULL,
	    NULL) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_call_show(ctx, "POST", path.data, body, break_glass_said);
out:
	json_decref(body);
	buf_cleanup(&path);
	return rc;
}
