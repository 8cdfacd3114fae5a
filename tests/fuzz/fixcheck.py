"""Fix safety on real code: every offered fix, on files nobody here wrote.

For each file: analyse it, then for every finding with a fix apply that fix
alone and check that
- the result still parses (`ast`, or libcst for files this interpreter cannot read),
- the finding is gone (no finding of that rule left at its place, one fewer overall),
- nothing changed outside the finding's statement except added import lines,
- fixing the result again changes nothing more (the fix does not invite another fix
  on the lines it wrote);
then apply all fixes together (unsafe included) and check the result parses and
reaches a fixed point (a second round only applies fixes the first skipped
because they overlapped).

Used by tests/fixes/test_fix_safety.py (a fixed sample) and `python -m bench.fix_safety` (everything).
"""

from __future__ import annotations

import ast
import difflib
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from secure_ls.checker import read_source
from secure_ls.engine.analyzer import Engine
from secure_ls.engine.edits import apply_edits, apply_fixes
from secure_ls.engine.model import Finding

STDLIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
SITE_PACKAGES = Path(__file__).resolve().parents[2] / ".venv/lib/python3.11/site-packages"
_IMPORT_LINE = re.compile(r"^\s*(?:import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*|from\s+[\w.]+\s+import\s+.+)\s*$")
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Problem:
    kind: str
    path: str
    rule: str
    line: int
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.rule} at {self.path}:{self.line + 1}: {self.detail}"


@dataclass
class Report:
    files: int = 0
    skipped_unparseable: int = 0
    findings: int = 0
    fixable: int = 0
    fixes_applied: int = 0
    fix_all_applied: int = 0
    problems: list[Problem] = field(default_factory=list)
    by_rule: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    internal_errors: list[str] = field(default_factory=list)
    reindented: Counter = field(default_factory=Counter)  # lines re-indented by block-wrapping fixes, by rule

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)

    def summary(self) -> str:
        kinds = ["parse-failure", "not-removed", "other-lines-changed", "changes-string-literal", "not-idempotent", "fix-all-parse-failure", "fix-all-no-fixed-point"]
        lines = [
            f"files:                 {self.files} ({self.skipped_unparseable} skipped: unparseable even before fixing)",
            f"findings:              {self.findings} ({self.fixable} with a fix)",
            f"fixes applied:         {self.fixes_applied} one at a time, {self.fix_all_applied} in fix-all passes",
        ]
        for kind in kinds:
            lines.append(f"{kind + ':':<22} {self.count(kind)}")
        lines.append(f"internal errors:       {len(self.internal_errors)}")
        lines.append(f"time:                  {self.seconds:.0f} s")
        if self.reindented:
            lines.append("lines re-indented by block-wrapping fixes (allowed): " + ", ".join(f"{r} {n}" for r, n in sorted(self.reindented.items())))
        if self.by_rule:
            lines.append("fixes by rule: " + ", ".join(f"{r} {n}" for r, n in sorted(self.by_rule.items())))
        return "\n".join(lines)


def parse_mode(text: str) -> str | None:
    """'ast' or 'cst' (whichever reads the original), None if neither does."""
    try:
        ast.parse(text)
        return "ast"
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    try:
        import libcst

        libcst.parse_module(text)
        return "cst"
    except Exception:
        return None


def parses(text: str, mode: str) -> bool:
    if mode == "ast":
        try:
            ast.parse(text)
            return True
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    import libcst

    try:
        libcst.parse_module(text)
        return True
    except Exception:
        return False


def _lines(text: str) -> list[str]:
    return _BREAK.split(text)


def _inserted_above(finding: Finding, line: int) -> int:
    """Lines that the fix's pure insertions add above `line` (added imports)."""
    n = 0
    for e in finding.fix.edits:
        if e.span.start == e.span.end and e.span.start.line <= line and e.span.start.column == 0:
            n += e.text.count("\n")
    return n


def check_file(engine: Engine, path: Path, report: Report, max_fixes: int | None = None) -> None:
    text = read_source(path)
    mode = parse_mode(text)
    report.files += 1
    if mode is None:
        report.skipped_unparseable += 1
        return
    result = engine.analyze(text)
    findings = result.findings
    report.findings += len(findings)
    fixable = [f for f in findings if f.fix is not None]
    report.fixable += len(fixable)
    if not fixable:
        return
    shown = str(path)
    old_lines = _lines(text)
    before = Counter(f.rule_id for f in findings)
    for finding in fixable[:max_fixes]:
        rule = finding.rule_id
        line = finding.span.start.line
        new = apply_edits(text, list(finding.fix.edits))
        report.fixes_applied += 1
        report.by_rule[rule] += 1
        if new == text:
            report.problems.append(Problem("not-removed", shown, rule, line, f"fix {finding.fix.title!r} changes nothing"))
            continue
        if not parses(new, mode):
            report.problems.append(Problem("parse-failure", shown, rule, line, f"fix {finding.fix.title!r} gives code that does not parse:\n{_diff(text, new)}"))
            continue
        after = engine.analyze(new)
        shift = _inserted_above(finding, line)
        same_place = [f for f in after.findings if f.rule_id == rule and f.span.start.line == line + shift and f.span.start.column == finding.span.start.column]
        if same_place or Counter(f.rule_id for f in after.findings)[rule] >= before[rule]:
            report.problems.append(Problem("not-removed", shown, rule, line, f"fix {finding.fix.title!r} leaves the finding:\n{_diff(text, new)}"))
        # nothing outside the statement changes, except added import lines (and
        # re-indentation of the block a fix wraps, e.g. in `with`: counted apart)
        first, last = finding.statement_lines or (finding.span.start.line, finding.span.end.line)
        first, last = min(first, finding.span.start.line), max(last, finding.span.end.line)
        wrapped = _reindented(finding, first, last)
        if wrapped:
            # a block-wrapping fix owns the block it indents (and the `close()` it removes)
            last = max([last] + [e.span.end.line - (1 if e.span.end.column == 0 and e.span.end.line > e.span.start.line else 0) for e in finding.fix.edits if not (e.span.start == e.span.end and e.span.start.line == 0 and e.span.start.column == 0 and _IMPORT_LINE.match(e.text.strip() or "import x"))])
        new_lines = _lines(new)
        old_norm, new_norm = [l.strip() for l in old_lines], [l.strip() for l in new_lines]
        rewritten = finding.rewritten_lines  # where the flagged value was built: the fix may rewrite it
        # statements the fix owns: its own, where the value was built, and the others it
        # rewrites together (both sides of a password hash); adjacent ones count as one block
        owned = [(first, last)] + ([rewritten] if rewritten else []) + list(finding.rewritten_elsewhere)
        owned.sort()
        merged: list[list[int]] = []
        for a, b in owned:
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_norm, new_norm, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            if tag != "insert" and any(i1 >= a and i2 <= b + 1 for a, b in merged):
                continue
            if tag == "insert" and any(a < i1 <= b + 1 for a, b in finding.rewritten_elsewhere):
                continue  # a statement the fix adds after one it rewrites (`ftp.prot_p()` after login)
            if tag == "insert" and all(_IMPORT_LINE.match(l) or not l.strip() for l in new_lines[j1:j2]):
                continue
            if tag == "insert" and first <= i1 <= last + 1 and _within_statement(new_lines[j1:j2]):
                continue  # a statement that grows a line (a fix splitting a long call)
            report.problems.append(
                Problem("other-lines-changed", shown, rule, line, f"fix {finding.fix.title!r} changes lines {i1 + 1}-{i2} outside the statement (lines {first + 1}-{last + 1}):\n{_diff(text, new)}")
            )
            break
        if wrapped:
            report.reindented[rule] += wrapped
            broken = _string_continuations(text, finding)
            if broken:
                report.problems.append(Problem("changes-string-literal", shown, rule, line, f"fix {finding.fix.title!r} indents line {broken + 1}, which is inside a multi-line string:\n{_diff(text, new)}"))
        # a second round must not find anything new to fix on what the fix wrote
        others = Counter((f.rule_id, f.fix.title) for f in fixable if f is not finding)
        again = Counter((f.rule_id, f.fix.title) for f in after.findings if f.fix)
        grown = [k for k in again if again[k] > others[k]]
        if grown:
            f = next(f for f in after.findings if f.fix and (f.rule_id, f.fix.title) == grown[0])
            newer = apply_edits(new, list(f.fix.edits))
            report.problems.append(Problem("not-idempotent", shown, rule, line, f"after {finding.fix.title!r}, {f.rule_id} offers {f.fix.title!r} on code the fix wrote (line {f.span.start.line + 1}):\n{_diff(new, newer)}"))
    # all together, until nothing more changes
    current, rounds, total_fixable = text, 0, len(fixable)
    current_findings = findings
    while rounds < 5:
        fixed, applied = apply_fixes(current, current_findings, unsafe=True)
        report.fix_all_applied += applied
        rounds += 1
        if fixed == current:
            break
        if not parses(fixed, mode):
            report.problems.append(Problem("fix-all-parse-failure", shown, "*", 0, f"fixing all {applied} findings at once gives code that does not parse:\n{_diff(current, fixed)}"))
            return
        if rounds > 1 and applied >= total_fixable:
            report.problems.append(Problem("fix-all-no-fixed-point", shown, "*", 0, f"round {rounds} still applies {applied} fixes:\n{_diff(current, fixed)}"))
            return
        current = fixed
        current_findings = engine.analyze(current).findings
        total_fixable = sum(1 for f in current_findings if f.fix)
    else:
        report.problems.append(Problem("fix-all-no-fixed-point", shown, "*", 0, "no fixed point after 5 rounds"))


def _reindented(finding: Finding, first: int, last: int) -> int:
    """Lines outside the statement that the fix only indents (whitespace inserted at column 0)."""
    return sum(
        1
        for e in finding.fix.edits
        if e.span.start == e.span.end and e.span.start.column == 0 and not e.text.strip() and not (first <= e.span.start.line <= last)
    )


def _string_continuations(text: str, finding: Finding) -> int | None:
    """A line the fix indents that continues a multi-line string (indenting it changes the string)."""
    import io
    import tokenize

    indented = {e.span.start.line for e in finding.fix.edits if e.span.start == e.span.end and e.span.start.column == 0 and not e.text.strip() and e.text}
    if not indented:
        return None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                for line in range(tok.start[0], tok.end[0]):  # 1-based continuation lines are start+1..end
                    if line in indented:  # 0-based `line` == 1-based line + 1 - 1
                        return line
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def _within_statement(lines: list[str]) -> bool:
    return all(l.startswith((" ", "\t")) or not l.strip() for l in lines)


def _diff(a: str, b: str, limit: int = 14) -> str:
    out = [l for l in difflib.unified_diff(_lines(a), _lines(b), lineterm="", n=1)][2:]
    if len(out) > limit:
        out = out[:limit] + [f"... ({len(out) - limit} more diff lines)"]
    return "\n".join("    " + l[:200] for l in out)


def python_files(roots: list[Path]) -> list[Path]:
    files = []
    for root in roots:
        if root.exists():
            files.extend(p for p in sorted(root.rglob("*.py")) if p.is_file() and "secure_ls" not in p.parts and "__editable__" not in p.name)
    return files


def run(files: list[Path], progress=None, engine: Engine | None = None) -> Report:
    engine = engine or Engine()
    report = Report()
    started = time.monotonic()
    for index, path in enumerate(files):
        try:
            check_file(engine, path, report)
        except Exception as exc:  # report, keep going
            report.internal_errors.append(f"{path}: {type(exc).__name__}: {exc}")
        if progress and index % 200 == 0:
            progress(index, report)
    report.seconds = time.monotonic() - started
    return report
