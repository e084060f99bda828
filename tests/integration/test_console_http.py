# SPDX-License-Identifier: ISC
"""The console's HTTP layer against the real custosd: its files carry a
strict CSP and no inline code, sessions ride in an HttpOnly SameSite
cookie, a change made with that cookie needs the session's CSRF token and
the console's origin, and what the console does is recorded exactly as the
same API call with a bearer token."""
import html.parser
import re
import unittest

from harness import TOTP_SECRET, Daemon, DaemonTest, World, totp
from webauthn_soft import Authenticator

ADMIN_PASSWORD = "admin password 12"


class Scripts(html.parser.HTMLParser):
    """Collects each <script>'s attributes and body, each inline style
    and each on* handler of an HTML page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.inline, self.handlers, self.styles = [], [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in a:
            if k.startswith("on"):
                self.handlers.append((tag, k))
        if "style" in a:
            self.styles.append(tag)
        if tag == "script":
            self.scripts.append(a)
            self._in = a
        if tag == "style":
            self.styles.append("style")

    def handle_data(self, data):
        if self._in is not None and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def cookie_of(r, name="custos_session"):
    """The value and attributes of the Set-Cookie named name."""
    sc = {k.lower(): v for k, v in r.headers.items()}.get("set-cookie", "")
    m = re.match(r"([^=]+)=([^;]*)((?:;.*)?)$", sc)
    if m is None or m.group(1) != name:
        return None, set()
    attrs = {a.strip().lower() for a in m.group(3).split(";") if a.strip()}
    return m.group(2), attrs


class ConsoleFiles(DaemonTest):
    def headers(self, r):
        return {k.lower(): v for k, v in r.headers.items()}

    def console_files(self):
        """Every file the console page pulls in, by walking its HTML."""
        seen, todo = set(), ["/", "/reset"]
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            r = self.d.call("GET", path)
            self.assertEqual(r.status, 200, path)
            for m in re.finditer(r'(?:src|href)="(/console/[^"]+)"', r.raw):
                todo.append(m.group(1))
            for m in re.finditer(r'''from\s+['"](\.{1,2}/[^'"]+|/console/[^'"]+)['"]|import\(\s*['"]([^'"]+)['"]''', r.raw):
                rel = m.group(1) or m.group(2)
                if rel.startswith("/"):
                    todo.append(rel)
                else:
                    base = path.rsplit("/", 1)[0]
                    parts = (base + "/" + rel).split("/")
                    out = []
                    for p in parts:
                        if p == "..":
                            out.pop()
                        elif p != ".":
                            out.append(p)
                    todo.append("/".join(out))
        return seen

    def test_every_page_and_file_carries_the_strict_headers(self):
        files = self.console_files()
        self.assertIn("/", files)
        self.assertTrue(any(f.endswith(".js") for f in files), files)
        for path in sorted(files) + ["/v1/health", "/v1/log/checkpoint",
                                     "/console/no-such-file.js"]:
            h = self.headers(self.d.call("GET", path))
            csp = h.get("content-security-policy", "")
            self.assertIn("default-src 'none'", csp, path)
            self.assertIn("script-src 'self'", csp, path)
            self.assertIn("frame-ancestors 'none'", csp, path)
            self.assertNotIn("unsafe-inline", csp, path)
            self.assertNotIn("unsafe-eval", csp, path)
            self.assertEqual(h.get("x-frame-options"), "DENY", path)
            self.assertEqual(h.get("x-content-type-options"), "nosniff")
            self.assertEqual(h.get("referrer-policy"), "no-referrer")
            self.assertNotIn("strict-transport-security", h)  # plain HTTP

    def test_no_page_has_inline_script_style_or_handlers(self):
        for path in self.console_files():
            r = self.d.call("GET", path)
            if not self.headers(r)["content-type"].startswith("text/html"):
                continue
            p = Scripts()
            p.feed(r.raw)
            self.assertTrue(p.scripts, path)
            for a in p.scripts:
                self.assertTrue(a.get("src", "").startswith("/console/"),
                                (path, a))
            self.assertEqual(p.inline, [], path)
            self.assertEqual(p.handlers, [], path)
            self.assertEqual(p.styles, [], path)

    def test_files_are_served_with_their_types_and_unknown_ones_404(self):
        h = self.headers(self.d.call("GET", "/"))
        self.assertTrue(h["content-type"].startswith("text/html"))
        self.assertIn("etag", h)
        for path in self.console_files():
            ct = self.headers(self.d.call("GET", path))["content-type"]
            if path.endswith(".js"):
                self.assertTrue(ct.startswith("text/javascript"), path)
            if path.endswith(".css"):
                self.assertTrue(ct.startswith("text/css"), path)
        for bad in ("/console/", "/console/../api/api.c",
                    "/console/js/../../CMakeLists.txt", "/index.html"):
            self.assertEqual(self.d.call("GET", bad).status, 404, bad)
        size = self.d.log_size()
        self.d.call("GET", "/")
        self.assertEqual(self.d.log_size(), size, "files are not recorded")


class Clocked(DaemonTest):
    """A test clock moved a TOTP step on before each login, since a code
    serves once."""
    clock = 1800000000.0

    def setUp(self):
        type(self).clock += 31
        self.d.set_clock(type(self).clock)

    def code(self):
        type(self).clock += 31
        self.d.set_clock(type(self).clock)
        return totp(at=type(self).clock)

    def admin_token(self, tenant="appr"):
        return self.d.call("POST", "/v1/tenants/%s/auth/login" % tenant, {
            "username": "admin", "password": ADMIN_PASSWORD,
            "totp": self.code()}).body["token"]


class CookieSessions(Clocked):
    def login(self, tenant="appr", body_extra=None, headers=None):
        body = {"username": "admin", "password": ADMIN_PASSWORD,
                "totp": self.code(), "session": "cookie"}
        body.update(body_extra or {})
        return self.d.call("POST", "/v1/tenants/%s/auth/login" % tenant,
                           body, headers=headers)

    def test_a_console_login_sets_an_httponly_strict_cookie_and_no_token(self):
        r = self.login()
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("token", r.body)
        self.assertIs(r.body["cookie"], True)
        value, attrs = cookie_of(r)
        self.assertTrue(value.startswith("cse_"), value)
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=strict", attrs)
        self.assertIn("path=/", attrs)
        self.assertNotIn("secure", attrs)   # plain http on localhost
        self.assertTrue(any(a.startswith("max-age=") for a in attrs))
        # The token login of the contract is as before.
        r = self.d.call("POST", "/v1/tenants/appr/auth/login", {
            "username": "admin", "password": ADMIN_PASSWORD,
            "totp": self.code()})
        self.assertEqual(r.status, 200)
        self.assertIn("token", r.body)
        self.assertEqual(cookie_of(r), (None, set()))

    def test_session_field_must_be_cookie_or_token(self):
        r = self.login(body_extra={"session": "both"})
        self.assertEqual(r.status, 400)
        self.assertIn("session", r.body["error"]["message"])

    def test_a_sign_in_from_another_origin_is_refused(self):
        r = self.login(headers={"Origin": "https://evil.example"})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(cookie_of(r), (None, set()))

    def cookie_session(self):
        r = self.login()
        self.assertEqual(r.status, 200, r)
        value, _ = cookie_of(r)
        jar = {"Cookie": "custos_session=" + value}
        s = self.d.call("GET", "/v1/session", headers=jar)
        self.assertEqual(s.status, 200, s)
        return value, jar, s.body

    def stepped(self, body, token=None, headers=None):
        """body plus a step-up on the admin's passkey (registered on first
        use): a tenant admin's support-policy change needs one by cookie,
        and by bearer once the admin has a passkey (test_passkeys)."""
        origin = "http://localhost:%d" % self.d.port
        if getattr(type(self), "auth", None) is None:
            type(self).auth = Authenticator()
            tok = self.admin_token()
            o = self.d.call("POST", "/v1/passkeys/options", {}, token=tok)
            r = self.d.call("POST", "/v1/passkeys", {
                "challenge_id": o.body["challenge_id"],
                "credential": self.auth.create(o.body, origin)}, token=tok)
            self.assertEqual(r.status, 201, r)
        o = self.d.call("POST", "/v1/step-up/options", {
            "action": "tenant.support_policy", "target": "appr"},
            token=token, headers=headers)
        self.assertEqual(o.status, 200, o)
        return dict(body, step_up={"challenge_id": o.body["challenge_id"],
                                   "credential": self.auth.get(o.body,
                                                               origin)})

    def test_session_view_names_the_person_and_gives_the_csrf_token(self):
        _, jar, me = self.cookie_session()
        self.assertEqual(me["kind"], "tenant_admin")
        self.assertEqual(me["tenant"], "appr")
        self.assertEqual(me["username"], "admin")
        self.assertRegex(me["csrf"], r"^[A-Za-z0-9_-]{16,}$")
        self.assertEqual(me["origin"], "http://localhost:%d" % self.d.port)
        # A bearer caller has no CSRF token to learn.
        tok = self.admin_token()
        b = self.d.call("GET", "/v1/session", token=tok)
        self.assertEqual(b.status, 200)
        self.assertNotIn("csrf", b.body)

    def test_a_change_by_cookie_needs_the_csrf_token_and_the_origin(self):
        _, jar, me = self.cookie_session()
        body = {"support_policy": "deny"}
        path = "/v1/tenants/appr/support-policy"
        start = self.d.log_size()
        good = dict(jar, **{"X-CSRF-Token": me["csrf"]})
        cases = [
            ("no token", jar),
            ("wrong token", dict(jar, **{"X-CSRF-Token": "A" * 22})),
            ("foreign origin", dict(good, Origin="https://evil.example")),
            ("cross-site fetch", dict(good, **{"Sec-Fetch-Site":
                                               "cross-site"})),
        ]
        for name, h in cases:
            r = self.d.call("PUT", path, body, headers=h)
            self.assertEqual(r.status, 403, name)
            self.assertEqual(r.body["error"]["code"], "forbidden", name)
            self.assertIn("X-CSRF-Token", r.body["error"]["message"])
        pol = self.d.call("GET", path, token=self.admin_token())
        self.assertEqual(pol.body["support_policy"], "approval_required")
        refused = [e for _, e, _ in self.d.plain_entries(start)
                   if e["action"] == "tenant.support_policy"]
        self.assertEqual(len(refused), len(cases))
        for e in refused:
            self.assertEqual((e["outcome"], e["reason"]), ("denied", "csrf"))
            self.assertEqual(e["actor"]["kind"], "tenant_admin")
        same = dict(good, Origin="http://localhost:%d" % self.d.port,
                    **{"Sec-Fetch-Site": "same-origin"})
        r = self.d.call("PUT", path, self.stepped(body, headers=same),
                        headers=same)
        self.assertEqual(r.status, 200, r)
        r = self.d.call("PUT", path, self.stepped(
            {"support_policy": "approval_required"}, headers=good),
            headers=good)
        self.assertEqual(r.status, 200, r)
        # Reads need no CSRF token (they change nothing).
        self.assertEqual(self.d.call("GET", path, headers=jar).status, 200)

    def test_csrf_token_is_per_session(self):
        _, _, one = self.cookie_session()
        _, jar2, two = self.cookie_session()
        self.assertNotEqual(one["csrf"], two["csrf"])
        r = self.d.call("PUT", "/v1/tenants/appr/support-policy",
                        {"support_policy": "deny"},
                        headers=dict(jar2, **{"X-CSRF-Token": one["csrf"]}))
        self.assertEqual(r.status, 403)

    def test_logout_ends_the_session_and_clears_the_cookie(self):
        _, jar, me = self.cookie_session()
        r = self.d.call("POST", "/v1/auth/logout",
                        headers=dict(jar, **{"X-CSRF-Token": me["csrf"]}))
        self.assertEqual(r.status, 200, r)
        value, attrs = cookie_of(r)
        self.assertEqual(value, "")
        self.assertIn("max-age=0", attrs)
        self.assertEqual(self.d.call("GET", "/v1/session",
                                     headers=jar).status, 401)

    def test_a_bearer_header_wins_over_the_cookie(self):
        _, jar, _ = self.cookie_session()
        user = self.d.call("POST", "/v1/tenants/appr/auth/login", {
            "username": "user", "password": "user password 12",
            "totp": self.code()}).body["token"]
        r = self.d.call("GET", "/v1/session", token=user, headers=jar)
        self.assertEqual(r.body["kind"], "tenant_user")

    def test_a_console_action_is_recorded_as_the_same_api_call(self):
        """The same change made by cookie and by bearer token leaves the
        same entry but for the session that made it."""
        _, jar, me = self.cookie_session()
        tok = self.admin_token()
        path = "/v1/tenants/appr/support-policy"
        start = self.d.log_size()
        hdrs = dict(jar, **{"X-CSRF-Token": me["csrf"]})
        r1 = self.d.call("PUT", path, self.stepped(
            {"support_policy": "auto_approve"}, headers=hdrs), headers=hdrs)
        self.d.call("PUT", path, self.stepped(
            {"support_policy": "approval_required"}, token=tok), token=tok)
        r2 = self.d.call("PUT", path, self.stepped(
            {"support_policy": "auto_approve"}, token=tok), token=tok)
        self.assertEqual((r1.status, r2.status), (200, 200))
        self.assertEqual(r1.body, r2.body)
        a, _, b = [e for _, e, _ in self.d.plain_entries(start)
                   if e["action"] == "tenant.support_policy"]
        self.assertNotEqual(a["session"], b["session"])
        for e in (a, b):
            e.pop("time")
            e.pop("session")
        self.assertEqual(a, b)
        self.d.call("PUT", path, self.stepped(
            {"support_policy": "approval_required"}, token=tok), token=tok)


class OperatorConsole(DaemonTest):
    def test_the_operator_token_opens_a_console_session_not_a_cookie(self):
        r = self.d.call("POST", "/v1/auth/operator", {
            "token": self.d.operator, "session": "cookie"})
        self.assertEqual(r.status, 200, r)
        value, attrs = cookie_of(r)
        self.assertNotEqual(value, self.d.operator)
        self.assertIn("httponly", attrs)
        jar = {"Cookie": "custos_session=" + value}
        me = self.d.call("GET", "/v1/session", headers=jar).body
        self.assertEqual(me["kind"], "operator")
        self.assertEqual(self.d.call("GET", "/v1/alerts",
                                     headers=jar).status, 200)
        # The token itself is a bearer only, never a cookie.
        self.assertEqual(self.d.call("GET", "/v1/alerts", headers={
            "Cookie": "custos_session=" + self.d.operator}).status, 401)
        r = self.d.call("POST", "/v1/auth/logout", headers=dict(
            jar, **{"X-CSRF-Token": me["csrf"]}))
        self.assertEqual(r.status, 200)
        self.assertEqual(self.d.call("GET", "/v1/alerts",
                                     headers=jar).status, 401)

    def test_a_wrong_operator_token_is_refused_and_recorded(self):
        start = self.d.log_size()
        r = self.d.call("POST", "/v1/auth/operator", {
            "token": "cop_" + "a" * 52, "session": "cookie"})
        self.assertEqual(r.status, 401)
        self.assertEqual(cookie_of(r), (None, set()))
        e = [e for _, e, _ in self.d.plain_entries(start)
             if e["action"] == "auth.operator"]
        self.assertEqual([(x["outcome"], x["reason"]) for x in e],
                         [("denied", "bad_credentials")])
        self.assertNotIn("a" * 52, str(e))


class SecureCookies(unittest.TestCase):
    def test_an_https_console_gets_a_host_prefixed_secure_cookie(self):
        d = Daemon(extra=["--public-url", "https://gate.example.com"])
        try:
            World(d)
            r = d.call("POST", "/v1/tenants/appr/auth/login", {
                "username": "admin", "password": ADMIN_PASSWORD,
                "totp": totp(TOTP_SECRET), "session": "cookie",
            }, headers={"Origin": "https://gate.example.com"})
            self.assertEqual(r.status, 200, r)
            value, attrs = cookie_of(r, "__Host-custos_session")
            self.assertIsNotNone(value, r.headers)
            self.assertIn("secure", attrs)
            self.assertIn("httponly", attrs)
            # The plain name is not accepted for an https console.
            self.assertEqual(d.call("GET", "/v1/session", headers={
                "Cookie": "custos_session=" + value}).status, 401)
            self.assertEqual(d.call("GET", "/v1/session", headers={
                "Cookie": "__Host-custos_session=" + value}).status, 200)
        finally:
            self.assertEqual(d.stop(), 0)

    def test_a_bad_public_url_stops_the_start(self):
        for bad in ("ftp://x", "https://user@host", "https://", "x"):
            with self.assertRaises(RuntimeError, msg=bad):
                d = Daemon(extra=["--public-url", bad])
                d.stop()


if __name__ == "__main__":
    unittest.main()
