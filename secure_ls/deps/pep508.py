"""Requirement strings with the offsets of their parts.

`packaging.requirements.Requirement` validates a PEP 508 string but does not
say where its parts are; the bump fix needs the exact columns of the version,
so this module scans the string itself and then lets `packaging` check it.
Also converts Poetry's constraint syntax (``^1.2``, ``~1.2``, ``1.2.*``,
``>=1,<2 || >=3``) to PEP 440 specifier sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_NAME_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_OP_RE = re.compile(r"(~=|===|==|!=|<=|>=|<|>)")
_VERSION_RE = re.compile(r"[^\s,;)]+")


@dataclass(frozen=True)
class SpecItem:
    """One `op version` clause; offsets are relative to the parsed string."""

    op: str
    version: str
    start: int  # offset of the operator
    version_start: int
    version_end: int


@dataclass
class ParsedRequirement:
    raw_name: str
    name: str  # PEP 503 normalized
    extras: tuple[str, ...]
    specifier: SpecifierSet
    items: list[SpecItem]
    url: str | None
    marker: str | None
    name_start: int
    name_end: int
    # Where the specifier clauses are (start of first operator, end of last
    # version); when there are none, both are the insertion point after the
    # name and extras.
    spec_start: int
    spec_end: int
    end: int  # end of the requirement (marker included, trailing blanks excluded)
    in_parens: bool = False
    problems: list[str] = field(default_factory=list)


class RequirementError(ValueError):
    """A requirement string that is not valid PEP 508; `offset` is where it went wrong."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t":
        i += 1
    return i


def parse_requirement(s: str) -> ParsedRequirement:
    """Parse a PEP 508 requirement, keeping offsets. Raises RequirementError."""
    i = _skip_ws(s, 0)
    m = _NAME_RE.match(s, i)
    if not m:
        raise RequirementError(f"expected a package name, found {s[i:i + 20]!r}", i)
    raw_name = m.group(0)
    name_start, name_end = m.start(), m.end()
    i = _skip_ws(s, m.end())
    extras: list[str] = []
    if i < len(s) and s[i] == "[":
        close = s.find("]", i)
        if close < 0:
            raise RequirementError("unclosed '[' in the extras", i)
        extras = [e.strip() for e in s[i + 1 : close].split(",") if e.strip()]
        i = _skip_ws(s, close + 1)
    insert_at = i
    # back off trailing blanks so an inserted specifier hugs the name/extras
    while insert_at > name_end and s[insert_at - 1] in " \t":
        insert_at -= 1
    items: list[SpecItem] = []
    url: str | None = None
    in_parens = False
    spec_start = spec_end = insert_at
    if i < len(s) and s[i] == "@":
        j = _skip_ws(s, i + 1)
        k = j
        while k < len(s) and s[k] not in " \t":
            k += 1
        url = s[j:k]
        if not url:
            raise RequirementError("'@' must be followed by a URL", i)
        i = _skip_ws(s, k)
    else:
        if i < len(s) and s[i] == "(":
            in_parens = True
            i = _skip_ws(s, i + 1)
        while True:
            om = _OP_RE.match(s, i)
            if not om:
                break
            j = _skip_ws(s, om.end())
            vm = _VERSION_RE.match(s, j)
            if not vm:
                raise RequirementError(f"expected a version after {om.group(0)!r}", j)
            items.append(SpecItem(om.group(0), vm.group(0), om.start(), vm.start(), vm.end()))
            i = _skip_ws(s, vm.end())
            if i < len(s) and s[i] == ",":
                i = _skip_ws(s, i + 1)
                continue
            break
        if items:
            spec_start, spec_end = items[0].start, items[-1].version_end
        if in_parens:
            if i >= len(s) or s[i] != ")":
                raise RequirementError("unclosed '(' in the version specifier", i)
            i = _skip_ws(s, i + 1)
    marker: str | None = None
    if i < len(s) and s[i] == ";":
        marker = s[i + 1 :].strip()
        if not marker:
            raise RequirementError("';' must be followed by an environment marker", i)
        i = len(s)
    if i < len(s) and s[i:].strip():
        raise RequirementError(f"unexpected text {s[i:].strip()[:30]!r}", i)
    end = len(s.rstrip(" \t"))
    # Let packaging be the judge of validity (versions, markers, URLs).
    try:
        req = Requirement(s.strip())
    except InvalidRequirement as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid requirement"
        raise RequirementError(first, i) from None
    return ParsedRequirement(
        raw_name=raw_name,
        name=canonicalize_name(raw_name),
        extras=tuple(extras),
        specifier=req.specifier,
        items=items,
        url=url,
        marker=marker,
        name_start=name_start,
        name_end=name_end,
        spec_start=spec_start,
        spec_end=spec_end,
        end=end,
        in_parens=in_parens,
    )


def exact_pin(items: list[SpecItem] | list[tuple[str, str]]) -> tuple[int, str] | None:
    """The index and version of the `==`/`===` clause that pins one version, if any."""
    for idx, item in enumerate(items):
        op, version = (item.op, item.version) if isinstance(item, SpecItem) else item
        if op == "===" or (op == "==" and "*" not in version):
            return idx, version
    return None


# --------------------------------------------------------------------------- Poetry


def _bump(parts: list[int], index: int) -> str:
    return ".".join(str(p) for p in parts[:index] + [parts[index] + 1])


def _release(text: str) -> list[int]:
    nums = []
    for piece in text.split("."):
        if piece.isdigit():
            nums.append(int(piece))
        else:
            break
    if not nums:
        nums = list(Version(text).release)
    return nums


@dataclass(frozen=True)
class PoetryClause:
    """One comparison of a Poetry constraint in PEP 440 terms, with where it came from."""

    op: str
    version: str
    start: int  # offset of the clause in the constraint text
    version_start: int
    version_end: int


def poetry_constraint(text: str) -> list[list[PoetryClause]]:
    """Convert a Poetry version constraint to a union of PEP 440 clause lists.

    ``^1.2.3`` -> ``>=1.2.3,<2``; ``~1.2`` -> ``>=1.2,<1.3``; ``1.2.3`` and
    ``=1.2.3`` -> ``==1.2.3``; ``*`` -> no clause. Raises ValueError for text
    that is not a Poetry constraint.
    """
    members: list[list[PoetryClause]] = []
    offset = 0
    for member in text.split("||"):
        clauses: list[PoetryClause] = []
        for m in re.finditer(r"[^,\s]+(?:\s+(?=\d)[^,\s]+)?", member):
            tok = m.group(0)
            base = offset + m.start()
            om = re.match(r"\s*(\^|~=|~|===|==|!=|<=|>=|<|>|=)?\s*", tok)
            op = om.group(1) or ""
            ver = tok[om.end() :]
            vstart = base + om.end()
            vend = vstart + len(ver)
            if ver in ("*", "") and op == "":
                continue
            if not ver:
                raise ValueError(f"{op!r} must be followed by a version")
            try:
                if op in ("^", "~"):
                    parts = _release(ver)
                    Version(ver)
                    if op == "^":
                        nonzero = [i for i, p in enumerate(parts) if p != 0]
                        idx = nonzero[0] if nonzero else len(parts) - 1
                    else:
                        idx = 0 if len(parts) == 1 else 1
                    clauses.append(PoetryClause(">=", ver, base, vstart, vend))
                    clauses.append(PoetryClause("<", _bump(parts, idx), base, vstart, vend))
                    continue
                if op in ("", "="):
                    op = "=="
                if "*" in ver and op not in ("==", "!="):
                    raise ValueError(f"wildcard not allowed with {op!r}")
                SpecifierSet(f"{op}{ver}")
            except (InvalidVersion, InvalidSpecifier, IndexError):
                raise ValueError(f"{tok!r} is not a valid version constraint") from None
            clauses.append(PoetryClause(op, ver, base, vstart, vend))
        members.append(clauses)
        offset += len(member) + 2
    return members


def clauses_to_specifier(clauses: list[PoetryClause] | list[SpecItem]) -> SpecifierSet:
    return SpecifierSet(",".join(f"{c.op}{c.version}" for c in clauses))
