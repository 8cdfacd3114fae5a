"""Quoting: what a rewrite keeps a value inside. A value written between two quotes it cannot
leave (`f"'{x}'"` after `x.replace("'", "''")`), a quote taken out or doubled (`quote_kept_out`),
characters escaped by a chain of replacements (`escaped_characters`, `sinks_escaped_by`).
"""

from __future__ import annotations

import ast
from typing import Callable

from secure_ls.engine import astutil, catalog
from secure_ls.engine.taint import STAYS_IN_QUOTE, Origin, Sink


# What a value can be quoted in place with: a string literal's quotes, and the backtick MySQL and
# SQLite quote identifiers with (`` `a``b` `` names a`b)
_IN_PLACE_QUOTES = frozenset({*STAYS_IN_QUOTE, "`"})


def self_quoted(pieces: list[ast.expr | str], kept_in: Callable[[ast.expr], frozenset[str]] | None = None) -> set[int]:
    """The ids of the pieces of a string being built (literal text as str, inserted values as
    nodes) that are quoted in place: `'"' + v.replace('"', '""') + '"'`, the same in an
    f-string or a `.format` template (or with the quote taken out: see quote_kept_out), or
    a value rewritten so earlier (`kept_in(value)`: the quotes it cannot leave, see stays_in).
    Such a piece is safe for `Sink.SELF_QUOTED`."""
    found = set()
    for index in range(1, len(pieces) - 1):
        before, value, after = pieces[index - 1], pieces[index], pieces[index + 1]
        if not (isinstance(before, str) and isinstance(after, str) and before[-1:] in _IN_PLACE_QUOTES and after.startswith(before[-1:])):
            continue
        if isinstance(value, ast.FormattedValue) and value.conversion == -1 and value.format_spec is None:
            value = value.value
        quote = before[-1]
        if isinstance(value, ast.Call) and quote_kept_out(value) == quote or kept_in is not None and quote in kept_in(value):
            found.add(id(pieces[index]))
    return found


def stays_in(origin: Origin) -> frozenset[str]:
    """The quote characters (`'`, `"`) whose literal a value of `origin` cannot leave: every part
    has that quote doubled or taken out (Sink.IN_SINGLE_QUOTES...) or holds no quote (Sink.QUOTED)."""
    return frozenset(q for q, marker in STAYS_IN_QUOTE.items() if all(p.is_safe_for(marker) or p.is_safe_for(Sink.QUOTED) for p in origin.parts))


def quote_kept_out(call: ast.Call, translated: Callable[[ast.expr], frozenset[str]] | None = None) -> str | None:
    """The quote character a rewrite leaves no lone occurrence of: `value.replace("'", "''")`
    doubles it (SQL's and XPath 2's escape), `value.replace('"', "")` or `value.translate(
    str.maketrans({'"': "_"}))` takes it out (a table bound to a name: `translated(table)`, the
    characters it maps to text without a quote). Wrapped in that quote, the value stays inside."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr == "replace":
        # `.replace("'", "''").replace("\0", "")`: one replacement of the chain keeps the quote
        # out, and none applied after it touches that quote again
        chain = replacements(call)
        for index, (old, new) in enumerate(chain):  # the last applied first
            if old in _IN_PLACE_QUOTES and (new == old * 2 or old not in new) and not any(old in o + n for o, n in chain[:index]):
                return old
        return None
    table = call.args[0] if func.attr == "translate" and len(call.args) == 1 else None
    if isinstance(table, ast.Call) and astutil.last_name(table.func) == "maketrans":
        return next((q for q in ("'", '"') if q in astutil.translated_characters(table, put_back=frozenset(q))), None)
    if table is not None and translated is not None:
        return next((q for q in ("'", '"') if q in translated(table)), None)
    return None


def replacements(call: ast.Call) -> list[tuple[str, str]]:
    """The (old, new) constants of a chain of `.replace(old, new)` calls, the last applied first."""
    chain = []
    node: ast.AST = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace" and len(node.args) == 2:
        old, new = node.args
        if not (isinstance(old, ast.Constant) and isinstance(new, ast.Constant) and isinstance(old.value, str) and isinstance(new.value, str)):
            break
        chain.append((old.value, new.value))
        node = node.func.value
    return chain


def escaped_characters(call: ast.Call) -> frozenset[str]:
    """The characters a chain of `.replace(old, new)` calls leaves no raw occurrence of:

        value.replace("\\", r"\5c").replace("*", r"\2a").replace("(", r"\28")   # LDAP filter
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")       # HTML
        value.replace("\r", "").replace("\n", " ")                                  # one log line

    A character is escaped when a replacement takes it out and no later replacement puts
    it back. The escape character itself (`\\`, `&`), whose replacement contains it, counts
    only when it is replaced first: its escapes are what the later replacements write.
    """
    chain = replacements(call)
    escaped: set[str] = set()
    escape = None
    for index, (old, new) in enumerate(reversed(chain)):  # in the order they apply
        escaped -= {c for c in escaped if c in new and c != escape}  # put back
        if len(old) != 1:
            continue
        if old not in new:
            escaped.add(old)
        elif index == 0:
            escape = old
            escaped.add(old)
    return frozenset(escaped)


def sinks_escaped_by(call: ast.Call) -> frozenset[str]:
    """The sinks whose special characters a chain of replacements escapes (catalog.REPLACE_ESCAPES)."""
    escaped = escaped_characters(call)
    return frozenset(sink for sink, special in catalog.REPLACE_ESCAPES.items() if special <= escaped) if escaped else frozenset()
