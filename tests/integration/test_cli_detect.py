# SPDX-License-Identifier: ISC
"""custos alerts, contain, containments and working-hours, against the real
daemon with its detection rules running.

An engineer tries what support may not do (GET /v1/tenants/auto/export,
refused 403); the forbidden_probe rule raises an alert within about a
second.  The CLI must list it, show it in full, ask its scope question
(through custos scope, so with scope's --json and --report), contain the
engineer (the old session token then gets 401, a new login 403, the
engineer's approved access is revoked) and lift the containment again.

The tests of the class run in name order, each starting where the one
before left off.  CUSTOSD, CUSTOS as in harness.py.
"""
import calendar
import json
import os
import re
import subprocess
import tempfile
import time
import unittest

from harness import CUSTOS, DaemonTest

REASON = "probing tenant exports"
LIFT = "cleared after review"


class CliDetect(DaemonTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.token_file = os.path.join(cls.d.data, "operator.token")
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.eng = r.body["token"]
        # Access to auto (auto_approve): a grant for containment to revoke.
        r = cls.d.call("POST", "/v1/tenants/auto/access-requests", {
            "ticket": "auto-t1", "reason": "user locked out since monday",
            "minutes": 60}, token=cls.eng)
        assert r.status == 201 and r.body["state"] == "approved", r
        cls.grant = r.body["id"]
        r = cls.d.call("GET", "/v1/tenants/auto/export", token=cls.eng)
        assert r.status == 403, r
        deadline = time.time() + 5
        cls.alert = None
        while cls.alert is None and time.time() < deadline:
            r = cls.d.op("GET", "/v1/alerts?rule=forbidden_probe")
            assert r.status == 200, r
            if r.body["alerts"]:
                cls.alert = r.body["alerts"][0]
            else:
                time.sleep(0.1)
        assert cls.alert is not None, "no forbidden_probe alert in 5 s"

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def cli(self, *args, code=0):
        p = subprocess.run(
            [CUSTOS, "--server", self.d.url, "--token-file",
             self.token_file] + list(args),
            capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin",
                 "CUSTOS_CONFIG_DIR": self.tmp.name})
        self.assertEqual(p.returncode, code,
                         (args, p.stdout[-3000:], p.stderr[-3000:]))
        self.assertNotIn("runtime error", p.stderr)
        self.assertNotIn("Sanitizer", p.stderr)
        return p

    def login_step_one(self):
        """Both login steps: a containment refuses a login (403) once
        every factor is right (the device first, then the password and
        the code).  A refused code is not used up, so it can be repeated
        within one time step."""
        return self.w.engineer_login(at=time.time() + 30).status

    def test_1_alerts_lists_the_forbidden_probe(self):
        a = self.alert
        self.assertEqual((a["subject"], a["severity"]), ("eng1", "high"))
        out = self.cli("alerts").stdout
        self.assertRegex(out.splitlines()[0],
                         r"^TIME +SEVERITY +RULE +SUBJECT +ID +CONTAINMENT "
                         r"+MESSAGE$")
        row = [l for l in out.splitlines() if a["id"] in l]
        self.assertEqual(len(row), 1, out)
        self.assertRegex(row[0], r"^%s +high +forbidden_probe +eng1 +%s +- "
                         r"+eng1 tried tenant\.export" %
                         (re.escape(a["time"]), a["id"]))
        # Filters go to the server as they are.
        out = self.cli("alerts", "--rule", "forbidden_probe", "--severity",
                       "high", "--subject", "eng1", "--from",
                       "2000-01-01T00:00:00Z", "--to",
                       "2100-01-01T00:00:00+01:00", "--limit", "5").stdout
        self.assertIn(a["id"], out)
        self.assertEqual(self.cli("alerts", "--rule", "break_glass").stdout,
                         "no alerts\n")
        self.assertNotIn(a["id"], self.cli("alerts", "--subject",
                                           "nobody").stdout)
        doc = json.loads(self.cli("--json", "alerts", "--subject",
                                  "eng1").stdout)
        self.assertIn(a["id"], [x["id"] for x in doc["alerts"]])
        # A rule or severity the server does not know: its 400, exit 1.
        p = self.cli("alerts", "--rule", "no_such_rule", code=1)
        self.assertIn("bad_request", p.stderr)
        self.cli("alerts", "--severity", "dire", code=1)

    def test_2_alerts_id_shows_one_in_full(self):
        a = self.alert
        out = self.cli("alerts", "--id", a["id"]).stdout
        for line in ("id: " + a["id"], "rule: forbidden_probe",
                     "severity: high", "subject: eng1",
                     "subject_kind: engineer", "containment: none",
                     "entries: " + ", ".join(map(str, a["entries"]))):
            self.assertIn(line + "\n", out)
        self.assertRegex(out, r"detail: engineer eng1, .*tenant auto")
        m = re.search(r"^scope: custos scope --engineer eng1 --from (\S+) "
                      r"--to (\S+)$", out, re.M)
        self.assertIsNotNone(m, out)
        self.assertEqual(m.group(1), a["scope"]["from"])
        self.assertRegex(m.group(2), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn("(or: custos alerts --scope %s " % a["id"], out)
        doc = json.loads(self.cli("--json", "alerts", "--id",
                                  a["id"]).stdout)
        self.assertEqual(doc, self.d.op("GET", "/v1/alerts/" +
                                        a["id"]).body)
        p = self.cli("alerts", "--id", "alr_nosuchalert", code=1)
        self.assertIn("not_found", p.stderr)

    def test_3_alerts_scope_asks_the_alerts_question(self):
        a = self.alert
        before = time.time()
        doc = json.loads(self.cli("--json", "alerts", "--scope",
                                  a["id"]).stdout)
        reached = [t["tenant"] for t in doc.get("tenants", []) +
                   doc.get("attempted", [])]
        self.assertIn("auto", reached, doc)
        self.assertEqual(doc["from"], a["scope"]["from"])
        # "to" is now, rounded up to a whole second.
        to = doc["to"]
        self.assertRegex(to, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        t = calendar.timegm(time.strptime(to, "%Y-%m-%dT%H:%M:%SZ"))
        self.assertGreaterEqual(t, int(before))
        self.assertLessEqual(t, time.time() + 2)
        # Human mode: one line naming the question, then scope's output;
        # scope's options pass through (here --report DIR).
        out_dir = os.path.join(self.tmp.name, "reports")
        p = self.cli("alerts", "--scope=" + a["id"], "--report", out_dir)
        first = p.stdout.splitlines()[0]
        self.assertRegex(first, r"^alert %s \(forbidden_probe\): custos "
                         r"scope --engineer eng1 --from %s --to \S+ "
                         r"--report \S+$" % (a["id"],
                                             re.escape(a["scope"]["from"])))
        self.assertRegex(p.stdout, r"\nauto +\S+ ")
        self.assertIn("tenant reports and the summary to", p.stdout)
        self.assertIn("auto.json", os.listdir(out_dir))
        # The question is the alert's: scope's question options are
        # refused; so are the list's.  An unknown alert is the server's
        # not_found.
        for extra in (["--from", "2020-01-01T00:00:00Z"],
                      ["--to=2030-01-01T00:00:00Z"], ["--engineer", "x"],
                      ["--tenant", "auto"], ["--rule", "off_hours"],
                      ["--id", a["id"]], ["--scope", a["id"]],
                      ["--bogus"], ["--force"], ["--", "extra"]):
            self.cli("alerts", "--scope", a["id"], *extra, code=2)
        self.cli("alerts", "--scope", "alr_nosuchalert", code=1)

    def test_4_contain_engineer_ends_sessions_and_refuses_logins(self):
        r = self.d.call("GET", "/v1/tenants/auto/users", token=self.eng)
        self.assertEqual(r.status, 200, r)
        out = self.cli("contain", "--engineer", "eng1", "--reason",
                       REASON).stdout
        m = re.match(r"engineer eng1 contained: containment (\S+); logins "
                     r"are refused until it is lifted\n", out)
        self.assertIsNotNone(m, out)
        self.assertRegex(out, r"\nsessions ended: [1-9]\d*\n")
        self.assertIn("\naccess requests revoked: 1\n", out)
        self.assertRegex(out, r"\n%s +auto +eng1\n" % self.grant)
        # The old session is over; a new login is refused.
        r = self.d.call("GET", "/v1/tenants/auto/users", token=self.eng)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(self.login_step_one(), 403)
        out = self.cli("containments").stdout
        self.assertRegex(out, r"\n%s +engineer +eng1 +in_force +access +"
                         r"sessions ended; logins refused until lifted; "
                         r"open access revoked +\S+ +operator +- +- +%s\n"
                         % (m.group(1), REASON))
        doc = json.loads(self.cli("--json", "containments").stdout)
        self.assertEqual([c["id"] for c in doc["containments"]],
                         [m.group(1)])

    def test_5_contain_lift_by_target_lets_logins_in_again(self):
        out = self.cli("contain", "--lift", "--engineer", "eng1",
                       "--reason", LIFT).stdout
        self.assertRegex(out, r"^containment \S+ of engineer eng1 lifted "
                         r"at \S+ by operator\n$")
        # A whole login: the next time step's code (setUpClass used
        # this step's; a code works once).
        r = self.w.engineer_login(at=time.time() + 30)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.cli("containments").stdout,
                         "no containments\n")
        out = self.cli("containments", "--all").stdout
        self.assertRegex(out, r"\n\S+ +engineer +eng1 +lifted ")
        # Nothing left in force to lift: exit 1.
        p = self.cli("contain", "--lift", "--engineer", "eng1", "--reason",
                     LIFT, code=1)
        self.assertIn("no containment in force for engineer eng1",
                      p.stderr)

    def test_6_contain_device_then_lift_by_id(self):
        doc = json.loads(self.cli("--json", "contain", "--device", "dev1",
                                  "--reason", REASON).stdout)
        self.assertEqual((doc["kind"], doc["target"], doc["engineer"],
                          doc["in_force"]), ("device", "dev1", "eng1", True))
        self.assertEqual(self.login_step_one(), 403)
        out = self.cli("contain", "--lift", doc["id"], "--reason",
                       LIFT).stdout
        self.assertRegex(out, r"^containment %s of device dev1 \(engineer "
                         r"eng1\) lifted at \S+ by operator\n$" % doc["id"])
        # Lifted: no longer refused as contained (test_5 used this time
        # step's code, so the code itself may be refused as reused).
        self.assertNotEqual(self.login_step_one(), 403)
        # Lifted already: the server's conflict, exit 1.
        p = self.cli("contain", "--lift", doc["id"], "--reason", LIFT,
                     code=1)
        self.assertIn("conflict", p.stderr)
        p = self.cli("--json", "contain", "--lift", "--device", "dev1",
                     "--reason", LIFT, code=1)
        self.assertEqual(p.stdout, "")
        # By target with --json: {"containments": [the answers]}.
        out = self.cli("contain", "--vendor", "other", "--reason",
                       REASON).stdout
        self.assertRegex(out, r"^vendor other contained: containment \S+")
        self.assertIn("\nsessions ended: 0\naccess requests revoked: 0\n",
                      out)
        doc = json.loads(self.cli("--json", "contain", "--lift",
                                  "--vendor", "other", "--reason",
                                  LIFT).stdout)
        self.assertEqual([(c["target"], c["in_force"], c["lift_reason"])
                          for c in doc["containments"]],
                         [("other", False, LIFT)])

    def test_7_working_hours_are_set_and_cleared(self):
        spec = "mon-fri 08:00-18:00 +01:00"
        out = self.cli("working-hours", "eng1", spec).stdout
        self.assertEqual(out, "engineer eng1: working hours %s\n" % spec)
        doc = json.loads(self.cli("--json", "working-hours", "eng1",
                                  "daily 00:00-23:59").stdout)
        self.assertEqual(doc, {"id": "eng1",
                               "working_hours": "daily 00:00-23:59"})
        out = self.cli("working-hours", "eng1", "").stdout
        self.assertIn("working hours cleared", out)
        p = self.cli("working-hours", "eng1", "someday 25:00", code=1)
        self.assertIn("bad_request", p.stderr)
        p = self.cli("working-hours", "nobody", spec, code=1)
        self.assertIn("not_found", p.stderr)

    def test_8_usage_errors_exit_2_and_help_covers_every_command(self):
        for args in (["alerts", "extra"], ["alerts", "--limit", "0"],
                     ["alerts", "--limit", "ten"],
                     ["alerts", "--from", "last week"],
                     ["alerts", "--id", "x", "--rule", "off_hours"],
                     ["alerts", "--id", ""], ["alerts", "--scope"],
                     ["contain", "--reason", REASON],
                     ["contain", "--engineer", "eng1"],
                     ["contain", "--engineer", "eng1", "--reason", ""],
                     ["contain", "--engineer", "eng1", "--device", "dev1",
                      "--reason", REASON],
                     ["contain", "cnt_x", "--reason", REASON],
                     ["contain", "--lift", "--reason", REASON],
                     ["contain", "--lift", "cnt_x", "--engineer", "eng1",
                      "--reason", REASON],
                     ["contain", "--lift=cnt_x", "--reason", REASON],
                     ["containments", "--all", "x"],
                     ["working-hours", "eng1"],
                     ["working-hours", "eng1", "a", "b"]):
            self.cli(*args, code=2)
        out = self.cli("help").stdout
        for c in ("alerts", "contain", "containments", "working-hours"):
            self.assertRegex(out, r"\n  %s +\S" % re.escape(c))
            h = self.cli(c, "--help").stdout
            self.assertIn("usage: custos %s" % c, h)


if __name__ == "__main__":
    unittest.main()
