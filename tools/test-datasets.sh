#!/usr/bin/env bash
# Loads every file kmix writes for training as the trainer does, datasets.load_dataset("json"),
# with datasets 4.2 (the reference's floor) and 5.x: a blend of the knowledge mix with chat data
# whose metadata is an object, or that has columns and fields the knowledge rows lack, must load
# with one type per column. The knowledge mix is over 10 MB, datasets' read chunk, so that the
# added rows come in a later chunk than the first, where datasets finds a schema that disagrees.
# Makes the two venvs under target/ once (from the package index).
set -euo pipefail
cd "$(dirname "$0")/.."
kmix=${KMIX_NATIVE:-target/debug/kmix}
for spec in "4:datasets==4.2.*" "5:datasets>=5,<6"; do
  venv=target/datasets-venv-${spec%%:*}
  "$venv/bin/python" -c 'import datasets' 2>/dev/null || {
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${spec#*:}"
  }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tools/gen_step03.py --out "$work/generated" --target-mb 16 --summaries-per-raw 12 >/dev/null
python3 tools/gen_chat.py --out "$work/skills.jsonl" --rows 400 >/dev/null
python3 tools/gen_chat.py --out "$work/wild.jsonl" --rows 3000 --wild >/dev/null
tokenizer=vendor-tokenizers/llama3_1
"$kmix" "$work/generated" --cuts 5 --tokenizer $tokenizer --out "$work/mix" >/dev/null
"$kmix" "$work/generated" --cuts 5 --tokenizer $tokenizer --add "$work/skills.jsonl=300" \
  --add "$work/wild.jsonl" --out "$work/blend" >/dev/null
"$kmix" "$work/generated" --cuts 5 --tokenizer $tokenizer \
  --recipe "$work/blend/recipe_cut_5x.yaml" --out "$work/recipe" >/dev/null
# RAFT rows, alone and blended beside the knowledge rows and chat data.
"$kmix" "$work/generated" --cuts 5 --tokenizer $tokenizer --raft retrieved --add raft=0.5 \
  --add "$work/wild.jsonl" --out "$work/raft" >/dev/null
for version in 4 5; do
  KMIX_DATASETS_OUT="$work/mix:$work/blend:$work/recipe:$work/raft" HF_HOME="$work/hf-$version" \
    target/datasets-venv-$version/bin/python -m unittest discover -s tests/datasets -t tests/datasets -v
done
