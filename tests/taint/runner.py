"""Runs the labelled corpus and scores it per sink class.

Used by test_corpus.py and `python -m bench.taint`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.model import Confidence, Finding

from . import blind_framework_idioms, blind_web_apps, sinks_injection, sinks_templates_queries_output, sources_and_propagation
from .case import Case

# sinks_* and sources_and_propagation were written with the engine; the blind_* sets blind, then
# kept as regression cases. The held-out sets (heldout_*.py) are scored apart: bench/taint.py --corpus.
CASES: list[Case] = (
    sinks_injection.CASES
    + sinks_templates_queries_output.CASES
    + sources_and_propagation.CASES
    + blind_web_apps.CASES
    + blind_framework_idioms.CASES
)


@dataclass
class Outcome:
    case: Case
    reported: bool  # the expected rule reported at the sink line at MEDIUM or above
    findings: list[Finding]

    @property
    def correct(self) -> bool:
        return self.reported == self.case.vulnerable


def _at_sink(case: Case, findings: list[Finding]) -> list[Finding]:
    line = case.sink_line
    return [f for f in findings if f.rule_id == case.rule and f.span.start.line <= line <= f.span.end.line]


def run_case(case: Case, engine: Engine | None = None) -> Outcome:
    if case.files:
        findings = _run_package(case)
    else:
        findings = (engine or Engine()).analyze(case.code).findings
    hits = _at_sink(case, findings)
    return Outcome(case, any(f.confidence >= Confidence.MEDIUM for f in hits), hits)


def _run_package(case: Case) -> list[Finding]:
    """Writes the case as package `pkg` in a temporary folder and checks it like the CLI does."""
    from secure_ls.checker import check_paths
    from secure_ls.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "pkg"
        package.mkdir()
        (package / "__init__.py").write_text("")
        for name, text in case.files.items():
            (package / name).write_text(text)
        results = check_paths([tmp], Settings(), jobs=1)
        main = os.path.join(str(package), "app.py")
        for result in results:
            if os.path.samefile(result.path, main):
                return result.findings
    return []


def score(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Per sink class: true/false positives/negatives, precision and recall."""
    table: dict[str, dict[str, float]] = {}
    for o in outcomes:
        row = table.setdefault(o.case.sink, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
        if o.case.vulnerable:
            row["tp" if o.reported else "fn"] += 1
        else:
            row["fp" if o.reported else "tn"] += 1
    for row in table.values():
        row["precision"] = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else 1.0
        row["recall"] = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else 1.0
    return dict(sorted(table.items()))


def run_all(cases: list[Case] | None = None) -> list[Outcome]:
    engine = Engine()
    return [run_case(c, engine) for c in (cases or CASES)]


def format_table(table: dict[str, dict[str, float]]) -> str:
    lines = [f"{'class':<12} {'cases':>5} {'tp':>3} {'fp':>3} {'fn':>3} {'tn':>3} {'precision':>9} {'recall':>7}"]
    for sink, row in table.items():
        total = int(row["tp"] + row["fp"] + row["fn"] + row["tn"])
        lines.append(
            f"{sink:<12} {total:>5} {int(row['tp']):>3} {int(row['fp']):>3} {int(row['fn']):>3} {int(row['tn']):>3} {row['precision']:>9.2f} {row['recall']:>7.2f}"
        )
    return "\n".join(lines)
