/* SPDX-License-Identifier: ISC */
/*
 * action: every action custos knows, in one table -- the single place that
 * says, per action, its routes, who may attempt it (the least-privilege
 * policy: the support role may list and view tickets, list users and
 * trigger password and MFA resets, and nothing else in a tenant), whether
 * it is tenant-scoped, whether it changes something, whether it is
 * recorded, how scope counts it and the words customer reports use for it.
 *
 * The API's router and role check (src/api/api.c), scope (src/scope) and
 * the CLI's reports (src/cli/report*.c) all read this table; `custosd
 * --actions` prints it, and tests hold docs/openapi.yaml to it.  It lives
 * in the verify library because the offline CLI needs the words.
 */
#ifndef CUSTOS_AUDIT_ACTION_H
#define CUSTOS_AUDIT_ACTION_H

#include <stdio.h>

#include "audit/event.h"

enum action {
	ACT_HEALTH,
	ACT_AUTH_LOGIN,
	ACT_AUTH_VERIFY,
	ACT_AUTH_LOGOUT,
	ACT_PASSWORD_RESET_COMPLETE,
	ACT_VENDOR_CREATE,
	ACT_ENGINEER_CREATE,
	ACT_DEVICE_CREATE,
	ACT_TENANT_CREATE,
	ACT_IMPORT,
	ACT_USER_CREATE,
	ACT_USER_DELETE,
	ACT_USER_LIST,
	ACT_USER_PASSWORD_RESET,
	ACT_USER_MFA_RESET,
	ACT_TICKET_CREATE,
	ACT_TICKET_LIST,
	ACT_TICKET_VIEW,
	ACT_TENANT_EXPORT,
	ACT_TENANT_POLICY_SET,
	ACT_LOG_READ,
	ACT_LOG_ENTRIES,
	ACT_RESET_PAGE,
	ACT_ACCESS_LOG,
	ACT_TENANT_LOG_KEY,
	ACT_ACCESS_REQUEST_CREATE,
	ACT_ACCESS_REQUEST_VIEW,
	ACT_ACCESS_REQUEST_LIST,
	ACT_ACCESS_REQUEST_APPROVE,
	ACT_ACCESS_REQUEST_DENY,
	ACT_ACCESS_REQUEST_REVOKE,
	ACT_BREAK_GLASS,
	ACT_APPROVAL_CREATE,
	ACT_APPROVAL_VIEW,
	ACT_APPROVAL_APPROVE,
	ACT_APPROVAL_DENY,
	ACT_TENANT_POLICY_GET,
	ACT_SCOPE,
	ACT_ENGINEER_HOURS,
	ACT_ALERT_LIST,
	ACT_ALERT_VIEW,
	ACT_CONTAINMENT,
	ACT_CONTAINMENT_LIST,
	ACT_CONTAINMENT_LIFT,
	/* The console (issue 13). */
	ACT_CONSOLE,
	ACT_SESSION_VIEW,
	ACT_AUTH_OPERATOR,
	ACT_APPROVAL_LIST,
	/* invitations (api_invite.c) */
	ACT_INVITATION_CREATE,
	ACT_INVITATION_LIST,
	ACT_INVITATION_REVOKE,
	ACT_USER_INVITE,
	ACT_USER_INVITATION_LIST,
	ACT_USER_INVITATION_REVOKE,
	ACT_INVITATION_OPEN,
	ACT_INVITATION_PASSWORD,
	ACT_INVITATION_COMPLETE,
	ACT_INVITATION_DEVICE,
	/* Passkeys, step-up, operator persons (issue 13). */
	ACT_PASSKEY_REGISTER_BEGIN,
	ACT_PASSKEY_REGISTER,
	ACT_PASSKEY_LIST,
	ACT_PASSKEY_DELETE,
	ACT_AUTH_PASSKEY_BEGIN,
	ACT_AUTH_PASSKEY,
	ACT_STEP_UP_BEGIN,
	ACT_OPERATOR_CREATE,
	ACT_OPERATOR_LIST,
	ACT_USER_PASSKEY_LIST,
	ACT_USER_PASSKEY_DELETE,
	/* issue 13, directory: what the console reads. */
	ACT_VENDOR_LIST,
	ACT_ENGINEER_LIST,
	ACT_TENANT_LIST,
	ACT_TENANT_VIEW,
	ACT_ACCESS_REQUEST_BROWSE,
	ACT_INCIDENT_CREATE,
	ACT_INCIDENT_LIST,
	ACT_INCIDENT_VIEW,
	ACT_TENANT_INCIDENT_LIST,
	ACT_TENANT_INCIDENT_VIEW,
	ACT_LOG_HEALTH,
	/* helper optok (issue 14): named operator tokens. */
	ACT_OPERATOR_TOKEN_CREATE,
	ACT_OPERATOR_TOKEN_LIST,
	ACT_OPERATOR_TOKEN_REVOKE,
	ACT_OPERATOR_TOKEN_ROTATE_ROOT,
	/* issue 14, helper dir: the directory's lifecycle (operator scope
	 * `directory` for the changes; reads any operator scope). */
	ACT_VENDOR_VIEW,
	ACT_VENDOR_SUSPEND,
	ACT_VENDOR_RESUME,
	ACT_VENDOR_OFFBOARD,
	ACT_ENGINEER_VIEW,
	ACT_ENGINEER_SUSPEND,
	ACT_ENGINEER_RESUME,
	ACT_ENGINEER_OFFBOARD,
	ACT_ENGINEER_RE_ENROL,
	ACT_DEVICE_LIST,
	ACT_DEVICE_REVOKE,
	ACT_USER_VIEW,
	/* issue 16, helper metrics: GET /metrics (docs/metrics.md). */
	ACT_METRICS_READ,
	/* issue 16, disclose: publishing an incident, the notices. */
	ACT_INCIDENT_PUBLISH,
	ACT_TENANT_NOTICE_LIST,
	ACT_TENANT_NOTICE_VIEW,
	/* issue 16, export: the SIEM destinations' cursors and lag. */
	ACT_EXPORT_STATUS,
	ACT_UNKNOWN,
	ACT_COUNT
};

/* How scope counts an allowed action in a tenant. */
enum action_class {
	ACTION_NEUTRAL,         /* touches neither data nor users: logins,
				 * asking for access, answering */
	ACTION_READ,            /* reads the tenant's data: "viewed" */
	ACTION_WRITE            /* changes it: "acted upon" */
};

/* Bits of enum actor_kind. */
#define WHO(k) (1u << (k))
/* Every kind of caller; custosd itself (ACTOR_SYSTEM) never calls. */
#define WHO_ANYONE (WHO(ACTOR_ANONYMOUS) | WHO(ACTOR_OPERATOR) | \
	WHO(ACTOR_ENGINEER) | WHO(ACTOR_TENANT_ADMIN) | WHO(ACTOR_TENANT_USER))

#define ACTION_ROUTES_MAX 6

/*
 * helper optok (issue 14): the scopes of named operator tokens
 * (auth/optoken.h).  A token has exactly one; each action says which may
 * use it (action_def.scopes).  The root token (DIR/operator.token) and
 * operator persons are not scoped: they may do all the operator may.
 */
enum op_scope {
	OPSCOPE_DIRECTORY = 0,  /* the directory's admin: its changes */
	OPSCOPE_RESPONDER,      /* alerts, containment, scope, incidents */
	OPSCOPE_AUDITOR,        /* reads only (and the scope question) */
	OPSCOPE_COUNT
};
#define OPSCOPE_BIT(s) (1u << (s))
#define SCOPES_ALL (OPSCOPE_BIT(OPSCOPE_DIRECTORY) | \
	OPSCOPE_BIT(OPSCOPE_RESPONDER) | OPSCOPE_BIT(OPSCOPE_AUDITOR))
/* In action_def.scopes: no named token at all, the root token and
 * operator persons only (0 there means "the default", see scopes). */
#define SCOPES_ROOT_ONLY (1u << 7)

struct action_route {
	const char *method;             /* NULL ends the list */
	const char *pattern;            /* "/v1/tenants/{t}/users/{u}";
					 * {x} takes one segment, a final
					 * '*' the rest of the path */
};

struct action_def {
	const char *name;       /* as it appears in log entries */
	unsigned who;           /* caller kinds the role table allows */
	int tenant_scoped;      /* acts inside one tenant (path has {t}) */
	int write;              /* changes a tenant or the directory */
	int recorded;           /* appends a log entry */
	int no_grant;           /* engineers need no access to the tenant */
	int cls;                /* enum action_class */
	const char *words;      /* what it means, for customer reports;
				 * NULL: not described there */
	struct action_route routes[ACTION_ROUTES_MAX];
	unsigned scopes;        /* OPSCOPE_BIT()s of the named operator
				 * tokens that may use it; 0: the default,
				 * every scope when every route is a GET
				 * and nothing is written, else none
				 * (action_scopes); SCOPES_ROOT_ONLY: none */
};

/* The row of action (ACT_UNKNOWN's when out of range); never NULL. */
const struct action_def *action_get(int action);

/* The action named name in entries, or -1 when the table has none (e.g.
 * an imported identity provider's event). */
int action_by_name(const char *name);

/* 1 when the table lets a caller of this kind attempt the action. */
int action_allows(int kind, int action);

/* The OPSCOPE_BIT() bits of the named operator tokens that may use the
 * action (the table's, or its default); 0 when none may. */
unsigned action_scopes(int action);

/* 1 when a named operator token of scope may use the action. */
int action_scope_allows(int scope, int action);

/* "directory", "responder", "auditor"; NULL when out of range. */
const char *op_scope_name(int scope);

/* The scope named name, or -1. */
int op_scope_by_name(const char *name);

/*
 * How scope counts an entry's action by its name: the table's class, or
 * for names it does not know (imported events) a reading of the name:
 * logins and asking are neutral, resets, deletions and creations writes,
 * the rest reads.
 */
int action_class_of(const char *name);

/* The report words of an action by name, or NULL. */
const char *action_words(const char *name);

/* Writes the table as JSON lines, one per route: {"method", "pattern",
 * "action", "name", "who": [kinds], "tenant_scoped", "write", "recorded",
 * "no_grant", "class", "scopes": [named operator token scopes]}.  0 or -1
 * (I/O error). */
int action_table_print(FILE *f) __attribute__((warn_unused_result));

#endif
