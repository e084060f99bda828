# SPDX-License-Identifier: ISC
"""Keeps docs/openapi.yaml true: its paths and methods are exactly the routes
of the action table (src/audit/action.c, as `custosd --actions` prints it),
its action names, roles and recording flags are that table's, the running
daemon routes every documented operation, needs a token exactly where the yaml says, and
answers sample calls only with statuses and error codes the yaml documents;
where a response lists x-custos-reasons, the log entry of such an answer
carries one of them.  The customer-approval routes are walked through
their states (access requests, second approvals, break-glass, tenant
settings) the same way, each answer also checked against the required
fields and enums of its documented schema.

A route of the table may end in "/*", taking the rest of the path, slashes
and all (the C2SP tiles under /v1/log/tile/); OpenAPI has no template for
that, so the yaml spells such a route as one {param} after the same prefix
and names the table's pattern in the path item's x-custos-route.  A daemon
whose log failed its start-up check is held to the yaml too.

The yaml is read by a small parser of the strict subset the file keeps to
(see its header), so the test needs no PyYAML; where PyYAML is installed the
two parses must agree, which keeps the subset parser honest."""
import base64
import json
import os
import re
import shutil
import subprocess
import time
import unittest

from harness import (CUSTOSD, ROOT, TOTP_SECRET, Daemon, DaemonTest,
                     free_port)

SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class SubsetError(ValueError):
    pass


class _Subset:
    """Block mappings and sequences, '|' text blocks, quoted and plain
    scalars, flow lists of scalars, {} and [].  Anything else, and every
    plain scalar YAML 1.1 would read as something other than a string
    (dates, floats, yes/no ...) except true/false/null and decimal
    integers, is refused, so that this parse and PyYAML's agree."""

    def __init__(self, text):
        self.lines = text.split("\n")
        self.i = 0

    def fail(self, msg):
        raise SubsetError("openapi.yaml line %d: %s" % (self.i + 1, msg))

    def peek(self):
        while self.i < len(self.lines):
            line = self.lines[self.i]
            s = line.strip()
            if s and not s.startswith("#"):
                ind = len(line) - len(line.lstrip(" "))
                if line[ind] == "\t":
                    self.fail("tab in indentation")
                return ind, line[ind:].rstrip()
            self.i += 1
        return None

    def document(self):
        pk = self.peek()
        if pk is None or pk[0] != 0:
            self.fail("the document must start at column 0")
        out = self.node(0)
        if self.peek() is not None:
            self.fail("unexpected text")
        return out

    def node(self, indent):
        s = self.peek()[1]
        if s == "-" or s.startswith("- "):
            return self.seq(indent)
        return self.mapping(indent)

    def split_key(self, s):
        """(key, rest) of a 'key: value' line, or None."""
        if s[:1] == "'":
            j = 1
            while True:
                j = s.find("'", j)
                if j == -1:
                    return None
                if s[j + 1:j + 2] == "'":
                    j += 2
                    continue
                break
            key, tail = s[1:j].replace("''", "'"), s[j + 1:]
            if tail == ":" or tail.startswith(": "):
                return key, tail[1:].strip()
            return None
        if s[:1] in "\"[{&*!|>%@`-?#":
            return None
        if s.endswith(":") and ": " not in s:
            return s[:-1], ""
        k = s.find(": ")
        if k <= 0:
            return None
        return s[:k], s[k + 2:].strip()

    def mapping(self, indent):
        out = {}
        while True:
            pk = self.peek()
            if pk is None or pk[0] < indent:
                return out
            if pk[0] > indent:
                self.fail("unexpected indentation")
            kv = self.split_key(pk[1])
            if kv is None:
                self.fail("expected 'key: value'")
            if kv[0] in out:
                self.fail("duplicate key %r" % kv[0])
            self.i += 1
            out[kv[0]] = self.value(kv[1], indent)

    def value(self, rest, indent):
        if rest == "":
            pk = self.peek()
            if pk is None or pk[0] <= indent:
                return None
            return self.node(pk[0])
        if rest == "|":
            return self.text_block(indent)
        return self.scalar(rest)

    def seq(self, indent):
        out = []
        while True:
            pk = self.peek()
            if pk is None or pk[0] < indent:
                return out
            if pk[0] > indent:
                self.fail("unexpected indentation")
            s = pk[1]
            if not (s == "-" or s.startswith("- ")):
                self.fail("expected '- item'")
            item = s[1:].strip()
            if item == "":
                self.i += 1
                nxt = self.peek()
                if nxt is None or nxt[0] <= indent:
                    out.append(None)
                else:
                    out.append(self.node(nxt[0]))
            elif self.split_key(item) is not None:
                if not s.startswith("- ") or s[2] == " ":
                    self.fail("write '- key: value' with one space")
                # The item's mapping goes on two columns in.
                self.lines[self.i] = " " * (indent + 2) + item
                out.append(self.mapping(indent + 2))
            else:
                self.i += 1
                out.append(self.scalar(item))

    def text_block(self, indent):
        body, content = [], None
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.strip() == "":
                body.append("")
                self.i += 1
                continue
            ind = len(line) - len(line.lstrip(" "))
            if ind <= indent:
                break
            if content is None:
                content = ind
            elif ind < content:
                self.fail("text block line indented less than its first")
            body.append(line[content:].rstrip())
            self.i += 1
        while body and body[-1] == "":
            body.pop()
        return "\n".join(body) + "\n" if body else ""

    PLAIN_REFUSED = re.compile(
        r"^(?:[-+]?(?:\d[\d_]*)?\.[\d_]*(?:[eE][-+]?\d+)?"
        r"|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)"
        r"|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?"
        r"|[-+]?0[0-9_xob].*|[-+][0-9_]+|[0-9][0-9_]*_[0-9_]*"
        r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
        r"|(?i:yes|no|on|off|y|n)|True|TRUE|False|FALSE|Null|NULL|~|=)$")

    def scalar(self, s):
        if s[:1] == "'":
            inner = s[1:-1]
            if len(s) < 2 or s[-1] != "'" or "'" in inner.replace("''", ""):
                self.fail("bad single-quoted scalar")
            return inner.replace("''", "'")
        if s[:1] == '"':
            try:
                return json.loads(s)
            except ValueError:
                self.fail("double-quoted scalar beyond JSON escapes")
        if s == "{}":
            return {}
        if s[:1] == "[":
            if s[-1] != "]" or "[" in s[1:] or "{" in s:
                self.fail("only flat flow lists of scalars")
            inner = s[1:-1].strip()
            return [self.scalar(x.strip()) for x in inner.split(",")] \
                if inner else []
        if s[:1] in "{&*!|>%@`#?" or ": " in s or " #" in s or \
                s.endswith(":"):
            self.fail("plain scalar %r needs quotes" % s)
        if s == "true":
            return True
        if s == "false":
            return False
        if s == "null":
            return None
        if re.match(r"^-?(?:0|[1-9][0-9]*)$", s):
            return int(s)
        if self.PLAIN_REFUSED.match(s):
            self.fail("plain scalar %r would not be a string: quote it" % s)
        return s


def load_spec():
    with open(SPEC, encoding="utf-8") as f:
        return _Subset(f.read()).document()


def action_table():
    """The action table (src/audit/action.c) as custosd prints it with
    --actions: one JSON object per route."""
    out = subprocess.run([CUSTOSD, "--actions"], check=True,
                         capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line]
    assert rows, "custosd --actions printed no routes"
    return rows


def route_table():
    """[(METHOD, pattern, action)] of the action table's routes."""
    return [(r["method"], r["pattern"], r["action"])
            for r in action_table()]


def role_table():
    """{action: (name, {caller kinds}, recorded)} of the action table."""
    return {r["action"]: (r["name"], set(r["who"]), r["recorded"])
            for r in action_table()}


def route_pattern(path, item):
    """The table's pattern of a yaml path: the path itself, or the path
    item's x-custos-route for a catch-all route "/prefix/*", which the
    yaml must spell as "/prefix/{param}"."""
    route = item.get("x-custos-route")
    if route is None:
        assert "*" not in path, "%s: '*' needs x-custos-route" % path
        return path
    m = re.fullmatch(r"(.*/)\{\w+\}", path)
    assert route.endswith("/*") and "*" not in route[:-1] and m and \
        m.group(1) == route[:-1], \
        "x-custos-route %r does not fit the path %r" % (route, path)
    return route


def operations(spec):
    """{(METHOD, table pattern): operation} of the yaml."""
    return {(m.upper(), route_pattern(p, item)): op
            for p, item in spec["paths"].items()
            for m, op in item.items() if m in METHODS}


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def no_token_needed(spec, op):
    return op.get("security", spec.get("security")) == []


def is_no_such_endpoint(r):
    err = (r.body or {}).get("error") or {}
    return r.status == 404 and err.get("code") == "not_found" and \
        err.get("message", "").startswith("no such endpoint")


def undocumented(spec, ops, method, template, r):
    """'' when the answer's status, error code and (for a 2xx with a body)
    media type are those the yaml documents; else what is not."""
    op = ops[(method, template)]
    resp = op["responses"].get(str(r.status))
    where = "%s %s -> %r" % (method, template, r)
    if resp is None:
        return "undocumented status: " + where
    resp = resolve(spec, resp)
    if r.status >= 400:
        code = ((r.body or {}).get("error") or {}).get("code")
        if code not in resp["x-error-codes"]:
            return "undocumented error code %r: %s" % (code, where)
    elif "content" in resp:
        ctype = r.headers.get("Content-Type", "").split(";")[0].strip()
        if ctype not in resp["content"]:
            return "undocumented media type %r: %s" % (ctype, where)
    if "Retry-After" in resp.get("headers", {}) and \
            "Retry-After" not in r.headers:
        return "documented Retry-After missing: " + where
    return ""


def documented_reasons(spec, ops, method, template, status):
    """The x-custos-reasons of the documented response, or None."""
    resp = ops[(method, template)]["responses"].get(str(status))
    return None if resp is None else \
        resolve(spec, resp).get("x-custos-reasons")


def off_schema(spec, schema, body, where="body"):
    """'' when body has every required key of the (resolved) object
    schema and each present string, boolean or integer value fits its
    property's type and enum; else what does not."""
    schema = resolve(spec, schema)
    if not isinstance(body, dict):
        return "%s is not an object: %r" % (where, body)
    missing = [k for k in schema.get("required", []) if k not in body]
    if missing:
        return "%s lacks %s" % (where, missing)
    kinds = {"string": str, "boolean": bool, "integer": int}
    for k, prop in schema.get("properties", {}).items():
        prop = resolve(spec, prop)
        if k not in body or (body[k] is None and prop.get("nullable")):
            continue
        v, want = body[k], kinds.get(prop.get("type"))
        if want is not None and (not isinstance(v, want) or
                                 (want is int and isinstance(v, bool))):
            return "%s.%s is not %s: %r" % (where, k, prop["type"], v)
        if "enum" in prop and v not in prop["enum"]:
            return "%s.%s=%r is not in %s" % (where, k, v, prop["enum"])
        if prop.get("type") == "array" and "$ref" in prop.get("items", {}):
            for i, item in enumerate(v):
                item_schema = resolve(spec, prop["items"])
                if item_schema.get("type") == "object":
                    bad = off_schema(spec, item_schema, item,
                                     "%s.%s[%d]" % (where, k, i))
                elif "enum" in item_schema and item not in \
                        item_schema["enum"]:
                    bad = "%s.%s[%d]=%r is not in %s" % (
                        where, k, i, item, item_schema["enum"])
                else:
                    bad = ""
                if bad:
                    return bad
    return ""


def fill(path):
    """A concrete path for a route pattern of the table."""
    return path.replace("{t}", "auto").replace("{u}", "nobody") \
        .replace("{id}", "probe-id").replace("*", "0/000.p/1")


class SpecMatchesSource(unittest.TestCase):
    """The yaml against the C sources, no daemon needed."""

    @classmethod
    def setUpClass(cls):
        cls.spec = load_spec()
        cls.ops = operations(cls.spec)

    def test_subset_parse_agrees_with_pyyaml(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("PyYAML is not installed")
        with open(SPEC, encoding="utf-8") as f:
            self.assertEqual(yaml.safe_load(f), self.spec)

    def test_spec_is_openapi_3_0_3_with_bearer_scheme(self):
        self.assertEqual(self.spec["openapi"], "3.0.3")
        scheme = self.spec["components"]["securitySchemes"]["bearerAuth"]
        self.assertEqual((scheme["type"], scheme["scheme"]),
                         ("http", "bearer"))
        self.assertEqual(self.spec["security"], [{"bearerAuth": []}])

    def test_paths_and_methods_equal_route_table_of_api_c(self):
        table = {(m, p) for m, p, _ in route_table()}
        documented = set(self.ops)
        self.assertEqual(sorted(table - documented), [],
                         "routes of api.c missing from openapi.yaml")
        self.assertEqual(sorted(documented - table), [],
                         "operations in openapi.yaml that api.c lacks")

    def test_action_roles_and_recording_match_role_table(self):
        roles = role_table()
        for method, path, act in route_table():
            name, who, recorded = roles[act]
            op = self.ops[(method, path)]
            where = "%s %s" % (method, path)
            self.assertEqual(op["x-custos-action"], name, where)
            self.assertEqual(set(op["x-custos-roles"]), who, where)
            self.assertEqual(op["x-custos-recorded"], recorded, where)

    def test_path_parameters_declared_and_refs_resolve(self):
        def walk(node):
            if isinstance(node, dict):
                if "$ref" in node:
                    resolve(self.spec, node)   # KeyError when dangling
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(self.spec)
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                if method not in METHODS:
                    continue
                params = item.get("parameters", []) + \
                    op.get("parameters", [])
                declared = {resolve(self.spec, p)["name"] for p in params
                            if resolve(self.spec, p)["in"] == "path"}
                self.assertEqual(declared,
                                 set(re.findall(r"\{(\w+)\}", path)),
                                 "%s %s" % (method, path))

    def test_every_operation_documents_its_error_responses(self):
        for (method, path), op in self.ops.items():
            for status, resp in op["responses"].items():
                resp = resolve(self.spec, resp)
                self.assertIn("description", resp)
                if int(status) >= 400:
                    self.assertTrue(resp.get("x-error-codes"),
                                    "%s %s %s" % (method, path, status))
            self.assertIn("500", op["responses"], "%s %s" % (method, path))


class SpecMatchesDaemon(DaemonTest):
    """The yaml against the real custosd (a frozen clock keeps the throttle
    and TOTP steps deterministic)."""
    clock = 1800000000.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spec = load_spec()
        cls.ops = operations(cls.spec)
        r = cls.w.engineer_login(at=cls.clock)
        assert r.status == 200, r
        cls.tokens = {
            None: None, "operator": cls.d.operator,
            "engineer": r.body["token"],
            "admin": cls.w.tenant_login("auto", "admin", at=cls.clock),
            "user": cls.w.tenant_login("auto", "user", at=cls.clock),
        }

    fill = staticmethod(fill)

    def last_event(self):
        """The newest entry of a request: custosd's own entries (an
        alert the detection thread raised about that request, a moment
        later) are skipped."""
        size = self.d.log_size()
        r = self.d.op("GET", "/v1/log/entries?start=%d" % max(0, size - 8))
        for e in reversed(r.body["entries"]):
            if e["event"]["actor"]["kind"] != "system":
                return e["event"]
        return r.body["entries"][-1]["event"]

    def check_documented(self, method, template, r):
        """undocumented(), and for a refusal whose response lists
        x-custos-reasons, the request's entry must carry one of them."""
        bad = undocumented(self.spec, self.ops, method, template, r)
        reasons = documented_reasons(self.spec, self.ops, method, template,
                                     r.status)
        op = self.ops[(method, template)]
        if bad or r.status < 400 or reasons is None or \
                not op["x-custos-recorded"]:
            return bad
        ev = self.last_event()
        if ev["action"] != op["x-custos-action"] or \
                ev["outcome"] != "denied":
            return "last entry is not this refusal: %s %s -> %r: %r" % (
                method, template, r, ev)
        if ev["reason"] not in reasons:
            return "undocumented reason %r: %s %s -> %r" % (
                ev["reason"], method, template, r)
        return ""

    def test_probe_detects_undocumented_route(self):
        r = self.d.op("GET", "/v1/no-such-route")
        self.assertTrue(is_no_such_endpoint(r), r)

    def test_daemon_routes_every_documented_operation(self):
        problems = []
        for (method, template) in sorted(self.ops):
            r = self.d.op(method, self.fill(template))
            if is_no_such_endpoint(r):
                problems.append("not routed: %s %s" % (method, template))
            else:
                problems.append(self.check_documented(method, template, r))
        self.assertEqual([p for p in problems if p], [])

    def test_token_is_needed_exactly_where_documented(self):
        problems = []
        for (method, template), op in sorted(self.ops.items()):
            path = self.fill(template)
            r = self.d.call(method, path)
            refused = r.status == 401 and \
                r.body["error"]["code"] == "unauthorized"
            if no_token_needed(self.spec, op):
                bogus = self.d.call(method, path, token="cse_not_a_token")
                if refused or bogus.status == 401:
                    problems.append("needs a token: %s %s" % (method,
                                                               template))
            elif not refused:
                problems.append("answers without a token: %s %s -> %r" % (
                    method, template, r))
        self.assertEqual(problems, [])

    def test_sample_calls_answer_documented_statuses_and_error_codes(self):
        pub = base64.b64encode(b"\x01" * 32).decode()
        sig = base64.b64encode(b"\x00" * 64).decode()
        pw = "long enough password"
        users = "/v1/tenants/{t}/users"
        user = "/v1/tenants/{t}/users/{u}"
        incl = "/v1/log/proof/inclusion"
        cons = "/v1/log/proof/consistency"
        tile = "/v1/log/tile/*"
        alog = "/v1/tenants/{t}/access-log"
        # (who, method, template, path, body or raw bytes, expected status)
        samples = [
            (None, "GET", "/v1/health", "/v1/health", None, 200),
            (None, "POST", "/v1/vendors", "/v1/vendors", {"name": "x"}, 401),
            ("engineer", "POST", "/v1/vendors", "/v1/vendors",
             {"name": "x"}, 403),
            ("operator", "POST", "/v1/vendors", "/v1/vendors",
             {"nme": "x"}, 400),
            ("operator", "POST", "/v1/vendors", "/v1/vendors",
             {"name": "Sitel"}, 409),
            ("operator", "POST", "/v1/vendors", "/v1/vendors",
             b"x" * (64 * 1024 + 1), 413),
            ("operator", "POST", "/v1/vendors", "/v1/vendors",
             {"name": "Sample vendor"}, 201),
            ("operator", "POST", "/v1/engineers", "/v1/engineers",
             {"username": "e9", "vendor": "nope", "password": pw}, 404),
            ("operator", "POST", "/v1/engineers", "/v1/engineers",
             {"username": "e9", "vendor": "sitel", "password": pw}, 201),
            ("operator", "POST", "/v1/engineers/{id}/devices",
             "/v1/engineers/nope/devices", {"name": "d", "public_key": pub},
             404),
            ("operator", "POST", "/v1/engineers/{id}/devices",
             "/v1/engineers/eng1/devices", {"name": "d", "public_key": pub},
             201),
            ("operator", "POST", "/v1/tenants", "/v1/tenants",
             {"name": "x", "support_policy": "sometimes"}, 400),
            ("operator", "POST", "/v1/tenants", "/v1/tenants",
             {"name": "Sample tenant"}, 201),
            ("operator", "POST", "/v1/import", "/v1/import",
             b'{"kind":"user","tenant":"nope","username":"a",'
             b'"email":"a@b.example"}\n', 404),
            ("operator", "POST", "/v1/import", "/v1/import",
             b'{"kind":"vendor","id":"sitel","name":"Again"}\n', 409),
            ("operator", "POST", "/v1/import", "/v1/import",
             b'{"kind":"vendor","name":"Imported"}\n\n'
             b'{"kind":"ticket","tenant":"auto","subject":"s","body":"",'
             b'"requester":"r@auto.example"}\r\n', 200),
            ("engineer", "POST", "/v1/import", "/v1/import",
             b'{"kind":"vendor","name":"Nope"}\n', 403),
            (None, "POST", "/v1/auth/login", "/v1/auth/login",
             {"username": "ghost", "device": "dev1"}, 200),
            (None, "POST", "/v1/auth/login", "/v1/auth/login",
             {"username": "ghost", "password": pw, "device": "dev1"}, 200),
            (None, "POST", "/v1/auth/login", "/v1/auth/login",
             {"username": "ghost"}, 400),
            (None, "POST", "/v1/auth/login", "/v1/auth/login",
             b"x" * (8 * 1024 + 1), 413),
            (None, "POST", "/v1/auth/verify", "/v1/auth/verify",
             {"login_id": "login_x", "password": pw, "totp": "123456",
              "device_signature": sig}, 401),
            (None, "POST", "/v1/auth/verify", "/v1/auth/verify",
             {"login_id": "login_x", "password": pw, "totp": "123456",
              "device_signature": "short"}, 400),
            # The contract's shape: the password came with step one.
            (None, "POST", "/v1/auth/verify", "/v1/auth/verify",
             {"login_id": "loginpw_x", "totp": "123456",
              "device_signature": sig}, 401),
            # A password at both steps, or at neither.
            (None, "POST", "/v1/auth/verify", "/v1/auth/verify",
             {"login_id": "loginpw_x", "password": pw, "totp": "123456",
              "device_signature": sig}, 400),
            (None, "POST", "/v1/auth/verify", "/v1/auth/verify",
             {"login_id": "login_x", "totp": "123456",
              "device_signature": sig}, 400),
            ("operator", "POST", "/v1/auth/logout", "/v1/auth/logout", None,
             403),
            (None, "POST", "/v1/password-reset", "/v1/password-reset",
             {"token": "crt_x", "new_password": pw}, 400),
            (None, "POST", "/v1/tenants/{t}/auth/login",
             "/v1/tenants/auto/auth/login",
             {"username": "ghost", "password": pw, "totp": "123456"}, 401),
            ("engineer", "POST", users, "/v1/tenants/auto/users",
             {"username": "x", "email": "x@auto.example"}, 403),
            ("operator", "POST", users, "/v1/tenants/auto/users",
             {"username": "x", "email": "not-an-address"}, 400),
            ("operator", "POST", users, "/v1/tenants/auto/users",
             {"id": "auto-user", "username": "y", "email": "y@a.example"},
             409),
            ("operator", "POST", users, "/v1/tenants/nope/users",
             {"username": "x", "email": "x@auto.example"}, 404),
            ("admin", "POST", users, "/v1/tenants/auto/users",
             {"username": "new", "email": "new@auto.example",
              "password": pw, "totp_secret": TOTP_SECRET}, 201),
            ("engineer", "GET", users, "/v1/tenants/auto/users", None, 200),
            ("engineer", "GET", users, "/v1/tenants/appr/users", None, 403),
            ("engineer", "GET", users, "/v1/tenants/deny/users", None, 403),
            ("engineer", "GET", users, "/v1/tenants/nope/users", None, 404),
            ("engineer", "GET", users, "/v1/tenants/a%20b/users", None, 400),
            ("operator", "GET", users, "/v1/tenants/auto/users", None, 200),
            (None, "GET", users, "/v1/tenants/auto/users", None, 401),
            ("admin", "GET", users, "/v1/tenants/deny/users", None, 403),
            ("engineer", "DELETE", user, "/v1/tenants/auto/users/auto-user",
             None, 403),
            ("admin", "DELETE", user, "/v1/tenants/auto/users/nobody", None,
             404),
            ("admin", "DELETE", user, "/v1/tenants/auto/users/auto-user",
             {"reason": "x"}, 400),
            ("engineer", "POST", user + "/password-reset",
             "/v1/tenants/auto/users/auto-admin/password-reset", None, 403),
            ("engineer", "POST", user + "/password-reset",
             "/v1/tenants/auto/users/auto-user/password-reset", None, 202),
            ("engineer", "POST", user + "/password-reset",
             "/v1/tenants/auto/users/nobody/password-reset", None, 404),
            ("engineer", "POST", user + "/mfa-reset",
             "/v1/tenants/auto/users/auto-admin/mfa-reset",
             {"approval": "apr_1"}, 403),
            ("user", "POST", user + "/mfa-reset",
             "/v1/tenants/auto/users/auto-admin/mfa-reset", None, 403),
            ("engineer", "POST", "/v1/tenants/{t}/tickets",
             "/v1/tenants/auto/tickets",
             {"subject": "s", "body": "b", "requester": "r@a.example"}, 403),
            ("user", "POST", "/v1/tenants/{t}/tickets",
             "/v1/tenants/auto/tickets",
             {"subject": "s", "body": "b", "requester": "r@a.example"}, 201),
            ("operator", "POST", "/v1/tenants/{t}/tickets",
             "/v1/tenants/auto/tickets",
             {"subject": "", "body": "b", "requester": "r@a.example"}, 400),
            ("engineer", "GET", "/v1/tenants/{t}/tickets",
             "/v1/tenants/auto/tickets", None, 200),
            ("user", "GET", "/v1/tenants/{t}/tickets",
             "/v1/tenants/auto/tickets", None, 403),
            ("engineer", "GET", "/v1/tenants/{t}/tickets/{id}",
             "/v1/tenants/auto/tickets/auto-t1", None, 200),
            ("engineer", "GET", "/v1/tenants/{t}/tickets/{id}",
             "/v1/tenants/auto/tickets/nope", None, 404),
            ("engineer", "GET", "/v1/tenants/{t}/export",
             "/v1/tenants/auto/export", None, 403),
            ("admin", "GET", "/v1/tenants/{t}/export",
             "/v1/tenants/auto/export", None, 200),
            ("engineer", "PUT", "/v1/tenants/{t}/support-policy",
             "/v1/tenants/auto/support-policy",
             {"support_policy": "deny"}, 403),
            ("admin", "PUT", "/v1/tenants/{t}/support-policy",
             "/v1/tenants/auto/support-policy",
             {"support_policy": "never"}, 400),
            ("admin", "PUT", "/v1/tenants/{t}/support-policy",
             "/v1/tenants/auto/support-policy",
             {"support_policy": "auto_approve"}, 200),
            ("operator", "GET", "/v1/log/entries",
             "/v1/log/entries?start=5&end=2", None, 400),
            ("operator", "GET", "/v1/log/entries",
             "/v1/log/entries?start=0&end=1", None, 200),
            (None, "GET", "/v1/log/entries", "/v1/log/entries?start=0&end=1",
             None, 401),
            ("admin", "GET", "/v1/log/entries",
             "/v1/log/entries?start=0&end=1", None, 403),
            ("admin", "GET", "/v1/tenants/{t}/log-key",
             "/v1/tenants/auto/log-key", None, 200),
            ("admin", "GET", "/v1/tenants/{t}/log-key",
             "/v1/tenants/appr/log-key", None, 403),
            ("engineer", "GET", "/v1/tenants/{t}/log-key",
             "/v1/tenants/auto/log-key", None, 403),
            (None, "GET", "/v1/tenants/{t}/log-key",
             "/v1/tenants/auto/log-key", None, 401),
            (None, "GET", "/v1/log/key", "/v1/log/key", None, 200),
            (None, "GET", "/v1/log/checkpoint", "/v1/log/checkpoint", None,
             200),
            (None, "GET", incl, incl + "?index=0&size=2", None, 200),
            (None, "GET", incl, incl + "?index=2&size=2", None, 400),
            (None, "GET", incl, incl + "?size=2", None, 400),
            (None, "GET", incl, incl + "?index=0&size=%d" % (1 << 40), None,
             400),
            (None, "GET", cons, cons + "?old=1&new=2", None, 200),
            (None, "GET", cons, cons + "?old=2&new=2", None, 200),
            (None, "GET", cons, cons + "?old=0&new=2", None, 400),
            (None, "GET", cons, cons + "?old=3&new=2", None, 400),
            (None, "GET", cons, cons + "?old=1", None, 400),
            (None, "GET", tile, "/v1/log/tile/0/000.p/2", None, 200),
            (None, "GET", tile, "/v1/log/tile/entries/000.p/2", None, 200),
            (None, "GET", tile, "/v1/log/tile/0/x000/000.p/2", None, 404),
            (None, "GET", tile, "/v1/log/tile/0/000.p/256", None, 404),
            (None, "GET", tile, "/v1/log/tile/7/000", None, 404),
            ("admin", "GET", alog, "/v1/tenants/auto/access-log", None, 200),
            ("admin", "GET", alog, "/v1/tenants/auto/access-log?limit=1",
             None, 200),
            ("admin", "GET", alog, "/v1/tenants/auto/access-log?limit=1001",
             None, 400),
            ("admin", "GET", alog, "/v1/tenants/appr/access-log", None, 403),
            ("engineer", "GET", alog, "/v1/tenants/auto/access-log", None,
             403),
            ("operator", "GET", alog, "/v1/tenants/auto/access-log", None,
             200),
            ("user", "GET", alog, "/v1/tenants/auto/access-log", None, 403),
            ("operator", "GET", alog, "/v1/tenants/nope/access-log", None,
             404),
            # Under the frozen clock custosd signs only on demand: the
            # admin's access-log reads above had a checkpoint signed, so
            # the default size (the latest checkpoint's) now covers 0.
            (None, "GET", incl, incl + "?index=0", None, 200),
            ("admin", "POST", user + "/mfa-reset",
             "/v1/tenants/auto/users/auto-user/mfa-reset", None, 202),
            ("user", "POST", "/v1/auth/logout", "/v1/auth/logout", None,
             401),
            ("admin", "POST", "/v1/auth/logout", "/v1/auth/logout", None,
             200),
        ]
        problems = []
        for who, method, template, path, body, want in samples:
            raw = body if isinstance(body, bytes) else None
            r = self.d.call(method, path, None if raw else body,
                            token=self.tokens[who], raw=raw)
            if r.status != want:
                problems.append("%s %s as %s: want %d, got %r" % (
                    method, path, who, want, r))
            problems.append(self.check_documented(method, template, r))
        # The throttle: three failures delay, ten lock the account (an
        # unknown name too, under its blinded key).  Engineers' step one
        # tries nothing secret, so the tenant login shows it.
        login = {"username": "ghost2", "password": pw, "totp": "123456"}
        path = "/v1/tenants/auto/auth/login"
        now, seen = self.clock, []
        for _ in range(24):
            r = self.d.call("POST", path, login)
            seen.append(r.status)
            problems.append(self.check_documented(
                "POST", "/v1/tenants/{t}/auth/login", r))
            if r.status == 423:
                break
            if r.status == 429:
                now += int(r.headers["Retry-After"])
                self.d.set_clock(now)
        self.assertEqual(seen[:4], [401, 401, 401, 429], seen)
        self.assertEqual(seen[-1], 423, seen)
        self.assertEqual([p for p in problems if p], [])

    def test_access_workflow_answers_documented_statuses_and_reasons(self):
        """Every customer-approval route through its states: each answer
        has the status and entry reason expected, both documented, and a
        2xx body with the documented schema's required fields and enums.
        Leaves no access open and the tenants' settings as found."""
        with open(self.d.clock_file) as f:
            at = float(f.read())      # the throttle samples move it
        r = self.d.op("POST", "/v1/engineers", {
            "id": "eng-ov", "username": "eng-ov", "vendor": "other",
            "password": self.w.eng_password, "totp_secret": TOTP_SECRET})
        self.assertEqual(r.status, 201, r)
        pub = base64.b64encode(bytes(self.w.key.verify_key)).decode()
        r = self.d.op("POST", "/v1/engineers/eng-ov/devices", {
            "id": "dev-ov", "name": "laptop", "public_key": pub})
        self.assertEqual(r.status, 201, r)
        r = self.w.engineer_login(at=at, username="eng-ov", device="dev-ov")
        self.assertEqual(r.status, 200, r)
        tok = {"eng": self.tokens["engineer"], "eng2": r.body["token"],
               "op": self.d.operator,
               "appr": self.w.tenant_login("appr", "admin", at=at),
               "deny": self.w.tenant_login("deny", "admin", at=at)}
        reqs = "/v1/tenants/{t}/access-requests"
        one = "/v1/tenants/{t}/access-requests/{id}/"
        view = "/v1/access-requests/{id}"
        apr = "/v1/approvals/{id}"
        pol = "/v1/tenants/{t}/support-policy"
        reset = "/v1/tenants/{t}/users/{u}/password-reset"
        users = "/v1/tenants/{t}/users"
        tickets = "/v1/tenants/{t}/tickets"
        bg = "/v1/tenants/{t}/break-glass"
        why = "the user cannot log in since this morning"
        problems, ids = [], {}

        def step(who, method, template, path, body, want, reason=None):
            r = self.d.call(method, path % ids, body, token=tok[who])
            where = "%s %s as %s" % (method, path % ids, who)
            if r.status != want:
                problems.append("%s: want %d, got %r" % (where, want, r))
            problems.append(self.check_documented(method, template, r))
            op = self.ops[(method, template)]
            if op["x-custos-recorded"]:
                ev = self.last_event()
                if ev["action"] != op["x-custos-action"] or \
                        ev["reason"] != reason:
                    problems.append("%s: want entry %s/%s, got %r" % (
                        where, op["x-custos-action"], reason, ev))
            ok = op["responses"].get(str(r.status))
            if 200 <= r.status < 300 and ok is not None:
                schema = resolve(self.spec, ok)["content"][
                    "application/json"]["schema"]
                problems.append(off_schema(self.spec, schema, r.body,
                                           where))
            elif r.status in (403, 404, 409) and \
                    documented_reasons(self.spec, self.ops, method,
                                       template, r.status) is None:
                problems.append("%s: %d lists no x-custos-reasons" % (
                    where, r.status))
            return r.body if r.status < 300 else {}

        ask = {"ticket": "appr-t1", "reason": why, "minutes": 60}
        step("eng", "GET", tickets, "/v1/tenants/appr/tickets", None, 403,
             "no_approved_access")
        ids["r1"] = step("eng", "POST", reqs,
                         "/v1/tenants/appr/access-requests", ask, 201)["id"]
        step("eng", "POST", reqs, "/v1/tenants/appr/access-requests",
             dict(ask, ticket="auto-t1"), 400, "bad_request")
        step("eng", "POST", reqs, "/v1/tenants/appr/access-requests",
             dict(ask, minutes=481), 400, "bad_request")
        step("eng", "POST", reqs, "/v1/tenants/deny/access-requests",
             dict(ask, ticket="deny-t1"), 403, "tenant_policy_deny")
        step("op", "POST", reqs, "/v1/tenants/appr/access-requests", ask,
             403, "role_forbids")
        step("eng", "POST", reqs, "/v1/tenants/nope/access-requests", ask,
             404, "no_such_tenant")
        listed = step("appr", "GET", reqs, "/v1/tenants/appr/access-requests",
                      None, 200)
        if [(a["id"], a["state"]) for a in listed["access_requests"]] != \
                [(ids["r1"], "pending")]:
            problems.append("list: %r" % listed)
        step("deny", "GET", reqs, "/v1/tenants/appr/access-requests", None,
             403, "other_tenant")
        step("eng", "GET", view, "/v1/access-requests/%(r1)s", None, 200)
        step("eng2", "GET", view, "/v1/access-requests/%(r1)s", None, 404,
             "not_yours")
        step("op", "GET", view, "/v1/access-requests/%(r1)s", None, 200)
        step("eng", "GET", view, "/v1/access-requests/req_nope", None, 404,
             "no_such_request")
        step("appr", "POST", one + "approve",
             "/v1/tenants/appr/access-requests/%(r1)s/approve", None, 200)
        step("appr", "POST", one + "approve",
             "/v1/tenants/appr/access-requests/%(r1)s/approve", None, 409,
             "wrong_state")
        step("appr", "POST", one + "approve",
             "/v1/tenants/deny/access-requests/%(r1)s/approve", None, 403,
             "other_tenant")
        step("deny", "POST", one + "approve",
             "/v1/tenants/deny/access-requests/%(r1)s/approve", None, 404,
             "no_such_request")
        step("eng", "GET", tickets, "/v1/tenants/appr/tickets", None, 200)
        ids["r2"] = step("eng", "POST", reqs,
                         "/v1/tenants/appr/access-requests", ask, 201)["id"]
        step("appr", "POST", one + "deny",
             "/v1/tenants/appr/access-requests/%(r2)s/deny", None, 200)
        step("appr", "POST", one + "deny",
             "/v1/tenants/appr/access-requests/%(r2)s/deny", None, 409,
             "wrong_state")
        step("appr", "POST", one + "revoke",
             "/v1/tenants/appr/access-requests/%(r2)s/revoke", None, 409,
             "wrong_state")

        # The two-person rule on a reset of a tenant admin.
        step("eng", "POST", reset,
             "/v1/tenants/appr/users/appr-admin/password-reset", None, 403,
             "second_approval_required")
        ids["a1"] = step("eng", "POST", "/v1/tenants/{t}/approvals",
                         "/v1/tenants/appr/approvals", {
                             "action": "user.password_reset",
                             "target": "appr-admin", "reason": why},
                         201)["id"]
        step("eng", "POST", "/v1/tenants/{t}/approvals",
             "/v1/tenants/appr/approvals", {"action": "user.password_reset",
                                            "target": "nobody",
                                            "reason": why}, 400,
             "bad_request")
        step("eng2", "POST", "/v1/tenants/{t}/approvals",
             "/v1/tenants/appr/approvals", {"action": "user.list",
                                            "reason": why}, 403,
             "no_approved_access")
        step("eng", "POST", apr + "/approve", "/v1/approvals/%(a1)s/approve",
             None, 403, "own_request")
        step("eng2", "POST", apr + "/approve",
             "/v1/approvals/%(a1)s/approve", None, 403,
             "not_a_second_approver")
        step("deny", "GET", apr, "/v1/approvals/%(a1)s", None, 404,
             "other_tenant")
        step("op", "GET", apr, "/v1/approvals/%(a1)s", None, 403,
             "role_forbids")
        step("eng", "GET", apr, "/v1/approvals/apr_nope", None, 404,
             "no_such_approval")
        step("eng", "GET", apr, "/v1/approvals/%(a1)s", None, 200)
        step("appr", "POST", apr + "/approve",
             "/v1/approvals/%(a1)s/approve", None, 200)
        step("appr", "POST", apr + "/deny", "/v1/approvals/%(a1)s/deny",
             None, 409, "wrong_state")
        step("eng", "POST", reset,
             "/v1/tenants/appr/users/appr-admin/password-reset",
             {"approval": "apr_nope"}, 403, "approval_not_valid")
        step("eng", "POST", reset,
             "/v1/tenants/appr/users/appr-admin/password-reset",
             {"approval": ids["a1"]}, 202)
        step("eng", "POST", reset,
             "/v1/tenants/appr/users/appr-admin/password-reset",
             {"approval": ids["a1"]}, 403, "approval_used")

        # Settings: a marked list, answered by an engineer of another
        # vendor, passed in the query.
        step("appr", "GET", pol, "/v1/tenants/appr/support-policy", None,
             200)
        step("eng", "GET", pol, "/v1/tenants/appr/support-policy", None,
             403, "role_forbids")
        step("deny", "GET", pol, "/v1/tenants/appr/support-policy", None,
             403, "other_tenant")
        step("appr", "GET", pol, "/v1/tenants/nope/support-policy", None,
             404, "no_such_tenant")
        step("appr", "PUT", pol, "/v1/tenants/appr/support-policy", {}, 400,
             "bad_request")
        step("appr", "PUT", pol, "/v1/tenants/appr/support-policy",
             {"max_minutes": 0}, 400, "bad_request")
        step("appr", "PUT", pol, "/v1/tenants/appr/support-policy",
             {"sensitive_actions": ["user.delete"]}, 400, "bad_request")
        got = step("appr", "PUT", pol, "/v1/tenants/appr/support-policy", {
            "max_minutes": 120, "second_approver":
            "tenant_admin_or_other_vendor",
            "sensitive_actions": ["user.list"]}, 200)
        if got != {"support_policy": "approval_required", "max_minutes": 120,
                   "second_approver": "tenant_admin_or_other_vendor",
                   "sensitive_actions": ["user.list"]}:
            problems.append("settings: %r" % got)
        step("eng", "GET", users, "/v1/tenants/appr/users", None, 403,
             "second_approval_required")
        ids["a2"] = step("eng", "POST", "/v1/tenants/{t}/approvals",
                         "/v1/tenants/appr/approvals",
                         {"action": "user.list", "reason": why}, 201)["id"]
        # A second approver of another vendor must have access itself.
        step("eng2", "GET", apr, "/v1/approvals/%(a2)s", None, 403,
             "no_approved_access")
        ids["r9"] = step("eng2", "POST", reqs,
                         "/v1/tenants/appr/access-requests", ask,
                         201)["id"]
        step("appr", "POST", one + "approve",
             "/v1/tenants/appr/access-requests/%(r9)s/approve", None, 200)
        step("eng2", "GET", apr, "/v1/approvals/%(a2)s", None, 200)
        step("eng2", "POST", apr + "/approve",
             "/v1/approvals/%(a2)s/approve", None, 200)
        step("eng", "GET", users, "/v1/tenants/appr/users?approval=%(a2)s",
             None, 200)
        step("eng", "GET", users, "/v1/tenants/appr/users?approval=%(a2)s",
             None, 403, "approval_used")
        ids["a3"] = step("eng", "POST", "/v1/tenants/{t}/approvals",
                         "/v1/tenants/appr/approvals",
                         {"action": "user.list", "reason": why}, 201)["id"]
        step("appr", "POST", apr + "/deny", "/v1/approvals/%(a3)s/deny",
             None, 200)
        step("eng", "GET", users, "/v1/tenants/appr/users?approval=%(a3)s",
             None, 403, "approval_not_valid")
        step("appr", "PUT", pol, "/v1/tenants/appr/support-policy", {
            "max_minutes": 480, "second_approver": "tenant_admin",
            "sensitive_actions": []}, 200)

        # Revocation takes effect on the next call.
        step("appr", "POST", one + "revoke",
             "/v1/tenants/appr/access-requests/%(r1)s/revoke", None, 200)
        step("eng", "GET", tickets, "/v1/tenants/appr/tickets", None, 403,
             "no_approved_access")
        step("appr", "POST", one + "revoke",
             "/v1/tenants/appr/access-requests/%(r1)s/revoke", None, 409,
             "wrong_state")

        # Break-glass opens even a deny tenant, until an admin revokes it.
        glass = {"engineer": "eng1", "reason": "incident INC-1: SSO outage",
                 "minutes": 10}
        step("eng", "POST", bg, "/v1/tenants/deny/break-glass", glass, 403,
             "role_forbids")
        step("op", "POST", bg, "/v1/tenants/deny/break-glass",
             dict(glass, minutes=61), 400, "bad_request")
        step("op", "POST", bg, "/v1/tenants/deny/break-glass",
             dict(glass, engineer="nobody"), 400, "bad_request")
        step("op", "POST", bg, "/v1/tenants/nope/break-glass", glass, 404,
             "no_such_tenant")
        ids["bg"] = step("op", "POST", bg, "/v1/tenants/deny/break-glass",
                         glass, 201)["id"]
        step("eng", "GET", tickets, "/v1/tenants/deny/tickets", None, 200)
        ev = self.last_event()
        if ev["detail"] != {"grant": ids["bg"], "break_glass": "true"}:
            problems.append("break-glass entry: %r" % ev)
        step("eng2", "GET", tickets, "/v1/tenants/deny/tickets", None, 403,
             "tenant_policy_deny")
        step("deny", "POST", one + "revoke",
             "/v1/tenants/deny/access-requests/%(bg)s/revoke", None, 200)
        step("eng", "GET", tickets, "/v1/tenants/deny/tickets", None, 403,
             "tenant_policy_deny")
        self.assertEqual([p for p in problems if p], [])

    def test_id_accepted_on_create_is_usable_in_paths(self):
        # Ids in bodies may be 63 bytes; so may ids in paths.  64 is refused.
        tid = "t" * 63
        r = self.d.op("POST", "/v1/tenants", {"id": tid, "name": "Long id"})
        self.assertEqual(r.status, 201, r)
        r = self.d.op("POST", "/v1/tenants/%s/tickets" % tid, {
            "subject": "s", "body": "b", "requester": "r@x.example"})
        self.assertEqual(r.status, 201, r)
        r = self.d.op("POST", "/v1/tenants/%s/tickets" % (tid + "t"), {
            "subject": "s", "body": "b", "requester": "r@x.example"})
        self.assertEqual(r.status, 400, r)


class DamagedDaemon(Daemon):
    """custosd started again on the data directory of a stopped Daemon.
    Ready once it answers at all: a damaged log keeps /v1/health at 503."""

    def __init__(self, old):
        self.dir, self.data, self.operator = old.dir, old.data, old.operator
        self.store, self.server = old.store, old.server
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.clock_file = None
        self.log = open(os.path.join(self.dir, "custosd.log"), "a")
        self.proc = subprocess.Popen(
            [CUSTOSD, "--data", self.data, "--listen",
             "127.0.0.1:%d" % self.port, "--pwhash-ops", "1",
             "--pwhash-mem", "8192", "--quiet"] + self.store_args(),
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("custosd exited: " + self.read_log())
            try:
                self.call("GET", "/v1/health")
                return
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError("custosd did not answer")
                time.sleep(0.05)


class SpecMatchesDamagedDaemon(unittest.TestCase):
    """The yaml against a custosd whose log failed its start-up check (one
    byte of a stored entry changed while it was stopped)."""

    @classmethod
    def setUpClass(cls):
        cls.spec = load_spec()
        cls.ops = operations(cls.spec)
        d = Daemon()
        try:
            for name in ("One", "Two", "Three"):
                r = d.op("POST", "/v1/vendors", {"name": name})
                assert r.status == 201, r
        finally:
            # Stopped, but its directory kept for the restart.
            d.proc.terminate()
            rc = d.proc.wait(timeout=20)
            d.log.close()
        try:
            assert rc == 0, "custosd exited with %s" % rc
            d.db_unguard("entries")
            with d.db() as db:
                ((leaf,),) = db.query(
                    "SELECT bytes FROM entries WHERE idx = 1")
                flipped = bytes(leaf).replace(b'"allowed"', b'"Allowed"')
                assert flipped != bytes(leaf)
                db.execute("UPDATE entries SET bytes = ? WHERE idx = 1",
                           (flipped,))
            cls.d = DamagedDaemon(d)
        except BaseException:
            shutil.rmtree(d.dir, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        assert rc == 0, "custosd exited with %s (sanitizer report?)" % rc

    def test_recorded_operations_and_health_answer_documented_503(self):
        self.assertIn("INTEGRITY FAILURE", self.d.read_log())
        problems = []
        for (method, template), op in sorted(self.ops.items()):
            r = self.d.op(method, fill(template))
            problems.append(undocumented(self.spec, self.ops, method,
                                         template, r))
            if op["x-custos-recorded"] and r.status != 503:
                problems.append("recorded, served: %s %s -> %r" % (
                    method, template, r))
        health = self.d.call("GET", "/v1/health")
        if health.status != 503 or not health.body["error"]["message"] \
                .startswith("degraded: "):
            problems.append("health: %r" % health)
        for path in ("/v1/log/key", "/v1/log/checkpoint",
                     "/v1/log/entries?start=1&end=2"):
            r = self.d.call("GET", path, token=self.d.operator
                            if "entries" in path else None)
            if r.status != 200:
                problems.append("public read refused: %s -> %r" % (path, r))
        self.assertEqual([p for p in problems if p], [])

    # A path that matches no route is recorded ("unknown"), so with the
    # log damaged it cannot be answered either.
    def test_unrouted_request_is_not_answered_without_its_entry(self):
        r = self.d.op("GET", "/v1/no-such-route")
        self.assertEqual(r.status, 503, r)


if __name__ == "__main__":
    unittest.main()
