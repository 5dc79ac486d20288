"""A stand-in for the Hugging Face hub on 127.0.0.1 (``HF_ENDPOINT``), for this machine has no way
to huggingface.co: it answers the calls ``snapshot_download`` makes (the repository's revision, its
file tree, each file) for models whose files are a local folder, plus named files it only lists
(weights the step must never fetch), and records which files were fetched."""
import hashlib
import http.server
import json
import pathlib
import threading
import urllib.parse

COMMIT = "fedcba9876543210fedcba9876543210fedcba98"


class FakeHub:
    def __init__(self, models, extra_files=()):
        self.models = {repo: pathlib.Path(folder) for repo, folder in models.items()}
        self.extra = list(extra_files)
        self.fetched = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def fetched_files(self):
        return sorted(set(self.fetched))

    def files(self, repo):
        """path -> bytes, the listed-only files as a few bytes each."""
        real = {p.name: p.read_bytes() for p in sorted(self.models[repo].iterdir()) if p.is_file()}
        return {**real, **{name: b"not for kmix" for name in self.extra}}

    def answer(self, method, path):
        """(status, headers, body) for one request, or None when it names nothing here."""
        for repo in self.models:
            if path in (f"/api/models/{repo}/revision/main", f"/api/models/{repo}"):
                info = {"id": repo, "modelId": repo, "sha": COMMIT, "private": False,
                        "siblings": [{"rfilename": f} for f in self.files(repo)]}
                return 200, {"Content-Type": "application/json"}, json.dumps(info).encode()
            if path.startswith(f"/api/models/{repo}/tree/"):
                tree = [{"type": "file", "path": f, "size": len(b), "oid": hashlib.sha1(b).hexdigest()}
                        for f, b in self.files(repo).items()]
                return 200, {"Content-Type": "application/json"}, json.dumps(tree).encode()
            for revision in ("main", COMMIT):
                prefix = f"/{repo}/resolve/{revision}/"
                if path.startswith(prefix) and path[len(prefix):] in self.files(repo):
                    name = path[len(prefix):]
                    body = self.files(repo)[name]
                    if method == "GET":
                        self.fetched.append(name)
                    return 200, {"X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha1(body).hexdigest()}"',
                                 "Content-Length": str(len(body)), "Content-Type": "application/octet-stream"}, body
        return None

    def _handler(self):
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def respond(self, with_body):
                path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
                answer = hub.answer(self.command, path)
                status, headers, body = answer or (404, {"X-Error-Code": "RepoNotFound"}, b"{}")
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self):
                self.respond(True)

            def do_HEAD(self):
                self.respond(False)

            def log_message(self, *args):
                pass

        return Handler
