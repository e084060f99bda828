# SPDX-License-Identifier: ISC
"""The crash test: custosd killed with SIGKILL at random moments while
several clients append through the API, and restarted on the same data
directory each time.

Each client remembers every id custosd acknowledged (vendor create: 201
with the id; import: 200 with the count), so after every restart:

- the daemon is healthy, i.e. its own start-up re-hash of every entry
  against the stored tiles and the last checkpoint passed;
- every acknowledged id is in the log exactly once (no acknowledged entry
  was lost, none was written twice), and no id at all is there twice;
- the RFC 6962 root recomputed in Python from all entries equals the root
  of a fresh signed checkpoint;
- that checkpoint is consistent (RFC 9162 proof, verified in Python) with
  the last checkpoint a client fetched before the crash.

At the end, after a clean stop, every checkpoint ever signed verifies
under the log key and is the root of a prefix of the final log.

CUSTOS_CRASH_SEED replays a run; the seed is in every failure message.
"""
import http.client
import json
import os
import random
import shutil
import threading
import time
import unittest

import test_tlog as tl
from harness import Daemon, World

ROUNDS = 15
BUDGET = 150            # seconds: stop starting rounds after this
MIN_ROUNDS = 6          # ...but insist on at least this many
CLIENTS = 6             # vendor-create threads
IMPORT_LINES = 40       # vendors per import, from one more thread


class CrashRecovery(unittest.TestCase):
    def setUp(self):
        self.seed = int(os.environ.get("CUSTOS_CRASH_SEED",
                                       int(time.time() * 1000) % 100000))
        self.rng = random.Random(self.seed)
        self.d = Daemon()
        self.addCleanup(self.cleanup)
        World(self.d)
        self.key = tl.fetch_key(self.d)
        self.acked = []
        self.unexpected = []
        self.lock = threading.Lock()

    def cleanup(self):
        if self.d.proc.poll() is None:
            self.d.proc.kill()
            self.d.proc.wait()
        self.d.log.close()
        shutil.rmtree(self.d.dir, ignore_errors=True)

    def why(self, rnd, text):
        return "seed %d, round %d: %s" % (self.seed, rnd, text)

    def load(self, rnd, stop):
        """The client threads of one round: they append until stopped or
        until custosd is gone."""
        d = self.d

        def creator(k):
            i = 0
            while not stop.is_set():
                vid = "r%d-c%d-%d" % (rnd, k, i)
                i += 1
                try:
                    r = d.op("POST", "/v1/vendors",
                             {"id": vid, "name": "Vendor " + vid})
                except (OSError, http.client.HTTPException):
                    return
                with self.lock:
                    if r.status == 201 and r.body["id"] == vid:
                        self.acked.append(vid)
                    else:
                        self.unexpected.append(r)

        def importer():
            i = 0
            while not stop.is_set():
                ids = ["r%d-i%d-%d" % (rnd, i, j)
                       for j in range(IMPORT_LINES)]
                i += 1
                body = "".join(json.dumps({"kind": "vendor", "id": v,
                                           "name": "Imported " + v}) + "\n"
                               for v in ids).encode()
                try:
                    r = d.call("POST", "/v1/import", raw=body,
                               token=d.operator)
                except (OSError, http.client.HTTPException):
                    return
                with self.lock:
                    if r.status == 200 and r.body["entries"] == len(ids):
                        self.acked.extend(ids)
                    else:
                        self.unexpected.append(r)

        threads = [threading.Thread(target=creator, args=(k,))
                   for k in range(CLIENTS)]
        threads.append(threading.Thread(target=importer))
        for t in threads:
            t.start()
        return threads

    def watch(self, stop, seen):
        """Keeps the newest checkpoint a client could fetch."""
        while not stop.is_set():
            try:
                r = self.d.call("GET", "/v1/log/checkpoint")
            except (OSError, http.client.HTTPException):
                return
            if r.status == 200:
                seen.append(r.raw)
            time.sleep(0.03)

    def check_after_restart(self, rnd, before):
        d = self.d
        entries = d.entries()
        self.assertEqual([e[0] for e in entries], list(range(len(entries))),
                         self.why(rnd, "indices not contiguous"))
        count = {}
        for _, ev, _ in entries:
            if ev["action"] == "vendor.create":
                count[ev["target"]] = count.get(ev["target"], 0) + 1
        lost = [v for v in self.acked if v not in count]
        twice = sorted(v for v, n in count.items() if n > 1)
        self.assertEqual(lost, [], self.why(rnd, "acknowledged, not logged"))
        self.assertEqual(twice, [], self.why(rnd, "logged twice"))
        # A fresh checkpoint: start-up signs one covering the log.
        note, _ = tl.settled_checkpoint(d)
        _, size, root = tl.open_checkpoint(note, self.key)
        self.assertEqual(size, len(entries), self.why(rnd, note))
        leaves = [tl.leaf_hash(e[2]) for e in entries]
        self.assertEqual(tl.tree_root(leaves), root,
                         self.why(rnd, "root of the entries differs"))
        if before is None:
            return note
        _, old, old_root = tl.open_checkpoint(before, self.key)
        self.assertEqual(tl.tree_root(leaves[:old]), old_root,
                         self.why(rnd, "the checkpoint before the crash is "
                                  "not a prefix"))
        self.assertLessEqual(old, size)
        if 0 < old < size:
            r = d.call("GET", "/v1/log/proof/consistency?old=%d&new=%d"
                       % (old, size))
            self.assertEqual(r.status, 200, self.why(rnd, r))
            self.assertTrue(tl.verify_consistency(
                old, size, old_root, root, tl.b64hashes(r.body["hashes"])),
                self.why(rnd, "consistency %d -> %d" % (old, size)))
        return note

    def test_acknowledged_entries_survive_kill_9_and_the_tree_verifies(self):
        t0 = time.time()
        last, _ = tl.settled_checkpoint(self.d)
        rounds = 0
        for rnd in range(ROUNDS):
            if rounds >= MIN_ROUNDS and time.time() - t0 > BUDGET:
                break
            stop = threading.Event()
            seen = [last]
            threads = self.load(rnd, stop)
            watcher = threading.Thread(target=self.watch, args=(stop, seen))
            watcher.start()
            time.sleep(self.rng.uniform(0.2, 1.5))
            self.d.proc.kill()
            self.d.proc.wait()
            stop.set()
            for t in threads + [watcher]:
                t.join()
            self.assertEqual(self.unexpected, [],
                             self.why(rnd, "answers under load"))
            h = tl.start_again(self.d, "round-%d" % rnd)
            self.assertEqual(h.status, 200, self.why(
                rnd, "%r %s" % (h, tl.run_log_text(self.d))))
            last = self.check_after_restart(rnd, seen[-1])
            rounds += 1
        self.assertGreaterEqual(rounds, MIN_ROUNDS)
        self.assertGreater(len(self.acked), 1000, self.why(rounds, "load"))
        # A clean stop after all that (sanitizers would say otherwise) and
        # every checkpoint ever signed is a prefix of the final log.
        entries = self.d.entries()
        self.d.proc.terminate()
        self.assertEqual(self.d.proc.wait(timeout=30), 0,
                         tl.run_log_text(self.d))
        leaves = [tl.leaf_hash(e[2]) for e in entries]
        with self.d.db() as con:
            rows = con.query("SELECT size, note FROM checkpoints ORDER BY "
                             "size")
        self.assertGreater(len(rows), rounds)
        for s, note in rows:
            _, size, root = tl.open_checkpoint(note, self.key)
            self.assertEqual(size, s)
            self.assertEqual(tl.tree_root(leaves[:s]), root,
                             self.why(rounds, "checkpoint %d" % s))

if __name__ == "__main__":
    unittest.main()
