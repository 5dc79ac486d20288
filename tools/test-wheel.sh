#!/usr/bin/env bash
# Tests the built wheel (dist/, tools/build-wheel.sh) as a user gets it: installed alone, with
# nothing from the network, into a fresh venv; then tests/python/ run there against the native
# binary's bytes (KMIX_NATIVE, built by cargo test).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)/venv
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-index dist/kmix-*.whl
KMIX_REPO=$PWD KMIX_NATIVE=${KMIX_NATIVE:-$PWD/target/debug/kmix} \
  "$venv/bin/python" -m unittest discover -s tests/python -t tests/python -v
