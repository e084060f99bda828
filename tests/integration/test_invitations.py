# SPDX-License-Identifier: ISC
"""Enrolment by invitation, against the real daemon on a test clock.  The
link goes to the person's mailbox (DIR/outbox/new) and never to the
inviter or the log; it works once, for 72 hours, until revoked or replaced
by a newer one; a tenant user chooses a password and proves an
authenticator app (codes made by oathtool from the URI they were given)
and is signed in; the seed is answered to that person only, and stored
sealed.  Engineers and operator persons enrol by passkey only."""
import base64
import os
import re
import time
import unittest
import urllib.parse

import nacl.signing

import harness
from harness import Daemon, DaemonTest, World, fresh_source, totp
from webauthn_soft import Authenticator

STEP = 30
T0 = 1700000000 - 1700000000 % STEP + STEP // 2    # mid-step
GAP = 34 * STEP     # a fresh TOTP step and no throttle left over
TTL = 72 * 3600
PASSWORD = "my first password 1"
LINK_RE = re.compile(r"(\S+)/#/invite/(\S+)")


class InvitationTest(DaemonTest):
    clock = T0
    now = T0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = T0

    def setUp(self):
        self.tick(GAP)

    def tick(self, seconds):
        type(self).now += seconds
        self.d.set_clock(self.now)

    def user(self, uid, tenant="appr", role="user"):
        """A user made without password or second factor."""
        r = self.d.op("POST", "/v1/tenants/%s/users" % tenant, {
            "id": uid, "username": uid, "email": uid + "@mail.example",
            "role": role})
        self.assertEqual(r.status, 201, r)
        return uid

    def mailbox(self):
        return {m["Message-ID"] for m in self.d.mails()}

    def invite(self, uid, tenant="appr", token=None):
        """Invites uid (as the operator, or as token's tenant admin);
        returns (answer, mailed token)."""
        seen = self.mailbox()
        if token is None:
            r = self.d.op("POST", "/v1/invitations", {
                "kind": "tenant_user", "tenant": tenant, "user": uid})
        else:
            r = self.d.call("POST", "/v1/tenants/%s/invitations" % tenant,
                            {"user": uid}, token=token)
        self.assertEqual(r.status, 201, r)
        mails = [m for m in self.d.mails() if m["Message-ID"] not in seen]
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails[0]["To"], uid + "@mail.example")
        body = mails[0].get_payload(decode=True).decode()
        m = LINK_RE.search(body)
        self.assertIsNotNone(m, body)
        return r, m.group(2)

    def open(self, token, source=None):
        return self.d.call("POST", "/v1/invitations/open", {"token": token},
                           source=source)

    def choose(self, token, password=PASSWORD, source=None):
        return self.d.call("POST", "/v1/invitations/password", {
            "token": token, "new_password": password}, source=source)

    def prove(self, token, code, source=None):
        return self.d.call("POST", "/v1/invitations/totp", {
            "token": token, "code": code}, source=source)

    def device(self, token, public_key, name="laptop", source=None):
        return self.d.call("POST", "/v1/invitations/device", {
            "token": token, "name": name, "public_key": public_key},
            source=source)

    def seed_of(self, answer):
        uri = urllib.parse.urlparse(answer.body["totp_uri"])
        self.assertEqual(uri.scheme, "otpauth")
        return urllib.parse.parse_qs(uri.query)["secret"][0]

    def enrol(self, token):
        """Password then code: returns (seed, completion answer)."""
        r = self.choose(token)
        self.assertEqual(r.status, 200, r)
        seed = self.seed_of(r)
        return seed, self.prove(token, totp(seed, at=self.now))

    def entries(self, start, action):
        return [ev for _, ev, _ in self.d.entries(start)
                if ev["action"] == action]

    def leaves(self, start=0):
        return b"".join(p for _, _, p in self.d.plain_entries(start))


class Enrolment(InvitationTest):
    def test_link_is_mailed_and_the_answer_holds_no_token(self):
        uid = self.user("in-mail")
        start = self.d.log_size()
        r, token = self.invite(uid)
        self.assertEqual(set(r.body),
                         {"id", "kind", "expires_at", "delivered_to"})
        self.assertTrue(r.body["id"].startswith("inv_"))
        self.assertNotIn(token, r.raw)
        self.assertNotIn("in-mail@mail.example", r.raw)
        self.assertIn("***", r.body["delivered_to"])
        # the operator's list and every entry hold no token either
        lst = self.d.op("GET", "/v1/invitations")
        self.assertEqual(lst.status, 200, lst)
        self.assertNotIn(token, lst.raw)
        mine = [i for i in lst.body["invitations"] if i["id"] == r.body["id"]]
        self.assertEqual(mine[0]["state"], "pending")
        self.assertEqual(mine[0]["principal"], uid)
        (ev,) = self.entries(start, "invitation.create")
        self.assertEqual((ev["outcome"], ev["tenant"], ev["target"]),
                         ("allowed", "appr", uid), ev)
        self.assertNotIn(token.encode(), self.leaves(start))

    def test_user_enrols_with_password_and_totp_and_is_signed_in(self):
        uid = self.user("in-enrol")
        start = self.d.log_size()
        _, token = self.invite(uid)
        o = self.open(token)
        self.assertEqual(o.status, 200, o)
        self.assertEqual(o.body["kind"], "tenant_user")
        self.assertEqual(o.body["username"], uid)
        self.assertEqual(o.body["tenant"], "appr")
        self.assertEqual(o.body["tenant_name"], "Tenant appr")
        self.assertEqual(o.body["offers"], ["passkey", "password_totp"])
        c = self.choose(token)
        self.assertEqual(c.status, 200, c)
        self.assertTrue(c.body["totp_qr_svg"].startswith("<svg "))
        self.assertIn("<path", c.body["totp_qr_svg"])
        self.assertNotIn("<script", c.body["totp_qr_svg"])
        self.assertEqual(c.headers.get("Cache-Control"), "no-store")
        seed = self.seed_of(c)
        p = self.prove(token, totp(seed, at=self.now))
        self.assertEqual(p.status, 200, p)
        self.assertEqual((p.body["kind"], p.body["id"], p.body["tenant"]),
                         ("tenant_user", uid, "appr"))
        # the session works, and the account now logs in by itself
        out = self.d.call("POST", "/v1/auth/logout", token=p.body["token"])
        self.assertEqual(out.status, 200, out)
        self.tick(GAP)
        r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
            "username": uid, "password": PASSWORD,
            "totp": totp(seed, at=self.now)})
        self.assertEqual(r.status, 200, r)
        (ev,) = self.entries(start, "invitation.complete")
        self.assertEqual((ev["outcome"], ev["tenant"], ev["actor"]["id"]),
                         ("allowed", "appr", uid), ev)

    def test_console_completion_sets_a_cookie_and_answers_no_token(self):
        uid = self.user("in-cookie")
        _, token = self.invite(uid)
        c = self.choose(token)
        self.assertEqual(c.status, 200, c)
        p = self.d.call("POST", "/v1/invitations/totp", {
            "token": token, "code": totp(self.seed_of(c), at=self.now),
            "session": "cookie"})
        self.assertEqual(p.status, 200, p)
        self.assertNotIn("token", p.body)
        self.assertIs(p.body["cookie"], True)
        cookie = p.headers.get("Set-Cookie", "")
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)

    def test_seed_is_shown_to_the_person_enrolling_only(self):
        uid = self.user("in-seed")
        start = self.d.log_size()
        inv, token = self.invite(uid)
        seed, p = self.enrol(token)
        self.assertEqual(p.status, 200, p)
        raw = base64.b32decode(seed + "=" * (-len(seed) % 8))
        # not in any entry, not in the inviter's list or the user list
        leaves = self.leaves(start)
        self.assertNotIn(seed.encode(), leaves)
        self.assertNotIn(seed.lower().encode(), leaves)
        self.assertNotIn(token.encode(), leaves)
        for r in (self.d.op("GET", "/v1/invitations"),
                  self.d.op("GET", "/v1/tenants/appr/invitations")):
            self.assertEqual(r.status, 200, r)
            self.assertNotIn(seed, r.raw)
            self.assertNotIn(seed.lower(), r.raw)
        # not in the database file in clear: sealed for its row
        if harness.PG:
            print("skipped on PostgreSQL: the scan of the SQLite file")
            return
        data = b""
        for name in os.listdir(self.d.data):
            if name.startswith("custos.db") or name.endswith(".db") or \
                    "-wal" in name:
                with open(os.path.join(self.d.data, name), "rb") as f:
                    data += f.read()
        self.assertTrue(data)
        self.assertNotIn(raw, data)
        self.assertNotIn(seed.encode(), data)

    def test_link_works_once(self):
        uid = self.user("in-once")
        _, token = self.invite(uid)
        seed, p = self.enrol(token)
        self.assertEqual(p.status, 200, p)
        self.tick(GAP)
        for r in (self.open(token, source=fresh_source()),
                  self.choose(token, "another password 99",
                              source=fresh_source()),
                  self.prove(token, totp(seed, at=self.now),
                             source=fresh_source())):
            self.assertEqual(r.status, 400, r)
            self.assertIn("'token'", r.body["error"]["message"])
        start = self.d.log_size()
        r = self.open(token, source=fresh_source())
        self.assertEqual(r.status, 400, r)
        (ev,) = self.entries(start, "invitation.open")
        self.assertEqual((ev["outcome"], ev["reason"]),
                         ("denied", "invitation_used"), ev)
        lst = self.d.op("GET", "/v1/tenants/appr/invitations")
        states = {i["principal"]: i["state"] for i in lst.body["invitations"]}
        self.assertEqual(states[uid], "used")

    def test_link_expires_after_72_hours(self):
        uid = self.user("in-expiry")
        _, token = self.invite(uid)
        self.tick(TTL - GAP - 60)
        self.assertEqual(self.open(token).status, 200)
        c = self.choose(token)
        self.assertEqual(c.status, 200, c)
        self.tick(61 + GAP)
        start = self.d.log_size()
        src = fresh_source()
        r = self.prove(token, totp(self.seed_of(c), at=self.now), source=src)
        self.assertEqual(r.status, 400, r)
        self.assertNotIn("token", r.body)
        (ev,) = self.entries(start, "invitation.complete")
        self.assertEqual((ev["outcome"], ev["reason"]),
                         ("denied", "invitation_expired"), ev)
        self.assertEqual(self.open(token, source=fresh_source()).status, 400)

    def test_revoked_link_is_refused(self):
        uid = self.user("in-revoke")
        inv, token = self.invite(uid)
        r = self.d.op("DELETE", "/v1/invitations/" + inv.body["id"])
        self.assertEqual(r.status, 200, r)
        start = self.d.log_size()
        r = self.open(token, source=fresh_source())
        self.assertEqual(r.status, 400, r)
        (ev,) = self.entries(start, "invitation.open")
        self.assertEqual(ev["reason"], "invitation_revoked", ev)
        r = self.d.op("DELETE", "/v1/invitations/" + inv.body["id"])
        self.assertEqual(r.status, 409, r)
        r = self.d.op("DELETE", "/v1/invitations/inv_nosuch")
        self.assertEqual(r.status, 404, r)

    def test_a_newer_invitation_ends_the_older(self):
        uid = self.user("in-newer")
        _, older = self.invite(uid)
        _, newer = self.invite(uid)
        self.assertNotEqual(older, newer)
        self.assertEqual(self.open(older, source=fresh_source()).status,
                         400)
        self.assertEqual(self.open(newer).status, 200)

    def test_wrong_token_is_refused_and_recorded(self):
        start = self.d.log_size()
        src = fresh_source()
        r = self.open("civ_" + "a" * 52, source=src)
        self.assertEqual(r.status, 400, r)
        (ev,) = self.entries(start, "invitation.open")
        self.assertEqual((ev["outcome"], ev["reason"]),
                         ("denied", "invitation_unknown"), ev)
        r = self.choose("not-a-token", source=fresh_source())
        self.assertEqual(r.status, 400, r)
        self.assertNotIn("totp_uri", r.raw)

    def test_wrong_code_does_not_enrol(self):
        uid = self.user("in-code")
        _, token = self.invite(uid)
        c = self.choose(token)
        seed = self.seed_of(c)
        good = totp(seed, at=self.now)
        bad = "%06d" % ((int(good) + 1) % 1000000)
        start = self.d.log_size()
        r = self.prove(token, bad)
        self.assertEqual(r.status, 401, r)
        self.assertNotIn("token", r.body)
        (ev,) = self.entries(start, "invitation.complete")
        self.assertEqual((ev["outcome"], ev["reason"]),
                         ("denied", "bad_credentials"), ev)
        # the account still cannot log in, the invitation still works
        self.tick(GAP)
        r = self.prove(token, totp(seed, at=self.now))
        self.assertEqual(r.status, 200, r)

    def test_code_before_password_is_refused(self):
        uid = self.user("in-order")
        _, token = self.invite(uid)
        r = self.prove(token, "123456")
        self.assertEqual(r.status, 409, r)

    def test_weak_password_is_refused(self):
        uid = self.user("in-weak")
        _, token = self.invite(uid)
        r = self.choose(token, "short")
        self.assertEqual(r.status, 400, r)
        self.assertIn("new_password", r.body["error"]["message"])

    def test_account_without_password_cannot_log_in(self):
        uid = self.user("in-nopw")
        for pw in ("", "any password at all"):
            r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
                "username": uid, "password": pw or "x" * 12},
                source=fresh_source())
            self.assertEqual(r.status, 401, r)


class WhoMayInvite(InvitationTest):
    def test_tenant_admin_invites_their_own_users_only(self):
        adm = self.w.tenant_login("appr", at=self.now)
        uid = self.user("in-byadmin")
        inv, token = self.invite(uid, token=adm)
        self.assertNotIn(token, inv.raw)
        lst = self.d.call("GET", "/v1/tenants/appr/invitations", token=adm)
        self.assertEqual(lst.status, 200, lst)
        self.assertIn(inv.body["id"],
                      [i["id"] for i in lst.body["invitations"]])
        self.assertNotIn(token, lst.raw)
        # another tenant's users and invitations are not theirs
        other = self.user("in-other", tenant="auto")
        r = self.d.call("POST", "/v1/tenants/auto/invitations",
                        {"user": other}, token=adm)
        self.assertEqual(r.status, 403, r)
        r = self.d.call("POST", "/v1/tenants/appr/invitations",
                        {"user": other}, token=adm)
        self.assertEqual(r.status, 404, r)
        r = self.d.call("GET", "/v1/invitations", token=adm)
        self.assertEqual(r.status, 403, r)
        r = self.d.call("DELETE", "/v1/tenants/appr/invitations/" +
                        inv.body["id"], token=adm)
        self.assertEqual(r.status, 200, r)

    def test_tenant_admin_sees_their_user_enrol_in_their_log(self):
        adm = self.w.tenant_login("appr", at=self.now)
        uid = self.user("in-seen")
        start = self.d.log_size()
        inv, token = self.invite(uid)
        seed, p = self.enrol(token)
        self.assertEqual(p.status, 200, p)
        r = self.d.call("GET", "/v1/tenants/appr/access-log", token=adm)
        self.assertEqual(r.status, 200, r)
        mine = [x["event"] for x in r.body["entries"] if x["index"] >= start]
        acts = [ev["action"] for ev in mine]
        for a in ("invitation.create", "invitation.password",
                  "invitation.complete"):
            self.assertIn(a, acts, acts)
        self.assertNotIn(token, r.raw)
        self.assertNotIn(seed, r.raw)

    def test_email_of_a_user_invitation_cannot_be_redirected(self):
        uid = self.user("in-redirect")
        r = self.d.op("POST", "/v1/invitations", {
            "kind": "tenant_user", "tenant": "appr", "user": uid,
            "email": "attacker@evil.example"})
        self.assertEqual(r.status, 400, r)

    def test_engineer_may_not_invite(self):
        self.tick(GAP)
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        eng = r.body["token"]
        for path in ("/v1/invitations", "/v1/tenants/auto/invitations"):
            r = self.d.call("POST", path, {"user": "auto-user"}, token=eng)
            self.assertEqual(r.status, 403, r)


class Engineers(InvitationTest):
    def test_engineer_without_password_enrols_by_passkey_only(self):
        r = self.d.op("POST", "/v1/engineers", {
            "id": "eng-inv", "username": "eng-inv", "vendor": "sitel"})
        self.assertEqual(r.status, 201, r)
        self.assertNotIn("totp_uri", r.body)
        pub = base64.b64encode(bytes(32)).decode()
        r = self.d.op("POST", "/v1/engineers/eng-inv/devices", {
            "id": "dev-inv", "name": "laptop", "public_key": pub})
        self.assertEqual(r.status, 201, r)
        # a device of another engineer is refused
        r = self.d.op("POST", "/v1/invitations", {
            "kind": "engineer", "engineer": "eng-inv", "device": "dev1",
            "email": "eng@vendor.example"})
        self.assertEqual(r.status, 404, r)
        seen = self.mailbox()
        r = self.d.op("POST", "/v1/invitations", {
            "kind": "engineer", "engineer": "eng-inv", "device": "dev-inv",
            "email": "eng@vendor.example"})
        self.assertEqual(r.status, 201, r)
        (mail,) = [m for m in self.d.mails() if m["Message-ID"] not in seen]
        self.assertEqual(mail["To"], "eng@vendor.example")
        token = LINK_RE.search(mail.get_payload(decode=True).decode()).group(2)
        o = self.open(token)
        self.assertEqual(o.status, 200, o)
        self.assertEqual((o.body["kind"], o.body["offers"], o.body["device"]),
                         ("engineer", ["passkey", "password_totp"],
                          "dev-inv"))
        # the device named, the CLI's password and TOTP may be chosen
        r = self.choose(token)
        self.assertEqual(r.status, 200, r)
        self.assertIn("totp_uri", r.body)
        # and no second device is registered on this invitation
        r = self.device(token, base64.b64encode(bytes(range(32))).decode())
        self.assertEqual(r.status, 409, r)



class EngineerDevice(InvitationTest):
    """An engineer invited without a device registers the key pair
    `custos keygen` made, chooses a password and proves TOTP: then the
    CLI's login (password, TOTP, the device's signature) works."""

    def engineer(self, eid):
        r = self.d.op("POST", "/v1/engineers", {
            "id": eid, "username": eid, "vendor": "sitel"})
        self.assertEqual(r.status, 201, r)
        return eid

    def invite_engineer(self, eid, device=None):
        seen = self.mailbox()
        body = {"kind": "engineer", "engineer": eid,
                "email": eid + "@vendor.example"}
        if device is not None:
            body["device"] = device
        r = self.d.op("POST", "/v1/invitations", body)
        self.assertEqual(r.status, 201, r)
        (mail,) = [m for m in self.d.mails() if m["Message-ID"] not in seen]
        return r, LINK_RE.search(
            mail.get_payload(decode=True).decode()).group(2)

    @staticmethod
    def keypair():
        key = nacl.signing.SigningKey.generate()
        return key, base64.b64encode(bytes(key.verify_key)).decode()

    def test_registers_a_device_enrols_and_logs_in_by_the_cli_path(self):
        eid = self.engineer("ed-eng")
        start = self.d.log_size()
        inv, token = self.invite_engineer(eid)
        o = self.open(token)
        self.assertEqual(o.status, 200, o)
        self.assertEqual((o.body["kind"], o.body["offers"]),
                         ("engineer", ["device", "password_totp"]))
        self.assertNotIn("device", o.body)
        # the password waits for the device
        r = self.choose(token)
        self.assertEqual(r.status, 409, r)
        self.assertNotIn("totp_uri", r.raw)
        key, pub = self.keypair()
        r = self.device(token, pub)
        self.assertEqual(r.status, 201, r)
        dev = r.body["device"]
        self.assertTrue(dev.startswith("dev"), r.body)
        self.assertEqual(r.body["engineer"], eid)
        (ev,) = self.entries(start, "invitation.device")
        self.assertEqual((ev["outcome"], ev["target"]),
                         ("allowed", inv.body["id"]), ev)
        self.assertIn(dev.encode(), self.leaves(start))
        self.assertIn(eid, repr(ev))
        self.assertNotIn(token.encode(), self.leaves(start))
        # the device is the engineer's, as the operator sees it
        lst = self.d.op("GET", "/v1/engineers")
        self.assertEqual(lst.status, 200, lst)
        self.assertIn(dev, lst.raw)
        o = self.open(token)
        self.assertEqual((o.body["offers"], o.body["device"]),
                         (["passkey", "password_totp"], dev))
        # one device per invitation
        _, pub2 = self.keypair()
        r = self.device(token, pub2)
        self.assertEqual(r.status, 409, r)
        c = self.choose(token)
        self.assertEqual(c.status, 200, c)
        seed = self.seed_of(c)
        done = self.prove(token, totp(seed, at=self.now))
        self.assertEqual(done.status, 200, done)
        self.assertEqual((done.body["done"], done.body["kind"],
                          done.body["id"]), (True, "engineer", eid))
        # not signed in: no session, no cookie
        self.assertNotIn("session", done.body)
        self.assertNotIn("token", done.body)
        self.assertIsNone(done.headers.get("Set-Cookie"))
        (ev,) = self.entries(start, "invitation.complete")
        self.assertEqual(ev["outcome"], "allowed", ev)
        # used: every step refuses the token
        self.assertEqual(self.open(token).status, 400)
        self.assertEqual(self.device(token, pub2).status, 400)
        self.assertEqual(self.choose(token).status, 400)
        # the CLI's two-step login, with a fresh code
        self.tick(STEP)
        r = self.w.engineer_login(username=eid, password=PASSWORD,
                                  device=dev, key=key,
                                  code=totp(seed, at=self.now))
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body["token"])
        # a wrong device key does not log in
        self.tick(STEP)
        other, _ = self.keypair()
        r = self.w.engineer_login(username=eid, password=PASSWORD,
                                  device=dev, key=other,
                                  code=totp(seed, at=self.now))
        self.assertNotEqual(r.status, 200, r)

    def test_a_second_device_by_invitation_is_a_new_credential(self):
        """A device registered through an invitation link is, for the
        rules, what one the operator adds is: a second one on an account
        that then enters a tenant raises credential_then_access."""
        self.tick(31)
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        eng = r.body["token"]
        _, token = self.invite_engineer("eng1")
        r = self.device(token, self.keypair()[1], name="second laptop")
        self.assertEqual(r.status, 201, r)
        r = self.d.call("GET", "/v1/tenants/auto/users", token=eng)
        self.assertEqual(r.status, 200, r)
        deadline = time.monotonic() + 10
        found = []
        while time.monotonic() < deadline and not found:
            found = [a for a in self.d.op("GET", "/v1/alerts").body[
                "alerts"] if a["rule"] == "credential_then_access" and
                a["subject"] == "eng1"]
            time.sleep(0.1)
        self.assertEqual(len(found), 1, found)

    def test_device_refusals(self):
        eid = self.engineer("ed-ref")
        _, token = self.invite_engineer(eid)
        for bad_key in ("not base64!", base64.b64encode(bytes(31)).decode(),
                        base64.b64encode(bytes(33)).decode()):
            r = self.device(token, bad_key)
            self.assertEqual(r.status, 400, (bad_key, r))
            self.assertIn("public_key", r.body["error"]["message"])
        r = self.d.call("POST", "/v1/invitations/device", {
            "token": token, "public_key": self.keypair()[1]})
        self.assertEqual(r.status, 400, r)
        # nothing was bound
        self.assertEqual(self.open(token).body["offers"],
                         ["device", "password_totp"])
        r = self.device("civ_" + "0" * 40, self.keypair()[1],
                        source=fresh_source())
        self.assertEqual(r.status, 400, r)
        # a tenant user's invitation registers no device
        uid = self.user("ed-user")
        _, utoken = self.invite(uid)
        r = self.device(utoken, self.keypair()[1])
        self.assertEqual(r.status, 400, r)
        # a revoked invitation neither
        inv, token2 = self.invite_engineer(eid)
        self.assertEqual(self.device(token, self.keypair()[1]).status, 400)
        r = self.d.op("DELETE", "/v1/invitations/" + inv.body["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.device(token2, self.keypair()[1]).status, 400)

    def test_contained_engineer_registers_no_device(self):
        eid = self.engineer("ed-cont")
        _, token = self.invite_engineer(eid)
        r = self.d.op("POST", "/v1/containment", {
            "engineer": eid, "reason": "stolen laptop reported"})
        self.assertIn(r.status, (200, 201), r)
        r = self.device(token, self.keypair()[1])
        self.assertEqual(r.status, 403, r)
        self.assertIn("contained", r.body["error"]["message"])
        self.assertEqual(self.open(token).body["offers"],
                         ["device", "password_totp"])

    def test_enrolment_ends_the_engineers_sessions(self):
        # eng1 (harness World) signs in, then is re-enrolled by invitation
        self.tick(STEP)
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        old = r.body["token"]
        self.assertEqual(self.d.call("GET", "/v1/session",
                                     token=old).status, 200)
        _, token = self.invite_engineer("eng1", device="dev1")
        seed, done = self.enrol(token)
        self.assertEqual(done.status, 200, done)
        self.assertTrue(done.body["done"])
        self.assertEqual(self.d.call("GET", "/v1/session",
                                     token=old).status, 401)
        self.tick(STEP)
        r = self.w.engineer_login(password=PASSWORD,
                                  code=totp(seed, at=self.now))
        self.assertEqual(r.status, 200, r)


class ByPasskey(unittest.TestCase):
    """Engineers, tenant users and operator persons enrol by passkey
    (a software authenticator, tests/integration/webauthn_soft.py) against
    a custosd whose public URL, and so WebAuthn origin, is
    http://localhost:PORT."""
    now = T0

    @classmethod
    def setUpClass(cls):
        port = harness.free_port()
        orig = harness.free_port
        harness.free_port = lambda: port
        try:
            cls.d = Daemon(clock=T0, extra=[
                "--public-url", "http://localhost:%d" % port])
        finally:
            harness.free_port = orig
        cls.origin = "http://localhost:%d" % port
        cls.w = World(cls.d)

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def mailed_token(self, body):
        seen = {m["Message-ID"] for m in self.d.mails()}
        r = self.d.op("POST", "/v1/invitations", body)
        self.assertEqual(r.status, 201, r)
        (mail,) = [m for m in self.d.mails() if m["Message-ID"] not in seen]
        text = mail.get_payload(decode=True).decode()
        return r, LINK_RE.search(text).group(2)

    def enrol(self, auth, token, status=201, **create):
        r = self.d.call("POST", "/v1/passkeys/options",
                        {"invitation": token})
        self.assertEqual(r.status, 200, r)
        cred = auth.create(r.body, self.origin, **create)
        return r.body, self.d.call("POST", "/v1/passkeys", {
            "invitation": token, "challenge_id": r.body["challenge_id"],
            "credential": cred, "name": "laptop passkey"})

    def sign_in(self, auth):
        r = self.d.call("POST", "/v1/auth/passkey/options", {})
        self.assertEqual(r.status, 200, r)
        cred = auth.get(r.body, self.origin)
        return self.d.call("POST", "/v1/auth/passkey", {
            "challenge_id": r.body["challenge_id"], "credential": cred})

    def test_engineer_enrols_a_passkey_for_the_invited_device(self):
        r = self.d.op("POST", "/v1/engineers", {
            "id": "pk-eng", "username": "pk-eng", "vendor": "sitel"})
        self.assertEqual(r.status, 201, r)
        pub = base64.b64encode(bytes(range(32))).decode()
        r = self.d.op("POST", "/v1/engineers/pk-eng/devices", {
            "id": "pk-dev", "name": "laptop", "public_key": pub})
        self.assertEqual(r.status, 201, r)
        start = self.d.log_size()
        _, token = self.mailed_token({
            "kind": "engineer", "engineer": "pk-eng", "device": "pk-dev",
            "email": "pk-eng@vendor.example"})
        auth = Authenticator()
        opts, r = self.enrol(auth, token)
        self.assertEqual(opts["publicKey"]["user"]["name"],
                         "pk-eng (pk-dev)")
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.body["device"], r.body["name"]),
                         ("pk-dev", "laptop passkey"))
        self.assertTrue(r.body["id"].startswith("pk_"))
        self.assertTrue(r.body["token"])
        me = self.d.call("GET", "/v1/session", token=r.body["token"])
        self.assertEqual((me.status, me.body["kind"], me.body["id"]),
                         (200, "engineer", "pk-eng"), me)
        # the invitation is spent; the passkey signs in for that device
        again = self.d.call("POST", "/v1/passkeys/options",
                            {"invitation": token}, source=fresh_source())
        self.assertEqual(again.status, 400, again)
        s = self.sign_in(auth)
        self.assertEqual(s.status, 200, s)
        self.assertEqual((s.body["kind"], s.body["id"]),
                         ("engineer", "pk-eng"))
        evs = [ev for _, ev, _ in self.d.entries(start)
               if ev["action"] == "passkey.register"]
        self.assertEqual(len(evs), 1, evs)
        self.assertEqual((evs[0]["outcome"], evs[0]["actor"]["kind"],
                          evs[0]["device"]),
                         ("allowed", "engineer", "pk-dev"), evs[0])
        self.assertNotIn(token.encode(),
                         b"".join(p for _, _, p in self.d.plain_entries(
                             start)))

    def test_passkey_waits_for_the_device_the_engineer_registers(self):
        r = self.d.op("POST", "/v1/engineers", {
            "id": "pk-nodev", "username": "pk-nodev", "vendor": "sitel"})
        self.assertEqual(r.status, 201, r)
        _, token = self.mailed_token({
            "kind": "engineer", "engineer": "pk-nodev",
            "email": "pk-nodev@vendor.example"})
        r = self.d.call("POST", "/v1/passkeys/options",
                        {"invitation": token})
        self.assertEqual(r.status, 409, r)
        pub = base64.b64encode(bytes(range(2, 34))).decode()
        r = self.d.call("POST", "/v1/invitations/device", {
            "token": token, "name": "laptop", "public_key": pub})
        self.assertEqual(r.status, 201, r)
        dev = r.body["device"]
        auth = Authenticator()
        _, r = self.enrol(auth, token)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["device"], dev)
        s = self.sign_in(auth)
        self.assertEqual((s.status, s.body.get("id")), (200, "pk-nodev"), s)

    def test_contained_engineer_does_not_enrol(self):
        r = self.d.op("POST", "/v1/engineers", {
            "id": "pk-cont", "username": "pk-cont", "vendor": "sitel"})
        self.assertEqual(r.status, 201, r)
        pub = base64.b64encode(bytes(range(1, 33))).decode()
        r = self.d.op("POST", "/v1/engineers/pk-cont/devices", {
            "id": "pk-cont-dev", "name": "laptop", "public_key": pub})
        self.assertEqual(r.status, 201, r)
        _, token = self.mailed_token({
            "kind": "engineer", "engineer": "pk-cont",
            "device": "pk-cont-dev", "email": "c@vendor.example"})
        r = self.d.op("POST", "/v1/containment", {
            "engineer": "pk-cont", "reason": "stolen laptop reported"})
        self.assertIn(r.status, (200, 201), r)
        r = self.d.call("POST", "/v1/passkeys/options",
                        {"invitation": token})
        self.assertEqual(r.status, 403, r)
        self.assertIn("contained", r.body["error"]["message"])

    def test_tenant_user_enrols_a_passkey_and_is_signed_in(self):
        r = self.d.op("POST", "/v1/tenants/appr/users", {
            "id": "pk-user", "username": "pk-user",
            "email": "pk-user@mail.example"})
        self.assertEqual(r.status, 201, r)
        _, token = self.mailed_token({"kind": "tenant_user",
                                      "tenant": "appr", "user": "pk-user"})
        auth = Authenticator()
        _, r = self.enrol(auth, token)
        self.assertEqual(r.status, 201, r)
        me = self.d.call("GET", "/v1/session", token=r.body["token"])
        self.assertEqual((me.status, me.body["kind"], me.body["id"],
                          me.body["tenant"]),
                         (200, "tenant_user", "pk-user", "appr"), me)
        s = self.sign_in(auth)
        self.assertEqual((s.status, s.body.get("id")), (200, "pk-user"), s)
        # single use: the password path is closed too
        r = self.d.call("POST", "/v1/invitations/password", {
            "token": token, "new_password": PASSWORD},
            source=fresh_source())
        self.assertEqual(r.status, 400, r)

    def test_operator_person_is_made_when_they_enrol(self):
        r, token = self.mailed_token({"kind": "operator",
                                      "username": "pk-ops",
                                      "email": "ops@custos.example"})
        lst = self.d.op("GET", "/v1/operators")
        self.assertNotIn("pk-ops", lst.raw)
        auth = Authenticator()
        _, r = self.enrol(auth, token)
        self.assertEqual(r.status, 201, r)
        me = self.d.call("GET", "/v1/session", token=r.body["token"])
        self.assertEqual((me.status, me.body["kind"]), (200, "operator"), me)
        lst = self.d.op("GET", "/v1/operators")
        self.assertIn("pk-ops", lst.raw)
        s = self.sign_in(auth)
        self.assertEqual((s.status, s.body.get("kind")), (200, "operator"),
                         s)
        # a second invitation for the same name is refused now
        r = self.d.op("POST", "/v1/invitations", {
            "kind": "operator", "username": "pk-ops",
            "email": "ops2@custos.example"})
        self.assertEqual(r.status, 409, r)

    def test_revoked_or_expired_invitation_registers_no_passkey(self):
        for uid in ("pk-rev", "pk-exp"):
            r = self.d.op("POST", "/v1/tenants/appr/users", {
                "id": uid, "username": uid, "email": uid + "@mail.example"})
            self.assertEqual(r.status, 201, r)
        inv, rev = self.mailed_token({"kind": "tenant_user",
                                      "tenant": "appr", "user": "pk-rev"})
        r = self.d.call("POST", "/v1/passkeys/options", {"invitation": rev})
        self.assertEqual(r.status, 200, r)
        cred = Authenticator().create(r.body, self.origin)
        self.assertEqual(self.d.op("DELETE", "/v1/invitations/" +
                                   inv.body["id"]).status, 200)
        r2 = self.d.call("POST", "/v1/passkeys", {
            "invitation": rev, "challenge_id": r.body["challenge_id"],
            "credential": cred})
        self.assertEqual(r2.status, 400, r2)
        self.assertNotIn("token", r2.body)
        _, exp = self.mailed_token({"kind": "tenant_user", "tenant": "appr",
                                    "user": "pk-exp"})
        # The clock only moves forward: later tests invite afresh.
        type(self).now = max(type(self).now, T0) + TTL + 1
        self.d.set_clock(self.now)
        r = self.d.call("POST", "/v1/passkeys/options", {"invitation": exp})
        self.assertEqual(r.status, 400, r)

    def test_challenge_of_another_invitation_is_refused(self):
        for uid in ("pk-a", "pk-b"):
            r = self.d.op("POST", "/v1/tenants/appr/users", {
                "id": uid, "username": uid, "email": uid + "@mail.example"})
            self.assertEqual(r.status, 201, r)
        _, ta = self.mailed_token({"kind": "tenant_user", "tenant": "appr",
                                   "user": "pk-a"})
        _, tb = self.mailed_token({"kind": "tenant_user", "tenant": "appr",
                                   "user": "pk-b"})
        r = self.d.call("POST", "/v1/passkeys/options", {"invitation": ta})
        cred = Authenticator().create(r.body, self.origin)
        r = self.d.call("POST", "/v1/passkeys", {
            "invitation": tb, "challenge_id": r.body["challenge_id"],
            "credential": cred})
        self.assertEqual(r.status, 400, r)
        self.assertNotIn("token", r.body)
        # a page of another origin does not enrol either
        opts = self.d.call("POST", "/v1/passkeys/options",
                           {"invitation": tb}).body
        cred = Authenticator().create(opts, "http://evil.example")
        r = self.d.call("POST", "/v1/passkeys", {
            "invitation": tb, "challenge_id": opts["challenge_id"],
            "credential": cred})
        self.assertEqual(r.status, 400, r)
        # both invitations still work
        _, r = self.enrol(Authenticator(), tb)
        self.assertEqual(r.status, 201, r)


if __name__ == "__main__":
    unittest.main()
