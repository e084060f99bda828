# SPDX-License-Identifier: ISC
"""Starts a real custosd for tests/console/daemon.test.mjs, as the
integration tests do (tests/integration/harness.py: a free loopback port,
a fresh data directory, CUSTOSD from the environment or build/custosd),
seeds it through the API (harness.World: vendors, an engineer with a
device, tenants "auto" (auto_approve) and "appr" (approval_required) with
an admin and a user each, tickets) and makes some activity: the engineer
signs in, asks for access to both tenants, appr's admin approves, the
engineer reads tickets and users, the admins read their tenants.

Prints one JSON line: {url, tenant, admin, other_tenant, other_admin,
engineer, operator}, the tokens being bearer tokens; then waits until its
standard input closes, stops custosd and exits with custosd's status
(nonzero: it did not stop cleanly)."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Daemon, World  # noqa: E402


def need(r, *codes):
    if r.status not in codes:
        raise AssertionError("unexpected answer: %r" % (r,))
    return r.body


def main():
    d = Daemon()
    try:
        w = World(d)
        r = w.engineer_login()
        eng = need(r, 200)["token"]
        auto = w.tenant_login("auto")
        appr = w.tenant_login("appr")
        for t in ("auto", "appr"):
            need(d.call("POST", "/v1/tenants/%s/access-requests" % t, {
                "ticket": t + "-t1", "reason": "customer cannot log in",
                "minutes": 30}, token=eng), 200, 201)
        pending = need(d.call("GET", "/v1/tenants/appr/access-requests",
                              token=appr), 200)
        items = pending.get("access_requests", pending.get("items", []))
        for it in items:
            if it.get("state") == "pending":
                need(d.call("POST", "/v1/tenants/appr/access-requests/%s/"
                            "approve" % it["id"], {}, token=appr), 200)
        for t in ("auto", "appr", "deny"):
            d.call("GET", "/v1/tenants/%s/tickets" % t, token=eng)
            d.call("GET", "/v1/tenants/%s/users" % t, token=eng)
        need(d.call("GET", "/v1/tenants/auto/users", token=auto), 200)
        need(d.call("GET", "/v1/tenants/appr/tickets", token=appr), 200)
        print(json.dumps({"url": d.url, "tenant": "auto", "admin": auto,
                          "other_tenant": "appr", "other_admin": appr,
                          "engineer": eng, "operator": d.operator}),
              flush=True)
        sys.stdin.read()
    except BaseException:
        sys.stderr.write(d.read_log()[-3000:])
        d.stop()
        raise
    sys.exit(d.stop())


if __name__ == "__main__":
    main()
