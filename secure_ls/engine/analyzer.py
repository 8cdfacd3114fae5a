"""The engine: text in, findings out. Knows rules, knows nothing about LSP.

Analysis is incremental by construction: a file is split into top-level
units (engine/units.py); each unit's findings are cached under its text and
a fingerprint of the module's top-level bindings (imports, constants).
Editing inside one function re-analyses that function only; editing an
import re-analyses everything, since names may now resolve differently.
"""

from __future__ import annotations

import ast
import bisect
import logging
from dataclasses import dataclass, field
from typing import Iterable

from secure_ls.engine.context import Dispatch, UnitContext, walk
from secure_ls.engine.model import AnalysisResult, Edit, Finding, Fix, Position, Span
from secure_ls.engine.symbols import ModuleSymbols, UnitSymbols, import_bindings, summarize
from secure_ls.engine.units import Unit, UnitParser, may_continue

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
        self._dispatch = Dispatch(self.rules)
        self._parser = UnitParser()
        self._symbols: dict[str, UnitSymbols] = {}
        self._results: dict[tuple[str, int], _UnitAnalysis] = {}
        self._sessions: dict[object, _Session] = {}
        self._imported: dict[tuple[str, int], bool] = {}

    def analyze(self, text: str, key: object = None) -> AnalysisResult:
        """Findings for `text`.

        `key` names a document whose successive versions are analysed (an
        editor buffer): the units before and after the edited region, and
        their findings, are reused from the previous version.
        """
        result = AnalysisResult()
        if len(text) > self.options.max_chars:
            result.problems.append(
                f"file not analysed: {len(text):,} characters is over the {self.options.max_chars:,}-character limit (setting maxFileSize)"
            )
            self._sessions.pop(key, None)
            return result
        newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        previous = self._sessions.get(key) if key is not None else None
        layout = _resplit(self._parser, previous, text) if previous is not None else None
        if layout is None:
            units = self._parser.split(text)
            layout = _Layout(units, [u.start_offset for u in units], [None] * len(units), 0)
        units = layout.units
        symbols = [self._unit_symbols(u) for u in units]
        if previous is not None and symbols == previous.symbols:
            module, fingerprint = previous.module, previous.fingerprint
        else:
            module = ModuleSymbols.merge(symbols)
            fingerprint = hash((module.fingerprint(), self.options.fingerprint()))
        reuse = previous is not None and previous.fingerprint == fingerprint
        per_unit: list[list[Finding]] = []
        for index, unit in enumerate(units):
            parsed = unit.parsed
            old = layout.old_index[index]
            if reuse and old is not None:
                findings = previous.per_unit[old]
                if layout.line_delta and findings and index >= layout.first_suffix:
                    findings = [f.shifted(layout.line_delta) for f in findings]
                per_unit.append(findings)
                continue
            if parsed.tree is None:
                per_unit.append([])
                continue
            cache_key = (parsed.text, fingerprint)
            analysis = self._results.get(cache_key)
            if analysis is None:
                analysis = self._analyze_unit(parsed, module)
                if len(self._results) > 50_000:
                    self._results.clear()
                self._results[cache_key] = analysis
            result.problems.extend(analysis.problems)
            per_unit.append([f.shifted(unit.start_line) for f in analysis.findings])
        for unit in units:
            parsed = unit.parsed
            if parsed.tree is None:
                result.syntax_errors.append(_syntax_error(unit))
        for findings in per_unit:
            result.findings.extend(findings)
        if key is not None:
            self._sessions[key] = _Session(text, units, layout.starts, symbols, module, fingerprint, per_unit)
        self._add_imports(result.findings, units, module, newline)
        if newline != "\n":
            result.findings = [_with_newline(f, newline) for f in result.findings]
        return result

    def forget(self, key: object) -> None:
        """Drops what is kept about a document (it was closed)."""
        self._sessions.pop(key, None)

    def _unit_symbols(self, unit: Unit) -> UnitSymbols:
        cached = self._symbols.get(unit.parsed.text)
        if cached is None:
            try:
                cached = summarize(unit.parsed.tree) if unit.parsed.tree is not None else UnitSymbols((), frozenset(), frozenset())
            except RecursionError:  # an absurdly deep expression (`a+a+...+a` thousands of times)
                cached = UnitSymbols((), frozenset(), frozenset())
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
    def _already_imported(self, statement: str, module: ModuleSymbols) -> bool:
        key = (statement, id(module))
        known = self._imported.get(key)
        if known is None:
            if len(self._imported) > 10_000:
                self._imported.clear()
            known = self._imported[key] = _already_imported(statement, module)
        return known

    def _add_imports(self, findings: list[Finding], units: list[Unit], module: ModuleSymbols, newline: str) -> None:
        if not any(f.fix and f.fix.imports for f in findings):
            return
        line = _import_insertion_line(units)
        for i, finding in enumerate(findings):
            fix = finding.fix
            if not fix or not fix.imports:
                continue
            missing = [stmt for stmt in fix.imports if not self._already_imported(stmt, module)]
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


@dataclass
class _Session:
    """What the last analysis of one document left, for the next version."""

    text: str
    units: list[Unit]
    starts: list[int]
    symbols: list[UnitSymbols]
    module: ModuleSymbols
    fingerprint: int
    per_unit: list[list[Finding]]


@dataclass
class _Layout:
    units: list[Unit]
    starts: list[int]
    old_index: list[int | None]  # the unit's index in the previous version, if unchanged
    line_delta: int
    first_suffix: int = 0  # index of the first unit after the edited region


_CHUNK = 16384


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i : i + _CHUNK] == b[i : i + _CHUNK]:
        i += _CHUNK
    i = min(i, limit)
    end = min(i + _CHUNK, limit)
    while i < end and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, limit: int) -> int:
    n = 0
    la, lb = len(a), len(b)
    while n + _CHUNK <= limit and a[la - n - _CHUNK : la - n] == b[lb - n - _CHUNK : lb - n]:
        n += _CHUNK
    while n < limit and a[la - n - 1] == b[lb - n - 1]:
        n += 1
    return n


def _resplit(parser: UnitParser, previous: _Session, text: str) -> _Layout | None:
    """Units of `text`, re-splitting only around the region that differs from `previous`."""
    old = previous.text
    units, starts = previous.units, previous.starts
    count = len(units)
    if old == text:
        return _Layout(list(units), list(starts), list(range(count)), 0, count)
    if count == 0:
        return None
    prefix = _common_prefix(old, text)
    suffix = _common_suffix(old, text, min(len(old), len(text)) - prefix)
    old_end = len(old) - suffix
    delta = len(text) - len(old)
    # the units touching the change, widened by one on each side: an edit can
    # join a unit to its neighbour (a dedent removed) or split one
    first = max(bisect.bisect_right(starts, max(prefix - 1, 0)) - 2, 0)
    last = bisect.bisect_right(starts, old_end) - 1
    # the region must end where the following text is unchanged, newline included
    while last + 1 < count and starts[last + 1] - 1 < old_end:
        last += 1
    last = min(last + 1, count - 1)
    region_start = starts[first]
    if prefix < region_start:
        return None  # the edit is before the first unit (leading comments)
    region_old_end = starts[last + 1] if last + 1 < count else len(old)
    region_new_end = region_old_end + delta
    if region_new_end < region_start:
        return None
    region = text[region_start:region_new_end]
    fresh = parser.split(region)
    if fresh and may_continue(fresh[-1].parsed) and last + 1 < count:
        return None  # an unclosed string or bracket may swallow what follows: split everything
    base_line = units[first].start_line
    line_delta = region.count("\n") - old.count("\n", region_start, region_old_end)
    new_units = list(units[:first])
    new_starts = list(starts[:first])
    old_index: list[int | None] = list(range(first))
    for unit in fresh:
        new_units.append(Unit(base_line + unit.start_line, unit.parsed, region_start + unit.start_offset))
        new_starts.append(region_start + unit.start_offset)
        old_index.append(None)
    first_suffix = len(new_units)
    for index in range(last + 1, count):
        unit = units[index]
        new_units.append(Unit(unit.start_line + line_delta, unit.parsed, unit.start_offset + delta) if line_delta else unit)
        new_starts.append(starts[index] + delta)
        old_index.append(index)
    return _Layout(new_units, new_starts, old_index, line_delta, first_suffix)


def _syntax_error(unit: Unit) -> tuple[Span, str]:
    parsed = unit.parsed
    line, col, message = parsed.error
    lines = parsed.text.split("\n")
    line_text = lines[line - 1] if 0 < line <= len(lines) else ""
    col = min(col, len(line_text))
    start = Position(unit.start_line + line - 1, col)
    end = Position(start.line, len(line_text) if len(line_text) > col else col)
    return Span(start, end), message
