"""The engine: text in, findings out. Knows rules, knows nothing about LSP.

Analysis is incremental by construction: a file is split into top-level
units (engine/units.py); each unit's findings are cached under its text and
a fingerprint of the module's top-level bindings (imports, constants).
Editing inside one function re-analyses that function only; editing an
import re-analyses everything, since names may now resolve differently.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass, field
from typing import Iterable

from secure_ls.engine.context import UnitContext, walk
from secure_ls.engine.model import AnalysisResult, Edit, Finding, Fix, Position, Span
from secure_ls.engine.symbols import ModuleSymbols, UnitSymbols, import_bindings, summarize
from secure_ls.engine.units import Unit, UnitParser

log = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 3_000_000


@dataclass
class EngineOptions:
    """Analysis knobs that change findings (so they are part of cache keys)."""

    sources: dict[str, str] | None = None
    sanitizers: dict[str, frozenset[str]] | None = None
    max_chars: int = DEFAULT_MAX_CHARS

    def fingerprint(self) -> int:
        return hash(
            (
                frozenset((self.sources or {}).items()),
                frozenset((self.sanitizers or {}).items()),
            )
        )


@dataclass
class _UnitAnalysis:
    findings: list[Finding]
    problems: list[str] = field(default_factory=list)


class Engine:
    def __init__(self, rules: Iterable[type] | None = None, options: EngineOptions | None = None):
        if rules is None:
            from secure_ls.rules import all_rules

            rules = all_rules()
        self.rules = [r() for r in rules if getattr(r, "language", "python") == "python"]
        self.options = options or EngineOptions()
        self._dispatch: dict[type, list] = {}
        for rule in self.rules:
            for node_type, method in rule.visitors().items():
                cls = getattr(ast, node_type, None)
                if cls is None:
                    continue
                self._dispatch.setdefault(cls, []).append((rule, getattr(rule, method)))
        self._parser = UnitParser()
        self._symbols: dict[str, UnitSymbols] = {}
        self._results: dict[tuple[str, int], _UnitAnalysis] = {}
        self._reported_errors: set[tuple[str, str]] = set()

    def analyze(self, text: str) -> AnalysisResult:
        result = AnalysisResult()
        if len(text) > self.options.max_chars:
            result.problems.append(
                f"file not analysed: {len(text):,} characters is over the {self.options.max_chars:,}-character limit (setting maxFileSize)"
            )
            return result
        newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        units = self._parser.split(text)
        module = ModuleSymbols.merge([self._unit_symbols(u) for u in units])
        fingerprint = hash((module.fingerprint(), self.options.fingerprint()))
        for unit in units:
            parsed = unit.parsed
            if parsed.tree is None:
                line, col, message = parsed.error
                line_text = parsed.text.split("\n")[line - 1] if line - 1 < parsed.text.count("\n") + 1 else ""
                col = min(col, len(line_text))
                start = Position(unit.start_line + line - 1, col)
                end = Position(start.line, max(col + 1, len(line_text)) if col >= len(line_text) else len(line_text))
                result.syntax_errors.append((Span(start, end), message))
                continue
            key = (parsed.text, fingerprint)
            analysis = self._results.get(key)
            if analysis is None:
                analysis = self._analyze_unit(parsed, module)
                if len(self._results) > 50_000:
                    self._results.clear()
                self._results[key] = analysis
            result.problems.extend(analysis.problems)
            result.findings.extend(f.shifted(unit.start_line) for f in analysis.findings)
        self._add_imports(result.findings, units, module, newline)
        if newline != "\n":
            result.findings = [_with_newline(f, newline) for f in result.findings]
        return result

    def _unit_symbols(self, unit: Unit) -> UnitSymbols:
        cached = self._symbols.get(unit.parsed.text)
        if cached is None:
            cached = summarize(unit.parsed.tree) if unit.parsed.tree is not None else UnitSymbols((), frozenset(), frozenset())
            if len(self._symbols) > 50_000:
                self._symbols.clear()
            self._symbols[unit.parsed.text] = cached
        return cached

    def _analyze_unit(self, parsed, module: ModuleSymbols) -> _UnitAnalysis:
        overrides = {"sources": self.options.sources, "sanitizers": self.options.sanitizers}
        ctx = UnitContext(parsed, module, overrides)
        problems: list[str] = []

        def on_error(rule, node, exc):
            where = f"line {getattr(node, 'lineno', '?')}"
            problems.append(f"rule {rule.id} ({rule.name}) failed at {where} of a unit: {type(exc).__name__}: {exc}")

        try:
            walk(ctx, self._dispatch, on_error)
        except RecursionError:
            problems.append("unit too deeply nested to analyse completely")
        return _UnitAnalysis(_dedupe(ctx.findings), problems)

    # ---- fix imports ----------------------------------------------------------
    def _add_imports(self, findings: list[Finding], units: list[Unit], module: ModuleSymbols, newline: str) -> None:
        if not any(f.fix and f.fix.imports for f in findings):
            return
        line = _import_insertion_line(units)
        for i, finding in enumerate(findings):
            fix = finding.fix
            if not fix or not fix.imports:
                continue
            missing = [stmt for stmt in fix.imports if not _already_imported(stmt, module)]
            if not missing:
                continue
            text = "".join(stmt + "\n" for stmt in missing)
            at = Position(line, 0)
            edits = (Edit(Span(at, at), text),) + fix.edits
            findings[i] = _replace_fix(finding, Fix(fix.title, edits, fix.safe, fix.imports))


def _import_insertion_line(units: list[Unit]) -> int:
    """The line after the file's leading docstring, __future__ and import block."""
    line = 0
    for index, unit in enumerate(units):
        tree = unit.parsed.tree
        if tree is None or len(tree.body) != 1:
            break
        stmt = tree.body[0]
        is_docstring = index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
        if is_docstring or isinstance(stmt, (ast.Import, ast.ImportFrom)):
            line = unit.start_line + (stmt.end_lineno or stmt.lineno)
            continue
        if isinstance(stmt, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body):
            line = unit.start_line + (stmt.end_lineno or stmt.lineno)
            continue
        break
    return line


def _already_imported(statement: str, module: ModuleSymbols) -> bool:
    try:
        node = ast.parse(statement).body[0]
    except SyntaxError:
        return False
    return all(module.imports.get(local) == qualified for local, qualified in import_bindings(node))


def _replace_fix(finding: Finding, fix: Fix) -> Finding:
    return Finding(
        finding.rule_id, finding.rule_name, finding.message, finding.span, finding.severity,
        finding.confidence, finding.cwe, fix, finding.related, finding.statement_lines,
    )


def _with_newline(finding: Finding, newline: str) -> Finding:
    if not finding.fix:
        return finding
    edits = tuple(Edit(e.span, e.text.replace("\n", newline)) for e in finding.fix.edits)
    return _replace_fix(finding, Fix(finding.fix.title, edits, finding.fix.safe, finding.fix.imports))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.key in seen:
            continue
        seen.add(f.key)
        out.append(f)
    return out
