"""The Jupyter server extension that serves the kmix page the wheel carries at ``{base_url}kmix/``,
from the Jupyter server itself: the person's browser reaches it wherever it reaches JupyterLab (a
remote workbench, a JupyterHub user server behind its proxy), with the server's own login. The
wheel enables it for the environment it is installed in
(``etc/jupyter/jupyter_server_config.d/kmix.json``); ``jupyter server extension list`` shows it.

The page runs on JupyterLab's origin, not in a sandbox: it keeps its files in the origin's
private file system and its service worker under ``kmix/``, which an opaque origin cannot."""
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .page import PAGE
from .static import CONTENT_TYPES, CSP

#: Where the page is, under the server's base URL (the widget's front end finds it there too).
ROUTE = "kmix"


class PageHandler(JupyterHandler, web.StaticFileHandler):
    """The page's files, to a logged-in user, with the page's Content-Security-Policy (which lets
    JupyterLab frame it, and nothing else)."""

    @property
    def content_security_policy(self):
        return f"{CSP}; frame-ancestors 'self'"

    @web.authenticated
    def head(self, path):
        return web.StaticFileHandler.head(self, path)

    @web.authenticated
    def get(self, path, include_body=True):
        return web.StaticFileHandler.get(self, path, include_body)

    def get_content_type(self):
        suffix = "." + self.absolute_path.rsplit(".", 1)[-1] if "." in self.absolute_path else ""
        return CONTENT_TYPES.get(suffix) or super().get_content_type()

    def set_extra_headers(self, path):
        # A new kmix installed under a running server is served at once (304s keep it cheap).
        self.set_header("Cache-Control", "no-cache")


def _load_jupyter_server_extension(server_app):
    """Adds the page's route to the server (``jupyter_server`` calls this once at start)."""
    web_app = server_app.web_app
    base = url_path_join(web_app.settings["base_url"], ROUTE)
    web_app.add_handlers(".*$", [
        (base, web.RedirectHandler, {"url": base + "/"}),
        (base + "/(.*)", PageHandler, {"path": str(PAGE), "default_filename": "index.html"}),
    ])
    server_app.log.info("kmix: the page is served at %s/", base)
