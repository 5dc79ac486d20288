#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests (native), then the wasm package in Node
# (golden token counts, byte-identical to the CLI). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh browser
cargo test
bash tools/build-wasm.sh
node --test tests/node/
