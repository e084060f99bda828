# SPDX-License-Identifier: ISC
"""Nothing is answered that was not recorded (issue 11, finding 6).

custosd runs with a file-size limit (RLIMIT_FSIZE) just above its
database, as on a full disk: once its commits fail, every recorded
request -- refusals (400, 401, 403, 404) and reads alike -- is answered
503 with Retry-After, never with the answer it would have had; health
says the daemon cannot record; custosd does not die of SIGXFSZ.  When the
limit is lifted, health and answers recover, and every acknowledged entry
is in the log."""
import os
import resource
import subprocess
import time
import unittest

import harness
from harness import CUSTOSD, Daemon, World

MARGIN = 64 * 1024              # bytes a file may grow past the database
FILL_MAX = 3000                 # requests at most to reach the limit


def db_size(data):
    return os.path.getsize(os.path.join(data, "custos.db"))


@harness.sqlite_only("limits the size of the SQLite file (RLIMIT_FSIZE); "
                     "test_pg_restart is PostgreSQL's 503")
class Unrecordable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(extra=["--detect", "0"])
        cls.w = World(cls.d)
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.token = r.body["token"]
        cls.restart_limited()

    @classmethod
    def restart_limited(cls):
        """The same daemon again, on the same directory, with its files
        limited to the database's size and a margin."""
        d = cls.d
        d.proc.terminate()
        assert d.proc.wait(timeout=20) == 0
        limit = db_size(d.data) + MARGIN

        def limited():
            resource.setrlimit(resource.RLIMIT_FSIZE,
                               (limit, resource.RLIM_INFINITY))

        d.proc = subprocess.Popen(
            [CUSTOSD, "--data", d.data, "--listen", "127.0.0.1:%d" % d.port,
             "--pwhash-ops", "1", "--pwhash-mem", "8192", "--quiet",
             "--detect", "0"],
            stdout=d.log, stderr=subprocess.STDOUT, preexec_fn=limited)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if d.call("GET", "/v1/health").status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("custosd did not restart: " + d.read_log())

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def users(self, token):
        return self.d.call("GET", "/v1/tenants/auto/users", token=token)

    def test_unrecorded_answers_are_503_until_the_store_commits_again(self):
        d = self.d
        acked = d.log_size()
        # Fill the files: reads, each with its entry, until one is not
        # recorded.
        for _ in range(FILL_MAX):
            r = self.users(self.token)
            if r.status != 200:
                break
            acked += 1
        self.assertEqual(r.status, 503, r)
        self.assertIsNone(d.proc.poll(), "custosd died: " + d.read_log())
        # A commit smaller than the one that failed may still fit where
        # that one's pages were cut off (and is then rightly recorded and
        # answered); a full disk has no room at all: none from here on.
        resource.prlimit(d.proc.pid, resource.RLIMIT_FSIZE,
                         (1, resource.RLIM_INFINITY))

        refusals = [
            ("bad token", lambda: self.users("cse_" + "a" * 52)),
            ("no token", lambda: d.call("GET", "/v1/tenants/auto/users")),
            ("operator", lambda: self.users(d.operator)),
            ("no such route", lambda: d.call("GET", "/v1/nothing-here")),
            ("no such tenant", lambda: d.call(
                "GET", "/v1/tenants/nope/users", token=self.token)),
            ("malformed login", lambda: d.call(
                "POST", "/v1/auth/login", raw=b"{not json")),
            ("read", lambda: self.users(self.token)),
        ]
        for what, call in refusals * 3:
            r = call()
            self.assertEqual(r.status, 503, "%s: %r" % (what, r))
            self.assertIn("Retry-After", r.headers, what)
        h = d.call("GET", "/v1/health")
        self.assertEqual(h.status, 503, "%r\n%s" % (h, d.read_log()))
        self.assertIn("cannot record", h.body["error"]["message"])
        self.assertIn("Retry-After", h.headers)

        # The disk has room again: health recovers (its probe commits)
        # and so do the answers.
        resource.prlimit(d.proc.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        deadline = time.time() + 10
        while time.time() < deadline:
            h = d.call("GET", "/v1/health")
            if h.status == 200:
                break
            time.sleep(0.2)
        self.assertEqual(h.status, 200, h)
        r = self.users("cse_" + "a" * 52)
        self.assertEqual(r.status, 401, r)
        r = self.users(self.token)
        self.assertEqual(r.status, 200, r)
        # Every acknowledged entry is there, and only those: the two
        # just answered after the acknowledged reads.
        entries = d.entries(0)
        self.assertEqual([i for i, _, _ in entries],
                         list(range(len(entries))))
        self.assertEqual(len(entries), acked + 2)
        self.assertEqual(entries[-2][1].get("reason"), "bad_token")


if __name__ == "__main__":
    unittest.main()
