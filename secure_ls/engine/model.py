"""The engine's vocabulary: positions, findings and fixes.

Everything here is plain data with no knowledge of LSP. Positions are
0-based lines and columns counted in Python string indices (Unicode code
points) of the analysed text; the protocol layer converts them to whatever
unit the client negotiated (UTF-16 by default).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace


class Severity(enum.IntEnum):
    """How bad a finding is if it is real. Ordered so that max() picks the worst."""

    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected one of: {', '.join(s.name.lower() for s in cls)})"
            ) from None


class Confidence(enum.IntEnum):
    """How sure the engine is that the finding is real."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, text: str) -> "Confidence":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown confidence {text!r} (expected one of: {', '.join(c.name.lower() for c in cls)})"
            ) from None


@dataclass(frozen=True, order=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True, order=True)
class Span:
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> "Span":
        return cls(Position(line, column), Position(end_line, end_column))

    def shifted(self, lines: int) -> "Span":
        return Span(
            Position(self.start.line + lines, self.start.column),
            Position(self.end.line + lines, self.end.column),
        )

    def contains(self, position: Position) -> bool:
        return self.start <= position <= self.end


@dataclass(frozen=True)
class Edit:
    """Replace the text in `span` with `text` (an insertion when the span is empty)."""

    span: Span
    text: str

    def shifted(self, lines: int) -> "Edit":
        return Edit(self.span.shifted(lines), self.text)


@dataclass(frozen=True)
class Fix:
    """A mechanical repair of one finding.

    `safe` fixes keep behaviour (they may be applied in bulk, e.g. by
    `source.fixAll`); unsafe ones change it in a way the user must accept
    (new hash formats need a data migration, a new exception may be raised).
    `imports` are statements the fixed code needs, such as "import bcrypt";
    the engine adds the ones the file does not already have.
    `bulk` is False for a safe fix that states something only the code's
    author knows (`usedforsecurity=False`: the digest is the same, but the
    claim that it protects nothing is theirs to make): it is offered, and
    preferred, one finding at a time, but fix-all and `--fix` skip it.
    `requires` is set by the engine, not by rules: the third-party distributions
    (engine/distributions.py) of the packages `imports` brings into a file that
    imported none of them; the project layer checks whether the project declares them.
    """

    title: str
    edits: tuple[Edit, ...]
    safe: bool = True
    imports: tuple[str, ...] = ()
    bulk: bool = True
    requires: tuple[str, ...] = ()

    def shifted(self, lines: int) -> "Fix":
        return replace(self, edits=tuple(e.shifted(lines) for e in self.edits))

    def with_edits(self, edits: tuple[Edit, ...]) -> "Fix":
        return replace(self, edits=tuple(edits))


@dataclass(frozen=True)
class Related:
    """A step on the path that led to a finding (where untrusted data entered, ...)."""

    span: Span
    message: str

    def shifted(self, lines: int) -> "Related":
        return Related(self.span.shifted(lines), self.message)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_name: str
    message: str
    span: Span
    severity: Severity
    confidence: Confidence
    cwe: int | None = None
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    # The lines a suppression comment may sit on (every line of the statement).
    statement_lines: tuple[int, int] | None = None
    # The statement the fix rewrites besides this one: where the flagged value was
    # built (`cmd = "ls " + name` above `os.system(cmd)`).
    rewritten_lines: tuple[int, int] | None = None
    # Other fixes offered beside `fix` (never applied in bulk): `usedforsecurity=False` or SHA-256.
    alternatives: tuple[Fix, ...] = ()
    # Further statements one fix rewrites together with this one (the storing and the checking
    # side of a password hash, a later `verify_mode = CERT_NONE`, the login `prot_p()` follows).
    rewritten_elsewhere: tuple[tuple[int, int], ...] = ()

    def shifted(self, lines: int) -> "Finding":
        if lines == 0:
            return self
        return Finding(
            self.rule_id,
            self.rule_name,
            self.message,
            self.span.shifted(lines),
            self.severity,
            self.confidence,
            self.cwe,
            self.fix.shifted(lines) if self.fix else None,
            tuple(r.shifted(lines) for r in self.related),
            (self.statement_lines[0] + lines, self.statement_lines[1] + lines)
            if self.statement_lines
            else None,
            (self.rewritten_lines[0] + lines, self.rewritten_lines[1] + lines)
            if self.rewritten_lines
            else None,
            tuple(a.shifted(lines) for a in self.alternatives),
            tuple((a + lines, b + lines) for a, b in self.rewritten_elsewhere),
        )

    def fixes(self) -> tuple[Fix, ...]:
        """`fix` (if any) then the alternatives."""
        return ((self.fix,) if self.fix else ()) + self.alternatives

    def with_fixes(self, change: Callable[[Fix], Fix | None]) -> "Finding":
        """This finding with `change(fix)` applied to its fix and to each alternative (a fix
        `change` turns into None is no longer offered)."""
        if not self.fixes():
            return self
        alternatives = tuple(a for a in map(change, self.alternatives) if a is not None)
        return replace(self, fix=change(self.fix) if self.fix else None, alternatives=alternatives)

    @property
    def key(self) -> str:
        """Identifies the finding within one analysis of one text."""
        s = self.span
        return f"{self.rule_id}:{s.start.line}:{s.start.column}:{s.end.line}:{s.end.column}"


@dataclass
class AnalysisResult:
    """Everything the engine found in one text."""

    findings: list[Finding] = field(default_factory=list)
    # Syntax errors are reported, but only the statement they are in is lost.
    syntax_errors: list[tuple[Span, str]] = field(default_factory=list)
    # Problems the engine hit (a rule that raised, a file too large): for logs.
    problems: list[str] = field(default_factory=list)
