# SPDX-License-Identifier: ISC
"""Passkeys (issue 13), against the real custosd with a software
authenticator (webauthn_soft.py) playing the browser:

    POST /v1/passkeys/options, POST /v1/passkeys   register one's own
    GET /v1/passkeys, DELETE /v1/passkeys/{id}      list, remove
    POST /v1/auth/passkey/options, /v1/auth/passkey sign in (discoverable)
    POST /v1/step-up/options + "step_up" in approve/deny/revoke and in
    second approvals' answers
    POST /v1/operators                              operator persons

for a tenant admin, an engineer on a device session and an operator
person; what is refused (another origin, a replayed challenge, another
person's credential, a step-up bound to another target, a counter that
did not grow, a contained engineer) and what each leaves in the log;
containment ending passkeys, the operator's and tenant admins' control
over others' passkeys, what detection reads of them, and the challenge
table's shares (issue 13 review).

custosd runs with --public-url http://localhost:PORT: its RP ID is
"localhost" and its origin that URL (CONSOLE.md section 1)."""
import http.client
import json
import time
import unittest

import harness
from harness import Daemon, World, fresh_source, totp
from webauthn_soft import HAVE_ES256, Authenticator, b64u, unb64u

STEP = 30
T0 = 1800000000 - 1800000000 % STEP + STEP // 2
REASON = "customer reported a login problem in ticket 1"


def start_daemon(clock):
    """custosd whose public URL is http://localhost:<its port>."""
    port = harness.free_port()
    orig = harness.free_port
    harness.free_port = lambda: port
    try:
        d = Daemon(clock=clock, quiet=False, extra=[
            "--public-url", "http://localhost:%d" % port])
    finally:
        harness.free_port = orig
    d.origin = "http://localhost:%d" % port
    return d


class PasskeyTest(unittest.TestCase):
    now = T0

    @classmethod
    def setUpClass(cls):
        cls.d = start_daemon(T0)
        cls.w = World(cls.d)
        cls.now = T0
        # A second tenant that needs approval, whose admin has no passkey.
        ok = lambda r: r.status == 201 or harness._fail(r)
        ok(cls.d.op("POST", "/v1/tenants", {
            "id": "plain", "name": "Tenant plain",
            "support_policy": "approval_required"}))
        ok(cls.d.op("POST", "/v1/tenants/plain/users", {
            "id": "plain-admin", "username": "admin",
            "email": "admin@plain.example", "password": "admin password 12",
            "role": "admin", "totp_secret": harness.TOTP_SECRET}))
        ok(cls.d.op("POST", "/v1/tenants/plain/tickets", {
            "id": "plain-t1", "subject": "cannot log in", "body": "help",
            "requester": "user@plain.example"}))

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def tick(self, s=STEP):
        type(self).now += s
        self.d.set_clock(self.now)

    def admin(self, tid="appr"):
        self.tick()
        return self.w.tenant_login(tid, at=self.now)

    def engineer(self):
        self.tick()
        r = self.w.engineer_login(at=self.now)
        self.assertEqual(r.status, 200, r)
        return r.body["token"]

    def entry(self, action, start, **match):
        """The one entry of action from log index start on that matches."""
        found = [e for _, e, _ in self.d.entries(start)
                 if e["action"] == action and all(
                     e.get(k) == v for k, v in match.items())]
        self.assertEqual(len(found), 1, (action, match, found))
        return found[0]

    def register(self, auth, token, body=None, name=None, origin=None,
                 status=201, step_up=None, **create):
        """Registers a new passkey of auth's; step_up: (authenticator,
        own id) to step up with one the person has."""
        r = self.d.call("POST", "/v1/passkeys/options", body or {},
                        token=token)
        self.assertEqual(r.status, 200, r)
        opts = r.body
        cred = auth.create(opts, origin or self.d.origin, **create)
        body = dict(body or {}, challenge_id=opts["challenge_id"],
                    credential=cred)
        if step_up:
            extra = {"cred_id": step_up[2]} if len(step_up) > 2 else {}
            body["step_up"] = self.step_up(step_up[0], token,
                                           "passkey.register", step_up[1],
                                           **extra)
        if name:
            body["name"] = name
        r = self.d.call("POST", "/v1/passkeys", body, token=token)
        self.assertEqual(r.status, status, r)
        return r, opts, cred

    def sign_in(self, auth, status=200, source=None, **get):
        r = self.d.call("POST", "/v1/auth/passkey/options", {},
                        source=source)
        self.assertEqual(r.status, 200, r)
        opts = r.body
        cred = auth.get(opts, get.pop("origin", self.d.origin), **get)
        r = self.d.call("POST", "/v1/auth/passkey", {
            "challenge_id": opts["challenge_id"], "credential": cred},
            source=source)
        self.assertEqual(r.status, status, r)
        return r

    def step_up(self, auth, token, action, target, **get):
        r = self.d.call("POST", "/v1/step-up/options", {
            "action": action, "target": target}, token=token)
        self.assertEqual(r.status, 200, r)
        return {"challenge_id": r.body["challenge_id"],
                "credential": auth.get(r.body, get.pop(
                    "origin", self.d.origin), **get)}

    def ask(self, eng, tid="appr"):
        r = self.d.call("POST", "/v1/tenants/%s/access-requests" % tid, {
            "ticket": tid + "-t1", "reason": REASON, "minutes": 30},
            token=eng)
        self.assertEqual(r.status, 201, r)
        return r.body["id"]


class TenantAdminPasskey(PasskeyTest):

    def test_1_register_options_shape(self):
        admin = self.admin()
        r = self.d.call("POST", "/v1/passkeys/options", {}, token=admin)
        self.assertEqual(r.status, 200, r)
        pk = r.body["publicKey"]
        self.assertTrue(r.body["challenge_id"].startswith("ch_"), r)
        self.assertEqual(pk["rp"], {"id": "localhost", "name": "custos"})
        self.assertEqual(len(unb64u(pk["challenge"])), 32)
        self.assertEqual(len(unb64u(pk["user"]["id"])), 16)
        self.assertEqual(pk["user"]["name"], "admin")
        self.assertEqual([p["alg"] for p in pk["pubKeyCredParams"]],
                         [-8, -7, -257])
        self.assertEqual(pk["authenticatorSelection"], {
            "residentKey": "required", "requireResidentKey": True,
            "userVerification": "required"})
        self.assertEqual(pk["attestation"], "none")
        self.assertEqual(pk["excludeCredentials"], [])
        # The handle is derived: the same person gets the same one.
        r2 = self.d.call("POST", "/v1/passkeys/options", {}, token=admin)
        self.assertEqual(r2.body["publicKey"]["user"]["id"], pk["user"]["id"])
        self.assertNotEqual(r2.body["publicKey"]["challenge"],
                            pk["challenge"])

    def test_1b_registration_needs_a_session_or_an_invitation(self):
        for body in (None, {}):
            r = self.d.call("POST", "/v1/passkeys/options", body)
            self.assertEqual((r.status, r.body["error"]["code"]),
                             (401, "unauthorized"), r)
        r = self.d.call("POST", "/v1/passkeys", {"challenge_id": "ch_x"})
        self.assertEqual(r.status, 401, r)
        # An invitation that is not one opens nothing.
        r = self.d.call("POST", "/v1/passkeys/options", {
            "invitation": "cin_" + "a" * 52})
        self.assertIn(r.status, (400, 404, 410), r)
        self.assertNotIn("publicKey", r.body)

    def test_2_register_sign_in_list_remove(self):
        auth = Authenticator()
        admin = self.admin()
        start = self.d.log_size()
        r, opts, cred = self.register(auth, admin, name="laptop")
        pid = r.body["id"]
        self.assertRegex(pid, r"^pk_[0-9a-f]{16}$")
        self.assertEqual(r.body["name"], "laptop")
        self.assertNotIn("device", r.body)
        e = self.entry("passkey.register", start)
        self.assertEqual((e["outcome"], e["actor"]["id"], e["tenant"],
                          e["target"]), ("allowed", "appr-admin", "appr",
                                         "appr-admin"), e)
        self.assertEqual(e["detail"], {"passkey": pid, "alg": "-8",
                                       "aaguid": "0" * 32}, e)
        # Excluded from now on.
        r = self.d.call("POST", "/v1/passkeys/options", {}, token=admin)
        self.assertEqual(r.body["publicKey"]["excludeCredentials"],
                         [{"type": "public-key", "id": cred["id"]}])
        # Sign in with it: a tenant admin's session.
        start = self.d.log_size()
        r = self.sign_in(auth)
        self.assertEqual((r.body["kind"], r.body["id"], r.body["tenant"]),
                         ("tenant_admin", "appr-admin", "appr"), r)
        tok = r.body["token"]
        self.assertRegex(r.body["expires_at"], r"^\d{4}-.*Z$")
        r = self.d.call("GET", "/v1/tenants/appr/access-requests", token=tok)
        self.assertEqual(r.status, 200, r)
        e = self.entry("auth.passkey", start)
        self.assertEqual((e["outcome"], e["actor"]["kind"], e["actor"]["id"],
                          e["target"], e["tenant"]),
                         ("allowed", "tenant_admin", "appr-admin", pid,
                          "appr"), e)
        self.assertEqual(e["session"], r.body.get("session", e["session"]))
        # Listed as its own.
        r = self.d.call("GET", "/v1/passkeys", token=tok)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([(p["id"], p["name"]) for p in r.body["passkeys"]],
                         [(pid, "laptop")])
        self.assertIsNotNone(r.body["passkeys"][0]["last_used"])
        # Nobody else sees or removes it.
        user = self.w.tenant_login("appr", who="user", at=self.now)
        self.assertEqual(self.d.call("GET", "/v1/passkeys",
                                     token=user).body["passkeys"], [])
        r = self.d.call("DELETE", "/v1/passkeys/" + pid, token=user)
        self.assertEqual(r.status, 404, r)
        # Removing one's own is stepped up too.
        r = self.d.call("DELETE", "/v1/passkeys/" + pid, token=tok)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        # A second one, ES256 where available, then the first removed:
        # it no longer signs in.
        if HAVE_ES256:
            auth2 = Authenticator(alg=-7)
            r, _, _ = self.register(auth2, tok, alg=-7,
                                    step_up=(auth, "appr-admin"))
            self.sign_in(auth2)
            pid2 = r.body["id"]
            r = self.d.call("DELETE", "/v1/passkeys/" + pid2, {
                "step_up": self.step_up(auth2, tok, "passkey.delete",
                                        pid2)}, token=tok)
            self.assertEqual(r.status, 200, r)
        r = self.d.call("DELETE", "/v1/passkeys/" + pid, {
            "step_up": self.step_up(auth, tok, "passkey.delete", pid)},
            token=tok)
        self.assertEqual(r.status, 200, r)
        r = self.sign_in(auth, status=401)
        self.assertEqual(r.body["error"]["message"], "invalid credentials")

    def test_3_refusals(self):
        auth = Authenticator()
        admin = self.admin("auto")
        # Another origin (a phishing page) cannot register ...
        r, _, _ = self.register(auth, admin, origin="http://evil.example",
                                status=400)
        # ... nor without user verification, nor for another RP.
        self.register(Authenticator(), admin, uv=False, status=400)
        self.register(Authenticator(), admin, rp_id="evil.example",
                      status=400)
        # A challenge answered once is gone: a replay is refused.
        r = self.d.call("POST", "/v1/passkeys/options", {}, token=admin)
        cred = auth.create(r.body, self.d.origin)
        body = {"challenge_id": r.body["challenge_id"], "credential": cred}
        self.assertEqual(self.d.call("POST", "/v1/passkeys", body,
                                     token=admin).status, 201)
        r = self.d.call("POST", "/v1/passkeys", body, token=admin)
        self.assertEqual(r.status, 400, r)
        # A stolen session cannot add the thief's authenticator: once
        # the person has a passkey, another needs a step-up with it ...
        start = self.d.log_size()
        thief = Authenticator()
        r, _, _ = self.register(thief, admin, status=403)
        self.assertEqual(r.body["error"]["code"], "step_up_required", r)
        e = self.entry("passkey.register", start)
        self.assertEqual((e["outcome"], e["reason"]),
                         ("denied", "step_up_required"), e)
        r, _, _ = self.register(thief, admin, status=403, step_up=(
            thief, "auto-admin", list(thief.creds)[0]))
        self.assertEqual(r.body["error"]["code"], "step_up_failed", r)
        self.register(Authenticator(), admin, step_up=(auth, "auto-admin"))
        # ... and without one, only a fresh sign-in enrols the first.
        user = self.w.tenant_login("auto", who="user", at=self.now)
        self.tick(11 * 60)
        r, _, _ = self.register(Authenticator(), user, status=403)
        e = self.entry("passkey.register", self.d.log_size() - 1)
        self.assertEqual(e["reason"], "enrol_window", e)
        # Sign-in: wrong origin, replayed challenge, wrong user handle,
        # no UV: all the same 401, the log saying bad_credentials.
        src = fresh_source()
        start = self.d.log_size()
        self.sign_in(auth, status=401, origin="http://evil.example",
                     source=src)
        self.sign_in(auth, status=401, uv=False, source=src)
        self.sign_in(auth, status=401, user_handle=b"x" * 16, source=src)
        r = self.d.call("POST", "/v1/auth/passkey/options", {})
        opts = r.body
        body = {"challenge_id": opts["challenge_id"],
                "credential": auth.get(opts, self.d.origin)}
        self.assertEqual(self.d.call("POST", "/v1/auth/passkey",
                                     body).status, 200)
        r = self.d.call("POST", "/v1/auth/passkey", body)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (401, "unauthorized"), r)
        denied = [e for _, e, _ in self.d.entries(start)
                  if e["action"] == "auth.passkey" and
                  e["outcome"] == "denied"]
        self.assertEqual(len(denied), 4, denied)
        for e in denied:
            self.assertEqual((e["reason"], e["actor"]["kind"]),
                             ("bad_credentials", "anonymous"), e)
        # A counter that did not grow: refused as a suspected clone.
        start = self.d.log_size()
        cred_id = list(auth.creds)[-1]
        r = self.sign_in(auth, status=401, cred_id=cred_id,
                         count=auth.creds[cred_id].count)
        e = self.entry("auth.passkey", start)
        self.assertEqual(e["reason"], "sign_count", e)
        self.assertIn("passkey_clone_suspected", e["detail"], e)
        # Detection raises the clone warning about that person.
        deadline = time.monotonic() + 10
        alerts = []
        while time.monotonic() < deadline and not alerts:
            alerts = [a for a in self.d.op("GET", "/v1/alerts").body[
                "alerts"] if a["rule"] == "passkey_clone"]
            time.sleep(0.1)
        self.assertEqual(len(alerts), 1, alerts)
        self.assertEqual(alerts[0]["severity"], "high")
        self.assertEqual(alerts[0]["subject"], e["actor"]["id"] or
                         e["target"])
        log = self.d.read_log()
        self.assertIn("bad_assertion", log)
        self.assertIn("user_handle_mismatch", log)


class EngineerAndOperator(PasskeyTest):

    def test_engineer_passkey_is_bound_to_the_device(self):
        auth = Authenticator()
        eng = self.engineer()
        r, opts, _ = self.register(auth, eng)
        self.assertEqual(r.body["device"], "dev1", r)
        self.assertEqual(opts["publicKey"]["user"]["name"], "eng1 (dev1)")
        start = self.d.log_size()
        r = self.sign_in(auth)
        self.assertEqual((r.body["kind"], r.body["id"], r.body["device"]),
                         ("engineer", "eng1", "dev1"), r)
        tok = r.body["token"]
        e = self.entry("auth.passkey", start)
        self.assertEqual((e["actor"]["kind"], e["actor"]["vendor"],
                          e["device"]), ("engineer", "sitel", "dev1"), e)
        # The session works as the engineer's: it may ask for access.
        self.ask(tok, "plain")
        # Contained, the passkey is ended: it signs in no more, not
        # even once the containment is lifted (Revocation below).
        c = self.d.op("POST", "/v1/containment", {
            "engineer": "eng1", "reason": "laptop is compromised"})
        self.assertEqual((c.status, c.body["passkeys_ended"]), (201, 1), c)
        start = self.d.log_size()
        r = self.sign_in(auth, status=401)
        e = self.entry("auth.passkey", start)
        self.assertEqual((e["outcome"], e["reason"]),
                         ("denied", "bad_credentials"), e)
        r = self.d.op("POST", "/v1/containment/%s/lift" % c.body["id"],
                      {"reason": "laptop reimaged"})
        self.assertEqual(r.status, 200, r)
        self.sign_in(auth, status=401)

    def test_operator_person(self):
        r = self.d.op("POST", "/v1/operators", {
            "username": "olga", "email": "olga@custos.example"})
        self.assertEqual(r.status, 201, r)
        oid = r.body["id"]
        r = self.d.op("POST", "/v1/operators", {
            "username": "olga", "email": "olga2@custos.example"})
        self.assertEqual(r.status, 409, r)
        # The token is nobody: it names the person it enrols.
        r = self.d.op("POST", "/v1/passkeys/options", {})
        self.assertEqual(r.status, 400, r)
        auth = Authenticator()
        self.register(auth, self.d.operator, body={"operator": oid})
        start = self.d.log_size()
        r = self.sign_in(auth)
        self.assertEqual((r.body["kind"], r.body["id"]), ("operator", oid))
        tok = r.body["token"]
        r = self.d.call("GET", "/v1/operators", token=tok)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([o["username"] for o in r.body["operators"]],
                         ["olga"])
        e = self.entry("operator.list", start)
        self.assertEqual((e["actor"]["kind"], e["actor"]["id"]),
                         ("operator", oid), e)
        # A second passkey: stepped up with the first.
        self.register(Authenticator(), tok, step_up=(auth, oid))
        # Not a tenant admin: no answers.
        r = self.d.call("POST", "/v1/tenants/appr/access-requests/x/"
                        "approve", {}, token=tok)
        self.assertEqual(r.status, 403, r)


class StepUp(PasskeyTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auth = Authenticator()

    def setUp(self):
        self.adm = self.admin()
        if not self.auth.creds:
            self.register(self.auth, self.adm)
        self.eng = self.engineer()

    def answer(self, rid, how, body=None, token=None, tid="appr"):
        return self.d.call("POST", "/v1/tenants/%s/access-requests/%s/%s" %
                           (tid, rid, how), body, token=token or self.adm)

    def test_approve_deny_revoke_need_step_up(self):
        rid = self.ask(self.eng)
        start = self.d.log_size()
        r = self.answer(rid, "approve")
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        e = self.entry("access_request.approve", start)
        self.assertEqual((e["outcome"], e["reason"]),
                         ("denied", "step_up_required"), e)
        r = self.d.call("GET", "/v1/access-requests/" + rid, token=self.eng)
        self.assertEqual(r.body["state"], "pending", r)
        # The step-up options list the admin's own passkeys.
        r = self.d.call("POST", "/v1/step-up/options", {
            "action": "access_request.approve", "target": rid},
            token=self.adm)
        self.assertEqual([c["id"] for c in r.body["publicKey"][
            "allowCredentials"]], [b64u(c) for c in self.auth.creds])
        self.assertEqual(r.body["publicKey"]["userVerification"], "required")
        start = self.d.log_size()
        su = {"challenge_id": r.body["challenge_id"],
              "credential": self.auth.get(r.body, self.d.origin)}
        r = self.answer(rid, "approve", {"step_up": su})
        self.assertEqual((r.status, r.body["state"]), (200, "approved"), r)
        pid = self.d.call("GET", "/v1/passkeys",
                          token=self.adm).body["passkeys"][0]["id"]
        e = self.entry("access_request.approve", start)
        self.assertEqual((e["outcome"], e["detail"]["step_up"]),
                         ("allowed", pid), e)
        self.entry("step_up.begin", start - 1 if start > 0 else 0,
                   target=rid)
        # The same step-up again: its challenge is spent.
        r = self.answer(rid, "revoke", {"step_up": su})
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_failed"), r)
        # Bound to approve, not revoke.
        su = self.step_up(self.auth, self.adm, "access_request.approve", rid)
        r = self.answer(rid, "revoke", {"step_up": su})
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_failed"), r)
        su = self.step_up(self.auth, self.adm, "access_request.revoke", rid)
        r = self.answer(rid, "revoke", {"step_up": su})
        self.assertEqual((r.status, r.body["state"]), (200, "revoked"), r)
        # Deny; a step-up for another request does not serve.
        rid2, rid3 = self.ask(self.eng), self.ask(self.eng)
        su = self.step_up(self.auth, self.adm, "access_request.deny", rid3)
        start = self.d.log_size()
        r = self.answer(rid2, "deny", {"step_up": su})
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_failed"), r)
        e = self.entry("access_request.deny", start)
        self.assertEqual((e["outcome"], e["reason"]),
                         ("denied", "step_up_other_purpose"), e)
        su = self.step_up(self.auth, self.adm, "access_request.deny", rid2)
        r = self.answer(rid2, "deny", {"step_up": su})
        self.assertEqual((r.status, r.body["state"]), (200, "denied"), r)

    def test_other_persons_credential_refused(self):
        other = Authenticator()
        user = self.w.tenant_login("appr", who="user", at=self.now)
        self.register(other, user)
        rid = self.ask(self.eng)
        r = self.d.call("POST", "/v1/step-up/options", {
            "action": "access_request.approve", "target": rid},
            token=self.adm)
        su = {"challenge_id": r.body["challenge_id"],
              "credential": other.get(r.body, self.d.origin,
                                      cred_id=list(other.creds)[0])}
        r = self.answer(rid, "approve", {"step_up": su})
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_failed"), r)
        # Nor a step-up asked by another session of the same admin.
        other_session = self.admin()
        su = self.step_up(self.auth, other_session,
                          "access_request.approve", rid)
        r = self.answer(rid, "approve", {"step_up": su})
        self.assertEqual(r.status, 403, r)
        # Nor another origin.
        su = self.step_up(self.auth, self.adm, "access_request.approve", rid,
                          origin="http://evil.example")
        r = self.answer(rid, "approve", {"step_up": su})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.d.call("GET", "/v1/access-requests/" + rid,
                                     token=self.eng).body["state"],
                         "pending")

    def test_bearer_without_passkeys_needs_none(self):
        """The CLI's way keeps working: a bearer admin without a passkey
        answers without step-up."""
        rid = self.ask(self.eng, "plain")
        adm = self.admin("plain")
        r = self.answer(rid, "approve", token=adm, tid="plain")
        self.assertEqual((r.status, r.body["state"]), (200, "approved"), r)
        r = self.d.call("POST", "/v1/step-up/options", {
            "action": "access_request.approve", "target": rid}, token=adm)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (409, "no_passkey"), r)

    def test_second_approval_needs_step_up(self):
        rid = self.ask(self.eng)
        su = self.step_up(self.auth, self.adm, "access_request.approve", rid)
        self.assertEqual(self.answer(rid, "approve", {"step_up": su}).status,
                         200)
        r = self.d.call("POST", "/v1/tenants/appr/approvals", {
            "action": "user.password_reset", "target": "appr-admin",
            "reason": REASON}, token=self.eng)
        self.assertEqual(r.status, 201, r)
        aid = r.body["id"]
        r = self.d.call("POST", "/v1/approvals/%s/approve" % aid, {},
                        token=self.adm)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        su = self.step_up(self.auth, self.adm, "approval.deny", aid)
        r = self.d.call("POST", "/v1/approvals/%s/approve" % aid,
                        {"step_up": su}, token=self.adm)
        self.assertEqual(r.status, 403, r)
        su = self.step_up(self.auth, self.adm, "approval.approve", aid)
        start = self.d.log_size()
        r = self.d.call("POST", "/v1/approvals/%s/approve" % aid,
                        {"step_up": su}, token=self.adm)
        self.assertEqual((r.status, r.body["state"]), (200, "approved"), r)
        e = self.entry("approval.approve", start)
        self.assertIn("step_up", e["detail"], e)

    def test_cookie_session_needs_step_up(self):
        """A console (cookie) session must step up even without a passkey
        of its own: a stolen cookie cannot approve."""
        self.tick()
        r = self.d.call("POST", "/v1/tenants/plain/auth/login", {
            "username": "admin", "password": "admin password 12",
            "totp": totp(at=self.now), "session": "cookie"})
        self.assertEqual(r.status, 200, r)
        cookie = r.headers["Set-Cookie"].split(";")[0]
        csrf = self.d.call("GET", "/v1/session",
                           headers={"Cookie": cookie}).body["csrf"]
        hdrs = {"Cookie": cookie, "X-CSRF-Token": csrf,
                "Origin": self.d.origin}
        rid = self.ask(self.eng, "plain")
        start = self.d.log_size()
        r = self.d.call("POST", "/v1/tenants/plain/access-requests/%s/"
                        "approve" % rid, {}, headers=hdrs)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        e = self.entry("access_request.approve", start)
        self.assertEqual((e["outcome"], e["reason"]),
                         ("denied", "step_up_required"), e)
        # Without a passkey there is nothing to step up with.
        r = self.d.call("POST", "/v1/step-up/options", {
            "action": "access_request.approve", "target": rid},
            headers=hdrs)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (409, "no_passkey"), r)

    def test_passkey_sign_in_to_a_cookie_session(self):
        r = self.d.call("POST", "/v1/auth/passkey/options", {})
        opts = r.body
        r = self.d.call("POST", "/v1/auth/passkey", {
            "challenge_id": opts["challenge_id"],
            "credential": self.auth.get(opts, self.d.origin),
            "session": "cookie"}, headers={"Origin": self.d.origin})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("token", r.body)
        self.assertIn("HttpOnly", r.headers["Set-Cookie"])
        cookie = r.headers["Set-Cookie"].split(";")[0]
        r = self.d.call("GET", "/v1/session", headers={"Cookie": cookie})
        self.assertEqual((r.status, r.body["kind"], r.body["id"]),
                         (200, "tenant_admin", "appr-admin"), r)


class AdminChangesStepUp(PasskeyTest):
    """A tenant admin's changes in their tenant take the step-up approve
    takes (a stolen session must not get around it: auto_approve, a new
    admin with a known password, deleting users, invitations, resets).
    Each call: by cookie and by bearer (the admin has a passkey) without
    step_up 403 step_up_required; a step-up bound to another action or
    target 403 step_up_failed; nothing changed; then a step-up bound to
    this action and target goes through, its entry naming the passkey."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auth = Authenticator()

    def setUp(self):
        self.adm = self.admin()
        if not self.auth.creds:
            self.register(self.auth, self.adm)

    def cookie_headers(self):
        self.tick()
        r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
            "username": "admin", "password": "admin password 12",
            "totp": totp(at=self.now), "session": "cookie"})
        self.assertEqual(r.status, 200, r)
        cookie = r.headers["Set-Cookie"].split(";")[0]
        csrf = self.d.call("GET", "/v1/session",
                           headers={"Cookie": cookie}).body["csrf"]
        return {"Cookie": cookie, "X-CSRF-Token": csrf,
                "Origin": self.d.origin}

    def stepped(self, method, path, body, action, target, status, state,
                other_target="plain", other_action="access_request.approve"):
        """Runs the refusals, then the call with its step-up; state() is
        what the call changes.  Returns the successful Response."""
        body = body or {}
        before = state()
        start = self.d.log_size()
        r = self.d.call(method, path, body, headers=self.cookie_headers())
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        r = self.d.call(method, path, body, token=self.adm)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        found = [e for _, e, _ in self.d.entries(start)
                 if e["action"] == action]
        self.assertEqual([(e["outcome"], e["reason"]) for e in found],
                         [("denied", "step_up_required")] * 2, found)
        for a, t in ((other_action, target), (action, other_target)):
            su = self.step_up(self.auth, self.adm, a, t)
            r = self.d.call(method, path, dict(body, step_up=su),
                            token=self.adm)
            self.assertEqual((r.status, r.body["error"]["code"]),
                             (403, "step_up_failed"), (a, t, r))
        self.assertEqual(state(), before)
        su = self.step_up(self.auth, self.adm, action, target)
        start = self.d.log_size()
        r = self.d.call(method, path, dict(body, step_up=su), token=self.adm)
        self.assertEqual(r.status, status, r)
        self.assertNotEqual(state(), before)
        e = self.entry(action, start)
        self.assertEqual(e["outcome"], "allowed", e)
        self.assertTrue(e["detail"]["step_up"].startswith("pk_"), e)
        return r

    def users(self):
        r = self.d.call("GET", "/v1/tenants/appr/users", token=self.adm)
        self.assertEqual(r.status, 200, r)
        return sorted(u["id"] for u in r.body["users"])

    def invitations(self):
        r = self.d.call("GET", "/v1/tenants/appr/invitations",
                        token=self.adm)
        self.assertEqual(r.status, 200, r)
        return sorted((i["id"], i["state"]) for i in r.body["invitations"])

    def test_support_policy(self):
        policy = lambda: self.d.call(
            "GET", "/v1/tenants/appr/support-policy",
            token=self.adm).body["support_policy"]
        # A bad value is refused before the step-up is looked at.
        r = self.d.call("PUT", "/v1/tenants/appr/support-policy",
                        {"support_policy": "everyone"}, token=self.adm)
        self.assertEqual(r.status, 400, r)
        self.stepped("PUT", "/v1/tenants/appr/support-policy",
                     {"support_policy": "auto_approve"},
                     "tenant.support_policy", "appr", 200, policy)
        self.assertEqual(policy(), "auto_approve")
        su = self.step_up(self.auth, self.adm, "tenant.support_policy",
                          "appr")
        r = self.d.call("PUT", "/v1/tenants/appr/support-policy", {
            "support_policy": "approval_required", "step_up": su},
            token=self.adm)
        self.assertEqual((r.status, r.body["support_policy"]),
                         (200, "approval_required"), r)
        # step_up alone is not a setting.
        su = self.step_up(self.auth, self.adm, "tenant.support_policy",
                          "appr")
        r = self.d.call("PUT", "/v1/tenants/appr/support-policy",
                        {"step_up": su}, token=self.adm)
        self.assertEqual(r.status, 400, r)

    def test_user_create(self):
        body = {"id": "thief", "username": "thief",
                "email": "thief@evil.example",
                "password": "thief password 12", "role": "admin",
                "totp_secret": harness.TOTP_SECRET}
        self.stepped("POST", "/v1/tenants/appr/users", body, "user.create",
                     "appr", 201, self.users)
        self.assertIn("thief", self.users())
        # The operator's own way is unchanged.
        r = self.d.op("POST", "/v1/tenants/appr/users", {
            "id": "by-op", "username": "by-op", "email": "op@appr.example"})
        self.assertEqual(r.status, 201, r)

    def test_user_delete(self):
        r = self.d.op("POST", "/v1/tenants/appr/users", {
            "id": "del-me", "username": "del-me",
            "email": "del-me@appr.example"})
        self.assertEqual(r.status, 201, r)
        self.stepped("DELETE", "/v1/tenants/appr/users/del-me", None,
                     "user.delete", "del-me", 200, self.users,
                     other_target="appr-user")
        self.assertNotIn("del-me", self.users())

    def test_user_invite(self):
        self.stepped("POST", "/v1/tenants/appr/invitations",
                     {"user": "appr-user"}, "user.invite", "appr-user", 201,
                     self.invitations, other_target="appr-admin")

    def test_invitation_revoke(self):
        r = self.d.op("POST", "/v1/invitations", {
            "kind": "tenant_user", "tenant": "appr", "user": "appr-user"})
        self.assertEqual(r.status, 201, r)
        iid = r.body["id"]
        self.stepped("DELETE", "/v1/tenants/appr/invitations/" + iid, None,
                     "user.invitation_revoke", iid, 200, self.invitations,
                     other_target="appr-user")
        self.assertIn((iid, "revoked"), self.invitations())

    def test_password_reset(self):
        mails = lambda: len(self.d.mails())
        self.stepped("POST", "/v1/tenants/appr/users/appr-user/"
                     "password-reset", {}, "user.password_reset",
                     "appr-user", 202, mails, other_target="appr-admin")

    def test_mfa_reset(self):
        mails = lambda: len(self.d.mails())
        self.stepped("POST", "/v1/tenants/appr/users/appr-user/mfa-reset",
                     {}, "user.mfa_reset", "appr-user", 202, mails,
                     other_target="appr-admin")

    def test_engineer_reset_keeps_its_own_rule(self):
        """Support's resets are not stepped up: the second approval is
        their rule (test_second_approval, test_resets)."""
        self.tick()
        r = self.w.engineer_login(at=self.now)
        eng = r.body["token"]
        rid = self.ask(eng)
        su = self.step_up(self.auth, self.adm, "access_request.approve", rid)
        r = self.d.call("POST", "/v1/tenants/appr/access-requests/%s/"
                        "approve" % rid, {"step_up": su}, token=self.adm)
        self.assertEqual(r.status, 200, r)
        r = self.d.call("POST", "/v1/tenants/appr/users/appr-user/"
                        "password-reset", {}, token=eng)
        self.assertEqual(r.status, 202, r)


class FreshDaemon(PasskeyTest):
    """A custosd of its own for each test: what one test's passkeys and
    containments leave does not change the next."""

    @classmethod
    def setUpClass(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        pass

    def setUp(self):
        PasskeyTest.setUpClass.__func__(type(self))

    def tearDown(self):
        PasskeyTest.tearDownClass.__func__(type(self))


class Revocation(FreshDaemon):
    """Containment ends the passkeys it reaches, for good (issue 13
    review): what a stolen session planted does not outlive it."""

    def pk_status(self, auth, status):
        """Signs in with auth: status 200 while its passkey lives."""
        return self.sign_in(auth, status=status)

    def contain(self, body):
        r = self.d.op("POST", "/v1/containment", dict(
            body, reason="containment test of passkeys"))
        self.assertEqual(r.status, 201, r)
        return r.body

    def lift(self, cid):
        r = self.d.op("POST", "/v1/containment/%s/lift" % cid,
                      {"reason": "the engineer was reissued credentials"})
        self.assertEqual(r.status, 200, r)

    def test_1_session_containment_ends_what_that_session_registered(self):
        eng = self.engineer()
        sid = self.d.call("GET", "/v1/session", token=eng).body["session"]
        thief, own = Authenticator(), Authenticator()
        self.register(thief, eng)
        # Another session's passkey is not the contained session's.
        self.register(own, self.engineer(), step_up=(thief, "eng1"))
        start = self.d.log_size()
        c = self.contain({"session": sid})
        self.assertEqual(c["passkeys_ended"], 1, c)
        e = self.entry("containment", start)
        self.assertEqual(e["detail"]["passkeys_ended"], "1", e)
        self.pk_status(thief, 401)
        self.pk_status(own, 200)

    def test_2_engineer_containment_by_level(self):
        auth = Authenticator()
        self.register(auth, self.engineer())
        # Level sessions leaves logins, and so passkeys, alone.
        c = self.contain({"engineer": "eng1", "level": "sessions"})
        self.assertEqual(c["passkeys_ended"], 0, c)
        self.pk_status(auth, 200)
        c = self.contain({"engineer": "eng1", "level": "logins"})
        self.assertGreaterEqual(c["passkeys_ended"], 1, c)
        self.pk_status(auth, 401)
        # Lifting brings none back.
        self.lift(c["id"])
        self.pk_status(auth, 401)
        r = self.d.op("GET", "/v1/passkeys?principal=engineer&id=eng1")
        self.assertEqual((r.status, r.body["passkeys"]), (200, []), r)

    def test_3_device_containment(self):
        auth = Authenticator()
        self.register(auth, self.engineer())
        c = self.contain({"device": "dev1", "level": "sessions"})
        self.assertEqual(c["passkeys_ended"], 1, c)
        self.pk_status(auth, 401)

    def test_4_vendor_containment_ends_its_engineers_passkeys(self):
        auth = Authenticator()
        self.register(auth, self.engineer())
        adm_auth = Authenticator()
        self.register(adm_auth, self.admin("plain"))
        c = self.contain({"vendor": "sitel", "level": "logins"})
        self.assertEqual(c["passkeys_ended"], 1, c)
        self.lift(c["id"])
        self.pk_status(auth, 401)
        # A tenant admin's is no vendor's.
        self.pk_status(adm_auth, 200)


class Control(FreshDaemon):
    """The operator reaches anyone's passkeys; a tenant admin their
    users' (removal stepped up)."""

    def test_1_operator_lists_and_removes_anyones(self):
        auth = Authenticator()
        self.tick()
        r, _, _ = self.register(auth, self.w.tenant_login(
            "appr", who="user", at=self.now))
        pk = r.body["id"]
        q = "/v1/passkeys?principal=tenant_user&id=appr-user&tenant=appr"
        r = self.d.op("GET", q)
        self.assertEqual([p["id"] for p in r.body["passkeys"]], [pk], r)
        self.assertEqual(self.d.op("GET", "/v1/passkeys?principal=tenant_"
                                   "user&id=appr-user").status, 400)
        self.assertEqual(self.d.op("GET", "/v1/passkeys?principal=x&"
                                   "id=a").status, 400)
        # Nobody else names another person.
        r = self.d.call("GET", q, token=self.admin())
        self.assertEqual(r.status, 403, r)
        start = self.d.log_size()
        r = self.d.op("DELETE", "/v1/passkeys/" + pk)
        self.assertEqual((r.status, r.body), (200, {"removed": pk}), r)
        e = self.entry("passkey.delete", start)
        self.assertEqual((e["outcome"], e["tenant"], e["detail"]["owner"],
                          e["detail"]["principal"]),
                         ("allowed", "appr", "appr-user", "tenant_user"), e)
        self.sign_in(auth, status=401)
        self.assertEqual(self.d.op("GET", q).body["passkeys"], [])
        self.assertEqual(self.d.op("DELETE", "/v1/passkeys/" + pk).status,
                         404)

    def test_2_tenant_admin_over_their_users(self):
        adm = self.admin()
        adm_auth = Authenticator()
        self.register(adm_auth, adm)
        self.tick()
        auth = Authenticator()
        r, _, _ = self.register(auth, self.w.tenant_login(
            "appr", who="user", at=self.now))
        pk = r.body["id"]
        path = "/v1/tenants/appr/users/appr-user/passkeys"
        start = self.d.log_size()
        r = self.d.call("GET", path, token=adm)
        self.assertEqual([p["id"] for p in r.body["passkeys"]], [pk], r)
        self.entry("user.passkey_list", start, tenant="appr")
        # Another tenant's admin: no.
        other = self.admin("plain")
        self.assertEqual(self.d.call("GET", path, token=other).status, 403)
        self.assertEqual(self.d.call("DELETE", path + "/" + pk,
                                     token=other).status, 403)
        # No such user.
        self.assertEqual(self.d.call("GET", "/v1/tenants/appr/users/nobody/"
                                     "passkeys", token=adm).status, 404)
        # Removal needs a step-up bound to that passkey.
        r = self.d.call("DELETE", path + "/" + pk, token=adm)
        self.assertEqual((r.status, r.body["error"]["code"]),
                         (403, "step_up_required"), r)
        su = self.step_up(adm_auth, adm, "user.passkey_delete", "pk_other")
        r = self.d.call("DELETE", path + "/" + pk, {"step_up": su},
                        token=adm)
        self.assertEqual(r.status, 403, r)
        self.sign_in(auth)
        # The admin's own passkey is not the user's.
        own = self.d.call("GET", "/v1/passkeys", token=adm).body[
            "passkeys"][0]["id"]
        su = self.step_up(adm_auth, adm, "user.passkey_delete", own)
        r = self.d.call("DELETE", path + "/" + own, {"step_up": su},
                        token=adm)
        self.assertEqual(r.status, 404, r)
        start = self.d.log_size()
        su = self.step_up(adm_auth, adm, "user.passkey_delete", pk)
        r = self.d.call("DELETE", path + "/" + pk, {"step_up": su},
                        token=adm)
        self.assertEqual((r.status, r.body), (200, {"removed": pk}), r)
        e = self.entry("user.passkey_delete", start)
        self.assertEqual((e["outcome"], e["tenant"], e["target"]),
                         ("allowed", "appr", pk), e)
        self.assertIn("step_up", e["detail"], e)
        self.sign_in(auth, status=401)


WAIT = 15


class Detection(FreshDaemon):
    """Passkey sign-ins and registrations are read by the rules as
    password logins and new devices are."""

    def alerts(self, rule):
        deadline = time.monotonic() + WAIT
        while True:
            r = self.d.op("GET", "/v1/alerts?rule=" + rule)
            self.assertEqual(r.status, 200, r)
            if r.body["alerts"] or time.monotonic() > deadline:
                return r.body["alerts"]
            time.sleep(0.2)

    def test_1_new_network_and_credential_then_access(self):
        for _ in range(2):
            self.engineer()
        eng = self.engineer()
        auth = Authenticator()
        start = self.d.log_size()
        self.register(auth, eng)
        reg = [i for i, e, _ in self.d.entries(start)
               if e["action"] == "passkey.register"][0]
        src = fresh_source()
        start = self.d.log_size()
        tok = self.sign_in(auth, source=src).body["token"]
        login = [i for i, e, _ in self.d.entries(start)
                 if e["action"] == "auth.passkey"][0]
        r = self.d.call("GET", "/v1/tenants/auto/tickets", token=tok,
                        source=src)
        self.assertEqual(r.status, 200, r)
        [a] = self.alerts("new_network")
        self.assertIn(login, a["entries"], a)
        self.assertEqual(a["subject"], "eng1", a)
        [a] = self.alerts("credential_then_access")
        self.assertIn(reg, a["entries"], a)

    def test_2_failed_passkey_sign_ins_count(self):
        auth = Authenticator()
        self.register(auth, self.engineer())
        for _ in range(6):
            self.tick(60)       # past the throttle's delay
            r = self.sign_in(auth, status=401, origin="https://evil.example")
            self.assertEqual(r.body["error"]["code"], "unauthorized", r)
        self.assertTrue(self.alerts("login_failures"))


class ChallengeExhaustion(FreshDaemon):
    """Nobody fills the challenge table for others."""

    def flood(self, path, n, token=None, source="127.0.0.1"):
        conn = http.client.HTTPConnection("127.0.0.1", self.d.port,
                                          timeout=60,
                                          source_address=(source, 0))
        hdrs = {"Content-Type": "application/json"}
        if token:
            hdrs["Authorization"] = "Bearer " + token
        ids = []
        for _ in range(n):
            conn.request("POST", path, body=b"{}", headers=hdrs)
            f = conn.getresponse()
            body = f.read()
            self.assertEqual(f.status, 200, body[:200])
            ids.append(json.loads(body)["challenge_id"])
        conn.close()
        return ids

    def test_1_one_address_does_not_stop_anothers_sign_in(self):
        auth = Authenticator()
        self.register(auth, self.admin())
        ids = self.flood("/v1/auth/passkey/options", 2100,
                         source=fresh_source())
        self.assertEqual(len(set(ids)), 2100)
        # Its oldest were replaced by its newest.
        opts = {"challenge_id": ids[0], "publicKey": {
            "challenge": b64u(b"\0" * 32), "rpId": "localhost"}}
        r = self.d.call("POST", "/v1/auth/passkey", {
            "challenge_id": ids[0],
            "credential": auth.get(opts, self.d.origin)})
        self.assertEqual(r.status, 401, r)
        self.sign_in(auth, source=fresh_source())

    def test_2_registration_spam_does_not_stop_a_step_up(self):
        adm = self.admin()
        auth = Authenticator()
        self.register(auth, adm)
        eng = self.engineer()
        rid = self.ask(eng)
        self.flood("/v1/passkeys/options", 4100, token=eng)
        su = self.step_up(auth, adm, "access_request.deny", rid)
        r = self.d.call("POST", "/v1/tenants/appr/access-requests/%s/deny"
                        % rid, {"step_up": su}, token=adm)
        self.assertEqual(r.status, 200, r)

if __name__ == "__main__":
    unittest.main()
