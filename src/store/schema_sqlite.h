/* SPDX-License-Identifier: ISC */
/*
 * The SQLite schema as numbered migrations.  Migration N moves the schema
 * from version N to N+1 (PRAGMA user_version); custosd applies the missing
 * ones at start, each in its own transaction.  Never edit a released
 * migration: add the next one.
 */
#ifndef CUSTOS_STORE_SCHEMA_SQLITE_H
#define CUSTOS_STORE_SCHEMA_SQLITE_H

static const char *const sqlite_migrations[] = {
	/* 0 -> 1: the foundation. */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"CREATE TABLE vendors(id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE engineers(id TEXT PRIMARY KEY,"
	" username TEXT NOT NULL UNIQUE,"
	" vendor_id TEXT NOT NULL REFERENCES vendors(id),"
	" password_hash TEXT NOT NULL, totp_secret BLOB,"
	" totp_last_step INTEGER NOT NULL DEFAULT 0,"
	" status INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
	"CREATE TABLE devices(id TEXT PRIMARY KEY,"
	" engineer_id TEXT NOT NULL REFERENCES engineers(id),"
	" name TEXT NOT NULL, public_key BLOB NOT NULL,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE tenants(id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" policy INTEGER NOT NULL, created INTEGER NOT NULL);"
	/* Clustered by tenant so a tenant's users are read in one range. */
	"CREATE TABLE users(tenant_id TEXT NOT NULL REFERENCES tenants(id),"
	" id TEXT NOT NULL, username TEXT NOT NULL, email TEXT NOT NULL,"
	" role INTEGER NOT NULL, status INTEGER NOT NULL,"
	" password_hash TEXT NOT NULL, totp_secret BLOB,"
	" totp_last_step INTEGER NOT NULL DEFAULT 0,"
	" mfa_enrolled INTEGER NOT NULL, created INTEGER NOT NULL,"
	" PRIMARY KEY(tenant_id, id), UNIQUE(tenant_id, username))"
	" WITHOUT ROWID;"
	"CREATE UNIQUE INDEX users_id ON users(id);"
	"CREATE TABLE tickets(tenant_id TEXT NOT NULL REFERENCES tenants(id),"
	" id TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
	" requester TEXT NOT NULL, status TEXT NOT NULL,"
	" created INTEGER NOT NULL, PRIMARY KEY(tenant_id, id)) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX tickets_id ON tickets(id);"
	"CREATE TABLE sessions(token_hash BLOB PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE, principal INTEGER NOT NULL,"
	" principal_id TEXT NOT NULL, tenant_id TEXT NOT NULL,"
	" vendor_id TEXT NOT NULL, device_id TEXT NOT NULL,"
	" source TEXT NOT NULL, created INTEGER NOT NULL,"
	" expires INTEGER NOT NULL, last_seen INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE INDEX sessions_principal ON sessions(principal_id);"
	"CREATE TABLE logins(id TEXT PRIMARY KEY, engineer_id TEXT NOT NULL,"
	" device_id TEXT NOT NULL, challenge TEXT NOT NULL,"
	" source TEXT NOT NULL, expires INTEGER NOT NULL);"
	"CREATE TABLE resets(token_hash BLOB PRIMARY KEY,"
	" tenant_id TEXT NOT NULL, user_id TEXT NOT NULL,"
	" expires INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE throttle(key TEXT PRIMARY KEY,"
	" failures INTEGER NOT NULL, last_failure INTEGER NOT NULL,"
	" locked_until INTEGER NOT NULL);"
	/* The recorded requests.  Append-only: the triggers refuse any
	 * change to a stored entry. */
	"CREATE TABLE entries(idx INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
	" actor_id TEXT NOT NULL, tenant_id TEXT NOT NULL,"
	" action TEXT NOT NULL, session_id TEXT NOT NULL,"
	" device_id TEXT NOT NULL, source TEXT NOT NULL,"
	" allowed INTEGER NOT NULL, bytes BLOB NOT NULL);"
	"CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
	" BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;"
	"CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
	" BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;",
	/* 1 -> 2: INSERT OR REPLACE deletes without firing delete triggers;
	 * an entry may only ever be added at the end. */
	"CREATE TRIGGER entries_append_only BEFORE INSERT ON entries"
	" WHEN NEW.idx <> (SELECT COALESCE(MAX(idx) + 1, 0) FROM entries)"
	" BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;",
	/* 2 -> 3: a version of each tenant's user list, bumped with every
	 * change to what the list shows, so answers can be cached safely
	 * across custosd nodes. */
	"ALTER TABLE tenants ADD COLUMN users_version INTEGER NOT NULL"
	" DEFAULT 0;"
	"CREATE TRIGGER users_version_insert AFTER INSERT ON users BEGIN"
	" UPDATE tenants SET users_version = users_version + 1"
	" WHERE id = NEW.tenant_id; END;"
	"CREATE TRIGGER users_version_delete AFTER DELETE ON users BEGIN"
	" UPDATE tenants SET users_version = users_version + 1"
	" WHERE id = OLD.tenant_id; END;"
	"CREATE TRIGGER users_version_update AFTER UPDATE OF id, tenant_id,"
	" username, email, role, status, mfa_enrolled ON users BEGIN"
	" UPDATE tenants SET users_version = users_version + 1"
	" WHERE id IN (OLD.tenant_id, NEW.tenant_id); END;",
	/* 3 -> 4: the Merkle tree over the entries as C2SP tlog tiles (the
	 * hashes at levels 0, 8, 16, ... in rows of up to 256; the rightmost
	 * tile of a level grows in place), the signed checkpoints, and the
	 * index a tenant's access log is read by. */
	"CREATE TABLE tiles(level INTEGER NOT NULL, idx INTEGER NOT NULL,"
	" hashes BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;"
	"CREATE TABLE checkpoints(size INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL, note TEXT NOT NULL);"
	"CREATE INDEX entries_tenant ON entries(tenant_id, idx);"
	/* A full tile never changes; a partial one only grows. */
	"CREATE TRIGGER tiles_grow_only BEFORE UPDATE ON tiles"
	" WHEN length(NEW.hashes) < length(OLD.hashes)"
	" OR substr(NEW.hashes, 1, length(OLD.hashes)) <> OLD.hashes"
	" BEGIN SELECT RAISE(ABORT, 'tiles only grow'); END;"
	"CREATE TRIGGER tiles_no_delete BEFORE DELETE ON tiles"
	" BEGIN SELECT RAISE(ABORT, 'tiles only grow'); END;"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;",
	/* 4 -> 5: any BEFORE INSERT trigger makes SQLite keep a statement
	 * journal per insert (7.7 KB an entry in a bulk import, spilled to
	 * temp files: an 8x slowdown).  custos's own connections refuse
	 * REPLACE through recursive_triggers and the delete trigger; what an
	 * outside writer does to the file is caught by the Merkle tree at
	 * start-up. */
	"DROP TRIGGER entries_append_only;",
	/* 5 -> 6: customer approvals.  Access requests (grants once
	 * approved), second approvals, and each tenant's settings. */
	"ALTER TABLE tenants ADD COLUMN max_minutes INTEGER NOT NULL"
	" DEFAULT 480;"
	"ALTER TABLE tenants ADD COLUMN second_approver INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE tenants ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE grants(id TEXT PRIMARY KEY,"
	" tenant_id TEXT NOT NULL REFERENCES tenants(id),"
	" engineer_id TEXT NOT NULL REFERENCES engineers(id),"
	" vendor_id TEXT NOT NULL, ticket_id TEXT NOT NULL,"
	" reason TEXT NOT NULL, minutes INTEGER NOT NULL,"
	" state INTEGER NOT NULL, break_glass INTEGER NOT NULL,"
	" created INTEGER NOT NULL, decided INTEGER NOT NULL,"
	" decided_by TEXT NOT NULL, deadline INTEGER NOT NULL,"
	" notified INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX grants_engineer ON grants(engineer_id, tenant_id,"
	" state, deadline);"
	"CREATE INDEX grants_tenant ON grants(tenant_id, created);"
	"CREATE INDEX grants_due ON grants(state, deadline);"
	"CREATE TABLE approvals(id TEXT PRIMARY KEY,"
	" tenant_id TEXT NOT NULL REFERENCES tenants(id),"
	" engineer_id TEXT NOT NULL, vendor_id TEXT NOT NULL,"
	" action TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL,"
	" state INTEGER NOT NULL, created INTEGER NOT NULL,"
	" deadline INTEGER NOT NULL, decided_by TEXT NOT NULL,"
	" decided INTEGER NOT NULL);",
	/* 6 -> 7: scope.  The actor's vendor as a column (filled in from
	 * the stored bytes for older entries), and an index per kind of
	 * principal and per tenant, by the time the event happened, so a
	 * scope reads only the entries that match. */
	"ALTER TABLE entries ADD COLUMN vendor_id TEXT NOT NULL DEFAULT '';"
	"DROP TRIGGER entries_no_update;"
	"UPDATE entries SET vendor_id ="
	" COALESCE(json_extract(bytes, '$.actor.vendor'), '');"
	"CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
	" BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;"
	"CREATE INDEX entries_by_actor ON entries(actor_id, time)"
	" WHERE actor_id <> '';"
	"CREATE INDEX entries_by_device ON entries(device_id, time)"
	" WHERE device_id <> '';"
	"CREATE INDEX entries_by_session ON entries(session_id, time)"
	" WHERE session_id <> '';"
	"CREATE INDEX entries_by_vendor ON entries(vendor_id, time)"
	" WHERE vendor_id <> '';"
	"CREATE INDEX entries_by_source ON entries(source, time)"
	" WHERE source <> '';"
	"CREATE INDEX entries_by_tenant_time ON entries(tenant_id, time)"
	" WHERE tenant_id <> '';",
	/* 7 -> 8: support-policy changes, so scope knows which tenants let
	 * any engineer in at the time in question. */
	("CREATE INDEX entries_policy_changes ON entries(idx)"
	" WHERE action = 'tenant.support_policy' AND allowed = 1;"),
	/* 8 -> 9: detection and containment.  Alerts (their JSON, with
	 * the columns they are filtered by and the webhook's progress),
	 * containments, engineers' declared working hours, and indexes to
	 * end sessions by vendor and device at once. */
	"CREATE TABLE alerts(id TEXT PRIMARY KEY, time INTEGER NOT NULL,"
	" rule TEXT NOT NULL, severity INTEGER NOT NULL,"
	" subject TEXT NOT NULL, doc TEXT NOT NULL,"
	" webhook INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX alerts_time ON alerts(time);"
	"CREATE INDEX alerts_webhook ON alerts(next_attempt)"
	" WHERE webhook = 1;"
	"CREATE TABLE containments(id TEXT PRIMARY KEY,"
	" kind INTEGER NOT NULL, target TEXT NOT NULL,"
	" engineer_id TEXT NOT NULL, vendor_id TEXT NOT NULL,"
	" reason TEXT NOT NULL, created_by TEXT NOT NULL,"
	" alert_id TEXT NOT NULL, refuse_logins INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" lifted INTEGER NOT NULL DEFAULT 0,"
	" lifted_by TEXT NOT NULL DEFAULT '',"
	" lift_reason TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX containments_active ON containments(target)"
	" WHERE lifted = 0;"
	"ALTER TABLE engineers ADD COLUMN working_hours TEXT NOT NULL"
	" DEFAULT '';"
	"CREATE INDEX sessions_vendor ON sessions(vendor_id);"
	"CREATE INDEX sessions_device ON sessions(device_id);"
	"CREATE INDEX devices_engineer ON devices(engineer_id);",
	/* 9 -> 10: the entries' principal keys as posting lists
	 * (sqlite_keys.c) instead of seven indexes on entries, which cost
	 * seven scattered index rows per appended entry: a row per chunk of
	 * 2^16 indexes, kind (enum store_principal: 0 engineer, 1 device,
	 * 2 session, 3 vendor, 4 source, 5 tenant) and key, written per
	 * batch at the end of the table.  Existing entries get a row each;
	 * entry_chunks bounds each chunk's times.  Rows with cols = 1 carry
	 * each entry's scope columns in the list too (see sqlite_keys.c), so
	 * scope reads an engineer's or a vendor's entries from their rows
	 * alone; migrated rows (cols = 0) are read from entries. */
	"CREATE TABLE entry_keys(chunk INTEGER NOT NULL,"
	" kind INTEGER NOT NULL, key TEXT NOT NULL, first INTEGER NOT NULL,"
	" t0 INTEGER NOT NULL, n INTEGER NOT NULL, tmin INTEGER NOT NULL,"
	" tmax INTEGER NOT NULL, list BLOB NOT NULL,"
	" cols INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(chunk, kind, key, first)) WITHOUT ROWID;"
	"CREATE TABLE entry_chunks(chunk INTEGER PRIMARY KEY,"
	" tmin INTEGER NOT NULL, tmax INTEGER NOT NULL);"
	"INSERT INTO entry_keys SELECT idx >> 16, 0, actor_id, idx, time, 1,"
	" time, time, X'', 0 FROM entries WHERE actor_id <> '';"
	"INSERT INTO entry_keys SELECT idx >> 16, 1, device_id, idx, time, 1,"
	" time, time, X'', 0 FROM entries WHERE device_id <> '';"
	"INSERT INTO entry_keys SELECT idx >> 16, 2, session_id, idx, time, 1,"
	" time, time, X'', 0 FROM entries WHERE session_id <> '';"
	"INSERT INTO entry_keys SELECT idx >> 16, 3, vendor_id, idx, time, 1,"
	" time, time, X'', 0 FROM entries WHERE vendor_id <> '';"
	"INSERT INTO entry_keys SELECT idx >> 16, 4, source, idx, time, 1,"
	" time, time, X'', 0 FROM entries WHERE source <> '';"
	"INSERT INTO entry_keys SELECT idx >> 16, 5, tenant_id, idx, time, 1,"
	" time, time, X'', 0 FROM entries WHERE tenant_id <> '';"
	"INSERT INTO entry_chunks SELECT idx >> 16, min(time), max(time)"
	" FROM entries GROUP BY idx >> 16;"
	"CREATE TRIGGER entry_keys_no_update BEFORE UPDATE ON entry_keys"
	" BEGIN SELECT RAISE(ABORT, 'log keys are append-only'); END;"
	"CREATE TRIGGER entry_keys_no_delete BEFORE DELETE ON entry_keys"
	" BEGIN SELECT RAISE(ABORT, 'log keys are append-only'); END;"
	"DROP INDEX entries_tenant;"
	"DROP INDEX entries_by_actor;"
	"DROP INDEX entries_by_device;"
	"DROP INDEX entries_by_session;"
	"DROP INDEX entries_by_vendor;"
	"DROP INDEX entries_by_source;"
	"DROP INDEX entries_by_tenant_time;",
	/* 10 -> 11: the grants an engineer or a vendor held in a window,
	 * for scope, from the index alone, read from the window's start on. */
	"CREATE INDEX grants_scope_engineer ON grants(engineer_id, deadline,"
	" decided, state, tenant_id, id);"
	"CREATE INDEX grants_scope_vendor ON grants(vendor_id, deadline,"
	" decided, state, tenant_id, id);",
	/* 11 -> 12: a user's reset tokens, found to end them all when a
	 * newer link is mailed or the password is set. */
	"CREATE INDEX resets_user ON resets(tenant_id, user_id);",
	/* 12 -> 13: principals by kind, containment by level.  An
	 * engineer's (and a vendor's) key rows were written for every actor
	 * of that id, so a tenant user called like an engineer counted as
	 * the engineer in scope.  They are rebuilt from the entries whose
	 * actor is an engineer (audit's actor_is_engineer: kind engineer, or
	 * an anonymous refused login naming an account and no tenant), one
	 * row per entry as migration 10 wrote them.  A containment says
	 * whether it revoked open access (every one before did).  The
	 * second approvals an engineer asked of a tenant, counted (with the
	 * access requests, by grants_engineer) to bound the mail it causes. */
	"ALTER TABLE containments ADD COLUMN revoke_access INTEGER NOT NULL"
	" DEFAULT 1;"
	"CREATE INDEX approvals_engineer ON approvals(engineer_id, tenant_id,"
	" created);"
	"DROP TRIGGER entry_keys_no_delete;"
	"DELETE FROM entry_keys WHERE kind IN (0, 3);"
	"CREATE TRIGGER entry_keys_no_delete BEFORE DELETE ON entry_keys"
	" BEGIN SELECT RAISE(ABORT, 'log keys are append-only'); END;"
	"CREATE TEMP TABLE engineer_entries AS SELECT idx, time, actor_id,"
	" vendor_id FROM (SELECT idx, time, actor_id, vendor_id, tenant_id,"
	" CASE WHEN json_valid(CAST(bytes AS TEXT)) THEN"
	" json_extract(CAST(bytes AS TEXT), '$.actor.kind') END AS k"
	" FROM entries WHERE actor_id <> '')"
	" WHERE k = 'engineer' OR (k = 'anonymous' AND tenant_id = '');"
	"INSERT INTO entry_keys SELECT idx >> 16, 0, actor_id, idx, time, 1,"
	" time, time, X'', 0 FROM engineer_entries;"
	"INSERT INTO entry_keys SELECT idx >> 16, 3, vendor_id, idx, time, 1,"
	" time, time, X'', 0 FROM engineer_entries WHERE vendor_id <> '';"
	"DROP TABLE engineer_entries;",
	/* 13 -> 14: TOTP seeds are sealed under DIR/secrets.key (store/seal.h).
	 * SQL cannot seal: this marks the seeds stored so far as clear, and
	 * custosd's start-up pass (totp_seal_clear) seals them and drops the
	 * mark in one transaction.  The sweeps of expired logins, resets and
	 * throttle rows read by expiry and age. */
	"INSERT OR REPLACE INTO meta(key, value) VALUES ('totp_clear', 1);"
	"CREATE INDEX logins_expires ON logins(expires);"
	"CREATE INDEX resets_expires ON resets(expires);"
	"CREATE INDEX throttle_age ON throttle(last_failure);",
	/* 14 -> 15: a login whose password came at step one (the API
	 * contract's shape) keeps only the verdict, applied at verify once
	 * the device signed (rec_login_password); 0: the password comes at
	 * verify, as every login stored before. */
	"ALTER TABLE logins ADD COLUMN password_verdict INTEGER NOT NULL"
	" DEFAULT 0;",
	/* 15 -> 16: sealed leaves (issue 12, docs/internals/tlog.md).  Each
	 * entry keeps its plaintext (what scope, detection and alerts read)
	 * beside the 49-byte leaf the tree commits to; the sealed body is a
	 * function of the plaintext, its index and the key, recomputed when
	 * served.  Entries stored before hold NULL: custosd refuses to start
	 * on such a log (see the operator guide, "Logs from before sealed
	 * leaves"). */
	"ALTER TABLE entries ADD COLUMN leaf BLOB;",
	/* 16 -> 17: passkeys (WebAuthn credentials) of every person, and
	 * operator persons (issue 13, auth/passkey.h).  The user handle is
	 * derived, never stored; a removed passkey keeps its row (status 1)
	 * so its credential id can never come back. */
	"CREATE TABLE passkeys(id TEXT PRIMARY KEY,"
	" cred_id BLOB NOT NULL UNIQUE, principal INTEGER NOT NULL,"
	" principal_id TEXT NOT NULL, tenant_id TEXT NOT NULL,"
	" device_id TEXT NOT NULL, alg INTEGER NOT NULL,"
	" public_key BLOB NOT NULL, sign_count INTEGER NOT NULL,"
	" backup_eligible INTEGER NOT NULL, name TEXT NOT NULL,"
	" created INTEGER NOT NULL, last_used INTEGER NOT NULL,"
	" status INTEGER NOT NULL);"
	"CREATE INDEX passkeys_principal ON passkeys(principal,"
	" principal_id, tenant_id);"
	"CREATE TABLE operators(id TEXT PRIMARY KEY,"
	" username TEXT NOT NULL UNIQUE, email TEXT NOT NULL,"
	" status INTEGER NOT NULL, created INTEGER NOT NULL);",
	/* 17 -> 18: invitations (auth/invite.h).  Only the token's SHA-256
	 * is kept; the pending TOTP seed is sealed for its row (store/
	 * seal.h, kind "invitation") and the pending password is an
	 * Argon2id hash; both are dropped when the invitation is used or
	 * revoked.  Rows stay after use, revocation or expiry: the list
	 * shows what became of each. */
	"CREATE TABLE invitations(id TEXT PRIMARY KEY,"
	" token_hash BLOB NOT NULL UNIQUE, kind INTEGER NOT NULL,"
	" principal_id TEXT NOT NULL, tenant_id TEXT NOT NULL DEFAULT '',"
	" device_id TEXT NOT NULL DEFAULT '', username TEXT NOT NULL,"
	" email TEXT NOT NULL, created_by TEXT NOT NULL,"
	" created INTEGER NOT NULL, expires INTEGER NOT NULL,"
	" used INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0,"
	" pending_totp BLOB, pending_password TEXT);"
	"CREATE INDEX invitations_tenant ON invitations(tenant_id, created);"
	"CREATE INDEX invitations_principal ON invitations(principal_id);"
	"CREATE INDEX invitations_created ON invitations(created);",
	/* 18 -> 19 (issue 13, directory; after passkeys' and invitations'
	 * migrations): incidents, a scope question kept with one report
	 * per tenant it found (the tenant's part, which its admins read),
	 * append-only like the entries they cite; and the indexes the
	 * console's request lists read by (an engineer's newest first, all
	 * newest first). */
	"CREATE TABLE incidents(id TEXT PRIMARY KEY, title TEXT NOT NULL,"
	" created_by TEXT NOT NULL, created INTEGER NOT NULL,"
	" time_from INTEGER NOT NULL, time_to INTEGER NOT NULL,"
	" size INTEGER NOT NULL, tenants INTEGER NOT NULL,"
	" doc TEXT NOT NULL);"
	"CREATE INDEX incidents_created ON incidents(created, id);"
	"CREATE TABLE incident_reports("
	" incident_id TEXT NOT NULL REFERENCES incidents(id),"
	" tenant_id TEXT NOT NULL, exposure TEXT NOT NULL,"
	" doc TEXT NOT NULL, PRIMARY KEY(tenant_id, incident_id))"
	" WITHOUT ROWID;"
	"CREATE TRIGGER incidents_no_update BEFORE UPDATE ON incidents"
	" BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;"
	"CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents"
	" BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;"
	"CREATE TRIGGER incident_reports_no_update BEFORE UPDATE ON"
	" incident_reports"
	" BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;"
	"CREATE TRIGGER incident_reports_no_delete BEFORE DELETE ON"
	" incident_reports"
	" BEGIN SELECT RAISE(ABORT, 'incidents are append-only'); END;"
	"CREATE INDEX grants_engineer_created ON grants(engineer_id,"
	" created, id);"
	"CREATE INDEX grants_created ON grants(created, id);",
	/* 19 -> 20 (issue 13, review): a console session is marked, so its
	 * token, lifted from the cookie, is refused as a bearer (where no
	 * step-up would be asked of a person without passkeys); a passkey
	 * keeps the session that registered it, so containing that session
	 * ends the passkey too. */
	"ALTER TABLE sessions ADD COLUMN console INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE passkeys ADD COLUMN created_session TEXT NOT NULL"
	" DEFAULT '';"
	"CREATE INDEX passkeys_created_session ON passkeys(created_session);",
	/* 20 -> 21 (issue 14, helper optok): named operator tokens with a
	 * scope (auth/optoken.h).  Only the token's SHA-256 is kept; a
	 * revoked token keeps its row (revoked, revoked_by) so the log's
	 * entries still name something; a name is unique among live
	 * tokens and may be taken again once revoked. */
	"CREATE TABLE operator_tokens(id TEXT PRIMARY KEY,"
	" name TEXT NOT NULL, scope INTEGER NOT NULL,"
	" token_hash BLOB NOT NULL UNIQUE, created INTEGER NOT NULL,"
	" created_by TEXT NOT NULL, expires INTEGER NOT NULL DEFAULT 0,"
	" revoked INTEGER, revoked_by TEXT,"
	" last_used INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX operator_tokens_live_name ON"
	" operator_tokens(name) WHERE revoked IS NULL;",
	/* 21 -> 22 (issue 14): the directory's lifecycle (directory/lifecycle.h).
	 * Vendors and engineers are active, suspended or offboarded (final)
	 * since status_changed; an engineer may have an address for
	 * invitations; a revoked device keeps its row for history and is
	 * refused at login and in sessions. */
	"ALTER TABLE vendors ADD COLUMN status INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE vendors ADD COLUMN status_changed INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE engineers ADD COLUMN email TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE engineers ADD COLUMN status_changed INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE devices ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX IF NOT EXISTS engineers_vendor ON engineers(vendor_id);",
	/* 22 -> 23 (issue 16, disclose; migration 25 at merge): the
	 * notices of an incident's publication, one per tenant told,
	 * append-only (scope/incident_publish.h). */
	"CREATE TABLE incident_notices("
	" incident_id TEXT NOT NULL REFERENCES incidents(id),"
	" tenant_id TEXT NOT NULL, exposure TEXT NOT NULL,"
	" created INTEGER NOT NULL, created_by TEXT NOT NULL,"
	" recipients INTEGER NOT NULL, doc TEXT NOT NULL,"
	" PRIMARY KEY(tenant_id, incident_id)) WITHOUT ROWID;"
	"CREATE INDEX incident_notices_incident ON"
	" incident_notices(incident_id);"
	"CREATE TRIGGER incident_notices_no_update BEFORE UPDATE ON"
	" incident_notices"
	" BEGIN SELECT RAISE(ABORT, 'incident notices are append-only'); END;"
	"CREATE TRIGGER incident_notices_no_delete BEFORE DELETE ON"
	" incident_notices"
	" BEGIN SELECT RAISE(ABORT, 'incident notices are append-only'); END;",
	/* 23 -> 24 (issue 16, the Okta import): the
	 * uuids of the Okta events imported, so that importing an export
	 * twice records each event once (importer/stream.h); imported is
	 * the import's time, in ms. */
	"CREATE TABLE okta_imported(uuid TEXT PRIMARY KEY,"
	" imported INTEGER NOT NULL);",
	/* 24 -> 25 (issue 16, the SIEM export): where
	 * each SIEM export destination stands -- the next log index to
	 * send, moved only after the destination acknowledged a batch
	 * (export/export.h) -- and when it last moved (ms). */
	"CREATE TABLE export_cursors(dest TEXT PRIMARY KEY,"
	" next INTEGER NOT NULL, updated INTEGER NOT NULL);",
};

#endif
