"""kmix's errors as Python exceptions: one class per kind, each naming where the problem is."""
import json


class KmixError(Exception):
    """A kmix error. ``kind`` (input, parameters, tokenizer, template, io, cancelled) and, where
    known, the ``file``, ``line``, ``column`` and ``field`` of the problem; ``message`` alone, and
    ``str(e)`` with where it is."""

    kind = "input"

    def __init__(self, text, *, message=None, file=None, line=None, column=None, field=None, context=None):
        super().__init__(text)
        self.message = message if message is not None else text
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.context = context


class InputError(KmixError):
    """An input file or row is not what kmix reads."""

    kind = "input"


class ParametersError(KmixError, ValueError):
    """A parameter (cut sizes, Q&A per augmentation, seed, a blend size) is not valid, or allows no mix."""

    kind = "parameters"


class TokenizerError(KmixError):
    """The tokenizer's files cannot be found or loaded."""

    kind = "tokenizer"


class TemplateError(KmixError):
    """The chat template does not compile, or fails on a row."""

    kind = "template"


class IoError(KmixError, OSError):
    """A file could not be read or written."""

    kind = "io"


class CancelledError(KmixError):
    """The run was stopped; nothing was written."""

    kind = "cancelled"


_BY_KIND = {c.kind: c for c in (InputError, ParametersError, TokenizerError, TemplateError, IoError, CancelledError)}


def from_native(error):
    """The typed exception for a ``_native.NativeError`` (its args: the error's JSON and text)."""
    fields, text = error.args
    fields = json.loads(fields)
    cls = _BY_KIND.get(fields.get("kind"), KmixError)
    return cls(text, message=fields.get("message"), file=fields.get("file"), line=fields.get("line"),
               column=fields.get("column"), field=fields.get("field"), context=fields.get("context"))
