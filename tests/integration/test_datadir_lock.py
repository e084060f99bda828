# SPDX-License-Identifier: ISC
"""One custosd per data directory: a second daemon on the same DIR refuses
to start and names the one holding it, the first keeps serving and
recording, and a daemon killed with -9 leaves nothing that blocks the
next start."""
import os
import signal
import subprocess
import time
import unittest
import urllib.request

from harness import CUSTOSD, Daemon, free_port


def start(data, port, store=()):
    return subprocess.Popen(
        [CUSTOSD, "--data", data, "--listen", "127.0.0.1:%d" % port,
         "--pwhash-ops", "1", "--pwhash-mem", "8192", "--quiet"]
        + list(store),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def healthy(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(
                    "http://127.0.0.1:%d/v1/health" % port, timeout=5) as f:
                if f.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


class OneDaemonPerDataDirectory(unittest.TestCase):
    def setUp(self):
        self.d = Daemon()

    def tearDown(self):
        self.d.stop()

    def test_second_daemon_refuses_to_start_naming_the_holder(self):
        second = start(self.d.data, free_port(), self.d.store_args())
        try:
            _, err = second.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            second.kill()
            second.communicate()
            self.fail("a second custosd on the same data directory ran")
        self.assertNotEqual(second.returncode, 0)
        self.assertIn("one custosd per data directory", err)
        self.assertIn("pid %d" % self.d.proc.pid, err)
        # The first one still serves, and still records.
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)
        r = self.d.call("POST", "/v1/vendors", {"name": "Still here"},
                        token=self.d.operator)
        self.assertEqual(r.status, 201, r)

    def test_killed_daemon_does_not_block_the_next_start(self):
        self.d.proc.send_signal(signal.SIGKILL)
        self.d.proc.wait(timeout=20)
        port = free_port()
        again = start(self.d.data, port, self.d.store_args())
        try:
            self.assertTrue(healthy(port), "custosd did not start again")
            with open(os.path.join(self.d.data, "custosd.pid")) as f:
                self.assertEqual(f.read().strip(), str(again.pid))
        finally:
            again.terminate()
            again.communicate(timeout=20)
        self.assertEqual(again.returncode, 0)


if __name__ == "__main__":
    unittest.main()
