# SPDX-License-Identifier: ISC
"""Three custosd nodes on one PostgreSQL database, one of them killed
with SIGKILL at a random moment of every round while recorded requests
and imports are spread over the nodes.

After each round (the victim started again on its data directory):

- every acknowledged vendor id is in the log exactly once, none twice;
- the indexes are dense, 0..size-1, in the API and in the store;
- the RFC 6962 root computed in Python from all leaves equals the root of
  a checkpoint covering the whole log on every node;
- every checkpoint any node served during the round verifies under the
  log key and is the root of a prefix of that log (so it is consistent
  with every earlier one, whichever node signed it), and a consistency
  proof from a random node verifies in Python;
- while the victim was down, the leases (signer, detect, sweeper) were
  held by the survivors within seconds (GET /v1/health "roles").

CUSTOS_CLUSTER_ROUNDS (default 30; 15 under ctest) and
CUSTOS_CLUSTER_SEED (printed in every failure) replay a run.  The
PostgreSQL server is this test's own (pgserver.PgServer).
"""
import os
import random
import time
import unittest

import cluster
import test_tlog as tl
from harness import World

ROUNDS = int(os.environ.get("CUSTOS_CLUSTER_ROUNDS", "30"))
LEASE_TTL = 2           # seconds (--lease-ttl)
ROLE_MOVE = 3 * LEASE_TTL + 2   # seconds a lease may take to move
ROLES = ("signer", "detect", "sweeper")


class ClusterKill(unittest.TestCase):
    def setUp(self):
        self.seed = int(os.environ.get("CUSTOS_CLUSTER_SEED",
                                       int(time.time() * 1000) % 100000))
        print("CUSTOS_CLUSTER_SEED=%d" % self.seed, flush=True)
        self.rng = random.Random(self.seed)
        self.srv = cluster.own_server()
        self.addCleanup(self.srv.stop)
        self.nodes = cluster.start_cluster(
            3, self.srv, extra=["--lease-ttl", str(LEASE_TTL)])
        self.addCleanup(self.stop_nodes)
        World(self.nodes[0])
        self.key = tl.fetch_key(self.nodes[0])
        for d in self.nodes[1:]:
            self.assertEqual(tl.fetch_key(d), self.key)

    def stop_nodes(self):
        rcs = [d.stop() for d in self.nodes]
        self.assertEqual(rcs, [0] * len(rcs),
                         "a node exited uncleanly (sanitizer report?)")

    def why(self, rnd):
        return lambda text: "seed %d, round %d: %s" % (self.seed, rnd, text)

    def holders(self, nodes):
        """role -> the names of the nodes (of nodes) that say they hold
        it."""
        out = {}
        for d in nodes:
            for role in cluster.roles_of(d):
                out.setdefault(role, []).append(d.node_name)
        return out

    def wait_roles_on(self, survivors, why):
        """Every role held by exactly one of the survivors, within
        ROLE_MOVE seconds."""
        deadline = time.time() + ROLE_MOVE
        while True:
            h = self.holders(survivors)
            if all(len(h.get(r, [])) == 1 for r in ROLES):
                return h
            if time.time() > deadline:
                self.fail(why("roles not held by one survivor within "
                              "%ds: %r" % (ROLE_MOVE, h)))
            time.sleep(0.1)

    def test_kill_9_one_node_a_round_loses_nothing_acknowledged(self):
        check = None
        killed_signer = 0
        acked_total = 0
        for rnd in range(ROUNDS):
            why = self.why(rnd)
            if check is None:
                check = cluster.LogCheck(self, self.key, why)
            check.why = why
            load = cluster.Load(self.nodes, "r%d" % rnd, self.rng)
            load.start()
            time.sleep(self.rng.uniform(0.2, 1.5))
            # The signer's holder in every third round at least.
            holders = self.holders(self.nodes)
            victim = self.rng.choice(self.nodes)
            if rnd % 3 == 0 and holders.get("signer"):
                [victim] = [d for d in self.nodes
                            if d.node_name == holders["signer"][0]]
            if "signer" in cluster.roles_of(victim):
                killed_signer += 1
            load.down(victim)
            victim.kill()
            survivors = [d for d in self.nodes if d is not victim]
            down_for = self.rng.uniform(0.5, 3)
            t0 = time.time()
            self.wait_roles_on(survivors, why)
            rest = down_for - (time.time() - t0)
            if rest > 0:
                time.sleep(rest)
            victim.start(timeout=60)
            load.up(victim)
            time.sleep(0.2)
            load.stop()
            self.assertEqual(load.bad[:5], [], why("unexpected answers "
                                                   "%r" % load.statuses))
            for d in self.nodes:
                cluster.wait_healthy(d)
            print("round %d: killed %s, health %r" % (
                rnd, victim.node_name, [d.health() for d in self.nodes]),
                flush=True)
            size = check.check(self.nodes, load.acked, load.notes,
                               self.nodes[0].db)
            acked_total += len(load.acked)
            # All three hold every role between them, once each.
            self.wait_roles_on(self.nodes, why)
            print("round %d: killed %s after %.1fs, size %d, %d acked, "
                  "answers %r" % (rnd, victim.node_name, down_for, size,
                                  len(load.acked), load.statuses),
                  flush=True)
        self.assertGreater(acked_total, 200 * ROUNDS // 3,
                           "too little load got through")
        if ROUNDS >= 15:
            self.assertGreaterEqual(killed_signer, 5)
        # At the end every checkpoint row verifies and is a prefix.
        with self.nodes[0].db() as con:
            rows = con.query("SELECT size, note FROM checkpoints ORDER BY "
                             "size")
        self.assertGreater(len(rows), ROUNDS)
        for s, note in rows:
            _, size, root = tl.open_checkpoint(note, self.key)
            self.assertEqual(size, s)
            self.assertEqual(check.tree.root(s), root, "checkpoint %d" % s)


if __name__ == "__main__":
    unittest.main()
