# SPDX-License-Identifier: ISC
"""The custos CLI against the real daemon: seed, keygen, login (password,
TOTP from oathtool, device key), support commands, log, logout, and the
exit codes of API.md (0 ok, 1 negative, 2 usage, 3 server or I/O)."""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from harness import CUSTOS, Daemon, TOTP_SECRET, totp


class Cli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.tmp = tempfile.mkdtemp(prefix="custos-cli-")
        cls.token_file = os.path.join(cls.d.data, "operator.token")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert cls.d.stop() == 0

    def cli(self, *args, env=None):
        e = dict(os.environ, CUSTOS_SERVER=self.d.url,
                 CUSTOS_CONFIG_DIR=os.path.join(self.tmp, "cfg"))
        e.pop("CUSTOS_TOKEN", None)
        e.update(env or {})
        return subprocess.run([CUSTOS] + list(args), capture_output=True,
                              text=True, env=e, timeout=120)

    def seed(self):
        world = os.path.join(self.tmp, "world.jsonl")
        lines = [
            {"kind": "vendor", "id": "v1", "name": "Vendor One"},
            {"kind": "engineer", "id": "e1", "username": "erin",
             "vendor": "v1", "password": "erin's password 1",
             "totp_secret": TOTP_SECRET},
            {"kind": "tenant", "id": "t1", "name": "T1",
             "support_policy": "auto_approve"},
            {"kind": "tenant", "id": "t2", "name": "T2",
             "support_policy": "deny"},
        ]
        for i in range(50):
            lines.append({"kind": "user", "id": "u%d" % i, "tenant": "t1",
                          "username": "user%d" % i,
                          "email": "user%d@t1.example" % i})
        lines.append({"kind": "ticket", "id": "k1", "tenant": "t1",
                      "subject": "help", "body": "the body text",
                      "requester": "user1@t1.example"})
        with open(world, "w") as f:
            for o in lines:
                f.write(json.dumps(o) + "\n")
        return world, len(lines)

    def test_1_seed_login_work_log_logout(self):
        world, n = self.seed()
        r = self.cli("--token-file", self.token_file, "--json", "seed",
                     world)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Seeding the same file again: every id exists, nothing changes.
        size = self.d.log_size()
        r = self.cli("--token-file", self.token_file, "seed", world)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(":1:", r.stderr)
        self.assertEqual(self.d.log_size(), size + 1)

        r = self.cli("keygen")
        self.assertEqual(r.returncode, 0, r.stderr)
        pub = r.stdout.strip()
        key = os.path.join(self.tmp, "cfg", "device.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        self.assertEqual(self.cli("keygen").returncode, 1)
        self.assertEqual(self.cli("pubkey").stdout.strip(), pub)
        self.assertEqual(self.d.op("POST", "/v1/engineers/e1/devices", {
            "id": "d1", "name": "cli", "public_key": pub}).status, 201)

        pw = os.path.join(self.tmp, "pw")
        with open(pw, "w") as f:
            f.write("erin's password 1")
        r = self.cli("login", "--username", "erin", "--device", "d1",
                     "--password-file", pw, "--totp", totp())
        self.assertEqual(r.returncode, 0, r.stderr)
        sess = os.path.join(self.tmp, "cfg", "session.json")
        self.assertEqual(stat.S_IMODE(os.stat(sess).st_mode), 0o600)
        self.assertNotIn("cse_", r.stdout + r.stderr)

        r = self.cli("--json", "users", "t1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(json.loads(r.stdout)["users"]), 50)
        r = self.cli("tickets", "t1", "k1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("the body text", r.stdout)
        r = self.cli("reset-password", "t1", "u3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("u***@t***.example", r.stdout)
        self.assertNotIn("crt_", r.stdout)
        r = self.cli("reset-mfa", "t1", "u4")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Refusals are exit 1 with the server's code.
        r = self.cli("users", "t2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("forbidden", r.stderr)
        r = self.cli("tickets", "t1", "nope")
        self.assertEqual(r.returncode, 1)

        # The plaintext log is the operator's (issue 12): `custos log`
        # sends the operator's token and reads each entry's event.
        size = self.d.log_size()
        r = self.cli("--json", "--token-file", self.token_file, "log",
                     "--start", str(size - 5), "--end", str(size))
        self.assertEqual(r.returncode, 0, r.stderr)
        actions = [e["event"]["action"]
                   for e in json.loads(r.stdout)["entries"]]
        self.assertIn("user.password_reset", actions)
        self.assertIn("user.mfa_reset", actions)

        r = self.cli("logout")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(sess))
        self.assertEqual(self.cli("users", "t1").returncode, 1)

    def test_2_usage_errors_exit_2(self):
        for args in (["bogus"], ["users"], ["log", "--start", "x"],
                     ["login", "--username"], ["seed"]):
            r = self.cli(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))

    def test_3_server_unreachable_exits_3(self):
        r = self.cli("--server", "http://127.0.0.1:9", "users", "t1",
                     env={"CUSTOS_TOKEN": "x"})
        self.assertEqual(r.returncode, 3, r.stderr)

    def test_4_help_lists_every_command(self):
        r = self.cli("help")
        self.assertEqual(r.returncode, 0)
        for c in ("keygen", "login", "logout", "tickets", "users",
                  "reset-password", "reset-mfa", "log", "seed"):
            self.assertIn(c, r.stdout)
            self.assertEqual(self.cli(c, "--help").returncode, 0, c)


if __name__ == "__main__":
    unittest.main()
