#!/usr/bin/env python3
# The team's synthetic-input generator (a copy of shared/tools/gen_step03.py), kept in the repo so
# that the example, the tests and the benchmarks work from a plain clone.
"""Write realistic synthetic knowledge-generation outputs, deterministically, at any size.

Output folder layout (what the generation step writes and mixing reads):
  extractive_summary/*.jsonl   detailed_summary/*.jsonl   key_facts_to_qa/*.jsonl
  document_based_qa/*.jsonl    qna.yaml                    final_seed_data.jsonl

Rows repeat their augmentation and source chunk as real generation output does, so files grow
fast. Some raw documents get fewer augmentations than others; some responses carry [ANSWER]/[END]
markers; some questions carry the placeholders a GPT-OSS filter drops; text includes accents,
CJK, emoji, quotes, backslashes, tabs and newlines. Standard library only.

  python3 gen_step03.py --out DIR [--seed 1] [--raw-docs 5] [--summaries-per-raw 10]
                        [--qa-per-summary 5] [--raw-words 400] [--reasoning] [--target-mb N]
                        [--files-per-kind 2] [--gzip]
"""
import argparse
import gzip
import json
import os
import random

WORDS = ("the client must verify identity using two reliable sources such as a credit file or a "
         "property tax assessment issued by a municipal government and information must match what "
         "the person provided record keeping requirements apply for five years after the last "
         "transaction reporting entity compliance program risk assessment beneficial ownership "
         "politically exposed person large cash transaction suspicious report threshold amount "
         "dollars business relationship ongoing monitoring training policies procedures").split()
EXOTIC = ["Montréal", "Zürich", "naïve", "façade", "中文资料", "日本語", "한국어", "🚀", "✅", "“quoted”",
          "‘single’", "C:\\path\\to\\file", "tab\there", "50 %", "€1,000", "x<y>&z", "{\"json\": 1}",
          "Ωmega", "—dash—", "ﬁligature"]
OUTLINE = "FINTRAC guidance on verifying the identity of persons and entities"


class Writer:
    """Spreads one kind's rows over several files."""

    def __init__(self, folder, files, use_gzip):
        os.makedirs(folder, exist_ok=True)
        ext = ".jsonl.gz" if use_gzip else ".jsonl"
        opener = (lambda p: gzip.open(p, "wt", encoding="utf-8")) if use_gzip else (lambda p: open(p, "w", encoding="utf-8"))
        self.handles = [opener(os.path.join(folder, f"gen_{i:02d}{ext}")) for i in range(files)]
        self.n = 0
        self.bytes = 0

    def write(self, row):
        line = json.dumps(row, ensure_ascii=False) + "\n"
        self.handles[self.n % len(self.handles)].write(line)
        self.n += 1
        self.bytes += len(line.encode("utf-8"))

    def close(self):
        for h in self.handles:
            h.close()


def sentence(rng, n):
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.04:
            out.append(rng.choice(EXOTIC))
        elif r < 0.10:
            out.append(str(rng.randint(1, 99999)))
        else:
            out.append(rng.choice(WORDS))
    s = " ".join(out)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!"])


def prose(rng, words):
    paras, left = [], words
    while left > 0:
        n = min(left, rng.randint(40, 120))
        sents, k = [], n
        while k > 0:
            m = min(k, rng.randint(6, 24))
            sents.append(sentence(rng, m))
            k -= m
        paras.append(" ".join(sents))
        left -= n
    return "\n\n".join(paras)


def question(rng, i):
    q = "What does the guidance say about " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
    r = rng.random()
    if r < 0.03:
        q += " ...?"
    elif r < 0.05:
        q = "<question> " + q
    elif r < 0.06:
        q = "<Insert question here>"
    else:
        q += f" (item {i})?"
    return q


def response(rng):
    text = sentence(rng, rng.randint(10, 60))
    r = rng.random()
    if r < 0.3:
        text = "[ANSWER] " + text + " [END]"
    elif r < 0.4:
        text = "  " + text + "\n[END]"
    return text


def common(rng, raw, outline):
    return {"domain": "Finance", "document_outline": outline, "icl_document": raw[:300],
            "icl_query_1": "What sources can verify identity?"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--raw-docs", type=int, default=5)
    ap.add_argument("--summaries-per-raw", type=int, default=10)
    ap.add_argument("--qa-per-summary", type=int, default=5)
    ap.add_argument("--raw-words", type=int, default=400)
    ap.add_argument("--reasoning", action="store_true", help="add parse_response_dict_reasoning_content")
    ap.add_argument("--target-mb", type=float, default=0, help="add raw documents until the output reaches this size")
    ap.add_argument("--files-per-kind", type=int, default=2)
    ap.add_argument("--gzip", action="store_true")
    a = ap.parse_args()

    rng = random.Random(a.seed)
    kinds = ["extractive_summary", "detailed_summary", "key_facts_to_qa", "document_based_qa"]
    w = {k: Writer(os.path.join(a.out, k), a.files_per_kind, a.gzip) for k in kinds}
    raws = []
    i = 0
    while i < a.raw_docs or (a.target_mb and sum(x.bytes for x in w.values()) < a.target_mb * 1e6):
        raw = f"Section {i}. " + prose(rng, a.raw_words)
        raws.append(raw)
        outline = OUTLINE if i % 4 else OUTLINE + f" — part {i}"
        base = common(rng, raw, outline)
        n_sum = max(1, a.summaries_per_raw - (i % 3))  # uneven augmentation counts
        for kind, style in (("extractive_summary", "Extract"), ("detailed_summary", "Detail")):
            for s in range(n_sum):
                summary = f"{style} {i}.{s}: " + prose(rng, max(30, a.raw_words // 3))
                for q in range(a.qa_per_summary):
                    row = dict(base, document=summary, raw_document=raw, question=question(rng, q), response=response(rng))
                    if a.reasoning:
                        row["parse_response_dict_reasoning_content"] = "Reasoning: " + sentence(rng, 20)
                    w[kind].write(row)
        facts = "\n".join(f"- {sentence(rng, rng.randint(6, 14))}" for _ in range(8))
        for q in range(a.qa_per_summary * 2):
            w["key_facts_to_qa"].write(dict(base, document=facts, raw_document=raw, question=question(rng, q), response=response(rng)))
        for q in range(a.qa_per_summary):
            w["document_based_qa"].write(dict(base, document=raw, base_document=raw, question=question(rng, q), response=response(rng)))
        i += 1
    for x in w.values():
        x.close()

    with open(os.path.join(a.out, "qna.yaml"), "w", encoding="utf-8") as f:
        f.write("version: 3\ndomain: Finance\ncreated_by: example-author\n")
        f.write(f"document_outline: {json.dumps(OUTLINE, ensure_ascii=False)}\nseed_examples:\n")
        for raw in raws[: min(5, len(raws))]:
            f.write("  - context: |\n")
            for line in raw[:600].splitlines():
                f.write(f"      {line}\n" if line else "\n")
            f.write("    questions_and_answers:\n")
            for q in range(3):
                f.write(f"      - question: {json.dumps(question(rng, q), ensure_ascii=False)}\n")
                f.write(f"        answer: {json.dumps(sentence(rng, 15), ensure_ascii=False)}\n")
        f.write("document:\n  repo: https://example.invalid/knowledge.git\n  commit: 0123abcd\n  patterns:\n    - \"*.md\"\n")

    icl = {"icl_document": raws[0][:600], "document_outline": OUTLINE, "domain": "Finance"}
    for k in (1, 2, 3):
        icl[f"icl_query_{k}"] = question(rng, k)
        icl[f"icl_response_{k}"] = sentence(rng, 12)
    with open(os.path.join(a.out, "final_seed_data.jsonl"), "w", encoding="utf-8") as f:
        for j, raw in enumerate(raws):
            f.write(json.dumps(dict(icl, document=raw, document_title=f"doc_{j}"), ensure_ascii=False) + "\n")

    total = sum(x.bytes for x in w.values())
    print(f"wrote {len(raws)} raw documents, {sum(x.n for x in w.values())} rows, {total / 1e6:.1f} MB to {a.out}")


if __name__ == "__main__":
    main()
