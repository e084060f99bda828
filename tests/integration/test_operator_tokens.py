# SPDX-License-Identifier: ISC
"""Named operator tokens with scopes (issue 14), over HTTP and the CLI.

The scopes are held to the action table as `custosd --actions` prints it
and to the rules of the design, written out here as data: an auditor
token changes nothing (every route of the table that is not a GET, but
the scope question, answers it 403 operator_scope and the directory, the
tokens and the containments are as they were), and reads everything the
operator may read; a directory token changes the directory and no
containment; a responder contains and lifts, asks scope, and changes no
directory.  Only the root token (and operator persons) manage tokens.  A
revoked or expired token is refused on its next use; every use is in the
log under the token's id with its name and scope, and no answer but the
one that made it, and no entry, carries a token.  Rotating the root
token refuses the old one at once, answers the new one once, rewrites
DIR/operator.token (0600) and survives a restart.  The CLI's
`custos operator-token` is driven the same way through build/custos.
"""
import json
import os
import re
import stat
import subprocess
import tempfile
import time
import unittest

import harness
from harness import CUSTOS, CUSTOSD, Daemon, DaemonTest, World

TOKEN_RE = re.compile(r"^cop_[a-z2-7]{52}$")
REASON = "optok test: checking scopes"

# Scopes, as data (OPS.md): what each scope may do beyond the reads every
# scope makes.  Names are the action table's.
# The directory's changes: of its objects (create, suspend, resume,
# offboard, re-enrol, revoke ... of vendors, engineers, devices, tenants,
# users, tickets, invitations) and imports of the world.
DIRECTORY_OBJECTS = ("vendor.", "engineer.", "device.", "tenant.", "user.",
                     "ticket.", "invitation.")
RESPONDER_WRITES = {"containment", "containment.lift", "incident.create",
                    "engineer.working_hours",
                    "incident.publish"}     # issue 16: telling tenants


def directory_write(name):
    return name.startswith(DIRECTORY_OBJECTS) or name == "import"
ROOT_ONLY = {"operator_token.create", "operator_token.list",
             "operator_token.revoke", "operator_token.rotate_root",
             "operator.create", "access_request.break_glass"}


def action_table():
    out = subprocess.run([CUSTOSD, "--actions"], check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line]


def operator_routes():
    """(method, pattern, name, scopes) of every route the operator may
    attempt."""
    return [(r["method"], r["pattern"], r["name"], set(r["scopes"]))
            for r in action_table() if "operator" in r["who"]]


def fill(pattern):
    return pattern.replace("{t}", "auto").replace("{u}", "auto-user") \
        .replace("{id}", "probe-id").replace("*", "0/000.p/1")


def make(d, name, scope, **more):
    body = {"name": name, "scope": scope}
    body.update(more)
    r = d.op("POST", "/v1/operator-tokens", body)
    assert r.status == 201, r
    return r.body


class ScopesDocumented(unittest.TestCase):
    """docs/openapi.yaml's x-custos-scopes (absent: every scope for a
    GET, none otherwise) are the action table's, operation by
    operation."""

    def test_yaml_scopes_equal_table(self):
        import test_openapi
        ops = test_openapi.operations(test_openapi.load_spec())
        problems = []
        for r in action_table():
            if "operator" not in r["who"]:
                continue
            op = ops.get((r["method"], r["pattern"]))
            if op is None:
                problems.append("undocumented: %s %s" % (r["method"],
                                                         r["pattern"]))
                continue
            doc = op.get("x-custos-scopes")
            if doc is None:
                doc = ["directory", "responder", "auditor"] \
                    if r["method"] == "GET" else []
            if set(doc) != set(r["scopes"]):
                problems.append("%s %s: yaml %s, table %s" % (
                    r["method"], r["pattern"], doc, r["scopes"]))
        self.assertEqual(problems, [])


class Scopes(DaemonTest):
    """One daemon, a token of each scope."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tok = {s: make(cls.d, s + "-1", s)
                   for s in ("directory", "responder", "auditor")}

    def call(self, scope, method, path, body=None):
        return self.d.call(method, path, body, token=self.tok[scope]["token"])

    def entries_since(self, start):
        return [e for _, e, _ in self.d.entries(start)]

    def snapshot(self):
        """What an operator may change, as the root token reads it."""
        out = {}
        for p in ("/v1/vendors", "/v1/engineers", "/v1/tenants",
                  "/v1/invitations", "/v1/containment?all=1",
                  "/v1/operators", "/v1/incidents",
                  "/v1/access-requests"):
            r = self.d.op("GET", p)
            self.assertEqual(r.status, 200, (p, r))
            out[p] = r.body
        for t in ("auto", "appr", "deny"):
            for p in ("/v1/tenants/%s/users" % t,
                      "/v1/tenants/%s/invitations" % t, "/v1/tenants/%s" % t):
                out[p] = self.d.op("GET", p).body
        r = self.d.op("GET", "/v1/operator-tokens")
        out["tokens"] = [{k: v for k, v in t.items() if k != "last_used"}
                         for t in r.body["tokens"]]
        return out

    def test_table_gives_scopes_as_the_design_says(self):
        for method, pattern, name, scopes in operator_routes():
            if name in ROOT_ONLY:
                self.assertEqual(scopes, set(), name)
                continue
            if method == "GET":
                self.assertEqual(scopes, {"directory", "responder",
                                          "auditor"}, name)
                continue
            want = set()
            if directory_write(name):
                want.add("directory")
            if name in RESPONDER_WRITES:
                want.add("responder")
            if name == "scope":         # a question: every scope's
                want = {"directory", "responder", "auditor"}
            self.assertEqual(scopes, want, (method, pattern, name))

    def test_auditor_cannot_change_anything(self):
        before = self.snapshot()
        start = self.d.log_size()
        tried = set()
        for method, pattern, name, _ in operator_routes():
            if method == "GET" or name == "scope":
                continue
            # A body a change would accept where the route takes one.
            body = {"name": "x", "reason": REASON, "engineer": "eng1",
                    "username": "z", "email": "z@example.org",
                    "vendor": "sitel", "scope": "auditor"}
            r = self.call("auditor", method, fill(pattern), body)
            self.assertEqual(r.status, 403, (method, pattern, r))
            self.assertEqual(r.body["error"]["code"], "forbidden")
            tried.add(name)
        self.assertGreater(len(tried), 20)
        self.assertEqual(self.snapshot(), before)
        mine = [e for e in self.entries_since(start)
                if e["actor"]["id"] == self.tok["auditor"]["id"]]
        self.assertEqual({e["action"] for e in mine}, tried)
        for e in mine:
            self.assertEqual((e["outcome"], e["reason"]),
                             ("denied", "operator_scope"), e)
            self.assertEqual(e["detail"]["operator_token"], "auditor-1")
            self.assertEqual(e["detail"]["scope"], "auditor")

    def test_auditor_reads_what_the_operator_reads(self):
        for method, pattern, name, _ in operator_routes():
            if method != "GET" or name in ROOT_ONLY:
                continue
            r = self.call("auditor", method, fill(pattern))
            self.assertNotEqual(r.status, 403, (pattern, r))
            self.assertNotEqual(r.status, 401, (pattern, r))
        r = self.call("auditor", "POST", "/v1/scope", {
            "principals": {"engineers": ["eng1"]},
            "from": "2020-01-01T00:00:00Z", "to": "2040-01-01T00:00:00Z"})
        self.assertEqual(r.status, 200, r)

    def test_directory_changes_the_directory_not_containment(self):
        r = self.call("directory", "POST", "/v1/vendors",
                      {"name": "By directory", "id": "by-dir"})
        self.assertEqual(r.status, 201, r)
        r = self.call("directory", "POST", "/v1/tenants/auto/users", {
            "id": "dir-made", "username": "dirmade",
            "email": "dm@auto.example", "password": "long enough pass 1",
            "role": "user"})
        self.assertEqual(r.status, 201, r)
        r = self.call("directory", "POST", "/v1/containment",
                      {"engineer": "eng1", "reason": REASON})
        self.assertEqual(r.status, 403, r)
        self.assertIn("responder", r.body["error"]["message"])
        self.assertIn("directory", r.body["error"]["message"])
        r = self.call("directory", "GET", "/v1/alerts")
        self.assertEqual(r.status, 200, r)

    def test_directory_token_invites_people_but_no_operator(self):
        # An operator person has every operator power: inviting one
        # would let a directory token make itself root.
        r = self.call("directory", "POST", "/v1/invitations", {
            "kind": "operator", "username": "evil",
            "email": "evil@attacker.example"})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.body["error"]["code"], "forbidden")
        self.assertNotIn("evil@attacker.example",
                         "".join(str(m) for m in self.d.mails()))
        r = self.d.op("POST", "/v1/engineers", {
            "id": "inv-eng", "username": "inveng", "vendor": "sitel"})
        self.assertEqual(r.status, 201, r)
        r = self.call("directory", "POST", "/v1/invitations", {
            "kind": "engineer", "engineer": "inv-eng",
            "email": "inveng@sitel.example"})
        self.assertEqual(r.status, 201, r)
        # Nor may it revoke the root's invitation of an operator.
        r = self.d.op("POST", "/v1/invitations", {
            "kind": "operator", "username": "good",
            "email": "good@ops.example"})
        self.assertEqual(r.status, 201, r)
        r = self.call("directory", "DELETE", "/v1/invitations/" +
                      r.body["id"])
        self.assertEqual(r.status, 403, r)

    def test_responder_contains_and_lifts_not_the_directory(self):
        r = self.d.op("POST", "/v1/engineers", {
            "id": "resp-eng", "username": "respeng", "vendor": "sitel",
            "password": "long enough pass 2"})
        self.assertEqual(r.status, 201, r)
        r = self.call("responder", "POST", "/v1/containment",
                      {"engineer": "resp-eng", "reason": REASON})
        self.assertIn(r.status, (200, 201), r)
        cid = r.body["id"]
        r = self.call("responder", "POST", "/v1/containment/%s/lift" % cid,
                      {"reason": REASON})
        self.assertEqual(r.status, 200, r)
        r = self.call("responder", "POST", "/v1/vendors", {"name": "no"})
        self.assertEqual(r.status, 403, r)
        r = self.call("responder", "POST", "/v1/tenants/auto/break-glass",
                      {"engineer": "eng1", "reason": REASON})
        self.assertEqual(r.status, 403, r)

    def test_directory_token_imports_a_large_file(self):
        # Over the 64 KiB of other bodies: the import's cap is the root
        # token's and a live directory token's, nobody else's.
        lines = "".join(json.dumps({"kind": "vendor", "id": "imp-%04d" % i,
                                    "name": "Imported vendor %04d " % i +
                                    "x" * 60}) + "\n" for i in range(900))
        raw = lines.encode()
        self.assertGreater(len(raw), 64 * 1024)
        r = self.d.call("POST", "/v1/import", raw=raw,
                        token=self.tok["directory"]["token"])
        self.assertIn(r.status, (200, 201), r)
        r = self.d.call("POST", "/v1/import", raw=raw,
                        token=self.tok["responder"]["token"])
        self.assertEqual(r.status, 413, r)
        vendors = {v["id"] for v in self.d.op(
            "GET", "/v1/vendors?limit=1000").body["vendors"]}
        self.assertIn("imp-0899", vendors)

    def test_named_tokens_do_not_manage_tokens(self):
        for scope in self.tok:
            for method, path, body in (
                    ("POST", "/v1/operator-tokens",
                     {"name": "sneaky", "scope": "directory"}),
                    ("GET", "/v1/operator-tokens", None),
                    ("DELETE", "/v1/operator-tokens/auditor-1", None),
                    ("POST", "/v1/operator-tokens/rotate-root", {})):
                r = self.call(scope, method, path, body)
                self.assertEqual(r.status, 403, (scope, method, path, r))
                self.assertIn("root operator token", r.body["error"][
                    "message"])
        names = [t["name"] for t in
                 self.d.op("GET", "/v1/operator-tokens").body["tokens"]]
        self.assertNotIn("sneaky", names)
        self.assertIn("auditor-1", names)

    def test_named_token_opens_no_console_session(self):
        r = self.d.call("POST", "/v1/auth/operator",
                        {"token": self.tok["auditor"]["token"]})
        self.assertEqual(r.status, 401, r)

    def test_every_use_is_logged_with_name_and_scope(self):
        start = self.d.log_size()
        r = self.call("responder", "GET", "/v1/vendors")
        self.assertEqual(r.status, 200, r)
        ev = [e for e in self.entries_since(start)
              if e["action"] == "vendor.list"][-1]
        self.assertEqual(ev["actor"], {"kind": "operator",
                                       "id": self.tok["responder"]["id"],
                                       "vendor": None})
        self.assertEqual(ev["detail"], {"operator_token": "responder-1",
                                        "scope": "responder"})
        # Even the reads the table leaves unrecorded for the root token:
        # a named token's reading of the log is on the log.
        start = self.d.log_size()
        for path in ("/v1/log/entries?start=0&end=1", "/v1/log/health"):
            r = self.call("auditor", "GET", path)
            self.assertEqual(r.status, 200, r)
        got = [(e["action"], e["actor"]["id"], e["detail"]["operator_token"])
               for e in self.entries_since(start)
               if e["action"] in ("log.entries", "log.health")]
        self.assertEqual(got, [
            ("log.entries", self.tok["auditor"]["id"], "auditor-1"),
            ("log.health", self.tok["auditor"]["id"], "auditor-1")])
        r = self.call("responder", "GET", "/v1/session")
        self.assertEqual((r.body["kind"], r.body["id"], r.body["username"],
                          r.body["operator_token"], r.body["scope"]),
                         ("operator", self.tok["responder"]["id"],
                          "responder-1", "responder-1", "responder"))
        listed = {t["name"]: t for t in
                  self.d.op("GET", "/v1/operator-tokens").body["tokens"]}
        self.assertIsNotNone(listed["responder-1"]["last_used"])

    def test_no_secret_in_lists_or_entries(self):
        r = self.d.op("GET", "/v1/operator-tokens")
        for t in r.body["tokens"]:
            self.assertEqual(set(t), {"id", "name", "scope", "state",
                                      "created", "created_by", "last_used",
                                      "revoked", "revoked_by", "expires_at"})
        raw = json.dumps([e for _, e, _ in self.d.entries()])
        for t in self.tok.values():
            self.assertNotIn(t["token"], r.raw)
            self.assertNotIn(t["token"], raw)
            self.assertNotIn(t["token"][4:], raw)
        self.assertIsNone(re.search(r"cop_[a-z2-7]{52}", raw))

    def test_revoked_token_is_refused_on_next_use(self):
        t = make(self.d, "short-lived", "auditor")
        self.assertTrue(TOKEN_RE.match(t["token"]), t)
        r = self.d.call("GET", "/v1/tenants", token=t["token"])
        self.assertEqual(r.status, 200, r)
        r = self.d.op("DELETE", "/v1/operator-tokens/short-lived")
        self.assertEqual((r.status, r.body["state"]), (200, "revoked"), r)
        start = self.d.log_size()
        r = self.d.call("GET", "/v1/tenants", token=t["token"])
        self.assertEqual(r.status, 401, r)
        ev = [e for e in self.entries_since(start)
              if e["action"] == "tenant.list"][-1]
        self.assertEqual((ev["outcome"], ev["reason"], ev["actor"]["id"],
                          ev["detail"]["operator_token"]),
                         ("denied", "token_revoked", t["id"], "short-lived"))
        # Revoked once; by id as by name; the name may serve again.
        r = self.d.op("DELETE", "/v1/operator-tokens/" + t["id"])
        self.assertEqual(r.status, 409, r)
        again = make(self.d, "short-lived", "directory")
        self.assertNotEqual(again["id"], t["id"])
        r = self.d.call("GET", "/v1/tenants", token=t["token"])
        self.assertEqual(r.status, 401, r)
        r = self.d.call("GET", "/v1/tenants", token=again["token"])
        self.assertEqual(r.status, 200, r)

    def test_expired_token_is_refused(self):
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                           time.gmtime(time.time() + 3))
        t = make(self.d, "expiring", "auditor", expires_at=at)
        self.assertEqual(t["expires_at"], at)
        r = self.d.call("GET", "/v1/tenants", token=t["token"])
        self.assertEqual(r.status, 200, r)
        time.sleep(4)
        start = self.d.log_size()
        r = self.d.call("GET", "/v1/tenants", token=t["token"])
        self.assertEqual(r.status, 401, r)
        ev = [e for e in self.entries_since(start)
              if e["action"] == "tenant.list"][-1]
        self.assertEqual(ev["reason"], "token_expired")

    def test_bad_input_is_a_400_naming_the_field(self):
        for body, field in (
                ({"scope": "auditor"}, "name"),
                ({"name": "a/b", "scope": "auditor"}, "name"),
                ({"name": "opt_x", "scope": "auditor"}, "name"),
                ({"name": "operator", "scope": "auditor"}, "name"),
                ({"name": "x" * 64, "scope": "auditor"}, "name"),
                ({"name": "ok"}, "scope"),
                ({"name": "ok", "scope": "root"}, "scope"),
                ({"name": "ok", "scope": "auditor",
                  "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
                ({"name": "ok", "scope": "auditor", "expires_at": "soon"},
                 "expires_at"),
                ({"name": "ok", "scope": "auditor", "extra": 1}, "extra")):
            r = self.d.op("POST", "/v1/operator-tokens", body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertIn(field, r.body["error"]["message"], body)
        r = self.d.op("POST", "/v1/operator-tokens",
                      {"name": "auditor-1", "scope": "auditor"})
        self.assertEqual(r.status, 409, r)
        r = self.d.op("DELETE", "/v1/operator-tokens/no-such-token")
        self.assertEqual(r.status, 404, r)
        r = self.d.op("POST", "/v1/operator-tokens/rotate-root")
        self.assertEqual(r.status, 400, r)


def restart(test, d):
    """Stops custosd (it must exit 0) and starts it again on its data."""
    d.proc.terminate()
    test.assertEqual(d.proc.wait(timeout=20), 0)
    d.proc = subprocess.Popen(
        [CUSTOSD, "--data", d.data, "--listen",
         "127.0.0.1:%d" % d.port, "--pwhash-ops", "1",
         "--pwhash-mem", "8192", "--quiet"] + d.store_args(),
        stdout=d.log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if d.call("GET", "/v1/health").status == 200:
                return
        except OSError:
            time.sleep(0.05)
    test.fail("custosd did not come back")


def vendors(tag, n):
    """A directory import of n vendors, as bytes."""
    return "".join(json.dumps({"kind": "vendor", "id": "%s-%06d" % (tag, i),
                               "name": "Vendor %s %d" % (tag, i)}) + "\n"
                   for i in range(n)).encode()


class Imports(unittest.TestCase):
    """Imports by named tokens, on a daemon of their own (they fill its
    directory): the body cap, decided before the request reaches a worker,
    follows the tokens as they are made, revoked and reloaded; an import
    under way is refused when its token is revoked meanwhile (review 14,
    F5, F6a)."""

    def setUp(self):
        self.d = Daemon()

    def tearDown(self):
        self.assertEqual(self.d.stop(), 0)

    def test_large_body_cap_follows_revocation_and_restart(self):
        raw = vendors("cap", 1200)
        self.assertGreater(len(raw), 64 * 1024)
        keep = make(self.d, "dir-keep", "directory")
        gone = make(self.d, "dir-gone", "directory")
        r = self.d.call("POST", "/v1/import", raw=raw, token=gone["token"])
        self.assertEqual(r.status, 200, r)
        r = self.d.op("DELETE", "/v1/operator-tokens/dir-gone")
        self.assertEqual(r.status, 200, r)
        # Revoked: the large body is not taken in at all.
        r = self.d.call("POST", "/v1/import", raw=vendors("cap2", 1200),
                        token=gone["token"])
        self.assertEqual(r.status, 413, r)
        # Expired: neither.
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                           time.gmtime(time.time() + 2))
        brief = make(self.d, "dir-brief", "directory", expires_at=at)
        time.sleep(3)
        r = self.d.call("POST", "/v1/import", raw=vendors("cap3", 1200),
                        token=brief["token"])
        self.assertEqual(r.status, 413, r)
        # A token made before a restart still sends large imports.
        restart(self, self.d)
        r = self.d.call("POST", "/v1/import", raw=vendors("cap4", 1200),
                        token=keep["token"])
        self.assertEqual(r.status, 200, r)
        r = self.d.call("POST", "/v1/import", raw=vendors("cap5", 1200),
                        token=gone["token"])
        self.assertEqual(r.status, 413, r)

    def test_import_records_the_tokens_use(self):
        t = make(self.d, "dir-used", "directory")
        r = self.d.call("POST", "/v1/import", raw=vendors("used", 3),
                        token=t["token"])
        self.assertEqual(r.status, 200, r)
        listed = {x["name"]: x for x in
                  self.d.op("GET", "/v1/operator-tokens").body["tokens"]}
        self.assertIsNotNone(listed["dir-used"]["last_used"])

    def test_import_under_way_is_refused_once_its_token_is_revoked(self):
        import threading
        # PostgreSQL imports directory rows one statement each (about 1 ms
        # a row here): a fifth of the rows takes longer than SQLite's
        # 50000.
        n = 10000 if harness.PG else 50000
        # How long an import of this size takes here, end to end.
        t = make(self.d, "dir-timing", "directory")
        t0 = time.time()
        r = self.d.call("POST", "/v1/import", raw=vendors("timing", n),
                        token=t["token"])
        took = time.time() - t0
        self.assertEqual(r.status, 200, r)
        # Revoke later and later into the next imports, until one lands
        # between the import's authentication and its commit.
        hit = False
        # (On PostgreSQL most of an import is its writer job, whose
        # recheck comes first: the window is the parsing before it.)
        fracs = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
        if harness.PG:
            fracs = (0.01, 0.02, 0.03, 0.05, 0.07) + fracs
        for k, frac in enumerate(fracs):
            t = make(self.d, "dir-%d" % k, "directory")
            raw = vendors("race%d" % k, n)
            start, out = self.d.log_size(), {}

            def run():
                out["r"] = self.d.call("POST", "/v1/import", raw=raw,
                                       token=t["token"])
            th = threading.Thread(target=run)
            th.start()
            time.sleep(took * frac)
            r = self.d.op("DELETE", "/v1/operator-tokens/" + t["id"])
            self.assertEqual(r.status, 200, r)
            th.join()
            ev = [(i, e) for i, e, _ in self.d.entries(start)]
            revoked = [i for i, e in ev
                       if e["action"] == "operator_token.revoke"][0]
            # Whatever the token imported was imported before it was
            # revoked; nothing after.
            late = [i for i, e in ev if i > revoked and
                    e["outcome"] == "allowed" and
                    e["actor"].get("id") == t["id"]]
            self.assertEqual(len(late), 0, (k, out["r"]))
            if out["r"].status == 401:
                refusal = [e for i, e in ev if e["action"] == "import" and
                           e["actor"].get("id") == t["id"]]
                self.assertEqual([e["reason"] for e in refusal],
                                 ["token_revoked"], out["r"])
                r = self.d.op("GET", "/v1/vendors/race%d-000000" % k)
                self.assertEqual(r.status, 404, r)
            if "while this request ran" in out["r"].raw:
                hit = True
                break
        self.assertTrue(hit, "no revocation landed while an import ran")


class RotateRoot(unittest.TestCase):
    """Its own daemon: the root token changes under it."""

    def setUp(self):
        self.d = Daemon()
        World(self.d)

    def tearDown(self):
        self.assertEqual(self.d.stop(), 0)

    def restart(self):
        restart(self, self.d)

    def test_old_refused_new_works_file_updated(self):
        old = self.d.operator
        named = make(self.d, "survivor", "auditor")
        console = self.d.call("POST", "/v1/auth/operator",
                              {"token": old, "session": "token"})
        self.assertEqual(console.status, 200, console)
        r = self.d.op("POST", "/v1/operator-tokens/rotate-root", {})
        self.assertEqual(r.status, 200, r)
        new = r.body["token"]
        self.assertTrue(TOKEN_RE.match(new), r)
        self.assertNotEqual(new, old)
        self.assertEqual(r.body["sessions_ended"], 1)
        path = os.path.join(self.d.data, "operator.token")
        self.assertEqual(r.body["file"], path)
        with open(path) as f:
            self.assertEqual(f.read(), new + "\n")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=old).status, 401)
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=console.body["token"]).status,
                         401)
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=new).status, 200)
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=named["token"]).status, 200)
        self.d.operator = new
        ev = [e for _, e, _ in self.d.entries()
              if e["action"] == "operator_token.rotate_root"]
        self.assertEqual([(e["outcome"], e["actor"]["id"]) for e in ev],
                         [("allowed", "operator")])
        self.assertNotIn(new, json.dumps([e for _, e, _ in
                                          self.d.entries()]))
        # The store keeps the new hash: a restart keeps the new token.
        self.restart()
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=old).status, 401)
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=new).status, 200)

    def test_concurrent_rotations_leave_one_root_token(self):
        # Holders of one root token rotating at once (the operator and
        # whoever leaked it): one of them rotates, the others are refused
        # (their token is no root token any more), never handed the newer
        # one (review 14, F2).
        import threading
        for trial in range(3):
            old, got = self.d.operator, []

            def rotate():
                got.append(self.d.call("POST",
                                       "/v1/operator-tokens/rotate-root",
                                       {}, token=old))
            threads = [threading.Thread(target=rotate) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            ok = [r.body["token"] for r in got if r.status == 200]
            self.assertEqual(len(ok), 1, (trial, got))
            for r in got:
                if r.status != 200:
                    self.assertEqual(r.status, 401, r)
            with open(os.path.join(self.d.data, "operator.token")) as f:
                final = f.read().strip()
            self.assertEqual(ok, [final])
            works = [t for t in (old, final) if self.d.call(
                "GET", "/v1/tenants", token=t).status == 200]
            self.assertEqual(works, [final])
            self.d.operator = final
        # In the log: three rotations; a refusal says why: the token was
        # rotated while the request ran, or before it came (bad_token).
        ev = [e for _, e, _ in self.d.entries()
              if e["action"] == "operator_token.rotate_root"]
        self.assertEqual(len([e for e in ev if e["outcome"] == "allowed"]),
                         3)
        self.assertLessEqual({e["reason"] for e in ev
                              if e["outcome"] == "denied"},
                             {"token_revoked", "bad_token"})

    def test_old_root_token_opens_nothing_once_rotated(self):
        # While the old root token opens console sessions and makes named
        # tokens, the root token is rotated: no session it opened
        # survives, and no token it made is made after the rotation
        # (review 14, F2).
        import threading
        from harness import fresh_source
        for trial in range(3):
            old, sessions, made = self.d.operator, [], []
            stop = time.time() + 0.6

            def sign_in():
                src = fresh_source()    # refusals count per source
                while time.time() < stop:
                    r = self.d.call("POST", "/v1/auth/operator",
                                    {"token": old, "session": "token"},
                                    source=src)
                    if r.status == 200:
                        sessions.append(r.body["token"])

            def mint(k):
                i = 0
                while time.time() < stop:
                    i += 1
                    r = self.d.call("POST", "/v1/operator-tokens", {
                        "name": "m%d-%d-%d" % (trial, k, i),
                        "scope": "auditor"}, token=old)
                    if r.status == 201:
                        made.append(r.body["id"])
            threads = [threading.Thread(target=sign_in) for _ in range(6)]
            threads += [threading.Thread(target=mint, args=(k,))
                        for k in range(3)]
            for t in threads:
                t.start()
            time.sleep(0.3)
            r = self.d.op("POST", "/v1/operator-tokens/rotate-root", {})
            self.assertEqual(r.status, 200, r)
            self.d.operator = r.body["token"]
            for t in threads:
                t.join()
            self.assertGreater(len(sessions), 0, trial)
            alive = [s for s in sessions
                     if self.d.call("GET", "/v1/session",
                                    token=s).status != 401]
            self.assertEqual(alive, [], (trial, len(sessions)))
            ev = [(i, e) for i, e, _ in self.d.entries()]
            rotated = max(i for i, e in ev
                          if e["action"] == "operator_token.rotate_root" and
                          e["outcome"] == "allowed")
            after = [e["target"] for i, e in ev
                     if e["action"] == "operator_token.create" and
                     e["outcome"] == "allowed" and i > rotated and
                     e["target"] in made]
            self.assertEqual(after, [], trial)


class OperatorPerson(unittest.TestCase):
    """An operator person (passkeys) manages tokens as the root token's
    holder does, but steps up for a new credential: a new token, a new
    root token."""

    @classmethod
    def setUpClass(cls):
        import test_passkeys
        from webauthn_soft import Authenticator
        cls.pk = test_passkeys.PasskeyTest
        cls.d = test_passkeys.start_daemon(test_passkeys.T0)
        r = cls.d.op("POST", "/v1/operators", {
            "id": "opr_olga", "username": "olga",
            "email": "olga@custos.example"})
        assert r.status == 201, r
        cls.auth = Authenticator()

    @classmethod
    def tearDownClass(cls):
        assert cls.d.stop() == 0

    def signed_in(self):
        self.pk.register(self, self.auth, self.d.operator,
                         body={"operator": "opr_olga"})
        return self.pk.sign_in(self, self.auth).body["token"]

    def test_person_steps_up_to_make_tokens_and_rotate(self):
        tok = self.signed_in()
        body = {"name": "olgas", "scope": "auditor"}
        r = self.d.call("POST", "/v1/operator-tokens", body, token=tok)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        body["step_up"] = self.pk.step_up(self, self.auth, tok,
                                          "operator_token.create", "olgas")
        r = self.d.call("POST", "/v1/operator-tokens", body, token=tok)
        self.assertEqual(r.status, 201, r)
        made = r.body
        r = self.d.call("GET", "/v1/operator-tokens", token=tok)
        self.assertEqual(r.status, 200, r)
        mine = [t for t in r.body["tokens"] if t["id"] == made["id"]]
        self.assertEqual(mine[0]["created_by"], "opr_olga")
        # Revoking takes nothing away from anyone: no step-up.
        r = self.d.call("DELETE", "/v1/operator-tokens/olgas", token=tok)
        self.assertEqual((r.status, r.body["revoked_by"]),
                         (200, "opr_olga"), r)
        r = self.d.call("POST", "/v1/operator-tokens/rotate-root", {},
                        token=tok)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.d.op("GET", "/v1/vendors").status, 200)
        r = self.d.call("POST", "/v1/operator-tokens/rotate-root", {
            "step_up": self.pk.step_up(self, self.auth, tok,
                                       "operator_token.rotate_root",
                                       "operator")}, token=tok)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.d.op("GET", "/v1/vendors").status, 401)
        self.d.operator = r.body["token"]
        self.assertEqual(self.d.op("GET", "/v1/vendors").status, 200)
        # The person's own session is no root token's: it goes on.
        r = self.d.call("GET", "/v1/operator-tokens", token=tok)
        self.assertEqual(r.status, 200, r)


class Cli(unittest.TestCase):
    """custos operator-token against a real custosd."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.tmp = tempfile.mkdtemp(prefix="custos-optok-")

    @classmethod
    def tearDownClass(cls):
        assert cls.d.stop() == 0

    def custos(self, *args, token=None):
        env = dict(os.environ, CUSTOS_SERVER=self.d.url,
                   CUSTOS_TOKEN=token or self.d.operator,
                   CUSTOS_CONFIG_DIR=self.tmp)
        return subprocess.run([CUSTOS] + list(args), capture_output=True,
                              text=True, env=env, timeout=60)

    def test_create_to_stdout_prints_only_the_token(self):
        p = self.custos("operator-token", "create", "cli-out",
                        "--scope", "auditor")
        self.assertEqual(p.returncode, 0, p)
        self.assertTrue(TOKEN_RE.match(p.stdout.strip()), p.stdout)
        self.assertEqual(p.stdout.count("\n"), 1)
        self.assertIn("cli-out", p.stderr)
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=p.stdout.strip()).status, 200)

    def test_create_to_file_list_revoke(self):
        out = os.path.join(self.tmp, "dir.token")
        p = self.custos("operator-token", "create", "cli-dir", "--scope",
                        "directory", "--out", out)
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o600)
        with open(out) as f:
            tok = f.read().strip()
        self.assertTrue(TOKEN_RE.match(tok))
        self.assertNotIn(tok, p.stdout + p.stderr)
        # An existing --out is refused before anything is made.
        p = self.custos("operator-token", "create", "cli-dir2", "--scope",
                        "directory", "--out", out)
        self.assertEqual(p.returncode, 2, p)
        p = self.custos("operator-token", "list")
        self.assertEqual(p.returncode, 0, p)
        self.assertRegex(p.stdout, r"cli-dir\s+opt_\w+\s+directory\s+live")
        self.assertNotIn("cli-dir2", p.stdout)
        self.assertNotIn(tok, p.stdout)
        p = self.custos("--json", "operator-token", "list")
        names = {t["name"]: t for t in json.loads(p.stdout)["tokens"]}
        self.assertEqual(names["cli-dir"]["scope"], "directory")
        # The token manages no tokens: a refusal, exit 1.
        p = self.custos("operator-token", "list", token=tok)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("root operator token", p.stderr)
        p = self.custos("operator-token", "revoke", "cli-dir")
        self.assertEqual(p.returncode, 0, p)
        self.assertIn("revoked", p.stdout)
        self.assertEqual(self.d.call("GET", "/v1/vendors",
                                     token=tok).status, 401)
        p = self.custos("operator-token", "revoke", "cli-dir")
        self.assertEqual(p.returncode, 1, p)

    def test_json_with_out_keeps_the_token_out_of_stdout(self):
        out = os.path.join(self.tmp, "resp.token")
        p = self.custos("--json", "operator-token", "create", "cli-resp",
                        "--scope", "responder", "--out", out)
        self.assertEqual(p.returncode, 0, p)
        a = json.loads(p.stdout)
        self.assertEqual((a["name"], a["scope"]), ("cli-resp", "responder"))
        self.assertNotIn("token", a)
        with open(out) as f:
            self.assertTrue(TOKEN_RE.match(f.read().strip()))

    def test_usage_errors_exit_2(self):
        for args in (["operator-token"], ["operator-token", "bogus"],
                     ["operator-token", "create", "x"],
                     ["operator-token", "create", "x", "--scope", "root"],
                     ["operator-token", "revoke"],
                     ["operator-token", "list", "extra"]):
            p = self.custos(*args)
            self.assertEqual(p.returncode, 2, (args, p))

    def test_zz_rotate_root(self):
        out = os.path.join(self.tmp, "root.token")
        old = self.d.operator
        p = self.custos("operator-token", "rotate-root", "--out", out)
        self.assertEqual(p.returncode, 0, p)
        with open(out) as f:
            new = f.read().strip()
        with open(os.path.join(self.d.data, "operator.token")) as f:
            self.assertEqual(f.read().strip(), new)
        self.assertNotIn(new, p.stdout + p.stderr)
        self.d.operator = new
        p = self.custos("operator-token", "list", token=old)
        self.assertEqual(p.returncode, 1, p)
        p = self.custos("operator-token", "list", token=new)
        self.assertEqual(p.returncode, 0, p)


if __name__ == "__main__":
    unittest.main()
