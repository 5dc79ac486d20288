#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests (native); the wasm package in Node (golden
# token counts, mixes byte-identical to the CLI); the page in Debian's headless Chromium; the
# notebook package in a real JupyterLab, driven by the same Chromium; the Python wheel, installed
# alone in a fresh venv.
# Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh browser
cargo test
bash tools/test-datasets.sh  # every written file loads with datasets 4.2 and 5.x
bash tools/build-wheel.sh >/dev/null  # builds the page (tools/prepare-www.sh) too
bash tools/test-wheel.sh
# The notebook tests' JupyterLab gets the wheel as a workbench would: its server extension and widget.
target/jupyter-venv/bin/pip install --quiet --disable-pip-version-check --no-deps --force-reinstall dist/kmix-*.whl
# A test that hangs (a browser promise that never settles) fails after 15 minutes, not at CI's end.
node --test --test-timeout=900000 tests/node/ tests/browser/ tests/jupyter/
