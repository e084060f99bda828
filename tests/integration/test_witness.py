# SPDX-License-Identifier: ISC
"""Witnesses: custosd with two real `custos witness` processes on loopback.

- Each new checkpoint goes to both witnesses (C2SP tlog-witness
  add-checkpoint) in the background; GET /v1/log/checkpoint serves one
  signed note with their two cosignature lines (C2SP tlog-cosignature,
  Ed25519), and `custos verify --witness "K1 K2" --min 2` passes on it.
- After a restart custosd no longer knows what each witness cosigned: it
  learns the size from the 409 answer and goes on from there.
- A witness shown a checkpoint that does not extend the one it cosigned
  (the same size with another root, or growth without a valid proof)
  answers 422 and keeps its state; `custos verify --witness` fails on
  such a split-view checkpoint, with or without the true checkpoint's
  cosignature lines pasted under it.
- End to end: the database is rewritten and the operator forces custosd
  on with --accept-log-rewrite; the witnesses refuse the new root, so the
  served checkpoint carries no cosignature and verify --witness fails.
Every wait is bounded.
"""
import base64
import hashlib
import os
import shutil
import socket
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import nacl.signing

import harness
import test_tlog as tl
from harness import Daemon, World, free_port

LAG = 20.0      # seconds for a checkpoint to be signed and cosigned (ASan)


def custos(*args, timeout=60):
    r = subprocess.run([harness.CUSTOS] + list(args), capture_output=True,
                       text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


class Witness:
    def __init__(self, base, name):
        self.dir = os.path.join(base, name.replace("/", "_"))
        os.mkdir(self.dir)
        self.name = name
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        r = subprocess.run([harness.CUSTOS, "witness", "--dir", self.dir,
                            "--name", name, "--print-key"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        self.key = r.stdout.strip()
        self.proc = None

    def start(self, log_key):
        self.log = open(os.path.join(self.dir, "witness.log"), "w")
        self.proc = subprocess.Popen(
            [harness.CUSTOS, "witness", "--dir", self.dir, "--name",
             self.name, "--log", log_key, "--listen",
             "127.0.0.1:%d" % self.port], stdout=self.log,
            stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            assert self.proc.poll() is None, "witness exited"
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("witness %s did not listen" % self.name)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.log.close()

    def add_checkpoint(self, body):
        req = urllib.request.Request(self.url + "/add-checkpoint",
                                     data=body.encode(), method="POST")
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def state(self):
        with open(os.path.join(self.dir, "witness.state")) as f:
            return f.read()


def cosig_lines(note, w):
    return [l for l in note.split("\n")
            if l.startswith(tl.EM_DASH + " " + w.name + " ")]


class Witnessed(unittest.TestCase):
    def setUp(self):
        self.base = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                 "custos-wit-%d-%d" % (os.getpid(),
                                                        time.time_ns()))
        os.mkdir(self.base)
        self.addCleanup(shutil.rmtree, self.base, True)
        self.w = [Witness(self.base, "witness.example/w1"),
                  Witness(self.base, "witness.example/w2")]
        for w in self.w:
            self.addCleanup(w.stop)
        self.flags = []
        for w in self.w:
            self.flags += ["--witness", "%s=%s" % (w.url, w.key)]
        self.d = Daemon(extra=self.flags)
        self.addCleanup(self.cleanup)
        self.key = tl.fetch_key(self.d)
        for w in self.w:
            w.start(self.key)
        self.world = World(self.d)
        self.keys = " ".join(w.key for w in self.w)

    def cleanup(self):
        if self.d.proc.poll() is None:
            self.d.proc.terminate()
            self.d.proc.wait(timeout=30)
        self.d.log.close()
        shutil.rmtree(self.d.dir, ignore_errors=True)

    def grow(self, n=3, tag="v"):
        for i in range(n):
            self.serial = getattr(self, "serial", 0) + 1
            r = self.d.op("POST", "/v1/vendors", {
                "id": "%s-%d" % (tag, self.serial),
                "name": "Vendor %s %d" % (tag, self.serial)})
            self.assertEqual(r.status, 201, r)

    def cosigned(self, want=2):
        """Waits for a served checkpoint covering the log with `want`
        cosignature lines of our witnesses."""
        size = self.d.log_size()
        t0 = time.time()
        while True:
            note = tl.fetch_checkpoint(self.d)
            n = int(note.split("\n")[1])
            got = sum(1 for w in self.w if cosig_lines(note, w))
            if n >= size and got >= want:
                return note
            if time.time() - t0 > LAG:
                raise AssertionError("no checkpoint of %d with %d "
                                     "cosignatures after %.0fs: %r\n%s"
                                     % (size, want, LAG, note,
                                        tl.run_log_text(self.d)))
            time.sleep(0.1)

    def save(self, name, text):
        path = os.path.join(self.base, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def verify(self, note, *extra):
        return custos("verify", "--key", self.key, "--checkpoint",
                      self.save("cp-%d" % time.time_ns(), note), *extra)

    def log_signer(self):
        with open(os.path.join(self.d.data, "log.key")) as f:
            sk = base64.b64decode(f.read().strip())
        return nacl.signing.SigningKey(sk[:32])

    def forged(self, size, root):
        """A checkpoint signed by the log's own key (a log that shows a
        split view signs it itself)."""
        signer = self.log_signer()
        name = self.key.split("+")[0]
        kid = hashlib.sha256(name.encode() + b"\n\x01" +
                             bytes(signer.verify_key)).digest()[:4]
        body = "%s\n%d\n%s\n" % (name, size, base64.b64encode(root)
                                 .decode())
        sig = signer.sign(body.encode()).signature
        return body, "%s\n%s %s %s\n" % (body, tl.EM_DASH, name,
                                          base64.b64encode(kid + sig)
                                          .decode())

    def test_checkpoints_are_cosigned_and_verify_with_min_2(self):
        self.grow()
        note = self.cosigned()
        # One signed note: the log's line, then one line per witness.
        _, size, _ = tl.open_checkpoint(note, self.key)
        self.assertGreaterEqual(size, 1)
        sigs = note[note.rindex("\n\n") + 2:].strip("\n").split("\n")
        self.assertEqual(len(sigs), 3, note)
        for w in self.w:
            self.assertEqual(len(cosig_lines(note, w)), 1, note)
        rc, out = self.verify(note, "--witness", self.keys, "--min", "2")
        self.assertEqual(rc, 0, out)
        self.assertIn("2 valid of the 2 required", out)
        keyfile = self.save("witnesses", self.keys.replace(" ", "\n"))
        rc, out = self.verify(note, "--witness", keyfile, "--min", "2")
        self.assertEqual(rc, 0, out)
        # Without the cosignatures it is not enough.
        bare = note[:note.rindex("\n\n") + 2] + sigs[0] + "\n"
        rc, out = self.verify(bare, "--witness", self.keys, "--min", "1")
        self.assertEqual(rc, 1, out)
        self.assertIn("0 valid of the 1 required", out)
        # Each witness stored what it cosigned.
        for w in self.w:
            self.assertIn(" %d " % size, w.state())

        # custosd restarts: it learns each witness's size from a 409.
        self.d.proc.terminate()
        self.assertEqual(self.d.proc.wait(timeout=30), 0)
        self.d.log.close()
        self.d.log = open(os.path.join(self.d.dir, "again.log"), "w")
        self.d.run_log = os.path.join(self.d.dir, "again.log")
        self.d.proc = subprocess.Popen(
            [harness.CUSTOSD, "--data", self.d.data, "--listen",
             "127.0.0.1:%d" % self.d.port, "--pwhash-ops", "1",
             "--pwhash-mem", "8192"] + self.flags + self.d.store_args(),
            stdout=self.d.log,
            stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            self.assertIsNone(self.d.proc.poll(), tl.run_log_text(self.d))
            try:
                if self.d.call("GET", "/v1/health").status == 200:
                    break
            except OSError:
                pass
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        self.grow(tag="after")
        later = self.cosigned()
        _, size2, _ = tl.open_checkpoint(later, self.key)
        self.assertGreater(size2, size)
        rc, out = self.verify(later, "--witness", self.keys, "--min", "2")
        self.assertEqual(rc, 0, out)

    def test_split_view_is_refused_by_the_witness_and_by_verify(self):
        self.grow()
        note = self.cosigned()
        _, size, root = tl.open_checkpoint(note, self.key)
        w = self.w[0]
        before = w.state()
        # The same size, another root.
        other = bytearray(root)
        other[0] ^= 1
        body, fork = self.forged(size, bytes(other))
        st, ans = w.add_checkpoint("old %d\n\n%s" % (size, fork))
        self.assertEqual(st, 422, ans)
        # Growth from the cosigned tree, without a proof that holds.
        body2, fork2 = self.forged(size + 5, bytes(other))
        st, ans = w.add_checkpoint("old %d\n%s\n\n%s" % (
            size, base64.b64encode(bytes(32)).decode(), fork2))
        self.assertEqual(st, 422, ans)
        # An old size that is not the cosigned one: 409 and the size.
        st, ans = w.add_checkpoint("old 0\n\n%s" % fork2)
        self.assertEqual((st, ans), (409, "%d\n" % size))
        self.assertEqual(w.state(), before)
        # The true checkpoint is still cosigned afterwards.
        true_body = note[:note.rindex("\n\n") + 1]
        log_line = note[note.rindex("\n\n") + 2:].split("\n")[0]
        st, ans = w.add_checkpoint("old %d\n\n%s\n%s\n" % (
            size, true_body, log_line))
        self.assertEqual(st, 200, ans)
        self.assertTrue(ans.startswith(tl.EM_DASH + " " + w.name + " "))

        # verify --witness fails on the split view: bare, and with the
        # true checkpoint's cosignature lines pasted under it.
        rc, out = self.verify(fork, "--witness", self.keys, "--min", "1")
        self.assertEqual(rc, 1, out)
        pasted = fork + "".join(l + "\n" for x in self.w
                                for l in cosig_lines(note, x))
        rc, out = self.verify(pasted, "--witness", self.keys, "--min", "1")
        self.assertEqual(rc, 1, out)
        self.assertIn("invalid cosignature", out)
        # The log's own signature is fine: only the witnesses catch it.
        rc, out = self.verify(fork)
        self.assertEqual(rc, 0, out)

    def test_rewritten_log_accepted_by_the_operator_is_not_cosigned(self):
        self.grow(n=10)
        note = self.cosigned()
        self.d.proc.terminate()
        self.assertEqual(self.d.proc.wait(timeout=30), 0)
        # Entry 5 changed and sealed again with secrets.key (its sealed
        # leaf matches it: only the tree differs).
        for table in ("entries", "tiles", "checkpoints"):
            self.d.db_unguard(table)
        with self.d.db() as con:
            tl.rewrite_entry_resealed(self.d, con, 5)
            con.executescript("DELETE FROM tiles; DELETE FROM checkpoints;")
        self.d.log.close()
        self.d.run_log = os.path.join(self.d.dir, "forced.log")
        self.d.log = open(self.d.run_log, "w")
        self.d.proc = subprocess.Popen(
            [harness.CUSTOSD, "--data", self.d.data, "--listen",
             "127.0.0.1:%d" % self.d.port, "--pwhash-ops", "1",
             "--pwhash-mem", "8192", "--accept-log-rewrite"] + self.flags
            + self.d.store_args(),
            stdout=self.d.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            self.assertIsNone(self.d.proc.poll(), tl.run_log_text(self.d))
            try:
                if self.d.call("GET", "/v1/health").status == 200:
                    break
            except OSError:
                pass
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        self.grow(tag="forced")
        # Both witnesses refuse (422): the log says so, and the served
        # checkpoint has no cosignature.
        t0 = time.time()
        while tl.run_log_text(self.d).count("split view") < 2:
            self.assertLess(time.time() - t0, LAG, tl.run_log_text(self.d))
            time.sleep(0.1)
        served = tl.fetch_checkpoint(self.d)
        for w in self.w:
            self.assertEqual(cosig_lines(served, w), [], served)
        rc, out = self.verify(served, "--witness", self.keys, "--min", "1")
        self.assertEqual(rc, 1, out)
        # The witnesses still hold the old tree.
        _, size, _ = tl.open_checkpoint(note, self.key)
        for w in self.w:
            self.assertIn(" %d " % size, w.state())


if __name__ == "__main__":
    unittest.main()
