# SPDX-License-Identifier: ISC
"""Customer approvals driven through the custos CLI against the real
daemon: an engineer asks for access, the tenant admin (tenant-login) lists
and approves, the engineer works, asks a second approval for a reset of the
tenant's admin, the admin grants it, the reset goes through once and only
once, the admin revokes and the engineer's next call is refused; the
operator opens break-glass access to a tenant whose policy is deny; the
admin reads and changes the support policy; an engineer of another vendor
answers a second approval; MFA enrolment shows its secret on the terminal
only.  Engineer, admin, operator and second engineer each have their own
CUSTOS_CONFIG_DIR, as on separate machines."""
import json
import os
import pty
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

from harness import CUSTOS, TOTP_SECRET, Daemon, World, totp

REASON = "customer cannot log in, see the ticket"


class CliAccess(unittest.TestCase):
    """One daemon and world for the class; the tests run in name order and
    each starts where the one before left off, as the workflow does."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.w = World(cls.d)
        cls.tmp = tempfile.mkdtemp(prefix="custos-cli-access-")
        cls.pw = {}
        for who, text in (("eng1", cls.w.eng_password),
                          ("eng2", "engineer password 2"),
                          ("admin", "admin password 12"),
                          ("user", "user password 12")):
            cls.pw[who] = os.path.join(cls.tmp, who + ".pw")
            with open(cls.pw[who], "w") as f:
                f.write(text + "\n")
        # A second engineer, of another vendor, for second approvals.
        r = cls.d.op("POST", "/v1/engineers", {
            "id": "eng2", "username": "eng2", "vendor": "other",
            "password": "engineer password 2", "totp_secret": TOTP_SECRET})
        assert r.status == 201, r
        # Each engineer makes its device key with the CLI; the operator
        # registers it; then the engineer logs in with it.
        for eng in ("eng1", "eng2"):
            r = cls.cli(eng, "keygen")
            assert r.returncode == 0, r.stderr
            r = cls.d.op("POST", "/v1/engineers/%s/devices" % eng, {
                "id": eng + "-cli", "name": "cli",
                "public_key": r.stdout.strip()})
            assert r.status == 201, r
            r = cls.cli(eng, "login", "--username", eng, "--device",
                        eng + "-cli", "--password-file", cls.pw[eng],
                        "--totp", totp())
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert cls.d.stop() == 0, "custosd did not exit cleanly"

    @classmethod
    def env(cls, who):
        e = dict(os.environ, CUSTOS_SERVER=cls.d.url,
                 CUSTOS_CONFIG_DIR=os.path.join(cls.tmp, "cfg-" + who))
        e.pop("CUSTOS_TOKEN", None)
        e.pop("CUSTOS_PASSWORD", None)
        return e

    @classmethod
    def cli(cls, who, *args, env_extra=None, **kw):
        env = cls.env(who)
        env.update(env_extra or {})
        return subprocess.run([CUSTOS] + list(args), capture_output=True,
                              text=True, env=env, timeout=60,
                              stdin=subprocess.DEVNULL, **kw)

    def eng(self, *args):
        return self.cli("eng1", *args)

    def adm(self, *args):
        return self.cli("admin", *args)

    def eng_elsewhere(self, *args):
        """Another role's command by the engineer: custos refuses it
        itself, before sending anything (exit 2, issue 14); the same
        command with the session's token given by hand (so custos does
        not know whose it is) reaches custosd, whose answer is returned,
        for the refusal that matters: the server's."""
        r = self.eng(*args)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("nothing was sent", r.stderr)
        with open(os.path.join(self.tmp, "cfg-eng1",
                               "session.json")) as f:
            token = json.load(f)["token"]
        return self.cli("eng1", *args, env_extra={"CUSTOS_TOKEN": token})

    def op(self, *args):
        return self.cli("operator", "--token-file",
                        os.path.join(self.d.data, "operator.token"), *args)

    def ok(self, r):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def refused(self, r, code=None):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        if code is not None:
            self.assertIn(code, r.stderr)
        return r

    def request_access(self, tenant, ticket):
        r = self.ok(self.eng("request-access", tenant, "--ticket", ticket,
                             "--reason", REASON, "--minutes", "60"))
        m = re.search(r"^access request (req_\S+): pending; a tenant admin "
                      r"must answer by \S+Z$", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        return m.group(1)

    def ask_approval(self, tenant, action, target=None):
        args = ["ask-approval", tenant, "--action", action, "--reason",
                REASON]
        if target is not None:
            args += ["--target", target]
        r = self.ok(self.eng(*args))
        m = re.search(r"^second approval (apr_\S+): pending", r.stdout,
                      re.M)
        self.assertIsNotNone(m, r.stdout)
        return m.group(1), r.stdout

    def test_1_admin_lists_and_approves_then_the_engineer_gets_in(self):
        self.refused(self.eng("users", "appr"), "forbidden")
        req = self.request_access("appr", "appr-t1")
        type(self).req = req

        r = self.ok(self.adm("tenant-login", "appr", "--username", "admin",
                             "--password-file", self.pw["admin"], "--totp",
                             totp()))
        self.assertIn("logged in to tenant appr", r.stdout)
        sess = os.path.join(self.tmp, "cfg-admin", "session.json")
        self.assertEqual(stat.S_IMODE(os.stat(sess).st_mode), 0o600)
        with open(sess) as f:
            saved = json.load(f)
        self.assertEqual(saved["server"], self.d.url)
        self.assertNotIn(saved["token"], r.stdout + r.stderr)
        # The engineer's saved session is untouched by the admin's.
        with open(os.path.join(self.tmp, "cfg-eng1", "session.json")) as f:
            self.assertEqual(json.load(f)["username"], "eng1")

        r = self.ok(self.adm("requests", "appr"))
        head, row = r.stdout.splitlines()[0], [
            l for l in r.stdout.splitlines() if l.startswith(req)]
        self.assertEqual(head.split()[:5],
                         ["ID", "STATE", "ENGINEER", "TICKET", "MINUTES"])
        self.assertEqual(len(row), 1, r.stdout)
        self.assertEqual(row[0].split()[1:5],
                         ["pending", "eng1", "appr-t1", "60"])

        r = self.ok(self.adm("approve", "appr", req))
        self.assertRegex(r.stdout, r"^access request %s: approved; engineer "
                         r"eng1 has access to tenant appr until \S+Z\n$"
                         % req)
        g = json.loads(self.ok(self.eng("--json", "request", req)).stdout)
        self.assertEqual((g["id"], g["state"], g["decided_by"]),
                         (req, "approved", "appr-admin"))
        r = self.ok(self.eng("request", req))
        self.assertIn("state: approved\n", r.stdout)
        self.assertIn("ticket: appr-t1\n", r.stdout)

        r = self.ok(self.eng("users", "appr"))
        self.assertIn("appr-admin", r.stdout)

    def test_2_second_approval_lets_one_admin_reset_through_once(self):
        r = self.refused(self.eng("reset-password", "appr", "appr-admin"),
                         "second_approval_required")
        self.assertIn("custos ask-approval appr", r.stderr)
        apr, out = self.ask_approval("appr", "user.password_reset",
                                     "appr-admin")
        self.assertIn("once it is approved: custos reset-password appr "
                      "appr-admin --approval %s\n" % apr, out)
        # Nobody approves their own request.
        self.refused(self.eng("approve-second", apr), "forbidden")
        r = self.ok(self.adm("approval", apr))
        self.assertIn("state: pending\n", r.stdout)
        self.assertIn("action: user.password_reset\n", r.stdout)
        r = self.ok(self.adm("approve-second", apr))
        self.assertIn("second approval %s: approved" % apr, r.stdout)

        mails = len(self.d.mails())
        r = self.ok(self.eng("reset-password", "appr", "appr-admin",
                             "--approval", apr))
        self.assertIn("the link went to ", r.stdout)
        self.assertNotIn("admin@appr.example", r.stdout)
        new = self.d.mails()[mails:]
        self.assertIn("admin@appr.example", [m["To"] for m in new])
        # Single use: the same approval does not let a second reset by.
        r = self.refused(self.eng("reset-password", "appr", "appr-admin",
                                  "--approval", apr), "already used")
        self.assertEqual(len(self.d.mails()), mails + len(new))
        a = json.loads(self.ok(self.eng("--json", "approval", apr)).stdout)
        self.assertEqual(a["state"], "used")

    def test_3_revoke_refuses_the_engineers_next_call(self):
        r = self.ok(self.adm("revoke", "appr", self.req))
        self.assertIn("access request %s: revoked; access ended at "
                      % self.req, r.stdout)
        self.refused(self.eng("users", "appr"), "forbidden")
        self.refused(self.eng("tickets", "appr"), "forbidden")
        g = json.loads(self.ok(self.eng("--json", "request",
                                        self.req)).stdout)
        self.assertEqual(g["state"], "revoked")
        # A revoked request cannot be approved again: ask anew.
        self.refused(self.adm("approve", "appr", self.req), "conflict")

    def test_4_denied_request_gives_no_access(self):
        req = self.request_access("appr", "appr-t1")
        r = self.ok(self.adm("deny", "appr", req))
        self.assertEqual(r.stdout, "access request %s: denied by appr-admin"
                         "\n" % req)
        self.refused(self.eng("users", "appr"), "forbidden")
        listed = json.loads(self.ok(self.adm("--json", "requests",
                                             "appr")).stdout)
        states = {g["id"]: g["state"] for g in listed["access_requests"]}
        self.assertEqual(states, {self.req: "revoked", req: "denied"})
        # An engineer may not list or answer a tenant's requests.
        self.refused(self.eng_elsewhere("requests", "appr"), "forbidden")
        self.refused(self.eng_elsewhere("approve", "appr", req))

    def test_5_break_glass_opens_a_deny_tenant_and_tells_its_admins(self):
        self.refused(self.eng("request-access", "deny", "--ticket",
                              "deny-t1", "--reason", REASON, "--minutes",
                              "30"), "forbidden")
        self.refused(self.eng("users", "deny"), "forbidden")
        # Only the operator may open it.
        self.refused(self.eng_elsewhere("break-glass", "deny", "--engineer",
                                        "eng1", "--reason", REASON))
        mails = len(self.d.mails())
        r = self.ok(self.op("break-glass", "deny", "--engineer", "eng1",
                            "--reason", "outage: the tenant's admins are "
                            "locked out", "--minutes", "15"))
        m = re.match(r"access request (req_\S+): approved; engineer eng1 "
                     r"has access to tenant deny until \S+Z "
                     r"\(break-glass\)\n", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        # (The sweeper may also say "Support access ends soon": 15
        # minutes is within its notice, depending on when it runs.)
        bg = [x for x in self.d.mails()[mails:]
              if x["To"] == "admin@deny.example" and
              "Break-glass" in x["Subject"]]
        self.assertEqual(len(bg), 1)
        self.assertIn("BREAK-GLASS", bg[0].get_payload(decode=True).decode())

        size = self.d.log_size()
        self.ok(self.eng("users", "deny"))
        ev = [e for _, e, _ in self.d.entries(size)
              if e["action"] == "user.list" and e["tenant"] == "deny"]
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["outcome"], "allowed")
        self.assertEqual(ev[0]["detail"]["break_glass"], "true")

    def test_6_admin_reads_and_changes_the_support_policy(self):
        r = self.ok(self.adm("policy", "appr"))
        self.assertIn("support_policy: approval_required\n", r.stdout)
        self.assertIn("second_approver: tenant_admin\n", r.stdout)
        self.refused(self.eng_elsewhere("policy", "appr"), "forbidden")
        self.refused(self.adm("policy", "appr", "--set-policy", "bogus"),
                     "bad_request")
        r = self.ok(self.adm("policy", "appr", "--set-policy",
                             "auto_approve", "--max-minutes", "120",
                             "--second-approver",
                             "tenant_admin_or_other_vendor", "--sensitive",
                             "user.list, ticket.view"))
        self.assertIn("support policy changed", r.stdout)
        p = json.loads(self.ok(self.adm("--json", "policy", "appr")).stdout)
        self.assertEqual(p, {
            "support_policy": "auto_approve", "max_minutes": 120,
            "second_approver": "tenant_admin_or_other_vendor",
            "sensitive_actions": ["user.list", "ticket.view"]})

    def test_7_sensitive_reads_need_an_approval_from_another_vendor(self):
        # appr is auto_approve now, with user.list and ticket.view marked.
        r = self.refused(self.eng("users", "appr"),
                         "second_approval_required")
        self.assertIn("--approval ID", r.stderr)
        apr, _ = self.ask_approval("appr", "user.list")
        r = self.ok(self.cli("eng2", "approve-second", apr))
        self.assertIn("approved", r.stdout)
        r = self.ok(self.eng("users", "appr", "--approval", apr))
        self.assertIn("appr-user", r.stdout)
        self.refused(self.eng("users", "appr", "--approval", apr),
                     "already used")

        self.refused(self.eng("tickets", "appr", "appr-t1"),
                     "second_approval_required")
        apr, _ = self.ask_approval("appr", "ticket.view", "appr-t1")
        r = self.ok(self.adm("deny-second", apr))
        self.assertIn("second approval %s: denied" % apr, r.stdout)
        self.refused(self.eng("tickets", "appr", "appr-t1", "--approval",
                              apr), "forbidden")
        apr, _ = self.ask_approval("appr", "ticket.view", "appr-t1")
        self.ok(self.adm("approve-second", apr))
        r = self.ok(self.eng("tickets", "appr", "appr-t1", "--approval",
                             apr))
        self.assertIn("please help", r.stdout)

        self.ok(self.adm("policy", "appr", "--set-policy",
                         "approval_required", "--second-approver",
                         "tenant_admin", "--sensitive", ""))
        p = json.loads(self.ok(self.adm("--json", "policy", "appr")).stdout)
        self.assertEqual((p["support_policy"], p["sensitive_actions"]),
                         ("approval_required", []))
        self.refused(self.eng("users", "appr"), "forbidden")

    def on_terminal(self, who, args, typed):
        """Runs the CLI with a pseudo-terminal as its controlling terminal
        (and stderr) but stdout sent to a file; types typed.  Returns the
        exit code, what the terminal showed and what stdout got."""
        out_path = os.path.join(self.tmp, who + ".stdout")
        env = self.env(who)
        pid, fd = pty.fork()
        if pid == 0:
            try:
                out = os.open(out_path, os.O_WRONLY | os.O_CREAT |
                              os.O_TRUNC, 0o600)
                os.dup2(out, 1)
                os.execve(CUSTOS, [CUSTOS] + args, env)
            finally:
                os._exit(127)
        os.write(fd, typed)
        shown = b""
        deadline = time.time() + 60
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break           # EIO: the child closed the terminal
            if not chunk:
                break
            shown += chunk
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done != 0:
                break
            if time.time() > deadline:      # hung: stop it, fail below
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                break
            time.sleep(0.05)
        os.close(fd)
        with open(out_path) as f:
            stdout = f.read()
        return os.waitstatus_to_exitcode(status), shown.decode(
            "utf-8", "replace"), stdout

    def test_8_enrolment_secret_goes_to_the_terminal_only(self):
        self.ok(self.eng("reset-mfa", "auto", "auto-user"))
        args = ["tenant-login", "auto", "--username", "user",
                "--password-file", self.pw["user"]]
        # No terminal to ask for the code on: nothing is sent.
        size = self.d.log_size()
        r = self.cli("user", *args, start_new_session=True)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(self.d.log_size(), size)
        # On a terminal, an empty code starts enrolment.
        rc, shown, stdout = self.on_terminal("user", args, b"\n")
        self.assertEqual(rc, 1, shown)
        self.assertRegex(shown, r"otpauth://totp/\S+secret=")
        self.assertIn("custos tenant-login auto --username user --totp "
                      "CODE", shown)
        self.assertNotIn("otpauth", stdout)
        self.assertFalse(os.path.exists(os.path.join(
            self.tmp, "cfg-user", "session.json")))
        # The new secret works: log in with a code made from it.
        secret = re.search(r"secret=([A-Z2-7]+)", shown).group(1)
        r = self.ok(self.cli("user", *args, "--totp", totp(secret)))
        self.assertIn("logged in to tenant auto", r.stdout)

    def test_9_usage_errors_exit_2_and_help_covers_every_command(self):
        for args in (["request-access", "appr"],
                     ["request-access", "appr", "--ticket", "appr-t1",
                      "--reason", REASON, "--minutes", "0"],
                     ["request"], ["approve", "appr"],
                     ["ask-approval", "appr", "--reason", REASON],
                     ["break-glass", "deny", "--engineer", "eng1"],
                     ["policy", "appr", "--max-minutes", "soon"],
                     ["policy", "appr", "--sensitive", "user.list,,x"],
                     ["tenant-login", "appr"],
                     ["users", "appr", "--approval", ""]):
            r = self.eng(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        r = self.ok(self.eng("help", "--all"))
        cmds = ("tenant-login", "request-access", "request", "requests",
                "approve", "deny", "revoke", "ask-approval", "approval",
                "approve-second", "deny-second", "policy", "break-glass")
        for c in cmds:
            self.assertRegex(r.stdout, r"\n  %s +\S" % re.escape(c))
            h = self.ok(self.eng(c, "--help"))
            self.assertIn("usage: custos %s" % c, h.stdout)


if __name__ == "__main__":
    unittest.main()
