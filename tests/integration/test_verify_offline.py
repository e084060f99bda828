# SPDX-License-Identifier: ISC
"""custos verify, offline: good files verify (exit 0) and every mutation is
refused with exit 1, naming what failed; unreadable files exit 3 and bad
command lines 2.  CUSTOS=path/to/custos."""
import base64
import copy
import glob
import json
import os
import subprocess
import tempfile
import unittest

import tlogfix as T

from harness import CUSTOS  # noqa: E402
ORIGIN = "custos.example/log"
VECTORS = os.environ.get("CUSTOS_VECTORS", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
    "testdata", "rfc6962-merkle"))


def run(*args, json_out=False):
    argv = [CUSTOS] + (["--json"] if json_out else []) + ["verify"] + \
        list(args)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                       env={"PATH": "/usr/bin:/bin",
                            "ASAN_OPTIONS": "detect_leaks=1"})
    return p


class Files:
    def __init__(self, d):
        self.d = d
        self.n = 0

    def put(self, content, name=None):
        self.n += 1
        path = os.path.join(self.d, name or "f%d" % self.n)
        if isinstance(content, (dict, list)):
            content = json.dumps(content)
        if isinstance(content, str):
            content = content.encode()
        with open(path, "wb") as f:
            f.write(content)
        return path


class VerifyOffline(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.f = Files(self.tmp.name)
        self.key = T.Key(ORIGIN)
        self.leaves = T.make_leaves(13)
        self.cp = self.f.put(T.checkpoint(self.key, ORIGIN, self.leaves))
        self.vk = self.key.verifier()

    def tearDown(self):
        self.tmp.cleanup()

    def ok(self, *args):
        p = run(*args)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn("runtime error", p.stderr)
        return p

    def fails(self, *args, want=None, code=1):
        p = run(*args)
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        self.assertNotIn("runtime error", p.stderr)
        self.assertNotIn("AddressSanitizer", p.stderr)
        if want is not None:
            self.assertIn(want, p.stderr)
        return p

    # -- checkpoints ---------------------------------------------------

    def test_good_checkpoint_verifies_with_key_string_and_key_file(self):
        p = self.ok("--key", self.vk, "--checkpoint", self.cp)
        self.assertIn("signed by %s, size 13" % ORIGIN, p.stdout)
        kf = self.f.put(self.vk + "\n")
        self.ok("--key", kf, "--checkpoint", self.cp)

    def test_checkpoint_with_other_signers_still_verifies(self):
        other = T.Key("witness.example", seed=b"w" * 32)
        cp = self.f.put(T.checkpoint(self.key, ORIGIN, self.leaves,
                                     extra_sigs=[other]))
        self.ok("--key", self.vk, "--checkpoint", cp)

    def test_checkpoint_mutations_fail(self):
        text = T.checkpoint(self.key, ORIGIN, self.leaves)
        body, sig = text.split("\n\n")
        muts = {
            "size": text.replace("\n13\n", "\n14\n", 1),
            "root": body[:-3] + ("A" if body[-3] != "A" else "B") +
            body[-2:] + "\n\n" + sig,
            "origin": text.replace(ORIGIN, ORIGIN + "x", 1),
            "sig": text[:-10] + ("A" if text[-10] != "A" else "B") +
            text[-9:],
            "nosig": body + "\n\n",
            "noblank": body + sig,
            "empty": "",
            "ctrl": text.replace("\n13\n", "\n13\x1b\n"),
            "trailing": text + "\n",
        }
        for what, t in muts.items():
            with self.subTest(what):
                self.fails("--key", self.vk, "--checkpoint", self.f.put(t),
                           want="FAILED: checkpoint")

    def test_checkpoint_by_another_key_fails(self):
        other = T.Key(ORIGIN, seed=b"o" * 32)
        cp = self.f.put(T.checkpoint(other, ORIGIN, self.leaves))
        self.fails("--key", self.vk, "--checkpoint", cp,
                   want="no valid signature")

    def test_origin_must_equal_key_name(self):
        k2 = T.Key("other.example/log", seed=b"x" * 32)
        cp = self.f.put(T.checkpoint(k2, ORIGIN, self.leaves))
        self.fails("--key", k2.verifier(), "--checkpoint", cp,
                   want="is not the key's name")

    # -- inclusion -----------------------------------------------------

    def test_every_entry_of_several_trees_is_included(self):
        for n in (1, 2, 7, 8, 13, 64, 100):
            leaves = T.make_leaves(n)
            cp = self.f.put(T.checkpoint(self.key, ORIGIN, leaves))
            for i in sorted({0, n // 2, n - 1}):
                with self.subTest(n=n, i=i):
                    e = self.f.put(T.entry_obj(i, leaves))
                    pr = self.f.put(T.inclusion_obj(i, leaves))
                    p = self.ok("--key", self.vk, "--checkpoint", cp,
                                "--entry", e, "--proof", pr)
                    self.assertIn("entry %d: included in the checkpoint of "
                                  "size %d" % (i, n), p.stdout)

    def test_entries_answer_with_one_entry_is_accepted(self):
        e = self.f.put({"size": 13, "entries": [T.entry_obj(5, self.leaves)]})
        pr = self.f.put(T.inclusion_obj(5, self.leaves))
        self.ok("--key", self.vk, "--checkpoint", self.cp, "--entry", e,
                "--proof", pr)
        e2 = self.f.put({"size": 13, "entries": [
            T.entry_obj(5, self.leaves), T.entry_obj(6, self.leaves)]})
        self.fails("--key", self.vk, "--checkpoint", self.cp, "--entry", e2,
                   "--proof", pr, want="exactly one entry")

    def test_inclusion_mutations_fail(self):
        i = 6
        good_e = T.entry_obj(i, self.leaves)
        good_p = T.inclusion_obj(i, self.leaves)

        def flip(b64s):
            b = bytearray(base64.b64decode(b64s))
            b[0] ^= 1
            return base64.b64encode(bytes(b)).decode()

        emuts = {}
        e = copy.deepcopy(good_e)
        lf = self.leaves[i].replace(b"user.list", b"user.lisT")
        e["leaf"] = T.b64(lf)
        e["event"] = json.loads(lf)
        emuts["leaf"] = (e, "does not lead")
        e = copy.deepcopy(good_e)
        e["event"]["action"] = "ticket.view"
        emuts["event"] = (e, "differs from its leaf")
        e = copy.deepcopy(good_e)
        e["index"] = 7
        emuts["index"] = (e, "is for entry 6")
        e = copy.deepcopy(good_e)
        e["leaf"] = "not base64!"
        emuts["b64"] = (e, "leaf")
        e = copy.deepcopy(good_e)
        del e["leaf"]
        emuts["noleaf"] = (e, "leaf")
        emuts["notjson"] = ("{\"index\": 6,", "not JSON")
        emuts["array"] = ([good_e], "not a JSON object")
        pr = self.f.put(good_p)
        for what, (e, want) in emuts.items():
            with self.subTest(entry=what):
                self.fails("--key", self.vk, "--checkpoint", self.cp,
                           "--entry", self.f.put(e), "--proof", pr,
                           want=want)
        pmuts = {}
        for k in range(len(good_p["hashes"])):
            p = copy.deepcopy(good_p)
            p["hashes"][k] = flip(p["hashes"][k])
            pmuts["flip%d" % k] = (p, "does not lead")
        p = copy.deepcopy(good_p)
        p["hashes"].pop()
        pmuts["short"] = (p, "does not lead")
        p = copy.deepcopy(good_p)
        p["hashes"].append(p["hashes"][0])
        pmuts["long"] = (p, "does not lead")
        p = copy.deepcopy(good_p)
        p["hashes"] = [h for h in reversed(p["hashes"])]
        pmuts["order"] = (p, "does not lead")
        p = copy.deepcopy(good_p)
        p["size"] = 14
        pmuts["size"] = (p, "tree of size 14, the checkpoint's is 13")
        p = copy.deepcopy(good_p)
        p["index"] = 5
        pmuts["index"] = (p, "is for entry 5")
        p = copy.deepcopy(good_p)
        p["hashes"][0] = p["hashes"][0][:-4]
        pmuts["b64"] = (p, "base64")
        p = copy.deepcopy(good_p)
        p["hashes"] = [p["hashes"][0]] * 65
        pmuts["toomany"] = (p, "more than")
        e = self.f.put(good_e)
        for what, (p, want) in pmuts.items():
            with self.subTest(proof=what):
                self.fails("--key", self.vk, "--checkpoint", self.cp,
                           "--entry", e, "--proof", self.f.put(p),
                           want=want)

    def test_entry_beyond_checkpoint_fails(self):
        leaves14 = T.make_leaves(14)
        e = self.f.put(T.entry_obj(13, leaves14))
        p = T.inclusion_obj(13, leaves14)
        p["size"] = 13
        self.fails("--key", self.vk, "--checkpoint", self.cp, "--entry", e,
                   "--proof", self.f.put(p), want="not below")

    # -- consistency ---------------------------------------------------

    def test_consistency_between_prefixes_verifies(self):
        big = T.make_leaves(100)
        for m, n in ((1, 1), (1, 2), (3, 7), (8, 8), (8, 13), (13, 100),
                     (64, 100), (99, 100)):
            with self.subTest(m=m, n=n):
                old = self.f.put(T.checkpoint(self.key, ORIGIN, big[:m]))
                new = self.f.put(T.checkpoint(self.key, ORIGIN, big[:n]))
                c = self.f.put(T.consistency_obj(m, big[:n]))
                p = self.ok("--key", self.vk, "--checkpoint", new,
                            "--old-checkpoint", old, "--consistency", c)
                self.assertIn("size %d is a prefix of the tree of size %d"
                              % (m, n), p.stdout)

    def test_consistency_mutations_fail(self):
        big = T.make_leaves(20)
        old = self.f.put(T.checkpoint(self.key, ORIGIN, big[:7]))
        new = self.f.put(T.checkpoint(self.key, ORIGIN, big))
        good = T.consistency_obj(7, big)
        muts = {}
        for k in range(len(good["hashes"])):
            c = copy.deepcopy(good)
            b = bytearray(base64.b64decode(c["hashes"][k]))
            b[31] ^= 0x80
            c["hashes"][k] = T.b64(bytes(b))
            muts["flip%d" % k] = (c, "does not show")
        c = copy.deepcopy(good)
        c["hashes"].pop()
        muts["short"] = (c, "does not show")
        c = copy.deepcopy(good)
        c["old"] = 6
        muts["oldsize"] = (c, "from size 6 to 20")
        c = copy.deepcopy(good)
        c["new"] = 21
        muts["newsize"] = (c, "from size 7 to 21")
        for what, (c, want) in muts.items():
            with self.subTest(what):
                self.fails("--key", self.vk, "--checkpoint", new,
                           "--old-checkpoint", old, "--consistency",
                           self.f.put(c), want=want)
        # A fork: an old checkpoint of another history of the same size.
        fork = T.make_leaves(7, tenants=("t_evil",))
        fold = self.f.put(T.checkpoint(self.key, ORIGIN, fork))
        self.fails("--key", self.vk, "--checkpoint", new,
                   "--old-checkpoint", fold, "--consistency",
                   self.f.put(good), want="does not show")
        # The old checkpoint signed by someone else.
        k2 = T.Key(ORIGIN, seed=b"z" * 32)
        old2 = self.f.put(T.checkpoint(k2, ORIGIN, big[:7]))
        self.fails("--key", self.vk, "--checkpoint", new,
                   "--old-checkpoint", old2, "--consistency",
                   self.f.put(good), want="FAILED: old checkpoint")
        # Swapped.
        self.fails("--key", self.vk, "--checkpoint", old,
                   "--old-checkpoint", new, "--consistency",
                   self.f.put(good), want="from size 7 to 20")

    def test_published_consistency_vectors_through_verify(self):
        files = sorted(glob.glob(VECTORS + "/consistency/*/*.json"))
        if not files:
            self.skipTest("no vectors at " + VECTORS)
        ran = 0
        for path in files:
            with open(path) as fh:
                v = json.load(fh)
            s1, s2 = v["size1"], v["size2"]
            if s1 == 0 or s1 > s2:
                continue
            r1 = base64.b64decode(v["root1"] or "")
            r2 = base64.b64decode(v["root2"] or "")
            if len(r1) != 32 or len(r2) != 32:
                continue

            def note(size, root):
                body = "%s\n%d\n%s\n" % (ORIGIN, size, T.b64(root))
                return body + "\n" + self.key.sign(body)
            old = self.f.put(note(s1, r1))
            new = self.f.put(note(s2, r2))
            c = self.f.put({"old": s1, "new": s2,
                            "hashes": v["proof"] or []})
            with self.subTest(path=path):
                p = run("--key", self.vk, "--checkpoint", new,
                        "--old-checkpoint", old, "--consistency", c)
                self.assertEqual(p.returncode, 1 if v["wantErr"] else 0,
                                 p.stdout + p.stderr)
            ran += 1
        self.assertGreater(ran, 20)

    # -- tenant logs ---------------------------------------------------

    def test_good_tenant_log_verifies(self):
        log = T.tenant_log(self.key, ORIGIN, self.leaves, "t_acme")
        f = self.f.put(log)
        p = self.ok("--key", self.vk, "--tenant-log", f)
        self.assertIn("5 of 5 entries about tenant t_acme verified", p.stdout)
        self.ok("--key", self.vk, "--tenant-log", f, "--tenant", "t_acme")
        log["next"] = 13
        p = self.ok("--key", self.vk, "--tenant-log", self.f.put(log))
        self.assertIn("--start 13", p.stdout)
        empty = T.tenant_log(self.key, ORIGIN, self.leaves, "t_none")
        self.ok("--key", self.vk, "--tenant-log", self.f.put(empty))

    def test_tenant_log_mutations_fail(self):
        good = T.tenant_log(self.key, ORIGIN, self.leaves, "t_acme")
        other = T.tenant_log(self.key, ORIGIN, self.leaves, "t_globex")
        muts = {}
        t = copy.deepcopy(good)
        t["entries"].insert(1, other["entries"][0])
        muts["foreign_entry"] = (t, "is not about tenant t_acme")
        t = copy.deepcopy(good)
        lf = self.leaves[3].replace(b"e_3", b"e_4")
        t["entries"][1]["leaf"] = T.b64(lf)
        t["entries"][1]["event"] = json.loads(lf)
        muts["leaf"] = (t, "entry 3: its proof")
        t = copy.deepcopy(good)
        t["entries"][1]["event"]["tenant"] = "t_acme2"
        muts["event"] = (t, "entry 3: its 'event' differs")
        t = copy.deepcopy(good)
        b = bytearray(base64.b64decode(t["entries"][2]["proof"][1]))
        b[5] ^= 4
        t["entries"][2]["proof"][1] = T.b64(bytes(b))
        muts["proof"] = (t, "entry 6: its proof")
        t = copy.deepcopy(good)
        t["entries"][2]["proof"] = "x"
        muts["proof_type"] = (t, "entry 6: its proof is malformed")
        t = copy.deepcopy(good)
        t["size"] = 12
        muts["size"] = (t, "is not its checkpoint's size 13")
        t = copy.deepcopy(good)
        t["checkpoint"] = t["checkpoint"].replace("\n13\n", "\n12\n")
        muts["checkpoint"] = (t, "checkpoint in")
        t = copy.deepcopy(good)
        t["entries"].append(t["entries"][-1])
        muts["duplicate"] = (t, "repeated or out of order")
        t = copy.deepcopy(good)
        t["entries"][0]["index"] = 1
        muts["index"] = (t, "entry 1")
        t = copy.deepcopy(good)
        t["tenant"] = "t_globex"
        muts["tenant_field"] = (t, "is not about tenant t_globex")
        t = copy.deepcopy(good)
        lf = json.dumps(["not", "an", "object"]).encode()
        t["entries"][0]["leaf"] = T.b64(lf)
        del t["entries"][0]["event"]
        muts["leaf_not_object"] = (t, "not a JSON object")
        t = copy.deepcopy(good)
        t["entries"] = {}
        muts["entries_type"] = (t, "'entries' is not an array")
        t = copy.deepcopy(good)
        del t["checkpoint"]
        muts["no_checkpoint"] = (t, "no 'checkpoint'")
        for what, (t, want) in muts.items():
            with self.subTest(what):
                self.fails("--key", self.vk, "--tenant-log", self.f.put(t),
                           want=want)
        self.fails("--key", self.vk, "--tenant-log", self.f.put(good),
                   "--tenant", "t_globex", want="not t_globex")

    def test_many_failures_are_counted_not_all_printed(self):
        leaves = T.make_leaves(300, tenants=("t_acme",))
        t = T.tenant_log(self.key, ORIGIN, leaves, "t_acme")
        for en in t["entries"]:
            en["proof"] = en["proof"][:-1]
        p = self.fails("--key", self.vk, "--tenant-log", self.f.put(t))
        self.assertIn("and 281 more failures", p.stderr)
        self.assertLess(p.stderr.count("\n"), 30)

    # -- JSON, exit codes, usage ---------------------------------------

    def test_json_summary(self):
        e = self.f.put(T.entry_obj(2, self.leaves))
        pr = self.f.put(T.inclusion_obj(2, self.leaves))
        p = run("--key", self.vk, "--checkpoint", self.cp, "--entry", e,
                "--proof", pr, json_out=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertTrue(j["ok"])
        self.assertEqual([c["check"] for c in j["checks"]],
                         ["key", "checkpoint", "entry", "inclusion"])
        self.assertEqual(j["checks"][1]["size"], 13)
        bad = T.inclusion_obj(2, self.leaves)
        bad["hashes"].pop()
        p = run("--key", self.vk, "--checkpoint", self.cp, "--entry", e,
                "--proof", self.f.put(bad), json_out=True)
        self.assertEqual(p.returncode, 1)
        j = json.loads(p.stdout)
        self.assertFalse(j["ok"])
        self.assertEqual(j["checks"][-1]["check"], "inclusion")
        self.assertFalse(j["checks"][-1]["ok"])
        self.assertEqual(j["checks"][-1]["index"], 2)
        log = self.f.put(T.tenant_log(self.key, ORIGIN, self.leaves,
                                      "t_acme"))
        p = run("--key", self.vk, "--tenant-log", log, json_out=True)
        j = json.loads(p.stdout)
        self.assertTrue(j["ok"])
        self.assertEqual(j["checks"][-1]["verified"], 5)
        self.assertEqual(len([c for c in j["checks"]
                              if c["check"] == "entry"]), 5)

    def test_terminal_escapes_in_files_are_not_echoed(self):
        log = T.tenant_log(self.key, ORIGIN, self.leaves, "t_acme")
        log["tenant"] = "t_\x1b[31mred"
        p = self.fails("--key", self.vk, "--tenant-log", self.f.put(log))
        self.assertNotIn("\x1b", p.stdout + p.stderr)
        p = run("--key", self.vk, "--tenant-log", self.f.put(log),
                json_out=True)
        self.assertNotIn("\x1b", p.stdout)
        self.assertNotIn("\\u001b", p.stdout)

    def test_unreadable_files_exit_3(self):
        missing = os.path.join(self.tmp.name, "missing")
        self.fails("--key", self.vk, "--checkpoint", missing, code=3)
        link = os.path.join(self.tmp.name, "link")
        os.symlink(self.cp, link)
        self.fails("--key", self.vk, "--checkpoint", link, code=3,
                   want="symbolic link")
        self.fails("--key", self.vk, "--checkpoint", self.tmp.name, code=3)
        e = self.f.put(T.entry_obj(2, self.leaves))
        self.fails("--key", self.vk, "--checkpoint", self.cp, "--entry", e,
                   "--proof", missing, code=3)
        big = self.f.put(b" " * (64 << 20 | 1))
        self.fails("--key", self.vk, "--tenant-log", big, code=3,
                   want="larger than")

    def test_usage_errors_exit_2(self):
        e = self.f.put(T.entry_obj(2, self.leaves))
        cases = [
            [],
            ["--checkpoint", self.cp],
            ["--key", self.vk],
            ["--key", self.vk, "--checkpoint", self.cp, "--tenant-log",
             self.cp],
            ["--key", self.vk, "--checkpoint", self.cp, "--entry", e],
            ["--key", self.vk, "--checkpoint", self.cp, "--old-checkpoint",
             self.cp],
            ["--key", self.vk, "--checkpoint", self.cp, "--tenant", "t"],
            ["--key", "not-a-key", "--checkpoint", self.cp],
            ["--key", self.vk, "--checkpoint", self.cp, "extra"],
            ["--key", self.vk, "--checkpoint", self.cp, "--bogus"],
        ]
        for args in cases:
            with self.subTest(args=args):
                self.fails(*args, code=2)

    def test_key_file_without_a_key_fails_1(self):
        self.fails("--key", self.f.put("hello\n"), "--checkpoint", self.cp,
                   want="not a verifier key")
        self.fails("--key", self.f.put(""), "--checkpoint", self.cp,
                   want="not a verifier key")


if __name__ == "__main__":
    unittest.main()
