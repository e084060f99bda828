# SPDX-License-Identifier: ISC
"""Known answers for console/js/verify.js, computed apart from it at test
time: libsodium through PyNaCl (python3-nacl) where PyNaCl has the
function (BLAKE2b with salt and personal, XChaCha20-Poly1305-IETF,
Ed25519), libsodium through ctypes where it does not (crypto_kdf,
HChaCha20, ChaCha20-IETF, Poly1305), hashlib for SHA-256, and the sealed
leaf of tests/integration/sealedleaf.py.  The Merkle proofs and the
signed notes are built here from RFC 9162 and C2SP, not from custos's C.

Writes one JSON document to stdout; tests/console/verify.test.mjs runs
this and checks verify.js against every answer.  The inputs are drawn
from a fixed seed, so a failure is the same on the next run."""
import base64
import ctypes
import ctypes.util
import hashlib
import json
import os
import random
import sys

import nacl.bindings as nb
import nacl.signing

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import sealedleaf  # noqa: E402

_so = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
assert _so.sodium_init() >= 0
rnd = random.Random(20261202)


def rb(n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


def h(b):
    return b.hex()


def b64(b):
    return base64.b64encode(b).decode()


# ---- primitives -----------------------------------------------------------

def blake2b_vectors():
    out = []
    for mlen in (0, 1, 8, 63, 127, 128, 129, 255, 256, 257, 1000):
        for klen, olen, sp in ((0, 64, False), (32, 16, False),
                               (64, 32, True), (16, 64, True),
                               (32, 32, True)):
            m, k = rb(mlen), rb(klen)
            salt, pers = (rb(16), rb(16)) if sp else (None, None)
            d = nb.crypto_generichash_blake2b_salt_personal(
                m, digest_size=olen, key=k, salt=salt or b"",
                person=pers or b"")
            out.append({"msg": h(m), "key": h(k), "out_len": olen,
                        "salt": h(salt) if salt else None,
                        "personal": h(pers) if pers else None,
                        "digest": h(d)})
    return out


def sodium_kdf(key, sub, ctx):
    k = ctypes.create_string_buffer(32)
    assert _so.crypto_kdf_derive_from_key(k, ctypes.c_size_t(32),
                                          ctypes.c_uint64(sub), ctx,
                                          key) == 0
    return k.raw


def kdf_vectors():
    out = []
    for sub in (0, 1, 2, 3, 255, 256, 2**32 + 5, 2**63 + 1):
        key, ctx = rb(32), b"custoslg" if sub < 4 else b"ctx%05d" % (sub % 99999)
        want = sodium_kdf(key, sub, ctx)
        # crypto_kdf is BLAKE2b keyed with the key over nothing, salt = the
        # subkey id (LE) padded, personal = the context padded: PyNaCl
        # gives the same bytes that way.
        alt = nb.crypto_generichash_blake2b_salt_personal(
            b"", digest_size=32, key=key,
            salt=sub.to_bytes(8, "little") + bytes(8),
            person=ctx + bytes(8))
        assert alt == want
        out.append({"key": h(key), "subkey_id": str(sub),
                    "context": ctx.decode(), "subkey": h(want)})
    return out


def hchacha_vectors():
    out = []
    for _ in range(4):
        key, n = rb(32), rb(16)
        o = ctypes.create_string_buffer(32)
        assert _so.crypto_core_hchacha20(o, n, key, None) == 0
        out.append({"key": h(key), "nonce": h(n), "out": h(o.raw)})
    return out


def chacha_vectors():
    out = []
    for mlen, ic in ((0, 0), (1, 1), (64, 0), (65, 1), (300, 7)):
        key, n, m = rb(32), rb(12), rb(mlen)
        c = ctypes.create_string_buffer(max(mlen, 1))
        assert _so.crypto_stream_chacha20_ietf_xor_ic(
            c, m, ctypes.c_ulonglong(mlen), n, ctypes.c_uint32(ic),
            key) == 0
        out.append({"key": h(key), "nonce": h(n), "counter": ic,
                    "msg": h(m), "out": h(c.raw[:mlen])})
    return out


def poly_vectors():
    out = []
    keys = [rb(32) for _ in range(6)]
    # Edge keys: r all ones after clamping, s all ones; r zero.
    keys += [b"\xff" * 32, bytes(16) + b"\xff" * 16]
    for i, key in enumerate(keys):
        for mlen in (0, 1, 15, 16, 17, 64, 255):
            m = rb(mlen) if i % 2 == 0 else b"\xff" * mlen
            t = ctypes.create_string_buffer(16)
            assert _so.crypto_onetimeauth_poly1305(
                t, m, ctypes.c_ulonglong(mlen), key) == 0
            out.append({"key": h(key), "msg": h(m), "tag": h(t.raw)})
    return out


def aead_vectors():
    out = []
    for mlen, adlen in ((0, 0), (1, 25), (15, 0), (16, 16), (17, 25),
                        (63, 3), (64, 25), (65, 25), (300, 25),
                        (1000, 100)):
        key, n, m, ad = rb(32), rb(24), rb(mlen), rb(adlen)
        c = nb.crypto_aead_xchacha20poly1305_ietf_encrypt(m, ad or None, n,
                                                          key)
        assert nb.crypto_aead_xchacha20poly1305_ietf_decrypt(
            c, ad or None, n, key) == m
        out.append({"key": h(key), "nonce": h(n), "ad": h(ad), "msg": h(m),
                    "ct": h(c)})
    return out


# ---- the Merkle tree (RFC 9162 2.1) ---------------------------------------

def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(hs):
    if not hs:
        return hashlib.sha256(b"").digest()
    if len(hs) == 1:
        return hs[0]
    k = split(len(hs))
    return node(mth(hs[:k]), mth(hs[k:]))


def path(m, hs):
    if len(hs) == 1:
        return []
    k = split(len(hs))
    if m < k:
        return path(m, hs[:k]) + [mth(hs[k:])]
    return path(m - k, hs[k:]) + [mth(hs[:k])]


def subproof(m, hs, b):
    n = len(hs)
    if m == n:
        return [] if b else [mth(hs)]
    k = split(n)
    if m <= k:
        return subproof(m, hs[:k], b) + [mth(hs[k:])]
    return subproof(m - k, hs[k:], False) + [mth(hs[:k])]


def merkle_vectors():
    leaves = [rb(rnd.randrange(0, 60)) for _ in range(70)]
    hs = [leaf_hash(x) for x in leaves]
    incl, cons = [], []
    for size in (1, 2, 3, 5, 8, 13, 64, 70):
        root = mth(hs[:size])
        for index in sorted({0, size // 2, size - 1}):
            incl.append({"index": index, "size": size,
                         "leaf": b64(leaves[index]),
                         "proof": [b64(x) for x in path(index, hs[:size])],
                         "root": b64(root)})
    for old, new in ((1, 2), (1, 70), (2, 3), (3, 7), (4, 8), (5, 13),
                     (8, 64), (13, 70), (64, 70), (7, 7)):
        cons.append({"old": old, "new": new,
                     "old_root": b64(mth(hs[:old])),
                     "new_root": b64(mth(hs[:new])),
                     "proof": [b64(x) for x in
                               (subproof(old, hs[:new], True)
                                if old < new else [])]})
    return {"inclusion": incl, "consistency": cons,
            "leaves": [b64(x) for x in leaves],
            "roots": [b64(mth(hs[:n])) for n in range(len(hs) + 1)]}


# ---- signed notes and checkpoints (C2SP) ----------------------------------

def note_vectors():
    sk = nacl.signing.SigningKey(rb(32))
    pk = bytes(sk.verify_key)
    name = "custos.example/log"
    kid = hashlib.sha256(name.encode() + b"\n\x01" + pk).digest()[:4]
    vkey = "%s+%s+%s" % (name, kid.hex(), b64(b"\x01" + pk))
    other = nacl.signing.SigningKey(rb(32))
    okid = hashlib.sha256(b"witness\n\x01" +
                          bytes(other.verify_key)).digest()[:4]
    root = rb(32)
    body = "%s\n%d\n%s\n" % (name, 70, b64(root))

    def line(key_name, k, signer, text):
        sig = signer.sign(text.encode()).signature
        return "\u2014 %s %s\n" % (key_name, b64(k + sig))

    note = body + "\n" + line(name, kid, sk, body)
    cosigned = (body + "\n" + line("witness", okid, other, body) +
                line(name, kid, sk, body))
    return {"vkey": vkey, "name": name, "size": 70, "root": b64(root),
            "note": note, "cosigned": cosigned,
            "ext": (body + "ext line\n") + "\n" +
            line(name, kid, sk, body + "ext line\n")}


# ---- sealed leaves and entry bundles --------------------------------------

def sealed_vectors():
    log_key = rb(32)
    keys = sealedleaf.derive(log_key)
    other = sealedleaf.derive(rb(32))
    leaves, own, entries = [], [], []
    size = 600                     # two full bundles and a partial one
    for i in range(size):
        mine = i % 7 == 3
        ev = {"v": 1, "action": "user.list", "tenant": "acme" if mine
              else "other", "target": "t%d" % i, "detail": {"n": str(i)}}
        plain = json.dumps(ev, separators=(",", ":")).encode()
        leaf, sealed = sealedleaf.seal(keys if mine else other, i, plain)
        assert sealedleaf.open_leaf(keys if mine else other, i, leaf,
                                    sealed) == plain
        leaves.append(leaf)
        if mine:
            own.append(i)
            if len(entries) < 5:
                entries.append({"index": i, "leaf": b64(leaf),
                                "sealed": b64(sealed), "event": ev,
                                "tag": h(sealedleaf.tag(keys[0], i))})
    leaves[599] = rb(12)           # one leaf that is not custos-leaf-v1
    bundles = []
    for b in range(0, size, 256):
        part = leaves[b:b + 256]
        bundles.append(b64(b"".join(len(x).to_bytes(2, "big") + x
                                    for x in part)))
    return {"log_key": b64(log_key), "tag_key": h(keys[0]),
            "seal_key": h(keys[1]), "size": size,
            "root": b64(mth([leaf_hash(x) for x in leaves])),
            "bundles": bundles, "own": own, "entries": entries}


def main():
    json.dump({"blake2b": blake2b_vectors(), "kdf": kdf_vectors(),
               "hchacha20": hchacha_vectors(), "chacha20": chacha_vectors(),
               "poly1305": poly_vectors(), "aead": aead_vectors(),
               "merkle": merkle_vectors(), "note": note_vectors(),
               "sealed": sealed_vectors()}, sys.stdout)


if __name__ == "__main__":
    main()
