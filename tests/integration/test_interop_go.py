# SPDX-License-Identifier: ISC
"""The tree verifies with an independent implementation: the Go reference
packages golang.org/x/mod/sumdb/note and .../tlog (Debian's
golang-golang-x-mod-dev, scripts/deps), through tests/interop/tlogcheck,
against a running custosd with more than a full tile of sealed leaves:
the checkpoint's signature, the root from the C2SP hash tiles, every
leaf of the entry bundles against the level-0 tiles, custosd's inclusion
and consistency proofs.  Another log's key is refused.

Skipped (saying why) when go or the x/mod sources are not installed."""
import os
import shutil
import subprocess
import tempfile
import unittest

import tlogfix as tl
from harness import DaemonTest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "interop", "tlogcheck")
GOPATH_SYS = "/usr/share/gocode"


def build(tmp):
    """Builds tlogcheck into tmp; its path, or None with why."""
    go = shutil.which("go")
    if go is None:
        return None, "go is not installed (apt-get install golang-go)"
    if not os.path.isdir(os.path.join(GOPATH_SYS, "src", "golang.org",
                                      "x", "mod", "sumdb", "tlog")):
        return None, ("golang.org/x/mod is not installed (apt-get install "
                      "golang-golang-x-mod-dev)")
    os.makedirs(os.path.join(tmp, "src"))
    os.symlink(os.path.abspath(SRC), os.path.join(tmp, "src", "tlogcheck"))
    env = dict(os.environ, GO111MODULE="off", GOFLAGS="",
               GOPATH=tmp + ":" + GOPATH_SYS,
               GOCACHE=os.path.join(tmp, "cache"))
    out = os.path.join(tmp, "tlogcheck")
    r = subprocess.run([go, "build", "-o", out, "."], env=env,
                       cwd=os.path.join(tmp, "src", "tlogcheck"),
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError("go build failed: " + r.stderr)
    return out, None


class GoReferenceVerifier(DaemonTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="custos-interop-")
        cls.tool, cls.why = build(cls.tmp)
        # More than one full tile of leaves (a level-1 tile too), about
        # several tenants.
        for i in range(300):
            r = cls.d.op("POST", "/v1/tenants/%s/tickets" %
                         ("auto", "appr", "deny")[i % 3], {
                             "subject": "s%d" % i, "body": "b",
                             "requester": "r@x.example"})
            assert r.status == 201, r
        cls.d.log_size()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def check(self, *args):
        if self.tool is None:
            self.skipTest(self.why)
        return subprocess.run([self.tool] + list(args) + [self.d.url],
                              capture_output=True, text=True, timeout=300)

    def test_go_tlog_and_note_verify_checkpoint_tiles_bundles_proofs(self):
        # A checkpoint over everything so far (signed within a second).
        r = self.d.call("GET", "/v1/tenants/auto/access-log?limit=1",
                        token=self.w.tenant_login("auto"))
        self.assertEqual(r.status, 200, r)
        self.assertGreater(r.body["size"], 300)
        p = self.check()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("root recomputed from the hash tiles", p.stdout)
        self.assertIn("match the tiles; their inclusion proofs verify",
                      p.stdout)
        self.assertIn("tlogcheck: ok", p.stdout)

    def test_another_logs_key_is_refused(self):
        other = tl.Key(self.d.call("GET", "/v1/log/key").raw.split("+")[0])
        p = self.check("-key", other.verifier())
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("checkpoint signature", p.stderr)


if __name__ == "__main__":
    unittest.main()
