#!/usr/bin/env bash
# Tests the built wheel (dist/, tools/build-wheel.sh) as a user gets it: installed alone, with
# nothing from the network, into a fresh venv, where tests/python/ run against the native binary's
# bytes (KMIX_NATIVE, built by cargo test); then with its `pipeline` extra from the package index
# (kfp, huggingface_hub), where tests/pipeline/ compile and run the Kubeflow component with kfp.local.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)/venv
trap 'rm -rf "$(dirname "$venv")"' EXIT
wheel=$(ls dist/kmix-*.whl)
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
export KMIX_REPO=$PWD KMIX_NATIVE=${KMIX_NATIVE:-$PWD/target/debug/kmix} KMIX_WHEEL=$PWD/$wheel
"$venv/bin/python" -m unittest discover -s tests/python -t tests/python -v
"$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel[pipeline]"
"$venv/bin/python" -m unittest discover -s tests/pipeline -t tests/pipeline -v
