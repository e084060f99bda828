# SPDX-License-Identifier: ISC
"""Two custosd given one node name still hold each lease one at a time.

One --node-name in every node's custos.conf, or a data directory cloned
with its node.id, gives two processes the same name.  The lease's holder
is the process, so only one of them signs on the interval, runs detection
and the sweeper; the other takes over when the first stops.
"""
import time
import unittest

from harness import Daemon, pg_server

ROLES = ("detect", "signer", "sweeper")


class SameNodeName(unittest.TestCase):
    def setUp(self):
        self.a = Daemon(store=pg_server().new_database(), node_name="same")
        self.addCleanup(self.a.stop)
        self.b = Daemon(join=self.a, node_name="same")
        self.addCleanup(self.b.stop)

    def test_each_lease_has_one_holder_among_namesakes(self):
        deadline = time.monotonic() + 10
        while True:
            ra, rb = set(self.a.roles()), set(self.b.roles())
            if ra | rb == set(ROLES) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(ra & rb, set(), (ra, rb))
        self.assertEqual(ra | rb, set(ROLES), (ra, rb))
        # The holder of them all stops: its namesake takes them over.
        first, other = (self.a, self.b) if ra else (self.b, self.a)
        first.stop()
        deadline = time.monotonic() + 20
        while set(other.roles()) != set(ROLES):
            self.assertLess(time.monotonic(), deadline, other.roles())
            time.sleep(0.2)


if __name__ == "__main__":
    unittest.main()
