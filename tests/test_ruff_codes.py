"""The secure-ls rule <-> Bandit id <-> Ruff code table, checked against the real Ruff.

`# noqa: S324` silences the rules whose `ruff()` codes include S324 (docs/rules/README.md,
"Bandit and Ruff codes"). These tests keep that table honest: every code is one Ruff
has, every Bandit id Ruff implements is mapped, and Ruff itself reports one of a rule's
codes on the rule's own examples.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from secure_ls.rules import all_rules
from secure_ls.rules.base import RUFF_BANDIT_CODES

# Ruff's S320 looks at lxml.etree's parse functions, not at XMLParser(resolve_entities=True),
# which is what SLS109's examples hold: same Bandit test, narrower Ruff check.
RUFF_DETECTS_LESS = {"SLS109"}


def _ruff(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "ruff", *args], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def ruff_bandit_codes() -> set[str]:
    rules = json.loads(_ruff("rule", "--all", "--output-format", "json"))
    return {r["code"] for r in rules if r["linter"] == "flake8-bandit"}


def test_every_code_in_the_table_is_a_ruff_flake8_bandit_rule(ruff_bandit_codes):
    assert RUFF_BANDIT_CODES <= ruff_bandit_codes, sorted(RUFF_BANDIT_CODES - ruff_bandit_codes)


def test_every_bandit_id_that_ruff_implements_has_its_ruff_code(ruff_bandit_codes):
    for rule in all_rules():
        expected = tuple(dict.fromkeys("S" + b[1:] for b in rule.bandit if "S" + b[1:] in ruff_bandit_codes))
        assert rule.ruff() == expected, rule.id
    assert all_rules() and any(r.ruff() for r in all_rules())
    torch = next(r for r in all_rules() if r.name == "torch-load-unsafe")
    assert torch.bandit == ("B614",) and torch.ruff() == ()  # Ruff has no S614


def test_ruff_reports_a_mapped_code_on_each_rules_examples(tmp_path):
    files = {}
    for rule in all_rules():
        if not rule.ruff():
            continue
        for index, example in enumerate(rule.INVALID):
            path = tmp_path / f"{rule.id}_{index}.py"
            path.write_text(example.code, encoding="utf-8")
            files[path.name] = rule
    out = _ruff("check", "--isolated", "--preview", "--select", "S", "--output-format", "json", "--no-cache", str(tmp_path))
    seen: dict[str, set[str]] = {}
    for diagnostic in json.loads(out):
        rule = files[diagnostic["filename"].replace("\\", "/").rsplit("/", 1)[-1]]
        seen.setdefault(rule.id, set()).add(diagnostic["code"])
    mapped = {rule.id: set(rule.ruff()) for rule in files.values()}
    agree = {rule_id for rule_id, codes in mapped.items() if seen.get(rule_id, set()) & codes}
    assert set(mapped) - agree == RUFF_DETECTS_LESS, {r: sorted(seen.get(r, ())) for r in set(mapped) - agree}
