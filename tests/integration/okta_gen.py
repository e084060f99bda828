# SPDX-License-Identifier: ISC
"""A generated Okta System Log export of a given size, for the streamed
import's test (test_import_okta_stream.py) and scripts/bench (BENCH_OKTA).

Events are shaped like the System Log API's (written from Okta's public
documentation): mostly types custos maps (sign-ins, support views, resets,
unlocks), some it skips (policy evaluations, SSO), and the odd values real
exports carry now and then ("null" addresses, "unknown", long session
ids).  Usage: python3 okta_gen.py FILE MEGABYTES [lines|array]
"""
import sys

TYPES = ["user.session.start", "support.org.view",
         "user.account.unlock_by_admin", "user.account.reset_password",
         "policy.evaluate_sign_on", "user.authentication.sso",
         "user.mfa.factor.update", "user.lifecycle.suspend"]

TEMPLATE = (
    '{"uuid":"%(uuid)s","published":"2024-%(mo)02d-%(day)02dT%(h)02d:%(mi)02d:'
    '%(s)02d.%(ms)03dZ","eventType":"%(type)s","version":"0",'
    '"severity":"INFO","legacyEventType":"core.user.x",'
    '"displayMessage":"Generated event %(n)d","actor":{"id":"00u%(a)08d",'
    '"type":"User","alternateId":"agent%(a)d@sitel.example",'
    '"displayName":"Agent %(a)d","detailEntry":null},"client":{"userAgent":'
    '{"rawUserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","os":'
    '"Windows 10","browser":"CHROME"},"zone":"null","device":"Computer",'
    '"id":null,"ipAddress":"%(ip)s","geographicalContext":{"city":"Manila",'
    '"state":"Metro Manila","country":"Philippines","postalCode":null,'
    '"geolocation":{"lat":14.5995,"lon":120.9842}}},"device":null,'
    '"authenticationContext":{"authenticationProvider":null,'
    '"credentialProvider":null,"credentialType":null,"issuer":null,'
    '"interface":null,"authenticationStep":0,"externalSessionId":"%(sess)s"},'
    '"outcome":{"result":"%(res)s","reason":null},"securityContext":'
    '{"asNumber":9299,"asOrg":"pldt","isp":"pldt","domain":"pldt.net",'
    '"isProxy":false},"debugContext":{"debugData":{"requestId":'
    '"Yx%(n)dAAAB","requestUri":"/api/v1/users","url":"/api/v1/users?"}},'
    '"transaction":{"type":"WEB","id":"Yx%(n)dAAAB","detail":{}},'
    '"request":{"ipChain":[{"ip":"%(ip)s","geographicalContext":{"city":'
    '"Manila","country":"Philippines"},"version":"V4","source":null}]},'
    '"target":[{"id":"00u%(t)08d","type":"User","alternateId":'
    '"user%(t)d@tenant%(ten)d.example","displayName":"User %(t)d",'
    '"detailEntry":null},{"id":"00o%(ten)08d","type":"Org","alternateId":'
    '"tenant%(ten)d","displayName":"Tenant %(ten)d"}]}')


def event(n):
    odd = n % 97
    return TEMPLATE % {
        "uuid": "%08x-1d2e-11ef-9a3b-%012x" % (n & 0xffffffff, n),
        "mo": 1 + n // 2000000 % 12, "day": 1 + n // 80000 % 28,
        "h": n // 3600 % 24, "mi": n // 60 % 60, "s": n % 60,
        "ms": n % 1000, "type": TYPES[n % len(TYPES)], "n": n,
        "a": n % 50, "t": n % 5000, "ten": n % 40,
        "ip": "null" if odd == 3 else "198.51.%d.%d" % (n % 250, n % 200),
        "sess": ("102" + "x" * 80) if odd == 5 else "102sess%d" % (n % 900),
        "res": "FAILURE" if odd == 7 else "SUCCESS"}


def write(path, megabytes, shape="lines"):
    """Writes about megabytes MB; returns the number of events."""
    limit = int(megabytes * 1000000)
    n = size = 0
    with open(path, "w") as f:
        if shape == "array":
            f.write("[\n")
        while size < limit:
            chunk = []
            for _ in range(1000):
                chunk.append(event(n))
                n += 1
            sep = ",\n" if shape == "array" else "\n"
            text = sep.join(chunk)
            if shape == "array" and n > 1000:
                text = ",\n" + text
            elif shape != "array":
                text += "\n"
            f.write(text)
            size += len(text)
        if shape == "array":
            f.write("\n]\n")
    return n


if __name__ == "__main__":
    print(write(sys.argv[1], float(sys.argv[2]),
                sys.argv[3] if len(sys.argv) > 3 else "lines"))
