# SPDX-License-Identifier: ISC
"""The directory's CLI (custos vendor|engineer|device|tenant|user|ticket
VERB) against the real daemon: every verb, its output (a table or a
line; --json the server's answer), the exit codes (0 ok, 1 refused, 2
usage), paging with --all, and that invitations go by mail without the
link ever reaching the operator's terminal."""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import nacl.signing

import urllib.parse

from harness import CUSTOS, DaemonTest, totp

LINK_RE = re.compile(r"/#/invite/(\S+)")
STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2


class CliDirectory(DaemonTest):
    clock = T0
    now = T0

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custos-cli-dir-")
        type(self).now += 40 * STEP
        self.d.set_clock(self.now)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cli(self, *args, token=None):
        e = dict(os.environ, CUSTOS_SERVER=self.d.url,
                 CUSTOS_TOKEN=token or self.d.operator,
                 CUSTOS_CONFIG_DIR=os.path.join(self.tmp, "cfg"))
        return subprocess.run([CUSTOS] + list(args), capture_output=True,
                              text=True, env=e, timeout=120)

    def person(self, *args, cfg="person"):
        """The CLI as the invited person: no token, their own config."""
        e = dict(os.environ, CUSTOS_SERVER=self.d.url,
                 CUSTOS_CONFIG_DIR=os.path.join(self.tmp, cfg))
        e.pop("CUSTOS_TOKEN", None)
        return subprocess.run([CUSTOS] + list(args), capture_output=True,
                              text=True, env=e, timeout=120)

    def link_to(self, address, seen):
        (m,) = [m for m in self.d.mails() if m["Message-ID"] not in seen
                and m["To"] == address]
        body = m.get_payload(decode=True).decode()
        return re.search(r"\S+/#/invite/\S+", body).group(0)

    def ok(self, *args):
        r = self.cli(*args)
        self.assertEqual(r.returncode, 0, (args, r.stdout, r.stderr))
        return r.stdout

    def js(self, *args):
        return json.loads(self.ok("--json", *args))

    def file(self, name, text):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def test_tour_creates_a_world_by_commands(self):
        out = self.ok("vendor", "create", "Acme Support", "--id", "acme")
        self.assertIn("created acme", out)
        out = self.ok("tenant", "create", "Globex", "--id", "globex",
                      "--policy", "auto_approve")
        self.assertIn("created globex", out)
        seen = {m["Message-ID"] for m in self.d.mails()}
        out = self.ok("engineer", "create", "wile", "--vendor", "acme",
                      "--email", "wile@acme.example", "--id", "wile",
                      "--invite")
        self.assertIn("created wile", out)
        self.assertIn("invitation inv", out)
        self.assertNotIn("wile@acme.example", out)     # masked
        new = [m for m in self.d.mails() if m["Message-ID"] not in seen]
        self.assertEqual([m["To"] for m in new], ["wile@acme.example"])
        token = LINK_RE.search(
            new[0].get_payload(decode=True).decode()).group(1)
        self.assertNotIn(token, out)
        out = self.ok("user", "create", "globex", "hank", "--email",
                      "hank@globex.example", "--role", "admin", "--invite")
        self.assertIn("created", out)
        self.assertIn("invitation", out)
        out = self.ok("ticket", "create", "globex", "--subject",
                      "cannot log in", "--body", "since Monday",
                      "--requester", "hank@globex.example")
        self.assertRegex(out, r"created tkt")
        users = self.js("user", "list", "globex")["users"]
        self.assertEqual([u["username"] for u in users], ["hank"])
        out = self.ok("user", "list", "globex", "--search", "HANK",
                      "--all")
        self.assertIn("hank@globex.example", out)
        out = self.ok("user", "list", "globex", "--search", "nobody")
        self.assertIn("no users", out)
        u = self.js("user", "show", "globex", users[0]["id"])
        self.assertEqual(u["role"], "admin")
        t = self.js("tenant", "show", "globex")
        self.assertEqual(t["support_policy"], "auto_approve")
        out = self.ok("tenant", "list", "--search", "glob")
        self.assertIn("globex", out)
        self.assertIn("auto_approve", out)

    def test_invited_engineer_and_user_enrol_by_commands(self):
        self.ok("vendor", "create", "Enrol Co", "--id", "enco")
        seen = {m["Message-ID"] for m in self.d.mails()}
        self.ok("engineer", "create", "coyote", "--vendor", "enco",
                "--email", "coyote@enco.example", "--id", "coyote",
                "--invite")
        link = self.link_to("coyote@enco.example", seen)
        pw = self.file("pw", "coyote's new password\n")
        seedf = os.path.join(self.tmp, "totp.b32")
        # no terminal and no --totp-secret-file: the secret is never
        # printed, so nothing is chosen
        r = self.person("enrol", link, "--password-file", pw)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("--totp-secret-file", r.stderr)
        # the device key is made here and registered by the link
        r = self.person("enrol", link, "--password-file", pw,
                        "--totp-secret-file", seedf, "--device-name",
                        "laptop")
        self.assertEqual(r.returncode, 0, r)
        dev = re.search(r"device (dev\S+)", r.stdout).group(1)
        with open(seedf) as f:
            seed = f.read().strip()
        self.assertRegex(seed, r"^[A-Z2-7]+=*$")
        self.assertNotIn(seed, r.stdout + r.stderr)
        self.assertEqual(os.stat(seedf).st_mode & 0o777, 0o600)
        with open(os.path.join(self.tmp, "person", "device.id")) as f:
            self.assertEqual(f.read().strip(), dev)
        r = self.person("enrol", link, "--totp", totp(seed, at=self.now))
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("enrolled coyote", r.stdout)
        self.assertIn("custos login", r.stdout)
        # the link is used up
        r = self.person("enrol", link, "--totp", totp(seed, at=self.now))
        self.assertEqual(r.returncode, 1, r)
        # and the engineer logs in from this machine, by the enrolled
        # device (login's default), with the authenticator's next code
        type(self).now += STEP
        self.d.set_clock(self.now)
        r = self.person("login", "--username", "coyote",
                        "--password-file", pw, "--totp",
                        totp(seed, at=self.now))
        self.assertEqual(r.returncode, 0, r)
        # a tenant user, the same way (no device), by the mail itself
        self.ok("tenant", "create", "Enrol Tenant", "--id", "entn")
        seen = {m["Message-ID"] for m in self.d.mails()}
        self.ok("user", "create", "entn", "roadie", "--email",
                "roadie@entn.example", "--role", "admin", "--invite")
        link = self.link_to("roadie@entn.example", seen)
        mail = self.file("mail.eml", "To: roadie@entn.example\n\n"
                         "Open  " + link + "\n")
        r = self.person("enrol", "--mail", mail, "--password-file", pw,
                        "--totp-secret-file", seedf, cfg="roadie")
        self.assertEqual(r.returncode, 0, r)
        with open(seedf) as f:
            seed = f.read().strip()
        r = self.person("enrol", "--mail", mail, "--totp",
                        totp(seed, at=self.now), cfg="roadie")
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("enrolled roadie in tenant entn; signed in", r.stdout)
        # signed in: the session is saved as tenant-login saves it (the
        # daemon's test clock is not the CLI's, so it is read, not used)
        with open(os.path.join(self.tmp, "roadie", "session.json")) as f:
            saved = json.load(f)
        self.assertEqual((saved["username"], saved["role"]),
                         ("roadie", "tenant"))
        self.assertTrue(saved["token"].startswith("cse_"))
        r = self.d.call("GET", "/v1/tenants/entn/users", token=saved["token"])
        self.assertEqual(r.status, 200, r)

    def test_engineer_lifecycle_by_commands(self):
        self.ok("vendor", "create", "Lifecycle Co", "--id", "lco")
        pw = self.file("pw", "a fine password 1\n")
        out = self.ok("engineer", "create", "road", "--vendor", "lco",
                      "--id", "road", "--password-file", pw, "--email",
                      "road@lco.example")
        self.assertIn("created road", out)
        self.assertIn("otpauth://", out)
        self.assertNotIn("a fine password 1", out)
        key = nacl.signing.SigningKey.generate()
        kf = self.file("key.pub",
                       base64.b64encode(bytes(key.verify_key)).decode() + "\n")
        out = self.ok("device", "add", "road", "laptop", "--public-key-file",
                      kf, "--id", "road-dev")
        self.assertIn("created road-dev", out)
        out = self.ok("engineer", "show", "road")
        self.assertRegex(out, r"status\s+active")
        self.assertIn("road-dev", out)
        # --reason is required
        r = self.cli("engineer", "suspend", "road")
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("--reason", r.stderr)
        out = self.ok("engineer", "suspend", "road", "--reason", "on leave")
        self.assertIn("active -> suspended", out)
        r = self.cli("engineer", "suspend", "road", "--reason", "again")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("conflict", r.stderr)
        lst = self.js("engineer", "list", "--status", "suspended")
        self.assertEqual([e["id"] for e in lst["engineers"]], ["road"])
        self.ok("engineer", "resume", "road", "--reason", "back")
        out = self.ok("device", "list", "--engineer", "road")
        self.assertIn("live", out)
        out = self.ok("device", "revoke", "road", "road-dev", "--reason",
                      "lost")
        self.assertIn("revoked at", out)
        d = self.js("device", "list", "--engineer", "road")["devices"]
        self.assertIsNotNone(d[0]["revoked"])
        out = self.ok("engineer", "re-enrol", "road", "--reason",
                      "new phone")
        self.assertIn("invitation inv", out)
        out = self.ok("engineer", "offboard", "road", "--reason", "left")
        self.assertIn("suspended", out.replace("active", "suspended"))
        self.assertIn("-> offboarded", out)
        r = self.cli("engineer", "resume", "road", "--reason", "x")
        self.assertEqual(r.returncode, 1, r)
        out = self.ok("vendor", "suspend", "lco", "--reason", "audit")
        self.assertIn("vendor lco: active -> suspended", out)
        v = self.js("vendor", "show", "lco")
        self.assertEqual(v["status"], "suspended")
        self.ok("vendor", "resume", "lco", "--reason", "done")
        self.ok("vendor", "offboard", "lco", "--reason", "contract over")
        self.assertEqual(self.js("vendor", "show", "lco")["status"],
                         "offboarded")

    def test_engineer_seed_comes_from_a_private_file_only(self):
        """The TOTP seed of engineer create is read from a file of mode
        0600, never taken on the command line (where ps and the shell's
        history keep it): review F6d."""
        seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"
        self.ok("vendor", "create", "Seed Co", "--id", "sco")
        pw = self.file("pw", "a fine password 1\n")
        r = self.cli("engineer", "create", "argv", "--vendor", "sco",
                     "--password-file", pw, "--totp-secret", seed)
        self.assertEqual(r.returncode, 2, r)
        self.assertNotIn(seed, r.stdout + r.stderr)
        sf = self.file("seed", seed + "\n")
        os.chmod(sf, 0o644)
        r = self.cli("engineer", "create", "loose", "--vendor", "sco",
                     "--password-file", pw, "--totp-secret-file", sf)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("chmod 600", r.stderr)
        self.assertNotIn(seed, r.stdout + r.stderr)
        self.assertEqual(self.cli("engineer", "show", "loose").returncode,
                         1)
        os.chmod(sf, 0o600)
        out = self.ok("engineer", "create", "kept", "--vendor", "sco",
                      "--id", "kept", "--password-file", pw,
                      "--totp-secret-file", sf)
        self.assertIn("created kept", out)
        self.assertIn("secret=" + seed, out)
        r = self.cli("engineer", "create", "inv", "--vendor", "sco",
                     "--email", "inv@sco.example", "--invite",
                     "--totp-secret-file", sf)
        self.assertEqual(r.returncode, 2, r)

    def test_lists_page_and_all_follows_next(self):
        self.ok("vendor", "create", "Pager", "--id", "pgv")
        for i in range(5):
            self.ok("engineer", "create", "pg%d" % i, "--vendor", "pgv",
                    "--id", "pg%d" % i)
        page = self.js("engineer", "list", "--vendor", "pgv", "--limit", "2")
        self.assertEqual(len(page["engineers"]), 2)
        self.assertIsNotNone(page["next"])
        page2 = self.js("engineer", "list", "--vendor", "pgv", "--limit",
                        "2", "--after", page["next"])
        self.assertEqual(len(page2["engineers"]), 2)
        self.assertFalse(set(e["id"] for e in page["engineers"]) &
                         set(e["id"] for e in page2["engineers"]))
        every = self.js("engineer", "list", "--vendor", "pgv", "--limit",
                        "2", "--all")
        self.assertEqual(sorted(e["id"] for e in every["engineers"]),
                         ["pg%d" % i for i in range(5)])
        self.assertIsNone(every["next"])
        out = self.ok("engineer", "list", "--search", "pg3")
        self.assertIn("pg3", out)
        self.assertNotIn("pg4", out)
        out = self.ok("vendor", "list", "--search", "pager")
        self.assertIn("pgv", out)

    def test_usage_and_refusals_exit_codes(self):
        for args in (("vendor",), ("vendor", "fly"), ("engineer", "create",
                     "x"), ("device", "add", "eng1", "laptop"),
                     ("ticket", "create", "auto"),
                     ("engineer", "create", "y", "--vendor", "sitel",
                      "--invite"),
                     ("tenant", "list", "--status", "active")):
            r = self.cli(*args)
            self.assertEqual(r.returncode, 2, (args, r))
        r = self.cli("engineer", "show", "nobody")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("not_found", r.stderr)
        r = self.cli("engineer", "list", "--status", "asleep")
        self.assertEqual(r.returncode, 1, r)
        # an engineer's token is refused the directory
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        r = self.cli("vendor", "list", token=r.body["token"])
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("forbidden", r.stderr)


if __name__ == "__main__":
    unittest.main()
