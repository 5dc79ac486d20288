"""What the kernel knows of the kmix page before showing it: that it is built, and which tokenizers
it serves (its ``tokenizers/index.json``), so that a wrong name is said in Python, before any file
is sent. The wheel carries a built page (``PAGE``), which the Jupyter server extension serves."""
import json
import os
import pathlib
import urllib.error
import urllib.parse
import urllib.request

BUILD = "bash tools/prepare-www.sh"
# What a built page has beside its code: the shell, and the wasm package it imports.
BUILT_FILES = ("index.html", "pkg/kmix.js")
#: The built page inside the installed package (tools/build-wheel.sh puts it there).
PAGE = pathlib.Path(__file__).parent.parent / "page"


def check_built(www):
    """Raises ``FileNotFoundError`` naming what is missing when ``www`` holds no built page."""
    www = pathlib.Path(www)
    if not www.is_dir():
        raise FileNotFoundError(f"{www} is not a folder: give www= the kmix page's folder (www/ of the repository)")
    missing = [f for f in BUILT_FILES if not (www / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{www} holds no built kmix page (no {' and no '.join(missing)}): "
                                f"build it with `{BUILD}` in the kmix repository")


def check_packaged():
    """Raises ``FileNotFoundError`` when this installed kmix carries no built page."""
    missing = [f for f in BUILT_FILES if not (PAGE / f).is_file()]
    if missing:
        raise FileNotFoundError(f"this kmix package carries no built page ({PAGE} has no {' and no '.join(missing)}): "
                                "install a wheel built with `bash tools/build-wheel.sh`, or give www= or url=")


def served_from_folder(www):
    """The names of the tokenizers the page in ``www`` serves (none when it lists none)."""
    index = pathlib.Path(www) / "tokenizers" / "index.json"
    return _names(index.read_bytes(), index) if index.is_file() else []


def served_from_url(url, timeout=5):
    """The names of the tokenizers the page at ``url`` serves, or ``None`` when the kernel cannot
    reach it (the browser may still: the page then says what is wrong). Raises when the page
    answers but is not built."""
    for path in BUILT_FILES:
        if _get(_beside(url, path), timeout, head=True) is False:
            raise FileNotFoundError(f"the page at {url} is not built (it serves no {path}): "
                                    f"build it with `{BUILD}` where it is served from")
    index = _beside(url, "tokenizers/index.json")
    body = _get(index, timeout)
    if body is None:
        return None
    return _names(body, index) if body else []


def _beside(url, path):
    """``path`` of the page at ``url`` (``.../kmix`` is the folder ``.../kmix/``, as a server's
    redirect makes it for the browser)."""
    folder = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]
    return urllib.parse.urljoin(url if not folder or "." in folder else url + "/", path)


def _get(url, timeout, head=False):
    """The body at ``url``; ``False`` when the server says it has none; ``None`` when it cannot
    be asked."""
    request = urllib.request.Request(url, method="HEAD" if head else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return b"" if head else response.read()
    except urllib.error.HTTPError as e:
        return False if e.code == 404 else None
    except (OSError, ValueError):
        return None


def _names(body, where):
    try:
        return [entry["name"] for entry in json.loads(body)]
    except (ValueError, TypeError, KeyError) as e:
        raise ValueError(f"{where}: not the page's list of tokenizers ({e}): rebuild it with `{BUILD}`") from None


def check_tokenizer(tokenizer, served):
    """What ``tokenizer`` names: ``None``, a local folder (``pathlib.Path``) or a served name
    (``str``). Raises ``ValueError`` listing the served names when it is none of them; ``served``
    is ``None`` when the list is not known (the page checks the name then)."""
    if tokenizer is None:
        return None
    if isinstance(tokenizer, os.PathLike) or os.sep in str(tokenizer) or pathlib.Path(tokenizer).is_dir():
        folder = pathlib.Path(tokenizer)
        if not folder.is_dir():
            raise ValueError(f"tokenizer={str(tokenizer)!r}: no such folder (give a model folder with tokenizer.json, "
                             "a tokenizer the page serves, or tokenizer=None)")
        if not (folder / "tokenizer.json").is_file():
            raise ValueError(f"tokenizer={str(tokenizer)!r}: no tokenizer.json in that folder "
                             "(give a model folder with tokenizer.json and tokenizer_config.json)")
        return folder
    name = str(tokenizer)
    if served is not None and name not in served:
        listed = ", ".join(repr(n) for n in served) if served else f"none (build them with `{BUILD}`)"
        raise ValueError(f"tokenizer={name!r}: the kmix page serves no tokenizer of that name. "
                         f"It serves {listed}; or give a model folder with tokenizer.json, or tokenizer=None")
    return name
