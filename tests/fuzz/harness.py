"""LSP traffic fuzzer for secure-ls: random but valid editor sessions against the real server.

A run is a list of *steps* (open, edit, close, hover, code action, cancel,
configuration change, check). Steps are generated from a seed while the run
goes, against a client-side mirror of every open document, and recorded
with concrete positions (in code points of the mirror) so that any prefix,
or any subset during minimisation, can be replayed on a fresh server.

Invariants (a violation is a `FuzzFailure`):
- the server stays alive and answers every request, including cancelled ones;
- every pushed diagnostics set is for a version of the document the client
  sent, never older than the previous one, and every range lies inside the
  text of that version; after `didClose` only an empty set may follow;
- at every `check` step the diagnostics of every open document are exactly
  those of a fresh `Engine().analyze()` of the mirror text (same settings),
  with positions converted client-side: this catches stale caches and
  document-sync drift;
- code actions carry the current version, their edits lie inside the
  document, do not overlap, and keep a parsing file parsing; a quick fix or
  suppression lowers the count of its rule's findings;
- memory is sampled at every check (the bench asserts nothing, it reports).
"""

from __future__ import annotations

import ast
import asyncio
import json
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from secure_ls.testing.client import RawClient, ServerDied

REPO = Path(__file__).resolve().parents[2]

BREAK = re.compile(r"\r\n|\r|\n")
SEVERITY = {4: 1, 3: 2, 2: 3, 1: 4}  # engine Severity -> LSP DiagnosticSeverity
FUZZ_DIR = "/tmp/secure-ls-fuzz"


class FuzzFailure(Exception):
    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


# ---------------------------------------------------------------------------
# positions
def to_units(line: str, col: int, enc: str) -> int:
    extra = max(0, col - len(line))
    head = line[: min(col, len(line))]
    if enc == "utf-8":
        n = len(head.encode("utf-8", "surrogatepass"))
    elif enc == "utf-16":
        n = len(head.encode("utf-16-le", "surrogatepass")) // 2
    else:
        n = len(head)
    return n + extra


def from_units(line: str, units: int, enc: str) -> int | None:
    """Code-point column of `units`, clamped to the line; None inside a character."""
    if enc == "utf-32":
        return min(units, len(line))
    count = 0
    for i, ch in enumerate(line):
        if count == units:
            return i
        if count > units:
            return None
        o = ord(ch)
        count += (1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4) if enc == "utf-8" else (2 if o > 0xFFFF else 1)
    if count > units:
        return None
    return len(line)


class Mirror:
    """The client's copy of one document."""

    def __init__(self, uri: str, text: str, version: int, language: str = "python"):
        self.uri = uri
        self.text = text
        self.version = version
        self.language = language
        self.history: dict[int, str] = {version: text}
        self._lines: tuple[list[str], list[int]] | None = None

    def lines(self) -> tuple[list[str], list[int]]:
        """Line contents (without breaks) and their start offsets, LSP-style."""
        if self._lines is None:
            contents, starts = [], [0]
            pos = 0
            for m in BREAK.finditer(self.text):
                contents.append(self.text[pos : m.start()])
                pos = m.end()
                starts.append(pos)
            contents.append(self.text[pos:])
            self._lines = (contents, starts)
        return self._lines

    def offset(self, line: int, col: int) -> int:
        contents, starts = self.lines()
        if line >= len(contents):
            return len(self.text)
        return starts[line] + min(col, len(contents[line]))

    def position(self, offset: int) -> tuple[int, int]:
        contents, starts = self.lines()
        import bisect

        line = bisect.bisect_right(starts, offset) - 1
        return line, min(offset - starts[line], len(contents[line]))

    def units(self, line: int, col: int, enc: str) -> dict:
        contents, _ = self.lines()
        text = contents[line] if line < len(contents) else ""
        return {"line": line, "character": to_units(text, col, enc)}

    def replace(self, start: int, end: int, new: str, version: int) -> None:
        self.text = self.text[:start] + new + self.text[end:]
        self._lines = None
        self.version = version
        self.history[version] = self.text
        if len(self.history) > 64 or sum(len(t) for t in self.history.values()) > 20_000_000:
            for v in sorted(self.history)[:-8]:
                del self.history[v]


def range_inside(text: str, rng: dict, enc: str) -> str | None:
    """Why `rng` is not a valid range of `text` in `enc` units (None if it is)."""
    m = Mirror("", text, 0)
    contents, _ = m.lines()
    s, e = rng["start"], rng["end"]
    for p in (s, e):
        if p["line"] < 0 or p["line"] >= len(contents):
            return f"line {p['line']} outside 0..{len(contents) - 1}"
        line = contents[p["line"]]
        if p["character"] < 0 or p["character"] > to_units(line, len(line), enc):
            return f"character {p['character']} past the end of line {p['line']} ({to_units(line, len(line), enc)} units)"
        if from_units(line, p["character"], enc) is None:
            return f"character {p['character']} splits a character on line {p['line']}"
    if (s["line"], s["character"]) > (e["line"], e["character"]):
        return "start after end"
    return None


def apply_lsp_edits(text: str, edits: list[dict], enc: str) -> str:
    m = Mirror("", text, 0)
    contents, _ = m.lines()

    def off(p):
        line = contents[p["line"]] if p["line"] < len(contents) else ""
        return m.offset(p["line"], from_units(line, p["character"], enc) or 0)

    spans = sorted(((off(e["range"]["start"]), off(e["range"]["end"]), e["newText"]) for e in edits), key=lambda s: (s[0], s[1]))
    for (a0, a1, _), (b0, b1, _) in zip(spans, spans[1:]):
        if b0 < a1:
            raise FuzzFailure("action-overlap", f"edits overlap: {a0}-{a1} and {b0}-{b1}")
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


# ---------------------------------------------------------------------------
# the expected diagnostics (a fresh engine, client side)
def uri_path(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def settings_from(raw: dict):
    from secure_ls.config import ConfigError, Settings

    try:
        return Settings().merged(raw, "fuzz")
    except ConfigError:
        return Settings()


_EXPECTED_CACHE: dict[tuple, list] = {}


def expected_diagnostics(text: str, uri: str, raw_settings: dict, enc: str) -> list[tuple]:
    key = (text, uri, json.dumps(raw_settings, sort_keys=True), enc)
    cached = _EXPECTED_CACHE.get(key)
    if cached is not None:
        return cached
    from secure_ls.project import engine_options
    from secure_ls.engine.analyzer import Engine

    settings = settings_from(raw_settings)
    out: list[tuple] = []
    if settings.enable:
        result = Engine(options=engine_options(settings)).analyze(text)
        m = Mirror(uri, text, 0)
        contents, _ = m.lines()

        def pos(p):
            if p.line >= len(contents):
                last = len(contents) - 1
                return (last, to_units(contents[last], len(contents[last]), enc))
            return (p.line, to_units(contents[p.line], min(p.column, len(contents[p.line])), enc))

        for f in settings.apply(result.findings, uri_path(uri), audit_tier=True):  # as the editor shows them
            out.append((f.rule_id, pos(f.span.start), pos(f.span.end), SEVERITY[int(f.severity)], f.message.split("\n")[0]))
        for span, message in result.syntax_errors:
            out.append(("syntax", pos(span.start), pos(span.end), 4, f"Syntax error: {message}"))
    out.sort()
    if len(_EXPECTED_CACHE) > 256:
        _EXPECTED_CACHE.clear()
    _EXPECTED_CACHE[key] = out
    return out


def actual_key(diags: list[dict]) -> list[tuple]:
    out = []
    for d in diags:
        r = d["range"]
        message = d["message"].split("\n")[0]
        if d.get("code") == "syntax":
            message = message.split(" (only this statement")[0]
        out.append((d.get("code"), (r["start"]["line"], r["start"]["character"]), (r["end"]["line"], r["end"]["character"]), d.get("severity"), message))
    return sorted(out)


def parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


# ---------------------------------------------------------------------------
# the corpus
def corpus() -> tuple[list[str], list[str]]:
    """(whole documents, lines) to start from and paste in: code with findings."""
    from secure_ls.rules import all_rules

    docs = [(REPO / "examples" / "insecure_app.py").read_text(encoding="utf-8")]
    for rule in all_rules():
        if rule.language != "python":
            continue
        docs.extend(e.code for e in rule.INVALID)
        docs.extend(rule.VALID[:1])
    lines = sorted({line for d in docs for line in d.splitlines() if line.strip()})
    return docs, lines


FRAGMENTS = [
    "(", ")", "[", "]", "{", "}", '"', "'", '"""', "'''", "\\", ":", ",", ".", "=", "\n", "\r\n", "\r", "\n\n",
    "\t", "\x0c", "\x00", "\x0b", "\x1c", "\x1d", "\x1e", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff",
    "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467", "é", "e\u0301", "\U0001D518", "中文", "ß",
    " ", "    ", "#", "# secure-ls: ignore", "  # nosec", "  # secure-ls: ignore[SLS101]",
    "def f(", "def g(x):\n    ", "class C:\n    ", "if x:\n    ", "else:\n", "elif y:", "try:\n    pass\nexcept", "lambda: ",
    "import hashlib\n", "import os\n", "import subprocess\n", "from os import system\n", "import sqlite3\n", "import hashlib as h\n",
    "from __future__ import annotations\n", "from __future__ import braces\n", "# -*- coding: latin-1 -*-\n",
    'f"{', "f'{x!r:>{w}}'", 'f"""{a\n}"""', "await ", "yield ", "@decorator\n", "async def g():\n    ", "return ", "x = (", "**", "...",
    'cur.execute(f"SELECT * FROM t WHERE a = {a}")', "hashlib.md5(x)", "hashlib.md5(password.encode()).hexdigest()",
    "subprocess.call(cmd, shell=True)", "os.system(cmd)", "eval(", "exec(code)", "pickle.loads(data)", "yaml.load(s)",
    "requests.get(url, verify=False)", "random.random()", '"SELECT * FROM u WHERE n = " + name', "token == expected",
    "print 'hello'", "exec 'code'", "print >>sys.stderr, x", "0777", "ur'x'", "`x`", "<>",
    "match x:\n    case [a, *b]:\n        pass\n", "type X[T] = list[T]\n", "def h[T](x: T) -> T: ...\n",
]


def nasty(rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        n = rng.randrange(10, 400)
        return "(" * n + "x" + ")" * rng.choice([n, n - 1, 0])
    if kind == 1:
        return "x = " + "a+" * rng.randrange(100, 20000) + "a\n"
    if kind == 2:
        return "s = '" + "A" * rng.randrange(1000, 120_000) + "'"
    if kind == 3:
        return "data = [" + "1, " * rng.randrange(100, 20000) + "]\n"
    if kind == 4:
        depth = rng.randrange(5, 120)
        return "".join("    " * i + f"if x{i}:\n" for i in range(depth)) + "    " * depth + "pass\n"
    if kind == 5:
        return "".join(chr(rng.choice([rng.randrange(1, 32), rng.randrange(0x80, 0x800), rng.randrange(0x800, 0xD800), rng.randrange(0x10000, 0x10FFFF)])) for _ in range(rng.randrange(1, 40)))
    if kind == 6:
        return "-" * rng.randrange(100, 5000) + "1"
    return "[" * rng.randrange(1, 300)


# ---------------------------------------------------------------------------
@dataclass
class Stats:
    steps: int = 0
    edits: int = 0
    checks: int = 0
    requests: int = 0
    cancels: int = 0
    actions_applied: int = 0
    config_changes: int = 0
    memory: list[tuple[int, int]] = field(default_factory=list)  # (edits so far, RSS KiB)
    peak_rss: int = 0
    started: float = field(default_factory=time.monotonic)


SETTINGS_CHOICES: list[dict] = [
    {"enable": True, "ignore": [], "select": [], "minConfidence": "low", "severity": {}},
    {"enable": True, "ignore": ["SLS301", "crypto"], "select": [], "minConfidence": "low", "severity": {}},
    {"enable": True, "ignore": [], "select": ["SLS1"], "minConfidence": "low", "severity": {"SLS101": "hint"}},
    {"enable": True, "ignore": [], "select": [], "minConfidence": "high", "severity": {"SLS301": "error"}},
    {"enable": False, "ignore": [], "select": [], "minConfidence": "low", "severity": {}},
    {"enable": True, "ignore": [], "select": [], "minConfidence": "bogus", "severity": {}},  # invalid: defaults + one message
]


class Session:
    """One server process plus the client's mirrors; executes steps."""

    def __init__(self, profile: str, workdir: str, strict_timeout: float = 30.0):
        self.profile = profile
        self.workdir = workdir
        self.timeout = strict_timeout
        self.docs: dict[str, Mirror] = {}
        self.closed: set[str] = set()
        self.pending_clears: dict[str, int] = {}
        self.published: dict[str, list[dict]] = {}
        self.published_version: dict[str, int | None] = {}
        self.pull_cache: dict[str, tuple[str, list]] = {}
        self.settings = dict(SETTINGS_CHOICES[0])
        self.stats = Stats()
        self.client: RawClient | None = None
        self.violations: list[FuzzFailure] = []
        self.rng = random.Random(0)

    async def start(self) -> None:
        Path(self.workdir).mkdir(parents=True, exist_ok=True)
        # cwd: the workspace, as editors do (`python -m` puts the cwd first on sys.path,
        # so starting in the repository would run its secure_ls, not SECURE_LS_FUZZ_CODE's)
        self.client = await RawClient.spawn(stderr_path=str(Path(self.workdir) / "server.log"), cwd=self.workdir)
        self.client.settings = {"secure-ls": self.settings}
        self.client.settings = self.settings
        self.client.on_notification = self._on_notification
        await self.client.initialize(self.profile, root_uri=Path(self.workdir).as_uri())
        self.enc = self.client.encoding
        self.pull = self.client.server_capabilities.get("diagnosticProvider") is not None and bool(
            (self.client.capabilities.get("textDocument") or {}).get("diagnostic") is not None
        )

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.shutdown(5)

    # ---- notifications ----------------------------------------------------------
    def _on_notification(self, message: dict) -> None:
        if message.get("method") != "textDocument/publishDiagnostics":
            return
        params = message["params"]
        uri = params["uri"]
        version = params.get("version")
        diags = params["diagnostics"]
        if self.pending_clears.get(uri):
            # the server has not yet processed our didClose: this belongs to the closed incarnation
            if version is None and not diags:
                self.pending_clears[uri] -= 1
            return
        doc = self.docs.get(uri)
        if doc is None:
            if diags:
                self.violations.append(FuzzFailure("publish-after-close", f"{uri}: {len(diags)} diagnostics after the didClose clearing"))
            return
        if version is None:
            self.violations.append(FuzzFailure("publish-without-version", f"{uri}: {len(diags)} diagnostics without a version"))
            return
        previous = self.published_version.get(uri)
        if previous is not None and version < previous:
            self.violations.append(FuzzFailure("publish-went-back", f"{uri}: version {version} published after {previous}"))
        if version > doc.version:
            self.violations.append(FuzzFailure("publish-future", f"{uri}: version {version} > latest {doc.version}"))
        text = doc.history.get(version)
        if text is not None:
            for d in diags:
                why = range_inside(text, d["range"], self.enc)
                if why:
                    self.violations.append(FuzzFailure("diagnostic-outside", f"{uri} v{version}: {d.get('code')} {d['range']}: {why}"))
                    break
        self.published[uri] = diags
        self.published_version[uri] = version

    def _raise_violations(self) -> None:
        if self.violations:
            raise self.violations[0]

    # ---- steps ---------------------------------------------------------------------
    async def execute(self, step: dict) -> None:
        op = step["op"]
        c = self.client
        self.stats.steps += 1
        try:
            await getattr(self, "_op_" + op)(step)
            await c.drain()
        except ServerDied as exc:
            raise FuzzFailure("server-died", f"{exc}\n{c.stderr_tail()}") from None
        self._raise_violations()

    async def _op_open(self, step: dict) -> None:
        uri = step["uri"]
        if uri in self.docs:
            return
        doc = Mirror(uri, step["text"], step.get("version", 1))
        self.docs[uri] = doc
        self.closed.discard(uri)
        self.published_version.pop(uri, None)
        self.published.pop(uri, None)
        self.pull_cache.pop(uri, None)
        self.client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": doc.version, "text": doc.text}})

    async def _op_close(self, step: dict) -> None:
        uri = step["uri"]
        if uri not in self.docs:
            return
        del self.docs[uri]
        self.closed.add(uri)
        if not self.pull:
            self.pending_clears[uri] = self.pending_clears.get(uri, 0) + 1
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def _clamp(self, doc: Mirror, pos: list[int]) -> tuple[int, int]:
        contents, _ = doc.lines()
        line = min(max(pos[0], 0), len(contents) - 1)
        return line, max(pos[1], 0)

    async def _op_edit(self, step: dict) -> None:
        doc = self.docs.get(step["uri"])
        if doc is None:
            return
        changes = []
        version = doc.version + 1
        for ch in step["changes"]:
            if ch.get("full"):
                changes.append({"text": ch["text"]})
                doc.replace(0, len(doc.text), ch["text"], version)
                continue
            s_line, s_col = self._clamp(doc, ch["start"])
            e_line, e_col = self._clamp(doc, ch["end"])
            if (e_line, e_col) < (s_line, s_col):
                s_line, s_col, e_line, e_col = e_line, e_col, s_line, s_col
            rng = {"start": doc.units(s_line, s_col, self.enc), "end": doc.units(e_line, e_col, self.enc)}
            changes.append({"range": rng, "text": ch["text"]})
            doc.replace(doc.offset(s_line, s_col), doc.offset(e_line, e_col), ch["text"], version)
        self.stats.edits += len(changes)
        self.client.notify("textDocument/didChange", {"textDocument": {"uri": doc.uri, "version": version}, "contentChanges": changes})

    async def _op_config(self, step: dict) -> None:
        self.settings = dict(step["settings"])
        self.client.settings = self.settings
        self.stats.config_changes += 1
        self.client.notify("workspace/didChangeConfiguration", {"settings": {"secure-ls": self.settings}})

    def _position(self, doc: Mirror | None, pos: list[int]) -> dict:
        if doc is None:
            return {"line": pos[0], "character": pos[1]}
        return doc.units(pos[0], pos[1], self.enc)

    async def _op_hover(self, step: dict) -> None:
        doc = self.docs.get(step["uri"])
        self.stats.requests += 1
        result = await self.client.request(
            "textDocument/hover", {"textDocument": {"uri": step["uri"]}, "position": self._position(doc, step["pos"])}, self.timeout
        )
        if result and doc is not None and "range" in result:
            why = range_inside(doc.text, result["range"], self.enc)
            if why:
                raise FuzzFailure("hover-outside", f"{doc.uri} v{doc.version}: {result['range']}: {why}")

    async def _op_cancel(self, step: dict) -> None:
        doc = self.docs.get(step["uri"])
        method = step["method"]
        if method == "textDocument/diagnostic" and not self.pull:
            method = "textDocument/hover"
        if method == "textDocument/hover":
            params = {"textDocument": {"uri": step["uri"]}, "position": self._position(doc, step["pos"])}
        elif method == "textDocument/codeAction":
            p = self._position(doc, step["pos"])
            params = {"textDocument": {"uri": step["uri"]}, "range": {"start": p, "end": p}, "context": {"diagnostics": []}}
        else:
            params = {"textDocument": {"uri": step["uri"]}}
        rid, fut = self.client.send_request(method, params)
        if step.get("bogus"):
            self.client.notify("$/cancelRequest", {"id": rid + 1000})
        else:
            self.client.notify("$/cancelRequest", {"id": rid})
        await self.client.drain()
        self.stats.cancels += 1
        response = await self.client.wait_response(rid, fut, self.timeout, method + " (cancelled)")
        error = response.get("error")
        if error and error.get("code") not in (-32800,):
            raise FuzzFailure("cancel-error", f"{method} cancelled -> unexpected error {error}")

    async def _op_action(self, step: dict) -> None:
        doc = self.docs.get(step["uri"])
        if doc is None:
            return
        s = self._clamp(doc, step["start"])
        e = self._clamp(doc, step["end"])
        s, e = min(s, e), max(s, e)
        only = ["source.fixAll.secure-ls"] if step.get("fixall") else None
        context: dict[str, Any] = {"diagnostics": []}
        if only:
            context["only"] = only
        params = {"textDocument": {"uri": doc.uri}, "range": {"start": doc.units(*s, self.enc), "end": doc.units(*e, self.enc)}, "context": context}
        self.stats.requests += 1
        version, text = doc.version, doc.text
        actions = await self.client.request("textDocument/codeAction", params, self.timeout) or []
        results = []
        for action in actions:
            if "edit" not in action and action.get("data") is not None:
                self.stats.requests += 1
                action = await self.client.request("codeAction/resolve", action, self.timeout)
            edit = action.get("edit")
            if edit is None:
                raise FuzzFailure("action-without-edit", f"{doc.uri} v{version}: {action.get('title')} has no edit after resolve")
            edits = self._edits_of(edit, doc.uri, version, action.get("title", ""))
            for te in edits:
                why = range_inside(text, te["range"], self.enc)
                if why:
                    raise FuzzFailure("action-outside", f"{doc.uri} v{version}: {action.get('title')}: {te['range']}: {why}")
            new_text = apply_lsp_edits(text, edits, self.enc)
            self._check_action_result(doc, text, new_text, action)
            results.append((action, edits, new_text))
        if results and step.get("apply") is not None:
            action, edits, new_text = results[step["apply"] % len(results)]
            if not edits:
                return
            # as an editor applies a workspace edit: the edits, last first, in one didChange
            changes = []
            # (reversed ascending order, not a descending sort: two inserts at one position
            # must end up in array order, so the later one is applied first)
            for te in reversed(sorted(edits, key=lambda t: (t["range"]["start"]["line"], t["range"]["start"]["character"]))):
                changes.append({"range": te["range"], "text": te["newText"]})
            doc.replace(0, len(doc.text), new_text, doc.version + 1)
            self.stats.actions_applied += 1
            self.stats.edits += len(changes)
            self.client.notify("textDocument/didChange", {"textDocument": {"uri": doc.uri, "version": doc.version}, "contentChanges": changes})

    def _edits_of(self, edit: dict, uri: str, version: int, title: str) -> list[dict]:
        out = []
        if edit.get("documentChanges"):
            for change in edit["documentChanges"]:
                td = change["textDocument"]
                if td["uri"] != uri:
                    raise FuzzFailure("action-other-document", f"{title}: edits {td['uri']}")
                if td.get("version") != version:
                    raise FuzzFailure("action-stale-version", f"{title}: for version {td.get('version')}, document is at {version}")
                out.extend(change["edits"])
        for u, edits in (edit.get("changes") or {}).items():
            if u != uri:
                raise FuzzFailure("action-other-document", f"{title}: edits {u}")
            out.extend(edits)
        return out

    def _check_action_result(self, doc: Mirror, text: str, new_text: str, action: dict) -> None:
        title = action.get("title", "")
        if not parses(text):
            return
        if not parses(new_text):
            raise FuzzFailure("action-breaks-parse", f"{doc.uri} v{doc.version}: {title!r} turns parsing code into a syntax error")
        diags = action.get("diagnostics") or []
        if action.get("kind") == "quickfix" and diags:
            rule = diags[0].get("code")
            before = sum(1 for d in expected_diagnostics(text, doc.uri, self.settings, self.enc) if d[0] == rule)
            after = sum(1 for d in expected_diagnostics(new_text, doc.uri, self.settings, self.enc) if d[0] == rule)
            if after >= before and before:
                raise FuzzFailure("action-does-not-fix", f"{doc.uri} v{doc.version}: {title!r}: {rule} findings {before} -> {after}")

    async def _op_check(self, step: dict) -> None:
        c = self.client
        self.stats.checks += 1
        # alive: a request that always has an answer
        await c.request("textDocument/hover", {"textDocument": {"uri": "file:///nonexistent.py"}, "position": {"line": 0, "character": 0}}, self.timeout)
        for uri, doc in list(self.docs.items()):
            await self._check_doc(doc)
        rss, peak = c.memory()
        self.stats.memory.append((self.stats.edits, rss))
        self.stats.peak_rss = max(self.stats.peak_rss, peak)

    async def _check_doc(self, doc: Mirror) -> None:
        expected = expected_diagnostics(doc.text, doc.uri, self.settings, self.enc)
        deadline = time.monotonic() + self.timeout + len(doc.text) / 20_000
        actual = None
        while True:
            if self.pull:
                params: dict[str, Any] = {"textDocument": {"uri": doc.uri}}
                cached = self.pull_cache.get(doc.uri)
                if cached and self.rng.random() < 0.5:
                    params["previousResultId"] = cached[0]
                report = await self.client.request("textDocument/diagnostic", params, self.timeout)
                if report.get("kind") == "unchanged":
                    if not cached or report.get("resultId") != cached[0]:
                        raise FuzzFailure("pull-unchanged-unknown", f"{doc.uri}: 'unchanged' for result id {report.get('resultId')} we never had")
                    items = cached[1]
                else:
                    items = report.get("items", [])
                    self.pull_cache[doc.uri] = (report.get("resultId"), items)
                for d in items:
                    why = range_inside(doc.text, d["range"], self.enc)
                    if why:
                        raise FuzzFailure("diagnostic-outside", f"{doc.uri} v{doc.version} (pulled): {d.get('code')} {d['range']}: {why}")
                actual = actual_key(items)
            elif self.published_version.get(doc.uri) == doc.version:
                actual = actual_key(self.published[doc.uri])
            if actual == expected:
                return
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05 if not self.pull else 0.1)
        if actual is None:
            raise FuzzFailure("no-diagnostics", f"{doc.uri}: nothing published for version {doc.version} (last: {self.published_version.get(doc.uri)})")
        missing = [d for d in expected if d not in actual]
        extra = [d for d in actual if d not in expected]
        raise FuzzFailure("stale-diagnostics", f"{doc.uri} v{doc.version}: differ from a fresh analysis\n  missing: {missing[:5]}\n  extra:   {extra[:5]}")


# ---------------------------------------------------------------------------
class Generator:
    """Random steps against the session's current mirrors."""

    def __init__(self, seed: int, workdir: str):
        self.rng = random.Random(seed)
        self.docs, self.lines = corpus()
        self.workdir = workdir
        self.counter = 0
        self.pending_checks = 0
        stdlib = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
        self.real = [p for p in (stdlib / n for n in ("shlex.py", "ftplib.py", "tempfile.py", "pickletools.py", "smtplib.py", "zipimport.py")) if p.exists()]

    def _uri(self) -> str:
        self.counter += 1
        r = self.rng.random()
        base = Path(self.workdir).as_uri()
        if r < 0.1:
            return f"untitled:Untitled-{self.counter}"
        if r < 0.2:
            return f"{base}/{quote('with space')}/{quote('café ✓')}-{self.counter}.py"
        return f"{base}/doc{self.counter}.py"

    def _text(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return self.docs[0]
        if r < 0.75:
            return "\n".join(self.rng.sample(self.docs, self.rng.randrange(1, 5)))
        if r < 0.85 and self.real:
            return self.rng.choice(self.real).read_text(encoding="utf-8")
        if r < 0.9:
            return ""
        text = self.rng.choice(self.docs)
        return text.replace("\n", self.rng.choice(["\r\n", "\r", "\n"]))

    def _pos(self, doc: Mirror, past_end: bool = False) -> list[int]:
        contents, _ = doc.lines()
        line = self.rng.randrange(len(contents))
        col = self.rng.randrange(len(contents[line]) + 1)
        if past_end and self.rng.random() < 0.3:
            col = len(contents[line]) + self.rng.randrange(1, 10)
        return [line, col]

    def _insert_text(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(FRAGMENTS)
        if r < 0.8:
            return self.rng.choice(self.lines) + self.rng.choice(["\n", "", "\r\n"])
        if r < 0.9:
            return "".join(self.rng.choice(FRAGMENTS) for _ in range(self.rng.randrange(2, 6)))
        return nasty(self.rng)

    def _change(self, doc: Mirror) -> dict:
        r = self.rng.random()
        contents, _ = doc.lines()
        a = self._pos(doc, past_end=True)
        if r < 0.45:  # insert
            return {"start": a, "end": a, "text": self._insert_text()}
        if r < 0.7:  # delete a small range
            line, col = a
            end_col = col + self.rng.randrange(1, 12)
            return {"start": a, "end": [line, end_col], "text": ""}
        if r < 0.85:  # delete or replace whole lines
            line = a[0]
            n = self.rng.randrange(1, 4)
            return {"start": [line, 0], "end": [min(line + n, len(contents) - 1), 0], "text": self.rng.choice(["", self._insert_text()])}
        b = self._pos(doc)
        return {"start": min(a, b), "end": max(a, b), "text": self._insert_text()}

    def next(self, session: Session) -> list[dict]:
        """The next few steps (a burst of edits counts as several)."""
        rng = self.rng
        open_docs = list(session.docs.values())
        self.pending_checks += 1
        if not open_docs or (len(open_docs) < 4 and rng.random() < 0.03):
            return [{"op": "open", "uri": self._uri(), "text": self._text(), "version": rng.randrange(0, 3)}]
        if self.pending_checks >= rng.randrange(1, 10):
            self.pending_checks = 0
            return [{"op": "check"}]
        doc = rng.choice(open_docs)
        big = len(doc.text) > 400_000
        r = rng.random()
        if big or r < 0.55:
            if big:
                contents, _ = doc.lines()
                longest = max(range(len(contents)), key=lambda i: len(contents[i]))
                return [{"op": "edit", "uri": doc.uri, "changes": [{"start": [longest, 0], "end": [longest + 1, 0], "text": ""}]}]
            if rng.random() < 0.25:  # typing: a burst of one-character edits, faster than analysis
                line, col = self._pos(doc)
                word = rng.choice(self.lines + FRAGMENTS)[: rng.randrange(1, 40)]
                steps = []
                for i, ch in enumerate(word):
                    steps.append({"op": "edit", "uri": doc.uri, "changes": [{"start": [line, col + i], "end": [line, col + i], "text": ch}]})
                    if ch in "\r\n":
                        break
                return steps
            if rng.random() < 0.05:
                return [{"op": "edit", "uri": doc.uri, "changes": [{"full": True, "text": self._text()}]}]
            n = 1 if rng.random() < 0.8 else rng.randrange(2, 5)
            # several changes in one notification: each is relative to the text after the previous ones
            return [{"op": "edit", "uri": doc.uri, "changes": [self._change(doc)]}] if n == 1 else self._multi(doc, n)
        if r < 0.65:
            pos = self._pos(doc, past_end=True) if rng.random() < 0.8 else [len(doc.lines()[0]) + rng.randrange(0, 5), rng.randrange(0, 50)]
            return [{"op": "hover", "uri": doc.uri, "pos": pos}]
        if r < 0.8:
            a, b = self._pos(doc), self._pos(doc)
            if rng.random() < 0.5:
                b = a
            return [{"op": "action", "uri": doc.uri, "start": min(a, b), "end": max(a, b), "fixall": rng.random() < 0.15, "apply": rng.randrange(10) if rng.random() < 0.3 else None}]
        if r < 0.88:
            method = rng.choice(["textDocument/hover", "textDocument/codeAction", "textDocument/diagnostic"])
            return [{"op": "cancel", "uri": doc.uri, "method": method, "pos": self._pos(doc, past_end=True), "bogus": rng.random() < 0.1}]
        if r < 0.91:
            return [{"op": "config", "settings": rng.choice(SETTINGS_CHOICES)}]
        if r < 0.95:
            return [{"op": "close", "uri": doc.uri}] + ([{"op": "open", "uri": doc.uri, "text": doc.text, "version": doc.version + rng.choice([0, 1, 5])}] if rng.random() < 0.6 else [])
        if rng.random() < 0.5:
            return [{"op": "edit", "uri": doc.uri, "changes": [{"start": self._pos(doc), "end": self._pos(doc), "text": nasty(rng)}]}]
        return [{"op": "edit", "uri": doc.uri, "changes": [self._change(doc)]}]

    def _multi(self, doc: Mirror, n: int) -> list[dict]:
        # Positions of later changes are generated against a scratch copy with the earlier changes applied.
        scratch = Mirror(doc.uri, doc.text, doc.version)
        changes = []
        for _ in range(n):
            ch = self._change(scratch)
            changes.append(ch)
            contents, _ = scratch.lines()
            s = (min(ch["start"][0], len(contents) - 1), ch["start"][1])
            e = (min(ch["end"][0], len(contents) - 1), ch["end"][1])
            s, e = min(s, e), max(s, e)
            scratch.replace(scratch.offset(*s), scratch.offset(*e), ch["text"], scratch.version + 1)
        return [{"op": "edit", "uri": doc.uri, "changes": changes}]


# ---------------------------------------------------------------------------
@dataclass
class RunResult:
    seed: int
    profile: str
    stats: Stats
    steps: list[dict]
    failure: FuzzFailure | None = None
    failed_at: int | None = None
    sent: list[dict] = field(default_factory=list)
    stderr: str = ""


async def run(profile: str, seed: int, duration: float | None = None, max_steps: int | None = None, workdir: str | None = None, progress=None) -> RunResult:
    workdir = workdir or f"{FUZZ_DIR}/{profile.replace('@', '-')}-{seed}"
    session = Session(profile, workdir)
    gen = Generator(seed, workdir)
    steps: list[dict] = []
    await session.start()
    result = RunResult(seed, profile, session.stats, steps)
    deadline = time.monotonic() + duration if duration else None
    try:
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                break
            if max_steps is not None and len(steps) >= max_steps:
                break
            for step in gen.next(session):
                steps.append(step)
                await session.execute(step)
            if progress and len(steps) % 500 < 1:
                progress(session.stats)
        steps.append({"op": "check"})
        await session.execute(steps[-1])
    except FuzzFailure as failure:
        result.failure = failure
        result.failed_at = len(steps) - 1
        result.sent = list(session.client.sent)
        result.stderr = session.client.stderr_tail()
    except (TimeoutError, RuntimeError) as exc:
        result.failure = FuzzFailure("no-answer" if isinstance(exc, TimeoutError) else "error-response", str(exc))
        result.failed_at = len(steps) - 1
        result.sent = list(session.client.sent)
        result.stderr = session.client.stderr_tail()
    finally:
        _, peak = session.client.memory()
        session.stats.peak_rss = max(session.stats.peak_rss, peak)
        await session.stop()
    return result


async def replay(profile: str, steps: list[dict], workdir: str) -> tuple[FuzzFailure | None, list[dict]]:
    """Runs `steps` on a fresh server, with a final check; (failure, messages sent)."""
    session = Session(profile, workdir, strict_timeout=15.0)
    await session.start()
    failure = None
    try:
        for step in steps + [{"op": "check"}]:
            await session.execute(step)
    except FuzzFailure as exc:
        failure = exc
    except (TimeoutError, RuntimeError) as exc:
        failure = FuzzFailure("no-answer" if isinstance(exc, TimeoutError) else "error-response", str(exc))
    finally:
        sent = list(session.client.sent)
        await session.stop()
    return failure, sent


async def minimize(profile: str, steps: list[dict], kind: str, workdir: str, budget: float = 120.0) -> tuple[list[dict], list[dict]]:
    """ddmin over steps: the smallest list (within `budget` seconds) that still fails with `kind`."""
    deadline = time.monotonic() + budget
    best = [s for s in steps if s["op"] != "check"]
    failure, sent = await replay(profile, best, workdir)
    if failure is None or failure.kind != kind:
        return steps, sent
    best_sent = sent
    n = 2
    while len(best) >= 2 and time.monotonic() < deadline:
        chunk = max(1, len(best) // n)
        reduced = False
        for i in range(0, len(best), chunk):
            if time.monotonic() >= deadline:
                break
            candidate = best[:i] + best[i + chunk :]
            if not candidate:
                continue
            failure, sent = await replay(profile, candidate, workdir)
            if failure is not None and failure.kind == kind:
                best, best_sent = candidate, sent
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(best), n * 2)
    return best, best_sent


def describe(result: RunResult, minimal_steps: list[dict] | None = None, minimal_sent: list[dict] | None = None, limit: int = 60) -> str:
    lines = [f"FUZZ FAILURE (profile {result.profile}, seed {result.seed}, step {result.failed_at}): {result.failure}"]
    if minimal_sent is not None:
        lines.append(f"minimal replay: {len(minimal_steps or [])} steps, {len(minimal_sent)} messages sent to the server:")
        for m in minimal_sent[:limit]:
            text = json.dumps(m, ensure_ascii=True)
            lines.append("  " + (text if len(text) < 600 else text[:600] + f"... ({len(text)} chars)"))
        if len(minimal_sent) > limit:
            lines.append(f"  ... {len(minimal_sent) - limit} more")
    if result.stderr:
        lines.append("server log tail:\n" + result.stderr)
    return "\n".join(lines)
