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
  held by the survivors within seconds (GET /v1/health "roles");
- detection went on: every round a probe through a survivor (the
  operator's break-glass for a fresh engineer, sent just before or just
  after the kill; every other round also a fresh engineer who signs in
  and asks for a tenant's export) raised exactly one alert about its
  engineer within ALERT_WITHIN seconds, listed by the nodes and in the
  log, never two, and no alert nothing caused (cluster.Probes); in some
  rounds the victim is the detect lease's holder;
- the sweeper went on: each break-glass grant (one minute) expired
  exactly once, not before its deadline and at most EXPIRE_WITHIN
  seconds after it, whichever node held the sweeper lease, with at most
  one "ends soon" notice across the nodes' outboxes.

At the end, the sweeper lease's holder is killed just before a grant's
deadline: a survivor expires it, once, within EXPIRE_WITHIN seconds.

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
# Seconds a probe's alert may take (the detect lease moving included),
# and a grant's expiry after its deadline (the sweeper lease moving
# included; the sweeper looks every half second).
ALERT_WITHIN = ROLE_MOVE + 5
EXPIRE_WITHIN = ROLE_MOVE + 4


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

    def holder_of(self, role):
        """The node that says it holds role, or None."""
        for d in self.nodes:
            if role in cluster.roles_of(d):
                return d
        return None

    def test_kill_9_one_node_a_round_loses_nothing_acknowledged(self):
        check = None
        killed_signer = killed_detect = 0
        acked_total = 0
        probes = cluster.Probes(self, "probe", random.Random(self.seed),
                                expire_within=EXPIRE_WITHIN)
        for rnd in range(ROUNDS):
            why = self.why(rnd)
            if check is None:
                check = cluster.LogCheck(self, self.key, why)
            check.why = why
            load = cluster.Load(self.nodes, "r%d" % rnd, self.rng)
            load.start()
            time.sleep(self.rng.uniform(0.2, 1.5))
            # The signer's holder in every third round at least, else
            # the detect holder's in some and the sweeper's in others.
            victim = self.rng.choice(self.nodes)
            force = "signer" if rnd % 3 == 0 else {
                1: "detect", 3: "sweeper"}.get(rnd % 5)
            if force is not None:
                victim = self.holder_of(force) or victim
            held = cluster.roles_of(victim)
            if "signer" in held:
                killed_signer += 1
            survivors = [d for d in self.nodes if d is not victim]
            # Detection probes through survivors: a break-glass just
            # before the kill in some rounds (the victim may be raising
            # its alert as it dies) or just after it, and every other
            # round an engineer's forbidden request after it.
            made = []
            early = self.rng.random() < 0.4
            if early:
                made.append(probes.break_glass(self.rng.choice(survivors)))
                time.sleep(self.rng.uniform(0, 0.3))
            load.down(victim)
            victim.kill()
            down_for = self.rng.uniform(0.5, 3)
            t0 = time.time()
            if not early:
                made.append(probes.break_glass(self.rng.choice(survivors)))
            if rnd % 2 == 1:
                made.append(probes.forbidden(self.rng.choice(survivors)))
            if "detect" in held and (rnd % 2 == 1 or not early):
                killed_detect += 1      # a probe made after its death
            self.wait_roles_on(survivors, why)
            took = [probes.wait_alert(survivors, key, ALERT_WITHIN, why)
                    for key in made]
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
                               self.nodes[0].db, probes)
            acked_total += len(load.acked)
            # All three hold every role between them, once each.
            self.wait_roles_on(self.nodes, why)
            print("round %d: killed %s (%s) after %.1fs, size %d, %d acked, "
                  "answers %r; alerts after %s s (%s), %d grants expired"
                  % (rnd, victim.node_name, ",".join(sorted(held)) or "-",
                     down_for, size, len(load.acked), load.statuses,
                     "/".join("%.1f" % x for x in took),
                     "early" if early else "after the kill",
                     len(check.expired)), flush=True)
        self.assertGreater(acked_total, 200 * ROUNDS // 3,
                           "too little load got through")
        if ROUNDS >= 15:
            self.assertGreaterEqual(killed_signer, 5)
        self.assertGreaterEqual(killed_detect, min(ROUNDS - 1, 2),
                                "too few probes after the detect holder's "
                                "death")
        self.sweeper_holder_dies_before_a_deadline(check, probes)
        # Every node lists each probe's alert once, and no other.
        want = sorted(probes.expected)
        for d in self.nodes:
            got = sorted((a["rule"], a["subject"]) for rule in
                         ("break_glass", "forbidden_probe")
                         for a in d.op("GET", "/v1/alerts?limit=1000&rule="
                                       + rule).body["alerts"])
            self.assertEqual(got, want, self.why(ROUNDS)(
                "node %s's alerts" % d.node_name))
        print("alerts: %d, each once on every node, %d after the detect "
              "holder died; grants: %d opened, %d expired (%.1fs after the "
              "deadline at most), %d \"ends soon\" notices" % (
                  len(check.alerts), killed_detect, len(probes.grants),
                  len(check.expired), max(probes.late.values() or [0]),
                  sum(probes.notices(self.nodes).values())), flush=True)
        # At the end every checkpoint row verifies and is a prefix.
        with self.nodes[0].db() as con:
            rows = con.query("SELECT size, note FROM checkpoints ORDER BY "
                             "size")
        check.read(self.nodes[0])   # the sweeper may have written since
        self.assertGreater(len(rows), ROUNDS)
        for s, note in rows:
            _, size, root = tl.open_checkpoint(note, self.key)
            self.assertEqual(size, s)
            self.assertEqual(check.tree.root(s), root, "checkpoint %d" % s)

    def sweeper_holder_dies_before_a_deadline(self, check, probes):
        """The holder of the sweeper lease killed just before a grant's
        deadline (a break-glass of the rounds still open, or a new one):
        a survivor expires it, once, within EXPIRE_WITHIN seconds."""
        why = self.why(ROUNDS)
        check.why = why
        load = cluster.Load(self.nodes, "fin", self.rng)
        load.start()
        soon = sorted((dl, g) for g, dl in probes.grants.items()
                      if dl > time.time() + 2 and g not in check.expired)
        if not soon:
            probes.break_glass(self.rng.choice(self.nodes))
            soon = sorted((dl, g) for g, dl in probes.grants.items()
                          if dl > time.time() + 2)
        deadline, gid = soon[0]
        victim = self.holder_of("sweeper")
        self.assertIsNotNone(victim, why("no node holds the sweeper"))
        time.sleep(max(0, deadline - self.rng.uniform(0.4, 1.2)
                       - time.time()))
        load.down(victim)
        victim.kill()
        t_kill = time.time()
        self.assertLess(t_kill, deadline, why("killed too late"))
        survivors = [d for d in self.nodes if d is not victim]
        # The log, not the request's state: GET answers "expired" for a
        # request past its deadline before the sweeper wrote anything.
        while True:
            check.read(self.rng.choice(survivors))
            if gid in check.expired:
                break
            self.assertLess(time.time(), deadline + EXPIRE_WITHIN, why(
                "grant %s not expired %ds after its deadline, the sweeper "
                "holder %s killed %.1fs before it; roles %r" % (
                    gid, EXPIRE_WITHIN, victim.node_name,
                    deadline - t_kill, self.holders(survivors))))
            time.sleep(0.1)
        r = self.rng.choice(survivors).op("GET", "/v1/access-requests/%s"
                                          % gid)
        self.assertEqual((r.status, r.body["state"]), (200, "expired"),
                         why(r))
        took = time.time() - deadline
        h = self.wait_roles_on(survivors, why)
        victim.start(timeout=60)
        load.up(victim)
        time.sleep(0.2)
        load.stop()
        self.assertEqual(load.bad[:5], [], why("unexpected answers %r"
                                               % load.statuses))
        for d in self.nodes:
            cluster.wait_healthy(d)
        check.check(self.nodes, load.acked, load.notes, self.nodes[0].db,
                    probes)
        [(_, at)] = check.expired[gid]
        self.assertGreater(at / 1000.0, t_kill, why("expired before the "
                                                     "kill"))
        print("end: killed the sweeper holder %s %.1fs before the deadline "
              "of %s; expired %.1fs after the deadline (seen after %.1fs), "
              "the sweeper now on %s" % (
                  victim.node_name, deadline - t_kill, gid,
                  probes.late[gid], took, h["sweeper"][0]), flush=True)


if __name__ == "__main__":
    unittest.main()
