"""Suppression comments: the one place that knows their syntax, for reading and for writing.

Three spellings silence a finding on the lines of its statement:

- `# secure-ls: ignore` (everything) or `# secure-ls: ignore[SLS101, sql-injection]`
  (rule ids and names);
- Bandit's `# nosec` (everything), `# nosec B608` or `# nosec: B608, sql-injection`
  (Bandit ids, rule ids and names);
- Ruff's `# noqa: S608, E501` (Ruff codes only; a bare `# noqa`, or `# noqa S608`,
  which Ruff reads as bare, silences nothing here);
- CodeQL's `# lgtm[py/sql-injection]` (LGTM's legacy spelling, also `# lgtm [...]`) and
  `# codeql[py/sql-injection]`, anywhere in the comment (query ids only; a bare `# lgtm`,
  which LGTM used for quality alerts as often, silences nothing here); also on a statement that
  uses the name the flagged statement assigns, where CodeQL reports (`codeql_where_used`).

`read` finds them in a unit's lines (the analyzer asks `suppressed` for each finding);
`suppression_edit` writes the `# secure-ls: ignore[ID]` that the editor's "Suppress"
action adds, extending a comment of that kind already on the line. Both use the same
pattern, so whatever the action writes is what `read` understands.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import TYPE_CHECKING, Callable, Optional, Set, Tuple

from secure_ls.engine.model import Edit, Finding, Position, Span

if TYPE_CHECKING:
    from secure_ls.rules.base import Rule

_IGNORE = r"#\s*secure-ls:\s*ignore\s*(?:\[(?P<ids>[^\]]*)\])?"
_SUPPRESSION = re.compile(rf"{_IGNORE}|#\s*nosec\b(?P<nosec>[^#\n]*)", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)", re.IGNORECASE)
_CODEQL = re.compile(r"\b(?:lgtm|codeql)\s*\[(?P<queries>[^\]]*)\]", re.IGNORECASE)
_IGNORE_WITH_IDS = re.compile(_IGNORE, re.IGNORECASE)

# (ids, or None for "every rule"; kind) where kind is "secure-ls", "nosec", "noqa" or "codeql"
Entry = Tuple[Optional[Set[str]], str]


def read(lines: list[str], text: str) -> dict[int, list[Entry]]:
    """0-based line -> the suppression comments on it. `text` is the source the lines come
    from: a `# nosec` inside a string literal is not a comment."""
    found: dict[int, list[Entry]] = {}
    for index, line in enumerate(lines):
        if "#" not in line:
            continue
        entries = _entries(line)
        if entries:
            found[index] = entries
    if found:
        comments = _comment_lines(text)
        if comments is not None:
            found = {line: entry for line, entry in found.items() if line in comments}
    return found


def _entries(line: str) -> list[Entry]:
    entries: list[Entry] = []
    for match in _SUPPRESSION.finditer(line):
        if match.group("nosec") is not None:
            # `# nosec`, `# nosec B608`, `# nosec: B608, sql-injection`
            ids = {t.upper() for t in re.findall(r"[A-Za-z][\w-]*\d*", match.group("nosec"))}
            entries.append((ids or None, "nosec"))
        else:
            entries.append((_ids(match.group("ids")), "secure-ls"))
    noqa = _NOQA.search(line)
    if noqa is not None:
        entries.append(({c.upper() for c in re.split(r"[\s,]+", noqa.group("codes")) if c}, "noqa"))
    for match in _CODEQL.finditer(line):
        entries.append(({q.strip().lower() for q in match.group("queries").split(",") if q.strip()}, "codeql"))
    return entries


def _ids(text: str | None) -> set[str] | None:
    return {t.strip().upper() for t in text.split(",") if t.strip()} if text else None


def suppressed(found: dict[int, list[Entry]], rule: Rule, first: int, last: int, built: tuple[int, int] | None = None) -> bool:
    """Whether a comment on lines `first`..`last` (0-based) silences `rule`; or, for a rule with
    a Bandit equivalent, a `# nosec` on the lines `built` of the statement that built the flagged
    value (`query = f"... {id}"  # nosec`), where Bandit reports and its users put the comment."""
    if not found:
        return False
    if built is not None and rule.bandit and built != (first, last):
        nosecs = {line: [e for e in found.get(line, ()) if e[1] == "nosec"] for line in range(built[0], built[1] + 1)}
        if suppressed({line: entries for line, entries in nosecs.items() if entries}, rule, *built):
            return True
    names = {rule.id.upper(), rule.name.upper()}
    for line in range(first, last + 1):
        for ids, kind in found.get(line, ()):
            if kind == "noqa":
                if ids & set(rule.ruff()):
                    return True
                continue
            if kind == "codeql":
                if ids & set(rule.codeql):  # type: ignore[operator]
                    return True
                continue
            if ids is None:
                return True
            if kind == "nosec" and ids & {b.upper() for b in rule.bandit}:
                return True
            if ids & names:
                return True
    return False


def codeql_where_used(found: dict[int, list[Entry]], rule: Rule, stmt, scope) -> bool:
    """Whether a CodeQL comment for `rule` sits on a line that uses the object `stmt` made: CodeQL
    reports a weak cipher where the object encrypts (`data = rc4.encrypt(x)  # lgtm[...]`), a rule
    here where it is made (`rc4 = ARC4.new(key)`), and the authors' reviewed comment is CodeQL's."""
    commented = {line for line, entries in found.items() if any(kind == "codeql" and ids and ids & set(rule.codeql) for ids, kind in entries)}  # type: ignore[operator]
    if not commented or not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False  # (most units have no CodeQL comment: the scope is walked only when one has)
    name = stmt.targets[0].id
    return any(
        isinstance(s, ast.stmt) and not hasattr(s, "body") and not commented.isdisjoint(range(s.lineno - 1, s.end_lineno or s.lineno))
        and any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(s))
        for s in ast.walk(scope)
    )


def suppression_edit(line: Callable[[int], str], finding: Finding) -> Edit:
    """The edit that silences `finding`: `# secure-ls: ignore[ID]` at the end of its
    statement's line, or ID added to such a comment already there. `line(i)` is the text
    of 0-based line i."""
    first, last = finding.statement_lines or (finding.span.start.line, finding.span.end.line)
    index = first if first == last else finding.span.start.line
    # a comment cannot go inside a multi-line string: use the statement's last line then
    if index != last and _inside_string(line(index)):
        index = last
    text = line(index)
    existing = next((m for m in _IGNORE_WITH_IDS.finditer(text) if m.group("ids") is not None), None)
    if existing is not None:
        ids = [i.strip() for i in existing.group("ids").split(",") if i.strip()]
        if finding.rule_id.upper() not in {i.upper() for i in ids}:
            ids.append(finding.rule_id)
        new = f"# secure-ls: ignore[{', '.join(ids)}]"
        return Edit(Span(Position(index, existing.start()), Position(index, existing.end())), new)
    end = len(text)
    return Edit(Span(Position(index, end), Position(index, end)), f"  # secure-ls: ignore[{finding.rule_id}]")


def _inside_string(text: str) -> bool:
    return text.count('"""') % 2 == 1 or text.count("'''") % 2 == 1 or text.rstrip().endswith("\\")


def _comment_lines(text: str) -> set[int] | None:
    """0-based lines holding a real comment token (None if the text cannot be tokenized)."""
    lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                lines.add(token.start[0] - 1)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return lines
