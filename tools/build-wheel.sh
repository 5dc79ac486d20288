#!/usr/bin/env bash
# Builds the kmix Python wheel (python/kmix: the Rust core with its Python edge, one abi3 wheel
# for CPython 3.9+, carrying the built page for the notebook widget) into dist/, with maturin from
# a build venv of its own (target/build-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/build-venv
if [ ! -x "$venv/bin/maturin" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.16,<2"
fi
# The page as tools/serve.py serves it: wasm package, tokenizers, example inputs.
bash tools/prepare-www.sh
page=python/kmix/src/kmix/page
rm -rf "$page"
cp -a www "$page"
rm -f "$page"/pkg/*.d.ts "$page"/pkg/.gitignore  # for TypeScript and git, not for the page
rm -f dist/kmix-*.whl
(cd python/kmix && "../../$venv/bin/maturin" build --release --quiet --out ../../dist >&2)
ls dist/kmix-*.whl
