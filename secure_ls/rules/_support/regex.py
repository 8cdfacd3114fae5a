"""Structural analysis of regular expressions, on `re._parser`'s parse tree.

`catastrophic(pattern, flags)` finds the two shapes that make a backtracking
engine take exponential time on a failing input:

* a repeated group whose body holds another unbounded repeat, and the rest of
  the body can match nothing or only characters of the inner repeat, so a run
  of those characters can be split between iterations in exponentially many
  ways: `(a+)+`, `(\\w+\\s?)*`, `(\\d*)*`;
* a repeated alternation where two branches can match the same text:
  `(a|a)*`, `(\\w|\\d)+`, `(a|aa)*`, or a branch that is itself such a repeat.

Either only hurts when something required follows the repeat (so a mismatch
forces backtracking): `$`, more characters, or a call to `fullmatch`.
Possessive repeats and atomic groups do not backtrack and are skipped.
Character classes are compared on a sample alphabet (ASCII plus a few
non-ASCII letters, digits and spaces), which is exact for ASCII classes.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

try:
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python < 3.11
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_ALPHABET = frozenset(chr(i) for i in range(128)) | frozenset("éßΩЖ中\u00a0\u2003٣")
_POSSESSIVE = getattr(C, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(C, "ATOMIC_GROUP", None)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)
MAXREPEAT = C.MAXREPEAT


@dataclass(frozen=True)
class Problem:
    kind: str  # "nested" or "alternation"
    detail: str


def parse(pattern: str | bytes, flags: int = 0):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sre_parse.parse(pattern, flags)
    except Exception:
        return None


def catastrophic(pattern: str | bytes, flags: int = 0, full: bool = False) -> Problem | None:
    """The first exponential-backtracking construct in `pattern`, if any."""
    tree = parse(pattern, flags)
    if tree is None:
        return None
    state = _State(flags | getattr(tree.state, "flags", 0))
    return state.walk(list(tree), follows=full)


def polynomial(pattern: str | bytes, flags: int = 0, full: bool = False, anywhere: bool = False) -> Problem | None:
    """A construct that makes a failing match take time quadratic in the input, if any:

    * two unbounded repeats in a row that can take the same characters, with only such
      characters between them, and something that can fail after (`\\S+@\\S+\\.\\S+$`):
      a run of shared characters can be split between them in n ways;
    * `anywhere` (search, sub, findall, split): an unbounded repeat that starts the pattern,
      followed by something that can fail (`[ \\t]+$`, `\\d+px`): the search retries it from
      every position of a long run, each try scanning the rest of the run.
    """
    tree = parse(pattern, flags)
    if tree is None:
        return None
    state = _State(flags | getattr(tree.state, "flags", 0))
    seq = state._flatten(list(tree))
    for i, (op, av) in enumerate(seq):
        if op not in _REPEATS or av[1] != MAXREPEAT:
            continue
        first = state.chars(list(av[2]))
        for j in range(i + 1, len(seq)):
            op2, av2 = seq[j]
            if op2 in _REPEATS and av2[1] == MAXREPEAT:
                shared = first & state.chars(list(av2[2]))
                between = seq[i + 1 : j]
                if (
                    shared
                    and all(state._min_width([b]) == 0 or state.chars([b]) <= shared for b in between)
                    and (full or state._required(seq[j + 1 :]))
                ):
                    return Problem("polynomial", "two repeats in a row can take the same characters")
            if op2 in (C.AT, C.ASSERT, C.ASSERT_NOT, C.GROUPREF) or state._min_width([seq[j]]) > 0 and not state.chars([seq[j]]) <= first:
                break  # the run the first repeat took must end here
    if anywhere and seq:
        op, av = seq[0]
        if op in _REPEATS and av[1] == MAXREPEAT and av[0] >= 1 and state._required(seq[1:]):
            return Problem("polynomial", "a search retries the repeat at every position of a long run")
    return None


class _State:
    def __init__(self, flags: int):
        self.ignorecase = bool(flags & re.IGNORECASE)
        self.dotall = bool(flags & re.DOTALL)

    # ---- walking ----------------------------------------------------------
    def walk(self, seq: list, follows: bool) -> Problem | None:
        for index, (op, av) in enumerate(seq):
            after = follows or self._required(seq[index + 1 :])
            if op in _REPEATS:
                _low, high, body = av
                if high == MAXREPEAT and after:
                    problem = self._repeat_problem(list(body))
                    if problem:
                        return problem
                problem = self.walk(list(body), after or high > 1)
            elif op == C.SUBPATTERN:
                problem = self.walk(list(av[-1]), after)
            elif op == C.BRANCH:
                problem = None
                for branch in av[1]:
                    problem = self.walk(list(branch), after)
                    if problem:
                        break
            elif op in (C.ASSERT, C.ASSERT_NOT):
                problem = self.walk(list(av[1]), True)
            else:
                problem = None  # possessive repeats and atomic groups never backtrack into themselves
            if problem:
                return problem
        return None

    def _required(self, seq: list) -> bool:
        """Whether `seq` can fail after a repeat: it needs a character or an end/boundary anchor."""
        for op, av in seq:
            if op == C.AT and av in (C.AT_END, C.AT_END_STRING, C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
                return True
            if op in (C.ASSERT, C.ASSERT_NOT):
                return True
            if self._min_width([(op, av)]) > 0:
                return True
        return False

    # ---- the two shapes ------------------------------------------------------
    def _repeat_problem(self, body: list) -> Problem | None:
        items = self._flatten(body)
        branches = self._branches(items)
        if branches is not None:
            problem = self._overlapping(branches)
            if problem:
                return problem
            for branch in branches:
                problem = self._nested(self._flatten(branch))
                if problem:
                    return problem
            return None
        return self._nested(items) or self._factored(items)

    def _nested(self, items: list) -> Problem | None:
        for index, (op, av) in enumerate(items):
            if op not in _REPEATS:
                continue
            _low, high, inner = av
            if high != MAXREPEAT:
                continue
            inner_chars = self.chars(list(inner))
            if not inner_chars or _has_assertions(list(inner)):
                continue
            others = items[:index] + items[index + 1 :]
            if any(op in (C.AT, C.ASSERT, C.ASSERT_NOT, C.GROUPREF) for op, _ in others):
                continue  # anchors and lookarounds pin where an iteration may end
            if self._ends_on_one_character(list(inner), items[index + 1 :] + items[:index]):
                continue
            if all(self._min_width([o]) == 0 or self.chars([o]) <= inner_chars for o in others):
                return Problem("nested", "a repeated group contains another unbounded repeat of the same characters")
        return None

    def _ends_on_one_character(self, inner: list, after: list) -> bool:
        """Whether one character decides where the inner repeat stops: the text the group needs
        next (`after`: the rest of the group, then its start again for the next iteration) cannot
        begin with a character an iteration of the inner repeat begins with. `(?:\\ "[^"]*")*\\}`
        in a repeated group: after each `"` a backslash starts another iteration and a `}` ends
        them, so the group's text splits into iterations one way only. Checking that the inner
        body's characters are those the rest needs (`chars`) cannot see that: `[^"]*` takes them
        all. `((ab)+ab)+` still overlaps: `a` both starts an iteration and what comes after."""
        needed = self._first(after)
        return needed is not None and not (needed & (self._first(inner) or _ALPHABET))

    def _first(self, seq: list) -> frozenset | None:
        """The characters a match of `seq` can begin with; None when `seq` can match nothing
        (then what comes after it could begin the match too, which the caller does not know)."""
        out: set = set()
        for item in seq:
            op, av = item
            single = self.charset(item)
            if single is not None:
                first = single
            elif op in _REPEATS or op == _POSSESSIVE:
                first = self._first(list(av[2])) or frozenset()
            elif op == C.SUBPATTERN:
                first = self._first(list(av[-1])) or frozenset()
            elif op == _ATOMIC:
                first = self._first(list(av)) or frozenset()
            elif op == C.BRANCH:
                first = frozenset()
                for branch in av[1]:
                    first |= self._first(list(branch)) or _ALPHABET  # an empty branch: the rest begins the match
            elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
                continue  # takes no character
            else:
                return _ALPHABET  # a back-reference, or something this walk does not know: anything
            out |= first
            if self._min_width([item]) > 0:
                return frozenset(out)
        return None

    def _overlapping(self, branches: list) -> Problem | None:
        """Two branches (or one branch and two others in a row) that can match the same text."""
        fixed = [f for f in (self._fixed(self._flatten(b)) for b in branches) if f is not None]
        problem = Problem("alternation", "a repeated alternation has branches that match the same text")
        for i in range(len(fixed)):
            for j in range(i + 1, len(fixed)):
                if _same_text(fixed[i], fixed[j]):
                    return problem
        for k, whole in enumerate(fixed):
            for i, first in enumerate(fixed):
                for j, second in enumerate(fixed):
                    if k not in (i, j) and first and second and _same_text(whole, first + second):
                        return problem
        return None

    def _factored(self, items: list) -> Problem | None:
        """`a(?:|a)`, what `(a|aa)` and `(a|a)` parse to: an optional tail that can also start an iteration."""
        for index, (op, av) in enumerate(items):
            if op != C.BRANCH:
                continue
            branches = [list(b) for b in av[1]]
            reprs = [repr(b) for b in branches]
            if len(set(reprs)) < len(reprs):
                return Problem("alternation", "a repeated alternation has identical branches")
            if any(not b for b in branches) and index > 0:
                head = self.charset(items[0])
                if head is None:
                    continue
                for branch in branches:
                    if branch and self.chars(branch) <= head and self._min_width(branch) > 0:
                        return Problem("alternation", "a repeated alternation has branches that match the same text")
        return None

    def _fixed(self, items: list) -> list | None:
        """The branch as a list of character sets when it matches a fixed number of single characters."""
        out = []
        for item in items:
            charset = self.charset(item)
            if charset is None:
                return None
            out.append(charset)
        return out

    # ---- helpers -----------------------------------------------------------------
    def _flatten(self, seq: list) -> list:
        """Inline plain groups: `(?:ab)c` is `abc`."""
        out = []
        for op, av in seq:
            if op == C.SUBPATTERN and not any(o == C.BRANCH for o, _ in av[-1]) or (
                op == C.SUBPATTERN and len(av[-1]) > 1
            ):
                out.extend(self._flatten(list(av[-1])))
            else:
                out.append((op, av))
        return out

    def _branches(self, items: list):
        if len(items) == 1:
            op, av = items[0]
            if op == C.BRANCH:
                return [list(b) for b in av[1]]
            if op == C.SUBPATTERN:
                return self._branches(self._flatten(list(av[-1])) if len(av[-1]) > 1 else list(av[-1]))
            if op == C.IN:
                return None
        return None

    def _min_width(self, seq: list) -> int:
        total = 0
        for op, av in seq:
            if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
                total += 1
            elif op in _REPEATS or op == _POSSESSIVE:
                total += av[0] * self._min_width(list(av[2]))
            elif op == C.SUBPATTERN:
                total += self._min_width(list(av[-1]))
            elif op == _ATOMIC:
                total += self._min_width(list(av))
            elif op == C.BRANCH:
                total += min(self._min_width(list(b)) for b in av[1])
            elif op == C.GROUPREF:
                total += 0
        return total

    def chars(self, seq: list) -> frozenset:
        """Every character the sub-pattern can consume (sampled)."""
        out: set = set()
        for item in seq:
            op, av = item
            single = self.charset(item)
            if single is not None:
                out |= single
            elif op in _REPEATS or op == _POSSESSIVE:
                out |= self.chars(list(av[2]))
            elif op == C.SUBPATTERN:
                out |= self.chars(list(av[-1]))
            elif op == _ATOMIC:
                out |= self.chars(list(av))
            elif op == C.BRANCH:
                for b in av[1]:
                    out |= self.chars(list(b))
            elif op == C.GROUPREF:
                out |= _ALPHABET
        return frozenset(out)

    def charset(self, item) -> frozenset | None:
        op, av = item
        if op == C.LITERAL:
            return self._cased({chr(av)})
        if op == C.NOT_LITERAL:
            return _ALPHABET - self._cased({chr(av)})
        if op == C.ANY:
            return _ALPHABET if self.dotall else _ALPHABET - {"\n"}
        if op == C.IN:
            negate = False
            out: set = set()
            for sub_op, sub_av in av:
                if sub_op == C.NEGATE:
                    negate = True
                elif sub_op == C.LITERAL:
                    out |= self._cased({chr(sub_av)})
                elif sub_op == C.RANGE:
                    low, high = sub_av
                    out |= self._cased({c for c in _ALPHABET if low <= ord(c) <= high})
                elif sub_op == C.CATEGORY:
                    out |= _category(sub_av)
            return frozenset(_ALPHABET - out if negate else out)
        return None

    def _cased(self, chars: set) -> set:
        if not self.ignorecase:
            return set(chars)
        return {variant for c in chars for variant in (c, c.lower(), c.upper()) if len(variant) == 1}


def _has_assertions(seq: list) -> bool:
    """Whether a sub-pattern holds anchors or lookarounds (which limit where it can match)."""
    for op, av in seq:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            return True
        if op in _REPEATS or op == _POSSESSIVE:
            if _has_assertions(list(av[2])):
                return True
        elif op == C.SUBPATTERN:
            if _has_assertions(list(av[-1])):
                return True
        elif op == C.BRANCH:
            if any(_has_assertions(list(b)) for b in av[1]):
                return True
    return False


def _same_text(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x & y for x, y in zip(a, b, strict=True))


def _category(cat) -> set:
    name = str(cat).upper()
    if "NOT_DIGIT" in name:
        return {c for c in _ALPHABET if not c.isdecimal()}
    if "DIGIT" in name:
        return {c for c in _ALPHABET if c.isdecimal()}
    if "NOT_SPACE" in name:
        return {c for c in _ALPHABET if not c.isspace()}
    if "SPACE" in name:
        return {c for c in _ALPHABET if c.isspace()}
    if "NOT_WORD" in name:
        return {c for c in _ALPHABET if not (c.isalnum() or c == "_")}
    if "WORD" in name:
        return {c for c in _ALPHABET if c.isalnum() or c == "_"}
    if "NOT_LINEBREAK" in name:
        return _ALPHABET - {"\n"}
    if "LINEBREAK" in name:
        return {"\n"}
    return set(_ALPHABET)


# ---- anchors, for validation checks ---------------------------------------------
def anchors(pattern: str | bytes, flags: int = 0) -> tuple[bool, str | None, bool] | None:
    """(starts with `^`/`\\A`, how it ends: "$", "\\Z" or None, ends with an unbounded repeat).

    None when the pattern does not parse or is a top-level alternation
    (where anchors bind to single branches).
    """
    tree = parse(pattern, flags)
    if tree is None:
        return None
    items = list(tree)
    if len(items) == 1 and items[0][0] == C.BRANCH:
        return None
    if not items:
        return (False, None, False)
    first_op, first_av = items[0]
    starts = first_op == C.AT and first_av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING)
    last_op, last_av = items[-1]
    end = None
    if last_op == C.AT and last_av == C.AT_END:
        end = "$"
    elif last_op == C.AT and last_av == C.AT_END_STRING:
        end = "\\Z"
    open_repeat = last_op in _REPEATS and last_av[1] == MAXREPEAT
    return (starts, end, open_repeat)


def tail(pattern: str | bytes, flags: int = 0) -> tuple[frozenset, bool] | None:
    """(characters the last item before any end anchor can match, whether that item is `.`-based)."""
    tree = parse(pattern, flags)
    if tree is None:
        return None
    items = [item for item in tree if item[0] != C.AT]
    if not items:
        return None
    state = _State(flags | getattr(tree.state, "flags", 0))
    last = items[-1]
    chars = state.chars([last])
    op, av = last
    body = list(av[2]) if op in _REPEATS else [last]
    return chars, any(o == C.ANY for o, _ in body)


def is_literal_only(pattern: str | bytes, flags: int = 0) -> bool:
    tree = parse(pattern, flags)
    return tree is not None and all(op == C.LITERAL for op, _ in tree)


def opens_with_wildcard(pattern: str | bytes, flags: int = 0) -> bool:
    """`.*\\/$`, `.+\\.png$`: the pattern starts with an unbounded run of any character, so
    `re.match` with it only tests how the value ends (as `re.search` without `^` would)."""
    tree = parse(pattern, flags)
    items = [item for item in tree if item != (C.AT, C.AT_BEGINNING) and item != (C.AT, C.AT_BEGINNING_STRING)] if tree is not None else []
    if not items or items[0][0] not in _REPEATS:
        return False
    _low, high, body = items[0][1]
    return high == MAXREPEAT and [op for op, _ in body] == [C.ANY]


def finds_any_newline(pattern: str | bytes, flags: int = 0) -> bool:
    """`re.search` with the pattern succeeds on every value that holds a line feed: the pattern is
    one character (or a run of them) from a set that includes it (`[\\s\\x00-\\x1f]`, `\\n`, `[\\r\\n]+`)."""
    tree = parse(pattern, flags)
    items = list(tree) if tree is not None else []
    if len(items) != 1:
        return False
    op, av = items[0]
    if op in _REPEATS and av[0] >= 1 and len(av[2]) == 1:
        op, av = list(av[2])[0]
    state = _State(flags | getattr(tree.state, "flags", 0))
    chars = state.charset((op, av))
    return chars is not None and "\n" in chars


_CONSUMING = (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN, C.AT, C.SUBPATTERN, C.BRANCH, C.ASSERT, C.ASSERT_NOT, *_REPEATS)


def matches_no_newline(pattern: str | bytes, flags: int = 0) -> bool:
    """No text the pattern matches holds a line feed (every character it consumes excludes it):
    `re.fullmatch` with it rejects any value that holds one."""
    tree = parse(pattern, flags)
    if tree is None:
        return False
    state = _State(flags | getattr(tree.state, "flags", 0))

    def clean(seq: list) -> bool:
        for op, av in seq:
            if op not in _CONSUMING:
                return False  # back-references, conditionals, possessive or atomic parts: not followed
            if op in _REPEATS and not clean(list(av[2])):
                return False
            if op == C.SUBPATTERN and not clean(list(av[-1])):
                return False
            if op == C.BRANCH and not all(clean(list(b)) for b in av[1]):
                return False
            single = state.charset((op, av))
            if single is not None and "\n" in single:
                return False
        return True

    return clean(list(tree))
