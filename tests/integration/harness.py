# SPDX-License-Identifier: ISC
"""Test harness: runs the real custosd on a free loopback port in a fresh
data directory and talks to it over HTTP.  Used by every test_*.py here.

Environment: CUSTOSD (path of the daemon), CUSTOS (path of the CLI); both
default to ../../build/.  Time-dependent tests start the daemon with a
test clock (Daemon(clock=T)) and move it with set_clock().

CUSTOS_TEST_BACKEND: sqlite (the default: DIR/custos.db) or postgresql.
On PostgreSQL every Daemon gets --store with a database of its own on the
cluster named by CUSTOS_PG_URL_FILE (the ctest fixture pg), or on a
cluster this process starts (pgserver.shared()); Daemon(join=other) is
another node on other's database.  Tests that read or tamper with the
store go through Daemon.db() (either backend); the few that only make
sense on SQLite carry @sqlite_only(reason).
"""
import base64
import email
import http.client
import itertools
import glob
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import nacl.signing

BACKEND = os.environ.get("CUSTOS_TEST_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgresql"):
    raise RuntimeError("CUSTOS_TEST_BACKEND: sqlite or postgresql, not %r"
                       % BACKEND)
PG = BACKEND == "postgresql"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CUSTOSD = os.environ.get("CUSTOSD", os.path.join(ROOT, "build", "custosd"))
CUSTOS = os.environ.get("CUSTOS", os.path.join(ROOT, "build", "custos"))

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# Loopback addresses for requests that must each come from a new source:
# custosd records only the first refusal of a kind per source and interval
# when the refusal names no one (audit/flood.h), so a test that checks the
# entry of every anonymous refusal sends each from its own address.
_SOURCES = ("127.%d.%d.%d" % (100 + (n >> 16) % 100, (n >> 8) & 255,
                              1 + n % 254) for n in itertools.count())


def fresh_source():
    """A loopback address no request of this process came from yet."""
    return next(_SOURCES)



def sqlite_only(reason):
    """Decorates a test (method or class) that only makes sense on SQLite:
    on PostgreSQL it is skipped, the reason printed (ctest -V shows it)."""
    def wrap(obj):
        if not PG:
            return obj
        print("skipped on PostgreSQL: %s" % reason)
        return unittest.skip("SQLite only: " + reason)(obj)
    return wrap


_db_users = {}          # PostgreSQL database URL -> Daemons using it


def pg_server():
    """The PostgreSQL cluster of this process's Daemons (pgserver.py)."""
    import pgserver
    return pgserver.shared()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def totp(secret=TOTP_SECRET, at=None):
    """A TOTP code made by oathtool, the independent implementation."""
    cmd = ["oathtool", "--totp", "-b", secret]
    if at is not None:
        cmd += ["--now", time.strftime("%Y-%m-%d %H:%M:%S UTC",
                                       time.gmtime(at))]
    return subprocess.check_output(cmd, text=True).strip()


class Response:
    def __init__(self, status, body, raw, headers):
        self.status = status
        self.body = body
        self.raw = raw
        self.headers = headers

    def __repr__(self):
        return "<%d %s>" % (self.status, self.raw[:300])


class Daemon:
    """custosd in a temporary directory; stop() kills it and removes it."""

    def __init__(self, clock=None, extra=(), quiet=True, store=None,
                 join=None, node_name=None, server=None):
        """store: a postgresql:// URL (default on PostgreSQL: a fresh
        database of server, else of pg_server()); join: another Daemon
        whose database, log.key, secrets.key, operator.token and log
        origin this node shares (a second node of one cluster);
        node_name: --node-name."""
        self.dir = tempfile.mkdtemp(prefix="custos-test-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.clock_file = None
        self.store = None
        self.server = server
        extra = list(extra)
        if join is not None:
            self.server = server or join.server
            store = store or join.store
            os.makedirs(self.data, mode=0o700)
            for name in ("log.key", "secrets.key", "operator.token"):
                src = os.path.join(join.data, name)
                if os.path.exists(src):
                    dst = os.path.join(self.data, name)
                    shutil.copyfile(src, dst)
                    os.chmod(dst, 0o600)
            if "--log-origin" not in extra:
                extra += ["--log-origin", join.origin()]
        if store is None and PG:
            store = (self.server or pg_server()).new_database()
        if store is not None:
            self.store = store
            _db_users.setdefault(store, set()).add(self)
        args = [CUSTOSD, "--data", self.data, "--listen",
                "127.0.0.1:%d" % self.port, "--pwhash-ops", "1",
                "--pwhash-mem", "8192"] + (["--quiet"] if quiet else [])
        if clock is not None:
            self.clock_file = os.path.join(self.dir, "clock")
            self.set_clock(clock)
            args += ["--test-clock", self.clock_file]
        args += list(extra) + self.store_args()
        if node_name is not None:
            args += ["--node-name", node_name]
        self.node_name = node_name
        self.args = args
        self.log = open(os.path.join(self.dir, "custosd.log"), "w")
        self.start()
        with open(os.path.join(self.data, "operator.token")) as f:
            self.operator = f.read().strip()

    def store_args(self):
        """The flags that name this Daemon's store: [] on SQLite (the
        default, DIR/custos.db), ["--store", URL] on PostgreSQL.  Tests
        that start custosd again by hand on self.data add these."""
        store = getattr(self, "store", None)
        return ["--store", store] if store else []

    def start(self, timeout=30):
        """Starts custosd with self.args (again, after stop(keep=True)
        or kill()) and waits until /v1/health answers 200."""
        self.proc = subprocess.Popen(self.args, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("custosd exited: " + self.read_log())
            try:
                if self.call("GET", "/v1/health").status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("custosd did not become ready")

    def kill(self):
        """kill -9: no clean shutdown; start() brings it back."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def origin(self):
        """The log's origin line (a checkpoint's first line)."""
        r = self.call("GET", "/v1/log/checkpoint")
        assert r.status == 200, r
        return r.raw.split("\n", 1)[0]

    def health(self):
        """GET /v1/health's body (None when it is not JSON)."""
        return self.call("GET", "/v1/health").body

    def roles(self):
        """The leases this node holds, from GET /v1/health's "roles"."""
        b = self.health() or {}
        return b.get("roles") or []

    def db(self):
        """The store, for tests that read or tamper with it (either
        backend): query(sql, params) -> rows, execute(sql, params);
        placeholders are "?".  close() when done."""
        if getattr(self, "store", None):
            return PgDb(self.store)
        return SqliteDb(os.path.join(self.data, "custos.db"))

    def db_unguard(self, table):
        """Lets tests change table's rows behind custosd's back: drops
        its append-only triggers on SQLite, disables its user triggers
        on PostgreSQL (the tamper tests play an intruder)."""
        db = self.db()
        try:
            if getattr(self, "store", None):
                db.execute('ALTER TABLE "%s" DISABLE TRIGGER USER' % table)
            else:
                for (name,) in db.query(
                        "SELECT name FROM sqlite_master WHERE type = "
                        "'trigger' AND tbl_name = ?", (table,)):
                    db.execute('DROP TRIGGER "%s"' % name)
        finally:
            db.close()

    def read_log(self):
        self.log.flush()
        with open(os.path.join(self.dir, "custosd.log")) as f:
            return f.read()

    def set_clock(self, t):
        tmp = self.clock_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%.3f" % t)
        os.replace(tmp, self.clock_file)

    def stop(self, keep=False):
        """Stops custosd (SIGTERM, then SIGKILL after 20 s) and returns
        its exit status; keep: keep DIR (and the database) for start()."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        if keep:
            return rc
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        users = _db_users.get(getattr(self, "store", None))
        if users is not None:
            users.discard(self)
            if not users:
                del _db_users[self.store]
                _drop_database(getattr(self, "server", None), self.store)
        return rc

    def call(self, method, path, body=None, token=None, raw=None,
             headers=None, source=None):
        """One HTTP request; body is JSON-encoded unless raw bytes given.
        source: the loopback address to send from (fresh_source())."""
        data = raw if raw is not None else (
            json.dumps(body).encode() if body is not None else None)
        if source is not None:
            return self._call_from(source, method, path, data, token,
                                   headers)
        req = urllib.request.Request(self.url + path, data=data,
                                     method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as f:
                text = f.read()
                status, hdrs = f.status, dict(f.headers)
        except urllib.error.HTTPError as e:
            text = e.read()
            status, hdrs = e.code, dict(e.headers)
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = None
        return Response(status, doc, text.decode("utf-8", "replace"), hdrs)

    def _call_from(self, source, method, path, data, token, headers):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=60,
                                          source_address=(source, 0))
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = "Bearer " + token
        try:
            conn.request(method, path, body=data, headers=hdrs)
            f = conn.getresponse()
            text, status, rh = f.read(), f.status, dict(f.headers)
        finally:
            conn.close()
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = None
        return Response(status, doc, text.decode("utf-8", "replace"), rh)

    def op(self, method, path, body=None):
        return self.call(method, path, body, token=self.operator)

    def entries(self, start=0):
        """Every log entry from start on, as (index, event, leaf bytes),
        read as the operator (GET /v1/log/entries is the operator's).  The
        leaf is the 49-byte sealed leaf the tree commits to; the event is
        the entry in clear."""
        return [(e["index"], e["event"], base64.b64decode(e["leaf"]))
                for e in self.entry_objects(start)]

    def entry_objects(self, start=0):
        """Every entry object from start on: {index, leaf, sealed, event}."""
        out = []
        while True:
            r = self.op("GET", "/v1/log/entries?start=%d" % start)
            assert r.status == 200, r
            out.extend(r.body["entries"])
            if not r.body["entries"]:
                return out
            start = r.body["entries"][-1]["index"] + 1

    def plain_entries(self, start=0):
        """Every entry from start on as (index, event, plaintext bytes):
        each sealed body opened (tests/integration/sealedleaf.py) with its
        tenant's log key, derived from DIR/secrets.key as custosd does, so
        that tests can search the exact bytes the log holds."""
        import sealedleaf
        with open(os.path.join(self.data, "secrets.key"), "rb") as f:
            master = sealedleaf.master_of(base64.b64decode(f.read().strip()))
        keys, out = {}, []
        for e in self.entry_objects(start):
            t = e["event"].get("tenant") or ""
            if t not in keys:
                keys[t] = sealedleaf.derive(sealedleaf.log_key(master, t))
            plain = sealedleaf.open_leaf(keys[t], e["index"],
                                         base64.b64decode(e["leaf"]),
                                         base64.b64decode(e["sealed"]))
            assert plain is not None, e
            assert json.loads(plain) == e["event"], e
            out.append((e["index"], e["event"], plain))
        return out

    def log_size(self):
        return self.op("GET", "/v1/log/entries?start=0&end=0").body["size"]

    def mails(self):
        """The messages in DIR/outbox/new, oldest first, parsed."""
        files = sorted(glob.glob(os.path.join(self.data, "outbox", "new",
                                              "*")), key=os.path.getmtime)
        out = []
        for p in files:
            with open(p, "rb") as f:
                out.append(email.message_from_bytes(f.read()))
        return out


def _drop_database(server, url):
    """The last node of a database stopped: drop it, so that a long
    ctest run leaves no thousand databases behind.  Best effort."""
    try:
        (server or pg_server()).drop_database(url)
    except Exception:       # noqa: the server may be gone already
        pass


def _pg_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "'\\x%s'::bytea" % bytes(v).hex()
    v = str(v)
    if "\0" in v:
        raise ValueError("PostgreSQL text cannot hold NUL")
    return "'" + v.replace("'", "''") + "'"


def _inline(sql, params):
    """sql with each ? replaced by params' next value as a literal (no ?
    inside the tests' string literals, so a plain split is enough)."""
    parts = sql.split("?")
    if len(parts) - 1 != len(params):
        raise ValueError("%d placeholders, %d params: %s"
                         % (len(parts) - 1, len(params), sql))
    out = [parts[0]]
    for v, rest in zip(params, parts[1:]):
        out += [_pg_literal(v), rest]
    return "".join(out)


class SqliteDb:
    """DIR/custos.db through Python's sqlite3."""

    def __init__(self, path):
        self.con = sqlite3.connect(path, timeout=30)

    def query(self, sql, params=()):
        return [tuple(bytes(x) if isinstance(x, memoryview) else x
                      for x in row)
                for row in self.con.execute(sql, tuple(params))]

    def execute(self, sql, params=()):
        self.con.execute(sql, tuple(params))
        self.con.commit()

    def executescript(self, script):
        self.con.executescript(script)
        self.con.commit()

    def close(self):
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


# psql's separators: unit and record separators, never in our data.
_FS, _RS, _NULL = "\x1f", "\x1e", "\x01NULL\x01"


class PgDb:
    """A PostgreSQL database through psql (no Python driver needed):
    each call is one psql run, so one transaction.  Values come back as
    SQLite's would: integers, floats, str, bytes (bytea), 1/0 (bool),
    None."""

    def __init__(self, url):
        import pgserver
        self.url = url
        self.psql = pgserver.psql

    def _records(self, out):
        """psql's unaligned output: records split by _RS, the last one
        ended by a newline; nothing at all for no rows."""
        if out == "":
            return []
        assert out.endswith("\n"), out
        return [r.split(_FS) for r in out[:-1].split(_RS)]

    def query(self, sql, params=()):
        sql = _inline(sql, tuple(params)).rstrip().rstrip(";")
        types = [r[1] for r in self._records(self.psql(
            self.url, None, ["-F", _FS, "-R", _RS],
            input=sql + " \\gdesc\n"))]
        out = self.psql(self.url, sql, ["-F", _FS, "-R", _RS, "-P",
                                        "null=" + _NULL])
        rows = []
        for vals in self._records(out):
            if len(vals) != len(types):
                raise RuntimeError("psql row %r for types %r"
                                   % (vals, types))
            rows.append(tuple(_pg_value(v, t) for v, t in zip(vals, types)))
        return rows

    def execute(self, sql, params=()):
        self.psql(self.url, _inline(sql, tuple(params)))

    def executescript(self, script):
        self.psql(self.url, None, ["-1"], input=script)

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def _pg_value(v, t):
    if v == _NULL:
        return None
    if t in ("smallint", "integer", "bigint"):
        return int(v)
    if t in ("real", "double precision", "numeric"):
        return float(v)
    if t == "boolean":
        return 1 if v == "t" else 0
    if t == "bytea":
        assert v.startswith("\\x"), v
        return bytes.fromhex(v[2:])
    return v


class World:
    """A small directory built through the operator API: one vendor with an
    engineer and a registered device, tenants of each policy, users."""

    def __init__(self, d):
        self.d = d
        self.key = nacl.signing.SigningKey.generate()
        pub = base64.b64encode(bytes(self.key.verify_key)).decode()
        ok = lambda r: r.status == 201 or _fail(r)
        ok(d.op("POST", "/v1/vendors", {"name": "Sitel", "id": "sitel"}))
        ok(d.op("POST", "/v1/vendors", {"name": "Other", "id": "other"}))
        self.eng_password = "engineer password 1"
        ok(d.op("POST", "/v1/engineers", {
            "id": "eng1", "username": "eng1", "vendor": "sitel",
            "password": self.eng_password, "totp_secret": TOTP_SECRET}))
        ok(d.op("POST", "/v1/engineers/eng1/devices", {
            "id": "dev1", "name": "laptop", "public_key": pub}))
        for tid, pol in (("auto", "auto_approve"),
                         ("appr", "approval_required"), ("deny", "deny")):
            ok(d.op("POST", "/v1/tenants", {
                "id": tid, "name": "Tenant " + tid, "support_policy": pol}))
            ok(d.op("POST", "/v1/tenants/%s/users" % tid, {
                "id": tid + "-user", "username": "user",
                "email": "user@%s.example" % tid,
                "password": "user password 12", "role": "user",
                "totp_secret": TOTP_SECRET}))
            ok(d.op("POST", "/v1/tenants/%s/users" % tid, {
                "id": tid + "-admin", "username": "admin",
                "email": "admin@%s.example" % tid,
                "password": "admin password 12", "role": "admin",
                "totp_secret": TOTP_SECRET}))
            ok(d.op("POST", "/v1/tenants/%s/tickets" % tid, {
                "id": tid + "-t1", "subject": "cannot log in",
                "body": "please help", "requester": "user@%s.example" % tid}))

    def engineer_login(self, at=None, username="eng1", password=None,
                       device="dev1", key=None, code=None):
        """Both login steps (the device first: step one takes username
        and device, verify the signature, password and code); returns the
        verify Response."""
        r = self.d.call("POST", "/v1/auth/login", {
            "username": username, "device": device})
        if r.status != 200:
            return r
        sig = (key or self.key).sign(r.body["challenge"].encode()).signature
        return self.d.call("POST", "/v1/auth/verify", {
            "login_id": r.body["login_id"],
            "password": password or self.eng_password,
            "totp": code or totp(at=at),
            "device_signature": base64.b64encode(sig).decode()})

    def tenant_login(self, tenant, who="admin", at=None):
        r = self.d.call("POST", "/v1/tenants/%s/auth/login" % tenant, {
            "username": who, "password": who + " password 12",
            "totp": totp(at=at)})
        assert r.status == 200, r
        return r.body["token"]


def _fail(r):
    raise AssertionError("unexpected answer: %r" % (r,))


class DaemonTest(unittest.TestCase):
    """A fresh daemon per test class; self.d and self.w.  quiet = False
    keeps custosd's informational log (read_log), e.g. the precise
    reasons of refused logins, which only the operator reads."""
    clock = None
    quiet = True

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(clock=cls.clock, quiet=cls.quiet)
        cls.w = World(cls.d)

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc
