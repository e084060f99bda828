/* SPDX-License-Identifier: ISC */
/*
 * tables: every table of the store at the current schema version, with
 * its columns and their types, for copying a store between backends
 * (daemon/copy.h).  Kept true by tests/unit/test_tables.c, which compares
 * it with both backends' real schemas.  The order is the order to load
 * them in: every table after the tables it refers to.  Tables only one
 * backend has (PostgreSQL's schema_version, log_head, leases) are not
 * here: each backend keeps its own.
 */
#include <stddef.h>
#include <string.h>

#include "store/tables.h"

const struct table_spec tables[] = {
	{"meta", "key", "TB",
	    {"key", "value"}, 0},
	{"vendors", "id", "TTIII",
	    {"id", "name", "created", "status", "status_changed"}, 0},
	{"engineers", "id", "TTTTBIIITTI",
	    {"id", "username", "vendor_id", "password_hash",
	    "totp_secret", "totp_last_step", "status", "created",
	    "working_hours", "email", "status_changed"}, 0},
	{"devices", "id", "TTTBII",
	    {"id", "engineer_id", "name", "public_key", "created",
	    "revoked"}, 0},
	{"tenants", "id", "TTIIIIII",
	    {"id", "name", "policy", "created", "users_version",
	    "max_minutes", "second_approver", "sensitive"}, 0},
	{"users", "tenant_id, id", "TTTTIITBIII",
	    {"tenant_id", "id", "username", "email", "role", "status",
	    "password_hash", "totp_secret", "totp_last_step",
	    "mfa_enrolled", "created"}, 0},
	{"tickets", "tenant_id, id", "TTTTTTI",
	    {"tenant_id", "id", "subject", "body", "requester",
	    "status", "created"}, 0},
	{"sessions", "token_hash", "BTITTTTTIIII",
	    {"token_hash", "id", "principal", "principal_id",
	    "tenant_id", "vendor_id", "device_id", "source", "created",
	    "expires", "last_seen", "console"}, 0},
	{"logins", "id", "TTTTTII",
	    {"id", "engineer_id", "device_id", "challenge", "source",
	    "expires", "password_verdict"}, 0},
	{"resets", "token_hash", "BTTI",
	    {"token_hash", "tenant_id", "user_id", "expires"}, 0},
	{"throttle", "key", "TIII",
	    {"key", "failures", "last_failure", "locked_until"}, 0},
	{"entries", "idx", "IITTTTTTIBTB",
	    {"idx", "time", "actor_id", "tenant_id", "action",
	    "session_id", "device_id", "source", "allowed", "bytes",
	    "vendor_id", "leaf"}, 0},
	{"tiles", "level, idx", "IIB",
	    {"level", "idx", "hashes"}, 0},
	{"checkpoints", "size", "IIT",
	    {"size", "time", "note"}, 0},
	{"entry_keys", "chunk, kind, key, first", "IITIIIIIBI",
	    {"chunk", "kind", "key", "first", "t0", "n", "tmin",
	    "tmax", "list", "cols"}, 0},
	{"entry_chunks", "chunk", "III",
	    {"chunk", "tmin", "tmax"}, 0},
	{"grants", "id", "TTTTTTIIIIITII",
	    {"id", "tenant_id", "engineer_id", "vendor_id",
	    "ticket_id", "reason", "minutes", "state", "break_glass",
	    "created", "decided", "decided_by", "deadline", "notified"}, 0},
	{"approvals", "id", "TTTTTTTIIITI",
	    {"id", "tenant_id", "engineer_id", "vendor_id", "action",
	    "target", "reason", "state", "created", "deadline",
	    "decided_by", "decided"}, 0},
	{"alerts", "id", "TITITTIII",
	    {"id", "time", "rule", "severity", "subject", "doc",
	    "webhook", "attempts", "next_attempt"}, 0},
	{"containments", "id", "TITTTTTTIIITTI",
	    {"id", "kind", "target", "engineer_id", "vendor_id",
	    "reason", "created_by", "alert_id", "refuse_logins",
	    "created", "lifted", "lifted_by", "lift_reason",
	    "revoke_access"}, 0},
	{"passkeys", "id", "TBITTTIBIITIIIT",
	    {"id", "cred_id", "principal", "principal_id", "tenant_id",
	    "device_id", "alg", "public_key", "sign_count",
	    "backup_eligible", "name", "created", "last_used",
	    "status", "created_session"}, 0},
	{"operators", "id", "TTTII",
	    {"id", "username", "email", "status", "created"}, 0},
	{"invitations", "id", "TBITTTTTTIIIIBT",
	    {"id", "token_hash", "kind", "principal_id", "tenant_id",
	    "device_id", "username", "email", "created_by", "created",
	    "expires", "used", "revoked", "pending_totp",
	    "pending_password"}, 0},
	{"incidents", "id", "TTTIIIIIT",
	    {"id", "title", "created_by", "created", "time_from",
	    "time_to", "size", "tenants", "doc"}, 0},
	{"incident_reports", "tenant_id, incident_id", "TTTT",
	    {"incident_id", "tenant_id", "exposure", "doc"}, 0},
	{"operator_tokens", "id", "TTIBITIITI",
	    {"id", "name", "scope", "token_hash", "created",
	    "created_by", "expires", "revoked", "revoked_by",
	    "last_used"}, 0},
	/* Issue 16, disclose. */
	{"incident_notices", "tenant_id, incident_id", "TTTITIT",
	    {"incident_id", "tenant_id", "exposure", "created",
	    "created_by", "recipients", "doc"}, 0},
	{"okta_imported", "uuid", "TI", {"uuid", "imported"}, 0},
	{"export_cursors", "dest", "TII",
	    {"dest", "next", "updated"}, 0},
};

const size_t tables_count = sizeof(tables) / sizeof(tables[0]);

size_t
table_ncols(const struct table_spec *t)
{
	return strlen(t->types);
}
