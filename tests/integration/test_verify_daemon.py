# SPDX-License-Identifier: ISC
"""custos log-key / checkpoint / entry / proof / consistency / access-log
against the real custosd, and custos verify over what they saved: the
whole flow docs/cli.md describes.  CUSTOSD, CUSTOS as in harness.py."""
import base64
import json
import os
import random
import subprocess
import tempfile
import time
import unittest

from harness import CUSTOS, DaemonTest  # noqa: E402


class VerifyAgainstDaemon(DaemonTest):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, token=None, code=0):
        argv = [CUSTOS, "--server", self.d.url]
        if token is not None:
            argv += ["--token", token]
        p = subprocess.run(argv + list(args), capture_output=True,
                           timeout=60, env={
                               "PATH": "/usr/bin:/bin",
                               "CUSTOS_CONFIG_DIR": self.tmp.name})
        self.assertEqual(p.returncode, code,
                         (args, p.stdout[-2000:], p.stderr[-2000:]))
        self.assertNotIn(b"runtime error", p.stderr)
        return p

    def save(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def fetch(self, name, *args, token=None):
        return self.save(name, self.cli(*args, token=token).stdout)

    def fetch_entry(self, name, index):
        """`custos entry INDEX` as the operator (GET /v1/log/entries is
        the operator's): {index, leaf, sealed, event}, whose sealed leaf
        custos verify proves included offline."""
        return self.fetch(name, "entry", str(index), token=self.d.operator)

    def verify(self, *args, code=0):
        return self.cli("verify", *args, code=code)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One login: a TOTP code is good once.
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.eng = r.body["token"]

    def activity(self, n):
        tok = self.eng
        for _ in range(n):
            r = self.d.call("GET", "/v1/tenants/auto/users", token=tok)
            self.assertEqual(r.status, 200, r)

    def checkpoint(self, name):
        """custos checkpoint, once the log's checkpoint covers every entry
        so far (it is signed at most a second after them)."""
        want = self.d.log_size()
        deadline = time.time() + 10
        while True:
            path = self.fetch(name, "checkpoint")
            if self.size_of(path) >= want or time.time() > deadline:
                return path
            time.sleep(0.2)

    def size_of(self, cp_path):
        with open(cp_path) as f:
            return int(f.read().split("\n")[1])

    def test_entries_and_two_checkpoints_verify_and_mutations_fail(self):
        self.activity(30)
        key = self.fetch("key", "log-key")
        with open(key) as f:
            vk = f.read().strip()
        self.assertEqual(vk, self.d.call("GET", "/v1/log/key").raw.strip())
        cp1 = self.checkpoint("cp1")
        # Byte for byte what the server serves (less the entry our own
        # read may have added: compare with a fresh fetch's form).
        with open(cp1) as f:
            self.assertTrue(f.read().startswith(vk.split("+")[0] + "\n"))
        s1 = self.size_of(cp1)
        self.activity(40)
        cp2 = self.checkpoint("cp2")
        s2 = self.size_of(cp2)
        self.assertGreater(s2, s1)
        with open(cp2, "rb") as f:     # nothing appended since: the same
            self.assertEqual(f.read().decode(),
                             self.d.call("GET", "/v1/log/checkpoint").raw)
        self.verify("--key", key, "--checkpoint", cp2)
        self.verify("--key", vk, "--checkpoint", cp1)

        rnd = random.Random(7)
        for i in sorted({0, s1 - 1, s2 - 1} |
                        set(rnd.sample(range(s2), 8))):
            with self.subTest(index=i):
                e = self.fetch_entry("e%d" % i, i)
                p = self.fetch("p%d" % i, "proof", str(i), "--size",
                               str(s2))
                out = self.verify("--key", key, "--checkpoint", cp2,
                                  "--entry", e, "--proof", p).stdout
                self.assertIn(b"entry %d: included in the checkpoint of "
                              b"size %d" % (i, s2), out)
        # The default size is the latest checkpoint's: verify it with the
        # checkpoint fetched right after (the proof's size must match one).
        cp3 = self.checkpoint("cp3")
        p = self.fetch("pdef", "proof", "3")
        psize = json.load(open(p))["size"]
        self.assertGreaterEqual(psize, self.size_of(cp3))
        same = psize == self.size_of(cp3)
        r = self.verify("--key", key, "--checkpoint", cp3, "--entry",
                        self.fetch_entry("e3", 3), "--proof", p,
                        code=0 if same else 1)
        if not same:
            self.assertIn(b"fetch it with", r.stderr)

        c = self.fetch("c", "consistency", "--old", str(s1), "--new",
                       str(s2))
        out = self.verify("--key", key, "--checkpoint", cp2,
                          "--old-checkpoint", cp1, "--consistency",
                          c).stdout
        self.assertIn(b"size %d is a prefix of the tree of size %d" %
                      (s1, s2), out)

        # Mutations of what the server gave.
        ej = json.load(open(self.fetch_entry("x", 5)))
        leaf = bytearray(base64.b64decode(ej["leaf"]))
        leaf[-2] ^= 1
        ej["leaf"] = base64.b64encode(bytes(leaf)).decode()
        bad_e = self.save("bad_e", json.dumps(ej).encode())
        p5 = self.fetch("p5", "proof", "5", "--size", str(s2))
        self.verify("--key", key, "--checkpoint", cp2, "--entry", bad_e,
                    "--proof", p5, code=1)
        self.verify("--key", key, "--checkpoint", cp1, "--entry",
                    self.fetch_entry("e5", 5), "--proof", p5, code=1)
        cj = json.load(open(c))
        h = bytearray(base64.b64decode(cj["hashes"][0]))
        h[0] ^= 1
        cj["hashes"][0] = base64.b64encode(bytes(h)).decode()
        self.verify("--key", key, "--checkpoint", cp2, "--old-checkpoint",
                    cp1, "--consistency",
                    self.save("bad_c", json.dumps(cj).encode()), code=1)
        t = open(cp2).read().replace("\n%d\n" % s2, "\n%d\n" % (s2 + 1), 1)
        self.verify("--key", key, "--checkpoint",
                    self.save("bad_cp", t.encode()), code=1)

    def test_tenant_access_log_verifies(self):
        self.activity(25)
        admin = self.w.tenant_login("auto")
        key = self.fetch("key", "log-key")
        # The tenant's log key opens its sealed leaves (its admin's).
        lk = self.fetch("lk", "tenant-log-key", "auto", token=admin)
        p = self.cli("access-log", "auto", token=admin)
        tl = self.save("tl", p.stdout)
        doc = json.loads(p.stdout)
        self.assertEqual(doc["tenant"], "auto")
        self.assertGreaterEqual(len(doc["entries"]), 25)
        out = self.verify("--key", key, "--tenant-log", tl, "--tenant",
                          "auto", "--log-key", lk).stdout
        self.assertIn(b"%d of %d entries about tenant auto verified" %
                      (len(doc["entries"]), len(doc["entries"])), out)
        j = json.loads(self.cli("--json", "verify", "--key", key,
                                "--tenant-log", tl, "--log-key", lk).stdout)
        self.assertTrue(j["ok"])
        # Passed off as another tenant's, checked with that tenant's key.
        lk_appr = self.fetch("lk_appr", "tenant-log-key", "appr",
                             token=self.d.operator)
        self.verify("--key", key, "--tenant-log", tl, "--tenant", "appr",
                    "--log-key", lk_appr, code=1)
        # A page further on.
        start = doc["entries"][3]["index"]
        tl2 = self.fetch("tl2", "access-log", "auto", "--start", str(start),
                         token=admin)
        self.assertEqual(json.load(open(tl2))["entries"][0]["index"], start)
        self.verify("--key", key, "--tenant-log", tl2, "--log-key", lk)
        # Entries dropped from the middle still verify one by one (this is
        # a page, not a completeness proof); an entry of another tenant
        # slipped in does not.
        foreign = [e for e in self.d.entry_objects()
                   if e["event"].get("tenant") not in ("auto",)][0]
        doc2 = json.loads(p.stdout)
        fp = json.load(open(self.fetch("fp", "proof", str(foreign["index"]),
                                       "--size", str(doc["size"]))))
        doc2["entries"].insert(0, {
            "index": foreign["index"], "leaf": foreign["leaf"],
            "sealed": foreign["sealed"], "event": foreign["event"],
            "proof": fp["hashes"]})
        r = self.verify("--key", key, "--tenant-log",
                        self.save("tlbad", json.dumps(doc2).encode()),
                        "--log-key", lk, code=1)
        self.assertIn(b"entry %d:" % foreign["index"], r.stderr)
        self.assertNotIn(b"its proof", r.stderr)
        # Without a tenant admin's token: refused by the server (exit 1).
        self.cli("access-log", "auto", code=1)

    def test_fetchers_refuse_bad_arguments(self):
        self.cli("entry", "x", code=2)
        self.cli("entry", "-1", code=2)
        self.cli("proof", "1", "--size", "0", code=2)
        self.cli("proof", "5", "--size", "5", code=2)
        self.cli("consistency", code=2)
        self.cli("consistency", "--old", "5", "--new", "4", code=2)
        self.cli("entry", "999999", code=1)
        self.cli("access-log", "..", code=2)


if __name__ == "__main__":
    unittest.main()
