#!/usr/bin/env python3
"""A loopback stand-in for a faulty server whose lists never end. Prints the port it listens on.
  endless-pages.py                     every GET answers an empty page that still has a next cursor
  endless-pages.py cycle TARGET_PORT   every GET is the real server's first page (asked of TARGET_PORT
                                       without a cursor), its next cursor A, B, A, B... in turn"""
import http.server
import json
import sys
import urllib.request

CYCLE = sys.argv[1:2] == ["cycle"]
TARGET = int(sys.argv[2]) if CYCLE else 0
answered = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        global answered
        if CYCLE:
            path = self.path.split("?", 1)[0]
            upstream = urllib.request.Request(
                f"http://127.0.0.1:{TARGET}{path}?limit=2",
                headers={"Authorization": self.headers.get("Authorization", "")})
            with urllib.request.urlopen(upstream) as reply:
                page = json.load(reply)
            page["next_cursor"] = "QQ" if answered % 2 == 0 else "Qg"
            body = json.dumps(page).encode()
        else:
            body = b'{"items":[],"next_cursor":"c2FtZQ"}'
        answered += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
