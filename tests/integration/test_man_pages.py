# SPDX-License-Identifier: ISC
"""The manual and the shell completion keep up with the programs: every
option `custosd --help` prints is in custosd(8) and (as a setting) in
custos.conf(5) and the packaged /etc/custos/custos.conf; every command of
`custos help --all` and every global option is in custos(1); the man pages
built by CMake (go-md2man) are current; bash completion offers the
commands `custos help --commands` lists."""
import glob
import os
import re
import subprocess
import tempfile
import unittest

from harness import CUSTOS, CUSTOSD, ROOT, Daemon

MAN_SRC = os.path.join(ROOT, "docs", "man")
CONF = os.path.join(ROOT, "packaging", "custos.conf")
COMPLETION = os.path.join(ROOT, "packaging", "custos.bash-completion")
# Not settings: they print and exit, or name the file itself.
NOT_SETTINGS = {"--help", "--version", "--actions", "--config"}


def out(args):
    return subprocess.run(args, capture_output=True, text=True,
                          timeout=30)


def plain(path):
    """A markdown man source without emphasis marks ('**--data**',
    '**--rule-**_NAME_' become '--data', '--rule-NAME')."""
    with open(path) as f:
        return re.sub(r"[*_]", "", f.read())


def mentions(text, word):
    return re.search(r"(?<![A-Za-z0-9-])%s(?![A-Za-z0-9-])" %
                     re.escape(word), text) is not None


def daemon_options():
    r = out([CUSTOSD, "--help"])
    assert r.returncode == 0, r.stderr
    opts = re.findall(r"^  (--[A-Za-z0-9-]+)", r.stdout, re.M)
    assert len(opts) > 20, r.stdout
    return opts


def cli_commands():
    r = out([CUSTOS, "help", "--all"])
    assert r.returncode == 0, r.stderr
    block = r.stdout.split("commands:", 1)[1].split("\n\n", 1)[0]
    names = re.findall(r"^  ([a-z][a-z0-9-]*)\s", block, re.M)
    assert len(names) > 20, r.stdout
    return names, r.stdout


class ManPages(unittest.TestCase):
    def test_every_custosd_option_is_in_custosd_8(self):
        page = plain(os.path.join(MAN_SRC, "custosd.8.md"))
        missing = [o for o in daemon_options() if not mentions(page, o)]
        self.assertEqual(missing, [], "not in docs/man/custosd.8.md")

    def test_every_setting_is_in_custos_conf_5_and_the_packaged_file(self):
        page = plain(os.path.join(MAN_SRC, "custos.conf.5.md"))
        with open(CONF) as f:
            conf = f.read()
        opts = [o[2:] for o in daemon_options() if o not in NOT_SETTINGS]
        self.assertEqual([o for o in opts if not mentions(page, o)], [],
                         "not in docs/man/custos.conf.5.md")
        # The packaged file shows each one commented out, as "#name =";
        # data and test-clock are the unit's and the tests' business.
        absent = [o for o in opts if o not in ("data", "test-clock") and
                  re.search(r"^#%s = " % (r"rule-[a-z-]+" if
                            o == "rule-NAME" else re.escape(o)),
                            conf, re.M) is None]
        self.assertEqual(absent, [], "not in packaging/custos.conf")
        # ... and nothing in it is active, so an upgrade changes nothing.
        active = [l for l in conf.splitlines()
                  if l.strip() and not l.lstrip().startswith("#")]
        self.assertEqual(active, [])

    def test_the_packaged_examples_are_accepted_by_custosd(self):
        # Every commented setting, uncommented, is one custosd takes; the
        # ones naming files or hosts that do not exist here are left out.
        with open(CONF) as f:
            lines = [l[1:] for l in f.read().splitlines()
                     if re.match(r"#[a-z][a-z0-9-]* = ", l)]
        skip = ("tls-cert", "tls-key", "witness", "log-file", "listen",
                "store", "okta-map-file")
        lines = [l for l in lines if l.split(" ", 1)[0] not in skip]
        self.assertGreater(len(lines), 20)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "custos.conf")
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
            d = Daemon(extra=("--config", path))
            try:
                self.assertEqual(d.call("GET", "/v1/health").status, 200)
            finally:
                self.assertEqual(d.stop(), 0)

    def test_every_custos_command_and_global_option_is_in_custos_1(self):
        page = plain(os.path.join(MAN_SRC, "custos.1.md"))
        names, text = cli_commands()
        self.assertEqual([n for n in names if not mentions(page, n)], [],
                         "commands not in docs/man/custos.1.md")
        globals_ = re.findall(r"^  (--[a-z-]+)", text.split(
            "global options", 1)[1], re.M)
        self.assertIn("--server", globals_)
        self.assertEqual([g for g in globals_ if not mentions(page, g)], [],
                         "global options not in docs/man/custos.1.md")

    def test_help_commands_is_the_plain_list(self):
        names, _ = cli_commands()
        r = out([CUSTOS, "help", "--commands"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), names)

    def test_built_man_pages_are_current(self):
        # CMake builds them next to the programs (build*/man/) from
        # docs/man/*.md with go-md2man.
        built = os.path.join(os.path.dirname(CUSTOSD), "man")
        for src in glob.glob(os.path.join(MAN_SRC, "*.md")):
            name = os.path.basename(src)[:-3]
            path = os.path.join(built, name)
            self.assertTrue(os.path.exists(path), path + " not built")
            self.assertGreaterEqual(os.stat(path).st_mtime,
                                    os.stat(src).st_mtime, path)
            with open(path) as f:
                roff = f.read()
            self.assertIn(".TH ", roff)


class Completion(unittest.TestCase):
    def complete(self, *words):
        """COMPREPLY of _custos for the command line `custos WORDS` with
        the cursor on the last word."""
        script = ('source "$1"; shift; COMP_WORDS=("$@"); '
                  'COMP_CWORD=$(($# - 1)); _custos; '
                  'printf "%s\\n" "${COMPREPLY[@]}"')
        r = out(["bash", "-c", script, "bash", COMPLETION, CUSTOS] +
                list(words))
        self.assertEqual(r.returncode, 0, r.stderr)
        return sorted(w for w in r.stdout.split("\n") if w)

    def test_commands_are_completed(self):
        names, _ = cli_commands()
        self.assertEqual(self.complete("req"),
                         sorted(n for n in names if n.startswith("req")))
        self.assertIn("verify", self.complete(""))

    def test_options_are_completed(self):
        self.assertEqual(self.complete("--tok"), ["--token", "--token-file"])
        self.assertIn("--ticket", self.complete("request-access", "--t"))
        self.assertEqual(self.complete("--json", "help", "witn"),
                         ["witness"])


if __name__ == "__main__":
    unittest.main()
