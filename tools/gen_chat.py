#!/usr/bin/env python3
"""Writes a deterministic chat dataset in the training format (one JSON row a line: messages,
metadata, unmask), for blends: a skills or replay set to put beside the knowledge mix.

Rows vary in length (a few are very long, for the trainer pre-flight to find), some have a system
message, some are multi-turn. --wild writes rows as many chat datasets have them: `metadata` an
object (absent from some rows), `unmask` absent from some, an extra `id` column, and a `name` on the
messages of some rows.

  python3 tools/gen_chat.py --out skills.jsonl --rows 400
  python3 tools/gen_chat.py --out replay.jsonl.gz --target-mb 100 --seed 2
  python3 tools/gen_chat.py --out wild.jsonl --rows 400 --wild
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


def wild(r, i):
    """The row as chat datasets in the wild have it (by row number, so the text stays the same)."""
    r = {"id": i, **r, "metadata": {"dataset": "wild", "row": i, "tags": ["chat"]}}
    if i % 7 == 3:
        del r["metadata"]
    if i % 5 == 1:
        del r["unmask"]
    if i % 4 == 2:
        for m in r["messages"]:
            m["name"] = m["role"]
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--rows", type=int, default=400)
    p.add_argument("--target-mb", type=float, help="write rows until the file holds this many MB (overrides --rows)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--wild", action="store_true", help="metadata objects, extra columns and fields, some absent")
    a = p.parse_args()
    rng = random.Random(a.seed)
    opener = gzip.open if a.out.endswith(".gz") else open
    written, i = 0, 0
    with opener(a.out, "wt", encoding="utf-8") as f:
        while (written < a.target_mb * 1e6) if a.target_mb else (i < a.rows):
            r = row(rng, i)
            line = json.dumps(wild(r, i) if a.wild else r, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode())
            i += 1
    print(f"{a.out}: {i} rows, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
