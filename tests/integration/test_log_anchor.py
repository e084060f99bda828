# SPDX-License-Identifier: ISC
"""The anchor: DATA/log.anchor keeps the last signed checkpoint outside the
database, and custosd refuses to start on a database that does not extend
it, naming why.

- The rewrite of issue 12: with custosd stopped, someone with the database
  file drops the triggers, changes entry 30, deletes every tile and
  checkpoint.  Before, custosd rebuilt the tree silently and signed a new
  root; now it refuses to start ("no tree ... rewritten"), and only
  --accept-log-rewrite makes it sign the entries as they are.
- A restored backup older than the anchor is refused ("behind the
  anchor") unless --accept-log-rewrite is given.
- An anchor that is missing while the log holds entries, or that names
  another root at its size, is refused.
- While custosd runs, a tree changed under it in the database (a hash of
  a full tile) makes the next signature fail the check against the
  anchor: custosd signs nothing, appends nothing and health says why.
Every wait is bounded.
"""
import base64
import hashlib
import os
import shutil
import sqlite3
import subprocess
import time
import unittest

import nacl.signing

import harness
import test_tlog as tl
from harness import Daemon, World


def anchor_size(d):
    path = os.path.join(d.data, "log.anchor")
    if not os.path.exists(path):
        return -1
    with open(path) as f:
        return int(f.read().split("\n")[1])


def wait_anchor(d, size, limit=10.0):
    t0 = time.time()
    while anchor_size(d) < size:
        if time.time() - t0 > limit:
            raise AssertionError("log.anchor is at %d, not %d, after %.0fs"
                                 % (anchor_size(d), size, limit))
        time.sleep(0.05)


def run_once(d, *extra, limit=60):
    """Starts custosd on d's data; returns (exit code or None while it
    runs, log text).  A custosd that answers health is left running."""
    d.log.close()
    d.run_log = os.path.join(d.dir, "run-%d.log" % time.time_ns())
    d.log = open(d.run_log, "w")
    d.proc = subprocess.Popen(
        [harness.CUSTOSD, "--data", d.data, "--listen",
         "127.0.0.1:%d" % d.port, "--pwhash-ops", "1", "--pwhash-mem",
         "8192"] + list(extra) + d.store_args(), stdout=d.log,
        stderr=subprocess.STDOUT)
    deadline = time.time() + limit
    while time.time() < deadline:
        if d.proc.poll() is not None:
            return d.proc.returncode, tl.run_log_text(d)
        try:
            d.call("GET", "/v1/health")
            return None, tl.run_log_text(d)
        except OSError:
            time.sleep(0.05)
    raise AssertionError("custosd neither answered nor exited")


class Anchor(unittest.TestCase):
    def setUp(self):
        self.d = Daemon()
        self.addCleanup(self.cleanup)
        World(self.d)
        for i in range(40):
            r = self.d.op("POST", "/v1/vendors",
                          {"id": "v-%02d" % i, "name": "Vendor %d" % i})
            self.assertEqual(r.status, 201, r)
        self.key = tl.fetch_key(self.d)
        note, _ = tl.settled_checkpoint(self.d)
        self.size = int(note.split("\n")[1])
        self.root = note.split("\n")[2]
        wait_anchor(self.d, self.size)
        self.db = os.path.join(self.d.data, "custos.db")
        self.anchor = os.path.join(self.d.data, "log.anchor")
        self.stop()

    def cleanup(self):
        if self.d.proc.poll() is None:
            self.d.proc.kill()
            self.d.proc.wait()
        self.d.log.close()
        shutil.rmtree(self.d.dir, ignore_errors=True)

    def stop(self):
        self.d.proc.terminate()
        rc = self.d.proc.wait(timeout=30)
        self.assertEqual(rc, 0, "custosd exited with %s: %s"
                         % (rc, tl.run_log_text(self.d)))

    def query(self, q):
        with self.d.db() as con:
            return con.query(q)

    def refused(self, why, *extra):
        rc, log = run_once(self.d, *extra)
        self.assertIsNotNone(rc, "custosd started: " + log)
        self.assertNotEqual(rc, 0, log)
        self.assertIn(why, log)
        return log

    def started(self, *extra):
        rc, log = run_once(self.d, *extra)
        self.assertIsNone(rc, "custosd exited %s: %s" % (rc, log))
        self.assertEqual(self.d.call("GET", "/v1/health").status, 200)

    def test_rewritten_database_refuses_to_start_naming_why(self):
        # The rewrite of issue 12, with python's sqlite3; the entry is
        # sealed again with secrets.key, so that its sealed leaf matches
        # it and only the tree can tell (test_sealed_log: without the key
        # the start-up check names the entry).
        idx = 30
        for table in ("entries", "tiles", "checkpoints"):
            self.d.db_unguard(table)
        with self.d.db() as con:
            tl.rewrite_entry_resealed(self.d, con, idx)
            con.executescript("DELETE FROM tiles; DELETE FROM checkpoints;")
        with open(self.anchor) as f:
            anchored = f.read()
        log = self.refused("does not rebuild a tree over existing entries")
        self.assertIn("--accept-log-rewrite", log)
        # Nothing was written: no tile, no checkpoint, the anchor as was.
        self.assertEqual(self.query("SELECT count(*) FROM tiles"), [(0,)])
        self.assertEqual(self.query("SELECT count(*) FROM checkpoints"),
                         [(0,)])
        with open(self.anchor) as f:
            self.assertEqual(f.read(), anchored)
        # Refused again without the log.anchor file too.
        os.rename(self.anchor, self.anchor + ".saved")
        self.refused("does not rebuild a tree over existing entries")
        os.rename(self.anchor + ".saved", self.anchor)
        # The operator accepts it: a new root at the same size, anchored.
        self.started("--accept-log-rewrite")
        note, _ = tl.settled_checkpoint(self.d)
        _, size, root = tl.open_checkpoint(note, self.key)
        self.assertGreaterEqual(size, self.size)
        self.assertIn("--accept-log-rewrite", tl.run_log_text(self.d))
        self.stop()
        self.assertNotEqual(anchored, open(self.anchor).read())
        # And from then on it starts without the flag.
        self.started()
        self.stop()

    @harness.sqlite_only("restores a backup of the SQLite file")
    def test_restored_backup_older_than_the_anchor_is_refused(self):
        backup = os.path.join(self.d.dir, "backup.db")
        src = sqlite3.connect(self.db)
        dst = sqlite3.connect(backup)
        src.backup(dst)
        dst.close()
        src.close()
        self.started()
        for i in range(5):
            r = self.d.op("POST", "/v1/vendors",
                          {"id": "late-%d" % i, "name": "Late %d" % i})
            self.assertEqual(r.status, 201, r)
        note, _ = tl.settled_checkpoint(self.d)
        later = int(note.split("\n")[1])
        wait_anchor(self.d, later)
        self.stop()
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(self.db + ext):
                os.remove(self.db + ext)
        shutil.copy(backup, self.db)
        log = self.refused("behind the anchor")
        self.assertIn("says %d were signed" % later, log)
        self.assertEqual(anchor_size(self.d), later)
        self.started("--accept-log-rewrite")
        self.assertLess(self.d.log_size(), later + 2)
        self.stop()
        self.assertLess(anchor_size(self.d), later)
        self.started()
        self.stop()

    def test_missing_anchor_while_the_log_has_entries_is_refused(self):
        os.remove(self.anchor)
        self.refused("log.anchor is missing while the log holds %d entries"
                     % self.size)
        self.started("--accept-log-rewrite")
        self.stop()
        self.assertGreaterEqual(anchor_size(self.d), self.size)

    def test_anchor_naming_another_root_is_refused(self):
        # An anchor of the same size with another root, signed with the
        # log's own key (DATA/log.key): the database's tree differs.
        with open(os.path.join(self.d.data, "log.key")) as f:
            sk = base64.b64decode(f.read().strip())
        signer = nacl.signing.SigningKey(sk[:32])
        name = self.key.split("+")[0]
        kid = hashlib.sha256(name.encode() + b"\n\x01" +
                             bytes(signer.verify_key)).digest()[:4]
        root = bytearray(base64.b64decode(self.root))
        root[0] ^= 1
        body = "%s\n%d\n%s\n" % (name, self.size,
                                 base64.b64encode(bytes(root)).decode())
        sig = signer.sign(body.encode()).signature
        with open(self.anchor, "w") as f:
            f.write("%s\n%s %s %s\n" % (body, tl.EM_DASH, name,
                                        base64.b64encode(kid + sig)
                                        .decode()))
        self.refused("differs from %s at size %d" % (self.anchor,
                                                      self.size))
        # A file that is not signed by the log key is refused too.
        with open(self.anchor, "w") as f:
            f.write(body + "\n")
        self.refused("is not a checkpoint signed by the log key")



class LiveRewrite(unittest.TestCase):
    def test_tree_changed_under_a_running_custosd_is_never_signed(self):
        d = Daemon()
        self.addCleanup(d.stop)
        World(d)
        body = "".join('{"kind": "vendor", "id": "iv-%04d", "name": '
                       '"Imported %d"}\n' % (i, i) for i in range(300))
        r = d.call("POST", "/v1/import", raw=body.encode(),
                   token=d.operator)
        self.assertEqual(r.status, 200, r)
        note, _ = tl.settled_checkpoint(d)
        size = int(note.split("\n")[1])
        self.assertGreater(size, 256)
        wait_anchor(d, size)
        # The root of the first 256 leaves, as tile 1/0 holds it: every
        # consistency proof from the anchor's size needs it.
        with d.db() as con:
            (row,), = con.query("SELECT hashes FROM tiles WHERE level = 1 "
                                "AND idx = 0")
        bad = bytearray(row)
        bad[5] ^= 1
        d.db_unguard("tiles")
        with d.db() as con:
            con.execute("UPDATE tiles SET hashes = ? WHERE level = 1 "
                        "AND idx = 0", (bytes(bad),))
        for i in range(3):
            d.op("POST", "/v1/vendors", {"id": "late-%d" % i,
                                         "name": "Late %d" % i})
        t0 = time.time()
        while True:
            h = d.call("GET", "/v1/health")
            if h.status == 503:
                break
            self.assertLess(time.time() - t0, 15, "still healthy")
            time.sleep(0.1)
        self.assertIn("differs from", h.body["error"]["message"])
        r = d.op("POST", "/v1/vendors", {"id": "later", "name": "Later"})
        self.assertEqual(r.status, 503, r)
        self.assertIn("refusing to sign", tl.run_log_text(d))
        with d.db() as con:
            (top,), = con.query("SELECT max(size) FROM checkpoints")
        self.assertEqual(top, size)
        self.assertEqual(anchor_size(d), size)


if __name__ == "__main__":
    unittest.main()
