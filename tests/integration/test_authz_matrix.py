# SPDX-License-Identifier: ISC
"""The authorization matrix, driven over HTTP.

Every caller kind (anonymous, operator, engineer, tenant admin of the
tenant, tenant admin of another tenant, tenant user of the tenant) calls
every tenant-scoped route in each of the three tenants (auto_approve,
approval_required, deny), every global route, and two routes that do not
exist.  The expected answer of each call comes from the rules written out
below as data, independently of the C code: the role table (which kind of
caller may attempt which action) and the tenant policy (tenant admins and
users act only in their own tenant; engineers get in by auto_approve, are
kept out by deny and need an approved request under approval_required).

Each call must answer the expected status and error code, and must append
exactly one log entry naming the action, the actor, the tenant, the
outcome and the reason -- except health and log reads, which append none.
Bodies are always valid, so no refusal is caused by bad input; the calls
that destroy something act on throwaway users made by the operator.
"""
import base64
import itertools
import os
import unittest

from harness import Daemon, World

# --- The rules, as data -------------------------------------------------

# Caller -> actor kind in log entries.
CALLERS = {
    "anonymous": "anonymous",
    "operator": "operator",
    "engineer": "engineer",
    "own_admin": "tenant_admin",
    "other_admin": "tenant_admin",
    "own_user": "tenant_user",
}

TENANTS = {"auto": "auto_approve", "appr": "approval_required",
           "deny": "deny"}
OTHER_TENANT = {"auto": "appr", "appr": "deny", "deny": "auto"}

# Why an engineer is refused in a tenant of each policy (None: let in).
ENGINEER_POLICY = {
    "auto_approve": None,
    "approval_required": "no_approved_access",
    "deny": "tenant_policy_deny",
}

# Tenant-scoped routes: name -> method, path, action, kinds the role table
# lets attempt it, status of success.  {t} is the tenant, {u} a throwaway
# user of it, {k} a ticket of it.
TENANT_ROUTES = {
    "user.list": ("GET", "/v1/tenants/{t}/users", "user.list",
                  {"engineer", "tenant_admin"}, 200),
    "user.create": ("POST", "/v1/tenants/{t}/users", "user.create",
                    {"operator", "tenant_admin"}, 201),
    "user.delete": ("DELETE", "/v1/tenants/{t}/users/{u}", "user.delete",
                    {"operator", "tenant_admin"}, 200),
    "user.password_reset": ("POST",
                            "/v1/tenants/{t}/users/{u}/password-reset",
                            "user.password_reset",
                            {"engineer", "tenant_admin"}, 202),
    "user.mfa_reset": ("POST", "/v1/tenants/{t}/users/{u}/mfa-reset",
                       "user.mfa_reset", {"engineer", "tenant_admin"}, 202),
    "ticket.list": ("GET", "/v1/tenants/{t}/tickets", "ticket.list",
                    {"engineer", "tenant_admin"}, 200),
    "ticket.view": ("GET", "/v1/tenants/{t}/tickets/{k}", "ticket.view",
                    {"engineer", "tenant_admin"}, 200),
    "ticket.create": ("POST", "/v1/tenants/{t}/tickets", "ticket.create",
                      {"operator", "tenant_admin", "tenant_user"}, 201),
    "tenant.export": ("GET", "/v1/tenants/{t}/export", "tenant.export",
                      {"tenant_admin"}, 200),
    "tenant.support_policy": ("PUT", "/v1/tenants/{t}/support-policy",
                              "tenant.support_policy", {"tenant_admin"},
                              200),
}

ANYONE = set(CALLERS.values())

# Global routes: name -> method, path, action of the entry when refused,
# action of the entry when allowed (None: no entry at all), kinds allowed,
# status of success.  A successful import records one entry per object
# (here one vendor) instead of one for the request.
GLOBAL_ROUTES = {
    "vendors": ("POST", "/v1/vendors", "vendor.create", "vendor.create",
                {"operator"}, 201),
    "engineers": ("POST", "/v1/engineers", "engineer.create",
                  "engineer.create", {"operator"}, 201),
    "devices": ("POST", "/v1/engineers/eng1/devices", "device.create",
                "device.create", {"operator"}, 201),
    "tenants": ("POST", "/v1/tenants", "tenant.create", "tenant.create",
                {"operator"}, 201),
    "import": ("POST", "/v1/import", "import", "vendor.create",
               {"operator"}, 200),
    "log_entries": ("GET", "/v1/log/entries?start=0&end=1", None, None,
                    ANYONE, 200),
    "health": ("GET", "/v1/health", None, None, ANYONE, 200),
}

# Routes that do not exist: 404 to everyone, recorded as "unknown".
UNKNOWN_ROUTES = {
    "secrets": ("GET", "/v1/tenants/{t}/secrets"),
    "ticket.delete": ("DELETE", "/v1/tenants/{t}/tickets/{k}"),
}

ERROR_CODE = {401: "unauthorized", 403: "forbidden", 404: "not_found"}


def expect_tenant_route(caller, route, tenant):
    """(status, reason) the rules give; reason None means allowed."""
    kind = CALLERS[caller]
    _, _, _, who, ok = TENANT_ROUTES[route]
    if kind == "anonymous":
        return 401, "no_token"
    if kind not in who:
        return 403, "role_forbids"
    if kind == "operator":
        return ok, None
    if kind == "engineer":
        why = ENGINEER_POLICY[TENANTS[tenant]]
        return (ok, None) if why is None else (403, why)
    if caller == "other_admin":
        return 403, "other_tenant"
    return ok, None


def expect_global_route(caller, route):
    kind = CALLERS[caller]
    _, _, _, _, who, ok = GLOBAL_ROUTES[route]
    if kind in who:
        return ok, None
    if kind == "anonymous":
        return 401, "no_token"
    return 403, "role_forbids"


# --- Driving it ---------------------------------------------------------

class Call:
    """One call of the matrix and what it left behind."""

    def __init__(self, caller, route, tenant, method, path):
        self.caller, self.route, self.tenant = caller, route, tenant
        self.method, self.path = method, path
        self.resp = None
        self.entries = []       # (index, event) appended by this call
        self.made = None        # id of the object a create names
        self.victim = None      # throwaway user (id, email) acted upon

    def __str__(self):
        return "%s %s as %s" % (self.method, self.path, self.caller)


class AuthzMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        try:
            cls.w = World(cls.d)
            cls._sessions()
            cls.tenant_calls = []
            cls.global_calls = []
            cls.unknown_calls = []
            cls._seq = itertools.count(1)
            cls._run()
        except BaseException:
            cls.d.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    @classmethod
    def _sessions(cls):
        r = cls.w.engineer_login()
        assert r.status == 200, r
        cls.engineer = r.body["token"]
        cls.admin = {t: cls.w.tenant_login(t, "admin") for t in TENANTS}
        cls.user = {t: cls.w.tenant_login(t, "user") for t in TENANTS}

    @classmethod
    def token(cls, caller, tenant):
        return {
            "anonymous": None,
            "operator": cls.d.operator,
            "engineer": cls.engineer,
            "own_admin": cls.admin[tenant],
            "other_admin": cls.admin[OTHER_TENANT[tenant]],
            "own_user": cls.user[tenant],
        }[caller]

    @classmethod
    def actor_id(cls, caller, tenant):
        return {
            "anonymous": None,
            "operator": "operator",
            "engineer": "eng1",
            "own_admin": tenant + "-admin",
            "other_admin": OTHER_TENANT[tenant] + "-admin",
            "own_user": tenant + "-user",
        }[caller]

    @classmethod
    def _throwaway(cls, tenant):
        """A user made by the operator, for a call that acts on one."""
        n = next(cls._seq)
        uid = "tw%d" % n
        email = "tw%d@%s.example" % (n, tenant)
        r = cls.d.op("POST", "/v1/tenants/%s/users" % tenant, {
            "id": uid, "username": uid, "email": email, "role": "user"})
        assert r.status == 201, r
        return uid, email

    @classmethod
    def _measured(cls, call, token, body=None, raw=None):
        before = cls.d.log_size()
        call.resp = cls.d.call(call.method, call.path, body, token=token,
                               raw=raw)
        if cls.d.log_size() != before:
            call.entries = [(i, ev) for i, ev, _ in cls.d.entries(before)]

    @classmethod
    def _run(cls):
        for tenant, route, caller in itertools.product(
                TENANTS, TENANT_ROUTES, CALLERS):
            method, path, _, _, _ = TENANT_ROUTES[route]
            c = Call(caller, route, tenant, method, None)
            n = next(cls._seq)
            body = None
            if "{u}" in path:
                c.victim = cls._throwaway(tenant)
            if route == "user.create":
                c.made = "mx-u%d" % n
                body = {"id": c.made, "username": c.made,
                        "email": "%s@%s.example" % (c.made, tenant),
                        "role": "user"}
            elif route == "ticket.create":
                c.made = "mx-k%d" % n
                body = {"id": c.made, "subject": "printer on fire",
                        "body": "it is on fire", "requester":
                        "user@%s.example" % tenant}
            elif route == "tenant.support_policy":
                # The tenant's own policy, so the matrix stays put.
                body = {"support_policy": TENANTS[tenant]}
            c.path = path.format(t=tenant, u=c.victim[0] if c.victim
                                 else "", k=tenant + "-t1")
            cls._measured(c, cls.token(caller, tenant), body)
            cls.tenant_calls.append(c)
        for route, caller in itertools.product(GLOBAL_ROUTES, CALLERS):
            method, path = GLOBAL_ROUTES[route][:2]
            c = Call(caller, route, None, method, path)
            n = next(cls._seq)
            body = raw = None
            if route == "vendors":
                body = {"id": "mx-v%d" % n, "name": "Vendor %d" % n}
            elif route == "engineers":
                body = {"id": "mx-e%d" % n, "username": "mx-e%d" % n,
                        "vendor": "sitel",
                        "password": "engineer password %d" % n}
            elif route == "devices":
                body = {"id": "mx-d%d" % n, "name": "laptop %d" % n,
                        "public_key":
                        base64.b64encode(os.urandom(32)).decode()}
            elif route == "tenants":
                c.made = "mx-t%d" % n
                body = {"id": c.made, "name": "Tenant %d" % n,
                        "support_policy": "deny"}
            elif route == "import":
                raw = ('{"kind":"vendor","id":"mx-i%d","name":"I %d"}\n'
                       % (n, n)).encode()
            cls._measured(c, cls.token(caller, "auto"), body, raw)
            cls.global_calls.append(c)
        for tenant, route, caller in itertools.product(
                TENANTS, UNKNOWN_ROUTES, CALLERS):
            method, path = UNKNOWN_ROUTES[route]
            c = Call(caller, route, tenant, method,
                     path.format(t=tenant, k=tenant + "-t1"))
            cls._measured(c, cls.token(caller, tenant))
            cls.unknown_calls.append(c)

    # --- the answers ---------------------------------------------------------

    def check_answer(self, c, status, reason):
        self.assertEqual(c.resp.status, status, "%s: %r" % (c, c.resp))
        if reason is not None:
            self.assertEqual(c.resp.body["error"]["code"],
                             ERROR_CODE[status], c.resp)
            self.assertTrue(c.resp.body["error"]["message"], c.resp)

    def test_tenant_routes_answer_as_role_table_and_policy_say(self):
        self.assertEqual(len(self.tenant_calls), 3 * 10 * 6)
        for c in self.tenant_calls:
            with self.subTest(call=str(c)):
                status, reason = expect_tenant_route(c.caller, c.route,
                                                     c.tenant)
                self.check_answer(c, status, reason)

    def test_global_routes_answer_as_role_table_says(self):
        for c in self.global_calls:
            with self.subTest(call=str(c)):
                self.check_answer(c, *expect_global_route(c.caller,
                                                          c.route))

    def test_unknown_routes_answer_404_to_everyone(self):
        for c in self.unknown_calls:
            with self.subTest(call=str(c)):
                self.check_answer(c, 404, "no_such_route")

    # --- the log -------------------------------------------------------------

    def check_entry(self, c, action, reason, tenant="-"):
        self.assertEqual(len(c.entries), 1,
                         "%s: %d entries, want 1: %r" % (
                             c, len(c.entries), c.entries))
        ev = c.entries[0][1]
        self.assertEqual(ev["action"], action, ev)
        self.assertEqual(ev["actor"]["kind"], CALLERS[c.caller], ev)
        self.assertEqual(ev["actor"]["id"],
                         self.actor_id(c.caller, c.tenant or "auto"), ev)
        self.assertEqual(ev["outcome"],
                         "allowed" if reason is None else "denied", ev)
        self.assertEqual(ev["reason"], reason, ev)
        if tenant != "-":
            self.assertEqual(ev["tenant"], tenant, ev)
        return ev

    def test_each_tenant_call_leaves_one_entry_naming_actor_and_outcome(self):
        for c in self.tenant_calls:
            with self.subTest(call=str(c)):
                _, reason = expect_tenant_route(c.caller, c.route, c.tenant)
                action = TENANT_ROUTES[c.route][2]
                # The tenant of an anonymous refusal: see the test below.
                want = "-" if c.caller == "anonymous" else c.tenant
                self.check_entry(c, action, reason, want)

    def test_anonymous_refusal_in_a_tenant_names_that_tenant(self):
        # A 401 on /v1/tenants/{t}/... is a probe of tenant t: like every
        # other refusal in a tenant (role_forbids, other_tenant, policy),
        # its entry names the tenant, so the customer sees it.
        unnamed = ["%s: tenant %r" % (c, c.entries[0][1]["tenant"])
                   for c in self.tenant_calls
                   if c.caller == "anonymous" and len(c.entries) == 1 and
                   c.entries[0][1]["tenant"] != c.tenant]
        self.assertEqual(unnamed, [], "\n".join(unnamed))

    def test_each_global_call_leaves_one_entry_but_health_and_log_reads(self):
        for c in self.global_calls:
            with self.subTest(call=str(c)):
                _, _, refused, allowed, _, _ = GLOBAL_ROUTES[c.route]
                _, reason = expect_global_route(c.caller, c.route)
                action = allowed if reason is None else refused
                if action is None:
                    self.assertEqual(c.entries, [], c)
                    continue
                ev = self.check_entry(
                    c, action, reason,
                    c.made if reason is None else None)
                if c.route == "import" and reason is None:
                    self.assertEqual(ev["detail"], {"via": "import"}, ev)

    def test_unknown_route_leaves_one_entry_naming_caller_and_path(self):
        for c in self.unknown_calls:
            with self.subTest(call=str(c)):
                ev = self.check_entry(c, "unknown", "no_such_route")
                self.assertEqual(ev["target"], c.path, ev)

    # --- what refusals left alone --------------------------------------------

    def listing(self, tenant, what):
        r = self.d.call("GET", "/v1/tenants/%s/%s" % (tenant, what),
                        token=self.admin[tenant])
        self.assertEqual(r.status, 200, r)
        return {o["id"] for o in r.body[what]}

    def test_only_allowed_creates_and_deletes_changed_the_directory(self):
        users = {t: self.listing(t, "users") for t in TENANTS}
        tickets = {t: self.listing(t, "tickets") for t in TENANTS}
        for c in self.tenant_calls:
            allowed = expect_tenant_route(c.caller, c.route,
                                          c.tenant)[1] is None
            with self.subTest(call=str(c)):
                if c.route == "user.create":
                    self.assertEqual(c.made in users[c.tenant], allowed)
                elif c.route == "ticket.create":
                    self.assertEqual(c.made in tickets[c.tenant], allowed)
                elif c.route == "user.delete":
                    self.assertEqual(c.victim[0] in users[c.tenant],
                                     not allowed)
        for c in self.global_calls:
            if c.route != "tenants":
                continue
            with self.subTest(call=str(c)):
                # Made with policy deny: an engineer is refused in a
                # tenant that exists and told there is none otherwise.
                r = self.d.call("GET", "/v1/tenants/%s/users" % c.made,
                                token=self.engineer)
                self.assertEqual(r.status, 403 if c.caller == "operator"
                                 else 404, r)

    def test_only_allowed_resets_sent_mail(self):
        sent = [m["To"] for m in self.d.mails()]
        for c in self.tenant_calls:
            if c.route not in ("user.password_reset", "user.mfa_reset"):
                continue
            allowed = expect_tenant_route(c.caller, c.route,
                                          c.tenant)[1] is None
            with self.subTest(call=str(c)):
                self.assertEqual(sent.count(c.victim[1]),
                                 1 if allowed else 0, sent)

    def test_policies_are_unchanged_after_the_matrix(self):
        for tenant, policy in TENANTS.items():
            r = self.d.call("GET", "/v1/tenants/%s/export" % tenant,
                            token=self.admin[tenant])
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.body["tenant"]["support_policy"], policy)


if __name__ == "__main__":
    unittest.main()
