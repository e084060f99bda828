# SPDX-License-Identifier: ISC
"""Review of incident publication (issue 16, item 5), as an attacker and
a demanding customer would read it:

- a tenant the principals entered in the window after the incident was
  scoped (an open window, an import of past events) is not told "no entry
  about your tenant in the window names the principals" with those very
  entries attached: it is named in the answer, to scope again;
- a crash between the commit of the notices and the delivery of their
  mail loses nothing: start-up delivers what was committed and drops what
  was not;
- the notice names the incident's principals, so the tenant can check
  the claim against its entries (the proof alone cannot say what to look
  for).

CUSTOSD, CUSTOS as in harness.py.
"""
import email
import email.policy
import json
import os
import unittest

from harness import TOTP_SECRET, DaemonTest

T = 1800000000.0
WINDOW = {"from": "2020-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def parts(msg):
    """(text, attachment JSON) of one notice."""
    text, att = None, None
    for p in msg.walk():
        if p.get_content_type() == "text/plain":
            text = p.get_payload(decode=True).decode()
        elif p.get_filename():
            att = json.loads(p.get_payload(decode=True))
    return text, att


class PublishReview(DaemonTest):
    clock = T

    def add_tenant(self, tid, policy):
        d = self.d
        r = d.op("POST", "/v1/tenants", {"id": tid, "name": "Tenant " + tid,
                                         "support_policy": policy})
        self.assertEqual(r.status, 201, r)
        r = d.op("POST", "/v1/tenants/%s/users" % tid, {
            "id": tid + "-admin", "username": "admin",
            "email": "admin@%s.example" % tid,
            "password": "admin password 12", "role": "admin",
            "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 201, r)

    def test_principals_entered_later_not_told_unaffected(self):
        d, w = self.d, self.w
        eng = w.engineer_login(at=T).body["token"]
        r = d.call("GET", "/v1/tenants/auto/users", token=eng)
        self.assertEqual(r.status, 200, r)
        r = d.op("POST", "/v1/incidents", {
            "title": "Compromised engineer",
            "scope": dict(WINDOW, principals={"engineers": ["eng1"]})})
        self.assertEqual(r.status, 201, r)
        inc = r.body
        self.assertEqual([x["tenant"] for x in inc["tenants"]], ["auto"])
        # After the incident was scoped, still in its window, the
        # principal enters a tenant that did not exist then.
        self.add_tenant("late", "auto_approve")
        r = d.call("GET", "/v1/tenants/late/users", token=eng)
        self.assertEqual(r.status, 200, r)
        self.add_tenant("calm2", "approval_required")
        before = len(d.mails())
        r = d.op("POST", "/v1/incidents/%s/publish" % inc["id"],
                 {"notify": "affected_and_unaffected"})
        self.assertEqual(r.status, 200, r)
        mails = {m["To"]: m for m in d.mails()[before:]}
        # Not told "not affected" beside the principal's entries: named
        # in the answer for the operator to scope again.
        self.assertNotIn("admin@late.example", mails)
        told = {x["tenant"]: x["exposure"] for x in r.body["notified"]}
        self.assertNotIn("late", told)
        self.assertEqual(told.get("calm2"), "unaffected")
        late = [x for x in r.body["unreached"] if x["tenant"] == "late"]
        self.assertEqual(len(late), 1, r.body)
        self.assertIn("after the incident was scoped", late[0]["reason"])
        # Every proof sent holds no entry of the principal in the window.
        for m in mails.values():
            text, proof = parts(m)
            if proof.get("format") != "custos-incident-notice/1":
                continue
            for en in proof["entries"]:
                self.assertNotEqual((en["event"].get("tenant"),
                                     en["event"].get("action")),
                                    ("late", "user.list"), en)


    def test_unaffected_notice_names_the_principals(self):
        # Without them a tenant can check that nothing was hidden, not
        # what "not affected" is about; the operator's choice of
        # principals would be beyond its reach.
        d = self.d
        self.add_tenant("calm", "approval_required")
        r = d.op("POST", "/v1/incidents", {
            "title": "Stolen device",
            "scope": dict(WINDOW, principals={
                "engineers": ["eng1"], "ips": ["198.51.100.7"]})})
        self.assertEqual(r.status, 201, r)
        inc = r.body
        before = len(d.mails())
        r = d.op("POST", "/v1/incidents/%s/publish" % inc["id"],
                 {"notify": "affected_and_unaffected"})
        self.assertEqual(r.status, 200, r)
        mails = {m["To"]: m for m in d.mails()[before:]}
        text, proof = parts(mails["admin@calm.example"])
        self.assertEqual(proof["principals"], {
            "engineers": ["eng1"], "ips": ["198.51.100.7"]})
        self.assertIn("engineers: eng1", text)
        self.assertIn("ips: 198.51.100.7", text)



class PublishCrash(DaemonTest):
    """Its own daemon: it kills it (and uses the engineer's code at T)."""
    clock = T

    def test_crash_between_commit_and_delivery(self):
        # The notice is committed (the tenant counts as told), its mail
        # still in tmp/ when custosd dies: start-up delivers it; a message
        # staged for a notice that never committed is removed, not sent.
        d, w = self.d, self.w
        eng = w.engineer_login(at=T).body["token"]
        r = d.call("GET", "/v1/tenants/auto/users", token=eng)
        self.assertEqual(r.status, 200, r)
        r = d.op("POST", "/v1/incidents", {
            "title": "Crash test",
            "scope": dict(WINDOW, principals={"engineers": ["eng1"]})})
        self.assertEqual(r.status, 201, r)
        inc = r.body["id"]
        new = os.path.join(d.data, "outbox", "new")
        tmp = os.path.join(d.data, "outbox", "tmp")
        before = set(os.listdir(new))
        r = d.op("POST", "/v1/incidents/%s/publish" % inc,
                 {"notify": "affected"})
        self.assertEqual(r.status, 200, r)
        sent = sorted(set(os.listdir(new)) - before)
        self.assertEqual(len(sent), 1)
        # As the crash leaves it: committed, not delivered ...
        os.rename(os.path.join(new, sent[0]), os.path.join(tmp, sent[0]))
        # ... and a message of a publication that never committed.
        with open(os.path.join(tmp, sent[0]), "rb") as f:
            raw = f.read()
        self.assertTrue(raw.startswith(
            ("X-Custos-Notice: %s auto\r\n" % inc).encode()), raw[:80])
        with open(os.path.join(tmp, "1.P1Rnever.custos"), "wb") as f:
            f.write(raw.replace(b" auto\r\n", b" appr\r\n", 1))
        d.kill()
        d.start()
        self.assertIn(sent[0], os.listdir(new))
        self.assertEqual(os.listdir(tmp), [])
        self.assertNotIn("1.P1Rnever.custos", os.listdir(new))
        # Told once: publishing again sends nothing more to it.
        r = d.op("POST", "/v1/incidents/%s/publish" % inc,
                 {"notify": "affected"})
        self.assertEqual(r.status, 409, r)



class PublishManyTenants(DaemonTest):
    """One publication tells a bounded number of unaffected tenants (each
    costs a scan of its entries, a proof kept in memory, an fsynced
    message per admin and an entry in one commit); the rest are deferred
    to the next, as the proofs' budget already defers them."""
    clock = T
    MANY = 700

    def test_unaffected_tenants_per_publication_are_bounded(self):
        d = self.d
        objs = []
        for i in range(self.MANY):
            tid = "many-%04d" % i
            objs.append({"kind": "tenant", "id": tid, "name": "Many %d" % i,
                         "support_policy": "approval_required"})
            objs.append({"kind": "user", "id": tid + "-a", "tenant": tid,
                         "username": "admin", "role": "admin",
                         "email": "admin@%s.example" % tid})
        body = "".join(json.dumps(o) + "\n" for o in objs).encode()
        r = d.call("POST", "/v1/import", raw=body, token=d.operator)
        self.assertEqual(r.status, 200, r)
        r = d.op("POST", "/v1/incidents", {
            "title": "Many", "scope": dict(WINDOW, principals={
                "engineers": ["eng1"]})})
        self.assertEqual(r.status, 201, r)
        inc = r.body["id"]
        r = d.op("POST", "/v1/incidents/%s/publish" % inc,
                 {"notify": "affected_and_unaffected"})
        self.assertEqual(r.status, 200, r)
        first = len(r.body["notified"])
        self.assertLessEqual(len([x for x in r.body["notified"]
                                  if x["exposure"] == "unaffected"]), 500)
        self.assertGreater(r.body["deferred"], 0)
        r = d.op("POST", "/v1/incidents/%s/publish" % inc,
                 {"notify": "affected_and_unaffected"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["deferred"], 0)
        # Everyone told once: the world's tenants and the imported ones.
        self.assertEqual(first + len(r.body["notified"]),
                         self.MANY + len([t for t in ("auto", "appr",
                                                      "deny")]))



class PublishSubject(DaemonTest):
    """Header fields are US-ASCII (RFC 5322): a title in the customer's
    language goes into the Subject as RFC 2047 encoded words, and reads
    back whole."""
    clock = T

    def test_non_ascii_title_is_encoded(self):
        d, w = self.d, self.w
        eng = w.engineer_login(at=T).body["token"]
        r = d.call("GET", "/v1/tenants/auto/users", token=eng)
        self.assertEqual(r.status, 200, r)
        title = ("Sicherheitsvorfall: Zugriff \u00fcber den Support "
                 "\u2014 \u4e8b\u4ef6\u5831\u544a, Kunden\u00e4nderungen")
        r = d.op("POST", "/v1/incidents", {
            "title": title,
            "scope": dict(WINDOW, principals={"engineers": ["eng1"]})})
        self.assertEqual(r.status, 201, r)
        new = os.path.join(d.data, "outbox", "new")
        before = set(os.listdir(new))
        r = d.op("POST", "/v1/incidents/%s/publish" % r.body["id"],
                 {"notify": "affected"})
        self.assertEqual(r.status, 200, r)
        sent = sorted(set(os.listdir(new)) - before)
        self.assertEqual(len(sent), 1)
        with open(os.path.join(new, sent[0]), "rb") as f:
            raw = f.read()
        head = raw.split(b"\r\n\r\n", 1)[0]
        head.decode("ascii")            # no 8-bit byte in a header
        for line in head.split(b"\r\n"):
            self.assertLessEqual(len(line), 998, line)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(str(msg["Subject"]), "Security incident: " + title)


if __name__ == "__main__":
    unittest.main()
