#!/usr/bin/env python3
"""Golden trained-token counts made by the trainer itself: instructlab-training 0.16 (what
training_hub runs), for the rows of tests/golden/trainer.json, so that the Rust test
(tests/trainer_golden.rs) can check kmix's pre-flight count against the real library's.

Run (outside the repo's own venvs; the library pulls torch):

    python3 -m venv /work/scratch/ilab-venv
    /work/scratch/ilab-venv/bin/pip install --index-url https://download.pytorch.org/whl/cpu torch
    /work/scratch/ilab-venv/bin/pip install 'instructlab-training==0.16.*'
    /work/scratch/ilab-venv/bin/python tools/make_trainer_golden.py [MIX.jsonl]

With MIX.jsonl (a kmix mix), its three shortest knowledge rows replace the stored ones.

Two counts per row:
  unmask:   len(input_ids) of `unmask_sample` (the path `process_messages_into_input_ids` takes),
            with the tokenizer `configure_tokenizer` makes; the trainer keeps 20 <= len < max.
  template: len(apply_chat_template(messages, tokenize=True)) and whether the end-of-sequence
            token is among the last three ids (the older path's check).
"""
import json
import os
import shutil
import tempfile
import sys

from instructlab.training import data_process
from instructlab.training.data_process import configure_tokenizer, unmask_sample
from transformers import AutoTokenizer

# The vendored folders hold a tokenizer, no model config, which `is_gpt_oss_model` reads; its answer
# changes nothing here (a row's `unmask` wins over it, and otherwise the assistant alone is trained
# either way).
data_process.is_gpt_oss_model = lambda tokenizer: False

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "golden", "trainer.json")
TOKENIZERS = ["llama3_1", "qwen3", "deepseek_v3"]

CHAT_ROWS = [
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]},
    {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "List three colours."},
                  {"role": "assistant", "content": "Red, green, blue.", "thinking": ""}]},
    {"messages": [{"role": "user", "content": "2+2?"},
                  {"role": "assistant", "content": "4", "thinking": "Two and two make four."},
                  {"role": "user", "content": "And 3+3?"}, {"role": "assistant", "content": "6", "thinking": "Six."}]},
    {"messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Teach me."},
                  {"role": "assistant", "content": "Gladly: ask.", "reasoning_content": "They want help."}],
     "unmask": True},
    {"messages": [{"role": "user", "content": "中文资料 and 🚀, line one\nline two"},
                  {"role": "assistant", "content": "  spaced  \r\n", "thinking": None}]},
]


def knowledge_rows(mix):
    with open(mix, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    rows.sort(key=lambda r: len(json.dumps(r["messages"])))
    return [{"messages": r["messages"]} for r in rows[:3]]


def counts(name, row):
    path = os.path.join(ROOT, "vendor-tokenizers", name)
    trainer = configure_tokenizer(path)
    plain = AutoTokenizer.from_pretrained(path)
    ids = plain.apply_chat_template(row["messages"], tokenize=True, return_dict=False)
    eos = plain.eos_token_id
    return {
        "unmask": unmask_sample(row, trainer)["len"],
        "template": len(ids),
        "ends_with_eos": eos is None or eos in ids[-3:],
    }


def main():
    stored = json.load(open(GOLDEN, encoding="utf-8")) if os.path.exists(GOLDEN) else {}
    knowledge = knowledge_rows(sys.argv[1]) if len(sys.argv) > 1 else stored["rows"][len(CHAT_ROWS):]
    rows = CHAT_ROWS + knowledge
    results = {name: [counts(name, row) for row in rows] for name in TOKENIZERS}
    with open(GOLDEN, "w", encoding="utf-8") as f:
        json.dump({"rows": rows, "tokenizers": results}, f, ensure_ascii=False, indent=1)
    print({k: [(r["unmask"], r["template"]) for r in v] for k, v in results.items()})


if __name__ == "__main__":
    main()
