# SPDX-License-Identifier: ISC
"""custos verify --tenant (issue 12, item 2): a tenant checks that the
access log it is shown holds every entry about it, and only those, each
in the signed tree and opening under its log key to the event shown.

Two parts.  Offline: bench/tenant_bench -w writes a log of sealed leaves
(entry bundles, a signed checkpoint at two sizes, the tenant's
access-log answers, another tenant's entries), and the CLI checks it from
files; every tampering a server could try is refused and leaves the
state file as it was.  Against the real custosd (when it serves the
sealed log: GET /v1/tenants/{t}/log-key): the first check, an
incremental one, and the completeness test of the issue -- the answer
with one entry about the tenant removed (or another tenant's added) is
refused, the answer as served passes.

CUSTOSD, CUSTOS as in harness.py; tenant_bench is found beside CUSTOS
(build/bench/tenant_bench) or in $TENANT_BENCH."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import CUSTOS, DaemonTest  # noqa: E402

TENANT_BENCH = os.environ.get("TENANT_BENCH", os.path.join(
    os.path.dirname(os.path.abspath(CUSTOS)), "bench", "tenant_bench"))
N, K, EVERY = 1000, 300, 10     # the bench's log: 1 in 10 is acme's


def run(argv, code, env_dir):
    p = subprocess.run(argv, capture_output=True, timeout=120, env={
        "PATH": "/usr/bin:/bin", "CUSTOS_CONFIG_DIR": env_dir,
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1"})
    assert p.returncode == code, (argv, p.returncode, p.stdout[-3000:],
                                  p.stderr[-3000:])
    assert b"runtime error" not in p.stderr, p.stderr[-3000:]
    return p


class TenantVerifyOffline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.world = os.path.join(cls.tmp.name, "world")
        subprocess.run([TENANT_BENCH, "-n", str(N), "-k", str(K), "-e",
                        str(EVERY), "-w", cls.world], check=True,
                       capture_output=True, timeout=120)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp.name)
        self.state = os.path.join(self.dir, "state.json")

    def path(self, name):
        return os.path.join(self.world, name)

    def answer(self, n):
        with open(self.path("access-log-%d.json" % n)) as f:
            return json.load(f)

    def save(self, name, obj):
        p = os.path.join(self.dir, name)
        with open(p, "w") as f:
            json.dump(obj, f)
        return p

    def verify(self, access_log, code=0, tiles=None, state=True,
               log_key=None, extra=()):
        argv = [CUSTOS, "verify", "--key", self.path("key.txt"),
                "--tenant", "acme", "--log-key",
                log_key or self.path("log-key.json"),
                "--access-log", access_log,
                "--tiles", tiles or self.world] + list(extra)
        if state:
            argv += ["--state", self.state]
        return run(argv, code, self.dir)

    def first(self):
        self.verify(self.path("access-log-1.json"))
        with open(self.state, "rb") as f:
            return f.read()

    def assert_refused(self, answer_path, why, tiles=None):
        """Refused, naming why, and the state is what it was."""
        before = self.first()
        p = self.verify(answer_path, code=1, tiles=tiles)
        self.assertIn(why, p.stderr.decode())
        with open(self.state, "rb") as f:
            self.assertEqual(f.read(), before, "the state moved on")
        return p

    def test_first_and_incremental_checks_pass_and_keep_state(self):
        p = self.verify(self.path("access-log-1.json"))
        out = p.stdout.decode()
        self.assertIn("%d new leaves" % N, out)
        self.assertIn("%d entries in [0, %d) carry its tag" %
                      (N // EVERY, N), out)
        with open(self.state) as f:
            st = json.load(f)
        self.assertEqual(st["size"], N)
        self.assertEqual(len(st["entries"]), N // EVERY)
        p = self.verify(self.path("access-log-2.json"))
        out = p.stdout.decode()
        self.assertIn("%d new leaves" % K, out)
        self.assertIn("extends the tree checked before (size %d)" % N, out)
        with open(self.state) as f:
            self.assertEqual(json.load(f)["size"], N + K)
        # Nothing new: nothing to read but the answer, still fine.
        p = self.verify(self.path("access-log-2.json"))
        self.assertIn("0 new leaves", p.stdout.decode())

    def test_without_state_every_run_checks_from_the_start(self):
        p = self.verify(self.path("access-log-2.json"), state=False)
        self.assertIn("%d new leaves" % (N + K), p.stdout.decode())
        self.assertFalse(os.path.exists(self.state))

    def test_json_output_says_what_was_checked(self):
        argv = [CUSTOS, "--json", "verify", "--key", self.path("key.txt"),
                "--tenant", "acme", "--log-key", self.path("log-key.json"),
                "--access-log", self.path("access-log-1.json"),
                "--tiles", self.world]
        out = json.loads(run(argv, 0, self.dir).stdout)
        self.assertTrue(out["ok"])
        done = [c for c in out["checks"] if c["check"] == "complete"]
        self.assertEqual(done[0]["own"], N // EVERY)
        self.assertEqual(done[0]["hidden"], 0)
        self.assertGreater(done[0]["bytes_bundles"], N * 49)

    def test_an_entry_hidden_from_the_access_log_is_refused(self):
        a = self.answer(2)
        victim = N + EVERY * 3          # acme's, after the last check
        a["entries"] = [e for e in a["entries"] if e["index"] != victim]
        p = self.assert_refused(self.save("hidden.json", a),
                                "was hidden")
        self.assertIn("entry %d carries tenant acme's tag" % victim,
                      p.stderr.decode())

    def test_an_entry_hidden_before_any_check_is_refused(self):
        a = self.answer(1)
        a["entries"] = [e for e in a["entries"] if e["index"] != 40]
        p = self.verify(self.save("hidden.json", a), code=1, state=False)
        self.assertIn("entry 40 carries tenant acme's tag",
                      p.stderr.decode())

    def test_another_tenants_entry_added_is_refused(self):
        with open(self.path("other.json")) as f:
            other = json.load(f)["entries"]
        a = self.answer(2)
        a["entries"] = sorted(a["entries"] + [
            e for e in other if e["index"] == N + 11], key=lambda e:
            e["index"])
        self.assert_refused(self.save("added.json", a),
                            "is not the tenant's")

    def test_an_event_shown_unlike_its_sealed_body_is_refused(self):
        a = self.answer(2)
        for e in a["entries"]:
            if e["index"] == N + 20:
                e["event"]["action"] = "ticket.view"
        self.assert_refused(self.save("changed.json", a),
                            "the event shown is not its sealed body")

    def test_a_changed_sealed_body_is_refused(self):
        a = self.answer(2)
        for e in a["entries"]:
            if e["index"] == N + 30:
                b = bytearray(base64.b64decode(e["sealed"]))
                b[30] ^= 1
                e["sealed"] = base64.b64encode(bytes(b)).decode()
        self.assert_refused(self.save("sealed.json", a), "body_hash")

    def test_a_leaf_changed_in_a_bundle_is_refused(self):
        tiles = os.path.join(self.dir, "tiles")
        shutil.copytree(self.world, tiles)
        # The full bundle 3 holds leaves 768..1023 (the partial one of
        # the first check, 768..999); change leaf 1001, past the state.
        with open(os.path.join(tiles, "tile/entries/003"), "r+b") as f:
            data = bytearray(f.read())
            data[(1001 - 768) * 51 + 2 + 20] ^= 1
            f.seek(0)
            f.write(data)
        self.assert_refused(self.path("access-log-2.json"),
                            "do not give the checkpoint's root",
                            tiles=tiles)

    def test_an_older_checkpoint_than_the_last_check_is_refused(self):
        self.verify(self.path("access-log-2.json"))
        p = self.verify(self.path("access-log-1.json"), code=1)
        self.assertIn("older than the tree checked before",
                      p.stderr.decode())

    def test_another_tenants_log_key_finds_none_of_these(self):
        other_key = self.save("other-key.json", {
            "tenant": "acme", "log_key": base64.b64encode(
                os.urandom(32)).decode(), "format": "custos-leaf-v1"})
        p = self.verify(self.path("access-log-1.json"), code=1,
                        log_key=other_key, state=False)
        self.assertIn("is not the tenant's", p.stderr.decode())

    def test_a_log_key_of_another_tenant_is_a_usage_of_the_wrong_file(self):
        with open(self.path("log-key.json")) as f:
            k = json.load(f)
        k["tenant"] = "globex"
        p = self.verify(self.path("access-log-1.json"), code=1,
                        log_key=self.save("lk.json", k), state=False)
        self.assertIn("is tenant globex's, not acme's", p.stderr.decode())

    def test_a_state_of_another_shape_stops_the_check(self):
        self.first()
        with open(self.state) as f:
            st = json.load(f)
        st["range"] = st["range"][1:]
        with open(self.state, "w") as f:
            json.dump(st, f)
        p = self.verify(self.path("access-log-2.json"), code=3)
        self.assertIn("remove it to check from the start",
                      p.stderr.decode())

    def test_a_page_that_stops_short_of_its_checkpoint_is_incomplete(self):
        a = self.answer(2)
        a["entries"] = [e for e in a["entries"] if e["index"] < N]
        a["next"] = N
        self.verify(self.save("page.json", a), code=1, state=False)


class TenantVerifyAgainstDaemon(DaemonTest):
    """The server side of issue 12 (sealed leaves, log keys): skipped
    until custosd serves GET /v1/tenants/{t}/log-key."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.eng = r.body["token"]
        cls.admin = cls.w.tenant_login("auto")
        cls.appr_admin = cls.w.tenant_login("appr")

    def setUp(self):
        r = self.d.call("GET", "/v1/tenants/auto/log-key",
                        token=self.admin)
        if r.status == 404:
            self.skipTest("custosd does not serve tenant log keys yet")
        self.assertEqual(r.status, 200, r)
        self.tmp = tempfile.TemporaryDirectory()
        self.state = os.path.join(self.tmp.name, "state.json")

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, token=None, code=0):
        argv = [CUSTOS, "--server", self.d.url]
        if token is not None:
            argv += ["--token", token]
        return run(argv + list(args), code, self.tmp.name)

    def save(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return path

    def activity(self, n):
        for i in range(n):
            t = ("auto", "appr")[i % 2]   # appr: refused, still recorded
            self.d.call("GET", "/v1/tenants/%s/users" % t, token=self.eng)

    def keys(self):
        key = self.save("key", self.cli("log-key").stdout)
        lk = self.save("log-key.json", self.cli(
            "tenant-log-key", "auto", token=self.admin).stdout)
        return key, lk

    def settle(self):
        """Waits until the signed checkpoint covers every entry."""
        want = self.d.op("GET", "/v1/log/entries?start=0&end=0").body[
            "size"]
        deadline = time.time() + 10
        while time.time() < deadline:
            r = self.d.call("GET", "/v1/log/checkpoint")
            if int(r.raw.split("\n")[1]) >= want:
                return
            time.sleep(0.2)

    def verify(self, key, lk, *extra, code=0, state=True):
        args = ["verify", "--key", key, "--tenant", "auto", "--log-key",
                lk] + list(extra)
        if state:
            args += ["--state", self.state]
        return self.cli(*args, token=self.admin, code=code)

    def test_first_and_incremental_checks_against_the_server(self):
        self.activity(20)
        key, lk = self.keys()
        self.settle()
        p = self.verify(key, lk)
        self.assertIn("hidden (exactly those", p.stdout.decode())
        with open(self.state) as f:
            size1 = json.load(f)["size"]
        self.activity(10)
        self.settle()
        p = self.verify(key, lk)
        out = p.stdout.decode()
        self.assertIn("extends the tree checked before (size %d)" % size1,
                      out)
        with open(self.state) as f:
            self.assertGreater(json.load(f)["size"], size1)

    def test_an_entry_hidden_from_the_servers_answer_is_refused(self):
        self.activity(12)
        key, lk = self.keys()
        self.settle()
        raw = self.cli("access-log", "auto", token=self.admin).stdout
        a = json.loads(raw)
        ours = [e["index"] for e in a["entries"]]
        self.assertGreater(len(ours), 3)
        # Hiding nothing passes (bundles from the server).
        self.verify(key, lk, "--access-log", self.save("as-served.json", raw),
                    state=False)
        # One entry about the tenant hidden: refused, naming it.
        victim = ours[len(ours) // 2]
        a["entries"] = [e for e in a["entries"] if e["index"] != victim]
        p = self.verify(key, lk, "--access-log",
                        self.save("hidden.json", json.dumps(a)), code=1,
                        state=False)
        self.assertIn("entry %d carries tenant auto's tag" % victim,
                      p.stderr.decode())

    def test_another_tenants_entry_added_to_the_answer_is_refused(self):
        self.activity(12)
        key, lk = self.keys()
        self.settle()
        mine = json.loads(self.cli("access-log", "auto",
                                   token=self.admin).stdout)
        theirs = json.loads(self.cli("access-log", "appr",
                                     token=self.appr_admin).stdout)
        size = mine["size"]
        extra = [e for e in theirs["entries"] if e["index"] < size][:1]
        self.assertEqual(len(extra), 1)
        mine["entries"] = sorted(mine["entries"] + extra,
                                 key=lambda e: e["index"])
        p = self.verify(key, lk, "--access-log",
                        self.save("added.json", json.dumps(mine)), code=1,
                        state=False)
        self.assertIn("is not the tenant's", p.stderr.decode())

    def test_a_scope_report_opens_for_its_tenant_and_a_changed_event_fails(
            self):
        """The report writer (custos scope --report) checks each cited
        sealed leaf against its body; the tenant binds the events with
        its log key."""
        t0 = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                           time.gmtime(time.time() - 120))
        self.activity(6)
        key, lk = self.keys()
        self.settle()
        t1 = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                           time.gmtime(time.time() + 120))
        out = os.path.join(self.tmp.name, "reports")
        self.cli("scope", "--engineer", "eng1", "--report", out, "--from",
                 t0, "--to", t1, token=self.d.operator)
        rep = os.path.join(out, "auto.json")
        with open(rep) as f:
            doc = json.load(f)
        self.assertTrue(doc["entries"])
        self.assertIn("sealed", doc["entries"][0])
        # Without the key a sealed report cannot be read.
        p = self.cli("verify", "--key", key, "--tenant-log", rep,
                     "--tenant", "auto", code=1)
        self.assertIn("--log-key", p.stderr.decode())
        self.cli("verify", "--key", key, "--tenant-log", rep, "--tenant",
                 "auto", "--log-key", lk)
        doc["entries"][0]["event"]["action"] = "ticket.view"
        p = self.cli("verify", "--key", key, "--tenant-log",
                     self.save("changed.json", json.dumps(doc)), "--tenant",
                     "auto", "--log-key", lk, code=1)
        self.assertIn("differs from its sealed body", p.stderr.decode())
