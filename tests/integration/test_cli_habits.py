# SPDX-License-Identifier: ISC
"""The CLI's habits (issue 14) against the real daemon: `custos wait`;
login and tenant-login with the password from stdin, and a usage error
naming both options when there is no terminal and no password source;
`custos log` newest first, each filter, --oldest-first and --follow (which
sees a new entry and stops on SIGTERM); GET /v1/log/entries' filter
parameters; times in every form (and a bad one: exit 2 naming it); JSON
errors under --json; exit 4 on a 429 (flood budget small) with the
Retry-After; role-aware help, and an operator command typed by an
engineer refused locally with nothing reaching custosd."""
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import CUSTOS, CUSTOSD, Daemon, World, free_port, totp

OP_ONLY = ("scope", "contain", "containments", "alerts", "seed", "import",
           "break-glass", "log", "working-hours")


class CliHabits(unittest.TestCase):
    """One daemon for the class; tests run in name order."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.w = World(cls.d)
        cls.tmp = tempfile.mkdtemp(prefix="custos-cli-habits-")
        cls.token_file = os.path.join(cls.d.data, "operator.token")
        r = cls.cli("eng", "keygen")
        assert r.returncode == 0, r.stderr
        r = cls.d.op("POST", "/v1/engineers/eng1/devices", {
            "id": "eng1-cli", "name": "cli",
            "public_key": r.stdout.strip()})
        assert r.status == 201, r

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
    def cli(cls, who, *args, stdin=subprocess.DEVNULL, input=None,
            timeout=60):
        # start_new_session: no controlling terminal, as under cron or CI.
        return subprocess.run([CUSTOS] + list(args), env=cls.env(who),
                              capture_output=True, text=True, input=input,
                              stdin=None if input is not None else stdin,
                              timeout=timeout, start_new_session=True)

    def op(self, *args, **kw):
        return self.cli("op", "--token-file", self.token_file, *args, **kw)

    def ok(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    # -- wait ---------------------------------------------------------

    def test_01_wait_is_0_when_ready_and_4_at_the_timeout(self):
        r = self.ok(self.cli("op", "wait", "--timeout", "10"))
        self.assertIn("is ready", r.stdout)
        t = time.time()
        r = self.cli("op", "--server", "http://127.0.0.1:%d" % free_port(),
                     "wait", "--timeout", "1")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertLess(time.time() - t, 10)
        self.assertIn("did not answer in 1 s", r.stderr)
        self.assertEqual(self.cli("op", "wait", "--timeout", "x").returncode,
                         2)

    def test_02_wait_sees_custosd_come_up(self):
        port = free_port()
        waiter = subprocess.Popen(
            [CUSTOS, "--server", "http://127.0.0.1:%d" % port, "wait",
             "--timeout", "30"], env=self.env("op"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        data = os.path.join(self.tmp, "late-data")
        proc = subprocess.Popen(
            [CUSTOSD, "--data", data, "--listen", "127.0.0.1:%d" % port, "--quiet"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            out, err = waiter.communicate(timeout=40)
            self.assertEqual(waiter.returncode, 0, err)
        finally:
            proc.terminate()
            proc.wait(timeout=20)

    # -- login ----------------------------------------------------------

    def test_10_no_terminal_and_no_password_source_is_a_usage_error(self):
        size = self.d.log_size()
        for cmd in (["login", "eng1", "--device", "eng1-cli",
                     "--totp", "123456"],
                    ["tenant-login", "appr", "admin", "--totp", "123456"]):
            r = self.cli("eng", *cmd)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("--password-file", r.stderr)
            self.assertIn("--password-stdin", r.stderr)
        self.assertEqual(self.d.log_size(), size)
        r = self.cli("eng", "login", "eng1", "--device", "eng1-cli",
                     "--password-stdin", "--password-file", "/dev/null")
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_11_login_with_the_password_on_stdin(self):
        r = self.ok(self.cli("eng", "login", "eng1", "--device", "eng1-cli",
                             "--password-stdin", "--totp", totp(),
                             input=self.w.eng_password + "\n"))
        self.assertIn("logged in", r.stdout)
        with open(os.path.join(self.tmp, "cfg-eng", "session.json")) as f:
            self.assertEqual(json.load(f)["role"], "engineer")
        r = self.ok(self.cli("adm", "tenant-login", "appr", "admin",
                             "--password-stdin", "--totp", totp(),
                             input="admin password 12\n"))
        self.assertIn("logged in to tenant appr", r.stdout)
        with open(os.path.join(self.tmp, "cfg-adm", "session.json")) as f:
            self.assertEqual(json.load(f)["role"], "tenant")
        # A wrong password on stdin is the server's no.
        r = self.cli("adm2", "tenant-login", "auto", "--username", "admin",
                     "--password-stdin", "--totp", totp(),
                     input="not the password\n")
        self.assertEqual(r.returncode, 1, r.stderr)

    # -- roles ------------------------------------------------------------

    def test_20_help_lists_the_roles_commands(self):
        r = self.ok(self.cli("eng", "help"))
        self.assertIn("commands for an engineer", r.stdout)
        self.assertRegex(r.stdout, r"\n  reset-password +\S")
        for c in OP_ONLY + ("approve", "requests"):
            self.assertNotRegex(r.stdout, r"\n  %s +\S" % c)
        self.assertIn("custos help --all", r.stdout)
        r = self.ok(self.cli("eng", "help", "--all"))
        for c in OP_ONLY:
            self.assertRegex(r.stdout, r"\n  %s +\S" % c)
        r = self.ok(self.op("help"))
        self.assertRegex(r.stdout, r"\n  scope +\S")
        self.assertNotRegex(r.stdout, r"\n  reset-password +\S")
        r = self.ok(self.cli("adm", "help"))
        self.assertRegex(r.stdout, r"\n  approve +\S")
        self.assertNotRegex(r.stdout, r"\n  scope +\S")

    def test_21_help_commands_is_a_plain_list_of_every_command(self):
        r = self.ok(self.cli("eng", "help", "--commands"))
        names = r.stdout.split("\n")
        self.assertEqual(names[-1], "")
        names = names[:-1]
        for c in OP_ONLY + ("wait", "login", "verify", "help"):
            self.assertIn(c, names)
        for n in names:
            self.assertRegex(n, r"^[a-z][a-z-]*$")
            self.assertEqual(self.cli("eng", n, "--help").returncode, 0, n)

    def test_22_an_operator_command_by_an_engineer_never_leaves(self):
        size = self.d.log_size()
        for args in (["scope", "--engineer", "eng1", "--from", "-1d",
                      "--to", "now"],
                     ["contain", "--engineer", "eng1", "--reason", "typo"],
                     ["log"], ["break-glass", "appr", "--engineer", "eng1",
                               "--reason", "a reason of some length"]):
            r = self.cli("eng", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn("a command for the operator", r.stderr)
            self.assertIn("nothing was sent", r.stderr)
        r = self.cli("eng", "approve", "appr", "req_x")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("a tenant admin", r.stderr)
        # Nothing reached custosd: no entry at all, and so no alert.
        self.assertEqual(self.d.log_size(), size)
        alerts = self.d.op("GET", "/v1/alerts").body["alerts"]
        self.assertFalse([a for a in alerts if a.get("subject") == "eng1"],
                         alerts)
        # The engineer's own commands still go out.
        self.ok(self.cli("eng", "request-access", "auto", "--ticket",
                         "auto-t1", "--reason", "customer cannot log in",
                         "--minutes", "30"))
        self.assertGreater(self.d.log_size(), size)

    # -- log ------------------------------------------------------------

    def make_entries(self):
        """Entries of known kinds: two vendors made (allowed), a user list
        by the engineer in tenant auto (allowed), and an export (denied)."""
        r = self.d.op("POST", "/v1/vendors", {"name": "Log A",
                                              "id": "log-a"})
        self.assertEqual(r.status, 201)
        r = self.d.op("POST", "/v1/vendors", {"name": "Log B",
                                              "id": "log-b"})
        self.assertEqual(r.status, 201)
        self.ok(self.cli("eng", "users", "auto"))

    def rows(self, out):
        lines = out.strip().split("\n")
        self.assertTrue(lines[0].startswith("INDEX"), out)
        return [l.split() for l in lines[1:]]

    def test_30_log_is_newest_first_and_filters(self):
        self.make_entries()
        size = self.d.log_size()
        rows = self.rows(self.ok(self.op("log")).stdout)
        self.assertEqual(len(rows), min(20, size))
        idx = [int(r[0]) for r in rows]
        self.assertEqual(idx[0], size - 1)
        self.assertEqual(idx, sorted(idx, reverse=True))
        rows = self.rows(self.ok(self.op("log", "--oldest-first",
                                         "--limit", "3")).stdout)
        self.assertEqual([int(r[0]) for r in rows], [0, 1, 2])
        # --action
        js = json.loads(self.ok(self.op("--json", "log", "--action",
                                        "vendor.create")).stdout)
        acts = [e["event"]["action"] for e in js["entries"]]
        self.assertGreaterEqual(len(acts), 4)
        self.assertEqual(set(acts), {"vendor.create"})
        self.assertEqual(js["entries"][0]["event"]["target"], "log-b")
        # --tenant and --actor
        js = json.loads(self.ok(self.op("--json", "log", "--tenant",
                                        "auto", "--actor", "eng1")).stdout)
        self.assertTrue(js["entries"])
        for e in js["entries"]:
            self.assertEqual(e["event"]["tenant"], "auto")
            self.assertEqual(e["event"]["actor"]["id"], "eng1")
        self.assertIn("user.list",
                      [e["event"]["action"] for e in js["entries"]])
        # --outcome
        for o in ("allowed", "denied"):
            js = json.loads(self.ok(self.op("--json", "log", "--outcome", o,
                                            "--limit", "100")).stdout)
            self.assertTrue(js["entries"], o)
            for e in js["entries"]:
                self.assertEqual(e["event"]["outcome"], o)
        # --since/--until: all of it is from the last hour, none is
        # from before 2022-01-16 or after tomorrow.
        n = len(json.loads(self.ok(self.op(
            "--json", "log", "--since", "-1h", "--until", "+1h",
            "--limit", "10000")).stdout)["entries"])
        self.assertEqual(n, self.d.log_size())
        for since, until in (("2022-01-16", "2022-01-17"),
                             ("+1d", "+2d")):
            r = self.ok(self.op("log", "--since", since, "--until", until))
            self.assertEqual(r.stdout, "no entries\n")
        r = self.ok(self.op("log", "--since", "yesterday", "--until",
                            "+1d", "--limit", "1"))
        self.assertEqual(len(self.rows(r.stdout)), 1)
        r = self.ok(self.op("log", "--since", "today", "--limit", "1"))
        self.assertEqual(len(self.rows(r.stdout)), 1)
        # The range read of before is still there, oldest first.
        js = json.loads(self.ok(self.op("--json", "log", "--start", "1",
                                        "--end", "3")).stdout)
        self.assertEqual([e["index"] for e in js["entries"]], [1, 2])

    def test_31_log_filters_on_the_server(self):
        size = self.d.log_size()
        r = self.d.op("GET", "/v1/log/entries?order=desc&limit=2")
        self.assertEqual(r.status, 200, r)
        self.assertEqual([e["index"] for e in r.body["entries"]],
                         [size - 1, size - 2])
        self.assertEqual(r.body["next"], size - 2)
        r2 = self.d.op("GET", "/v1/log/entries?order=desc&limit=2&before=%d"
                       % r.body["next"])
        self.assertEqual([e["index"] for e in r2.body["entries"]],
                         [size - 3, size - 4])
        r = self.d.op("GET", "/v1/log/entries?action=vendor.create&limit=1")
        self.assertEqual(r.body["entries"][0]["event"]["action"],
                         "vendor.create")
        self.assertIsNotNone(r.body["next"])
        r = self.d.op("GET", "/v1/log/entries?since=2022-01-16T00:00:00Z"
                      "&until=2022-01-17T00:00:00Z")
        self.assertEqual(r.body["entries"], [])
        self.assertIsNone(r.body["next"])
        for bad in ("order=up", "outcome=maybe", "limit=0", "limit=1001",
                    "since=yesterday", "tenant="):
            r = self.d.op("GET", "/v1/log/entries?" + bad)
            self.assertEqual(r.status, 400, (bad, r))
            self.assertEqual(r.body["error"]["code"], "bad_request")
        # start/end keep their meaning.
        r = self.d.op("GET", "/v1/log/entries?start=0&end=2")
        self.assertEqual([e["index"] for e in r.body["entries"]], [0, 1])
        # The engineer may not read it.
        with open(os.path.join(self.tmp, "cfg-eng", "session.json")) as f:
            token = json.load(f)["token"]
        r = self.d.call("GET", "/v1/log/entries?order=desc", token=token)
        self.assertEqual(r.status, 403)

    def test_32_follow_prints_new_entries_and_stops_on_sigterm(self):
        p = subprocess.Popen(
            [CUSTOS, "--token-file", self.token_file, "log", "--follow",
             "--interval", "1", "--action", "vendor.create", "--limit", "1"],
            env=self.env("op"), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        time.sleep(1.5)
        r = self.d.op("POST", "/v1/vendors", {"name": "Follow",
                                              "id": "follow-me"})
        self.assertEqual(r.status, 201)
        deadline = time.time() + 15
        out = ""
        fd = p.stdout.fileno()
        while time.time() < deadline and "follow-me" not in out:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                out += os.read(fd, 65536).decode()
        self.assertIn("follow-me", out)
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=10)
        self.assertEqual(rc, 0, p.stderr.read())
        rest = p.stdout.read().decode()
        p.stdout.close()
        p.stderr.close()
        lines = (out + rest).strip().split("\n")
        # The last one before, then the new ones, oldest first.
        self.assertTrue(all("vendor.create" in l for l in lines), lines)
        idx = [int(l.split()[0]) for l in lines]
        self.assertEqual(idx, sorted(idx))

    # -- times ------------------------------------------------------------

    def test_40_times_in_every_form(self):
        for t in ("2022-01-21T14:03:00Z", "2022-01-21T15:03:00+01:00",
                  "2022-01-16", "now", "today", "yesterday", "-5d", "-3h",
                  "-30m", "-2w"):
            r = self.op("scope", "--engineer", "eng1", "--from", t, "--to",
                        "+1h")
            self.assertEqual(r.returncode, 0, (t, r.stderr))
        r = self.op("--json", "scope", "--engineer", "eng1", "--from",
                    "2022-01-21T15:03:00+01:00", "--to", "2022-01-22")
        js = json.loads(r.stdout)
        self.assertEqual(js["from"][:20], "2022-01-21T14:03:00Z"[:20])
        self.assertTrue(js["to"].startswith("2022-01-22T00:00:00"))
        self.ok(self.op("alerts", "--since", "-1d"))
        for cmd in (["scope", "--engineer", "eng1", "--from", "last week",
                     "--to", "now"],
                    ["log", "--since", "5d"],
                    ["alerts", "--since", "2022-13-01"],
                    ["log", "--until", "tomorrow"]):
            r = self.op(*cmd)
            self.assertEqual(r.returncode, 2, (cmd, r.stderr))
            bad = cmd[cmd.index([c for c in cmd if c.startswith("--")
                                 and c not in ("--engineer",)][0]) + 1]
            self.assertIn("'%s'" % bad, r.stderr)
            self.assertIn("a time is RFC 3339", r.stderr)

    # -- JSON errors ---------------------------------------------------------

    def test_50_json_errors(self):
        cases = (
            (["--json", "bogus"], 2, "usage"),
            (["--json", "log", "--limit", "x"], 2, "usage"),
            (["--json", "--token-file", self.token_file, "request",
              "req_nope"], 1, "not_found"),
            (["--json", "--server", "http://127.0.0.1:%d" % free_port(),
              "log-key"], 3, None),
        )
        for args, code, ecode in cases:
            r = self.cli("op", *args)
            self.assertEqual(r.returncode, code, (args, r.stderr))
            lines = r.stderr.strip().split("\n")
            self.assertEqual(len(lines), 1, r.stderr)
            js = json.loads(lines[0])
            self.assertEqual(js["exit"], code)
            self.assertTrue(js["error"]["message"])
            if ecode is not None:
                self.assertEqual(js["error"]["code"], ecode)
        # An engineer's refused role command, as JSON too.
        r = self.cli("eng", "--json", "scope", "--engineer", "x")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(json.loads(r.stderr)["exit"], 2)


class CliTryLater(unittest.TestCase):
    """Exit 4 on a 429: a small flood budget, and calls without a token,
    each a refusal naming no one, until the budget is spent."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(extra=["--flood-budget", "3"])

    @classmethod
    def tearDownClass(cls):
        assert cls.d.stop() == 0

    def test_429_is_exit_4_with_retry_after(self):
        env = dict(os.environ, CUSTOS_SERVER=self.d.url,
                   CUSTOS_CONFIG_DIR=tempfile.mkdtemp())
        env.pop("CUSTOS_TOKEN", None)
        codes = []
        r = None
        for _ in range(20):
            r = subprocess.run([CUSTOS, "request", "req_x"], env=env,
                               capture_output=True, text=True, timeout=60)
            codes.append(r.returncode)
            if r.returncode == 4:
                break
        self.assertEqual(codes[0], 1, codes)
        self.assertEqual(codes[-1], 4, codes)
        self.assertIn("rate_limited", r.stderr)
        self.assertRegex(r.stderr, r"try again (in \d+ s|later)")
        r = subprocess.run([CUSTOS, "--json", "request", "req_x"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 4)
        js = json.loads(r.stderr)
        self.assertEqual(js, {"error": js["error"], "exit": 4})
        self.assertEqual(js["error"]["code"], "rate_limited")


class CliFollowRestart(unittest.TestCase):
    """log --follow outlives a restart of custosd: the polls that get no
    answer are said and retried, the entries after it still come, and
    SIGINT ends it with 0."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()

    @classmethod
    def tearDownClass(cls):
        assert cls.d.stop() == 0

    def test_follow_goes_on_after_a_restart(self):
        d = self.d
        env = dict(os.environ, CUSTOS_SERVER=d.url,
                   CUSTOS_CONFIG_DIR=tempfile.mkdtemp())
        env.pop("CUSTOS_TOKEN", None)
        self.assertEqual(d.op("POST", "/v1/vendors", {
            "name": "Before", "id": "before"}).status, 201)
        p = subprocess.Popen(
            [CUSTOS, "--token-file", os.path.join(d.data, "operator.token"),
             "log", "--follow", "--interval", "1", "--action",
             "vendor.create"], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        out = b""
        fd = p.stdout.fileno()

        def read_until(word, seconds):
            nonlocal out
            deadline = time.time() + seconds
            while time.time() < deadline and word not in out:
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    out += os.read(fd, 65536)
            return word in out

        self.assertTrue(read_until(b"before", 10), out)
        d.proc.terminate()
        self.assertEqual(d.proc.wait(timeout=20), 0)
        time.sleep(2.5)         # polls that find nobody
        self.assertIsNone(p.poll(), "log --follow ended with custosd")
        d.proc = subprocess.Popen(
            [CUSTOSD, "--data", d.data, "--listen", "127.0.0.1:%d" % d.port,
             "--pwhash-ops", "1", "--pwhash-mem", "8192", "--quiet"]
            + d.store_args(), stdout=d.log, stderr=subprocess.STDOUT)
        r = subprocess.run([CUSTOS, "--server", d.url, "wait"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(d.op("POST", "/v1/vendors", {
            "name": "After", "id": "after"}).status, 201)
        self.assertTrue(read_until(b"after", 15), out)
        p.send_signal(signal.SIGINT)
        self.assertEqual(p.wait(timeout=10), 0)
        err = p.stderr.read().decode()
        p.stdout.close()
        p.stderr.close()
        self.assertIn("GET /v1/log/entries?", err)   # said, not fatal
        self.assertEqual(out.count(b"vendor.create"), 2, out)


@harness.sqlite_only("limits the size of the SQLite file (RLIMIT_FSIZE); "
                     "test_pg_restart is PostgreSQL's 503")
class CliUnrecordable(unittest.TestCase):
    """Exit 4 on a 503: custosd with its files limited as on a full disk
    (as test_unrecordable does) answers 503 with Retry-After to what it
    cannot record; once the disk has room, `custos wait` sees it ready
    and the same command works."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(extra=["--detect", "0"])
        cls.w = World(cls.d)
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.token = r.body["token"]
        d = cls.d
        d.proc.terminate()
        assert d.proc.wait(timeout=20) == 0
        limit = os.path.getsize(os.path.join(d.data, "custos.db")) + \
            64 * 1024

        def limited():
            resource.setrlimit(resource.RLIMIT_FSIZE,
                               (limit, resource.RLIM_INFINITY))

        d.proc = subprocess.Popen(
            [CUSTOSD, "--data", d.data, "--listen", "127.0.0.1:%d" % d.port,
             "--pwhash-ops", "1", "--pwhash-mem", "8192", "--quiet",
             "--detect", "0"],
            stdout=d.log, stderr=subprocess.STDOUT, preexec_fn=limited)
        r = subprocess.run([CUSTOS, "--server", d.url, "wait"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        assert cls.d.stop() == 0

    def test_503_is_exit_4_until_the_disk_has_room(self):
        d = self.d
        for _ in range(3000):
            r = d.call("GET", "/v1/tenants/auto/users", token=self.token)
            if r.status != 200:
                break
        self.assertEqual(r.status, 503, r)
        resource.prlimit(d.proc.pid, resource.RLIMIT_FSIZE,
                         (1, resource.RLIM_INFINITY))
        env = dict(os.environ, CUSTOS_SERVER=d.url, CUSTOS_TOKEN=self.token,
                   CUSTOS_CONFIG_DIR=tempfile.mkdtemp())
        r = subprocess.run([CUSTOS, "users", "auto"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertRegex(r.stderr, r"try again in \d+ s")
        r = subprocess.run([CUSTOS, "--json", "users", "auto"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(json.loads(r.stderr)["exit"], 4)
        # Room again: wait sees health come back.
        resource.prlimit(d.proc.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        r = subprocess.run([CUSTOS, "wait", "--timeout", "20"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run([CUSTOS, "users", "auto"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
