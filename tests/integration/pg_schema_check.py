# SPDX-License-Identifier: ISC
"""Parity of the PostgreSQL schema (src/store/schema_pg.h) with the SQLite
one (src/store/schema_sqlite.h, its migrations).

Both scripts are read as the C compiler sees them: a small program that
includes schema_pg.h (and through it schema_sqlite.h, which also checks
the _Static_assert tying the migration counts) prints them.  SQLite's
migrations run in Python's sqlite3 as sqlite_migrate runs them; when a
custosd binary is at hand (CUSTOSD, or build/custosd) the schema of the
custos.db it creates is read too and must equal the replayed one.  The
PostgreSQL base script is loaded with psql into a fresh database: the one
named by CUSTOS_TEST_PG (a conninfo string or URL of a server where we may
CREATE DATABASE), else a throw-away PostgreSQL started here (initdb and
pg_ctl, as the postgres user when run as root, on a free loopback port).

Compared name by name: tables, columns (order, type class, nullability,
default, collation "C" for every text column), primary keys, unique
constraints, foreign keys, named indexes (columns, uniqueness, partial
predicate) and triggers; then the triggers' behaviour (append-only,
grow-only, users_version) and the bytewise ordering are exercised on both
engines with the same statements.  Exit status 0 when no difference.

Not registered in ctest yet (issue 15 preparation):
  python3 tests/integration/pg_schema_check.py [-v]
"""
import glob
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STORE = os.path.join(ROOT, "src", "store")

PG_ONLY_TABLES = {"schema_version", "log_head", "leases"}
PG_ONLY_INDEXES = {"schema_version_one"}
VERBOSE = "-v" in sys.argv

DUMP_C = r"""
#include "schema_pg.h"	/* first: the header must stand alone */
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	size_t i, n = sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0]);

	if (argc > 1 && strcmp(argv[1], "sqlite") == 0) {
		for (i = 0; i < n; i++)
			fwrite(sqlite_migrations[i], 1,
			    strlen(sqlite_migrations[i]) + 1, stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "counts") == 0) {
		printf("%d %zu %zu\n", PG_SCHEMA_BASE, (size_t)PG_MIGRATIONS, n);
		return 0;
	}
	fputs(pg_schema_base, stdout);
	/* Each migration, then its version, as pg_migrate runs them. */
	for (i = 0; pg_migrations[i] != NULL; i++)
		printf(";\n%s;\nUPDATE schema_version SET version = %d",
		    pg_migrations[i], (int)(PG_SCHEMA_BASE + i + 1));
	return 0;
}
"""


def log(*a):
    if VERBOSE:
        print(*a, file=sys.stderr)


# ---------------------------------------------------------------- scripts

def read_scripts(tmp):
    src = os.path.join(tmp, "dump.c")
    exe = os.path.join(tmp, "dump")
    with open(src, "w") as f:
        f.write(DUMP_C)
    cc = os.environ.get("CC", "cc")
    subprocess.check_call([cc, "-std=c17", "-Wall", "-Wextra", "-Werror",
                           "-Wmissing-prototypes", "-Wcast-qual",
                           "-I", STORE, src, "-o", exe])
    migs = subprocess.check_output([exe, "sqlite"]).split(b"\0")[:-1]
    base, nmig, nsq = subprocess.check_output(
        [exe, "counts"], text=True).split()
    pg = subprocess.check_output([exe], text=True)
    return [m.decode() for m in migs], int(base), int(nmig), int(nsq), pg


# ---------------------------------------------------------------- SQLite

def sqlite_replay(migs):
    """Runs the migrations as sqlite_migrate does (store_sqlite.c)."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA recursive_triggers=ON")
    for v, m in enumerate(migs):
        db.executescript("BEGIN IMMEDIATE;" + m +
                         ";PRAGMA user_version=%d;COMMIT;" % (v + 1))
    return db


def norm_expr(s):
    """A partial index's predicate or a default, without the casts and
    parentheses PostgreSQL adds when it prints them back."""
    if s is None:
        return None
    s = re.sub(r"::[a-z ]+", "", s)
    s = s.replace("(", "").replace(")", "")
    return re.sub(r"\s+", " ", s).strip().lower()


def sqlite_schema(db):
    out = {"tables": {}, "indexes": {}, "triggers": {}}
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
        "LIKE 'sqlite_%' ORDER BY name")]
    for t in tables:
        cols = []
        pk = []
        for cid, name, typ, notnull, dflt, pkn in db.execute(
                "PRAGMA table_info(%s)" % t):
            cols.append({"name": name, "type": typ.upper(),
                         "notnull": bool(notnull) or pkn > 0,
                         "default": norm_expr(dflt)})
            if pkn:
                pk.append((pkn, name))
        uniques = set()
        for _, iname, unique, origin, partial in db.execute(
                "PRAGMA index_list(%s)" % t):
            icols = tuple(r[2] for r in db.execute(
                "PRAGMA index_info(%s)" % iname))
            if origin == "u":
                uniques.add(icols)
            elif origin == "c":
                sql = db.execute("SELECT sql FROM sqlite_master WHERE "
                                 "name = ?", (iname,)).fetchone()[0]
                m = re.search(r"\bWHERE\b(.*)$", sql, re.S | re.I)
                out["indexes"][iname] = {
                    "table": t, "columns": icols, "unique": bool(unique),
                    "where": norm_expr(m.group(1)) if m else None}
        fks = set()
        for row in db.execute("PRAGMA foreign_key_list(%s)" % t):
            fks.add(((row[3],), row[2], (row[4],)))
        out["tables"][t] = {"columns": cols,
                            "pk": tuple(n for _, n in sorted(pk)),
                            "unique": uniques, "fks": fks}
    for name, tbl, sql in db.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = "
            "'trigger'"):
        m = re.search(r"\b(BEFORE|AFTER)\s+(INSERT|UPDATE|DELETE)\b", sql,
                      re.I)
        of = re.search(r"\bUPDATE\s+OF\s+(.*?)\s+ON\b", sql, re.S | re.I)
        out["triggers"][name] = {"table": tbl,
                                 "timing": m.group(1).upper(),
                                 "event": m.group(2).upper(),
                                 "of": sorted(c.strip() for c in
                                              of.group(1).split(","))
                                 if of else []}
    return out


def custosd_db(tmp):
    """The schema of the custos.db a real custosd creates, or None."""
    exe = os.environ.get("CUSTOSD", os.path.join(ROOT, "build", "custosd"))
    if not os.access(exe, os.X_OK):
        log("no custosd at %s: the migrations are replayed only" % exe)
        return None
    os.environ["CUSTOSD"] = exe
    sys.path.insert(0, HERE)
    try:
        import harness
    except ImportError as e:    # harness needs nacl (/usr/bin/python3)
        print("note: custosd's own custos.db not read: %s" % e)
        return None
    d = harness.Daemon()
    try:
        src = sqlite3.connect("file:%s?mode=ro" %
                              os.path.join(d.data, "custos.db"), uri=True)
        db = sqlite3.connect(":memory:")
        src.backup(db)
        src.close()
    finally:
        d.stop()
    return db


# ---------------------------------------------------------------- PostgreSQL

class PgServer:
    """A throw-away PostgreSQL on a free loopback port."""

    def __init__(self, tmp):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins and shutil.which("initdb") is None:
            raise RuntimeError("no initdb: apt-get install postgresql")
        bindir = os.path.dirname(bins[-1] if bins else
                                 shutil.which("initdb"))
        self.dir = os.path.join(tmp, "pg")
        os.mkdir(self.dir)
        self.user = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(tmp, 0o755)
            self.user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        data = os.path.join(self.dir, "data")
        self.pg_ctl = [os.path.join(bindir, "pg_ctl"), "-D", data]
        subprocess.check_call(self.user + [
            os.path.join(bindir, "initdb"), "-D", data, "-E", "UTF8",
            "--locale=C.UTF-8", "-A", "trust", "-U", "postgres"],
            stdout=subprocess.DEVNULL)
        subprocess.check_call(self.user + self.pg_ctl + [
            "-w", "-l", os.path.join(self.dir, "log"), "-o",
            "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off" %
            (self.port, self.dir), "start"], stdout=subprocess.DEVNULL)
        self.conninfo = "host=127.0.0.1 port=%d user=postgres" % self.port

    def stop(self):
        subprocess.call(self.user + self.pg_ctl + ["-m", "fast", "stop"],
                        stdout=subprocess.DEVNULL)


class Pg:
    def __init__(self, conninfo):
        self.conninfo = conninfo

    def psql(self, sql, db=None, check=True):
        info = self.conninfo
        if db and re.match(r"postgres(ql)?://", info):
            u = urllib.parse.urlsplit(info)
            info = urllib.parse.urlunsplit(u._replace(path="/" + db))
        elif db:
            info += " dbname=%s" % db
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v",
                            "ON_ERROR_STOP=1", "-d", info],
                           input=sql, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise RuntimeError("psql: %s" % p.stderr.strip())
        return p

    def json(self, sql, db):
        out = self.psql("SELECT coalesce(json_agg(q), '[]') FROM (%s) q" %
                        sql, db).stdout.strip()
        return json.loads(out)


def pg_schema(pg, db):
    out = {"tables": {}, "indexes": {}, "triggers": {}, "collation": {}}
    for r in pg.json(
            "SELECT table_name t, column_name c, data_type ty,"
            " is_nullable n, column_default d, collation_name coll"
            " FROM information_schema.columns WHERE table_schema = 'public'"
            " ORDER BY table_name, ordinal_position", db):
        t = out["tables"].setdefault(r["t"], {"columns": [], "pk": (),
                                              "unique": set(),
                                              "fks": set()})
        t["columns"].append({"name": r["c"], "type": r["ty"],
                             "notnull": r["n"] == "NO",
                             "default": norm_expr(r["d"]),
                             "collation": r["coll"]})
    for r in pg.json(
            "SELECT c.conrelid::regclass::text t, c.contype k,"
            " c.conname n,"
            " (SELECT array_agg(a.attname ORDER BY x.o) FROM"
            "  unnest(c.conkey) WITH ORDINALITY x(k, o) JOIN pg_attribute a"
            "  ON a.attrelid = c.conrelid AND a.attnum = x.k) cols,"
            " c.confrelid::regclass::text rt,"
            " (SELECT array_agg(a.attname ORDER BY x.o) FROM"
            "  unnest(c.confkey) WITH ORDINALITY x(k, o) JOIN pg_attribute a"
            "  ON a.attrelid = c.confrelid AND a.attnum = x.k) rcols"
            " FROM pg_constraint c JOIN pg_namespace s"
            " ON s.oid = c.connamespace WHERE s.nspname = 'public'", db):
        t = out["tables"][r["t"]]
        if r["k"] == "p":
            t["pk"] = tuple(r["cols"])
        elif r["k"] == "u":
            t["unique"].add(tuple(r["cols"]))
        elif r["k"] == "f":
            t["fks"].add((tuple(r["cols"]), r["rt"], tuple(r["rcols"])))
    for r in pg.json(
            "SELECT i.relname n, t.relname t, x.indisunique u,"
            " pg_get_expr(x.indpred, x.indrelid) p,"
            " (SELECT array_agg(coalesce(a.attname, '<expr>') ORDER BY k.o)"
            "  FROM unnest(x.indkey) WITH ORDINALITY k(k, o) LEFT JOIN"
            "  pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.k)"
            " cols, EXISTS (SELECT 1 FROM pg_constraint c"
            "  WHERE c.conindid = x.indexrelid) bycon"
            " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace s"
            " ON s.oid = t.relnamespace WHERE s.nspname = 'public'", db):
        if r["bycon"]:
            continue
        out["indexes"][r["n"]] = {"table": r["t"],
                                  "columns": tuple(r["cols"]),
                                  "unique": r["u"],
                                  "where": norm_expr(r["p"])}
    for r in pg.json(
            "SELECT g.tgname n, c.relname t, g.tgtype ty,"
            " (SELECT coalesce(array_agg(a.attname::text ORDER BY"
            "  a.attname), '{}') FROM pg_attribute a WHERE a.attrelid ="
            "  g.tgrelid AND a.attnum = ANY (g.tgattr)) ofs"
            " FROM pg_trigger g"
            " JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal",
            db):
        ty = r["ty"]
        event = ("INSERT" if ty & 4 else "DELETE" if ty & 8 else
                 "UPDATE" if ty & 16 else "TRUNCATE" if ty & 32 else "?")
        out["triggers"][r["n"]] = {"table": r["t"],
                                   "timing": "BEFORE" if ty & 2 else "AFTER",
                                   "event": event,
                                   "of": sorted(r["ofs"]),
                                   "row": bool(ty & 1)}
    return out


# ---------------------------------------------------------------- comparison

TYPES = {"INTEGER": "bigint", "TEXT": "text", "BLOB": "bytea"}


def compare(sq, pg):
    diffs = []
    st, pt = set(sq["tables"]), set(pg["tables"])
    for t in sorted(st - pt):
        diffs.append("table %s: only in SQLite" % t)
    for t in sorted(pt - st - PG_ONLY_TABLES):
        diffs.append("table %s: only in PostgreSQL" % t)
    for t in sorted(PG_ONLY_TABLES - pt):
        diffs.append("table %s: the PostgreSQL-only table is missing" % t)
    for t in sorted(st & pt):
        a, b = sq["tables"][t], pg["tables"][t]
        an = [c["name"] for c in a["columns"]]
        bn = [c["name"] for c in b["columns"]]
        if an != bn:
            diffs.append("table %s: columns %s (SQLite) vs %s (PostgreSQL)"
                         % (t, an, bn))
        bycol = {c["name"]: c for c in b["columns"]}
        for c in a["columns"]:
            d = bycol.get(c["name"])
            if d is None:
                continue
            where = "column %s.%s" % (t, c["name"])
            want = TYPES.get(c["type"])
            if want is None:
                diffs.append("%s: SQLite type %s has no rule" %
                             (where, c["type"]))
            elif d["type"] != want:
                diffs.append("%s: %s, want %s" % (where, d["type"], want))
            if c["notnull"] != d["notnull"]:
                diffs.append("%s: NOT NULL %s (SQLite) vs %s (PostgreSQL)"
                             % (where, c["notnull"], d["notnull"]))
            if c["default"] != d["default"]:
                diffs.append("%s: DEFAULT %r (SQLite) vs %r (PostgreSQL)"
                             % (where, c["default"], d["default"]))
        for key in ("pk", "unique", "fks"):
            if a[key] != b[key]:
                diffs.append("table %s: %s %s (SQLite) vs %s (PostgreSQL)"
                             % (t, key, sorted(a[key]) if key != "pk" else
                                a[key], sorted(b[key]) if key != "pk" else
                                b[key]))
    # Every integer is bigint and every text column bytewise, PG-only
    # tables included (one binding type; keyset paging order).
    for t, tb in pg["tables"].items():
        for c in tb["columns"]:
            where = "column %s.%s" % (t, c["name"])
            if c["type"] in ("integer", "smallint", "numeric"):
                diffs.append("%s: %s, want bigint" % (where, c["type"]))
            if c["type"] == "text" and c["collation"] != "C":
                diffs.append("%s: collation %r, want \"C\"" %
                             (where, c["collation"]))
    si, pi = set(sq["indexes"]), set(pg["indexes"])
    for i in sorted(si - pi):
        diffs.append("index %s: only in SQLite" % i)
    for i in sorted(pi - si - PG_ONLY_INDEXES):
        diffs.append("index %s: only in PostgreSQL" % i)
    for i in sorted(si & pi):
        if sq["indexes"][i] != pg["indexes"][i]:
            diffs.append("index %s: %s (SQLite) vs %s (PostgreSQL)" %
                         (i, sq["indexes"][i], pg["indexes"][i]))
    sg, pgt = sq["triggers"], pg["triggers"]
    for n in sorted(set(sg) - set(pgt)):
        diffs.append("trigger %s: only in SQLite" % n)
    for n in sorted(set(pgt) - set(sg)):
        x = pgt[n]
        if x["event"] != "TRUNCATE" or not n.endswith("_no_truncate"):
            diffs.append("trigger %s: only in PostgreSQL" % n)
        elif (n[:-len("_no_truncate")] + "_no_delete") not in sg:
            diffs.append("trigger %s: no delete trigger to match" % n)
    for n in sorted(set(sg) & set(pgt)):
        a, b = sg[n], pgt[n]
        if (a["table"], a["timing"], a["event"], a["of"]) != \
                (b["table"], b["timing"], b["event"], b["of"]) or \
                not b["row"]:
            diffs.append("trigger %s: %s (SQLite) vs %s (PostgreSQL)" %
                         (n, a, b))
    # A table with an append-only guard also refuses TRUNCATE.
    for n in sg:
        if n.endswith("_no_delete") and \
                n[:-len("_no_delete")] + "_no_truncate" not in pgt:
            diffs.append("trigger %s: no TRUNCATE guard on PostgreSQL" % n)
    return diffs


# ---------------------------------------------------------------- behaviour

# (statement, expectation): "ok", "refused" (any error), or a list of rows
# the query must return (as text).  {B:hex} is a blob literal.
BEHAVIOUR = [
    ("INSERT INTO vendors(id, name, created) VALUES ('v1', 'V', 1)", "ok"),
    ("INSERT INTO tenants(id, name, policy, created) VALUES"
     " ('t1', 'One', 0, 1), ('t2', 'Two', 0, 1)", "ok"),
    ("INSERT INTO users(tenant_id, id, username, email, role, status,"
     " password_hash, mfa_enrolled, created) VALUES"
     " ('t1', 'u1', 'ann', 'a@x', 0, 0, 'h', 0, 1)", "ok"),
    ("SELECT users_version FROM tenants ORDER BY id", ["1", "0"]),
    ("UPDATE users SET email = 'b@x' WHERE id = 'u1'", "ok"),
    ("SELECT users_version FROM tenants ORDER BY id", ["2", "0"]),
    ("UPDATE users SET password_hash = 'h2' WHERE id = 'u1'", "ok"),
    ("SELECT users_version FROM tenants ORDER BY id", ["2", "0"]),
    ("UPDATE users SET tenant_id = 't2' WHERE id = 'u1'", "ok"),
    ("SELECT users_version FROM tenants ORDER BY id", ["3", "1"]),
    ("DELETE FROM users WHERE id = 'u1'", "ok"),
    ("SELECT users_version FROM tenants ORDER BY id", ["3", "2"]),
    ("INSERT INTO users(tenant_id, id, username, email, role, status,"
     " password_hash, mfa_enrolled, created) VALUES"
     " ('nope', 'u2', 'bob', 'b@x', 0, 0, 'h', 0, 1)", "refused"),
    ("INSERT INTO entries(idx, time, actor_id, tenant_id, action,"
     " session_id, device_id, source, allowed, bytes) VALUES"
     " (0, 1, 'e', 't1', 'tenant.support_policy', '', '', '', 1, {B:7b7d})",
     "ok"),
    ("UPDATE entries SET time = 2", "refused"),
    ("DELETE FROM entries", "refused"),
    ("SELECT count(*) FROM entries", ["1"]),
    ("INSERT INTO entries(idx, time, actor_id, tenant_id, action,"
     " session_id, device_id, source, allowed, bytes) VALUES"
     " (0, 1, 'e', 't1', 'x', '', '', '', 1, {B:7b7d})", "refused"),
    ("INSERT INTO tiles(level, idx, hashes) VALUES (0, 0, {B:0102})", "ok"),
    ("UPDATE tiles SET hashes = {B:010203}", "ok"),
    ("UPDATE tiles SET hashes = {B:0102}", "refused"),
    ("UPDATE tiles SET hashes = {B:01ff0304}", "refused"),
    ("UPDATE tiles SET hashes = {B:010203}", "ok"),
    ("DELETE FROM tiles", "refused"),
    ("INSERT INTO tiles(level, idx, hashes) VALUES (0, 0, {B:010203ff})"
     " ON CONFLICT(level, idx) DO UPDATE SET hashes = excluded.hashes"
     " WHERE tiles.hashes <> excluded.hashes", "ok"),
    ("INSERT INTO tiles(level, idx, hashes) VALUES (0, 0, {B:00})"
     " ON CONFLICT(level, idx) DO UPDATE SET hashes = excluded.hashes"
     " WHERE tiles.hashes <> excluded.hashes", "refused"),
    ("INSERT INTO checkpoints(size, time, note) VALUES (1, 1, 'n')", "ok"),
    ("INSERT INTO checkpoints(size, time, note) VALUES (1, 2, 'm')"
     " ON CONFLICT(size) DO NOTHING", "ok"),
    ("SELECT note FROM checkpoints", ["n"]),
    ("UPDATE checkpoints SET note = 'x'", "refused"),
    ("DELETE FROM checkpoints", "refused"),
    ("INSERT INTO entry_keys(chunk, kind, key, first, t0, n, tmin, tmax,"
     " list) VALUES (0, 0, 'e', 0, 1, 1, 1, 1, {B:00})", "ok"),
    ("UPDATE entry_keys SET n = 2", "refused"),
    ("DELETE FROM entry_keys", "refused"),
    ("INSERT INTO incidents(id, title, created_by, created, time_from,"
     " time_to, size, tenants, doc) VALUES ('i1', 'T', 'op', 1, 0, 1, 1,"
     " 1, '{}')", "ok"),
    ("INSERT INTO incident_reports(incident_id, tenant_id, exposure, doc)"
     " VALUES ('i1', 't1', 'none', '{}')", "ok"),
    ("UPDATE incidents SET title = 'U'", "refused"),
    ("DELETE FROM incidents", "refused"),
    ("UPDATE incident_reports SET doc = 'x'", "refused"),
    ("DELETE FROM incident_reports", "refused"),
    ("INSERT INTO operator_tokens(id, name, scope, token_hash, created,"
     " created_by) VALUES ('o1', 'ci', 1, {B:01}, 1, 'root')", "ok"),
    ("INSERT INTO operator_tokens(id, name, scope, token_hash, created,"
     " created_by) VALUES ('o2', 'ci', 1, {B:02}, 1, 'root')", "refused"),
    ("UPDATE operator_tokens SET revoked = 2, revoked_by = 'root'"
     " WHERE id = 'o1' AND revoked IS NULL", "ok"),
    ("INSERT INTO operator_tokens(id, name, scope, token_hash, created,"
     " created_by) VALUES ('o2', 'ci', 1, {B:02}, 1, 'root')", "ok"),
    ("INSERT INTO operator_tokens(id, name, scope, token_hash, created,"
     " created_by) VALUES ('o3', 'cd', 1, {B:02}, 1, 'root')", "refused"),
    # Bytewise order and ASCII-only case folding, as SQLite's BINARY
    # collation and lower() give (keyset paging must agree).
    ("INSERT INTO vendors(id, name, created) VALUES ('v2', 'b', 1),"
     " ('v3', 'B', 1), ('v4', '\u00e9', 1), ('v5', 'Z', 1),"
     " ('v6', 'a b', 1), ('v7', 'ab', 1), ('v8', '\u00c9a', 1)", "ok"),
    ("SELECT name FROM vendors ORDER BY name",
     ["B", "V", "Z", "a b", "ab", "b", "\u00c9a", "\u00e9"]),
    ("SELECT id FROM vendors WHERE name > 'Z' ORDER BY name, id LIMIT 2",
     ["v6", "v7"]),
    ("SELECT lower(name) FROM vendors WHERE id = 'v8'", ["\u00c9a"]),
    ("SELECT id FROM vendors WHERE name = 'b'", ["v2"]),
]


def run_behaviour(name, execute):
    diffs = []
    for sql, want in BEHAVIOUR:
        ok, rows, err = execute(sql)
        got = "ok" if ok else "refused"
        if want in ("ok", "refused"):
            if got != want:
                diffs.append("%s: %s: %s, want %s%s" % (
                    name, sql, got, want, " (%s)" % err if err else ""))
        elif not ok or rows != want:
            diffs.append("%s: %s: %s, want %s" % (
                name, sql, rows if ok else err, want))
    return diffs


def sqlite_execute(db):
    def run(sql):
        sql = re.sub(r"\{B:([0-9a-f]*)\}", r"X'\1'", sql)
        try:
            rows = db.execute(sql).fetchall()
        except sqlite3.Error as e:
            return False, None, str(e)
        return True, [str(r[0]) for r in rows], None
    return run


def pg_execute(pg, db):
    def run(sql):
        sql = re.sub(r"\{B:([0-9a-f]*)\}", r"'\\x\1'::bytea", sql)
        p = pg.psql(sql, db, check=False)
        if p.returncode != 0:
            return False, None, p.stderr.strip()
        return True, p.stdout.splitlines(), None
    return run


# ---------------------------------------------------------------- main

def main():
    tmp = tempfile.mkdtemp(prefix="custos-pgschema-")
    server = None
    diffs = []
    try:
        migs, base, nmig, nsq, pgsql = read_scripts(tmp)
        log("SQLite migrations: %d; PostgreSQL base %d + %d migrations" %
            (len(migs), base, nmig))
        if base + nmig != nsq or nsq != len(migs):
            diffs.append("counts: base %d + %d PostgreSQL migrations, %d "
                         "SQLite ones" % (base, nmig, nsq))
        sq = sqlite_replay(migs)
        sqs = sqlite_schema(sq)
        real = custosd_db(tmp)
        if real is not None:
            rs = sqlite_schema(real)
            if rs != sqs:
                diffs.append("custosd's custos.db differs from the replayed "
                             "migrations")
            v = real.execute("PRAGMA user_version").fetchone()[0]
            if v != len(migs):
                diffs.append("custosd's custos.db is at version %d, not %d"
                             % (v, len(migs)))
            log("custosd's custos.db: version %d, %d tables" %
                (v, len(rs["tables"])))
        url = os.environ.get("CUSTOS_TEST_PG")
        if not url:
            server = PgServer(tmp)
            url = server.conninfo
        pg = Pg(url)
        dbname = "custos_schema_%d_%d" % (os.getpid(), int(time.time()))
        pg.psql("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'"
                " LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" % dbname)
        try:
            # One transaction, as pg_migrate runs it.
            pg.psql("BEGIN;\n" + pgsql + ";\nCOMMIT;", dbname)
            pgs = pg_schema(pg, dbname)
            log("PostgreSQL: %d tables, %d named indexes, %d triggers" %
                (len(pgs["tables"]), len(pgs["indexes"]),
                 len(pgs["triggers"])))
            diffs += compare(sqs, pgs)
            ver = pg.psql("SELECT version FROM schema_version", dbname)
            if ver.stdout.split() != [str(base + nmig)]:
                diffs.append("schema_version holds %r" % ver.stdout)
            head = pg.psql("SELECT id, size FROM log_head", dbname)
            if head.stdout.split() != ["1|0"]:
                diffs.append("log_head holds %r" % head.stdout)
            diffs += run_behaviour("SQLite", sqlite_execute(sq))
            diffs += run_behaviour("PostgreSQL", pg_execute(pg, dbname))
            for sql in ("TRUNCATE entries", "TRUNCATE tiles",
                        "TRUNCATE checkpoints", "TRUNCATE entry_keys",
                        "TRUNCATE incidents CASCADE",
                        "TRUNCATE incident_reports",
                        "INSERT INTO schema_version VALUES (99)",
                        "INSERT INTO log_head VALUES (2, 0)",
                        "UPDATE log_head SET size = -1"):
                if pg.psql(sql, dbname, check=False).returncode == 0:
                    diffs.append("PostgreSQL: %s: not refused" % sql)
        finally:
            pg.psql("DROP DATABASE %s" % dbname, check=False)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for d in diffs:
        print("DIFF", d)
    if diffs:
        print("%d difference(s)" % len(diffs))
        return 1
    print("schemas agree: %d tables, %d named indexes, %d triggers "
          "(+ TRUNCATE guards), behaviour the same" %
          (len(sqs["tables"]), len(sqs["indexes"]), len(sqs["triggers"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
