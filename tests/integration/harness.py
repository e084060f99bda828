# SPDX-License-Identifier: ISC
"""Test harness: runs the real custosd on a free loopback port in a fresh
data directory and talks to it over HTTP.  Used by every test_*.py here.

Environment: CUSTOSD (path of the daemon), CUSTOS (path of the CLI); both
default to ../../build/.  Time-dependent tests start the daemon with a
test clock (Daemon(clock=T)) and move it with set_clock().
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
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import nacl.signing

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

    def __init__(self, clock=None, extra=(), quiet=True):
        self.dir = tempfile.mkdtemp(prefix="custos-test-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.clock_file = None
        args = [CUSTOSD, "--data", self.data, "--listen",
                "127.0.0.1:%d" % self.port, "--pwhash-ops", "1",
                "--pwhash-mem", "8192"] + (["--quiet"] if quiet else [])
        if clock is not None:
            self.clock_file = os.path.join(self.dir, "clock")
            self.set_clock(clock)
            args += ["--test-clock", self.clock_file]
        args += list(extra)
        self.log = open(os.path.join(self.dir, "custosd.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 30
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
        with open(os.path.join(self.data, "operator.token")) as f:
            self.operator = f.read().strip()

    def read_log(self):
        self.log.flush()
        with open(os.path.join(self.dir, "custosd.log")) as f:
            return f.read()

    def set_clock(self, t):
        tmp = self.clock_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%.3f" % t)
        os.replace(tmp, self.clock_file)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        rc = self.proc.returncode
        shutil.rmtree(self.dir, ignore_errors=True)
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
