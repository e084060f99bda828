# SPDX-License-Identifier: ISC
"""Containment by the operator against the real daemon on a test clock:
POST /v1/containment of an engineer, a vendor, a device or a session,
GET /v1/containment, POST /v1/containment/{id}/lift.

What each kind ends (sessions), revokes (approved access requests) and
refuses (logins, 403 reason "contained"); that lifting lets logins in
again but brings no access back; that bad bodies change nothing; and that
every step is in the transparency log, the revocations also in the
tenant's own access log.  Built on DetectTest (test_detect.py): a fresh
daemon and World per test.
"""
import base64
import unittest

import nacl.signing

from test_detect import REASON, STEP, DetectTest

WHY = "laptop of the engineer is compromised"


class ContainTest(DetectTest):
    def contain(self, status=201, **body):
        body.setdefault("reason", WHY)
        r = self.d.op("POST", "/v1/containment", body)
        self.assertEqual(r.status, status, r)
        return r.body

    def lift(self, cid, status=200, reason="laptop reimaged"):
        r = self.d.op("POST", "/v1/containment/%s/lift" % cid,
                      {"reason": reason})
        self.assertEqual(r.status, status, r)
        return r.body

    def listed(self, query=""):
        r = self.d.op("GET", "/v1/containment" + query)
        self.assertEqual(r.status, 200, r)
        return r.body["containments"]

    def admin(self, tid):
        """A new session of the tenant's admin (a fresh TOTP step)."""
        self.tick(STEP)
        return self.w.tenant_login(tid, at=self.now)

    def granted(self, token, tid="appr"):
        """An access request of the engineer, approved by the admin."""
        r = self.d.call("POST", "/v1/tenants/%s/access-requests" % tid, {
            "ticket": tid + "-t1", "reason": REASON, "minutes": 60},
            token=token)
        self.assertEqual((r.status, r.body["state"]), (201, "pending"), r)
        rid = r.body["id"]
        admin = self.admin(tid)
        r = self.d.call("POST", "/v1/tenants/%s/access-requests/%s/approve"
                        % (tid, rid), token=admin)
        self.assertEqual(r.status, 200, r)
        self.read(tid, token)
        return rid

    def request_state(self, rid, tid="appr"):
        admin = self.admin(tid)
        r = self.d.call("GET", "/v1/tenants/%s/access-requests" % tid,
                        token=admin)
        self.assertEqual(r.status, 200, r)
        [g] = [g for g in r.body["access_requests"] if g["id"] == rid]
        return g["state"]

    def refused_login(self, **kw):
        """A login with the device and the right password, refused as
        contained at verify (the device comes first); the refusal's log
        entry."""
        r = self.login_answer(**kw)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.body["error"]["code"], "forbidden")
        self.assertNotIn("token", r.body)
        e = self.event(self.last_index("auth.verify"))
        self.assertEqual((e["outcome"], e["reason"]), ("denied",
                                                        "contained"), e)
        return e


class Engineer(ContainTest):
    def test_engineer_containment_ends_session_revokes_access_and_refuses_login(self):
        token = self.login()
        rid = self.granted(token)
        c = self.contain(engineer="eng1")
        self.assertTrue(c["id"].startswith("cnt_"), c)
        self.assertEqual((c["kind"], c["target"], c["in_force"],
                          c["refuses_logins"], c["created_by"],
                          c["reason"]),
                         ("engineer", "eng1", True, True, "operator", WHY))
        self.assertEqual(c["sessions_ended"], 1)
        self.assertEqual(c["grants_revoked"], [
            {"id": rid, "tenant": "appr", "engineer": "eng1"}])
        self.assertIsNone(c["alert"])
        self.read("appr", token, status=401)
        self.read("auto", token, status=401)
        self.assertEqual(self.request_state(rid), "revoked")
        e = self.refused_login()
        self.assertEqual(e["detail"]["containment"], c["id"], e)
        self.assertEqual(e["actor"]["id"], "eng1")
        self.assertEqual([x["id"] for x in self.listed()], [c["id"]])
        [x] = self.listed()
        self.assertEqual((x["in_force"], x["refuses_logins"], x["vendor"]),
                         (True, True, "sitel"), x)
        # Another engineer of another vendor is untouched.
        key = self.engineer("eng3", vendor="other")
        self.read(token=self.login(username="eng3", device="eng3-dev",
                                   key=key))

    def test_lift_lets_the_engineer_in_again_but_revoked_access_stays_revoked(self):
        token = self.login()
        rid = self.granted(token)
        cid = self.contain(engineer="eng1")["id"]
        self.refused_login()
        x = self.lift(cid)
        self.assertEqual((x["id"], x["in_force"], x["refuses_logins"],
                          x["lifted_by"], x["lift_reason"]),
                         (cid, False, False, "operator", "laptop reimaged"))
        self.assertEqual(self.listed(), [])
        [x] = self.listed("?all=1")
        self.assertEqual((x["id"], x["in_force"]), (cid, False), x)
        token = self.login()
        r = self.d.call("GET", "/v1/access-requests/" + rid, token=token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["state"], "revoked")
        self.read("appr", token, status=403)    # no access came back
        self.read("auto", token)
        # Lifting twice: a conflict, and nothing changes.
        r = self.d.op("POST", "/v1/containment/%s/lift" % cid,
                      {"reason": "again"})
        self.assertEqual(r.status, 409, r)
        self.assertEqual(r.body["error"]["code"], "conflict")
        [y] = self.listed("?all=1")
        self.assertEqual(y["lifted"], x["lifted"])
        self.assertEqual(y["lift_reason"], "laptop reimaged")
        self.lift("cnt_nosuchcontainment", status=404)
        self.lift(cid, status=400, reason="x")

    def test_every_containment_step_is_in_the_log_and_the_tenant_access_log(self):
        token = self.login()
        rid = self.granted(token)
        start = self.size()
        c = self.contain(engineer="eng1")
        cid = c["id"]
        self.refused_login()
        self.tick(60)
        self.lift(cid)
        steps = [(i, e) for i, e in self.events(start)
                 if e["action"] in ("containment", "access_request.revoke",
                                    "auth.verify", "containment.lift")]
        self.assertEqual([e["action"] for _, e in steps],
                         ["containment", "access_request.revoke",
                          "auth.verify", "containment.lift"], steps)
        (ic, con), (ir, rev), (il, log), (ix, lif) = steps
        self.assertEqual((con["actor"]["kind"], con["outcome"],
                          con["target"]), ("operator", "allowed", cid), con)
        self.assertEqual(con["detail"]["kind"], "engineer")
        self.assertEqual(con["detail"]["engineer"], "eng1")
        self.assertEqual(con["detail"]["sessions_ended"], "1")
        self.assertEqual(con["detail"]["grants_revoked"], "1")
        self.assertEqual((rev["tenant"], rev["target"], rev["outcome"]),
                         ("appr", rid, "allowed"), rev)
        self.assertEqual(rev["detail"]["containment"], cid, rev)
        self.assertEqual(rev["detail"]["engineer"], "eng1", rev)
        self.assertEqual(rev["actor"]["kind"], "operator", rev)
        self.assertEqual((log["outcome"], log["reason"]),
                         ("denied", "contained"), log)
        self.assertEqual(log["detail"]["containment"], cid, log)
        self.assertEqual((lif["outcome"], lif["target"]),
                         ("allowed", cid), lif)
        self.assertEqual(lif["detail"]["engineer"], "eng1", lif)
        # The customer sees the revocation in its own access log.
        admin = self.admin("appr")
        r = self.d.call("GET", "/v1/tenants/appr/access-log", token=admin)
        self.assertEqual(r.status, 200, r)
        mine = [x for x in r.body["entries"] if x["index"] == ir]
        self.assertEqual(len(mine), 1, r.body["entries"])
        self.assertEqual(mine[0]["event"]["action"],
                         "access_request.revoke")
        self.assertEqual(mine[0]["event"]["detail"]["containment"], cid)
        # ... and nothing of the other tenants' or the login's.
        self.assertNotIn(il, [x["index"] for x in r.body["entries"]])


class Vendor(ContainTest):
    def test_vendor_containment_puts_all_its_engineers_out(self):
        key2 = self.engineer("eng2", vendor="sitel")
        key3 = self.engineer("eng3", vendor="other")
        t1 = self.login()
        t2 = self.login(username="eng2", device="eng2-dev", key=key2)
        t3 = self.login(username="eng3", device="eng3-dev", key=key3)
        rid = self.granted(t2)
        c = self.contain(vendor="sitel")
        self.assertEqual((c["kind"], c["target"], c["vendor"],
                          c["refuses_logins"]),
                         ("vendor", "sitel", "sitel", True), c)
        self.assertEqual(c["sessions_ended"], 2)
        self.assertEqual(c["grants_revoked"], [
            {"id": rid, "tenant": "appr", "engineer": "eng2"}])
        self.read(token=t1, status=401)
        self.read(token=t2, status=401)
        self.read(token=t3)                     # vendor other
        for e in (self.refused_login(),
                  self.refused_login(username="eng2", device="eng2-dev",
                                     key=key2)):
            self.assertEqual(e["detail"]["containment"], c["id"], e)
        self.login(username="eng3", device="eng3-dev", key=key3)
        self.lift(c["id"])
        self.login(username="eng2", device="eng2-dev", key=key2)


class Device(ContainTest):
    def test_device_containment_refuses_logins_with_that_device_only(self):
        key = nacl.signing.SigningKey.generate()
        self.ok(self.d.op("POST", "/v1/engineers/eng1/devices", {
            "id": "dev1b", "name": "desktop",
            "public_key": base64.b64encode(bytes(key.verify_key)).decode()}))
        token = self.login()
        c = self.contain(device="dev1")
        self.assertEqual((c["kind"], c["target"], c["engineer"],
                          c["refuses_logins"]),
                         ("device", "dev1", "eng1", True), c)
        self.assertEqual(c["sessions_ended"], 1)
        self.read(token=token, status=401)
        e = self.refused_login()
        self.assertEqual((e["device"], e["detail"]["containment"]),
                         ("dev1", c["id"]), e)
        # The same engineer on the other registered device is let in.
        self.read(token=self.login(device="dev1b", key=key))


class Session(ContainTest):
    def test_session_containment_ends_only_that_session_and_refuses_nothing_more(self):
        r = self.login_answer()
        self.assertEqual(r.status, 200, r)
        ta, sa = r.body["token"], r.body["session"]
        tb = self.login()
        c = self.contain(session=sa)
        self.assertEqual((c["kind"], c["target"], c["engineer"],
                          c["refuses_logins"]),
                         ("session", sa, "eng1", False), c)
        self.assertEqual(c["sessions_ended"], 1)
        self.read(token=ta, status=401)
        self.read(token=tb)
        self.read(token=self.login())
        # Nothing stays in force: listed with --all only.
        self.assertEqual(self.listed(), [])
        [x] = self.listed("?all=1")
        self.assertEqual((x["id"], x["refuses_logins"], x["in_force"],
                          x["level"]), (c["id"], False, False, "sessions"))


class BadRequests(ContainTest):
    def test_bad_containment_bodies_change_nothing(self):
        token = self.login()
        rid = self.granted(token)
        for body, status in (
                ({"engineer": "eng1", "vendor": "sitel", "reason": WHY}, 400),
                ({"session": "ses_x", "device": "dev1", "reason": WHY}, 400),
                ({"reason": WHY}, 400),
                ({"engineer": "nobody", "reason": WHY}, 404),
                ({"vendor": "nobody", "reason": WHY}, 404),
                ({"device": "nodev", "reason": WHY}, 404),
                ({"session": "ses_nosuchsession", "reason": WHY}, 404),
                ({"engineer": "eng1", "reason": "x"}, 400),
                ({"engineer": "eng1"}, 400),
                ({"engineer": "eng1", "reason": WHY, "all": True}, 400),
                ({"engineer": 7, "reason": WHY}, 400),
                ({"engineer": "", "reason": WHY}, 400)):
            before = self.size()
            r = self.d.op("POST", "/v1/containment", body)
            self.assertEqual(r.status, status, (body, r))
            self.assertIn(r.body["error"]["code"],
                          ("bad_request", "not_found"))
            new = self.events(before)
            self.assertEqual(len(new), 1, (body, new))
            e = new[0][1]
            self.assertEqual((e["action"], e["outcome"]),
                             ("containment", "denied"), (body, e))
        r = self.d.call("POST", "/v1/containment", raw=b"{not json",
                        token=self.d.operator)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(self.listed("?all=1"), [])
        self.read("appr", token)                # session and access stand
        self.assertEqual(self.request_state(rid), "approved")
        self.assertFalse([e for _, e in self.events()
                          if e["action"] == "access_request.revoke"])

    def test_containment_is_for_the_operator_only(self):
        key2 = self.engineer("eng2", vendor="other")
        token = self.login()
        other = self.login(username="eng2", device="eng2-dev", key=key2)
        admin = self.admin("appr")
        for who in (token, admin):
            r = self.d.call("POST", "/v1/containment",
                            {"engineer": "eng1", "reason": WHY}, token=who)
            self.assertEqual(r.status, 403, r)
            r = self.d.call("GET", "/v1/containment", token=who)
            self.assertEqual(r.status, 403, r)
        r = self.d.call("POST", "/v1/containment",
                        {"engineer": "eng1", "reason": WHY})
        self.assertEqual(r.status, 401, r)
        self.assertEqual(self.listed("?all=1"), [])
        self.read(token=token)
        cid = self.contain(engineer="eng1")["id"]
        for who in (other, admin):
            r = self.d.call("POST", "/v1/containment/%s/lift" % cid,
                            {"reason": "let them back"}, token=who)
            self.assertEqual(r.status, 403, r)
        self.assertEqual([x["in_force"] for x in self.listed()], [True])
        self.refused_login()


if __name__ == "__main__":
    unittest.main()
