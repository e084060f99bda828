# SPDX-License-Identifier: ISC
"""A generated Okta export of OKTA_STREAM_MB (default 40) MB streamed by
`custos import --format okta` in one request: the server spools the body
to a temporary file instead of memory and imports it in batches, so its
peak RSS (VmHWM) stays bounded whatever the size; every mapped event is
imported once, and importing the file again records nothing (all
duplicates).  scripts/bench (BENCH_OKTA) runs the same at 500 MB on a
release build and prints events/s beside jq.
"""
import json
import os
import subprocess
import tempfile
import time
import unittest

import okta_gen
from harness import CUSTOS, Daemon

MB = float(os.environ.get("OKTA_STREAM_MB", "40"))
ASAN = "ASAN_OPTIONS" in os.environ
# ASan's quarantine keeps freed memory up to 256 MB by default: a small
# one, so that what is measured is what custosd holds.
BOUND_KB = (320 if ASAN else 160) * 1024


def hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


class OktaStream(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.env = dict(os.environ)
        if ASAN:
            os.environ["ASAN_OPTIONS"] += (":quarantine_size_mb=16:"
                                           "thread_local_quarantine_size_kb"
                                           "=256")
        # Without the rules: detection over the imported history would
        # write alert entries while the re-import is counted, and its
        # state is not what this test measures.
        self.d = Daemon(extra=("--detect", "0"))

    def tearDown(self):
        rc = self.d.stop()
        os.environ.clear()
        os.environ.update(self.env)
        self.tmp.cleanup()
        assert rc == 0, "custosd exited with %s" % rc

    def cli(self, *args):
        env = {"PATH": "/usr/bin:/bin", "CUSTOS_CONFIG_DIR": self.tmp.name}
        if ASAN:
            env["ASAN_OPTIONS"] = self.env["ASAN_OPTIONS"]
        p = subprocess.run([CUSTOS, "--server", self.d.url, "--token",
                            self.d.operator, "--json"] + list(args),
                           capture_output=True, text=True, env=env,
                           timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        return json.loads(p.stdout)

    def test_a_large_export_streams_in_bounded_memory(self):
        # A small import first: what custosd holds anyway (caches, the
        # first batch's allocations) is in the baseline.
        small = os.path.join(self.tmp.name, "small.jsonl")
        with open(small, "w") as f:
            for i in range(3000):
                f.write(okta_gen.event(10 ** 9 + i) + "\n")
        self.cli("import", "--format", "okta", small)
        base = hwm_kb(self.d.proc.pid)
        path = os.path.join(self.tmp.name, "export.jsonl")
        n = okta_gen.write(path, MB)
        size = os.path.getsize(path)
        t0 = time.time()
        a = self.cli("import", "--format", "okta", path)
        secs = time.time() - t0
        peak = hwm_kb(self.d.proc.pid)
        print("\n%.0f MB, %d events in %.1f s (%.0f events/s), custosd "
              "VmHWM %d MB (after a 3000-event import: %d MB)%s" % (
                  size / 1e6, n, secs, n / secs, peak // 1024, base // 1024,
                  " (ASan)" if ASAN else ""))
        mapped = sum(1 for i in range(n)
                     if okta_gen.TYPES[i % len(okta_gen.TYPES)] not in
                     ("policy.evaluate_sign_on", "user.authentication.sso"))
        self.assertEqual((a["events"], a["imported"], a["errors_total"]),
                         (n, mapped, 0), {k: v for k, v in a.items()
                                          if k != "errors"})
        self.assertTrue(a["complete"])
        self.assertGreater(a["batches"], 1)
        self.assertGreater(a["dropped"]["client.ipAddress"], 0)
        self.assertLess(peak, BOUND_KB, "custosd held %d MB" % (peak // 1024))
        # What may grow: SQLite's writer cache (64 MB, cache_size in
        # store_sqlite.c) fills as the database grows, and a batch's
        # events (16 MB is ample).  The body held in memory would add its
        # size and more (a doubling buffer).
        self.assertLess(peak - base, 80 * 1024,
                        "custosd grew by %d MB" % ((peak - base) // 1024))
        # Again: every event is a duplicate, nothing is recorded twice.
        log = self.d.log_size()
        a = self.cli("import", "--format", "okta", path)
        self.assertEqual((a["imported"], a["duplicates"]), (0, mapped))
        self.assertEqual(self.d.log_size(), log + 1)


if __name__ == "__main__":
    unittest.main()
