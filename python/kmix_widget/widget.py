"""The widget: the kmix page in an iframe in the cell's output, fed from the kernel."""
import os
import pathlib
import tempfile

import anywidget
import traitlets

from .static import serve_in_background

# What a tokenizer folder may hold, as the page names each file.
TOKENIZER_FILES = {
    "tokenizer.json": "tokenizer_json",
    "tokenizer_config.json": "tokenizer_config_json",
    "chat_template.jinja": "chat_template_jinja",
    "chat_template.json": "chat_template_json",
}


class Kmix(anywidget.AnyWidget):
    """Mixes ``folder`` (the generation step's output) in the kmix page shown in the notebook.

    The page runs in this browser tab; the folder's files go to it from the kernel over the
    notebook's connection, and the mixes and ``manifest.json`` it returns are written to ``out``.
    Nothing of the data is saved into the notebook.

    ``url``: where the page is served; or ``www``: the page's folder, served by the kernel on
    localhost (by default ``$KMIX_URL``, then ``$KMIX_WWW``). ``tokenizer``: a tokenizer the page
    serves (``"llama3_1"``), a folder with ``tokenizer.json`` and ``tokenizer_config.json``, or
    ``None`` for no token counts. The other keywords are the page's: ``cuts="5, 50"``,
    ``qa_per_doc=3``, ``seed=42``, ``gpt_oss=False``, ``date="2026-11-25"``, ``leave_out=[...]``.
    """

    _esm = pathlib.Path(__file__).parent / "widget.js"
    url = traitlets.Unicode("").tag(sync=True)
    #: What the widget is doing, as its status line says it.
    status = traitlets.Unicode("").tag(sync=True)
    #: The report, once the mixes are written.
    report = traitlets.Unicode("").tag(sync=True)
    #: The files written, once they are.
    written = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, folder, out="kmix_out", *, url=None, www=None, tokenizer="llama3_1", **params):
        folder = pathlib.Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is not a folder: give the generation step's output folder")
        url = url or os.environ.get("KMIX_URL")
        if not url:
            www = www or os.environ.get("KMIX_WWW")
            if not www:
                raise ValueError("where is the kmix page? give url= (where it is served) or www= (its folder)")
            url = serve_in_background(www)
        super().__init__(url=url, status="Starting the kmix page…")
        self._folder = folder
        self._out = pathlib.Path(out)
        self._tokenizer = tokenizer
        self._params = {k: str(v) if k in ("cuts", "qa_per_doc", "seed") else v for k, v in params.items()}
        self._sent = False
        self.on_msg(self._on_message)

    def _on_message(self, _widget, message, buffers):
        kind = message.get("type")
        if kind == "ready" and not self._sent:
            self._sent = True  # once per widget: a second view of it does not mix again
            self._send_inputs()
        elif kind == "result":
            self._write(message["names"], buffers)
            self.report = message.get("report", "")
        elif kind == "error":
            self.status = f"kmix: {message.get('text', 'the mix failed')}"

    def _send_inputs(self):
        paths = sorted(p for p in self._folder.rglob("*") if p.is_file())
        names = [p.relative_to(self._folder).as_posix() for p in paths]
        buffers = [p.read_bytes() for p in paths]
        tokenizer = None
        if self._tokenizer is not None:
            folder = pathlib.Path(self._tokenizer)
            if folder.is_dir():
                present = [(f, key) for f, key in TOKENIZER_FILES.items() if (folder / f).is_file()]
                tokenizer = {"name": folder.name, "files": [key for _, key in present]}
                buffers += [(folder / f).read_bytes() for f, _ in present]
            else:
                tokenizer = {"name": str(self._tokenizer)}
        self.status = f"Sending {len(paths)} files to the page…"
        self.send({"type": "mix", "paths": names, "root": self._folder.name,
                   "tokenizer": tokenizer, "params": self._params}, buffers)

    def _write(self, names, buffers):
        """Writes every file beside the others first, then moves each into place, the manifest
        last: an interrupted write leaves no half-written mix under its final name."""
        if len(buffers) != len(names):
            self.status = f"kmix: the page sent {len(buffers)} files for {len(names)} names; nothing was written"
            return
        self._out.mkdir(parents=True, exist_ok=True)
        staged = []
        try:
            for name, data in zip(names, buffers):
                if pathlib.PurePath(name).name != name:
                    raise ValueError(f"the page named a file {name!r}")
                fd, tmp = tempfile.mkstemp(dir=self._out, prefix=f".{name}.")
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                staged.append((tmp, name))
            for tmp, name in sorted(staged, key=lambda s: s[1] == "manifest.json"):
                os.replace(tmp, self._out / name)
        except BaseException:
            for tmp, _ in staged:
                if os.path.exists(tmp):
                    os.remove(tmp)
            raise
        self.written = list(names)
        self.status = f"Wrote {len(names)} files to {self._out}/: {', '.join(names)}"
