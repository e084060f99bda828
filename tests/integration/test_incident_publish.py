# SPDX-License-Identifier: ISC
"""Publishing an incident (issue 16, item 5, "disclosure in minutes"),
against the real custosd and the real CLI:

- a world of tenants; engineer eng1, compromised, resets a user in acme,
  reads initech's and noadm's users, is refused in globex; hooli and the
  harness's tenants are never touched; noadm has no admin;
- scope -> incident -> POST /v1/incidents/{id}/publish (a responder
  token): exactly the affected tenants' admins get mail (the Maildir
  outbox), each mail holding only that tenant's report -- no other
  tenant's id, name or users, not even how many others were affected --
  and each report verifies offline with `custos verify --tenant-log`;
  noadm, without an admin address, is named in the answer;
- asked, the other tenants are told they were not affected, each with
  its complete entries under a signed checkpoint, which `custos verify
  --tenant --access-log` checks for completeness (one hidden entry
  fails it);
- each notice is its own entry (incident.notify, the tenant's, target
  the incident) beside the request's incident.publish; publishing again
  tells only those not told yet (noadm once it has an admin), then 409;
- an auditor token and a tenant admin may not publish; a tenant admin
  reads its own notices (GET /v1/tenants/{t}/incident-notices) and no
  other tenant's.

CUSTOSD, CUSTOS as in harness.py.
"""
import base64
import json
import os
import subprocess
import tempfile
import unittest

from harness import CUSTOS, TOTP_SECRET, DaemonTest

T = 1800000000.0
WINDOW = {"from": "2020-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}
# id: (name, policy, has an admin)
TENANTS = {
    "acme": ("Acme Rockets", "auto_approve", True),
    "initech": ("Initech Software", "auto_approve", True),
    "globex": ("Globex Corporation", "approval_required", True),
    "noadm": ("Nobody Home Ltd", "auto_approve", False),
    "hooli": ("Hooli Unaffected", "approval_required", True),
}
SECRET_BITS = ("leaf", "sealed", "proof", "checkpoint", "key")


def strip(doc):
    """doc without its base64 (random bytes may spell anything)."""
    if isinstance(doc, dict):
        return {k: strip(v) for k, v in doc.items() if k not in SECRET_BITS}
    if isinstance(doc, list):
        return [strip(v) for v in doc]
    return doc


def parts(msg):
    """(text, attachment name, attachment JSON) of one notice."""
    text, name, att = None, None, None
    for p in msg.walk():
        if p.get_content_type() == "text/plain":
            text = p.get_payload(decode=True).decode()
        elif p.get_filename():
            name = p.get_filename()
            att = json.loads(p.get_payload(decode=True))
    return text, name, att


class IncidentPublish(DaemonTest):
    clock = T

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d, w = cls.d, cls.w
        ok = lambda r: r.status in (200, 201, 202) or cls.fail_setup(r)
        for tid, (name, pol, admin) in TENANTS.items():
            ok(d.op("POST", "/v1/tenants", {
                "id": tid, "name": name, "support_policy": pol}))
            ok(d.op("POST", "/v1/tenants/%s/users" % tid, {
                "id": tid + "-user", "username": "user",
                "email": "user@%s.example" % tid,
                "password": "user password 12", "role": "user",
                "totp_secret": TOTP_SECRET}))
            if admin:
                ok(d.op("POST", "/v1/tenants/%s/users" % tid, {
                    "id": tid + "-admin", "username": "admin",
                    "email": "admin@%s.example" % tid,
                    "password": "admin password 12", "role": "admin",
                    "totp_secret": TOTP_SECRET}))
        eng = w.engineer_login(at=T).body["token"]
        ok(d.call("POST", "/v1/tenants/acme/users/acme-user/password-reset",
                  {}, token=eng))
        ok(d.call("GET", "/v1/tenants/initech/users", token=eng))
        ok(d.call("GET", "/v1/tenants/noadm/users", token=eng))
        r = d.call("GET", "/v1/tenants/globex/users", token=eng)
        assert r.status == 403, r
        cls.adm = {t: w.tenant_login(t, at=T) for t in
                   [t for t in TENANTS if TENANTS[t][2]] +
                   ["auto", "appr", "deny"]}
        tok = lambda scope: d.op("POST", "/v1/operator-tokens", {
            "name": scope + "-1", "scope": scope}).body["token"]
        cls.responder = tok("responder")
        cls.auditor = tok("auditor")
        r = d.op("POST", "/v1/incidents", {
            "title": "Compromised support engineer account",
            "scope": dict(WINDOW, principals={"engineers": ["eng1"]})})
        ok(r)
        cls.inc = r.body
        cls.rows = {x["tenant"]: x["exposure"] for x in r.body["tenants"]}
        cls.tmp = tempfile.TemporaryDirectory()
        cls.keyfile = cls.save("log.key", d.call("GET", "/v1/log/key").raw)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    @staticmethod
    def fail_setup(r):
        raise AssertionError("setup: %r" % (r,))

    @classmethod
    def save(cls, name, data):
        path = os.path.join(cls.tmp.name, name)
        with open(path, "w") as f:
            f.write(data if isinstance(data, str) else json.dumps(data))
        return path

    def cli(self, *args, code=0):
        p = subprocess.run([CUSTOS, "--server", self.d.url] + list(args),
                           capture_output=True, timeout=120, text=True,
                           env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(p.returncode, code, (args, p.stdout, p.stderr))
        return p

    def log_key(self, tenant):
        r = self.d.call("GET", "/v1/tenants/%s/log-key" % tenant,
                        token=self.adm[tenant])
        self.assertEqual(r.status, 200, r)
        return self.save(tenant + ".log-key", r.body)

    def publish(self, notify, token=None, **more):
        body = dict(notify=notify, **more)
        return self.d.call("POST", "/v1/incidents/%s/publish" %
                           self.inc["id"], body,
                           token=token or self.responder)

    def new_mails(self, before):
        return self.d.mails()[before:]

    def assert_only_its_own(self, tenant, text, att):
        others = [t for t in list(TENANTS) + ["auto", "appr", "deny"]
                  if t != tenant]
        blob = text + json.dumps(strip(att))
        for t in others:
            for word in (t + "-user", t + "-admin", "@%s.example" % t,
                         TENANTS.get(t, ("Tenant " + t,))[0],
                         '"%s"' % t):
                self.assertNotIn(word, blob, (tenant, t))
        self.assertNotIn("tenants_", blob)

    def test_publication(self):
        # The answer's rows: acted upon, viewed twice, attempted.
        self.assertEqual(self.rows, {"acme": "acted_upon",
                                     "initech": "viewed", "noadm": "viewed",
                                     "globex": "attempted",
                                     # auto_approve: any engineer may
                                     # enter, so it was exposed.
                                     "auto": "exposed"})
        before = len(self.d.mails())
        size0 = self.d.log_size()
        # Who may not publish: an auditor token, a tenant's admin.
        r = self.publish("affected", token=self.auditor)
        self.assertEqual(r.status, 403, r)
        r = self.publish("affected", token=self.adm["acme"])
        self.assertEqual(r.status, 403, r)
        r = self.publish("everyone")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(len(self.d.mails()), before)

        # 1. The affected tenants, with a message.
        r = self.publish("affected", message="We are sorry.\nDetails "
                         "follow.")
        self.assertEqual(r.status, 200, r)
        told = {x["tenant"]: x for x in r.body["notified"]}
        self.assertEqual(set(told), {"acme", "initech", "globex", "auto"})
        self.assertEqual(told["acme"]["recipients"], 1)
        self.assertEqual([x["tenant"] for x in r.body["unreached"]],
                         ["noadm"])
        mails = self.new_mails(before)
        self.assertEqual(sorted(m["To"] for m in mails),
                         ["admin@acme.example", "admin@auto.example",
                          "admin@globex.example", "admin@initech.example"])
        for m in mails:
            tenant = m["To"].split("@")[1].split(".")[0]
            text, name, rep = parts(m)
            self.assertIn(self.inc["title"], m["Subject"])
            self.assertIn("We are sorry.", text)
            self.assertEqual((rep["format"], rep["tenant"]),
                             ("custos-scope-report/1", tenant))
            self.assertEqual(rep["exposure"], self.rows[tenant])
            self.assert_only_its_own(tenant, text, rep)
            for en in rep["entries"]:
                self.assertEqual(en["event"]["tenant"], tenant)
            # Verified offline, as the mail says.
            path = self.save(name, rep)
            self.cli("verify", "--key", self.keyfile, "--tenant-log", path,
                     "--tenant", tenant, "--log-key", self.log_key(tenant))
            bad = json.loads(json.dumps(rep))
            if bad["entries"]:
                bad["entries"][0]["event"]["action"] = "ticket.view"
                self.cli("verify", "--key", self.keyfile, "--tenant-log",
                         self.save("bad.json", bad), "--tenant", tenant,
                         "--log-key", self.log_key(tenant), code=1)
        acme = parts([m for m in mails if "acme" in m["To"]][0])[0]
        self.assertIn("acme-user", acme)
        self.assertIn("Reset the password and the MFA factors", acme)

        # Recorded: the request and one entry per tenant told, each the
        # tenant's, naming the incident.
        evs = [ev for _, ev, _ in self.d.entries(size0)]
        pub = [ev for ev in evs if ev["action"] == "incident.publish"]
        self.assertEqual([ev["outcome"] for ev in pub],
                         ["denied", "denied", "denied", "allowed"])
        notes = [ev for ev in evs if ev["action"] == "incident.notify"]
        self.assertEqual(sorted(ev["tenant"] for ev in notes),
                         ["acme", "auto", "globex", "initech"])
        for ev in notes:
            self.assertEqual(ev["target"], self.inc["id"])

        # The console's page: a tenant admin reads its own notice only.
        r = self.d.call("GET", "/v1/tenants/acme/incident-notices",
                        token=self.adm["acme"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual([(x["incident"], x["exposure"]) for x in
                          r.body["notices"]],
                         [(self.inc["id"], "acted_upon")])
        r = self.d.call("GET", "/v1/tenants/acme/incident-notices/" +
                        self.inc["id"], token=self.adm["acme"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["tenant"], "acme")
        self.assertIn("We are sorry.", r.body["text"])
        r = self.d.call("GET", "/v1/tenants/acme/incident-notices/" +
                        self.inc["id"], token=self.adm["initech"])
        self.assertEqual(r.status, 403, r)
        r = self.d.call("GET", "/v1/tenants/hooli/incident-notices/" +
                        self.inc["id"], token=self.adm["hooli"])
        self.assertEqual(r.status, 404, r)

        # 2. Again: nobody new to tell but noadm, still unreachable.
        before = len(self.d.mails())
        r = self.publish("affected")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["notified"], [])
        self.assertEqual(r.body["already_notified"], 4)
        self.assertEqual(r.body["deferred"], 0)
        self.assertEqual([x["tenant"] for x in r.body["unreached"]],
                         ["noadm"])
        self.assertEqual(len(self.d.mails()), before)

        # 3. The unaffected too: each gets its complete entries.
        r = self.publish("affected_and_unaffected")
        self.assertEqual(r.status, 200, r)
        told = {x["tenant"]: x["exposure"] for x in r.body["notified"]}
        self.assertEqual(told, {t: "unaffected" for t in
                                ("hooli", "appr", "deny")})
        mails = self.new_mails(before)
        self.assertEqual(len(mails), 3)
        for m in mails:
            tenant = m["To"].split("@")[1].split(".")[0]
            text, name, proof = parts(m)
            self.assertIn("not affected", text)
            self.assertEqual(proof["tenant"], tenant)
            self.assertNotIn("acme", m.as_string().replace(
                proof["checkpoint"], ""))
            self.assert_only_its_own(tenant, text, proof)
            path = self.save(name, proof)
            lk = self.log_key(tenant)
            p = self.cli("verify", "--key", self.keyfile, "--tenant",
                         tenant, "--log-key", lk, "--access-log", path)
            self.assertIn("hidden (exactly those", p.stdout)
            if tenant == "hooli":
                self.assertTrue(proof["entries"])
                cut = dict(proof, entries=proof["entries"][1:])
                p = self.cli("verify", "--key", self.keyfile, "--tenant",
                             tenant, "--log-key", lk, "--access-log",
                             self.save("cut.json", cut), code=1)
                self.assertIn("carries tenant hooli's tag", p.stderr)

        # 4. noadm gets an admin: the next publication reaches it.
        r = self.d.op("POST", "/v1/tenants/noadm/users", {
            "id": "noadm-admin", "username": "admin",
            "email": "admin@noadm.example", "password": "admin password 12",
            "role": "admin", "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 201, r)
        before = len(self.d.mails())
        p = self.cli("--token", self.responder, "incident", "publish",
                     self.inc["id"], "--message", "Update.")
        self.assertIn("told        noadm (viewed): 1 admin(s) mailed",
                      p.stdout)
        self.assertIn("7 told before", p.stdout)
        self.assertEqual([m["To"] for m in self.new_mails(before)],
                         ["admin@noadm.example"])
        # 5. Everyone told: refused (the CLI exits 1), recorded.
        p = self.cli("--token", self.responder, "incident", "publish",
                     self.inc["id"], code=1)
        self.assertIn("told before", p.stderr)
        r = self.publish("affected_and_unaffected")
        self.assertEqual(r.status, 409, r)
        self.assertIn("told before", r.raw)
        last = [ev for _, ev, _ in self.d.entries(self.d.log_size() - 3)
                if ev["action"] == "incident.publish"][-1]
        self.assertEqual((last["outcome"], last["reason"]),
                         ("denied", "already_published"))

    def test_no_such_incident(self):
        r = self.d.call("POST", "/v1/incidents/inc_nosuch/publish",
                        {"notify": "affected"}, token=self.responder)
        self.assertEqual(r.status, 404, r)


if __name__ == "__main__":
    unittest.main()
