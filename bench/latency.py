"""Edit-to-diagnostics latency of the real server over stdio.

For generated files of 1k, 5k and 20k lines: the time from sending
`didOpen` to the first diagnostics, then 200 single-character edits typed
into a function in the middle of the file, each timed from sending
`didChange` to receiving the diagnostics for that version.

    .venv/bin/python bench/latency.py [--edits 200] [--sizes 1000,5000,20000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402
from lspclient import RawClient  # noqa: E402

TARGETS = {5000: 10.0, 20000: 15.0}  # p95 ms, from the issue
RUFF_P95 = {1000: 2.3, 5000: 9.8, 20000: 43.0}  # Ruff's server with S rules, measured on this machine


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(lines: int, edits: int) -> dict:
    text = generate(lines)
    uri = f"file:///tmp/bench_{lines}.py"
    client = RawClient()
    try:
        sent = time.perf_counter()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        stamp, message = client.wait_diagnostics(uri, 1)
        first = (stamp - sent) * 1000
        findings = len(message["params"]["diagnostics"])
        # type into a line in the middle: `total += value` -> `total += valuexxxx...`
        doc_lines = text.split("\n")
        middle = next(i for i in range(len(doc_lines) // 2, len(doc_lines)) if doc_lines[i].strip() == "total += value")
        column = len(doc_lines[middle])
        timings = []
        version = 1
        for n in range(edits):
            version += 1
            if n % 20 == 19:  # delete what was typed, as people do
                change = {"range": {"start": {"line": middle, "character": len(doc_lines[middle])}, "end": {"line": middle, "character": column}}, "text": ""}
                column = len(doc_lines[middle])
            else:
                change = {"range": {"start": {"line": middle, "character": column}, "end": {"line": middle, "character": column}}, "text": "x"}
                column += 1
            sent = time.perf_counter()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            stamp, _ = client.wait_diagnostics(uri, version)
            timings.append((stamp - sent) * 1000)
        return {
            "lines": len(doc_lines),
            "findings": findings,
            "first": first,
            "p50": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "max": max(timings),
        }
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--sizes", default="1000,5000,20000")
    args = parser.parse_args()
    print(f"{'lines':>7} {'findings':>8} {'open->diags ms':>15} {'edit p50 ms':>12} {'edit p95 ms':>12} {'max ms':>8} {'target p95':>11} {'Ruff LS p95':>12}")
    for size in (int(s) for s in args.sizes.split(",")):
        r = measure(size, args.edits)
        target = f"<= {TARGETS[size]:.0f}" if size in TARGETS else "-"
        ruff = f"{RUFF_P95[size]:.1f}" if size in RUFF_P95 else "-"
        print(f"{r['lines']:>7} {r['findings']:>8} {r['first']:>15.1f} {r['p50']:>12.2f} {r['p95']:>12.2f} {r['max']:>8.1f} {target:>11} {ruff:>12}")
    print("first-diagnostics target for a freshly opened 5k-line file: <= 200 ms")


if __name__ == "__main__":
    main()
