#!/usr/bin/env python3
"""A loopback stand-in for a faulty server whose lists never end: every GET answers an empty page
that still carries a next cursor, the same one each time. Prints the port it listens on.
Usage: endless-pages.py"""
import http.server


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b'{"items":[],"next_cursor":"c2FtZQ"}'
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
