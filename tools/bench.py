#!/usr/bin/env python3
"""Benchmark: kmix against the bare tokenizer on the same rendered texts, natively and in the page.

    python3 tools/bench.py [--mb 100,1000] [--runs 3] [--tokenizer llama3_1] [--threads N] [--no-page] [--blend-mb 100]
                           [--python VENV/bin/python]

For each size, generates the input with tools/gen_step03.py (cached under target/bench/; the shape
of the issue's reference input: one raw-document pattern, 12 summaries, 5 Q&A each, 800 words),
then, side by side in one run:
  - kmix CLI: `kmix --cuts 5,10` with the tokenizer, all cores (wall time, peak RSS);
  - bare tokenizer, native: examples/bare_tokenizer.rs encoding the rendered conversations of the
    largest cut (every row kmix counted) with the same thread count;
  - the page in headless Chromium (tools/bench-page.mjs): files picked, Mix pressed, results shown
    (wall time on the page's own clock, from the files handed over to Mix enabled and from the click
    to the first frame with the results, Playwright's round trips shown apart; the workers' wasm
    memory; the browser processes' peak memory, PSS, sampled in one more run of its own, as
    sampling takes a good part of a core);
  - bare tokenizer in the page: the same texts encoded by as many workers as the page's pool;
  - the page again with `?workers=1`: a pool of one, to show how the page scales with cores.
The page's total is printed as a ratio to the CLI's time, the default pool's total as a ratio to
the pool of one's, and the outputs' SHA-256s in the page's manifest are checked against the CLI's
(the bench fails if any differs). The manifest is complete a moment after the results (its
checksums are computed off the waiting path): that time is printed apart.
It prints rows/s, tokens/s, peak memory and each side's ratio of kmix's time to the bare tokenizer's
(the page's total includes indexing the picked files). kmix counts text that rows share once, so it
encodes fewer tokens than the bare tokenizer, which encodes every whole conversation; tokens/s are
the mix's tokens over each side's time. --notebook-seconds S adds the speed-up over the notebook.
With --python PY (a Python where the kmix wheel is installed) it also times `kmix.mix` with the
same inputs and flags, in a process of its own (the call alone, and with Python's start and
`import kmix`), against the CLI's time. With --blend-mb N it also blends N MB of chat data (tools/gen_chat.py) beside the same mix on the
command line (`--add chat.jsonl --max-seq-len 8192`: every added row counted, both counts and the
pre-flight, and a blend written per cut) and prints its time against the knowledge-only mix's.
Each measurement is taken --runs times (3 by default), one after another, and its median shown
with every run listed: on a virtual machine that hands freed memory back to its host, the first
touch of memory costs about 2.5 ms per MB, and a single run can be twice as slow as the next.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    """Runs a command; returns (seconds, peak RSS in bytes, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return seconds, out


def peak_rss(cmd):
    """Runs a command under /usr/bin/time-like accounting: (seconds, peak RSS bytes, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss * 1024, out


def generate(mb):
    inputs = os.path.join(ROOT, "target", "bench", f"gen-{mb}mb")
    if not os.path.isdir(inputs):
        print(f"generating {mb} MB of input in {inputs} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_step03.py"), "--out", inputs, "--seed", "5",
                        "--raw-docs", "1", "--summaries-per-raw", "12", "--qa-per-summary", "5",
                        "--raw-words", "800", "--target-mb", str(mb)], check=True, stdout=subprocess.DEVNULL)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(inputs) for f in fs)
    return inputs, size


def same_outputs(manifest, pages):
    """Fails unless every page run's outputs have the CLI's SHA-256s (so, its bytes)."""
    cli = [{"file_name": o["file_name"], "sha256": o["sha256"]} for o in manifest["outputs"]]
    for p in pages:
        if p["outputs"] != cli:
            sys.exit(f"the page's outputs differ from the CLI's: {p['outputs']} against {cli}")


def median(values):
    return sorted(values)[len(values) // 2]


def runs(values):
    return " / ".join(f"{v:.2f}" for v in values)


def row(who, seconds, texts, tokens, memory, ratio):
    mem = f"{memory / 1e6:,.0f} MB" if memory else "-"
    ratio = f"{ratio:.2f}" if ratio else "-"
    return f"  {who:34} {seconds:9.2f} {texts / seconds:10,.0f} {tokens / seconds:12,.0f} {mem:>24} {ratio:>7}"


# kmix.mix as a notebook cell calls it; prints the call's seconds, then the whole process's.
PYTHON_MIX = """
import sys, time
start = time.perf_counter()
import kmix
called = time.perf_counter()
kmix.mix(sys.argv[1], out=sys.argv[3], cuts=[5, 10], tokenizer=sys.argv[2], threads=int(sys.argv[4]),
         progress=False, env_file=None)
print(time.perf_counter() - called, time.perf_counter() - start)
"""


def python_mix(a, inputs, tok, out, cli_seconds):
    """Times kmix.mix (from the wheel in ``a.python``) on the CLI's input, flags and output folder."""
    timed = []
    for _ in range(a.runs):
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(["sync"], check=True)
        start = time.perf_counter()
        shown = run([a.python, "-c", PYTHON_MIX, inputs, tok, out, str(a.threads)])[1].split()
        timed.append((float(shown[0]), time.perf_counter() - start))
    call, process = median([t[0] for t in timed]), median([t[1] for t in timed])
    print(f"  Python kmix.mix (the wheel): {call:.2f} s the call, {process:.2f} s with Python's start and import; "
          f"against the CLI's {cli_seconds:.2f} s: {call / cli_seconds:.2f}x, {process / cli_seconds:.2f}x")
    if a.runs > 1:
        print(f"  (runs: kmix.mix {runs([t[0] for t in timed])} s; the process {runs([t[1] for t in timed])} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", default="100,1000", help="input sizes in MB, comma-separated (5000 needs ~15 GB of disk)")
    ap.add_argument("--tokenizer", default="llama3_1")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--no-page", action="store_true", help="the CLI only")
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement; the median is shown")
    ap.add_argument("--blend-mb", type=int, help="also blend this many MB of chat data on the command line")
    ap.add_argument("--python", help="a Python with the kmix wheel installed: also time kmix.mix")
    ap.add_argument("--notebook-seconds", type=float,
                    help="the Python notebook's time on the same input, for the speed-ups (19 s for --mb 150 on the "
                         "2-core reference machine, with a fresh datasets cache)")
    a = ap.parse_args()

    subprocess.run(["bash", os.path.join(ROOT, "tools", "fetch-tokenizers.sh")], check=True)
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "kmix", "--example", "bare_tokenizer"],
                   cwd=ROOT, check=True)
    if not a.no_page:
        subprocess.run(["bash", os.path.join(ROOT, "tools", "prepare-www.sh")], check=True)
    tok = os.path.join(ROOT, "vendor-tokenizers", a.tokenizer)

    for mb in [int(x) for x in a.mb.split(",")]:
        inputs, size = generate(mb)
        out = os.path.join(ROOT, "target", "bench", "out")
        cli = []
        for _ in range(a.runs):
            # A fresh output folder, as a first run has: replacing the last run's 300 MB is the
            # kernel's work (freeing its pages, while it may still be writing them back), not kmix's.
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run(["sync"], check=True)
            cli.append(peak_rss([os.path.join(ROOT, "target", "release", "kmix"), inputs, "--cuts", "5,10",
                                 "--tokenizer", tok, "--out", out, "--threads", str(a.threads), "--quiet"]))
        kmix_s, kmix_rss = median([c[0] for c in cli]), max(c[1] for c in cli)
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        largest = os.path.join(out, manifest["outputs"][-1]["file_name"])
        bares = [json.loads(run([os.path.join(ROOT, "target", "release", "examples", "bare_tokenizer"), tok,
                                 largest, str(a.threads)])[1]) for _ in range(a.runs)]
        bare = {**bares[0], "seconds": median([b["seconds"] for b in bares])}
        texts, tokens = bare["texts"], bare["tokens"]
        print(f"\ninput {size / 1e6:,.0f} MB (cuts 5,10, {a.tokenizer}): {texts:,} distinct conversations counted, "
              f"{tokens:,} tokens, {manifest['outputs'][-1]['bytes'] / 1e6:,.0f} MB in the largest mix")
        print(f"  {'':34} {'seconds':>9} {'rows/s':>10} {'tokens/s':>12} {'peak memory':>24} {'ratio':>7}")
        print(row(f"CLI kmix ({a.threads} threads)", kmix_s, texts, tokens, kmix_rss, kmix_s / bare["seconds"]))
        print(row(f"CLI bare tokenizer ({a.threads} threads)", bare["seconds"], texts, tokens, 0, 0))
        if a.runs > 1:
            print(f"  (runs: CLI {runs([c[0] for c in cli])} s; bare {runs([b['seconds'] for b in bares])} s)")
        if a.python:
            python_mix(a, inputs, tok, out, kmix_s)
        if a.blend_mb:
            chat = os.path.join(ROOT, "target", "bench", f"chat-{a.blend_mb}mb.jsonl")
            if not os.path.exists(chat):
                subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_chat.py"), "--out", chat,
                                "--target-mb", str(a.blend_mb)], check=True, stdout=subprocess.DEVNULL)
            blend_s, blend_rss, _ = peak_rss([os.path.join(ROOT, "target", "release", "kmix"), inputs, "--cuts", "5,10",
                                              "--tokenizer", tok, "--out", out, "--threads", str(a.threads), "--quiet",
                                              "--add", chat, "--max-seq-len", "8192"])
            blended = json.load(open(os.path.join(out, "manifest.json")))["blend"]["cuts"]
            added_rows = blended[0]["sources"][1]["available"]
            print(f"  blend: + {os.path.getsize(chat) / 1e6:,.0f} MB of chat data ({added_rows:,} rows counted), "
                  f"{blend_s:.2f} s and {blend_rss / 1e6:,.0f} MB peak RSS against {kmix_s:.2f} s for the knowledge "
                  f"mix alone: {blend_s / kmix_s:.2f}x")
        if a.no_page:
            if a.notebook_seconds:
                print(f"  against the notebook's {a.notebook_seconds:.0f} s (a reference figure for this input, not "
                      f"measured here): CLI {a.notebook_seconds / kmix_s:.1f}x faster")
            continue
        def page_run(*mode):
            return json.loads(run(["node", os.path.join(ROOT, "tools", "bench-page.mjs"), inputs, largest, *mode],
                                  cwd=ROOT)[1].strip().splitlines()[-1])
        pages = [page_run() for _ in range(a.runs)]
        singles = [page_run("--workers=1") for _ in range(a.runs)]
        sampled = page_run("--memory")  # a run of its own: sampling memory slows the page
        same_outputs(manifest, [*pages, *singles])
        page = {
            **pages[0],
            **{k: median([p[k] for p in pages]) for k in ["readSeconds", "mixSeconds",
                                                          "harnessReadSeconds", "harnessMixSeconds"]},
            "afterReading": sampled["afterReading"],
            "browserRss": sampled["browserRss"],
            "wasmBytes": max(p["wasmBytes"] for p in [*pages, sampled]),
            "bare": {"seconds": median([p["bare"]["seconds"] for p in pages])},
        }
        pool = page["pool"]
        memory = f"{page['wasmBytes'] / 1e6:,.0f} MB wasm, {page['browserRss'] / 1e6:,.0f} MB browser PSS"
        print(row(f"page kmix ({pool} workers + coordinator)", page["mixSeconds"], texts, tokens, 0,
                  page["mixSeconds"] / page["bare"]["seconds"]).replace("       -", f"{memory:>24}", 1))
        print(row(f"page bare tokenizer ({pool} workers)", page["bare"]["seconds"], texts, tokens, 0, 0))
        total = median([p["readSeconds"] + p["mixSeconds"] for p in pages])
        print(row("page total (indexing + mix)", total, texts, tokens, 0, total / page["bare"]["seconds"]))
        print(f"  (indexing the files after they were picked: {page['readSeconds']:.2f} s; "
              f"browser PSS then {page['afterReading'] / 1e6:,.0f} MB)")
        harness = median([p["harnessReadSeconds"] + p["harnessMixSeconds"] for p in pages])
        print(f"  (timed on the page's own clock, from the files handed over to Mix enabled and from the click to "
              f"the results on screen; as Playwright sees it, with its own round trips: indexing "
              f"{page['harnessReadSeconds']:.2f} s, mix {page['harnessMixSeconds']:.2f} s, total {harness:.2f} s)")
        if a.runs > 1:
            print(f"  (runs: page mix {runs([p['mixSeconds'] for p in pages])} s; bare "
                  f"{runs([p['bare']['seconds'] for p in pages])} s; indexing {runs([p['readSeconds'] for p in pages])} s;"
                  f" total {runs([p['readSeconds'] + p['mixSeconds'] for p in pages])} s)")
        print(f"  (the manifest complete {median([p['manifestSeconds'] - p['mixSeconds'] for p in pages]):.2f} s after "
              f"the results: its checksums are computed off the waiting path; outputs' SHA-256s as the CLI's)")
        single = median([p["readSeconds"] + p["mixSeconds"] for p in singles])
        print(f"  page total / CLI: {total / kmix_s:.2f}x ({total:.2f} s against {kmix_s:.2f} s)")
        print(f"  page with {pool} workers / with ?workers=1: {total / single:.2f}x ({total:.2f} s against {single:.2f} s;"
              f" runs {runs([p['readSeconds'] + p['mixSeconds'] for p in singles])} s, indexing "
              f"{median([p['readSeconds'] for p in singles]):.2f} s, mix {median([p['mixSeconds'] for p in singles]):.2f} s)")
        if a.notebook_seconds:
            print(f"  against the notebook's {a.notebook_seconds:.0f} s (a reference figure for this input, not measured "
                  f"here): CLI {a.notebook_seconds / kmix_s:.1f}x faster, page {a.notebook_seconds / total:.1f}x faster")


if __name__ == "__main__":
    main()
