# SPDX-License-Identifier: ISC
"""The transparency log, checked from outside with an independent verifier.

Thousands of entries are appended through the real API (vendor creates and
user lists from several threads, plus imports); two checkpoints are taken
with more entries between them.  Everything custosd serves is then checked
in Python alone (hashlib, PyNaCl): the checkpoints are C2SP signed notes by
the published verifier key, the RFC 6962 root recomputed from the leaves of
GET /v1/log/entries equals each checkpoint's root, the inclusion proofs of
random entries and the consistency proof between the checkpoints verify
(RFC 9162), the C2SP tiles and entry bundles hold exactly those hashes and
bytes, bad proof queries are 400, and a tenant admin's access log holds
exactly the entries about the tenant, each provably included.  The same
proofs and a saved access log (opened with the tenant's log key) are checked
with `custos verify` (skipped, saying so, while the CLI lacks the command);
tampered copies must fail.

The verifier functions here are shared with test_tlog_integrity.py and
test_tlog_crash.py (imported as a module).
"""
import base64
import hashlib
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

import nacl.exceptions
import nacl.signing

import harness
import sealedleaf
from harness import Daemon, World

EM_DASH = "\u2014"
SIGN_LAG = 4.0      # seconds the background signer may take (load, ASan)

# --- an independent verifier: RFC 6962/9162 hashing and proofs, C2SP
# signed notes and checkpoints, C2SP tile paths ---


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def tree_root(hashes):
    """RFC 6962 MTH over a list of leaf hashes."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(tree_root(hashes[:k]), tree_root(hashes[k:]))


def subtree_roots(hashes, height):
    """The hashes at Merkle level `height`: roots of each complete run of
    2^height leaves (what a C2SP tile of a higher level holds)."""
    w = 1 << height
    return [tree_root(hashes[i:i + w])
            for i in range(0, len(hashes) - w + 1, w)]


def parse_verifier_key(text):
    """'name+hexid+base64(0x01||pub)' -> (name, key id, public key); the
    base64 may hold '+', so split at most twice."""
    name, hexid, b64 = text.strip().split("+", 2)
    raw = base64.b64decode(b64, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    pub = raw[1:]
    kid = hashlib.sha256(name.encode() + b"\n" + b"\x01" + pub).digest()[:4]
    if kid.hex() != hexid:
        raise ValueError("the key id %s is not %s" % (hexid, kid.hex()))
    return name, kid, pub


def open_checkpoint(note, vkey):
    """Checks a C2SP signed note carrying a checkpoint against the verifier
    key; returns (origin, size, root) or raises ValueError."""
    name, kid, pub = parse_verifier_key(vkey)
    if not note.endswith("\n"):
        raise ValueError("the note does not end in a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise ValueError("no blank line before the signatures")
    body, sigs = note[:cut + 1], note[cut + 2:]
    good = False
    for line in sigs[:-1].split("\n"):
        if not line.startswith(EM_DASH + " "):
            raise ValueError("bad signature line %r" % line)
        who, b64 = line[2:].split(" ")
        raw = base64.b64decode(b64, validate=True)
        if who != name or raw[:4] != kid:
            continue
        try:
            nacl.signing.VerifyKey(pub).verify(body.encode(), raw[4:])
            good = True
        except nacl.exceptions.BadSignatureError:
            raise ValueError("the signature by %s does not verify" % name)
    if not good:
        raise ValueError("no signature by %s" % name)
    lines = body[:-1].split("\n")
    if len(lines) < 3 or lines[0] != name:
        raise ValueError("not a checkpoint of %s: %r" % (name, body))
    size = int(lines[1])
    if str(size) != lines[1] or size < 0:
        raise ValueError("bad size line %r" % lines[1])
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise ValueError("bad root line %r" % lines[2])
    return lines[0], size, root


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index < 0 or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 section 2.1.4.2."""
    if size1 < 1 or size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def tile_index_path(n):
    """C2SP tlog-tiles: 1234067 -> x001/x234/067."""
    groups = []
    while True:
        groups.append("%03d" % (n % 1000))
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def b64hashes(lst):
    return [base64.b64decode(h, validate=True) for h in lst]


def fetch_checkpoint(d):
    r = d.call("GET", "/v1/log/checkpoint")
    assert r.status == 200, r
    return r.raw


def fetch_key(d):
    r = d.call("GET", "/v1/log/key")
    assert r.status == 200, r
    return r.raw.strip()


def settled_checkpoint(d, lag=None):
    """Waits, sending nothing that could force a signature, for the
    background signer to cover the whole log; returns the note and how
    long that took."""
    lag = SIGN_LAG if lag is None else lag
    size = d.log_size()
    t0 = time.time()
    while True:
        note = fetch_checkpoint(d)
        if int(note.split("\n")[1]) >= size:
            return note, time.time() - t0
        if time.time() - t0 > lag:
            raise AssertionError("no checkpoint covers the %d entries %.1fs "
                                 "after appends stopped: %r" %
                                 (size, lag, note))
        time.sleep(0.05)


def run_threads(fns):
    """Runs each function in its own thread; re-raises the first error."""
    errors = []

    def wrap(f):
        try:
            f()
        except Exception as e:
            errors.append(e)

    ts = [threading.Thread(target=wrap, args=(f,)) for f in fns]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]


def rewrite_entry_resealed(d, con, idx):
    """The rewrite of issue 12 done with secrets.key too: entry idx's actor
    becomes "someone-else" in its plaintext and its actor_id column, and
    the entry is sealed again under its tenant's log key (derived from
    DIR/secrets.key as custosd does), so its leaf matches its plaintext
    and only the tree (the anchor, the witnesses) can tell.  con: an open
    connection to d's store, its triggers dropped by the
    caller (d.db(), d.db_unguard)."""
    ((b,),) = con.query("SELECT bytes FROM entries WHERE idx = ?", (idx,))
    ev = json.loads(bytes(b))
    ev["actor"]["id"] = "someone-else"
    plain = json.dumps(ev, separators=(",", ":")).encode()
    with open(os.path.join(d.data, "secrets.key"), "rb") as f:
        master = sealedleaf.master_of(base64.b64decode(f.read().strip()))
    keys = sealedleaf.derive(sealedleaf.log_key(master, ev.get("tenant")))
    leaf, _ = sealedleaf.seal(keys, idx, plain)
    con.execute("UPDATE entries SET bytes = ?, actor_id = ?, leaf = ? "
                "WHERE idx = ?", (plain, "someone-else", leaf, idx))


def start_again(d, name, *extra):
    """Starts custosd again on d's data directory and port (extra: more
    flags), logging to DIR/<name>.log (d.run_log); returns the first
    /v1/health answer, whatever its status.  d.proc must have exited."""
    d.log.close()
    d.run_log = os.path.join(d.dir, name + ".log")
    d.log = open(d.run_log, "w")
    d.proc = subprocess.Popen(
        [harness.CUSTOSD, "--data", d.data, "--listen",
         "127.0.0.1:%d" % d.port, "--pwhash-ops", "1", "--pwhash-mem",
         "8192", "--quiet"] + list(extra) + d.store_args(), stdout=d.log,
        stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if d.proc.poll() is not None:
            raise RuntimeError("custosd exited %s: %s" % (
                d.proc.returncode, run_log_text(d)))
        try:
            return d.call("GET", "/v1/health")
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("custosd did not answer: " + run_log_text(d))


def run_log_text(d):
    d.log.flush()
    with open(getattr(d, "run_log", os.path.join(d.dir, "custosd.log"))) as f:
        return f.read()


def custos_verify_missing():
    """None when `custos verify` can be run, else why not."""
    if not os.access(harness.CUSTOS, os.X_OK):
        return "the custos CLI is not built (%s)" % harness.CUSTOS
    r = subprocess.run([harness.CUSTOS, "help"], capture_output=True,
                       text=True, timeout=30)
    if "verify" not in r.stdout + r.stderr:
        return "%s has no 'verify' command yet" % harness.CUSTOS
    return None


def custos_verify(*args):
    """Runs custos verify offline: (exit code, output)."""
    r = subprocess.run([harness.CUSTOS, "verify"] + list(args),
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, CUSTOS_SERVER="http://127.0.0.1:9",
                                HOME=tempfile.gettempdir()))
    return r.returncode, r.stdout + r.stderr


# --- the tests ---

WRITERS = 4
CREATES_1, CREATES_2 = 500, 250        # vendor creates per writer thread
LISTS_1, LISTS_2 = 400, 150            # user lists per reader thread (x2)
IMPORT_1, IMPORT_2 = 2000, 1000        # vendors per import


class TransparencyLog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="custos-tlog-")
        cls.d = Daemon()
        try:
            cls.build_log()
        except Exception:
            cls.d.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def build_log(cls):
        cls.w = World(cls.d)
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.eng = r.body["token"]
        cls.acked = []          # vendor ids answered 201
        cls.lock = threading.Lock()
        cls.key = fetch_key(cls.d)

        cls.load(1, CREATES_1, LISTS_1, IMPORT_1)
        cls.cp1, cls.sign_lag1 = cls.settled_checkpoint()
        # While the second load runs, someone watches the checkpoint.
        cls.seen = []
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                cls.seen.append(fetch_checkpoint(cls.d))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            cls.load(2, CREATES_2, LISTS_2, IMPORT_2)
        finally:
            stop.set()
            watcher.join()
        cls.settle()
        cls.cp2, cls.sign_lag2 = cls.settled_checkpoint()
        cls.entries = cls.d.entries()

    @classmethod
    def settle(cls):
        """Waits (at most 60 s) until the log stops growing for 2 s: the
        detection thread reads the load's entries after their commits and
        may append alerts a while later on a loaded machine; the tests
        below count entries and must not see those arrive."""
        deadline = time.monotonic() + 60
        size, still = cls.d.log_size(), 0
        while still < 8 and time.monotonic() < deadline:
            time.sleep(0.25)
            now = cls.d.log_size()
            still = still + 1 if now == size else 0
            size = now

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    @classmethod
    def load(cls, phase, creates, lists, imported):
        d = cls.d

        def writer(k):
            def run():
                for i in range(creates):
                    vid = "p%d-w%d-%d" % (phase, k, i)
                    r = d.op("POST", "/v1/vendors",
                             {"id": vid, "name": "Vendor " + vid})
                    assert r.status == 201, r
                    with cls.lock:
                        cls.acked.append(vid)
            return run

        def reader():
            for _ in range(lists):
                r = d.call("GET", "/v1/tenants/auto/users", token=cls.eng)
                assert r.status == 200, r

        def importer():
            ids = ["p%d-imp-%d" % (phase, i) for i in range(imported)]
            body = "".join(json.dumps({"kind": "vendor", "id": v,
                                       "name": "Imported " + v}) + "\n"
                           for v in ids).encode()
            r = d.call("POST", "/v1/import", raw=body, token=d.operator)
            assert r.status == 200 and r.body["entries"] == imported, r
            with cls.lock:
                cls.acked.extend(ids)

        run_threads([writer(k) for k in range(WRITERS)] +
                    [reader, reader, importer])

    @classmethod
    def settled_checkpoint(cls):
        return settled_checkpoint(cls.d)

    def log_keys(self, tenant):
        """The tenant's (tag key, seal key), from its log key."""
        keys = self.__class__.__dict__.get("_keys", {})
        if tenant not in keys:
            r = self.d.op("GET", "/v1/tenants/%s/log-key" % tenant)
            assert r.status == 200, r
            keys[tenant] = sealedleaf.derive(
                base64.b64decode(r.body["log_key"]))
            self.__class__._keys = keys
        return keys[tenant]

    def leaves(self, n=None):
        return [leaf_hash(e[2]) for e in self.entries[:n]]

    def save(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "w" if isinstance(data, str) else "wb") as f:
            f.write(data)
        return path

    # --- checkpoints ---

    def test_checkpoints_are_signed_notes_under_the_published_key(self):
        name, kid, pub = parse_verifier_key(self.key)
        o1, s1, _ = open_checkpoint(self.cp1, self.key)
        o2, s2, _ = open_checkpoint(self.cp2, self.key)
        self.assertEqual((o1, o2), (name, name))
        self.assertGreater(s1, 3000)
        self.assertGreater(s2, s1 + 1500)
        self.assertEqual(s2, len(self.entries))
        for note in self.seen:
            open_checkpoint(note, self.key)
        # The verifier can fail: a changed size, a foreign key.
        lines = self.cp2.split("\n")
        lines[1] = str(s2 - 1)
        with self.assertRaises(ValueError):
            open_checkpoint("\n".join(lines), self.key)
        other = nacl.signing.SigningKey.generate()
        raw = b"\x01" + bytes(other.verify_key)
        fid = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
        forged = "%s+%s+%s" % (name, fid.hex(),
                               base64.b64encode(raw).decode())
        with self.assertRaises(ValueError):
            open_checkpoint(self.cp2, forged)

    def test_background_signer_covers_the_log_soon_after_appends_stop(self):
        self.assertLess(self.sign_lag1, SIGN_LAG)
        self.assertLess(self.sign_lag2, SIGN_LAG)

    def test_checkpoints_are_signed_at_most_once_a_second_under_load(self):
        with self.d.db() as db:
            rows = db.query("SELECT size, time FROM checkpoints "
                            "ORDER BY size")
        s2 = open_checkpoint(self.cp2, self.key)[1]
        rows = [r for r in rows if r[0] <= s2]
        span = rows[-1][1] - rows[0][1]
        # Thousands of commits, yet about one checkpoint per second (the
        # time column is in whole seconds: allow the edges).
        self.assertLessEqual(len(rows), span + 3, rows)

    def test_root_recomputed_from_entries_matches_both_checkpoints(self):
        self.assertEqual([e[0] for e in self.entries],
                         list(range(len(self.entries))))
        # Each leaf is a sealed leaf (docs/internals/tlog.md): its body
        # hashes to it and opens, with its tenant's log key, to the event.
        for index, event, leaf in self.entries[::97]:
            self.assertEqual(len(leaf), sealedleaf.LEAF_BYTES, index)
            obj = self.d.op("GET", "/v1/log/entries?start=%d&end=%d" %
                            (index, index + 1)).body["entries"][0]
            sealed = base64.b64decode(obj["sealed"])
            self.assertEqual(hashlib.sha256(sealed).digest(), leaf[17:])
            if event["tenant"]:
                plain = sealedleaf.open_leaf(self.log_keys(event["tenant"]),
                                             index, leaf, sealed)
                self.assertEqual(json.loads(plain), event, index)
        for note in (self.cp1, self.cp2):
            _, size, root = open_checkpoint(note, self.key)
            self.assertEqual(tree_root(self.leaves(size)), root, size)
        # One changed byte anywhere changes the root.
        _, size, root = open_checkpoint(self.cp1, self.key)
        hashes = self.leaves(size)
        i = random.randrange(size)
        bad = bytearray(self.entries[i][2])
        bad[len(bad) // 2] ^= 1
        hashes[i] = leaf_hash(bytes(bad))
        self.assertNotEqual(tree_root(hashes), root)

    def test_every_acknowledged_create_is_in_the_log_exactly_once(self):
        targets = {}
        for _, ev, _ in self.entries:
            if ev["action"] == "vendor.create":
                targets[ev["target"]] = targets.get(ev["target"], 0) + 1
        self.assertEqual(len(self.acked), WRITERS * (CREATES_1 + CREATES_2)
                         + IMPORT_1 + IMPORT_2)
        missing = [v for v in self.acked if targets.get(v) != 1]
        self.assertEqual(missing, [])

    # --- proofs, in Python ---

    def test_inclusion_proofs_of_random_entries_verify(self):
        _, s1, r1 = open_checkpoint(self.cp1, self.key)
        _, s2, r2 = open_checkpoint(self.cp2, self.key)
        rng = random.Random(6962)
        picks = [(i, s2, r2) for i in rng.sample(range(s2), 40)]
        picks += [(i, s1, r1) for i in rng.sample(range(s1), 10)]
        picks += [(0, s2, r2), (s2 - 1, s2, r2), (s1 - 1, s1, r1)]
        for index, size, root in picks:
            r = self.d.call("GET", "/v1/log/proof/inclusion?index=%d&size=%d"
                            % (index, size))
            self.assertEqual(r.status, 200, r)
            self.assertEqual((r.body["index"], r.body["size"]),
                             (index, size))
            proof = b64hashes(r.body["hashes"])
            leaf = leaf_hash(self.entries[index][2])
            self.assertTrue(verify_inclusion(index, size, leaf, proof, root),
                            "entry %d in tree %d" % (index, size))
            # The same proof fails for another leaf, index or hash.
            self.assertFalse(verify_inclusion(
                index, size, leaf_hash(self.entries[index][2] + b" "),
                proof, root))
            twin = index ^ 1
            # (Two user lists in one millisecond are the same bytes.)
            if proof and twin < size and \
                    self.entries[twin][2] != self.entries[index][2]:
                self.assertFalse(verify_inclusion(twin, size, leaf, proof,
                                                  root))
                bad = list(proof)
                bad[-1] = bytes([bad[-1][0] ^ 1]) + bad[-1][1:]
                self.assertFalse(verify_inclusion(index, size, leaf, bad,
                                                  root))

    def test_inclusion_size_defaults_to_the_latest_checkpoint(self):
        note, _ = settled_checkpoint(self.d)
        r = self.d.call("GET", "/v1/log/proof/inclusion?index=5")
        self.assertEqual(r.status, 200, r)
        _, size, root = open_checkpoint(note, self.key)
        self.assertEqual(r.body["size"], size)
        self.assertTrue(verify_inclusion(
            5, size, leaf_hash(self.entries[5][2]),
            b64hashes(r.body["hashes"]), root))

    def test_consistency_proof_between_the_checkpoints_verifies(self):
        _, s1, r1 = open_checkpoint(self.cp1, self.key)
        _, s2, r2 = open_checkpoint(self.cp2, self.key)
        r = self.d.call("GET", "/v1/log/proof/consistency?old=%d&new=%d"
                        % (s1, s2))
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["old"], r.body["new"]), (s1, s2))
        proof = b64hashes(r.body["hashes"])
        self.assertTrue(verify_consistency(s1, s2, r1, r2, proof))
        bad = list(proof)
        bad[0] = bytes([bad[0][0] ^ 1]) + bad[0][1:]
        self.assertFalse(verify_consistency(s1, s2, r1, r2, bad))
        self.assertFalse(verify_consistency(s1, s2, r2, r2, proof))
        # Every checkpoint seen under load is a prefix of the second one,
        # and so are sizes at tile edges and powers of two.
        sizes = {int(n.split("\n")[1]): n for n in self.seen}
        for size in sorted(sizes)[:8]:
            _, sz, root = open_checkpoint(sizes[size], self.key)
            if sz == s2:
                continue
            r = self.d.call("GET", "/v1/log/proof/consistency?old=%d&new=%d"
                            % (sz, s2))
            self.assertEqual(r.status, 200, r)
            self.assertTrue(verify_consistency(
                sz, s2, root, r2, b64hashes(r.body["hashes"])), sz)
        leaves = self.leaves(s2)
        for size in (1, 2, 255, 256, 257, 1024, s1 - 1, s2 - 1):
            r = self.d.call("GET", "/v1/log/proof/consistency?old=%d&new=%d"
                            % (size, s2))
            self.assertEqual(r.status, 200, r)
            self.assertTrue(verify_consistency(
                size, s2, tree_root(leaves[:size]), r2,
                b64hashes(r.body["hashes"])), size)

    # --- proofs, with custos verify ---

    def cli_or_skip(self):
        why = custos_verify_missing()
        if why:
            self.skipTest("custos verify checks skipped: " + why +
                          " (the Python checks above ran)")

    def entry_file(self, index, leaf=None):
        """One object of /v1/log/entries' entries[], saved."""
        e = self.entries[index]
        doc = {"index": index, "leaf": base64.b64encode(
            e[2] if leaf is None else leaf).decode()}
        return self.save("entry-%d.json" % index, json.dumps(doc))

    def test_custos_verify_checks_inclusion_of_random_entries(self):
        self.cli_or_skip()
        cp = self.save("cp2", self.cp2)
        _, s2, _ = open_checkpoint(self.cp2, self.key)
        rng = random.Random(9162)
        for index in rng.sample(range(s2), 50):
            r = self.d.call("GET", "/v1/log/proof/inclusion?index=%d&size=%d"
                            % (index, s2))
            self.assertEqual(r.status, 200, r)
            proof = self.save("proof-%d.json" % index, r.raw)
            rc, out = custos_verify("--key", self.key, "--checkpoint", cp,
                                    "--entry", self.entry_file(index),
                                    "--proof", proof)
            self.assertEqual(rc, 0, out)
        # A changed byte of the entry, or of the proof, is refused.
        index = next(i for i in range(s2 // 2, s2)
                     if self.entries[i][1]["action"] == "vendor.create")
        r = self.d.call("GET", "/v1/log/proof/inclusion?index=%d&size=%d"
                        % (index, s2))
        proof = self.save("proof-%d.json" % index, r.raw)
        bad = bytearray(self.entries[index][2])
        bad[len(bad) // 2] ^= 1
        rc, out = custos_verify("--key", self.key, "--checkpoint", cp,
                                "--entry", self.entry_file(index, bytes(bad)),
                                "--proof", proof)
        self.assertEqual(rc, 1, out)
        doc = json.loads(r.raw)
        h = bytearray(base64.b64decode(doc["hashes"][0]))
        h[0] ^= 1
        doc["hashes"][0] = base64.b64encode(bytes(h)).decode()
        rc, out = custos_verify("--key", self.key, "--checkpoint", cp,
                                "--entry", self.entry_file(index),
                                "--proof", self.save("bad-proof.json",
                                                     json.dumps(doc)))
        self.assertEqual(rc, 1, out)

    def test_custos_verify_checks_consistency_of_the_checkpoints(self):
        self.cli_or_skip()
        _, s1, _ = open_checkpoint(self.cp1, self.key)
        _, s2, _ = open_checkpoint(self.cp2, self.key)
        cp1, cp2 = self.save("cp1", self.cp1), self.save("cp2", self.cp2)
        r = self.d.call("GET", "/v1/log/proof/consistency?old=%d&new=%d"
                        % (s1, s2))
        self.assertEqual(r.status, 200, r)
        proof = self.save("consistency.json", r.raw)
        rc, out = custos_verify("--key", self.key, "--checkpoint", cp2,
                                "--old-checkpoint", cp1,
                                "--consistency", proof)
        self.assertEqual(rc, 0, out)
        rc, out = custos_verify("--key", self.key, "--checkpoint", cp2)
        self.assertEqual(rc, 0, out)
        # Swapped checkpoints, a changed hash, a foreign key: exit 1.
        rc, out = custos_verify("--key", self.key, "--checkpoint", cp1,
                                "--old-checkpoint", cp2,
                                "--consistency", proof)
        self.assertEqual(rc, 1, out)
        doc = json.loads(r.raw)
        h = bytearray(base64.b64decode(doc["hashes"][-1]))
        h[31] ^= 0x80
        doc["hashes"][-1] = base64.b64encode(bytes(h)).decode()
        rc, out = custos_verify("--key", self.key, "--checkpoint", cp2,
                                "--old-checkpoint", cp1, "--consistency",
                                self.save("bad-cons.json", json.dumps(doc)))
        self.assertEqual(rc, 1, out)
        name = self.key.split("+")[0]
        other = nacl.signing.SigningKey.generate()
        raw = b"\x01" + bytes(other.verify_key)
        fid = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
        rc, out = custos_verify("--key", "%s+%s+%s" % (
            name, fid.hex(), base64.b64encode(raw).decode()),
            "--checkpoint", cp2)
        self.assertEqual(rc, 1, out)

    # --- tiles ---

    def test_tiles_hold_the_leaf_hashes_and_bundles_the_entries(self):
        size = self.d.log_size()
        entries = self.d.entries()
        self.assertEqual(len(entries), size)
        hashes = [leaf_hash(e[2]) for e in entries]
        for level in (0, 1):
            have = subtree_roots(hashes, 8 * level)
            full, rest = divmod(len(have), 256)
            for n in range(full):
                r = self.d.call("GET", "/v1/log/tile/%d/%s"
                                % (level, tile_index_path(n)))
                self.assertEqual(r.status, 200, (level, n, r))
                self.assertEqual(self.tile_bytes(level, n),
                                 b"".join(have[256 * n:256 * n + 256]))
            if rest:
                path = "%d/%s.p/%d" % (level, tile_index_path(full), rest)
                self.assertEqual(self.get_bytes("/v1/log/tile/" + path),
                                 b"".join(have[256 * full:]), path)
                # Not complete yet: the full tile and a wider one are 404.
                r = self.d.call("GET", "/v1/log/tile/%d/%s"
                                % (level, tile_index_path(full)))
                self.assertEqual(r.status, 404, r)
            self.assertGreater(len(have), 0, level)
        full, rest = divmod(size, 256)
        for n in list(range(full)) + ([full] if rest else []):
            path = "entries/" + tile_index_path(n)
            if n == full:
                path += ".p/%d" % rest
            data = self.get_bytes("/v1/log/tile/" + path)
            got, off = [], 0
            while off < len(data):
                ln = int.from_bytes(data[off:off + 2], "big")
                got.append(data[off + 2:off + 2 + ln])
                off += 2 + ln
            self.assertEqual(off, len(data), path)
            self.assertEqual(got, [e[2] for e in entries[256 * n:
                                                          256 * n + 256]],
                             path)
        self.assertEqual(self.d.call("GET", "/v1/log/tile/0/%s"
                                     % tile_index_path(full + 5)).status, 404)

    def get_bytes(self, path):
        with urllib.request.urlopen(self.d.url + path, timeout=60) as f:
            self.assertEqual(f.status, 200, path)
            return f.read()

    def tile_bytes(self, level, n):
        return self.get_bytes("/v1/log/tile/%d/%s" % (level,
                                                      tile_index_path(n)))

    def test_tile_index_paths_follow_c2sp(self):
        self.assertEqual(tile_index_path(0), "000")
        self.assertEqual(tile_index_path(1234067), "x001/x234/067")
        self.assertEqual(tile_index_path(1000), "x001/000")

    # --- bad queries ---

    def test_bad_proof_queries_are_400_naming_the_parameter(self):
        size = self.d.log_size()
        cases = [
            ("inclusion?index=%d&size=%d" % (size - 1, size - 1), "index"),
            ("inclusion?index=%d&size=%d" % (size, size), "index"),
            ("inclusion?index=0&size=%d" % (size + 1000), "size"),
            ("inclusion?index=abc&size=10", "index"),
            ("inclusion?index=1&size=-1", "size"),
            ("inclusion?index=99999999999999999999999&size=10", "index"),
            ("inclusion?size=10", "index"),
            ("inclusion?index=1&size=1e3", "size"),
            ("consistency?old=20&new=10", "old"),
            ("consistency?old=0&new=10", "old"),
            ("consistency?old=1&new=%d" % (size + 1000), "new"),
            ("consistency?old=x&new=10", "old"),
            ("consistency?old=1&new=", "new"),
            ("consistency?old=1", "new"),
            ("consistency?old=5abc&new=10", "old"),
        ]
        for query, param in cases:
            with self.subTest(query=query):
                r = self.d.call("GET", "/v1/log/proof/" + query)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.body["error"]["code"], "bad_request", r)
                self.assertIn("'%s'" % param, r.body["error"]["message"])
        # Nothing of that was recorded, and the daemon still serves.
        self.assertEqual(self.d.log_size(), size)

    # --- the tenant access log ---

    def access_log(self, tenant, token, start=0, limit=None):
        q = "/v1/tenants/%s/access-log?start=%d" % (tenant, start)
        if limit:
            q += "&limit=%d" % limit
        return self.d.call("GET", q, token=token)

    def check_page(self, page, tenant):
        """Every entry of an access-log page verifies, in Python."""
        _, size, root = open_checkpoint(page["checkpoint"], self.key)
        self.assertEqual(page["size"], size)
        self.assertEqual(page["tenant"], tenant)
        keys = self.log_keys(tenant)
        for e in page["entries"]:
            leaf = base64.b64decode(e["leaf"])
            plain = sealedleaf.open_leaf(keys, e["index"], leaf,
                                         base64.b64decode(e["sealed"]))
            self.assertEqual(json.loads(plain), e["event"])
            self.assertEqual(e["event"]["tenant"], tenant)
            self.assertTrue(verify_inclusion(
                e["index"], size, leaf_hash(leaf), b64hashes(e["proof"]),
                root), e["index"])
        return size

    def test_tenant_admin_access_log_holds_exactly_the_tenants_entries(self):
        token = self.w.tenant_login("auto")
        got, start, pages, size = [], 0, 0, 0
        while start is not None:
            r = self.access_log("auto", token, start, limit=300)
            self.assertEqual(r.status, 200, r)
            size = self.check_page(r.body, "auto")
            got += [e["index"] for e in r.body["entries"]]
            start = r.body["next"]
            pages += 1
            self.assertLess(pages, 20)
        self.assertGreater(pages, 2)
        everything = self.d.entries()
        want = [i for i, ev, _ in everything
                if ev["tenant"] == "auto" and i < size]
        self.assertGreater(len(want), 2 * LISTS_1)
        self.assertEqual(got, want)
        # Each page read was itself recorded, about the tenant.
        reads = [ev for _, ev, _ in everything
                 if ev["action"] == "tenant.access_log"
                 and ev["actor"]["id"] == "auto-admin"]
        self.assertGreaterEqual(len(reads), pages)

    def test_access_log_is_refused_to_other_tenants_admin_and_engineer(self):
        other = self.w.tenant_login("appr")
        for token in (other, self.eng):
            r = self.access_log("auto", token)
            self.assertEqual(r.status, 403, r)
            self.assertNotIn("entries", r.body or {})
        r = self.d.call("GET", "/v1/tenants/auto/access-log")
        self.assertEqual(r.status, 401, r)

    def tenant_log_key(self, tenant, token):
        """The tenant's log key file, as its admin saves it (`custos
        tenant-log-key T > FILE`), and the (tag, seal, nonce) keys it
        gives."""
        r = subprocess.run([harness.CUSTOS, "--server", self.d.url,
                            "--token", token, "tenant-log-key", tenant],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        raw = base64.b64decode(json.loads(r.stdout)["log_key"])
        return (self.save(tenant + ".logkey.json", r.stdout),
                sealedleaf.derive(raw))

    def test_custos_verify_checks_a_saved_access_log_and_sees_tampering(self):
        self.cli_or_skip()
        token = self.w.tenant_login("deny")
        lk, keys = self.tenant_log_key("deny", token)
        r = self.access_log("deny", token)
        self.assertEqual(r.status, 200, r)
        self.check_page(r.body, "deny")
        self.assertGreater(len(r.body["entries"]), 2)
        good = self.save("deny-log.json", r.raw)
        rc, out = custos_verify("--key", self.key, "--tenant-log", good,
                                "--log-key", lk)
        self.assertEqual(rc, 0, out)
        # Sealed leaves are read with the tenant's log key; without it
        # the answer is refused, not passed.
        rc, out = custos_verify("--key", self.key, "--tenant-log", good)
        self.assertEqual(rc, 1, out)
        self.assertIn("--log-key", out)
        # One byte of one event changed: the shown event no longer matches
        # its sealed body.
        doc = json.loads(r.raw)
        ev = doc["entries"][1]["event"]
        ev["outcome"] = "denied" if ev["outcome"] == "allowed" else "allowed"
        rc, out = custos_verify("--key", self.key, "--tenant-log",
                                self.save("deny-bad1.json", json.dumps(doc)),
                                "--log-key", lk)
        self.assertEqual(rc, 1, out)
        self.assertIn("differs from its sealed body", out)
        # The event changed and sealed again under the tenant's own key at
        # its index (a new sealed body, so a new leaf): it opens, but is no
        # longer included.
        doc = json.loads(r.raw)
        e = doc["entries"][1]
        plain = sealedleaf.open_leaf(keys, e["index"],
                                     base64.b64decode(e["leaf"]),
                                     base64.b64decode(e["sealed"]))
        plain = plain.replace(b'"allowed"', b'"allowex"', 1).replace(
            b'"denied"', b'"deniex"', 1)
        leaf, sealed = sealedleaf.seal(keys, e["index"], plain)
        e["leaf"] = base64.b64encode(leaf).decode()
        e["sealed"] = base64.b64encode(sealed).decode()
        e["event"] = json.loads(plain)
        rc, out = custos_verify("--key", self.key, "--tenant-log",
                                self.save("deny-bad2.json", json.dumps(doc)),
                                "--log-key", lk)
        self.assertEqual(rc, 1, out)
        self.assertIn("entry %d: its proof" % e["index"], out)
        self.assertIn("not in that tree", out)
        # The same answer passed off as another tenant's is refused.
        doc = json.loads(r.raw)
        doc["tenant"] = "appr"
        rc, out = custos_verify("--key", self.key, "--tenant-log",
                                self.save("deny-bad3.json", json.dumps(doc)),
                                "--log-key", lk)
        self.assertEqual(rc, 1, out)

if __name__ == "__main__":
    unittest.main()
