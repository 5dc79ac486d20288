#!/usr/bin/env bash
# Builds the core as a wasm package for the page (www/pkg/), optimised with npm binaryen's wasm-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
wasm-pack --quiet build --target web --release --no-pack --out-dir www/pkg --out-name kmix
ls -l www/pkg/kmix_bg.wasm | awk '{printf "build-wasm: www/pkg/kmix_bg.wasm %.1f MB\n", $5/1e6}' >&2
