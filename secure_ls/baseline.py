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


def _statement_lines(text: str) -> dict[int, tuple[int, int]] | None:
    """0-based line -> (first, last) line of the innermost statement starting or holding it.

    For a compound statement (def, class, if, with, ...) only its header counts (decorators
    up to the line before its body), so editing the body does not change a finding in the
    header; None if the file does not parse (each finding then uses its own lines)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    spans: dict[int, tuple[int, int]] = {}
    for node in ast.walk(tree):
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
        for line in range(first, last + 1):
            current = spans.get(line)
            # the innermost statement wins: the one that starts last
            if current is None or first >= current[0]:
                spans[line] = (first, last)
    return spans


def load(path: str) -> Counter:
    """(rule, path, fingerprint) -> how many findings the baseline holds."""
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
    known: Counter = Counter()
    for item in findings:
        if not (isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("rule", "path", "fingerprint"))):
            raise BaselineError(
                f"--baseline: {path}: a finding without \"rule\", \"path\" and \"fingerprint\" (write the baseline again with this version's --format json)"
            )
        known[(item["rule"], normalise_path(item["path"]), item["fingerprint"])] += 1
    return known


def states(known: Counter, path: str, findings: list[Finding], prints: list[str]) -> list[str]:
    """"new" or "unchanged" for each finding of one file; consumes the matches from `known`."""
    out = []
    where = normalise_path(path)
    for finding, print_ in zip(findings, prints):
        key = (finding.rule_id, where, print_)
        if known[key] > 0:
            known[key] -= 1
            out.append("unchanged")
        else:
            out.append("new")
    return out
