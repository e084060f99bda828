# SPDX-License-Identifier: ISC
"""Test hooks live in test builds only: the release custosd (build/, what
`make` builds and an operator installs) refuses --test-clock, which would
let whoever starts it set the time the log records; the test build under
test (the asan preset) has it."""
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import CUSTOSD, ROOT

RELEASE = os.path.join(ROOT, "build", "custosd")


class ReleaseHasNoTestHooks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custos-hooks-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    @unittest.skipUnless(os.access(RELEASE, os.X_OK),
                         "no release build at build/custosd (run make)")
    def test_release_build_refuses_test_clock(self):
        clock = os.path.join(self.tmp, "clock")
        with open(clock, "w") as f:
            f.write("1642773780")
        r = subprocess.run([RELEASE, "--data", os.path.join(self.tmp, "d"),
                            "--test-clock", clock], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("unknown option '--test-clock'", r.stderr)
        h = subprocess.run([RELEASE, "--help"], capture_output=True,
                           text=True, timeout=30)
        self.assertNotIn("test-clock", h.stdout)

    def test_test_build_has_test_clock(self):
        h = subprocess.run([CUSTOSD, "--help"], capture_output=True,
                           text=True, timeout=30)
        self.assertIn("--test-clock", h.stdout)


if __name__ == "__main__":
    unittest.main()
