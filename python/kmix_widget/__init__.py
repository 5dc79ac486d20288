"""kmix in a notebook.

    from kmix_widget import Kmix
    Kmix("generated", cuts="5, 50", tokenizer="llama3_1", www="path/to/kmix/www")

shows the kmix page in the cell's output, sends it the generation folder's files from the kernel
(over the notebook's own connection: nothing goes to any other server), and writes the mixes and
the manifest it returns into a folder beside the notebook (``out``, by default ``kmix_out``).
"""


def __getattr__(name):
    # The widget needs anywidget; the static server (`kmix_widget.static`) does not.
    if name == "Kmix":
        from .widget import Kmix

        return Kmix
    raise AttributeError(name)


__all__ = ["Kmix"]
