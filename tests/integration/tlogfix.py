# SPDX-License-Identifier: ISC
"""Independent RFC 6962/9162 tree + C2SP signed-note maker for testing
`custos verify`: nothing here uses custos code."""
import base64
import hashlib
import json

import nacl.signing


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def _k(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hash(leaves[0])
    k = _k(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def inclusion(m, leaves):
    n = len(leaves)
    if n <= 1:
        return []
    k = _k(n)
    if m < k:
        return inclusion(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion(m - k, leaves[k:]) + [mth(leaves[:k])]


def _subproof(m, leaves, b):
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = _k(n)
    if m <= k:
        return _subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def consistency(m, leaves):
    if m == len(leaves):
        return []
    return _subproof(m, leaves, True)


def b64(b):
    return base64.b64encode(b).decode()


class Key:
    def __init__(self, name, seed=None):
        self.name = name
        self.sk = nacl.signing.SigningKey(seed or bytes(range(32)))
        self.pk = bytes(self.sk.verify_key)
        self.id = hashlib.sha256(name.encode() + b"\n\x01" +
                                 self.pk).digest()[:4]

    def verifier(self):
        return "%s+%s+%s" % (self.name, self.id.hex(), b64(b"\x01" +
                                                        self.pk))

    def sign(self, body):
        sig = self.sk.sign(body.encode()).signature
        return "\u2014 %s %s\n" % (self.name, b64(self.id + sig))


def checkpoint(key, origin, leaves, extra_sigs=()):
    body = "%s\n%d\n%s\n" % (origin, len(leaves), b64(mth(leaves)))
    note = body + "\n"
    for k in extra_sigs:
        note += k.sign(body)
    note += key.sign(body)
    return note


def event(i, tenant):
    return {"v": 1, "time": "2022-01-21T14:03:%02d.000Z" % (i % 60),
            "actor": {"kind": "engineer", "id": "e_%d" % i,
                      "vendor": "v_acme"},
            "session": None, "device": None, "source": "127.0.0.1",
            "action": "user.list", "tenant": tenant, "target": None,
            "outcome": "allowed", "reason": None}


def make_leaves(n, tenants=("t_acme", "t_globex", None)):
    out = []
    for i in range(n):
        ev = event(i, tenants[i % len(tenants)])
        out.append(json.dumps(ev, separators=(",", ":")).encode())
    return out


def entry_obj(i, leaves):
    return {"index": i, "leaf": b64(leaves[i]),
            "event": json.loads(leaves[i])}


def inclusion_obj(i, leaves):
    return {"index": i, "size": len(leaves),
            "hashes": [b64(h) for h in inclusion(i, leaves)]}


def consistency_obj(m, leaves):
    return {"old": m, "new": len(leaves),
            "hashes": [b64(h) for h in consistency(m, leaves)]}


def tenant_log(key, origin, leaves, tenant, next_=None):
    ents = []
    for i, lf in enumerate(leaves):
        ev = json.loads(lf)
        if ev["tenant"] != tenant:
            continue
        ents.append({"index": i, "leaf": b64(lf), "event": ev,
                     "proof": [b64(h) for h in inclusion(i, leaves)]})
    return {"tenant": tenant, "checkpoint": checkpoint(key, origin, leaves),
            "size": len(leaves), "entries": ents, "next": next_}
