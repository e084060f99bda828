# SPDX-License-Identifier: ISC
"""Issue 12: a log every customer can check and nobody else can read.

Over real HTTP, with three tenants and activity in each (engineer reads
and resets, admins and users signing in, refused attempts, a username
nobody owns): nothing custosd serves without a token, or to another
tenant's admin, contains any id, address, username or action of any
entry -- every public endpoint, every byte of every entry bundle and hash
tile, every proof.  The entry bundles hold 49-byte sealed leaves
(custos-leaf-v1) that the tree commits to; a tenant admin's log key finds
by tag exactly the tenant's entries the access log lists, and opens them
to the events shown; another tenant's key finds none of them.
"""
import base64
import hashlib
import json
import re
import os
import subprocess
import unittest

import harness
import sealedleaf
import tlogfix as tl
from harness import Daemon, DaemonTest, World

TENANTS = ("auto", "appr", "deny")


def tile_path(level, n, width):
    """The C2SP tile path (indexes below 1000 here)."""
    assert n < 1000
    p = "/v1/log/tile/%s/%03d" % (level, n)
    return p if width == 256 else p + ".p/%d" % width


class SealedLog(DaemonTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d, w = cls.d, cls.w
        r = w.engineer_login()
        assert r.status == 200, r
        eng = r.body["token"]
        cls.admins = {}
        for t in TENANTS:
            d.call("GET", "/v1/tenants/%s/users" % t, token=eng)
            d.call("GET", "/v1/tenants/%s/tickets/%s-t1" % (t, t),
                   token=eng)
            adm = cls.admins[t] = w.tenant_login(t)
            d.call("GET", "/v1/tenants/%s/users" % t, token=adm)
            w.tenant_login(t, who="user")
            d.call("POST", "/v1/tenants/%s/auth/login" % t, {
                "username": "nobody-%s" % t, "password": "secret guess 1",
                "totp": "000000"})
        d.call("POST", "/v1/tenants/auto/users/auto-user/mfa-reset",
               {"reason": "lost phone"}, token=eng)
        # Have the tree signed over everything so far.
        r = d.call("GET", "/v1/tenants/auto/access-log",
                   token=cls.admins["auto"])
        assert r.status == 200, r
        cls.objs = d.entry_objects()
        cls.size = r.body["size"]
        cls.note = r.body["checkpoint"]

    def secrets(self):
        """Every string an entry says (ids, addresses, usernames,
        actions, targets, reasons), 4 characters or more."""
        out = set()

        def walk(v):
            if isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif isinstance(v, str) and len(v) >= 4:
                out.add(v)
        for o in self.objs:
            ev = dict(o["event"])
            ev.pop("time", None)
            ev.pop("outcome", None)
            walk(ev)
        # The directory's own names too.
        out |= {"sitel", "eng1", "dev1", "127.0.0.1"}
        for t in TENANTS:
            out |= {t + "-user", t + "-admin", "user@%s.example" % t,
                    "Tenant " + t, "nobody-" + t}
        return sorted(out)

    def public_answers(self):
        """(what, bytes) of every public endpoint over the whole tree."""
        d, n = self.d, self.size
        got = []

        def get(path):
            r = d.call("GET", path)
            self.assertEqual(r.status, 200, (path, r))
            got.append((path, r.raw.encode("latin-1", "replace")
                        if isinstance(r.raw, str) else r.raw))
            return r
        get("/v1/log/key")
        get("/v1/log/checkpoint")
        for i in range(0, n, 256):
            width = min(256, n - i)
            get(tile_path("entries", i // 256, width))
            get(tile_path(0, i // 256, width))
        if n >= 256:
            get(tile_path(1, 0, n // 256))
        for i in range(n):
            get("/v1/log/proof/inclusion?index=%d&size=%d" % (i, n))
        for a in range(1, n, 7):
            get("/v1/log/proof/consistency?old=%d&new=%d" % (a, n))
        return got

    def raw_bundle(self, k, width):
        """An entry bundle's exact bytes (urllib, not the text view)."""
        import urllib.request
        with urllib.request.urlopen(self.d.url + tile_path(
                "entries", k, width), timeout=60) as f:
            return f.read()

    def bundles(self):
        """Every leaf of the tree of self.size, from the entry bundles."""
        leaves = []
        for i in range(0, self.size, 256):
            data = self.raw_bundle(i // 256, min(256, self.size - i))
            at = 0
            while at < len(data):
                ln = int.from_bytes(data[at:at + 2], "big")
                leaves.append(data[at + 2:at + 2 + ln])
                at += 2 + ln
        self.assertEqual(len(leaves), self.size)
        return leaves

    def test_public_endpoints_reveal_nothing_any_entry_says(self):
        secrets = self.secrets()
        self.assertGreater(len(secrets), 20)
        answers = self.public_answers()
        # The bundles' exact bytes too (the text view above may differ).
        for i in range(0, self.size, 256):
            answers.append(("bundle %d" % i, self.raw_bundle(
                i // 256, min(256, self.size - i))))
        # A secret must not stand anywhere on its own; inside a base64
        # run (a hash, a signature) a short one like "dev1" turns up by
        # chance, about once in a few hundred runs.
        for what, data in answers:
            for s in secrets:
                pat = (rb"(?<![A-Za-z0-9+/])" + re.escape(s.encode()) +
                       rb"(?![A-Za-z0-9+/=])")
                self.assertIsNone(re.search(pat, data), (what, s))

    def test_bundles_hold_sealed_leaves_that_hash_to_the_signed_root(self):
        leaves = self.bundles()
        for i, leaf in enumerate(leaves):
            self.assertEqual(len(leaf), sealedleaf.LEAF_BYTES, i)
            self.assertEqual(leaf[0], 1, i)
            self.assertEqual(leaf, base64.b64decode(self.objs[i]["leaf"]))
            sealed = base64.b64decode(self.objs[i]["sealed"])
            self.assertEqual(hashlib.sha256(sealed).digest(), leaf[17:])
        # The signed checkpoint of that size commits to exactly these
        # leaves (RFC 6962 over the bundles' bytes, computed here).
        key = self.d.call("GET", "/v1/log/key").raw.strip()
        _, size, root = tl_open(self.note, key)
        self.assertEqual(size, self.size)
        self.assertEqual(tl.mth(leaves), root)

    def test_other_tenants_admin_and_anonymous_get_nothing_of_a_tenant(self):
        secrets = [s for s in self.secrets()]
        for path in ("/v1/tenants/auto/access-log", "/v1/tenants/auto/log-key",
                     "/v1/log/entries?start=0&end=50"):
            for token, want in ((None, 401), (self.admins["appr"], 403)):
                r = self.d.call("GET", path, token=token)
                self.assertEqual(r.status, want, (path, r))
                for s in secrets:
                    if s in ("auto", "appr") and "tenants" in path:
                        continue        # the path it was asked names it
                    self.assertNotIn(s, r.raw, (path, s))

    def test_tenant_key_finds_exactly_the_listed_entries_and_opens_them(self):
        leaves = self.bundles()
        for t in TENANTS:
            with self.subTest(tenant=t):
                adm = self.admins[t]
                r = self.d.call("GET", "/v1/tenants/%s/log-key" % t,
                                token=adm)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.body["format"], "custos-leaf-v1")
                keys = sealedleaf.derive(base64.b64decode(r.body["log_key"]))
                mine = {i for i, lf in enumerate(leaves)
                        if sealedleaf.is_mine(keys, i, lf)}
                listed, start, pages = {}, 0, 0
                while start is not None and pages < 20:
                    p = self.d.call("GET", "/v1/tenants/%s/access-log?"
                                    "start=%d" % (t, start), token=adm)
                    self.assertEqual(p.status, 200, p)
                    for e in p.body["entries"]:
                        self.assertLess(e["index"], p.body["size"])
                        listed[e["index"]] = e
                    start, pages = p.body["next"], pages + 1
                below = {i for i in listed if i < self.size}
                self.assertEqual(below, mine)
                self.assertGreater(len(mine), 5)
                for i, e in listed.items():
                    plain = sealedleaf.open_leaf(
                        keys, i, base64.b64decode(e["leaf"]),
                        base64.b64decode(e["sealed"]))
                    self.assertIsNotNone(plain, i)
                    self.assertEqual(json.loads(plain), e["event"])
                    self.assertEqual(e["event"]["tenant"], t)
                # No other tenant's key recognises these leaves.
                for o in TENANTS:
                    if o == t:
                        continue
                    ok = sealedleaf.derive(base64.b64decode(self.d.op(
                        "GET", "/v1/tenants/%s/log-key" % o).body["log_key"]))
                    self.assertFalse(any(sealedleaf.is_mine(ok, i, leaves[i])
                                         for i in mine))
        # Handing out a key is on the tenant's record.
        evs = [o["event"] for o in self.d.entry_objects(self.size)]
        self.assertTrue(any(ev["action"] == "tenant.log_key" and
                            ev["tenant"] == "auto" for ev in evs))


class PlaintextLogRefused(unittest.TestCase):
    """A data directory whose log has plaintext leaves (as every one
    written before sealing: the columns are NULL) is refused at start,
    saying what to do, and left as it was."""

    def test_plaintext_leaves_stop_start_up_with_what_to_do(self):
        d = Daemon()
        try:
            World(d)
            d.proc.terminate()
            self.assertEqual(d.proc.wait(timeout=30), 0)
            d.db_unguard("entries")
            with d.db() as con:
                con.execute("UPDATE entries SET leaf = NULL")
                (before,) = con.query("SELECT count(*), max(idx) FROM "
                                      "entries")
            r = subprocess.run(
                [harness.CUSTOSD, "--data", d.data, "--listen",
                 "127.0.0.1:%d" % d.port, "--quiet"] + d.store_args(),
                capture_output=True, text=True, timeout=60)
            self.assertNotEqual(r.returncode, 0, r)
            out = r.stdout + r.stderr
            self.assertIn("plaintext leaves", out)
            self.assertIn("start on a new one", out)
            self.assertIn("Logs from before sealed leaves", out)
            with d.db() as con:
                self.assertEqual(con.query("SELECT count(*), max(idx) "
                                           "FROM entries"), [before])
        finally:
            d.stop()


class RewriteWithoutTheKeyIsCaught(unittest.TestCase):
    """The issue's rewrite: with write access to the database, drop the
    triggers, change entry 30 (its plaintext: who, outcome), delete every
    tile and checkpoint, restart.  The anchor refuses it; the operator
    accepts the rewrite (--accept-log-rewrite) and the tree would be
    rebuilt, but entry 30 no longer opens from its sealed leaf (a new seal
    needs secrets.key, which the database does not hold): custosd starts
    degraded, naming the entry, and appends nothing."""

    def test_changed_entry_with_tiles_and_checkpoints_deleted_is_named(self):
        import test_tlog
        d = Daemon()
        try:
            World(d)
            for i in range(20):
                d.op("POST", "/v1/tenants/auto/tickets", {
                    "subject": "s%d" % i, "body": "b",
                    "requester": "r@x.example"})
            self.assertGreater(d.log_size(), 31)
            d.proc.terminate()
            self.assertEqual(d.proc.wait(timeout=30), 0)
            for table in ("entries", "tiles", "checkpoints"):
                d.db_unguard(table)
            con = d.db()
            ((b,),) = con.query("SELECT bytes FROM entries WHERE idx = 30")
            ev = json.loads(bytes(b))
            ev["outcome"] = "denied" if ev["outcome"] == "allowed" \
                else "allowed"
            ev["actor"]["id"] = "someone-else"
            con.execute("UPDATE entries SET bytes = ?, actor_id = ? "
                        "WHERE idx = 30", (json.dumps(
                            ev, separators=(",", ":")).encode(),
                            "someone-else"))
            con.execute("DELETE FROM tiles")
            con.execute("DELETE FROM checkpoints")
            n = con.query("SELECT count(*) FROM entries")[0][0]
            con.close()
            # Refused by the anchor; and when the operator accepts the
            # rewrite, the sealed leaves still name the changed entry.
            with self.assertRaises(RuntimeError) as cm:
                test_tlog.start_again(d, "refused")
            self.assertIn("does not rebuild a tree over existing entries",
                          str(cm.exception))
            h = test_tlog.start_again(d, "rewritten", "--accept-log-rewrite")
            self.assertEqual(h.status, 503, h)
            self.assertIn("log entry 30 differs from what its sealed leaf "
                          "holds", h.body["error"]["message"])
            r = d.op("POST", "/v1/vendors", {"name": "After"})
            self.assertEqual(r.status, 503, r)
            with d.db() as con:
                self.assertEqual(con.query("SELECT count(*) FROM entries"
                                           )[0][0], n)
        finally:
            d.stop()


def tl_open(note, key):
    import test_tlog
    return test_tlog.open_checkpoint(note, key)


if __name__ == "__main__":
    unittest.main()
