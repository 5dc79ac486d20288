#!/usr/bin/env bash
# Builds kmix, generates the example inputs (example-inputs/) and mixes them with the Llama 3.1
# tokenizer into training_mix/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/fetch-tokenizers.sh
cargo build --quiet --release --bin kmix
[ -d example-inputs ] || python3 tools/gen_step03.py --out example-inputs --raw-docs 6 --summaries-per-raw 10 --reasoning
target/release/kmix example-inputs --cuts 5,10 --tokenizer vendor-tokenizers/llama3_1 --out training_mix
