# SPDX-License-Identifier: ISC
"""A software WebAuthn authenticator (and the browser's part of a
ceremony) for the integration tests: it answers custosd's options the way
navigator.credentials.create()/get() would, with PublicKeyCredential JSON
(binary fields base64url without padding).

Ed25519 (COSE -8) with PyNaCl; ES256 (COSE -7) with python3-cryptography
when installed.  The attestation object is "none", CBOR encoded here by
hand (the few major types WebAuthn needs).  Credentials are discoverable:
each keeps its user handle, answered on get().  Knobs let tests forge
what a broken or hostile authenticator or page would send: another
origin, no user verification, a counter that does not grow.
"""
import base64
import hashlib
import json
import os
import struct

import nacl.signing

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    HAVE_ES256 = True
except ImportError:       # pragma: no cover
    HAVE_ES256 = False

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def cbor(v):
    """Canonical-enough CBOR of ints, bytes, str, dicts (keys in the
    order given) and lists."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        if n < 0x100:
            return bytes([major << 5 | 24, n])
        if n < 0x10000:
            return bytes([major << 5 | 25]) + struct.pack(">H", n)
        if n < 0x100000000:
            return bytes([major << 5 | 26]) + struct.pack(">I", n)
        return bytes([major << 5 | 27]) + struct.pack(">Q", n)
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x)
                                          for k, x in v.items())
    raise TypeError(type(v))


class Credential:
    def __init__(self, alg, rp_id, user_handle):
        self.id = os.urandom(16)
        self.alg = alg
        self.rp_id = rp_id
        self.user_handle = user_handle
        self.count = 0
        if alg == -8:
            self.key = nacl.signing.SigningKey.generate()
        elif alg == -7:
            self.key = ec.generate_private_key(ec.SECP256R1())
        else:
            raise ValueError("alg %d" % alg)

    def cose(self):
        if self.alg == -8:
            return cbor({1: 1, 3: -8, -1: 6,
                         -2: bytes(self.key.verify_key)})
        nums = self.key.public_key().public_numbers()
        return cbor({1: 2, 3: -7, -1: 1, -2: nums.x.to_bytes(32, "big"),
                     -3: nums.y.to_bytes(32, "big")})

    def sign(self, data):
        if self.alg == -8:
            return self.key.sign(data).signature
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))


class Authenticator:
    """One authenticator with user verification (a platform passkey)."""

    def __init__(self, alg=-8, aaguid=bytes(16), counter=True):
        self.alg = alg
        self.aaguid = aaguid
        self.counter = counter
        self.creds = {}

    def _auth_data(self, rp_id, flags, count, attested=b""):
        return (hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) +
                struct.pack(">I", count) + attested)

    @staticmethod
    def client_data(kind, challenge, origin, **extra):
        d = {"type": kind, "challenge": challenge, "origin": origin,
             "crossOrigin": False}
        d.update(extra)
        return json.dumps(d, separators=(",", ":")).encode()

    def create(self, options, origin, rp_id=None, uv=True, alg=None,
               challenge=None, kind="webauthn.create"):
        """navigator.credentials.create({publicKey}) for custosd's
        options["publicKey"]; returns the credential JSON."""
        pk = options["publicKey"]
        rp_id = rp_id or pk["rp"]["id"]
        alg = alg or self.alg
        assert alg in [p["alg"] for p in pk["pubKeyCredParams"]]
        excluded = {unb64u(c["id"]) for c in pk["excludeCredentials"]}
        assert not excluded & set(self.creds), "excluded credential"
        cred = Credential(alg, rp_id, unb64u(pk["user"]["id"]))
        self.creds[cred.id] = cred
        flags = UP | (UV if uv else 0) | AT
        attested = (self.aaguid + struct.pack(">H", len(cred.id)) +
                    cred.id + cred.cose())
        auth = self._auth_data(rp_id, flags, cred.count, attested)
        cd = self.client_data(kind, challenge or pk["challenge"], origin)
        att = cbor({"fmt": "none", "attStmt": {}, "authData": auth})
        return {"id": b64u(cred.id), "rawId": b64u(cred.id),
                "type": "public-key",
                "response": {"clientDataJSON": b64u(cd),
                             "attestationObject": b64u(att),
                             "transports": ["internal"]}}

    def get(self, options, origin, cred_id=None, uv=True, count=None,
            challenge=None, rp_id=None, user_handle=None):
        """navigator.credentials.get({publicKey}): with the credential
        cred_id, or one allowed, or (discoverable) the only one for the
        RP.  count forces the counter the authenticator reports."""
        pk = options["publicKey"]
        rp_id = rp_id or pk["rpId"]
        if cred_id is None:
            allowed = [unb64u(c["id"]) for c in pk.get("allowCredentials",
                                                        [])]
            mine = [c for c in self.creds.values() if c.rp_id == rp_id and
                    (not allowed or c.id in allowed)]
            assert mine, "no credential for this RP"
            cred = mine[-1]
        else:
            cred = self.creds[cred_id]
        if count is not None:
            cred.count = count
        elif self.counter:
            cred.count += 1
        flags = UP | (UV if uv else 0)
        auth = self._auth_data(rp_id, flags, cred.count)
        cd = self.client_data("webauthn.get", challenge or pk["challenge"],
                              origin)
        sig = cred.sign(auth + hashlib.sha256(cd).digest())
        uh = user_handle if user_handle is not None else cred.user_handle
        return {"id": b64u(cred.id), "rawId": b64u(cred.id),
                "type": "public-key",
                "response": {"clientDataJSON": b64u(cd),
                             "authenticatorData": b64u(auth),
                             "signature": b64u(sig),
                             "userHandle": b64u(uh)}}
