# SPDX-License-Identifier: ISC
"""What the web console reads (issue 13, section 5), against the real
custosd on a test clock:

- the directory for the operator: vendors, engineers with their devices
  and standing (a containment in force shows), tenants by name filter and
  page, one tenant (also for that tenant's own admins); nobody else may
  list it, and each refusal is recorded;
- access requests with what an approver needs (names, ticket subject,
  reason, minutes, times, state, that engineer's past with the tenant),
  an engineer's own requests with the time left, the operator's all;
- tenant admins read their own tenant's users, never another's;
- incidents: the operator's scope question kept with one report per
  tenant, each report verified by `custos verify --tenant-log` with that
  tenant's own log key, and a tenant admin reads only its own report --
  another tenant's answers 403, an incident not about its tenant 404;
- GET /v1/log/health: size, the last checkpoint (its root recomputed from
  the public tree's proofs), witnesses, integrity; the operator's only,
  and not recorded.  WitnessedHealth: with one real witness (`custos
  witness`) and one that is down, the health names the cosigned size and
  the time inside the cosignature line the served checkpoint carries, and
  shows the absent one as never cosigned.

CUSTOSD, CUSTOS as in harness.py.
"""
import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

import test_tlog as tl
from harness import CUSTOS, Daemon, DaemonTest
from test_witness import Witness, cosig_lines

T = 1800000000.0
WHY = "customer cannot log in since Monday"
WINDOW = {"from": "2020-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def stamp(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class ConsoleApi(DaemonTest):
    clock = T

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d, w = cls.d, cls.w
        ok = lambda r: r.status in (200, 201, 202) or cls.fail_setup(r)
        # A second engineer of the other vendor, whose device is contained.
        import nacl.signing
        cls.key2 = nacl.signing.SigningKey.generate()
        ok(d.op("POST", "/v1/engineers", {
            "id": "eng2", "username": "eng2", "vendor": "other",
            "password": "engineer password 2", "totp_secret":
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}))
        ok(d.op("POST", "/v1/engineers/eng2/devices", {
            "id": "dev2", "name": "desktop", "public_key": base64.b64encode(
                bytes(cls.key2.verify_key)).decode()}))
        ok(d.op("POST", "/v1/engineers/eng2/devices", {
            "id": "dev3", "name": "old laptop", "public_key":
            base64.b64encode(b"\x07" * 32).decode()}))
        for n in range(5):
            ok(d.op("POST", "/v1/tenants", {
                "id": "page%d" % n, "name": "Paged Corp %d" % n}))
        cls.eng = w.engineer_login(at=T).body["token"]
        r = w.engineer_login(at=T, username="eng2", device="dev2",
                             key=cls.key2, password="engineer password 2")
        ok(r)
        cls.eng2 = r.body["token"]
        cls.adm = {t: w.tenant_login(t, at=T) for t in
                   ("appr", "auto", "deny")}
        cls.usr = w.tenant_login("appr", "user", at=T)
        # The history of eng1 with appr: asked at T, approved at T+10,
        # revoked at T+60; asked again at T+120 (pending).  eng2 asked
        # once at T+130 (pending).
        cls.r1 = cls.ask(cls.eng, "appr")
        d.set_clock(T + 10)
        ok(cls.answer("appr", cls.r1, "approve"))
        # While approved: eng1 reads appr's users (a cited read).
        ok(d.call("GET", "/v1/tenants/appr/users", token=cls.eng))
        d.set_clock(T + 60)
        ok(cls.answer("appr", cls.r1, "revoke"))
        d.set_clock(T + 120)
        cls.r2 = cls.ask(cls.eng, "appr")
        d.set_clock(T + 130)
        cls.r3 = cls.ask(cls.eng2, "appr")
        # eng1 in auto (auto_approve) at T+140: reads and one reset.
        d.set_clock(T + 140)
        ok(d.call("GET", "/v1/tenants/auto/tickets", token=cls.eng))
        ok(d.call("POST", "/v1/tenants/auto/users/auto-user/password-reset",
                  {}, token=cls.eng))
        cls.r4 = cls.ask(cls.eng, "auto")
        d.set_clock(T + 200)
        ok(d.op("POST", "/v1/containment", {
            "device": "dev3", "reason": "laptop reported stolen"}))

    @staticmethod
    def fail_setup(r):
        raise AssertionError("setup: %r" % (r,))

    @classmethod
    def ask(cls, token, tenant):
        r = cls.d.call("POST", "/v1/tenants/%s/access-requests" % tenant, {
            "ticket": tenant + "-t1", "reason": WHY, "minutes": 30},
            token=token)
        assert r.status == 201, r
        return r.body["id"]

    @classmethod
    def answer(cls, tenant, rid, how):
        return cls.d.call(
            "POST", "/v1/tenants/%s/access-requests/%s/%s" % (tenant, rid,
                                                             how),
            token=cls.adm[tenant])

    def last_entry(self, action):
        for _, ev, _ in reversed(self.d.entries(max(0, self.d.log_size() -
                                                     20))):
            if ev["action"] == action:
                return ev
        self.fail("no entry of %s" % action)

    # ---- the directory ----

    def test_operator_lists_vendors_with_their_engineer_counts(self):
        r = self.d.op("GET", "/v1/vendors")
        self.assertEqual(r.status, 200, r)
        v = {x["id"]: x for x in r.body["vendors"]}
        self.assertEqual(v["sitel"]["name"], "Sitel")
        self.assertEqual(v["sitel"]["engineers"], 1)
        self.assertEqual(v["other"]["engineers"], 1)
        self.assertIsNone(v["sitel"]["contained"])
        # By name.
        names = [x["name"] for x in r.body["vendors"]]
        self.assertEqual(names, sorted(names))
        ev = self.last_entry("vendor.list")
        self.assertEqual((ev["outcome"], ev["actor"]["kind"]),
                         ("allowed", "operator"))

    def test_operator_lists_engineers_with_devices_and_standing(self):
        r = self.d.op("GET", "/v1/engineers")
        self.assertEqual(r.status, 200, r)
        e = {x["id"]: x for x in r.body["engineers"]}
        self.assertEqual(set(e), {"eng1", "eng2"})
        self.assertEqual((e["eng1"]["username"], e["eng1"]["vendor"],
                          e["eng1"]["vendor_name"], e["eng1"]["status"]),
                         ("eng1", "sitel", "Sitel", "active"))
        self.assertEqual([x["id"] for x in e["eng1"]["devices"]], ["dev1"])
        devs = {x["id"]: x for x in e["eng2"]["devices"]}
        self.assertEqual(set(devs), {"dev2", "dev3"})
        self.assertIsNone(devs["dev2"]["contained"])
        self.assertIsNotNone(devs["dev3"]["contained"], devs)
        r = self.d.op("GET", "/v1/containment")
        self.assertIn(devs["dev3"]["contained"],
                      [c["id"] for c in r.body["containments"]])
        self.assertIsNone(e["eng2"]["contained"])
        # No secret of any kind in the list.
        text = json.dumps(r.body)
        for word in ("password", "totp", "public_key", "hash"):
            self.assertNotIn(word, text)

    def test_only_the_operator_lists_the_directory(self):
        for token, kind in ((self.eng, "engineer"),
                            (self.adm["appr"], "tenant_admin"),
                            (self.usr, "tenant_user")):
            for path, action in (("/v1/vendors", "vendor.list"),
                                 ("/v1/engineers", "engineer.list"),
                                 ("/v1/tenants", "tenant.list"),
                                 ("/v1/incidents", "incident.list"),
                                 ("/v1/log/health", None)):
                r = self.d.call("GET", path, token=token)
                self.assertEqual(r.status, 403, (kind, path, r))
                if action is None:
                    continue
                ev = self.last_entry(action)
                self.assertEqual((ev["outcome"], ev["reason"],
                                  ev["actor"]["kind"]),
                                 ("denied", "role_forbids", kind))
            r = self.d.call("GET", "/v1/vendors")
            self.assertEqual(r.status, 401, r)

    def test_tenants_are_filtered_by_name_and_paged_by_id(self):
        seen, after = [], None
        while True:
            path = "/v1/tenants?q=pAgEd%20corp&limit=2"
            if after:
                path += "&after=" + after
            r = self.d.op("GET", path)
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.body["tenants"]), 2)
            seen += [t["id"] for t in r.body["tenants"]]
            after = r.body["next"]
            if after is None:
                break
            self.assertEqual(after, seen[-1])
        self.assertEqual(seen, ["page%d" % n for n in range(5)])
        r = self.d.op("GET", "/v1/tenants")
        ids = [t["id"] for t in r.body["tenants"]]
        self.assertEqual(ids, sorted(ids))
        self.assertTrue({"appr", "auto", "deny", "page0"} <= set(ids))
        one = [t for t in r.body["tenants"] if t["id"] == "deny"][0]
        self.assertEqual((one["name"], one["support_policy"]),
                         ("Tenant deny", "deny"))
        r = self.d.op("GET", "/v1/tenants?q=no%20such%20name")
        self.assertEqual((r.status, r.body["tenants"], r.body["next"]),
                         (200, [], None))
        for bad in ("limit=1001", "limit=x", "after=a%20b"):
            r = self.d.op("GET", "/v1/tenants?" + bad)
            self.assertEqual(r.status, 400, (bad, r))

    def test_one_tenant_for_the_operator_and_its_own_admins(self):
        r = self.d.op("GET", "/v1/tenants/appr")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["id"], r.body["name"],
                          r.body["support_policy"], r.body["max_minutes"]),
                         ("appr", "Tenant appr", "approval_required", 480))
        r = self.d.call("GET", "/v1/tenants/appr", token=self.adm["appr"])
        self.assertEqual(r.status, 200, r)
        r = self.d.call("GET", "/v1/tenants/appr", token=self.adm["auto"])
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.last_entry("tenant.view")["reason"],
                         "other_tenant")
        for token in (self.eng, self.usr):
            r = self.d.call("GET", "/v1/tenants/appr", token=token)
            self.assertEqual(r.status, 403, r)
        r = self.d.op("GET", "/v1/tenants/nope")
        self.assertEqual(r.status, 404, r)

    # ---- access requests ----

    def tenant_requests(self, tenant, token, query=""):
        r = self.d.call("GET", "/v1/tenants/%s/access-requests%s" %
                        (tenant, query), token=token)
        self.assertEqual(r.status, 200, r)
        return r.body

    def test_requests_carry_names_ticket_and_the_engineers_past(self):
        body = self.tenant_requests("appr", self.adm["appr"])
        got = {x["id"]: x for x in body["access_requests"]}
        self.assertEqual([x["id"] for x in body["access_requests"]],
                         [self.r3, self.r2, self.r1])       # newest first
        first, again, other = got[self.r1], got[self.r2], got[self.r3]
        for x in (first, again):
            self.assertEqual((x["engineer"], x["engineer_username"],
                              x["vendor_name"], x["ticket_subject"],
                              x["reason"], x["minutes"], x["tenant_name"]),
                             ("eng1", "eng1", "Sitel", "cannot log in", WHY,
                              30, "Tenant appr"))
        self.assertEqual(other["vendor_name"], "Other")
        self.assertEqual(first["state"], "revoked")
        self.assertEqual(first["created"], stamp(T))
        self.assertEqual(first["past"],
                         {"requests": 0, "approved": 0, "last": None})
        # Asked again: one request before, granted at T+10.
        self.assertEqual(again["state"], "pending")
        self.assertEqual(again["past"], {"requests": 1, "approved": 1,
                                         "last": stamp(T + 10)})
        self.assertIsNone(again["expires_at"])
        self.assertEqual(other["past"],
                         {"requests": 0, "approved": 0, "last": None})
        # One request reads as in the list, for each who may see it.
        for token in (self.adm["appr"], self.eng, self.d.operator):
            r = self.d.call("GET", "/v1/access-requests/" + self.r2,
                            token=token)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.body, again)
        # Paged, newest first.
        page = self.tenant_requests("appr", self.adm["appr"], "?limit=2")
        self.assertEqual([x["id"] for x in page["access_requests"]],
                         [self.r3, self.r2])
        self.assertEqual(page["next"], self.r2)
        rest = self.tenant_requests("appr", self.adm["appr"],
                                    "?limit=2&after=" + self.r2)
        self.assertEqual([x["id"] for x in rest["access_requests"]],
                         [self.r1])
        self.assertIsNone(rest["next"])

    def test_an_admin_never_reads_another_tenants_requests(self):
        r = self.d.call("GET", "/v1/tenants/appr/access-requests",
                        token=self.adm["auto"])
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.last_entry("access_request.list")["reason"],
                         "other_tenant")
        r = self.d.call("GET", "/v1/access-requests",
                        token=self.adm["appr"])
        self.assertEqual(r.status, 403, r)
        r = self.d.call("GET", "/v1/access-requests/%s" % self.r4,
                        token=self.adm["appr"])
        self.assertEqual(r.status, 404, r)

    def test_engineer_sees_own_requests_with_time_left(self):
        r = self.d.call("GET", "/v1/access-requests", token=self.eng)
        self.assertEqual(r.status, 200, r)
        mine = r.body["access_requests"]
        self.assertEqual([x["id"] for x in mine],
                         [self.r4, self.r2, self.r1])
        self.assertTrue(all(x["engineer"] == "eng1" for x in mine))
        auto = mine[0]
        self.assertEqual((auto["tenant"], auto["tenant_name"],
                          auto["state"]), ("auto", "Tenant auto",
                                           "approved"))
        # Approved at T+140 by the policy for 30 minutes; now T+200.
        self.assertEqual(auto["expires_at"], stamp(T + 140 + 1800))
        self.assertEqual(auto["seconds_left"], 140 + 1800 - 200)
        self.assertIsNone(mine[1]["seconds_left"])
        r = self.d.call("GET", "/v1/access-requests?tenant=appr",
                        token=self.eng)
        self.assertEqual([x["id"] for x in r.body["access_requests"]],
                         [self.r2, self.r1])
        # ?engineer= is the operator's: an engineer sees only their own.
        r = self.d.call("GET", "/v1/access-requests?engineer=eng2",
                        token=self.eng)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([x["id"] for x in r.body["access_requests"]],
                         [self.r4, self.r2, self.r1])
        r = self.d.call("GET", "/v1/access-requests", token=self.eng2)
        self.assertEqual([x["id"] for x in r.body["access_requests"]],
                         [self.r3])

    def test_operator_pages_through_every_request(self):
        seen, after = [], None
        while True:
            r = self.d.op("GET", "/v1/access-requests?limit=1" +
                          ("&after=" + after if after else ""))
            self.assertEqual(r.status, 200, r)
            seen += [x["id"] for x in r.body["access_requests"]]
            after = r.body["next"]
            if after is None:
                break
        self.assertEqual(seen, [self.r4, self.r3, self.r2, self.r1])
        r = self.d.op("GET", "/v1/access-requests?engineer=eng2")
        self.assertEqual([x["id"] for x in r.body["access_requests"]],
                         [self.r3])
        r = self.d.op("GET", "/v1/access-requests?after=req_nothing")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(self.last_entry("access_request.browse")["actor"]
                         ["kind"], "operator")
        # A cursor is a request of the same list: another engineer's or
        # another tenant's names nothing there.
        r = self.d.call("GET", "/v1/access-requests?after=" + self.r3,
                        token=self.eng)
        self.assertEqual(r.status, 400, r)
        r = self.d.call("GET", "/v1/tenants/appr/access-requests?after=" +
                        self.r4, token=self.adm["appr"])
        self.assertEqual(r.status, 400, r)

    # ---- users ----

    def test_tenant_admins_read_their_own_users_only(self):
        r = self.d.call("GET", "/v1/tenants/appr/users",
                        token=self.adm["appr"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual({u["id"] for u in r.body["users"]},
                         {"appr-user", "appr-admin"})
        for tenant in ("auto", "deny"):
            r = self.d.call("GET", "/v1/tenants/%s/users" % tenant,
                            token=self.adm["appr"])
            self.assertEqual(r.status, 403, r)
            self.assertEqual(self.last_entry("user.list")["reason"],
                             "other_tenant")
        r = self.d.call("GET", "/v1/tenants/appr/users", token=self.usr)
        self.assertEqual(r.status, 403, r)
        # The operator reads any tenant's (API.md: the directory).
        r = self.d.op("GET", "/v1/tenants/deny/users")
        self.assertEqual(r.status, 200, r)

    # ---- incidents ----

    def make_incident(self, principals, title="Sitel laptop stolen"):
        r = self.d.op("POST", "/v1/incidents", {
            "title": title, "scope": dict(WINDOW, principals=principals)})
        self.assertEqual(r.status, 201, r)
        return r.body

    def cli(self, *args, code=0):
        p = subprocess.run([CUSTOS] + list(args), capture_output=True,
                           timeout=120, text=True,
                           env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(p.returncode, code, (args, p.stdout, p.stderr))
        return p

    def test_incident_keeps_one_report_per_tenant(self):
        inc = self.make_incident({"engineers": ["eng1"]})
        rows = {t["tenant"]: t for t in inc["tenants"]}
        self.assertEqual(rows["auto"]["exposure"], "acted_upon")
        self.assertEqual(rows["appr"]["exposure"], "viewed")
        self.assertEqual(rows["auto"]["name"], "Tenant auto")
        self.assertNotIn("entries", rows["auto"])
        ev = self.last_entry("incident.create")
        self.assertEqual((ev["outcome"], ev["target"]),
                         ("allowed", inc["id"]))
        r = self.d.op("GET", "/v1/incidents/" + inc["id"])
        self.assertEqual(r.body, inc)
        r = self.d.op("GET", "/v1/incidents")
        self.assertIn(inc["id"], [x["id"] for x in r.body["incidents"]])
        # Each tenant's admin: its own part, verified as the CLI's.
        with tempfile.TemporaryDirectory() as tmp:
            keyfile = os.path.join(tmp, "log.key")
            with open(keyfile, "w") as f:
                f.write(self.d.call("GET", "/v1/log/key").raw)
            for tenant in ("appr", "auto"):
                token = self.adm[tenant]
                r = self.d.call("GET", "/v1/tenants/%s/incidents" % tenant,
                                token=token)
                self.assertEqual(r.status, 200, r)
                mine = {x["id"]: x for x in r.body["incidents"]}
                self.assertEqual(mine[inc["id"]]["exposure"],
                                 rows[tenant]["exposure"])
                self.assertNotIn("created_by", mine[inc["id"]])
                r = self.d.call("GET", "/v1/tenants/%s/incidents/%s" %
                                (tenant, inc["id"]), token=token)
                self.assertEqual(r.status, 200, r)
                rep = r.body
                self.assertEqual((rep["format"], rep["tenant"]),
                                 ("custos-scope-report/1", tenant))
                self.assertTrue(rep["entries"])
                for en in rep["entries"]:
                    self.assertEqual(en["event"]["tenant"], tenant)
                for en in rep.get("other_entries", []):
                    self.assertNotIn("event", en)
                    self.assertNotIn("sealed", en)
                path = os.path.join(tmp, tenant + ".json")
                with open(path, "w") as f:
                    json.dump(rep, f)
                lk = self.d.call("GET", "/v1/tenants/%s/log-key" % tenant,
                                 token=token)
                self.assertEqual(lk.status, 200, lk)
                lkfile = os.path.join(tmp, tenant + ".log-key")
                with open(lkfile, "w") as f:
                    json.dump(lk.body, f)
                self.cli("verify", "--key", keyfile, "--tenant-log", path,
                         "--tenant", tenant, "--log-key", lkfile)
                # A report changed by one byte does not verify.
                bad = json.loads(json.dumps(rep))
                bad["entries"][0]["event"]["action"] = "ticket.view"
                with open(path, "w") as f:
                    json.dump(bad, f)
                self.cli("verify", "--key", keyfile, "--tenant-log", path,
                         "--tenant", tenant, "--log-key", lkfile, code=1)

    def test_an_admin_reads_only_its_own_tenants_incidents(self):
        inc = self.make_incident({"engineers": ["eng1"]})
        # appr's admin asks for auto's report: refused, recorded.
        r = self.d.call("GET", "/v1/tenants/auto/incidents/" + inc["id"],
                        token=self.adm["appr"])
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.last_entry("tenant.incident_view")["reason"],
                         "other_tenant")
        r = self.d.call("GET", "/v1/tenants/auto/incidents",
                        token=self.adm["appr"])
        self.assertEqual(r.status, 403, r)
        # An incident not about deny is no incident to deny's admin.
        r = self.d.call("GET", "/v1/tenants/deny/incidents/" + inc["id"],
                        token=self.adm["deny"])
        self.assertEqual(r.status, 404, r)
        r = self.d.call("GET", "/v1/tenants/deny/incidents",
                        token=self.adm["deny"])
        self.assertNotIn(inc["id"], [x["id"] for x in r.body["incidents"]])
        r = self.d.call("GET", "/v1/tenants/deny/incidents?after=" +
                        inc["id"], token=self.adm["deny"])
        self.assertEqual(r.status, 400, r)
        # The summary and the list are the operator's.
        for path in ("/v1/incidents", "/v1/incidents/" + inc["id"]):
            r = self.d.call("GET", path, token=self.adm["auto"])
            self.assertEqual(r.status, 403, r)
        r = self.d.call("POST", "/v1/incidents", {
            "title": "x" * 10, "scope": dict(WINDOW, principals={
                "engineers": ["eng1"]})}, token=self.eng)
        self.assertEqual(r.status, 403, r)
        r = self.d.call("GET", "/v1/tenants/auto/incidents/" + inc["id"],
                        token=self.usr)
        self.assertEqual(r.status, 403, r)

    def test_incident_needs_a_title_and_a_scope_question(self):
        good = dict(WINDOW, principals={"engineers": ["eng1"]})
        for body in ({"scope": good}, {"title": "ab", "scope": good},
                     {"title": "Laptop", "scope": "eng1"},
                     {"title": "Laptop", "scope": dict(good, tenant="x")},
                     {"title": "Laptop", "scope": dict(WINDOW)},
                     {"title": "Laptop", "scope": good, "extra": 1}):
            r = self.d.op("POST", "/v1/incidents", body)
            self.assertEqual(r.status, 400, (body, r))
        r = self.d.op("GET", "/v1/incidents/inc_nothing")
        self.assertEqual(r.status, 404, r)

    # ---- the log's health ----

    def test_log_health_for_the_operator_unrecorded(self):
        before = self.d.log_size()
        r = self.d.op("GET", "/v1/log/health")
        self.assertEqual(r.status, 200, r)
        h = r.body
        self.assertEqual((h["integrity"], h["store"], h["witnesses"]),
                         ("ok", "ok", []))
        cp = h["checkpoint"]
        self.assertTrue(cp["verified"])
        self.assertLessEqual(cp["size"], h["size"])
        self.assertGreater(cp["size"], 0)
        self.assertEqual(len(base64.b64decode(cp["root"])), 32)
        # The root is the public tree's at that size: an inclusion proof
        # of its last leaf from the tiles leads to it.
        r = self.d.call("GET", "/v1/log/proof/inclusion?index=%d&size=%d" %
                        (cp["size"] - 1, cp["size"]))
        self.assertEqual(r.status, 200, r)
        leaf = [e for e in self.d.entry_objects(cp["size"] - 1)
                if e["index"] == cp["size"] - 1][0]["leaf"]
        h_ = hashlib.sha256(b"\x00" + base64.b64decode(leaf)).digest()
        for p in r.body["hashes"]:
            h_ = hashlib.sha256(b"\x01" + base64.b64decode(p) + h_).digest()
        # The last leaf is the rightmost: each proof hash is on its left.
        self.assertEqual(base64.b64encode(h_).decode(), cp["root"])
        self.assertEqual(cp["time"][:4], stamp(T)[:4])
        # Not recorded: no entry of it.
        self.assertFalse([ev for _, ev, _ in self.d.entries(before)
                          if ev["action"] == "log.health"])


class WitnessedHealth(unittest.TestCase):
    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="custos-health-")
        self.addCleanup(shutil.rmtree, self.base, True)
        self.up = Witness(self.base, "witness.example/up")
        self.down = Witness(self.base, "witness.example/down")
        self.addCleanup(self.up.stop)
        self.d = Daemon(extra=[
            "--witness", "%s=%s" % (self.up.url, self.up.key),
            "--witness", "%s=%s" % (self.down.url, self.down.key)])
        self.addCleanup(self.d.stop)
        self.up.start(tl.fetch_key(self.d))

    def test_health_names_each_witness_last_cosignature(self):
        r = self.d.op("POST", "/v1/vendors", {"name": "Grow"})
        self.assertEqual(r.status, 201, r)
        deadline = time.time() + 30
        while True:
            note = tl.fetch_checkpoint(self.d)
            lines = cosig_lines(note, self.up)
            h = self.d.op("GET", "/v1/log/health").body
            w = {x["name"]: x for x in h["witnesses"]}
            if lines and w[self.up.name]["last_cosigned_size"] == \
                    int(note.split("\n")[1]):
                break
            self.assertLess(time.time(), deadline, (note, h))
            time.sleep(0.1)
        raw = base64.b64decode(lines[0].split(" ")[-1])
        (when,) = struct.unpack(">Q", raw[4:12])
        self.assertEqual(w[self.up.name]["last_time"], stamp(when))
        self.assertTrue(w[self.up.name]["last_round_ok"])
        self.assertEqual(w[self.down.name], {
            "name": self.down.name, "last_cosigned_size": None,
            "last_time": None, "last_round_ok": False})


if __name__ == "__main__":
    unittest.main()
