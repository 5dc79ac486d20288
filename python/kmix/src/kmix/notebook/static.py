"""Serves the kmix page (its ``www`` folder) as plain static files on localhost, with the page's
Content-Security-Policy also sent as a header: what ``tools/serve.py`` runs, and what the widget
starts in the kernel when it is given ``www=``. Standard library only, and no import of the kmix
package, so that ``tools/serve.py`` loads this file from a checkout that has built no wheel. The
header and the content types are also those of the Jupyter server extension (``server.py``)."""
import functools
import http.server
import os
import socketserver
import sys
import threading

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self'; "
       "style-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'")


# The page's own files, typed as its code expects them (the wasm streamed, its modules as scripts).
CONTENT_TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                 ".json": "application/json", ".jsonl": "application/jsonl", ".svg": "image/svg+xml",
                 ".yaml": "text/yaml", ".jinja": "text/plain", ".webmanifest": "application/manifest+json",
                 ".html": "text/html", ".css": "text/css"}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

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


def bind(directory, host="127.0.0.1", port=8000):
    """A server for ``directory`` on the first free port from ``port`` on."""
    handler = functools.partial(Handler, directory=os.fspath(directory))
    for candidate in range(port, port + 50):
        try:
            return Server((host, candidate), handler)
        except OSError:
            continue
    raise OSError(f"no free port from {port} to {port + 49}")


_started = {}


def serve_in_background(directory, host="127.0.0.1"):
    """Serves ``directory`` from a thread of this process, once per folder; returns its URL."""
    directory = os.path.abspath(directory)
    if directory not in _started:
        server = bind(directory, host, port=8765)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        _started[directory] = f"http://{host}:{server.server_address[1]}/"
    return _started[directory]
