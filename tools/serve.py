#!/usr/bin/env python3
"""Serves www/ as plain static files on localhost (what any static host does), with the page's
Content-Security-Policy also sent as a header. Prints the URL.

    python3 tools/serve.py [--port 8000] [--host 127.0.0.1]

If the port is taken, the next free one is used.
"""
import argparse
import functools
import http.server
import os
import socketserver
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self'; "
       "style-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                      ".json": "application/json", ".jsonl": "application/jsonl", ".svg": "image/svg+xml",
                      ".yaml": "text/yaml", ".jinja": "text/plain",
                      ".webmanifest": "application/manifest+json"}

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("KMIX_SERVE_LOG"):
            super().log_message(fmt, *args)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def handle_error(self, request, client_address):
        # A browser that closes while files are still on their way (a tab closed during the
        # service worker's first download) is no error of the server's.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--dir", default=os.path.join(ROOT, "www"))
    a = ap.parse_args()
    handler = functools.partial(Handler, directory=a.dir)
    for port in range(a.port, a.port + 50):
        try:
            server = Server((a.host, port), handler)
            break
        except OSError:
            continue
    else:
        raise SystemExit(f"no free port from {a.port} to {a.port + 49}")
    print(f"kmix page: http://{a.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
