"""Let `ast` on Python 3.10/3.11 read code written for newer Pythons.

libcst's native parser accepts Python 3.0 to 3.14 on any interpreter, but
it is ~10x slower than `ast` and gives code-point positions only through an
expensive metadata pass. So we use it only for a unit `ast` rejects: if
libcst accepts the unit, the constructs the old interpreter cannot read are
rewritten *in place*, keeping every line and column, and `ast` parses the
result. Rules then see ordinary nodes at the right positions.

Rewrites (all length-preserving):
- `type X = ...` (PEP 695): the statement becomes `X = ...` padded with spaces.
- `def f[T](...)` / `class C[T]:`: the type parameter brackets become spaces.
- PEP 701 f-strings: string literals inside replacement fields that reuse the
  outer quote get the other quote; backslash escapes inside replacement
  fields become spaces.
- t-strings (PEP 750): the `t` prefix becomes `f`.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=1)
def _libcst():
    """libcst, imported on first use: most files never need it, and it costs ~0.2 s to import."""
    try:
        import libcst
        from libcst.metadata import MetadataWrapper, PositionProvider
    except ImportError:  # pragma: no cover - a hard dependency, but keep the engine usable
        return None
    return libcst, MetadataWrapper, PositionProvider


# CPython's tokenizer rejects brackets nested deeper than 200 (MAXLEVEL) on every
# version, so such a unit can never be modern syntax; and libcst's native parser
# slows down sharply with depth (600 levels: 3 s) and overflows its stack
# (segfault, taking the whole server down) somewhere below 1500 levels.
_MAX_DEPTH = 200
_BRACKET = re.compile(r"[()\[\]{}]")


# Only units that may hold one of the constructs rewritten below go to libcst:
# its parse time grows much faster than linearly on some broken code (a
# 2,000-term `a+a+...` in an unclosed call: 3 s), and a unit with an unclosed
# bracket is re-parsed up to MAX_MERGE times while it is merged with the next.
_MODERN = re.compile(
    r"\btype\s+[A-Za-z_]\w*\s*[\[=]"  # type X = ... / type X[T] = ...
    r"|\b(?:def|class)\s+[A-Za-z_]\w*\s*\["  # def f[T](...) / class C[T]:
    r"|(?<![\w])(?:[rRbB]?[fFtT]|[fFtT][rRbB])['\"]"  # f-strings and t-strings
)


# A long chain of binary operators (`a + b + ... + z`, hundreds of terms, as in
# generated code) costs libcst super-linear time: 1,000 terms 0.5 s, 2,000 terms
# 3.4 s, 5,700 terms 10 s per parse, several parses per edit. Such text is dense in
# operators (ordinary code has a few per hundred characters): skip it. A linear
# count, not a regex: a regex for "300 chained operands" backtracked quadratically
# on a 100 kB line.
def _operator_dense(text: str) -> bool:
    ops = sum(text.count(c) for c in "+-*/%|&^")
    return ops >= 300 and ops * 20 > len(text)


def _too_deep(text: str) -> bool:
    depth = 0
    for m in _BRACKET.finditer(text):
        if m.group() in "([{":
            depth += 1
            if depth > _MAX_DEPTH:
                return True
        elif depth:
            depth -= 1
    return False


def downlevel(text: str) -> str | None:
    """`text` rewritten so the running interpreter's `ast` can parse it, or None."""
    # the cheap checks first: most units `ast` rejects are broken code, not new syntax,
    # and need never load libcst (a second per process)
    if "\0" in text or not _MODERN.search(text) or _too_deep(text) or _operator_dense(text):
        return None
    loaded = _libcst()
    if loaded is None:
        return None
    cst, MetadataWrapper, PositionProvider = loaded
    try:
        module = cst.parse_module(text)
    except Exception:  # libcst raises its own ParserSyntaxError and others
        return None
    try:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        collector = _collector_class()()
        wrapper.visit(collector)
    except Exception:
        return None
    if not collector.replacements:
        return None
    lines = text.split("\n")
    for (line, col, end_line, end_col), make in collector.replacements:
        if line != end_line:
            continue  # multi-line constructs are left alone: positions must not move
        original = lines[line - 1][col:end_col]
        replacement = make(original)
        if replacement is None or len(replacement) != len(original):
            continue
        lines[line - 1] = lines[line - 1][:col] + replacement + lines[line - 1][end_col:]
    return "\n".join(lines)


def _blank(original: str) -> str:
    return " " * len(original)


def _type_alias(original: str) -> str | None:
    match = re.match(r"type(\s+)", original)
    if not match:
        return None
    rest = original[match.end() :]
    rest = re.sub(r"^(\w+)\s*\[[^\]]*\]", lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), rest)
    return rest + " " * match.end()


def _swap_inner_quotes(original: str) -> str | None:
    """Rewrite one f-string so that it is valid before PEP 701."""
    prefix = re.match(r"[A-Za-z]*", original).group(0)
    body = original[len(prefix) :]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    if not quote:
        return None
    other = "'" if quote[0] == '"' else '"'
    inner = body[len(quote) : len(body) - len(quote)]
    out = []
    depth = 0
    k = 0
    while k < len(inner):
        ch = inner[k]
        if depth == 0:
            if inner.startswith("{{", k) or inner.startswith("}}", k):
                out.append(inner[k : k + 2])
                k += 2
                continue
            if ch == "{":
                depth = 1
            out.append(ch)
            k += 1
            continue
        # inside a replacement field
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        if ch == "\\":
            out.append(" ")
            k += 1
            continue
        if ch in "\"'":
            # copy a nested string literal, switching its quote if it clashes
            q = ch
            end = inner.find(q, k + 1)
            if end < 0:
                return None
            literal = inner[k + 1 : end].replace("\\", " ")
            if q == quote[0]:
                if other in literal:
                    return None
                q = other
            out.append(q + literal + q)
            k = end + 1
            continue
        out.append(ch)
        k += 1
    return prefix.replace("t", "f").replace("T", "F") + quote + "".join(out) + quote


@functools.lru_cache(maxsize=1)
def _collector_class():
    cst, _, PositionProvider = _libcst()

    class Collector(cst.CSTVisitor):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def __init__(self) -> None:
            super().__init__()
            self.replacements: list[tuple[tuple[int, int, int, int], object]] = []

        def _add(self, node, make) -> None:
            pos = self.get_metadata(PositionProvider, node)
            self.replacements.append(((pos.start.line, pos.start.column, pos.end.line, pos.end.column), make))

        def visit_TypeAlias(self, node) -> bool:
            self._add(node, _type_alias)
            return False

        def visit_TypeParameters(self, node) -> bool:
            self._add(node, _blank)
            return False

        def visit_FormattedString(self, node) -> bool:
            self._add(node, _swap_inner_quotes)
            return False

        def visit_TemplatedString(self, node) -> bool:
            self._add(node, _swap_inner_quotes)
            return False

    return Collector
