"""The labelled taint corpus: precision and recall per sink class must not drop.

`tests/taint/baseline.json` records the figures reached; raise them when the
engine or a rule gets better (`python -m bench.taint --write-baseline`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .runner import CASES, format_table, run_all, score

BASELINE = Path(__file__).with_name("baseline.json")


@pytest.fixture(scope="module")
def outcomes():
    return run_all()


def test_corpus_is_large_and_balanced():
    assert len(CASES) >= 200
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    sinks = {c.sink for c in CASES}
    for sink in sinks:
        kinds = {c.vulnerable for c in CASES if c.sink == sink}
        assert kinds == {True, False}, f"{sink}: needs both vulnerable and safe cases"
    vulnerable = sum(c.vulnerable for c in CASES)
    assert 0.4 <= vulnerable / len(CASES) <= 0.6
    for case in CASES:
        assert case.sink_line >= 0  # every case marks its sink


def test_precision_and_recall_do_not_drop(outcomes):
    table = score(outcomes)
    print()
    print(format_table(table))
    wrong = [o for o in outcomes if not o.correct]
    for o in wrong:
        print(f"  {'missed' if o.case.vulnerable else 'false positive'}: {o.case.id} ({o.case.rule})")
    baseline = json.loads(BASELINE.read_text())
    drops = []
    for sink, expected in baseline["classes"].items():
        row = table.get(sink)
        assert row is not None, f"no cases left for sink class {sink}"
        for metric in ("precision", "recall"):
            if row[metric] + 0.001 < expected[metric]:
                drops.append(f"{sink} {metric} {row[metric]:.2f} < {expected[metric]:.2f}")
    assert not drops, "taint corpus regressed: " + "; ".join(drops)
