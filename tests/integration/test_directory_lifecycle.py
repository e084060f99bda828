# SPDX-License-Identifier: ISC
"""The directory's lifecycle against the real daemon on a test clock
(directory/lifecycle.h): suspend, resume and offboard engineers and
vendors, revoke devices, re-enrol an engineer by invitation, and the
paged, filtered lists and shows.  Each change is recorded with its
reason; refusals say why; an offboarded engineer's history stays in
scope answers; the operator never sees a re-enrolment's secret."""
import base64
import re
import time
import unittest
import urllib.parse

import nacl.signing

import test_second_approval as second
from harness import DaemonTest, totp, TOTP_SECRET
from test_passkeys import PasskeyTest
from webauthn_soft import Authenticator

STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2    # mid-step
GAP = 34 * STEP     # a fresh TOTP step and no throttle left over
PASSWORD = "engineer password 1"
LINK_RE = re.compile(r"(\S+)/#/invite/(\S+)")


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Lifecycle(DaemonTest):
    clock = T0
    now = T0
    quiet = False       # the precise reasons of refused logins

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = T0

    def setUp(self):
        self.tick(GAP)

    def tick(self, seconds):
        type(self).now += seconds
        self.d.set_clock(self.now)

    # -- helpers --

    def vendor(self, vid):
        r = self.d.op("POST", "/v1/vendors", {"id": vid, "name": vid})
        self.assertEqual(r.status, 201, r)
        return vid

    def engineer(self, eid, vendor="sitel", email=None):
        """An engineer with a password, the test seed and one device;
        returns the device's signing key."""
        body = {"id": eid, "username": eid, "vendor": vendor,
                "password": PASSWORD, "totp_secret": TOTP_SECRET}
        if email is not None:
            body["email"] = email
        r = self.d.op("POST", "/v1/engineers", body)
        self.assertEqual(r.status, 201, r)
        key = nacl.signing.SigningKey.generate()
        r = self.d.op("POST", "/v1/engineers/%s/devices" % eid, {
            "id": eid + "-dev", "name": "laptop",
            "public_key": base64.b64encode(bytes(key.verify_key)).decode()})
        self.assertEqual(r.status, 201, r)
        return key

    def login(self, eid, key, password=PASSWORD, seed=TOTP_SECRET,
              device=None):
        self.tick(STEP)
        return self.w.engineer_login(username=eid, device=device or
                                     eid + "-dev", key=key,
                                     password=password,
                                     code=totp(seed, at=self.now))

    def entries(self, start, action, outcome=None):
        return [ev for _, ev, _ in self.d.entries(start)
                if ev["action"] == action and
                outcome in (None, ev["outcome"])]

    def login_refused_for(self, reason, eid):
        """A refused login answers one uniform 401; its reason is told
        to the operator only, in custosd's log."""
        log = self.d.read_log()
        self.assertRegex(log, r"auth.verify refused from .*: %s "
                         r"\(account %s\)" % (reason, eid))

    def detail(self, ev):
        return ev.get("detail") or ev.get("details") or {}

    def tickets(self, token, tenant="auto"):
        return self.d.call("GET", "/v1/tenants/%s/tickets" % tenant,
                           token=token)

    # -- engineers --

    def test_suspend_ends_sessions_refuses_logins_and_resume_restores(self):
        key = self.engineer("lc-sus")
        r = self.login("lc-sus", key)
        self.assertEqual(r.status, 200, r)
        tok = r.body["token"]
        self.assertEqual(self.tickets(tok).status, 200)
        start = self.d.log_size()
        # a reason is required
        r = self.d.op("POST", "/v1/engineers/lc-sus/suspend", {})
        self.assertEqual(r.status, 400, r)
        self.assertIn("reason", r.body["error"]["message"])
        r = self.d.op("POST", "/v1/engineers/lc-sus/suspend",
                      {"reason": "left the support rota"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["status"], r.body["previous_status"],
                          r.body["sessions_ended"]),
                         ("suspended", "active", 1), r.body)
        (ev,) = self.entries(start, "engineer.suspend", "allowed")
        self.assertEqual((ev["outcome"], ev["target"]),
                         ("allowed", "lc-sus"), ev)
        self.assertIn("left the support rota", repr(ev))
        # the session is gone; a login is refused
        self.assertEqual(self.tickets(tok).status, 401)
        r = self.login("lc-sus", key)
        self.assertEqual(r.status, 401, r)
        self.assertNotIn("token", r.body or {})
        # twice is a conflict
        r = self.d.op("POST", "/v1/engineers/lc-sus/suspend",
                      {"reason": "again"})
        self.assertEqual(r.status, 409, r)
        show = self.d.op("GET", "/v1/engineers/lc-sus")
        self.assertEqual(show.status, 200, show)
        self.assertEqual((show.body["status"], show.body["refused"]),
                         ("suspended", "engineer_inactive"), show.body)
        r = self.d.op("POST", "/v1/engineers/lc-sus/resume",
                      {"reason": "back on the rota"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["status"], "active")
        r = self.login("lc-sus", key)
        self.assertEqual(r.status, 200, r)
        # resuming an active engineer is a conflict
        r = self.d.op("POST", "/v1/engineers/lc-sus/resume",
                      {"reason": "x"})
        self.assertEqual(r.status, 409, r)

    def test_offboard_is_final_revokes_everything_and_keeps_history(self):
        key = self.engineer("lc-off", email="off@vendor.example")
        r = self.login("lc-off", key)
        self.assertEqual(r.status, 200, r)
        tok = r.body["token"]
        # history: a read in an auto-approve tenant
        self.assertEqual(self.tickets(tok).status, 200)
        # an open request in an approval-required tenant
        ar = self.d.call("POST", "/v1/tenants/appr/access-requests", {
            "ticket": "appr-t1", "reason": "customer asked", "minutes": 30},
            token=tok)
        self.assertEqual(ar.status, 201, ar)
        # a pending second approval
        ap = self.d.call("POST", "/v1/tenants/auto/approvals", {
            "action": "user.password_reset", "target": "auto-admin",
            "reason": "the admin is locked out"}, token=tok)
        self.assertEqual(ap.status, 201, ap)
        # an open invitation
        inv = self.d.op("POST", "/v1/invitations", {
            "kind": "engineer", "engineer": "lc-off",
            "email": "off@vendor.example"})
        self.assertEqual(inv.status, 201, inv)
        start = self.d.log_size()
        r = self.d.op("POST", "/v1/engineers/lc-off/offboard",
                      {"reason": "contract ended"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["status"], "offboarded")
        self.assertEqual(r.body["sessions_ended"], 1)
        self.assertEqual(r.body["devices_revoked"], 1)
        self.assertEqual([g["id"] for g in r.body["grants_revoked"]],
                         [ar.body["id"]])
        self.assertEqual(r.body["approvals_cancelled"], 1)
        adm = self.w.tenant_login("auto", at=self.now)
        a = self.d.call("GET", "/v1/approvals/" + ap.body["id"], token=adm)
        self.assertEqual(a.status, 200, a)
        self.assertEqual(a.body["state"], "expired", a.body)
        (ev,) = self.entries(start, "engineer.offboard")
        self.assertIn("contract ended", repr(ev))
        # the request's revocation is in the tenant's log
        revs = self.entries(start, "access_request.revoke")
        self.assertEqual([e["target"] for e in revs], [ar.body["id"]])
        self.assertEqual(revs[0]["tenant"], "appr")
        # refused everywhere, for good
        self.assertEqual(self.tickets(tok).status, 401)
        self.assertEqual(self.login("lc-off", key).status, 401)
        r = self.d.op("POST", "/v1/engineers/lc-off/resume",
                      {"reason": "oops"})
        self.assertEqual(r.status, 409, r)
        self.assertEqual(r.body["error"]["code"], "conflict")
        r = self.d.op("POST", "/v1/engineers/lc-off/re-enrol",
                      {"reason": "oops"})
        self.assertEqual(r.status, 409, r)
        # the invitation was revoked
        lst = self.d.op("GET", "/v1/invitations")
        (mine,) = [i for i in lst.body["invitations"]
                   if i["id"] == inv.body["id"]]
        self.assertEqual(mine["state"], "revoked")
        # the row stays, devices kept revoked
        show = self.d.op("GET", "/v1/engineers/lc-off")
        self.assertEqual(show.status, 200, show)
        self.assertEqual(show.body["status"], "offboarded")
        self.assertIsNotNone(show.body["devices"][0]["revoked"])
        self.assertEqual(show.body["email"], "off@vendor.example")
        # scope still names the engineer's reads
        r = self.d.op("POST", "/v1/scope", {
            "principals": {"engineers": ["lc-off"]},
            "from": stamp(T0), "to": stamp(self.now + 3600)})
        self.assertEqual(r.status, 200, r)
        tenants = {t["tenant"]: t for t in r.body["tenants"]}
        self.assertIn("auto", tenants)
        self.assertEqual(tenants["auto"]["exposure"], "viewed")

    def test_unknown_and_bad_input(self):
        r = self.d.op("POST", "/v1/engineers/nobody/suspend",
                      {"reason": "x"})
        self.assertEqual(r.status, 404, r)
        r = self.d.op("POST", "/v1/vendors/nobody/offboard", {"reason": "x"})
        self.assertEqual(r.status, 404, r)
        r = self.d.op("GET", "/v1/engineers/nobody")
        self.assertEqual(r.status, 404, r)
        r = self.d.op("POST", "/v1/engineers/eng1/suspend",
                      {"reason": "x", "extra": 1})
        self.assertEqual(r.status, 400, r)
        r = self.d.op("GET", "/v1/engineers?status=sleeping")
        self.assertEqual(r.status, 400, r)
        self.assertIn("status", r.body["error"]["message"])
        r = self.d.op("GET", "/v1/engineers?limit=1001")
        self.assertEqual(r.status, 400, r)
        r = self.d.op("GET", "/v1/engineers?after=no-such-id")
        self.assertEqual(r.status, 400, r)

    def test_engineer_may_not_change_the_directory(self):
        r = self.login("eng1", self.w.key, password=self.w.eng_password,
                       device="dev1")
        self.assertEqual(r.status, 200, r)
        tok = r.body["token"]
        for path in ("/v1/engineers/eng1/suspend", "/v1/vendors/sitel/suspend",
                     "/v1/engineers/eng1/re-enrol"):
            r = self.d.call("POST", path, {"reason": "me"}, token=tok)
            self.assertEqual(r.status, 403, (path, r))
        r = self.d.call("GET", "/v1/engineers/eng1", token=tok)
        self.assertEqual(r.status, 403, r)
        r = self.d.call("DELETE", "/v1/engineers/eng1/devices/dev1",
                        token=tok)
        self.assertEqual(r.status, 403, r)

    # -- vendors --

    def test_suspended_vendor_refuses_its_engineers_next_request(self):
        self.vendor("lc-ven")
        key = self.engineer("lc-ven-eng", vendor="lc-ven")
        r = self.login("lc-ven-eng", key)
        self.assertEqual(r.status, 200, r)
        tok = r.body["token"]
        start = self.d.log_size()
        r = self.d.op("POST", "/v1/vendors/lc-ven/suspend",
                      {"reason": "vendor audit"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["sessions_ended"], 1)
        self.assertEqual(self.tickets(tok).status, 401)
        r = self.login("lc-ven-eng", key)
        self.assertEqual(r.status, 401, r)
        self.login_refused_for("vendor_inactive", "lc-ven-eng")
        # the engineer's own status is kept
        show = self.d.op("GET", "/v1/engineers/lc-ven-eng")
        self.assertEqual((show.body["status"], show.body["vendor_status"],
                          show.body["refused"]),
                         ("active", "suspended", "vendor_inactive"))
        v = self.d.op("GET", "/v1/vendors/lc-ven")
        self.assertEqual((v.status, v.body["status"], v.body["engineers"]),
                         (200, "suspended", 1))
        r = self.d.op("POST", "/v1/vendors/lc-ven/resume",
                      {"reason": "audit passed"})
        self.assertEqual(r.status, 200, r)
        r = self.login("lc-ven-eng", key)
        self.assertEqual(r.status, 200, r)

    def test_vendor_offboard_offboards_every_engineer(self):
        self.vendor("lc-gone")
        k1 = self.engineer("lc-gone-1", vendor="lc-gone")
        self.engineer("lc-gone-2", vendor="lc-gone")
        r = self.d.op("POST", "/v1/vendors/lc-gone/offboard",
                      {"reason": "contract terminated"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["engineers_offboarded"],
                          r.body["devices_revoked"]), (2, 2), r.body)
        for eid in ("lc-gone-1", "lc-gone-2"):
            s = self.d.op("GET", "/v1/engineers/" + eid)
            self.assertEqual(s.body["status"], "offboarded", s.body)
        self.assertEqual(self.login("lc-gone-1", k1).status, 401)
        r = self.d.op("POST", "/v1/vendors/lc-gone/resume", {"reason": "x"})
        self.assertEqual(r.status, 409, r)
        # nothing new under an offboarded vendor or engineer
        r = self.d.op("POST", "/v1/engineers", {
            "username": "lc-gone-3", "vendor": "lc-gone"})
        self.assertEqual(r.status, 409, r)
        key = nacl.signing.SigningKey.generate()
        r = self.d.op("POST", "/v1/engineers/lc-gone-1/devices", {
            "name": "again",
            "public_key": base64.b64encode(bytes(key.verify_key)).decode()})
        self.assertEqual(r.status, 409, r)
        lst = self.d.op("GET", "/v1/engineers?vendor=lc-gone")
        self.assertEqual(sorted(e["status"] for e in lst.body["engineers"]),
                         ["offboarded", "offboarded"])

    # -- devices --

    def test_device_revoke_refuses_the_device_and_keeps_its_row(self):
        key = self.engineer("lc-dev")
        r = self.login("lc-dev", key)
        self.assertEqual(r.status, 200, r)
        tok = r.body["token"]
        start = self.d.log_size()
        r = self.d.call("DELETE", "/v1/engineers/lc-dev/devices/lc-dev-dev",
                        {"reason": "laptop stolen"}, token=self.d.operator)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["sessions_ended"], 1)
        self.assertIsNotNone(r.body["device"]["revoked"])
        (ev,) = self.entries(start, "device.revoke")
        self.assertEqual(ev["target"], "lc-dev-dev")
        self.assertIn("laptop stolen", repr(ev))
        self.assertEqual(self.tickets(tok).status, 401)
        r = self.login("lc-dev", key)
        self.assertEqual(r.status, 401, r)
        self.login_refused_for("device_revoked", "lc-dev")
        r = self.d.op("DELETE", "/v1/engineers/lc-dev/devices/lc-dev-dev")
        self.assertEqual(r.status, 409, r)
        r = self.d.op("DELETE", "/v1/engineers/eng1/devices/lc-dev-dev")
        self.assertEqual(r.status, 404, r)
        # kept, for history
        r = self.d.op("GET", "/v1/engineers/lc-dev/devices")
        self.assertEqual(r.status, 200, r)
        (d,) = r.body["devices"]
        self.assertEqual(d["id"], "lc-dev-dev")
        self.assertIsNotNone(d["revoked"])
        r = self.d.op("GET", "/v1/devices?vendor=sitel")
        self.assertIn("lc-dev-dev", [x["id"] for x in r.body["devices"]])

    # -- re-enrolment --

    def test_re_enrol_mails_an_invitation_that_works(self):
        key = self.engineer("lc-re", email="re@vendor.example")
        r = self.login("lc-re", key)
        self.assertEqual(r.status, 200, r)
        tok = r.body["token"]
        # open access, asked with the old credentials
        ar = self.d.call("POST", "/v1/tenants/appr/access-requests", {
            "ticket": "appr-t1", "reason": "customer asked", "minutes": 30},
            token=tok)
        self.assertEqual(ar.status, 201, ar)
        seen = {m["Message-ID"] for m in self.d.mails()}
        start = self.d.log_size()
        r = self.d.op("POST", "/v1/engineers/lc-re/re-enrol",
                      {"reason": "lost authenticator"})
        self.assertEqual(r.status, 202, r)
        # what the tenant granted the old credentials ends with them
        self.assertEqual(r.body["grants_revoked"], 1, r.body)
        (rev,) = self.entries(start, "access_request.revoke")
        self.assertEqual((rev["target"], rev["tenant"]),
                         (ar.body["id"], "appr"))
        self.assertIn("re_enrol", repr(rev))
        self.assertTrue(r.body["invitation"].startswith("inv"), r.body)
        self.assertNotEqual(r.body["delivered_to"], "re@vendor.example")
        self.assertIn("@", r.body["delivered_to"])
        (mail,) = [m for m in self.d.mails() if m["Message-ID"] not in seen]
        self.assertEqual(mail["To"], "re@vendor.example")
        token = LINK_RE.search(
            mail.get_payload(decode=True).decode()).group(2)
        # the operator sees no secret: not in the answer, not in the log
        self.assertNotIn(token, r.raw)
        (ev,) = self.entries(start, "engineer.re_enrol")
        self.assertNotIn(token, repr(ev))
        self.assertIn("lost authenticator", repr(ev))
        # sessions ended, old secrets gone, the old device revoked
        self.assertEqual(self.tickets(tok).status, 401)
        self.assertEqual(self.login("lc-re", key).status, 401)
        # the link works: a new device, a password, a code
        new = nacl.signing.SigningKey.generate()
        r = self.d.call("POST", "/v1/invitations/device", {
            "token": token, "name": "new laptop",
            "public_key": base64.b64encode(bytes(new.verify_key)).decode()})
        self.assertEqual(r.status, 201, r)
        dev = r.body["device"]
        r = self.d.call("POST", "/v1/invitations/password", {
            "token": token, "new_password": "a brand new password 2"})
        self.assertEqual(r.status, 200, r)
        seed = urllib.parse.parse_qs(urllib.parse.urlparse(
            r.body["totp_uri"]).query)["secret"][0]
        r = self.d.call("POST", "/v1/invitations/totp", {
            "token": token, "code": totp(seed, at=self.now)})
        self.assertEqual(r.status, 200, r)
        r = self.login("lc-re", new, password="a brand new password 2",
                       seed=seed, device=dev)
        self.assertEqual(r.status, 200, r)

    def test_re_enrol_needs_an_address_and_may_keep_devices(self):
        key = self.engineer("lc-keep")
        r = self.d.op("POST", "/v1/engineers/lc-keep/re-enrol",
                      {"reason": "new phone"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("email", r.body["error"]["message"])
        r = self.d.op("POST", "/v1/engineers/lc-keep/re-enrol", {
            "reason": "new phone", "email": "keep@vendor.example",
            "keep_devices": True, "device": "lc-keep-dev"})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.body["devices_revoked"], 0)
        show = self.d.op("GET", "/v1/engineers/lc-keep")
        self.assertIsNone(show.body["devices"][0]["revoked"])
        self.assertFalse(show.body["enrolled"])
        # the password is gone until the invitation is used
        self.assertEqual(self.login("lc-keep", key).status, 401)

    # -- lists and shows --

    def test_lists_page_and_filter(self):
        self.vendor("lc-page")
        for i in range(5):
            self.d.op("POST", "/v1/engineers", {
                "id": "lc-page-%d" % i, "username": "pager%d" % i,
                "vendor": "lc-page", "email": "p%d@page.example" % i})
        got, after = [], None
        while True:
            q = "/v1/engineers?vendor=lc-page&limit=2"
            if after:
                q += "&after=" + after
            r = self.d.op("GET", q)
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.body["engineers"]), 2)
            got += [e["id"] for e in r.body["engineers"]]
            after = r.body["next"]
            if after is None:
                break
        self.assertEqual(sorted(got), ["lc-page-%d" % i for i in range(5)])
        r = self.d.op("GET", "/v1/engineers?q=P3@PAGE")
        self.assertEqual([e["id"] for e in r.body["engineers"]],
                         ["lc-page-3"])
        r = self.d.op("GET", "/v1/engineers?q=pager&status=active&limit=1")
        self.assertEqual(len(r.body["engineers"]), 1)
        self.assertIsNotNone(r.body["next"])
        # the console's fields stay
        e = r.body["engineers"][0]
        for k in ("id", "username", "vendor", "vendor_name", "status",
                  "created", "contained", "vendor_contained", "devices",
                  "email"):
            self.assertIn(k, e)
        r = self.d.op("GET", "/v1/vendors?q=lc-pa")
        self.assertEqual([v["id"] for v in r.body["vendors"]], ["lc-page"])
        self.assertEqual(r.body["vendors"][0]["engineers"], 5)
        self.assertIsNone(r.body["next"])
        r = self.d.op("GET", "/v1/tenants?q=appr")
        self.assertEqual([t["id"] for t in r.body["tenants"]], ["appr"])

    def test_user_list_pages_when_asked(self):
        for i in range(3):
            r = self.d.op("POST", "/v1/tenants/deny/users", {
                "id": "pg-u%d" % i, "username": "pageuser%d" % i,
                "email": "pu%d@deny.example" % i})
            self.assertEqual(r.status, 201, r)
        whole = self.d.op("GET", "/v1/tenants/deny/users")
        self.assertNotIn("next", whole.body)
        self.assertEqual(len(whole.body["users"]), 5)
        got, after = [], None
        while True:
            q = "/v1/tenants/deny/users?q=PAGEUSER&limit=2"
            if after:
                q += "&after=" + after
            r = self.d.op("GET", q)
            self.assertEqual(r.status, 200, r)
            got += [u["id"] for u in r.body["users"]]
            after = r.body["next"]
            if after is None:
                break
        self.assertEqual(sorted(got), ["pg-u0", "pg-u1", "pg-u2"])
        r = self.d.op("GET", "/v1/tenants/deny/users?q=pu1@")
        self.assertEqual([u["id"] for u in r.body["users"]], ["pg-u1"])
        r = self.d.op("GET", "/v1/tenants/deny/users?limit=5&vendor=x")
        self.assertEqual(r.status, 400, r)
        r = self.d.op("GET", "/v1/tenants/deny/users?limit=1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.body["users"]), 1)

    def test_user_show_is_recorded_in_the_tenants_log(self):
        start = self.d.log_size()
        r = self.d.op("GET", "/v1/tenants/appr/users/appr-user")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["username"], r.body["role"]),
                         ("user", "user"))
        for k in ("password_hash", "totp_secret", "token"):
            self.assertNotIn(k, r.body)
        (ev,) = self.entries(start, "user.view")
        self.assertEqual((ev["tenant"], ev["target"]), ("appr", "appr-user"))
        r = self.d.op("GET", "/v1/tenants/appr/users/nobody")
        self.assertEqual(r.status, 404, r)
        adm = self.w.tenant_login("appr", at=self.now)
        r = self.d.call("GET", "/v1/tenants/appr/users/appr-user", token=adm)
        self.assertEqual(r.status, 200, r)
        r = self.d.call("GET", "/v1/tenants/auto/users/auto-user", token=adm)
        self.assertEqual(r.status, 403, r)


class PasskeyStanding(PasskeyTest):
    """A passkey signs an engineer in only while they, their vendor and
    the passkey's device are in standing."""

    def test_suspended_vendor_refuses_passkey_sign_in(self):
        auth = Authenticator()
        self.register(auth, self.engineer())
        r = self.d.op("POST", "/v1/vendors/sitel/suspend",
                      {"reason": "vendor audit"})
        self.assertEqual(r.status, 200, r)
        self.sign_in(auth, status=401)
        self.assertIn("auth.passkey refused from 127.0.0.1: "
                      "vendor_inactive", self.d.read_log())
        r = self.d.op("POST", "/v1/vendors/sitel/resume",
                      {"reason": "audit passed"})
        self.assertEqual(r.status, 200, r)
        self.sign_in(auth)
        r = self.d.op("DELETE", "/v1/engineers/eng1/devices/dev1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["passkeys_ended"], 1)
        self.sign_in(auth, status=401)


class ApproverStanding(second.SecondApprovalTest):
    """A second approval given by an engineer of another vendor is vouched
    for by that engineer: offboarding them (or their vendor) ends the
    approved, unused approvals they gave; while they (or their vendor) are
    suspended, those approvals serve nobody (issue 14, review F3)."""

    serial = 0

    def approver(self, vendor="other"):
        """A fresh engineer of vendor (made if new) who approves this
        test's approval of eng1, with access of their own; their id."""
        type(self).serial += 1
        eid = "apr%d" % self.serial
        if vendor != "other":
            r = self.d.op("POST", "/v1/vendors", {"id": vendor,
                                                   "name": vendor})
            self.assertEqual(r.status, 201, r)
        key = nacl.signing.SigningKey.generate()
        pub = base64.b64encode(bytes(key.verify_key)).decode()
        for path, body in (
                ("/v1/engineers", {"id": eid, "username": eid,
                                   "vendor": vendor,
                                   "password": second.ENG_PW,
                                   "totp_secret": TOTP_SECRET}),
                ("/v1/engineers/%s/devices" % eid, {
                    "id": eid + "-dev", "name": "laptop",
                    "public_key": pub})):
            r = self.d.op("POST", path, body)
            self.assertEqual(r.status, 201, r)
        token = self.engineer(eid, eid + "-dev", key)
        r = self.d.call("PUT", "/v1/tenants/%s/support-policy" % self.tid,
                        {"second_approver": "tenant_admin_or_other_vendor"},
                        token=self.admin(self.tid))
        self.assertEqual(r.status, 200, r)
        self.granted(self.tid, token=token)
        self.aid = self.approval()
        r = self.decide(self.aid, token=token)
        self.assertEqual((r.status, r.body["decided_by"]), (200, eid), r)
        return eid

    def change(self, path, status=200):
        r = self.d.op("POST", path, {"reason": "found to be an insider"})
        self.assertEqual(r.status, status, r)
        return r.body

    def assertResetRefused(self, reason):
        m = self.d.log_size()
        r = self.reset(approval=self.aid)
        self.assertRefused(r, 403, code="forbidden")
        self.assertOutcome(self.event(m, "user.password_reset",
                                      tenant=self.tid), reason)

    def test_offboarding_the_approver_ends_the_approvals_they_gave(self):
        eid = self.approver()
        body = self.change("/v1/engineers/%s/offboard" % eid)
        self.assertEqual(body["approvals_cancelled"], 1, body)
        self.assertEqual(self.state(self.aid), "expired")
        self.assertResetRefused("approval_not_valid")

    def test_offboarding_the_approvers_vendor_ends_their_approvals(self):
        eid = self.approver(vendor="insiders")
        body = self.change("/v1/vendors/insiders/offboard")
        self.assertEqual(body["approvals_cancelled"], 1, body)
        self.assertEqual(self.state(self.aid), "expired")
        self.assertResetRefused("approval_not_valid")
        self.change("/v1/engineers/%s/resume" % eid, 409)

    def test_a_suspended_approvers_approval_serves_nobody_until_resumed(
            self):
        eid = self.approver()
        self.change("/v1/engineers/%s/suspend" % eid)
        self.assertResetRefused("approver_inactive")
        self.assertEqual(self.state(self.aid), "approved")
        self.change("/v1/engineers/%s/resume" % eid)
        m = self.d.log_size()
        self.assertEqual(self.reset(approval=self.aid).status, 202)
        self.assertUsedFor(m, "user.password_reset", self.aid)

    def test_a_suspended_approver_vendors_approval_serves_nobody(self):
        self.approver(vendor="audited")
        self.change("/v1/vendors/audited/suspend")
        self.assertResetRefused("approver_inactive")
        self.change("/v1/vendors/audited/resume")
        self.assertEqual(self.reset(approval=self.aid).status, 202)

    def test_the_askers_own_vendor_never_counts_as_the_approver(self):
        """A tenant admin approves; an engineer of eng1's vendor with the
        admin's id, suspended, changes nothing."""
        aid = self.approved()
        r = self.d.call("GET", "/v1/approvals/%s" % aid,
                        token=self.admin(self.tid))
        admin_id = r.body["decided_by"]
        r = self.d.op("POST", "/v1/engineers", {
            "id": admin_id, "username": "u-" + admin_id, "vendor": "sitel",
            "password": second.ENG_PW, "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 201, r)
        self.change("/v1/engineers/%s/suspend" % admin_id)
        self.assertEqual(self.reset(approval=aid).status, 202)


if __name__ == "__main__":
    unittest.main()
