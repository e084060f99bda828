# SPDX-License-Identifier: ISC
"""custos-leaf-v1 in Python, independent of custosd's C (libsodium through
ctypes for the AEAD and the key derivation, hashlib for the rest): what a
tenant's verifier does with its log key.  docs/internals/tlog.md, "The
sealed leaf", is the format.

    leaf   = 0x01 || tag (16) || SHA-256(sealed)
    tag    = BLAKE2b-128 keyed with the tag key over the index (8, BE)
    sealed = nonce (24) || XChaCha20-Poly1305(plain, AD = 0x01||tag||index)
    nonce  = SipHash-2-4-128 keyed with the nonce key's first 16 bytes
             over index (8, BE) || plain, then index (8, BE)
"""
import ctypes
import ctypes.util
import hashlib

LEAF_BYTES = 49
_sodium = ctypes.CDLL(ctypes.util.find_library("sodium") or
                      "libsodium.so.23")
assert _sodium.sodium_init() >= 0


def _kdf(key, sub, context):
    k = ctypes.create_string_buffer(32)
    rc = _sodium.crypto_kdf_derive_from_key(
        k, ctypes.c_size_t(32), ctypes.c_uint64(sub), context, key)
    assert rc == 0
    return k.raw


def derive(log_key):
    """(tag key, seal key, nonce key) of a 32-byte log key."""
    return tuple(_kdf(log_key, i, b"custoslg") for i in (1, 2, 3))


def master_of(secrets_key):
    """The log's master seal key from DIR/secrets.key's 32 bytes (subkey
    3 of context "custosec", src/auth/secrets.c)."""
    return _kdf(secrets_key, 3, b"custosec")


def log_key(master, tenant):
    """A tenant's log key ("" or None: the operator's)."""
    msg = b"custos-log-key-v1\0" + (
        b"operator\0" if not tenant else b"tenant\0" + tenant.encode())
    return hashlib.blake2b(msg, digest_size=32, key=master).digest()


def tag(tag_key, index):
    return hashlib.blake2b(index.to_bytes(8, "big"), digest_size=16,
                           key=tag_key).digest()


def is_mine(keys, index, leaf):
    return (len(leaf) == LEAF_BYTES and leaf[0] == 1 and
            leaf[1:17] == tag(keys[0], index))


def open_leaf(keys, index, leaf, sealed):
    """The plaintext of the entry at index, or None when the leaf is not
    this key's there, the body does not hash to the leaf or does not
    open."""
    if not is_mine(keys, index, leaf):
        return None
    if hashlib.sha256(sealed).digest() != leaf[17:]:
        return None
    if len(sealed) < 40:
        return None
    ad = b"\x01" + leaf[1:17] + index.to_bytes(8, "big")
    ct = sealed[24:]
    m = ctypes.create_string_buffer(len(ct))
    mlen = ctypes.c_ulonglong(0)
    rc = _sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        m, ctypes.byref(mlen), None, ct, ctypes.c_ulonglong(len(ct)),
        ad, ctypes.c_ulonglong(len(ad)), sealed[:24], keys[1])
    if rc != 0:
        return None
    return m.raw[:mlen.value]


def seal(keys, index, plain):
    """(leaf, sealed) of plain at index: what custosd stores and serves."""
    t = tag(keys[0], index)
    ix = index.to_bytes(8, "big")
    sip = ctypes.create_string_buffer(16)
    msg = ix + plain
    assert _sodium.crypto_shorthash_siphashx24(
        sip, msg, ctypes.c_ulonglong(len(msg)), keys[2][:16]) == 0
    nonce = sip.raw + ix
    ad = b"\x01" + t + ix
    c = ctypes.create_string_buffer(len(plain) + 16)
    clen = ctypes.c_ulonglong(0)
    rc = _sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        c, ctypes.byref(clen), plain, ctypes.c_ulonglong(len(plain)),
        ad, ctypes.c_ulonglong(len(ad)), None, nonce, keys[1])
    assert rc == 0
    sealed = nonce + c.raw[:clen.value]
    return b"\x01" + t + hashlib.sha256(sealed).digest(), sealed
