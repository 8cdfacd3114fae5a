"""Scores the taint corpus (tests/taint) and times the engine on it.

    python -m bench.taint                   # table + misses
    python -m bench.taint --write-baseline  # record the current figures in tests/taint/baseline.json
    python -m bench.taint --corpus heldout-project-idioms   # score a held-out set instead (never in the baseline):
    python -m bench.taint --corpus heldout-dataflow-idioms  # tests/taint/heldout_*.py, named with dashes
"""

from __future__ import annotations

import importlib
import json
import math
import sys
import time
from pathlib import Path

from tests.taint.runner import CASES, format_table, run_all, score

ROOT = Path(__file__).resolve().parent.parent

# Held-out sets: scored on demand, kept out of runner.CASES and the baseline.
HELD_OUT = {name.replace("_", "-"): f"tests.taint.{name}" for name in ("heldout_project_idioms", "heldout_dataflow_idioms")}


def _cases() -> tuple[list, bool]:
    """The cases to score, and whether they are the regression corpus."""
    if "--corpus" not in sys.argv:
        return CASES, True
    index = sys.argv.index("--corpus")
    name = sys.argv[index + 1] if index + 1 < len(sys.argv) else ""
    if name not in HELD_OUT:
        sys.exit(f"--corpus: expected one of {', '.join(sorted(HELD_OUT))}")
    return importlib.import_module(HELD_OUT[name]).CASES, False


def main() -> int:
    cases, regression = _cases()
    if "--write-baseline" in sys.argv and not regression:
        sys.exit("--write-baseline only records the regression corpus, not a held-out set")
    started = time.perf_counter()
    outcomes = run_all(cases)
    elapsed = time.perf_counter() - started
    table = score(outcomes)
    print(format_table(table))
    print(f"{len(cases)} cases in {elapsed:.2f} s")
    for o in outcomes:
        if not o.correct:
            print(f"  {'missed' if o.case.vulnerable else 'false positive'}: {o.case.id} ({o.case.rule})")
    if "--write-baseline" in sys.argv:
        baseline = {
            "note": "minimum precision/recall per sink class; tests/taint/test_corpus.py fails below these",
            "classes": {k: {"precision": math.floor(v["precision"] * 1000) / 1000, "recall": math.floor(v["recall"] * 1000) / 1000} for k, v in table.items()},
        }
        path = ROOT / "tests" / "taint" / "baseline.json"
        path.write_text(json.dumps(baseline, indent=2) + "\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
