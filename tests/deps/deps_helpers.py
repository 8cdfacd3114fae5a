"""Small helpers shared by the dependency tests."""

from __future__ import annotations

from pathlib import Path


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return str(p)


def apply_edits(text: str, edits) -> str:
    """Apply engine edits (0-based line, code-point column) to text."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def off(p):
        return starts[p.line] + p.column

    for e in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
        text = text[: off(e.span.start)] + e.text + text[off(e.span.end) :]
        # offsets of earlier edits are unaffected because we go backwards
    return text

