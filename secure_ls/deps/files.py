"""Dependency files: which ones we read, and the requirements in them with spans.

Every parser returns a `ParsedFile`; problems in the file become
`errors` (span + message) and never exceptions.
"""

from __future__ import annotations

import bisect
import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from .. import safe_files
from ..engine.model import Position, Span
from .pep508 import (
    RequirementError,
    clauses_to_specifier,
    exact_pin,
    parse_requirement,
    poetry_constraint,
)
from .tomlspans import TomlSpans, toml_spans

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10
    import tomli as tomllib

MAX_INCLUDE_DEPTH = 8


# ------------------------------------------------------------------ which files

_REQ_PATTERNS = (
    "requirements*.txt",
    "*requirements.txt",
    "*-requirements*.txt",
    "*_requirements*.txt",
    "requirements*.in",
    "constraints*.txt",
    "*constraints.txt",
)


def file_kind(path: str) -> str | None:
    """'requirements', 'pyproject', 'uv.lock', 'poetry.lock', 'pylock' or None."""
    base = os.path.basename(path).lower()
    if base == "pyproject.toml":
        return "pyproject"
    if base == "uv.lock":
        return "uv.lock"
    if base == "poetry.lock":
        return "poetry.lock"
    if base == "pylock.toml" or (base.startswith("pylock.") and base.endswith(".toml")):
        return "pylock"
    if any(fnmatch.fnmatch(base, p) for p in _REQ_PATTERNS):
        return "requirements"
    parent = os.path.basename(os.path.dirname(path)).lower()
    if parent in ("requirements", "constraints") and base.endswith((".txt", ".in")):
        return "requirements"
    return None


def is_dependency_file(path: str) -> bool:
    """True for the file names the scanner reads (see `file_kind`)."""
    return file_kind(path) is not None


# ---------------------------------------------------------------- positions


class LineIndex:
    def __init__(self, text: str):
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def pos(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line, offset - self.starts[line])

    def span(self, start: int, end: int) -> Span:
        return Span(self.pos(start), self.pos(end))


# ------------------------------------------------------------------ results


@dataclass
class Dependency:
    """One requirement found in a file."""

    name: str  # PEP 503 normalized
    display: str  # as written
    span: Span  # the whole requirement
    # Alternatives (Poetry `||` gives several); one PEP 440 set otherwise.
    specifiers: list[SpecifierSet]
    pinned: str | None  # the exact version when the requirement pins one
    # The edit that bumps the version: replace `version_span` (the pinned
    # version's text) with the new version; None when no safe text edit exists.
    version_span: Span | None = None
    # The whole specifier text (for range bumps) and its clauses in PEP 440
    # form; an empty span at the insertion point when there is no specifier.
    spec_span: Span | None = None
    spec_clauses: list[tuple[str, str]] = field(default_factory=list)
    hash_deletions: list[Span] = field(default_factory=list)
    statement_lines: tuple[int, int] | None = None
    source: str = "requirements"  # or pyproject, poetry, lock
    # Extra constraints from `-c` files (PEP 440), narrowing ranges.
    constraints: SpecifierSet | None = None
    constraint_origin: str | None = None

    @property
    def fixable(self) -> bool:
        return self.source != "lock"


@dataclass
class ParsedFile:
    kind: str | None
    dependencies: list[Dependency] = field(default_factory=list)
    errors: list[tuple[Span, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_dependency_file(path: str, text: str) -> ParsedFile:
    kind = file_kind(path)
    try:
        if kind == "requirements":
            return _parse_requirements(path, text)
        if kind == "pyproject":
            return _parse_pyproject(text)
        if kind in ("uv.lock", "poetry.lock", "pylock"):
            return _parse_lock(kind, text)
    except Exception as exc:  # noqa: BLE001 - never let a file take the server down
        return ParsedFile(kind, problems=[f"secure-ls could not read {os.path.basename(path)}: {exc!r}"])
    return ParsedFile(kind)


# ----------------------------------------------------------- requirements.txt


@dataclass
class _Logical:
    text: str
    offsets: list[int]  # absolute offset of each character, plus one past the end
    first_line: int
    last_line: int


def _logical_lines(text: str) -> list[_Logical]:
    """Join backslash continuations as pip does, keeping each character's offset."""
    out: list[_Logical] = []
    chars: list[str] = []
    offs: list[int] = []
    first = 0
    line_no = 0
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        if not chars:
            first = line_no
        if body.endswith("\\"):
            chars.extend(body[:-1])
            offs.extend(range(pos, pos + len(body) - 1))
            pos += len(raw)
            line_no += 1
            continue
        chars.extend(body)
        offs.extend(range(pos, pos + len(body)))
        offs.append(pos + len(body))
        out.append(_Logical("".join(chars), offs, first, line_no))
        chars, offs = [], []
        pos += len(raw)
        line_no += 1
    if chars:
        offs.append(pos)
        out.append(_Logical("".join(chars), offs, first, line_no - 1))
    return out


_COMMENT_RE = re.compile(r"(^|\s)#.*$")
_TOKEN_RE = re.compile(r"\S+")
_INCLUDE_OPTS = {"-r": "r", "--requirement": "r", "-c": "c", "--constraint": "c"}
_TAKES_VALUE = {
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-binary",
    "--only-binary", "--trusted-host", "--use-feature", "-e", "--editable",
    "--config-settings", "--global-option", "--install-option", "--hash",
}


def _split_option(tokens: list[re.Match[str]], k: int) -> tuple[str, str | None, int]:
    """(option, value, index of the next token) for the option token at k."""
    tok = tokens[k].group(0)
    if tok.startswith("--") and "=" in tok:
        opt, _, val = tok.partition("=")
        return opt, val, k + 1
    for short in ("-r", "-c", "-e", "-i", "-f"):
        if tok.startswith(short) and len(tok) > 2 and not tok.startswith("--"):
            return short, tok[2:].lstrip("="), k + 1
    if tok in _TAKES_VALUE or tok in _INCLUDE_OPTS:
        if k + 1 < len(tokens):
            return tok, tokens[k + 1].group(0), k + 2
        return tok, None, k + 1
    return tok, None, k + 1


def _looks_like_path_or_url(req: str) -> bool:
    first = req.split(";")[0].strip()
    if "@" in first and re.match(r"^[A-Za-z0-9._\-\[\], ]+@", first):
        return False  # name @ url: handled by the PEP 508 parser
    return (
        "://" in first
        or first.startswith((".", "/", "~"))
        or "/" in first
        or "\\" in first
        or first.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2"))
    )


def _parse_requirements(path: str, text: str, _seen: set[str] | None = None, _depth: int = 0) -> ParsedFile:
    idx = LineIndex(text)
    result = ParsedFile("requirements")
    constraints: list[tuple[SpecifierSet, str, str]] = []  # (spec, name, origin)
    base_dir = os.path.dirname(os.path.abspath(path)) if path else ""
    seen = set(_seen or ()) | {os.path.abspath(path)}
    for logical in _logical_lines(text):
        line = logical.text
        cm = _COMMENT_RE.search(line)
        content_end = cm.start() if cm else len(line)
        content = line[:content_end]
        if not content.strip():
            continue
        tokens = list(_TOKEN_RE.finditer(content))

        def span_of(a: int, b: int, offsets: list[int] = logical.offsets) -> Span:
            return idx.span(offsets[a], offsets[b])

        if tokens[0].group(0).startswith("-"):
            opt, val, _ = _split_option(tokens, 0)
            if opt in _INCLUDE_OPTS:
                where = span_of(tokens[0].start(), tokens[-1].end())
                if not val:
                    result.errors.append((where, f"{opt} needs a file name"))
                    continue
                if "://" in val:
                    continue  # remote includes are not followed
                target = os.path.normpath(os.path.join(base_dir, os.path.expanduser(val)))
                # exists, not isfile: a FIFO or device gets its own message from safe_files below
                if not base_dir or not os.path.exists(target) or os.path.isdir(target):
                    result.errors.append((where, f"included file {val!r} not found"))
                    continue
                if target in seen or _depth >= MAX_INCLUDE_DEPTH:
                    continue
                try:
                    included = safe_files.read_text(target, safe_files.CONFIG_LIMIT)
                except safe_files.UnreadableFile as exc:
                    result.errors.append((where, f"not read {val!r}: {exc.reason}"))
                    continue
                except (OSError, UnicodeDecodeError) as exc:
                    result.errors.append((where, f"cannot read {val!r}: {exc}"))
                    continue
                sub = _parse_requirements(target, included, seen, _depth + 1)
                if sub.errors:
                    result.errors.append(
                        (where, f"{val!r} has {len(sub.errors)} problem(s); open it to see them")
                    )
                if _INCLUDE_OPTS[opt] == "c":
                    for dep in sub.dependencies:
                        for spec in dep.specifiers:
                            constraints.append((spec, dep.name, val))
                # constraints that the included file itself pulled in apply here too
                for dep in sub.dependencies:
                    if dep.constraints is not None and dep.constraint_origin:
                        constraints.append((dep.constraints, dep.name, dep.constraint_origin))
            continue
        # requirement tokens run up to the first option
        req_end_tok = len(tokens)
        for k, tok in enumerate(tokens):
            if k > 0 and tok.group(0).startswith("-"):
                req_end_tok = k
                break
        req_start = tokens[0].start()
        req_end = tokens[req_end_tok - 1].end()
        req_text = content[req_start:req_end]
        if _looks_like_path_or_url(req_text):
            continue
        try:
            pr = parse_requirement(req_text)
        except RequirementError as exc:
            result.errors.append(
                (span_of(req_start, req_end), f"invalid requirement {req_text!r}: {exc}")
            )
            continue
        hash_deletions: list[Span] = []
        k = req_end_tok
        prev_end = req_end
        while k < len(tokens):
            opt, val, nxt = _split_option(tokens, k)
            tok_end = tokens[nxt - 1].end()
            if opt == "--hash":
                hash_deletions.append(span_of(prev_end, tok_end))
            prev_end = tok_end
            k = nxt
        if pr.url is not None:
            continue
        pin = exact_pin(pr.items)
        dep = Dependency(
            name=pr.name,
            display=pr.raw_name,
            span=span_of(req_start, req_start + pr.end),
            specifiers=[pr.specifier],
            pinned=pin[1] if pin else None,
            version_span=(
                span_of(req_start + pr.items[pin[0]].version_start, req_start + pr.items[pin[0]].version_end)
                if pin
                else None
            ),
            spec_span=span_of(req_start + pr.spec_start, req_start + pr.spec_end),
            spec_clauses=[(i.op, i.version) for i in pr.items],
            hash_deletions=hash_deletions,
            statement_lines=(logical.first_line, logical.last_line),
            source="requirements",
        )
        result.dependencies.append(dep)
    # apply constraints from -c files to this file's requirements
    for dep in result.dependencies:
        for spec, name, origin in constraints:
            if name == dep.name:
                dep.constraints = spec if dep.constraints is None else SpecifierSet(f"{dep.constraints},{spec}")
                dep.constraint_origin = origin
    return result


# ------------------------------------------------------------------- TOML

_TOML_ERR_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _load_toml(text: str, result: ParsedFile, what: str) -> tuple[dict[str, Any], TomlSpans] | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_ERR_RE.search(msg)
        lines = text.splitlines() or [""]
        if m:
            line, col = int(m.group(1)) - 1, max(int(m.group(2)) - 1, 0)
            msg = msg[: m.start()].strip()
        elif "end of document" in msg:
            line, col = len(lines) - 1, len(lines[-1])
            msg = msg.split("(at end of document)")[0].strip()
        else:
            line, col = 0, 0
        line = min(line, len(lines) - 1)
        end = len(lines[line]) if lines else 0
        result.errors.append(
            (Span.of(line, min(col, end), line, max(end, min(col, end))), f"{what} is not valid TOML: {msg}")
        )
        return None
    spans = toml_spans(text)
    if spans is None:
        result.problems.append(f"secure-ls could not locate the values in {what}; no findings for it")
        return None
    return data, spans


def _get(data: Any, path: tuple) -> Any:
    for k in path:
        if isinstance(k, int):
            if not isinstance(data, list) or k >= len(data):
                return None
        elif not isinstance(data, dict) or k not in data:
            return None
        data = data[k]
    return data


def _pep508_in_string(
    value: str, path: tuple, spans: TomlSpans, idx: LineIndex, result: ParsedFile, source: str
) -> None:
    ss = spans.strings.get(path)
    if ss is None:
        return
    exact = ss.raw == value  # no escapes: offsets inside the value are offsets in the file
    whole = idx.span(ss.start, ss.end)
    try:
        pr = parse_requirement(value)
    except RequirementError as exc:
        result.errors.append((whole, f"invalid requirement {value!r}: {exc}"))
        return
    if pr.url is not None:
        return

    def sp(a: int, b: int) -> Span:
        return idx.span(ss.start + a, ss.start + b) if exact else whole

    pin = exact_pin(pr.items)
    line = whole.start.line
    result.dependencies.append(
        Dependency(
            name=pr.name,
            display=pr.raw_name,
            span=sp(pr.name_start, pr.end),
            specifiers=[pr.specifier],
            pinned=pin[1] if pin else None,
            version_span=sp(pr.items[pin[0]].version_start, pr.items[pin[0]].version_end) if pin and exact else None,
            spec_span=sp(pr.spec_start, pr.spec_end) if exact else None,
            spec_clauses=[(i.op, i.version) for i in pr.items],
            statement_lines=(line, whole.end.line),
            source=source,
        )
    )


def _poetry_dep(
    name: str, value: Any, path: tuple, spans: TomlSpans, idx: LineIndex, result: ParsedFile
) -> None:
    if canonicalize_name(name) == "python":
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _poetry_dep(name, item, path + (i,), spans, idx, result)
        return
    if isinstance(value, dict):
        if any(k in value for k in ("path", "git", "url", "file")):
            return
        value = value.get("version")
        path = path + ("version",)
        if value is None:
            return
    if not isinstance(value, str):
        return
    ss = spans.strings.get(path)
    if ss is None:
        return
    whole = idx.span(ss.start, ss.end)
    exact = ss.raw == value
    try:
        members = poetry_constraint(value)
    except ValueError as exc:
        result.errors.append((whole, f"invalid version constraint {value!r} for {name}: {exc}"))
        return
    key_off = spans.keys.get(path[:-1] if path[-1] == "version" else path)
    start = idx.pos(key_off) if key_off is not None else whole.start
    pin = exact_pin([(c.op, c.version) for c in members[0]]) if len(members) == 1 else None
    clause = members[0][pin[0]] if pin else None
    result.dependencies.append(
        Dependency(
            name=canonicalize_name(name),
            display=name,
            span=Span(start, idx.pos(ss.close)) if start.line == whole.end.line else whole,
            specifiers=[clauses_to_specifier(m) for m in members],
            pinned=clause.version if clause else None,
            version_span=idx.span(ss.start + clause.version_start, ss.start + clause.version_end)
            if clause and exact
            else None,
            spec_span=whole if exact and len(members) == 1 else None,
            spec_clauses=[(c.op, c.version) for c in members[0]] if len(members) == 1 else [],
            statement_lines=(whole.start.line, whole.end.line),
            source="poetry",
        )
    )


def _parse_pyproject(text: str) -> ParsedFile:
    result = ParsedFile("pyproject")
    idx = LineIndex(text)
    loaded = _load_toml(text, result, "pyproject.toml")
    if loaded is None:
        return result
    data, spans = loaded

    def strings_at(path: tuple, what: str) -> None:
        value = _get(data, path)
        if value is None:
            return
        if not isinstance(value, list):
            off = spans.keys.get(path, 0)
            result.errors.append((idx.span(off, off), f"{what} must be an array of requirement strings"))
            return
        for i, item in enumerate(value):
            if isinstance(item, str):
                _pep508_in_string(item, path + (i,), spans, idx, result, "pyproject")

    strings_at(("project", "dependencies"), "project.dependencies")
    optional = _get(data, ("project", "optional-dependencies"))
    if isinstance(optional, dict):
        for extra in optional:
            strings_at(("project", "optional-dependencies", extra), f"optional-dependencies.{extra}")
    groups = _get(data, ("dependency-groups",))
    if isinstance(groups, dict):
        for group in groups:
            strings_at(("dependency-groups", group), f"dependency-groups.{group}")
    poetry = _get(data, ("tool", "poetry"))
    if isinstance(poetry, dict):
        tables: list[tuple] = [("tool", "poetry", "dependencies"), ("tool", "poetry", "dev-dependencies")]
        if isinstance(poetry.get("group"), dict):
            tables += [("tool", "poetry", "group", g, "dependencies") for g in poetry["group"]]
        for table_path in tables:
            table = _get(data, table_path)
            if isinstance(table, dict):
                for name, value in table.items():
                    _poetry_dep(name, value, table_path + (name,), spans, idx, result)
    return result


# ------------------------------------------------------------------- locks

_LOCK_TABLE = {"uv.lock": "package", "poetry.lock": "package", "pylock": "packages"}


def _parse_lock(kind: str, text: str) -> ParsedFile:
    result = ParsedFile(kind)
    idx = LineIndex(text)
    loaded = _load_toml(text, result, kind)
    if loaded is None:
        return result
    data, spans = loaded
    table = _LOCK_TABLE[kind]
    packages = data.get(table)
    if packages is None:
        return result
    if not isinstance(packages, list):
        result.errors.append((Span.of(0, 0, 0, 0), f"{kind}: '{table}' must be an array of tables"))
        return result
    for i, pkg in enumerate(packages):
        if not isinstance(pkg, dict):
            continue
        name, version = pkg.get("name"), pkg.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            continue
        source = pkg.get("source")
        if kind == "uv.lock" and isinstance(source, dict) and "registry" not in source:
            continue  # editable, virtual, path, git or url: not a PyPI release
        if kind == "poetry.lock" and isinstance(source, dict) and source.get("type") not in (None, "legacy"):
            continue
        if kind == "pylock" and any(k in pkg for k in ("vcs", "directory")):
            continue
        ss = spans.strings.get((table, i, "version"))
        if ss is None:
            continue
        span = idx.span(ss.start, ss.end)
        result.dependencies.append(
            Dependency(
                name=canonicalize_name(name),
                display=name,
                span=span,
                specifiers=[SpecifierSet(f"=={version}") if _valid_pin(version) else SpecifierSet()],
                pinned=version,
                statement_lines=(span.start.line, span.end.line),
                source="lock",
            )
        )
    return result


def _valid_pin(version: str) -> bool:
    try:
        SpecifierSet(f"=={version}")
        return True
    except Exception:  # noqa: BLE001
        return False
