"""Applying edits to text: used by `check --fix`, fixAll and the fix tests."""

from __future__ import annotations

from secure_ls.engine.model import Edit, Finding


def _line_starts(text: str) -> list[int]:
    """Offsets of line starts, with LSP line breaks (\\r\\n, \\r, \\n)."""
    starts = [0]
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            starts.append(i + 1)
        elif ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
            starts.append(i + 1)
        i += 1
    return starts


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Applies non-overlapping edits (overlapping ones after the first are dropped)."""
    if not edits:
        return text
    starts = _line_starts(text) if "\r" in text else _fast_line_starts(text)

    def offset(line: int, column: int) -> int:
        if line >= len(starts):
            return len(text)
        return min(starts[line] + column, starts[line + 1] if line + 1 < len(starts) else len(text))

    spans = []
    for edit in edits:
        start = offset(edit.span.start.line, edit.span.start.column)
        end = offset(edit.span.end.line, edit.span.end.column)
        spans.append((start, end, edit.text))
    spans.sort(key=lambda s: (s[0], s[1]))
    out = []
    cursor = 0
    seen_inserts: set[tuple[int, str]] = set()
    for start, end, new in spans:
        if start < cursor:
            continue  # overlaps an earlier edit
        if start == end and _is_import(new):
            if (start, new) in seen_inserts:
                continue  # the same import added by two fixes
            seen_inserts.add((start, new))
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _fast_line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def _is_import(text: str) -> bool:
    """Whether an insertion adds import lines: only those are merged when two fixes add the
    same one. Other identical insertions are not duplicates: two nested `with` fixes each
    indent the same lines by one level, and both indents are needed."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith(("import ", "from ")) for line in lines)


def select_fix_edits(findings: list[Finding], unsafe: bool = False) -> list[Edit]:
    """The edits of every fix that does not overlap an earlier one (one import insert each)."""
    return _select(findings, unsafe)[0]


def selected_fixes(findings: list[Finding], unsafe: bool = False) -> list:
    """The fixes `apply_fixes` applies (for their `requires`)."""
    return _select(findings, unsafe)[2]


def _select(findings: list[Finding], unsafe: bool) -> tuple[list[Edit], int, list]:
    chosen = 0
    fixes = []
    edits: list[Edit] = []
    taken: list[tuple] = []
    inserts: set[tuple] = set()
    for finding in findings:
        fix = finding.fix
        if fix is None or (not fix.safe and not unsafe) or not fix.bulk:
            continue
        ranges = [(e.span.start, e.span.end) for e in fix.edits if e.span.start != e.span.end]
        if any(not (b <= s or a >= e) for a, b in ranges for s, e in taken):
            continue
        taken.extend(ranges)
        chosen += 1
        fixes.append(fix)
        for edit in fix.edits:
            if edit.span.start == edit.span.end and _is_import(edit.text):
                key = (edit.span.start, edit.text)
                if key in inserts:
                    continue
                inserts.add(key)
            edits.append(edit)
    return edits, chosen, fixes


def apply_fixes(text: str, findings: list[Finding], unsafe: bool = False) -> tuple[str, int]:
    """Applies the fixes of `findings` that do not overlap; returns (text, fixes applied)."""
    edits, chosen, _ = _select(findings, unsafe)
    return apply_edits(text, edits), chosen
