#!/usr/bin/env python3
"""Benchmark: kmix (CLI, all cores) against the bare tokenizer on the same rendered texts.

    python3 tools/bench.py [--mb 200] [--tokenizer llama3_1] [--threads N]

Generates the input with tools/gen_step03.py (cached under target/bench/), runs
`kmix --cuts 5,10` with the tokenizer, then the bare tokenizer (examples/bare_tokenizer.rs) on
the rendered conversations of the largest cut (every row kmix counted) with the same thread count,
and prints wall time, rows/s, tokens/s, peak memory and the ratio kmix / bare tokenizer.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    """Runs a command; returns (seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss / 1024, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--tokenizer", default="llama3_1")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()

    bench = os.path.join(ROOT, "target", "bench")
    inputs = os.path.join(bench, f"gen-{a.mb}mb")
    if not os.path.isdir(inputs):
        print(f"generating {a.mb} MB of input in {inputs} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_step03.py"), "--out", inputs, "--seed", "5",
                        "--raw-docs", "1", "--summaries-per-raw", "12", "--qa-per-summary", "5",
                        "--raw-words", "800", "--target-mb", str(a.mb)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["bash", os.path.join(ROOT, "tools", "fetch-tokenizers.sh")], check=True)
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "kmix", "--example", "bare_tokenizer"],
                   cwd=ROOT, check=True)
    tok = os.path.join(ROOT, "vendor-tokenizers", a.tokenizer)
    out = os.path.join(bench, "out")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(inputs) for f in fs)

    kmix_s, kmix_rss, _ = run([os.path.join(ROOT, "target", "release", "kmix"), inputs, "--cuts", "5,10",
                               "--tokenizer", tok, "--out", out, "--threads", str(a.threads), "--quiet"])
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    largest = manifest["outputs"][-1]["file_name"]
    bare_s, _, bare_out = run([os.path.join(ROOT, "target", "release", "examples", "bare_tokenizer"), tok,
                               os.path.join(out, largest), str(a.threads)])
    bare = json.loads(bare_out)
    rows, tokens = bare["texts"], bare["tokens"]
    print(f"input: {size / 1e6:.0f} MB, cuts 5,10, tokenizer {a.tokenizer}, {a.threads} threads")
    print(f"distinct conversations counted: {rows}, tokens: {tokens}")
    print(f"{'':24} {'seconds':>9} {'rows/s':>10} {'tokens/s':>12} {'peak RSS MB':>12}")
    print(f"{'kmix (whole run)':24} {kmix_s:9.2f} {rows / kmix_s:10.0f} {tokens / kmix_s:12.0f} {kmix_rss:12.0f}")
    print(f"{'bare tokenizer (encode)':24} {bare['seconds']:9.2f} {rows / bare['seconds']:10.0f} {tokens / bare['seconds']:12.0f} {'':>12}")
    print(f"ratio kmix / bare tokenizer: {kmix_s / bare['seconds']:.2f}")


if __name__ == "__main__":
    main()
