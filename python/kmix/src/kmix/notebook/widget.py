"""The widget: the kmix page in an iframe in the cell's output, fed from the kernel."""
import json
import os
import pathlib

import anywidget
import traitlets

from .page import PAGE, check_built, check_packaged, check_tokenizer, served_from_folder, served_from_url
from .staging import Staging
from .static import serve_in_background
from .transfer import Outgoing


class Kmix(anywidget.AnyWidget):
    """Mixes ``folder`` (the generation step's output) in the kmix page shown in the notebook.

    The page runs in this browser tab; the folder's files go to it from the kernel over the
    notebook's connection, and the mixes and ``manifest.json`` it returns are written to ``out``.
    Nothing of the data is saved into the notebook.

    The page is the one this package carries, served by the Jupyter server itself (kmix's server
    extension, at ``{base_url}kmix/``), so the browser reaches it wherever it reaches JupyterLab.
    Or ``url``: where another kmix page is served; or ``www``: a page's folder, served by the kernel
    on localhost (by default ``$KMIX_URL``, then ``$KMIX_WWW``). ``tokenizer``: a tokenizer the page
    serves (``"llama3_1"``), a folder with ``tokenizer.json`` and ``tokenizer_config.json``, or
    ``None`` for no token counts. ``timeout``: seconds to wait for the page to load, and for a
    transfer that stops, before the cell says so. The other keywords are the page's:
    ``cuts="5, 50"``, ``qa_per_doc=3``, ``seed=42``, ``gpt_oss=False``, ``date="2026-11-25"``,
    ``leave_out=[...]``. Files of any size travel in pieces (see ``transfer``).
    """

    _esm = pathlib.Path(__file__).parent / "widget.js"
    url = traitlets.Unicode("").tag(sync=True)
    #: What the widget is doing, as its status line says it.
    status = traitlets.Unicode("").tag(sync=True)
    #: The report, once the mixes are written.
    report = traitlets.Unicode("").tag(sync=True)
    #: The files written, once they are.
    written = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: Seconds the front end waits for the page, or for the next piece of a transfer.
    timeout = traitlets.Float(60).tag(sync=True)

    def __init__(self, folder, out="kmix_out", *, url=None, www=None, tokenizer="llama3_1", timeout=60, **params):
        folder = pathlib.Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is not a folder: give the generation step's output folder")
        url, www = url or os.environ.get("KMIX_URL"), www or os.environ.get("KMIX_WWW")
        # Said here, before the page is shown or any file is sent.
        self._tokenizer = check_tokenizer(tokenizer, _served(url, www))
        if www and not url:
            url = serve_in_background(www)
        # No url: the front end asks JupyterLab where its server is.
        super().__init__(url=url or "", status="Starting the kmix page…", timeout=timeout)
        self._folder = folder
        self._out = pathlib.Path(out)
        self._params = {k: _as_text(v) if k in ("cuts", "qa_per_doc", "seed") else v for k, v in params.items()}
        self._view = None  # the view that asked first: the only one that mixes (once per widget)
        self._outgoing = None
        self._staging = None
        self._report = ""
        self.on_msg(self._on_message)

    def _on_message(self, _widget, message, buffers):
        kind = message.get("type")
        if kind == "ready" and self._view is None:
            self._view = message.get("view")
            self._guarded("cannot send the inputs", self._send_inputs)
        elif message.get("view") != self._view:
            return
        elif kind == "input-got" and self._outgoing is not None:
            self._guarded("cannot send the inputs", self._outgoing.advance, message["n"] + 1)
        elif kind in ("result", "result-piece"):
            receive = self._receive if kind == "result" else self._store
            self._guarded(f"cannot write the mixes into {self._out}/", receive, message, buffers)
        elif kind == "error":
            self._outgoing = None  # the front end has stopped: so does the transfer
            self._discard()
            self.status = f"kmix: {message.get('text', 'the mix failed')}"

    def _guarded(self, doing, step, *args):
        """Runs ``step``; when it fails, says so in the cell and tells the front end to stop."""
        try:
            step(*args)
        except Exception as e:  # noqa: BLE001  (any failure ends the transfer, in words)
            self._discard()
            self.status = f"kmix: {doing}: {e}; nothing was written"
            self._to_view({"type": "failed", "text": self.status})

    def _to_view(self, message, buffers=None):
        """To the view that asked for the inputs: the only one that heeds them."""
        self.send({**message, "view": self._view}, buffers)

    def _send_inputs(self):
        paths = sorted(p for p in self._folder.rglob("*") if p.is_file())
        names = [p.relative_to(self._folder).as_posix() for p in paths]
        tokenizer = None
        if isinstance(self._tokenizer, pathlib.Path):
            # What a tokenizer folder may hold, each file with the key the page gives it.
            keys = json.loads((PAGE / "model-files.json").read_text())
            present = [(f, key) for f, key in keys.items() if (self._tokenizer / f).is_file()]
            tokenizer = {"name": self._tokenizer.name, "files": [key for _, key in present]}
            paths += [self._tokenizer / f for f, _ in present]
        elif self._tokenizer is not None:
            tokenizer = {"name": self._tokenizer}
        self._outgoing = Outgoing(self._to_view, paths)
        self.status = f"Sending {len(names)} files to the page…"
        self._to_view({"type": "inputs", "paths": names, "sizes": self._outgoing.sizes,
                   "pieces": self._outgoing.count, "root": self._folder.name,
                   "tokenizer": tokenizer, "params": self._params})
        self._outgoing.advance(0)

    def _receive(self, message, _buffers):
        """The mixes' names, sizes and report: their pieces follow."""
        self._discard()
        self._report = message.get("report", "")
        self._pieces, self._stored = message["pieces"], 0
        self._staging = Staging(self._out, message["names"], message["sizes"])
        if not self._pieces:
            self._commit()

    def _store(self, message, buffers):
        n = message["n"]
        if self._staging is None:
            return  # the rest of a transfer that failed, which the status says
        if n != self._stored or len(buffers) != len(message["files"]):
            raise ValueError(f"piece {n} of the mixes arrived out of turn or incomplete")
        for index, data in zip(message["files"], buffers):
            self._staging.write(index, data)
        self._stored += 1
        if self._stored == self._pieces:
            self._commit()
        self._to_view({"type": "result-got", "n": n})

    def _commit(self):
        staging, self._staging = self._staging, None
        try:
            names = staging.commit()
        except BaseException:
            staging.discard()
            raise
        self.written = names
        self.report = self._report
        self.status = f"Wrote {len(names)} files to {self._out}/: {', '.join(names)}"

    def _discard(self):
        if self._staging is not None:
            staging, self._staging = self._staging, None
            staging.discard()


def _served(url, www):
    """The names of the tokenizers the page to be shown serves (``None`` when unknown), once it is
    known to be built."""
    if url:
        return served_from_url(url)
    if www:
        check_built(www)
        return served_from_folder(www)
    check_packaged()
    return served_from_folder(PAGE)


def _as_text(value):
    """A field of the page's form: ``[5, 50]`` as the notebook writes it, ``"5, 50"``."""
    return ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
