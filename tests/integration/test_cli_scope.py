# SPDX-License-Identifier: ISC
"""custos scope, scope --report and custos import, against the real daemon.

ReportFromSavedAnswer needs no POST /v1/scope: it builds a history through
the real API, writes by hand the scope answer the contract describes (the
real signed checkpoint, real entry indexes, real inclusion proofs, some
left out for the CLI to fetch) and runs `custos scope --answer FILE
--report DIR`.  Each per-tenant JSON must then pass `custos verify
--tenant-log` and an independent Python check (test_tlog's verifier);
a proof or checkpoint that does not verify must stop the CLI before it
writes a report.  The leaves are sealed (issue 12): the report writer reads
its evidence from GET /v1/log/entries with the operator's token, and a
tenant opens its report with its own log key (`custos tenant-log-key T`).

ScopeLive runs the commands against POST /v1/scope itself; it is skipped
while the daemon has no such route.  ImportCli checks what `custos import`
decides alone (malformed records named by line, nothing sent) and, when
the daemon takes ?format=okta, one real import.

CUSTOSD, CUSTOS as in harness.py.
"""
import base64
import json
import os
import stat
import subprocess
import tempfile
import time
import unittest

from harness import CUSTOS, DaemonTest
from test_tlog import (fetch_key, leaf_hash, open_checkpoint,
                       settled_checkpoint, verify_inclusion)

T0 = "2000-01-01T00:00:00Z"
T1 = "2100-01-01T00:00:00Z"


class CliCase(DaemonTest):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, token=None, code=0):
        argv = [CUSTOS, "--server", self.d.url]
        if token is not None:
            argv += ["--token", token]
        p = subprocess.run(argv + list(args), capture_output=True,
                           timeout=120, text=True, env={
                               "PATH": "/usr/bin:/bin",
                               "CUSTOS_CONFIG_DIR": self.tmp.name})
        self.assertEqual(p.returncode, code,
                         (args, p.stdout[-3000:], p.stderr[-3000:]))
        self.assertNotIn("runtime error", p.stderr)
        self.assertNotIn("Sanitizer", p.stderr)
        return p

    def op(self, *args, code=0):
        return self.cli(*args, token=self.d.operator, code=code)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def save(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def log_key(self, tenant):
        """A file holding tenant's log key (`custos tenant-log-key`, as
        the operator), which opens the tenant's sealed leaves."""
        f = self.path(tenant + ".log-key")
        if not os.path.exists(f):
            self.save(tenant + ".log-key",
                      self.op("tenant-log-key", tenant).stdout)
        return f

    def verify_tenant_log(self, keyfile, report, tenant, code=0):
        """`custos verify --tenant-log` as tenant would run it: with its
        own log key."""
        return self.cli("verify", "--key", keyfile, "--tenant-log", report,
                        "--tenant", tenant, "--log-key",
                        self.log_key(tenant), code=code)


class ReportFromSavedAnswer(CliCase):
    """The report writer, fed a crafted answer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.d
        r = cls.w.engineer_login()
        assert r.status == 200, r
        eng = r.body["token"]
        calls = [("GET", "/v1/tenants/auto/users", 200),
                 ("POST", "/v1/tenants/auto/users/auto-user/password-reset",
                  202),
                 ("DELETE", "/v1/tenants/auto/users/auto-admin", 403),
                 ("GET", "/v1/tenants/appr/users", 403)]
        for method, path, want in calls:
            r = d.call(method, path, {} if method == "POST" else None,
                       token=eng)
            assert r.status == want, (path, r)
        cls.note, _ = settled_checkpoint(d)
        cls.key = fetch_key(d)
        _, cls.size, cls.root = open_checkpoint(cls.note, cls.key)
        cls.log = {i: (ev, leaf) for i, ev, leaf in d.entries()
                   if i < cls.size}

        def pick(tenant):
            return sorted(i for i, (ev, _) in cls.log.items()
                          if ev["actor"]["id"] == "eng1" and
                          ev["tenant"] == tenant)

        cls.auto = pick("auto")
        cls.appr = pick("appr")
        cls.login = max(i for i, (ev, _) in cls.log.items()
                        if ev["action"] == "auth.verify")
        assert len(cls.auto) == 3 and len(cls.appr) == 1, cls.log

    def proof(self, index):
        r = self.d.call("GET", "/v1/log/proof/inclusion?index=%d&size=%d" %
                        (index, self.size))
        self.assertEqual(r.status, 200, r)
        return r.body["hashes"]

    def answer(self):
        """The answer POST /v1/scope gives (docs/openapi.yaml) for eng1
        over the whole history: auto acted upon (list, reset; a denied
        delete), deny exposed by a grant with no entry, appr under
        "attempted" (one refused attempt, no access); the login entry is
        cited under auto too (an entry about no tenant).  auto carries
        proofs for two of its entries, the CLI fetches the rest."""
        auto = self.auto + [self.login]
        return {
            "from": T0, "to": T1, "checkpoint": self.note,
            "size": self.size,
            "summary": {"events": 5, "tenants_exposed": 1,
                        "tenants_viewed": 0, "tenants_acted_upon": 1,
                        "denied": 2, "tenants_attempted": 1},
            "tenants": [
                {"tenant": "auto", "name": "Tenant auto",
                 "exposure": "acted_upon",
                 "first": self.log[self.auto[0]][0]["time"],
                 "last": self.log[self.auto[-1]][0]["time"],
                 "actions": {"user.list": 1, "user.password_reset": 1},
                 "users_affected": ["auto-user"],
                 "denied": {"user.delete": 1},
                 "entries": list(reversed(auto)),
                 "proofs": {str(i): self.proof(i) for i in auto[:2]},
                 "grants": []},
                {"tenant": "deny", "name": "Tenant deny",
                 "exposure": "exposed", "first": T0, "last": None,
                 "actions": {}, "users_affected": [], "denied": {},
                 "entries": [], "grants": ["req_example"]},
            ],
            "attempted": [
                {"tenant": "appr", "name": "Tenant appr",
                 "first": self.log[self.appr[0]][0]["time"],
                 "last": self.log[self.appr[0]][0]["time"],
                 "actions": {}, "users_affected": [],
                 "denied": {"user.list": 1}, "entries": self.appr,
                 "grants": []},
            ],
            "query": {"engineers": ["eng1"]},
        }

    def report(self, answer, code=0, *extra):
        """The evidence (sealed leaves and their events) is read from the
        operator's GET /v1/log/entries: the report writer is the
        operator's."""
        f = self.save("answer.json", json.dumps(answer))
        out = self.path("reports")
        p = self.op("scope", "--answer", f, "--report", out, *extra,
                    code=code)
        return out, p

    def test_every_tenant_report_verifies_with_custos_verify(self):
        out, p = self.report(self.answer())
        self.assertIn("wrote 3 tenant reports", p.stdout)
        self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o700)
        self.assertEqual(sorted(os.listdir(out)), [
            "appr.json", "appr.md", "auto.json", "auto.md", "deny.json",
            "deny.md", "summary.json", "summary.md"])
        for name in os.listdir(out):
            self.assertEqual(
                stat.S_IMODE(os.stat(os.path.join(out, name)).st_mode),
                0o600, name)
        keyfile = self.save("log.key", self.key + "\n")
        for tenant, n in (("auto", 3), ("appr", 1), ("deny", 0)):
            v = self.verify_tenant_log(keyfile,
                                       os.path.join(out, tenant + ".json"),
                                       tenant)
            self.assertIn("%d of %d entries about tenant %s verified" %
                          (n, n, tenant), v.stdout)
        # Another tenant's report does not pass for this one.
        self.verify_tenant_log(keyfile, os.path.join(out, "appr.json"),
                               "auto", code=1)

    def test_tenant_json_holds_the_log_bytes_and_proofs_python_accepts(self):
        out, _ = self.report(self.answer())
        with open(os.path.join(out, "auto.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["format"], "custos-scope-report/1")
        self.assertEqual((doc["tenant"], doc["exposure"], doc["size"],
                          doc["checkpoint"], doc["key"]),
                         ("auto", "acted_upon", self.size, self.note,
                          self.key))
        self.assertEqual((doc["from"], doc["to"]), (T0, T1))
        self.assertEqual(doc["users_affected"], ["auto-user"])
        self.assertEqual(doc["principals"], {"engineers": ["eng1"]})
        self.assertNotIn("proofs", doc)
        # Ascending, each once, about the tenant; the login apart.
        self.assertEqual([e["index"] for e in doc["entries"]], self.auto)
        self.assertEqual([e["index"] for e in doc["other_entries"]],
                         [self.login])
        for e in doc["entries"] + doc["other_entries"]:
            ev, leaf = self.log[e["index"]]
            self.assertEqual(base64.b64decode(e["leaf"]), leaf)
            self.assertEqual(e["event"], ev)
            proof = [base64.b64decode(h) for h in e["proof"]]
            self.assertTrue(verify_inclusion(e["index"], self.size,
                                             leaf_hash(leaf), proof,
                                             self.root), e["index"])
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual([(t["tenant"], t["exposure"])
                          for t in summary["tenants"]],
                         [("auto", "acted_upon"), ("deny", "exposed"),
                          ("appr", "attempted")])
        self.assertEqual(summary["tenants"][0]["files"],
                         {"json": "auto.json", "md": "auto.md"})
        self.assertEqual(summary["size"], self.size)

    def test_markdown_says_what_happened_and_what_to_do(self):
        out, _ = self.report(self.answer())
        with open(os.path.join(out, "auto.md")) as f:
            md = f.read()
        for want in ("# Support access to Tenant auto",
                     "**acted upon**", "`auto-user`",
                     "`user.password_reset` | 1 |", "`user.delete` | 1 |",
                     "Force a password reset", "Review their MFA factors",
                     "Check your own logs", "[CONTACT:",
                     "custos verify --key log.key --tenant-log auto.json "
                     "--tenant auto --log-key logkey.json",
                     "custos tenant-log-key TENANT > logkey.json",
                     self.key, "| denied (`"):
            self.assertIn(want, md)
        for i in self.auto:
            self.assertIn("| %d | `%s` |" % (i, self.log[i][0]["time"]), md)
        self.assertIn("| %d (*) |" % self.login, md)
        with open(os.path.join(out, "deny.md")) as f:
            md = f.read()
        self.assertIn("**exposed**", md)
        self.assertIn("`req_example`", md)
        self.assertIn("No log entry is cited", md)
        self.assertNotIn("Force a password reset", md)
        with open(os.path.join(out, "appr.md")) as f:
            md = f.read()
        self.assertIn("**Attempted**: the principals below tried", md)
        self.assertIn("`user.list` | 1 |", md)
        self.assertIn("Nothing in your tenant was changed or read", md)
        with open(os.path.join(out, "summary.md")) as f:
            md = f.read()
        self.assertIn("| `auto` | Tenant auto | acted upon |", md)
        self.assertIn("`auto.md`, `auto.json`", md)

    def test_names_from_outside_cannot_inject_markdown_or_files(self):
        a = self.answer()
        a["tenants"][0]["name"] = "Evil <script>x</script> | [a](b)\x1b[31m"
        a["attempted"][0]["tenant"] = "../summary"
        a["attempted"][0]["entries"] = []
        a["tenants"][1]["tenant"] = "Summary"
        out, _ = self.report(a)
        names = sorted(os.listdir(out))
        self.assertIn("%2E.%2Fsummary.json", names)
        self.assertIn("%53ummary.md", names)
        self.assertIn("summary.json", names)
        self.assertEqual(sorted(os.listdir(self.tmp.name)),
                         ["answer.json", "reports"])
        with open(os.path.join(out, "auto.md")) as f:
            md = f.read()
        self.assertNotIn("<script>", md)
        self.assertNotIn("\x1b", md)
        self.assertIn("Evil \\<script\\>x\\</script\\> \\| \\[a\\](b)?\\[31m",
                      md)

    def test_a_proof_that_does_not_verify_stops_every_report(self):
        a = self.answer()
        bad = a["tenants"][0]["proofs"]
        k = sorted(bad)[0]
        h = bytearray(base64.b64decode(bad[k][0]))
        h[0] ^= 1
        bad[k][0] = base64.b64encode(bytes(h)).decode()
        out, p = self.report(a, code=3)
        self.assertIn("entry %s: its proof" % k, p.stderr)
        self.assertEqual(os.listdir(out), [])

    def test_a_checkpoint_not_signed_by_the_log_stops_every_report(self):
        a = self.answer()
        lines = self.note.split("\n")
        lines[1] = str(self.size + 1)
        a["checkpoint"] = "\n".join(lines)
        a["size"] = self.size + 1
        out, p = self.report(a, code=3)
        self.assertIn("not signed by the log's key", p.stderr)
        self.assertEqual(os.listdir(out), [])

    def test_a_cited_entry_the_log_does_not_hold_stops_every_report(self):
        a = self.answer()
        a["attempted"][0]["entries"] = [self.size + 5]
        out, p = self.report(a, code=3)
        self.assertIn("not an index below the checkpoint's size", p.stderr)
        self.assertEqual(os.listdir(out), [])

    def test_a_non_empty_directory_is_refused_unless_forced(self):
        out = self.path("reports")
        os.mkdir(out)
        self.save("reports/auto.json", "mine")
        _, p = self.report(self.answer(), 1)
        self.assertIn("not empty", p.stderr)
        with open(os.path.join(out, "auto.json")) as f:
            self.assertEqual(f.read(), "mine")
        self.report(self.answer(), 0, "--force")
        with open(os.path.join(out, "auto.json")) as f:
            self.assertEqual(json.load(f)["tenant"], "auto")

    def test_human_output_is_the_summary_and_one_row_per_tenant(self):
        f = self.save("answer.json", json.dumps(self.answer()))
        out = self.cli("scope", "--answer", f).stdout.splitlines()
        self.assertEqual(out[0], "5 events from %s to %s (checkpoint size "
                         "%d): 1 tenants acted upon, 0 viewed, 1 exposed, "
                         "1 attempted; 2 denied attempts" %
                         (T0, T1, self.size))
        self.assertEqual(out[1].split(), ["TENANT", "EXPOSURE", "FIRST",
                                          "LAST", "ACTIONS", "USERS",
                                          "DENIED"])
        self.assertEqual(out[2].split()[:2], ["auto", "acted_upon"])
        self.assertEqual(out[2].split()[4:], [
            "user.list:1,user.password_reset:1", "auto-user",
            "user.delete:1"])
        self.assertEqual(out[3].split(), ["deny", "exposed", T0, "-", "-",
                                          "-", "-"])
        self.assertEqual(out[4].split()[:2], ["appr", "attempted"])
        self.assertEqual(out[4].split()[4:], ["-", "-", "user.list:1"])
        self.assertEqual(len(out), 5)
        # --json: the answer as it is.
        with open(f) as saved:
            self.assertEqual(self.cli("--json", "scope", "--answer",
                                      f).stdout, saved.read() + "\n")

    def test_inverse_answer_prints_one_row_per_principal(self):
        inv = {"tenant": "auto", "from": T0, "to": T1,
               "checkpoint": self.note, "size": self.size,
               "principals": [
                   {"kind": "engineer", "id": "eng1",
                    "first": "2022-01-21T14:03:00Z",
                    "last": "2022-01-21T14:05:00Z",
                    "actions": {"user.list": 2},
                    "denied": {"user.delete": 1}, "entries": [3, 4, 5]},
                   {"kind": "device", "id": "dev1", "first": None,
                    "last": None, "actions": {}, "denied": {},
                    "entries": []}]}
        f = self.save("inverse.json", json.dumps(inv))
        out = self.cli("scope", "--answer", f).stdout.splitlines()
        self.assertTrue(out[0].startswith("2 principals reached tenant "
                                          "auto from %s" % T0), out[0])
        self.assertEqual(out[2].split(), [
            "engineer", "eng1", "2022-01-21T14:03:00Z",
            "2022-01-21T14:05:00Z", "user.list:2", "user.delete:1", "3"])
        self.assertEqual(out[3].split(), ["device", "dev1", "-", "-", "-",
                                          "-", "0"])
        # No report from an answer about one tenant.
        self.cli("scope", "--answer", f, "--report", self.path("r"), code=2)

    def test_usage_errors_are_refused_before_any_request(self):
        size = self.d.log_size()
        for args in (["--from", T0, "--to", T1],
                     ["--engineer", "eng1", "--to", T1],
                     ["--engineer", "eng1", "--from", T1, "--to", T0],
                     ["--engineer", "eng1", "--from", "last week",
                      "--to", T1],
                     ["--tenant", "auto", "--engineer", "eng1", "--from",
                      T0, "--to", T1],
                     ["--tenant", "auto", "--from", T0, "--to", T1,
                      "--report", self.path("r")],
                     ["--engineer", "eng1", "--from", T0, "--to", T1,
                      "--force"],
                     ["--engineer", "", "--from", T0, "--to", T1],
                     ["--engineer", "eng1", "--from", T0, "--to", T1,
                      "extra"],
                     ["--answer", "x", "--engineer", "eng1"],
                     ["--from", T0, "--from", T0, "--to", T1,
                      "--engineer", "e"],
                     ["--colour", "red"]):
            p = self.op("scope", *args, code=2)
            self.assertIn("usage: custos scope", p.stderr, args)
        self.assertFalse(os.path.exists(self.path("r")))
        self.assertEqual(self.d.log_size(), size)


def scope_route_missing(d):
    r = d.op("POST", "/v1/scope", {})
    return r.status == 404


class ScopeLive(CliCase):
    """The commands against POST /v1/scope: what the CLI shows is what
    the server answered, and its reports verify."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if scope_route_missing(cls.d):
            return
        d = cls.d
        cls.start = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                  time.gmtime(time.time() - 60))
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.eng = r.body["token"]
        for method, path, want in (
                ("GET", "/v1/tenants/auto/users", 200),
                ("POST", "/v1/tenants/auto/users/auto-user/password-reset",
                 202),
                ("DELETE", "/v1/tenants/auto/users/auto-admin", 403)):
            r = d.call(method, path, {} if method == "POST" else None,
                       token=cls.eng)
            assert r.status == want, (path, r)
        cls.end = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                time.gmtime(time.time() + 60))
        settled_checkpoint(d)

    def setUp(self):
        if scope_route_missing(self.d):
            self.skipTest("the daemon has no POST /v1/scope yet")
        super().setUp()

    def window(self):
        return ["--from", self.start, "--to", self.end]

    def test_json_is_the_servers_answer_and_the_table_shows_it(self):
        api = self.d.op("POST", "/v1/scope", {
            "principals": {"engineers": ["eng1"], "devices": [],
                           "sessions": [], "vendors": [], "ips": []},
            "from": self.start, "to": self.end})
        self.assertEqual(api.status, 200, api)
        got = json.loads(self.op("--json", "scope", "--engineer", "eng1",
                                 *self.window()).stdout)
        self.assertEqual(got["tenants"], api.body["tenants"])
        self.assertEqual(got["summary"], api.body["summary"])
        auto = [t for t in got["tenants"] if t["tenant"] == "auto"][0]
        self.assertEqual(auto["exposure"], "acted_upon")
        self.assertEqual(auto["users_affected"], ["auto-user"])
        rows = {line.split()[0]: line.split() for line in self.op(
            "scope", "--engineer", "eng1", *self.window()).stdout
            .splitlines()[2:]}
        self.assertEqual(rows["auto"][1], "acted_upon")
        self.assertIn("user.password_reset:1", rows["auto"][4])
        self.assertEqual(rows["auto"][5], "auto-user")
        self.assertIn("user.delete:1", rows["auto"][6])

    def test_proofs_are_asked_for_and_reports_verify(self):
        got = json.loads(self.op("--json", "scope", "--engineer", "eng1",
                                 "--device", "dev1", "--proofs",
                                 *self.window()).stdout)
        auto = [t for t in got["tenants"] if t["tenant"] == "auto"][0]
        self.assertEqual(sorted(auto["proofs"]),
                         sorted(str(i) for i in auto["entries"]))
        out = self.path("reports")
        self.op("scope", "--engineer", "eng1", "--device", "dev1",
                "--report", out, *self.window())
        keyfile = self.save("log.key", fetch_key(self.d) + "\n")
        tenants = [t["tenant"] for t in
                   got["tenants"] + got.get("attempted", [])]
        self.assertEqual(sorted(os.listdir(out)), sorted(
            ["summary.json", "summary.md"] +
            [t + ext for t in tenants for ext in (".json", ".md")]))
        for t in tenants:
            self.verify_tenant_log(keyfile, os.path.join(out, t + ".json"),
                                   t)
        with open(os.path.join(out, "auto.json")) as f:
            doc = json.load(f)
        self.assertTrue(set(auto["entries"]) >=
                        {e["index"] for e in doc["entries"]})

    def test_inverse_lists_the_engineer(self):
        out = self.op("scope", "--tenant", "auto",
                      *self.window()).stdout.splitlines()
        self.assertRegex(out[0], r"^\d+ principals reached tenant auto "
                         r"from ")
        ids = [line.split()[:2] for line in out[2:]]
        self.assertIn(["engineer", "eng1"], ids)

    def test_engineers_may_not_ask(self):
        p = self.cli("scope", "--engineer", "eng1", *self.window(),
                     token=self.eng, code=1)
        self.assertIn("forbidden", p.stderr)


OKTA_EVENTS = [
    {"uuid": "f6a1c2e0-7a1b-11ec-9d64-0242ac120002",
     "published": "2022-01-21T14:03:00.000Z",
     "eventType": "user.account.reset_password", "version": "0",
     "severity": "INFO", "displayMessage": "Reset password for user",
     "actor": {"id": "00u1abcd", "type": "User",
               "alternateId": "agent@sitel.example",
               "displayName": "Support Agent"},
     "client": {"ipAddress": "203.0.113.9",
                "userAgent": {"rawUserAgent": "Mozilla/5.0"}},
     "outcome": {"result": "SUCCESS"},
     "target": [{"id": "00u2efgh", "type": "User",
                 "alternateId": "hank@globex.example",
                 "displayName": "Hank"}],
     "transaction": {"type": "WEB", "id": "Yf1b2c3"},
     "authenticationContext": {"externalSessionId": "102abc"},
     "securityContext": {}},
    {"uuid": "f6a1c2e0-7a1b-11ec-9d64-0242ac120003",
     "published": "2022-01-21T14:04:00.000Z",
     "eventType": "user.mfa.factor.reset_all", "version": "0",
     "severity": "INFO", "displayMessage": "Reset all factors for user",
     "actor": {"id": "00u1abcd", "type": "User",
               "alternateId": "agent@sitel.example"},
     "client": {"ipAddress": "203.0.113.9"},
     "outcome": {"result": "SUCCESS"},
     "target": [{"id": "00u2efgh", "type": "User",
                 "alternateId": "hank@globex.example"}],
     "transaction": {"type": "WEB", "id": "Yf1b2c4"},
     "authenticationContext": {"externalSessionId": "102abc"},
     "securityContext": {}},
]


class ImportCli(CliCase):
    def test_a_malformed_line_is_named_and_the_rest_imported(self):
        # Issue 16: --format okta streams the file; the server imports
        # what it can and names each event it could not, by line.
        size = self.d.log_size()
        lines = [json.dumps(e) for e in OKTA_EVENTS]
        f = self.save("okta.jsonl", "\n".join(
            [lines[0], "", "# a comment", "{\"uuid\": ", lines[1],
             "[1, 2]"]) + "\n")
        p = self.op("import", f, "--format", "okta", "--all-or-nothing",
                    code=1)
        self.assertIn("bad_request", p.stderr)
        self.assertIn("(line 3)", p.stderr)
        self.assertEqual(self.d.log_size(), size + 1)   # the refusal
        p = self.op("import", f, "--format", "okta")
        self.assertIn(" of 3 events", p.stdout)
        self.assertIn(", 3 errors", p.stdout)
        self.assertIn("(line 3): expected '{'", p.stdout)
        self.assertIn("(line 4): the event is cut short", p.stdout)
        self.assertIn("(line 6): an element of the array is not", p.stdout)
        self.assertIn("the import stopped early", p.stdout)
        # A byte-order mark before the first line is not a malformation;
        # the event is imported once.
        with open(self.path("bom.jsonl"), "wb") as out:
            out.write(b"\xef\xbb\xbf" + lines[0].encode() + b"\n")
        p = self.op("--json", "import", "--format", "okta",
                    self.path("bom.jsonl"))
        out = json.loads(p.stdout)
        self.assertEqual((out["imported"], out["duplicates"],
                          out["errors_total"]), (0, 1, 0))

    def test_a_malformed_array_element_is_named_by_its_line(self):
        text = json.dumps(OKTA_EVENTS, indent=2)
        good = self.save("okta.json", text)
        cut = self.save("cut.json", text[:len(text) // 2])
        bad = self.save("bad.json", "[\n" + json.dumps(OKTA_EVENTS[0]) +
                        ",\n{\"uuid\": 1,, \"x\": 2}\n]\n")
        p = self.op("import", bad, "--format", "okta")
        self.assertIn("(line 3): malformed JSON", p.stdout)
        p = self.op("import", cut, "--format", "okta")
        self.assertIn("the import stopped early", p.stdout)
        p = self.op("import", good, code=2)
        self.assertIn("only --format okta", p.stderr)
        self.op("import", good, "--format", "csv", code=2)
        self.op("import", good, "--format", "okta", "--from-line", "2",
                code=2)
        self.op("import", good, "--progress", code=2)

    def skip_unless_formats(self):
        probe = self.d.call("POST", "/v1/import?format=okta",
                            raw=b"{}\n", token=self.d.operator)
        if "kind" in probe.raw:
            self.skipTest("the daemon does not take ?format=okta yet")

    def test_a_line_the_server_refuses_is_named_by_the_files_line(self):
        self.skip_unless_formats()
        events = [ev for _, ev, _ in self.d.entries()][:2]
        bad = dict(events[1], bogus=1)
        f = self.save("entries.jsonl", "\n".join([
            "# exported from another custos", json.dumps(events[0]), "",
            json.dumps(bad)]) + "\n")
        size = self.d.log_size()
        p = self.op("import", f, code=1)
        self.assertIn("bad_request: %s:4:" % f, p.stderr)
        self.assertIn("nothing was imported", p.stderr)
        # Only the refused import itself is recorded.
        self.assertEqual(self.d.log_size(), size + 1)
        f = self.save("entries.jsonl", "\n".join(
            json.dumps(ev) for ev in events) + "\n")
        p = self.op("--json", "import", f)
        out = json.loads(p.stdout)
        self.assertEqual((out["format"], out["records"], out["chunks"]),
                         ("entries", 2, 1))
        self.assertEqual(out["answer"]["imported"], 2)
        last = out["answer"]["last_index"]
        got = [ev for i, ev, _ in self.d.entries(last - 1)][:2]
        self.assertEqual([(g["action"], g["time"]) for g in got],
                         [(e["action"], e["time"]) for e in events])

    def test_okta_array_imports_into_the_log(self):
        self.skip_unless_formats()
        size = self.d.log_size()
        # Events of their own: the others' tests import OKTA_EVENTS, and
        # an event is imported once.
        events = [dict(e, uuid="a" + e["uuid"][1:]) for e in OKTA_EVENTS]
        f = self.save("okta.json", json.dumps(events, indent=2))
        p = self.op("import", f, "--format", "okta")
        self.assertIn("imported 2 of 2 events", p.stdout)
        self.assertGreaterEqual(self.d.log_size(), size + 2)


if __name__ == "__main__":
    unittest.main()
