#!/usr/bin/env python3
"""Lists every Rust function longer than 80 lines (from its `fn` line to its closing brace).

Scans src/**/*.rs (or the folders and files given), leaving out `#[cfg(test)]` items and
modules. Exits 1 when any function is too long, 0 otherwise. Standard library only.
"""

import pathlib
import re
import sys

MAX_LINES = 80
ROOT = pathlib.Path(__file__).resolve().parent.parent


def blank(text):
    """The text with comments and the insides of string and char literals made spaces (newlines
    kept), so that what is left of braces and keywords is code."""
    out = list(text)
    n = len(text)
    i = 0

    def wipe(start, end):
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "

    def ident(ch):
        return ch.isalnum() or ch == "_"

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            wipe(i, end)
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j)
            i = j
        elif c in "rb" and (i == 0 or not ident(text[i - 1])):
            raw = re.compile(r"(?:br|r|cr)(#*)\"").match(text, i)
            if raw:
                close = '"' + raw.group(1)
                end = text.find(close, raw.end())
                end = n if end < 0 else end + len(close)
                wipe(raw.end(), end - len(close))
                i = end
            else:
                i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            wipe(i + 1, j)
            i = j + 1
        elif c == "'":
            # A char literal ('x', '\n', '\u{7d}', '{'), or else a lifetime or a label.
            if i + 1 < n and text[i + 1] == "\\":
                j = i + 3
                while j < n and text[j] != "'":
                    j += 1
                wipe(i + 1, j)
                i = j + 1
            elif i + 2 < n and text[i + 2] == "'":
                wipe(i + 1, i + 2)
                i += 3
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def matching(code, open_at):
    """The position of the bracket closing the one at `open_at`."""
    pairs = {"{": "}", "(": ")", "[": "]"}
    stack = []
    for j in range(open_at, len(code)):
        ch = code[j]
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch in "})]":
            if stack and stack[-1] == ch:
                stack.pop()
            if not stack:
                return j
    return len(code) - 1


def item_end(code, start):
    """Where the item starting at `start` ends: its `;`, or the brace closing its body."""
    j = start
    while j < len(code):
        ch = code[j]
        if ch in "([":
            j = matching(code, j) + 1
            continue
        if ch == ";":
            return j
        if ch == "{":
            return matching(code, j)
        j += 1
    return len(code) - 1


def test_only(code):
    """Ranges of the code under `#[cfg(test)]` (the whole file for `#![cfg(test)]`)."""
    if re.search(r"#!\[\s*cfg\s*\(\s*test\s*\)\s*\]", code):
        return [(0, len(code))]
    ranges = []
    for m in re.finditer(r"#\[\s*cfg\s*\(\s*test\s*\)\s*\]", code):
        j = m.end()
        # Other attributes of the same item.
        while True:
            while j < len(code) and code[j].isspace():
                j += 1
            if code.startswith("#[", j):
                j = matching(code, j + 1) + 1
            else:
                break
        ranges.append((m.start(), item_end(code, j)))
    return ranges


def long_functions(path):
    text = path.read_text(encoding="utf-8")
    code = blank(text)
    skipped = test_only(code)
    found = []
    for m in re.finditer(r"\bfn\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)", code):
        if any(a <= m.start() <= b for a, b in skipped):
            continue
        end = item_end(code, m.end())
        if code[end] != "}":
            continue  # A declaration without a body.
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, end) + 1
        lines = last - first + 1
        if lines > MAX_LINES:
            found.append((first, m.group(1), lines))
    return found


def main(args):
    roots = [pathlib.Path(a) for a in args] or [ROOT / "src"]
    files = []
    for root in roots:
        files.extend(sorted(root.rglob("*.rs")) if root.is_dir() else [root])
    over = 0
    for path in files:
        try:
            shown = path.resolve().relative_to(ROOT)
        except ValueError:
            shown = path
        for line, name, lines in long_functions(path):
            print(f"{shown}:{line}: fn {name} is {lines} lines (at most {MAX_LINES})")
            over += 1
    if over:
        print(f"{over} function(s) longer than {MAX_LINES} lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
