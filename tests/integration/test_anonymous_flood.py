# SPDX-License-Identifier: ISC
"""Issue 11, finding 1: nobody can grow the log without limit.

Refusals that name no one (unknown routes, bad tokens, malformed anonymous
logins, throttled attempts) cost the log a bounded amount per source: the
first of a kind per source and interval is recorded, the rest are counted
into one tally entry per kind when the interval is over, and a source past
its budget is refused (429) before any work.  Authenticated requests stay
recorded one by one, from the same address too.  On the old code every one
of the flood's requests appended an entry.
"""
import http.client
import os
import threading
import time
import unittest

from harness import Daemon, World

T0 = 1_800_000_000
CLIENTS = 8
PER_CLIENT = 250                # 2,000 requests in all
BUDGET = 100
INTERVAL = 60


class AnonymousFlood(unittest.TestCase):
    def setUp(self):
        self.d = Daemon(clock=T0, extra=(
            "--flood-budget", str(BUDGET),
            "--flood-interval", str(INTERVAL)))

    def tearDown(self):
        rc = self.d.stop()
        self.assertEqual(rc, 0, "custosd exited with %s" % rc)

    def flood(self, path, headers=None):
        """CLIENTS keep-alive clients send PER_CLIENT requests each;
        returns {status: count}.  Bounded in count and in time."""
        counts, lock = {}, threading.Lock()
        deadline = time.time() + 60

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", self.d.port,
                                              timeout=30)
            try:
                for _ in range(PER_CLIENT):
                    if time.time() > deadline:
                        break
                    conn.request("GET", path, headers=headers or {})
                    r = conn.getresponse()
                    r.read()
                    with lock:
                        counts[r.status] = counts.get(r.status, 0) + 1
            finally:
                conn.close()

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        return counts

    def tallies(self, start):
        return [ev for _, ev, _ in self.d.entries(start)
                if "repeated" in (ev.get("detail") or {})]

    def test_a_flood_costs_the_log_a_bounded_amount_and_keeps_the_count(self):
        start = self.d.log_size()
        t = time.time()
        counts = self.flood("/" + "A" * 2000)
        took = time.time() - t
        sent = sum(counts.values())
        self.assertEqual(sent, CLIENTS * PER_CLIENT, counts)
        # The budget's worth answered 404, the rest refused at once.
        # The budget's worth answered 404 (the gate is checked as each
        # request arrives, so requests already past it when the budget is
        # spent -- at most one per client -- are answered too), the rest
        # refused at once.
        answered = counts.get(404, 0)
        self.assertTrue(BUDGET <= answered <= BUDGET + CLIENTS, counts)
        self.assertEqual(counts.get(429), sent - answered, counts)
        during = self.d.log_size() - start
        # One entry for the first unknown route, one for the first 429.
        self.assertEqual(during, 2, self.d.entries(start))
        # An authenticated caller from the same address is still served
        # and recorded, one by one.
        for n in range(3):
            r = self.d.op("POST", "/v1/vendors", {"name": "BPO %d" % n})
            self.assertEqual(r.status, 201, r)
        self.assertEqual(self.d.log_size() - start, 2 + 3)
        # Once the interval is over the counted ones are recorded as
        # tallies; with the individual entries they add up to the flood.
        self.d.set_clock(T0 + INTERVAL + 1)
        r = self.d.call("GET", "/nothing-here")
        self.assertEqual(r.status, 404, r)
        tallies = self.tallies(start)
        kinds = {(ev["action"], ev["reason"]): int(ev["detail"]["repeated"])
                 for ev in tallies}
        self.assertEqual(kinds, {("unknown", "no_such_route"): answered - 1,
                                 ("unknown", "flood_budget"):
                                 sent - answered - 1}, tallies)
        for ev in tallies:
            self.assertEqual(ev["source"], "127.0.0.1", ev)
            self.assertEqual(ev["outcome"], "denied", ev)
        entries = self.d.log_size() - start
        print("\nflood of %d anonymous requests in %.2f s: %d entries "
              "during the interval, %d after it (%d tallies); the old code "
              "appended %d" % (sent, took, during, entries, len(tallies),
                               sent))

    def test_bad_tokens_cost_one_entry_and_spend_the_budget(self):
        start = self.d.log_size()
        # Shaped like a session token: checked (a caller behind the same
        # address may hold a real one), refused, counted.
        counts = self.flood("/v1/tenants/acme/tickets", {
            "Authorization": "Bearer cse_" + "a" * 52})
        sent = sum(counts.values())
        self.assertEqual(counts, {401: sent})
        evs = [ev for _, ev, _ in self.d.entries(start)]
        self.assertEqual([(ev["reason"], ev["tenant"]) for ev in evs],
                         [("bad_token", "acme")], evs)
        # The tally's own columns say so too (they pointed into a stack
        # frame gone by the time the writer stored them), and its leaf was
        # sealed for that tenant: it opens with acme's key.
        with self.d.db() as con:
            self.assertEqual(con.query(
                "SELECT tenant_id, action FROM entries WHERE idx >= ?",
                (start,)), [("acme", "ticket.list")])
        self.assertEqual([ev for _, ev, _ in self.d.plain_entries(start)],
                         evs)
        # The source spent its budget: what carries no token is refused
        # before any work...
        r = self.d.call("GET", "/v1/tenants/acme/tickets")
        self.assertEqual(r.status, 429, r)
        self.assertIn("Retry-After", r.headers)
        # ...but a caller with a valid token is served.
        r = self.d.op("POST", "/v1/vendors", {"name": "Acme BPO"})
        self.assertEqual(r.status, 201, r)

    def test_a_tenant_sees_the_tally_of_probes_in_its_access_log(self):
        w = World(self.d)
        start = self.d.log_size()
        counts = self.flood("/v1/tenants/appr/tickets")
        answered = counts.get(401, 0)
        self.assertTrue(BUDGET <= answered <= BUDGET + CLIENTS, counts)
        self.d.set_clock(T0 + INTERVAL + 1)
        self.d.call("GET", "/nothing-here")
        admin = w.tenant_login("appr", at=T0 + INTERVAL + 1)
        r = self.d.call("GET", "/v1/tenants/appr/access-log", token=admin)
        self.assertEqual(r.status, 200, r)
        mine = [x["event"] for x in r.body["entries"] if x["index"] >= start]
        probes = [ev for ev in mine if ev["action"] == "ticket.list"]
        # The first probe, and the tally of the rest, both about appr.
        self.assertEqual(len(probes), 2, mine)
        self.assertEqual([ev["tenant"] for ev in probes], ["appr", "appr"])
        self.assertEqual(probes[1]["detail"]["repeated"], str(answered - 1),
                         probes[1])


if __name__ == "__main__":
    unittest.main()
