"""Baselines: `secure-ls check --baseline report.json` reports only findings that are new.

A baseline is a report written earlier with `--format json`. Each finding in it carries a
`fingerprint`: a hash of the rule id and the normalised text of the statement the finding
is in (tokens only: no comments, no whitespace, no line numbers). A finding of the current
run is *unchanged* when the baseline holds a finding of the same rule, in the same file,
with the same fingerprint; otherwise it is *new*. So findings survive lines moving above
them, reformatting and comments, and a statement that is edited counts as new.

Identical statements in one file share a fingerprint: the baseline is a multiset, and if
the baseline had two such findings and the file now has three, one of them is new.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import tokenize
from collections import Counter
from pathlib import Path

from secure_ls.engine.model import Finding

_SKIPPED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


class BaselineError(Exception):
    """The baseline file cannot be used (one line for the user)."""


def normalise_path(path: str) -> str:
    return Path(os.path.normpath(path)).as_posix()


def fingerprints(text: str, findings: list[Finding], python: bool = True) -> list[str]:
    """One fingerprint per finding, in order: rule id + the normalised text of its statement."""
    lines = text.splitlines()
    statements = _statement_lines(text) if python else None
    out = []
    for finding in findings:
        first, last = finding.span.start.line, finding.span.end.line
        if statements is not None:
            first, last = statements.get(first, (first, max(first, last)))
        chunk = "\n".join(lines[first : last + 1])
        out.append(_hash(finding.rule_id, _normalise(chunk, python)))
    return out


def _hash(rule_id: str, normalised: str) -> str:
    return hashlib.sha256(f"{rule_id}\0{normalised}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _normalise(chunk: str, python: bool) -> str:
    if python:
        try:
            tokens = [t.string for t in tokenize.generate_tokens(io.StringIO(_dedent(chunk)).readline) if t.type not in _SKIPPED_TOKENS]
            return " ".join(tokens)
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass
    text = chunk.split(" #", 1)[0] if not python and not chunk.lstrip().startswith("#") else chunk
    return " ".join(text.split())


def _dedent(chunk: str) -> str:
    lines = chunk.splitlines()
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return "\n".join(line[indent:] for line in lines)


def _statement_lines(text: str) -> dict[int, tuple[int, int]]:
    """0-based line -> (first, last) line of the innermost statement starting or holding it.

    For a compound statement (def, class, if, with, ...) only its header counts (decorators
    up to the line before its body), so editing the body does not change a finding in the
    header. The file is split and parsed as the engine does (secure_ls/engine/units.py):
    a unit that does not parse, or is over the parse budget, has no entries (each finding
    there uses its own lines), and one huge statement is never parsed here either."""
    from secure_ls.engine.units import UnitParser

    spans: dict[int, tuple[int, int]] = {}
    for unit in UnitParser().split(text.replace("\r\n", "\n").replace("\r", "\n")):
        if unit.parsed.tree is None:
            continue
        offset = unit.start_line
        for node in ast.walk(unit.parsed.tree):
            if not isinstance(node, ast.stmt):
                continue
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())]) - 1
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                last = max(first, body[0].lineno - 2)
                if body[0].lineno - 1 == node.lineno - 1:  # `if x: y` on one line
                    last = node.lineno - 1
            else:
                last = (node.end_lineno or node.lineno) - 1
            first, last = first + offset, last + offset
            for line in range(first, last + 1):
                current = spans.get(line)
                # the innermost statement wins: the one that starts last
                if current is None or first >= current[0]:
                    spans[line] = (first, last)
    return spans


def load(path: str, base_dir: str | None = None) -> dict[str, Counter]:
    """File -> Counter of (rule, fingerprint): how many findings the baseline holds.

    Files are keyed as written in the report, or, with `base_dir` (the editor), as absolute
    paths with relative ones taken from `base_dir`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"--baseline: no such file: {path}") from None
    except OSError as exc:
        raise BaselineError(f"--baseline: cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"--baseline: {path} is not a JSON report from 'secure-ls check --format json' ({exc})") from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        raise BaselineError(f"--baseline: {path} is not a JSON report from 'secure-ls check --format json' (no \"findings\" list)")
    known: dict[str, Counter] = {}
    for item in findings:
        if not (isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("rule", "path", "fingerprint"))):
            raise BaselineError(
                f"--baseline: {path}: a finding without \"rule\", \"path\" and \"fingerprint\" (write the baseline again with this version's --format json)"
            )
        where = item["path"]
        if base_dir is not None:
            where = os.path.join(base_dir, os.path.expanduser(where))
        known.setdefault(file_key(where, absolute=base_dir is not None), Counter())[(item["rule"], item["fingerprint"])] += 1
    return known


def file_key(path: str, absolute: bool = False) -> str:
    return normalise_path(os.path.abspath(path) if absolute else path)


def states(known: dict[str, Counter], path: str, findings: list[Finding], prints: list[str], absolute: bool = False) -> list[str]:
    """"new" or "unchanged" for each finding of one file; consumes the matches from `known`."""
    counts = known.get(file_key(path, absolute), Counter())
    out = []
    for finding, print_ in zip(findings, prints):
        key = (finding.rule_id, print_)
        if counts[key] > 0:
            counts[key] -= 1
            out.append("unchanged")
        else:
            out.append("new")
    return out


class EditorBaseline:
    """The `baseline` setting in the server: re-read when the file changes; files in it
    are relative to the baseline's folder (where `secure-ls check` is run to write it)."""

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[float, dict[str, Counter]]] = {}

    def new_only(self, baseline_path: str, path: str, text: str, findings: list[Finding]) -> list[Finding]:
        """`findings` less those in the baseline. Raises BaselineError for a bad file."""
        if not findings:
            return findings
        known = self._load(baseline_path)
        counts = known.get(file_key(path, absolute=True))
        if not counts:
            return findings
        prints = fingerprints(text, findings, python=not _is_dependency_file(path))
        marks = states({file_key(path, absolute=True): Counter(counts)}, path, findings, prints, absolute=True)
        return [f for f, state in zip(findings, marks) if state == "new"]

    def _load(self, baseline_path: str) -> dict[str, Counter]:
        try:
            mtime = os.stat(baseline_path).st_mtime
        except OSError:
            mtime = -1.0
        cached = self._loaded.get(baseline_path)
        if cached is None or cached[0] != mtime:
            try:
                known = load(baseline_path, base_dir=os.path.dirname(os.path.abspath(baseline_path)))
            except BaselineError as exc:
                raise BaselineError(str(exc).replace("--baseline: ", "baseline: ", 1)) from None
            cached = self._loaded[baseline_path] = (mtime, known)
        return cached[1]


def _is_dependency_file(path: str) -> bool:
    from secure_ls import project

    return project.is_dependency_file(path)
