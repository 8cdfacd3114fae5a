"""The taint vocabulary rules share with the data-flow pass.

A value's `Origin` is the set of `Part`s it may be made of: each part says what kind of
value it is (`ValueKind`: untrusted, a parameter, unknown), where it came from (its label,
for messages), which sinks a sanitizer already made it safe for (`Sink`), and the steps it
took to get here (for the "how it got here" path of a finding). Rules ask an origin for its
`risk(sink)`: the worst part still unsafe for that sink.
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from secure_ls.engine.model import Confidence


class ValueKind(str, enum.Enum):
    """How a value may be non-constant. A `str` so that messages and sort keys read as before;
    a typo in a member name fails when the module is imported."""

    UNTRUSTED = "untrusted"  # the attacker's data: a request, a socket, a file upload
    PARAM = "param"  # the caller's: a parameter of the function the value is read in
    UNKNOWN = "unknown"  # computed from something the engine cannot see through

    # behave as the plain string everywhere: equal to it, hashed like it (Enum hashes by
    # member name otherwise, and `"*" in frozenset({Sink.ANY})` would be False), printed as it
    __str__ = str.__str__
    __format__ = str.__format__
    __hash__ = str.__hash__

    @property
    def rank(self) -> int:
        """How bad a value of this kind is at a sink, for choosing the worst part of an
        origin: untrusted (the attacker's data) over param (the caller's) over unknown."""
        return _RANKS[self]


_RANKS = {ValueKind.UNTRUSTED: 3, ValueKind.PARAM: 2, ValueKind.UNKNOWN: 1}
UNTRUSTED, PARAM, UNKNOWN = ValueKind.UNTRUSTED, ValueKind.PARAM, ValueKind.UNKNOWN


class Sink(str, enum.Enum):
    """The classes of sink a sanitizer can make a value safe for (`html.escape` makes text
    safe for HTML, not for a shell). Tables of sanitizers name them as strings; `sinks()`
    checks those names when the table is built, so a misspelt sink fails at import instead
    of silently disabling a sanitizer."""

    ANY = "*"  # every sink: `int(x)`, a UUID, a digest
    SQL = "sql"
    SHELL = "shell"
    CODE = "code"
    PATH = "path"
    URL = "url"
    REDIRECT = "redirect"
    HTML = "html"
    TEMPLATE = "template"
    HEADER = "header"
    LOG = "log"
    XPATH = "xpath"
    LDAP = "ldap"
    REGEX = "regex"
    XML = "xml"
    DESERIALIZE = "deserialize"
    # not a sink of its own: the value holds no quote character (`if "'" in x or '"' in x: abort()`),
    # so it cannot leave a quoted literal; a rule decides whether its value sits inside one
    QUOTED = "quoted"
    # nor this: the value is a whole quoted literal or identifier, its quote character doubled
    # inside and wrapped in that quote (`'"{}"'.format(name.replace('"', '""'))`), so it cannot
    # leave it wherever it is put (except where a backslash escapes a quote: MySQL's default mode)
    SELF_QUOTED = "self-quoted"
    # nor these: the value cannot leave a literal quoted with `'` (resp. `"`), since that quote is
    # doubled or taken out of it (`name.replace("'", "''")`, `name.translate(str.maketrans({'"': "_"}))`),
    # however it is put together afterwards; a rule decides whether it sits inside that quote
    IN_SINGLE_QUOTES = "in-single-quotes"
    IN_DOUBLE_QUOTES = "in-double-quotes"
    # nor this: the value holds only letters, digits and `_` (`re.sub(r"[^A-Za-z0-9_]", "", prefix)`):
    # one name, which adds no syntax where SQL expects a name, nor inside a quoted literal
    NAME = "name"
    # nor these: two halves of "a path on this site" that a redirect check may test apart. The
    # value starts with "/" (PATH_START); no "/" or "\\" follows that first "/" (NO_HOST_START:
    # browsers read "//host" and "/\\host" as another host). A value that has both is safe to
    # redirect to (see _sanitized).
    PATH_START = "path-start"
    NO_HOST_START = "no-host-start"
    # and this: no "//" at the start, though "/\\" may be there: enough for Django, whose redirects
    # percent-encode a backslash (iri_to_uri), not for a browser reading the raw Location
    NO_DOUBLE_SLASH_START = "no-double-slash-start"

    # behave as the plain string everywhere: equal to it, hashed like it (Enum hashes by
    # member name otherwise, and `"*" in frozenset({Sink.ANY})` would be False), printed as it
    __str__ = str.__str__
    __format__ = str.__format__
    __hash__ = str.__hash__


def sinks(*names: str) -> frozenset[Sink]:
    """The sink classes named (`sinks("html", "log")`); an unknown name raises ValueError."""
    return frozenset(Sink(name) for name in names)


ALL = sinks("*")
# The quote a value cannot leave, by quote character (see Sink.IN_SINGLE_QUOTES).
STAYS_IN_QUOTE = {"'": Sink.IN_SINGLE_QUOTES, '"': Sink.IN_DOUBLE_QUOTES}
# Everything that says a value keeps inside its quotes: what decoding it (`%27`) takes back.
QUOTE_MARKERS = frozenset({Sink.QUOTED, Sink.SELF_QUOTED, *STAYS_IN_QUOTE.values()})
# What a value without a line break is safe for: a log line, a header value.
LINE_SINKS = sinks("log", "header")


def covers(safe_for: frozenset[str], sink: str) -> bool:
    """Whether what a value is safe for (a sanitizer's, a part's, a checked parameter's) includes `sink`."""
    return "*" in safe_for or sink in safe_for


def meet(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """The sinks a value is safe for on both of two paths ("*" on one path: the other's)."""
    return b if "*" in a else a if "*" in b else a & b


def meet_all(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    """The sinks a value is safe for on every one of several paths (ALL for none)."""
    out: frozenset[str] = ALL
    for sinks in sets:
        out = meet(out, sinks)
    return out


# Labels of sources of lower trust than a web request, the operator's own inputs: reported,
# but at lower confidence.
WEAK_SOURCES = frozenset({"an environment variable", "command-line arguments", "standard input", "input()"})
# Answers to requests the program itself sent, to servers it chose: not what a client
# of the program sends it, though still not constant.
OUTBOUND_SOURCES = frozenset({"an HTTP response", "a DNS answer", "a socket's answer"})

Step = tuple[int, int, int, int, str]  # ast line, col, end line, end col, what happened


@dataclass(frozen=True)
class Part:
    """One way a value may be non-constant."""

    kind: ValueKind
    label: str  # the parameter's name, or the source ("the Flask request")
    safe_for: frozenset[str] = frozenset()  # sink classes a sanitizer made it safe for
    steps: tuple[Step, ...] = ()  # the path the value took, for untrusted data

    def is_safe_for(self, sink: Sink) -> bool:
        return covers(self.safe_for, sink)

    def from_client(self) -> bool:
        """Data the program's own clients send (a web request, a route parameter), not the
        operator's inputs nor the answers of servers the program calls."""
        return self.kind == ValueKind.UNTRUSTED and self.label not in WEAK_SOURCES and self.label not in OUTBOUND_SOURCES

    def from_remote(self) -> bool:
        """Data from across the network: what clients send, or what a server the program called answered."""
        return self.kind == ValueKind.UNTRUSTED and self.label not in WEAK_SOURCES

    def is_configuration(self) -> bool:
        """A parameter named for the program's configuration (`conf`, `config`, `cfg`,
        `settings`, however the label names it: "the constructor parameter `conf`"): what it
        holds is the operator's choice."""
        return self.kind == ValueKind.PARAM and _CONFIGURATION_PARAMETER.search(self.label) is not None

    def confidence(self, *, parameter: Confidence = Confidence.MEDIUM, configuration: Confidence = Confidence.LOW) -> Confidence:
        """How sure a finding about this value reaching a sink is: high for the data of a client
        or of a server the program called, medium for the operator's inputs (an environment
        variable, the command line), low for the instance's own state and for values the engine
        cannot see through. A parameter of the function is the caller's value: `parameter`
        (medium; a rule that reports a caller's value only as the audit tier passes low), or
        `configuration` when it is named for the configuration (`conf`, `settings`: the
        operator's choice, so low by default). The command, code, template, archive and
        deserialization rules pass medium for it: they never lowered it, and whether they
        should has not been measured."""
        if self.kind == ValueKind.UNTRUSTED:
            return Confidence.MEDIUM if self.label in WEAK_SOURCES else Confidence.HIGH
        if self.kind == ValueKind.PARAM and self.label not in ("self", "cls"):
            return configuration if self.is_configuration() else parameter
        return Confidence.LOW

    def is_plain_parameter(self) -> bool:
        """A parameter of the function the value is read in, by its name: not the instance
        (`self`), nor a constructor's parameter reached through the object's state."""
        return self.kind == ValueKind.PARAM and self.label.isidentifier() and self.label not in ("self", "cls")

    def describe(self) -> str:
        """How a message names the value: the source (`the Flask request`), the parameter
        (`the parameter `cmd``), or "non-constant data" (unknown, or the instance itself)."""
        if self.kind == ValueKind.UNTRUSTED:
            return self.label
        if self.kind == ValueKind.PARAM and self.label not in ("self", "cls"):
            return describe_parameter(self.label)
        return "non-constant data"


def describe_parameter(label: str) -> str:
    """How a message names a PARAM part: a plain parameter by its name, a parameter
    reached through an instance attribute by its own description (see
    `instance_attribute_origins`: "the constructor parameter `folder`")."""
    return f"the parameter `{label}`" if label.isidentifier() else label


class Origin:
    """The union of the ways a value may be non-constant; empty means constant.

    An origin can be *deferred*: computed on first use. The flow pass records
    every assignment, but rules ask about few values (the ones reaching a
    sink), and computing an origin can mean summarising a function in another
    module. So an assignment's origin is a thunk over the bindings its names
    had at that point; joins, sanitizers and steps on deferred origins stay
    deferred. Chains are forced when they grow deep (long functions must not
    exhaust the stack when a rule finally asks).
    """

    __slots__ = ("_parts", "_compute", "_depth")

    def __init__(self, parts: frozenset[Part] = frozenset()):
        self._parts = parts
        self._compute: Callable[[], frozenset[Part]] | None = None
        self._depth = 0

    @classmethod
    def deferred(cls, compute: Callable[[], frozenset[Part]], depth: int) -> "Origin":
        if depth > _MAX_DEFERRED_DEPTH:
            return cls(compute())
        origin = cls()
        origin._compute = compute
        origin._depth = depth
        return origin

    @property
    def parts(self) -> frozenset[Part]:
        compute = self._compute
        if compute is not None:
            self._compute = None  # a value can never need itself; if it did, it reads as constant
            self._parts = compute()
            self._depth = 0
        return self._parts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Origin) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __repr__(self) -> str:
        return f"Origin({set(self.parts) if self._compute is None else 'deferred'})"

    @property
    def is_constant(self) -> bool:
        return not self.parts

    def join(self, other: "Origin") -> "Origin":
        if self._compute is not None or other._compute is not None:
            return Origin.deferred(lambda: _joined(self.parts, other.parts), max(self._depth, other._depth) + 1)
        if not other._parts:
            return self
        if not self._parts:
            return other
        return Origin(_joined(self._parts, other._parts))

    def sanitized(self, sinks: frozenset[str]) -> "Origin":
        if not sinks:
            return self  # nothing more is safe: the same parts
        if self._compute is not None:
            return Origin.deferred(lambda: _sanitized(self.parts, sinks), self._depth + 1)
        return Origin(_sanitized(self._parts, sinks))

    def exposed(self, markers: frozenset[str]) -> "Origin":
        """The same parts without `markers`: a rewrite put back what they say is absent
        (`name.replace("'", "''").replace("\\0", "'")`: a lone quote again)."""
        if self._compute is not None:
            return Origin.deferred(lambda: _exposed(self.parts, markers), self._depth + 1)
        return Origin(_exposed(self._parts, markers))

    def with_step(self, step: Step) -> "Origin":
        if self._compute is not None:
            return Origin.deferred(lambda: _stepped(self.parts, step), self._depth + 1)
        return Origin(_stepped(self._parts, step))

    def risk(self, sink: Sink = Sink.ANY) -> Part | None:
        """The worst way this value reaches a sink of class `sink`, or None if it is safe."""
        worst = None
        for part in self.parts:
            if part.is_safe_for(sink):
                continue
            # ties broken by content, never by set order: the same code must give
            # the same message however it was reached (incremental or fresh analysis)
            if worst is None or _part_order(part) > _part_order(worst):
                worst = part
        return worst


def worst(parts: Iterable[Part | None]) -> Part | None:
    """The part of highest rank (`ValueKind.rank`) among `parts` (None for a constant
    value), the first of them on a tie: the worst of several values that reach one sink."""
    out = None
    for part in parts:
        if part is not None and (out is None or part.kind.rank > out.kind.rank):
            out = part
    return out


# Deferred origins built on deferred origins deeper than this are computed at once.
_MAX_DEFERRED_DEPTH = 48


def _joined(a: frozenset[Part], b: frozenset[Part]) -> frozenset[Part]:
    if not b:
        return a
    if not a:
        return b
    merged = a | b
    if len(merged) > 12:  # keep long chains of joins cheap: keep the worst few
        merged = frozenset(sorted(merged, key=_part_order, reverse=True)[:12])
    return merged


def _sanitized(parts: frozenset[Part], sinks: frozenset[str]) -> frozenset[Part]:
    return frozenset(replace(p, safe_for=_with_halves_joined(p.safe_for | sinks)) for p in parts)


def _exposed(parts: frozenset[Part], markers: frozenset[str]) -> frozenset[Part]:
    return frozenset(replace(p, safe_for=p.safe_for - markers) if p.safe_for & markers else p for p in parts)


_SITE_PATH = frozenset({Sink.PATH_START, Sink.NO_HOST_START})


def _with_halves_joined(safe_for: frozenset[str]) -> frozenset[str]:
    """`/` first, then no `/` or `\\` (checked in two tests): a path on this site, safe to redirect to."""
    return safe_for | {Sink.REDIRECT} if _SITE_PATH <= safe_for else safe_for


def _stepped(parts: frozenset[Part], step: Step) -> frozenset[Part]:
    return frozenset(replace(p, steps=(p.steps + (step,))[-8:]) if p.kind == UNTRUSTED else p for p in parts)


CONSTANT = Origin()


def _part_order(part: Part) -> tuple:
    # among outside data, what the program's own clients send is worse than the operator's inputs
    # and the answers of servers it called; among parameters, a caller's data is worse than the
    # configuration the program is given
    return (part.kind.rank, part.from_client(), not part.is_configuration(), part.steps, part.label, tuple(sorted(part.safe_for)))


_CONFIGURATION_PARAMETER = re.compile(r"(?:^|`)(?:conf|config|cfg|configuration|settings)(?:$|`)")


def make_step(node: ast.AST, text: str) -> Step:
    return (
        node.lineno,
        node.col_offset,
        getattr(node, "end_lineno", node.lineno) or node.lineno,
        getattr(node, "end_col_offset", node.col_offset) or node.col_offset,
        text,
    )
