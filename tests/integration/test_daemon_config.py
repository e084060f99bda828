# SPDX-License-Identifier: ISC
"""custosd's start-up: options from the config file, CUSTOS_* environment
and flags (flags win), refusal of bad options, HTTPS with --tls-cert/key,
first-start files and restart with the same store."""
import json
import os
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import unittest
import urllib.request

from harness import CUSTOSD, Daemon, free_port


def run(args, env=None, timeout=20):
    return subprocess.run([CUSTOSD] + args, capture_output=True, text=True,
                          env=env, timeout=timeout)


class StartUp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="custos-cfg-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_help_lists_every_option_and_exits_zero(self):
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        for opt in ("--data", "--listen", "--config", "--tls-cert",
                    "--tls-key", "--session-idle", "--session-lifetime"):
            self.assertIn(opt, r.stdout)

    def test_usage_errors_exit_2_naming_the_problem(self):
        cases = [([], "--data"), (["--data"], "--data needs a value"),
                 (["--data", self.tmp, "--bogus"], "unknown option '--bogus'"),
                 (["--data", self.tmp, "--session-idle", "abc"],
                  "session-idle must be an integer"),
                 (["--data", self.tmp, "--session-idle", "99999999999"],
                  "session-idle must be an integer")]
        for args, want in cases:
            r = run(args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(want, r.stderr, args)

    def test_bad_config_file_line_is_named(self):
        conf = os.path.join(self.tmp, "custosd.conf")
        with open(conf, "w") as f:
            f.write("# comment\nlisten = 127.0.0.1:1\nnot a setting\n")
        r = run(["--config", conf, "--data", self.tmp])
        self.assertEqual(r.returncode, 2)
        self.assertIn("config line 3", r.stderr)

    def test_flags_beat_environment_beat_config_file(self):
        p_conf, p_env, p_flag = free_port(), free_port(), free_port()
        conf = os.path.join(self.tmp, "custosd.conf")
        with open(conf, "w") as f:
            f.write("listen = 127.0.0.1:%d\nquiet = 1\n" % p_conf)
        data = os.path.join(self.tmp, "data")
        env = dict(os.environ, CUSTOS_LISTEN="127.0.0.1:%d" % p_env,
                   CUSTOS_DATA=data)
        for args, port in ((["--config", conf], p_env),
                           (["--config", conf, "--listen",
                             "127.0.0.1:%d" % p_flag], p_flag)):
            proc = subprocess.Popen([CUSTOSD] + args, env=env,
                                    stderr=subprocess.DEVNULL)
            try:
                ok = False
                for _ in range(100):
                    try:
                        with urllib.request.urlopen(
                                "http://127.0.0.1:%d/v1/health" % port,
                                timeout=1) as r:
                            ok = r.status == 200
                            break
                    except OSError:
                        if proc.poll() is not None:
                            break
                        import time
                        time.sleep(0.1)
                self.assertTrue(ok, "not listening on the expected port")
            finally:
                proc.terminate()
                self.assertEqual(proc.wait(timeout=20), 0)

    def test_https_with_tls_cert_and_key(self):
        cert = os.path.join(self.tmp, "cert.pem")
        key = os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=127.0.0.1"], check=True,
                       capture_output=True)
        port = free_port()
        proc = subprocess.Popen([CUSTOSD, "--data",
                                 os.path.join(self.tmp, "d"), "--listen",
                                 "127.0.0.1:%d" % port, "--tls-cert", cert,
                                 "--tls-key", key, "--quiet"],
                                stderr=subprocess.DEVNULL)
        try:
            ctx = ssl.create_default_context(cafile=cert)
            ctx.check_hostname = False
            body = None
            for _ in range(100):
                try:
                    with urllib.request.urlopen(
                            "https://127.0.0.1:%d/v1/health" % port,
                            context=ctx, timeout=2) as r:
                        body = r.read()
                        break
                except OSError:
                    import time
                    time.sleep(0.1)
            # Health may add fields (node, store, roles: issue 15).
            self.assertEqual(json.loads(body)["status"], "ok")
            # Plain HTTP on the TLS port gets no API answer.
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.settimeout(5)
                s.sendall(b"GET /v1/health HTTP/1.0\r\n\r\n")
                try:
                    got = s.recv(100)
                except OSError:
                    got = b""
                self.assertNotIn(b'"status"', got)
        finally:
            proc.terminate()
            self.assertEqual(proc.wait(timeout=20), 0)


class Restart(unittest.TestCase):
    def test_first_start_files_and_restart_keeps_store_and_token(self):
        d = Daemon()
        try:
            st = os.stat(os.path.join(d.data, "operator.token"))
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
            self.assertEqual(stat.S_IMODE(os.stat(d.data).st_mode), 0o700)
            self.assertEqual(d.op("POST", "/v1/vendors",
                                  {"name": "V", "id": "v"}).status, 201)
            size = d.log_size()
            d.proc.terminate()
            self.assertEqual(d.proc.wait(timeout=20), 0)
            token = d.operator
            proc = subprocess.Popen([CUSTOSD, "--data", d.data, "--listen",
                                     "127.0.0.1:%d" % d.port, "--quiet"]
                                    + d.store_args())
            d.proc = proc
            import time
            for _ in range(100):
                try:
                    if d.call("GET", "/v1/health").status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            with open(os.path.join(d.data, "operator.token")) as f:
                self.assertEqual(f.read().strip(), token)
            self.assertEqual(d.log_size(), size)
            r = d.op("POST", "/v1/vendors", {"name": "V", "id": "v"})
            self.assertEqual(r.status, 409, r)
        finally:
            self.assertEqual(d.stop(), 0)


if __name__ == "__main__":
    unittest.main()
