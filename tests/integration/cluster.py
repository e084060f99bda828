# SPDX-License-Identifier: ISC
"""Helpers of the multi-node tests (test_cluster_*, test_pg_restart):
several custosd nodes on one PostgreSQL database of a server of the
test's own, a load of recorded requests spread over the live nodes, and
the checks that the one log they share lost nothing acknowledged, holds
nothing twice, is dense, and that every checkpoint any node signed is the
root of a prefix of it; and the probes that show detection and the
sweeper at work while nodes die (Probes)."""
import base64
import calendar
import hashlib
import http.client
import json
import random
import threading
import time
import urllib.parse

import nacl.signing

import pgserver
import test_tlog as tl
from harness import TOTP_SECRET, Daemon, totp


def start_cluster(n, srv, extra=(), clock=None):
    """n nodes named a, b, c... on one fresh database of srv."""
    url = srv.new_database()
    first = Daemon(store=url, server=srv, node_name="a", extra=extra,
                   clock=clock)
    nodes = [first]
    try:
        for k in range(1, n):
            nodes.append(Daemon(join=first, node_name=chr(ord("a") + k),
                                extra=extra, clock=clock))
    except BaseException:
        for d in nodes:
            d.stop()
        raise
    return nodes


def roles_of(d):
    """The set of leases node d says it holds (GET /v1/health "roles":
    a list of names, or an object whose keys are names)."""
    try:
        r = d.call("GET", "/v1/health")
    except (OSError, http.client.HTTPException):
        return set()
    roles = (r.body or {}).get("roles") if isinstance(r.body, dict) else None
    if isinstance(roles, dict):
        return {k for k, v in roles.items() if v}
    if isinstance(roles, list):
        out = set()
        for x in roles:
            out.add(x["name"] if isinstance(x, dict) else x)
        return out
    return set()


def wait_healthy(d, limit=30.0):
    deadline = time.time() + limit
    last = None
    while time.time() < deadline:
        try:
            last = d.call("GET", "/v1/health")
            if last.status == 200:
                return last
        except (OSError, http.client.HTTPException) as e:
            last = e
        time.sleep(0.1)
    raise AssertionError("node %s not healthy after %.0fs: %r"
                         % (d.node_name, limit, last))


class PrefixRoots:
    """Every leaf of the log in order, and the RFC 6962 root of each of
    its prefixes, computed incrementally (a stack of full subtrees)."""

    def __init__(self):
        self.leaves = []
        self.stack = []         # (height, hash), leftmost first
        # roots[n]: the root of the first n leaves (RFC 6962: the empty
        # tree's is the hash of nothing).
        self.roots = [hashlib.sha256(b"").digest()]

    def extend(self, leaf_hashes):
        for h in leaf_hashes:
            self.leaves.append(h)
            height, node = 0, h
            while self.stack and self.stack[-1][0] == height:
                node = tl.node_hash(self.stack.pop()[1], node)
                height += 1
            self.stack.append((height, node))
            r = self.stack[-1][1]
            for _, x in reversed(self.stack[:-1]):
                r = tl.node_hash(x, r)
            self.roots.append(r)

    def root(self, size):
        return self.roots[size]


class Load:
    """Recorded requests from threads, each to a random live node:
    creators (POST /v1/vendors, unique ids), an importer (POST /v1/import
    of IMPORT vendors at once), readers (GET .../users, recorded) and a
    watcher keeping every checkpoint note it got, with its node.
    What a node acknowledged is remembered; connection errors and
    refusals are not acknowledged.  Any 500 is a failure."""

    def __init__(self, nodes, tag, rng, creators=4, importer=True,
                 readers=2, import_lines=200, tenant="auto"):
        self.nodes = nodes
        self.live = list(nodes)
        self.tag = tag
        self.rng = random.Random(rng.random())
        self.lock = threading.Lock()
        self.acked = []             # vendor ids acknowledged
        self.statuses = {}          # status -> count (None: no answer)
        self.bad = []               # 500s and other unexpected answers
        self.notes = []             # (node name, checkpoint note)
        self.stop_ev = threading.Event()
        self.threads = []
        self.creators, self.importer, self.readers = creators, importer, \
            readers
        self.import_lines = import_lines
        self.tenant = tenant
        self.seq = 0
        self.slowest = 0.0          # seconds, the longest request

    def pick(self):
        with self.lock:
            return self.rng.choice(self.live) if self.live else None

    def down(self, d):
        with self.lock:
            self.live = [x for x in self.live if x is not d]

    def up(self, d):
        with self.lock:
            if d not in self.live:
                self.live.append(d)

    def _count(self, status, r=None, allowed=()):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status is not None and status >= 500 and status != 503:
                self.bad.append(r)
            elif status is not None and status not in allowed and \
                    status != 503:
                self.bad.append(r)

    def _send(self, d, *a, **kw):
        t0 = time.time()
        try:
            return d.call(*a, **kw)
        except (OSError, http.client.HTTPException, ValueError):
            return None
        finally:
            took = time.time() - t0
            with self.lock:
                self.slowest = max(self.slowest, took)

    def _next(self):
        with self.lock:
            self.seq += 1
            return self.seq

    def creator(self, k):
        while not self.stop_ev.is_set():
            d = self.pick()
            if d is None:
                time.sleep(0.05)
                continue
            vid = "%s-c%d-%d" % (self.tag, k, self._next())
            r = self._send(d, "POST", "/v1/vendors",
                           {"id": vid, "name": "Vendor " + vid},
                           token=d.operator)
            if r is None:
                self._count(None)
                continue
            self._count(r.status, r, (201,))
            if r.status == 201 and r.body and r.body.get("id") == vid:
                with self.lock:
                    self.acked.append(vid)
            elif r.status == 503:
                time.sleep(0.05)

    def importer_main(self):
        while not self.stop_ev.is_set():
            d = self.pick()
            if d is None:
                time.sleep(0.05)
                continue
            n = self._next()
            ids = ["%s-i%d-%d" % (self.tag, n, j)
                   for j in range(self.import_lines)]
            body = "".join(json.dumps({"kind": "vendor", "id": v,
                                       "name": "Imported " + v}) + "\n"
                           for v in ids).encode()
            r = self._send(d, "POST", "/v1/import", raw=body,
                           token=d.operator)
            if r is None:
                self._count(None)
                continue
            self._count(r.status, r, (200,))
            if r.status == 200 and r.body and \
                    r.body.get("entries") == len(ids):
                with self.lock:
                    self.acked.extend(ids)
            time.sleep(0.1)     # imports are big: leave the rest room

    def reader(self):
        while not self.stop_ev.is_set():
            d = self.pick()
            if d is None:
                time.sleep(0.05)
                continue
            r = self._send(d, "GET", "/v1/tenants/%s/users" % self.tenant,
                           token=d.operator)
            self._count(None if r is None else r.status, r, (200,))
            if r is not None and r.status == 503:
                time.sleep(0.05)

    def watcher(self):
        while not self.stop_ev.is_set():
            d = self.pick()
            if d is None:
                time.sleep(0.05)
                continue
            r = self._send(d, "GET", "/v1/log/checkpoint")
            if r is not None and r.status == 200:
                with self.lock:
                    self.notes.append((d.node_name, r.raw))
            time.sleep(0.03)

    def start(self):
        self.stop_ev.clear()
        fns = [(self.creator, (k,)) for k in range(self.creators)]
        if self.importer:
            fns.append((self.importer_main, ()))
        fns += [(self.reader, ())] * self.readers
        fns.append((self.watcher, ()))
        self.threads = [threading.Thread(target=f, args=a, daemon=True)
                        for f, a in fns]
        for t in self.threads:
            t.start()

    def stop(self):
        self.stop_ev.set()
        for t in self.threads:
            t.join(timeout=120)
        self.threads = []


class LogCheck:
    """What the nodes' one log must satisfy after each round; entries are
    read incrementally (they are immutable: the root check covers the
    part read before)."""

    def __init__(self, test, key, why):
        self.test = test
        self.key = key
        self.why = why
        self.tree = PrefixRoots()
        self.vendors = {}       # vendor id -> times logged
        self.checked_notes = 0
        self.last_note = None
        self.alerts = {}        # (rule, subject) -> indexes of alert entries
        self.expired = {}       # grant id -> [(index, time in ms)]

    def read(self, d):
        """Reads the entries after those already read (from node d);
        returns the log's size."""
        got = d.entries(len(self.tree.leaves))
        t = self.test
        start = len(self.tree.leaves)
        t.assertEqual([e[0] for e in got],
                      list(range(start, start + len(got))),
                      self.why("indexes not dense"))
        for i, ev, _ in got:
            action = ev.get("action")
            if action == "vendor.create" and \
                    ev.get("outcome") == "allowed":
                v = ev.get("target")
                self.vendors[v] = self.vendors.get(v, 0) + 1
            elif action == "alert":
                det = ev.get("detail") or {}
                self.alerts.setdefault((det.get("rule"), det.get("subject")),
                                       []).append(i)
            elif action == "access_request.expire":
                self.expired.setdefault(ev.get("target"), []).append(
                    (i, time_ms(ev["time"])))
        self.tree.extend(tl.leaf_hash(e[2]) for e in got)
        return len(self.tree.leaves)

    def check(self, nodes, acked, notes, db, probes=None):
        """probes: a Probes whose alerts and expiries the log must hold
        (check_probes)."""
        t = self.test
        t_read = time.time()
        size = self.read(nodes[0])
        lost = [v for v in acked if v not in self.vendors]
        twice = sorted(v for v, n in self.vendors.items() if n > 1)
        t.assertEqual(lost[:20], [], self.why("acknowledged, not logged "
                                              "(%d)" % len(lost)))
        t.assertEqual(twice[:20], [], self.why("logged twice"))
        with db() as con:
            ((n, lo, hi),) = con.query("SELECT count(*), min(idx), "
                                       "max(idx) FROM entries")
        # Dense in the store too; a node's own writers (the sweeper's
        # expiries) may have added entries since the read.
        t.assertEqual((lo, n), (0, hi + 1), self.why("entries in the "
                                                     "store"))
        t.assertGreaterEqual(n, size, self.why("entries in the store"))
        root = self.tree.root(size)
        # Each node: a checkpoint covering the whole log, the same root.
        for d in nodes:
            try:
                note = covering_checkpoint(d, size)
            except AssertionError as e:
                with db() as con:
                    top = con.query("SELECT max(size) FROM checkpoints")
                tail = [(i, ev.get("action"), ev.get("actor"))
                        for i, ev, _ in nodes[0].entries(max(0, size - 3))]
                t.fail(self.why("%s; stored checkpoints up to %r; every "
                                "node's: %r; last entries %r" % (
                                    e, top, [(x.node_name, tl.fetch_checkpoint(
                                        x).split("\n")[1]) for x in nodes],
                                    tail)))
            _, s, r = tl.open_checkpoint(note, self.key)
            if s > len(self.tree.leaves):
                self.read(nodes[0])     # entries written since
            t.assertLessEqual(s, len(self.tree.leaves), self.why(
                "node %s signed size %d, the log holds %d" % (
                    d.node_name, s, len(self.tree.leaves))))
            t.assertEqual(r, self.tree.root(s), self.why(
                "node %s: root of the entries differs" % d.node_name))
            notes = list(notes) + [(d.node_name, note)]
        # Every note any node served: signed by the log key, and the root
        # of a prefix of this one log (so consistent with every other).
        seen = {}
        for name, note in notes:
            seen.setdefault(note, name)
        for note, name in seen.items():
            _, s, r = tl.open_checkpoint(note, self.key)
            t.assertLessEqual(s, len(self.tree.leaves),
                              self.why("note from %s" % name))
            t.assertEqual(self.tree.root(s), r, self.why(
                "checkpoint of size %d from node %s is not a prefix"
                % (s, name)))
        self.checked_notes += len(seen)
        # And one consistency proof, from a random node, from the last
        # round's checkpoint, verified in Python (RFC 9162).
        if self.last_note is not None:
            _, old, old_root = tl.open_checkpoint(self.last_note, self.key)
            if 0 < old < size:
                d = random.choice(nodes)
                r = d.call("GET", "/v1/log/proof/consistency?old=%d&new=%d"
                           % (old, size))
                t.assertEqual(r.status, 200, self.why(r))
                t.assertTrue(tl.verify_consistency(
                    old, size, old_root, root,
                    tl.b64hashes(r.body["hashes"])),
                    self.why("consistency %d -> %d from node %s"
                             % (old, size, d.node_name)))
        self.last_note = covering_checkpoint(nodes[0], size)
        if probes is not None:
            self.check_probes(nodes, probes, t_read)
        return size

    def check_probes(self, nodes, probes, t_read):
        """In the log read so far: an alert entry only for what a probe
        caused, one for each, never two (whichever node raised it); at
        most one access_request.expire entry per grant, not before its
        deadline and at most probes.expire_within seconds after it, and
        one for every grant whose deadline passed by that much before
        the log was read; across the nodes' outboxes at most one "ends
        soon" notice per grant."""
        t = self.test
        twice = {k: v for k, v in self.alerts.items() if len(v) > 1}
        t.assertEqual(twice, {}, self.why("alerts raised twice (rule, "
                                          "subject): entries"))
        stray = sorted(k for k in self.alerts if k not in probes.expected)
        t.assertEqual(stray, [], self.why("alerts no probe caused"))
        for key, p in probes.expected.items():
            if p["alert"] is not None:
                t.assertIn(key, self.alerts, self.why(
                    "alert %s served, no alert entry" % (key,)))
        within = probes.expire_within
        for gid, got in self.expired.items():
            t.assertIn(gid, probes.grants, self.why("expiry of a grant no "
                                                    "probe opened"))
            t.assertEqual(len(got), 1, self.why("grant %s expired %d "
                                                "times: %r" % (
                                                    gid, len(got), got)))
            dl = probes.grants[gid] * 1000
            late = (got[0][1] - dl) / 1000.0
            t.assertTrue(0 <= late <= within, self.why(
                "grant %s (deadline %d) expired %.1fs after its deadline"
                % (gid, probes.grants[gid], late)))
            probes.late[gid] = late
        overdue = sorted(g for g, dl in probes.grants.items()
                         if dl + within < t_read and g not in self.expired)
        t.assertEqual(overdue, [], self.why("grants past their deadline "
                                            "by over %ds, not expired"
                                            % within))
        mailed = probes.notices(nodes)
        t.assertEqual({g: n for g, n in mailed.items() if n > 1}, {},
                      self.why("\"ends soon\" notices sent more than once"))


def time_ms(text):
    """An entry's time ("2026-11-21T05:42:43.401Z") in ms since 1970."""
    whole, _, frac = text.rstrip("Z").partition(".")
    t = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
    return t * 1000 + int((frac + "000")[:3])


class Probes:
    """What detection and the sweeper must do while nodes die, each probe
    made through a node the caller names (a survivor):

    - break_glass(d): the operator opens break-glass access of one
      minute to a tenant for a fresh engineer.  Detection must raise
      exactly one break_glass alert about that engineer; a minute later
      the sweeper (whichever node holds its lease then) must write
      exactly one access_request.expire entry for the grant.
    - forbidden(d): a fresh engineer with a registered device signs in
      through d and asks for the tenant's export, which support may not
      do: exactly one forbidden_probe alert about the engineer.

    Fresh engineers make every alert's (rule, subject) unique: a rule
    stays quiet for a subject for its window after it fired, and a node
    that takes over detection does not learn what fired before, so a
    repeated subject could not tell a duplicate from a new alert."""

    REASON = "cluster kill test: does detection and the sweeper go on"

    def __init__(self, test, tag, rng, tenant="appr", vendor="sitel",
                 expire_within=15):
        self.test = test
        self.rng = rng          # which node is asked
        self.tag = tag
        self.tenant = tenant
        self.vendor = vendor
        self.expire_within = expire_within
        self.expected = {}  # (rule, subject) -> {"sent", "node", "alert"}
        self.grants = {}    # grant id -> deadline (s since 1970)
        self.late = {}      # grant id -> seconds its expiry came after it
        self.n = 0

    def _ok(self, r, status, what):
        self.test.assertEqual(r.status, status, "%s: %r" % (what, r))
        return r

    def _engineer(self, d, key=None):
        self.n += 1
        eid = "%s-e%d" % (self.tag, self.n)
        self._ok(d.op("POST", "/v1/engineers", {
            "id": eid, "username": eid, "vendor": self.vendor,
            "password": "probe password 12", "totp_secret": TOTP_SECRET}),
            201, "engineer %s on %s" % (eid, d.node_name))
        if key is not None:
            self._ok(d.op("POST", "/v1/engineers/%s/devices" % eid, {
                "id": eid + "-dev", "name": "laptop",
                "public_key": base64.b64encode(
                    bytes(key.verify_key)).decode()}),
                201, "device of %s on %s" % (eid, d.node_name))
        return eid

    def _expect(self, rule, eid, d, sent):
        self.expected[(rule, eid)] = {"sent": sent, "node": d.node_name,
                                      "alert": None}
        return (rule, eid)

    def break_glass(self, d):
        """(rule, subject) of the alert it must raise; the grant is in
        self.grants."""
        eid = self._engineer(d)
        sent = time.time()
        r = self._ok(d.op("POST", "/v1/tenants/%s/break-glass" % self.tenant,
                          {"engineer": eid, "reason": self.REASON,
                           "minutes": 1}),
                     201, "break-glass on %s" % d.node_name)
        self.grants[r.body["id"]] = calendar.timegm(time.strptime(
            r.body["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
        return self._expect("break_glass", eid, d, sent)

    def forbidden(self, d):
        key = nacl.signing.SigningKey.generate()
        eid = self._engineer(d, key)
        r = self._ok(d.call("POST", "/v1/auth/login", {
            "username": eid, "device": eid + "-dev"}), 200,
            "login of %s on %s" % (eid, d.node_name))
        sig = key.sign(r.body["challenge"].encode()).signature
        r = self._ok(d.call("POST", "/v1/auth/verify", {
            "login_id": r.body["login_id"], "password": "probe password 12",
            "totp": totp(), "device_signature":
            base64.b64encode(sig).decode()}), 200,
            "verify of %s on %s" % (eid, d.node_name))
        token = r.body["token"]
        sent = time.time()
        self._ok(d.call("GET", "/v1/tenants/%s/export" % self.tenant,
                        token=token), 403,
                 "export by %s on %s" % (eid, d.node_name))
        return self._expect("forbidden_probe", eid, d, sent)

    def alerts_of(self, d, key):
        """The alerts node d lists for key (rule, subject), or None when
        it does not answer."""
        q = urllib.parse.urlencode({"rule": key[0], "subject": key[1]})
        try:
            r = d.op("GET", "/v1/alerts?" + q)
        except (OSError, http.client.HTTPException):
            return None
        self.test.assertEqual(r.status, 200, r)
        return [a for a in r.body["alerts"]
                if (a["rule"], a["subject"]) == key]

    def wait_alert(self, nodes, key, limit, why):
        """Polls random nodes of nodes until one lists the alert for key;
        fails if it is not there limit seconds after the probe, or if
        any node ever lists two.  Returns the seconds it took."""
        p = self.expected[key]
        deadline = p["sent"] + limit
        while True:
            d = self.rng.choice(nodes)
            got = self.alerts_of(d, key)
            if got:
                self.test.assertEqual(len(got), 1, why(
                    "node %s lists %d alerts for %s: %r"
                    % (d.node_name, len(got), key, got)))
                p["alert"] = got[0]["id"]
                return time.time() - p["sent"]
            if time.time() > deadline:
                self.test.fail(why("no %s alert about %s (made on %s) "
                                   "within %.0fs; roles %r; health %r" % (
                                       key[0], key[1], p["node"], limit,
                                       {x.node_name: sorted(roles_of(x))
                                        for x in nodes},
                                       [x.health() for x in nodes])))
            time.sleep(0.1)

    def notices(self, nodes):
        """grant id -> the "Support access ends soon" notices about it in
        every node's outbox."""
        out = {}
        for d in nodes:
            for m in d.mails():
                if "ends soon" not in (m["Subject"] or ""):
                    continue
                body = m.get_payload(decode=True).decode("utf-8", "replace")
                for gid in self.grants:
                    if gid in body:
                        out[gid] = out.get(gid, 0) + 1
        return out


def covering_checkpoint(d, size, limit=15.0):
    """The checkpoint node d serves once it covers size entries (the
    signer lease's holder signs within its interval; the others hear it
    through the store)."""
    deadline = time.time() + limit
    while True:
        note = tl.fetch_checkpoint(d)
        if int(note.split("\n")[1]) >= size:
            return note
        if time.time() > deadline:
            raise AssertionError("node %s: no checkpoint covers %d entries "
                                 "after %.0fs: %r; health %r; log: %s"
                                 % (d.node_name, size, limit, note,
                                    d.health(), d.read_log()[-1500:]))
        time.sleep(0.1)


def own_server():
    return pgserver.PgServer()
