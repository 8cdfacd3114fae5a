"""Every rule's own VALID and INVALID examples, run as tests.

For an INVALID example: every finding covers source text of the example
(and the text named by `where`, with `says` in its message, when given); with
an expected fix, the fix must produce exactly that text, the result must
parse, the finding must be gone, and applying fixes again must change
nothing more.
"""

from __future__ import annotations

import ast

import pytest

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.edits import apply_edits
from secure_ls.rules import all_rules

ENGINE = Engine()
RULES = [r for r in all_rules() if r.language == "python"]


def _cases(kind):
    for rule in RULES:
        for index, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, example, id=f"{rule.id}-{kind.lower()}-{index}")


def _findings(code, rule):
    result = ENGINE.analyze(code)
    assert not result.problems, result.problems
    return [f for f in result.findings if f.rule_id == rule.id]


def test_every_rule_has_examples_and_docs():
    for rule in RULES:
        assert rule.VALID, f"{rule.id} has no VALID examples"
        assert rule.INVALID, f"{rule.id} has no INVALID examples"
        doc = rule.doc()
        for heading in ("## What it does", "## Why is this bad?", "## How to fix it"):
            assert heading in doc, f"{rule.id} doc lacks {heading!r}"
        assert rule.fixable == any(e.fixed is not None for e in rule.INVALID), (
            f"{rule.id}: `fixable` must say whether any example shows a fix"
        )


def test_every_python_example_says_where_its_finding_lands_and_what_it_says():
    """An INVALID example is the rule's test: without `where` and `says` a finding could move to
    another expression or lose its explanation and the example would still pass."""
    vague = [f"{r.id}[{i}]" for r in RULES for i, e in enumerate(r.INVALID) if e.path.endswith(".py") and not (e.where and e.says)]
    assert not vague, f"INVALID examples without where= and says=: {vague}"


@pytest.mark.parametrize("rule, code", list(_cases("VALID")))
def test_valid_example_is_not_flagged(rule, code):
    assert _findings(code, rule) == []


@pytest.mark.parametrize("rule, example", list(_cases("INVALID")))
def test_invalid_example_is_flagged_and_fixed(rule, example):
    ast.parse(example.code)  # examples must be valid Python
    findings = _findings(example.code, rule)
    assert len(findings) == example.count, [f.message for f in findings]
    lines = example.code.split("\n")
    for finding in findings:
        assert finding.message and finding.span.start <= finding.span.end
        assert finding.span.end.line < len(lines), "the finding lies outside the example"
    first = findings[0]
    flagged = _text(lines, first.span)
    assert flagged.strip(), f"the finding covers no source text: {first.message}"
    if example.where is not None:
        assert example.where in flagged, f"the finding covers {flagged!r}, not {example.where!r}"
    if example.says is not None:
        assert example.says in first.message, first.message
    if example.fixed is None:
        assert first.fix is None, "example says no fix, but the rule offers one"
        return
    assert first.fix is not None, f"no fix offered: {first.message}"
    fixed = apply_edits(example.code, list(first.fix.edits))
    assert fixed == example.fixed
    ast.parse(fixed)
    after = _findings(fixed, rule)
    # the finding is gone and none appeared; others with the same cause may go with it
    # (the parser made with resolve_entities=True, and the parse call that uses it)
    remaining = [(f.rule_id, f.message) for f in findings[1:]]
    assert first.key not in {f.key for f in after}, [f.message for f in after]
    assert all((f.rule_id, f.message) in remaining for f in after), [f.message for f in after]


def _text(lines: list[str], span) -> str:
    """The source text a span covers (columns are code points)."""
    if span.start.line == span.end.line:
        return lines[span.start.line][span.start.column : span.end.column]
    middle = lines[span.start.line + 1 : span.end.line]
    return "\n".join([lines[span.start.line][span.start.column :], *middle, lines[span.end.line][: span.end.column]])


def test_call_rules_declare_the_calls_they_need():
    """Every keystroke runs every rule: a rule with visit_Call must say which calls it wants.

    Declare `calls = frozenset({...})` (qualified names such as "subprocess.run";
    a trailing "." takes a whole module, e.g. "subprocess.") and/or
    `methods = frozenset({...})` (method names on any receiver, e.g. "execute").
    A rule that truly must see every call sets `every_call = True`.
    """
    lazy = [
        r.id
        for r in RULES
        if "Call" in r.visitors() and not r.calls and not r.methods and not getattr(r, "every_call", False)
    ]
    assert not lazy, f"rules that see every call without declaring calls/methods (see this test's docstring): {lazy}"
