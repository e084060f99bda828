# SPDX-License-Identifier: ISC
"""What one node of a cluster revokes, the other nodes refuse at once:
three custosd nodes on one PostgreSQL database (a server of this test's
own), each change made through node a and tried on b and c.

- an engineer contained on a: the engineer's session is refused on b and
  c, and a new login is refused on c;
- a session contained on a: refused on b, another session of the same
  engineer still served on b;
- a device contained on a, and a device deleted on a: sessions on that
  device refused on c;
- a named operator token revoked on a: refused on b;
- the root token rotated on a: the old root refused for a read on b and
  c within a second (the nodes hear it from the store), the new one
  served everywhere;
- a grant about to end: exactly one "Support access ends soon" mail to
  its admin across the three nodes' outboxes (one sweeper at a time,
  and the notice is a compare-and-set).
"""
import base64
import time
import unittest

import nacl.signing

import cluster
from harness import TOTP_SECRET, World, totp

T0 = 1_800_000_000
STEP = 30               # a TOTP code is good once: a new step per login
HEAR = 1.0              # seconds another node may take to hear news


class ClusterInvalidate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = cluster.own_server()
        try:
            cls.nodes = cluster.start_cluster(3, cls.srv, clock=T0,
                                              extra=["--lease-ttl", "2"])
        except BaseException:
            cls.srv.stop()
            raise
        cls.a, cls.b, cls.c = cls.nodes
        cls.now = T0
        cls.w = World(cls.a)

    @classmethod
    def tearDownClass(cls):
        rcs = [d.stop() for d in cls.nodes]
        cls.srv.stop()
        assert rcs == [0, 0, 0], "a node exited with %r" % (rcs,)

    def tick(self, seconds=STEP):
        type(self).now += seconds
        for d in self.nodes:
            d.set_clock(self.now)

    def ok(self, r, status=201):
        self.assertEqual(r.status, status, r)
        return r

    def engineer(self, eid, devices=("dev",)):
        """A new engineer (username = id) with devices eid-<name>, all
        with one key; its key."""
        key = nacl.signing.SigningKey.generate()
        self.ok(self.a.op("POST", "/v1/engineers", {
            "id": eid, "username": eid, "vendor": "sitel",
            "password": self.w.eng_password, "totp_secret": TOTP_SECRET}))
        for dev in devices:
            self.ok(self.a.op("POST", "/v1/engineers/%s/devices" % eid, {
                "id": "%s-%s" % (eid, dev), "name": "laptop " + dev,
                "public_key": base64.b64encode(
                    bytes(key.verify_key)).decode()}))
        return key

    def login_answer(self, d, eid, key, dev="dev"):
        """Both login steps on node d at a fresh TOTP step."""
        self.tick()
        r = d.call("POST", "/v1/auth/login", {
            "username": eid, "device": "%s-%s" % (eid, dev)})
        if r.status != 200:
            return r
        sig = key.sign(r.body["challenge"].encode()).signature
        return d.call("POST", "/v1/auth/verify", {
            "login_id": r.body["login_id"], "password": self.w.eng_password,
            "totp": totp(at=self.now),
            "device_signature": base64.b64encode(sig).decode()})

    def login(self, d, eid, key, dev="dev"):
        r = self.login_answer(d, eid, key, dev)
        self.assertEqual(r.status, 200, r)
        return r.body

    def read(self, d, token):
        return d.call("GET", "/v1/tenants/auto/tickets", token=token).status

    def contain(self, **body):
        body["reason"] = "cluster test"
        return self.ok(self.a.op("POST", "/v1/containment", body)).body

    def refused_soon(self, d, fn, statuses=(401, 403), limit=HEAR):
        """fn() (a status) is one of statuses on node d within limit
        seconds; returns how long it took."""
        t0 = time.time()
        while True:
            s = fn()
            if s in statuses:
                return time.time() - t0
            if time.time() - t0 > limit:
                self.fail("node %s still answers %s after %.1fs"
                          % (d.node_name, s, limit))
            time.sleep(0.05)

    def test_engineer_contained_on_a_is_refused_on_b_and_c(self):
        key = self.engineer("ci-eng")
        s = self.login(self.b, "ci-eng", key)
        self.assertEqual(self.read(self.b, s["token"]), 200)
        self.assertEqual(self.read(self.c, s["token"]), 200)
        c = self.contain(engineer="ci-eng")
        self.assertEqual(c["sessions_ended"], 1, c)
        # In the store, in the same transaction: no delay at all.
        self.assertEqual(self.read(self.b, s["token"]), 401)
        self.assertEqual(self.read(self.c, s["token"]), 401)
        r = self.login_answer(self.c, "ci-eng", key)
        self.assertEqual(r.status, 403, r)
        self.assertNotIn("token", r.body or {})

    def test_session_contained_on_a_is_refused_on_b_only_that_one(self):
        key = self.engineer("ci-ses")
        s1 = self.login(self.b, "ci-ses", key)
        s2 = self.login(self.c, "ci-ses", key)
        self.contain(session=s1["session"])
        self.assertEqual(self.read(self.b, s1["token"]), 401)
        self.assertEqual(self.read(self.c, s1["token"]), 401)
        self.assertEqual(self.read(self.b, s2["token"]), 200)
        self.assertEqual(self.read(self.c, s2["token"]), 200)

    def test_device_contained_or_deleted_on_a_is_refused_on_c(self):
        key = self.engineer("ci-dev", devices=("one", "two", "three"))
        s1 = self.login(self.c, "ci-dev", key, "one")
        s2 = self.login(self.b, "ci-dev", key, "two")
        s3 = self.login(self.b, "ci-dev", key, "three")
        self.contain(device="ci-dev-one")
        self.assertEqual(self.read(self.c, s1["token"]), 401)
        self.assertEqual(self.read(self.b, s1["token"]), 401)
        r = self.login_answer(self.c, "ci-dev", key, "one")
        self.assertEqual(r.status, 403, r)
        # Deleting a device (not a containment) ends its sessions too.
        self.ok(self.a.op("DELETE", "/v1/engineers/ci-dev/devices/"
                          "ci-dev-two"), 200)
        self.refused_soon(self.c, lambda: self.read(self.c, s2["token"]))
        self.refused_soon(self.b, lambda: self.read(self.b, s2["token"]))
        # The third device is untouched.
        self.assertEqual(self.read(self.c, s3["token"]), 200)

    def test_named_operator_token_revoked_on_a_is_refused_on_b(self):
        r = self.ok(self.a.op("POST", "/v1/operator-tokens", {
            "name": "ci-auditor", "scope": "auditor"}))
        tok = r.body["token"]
        for d in self.nodes:
            self.assertEqual(d.call("GET", "/v1/vendors", token=tok).status,
                             200, d.node_name)
        self.ok(self.a.op("DELETE", "/v1/operator-tokens/ci-auditor"), 200)
        for d in (self.b, self.c):
            self.refused_soon(d, lambda: d.call("GET", "/v1/vendors",
                                                token=tok).status, (401,))

    def test_root_rotated_on_a_is_refused_for_reads_on_b_and_c(self):
        old = self.a.operator
        for d in self.nodes:
            self.assertEqual(d.call("GET", "/v1/vendors",
                                    token=old).status, 200)
        r = self.ok(self.a.op("POST", "/v1/operator-tokens/rotate-root",
                              {}), 200)
        new = r.body["token"]
        took = [self.refused_soon(d, lambda: d.call(
            "GET", "/v1/vendors", token=old).status, (401,))
            for d in (self.b, self.c)]
        for d in self.nodes:
            self.assertEqual(d.call("GET", "/v1/vendors",
                                    token=new).status, 200, d.node_name)
            d.operator = new
        # Writes were refused with the old one from the start (the writer
        # reads the stored hash).
        self.assertLess(max(took), HEAR + 0.5)

    def test_grant_ending_soon_is_announced_once_across_the_nodes(self):
        key = self.engineer("ci-sweep")
        s = self.login(self.b, "ci-sweep", key)
        r = self.ok(self.c.call("POST", "/v1/tenants/appr/access-requests", {
            "ticket": "appr-t1", "reason": "customer asked on the phone",
            "minutes": 30}, token=s["token"]))
        rid = r.body["id"]
        self.tick()
        admin = self.w.tenant_login("appr", at=self.now)
        self.ok(self.b.call("POST", "/v1/tenants/appr/access-requests/%s/"
                            "approve" % rid, token=admin), 200)
        # 10 minutes before its end: the sweeper's holder mails, once.
        self.tick(20 * 60)

        def notices():
            return [(d.node_name, m["To"]) for d in self.nodes
                    for m in d.mails()
                    if "ends soon" in (m["Subject"] or "") and
                    rid in m.get_payload(decode=True).decode()]
        deadline = time.time() + 10
        while not notices() and time.time() < deadline:
            time.sleep(0.1)
        # A few more sweeps (each node's sweeper looks every second or so)
        # send nothing more.
        time.sleep(3)
        got = notices()
        self.assertEqual(len(got), 1, got)
        self.assertEqual(got[0][1], "admin@appr.example", got)


if __name__ == "__main__":
    unittest.main()
