# SPDX-License-Identifier: ISC
"""The README's short tour runs as written.

The tour is the shell block between the markers <!-- tour:begin --> and
<!-- tour:end --> in README.md.  This test takes that block out of the
README and runs it with bash, line after line exactly as a newcomer
pastes it, in a fresh directory where build/ is the build under test
(CUSTOSD's and CUSTOS's directory).  Only what a test must pick differs:
custosd listens on a free loopback port (CUSTOS_LISTEN, which custosd
reads as --listen, and CUSTOS_SERVER, the CLI's --server), so the tour's
defaults are kept.  The tour's `make` line is the build already made.

Then it checks what the tour claims happened, from the files it left: the
reset link went to bob and not to the engineer, the tenant's check of its
log passed, and the scope answer names the tenant acted upon.
"""
import json
import os
import re
import signal
import subprocess
import tempfile
import unittest

from harness import CUSTOS, CUSTOSD, ROOT, free_port

BEGIN = "<!-- tour:begin -->"
END = "<!-- tour:end -->"
TIMEOUT = 300                   # seconds for the whole tour


def tour_commands():
    """The tour's shell lines, from README.md."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise AssertionError("README.md has no tour between %s and %s"
                             % (BEGIN, END))
    block = text[start + len(BEGIN):end]
    m = re.search(r"```(?:sh|bash|console)?\n(.*?)```", block, re.S)
    if m is None:
        raise AssertionError("the README's tour has no fenced block")
    return m.group(1)


class ReadmeTour(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="custos-tour-")
        bindir = os.path.dirname(os.path.abspath(CUSTOS))
        self.assertEqual(bindir, os.path.dirname(os.path.abspath(CUSTOSD)))
        os.symlink(bindir, os.path.join(self.dir, "build"))
        self.port = free_port()
        self.proc = None

    def tearDown(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # custosd started by the tour runs in the tour's process group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, AttributeError, PermissionError):
            pass
        subprocess.run(["rm", "-rf", self.dir])

    def run_tour(self, script):
        env = dict(os.environ)
        env.pop("CUSTOS_TOKEN", None)
        env.update({
            "CUSTOS_LISTEN": "127.0.0.1:%d" % self.port,
            "CUSTOS_SERVER": "http://127.0.0.1:%d" % self.port,
            "HOME": self.dir,
        })
        lines = []
        for line in script.splitlines():
            # The one line that is not run: the build under test is made.
            if line.split("#")[0].strip() == "make":
                continue
            lines.append(line)
        # -e: a failing line fails the tour; -x: each line in the output.
        body = "set -ex\n" + "\n".join(lines) + "\n"
        self.proc = subprocess.Popen(
            ["bash", "-c", body], cwd=self.dir, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        try:
            out, _ = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, _ = self.proc.communicate()
            self.fail("the tour did not finish in %d s:\n%s"
                      % (TIMEOUT, out[-6000:]))
        return self.proc.returncode, out

    def test_readme_tour_runs_as_written(self):
        script = tour_commands()
        rc, out = self.run_tour(script)
        self.assertEqual(rc, 0, "the README's tour failed:\n" + out[-8000:])
        # The reset: bob got a link; the engineer's mail holds none.
        outbox = os.path.join(self.dir, "tour", "server", "outbox", "new")
        mails = {}
        for name in os.listdir(outbox):
            with open(os.path.join(outbox, name), encoding="utf-8") as f:
                text = f.read()
            to = re.search(r"^To: (.*)$", text, re.M).group(1).strip()
            mails.setdefault(to, []).append(text)
        self.assertTrue(any("?token=" in m for m in mails.get(
            "bob@acme.example", [])), "no reset link went to bob")
        for to, texts in mails.items():
            if to != "bob@acme.example":
                self.assertFalse(any("?token=" in m for m in texts),
                                 "a reset link went to %s" % to)
        # The tenant's own check of its log, and the scope, as printed.
        self.assertRegex(out, r"(?m)^tenant acme: .*\d+ entr")
        self.assertRegex(out, r"(?m)^acme\s+acted_upon\b")


if __name__ == "__main__":
    unittest.main()
