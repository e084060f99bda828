# SPDX-License-Identifier: ISC
"""Seeds a running custosd for `make bench` and logs an engineer in.

usage: /usr/bin/python3 bench/setup.py URL DATA_DIR [USERS]

Through the operator API (one POST /v1/import of JSON lines) it creates a
vendor, an engineer with a known TOTP secret, the engineer's Ed25519 device,
one tenant with the auto_approve policy and USERS (default 100) users.  It
then logs the engineer in the way a real client does: password, a TOTP code
made by oathtool, and the device's signature over the login challenge.

On success it prints shell assignments on stdout (scripts/bench evals them):
TOKEN, TENANT, RESET_USER (a user id, for the write-heavy run),
USERS_BYTES (size of the GET /v1/tenants/TENANT/users answer) and LOG_SIZE
(log entries now).
"""

import base64
import json
import subprocess
import sys
import urllib.error
import urllib.request

import nacl.signing

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ENG_PASSWORD = "bench engineer password 1"
TENANT = "bench-tenant"


def call(url, method, path, body=None, token=None, raw=None):
    """One request; returns (status, parsed JSON or None, raw bytes)."""
    data = raw if raw is not None else (
        json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as f:
            status, text = f.status, f.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    try:
        doc = json.loads(text) if text else None
    except ValueError:
        doc = None
    return status, doc, text


def need(what, status, want, text):
    if status != want:
        sys.exit("bench setup: %s answered %d, wanted %d: %s"
                 % (what, status, want, text[:300].decode("utf-8", "replace")))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[2])
    url, data = sys.argv[1], sys.argv[2]
    nusers = int(sys.argv[3]) if len(sys.argv) == 4 else 100
    with open(data + "/operator.token") as f:
        operator = f.read().strip()

    key = nacl.signing.SigningKey.generate()
    pub = base64.b64encode(bytes(key.verify_key)).decode()
    lines = [
        {"kind": "vendor", "id": "bench-vendor", "name": "Bench Vendor"},
        {"kind": "engineer", "id": "bench-eng", "username": "bench-eng",
         "vendor": "bench-vendor", "password": ENG_PASSWORD,
         "totp_secret": TOTP_SECRET},
        {"kind": "device", "id": "bench-dev", "engineer": "bench-eng",
         "name": "bench laptop", "public_key": pub},
        {"kind": "tenant", "id": TENANT, "name": "Bench Tenant",
         "support_policy": "auto_approve"},
    ]
    for i in range(nusers):
        lines.append({"kind": "user", "id": "bench-u%04d" % i,
                      "tenant": TENANT, "username": "user%04d" % i,
                      "email": "user%04d@bench.example" % i,
                      "role": "user", "totp_secret": TOTP_SECRET})
    raw = "".join(json.dumps(o) + "\n" for o in lines).encode()
    st, doc, text = call(url, "POST", "/v1/import", token=operator, raw=raw)
    need("POST /v1/import", st, 200, text)

    st, doc, text = call(url, "POST", "/v1/auth/login", {
        "username": "bench-eng", "device": "bench-dev"})
    need("POST /v1/auth/login", st, 200, text)
    sig = key.sign(doc["challenge"].encode()).signature
    code = subprocess.check_output(["oathtool", "--totp", "-b", TOTP_SECRET],
                                   text=True).strip()
    st, doc, text = call(url, "POST", "/v1/auth/verify", {
        "login_id": doc["login_id"], "password": ENG_PASSWORD,
        "totp": code,
        "device_signature": base64.b64encode(sig).decode()})
    need("POST /v1/auth/verify", st, 200, text)
    token = doc["token"]

    st, doc, text = call(url, "GET", "/v1/tenants/%s/users" % TENANT,
                         token=token)
    need("GET /v1/tenants/%s/users" % TENANT, st, 200, text)
    if len(doc["users"]) != nusers:
        sys.exit("bench setup: the tenant lists %d users, wanted %d"
                 % (len(doc["users"]), nusers))
    users_bytes = len(text)
    # The log's entries in clear are the operator's (the sealed log).
    st, size, text = call(url, "GET", "/v1/log/entries?start=0&end=0",
                          token=operator)
    need("GET /v1/log/entries", st, 200, text)

    print("TOKEN=%s" % token)
    print("TENANT=%s" % TENANT)
    print("RESET_USER=bench-u0000")
    print("USERS_BYTES=%d" % users_bytes)
    print("LOG_SIZE=%d" % size["size"])


if __name__ == "__main__":
    main()
