#!/usr/bin/env python3
"""Serves www/ as plain static files on localhost (what any static host does), with the page's
Content-Security-Policy also sent as a header. Prints the URL.

    python3 tools/serve.py [--port 8000] [--host 127.0.0.1]

If the port is taken, the next free one is used.
"""
import argparse
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The notebook widget's server, loaded by path: it needs nothing else, and no built wheel.
_spec = importlib.util.spec_from_file_location(
    "kmix_static", os.path.join(ROOT, "python/kmix/src/kmix/notebook/static.py"))
_static = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_static)
bind = _static.bind


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--dir", default=os.path.join(ROOT, "www"))
    a = ap.parse_args()
    try:
        server = bind(a.dir, a.host, a.port)
    except OSError as e:
        raise SystemExit(str(e))
    print(f"kmix page: http://{a.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
