/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL schema (issue 15).  pg_schema_base is, in one script, the
 * state that SQLite's migrations 1..22 (schema_sqlite.h) produce: the same
 * tables, columns in the same order, the same constraints and indexes
 * (partial ones too) and the same triggers, rewritten as PL/pgSQL.  Plus
 * what only PostgreSQL needs: schema_version, log_head and leases.
 * docs/internals/store-pg.md gives every translation decision.
 *
 * Numbering is shared with SQLite's PRAGMA user_version: the base script
 * leaves a database at version PG_SCHEMA_BASE (22); pg_migrations[k]
 * moves it from PG_SCHEMA_BASE + k to PG_SCHEMA_BASE + k + 1, exactly as
 * sqlite_migrations[PG_SCHEMA_BASE + k] does on SQLite.  The assertion
 * at the end makes a new SQLite migration a compile error until its
 * PostgreSQL twin is written.  Never edit a released migration (nor the
 * base script once released): add the next one.
 *
 * The scripts hold several statements, some with $$-quoted bodies: run
 * them with PQexec (simple query protocol), never in pipeline mode, inside
 * the migration's transaction.  The base script sets schema_version
 * itself; later migrations are followed by UPDATE schema_version.  (It
 * is one literal of about 14 KB: longer than the 4095 bytes ISO C
 * promises, which only -pedantic mentions; gcc and clang take it.)
 */
#ifndef CUSTOS_STORE_SCHEMA_PG_H
#define CUSTOS_STORE_SCHEMA_PG_H

#include <stddef.h>

#include "schema_sqlite.h"

/* Every text column compares bytes, as SQLite's BINARY collation does. */
#define PG_TEXT "text COLLATE \"C\""

#define PG_SCHEMA_BASE 22

static const char pg_schema_base[] =
	/* The triggers' bodies.  custos_refuse: the append-only and
	 * grow-only guards (SQLite's RAISE(ABORT, msg)); SQLSTATE P0001. */
	"CREATE FUNCTION custos_refuse() RETURNS trigger LANGUAGE plpgsql AS"
	" $$BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'P0001';"
	" END$$;"
	/* Bumps the version of each tenant whose user list changed
	 * (SQLite's users_version_* triggers, migration 3). */
	"CREATE FUNCTION custos_users_version() RETURNS trigger"
	" LANGUAGE plpgsql AS $$BEGIN"
	" IF TG_OP = 'INSERT' THEN"
	" UPDATE tenants SET users_version = users_version + 1"
	" WHERE id = NEW.tenant_id;"
	" ELSIF TG_OP = 'DELETE' THEN"
	" UPDATE tenants SET users_version = users_version + 1"
	" WHERE id = OLD.tenant_id;"
	" ELSE"
	" UPDATE tenants SET users_version = users_version + 1"
	" WHERE id IN (OLD.tenant_id, NEW.tenant_id);"
	" END IF;"
	" RETURN NULL; END$$;"

	/* Migrations 1, 4, 13, 14, 22. */
	"CREATE TABLE meta(key " PG_TEXT " PRIMARY KEY, value bytea NOT NULL);"
	"CREATE TABLE vendors(id " PG_TEXT " PRIMARY KEY,"
	" name " PG_TEXT " NOT NULL UNIQUE, created bigint NOT NULL,"
	" status bigint NOT NULL DEFAULT 0,"
	" status_changed bigint NOT NULL DEFAULT 0);"
	"CREATE TABLE engineers(id " PG_TEXT " PRIMARY KEY,"
	" username " PG_TEXT " NOT NULL UNIQUE,"
	" vendor_id " PG_TEXT " NOT NULL REFERENCES vendors(id),"
	" password_hash " PG_TEXT " NOT NULL, totp_secret bytea,"
	" totp_last_step bigint NOT NULL DEFAULT 0,"
	" status bigint NOT NULL DEFAULT 0, created bigint NOT NULL,"
	" working_hours " PG_TEXT " NOT NULL DEFAULT '',"
	" email " PG_TEXT " NOT NULL DEFAULT '',"
	" status_changed bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX engineers_vendor ON engineers(vendor_id);"
	"CREATE TABLE devices(id " PG_TEXT " PRIMARY KEY,"
	" engineer_id " PG_TEXT " NOT NULL REFERENCES engineers(id),"
	" name " PG_TEXT " NOT NULL, public_key bytea NOT NULL,"
	" created bigint NOT NULL, revoked bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX devices_engineer ON devices(engineer_id);"
	"CREATE TABLE tenants(id " PG_TEXT " PRIMARY KEY,"
	" name " PG_TEXT " NOT NULL UNIQUE,"
	" policy bigint NOT NULL, created bigint NOT NULL,"
	" users_version bigint NOT NULL DEFAULT 0,"
	" max_minutes bigint NOT NULL DEFAULT 480,"
	" second_approver bigint NOT NULL DEFAULT 0,"
	" sensitive bigint NOT NULL DEFAULT 0);"
	/* SQLite clusters users and tickets by tenant (WITHOUT ROWID);
	 * PostgreSQL has no clustered tables: the primary key's index
	 * serves the same range reads. */
	"CREATE TABLE users(tenant_id " PG_TEXT " NOT NULL"
	" REFERENCES tenants(id),"
	" id " PG_TEXT " NOT NULL, username " PG_TEXT " NOT NULL,"
	" email " PG_TEXT " NOT NULL,"
	" role bigint NOT NULL, status bigint NOT NULL,"
	" password_hash " PG_TEXT " NOT NULL, totp_secret bytea,"
	" totp_last_step bigint NOT NULL DEFAULT 0,"
	" mfa_enrolled bigint NOT NULL, created bigint NOT NULL,"
	" PRIMARY KEY(tenant_id, id), UNIQUE(tenant_id, username));"
	"CREATE UNIQUE INDEX users_id ON users(id);"
	"CREATE TRIGGER users_version_insert AFTER INSERT ON users"
	" FOR EACH ROW EXECUTE FUNCTION custos_users_version();"
	"CREATE TRIGGER users_version_delete AFTER DELETE ON users"
	" FOR EACH ROW EXECUTE FUNCTION custos_users_version();"
	"CREATE TRIGGER users_version_update AFTER UPDATE OF id, tenant_id,"
	" username, email, role, status, mfa_enrolled ON users"
	" FOR EACH ROW EXECUTE FUNCTION custos_users_version();"
	"CREATE TABLE tickets(tenant_id " PG_TEXT " NOT NULL"
	" REFERENCES tenants(id),"
	" id " PG_TEXT " NOT NULL, subject " PG_TEXT " NOT NULL,"
	" body " PG_TEXT " NOT NULL, requester " PG_TEXT " NOT NULL,"
	" status " PG_TEXT " NOT NULL, created bigint NOT NULL,"
	" PRIMARY KEY(tenant_id, id));"
	"CREATE UNIQUE INDEX tickets_id ON tickets(id);"

	/* Migrations 1, 9, 12, 14, 15, 20. */
	"CREATE TABLE sessions(token_hash bytea PRIMARY KEY,"
	" id " PG_TEXT " NOT NULL UNIQUE, principal bigint NOT NULL,"
	" principal_id " PG_TEXT " NOT NULL, tenant_id " PG_TEXT " NOT NULL,"
	" vendor_id " PG_TEXT " NOT NULL, device_id " PG_TEXT " NOT NULL,"
	" source " PG_TEXT " NOT NULL, created bigint NOT NULL,"
	" expires bigint NOT NULL, last_seen bigint NOT NULL,"
	" console bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX sessions_principal ON sessions(principal_id);"
	"CREATE INDEX sessions_vendor ON sessions(vendor_id);"
	"CREATE INDEX sessions_device ON sessions(device_id);"
	"CREATE TABLE logins(id " PG_TEXT " PRIMARY KEY,"
	" engineer_id " PG_TEXT " NOT NULL, device_id " PG_TEXT " NOT NULL,"
	" challenge " PG_TEXT " NOT NULL, source " PG_TEXT " NOT NULL,"
	" expires bigint NOT NULL,"
	" password_verdict bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX logins_expires ON logins(expires);"
	"CREATE TABLE resets(token_hash bytea PRIMARY KEY,"
	" tenant_id " PG_TEXT " NOT NULL, user_id " PG_TEXT " NOT NULL,"
	" expires bigint NOT NULL);"
	"CREATE INDEX resets_user ON resets(tenant_id, user_id);"
	"CREATE INDEX resets_expires ON resets(expires);"
	"CREATE TABLE throttle(key " PG_TEXT " PRIMARY KEY,"
	" failures bigint NOT NULL, last_failure bigint NOT NULL,"
	" locked_until bigint NOT NULL);"
	"CREATE INDEX throttle_age ON throttle(last_failure);"

	/* The log: migrations 1, 4, 5 (the insert trigger is gone), 7, 8,
	 * 10, 16.  The entries_by_* and entries_tenant indexes were dropped
	 * by migration 10. */
	"CREATE TABLE entries(idx bigint PRIMARY KEY, time bigint NOT NULL,"
	" actor_id " PG_TEXT " NOT NULL, tenant_id " PG_TEXT " NOT NULL,"
	" action " PG_TEXT " NOT NULL, session_id " PG_TEXT " NOT NULL,"
	" device_id " PG_TEXT " NOT NULL, source " PG_TEXT " NOT NULL,"
	" allowed bigint NOT NULL, bytes bytea NOT NULL,"
	" vendor_id " PG_TEXT " NOT NULL DEFAULT '', leaf bytea);"
	"CREATE INDEX entries_policy_changes ON entries(idx)"
	" WHERE action = 'tenant.support_policy' AND allowed = 1;"
	"CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('log entries are append-only');"
	"CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('log entries are append-only');"
	/* TRUNCATE fires no row trigger (SQLite has no TRUNCATE: its
	 * DELETE without WHERE fires the delete trigger). */
	"CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries"
	" FOR EACH STATEMENT EXECUTE FUNCTION"
	" custos_refuse('log entries are append-only');"
	"CREATE TABLE tiles(level bigint NOT NULL, idx bigint NOT NULL,"
	" hashes bytea NOT NULL, PRIMARY KEY(level, idx));"
	/* A full tile never changes; a partial one only grows. */
	"CREATE TRIGGER tiles_grow_only BEFORE UPDATE ON tiles"
	" FOR EACH ROW WHEN (length(NEW.hashes) < length(OLD.hashes)"
	" OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes))"
	" <> OLD.hashes)"
	" EXECUTE FUNCTION custos_refuse('tiles only grow');"
	"CREATE TRIGGER tiles_no_delete BEFORE DELETE ON tiles"
	" FOR EACH ROW EXECUTE FUNCTION custos_refuse('tiles only grow');"
	"CREATE TRIGGER tiles_no_truncate BEFORE TRUNCATE ON tiles"
	" FOR EACH STATEMENT EXECUTE FUNCTION"
	" custos_refuse('tiles only grow');"
	"CREATE TABLE checkpoints(size bigint PRIMARY KEY,"
	" time bigint NOT NULL, note " PG_TEXT " NOT NULL);"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('checkpoints are append-only');"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('checkpoints are append-only');"
	"CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON"
	" checkpoints FOR EACH STATEMENT EXECUTE FUNCTION"
	" custos_refuse('checkpoints are append-only');"
	/* The entries' principal keys as posting lists (migration 10;
	 * the bytes of list are those sqlite_keys.c writes). */
	"CREATE TABLE entry_keys(chunk bigint NOT NULL,"
	" kind bigint NOT NULL, key " PG_TEXT " NOT NULL,"
	" first bigint NOT NULL, t0 bigint NOT NULL, n bigint NOT NULL,"
	" tmin bigint NOT NULL, tmax bigint NOT NULL, list bytea NOT NULL,"
	" cols bigint NOT NULL DEFAULT 0,"
	" PRIMARY KEY(chunk, kind, key, first));"
	/* Posting lists of varints barely compress: storing them as they
	 * are saves the import the compressor's time. */
	"ALTER TABLE entry_keys ALTER COLUMN list SET STORAGE EXTERNAL;"
	"CREATE TRIGGER entry_keys_no_update BEFORE UPDATE ON entry_keys"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('log keys are append-only');"
	"CREATE TRIGGER entry_keys_no_delete BEFORE DELETE ON entry_keys"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('log keys are append-only');"
	"CREATE TRIGGER entry_keys_no_truncate BEFORE TRUNCATE ON entry_keys"
	" FOR EACH STATEMENT EXECUTE FUNCTION"
	" custos_refuse('log keys are append-only');"
	"CREATE TABLE entry_chunks(chunk bigint PRIMARY KEY,"
	" tmin bigint NOT NULL, tmax bigint NOT NULL);"

	/* Customer approvals: migrations 6, 11, 13, 19. */
	"CREATE TABLE grants(id " PG_TEXT " PRIMARY KEY,"
	" tenant_id " PG_TEXT " NOT NULL REFERENCES tenants(id),"
	" engineer_id " PG_TEXT " NOT NULL REFERENCES engineers(id),"
	" vendor_id " PG_TEXT " NOT NULL, ticket_id " PG_TEXT " NOT NULL,"
	" reason " PG_TEXT " NOT NULL, minutes bigint NOT NULL,"
	" state bigint NOT NULL, break_glass bigint NOT NULL,"
	" created bigint NOT NULL, decided bigint NOT NULL,"
	" decided_by " PG_TEXT " NOT NULL, deadline bigint NOT NULL,"
	" notified bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX grants_engineer ON grants(engineer_id, tenant_id,"
	" state, deadline);"
	"CREATE INDEX grants_tenant ON grants(tenant_id, created);"
	"CREATE INDEX grants_due ON grants(state, deadline);"
	"CREATE INDEX grants_scope_engineer ON grants(engineer_id, deadline,"
	" decided, state, tenant_id, id);"
	"CREATE INDEX grants_scope_vendor ON grants(vendor_id, deadline,"
	" decided, state, tenant_id, id);"
	"CREATE INDEX grants_engineer_created ON grants(engineer_id,"
	" created, id);"
	"CREATE INDEX grants_created ON grants(created, id);"
	"CREATE TABLE approvals(id " PG_TEXT " PRIMARY KEY,"
	" tenant_id " PG_TEXT " NOT NULL REFERENCES tenants(id),"
	" engineer_id " PG_TEXT " NOT NULL, vendor_id " PG_TEXT " NOT NULL,"
	" action " PG_TEXT " NOT NULL, target " PG_TEXT " NOT NULL,"
	" reason " PG_TEXT " NOT NULL, state bigint NOT NULL,"
	" created bigint NOT NULL, deadline bigint NOT NULL,"
	" decided_by " PG_TEXT " NOT NULL, decided bigint NOT NULL);"
	"CREATE INDEX approvals_engineer ON approvals(engineer_id, tenant_id,"
	" created);"

	/* Detection and containment: migrations 9, 13. */
	"CREATE TABLE alerts(id " PG_TEXT " PRIMARY KEY,"
	" time bigint NOT NULL, rule " PG_TEXT " NOT NULL,"
	" severity bigint NOT NULL, subject " PG_TEXT " NOT NULL,"
	" doc " PG_TEXT " NOT NULL, webhook bigint NOT NULL,"
	" attempts bigint NOT NULL DEFAULT 0,"
	" next_attempt bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX alerts_time ON alerts(time);"
	"CREATE INDEX alerts_webhook ON alerts(next_attempt)"
	" WHERE webhook = 1;"
	"CREATE TABLE containments(id " PG_TEXT " PRIMARY KEY,"
	" kind bigint NOT NULL, target " PG_TEXT " NOT NULL,"
	" engineer_id " PG_TEXT " NOT NULL, vendor_id " PG_TEXT " NOT NULL,"
	" reason " PG_TEXT " NOT NULL, created_by " PG_TEXT " NOT NULL,"
	" alert_id " PG_TEXT " NOT NULL, refuse_logins bigint NOT NULL,"
	" created bigint NOT NULL, lifted bigint NOT NULL DEFAULT 0,"
	" lifted_by " PG_TEXT " NOT NULL DEFAULT '',"
	" lift_reason " PG_TEXT " NOT NULL DEFAULT '',"
	" revoke_access bigint NOT NULL DEFAULT 1);"
	"CREATE INDEX containments_active ON containments(target)"
	" WHERE lifted = 0;"

	/* Passkeys and operator persons: migrations 17, 20. */
	"CREATE TABLE passkeys(id " PG_TEXT " PRIMARY KEY,"
	" cred_id bytea NOT NULL UNIQUE, principal bigint NOT NULL,"
	" principal_id " PG_TEXT " NOT NULL, tenant_id " PG_TEXT " NOT NULL,"
	" device_id " PG_TEXT " NOT NULL, alg bigint NOT NULL,"
	" public_key bytea NOT NULL, sign_count bigint NOT NULL,"
	" backup_eligible bigint NOT NULL, name " PG_TEXT " NOT NULL,"
	" created bigint NOT NULL, last_used bigint NOT NULL,"
	" status bigint NOT NULL,"
	" created_session " PG_TEXT " NOT NULL DEFAULT '');"
	"CREATE INDEX passkeys_principal ON passkeys(principal,"
	" principal_id, tenant_id);"
	"CREATE INDEX passkeys_created_session ON passkeys(created_session);"
	"CREATE TABLE operators(id " PG_TEXT " PRIMARY KEY,"
	" username " PG_TEXT " NOT NULL UNIQUE, email " PG_TEXT " NOT NULL,"
	" status bigint NOT NULL, created bigint NOT NULL);"

	/* Invitations: migration 18. */
	"CREATE TABLE invitations(id " PG_TEXT " PRIMARY KEY,"
	" token_hash bytea NOT NULL UNIQUE, kind bigint NOT NULL,"
	" principal_id " PG_TEXT " NOT NULL,"
	" tenant_id " PG_TEXT " NOT NULL DEFAULT '',"
	" device_id " PG_TEXT " NOT NULL DEFAULT '',"
	" username " PG_TEXT " NOT NULL, email " PG_TEXT " NOT NULL,"
	" created_by " PG_TEXT " NOT NULL, created bigint NOT NULL,"
	" expires bigint NOT NULL, used bigint NOT NULL DEFAULT 0,"
	" revoked bigint NOT NULL DEFAULT 0, pending_totp bytea,"
	" pending_password " PG_TEXT ");"
	"CREATE INDEX invitations_tenant ON invitations(tenant_id, created);"
	"CREATE INDEX invitations_principal ON invitations(principal_id);"
	"CREATE INDEX invitations_created ON invitations(created);"

	/* Incidents: migration 19, append-only like the entries. */
	"CREATE TABLE incidents(id " PG_TEXT " PRIMARY KEY,"
	" title " PG_TEXT " NOT NULL, created_by " PG_TEXT " NOT NULL,"
	" created bigint NOT NULL, time_from bigint NOT NULL,"
	" time_to bigint NOT NULL, size bigint NOT NULL,"
	" tenants bigint NOT NULL, doc " PG_TEXT " NOT NULL);"
	"CREATE INDEX incidents_created ON incidents(created, id);"
	"CREATE TABLE incident_reports("
	" incident_id " PG_TEXT " NOT NULL REFERENCES incidents(id),"
	" tenant_id " PG_TEXT " NOT NULL, exposure " PG_TEXT " NOT NULL,"
	" doc " PG_TEXT " NOT NULL, PRIMARY KEY(tenant_id, incident_id));"
	"CREATE TRIGGER incidents_no_update BEFORE UPDATE ON incidents"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('incidents are append-only');"
	"CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents"
	" FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('incidents are append-only');"
	"CREATE TRIGGER incidents_no_truncate BEFORE TRUNCATE ON incidents"
	" FOR EACH STATEMENT EXECUTE FUNCTION"
	" custos_refuse('incidents are append-only');"
	"CREATE TRIGGER incident_reports_no_update BEFORE UPDATE ON"
	" incident_reports FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('incidents are append-only');"
	"CREATE TRIGGER incident_reports_no_delete BEFORE DELETE ON"
	" incident_reports FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('incidents are append-only');"
	"CREATE TRIGGER incident_reports_no_truncate BEFORE TRUNCATE ON"
	" incident_reports FOR EACH STATEMENT EXECUTE FUNCTION"
	" custos_refuse('incidents are append-only');"

	/* Named operator tokens: migration 21.  A name is unique among
	 * live tokens only. */
	"CREATE TABLE operator_tokens(id " PG_TEXT " PRIMARY KEY,"
	" name " PG_TEXT " NOT NULL, scope bigint NOT NULL,"
	" token_hash bytea NOT NULL UNIQUE, created bigint NOT NULL,"
	" created_by " PG_TEXT " NOT NULL,"
	" expires bigint NOT NULL DEFAULT 0,"
	" revoked bigint, revoked_by " PG_TEXT ","
	" last_used bigint NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX operator_tokens_live_name ON"
	" operator_tokens(name) WHERE revoked IS NULL;"

	/* PostgreSQL only.  The schema's version (SQLite's user_version):
	 * one row, enforced by the unique index on a constant. */
	"CREATE TABLE schema_version(version bigint NOT NULL);"
	"CREATE UNIQUE INDEX schema_version_one ON schema_version((true));"
	"INSERT INTO schema_version(version) VALUES (22);"
	/* The log's size, the one lock every writer transaction of the
	 * cluster takes first (SELECT size ... FOR UPDATE); log indexes
	 * come from this row. */
	"CREATE TABLE log_head(id bigint PRIMARY KEY CHECK (id = 1),"
	" size bigint NOT NULL CHECK (size >= 0));"
	"INSERT INTO log_head(id, size) VALUES (1, 0);"
	/* Leases for the periodic work one node of the cluster does at a
	 * time (signer, detect, sweeper); epoch fences a holder that lost
	 * it.  Times are the database's clock. */
	"CREATE TABLE leases(name " PG_TEXT " PRIMARY KEY,"
	" holder " PG_TEXT " NOT NULL, epoch bigint NOT NULL,"
	" expires timestamptz NOT NULL);"
	/* The generation of the news (store_ops.announce: operator tokens
	 * created, revoked or rotated...), bumped with each announce, for
	 * watchers that missed the notification (decimal ASCII, as meta
	 * values are bytes). */
	"INSERT INTO meta(key, value) VALUES"
	" ('news_gen', convert_to('0', 'UTF8'));";

/* Migration PG_SCHEMA_BASE + k -> PG_SCHEMA_BASE + k + 1 is entry k.
 * NULL-terminated: C17 has no empty initializer. */
static const char *const pg_migrations[] = {
	/* Issue 16, disclose (migration 25 at merge): the notices of an
	 * incident's publication, append-only. */
	"CREATE TABLE incident_notices("
	" incident_id " PG_TEXT " NOT NULL REFERENCES incidents(id),"
	" tenant_id " PG_TEXT " NOT NULL, exposure " PG_TEXT " NOT NULL,"
	" created bigint NOT NULL, created_by " PG_TEXT " NOT NULL,"
	" recipients bigint NOT NULL, doc " PG_TEXT " NOT NULL,"
	" PRIMARY KEY(tenant_id, incident_id));"
	"CREATE INDEX incident_notices_incident ON"
	" incident_notices(incident_id);"
	"CREATE TRIGGER incident_notices_no_update BEFORE UPDATE ON"
	" incident_notices FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('incident notices are append-only');"
	"CREATE TRIGGER incident_notices_no_delete BEFORE DELETE ON"
	" incident_notices FOR EACH ROW EXECUTE FUNCTION"
	" custos_refuse('incident notices are append-only');"
	"CREATE TRIGGER incident_notices_no_truncate BEFORE TRUNCATE ON"
	" incident_notices FOR EACH STATEMENT EXECUTE FUNCTION"
	" custos_refuse('incident notices are append-only');",
	/* Issue 16, the Okta import: imported Okta
	 * uuids. */
	"CREATE TABLE okta_imported(uuid " PG_TEXT " PRIMARY KEY,"
	" imported bigint NOT NULL);",
	/* export (issue 16): as SQLite's export_cursors. */
	"CREATE TABLE export_cursors(dest " PG_TEXT " PRIMARY KEY,"
	" next bigint NOT NULL, updated bigint NOT NULL);",
	NULL
};

#define PG_MIGRATIONS \
	(sizeof(pg_migrations) / sizeof(pg_migrations[0]) - 1)

_Static_assert(PG_SCHEMA_BASE + PG_MIGRATIONS ==
    sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0]),
    "every SQLite migration needs its PostgreSQL twin in schema_pg.h");

#undef PG_TEXT

#endif
