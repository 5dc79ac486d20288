#!/usr/bin/env bash
# Runs kmix's fuzz targets (fuzz/fuzz_targets/) with cargo-fuzz (libFuzzer) and prints, for each,
# the executions and the findings. The machine has only the stable toolchain, so cargo-fuzz's
# nightly-only flags are allowed with RUSTC_BOOTSTRAP=1; the targets are safe Rust, so no sanitizer.
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]     default: 60 s each, every target
# The corpus starts from inputs of tools/gen_step03.py (fuzz/corpus/, git-ignored); findings land in
# fuzz/artifacts/TARGET/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(records qna_yaml tokenizer_config template)
command -v cargo-fuzz >/dev/null || cargo install --quiet cargo-fuzz
export RUSTC_BOOTSTRAP=1

# Seeds: real rows, a real qna.yaml, real configs and templates, from the generator and the
# tokenizers (tools/fetch-tokenizers.sh).
seed() {
  local dir=fuzz/corpus/$1
  [ -d "$dir" ] && return
  mkdir -p "$dir"
  local gen; gen=$(mktemp -d)
  python3 tools/gen_step03.py --out "$gen" --raw-docs 2 --summaries-per-raw 3 --reasoning >/dev/null
  case $1 in
    records) for f in "$gen"/*/gen_00.jsonl; do printf '\x05' | cat - <(head -c 20000 "$f") > "$dir/$(basename "$(dirname "$f")")"; done ;;
    qna_yaml) cp "$gen/qna.yaml" "$dir/qna.yaml" ;;
    tokenizer_config) for t in vendor-tokenizers/*/tokenizer_config.json; do cp "$t" "$dir/$(basename "$(dirname "$t")")"; done ;;
    template) for t in vendor-tokenizers/*/tokenizer_config.json; do
        python3 -c 'import json,sys; t=json.load(open(sys.argv[1])).get("chat_template"); t=t if isinstance(t,str) else ""; print(t.replace("\n"," ")+"\nWhat is the threshold?")' "$t" > "$dir/$(basename "$(dirname "$t")")"; done ;;
  esac
  rm -rf "$gen"
}

status=0
for target in "${targets[@]}"; do
  seed "$target"
  log=$(mktemp)
  cargo fuzz run --sanitizer none --release "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -max_len=65536 -print_final_stats=1 >"$log" 2>&1 || true
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  found=$(find "fuzz/artifacts/$target" -type f 2>/dev/null | wc -l)
  printf '%-18s %12s executions   %s findings\n' "$target" "${runs:-?}" "$found"
  if [ "$found" -gt 0 ] || [ -z "$runs" ]; then status=1; tail -30 "$log"; fi
  rm -f "$log"
done
exit $status
