"""Hover: over a finding, what it is, why it matters, the CWE, and a bad/good example."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from secure_ls.engine.model import Finding
from secure_ls.lsp import convert
from secure_ls.lsp.diagnostics import analyze
from secure_ls.rules import rule_by_id
from secure_ls.rules.base import section

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer


def hover(ls: SecureLanguageServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return ls.notebooks.hover(params)  # a notebook cell, or nothing
    analysis = analyze(ls, doc)
    encoding = ls.encoding
    here = (params.position.line, params.position.character)
    for finding in analysis.findings:
        rng = convert.to_range(doc, finding.span, encoding)
        if (rng.start.line, rng.start.character) <= here <= (rng.end.line, rng.end.character):
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(finding, ls.configuration.hover_repeats_message)),
                range=rng,
            )
    return None


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
