#!/usr/bin/env python3
"""Writes a deterministic chat dataset in the training format (one JSON row a line: messages,
metadata, unmask), for blends: a skills or replay set to put beside the knowledge mix.

Rows vary in length (a few are very long, for the trainer pre-flight to find), some have a system
message, some are multi-turn.

  python3 tools/gen_chat.py --out skills.jsonl --rows 400
  python3 tools/gen_chat.py --out replay.jsonl.gz --target-mb 100 --seed 2
"""
import argparse
import gzip
import json
import random

WORDS = ("skill answer explain list steps reason table summary compare contrast method result "
         "value input output format detail example case rule check plan write code test data "
         "model token length policy review draft edit translate classify extract count sort").split()
TASKS = ["Rewrite this sentence more formally:", "List three steps to", "Summarise in one line:",
         "Classify the tone of:", "Translate into plain English:", "Write a short poem about",
         "Explain to a child:", "Give an example of"]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def row(rng, i):
    messages = []
    if rng.random() < 0.3:
        messages.append({"role": "system", "content": "You are a helpful assistant."})
    turns = 1 if rng.random() < 0.8 else 2
    for _ in range(turns):
        messages.append({"role": "user", "content": f"{rng.choice(TASKS)} {sentence(rng, rng.randint(4, 30))}"})
        # Mostly short answers; about one in fifty is very long.
        length = rng.randint(2000, 4000) if rng.random() < 0.02 else rng.randint(10, 200)
        messages.append({"role": "assistant", "content": sentence(rng, length)})
    return {"messages": messages, "metadata": json.dumps({"dataset": "skills", "row": i}), "unmask": False}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--rows", type=int, default=400)
    p.add_argument("--target-mb", type=float, help="write rows until the file holds this many MB (overrides --rows)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    opener = gzip.open if a.out.endswith(".gz") else open
    written, i = 0, 0
    with opener(a.out, "wt", encoding="utf-8") as f:
        while (written < a.target_mb * 1e6) if a.target_mb else (i < a.rows):
            line = json.dumps(row(rng, i), ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode())
            i += 1
    print(f"{a.out}: {i} rows, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
