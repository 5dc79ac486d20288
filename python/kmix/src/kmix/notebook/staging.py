"""The mixes on their way to the folder beside the notebook: written into a hidden folder inside
it as their pieces arrive, and moved into place together once all have, the manifest last; a run
that fails or breaks off leaves nothing, as the command line's does. Files are created with mode
0666 less the umask, as the command line creates them."""
import os
import pathlib
import shutil
import tempfile
import weakref

MANIFEST = "manifest.json"
PREFIX = ".kmix-partial."


class Staging:
    def __init__(self, out, names, sizes):
        for name in names:
            if pathlib.PurePath(name).name != name or name.startswith("."):
                raise ValueError(f"the page named a file {name!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"the page named a file twice: {', '.join(names)}")
        self.out = pathlib.Path(out)
        self.names, self.sizes = list(names), list(sizes)
        self.out.mkdir(parents=True, exist_ok=True)
        remove_debris(self.out)
        self.dir = pathlib.Path(tempfile.mkdtemp(dir=self.out, prefix=f"{PREFIX}{os.getpid()}."))
        # Also when the kernel stops (or this is dropped) before the last piece.
        self._remove = weakref.finalize(self, shutil.rmtree, self.dir, ignore_errors=True)
        self._open = None

    def write(self, index, data):
        try:
            if self._open is None or self._open[0] != index:
                self._close()
                self._open = (index, _create(self.dir / self.names[index]))
            self._open[1].write(data)
        except OSError as e:
            raise OSError(f"{self.names[index]}: {e.strerror or e}") from e

    def commit(self):
        """Moves every file into place, the manifest last; returns their names."""
        self._close()
        for name, size in zip(self.names, self.sizes):
            staged = self.dir / name
            if not staged.exists():
                _create(staged).close()
            if staged.stat().st_size != size:
                raise OSError(f"{name}: {staged.stat().st_size} bytes arrived of {size}")
        for name in sorted(self.names, key=lambda n: n == MANIFEST):
            os.replace(self.dir / name, self.out / name)
        self._remove()
        return self.names

    def discard(self):
        try:
            self._close()
        finally:
            self._remove()

    def _close(self):
        if self._open is not None:
            f = self._open[1]
            self._open = None
            with f:
                f.flush()
                os.fsync(f.fileno())


def _create(path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb")


def remove_debris(out):
    """Removes the hidden folders a kernel that stopped mid-transfer left in ``out``."""
    for entry in out.glob(PREFIX + "*"):
        pid = entry.name[len(PREFIX):].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
