#!/usr/bin/env python3
"""Computes the expected chat-template renderings and token counts with Python `transformers`.

Run once (after tools/fetch-tokenizers.sh) whenever the fixture or a tokenizer changes; the output
is committed under tests/golden/ and compared row by row by the Rust and wasm tests:

    pip install transformers && python3 tools/make_golden.py

The reference definition is the notebook's:
    len(tok.encode(tok.apply_chat_template(messages, tokenize=False)))
"""
import json
import os
import random

from transformers import AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GOLDEN = os.path.join(ROOT, "tests", "golden")
TOKENIZERS = ["llama3_1", "qwen3", "gemma3", "deepseek_v3"]

SNIPPETS = [
    "Montréal, Zürich, naïve façade",
    "中文资料与日本語のテキスト、한국어 문장",
    "Rockets 🚀 and checks ✅ and families 👨‍👩‍👧",
    "Quotes “curly” ‘single’ and \"straight\"",
    "C:\\path\\to\\file and tabs\there",
    "x<y>&z {\"json\": 1} 50 % €1,000",
    "Ωmega —dash— ﬁligature",
    "  leading and trailing spaces  ",
    "line one\nline two\n\nparagraph\r\nwindows line",
    "<|im_start|> looks special but is user text",
]


def long_text(rng, words):
    vocab = ("identity verification record keeping compliance program beneficial ownership "
             "threshold report business relationship monitoring policy procedure").split()
    return " ".join(rng.choice(vocab + SNIPPETS[:3]) for _ in range(words))


def fixture():
    """Conversations shaped exactly as kmix builds them: user (thinking null), assistant (thinking)."""
    rng = random.Random(7)
    cases = []
    for i, s in enumerate(SNIPPETS):
        outline = "FINTRAC guidance — part %d" % i
        user = f"{outline}\n{s}\n\nWhat does the text say about item {i}?"
        reasoning = "" if i % 2 else f"Reasoning about {s}."
        cases.append([
            {"role": "user", "content": user, "thinking": None},
            {"role": "assistant", "content": f"It says: {s}", "thinking": reasoning},
        ])
    for words in (600, 2500):
        doc = long_text(rng, words)
        cases.append([
            {"role": "user", "content": f"Outline\n{doc}\n\nSummarise the guidance.", "thinking": None},
            {"role": "assistant", "content": long_text(rng, words // 5), "thinking": ""},
        ])
    cases.append([
        {"role": "user", "content": "In FINTRAC guidance, what is the threshold?", "thinking": None},
        {"role": "assistant", "content": "Ten thousand dollars.", "thinking": "Long reasoning " * 40},
    ])
    cases.append([
        {"role": "user", "content": "", "thinking": None},
        {"role": "assistant", "content": "", "thinking": ""},
    ])
    # Python's str.strip() (the templates' trim) strips the separators U+001C..U+001F.
    cases.append([
        {"role": "user", "content": "\x1c\x1d separators around \x1e\x1f", "thinking": None},
        {"role": "assistant", "content": "\x1fanswer\x1c", "thinking": "\x1ereasoning\x1d"},
    ])
    return cases


# Templates beyond the tokenizers' own, rendered with llama3_1's tokenizer: transformers'
# `{% generation %}` blocks, and today's date through strftime_now (pinned below).
TEMPLATE_DATE = (2026, 11, 25, 9, 30)
TEMPLATES = {
    "generation_and_date": (
        "{{- bos_token }}\n"
        "{%- set date_string = strftime_now(\"%d %b %Y\") %}\n"
        "<|start_header_id|>system<|end_header_id|>\n\nToday Date: {{ date_string }}<|eot_id|>\n"
        "{%- for message in messages %}\n"
        "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}\n"
        "{%- if message['role'] == 'assistant' %}\n"
        "{% generation %}\n"
        "{{- message['content'] | trim + '<|eot_id|>' }}\n"
        "{% endgeneration %}\n"
        "{%- else %}\n"
        "{{- message['content'] | trim + '<|eot_id|>' }}\n"
        "{%- endif %}\n"
        "{%- endfor %}\n"
    ),
    "generation_inline_and_time": (
        "{{ bos_token }}{{ strftime_now('%Y-%m-%d %H:%M %A %B %j') }}\n"
        "{% for m in messages %}{{ m.role }}: {%- generation -%} {{ m.content.strip() }} {%+ endgeneration %}|\n"
        "{% endfor %}"
    ),
}


# A row whose response is null keeps null content: transformers drops the key, and some
# templates then fail (kmix must fail with them), others render nothing.
NULL_CONTENT = [
    {"role": "user", "content": "What does the guidance say?", "thinking": None},
    {"role": "assistant", "content": None, "thinking": ""},
]


def write_null_content():
    results = {}
    for name in TOKENIZERS:
        tok = AutoTokenizer.from_pretrained(os.path.join(ROOT, "vendor-tokenizers", name))
        try:
            rendered = tok.apply_chat_template(NULL_CONTENT, tokenize=False)
            results[name] = {"rendered": rendered, "token_count": len(tok.encode(rendered)), "error": None}
        except Exception as e:  # the template's own failure, which kmix must report too
            results[name] = {"rendered": None, "token_count": None, "error": str(e)}
    with open(os.path.join(GOLDEN, "null_content.json"), "w", encoding="utf-8") as f:
        json.dump({"messages": NULL_CONTENT, "tokenizers": results}, f, ensure_ascii=False, indent=1)
    print("null content", {k: v["token_count"] or v["error"] for k, v in results.items()})


# Rows of other chat datasets, as blends read them: a system message, several turns, keys beyond
# role and content. The trainer's count: apply_chat_template(messages, tokenize=True), no tokens
# added by encode; and its check for the end-of-sequence token among the last three.
TRAINING_ROWS = [
    [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}],
    [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "List three colours."},
     {"role": "assistant", "content": "Red, green, blue."}],
    [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"},
     {"role": "user", "content": "And 3+3?", "name": "kid"}, {"role": "assistant", "content": "6"}],
    [{"role": "user", "content": SNIPPETS[1] + " " + SNIPPETS[2]}, {"role": "assistant", "content": SNIPPETS[8]}],
    # Two users in a row: some templates refuse the order (their raise_exception text is kept).
    [{"role": "user", "content": "one"}, {"role": "user", "content": "two"}],
]


def write_training():
    results = {}
    for name in TOKENIZERS:
        tok = AutoTokenizer.from_pretrained(os.path.join(ROOT, "vendor-tokenizers", name))
        rows = []
        for messages in TRAINING_ROWS:
            try:
                ids = tok.apply_chat_template(messages, tokenize=True, return_dict=False)
                rendered = tok.apply_chat_template(messages, tokenize=False)
                rows.append({"rendered": rendered, "length": len(tok.encode(rendered)), "trained": len(ids),
                             "ends_with_eos": tok.eos_token_id is None or tok.eos_token_id in ids[-3:],
                             "error": None})
            except Exception as e:
                rows.append({"error": str(e)})
        results[name] = rows
    with open(os.path.join(GOLDEN, "training.json"), "w", encoding="utf-8") as f:
        json.dump({"rows": TRAINING_ROWS, "tokenizers": results}, f, ensure_ascii=False, indent=1)
    print("training", {k: [r.get("trained") or r["error"][:30] for r in v] for k, v in results.items()})


def pin_template_date():
    """transformers' strftime_now reads datetime.now(): pin it, as kmix's --date does."""
    import datetime as real
    import transformers.utils.chat_template_utils as utils

    class Pinned(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(*TEMPLATE_DATE)

    utils.datetime = Pinned


def main():
    cases = fixture()
    os.makedirs(GOLDEN, exist_ok=True)
    with open(os.path.join(GOLDEN, "fixture.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
    for name in TOKENIZERS:
        tok = AutoTokenizer.from_pretrained(os.path.join(ROOT, "vendor-tokenizers", name))
        rendered = [tok.apply_chat_template(c, tokenize=False) for c in cases]
        counts = [len(tok.encode(r)) for r in rendered]
        with open(os.path.join(GOLDEN, f"{name}.json"), "w", encoding="utf-8") as f:
            json.dump({"tokenizer": name, "rendered": rendered, "token_counts": counts}, f, ensure_ascii=False, indent=1)
        print(name, counts)
    write_null_content()
    write_training()
    pin_template_date()
    tok = AutoTokenizer.from_pretrained(os.path.join(ROOT, "vendor-tokenizers", "llama3_1"))
    templates = {}
    for name, template in TEMPLATES.items():
        rendered = [tok.apply_chat_template(c, chat_template=template, tokenize=False) for c in cases]
        templates[name] = {"template": template, "rendered": rendered,
                           "token_counts": [len(tok.encode(r)) for r in rendered]}
    with open(os.path.join(GOLDEN, "templates.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizer": "llama3_1", "date": "%04d-%02d-%02dT%02d:%02d" % TEMPLATE_DATE,
                   "templates": templates}, f, ensure_ascii=False, indent=1)
    print("templates", {k: v["token_counts"][:3] for k, v in templates.items()})


if __name__ == "__main__":
    main()
