"""The hover text for a finding: what, why, the CWE, and a bad/good example."""

from __future__ import annotations

from secure_ls.engine.model import Finding
from secure_ls.rules import rule_by_id
from secure_ls.rules.base import section


def hover_markdown(finding: Finding, with_message: bool = True) -> str:
    """`with_message=False` for a client that shows the diagnostic's own message in the same
    hover (VS Code): the message is then not repeated."""
    rule = rule_by_id(finding.rule_id)
    parts = [f"**{finding.rule_id} · {finding.rule_name}** ({finding.severity.name.lower()} severity, {finding.confidence.name.lower()} confidence)"]
    if with_message:
        parts += ["", finding.message]
    if finding.related:
        steps = "\n".join(f"{i}. line {r.span.start.line + 1}: {r.message}" for i, r in enumerate(finding.related, 1))
        parts += ["", "**How the data gets here**", "", steps]
    if rule is not None:
        why = section(rule.doc(), "Why is this bad")
        fix = section(rule.doc(), "How to fix it")
        if why:
            parts += ["", "**Why is this bad?**", "", why]
        if fix:
            parts += ["", "**How to fix it**", "", fix]
        example = next((e for e in rule.INVALID if e.fixed is not None), None)
        if example is not None:
            parts += ["", "**Bad**", "", "```python", example.code.rstrip(), "```", "", "**Good**", "", "```python", example.fixed.rstrip(), "```"]
        links = []
        if rule.cwe:
            links.append(f"[CWE-{rule.cwe}]({rule.cwe_url()})")
        links.append(f"[Rule documentation]({rule.doc_url()})")
        parts += ["", " · ".join(links)]
    return "\n".join(parts)
