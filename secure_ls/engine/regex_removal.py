"""What a regular-expression substitution leaves in its result, and what a search takes out.

`re.sub(pattern, repl, text)` hands back `text` with every match replaced: the result holds
what the client sent, so it carries the text's taint (and the replacement's). When the
pattern matches one character of a set at a time (`[\\r\\n]`, `[^\\w.-]+`, `\\s`), every
occurrence of those characters is replaced, so a sink whose special characters are all in
the set and none in the replacement is safe from the result, the same way a chain of
`.replace()` calls escapes them (catalog.REPLACE_ESCAPES):

    re.sub(r"[\\r\\n]", "", name)        # one log line
    re.sub(r"[^\\w.-]", "_", filename)   # no path separator: a single file name
    re.sub(r"<script.*?>.*?</script>", "", html)   # removes tags, not "<": still HTML

Any other pattern shape (alternatives of words, a repeat of two or more, lookarounds) may
leave a special character behind, so it escapes nothing.

`re.findall(pattern, text)`, `re.search(...)`, `PATTERN.finditer(text)` and the rest hand back
pieces of the text (the matches, their groups; `split`, what lies between): the client's text
still, unless the pattern can only match harmless characters (`\\d+`, `[\\w-]+`), which are
safe in every sink a word is (`extract_call`, `matched_text_safe_for`).
"""

from __future__ import annotations

import ast
import re

try:  # the parser `re` itself uses; public as sre_parse before 3.11
    from re import _constants as _sre_constants, _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from secure_ls.engine import astutil, catalog
from secure_ls.engine.taint import Sink, sinks

# re.sub's parameters: sub(pattern, repl, string, count=0, flags=0)
_PARAMS = ("pattern", "repl", "string", "count", "flags")
# A compiled pattern's: pattern.sub(repl, string, count=0)
_METHOD_PARAMS = ("repl", "string", "count")
SUB_FUNCTIONS = frozenset({"re.sub", "re.subn"})
SUB_METHODS = frozenset({"sub", "subn"})

_ONE_CHARACTER = {_sre_constants.IN, _sre_constants.LITERAL, _sre_constants.NOT_LITERAL, _sre_constants.ANY}
_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT} | ({_sre_constants.POSSESSIVE_REPEAT} if hasattr(_sre_constants, "POSSESSIVE_REPEAT") else set())


def _unwrapped(items):
    """The one item of a parsed pattern, through groups: `([\\r\\n])` is `[\\r\\n]`."""
    while len(items) == 1 and items[0][0] == _sre_constants.SUBPATTERN:
        items = items[0][1][-1]
    return items[0] if len(items) == 1 else None


def _matches_one_character_at_a_time(pattern: str | bytes, flags: int) -> bool:
    """`[\\r\\n]`, `\\s+`, `[^a-z0-9]*`: every match is a run of characters of one set, so every
    character of the set is replaced wherever it stands."""
    try:
        item = _unwrapped(list(_sre_parse.parse(pattern, flags)))
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return False
    if item is None:
        return False
    op, argument = item
    if op in _REPEATS:
        low, _high, body = argument
        inner = _unwrapped(list(body))
        return low <= 1 and inner is not None and inner[0] in _ONE_CHARACTER
    return op in _ONE_CHARACTER


def escaped_sinks(pattern: str | bytes, repl: str | bytes, flags: int = 0, count: int = 0) -> frozenset[str]:
    """The sinks (catalog.REPLACE_ESCAPES) whose special characters `re.sub(pattern, repl, _,
    count, flags)` leaves none of in its result."""
    if count or isinstance(pattern, str) != isinstance(repl, str) or not _matches_one_character_at_a_time(pattern, flags):
        return frozenset()
    try:
        compiled = re.compile(pattern, flags)
        safe = set()
        for sink, specials in catalog.REPLACE_ESCAPES.items():
            chars = [c if isinstance(pattern, str) else c.encode("latin-1") for c in sorted(specials)]
            # each special is replaced, and what replaces it (a group reference puts it back) holds none
            if all(compiled.fullmatch(c) and not any(s in compiled.sub(repl, c) for s in chars) for c in chars):
                safe.add(sink)
    except (re.error, TypeError, ValueError, IndexError):
        return frozenset()
    return frozenset(safe)


def sub_call(node: ast.Call, qualified: str | None, constant_of) -> tuple[ast.expr | None, ast.expr | None, frozenset[str]] | None:
    """For `re.sub(pattern, repl, text)` or `PATTERN.sub(repl, text)`: the text and replacement
    arguments and the sinks the substitution escapes; None for any other call. `constant_of`
    gives the constant a node stands for (through names and `re.compile(...)`), or None."""
    if qualified in SUB_FUNCTIONS:
        params, pattern_node, flags_node = _PARAMS, astutil.argument_for(node, _PARAMS, "pattern"), astutil.argument_for(node, _PARAMS, "flags")
    elif isinstance(node.func, ast.Attribute) and node.func.attr in SUB_METHODS and (compiled := constant_of(node.func.value, compiled=True)) is not None:
        params, (pattern_node, flags_node) = _METHOD_PARAMS, compiled
    else:
        return None
    text, repl, count = (astutil.argument_for(node, params, name) for name in ("string", "repl", "count"))
    pattern = constant_of(pattern_node) if pattern_node is not None else None
    if pattern is None and pattern_node is not None and params is _PARAMS and (compiled := constant_of(pattern_node, compiled=True)) is not None:
        # `re.sub(LEGAL_NAME, "-", name)` with `LEGAL_NAME = re.compile(...)`: re.sub takes a compiled pattern too
        pattern_node, flags_node = compiled
        pattern = constant_of(pattern_node)
    repl_text = constant_of(repl) if repl is not None else None
    flags = constant_of(flags_node) if flags_node is not None else 0
    count_value = constant_of(count) if count is not None else 0
    safe = frozenset()
    if isinstance(pattern, (str, bytes)) and isinstance(repl_text, (str, bytes)) and isinstance(flags, int) and isinstance(count_value, int):
        safe = escaped_sinks(pattern, repl_text, flags, count_value)
    return text, repl, safe


# What a text made only of word characters (letters, digits, `_`, `-`) is safe in, one without `-` too, and one of digits.
HARMLESS_TEXT = sinks("path", "html", "header", "log", "xpath", "ldap", "redirect", "url", "template", "regex", "xml", "quoted")
NAME_TEXT = HARMLESS_TEXT | sinks("name")
DIGITS = frozenset(Sink) - {Sink.ANY}
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_HARMLESS = _NAME_CHARACTERS | {"-"}
_DIGIT_CHARACTERS = frozenset("0123456789")


def matched_text_safe_for(pattern: str) -> frozenset[str]:
    """The sinks any text `pattern` matches is safe for: DIGITS when it matches only digits,
    NAME_TEXT when only letters, digits and `_`, HARMLESS_TEXT when `-` too, nothing otherwise."""
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, TypeError, ValueError, RecursionError, OverflowError):
        return frozenset()
    return _safe_for(_producible(parsed))


def pieces_safe_for(pattern: str) -> frozenset[str]:
    """The sinks what a search with `pattern` hands back is safe for: each capturing group's text
    (what `findall` returns, and `m.group(1)`), or the whole match when there is no group
    (`re.findall(r"id=(\\d+)", q)`: digits; `re.findall(r"\\+|\\d+", phone)`: no character any
    sink of catalog.REPLACE_ESCAPES treats specially, so safe there)."""
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, TypeError, ValueError, RecursionError, OverflowError):
        return frozenset()
    groups = list(_capture_groups(parsed)) or [parsed]
    safe = _safe_for(_producible(groups[0]), specials=True)
    for group in groups[1:]:
        safe &= _safe_for(_producible(group), specials=True)
    return safe


def _safe_for(chars: set[str] | None, specials: bool = False) -> frozenset[str]:
    """The sinks a text of only `chars` (None: any character) is safe for: DIGITS for digits,
    NAME_TEXT for letters, digits and `_`, HARMLESS_TEXT with `-` too; with `specials`, otherwise the sinks none of whose
    special characters (catalog.REPLACE_ESCAPES) is among them."""
    if chars is None:
        return frozenset()
    if chars <= _DIGIT_CHARACTERS:
        return DIGITS
    if chars <= _HARMLESS:
        return NAME_TEXT if chars <= _NAME_CHARACTERS else HARMLESS_TEXT
    return frozenset(sink for sink, special in catalog.REPLACE_ESCAPES.items() if not special & chars) if specials else frozenset()


_CATEGORY_CHARACTERS = {
    "CATEGORY_DIGIT": frozenset("0123456789"),
    "CATEGORY_WORD": frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
    "CATEGORY_SPACE": frozenset(" \t\n\r\f\v"),
}


def _producible(items) -> set[str] | None:
    """The characters the parsed regex `items` can match, or None when they are not a small known
    set (`.`, a negated class, a backreference, a lookaround, a wide range). Word and digit
    classes stand for their ASCII characters: the others are letters and digits, none special
    anywhere."""
    out: set[str] = set()
    for op, value in items:
        name = str(op)
        if name == "LITERAL":
            out.add(chr(value))
        elif name == "IN":
            for inner_op, inner in value:
                inner_name = str(inner_op)
                if inner_name == "LITERAL":
                    out.add(chr(inner))
                elif inner_name == "RANGE" and inner[1] - inner[0] <= 256:
                    out.update(chr(c) for c in range(inner[0], inner[1] + 1))
                elif inner_name == "CATEGORY" and str(inner) in _CATEGORY_CHARACTERS:
                    out |= _CATEGORY_CHARACTERS[str(inner)]
                else:
                    return None
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT", "SUBPATTERN", "BRANCH"):
            # a repeat's body, a group's, each alternative of a branch
            bodies = value[1] if name == "BRANCH" else [value[2] if name.endswith("REPEAT") else value[-1]]
            for body in bodies:
                inner = _producible(body)
                if inner is None:
                    return None
                out |= inner
        elif name != "AT":  # ^, $ and \b match no character
            return None
    return out


_LINE_BREAKS = frozenset({10, 13})
# Categories a line feed or carriage return belongs to (`\s`, `\D`, `\W`): `\S`, `\d`, `\w` hold neither.
_BREAKING_CATEGORIES = frozenset({"CATEGORY_SPACE", "CATEGORY_NOT_DIGIT", "CATEGORY_NOT_WORD"})


def holds_no_line_break(pattern: str) -> bool:
    """Whether no text `pattern` matches holds a line feed or a carriage return, for patterns whose
    characters are not a small known set (`\\S+`, `[^/\\s]+`): a regex URL route's group of that
    shape captures one line. `.` matches a carriage return, so it is no such pattern."""
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, TypeError, ValueError, RecursionError, OverflowError):
        return False
    return not _may_break_line(parsed)


def _may_break_line(items) -> bool:
    for op, value in items:
        name = str(op)
        if name == "LITERAL":
            if value in _LINE_BREAKS:
                return True
        elif name == "IN":
            if _class_admits_break(value):
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT", "SUBPATTERN", "BRANCH"):
            bodies = value[1] if name == "BRANCH" else [value[2] if name.endswith("REPEAT") else value[-1]]
            if any(_may_break_line(body) for body in bodies):
                return True
        elif name != "AT":  # `.`, `[^x]` written as NOT_LITERAL, a backreference, a lookaround: may
            return True
    return False


def _class_admits_break(members) -> bool:
    """Whether a character class (`IN`'s members, NEGATE first when negated) admits `\\n` or `\\r`."""
    negated = bool(members) and str(members[0][0]) == "NEGATE"
    listed: set[int] = set()
    for op, value in members[1:] if negated else members:
        name = str(op)
        if name == "LITERAL":
            listed.add(value)
        elif name == "RANGE":
            listed.update(c for c in _LINE_BREAKS if value[0] <= c <= value[1])
        elif name == "CATEGORY":
            if str(value) in _BREAKING_CATEGORIES:
                listed.update(_LINE_BREAKS)
        else:
            return True
    # a plain class admits what it lists; a negated one what it does not
    return bool(listed & _LINE_BREAKS) if not negated else not _LINE_BREAKS <= listed


def _capture_groups(items):
    """The bodies of the capturing groups of a parsed pattern, nested ones too."""
    for op, value in items:
        name = str(op)
        if name == "SUBPATTERN":
            if value[0] is not None:
                yield value[-1]
            yield from _capture_groups(value[-1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            yield from _capture_groups(value[2])
        elif name == "BRANCH":
            for branch in value[1]:
                yield from _capture_groups(branch)


# re's searching functions: pattern first, then the text; a compiled pattern's methods take the text first.
EXTRACT_FUNCTIONS = frozenset({"re.findall", "re.finditer", "re.search", "re.match", "re.fullmatch", "re.split"})
EXTRACT_METHODS = frozenset({"findall", "finditer", "search", "match", "fullmatch", "split"})


def extract_call(node: ast.Call, qualified: str | None, constant_of) -> tuple[ast.expr, frozenset[str]] | None:
    """For `re.findall(pattern, text)` or `PATTERN.search(text)` (and `finditer`, `match`,
    `fullmatch`, `split`): the text searched and the sinks what comes out is safe for (what the
    pattern can match; nothing for `split`, whose pieces lie between matches); None for any other
    call. `constant_of` as for sub_call."""
    if qualified in EXTRACT_FUNCTIONS:
        pattern_node = astutil.argument_for(node, ("pattern", "string"), "pattern")
        text = astutil.argument_for(node, ("pattern", "string"), "string")
        splits = qualified == "re.split"
        pattern = constant_of(pattern_node) if pattern_node is not None else None
        if pattern is None and pattern_node is not None and (compiled := constant_of(pattern_node, compiled=True)) is not None:
            pattern = constant_of(compiled[0])  # `re.search(NAME_RE, text)` with `NAME_RE = re.compile(...)`
    elif isinstance(node.func, ast.Attribute) and node.func.attr in EXTRACT_METHODS and (compiled := constant_of(node.func.value, compiled=True)) is not None:
        text = astutil.argument_for(node, ("string",), "string")
        splits = node.func.attr == "split"
        pattern = constant_of(compiled[0])
    else:
        return None
    if text is None:
        return None
    return text, pieces_safe_for(pattern) if isinstance(pattern, str) and not splits else frozenset()
