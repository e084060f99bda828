# SPDX-License-Identifier: ISC
"""A minimal SIEM receiver for scripts/bench's export runs: answers
Elasticsearch _bulk (every item created) and Splunk HEC posts at once and
writes the number of events received so far to COUNT_FILE (after each
request).  usage: export_sink.py PORT COUNT_FILE"""
import http.server
import json
import os
import sys
import threading


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    count = 0
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.endswith("_bulk"):
            n = body.count(b"\n") // 2
            ans = b'{"took":0,"errors":false,"items":[]}'
        else:
            n = body.count(b'{"event":')
            ans = b'{"text":"Success","code":0}'
        with Sink.lock:
            Sink.count += n
            tmp = sys.argv[2] + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % Sink.count)
            os.replace(tmp, sys.argv[2])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(ans)))
        self.end_headers()
        self.wfile.write(ans)


if __name__ == "__main__":
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])),
                                          Sink)
    srv.serve_forever()
