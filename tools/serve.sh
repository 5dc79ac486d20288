#!/usr/bin/env bash
# Builds the page (wasm package, example inputs, served tokenizers) and serves it on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/prepare-www.sh
exec python3 tools/serve.py "$@"
