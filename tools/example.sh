#!/usr/bin/env bash
# Builds kmix, generates the example inputs (example-inputs/, and example-blend/ with a skills
# dataset and a recipe) and mixes and blends them with the Llama 3.1 tokenizer into training_mix/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/fetch-tokenizers.sh
cargo build --quiet --release --bin kmix
[ -d example-inputs ] || python3 tools/gen_step03.py --out example-inputs --raw-docs 6 --summaries-per-raw 10 --reasoning
# The blend example: a skills dataset beside the recipe that blends half of it.
[ -f example-blend/skills.jsonl ] || { mkdir -p example-blend && python3 tools/gen_chat.py --out example-blend/skills.jsonl --rows 400; }
cp examples/blend/recipe.yaml example-blend/
target/release/kmix example-inputs --cuts 5,10 --tokenizer vendor-tokenizers/llama3_1 --out training_mix \
  --recipe example-blend/recipe.yaml --max-seq-len 2048
