# SPDX-License-Identifier: ISC
"""custosd copy-store moves a store between SQLite and PostgreSQL and back,
keeping the log bit for bit.

A SQLite custosd builds a varied world (vendors, an engineer with a device
who logs in and reads a tenant, tenants of each policy with users and
tickets, a containment) and is stopped.  copy-store puts it into a fresh
PostgreSQL database (every table hashed the same on both sides), a custosd
on PostgreSQL with the same keys serves it: the same checkpoint, the same
directory, and its new checkpoints are consistent with the one signed on
SQLite before the move (checked offline by `custos verify`).  Then back to
a new SQLite file: the entries are byte for byte the original ones, and
custosd starts on it with the PostgreSQL node's checkpoint.  A copy into a
target that is not empty is refused and changes nothing.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest

import harness
import pgserver

KEY_FILES = ("log.key", "secrets.key", "log.anchor", "operator.token")


class Node:
    """custosd on a data directory prepared beforehand."""

    def __init__(self, data, store=None):
        self.data = data
        self.port = harness.free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        args = [harness.CUSTOSD, "--data", data, "--listen",
                "127.0.0.1:%d" % self.port, "--quiet"]
        if store:
            args += ["--store", store]
        self.logpath = data + ".log"
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(args, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("custosd exited: " + self.read_log())
            try:
                if self.get("/v1/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("custosd did not start: " + self.read_log())
        with open(os.path.join(data, "operator.token")) as f:
            self.operator = f.read().strip()

    def read_log(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.logpath) as f:
            return f.read()

    def get(self, path, token=None):
        import urllib.request
        import urllib.error
        req = urllib.request.Request(self.url + path)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def post(self, path, body):
        import urllib.request
        import urllib.error
        req = urllib.request.Request(self.url + path,
                                     data=json.dumps(body).encode(),
                                     method="POST")
        req.add_header("Authorization", "Bearer " + self.operator)
        req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def checkpoint(self):
        status, body = self.get("/v1/log/checkpoint")
        assert status == 200, (status, body)
        return body.decode()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log.close()
        return self.proc.returncode


def copy_store(src, dst):
    return subprocess.run([harness.CUSTOSD, "copy-store", "--from", src,
                           "--to", dst], capture_output=True, text=True,
                          timeout=300)


def covering(fetch_checkpoint, fetch_health, timeout=15):
    """The node's checkpoint once it covers the whole log (the signer
    signs on its interval)."""
    deadline = time.time() + timeout
    while True:
        size = json.loads(fetch_health())["log_size"]
        note = fetch_checkpoint()
        if size_root(note)[0] >= size > 0 or time.time() > deadline:
            return note
        time.sleep(0.2)


def size_root(note):
    lines = note.split("\n")
    return int(lines[1]), lines[2]


def sqlite_rows(path, sql):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


class CopyStoreTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.pg = pgserver.shared()
        cls.tmp = tempfile.mkdtemp(prefix="custos-copy-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def world_on_sqlite(self):
        """A varied SQLite store, stopped; its data directory (a copy)
        and the last checkpoint it signed."""
        d = harness.Daemon()
        try:
            w = harness.World(d)
            r = w.engineer_login()
            self.assertEqual(r.status, 200, r)
            tok = r.body["token"]
            for path in ("/v1/tenants/auto/tickets",
                         "/v1/tenants/auto/users",
                         "/v1/tenants/appr/tickets"):
                d.call("GET", path, token=tok)
            r = d.op("POST", "/v1/containment", {"engineer": "eng1",
                                                 "reason": "copy test"})
            self.assertIn(r.status, (200, 201), r)
            # A checkpoint covering every entry so far.
            cp = covering(lambda: d.call("GET", "/v1/log/checkpoint").raw,
                          lambda: d.call("GET", "/v1/health").raw)
            d.proc.terminate()
            d.proc.wait(timeout=30)
            data = tempfile.mkdtemp(prefix="sqlite-src-", dir=self.tmp)
            os.rmdir(data)
            shutil.copytree(d.data, data)
        finally:
            d.stop()
        return data, cp

    def test_sqlite_to_postgresql_and_back_keeps_the_log(self):
        src, cp_sqlite = self.world_on_sqlite()
        url = self.pg.new_database("copy")

        p = copy_store(src, url)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        same = [l for l in p.stdout.splitlines() if l.endswith("  same")]
        # Every table of src/store/tables.c (29 with issue 16's
        # incident_notices, okta_imported and export_cursors).
        self.assertEqual(len(same), 29, p.stdout)
        self.assertIn("the leaves give it", p.stdout)
        n_entries = sqlite_rows(os.path.join(src, "custos.db"),
                                "SELECT count(*) FROM entries")[0][0]
        self.assertIn("log: %d entries" % n_entries, p.stdout)

        # A PostgreSQL node with the same keys serves the copy.
        pgdata = tempfile.mkdtemp(prefix="pg-node-", dir=self.tmp)
        for f in KEY_FILES:
            shutil.copy2(os.path.join(src, f), pgdata)
        node = Node(pgdata, store=url)
        try:
            cp_first = node.checkpoint()
            old_size, old_root = size_root(cp_sqlite)
            size, _ = size_root(cp_first)
            self.assertGreaterEqual(size, old_size)
            status, body = node.get("/v1/vendors", token=node.operator)
            self.assertEqual(status, 200)
            ids = sorted(v["id"] for v in json.loads(body)["vendors"])
            self.assertEqual(ids, ["other", "sitel"])
            # The log grows on PostgreSQL; its checkpoint is consistent
            # with the one SQLite signed, checked offline.
            status, _ = node.post("/v1/vendors", {"name": "After"})
            self.assertEqual(status, 201)
            cp_new = covering(node.checkpoint,
                              lambda: node.get("/v1/health")[1])
            new_size, _ = size_root(cp_new)
            self.assertGreater(old_size, 0)
            self.assertGreater(new_size, old_size)
            status, proof = node.get("/v1/log/proof/consistency?old=%d"
                                     "&new=%d" % (old_size, new_size))
            self.assertEqual(status, 200, (old_size, new_size, proof))
            status, key = node.get("/v1/log/key")
            self.assertEqual(status, 200)
            files = {}
            for name, text in (("old", cp_sqlite), ("new", cp_new),
                               ("proof", proof.decode())):
                files[name] = os.path.join(self.tmp, name)
                with open(files[name], "w") as f:
                    f.write(text)
            v = subprocess.run([harness.CUSTOS, "verify", "--key",
                                key.decode().strip(), "--checkpoint",
                                files["new"], "--old-checkpoint",
                                files["old"], "--consistency",
                                files["proof"]], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
            cp_pg = node.checkpoint()
        finally:
            self.assertEqual(node.stop(), 0, node.read_log())

        # And back to a new SQLite store.
        back = os.path.join(self.tmp, "sqlite-back")
        p = copy_store(url, back)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        orig = sqlite_rows(os.path.join(src, "custos.db"),
                           "SELECT idx, hex(bytes), hex(leaf) FROM entries "
                           "ORDER BY idx")
        now = sqlite_rows(os.path.join(back, "custos.db"),
                          "SELECT idx, hex(bytes), hex(leaf) FROM entries "
                          "ORDER BY idx")
        self.assertEqual(now[:len(orig)], orig)
        self.assertGreater(len(now), len(orig))
        for f in KEY_FILES:
            # The PostgreSQL node moved its anchor as the log grew.
            shutil.copy2(os.path.join(pgdata, f), back)
        node = Node(back)
        try:
            self.assertEqual(size_root(node.checkpoint()), size_root(cp_pg))
        finally:
            self.assertEqual(node.stop(), 0, node.read_log())

    def test_copy_into_a_store_that_is_not_empty_is_refused(self):
        src, _ = self.world_on_sqlite()
        url = self.pg.new_database("copyfull")
        self.assertEqual(copy_store(src, url).returncode, 0)
        before = pgserver.psql(url, "SELECT count(*) FROM entries").strip()
        p = copy_store(src, url)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("not empty", p.stderr)
        after = pgserver.psql(url, "SELECT count(*) FROM entries").strip()
        self.assertEqual(before, after)
        # The same into a SQLite store that has rows.
        other = os.path.join(self.tmp, "sqlite-full")
        self.assertEqual(copy_store(src, other).returncode, 0)
        p = copy_store(src, other)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)

    def test_a_source_that_is_not_a_custos_store_is_refused_untouched(self):
        import hashlib
        path = os.path.join(self.tmp, "other.db")
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE notes(x TEXT)")
        db.execute("INSERT INTO notes VALUES ('keep me')")
        db.commit()
        db.close()
        with open(path, "rb") as f:
            before = hashlib.sha256(f.read()).hexdigest()
        p = copy_store(path, os.path.join(self.tmp, "from-other"))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("not a custos store", p.stderr)
        with open(path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), before)
        self.assertEqual(sqlite_rows(path, "SELECT name FROM sqlite_master"),
                         [("notes",)])


if __name__ == "__main__":
    unittest.main()
