"""``kmix`` on the PATH: the command line, the same Rust entry point as the native binary."""
import sys

from . import _native


def main():
    sys.exit(_native.run_cli(["kmix", *sys.argv[1:]]))
