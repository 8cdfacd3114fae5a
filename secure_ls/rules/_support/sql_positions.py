"""Where a value inserted into SQL text sits: inside which quote, and whether SQL expects a name there.

The SQL injection rule (SLS101) asks of each value put into a query: does it sit inside a quoted
literal (then a value holding no quote character cannot leave it), or where SQL expects a name,
not a value (`INSERT INTO {table}`: a placeholder cannot stand there, and one name the program
chose, cut down to letters, digits and `_`, adds no syntax)?
"""

from __future__ import annotations

import ast
import re

from secure_ls.engine import quoting
from secure_ls.engine.taint import STAYS_IN_QUOTE, UNTRUSTED, Origin, Sink
from secure_ls.rules._support import strings

# SQL text that, just before a value, makes it a value (an operand), not a name.
_VALUE_CONTEXT = re.compile(r"(=|<|>|\blike|\bilike|\blimit|\boffset|\bbetween|\band|\bor|\bthen|\belse|\bwhen|\bis|\bnot|\+|-|\*|/)\s*$", re.IGNORECASE)


def inserted(parts: list[strings.Piece]):
    """Each inserted value with the quote it sits inside (None, `'`, `"` or a backtick) and
    the SQL text before it."""
    before = ""
    quote = None
    for piece in parts:
        if isinstance(piece, strings.Literal):
            for ch in piece.text:
                if quote:
                    if ch == quote:
                        quote = None
                elif ch in "'\"`":
                    quote = ch
            before += piece.text
        else:
            yield piece, quote, before


def quoted_values(parts: list[strings.Piece]) -> dict[int, str]:
    """The ids of the inserted values that sit inside a quoted literal or identifier, with its quote:
    a string literal's, or a backtick-quoted identifier's whose backticks the value doubles right
    there (`` `{name.replace("`", "``")}` ``)."""
    return {
        id(piece.node): quote for piece, quote, _ in inserted(parts)
        if quote in ("'", '"') or quote == "`" and isinstance(piece.node, ast.Call) and quoting.quote_kept_out(piece.node) == "`"
    }


def unguarded(origin: Origin, quote: str | None) -> Origin:
    """The parts of a value's origin that no quote keeps in its place: not quoted in place
    (Sink.SELF_QUOTED) nor, when the value sits inside `quote`, free of any quote (Sink.QUOTED,
    Sink.NAME) or with that one doubled or taken out (Sink.IN_SINGLE_QUOTES/IN_DOUBLE_QUOTES; a
    backtick `quoted_values` saw doubled)."""
    if quote == "`":
        return Origin(frozenset())
    markers = {Sink.SELF_QUOTED, *((Sink.QUOTED, Sink.NAME, STAYS_IN_QUOTE[quote]) if quote else ())}
    return Origin(frozenset(part for part in origin.parts if not part.safe_for & markers))


def unnamed(origin: Origin, named: bool) -> Origin:
    """Of a value that sits where SQL expects a name (`named`), the parts other than one name
    (Sink.NAME) that the program chose; all of them elsewhere."""
    if not named:
        return origin
    return Origin(frozenset(part for part in origin.parts if not (Sink.NAME in part.safe_for and part.kind != UNTRUSTED)))


def identifier_positions(parts: list[strings.Piece]) -> bool:
    """Whether any inserted value sits where SQL expects a name, not a value."""
    return bool(identifier_values(parts))


def identifier_values(parts: list[strings.Piece]) -> set[int]:
    """The ids of the inserted values that sit where SQL expects a name, a quoted identifier too."""
    return {id(piece.node) for piece, quote, before in inserted(parts) if quote in ('"', "`") or _name_position(quote, before)}


def named_values(parts: list[strings.Piece]) -> set[int]:
    """The ids of the inserted values that sit, unquoted, where SQL expects a name."""
    return {id(piece.node) for piece, quote, before in inserted(parts) if _name_position(quote, before)}


def _name_position(quote: str | None, before: str) -> bool:
    """Whether a value inserted after the SQL text `before`, unquoted, sits where SQL expects a name."""
    if quote is not None:
        return False
    tail = before.rstrip()
    if _VALUE_CONTEXT.search(tail):
        return False
    open_paren = tail.rfind("(")
    if open_paren > tail.rfind(")") and re.search(r"\b(values|in)\s*\($", tail[: open_paren + 1], re.IGNORECASE):
        return False
    return not (tail.endswith(",") and open_paren > tail.rfind(")") and re.search(r"\b(values|in)\s*\(", tail[: open_paren + 1], re.IGNORECASE))
