# SPDX-License-Identifier: ISC
"""PostgreSQL restarted (pg_ctl restart -m fast) under load, three times,
under two custosd nodes sharing its database:

- while it is down, what custosd cannot do answers 503, never a 500, and
  no request hangs (every answer within the client's timeout);
- health says 503 and then 200 again by itself within 10 s of the server
  being back, with no node restarted;
- after each restart the load stops and the one log lost nothing
  acknowledged, holds nothing twice, is dense, its Python root is every
  node's checkpoint root, and every checkpoint served is a prefix;
- the leases (signer, detect, sweeper) are held again.

The PostgreSQL server is this test's own: it is restarted.
"""
import os
import random
import threading
import time
import unittest

import cluster
import test_tlog as tl
from harness import World

RESTARTS = 3
BACK_WITHIN = 10.0      # seconds after the server answers again
ROLES = ("signer", "detect", "sweeper")
HANG = 10.0             # seconds: no request may take longer


class PgRestart(unittest.TestCase):
    def setUp(self):
        self.seed = int(os.environ.get("CUSTOS_CLUSTER_SEED",
                                       int(time.time() * 1000) % 100000))
        print("CUSTOS_CLUSTER_SEED=%d" % self.seed, flush=True)
        self.rng = random.Random(self.seed)
        self.srv = cluster.own_server()
        self.addCleanup(self.srv.stop)
        self.nodes = cluster.start_cluster(2, self.srv,
                                           extra=["--lease-ttl", "2"])
        self.addCleanup(self.stop_nodes)
        World(self.nodes[0])
        self.key = tl.fetch_key(self.nodes[0])

    def stop_nodes(self):
        rcs = [d.stop() for d in self.nodes]
        self.assertEqual(rcs, [0] * len(rcs),
                         "a node exited uncleanly (sanitizer report?)")

    def why(self, rnd):
        return lambda text: "seed %d, restart %d: %s" % (self.seed, rnd,
                                                         text)

    def health_watch(self, stop, seen):
        """Health of each node every 50 ms: (node, time, status)."""
        while not stop.is_set():
            for d in self.nodes:
                try:
                    s = d.call("GET", "/v1/health").status
                except OSError:
                    s = None
                seen.append((d.node_name, time.time(), s))
            time.sleep(0.05)

    def test_fast_restart_under_load_answers_503_and_recovers_alone(self):
        check = None
        pids = [d.proc.pid for d in self.nodes]
        refused = 0
        for rnd in range(RESTARTS):
            why = self.why(rnd)
            if check is None:
                check = cluster.LogCheck(self, self.key, why)
            check.why = why
            load = cluster.Load(self.nodes, "p%d" % rnd, self.rng)
            load.start()
            stop_h = threading.Event()
            health = []
            hw = threading.Thread(target=self.health_watch,
                                  args=(stop_h, health), daemon=True)
            hw.start()
            time.sleep(3 if rnd == 0 else self.rng.uniform(0.5, 2))
            t_down = time.time()
            self.srv.restart("fast")
            t_up = time.time()
            # Back by itself: both nodes healthy within BACK_WITHIN.
            for d in self.nodes:
                deadline = t_up + BACK_WITHIN
                while True:
                    try:
                        if d.call("GET", "/v1/health").status == 200:
                            break
                    except OSError:
                        pass
                    self.assertLess(time.time(), deadline, why(
                        "node %s not healthy %.0fs after the server came "
                        "back: %s" % (d.node_name, BACK_WITHIN,
                                      d.read_log()[-2000:])))
                    time.sleep(0.1)
            # Some load after the restart gets through.
            acked_before = len(load.acked)
            deadline = time.time() + BACK_WITHIN
            while len(load.acked) == acked_before:
                self.assertLess(time.time(), deadline,
                                why("no write acknowledged after the "
                                    "restart: %r" % load.statuses))
                time.sleep(0.1)
            load.stop()
            stop_h.set()
            hw.join()
            self.assertEqual(load.bad[:5], [], why(
                "unexpected answers %r" % load.statuses))
            self.assertNotIn(500, load.statuses, why(load.statuses))
            # Nothing hung: a request waits at most for a connection
            # attempt (connect_timeout=3) and its retry.
            self.assertLess(load.slowest, HANG, why(
                "a request took %.1fs" % load.slowest))
            refused += load.statuses.get(503, 0)
            # No node restarted, and health said 503 while it was down
            # (when a sample fell there), never 500.
            self.assertEqual([d.proc.pid for d in self.nodes], pids)
            for d in self.nodes:
                self.assertIsNone(d.proc.poll(), d.read_log()[-2000:])
            statuses = {s for _, _, s in health}
            self.assertNotIn(500, statuses, why(health))
            size = check.check(self.nodes, load.acked, load.notes,
                               self.nodes[0].db)
            # The leases are held again, each by one node.
            deadline = time.time() + 10
            while True:
                h = {}
                for d in self.nodes:
                    for role in cluster.roles_of(d):
                        h.setdefault(role, []).append(d.node_name)
                if all(len(h.get(r, [])) == 1 for r in ROLES):
                    break
                self.assertLess(time.time(), deadline,
                                why("roles after the restart: %r" % h))
                time.sleep(0.1)
            print("restart %d: down %.1fs, size %d, %d acked, answers %r, "
                  "slowest %.1fs, health %r"
                  % (rnd, t_up - t_down, size, len(load.acked),
                     load.statuses, load.slowest,
                     sorted(statuses, key=lambda s: s or 0)), flush=True)
        # The restarts were felt (else this test proves nothing): some
        # requests were refused with 503 while the server was down.
        self.assertGreater(refused, 0)


if __name__ == "__main__":
    unittest.main()
