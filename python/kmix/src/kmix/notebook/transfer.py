"""How files travel over the widget's comm, both ways: in pieces of at most ``PIECE`` bytes, each
the next bytes of the files taken one after another (a piece may end one file and begin the next),
a few in flight at a time, each acknowledged by the side that receives it. Jupyter's server refuses
a websocket message over 10 MiB by default (``websocket_max_message_size``), so no message may
carry a whole file; and the acknowledgements keep a big folder from piling up in the server.
widget.js does the same on its side."""
import os

PIECE = 4 << 20
#: Pieces sent before the first is acknowledged.
WINDOW = 3


def piece_count(total):
    return -(-total // PIECE)


def pieces(paths, sizes):
    """The pieces of the files at ``paths`` (of ``sizes`` bytes), each as the files' indices and
    their bytes in it; read as they are sent, so that the kernel holds a few pieces, not the folder."""
    indices, buffers, room = [], [], PIECE
    for i, (path, size) in enumerate(zip(paths, sizes)):
        if not size:
            continue
        with open(path, "rb") as f:
            left = size
            while left:
                data = f.read(min(left, room))
                if not data:
                    raise OSError(f"{path} got shorter while it was being sent")
                indices.append(i)
                buffers.append(data)
                left -= len(data)
                room -= len(data)
                if not room:
                    yield indices, buffers
                    indices, buffers, room = [], [], PIECE
    if buffers:
        yield indices, buffers


class Outgoing:
    """Files on their way to the front end: ``advance`` sends pieces until ``WINDOW`` of them are
    unacknowledged."""

    def __init__(self, send, paths):
        self.sizes = [os.path.getsize(p) for p in paths]
        self.count = piece_count(sum(self.sizes))
        self._pieces = pieces(paths, self.sizes)
        self._send = send
        self._sent = 0

    def advance(self, acknowledged):
        while self._sent < min(self.count, acknowledged + WINDOW):
            indices, buffers = next(self._pieces)
            self._send({"type": "input-piece", "n": self._sent, "files": indices}, buffers)
            self._sent += 1

