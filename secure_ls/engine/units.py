"""Split a Python file into top-level units and parse each one on its own.

Why: re-parsing a 20k-line file on every keystroke costs ~100 ms with `ast`
and seconds with libcst. A unit is one top-level statement (a function, a
class, an import, ...), found by a fast scan for lines that start in column
0. Each unit is parsed separately and cached by its text, so an edit inside
one function re-parses only that function, and a syntax error while typing
breaks only the unit it is in.

A column-0 line can sit inside a multi-line string or bracket. Such a unit
fails to parse with an "unclosed" error, so it is merged with the following
ones until it parses. A prefix of a statement that ends inside an open
construct never parses, so merging never glues two real statements.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
import threading
from dataclasses import dataclass

from secure_ls.engine import modern_syntax
from secure_ls.engine.pacing import Pace, Steps, finish

# A unit starts at a line whose first character is code (not blank, not a
# comment, not a closing bracket), except clauses that continue a statement.
_UNIT_START = re.compile(r"^(?=[^\s#)\]}])(?!(?:else|elif|except|finally)\b)", re.MULTILINE)


def statement_starts(text: str) -> list[int]:
    """Offsets of the lines that may start a top-level statement (column 0, not a
    comment, a closing bracket or a clause like `else:`). Some may lie inside a
    multi-line string: whoever splits on them must check that the pieces parse."""
    return [m.start() for m in _UNIT_START.finditer(text)]


_DECORATOR_ONLY = re.compile(r"\A(?:\s*(?:@[^\n]*|#[^\n]*)?\n)*\s*@[^\n]*\n?\s*\Z")
_TRIPLE_QUOTE_OPEN = re.compile(r"unterminated triple-quoted string")
_UNCLOSED = re.compile(r"was never closed|unexpected EOF|unterminated string")
_ONE_LINE_STRING = re.compile(r"unterminated string literal")
_UNCLOSED_BRACKET = re.compile(r"'[(\[{]' was never closed")
# The parse budget. CPython's parser is quadratic in the replacement fields of one
# f-string (one line of 40,000 `{x}` takes a second, 200,000 take minutes), and
# ast.parse holds the GIL the whole time, so no thread or timer can bound it: the text
# is measured before it is parsed. Measured on 3.11: a line of 16,000 fields (50,000
# characters) parses in 0.2 s, a triple-quoted f-string of 50,000 fields over as many
# lines (200,000 characters) in about 2 s; ordinary code parses at about 1 MB/s. Real
# code rarely reaches either limit (a 200,000-character statement is a class of about
# 5,000 lines, and a longer class or function is parsed statement by statement:
# _parse_body_by_statements; 50,000-character lines are minified or generated data), and what
# does is skipped with one log line rather than freezing the editor. Within those sizes one
# f-string can still hold 50,000 fields: FSTRING_MAX_FIELDS bounds the quadratic part itself
# (in one run here 4,000 fields parsed in 60 ms and 8,000 in 210 ms; no file of the 183 benchmark
# projects has an f-string of even 1,000), counted only in a text with that many braces at all.
# It is 2,000, not 4,000: the editor analyses a short document at once, and a statement of
# 3,900 fields took 145 ms there (parse and analysis), held before it could answer anything
# else; 2,000 take about 60 (bench/responsiveness.py).
UNIT_MAX_CHARS = 200_000
LINE_MAX_CHARS = 50_000
FSTRING_MAX_FIELDS = 2_000
_FSTRING_START = re.compile(r"(?<![\w\\])(?:[rRbB]?[fF]|[fF][rRbB])(\"\"\"|'''|\"|')")


def over_budget(text: str, whole_file: bool = False) -> str | None:
    """Why `text` is not parsed, or None. `whole_file`: the text is a module parsed in
    one piece (summaries of other modules), where only the line limit applies."""
    if not whole_file and len(text) > UNIT_MAX_CHARS:
        return f"a statement of {len(text):,} characters is over the {UNIT_MAX_CHARS:,}-character limit"
    if len(text) > LINE_MAX_CHARS:
        longest, start = 0, 0
        while start <= len(text):  # no split(): a copy of a huge text just to measure it
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            longest = max(longest, end - start)
            start = end + 1
        if longest > LINE_MAX_CHARS:
            return f"a line of {longest:,} characters is over the {LINE_MAX_CHARS:,}-character limit"
    if text.count("{") > FSTRING_MAX_FIELDS:
        fields = _most_fstring_fields(text)
        if fields > FSTRING_MAX_FIELDS:
            return f"an f-string of {fields:,} replacement fields is over the {FSTRING_MAX_FIELDS:,}-field limit"
    return None


def _most_fstring_fields(text: str) -> int:
    """About the most replacement fields one f-string literal of `text` holds (its `{` not
    doubled; a quote escaped inside it may end it early, which only undercounts)."""
    most, position = 0, 0
    while (match := _FSTRING_START.search(text, position)) is not None:
        quote, start = match.group(1), match.end()
        end = text.find(quote, start) if len(quote) == 3 else min(i for i in (text.find(quote, start), text.find("\n", start), len(text)) if i >= 0)
        end = len(text) if end < 0 else end
        body = text[start:end]
        most = max(most, body.count("{") - 2 * body.count("{{"))
        position = end + len(quote)
    return most


def parse_within_budget(text: str, whole_file: bool = True) -> ast.Module:
    """ast.parse, or ValueError (which every caller of ast.parse already handles) when
    `text` is over the parse budget. For the module reads of summaries.py: those run in
    the server's background indexer, which would hold the GIL just as long."""
    reason = over_budget(text, whole_file)
    if reason is not None:
        raise ValueError(f"not parsed: {reason}")
    return ast.parse(text)


def parsed_configurations(texts, aligned: bool = False) -> tuple[list, int]:
    """The trees of the configuration modules whose source texts are `texts` (those that do not
    parse, or are over the parse budget, skipped; `aligned`: None in their place) and a
    fingerprint of all the texts: what each reader of engine/workspace.CONFIGURATIONS starts from."""
    trees, digest = [], []
    for text in texts:
        digest.append(hash(text))
        try:
            trees.append(parse_within_budget(text))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            if aligned:
                trees.append(None)
            continue
    return trees, hash(tuple(sorted(digest)))


# How many following units an unclosed bracket may swallow before we give up
# and treat the unit as broken; bounds the cost of typing "(" mid-file.
MAX_MERGE = 64


@dataclass(frozen=True)
class ParsedUnit:
    """A parsed unit: `tree` is None when the text has a syntax error."""

    text: str
    tree: ast.Module | None
    error: tuple[int, int, str] | None  # 1-based line, 0-based column, message
    # The text `ast` actually parsed: differs from `text` when newer syntax
    # was rewritten for an older interpreter (same lines and columns).
    parsed_text: str
    # Why the text was not parsed at all (over the parse budget, see over_budget):
    # then `tree` and `error` are None, and the unit gets no diagnostics of any kind.
    skipped: str | None = None

    @property
    def lines(self) -> list[str]:
        return self.parsed_text.split("\n")


@dataclass(frozen=True)
class Unit:
    start_line: int  # 0-based line of the unit's first line in the file
    parsed: ParsedUnit
    start_offset: int = 0  # character offset of the unit in the text it was split from


class UnitParser:
    """Parses units, remembering the result for each distinct text."""

    def __init__(self, capacity: int = 50_000, max_chars: int = 2_000_000):
        self._cache: dict[str, ParsedUnit] = {}
        self._capacity = capacity
        # Also bounded by size: near an unclosed bracket or string every edit parses
        # (and would keep) up to MAX_MERGE ever longer candidate texts, so counting
        # entries alone let a big file reach gigabytes within a few hundred edits.
        # (A parsed unit's AST takes ~100 bytes per character of its text.)
        self._max_chars = max_chars
        self._chars = 0

    def parse(self, text: str) -> ParsedUnit:
        return finish(self.parse_steps(text, None))

    def parse_steps(self, text: str, pace: Pace | None) -> Steps[ParsedUnit]:
        """`parse`, pausing at `pace` inside a definition too long to parse in one call."""
        cached = self._cache.get(text)
        if cached is None:
            cached = yield from _parse_steps(text, pace)
            if len(self._cache) >= self._capacity or self._chars > self._max_chars:
                # Drop the oldest half: cheap, and edits mostly revisit recent texts.
                for key in list(self._cache)[: len(self._cache) // 2]:
                    self._chars -= len(key)
                    del self._cache[key]
            self._cache[text] = cached
            self._chars += len(text)
        return cached

    def split(self, text: str) -> list[Unit]:
        """Units of `text`, which must use "\\n" line endings."""
        return finish(self.split_steps(text, Pace()))

    def split_steps(self, text: str, pace: Pace) -> Steps[list[Unit]]:
        """`split`, pausing at `pace` (engine/pacing.py)."""
        starts = [m.start() for m in _UNIT_START.finditer(text)]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        starts.append(len(text))
        units: list[Unit] = []
        line = 0
        i = 0
        count = len(starts) - 1
        while i < count:
            j = i + 1
            parsed = yield from self.parse_steps(text[starts[i] : starts[j]], pace)
            if parsed.error is not None and _may_continue(parsed):
                j = self._extend(text, starts, i, parsed)
                if j > i + 1:
                    parsed = self.parse(text[starts[i] : starts[j]])
            unit_text = parsed.text
            if unit_text.strip():
                units.append(Unit(line, parsed, starts[i]))
            line += unit_text.count("\n")
            i = j
            if pace.due():
                yield
        return units

    def _extend(self, text: str, starts: list[int], i: int, parsed: ParsedUnit) -> int:
        """Index of the unit start that closes the construct opened in unit i, or i+1."""
        count = len(starts) - 1
        j = i + 1
        merges = 0
        # A loop, not recursion: a file of many triple-quoted strings must not
        # exhaust the stack.
        while parsed.error is not None and _may_continue(parsed) and j < count and merges < MAX_MERGE:
            bracket = _UNCLOSED_BRACKET.search(parsed.error[2])
            if bracket:
                # jump straight past the matching closing bracket (a table of
                # hundreds of column-0 lines must not be merged line by line)
                err_line, err_col, _ = parsed.error
                close = _matching_bracket(text, starts[i] + _offset_of(parsed.text, err_line, err_col))
                if close < 0:
                    return i + 1
                jumped = j
                while j < count and starts[j] <= close:
                    j += 1
                if j == jumped:
                    j += 1
            elif _TRIPLE_QUOTE_OPEN.search(parsed.error[2]):
                # jump straight past the closing quotes instead of growing line by line
                err_line, err_col, _ = parsed.error
                offset = starts[i] + _offset_of(parsed.text, err_line, err_col)
                quote = _opening_quote(text, offset)
                close = text.find(quote, text.find(quote, offset) + 3) if quote else -1
                if close < 0:
                    return i + 1
                while j < count and starts[j] <= close:
                    j += 1
            else:
                j += 1
            merges += 1
            parsed = self.parse(text[starts[i] : starts[j]])
        return j if parsed.error is None else i + 1


def may_continue(parsed: ParsedUnit) -> bool:
    """Whether a unit's syntax error may be an unclosed construct that a later unit closes."""
    return parsed.error is not None and _may_continue(parsed)


def _may_continue(parsed: ParsedUnit) -> bool:
    message = parsed.error[2]
    if _ONE_LINE_STRING.search(message):
        # a quote left open on its line: only a backslash at the line's end lets the
        # string go on to the next one (merging lines is hopeless otherwise, and with a
        # long line it cost up to MAX_MERGE parses of it per keystroke)
        lines = parsed.text.split("\n")
        line = parsed.error[0]
        return 0 < line <= len(lines) and lines[line - 1].endswith("\\")
    if _UNCLOSED.search(message) or _TRIPLE_QUOTE_OPEN.search(message):
        return True
    # decorators (even multi-line ones) always continue with the def or class below
    return parsed.text.lstrip().startswith("@") or bool(_DECORATOR_ONLY.match(parsed.text))


_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _matching_bracket(text: str, offset: int) -> int:
    """Offset of the bracket closing the one at `offset`, skipping strings and comments; -1 if none."""
    if offset >= len(text) or text[offset] not in _CLOSERS:
        return -1
    depth = 0
    k = offset
    n = len(text)
    while k < n:
        ch = text[k]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return k
        elif ch == "#":
            newline = text.find("\n", k)
            k = n if newline < 0 else newline
            continue
        elif ch in "'\"":
            quote = text[k : k + 3] if text[k : k + 3] in ('"""', "'''") else ch
            end = k + len(quote)
            while end < n:
                if text[end] == "\\":
                    end += 2
                    continue
                if text.startswith(quote, end):
                    break
                if len(quote) == 1 and text[end] == "\n":
                    break  # an unterminated one-line string: stop at the line end
                end += 1
            k = end + len(quote)
            continue
        k += 1
    return -1


def line_offset(text: str, line: int) -> int | None:
    """The offset where the 0-based `line` of `text` starts (None: the text has no such line)."""
    offset = 0
    for _ in range(line):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    return offset


def _offset_of(text: str, line: int, column: int) -> int:
    """The offset of a parser's position (1-based `line`) in `text`."""
    return (line_offset(text, line - 1) or 0) + max(column, 0)


def _opening_quote(text: str, offset: int) -> str | None:
    """The triple quote that opens at or just after `offset`."""
    for k in range(offset, min(len(text), offset + 8)):
        if text.startswith('"""', k):
            return '"""'
        if text.startswith("'''", k):
            return "'''"
    return None


def _parse_steps(text: str, pace: Pace | None) -> Steps[ParsedUnit]:
    """The parse of one unit's text; with `pace`, a definition over UNIT_MAX_CHARS (a 5,000-line
    class, parsed one body statement at a time) pauses between its statements and while they are found."""
    reason = over_budget(text)
    if reason is not None:
        tree = (yield from _parse_body_by_statements(text, pace)) if len(text) > UNIT_MAX_CHARS else None
        if tree is not None:
            return ParsedUnit(text, tree, None, text)
        return ParsedUnit(text, None, None, text, skipped=reason)
    try:
        return ParsedUnit(text, _parse_at_stack_bottom(text), None, text)
    except (SyntaxError, ValueError) as exc:
        error = _describe(exc)
    except (RecursionError, MemoryError) as exc:  # absurdly deep nesting
        return ParsedUnit(text, None, (1, 0, f"too deeply nested to analyse ({type(exc).__name__})"), text)
    # Valid code in syntax newer than this interpreter: rewrite and retry.
    rewritten = modern_syntax.downlevel(text)
    if rewritten is not None:
        try:
            return ParsedUnit(text, ast.parse(rewritten), None, rewritten)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
    return ParsedUnit(text, None, error, text)


def _parse_body_by_statements(text: str, pace: Pace | None = None) -> Steps[ast.Module | None]:
    """The tree of a top-level class or function over UNIT_MAX_CHARS, parsed one body
    statement at a time (None: it is not one, or a statement of its body is itself over the
    budget). Why: such units are real code (a web framework's controller class of 7,000
    lines, a client library's 300,000-character class), and skipping them hid every finding
    in them, while one ast.parse of the whole holds the GIL longer than the budget allows.
    The statements are found by the tokenizer (pure Python: it yields the GIL, and it knows
    strings and brackets); each keeps its indentation (it is parsed under an `if 1:` line),
    so columns are exact and only line numbers are shifted. The result equals ast.parse of
    the whole text (tests/engine/test_units.py checks it on the standard library)."""
    starts = yield from _body_statement_lines(text, pace)
    if not starts:
        return None
    lines = text.split("\n")
    try:  # the header, with a body that parses at any indentation
        header = ast.parse("\n".join(lines[: starts[0]]) + "\n pass\n")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    definition = header.body[-1] if header.body else None
    if len(header.body) != 1 or not isinstance(definition, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    statements: list[ast.stmt] = []
    for first, end in zip(starts, starts[1:] + [len(lines)]):
        piece = "\n".join(lines[first:end])
        if over_budget(piece) is not None:
            return None
        try:
            block = ast.parse("if 1:\n" + piece).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if len(block) != 1 or not isinstance(block[0], ast.If):
            return None
        for statement in block[0].body:  # the piece's first line was line 2 of what was parsed
            statements.append(ast.increment_lineno(statement, first + 1 - 2))
        if pace is not None and pace.due():
            yield
    definition.body = statements
    definition.end_lineno, definition.end_col_offset = statements[-1].end_lineno, statements[-1].end_col_offset
    return header


def _body_statement_lines(text: str, pace: Pace | None = None) -> Steps[list[int] | None]:
    """The 0-based lines where the statements of the body of the definition `text` starts
    with begin (a decorator's line for a decorated one), from the tokenizer; None when the
    text is not one indented definition that tokenizes."""
    starts: list[int] = []
    depth, statement_begins, after_decorator = 0, True, False
    try:
        for count, token in enumerate(tokenize.generate_tokens(io.StringIO(text).readline)):
            if pace is not None and count % 512 == 0 and pace.due():
                yield
            kind = token.type
            if kind == tokenize.INDENT:
                depth += 1
            elif kind == tokenize.DEDENT:
                depth -= 1
            elif kind == tokenize.NEWLINE:
                statement_begins = True
            elif kind not in (tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER) and statement_begins:
                statement_begins = False
                if depth == 0 and starts:
                    return None  # a second top-level statement
                if depth == 1 and not (kind == tokenize.NAME and token.string in _CONTINUING_CLAUSES):
                    if not after_decorator:
                        starts.append(token.start[0] - 1)
                    after_decorator = token.string == "@"
    except (tokenize.TokenError, SyntaxError):
        return None
    return starts


_CONTINUING_CLAUSES = frozenset(("else", "elif", "except", "finally"))


def _parse_at_stack_bottom(text: str) -> ast.Module:
    """ast.parse, with a verdict on deep nesting that does not depend on the caller.

    Building the Python AST counts against the recursion limit *from the current stack
    depth*: the same text parsed deep in a call stack (a test, a worker) can raise
    RecursionError where the server, shallower, does not, so its diagnostics would depend
    on who asked. A RecursionError is therefore retried once in a fresh thread, whose
    stack starts empty: the outcome is then a property of the text alone."""
    try:
        return ast.parse(text)
    except RecursionError:
        pass
    outcome: list = []

    def parse() -> None:
        try:
            outcome.append(ast.parse(text))
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            outcome.append(exc)

    worker = threading.Thread(target=parse, name="secure-ls-deep-parse", daemon=True)
    worker.start()
    worker.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _describe(exc: Exception) -> tuple[int, int, str]:
    if isinstance(exc, SyntaxError):
        line = exc.lineno or 1
        col = (exc.offset or 1) - 1
        return (line, max(col, 0), exc.msg or "invalid syntax")
    return (1, 0, str(exc))


# ---- where two versions of a text differ (the editor's incremental re-split) -------------
_CHUNK = 16384


def common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix: whole chunks compared in C, then the chunk that
    differs bisected with slice comparisons (a loop over its characters cost milliseconds per
    keystroke, whatever the file's size)."""
    limit = min(len(a), len(b))
    lo = 0
    while lo < limit and a[lo : lo + _CHUNK] == b[lo : lo + _CHUNK]:
        lo += _CHUNK
    lo = min(lo, limit)
    hi = min(lo + _CHUNK, limit)  # a[:lo] == b[:lo]; the answer is in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def common_suffix(a: str, b: str, limit: int) -> int:
    """The length (at most `limit`) of the longest common suffix, as common_prefix."""
    la, lb = len(a), len(b)
    lo = 0
    while lo + _CHUNK <= limit and a[la - lo - _CHUNK : la - lo] == b[lb - lo - _CHUNK : lb - lo]:
        lo += _CHUNK
    hi = min(lo + _CHUNK, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass
class Layout:
    """The units of a new version of a text, and which of them the previous version had."""

    units: list[Unit]
    starts: list[int]
    old_index: list[int | None]  # the unit's index in the previous version, if unchanged
    line_delta: int
    first_suffix: int = 0  # index of the first unit after the edited region


def resplit(parser: UnitParser, old: str, units: list[Unit], starts: list[int], text: str) -> Layout | None:
    """Units of `text`, re-splitting only around the region that differs from `old`, the
    previous version, split into `units` starting at offsets `starts`. None: split it all."""
    count = len(units)
    if old == text:
        return Layout(list(units), list(starts), list(range(count)), 0, count)
    if count == 0:
        return None
    prefix = common_prefix(old, text)
    suffix = common_suffix(old, text, min(len(old), len(text)) - prefix)
    old_end = len(old) - suffix
    delta = len(text) - len(old)
    # the units touching the change, widened by one on each side: an edit can
    # join a unit to its neighbour (a dedent removed) or split one
    first = max(bisect.bisect_right(starts, max(prefix - 1, 0)) - 2, 0)
    # an earlier unit left open (a triple quote or a bracket nothing closed) may be
    # closed by this edit: the split must start again from there
    for index in range(first):
        if units[index].parsed.error is not None and may_continue(units[index].parsed):
            first = index
            break
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
    if last + 1 < count and any(may_continue(u.parsed) for u in fresh):
        # an unclosed string or bracket may swallow what follows: split everything.
        # Any fresh unit, not only the last: an unclosed triple quote in the middle of
        # the region ends (for the region's split) at the region's end, and re-pairs
        # every later triple quote of the file.
        return None
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
    return Layout(new_units, new_starts, old_index, line_delta, first_suffix)
