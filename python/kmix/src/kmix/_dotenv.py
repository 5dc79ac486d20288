"""The working folder's ``.env``, loaded as python-dotenv's ``load_dotenv()`` loads it: a variable
already set is never overridden. kmix's own reader parses it (the command line uses the same)."""
import os

from . import _native
from ._errors import from_native


def load(path=".env"):
    """Sets the variables ``path`` gives that are not set yet; returns the names of those set."""
    try:
        pairs = _native.read_dotenv(os.fspath(path))
    except _native.NativeError as e:
        raise from_native(e) from None
    set_now = []
    for key, value in pairs:
        if key not in os.environ:
            os.environ[key] = value
            set_now.append(key)
    return set_now
