#!/usr/bin/env bash
# Puts what the page serves beside its code: the wasm package (www/pkg/), the example inputs
# (www/example/, listed in www/example.json) and the tokenizers offered in its picker (www/tokenizers/). All git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build-wasm.sh

if [ ! -f www/example.json ]; then
  rm -rf www/example www/example-blend
  python3 tools/gen_step03.py --out www/example --raw-docs 6 --summaries-per-raw 10 --reasoning >/dev/null
  # The blend example: a skills dataset and the recipe that blends half of it.
  mkdir -p www/example-blend
  python3 tools/gen_chat.py --out www/example-blend/skills.jsonl --rows 400 >/dev/null
  cp examples/blend/recipe.yaml www/example-blend/
  python3 - <<'PY'
import json, os
root = "www/example"
files = sorted(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
               for d, _, fs in os.walk(root) for f in fs)
json.dump({"files": files, "tokenizer": "llama3_1", "params": {"cuts": "5, 8", "qa_per_doc": "3", "seed": "42"},
           "blend": ["skills.jsonl", "recipe.yaml"]},
          open("www/example.json", "w"), indent=1)
PY
fi

# Served tokenizers: every folder of vendor-tokenizers/ (tools/fetch-tokenizers.sh) and any you
# add there yourself (tokenizer.json + tokenizer_config.json or chat_template.jinja).
mkdir -p www/tokenizers
python3 - <<'PY'
import json, os, shutil
labels = {"llama3_1": "Llama 3.1 (8B Instruct)", "qwen3": "Qwen 3", "gemma3": "Gemma 3", "deepseek_v3": "DeepSeek V3"}
entries = []
for name in sorted(os.listdir("vendor-tokenizers")):
    src = os.path.join("vendor-tokenizers", name)
    files = [f for f in json.load(open("www/model-files.json")) if os.path.exists(os.path.join(src, f))]
    config = json.load(open(os.path.join(src, "tokenizer_config.json"))) if "tokenizer_config.json" in files else {}
    if "tokenizer.json" not in files or not (config.get("chat_template") or "chat_template.jinja" in files or "chat_template.json" in files):
        continue  # without a chat template it cannot count conversations
    os.makedirs(os.path.join("www/tokenizers", name), exist_ok=True)
    for f in files:
        dst = os.path.join("www/tokenizers", name, f)
        if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(os.path.join(src, f)):
            shutil.copy2(os.path.join(src, f), dst)
    entries.append({"name": name, "label": labels.get(name, name), "files": files})
entries.sort(key=lambda e: e["name"] != "llama3_1")  # the notebook's default student model first
json.dump(entries, open("www/tokenizers/index.json", "w"), indent=1)
PY

# What the service worker (www/sw.js) keeps for offline use, and its version: a digest of those
# files, so that a new deployment installs as a new version beside the old.
python3 - <<'PY'
import hashlib, json, os
www = "www"
shell = sorted(f for f in os.listdir(www)
               if os.path.isfile(os.path.join(www, f)) and f not in ("sw.js", "precache.js") and not f.startswith("."))
default = json.load(open(os.path.join(www, "tokenizers/index.json")))[:1]
files = (shell + ["pkg/kmix.js", "pkg/kmix_bg.wasm"]
         + sorted(os.path.relpath(os.path.join(d, f), www) for folder in ("example", "example-blend")
                  for d, _, fs in os.walk(os.path.join(www, folder)) for f in fs)
         + ["tokenizers/index.json"] + [f"tokenizers/{t['name']}/{f}" for t in default for f in t["files"]])
digest = hashlib.sha256()
for f in files:
    digest.update(f.encode() + b"\0" + open(os.path.join(www, f), "rb").read())
with open(os.path.join(www, "precache.js"), "w") as out:
    out.write("// Written by tools/prepare-www.sh: what sw.js keeps for offline use.\n")
    out.write(f"self.KMIX_PRECACHE = {json.dumps({'version': digest.hexdigest()[:16], 'files': ['./'] + files}, indent=1)};\n")
PY
