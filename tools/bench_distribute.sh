#!/usr/bin/env bash
# Times a run split over machines (kmix plan / work / merge) on this machine against one plain
# run: the bench input (tools/bench.py's shape, MB megabytes, cached under target/bench/), the
# release binary, N = 1, 2, 4 parts; the parts worked one after another (each on every core) and
# two at a time (one thread each, as two machines of one core would); each step the best of RUNS.
#   bash tools/bench_distribute.sh [MB=1000] [RUNS=2] [TOKENIZER=vendor-tokenizers/llama3_1]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-1000} runs=${2:-2} tokenizer=${3:-vendor-tokenizers/llama3_1}
inputs=target/bench/in_${mb}mb
if [ ! -d "$inputs" ]; then
  python3 tools/gen_step03.py --out "$inputs" --seed 5 --raw-docs 1 --summaries-per-raw 12 --qa-per-summary 5 \
    --raw-words 800 --target-mb "$mb" >/dev/null
fi
[ -x target/release/kmix ] || cargo build --release --bin kmix
kmix=$PWD/target/release/kmix
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--cuts 5,10 --tokenizer "$tokenizer" --quiet)
seconds() { local start=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $start" | bc; }
best() { printf '%s\n' "$@" | sort -g | head -1; }
both() { "$kmix" work "$1" --part "$2" --threads 1 --quiet & "$kmix" work "$1" --part "$3" --threads 1 --quiet & wait; }
pairs() { local dir=$1 n=$2 i; for ((i = 0; i < n; i += 2)); do
  if ((i + 1 < n)); then both "$dir" $i $((i + 1)); else "$kmix" work "$dir" --part $i --threads 1 --quiet; fi; done; }
sequential() { local dir=$1 n=$2 i; for ((i = 0; i < n; i++)); do "$kmix" work "$dir" --part $i --quiet; done; }
size=$(du -sb "$inputs" | cut -f1)
plain=(); for ((r = 0; r < runs; r++)); do rm -rf "$work/plain"; plain+=("$(seconds "$kmix" "$inputs" "${flags[@]}" --out "$work/plain")"); done
echo "input: $inputs, $((size / 1000000)) MB; plain run: $(best "${plain[@]}") s"
printf '%-6s %8s %16s %16s %8s %s\n' parts plan work_one_by_one work_two_at_once merge "bytes equal"
for n in 1 2 4; do
  p=() s=() t=() m=()
  for ((r = 0; r < runs; r++)); do
    dir=$work/plan$n; rm -rf "$dir" "$work/merged$n"
    p+=("$(seconds "$kmix" plan "$inputs" "${flags[@]}" --parts $n --plan "$dir")")
    s+=("$(seconds sequential "$dir" $n)")
    rm -rf "$dir/parts"
    t+=("$(seconds pairs "$dir" $n)")
    m+=("$(seconds "$kmix" merge "$dir" --out "$work/merged$n" --quiet)")
  done
  same=yes; for f in "$work"/plain/*; do cmp -s "$f" "$work/merged$n/$(basename "$f")" || same=no; done
  printf '%-6s %8.2f %16.2f %16.2f %8.2f %s\n' $n "$(best "${p[@]}")" "$(best "${s[@]}")" "$(best "${t[@]}")" \
    "$(best "${m[@]}")" $same
done
