# SPDX-License-Identifier: ISC
"""Containment in proportion, and said plainly (issue 11, finding 10).

One mistyped device with the right password is at most an alert: the
engineer's sessions and every customer's approval stand.  The operator
picks a level -- sessions (the sessions end, logins go on), logins (and
logins are refused until lifted; approvals kept) or access (and open
access is revoked) -- and the answer, the listing and `custos
containments` say what is enforced; in_force is true only while logins
are refused, and a login is refused only then.  Strong evidence -- alerts
of two different rules about what one signed-in engineer did -- raises
several_signals, which revokes approvals only where configured to.
"""
import subprocess
import unittest

from harness import CUSTOS
from test_containment import WHY, ContainTest


class OneTypo(ContainTest):
    def test_a_wrong_device_with_the_right_password_revokes_nothing(self):
        self.engineer("eng2", device="dev2")
        token = self.login()
        rid = self.granted(token)
        # The right password, another engineer's device: refused.
        r = self.login_answer(device="dev2")
        self.assertEqual(r.status, 401, r)
        self.settle()               # detection has seen the attempt
        # The session, and the customer's approval, stand.
        self.read("appr", token)
        self.assertEqual(self.request_state(rid), "approved")
        self.assertEqual(self.listed("?all=1"), [])
        self.assertFalse([e for _, e in self.events()
                          if e["action"] in ("containment",
                                             "access_request.revoke")])
        self.read("appr", self.login())


class Levels(ContainTest):
    def containments_cli(self, *args):
        p = subprocess.run([CUSTOS, "--server", self.d.url, "--token",
                            self.d.operator, "containments"] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_sessions_level_ends_sessions_and_holds_nothing_more(self):
        token = self.login()
        rid = self.granted(token)
        c = self.contain(engineer="eng1", level="sessions")
        self.assertEqual((c["level"], c["in_force"], c["refuses_logins"],
                          c["sessions_ended"], c["grants_revoked"]),
                         ("sessions", False, False, 1, []), c)
        self.assertEqual(c["enforced"], "sessions ended; logins still "
                         "allowed; approvals kept")
        self.read("appr", token, status=401)
        # Logins go on, and the approval serves the new session.
        self.read("appr", self.login())
        self.assertEqual(self.request_state(rid), "approved")
        # Nothing in force: not listed, shown as done with --all.
        self.assertEqual(self.listed(), [])
        [x] = self.listed("?all=1")
        self.assertEqual((x["id"], x["in_force"], x["enforced"]),
                         (c["id"], False, c["enforced"]), x)
        self.assertEqual(self.containments_cli(), "no containments\n")
        out = self.containments_cli("--all")
        self.assertRegex(out, r"\n%s +engineer +eng1 +done +sessions +"
                         r"sessions ended; logins still allowed; approvals "
                         r"kept " % c["id"])
        r = self.d.op("POST", "/v1/containment/%s/lift" % c["id"],
                      {"reason": "nothing to lift"})
        self.assertEqual(r.status, 409, r)

    def test_logins_level_refuses_logins_until_lifted_and_keeps_approvals(self):
        token = self.login()
        rid = self.granted(token)
        c = self.contain(engineer="eng1", level="logins")
        self.assertEqual((c["level"], c["in_force"], c["refuses_logins"],
                          c["grants_revoked"]),
                         ("logins", True, True, []), c)
        self.assertEqual(c["enforced"], "sessions ended; logins refused "
                         "until lifted; approvals kept")
        self.read("appr", token, status=401)
        self.refused_login()
        self.assertEqual(self.request_state(rid), "approved")
        [x] = self.listed()
        self.assertEqual((x["id"], x["in_force"], x["level"]),
                         (c["id"], True, "logins"), x)
        out = self.containments_cli()
        self.assertRegex(out, r"\n%s +engineer +eng1 +in_force +logins +"
                         r"sessions ended; logins refused until lifted; "
                         r"approvals kept " % c["id"])
        self.lift(c["id"])
        # Back in, with the customer's approval as it was.
        self.read("appr", self.login())
        self.assertEqual(self.request_state(rid), "approved")

    def test_access_level_revokes_and_is_the_operators_default(self):
        token = self.login()
        rid = self.granted(token)
        c = self.contain(engineer="eng1")
        self.assertEqual((c["level"], c["in_force"], c["enforced"]),
                         ("access", True, "sessions ended; logins refused "
                          "until lifted; open access revoked"), c)
        self.assertEqual([g["id"] for g in c["grants_revoked"]], [rid])
        self.assertEqual(self.request_state(rid), "revoked")
        self.refused_login()

    def test_levels_are_checked(self):
        token = self.login()
        r = self.d.op("POST", "/v1/containment", {
            "engineer": "eng1", "reason": WHY, "level": "everything"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("'level'", r.body["error"]["message"])
        r = self.login_answer()
        self.assertEqual(r.status, 200, r)
        r = self.d.op("POST", "/v1/containment", {
            "session": r.body["session"], "reason": WHY, "level": "access"})
        self.assertEqual(r.status, 400, r)
        self.read(token=token)
        self.assertEqual(self.listed("?all=1"), [])


class Signals(ContainTest):
    """A refused export (forbidden_probe), then five resets (reset_burst):
    two different signals about eng1 within the hour."""

    def signals(self, token):
        r = self.d.call("GET", "/v1/tenants/auto/export", token=token)
        self.assertEqual(r.status, 403, r)
        self.wait_alert("forbidden_probe")
        for k in range(5):
            kind = "password-reset" if k % 2 == 0 else "mfa-reset"
            r = self.d.call("POST", "/v1/tenants/auto/users/auto-user/" +
                            kind, {}, token=token)
            self.assertEqual(r.status, 202, r)
            self.tick(60)
        self.wait_alert("reset_burst")
        [a] = self.wait_alert("several_signals")
        self.assertEqual((a["severity"], a["subject"]),
                         ("critical", "eng1"), a)
        self.assertIn("forbidden_probe", a["message"])
        self.assertIn("reset_burst", a["message"])
        return a


class SeveralSignals(Signals):
    extra = ("--rule-several-signals", "contain=engineer level=access")

    def test_strong_evidence_revokes_where_configured(self):
        token = self.login()
        rid = self.granted(token)
        a = self.signals(token)
        c = a["containment"]
        self.assertEqual((c["kind"], c["target"], c["level"],
                          c["refuses_logins"]),
                         ("engineer", "eng1", "access", True), a)
        self.assertEqual(self.request_state(rid), "revoked")
        self.refused_login()


class SeveralSignalsByDefault(Signals):
    def test_strong_evidence_only_alerts_by_default(self):
        token = self.login()
        rid = self.granted(token)
        a = self.signals(token)
        self.assertIsNone(a["containment"], a)  # alert only by default
        self.read("appr", token)
        self.assertEqual(self.request_state(rid), "approved")


if __name__ == "__main__":
    unittest.main()
