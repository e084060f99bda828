# SPDX-License-Identifier: ISC
"""Detection against the demo's own traffic: a day of ordinary, approved
support work from a generated world (scripts/gen-world, scripts/demo-day,
seeded with the real custos CLI into the real custosd) raises no alert at
all; then the demo's attack on one engineer's session raises the alerts
it should, about that engineer only, within a second."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import CUSTOS, Daemon

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PY = "/usr/bin/python3"


class OrdinaryDay(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.tmp = tempfile.mkdtemp(prefix="custos-day-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert cls.d.stop() == 0

    def run_ok(self, args, stdout=subprocess.PIPE):
        r = subprocess.run(args, stdout=stdout, stderr=subprocess.PIPE,
                           text=True, timeout=300)
        self.assertEqual(r.returncode, 0, (r.stdout or "") + r.stderr)
        return r

    def alerts(self):
        r = self.d.op("GET", "/v1/alerts?limit=1000")
        self.assertEqual(r.status, 200, r)
        return r.body["alerts"]

    def wait_alerts(self, rules, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.alerts()
            if rules <= {a["rule"] for a in got}:
                return got
            time.sleep(0.05)
        return self.alerts()

    def test_a_day_is_silent_and_the_attack_is_not(self):
        world = os.path.join(self.tmp, "world.jsonl")
        secrets = os.path.join(self.tmp, "secrets.json")
        state = os.path.join(self.tmp, "day.json")
        out = os.path.join(self.tmp, "attack.json")
        with open(world, "w") as f:
            self.run_ok([PY, os.path.join(ROOT, "scripts", "gen-world"),
                         "--vendors", "2", "--engineers", "12",
                         "--tenants", "60", "--users", "1200",
                         "--tickets", "600", "--secrets", secrets,
                         "--pwhash-cost", "min"], stdout=f)
        token = os.path.join(self.d.data, "operator.token")
        self.run_ok([CUSTOS, "--server", self.d.url, "--token-file", token,
                     "seed", world])
        self.run_ok([PY, os.path.join(ROOT, "scripts", "demo-day"), "day",
                     "--server", self.d.url, "--world", world, "--secrets",
                     secrets, "--state", state, "--cases", "150",
                     "--threads", "4"])
        # The detection thread follows every commit; give it a moment,
        # then nothing: no alert stored, no alert entry in the log.
        time.sleep(1.0)
        self.assertEqual(self.alerts(), [])
        size = self.d.log_size()
        self.assertGreater(size, 1000)
        self.assertFalse([i for i, ev, _ in self.d.entries()
                          if ev["action"] == "alert"])

        t0 = time.time()
        self.run_ok([PY, os.path.join(ROOT, "scripts", "demo-day"),
                     "attack", "--server", self.d.url, "--world", world,
                     "--state", state, "--out", out, "--pause", "0.05"])
        with open(out) as f:
            truth = json.load(f)
        got = self.wait_alerts({"forbidden_probe", "reset_burst"})
        rules = {a["rule"] for a in got}
        self.assertIn("forbidden_probe", rules)
        self.assertIn("reset_burst", rules)
        self.assertLess(time.time() - t0, 60)
        for a in got:
            self.assertEqual(a["subject"], truth["engineer"], a)
            self.assertEqual(a["scope"]["principals"],
                             {"engineers": [truth["engineer"]]})
        # Each alert names the entries that made it: the refused export
        # for the probe, five allowed resets for the burst.
        ev = {i: e for i, e, _ in self.d.entries(size)}
        probe = [a for a in got if a["rule"] == "forbidden_probe"][0]
        first = ev[probe["entries"][0]]
        self.assertEqual(first["outcome"], "denied")
        self.assertEqual(first["actor"]["id"], truth["engineer"])
        burst = [a for a in got if a["rule"] == "reset_burst"][0]
        resets = [ev[i] for i in burst["entries"] if i in ev]
        self.assertGreaterEqual(len(resets), 1)
        for e in resets:
            self.assertEqual(e["action"], "user.password_reset")
            self.assertEqual(e["outcome"], "allowed")


if __name__ == "__main__":
    unittest.main()
