"""Open and edit-to-diagnostics latency of secure-ls and `ruff server`, side by side.

Both servers get the same generated files (1k, 5k and 20k lines by default),
written to a temporary directory that is the workspace folder of the session,
through the same client (secure_ls.testing's RawClient over stdio) and the same steps:

- open: the time from sending `didOpen` to the first diagnostics for version 1
  (`sls-checked`: secure-ls again, after `secure-ls check` ran over the folder, so
  the opened file's findings come from the results cache). secure-ls first shows a
  long file's beginning (lsp/diagnostics.py, FIRST_LOOK_LINES) and the whole file's
  findings when its analysis, run in slices, lands: `whole` is the time to those,
  measured in a session of its own with no typing (the last publication for version 1
  before QUIET seconds without one). Ruff publishes once: its whole is its open;
- early: right after those diagnostics, keystrokes until 3 seconds after
  `didOpen` (issue 15, target 3): the p95 of the edits sent in that window;
- settled: after a quiet SETTLE seconds, `--edits` keystrokes: p50, p95, max.

Keystrokes are typed into a line in the middle of a function (`total += value`
-> `total += valuexxx`; every 20th deletes what was typed) in bursts of BURST
keys KEY_INTERVAL apart with a PAUSE between bursts, as people stop to read;
the pause is what lets background work that waits for a quiet editor start,
so the next keystroke can land on it. A key is sent at its time or when the
previous edit's diagnostics arrived, whichever is later, and is timed from
sending `didChange` to the arrival of the diagnostics for its version (the client stamps
each message as it reads it).

How diagnostics arrive: the client advertises no pull support, so both servers
push `textDocument/publishDiagnostics` with the document's `version` after
`didOpen` and after every `didChange` (checked with ruff 0.17.6: one
publication per version); that is what is awaited (`Server.diagnostics`).
Ruff's rules are its `S` set (the flake8-bandit port), selected by a `ruff.toml`
in the temporary directory. Ruff reads it for files under a workspace folder,
or, with no workspace folders, under its working directory; so both servers
run in that directory, and by default both are given it as the workspace
folder, as an editor opening a project would. `--no-workspace-folder` leaves
the folder out: secure-ls then does not index the workspace in the background
while it analyses the opened file (issue 15's first open figures were taken
that way; its target 5 is about the cost of the workspace).

    .venv/bin/python bench/latency.py [--edits 200] [--sizes 1000,5000,20000] [--servers secure-ls,secure-ls-checked,ruff] [--no-workspace-folder]

The machine is shared and noisy: compare the ratios printed in one run, and
repeat runs rather than trusting one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from secure_ls.testing.client import RawClient
from secure_ls.testing.generate import generate

EARLY_WINDOW = 3.0  # seconds after didOpen (issue 15, target 3)
SETTLE = 3.0  # quiet seconds between the early window and the settled edits
KEY_INTERVAL = 0.05
BURST = 10
PAUSE = 1.2
TIMEOUT = 30.0  # an edit whose diagnostics take longer is counted as missing
QUIET = 2.0  # no publication for this long after the last one: the whole file's findings are out
RUFF_TOML = '[lint]\nselect = ["S"]\n'
REPO = Path(__file__).resolve().parent.parent


async def pushed(client: RawClient, uri: str, version: int) -> tuple[float, list]:
    """The arrival time and diagnostics of the first publication for `version` (sent after
    the call: a version's publications cannot come before its didOpen or didChange)."""
    stamp, params = await client.wait_published(uri, version, timeout=TIMEOUT, past=False)
    return stamp, params["diagnostics"]


@dataclass
class Server:
    name: str
    command: list[str]
    diagnostics: Callable[[RawClient, str, int], Awaitable[tuple[float, list]]] = pushed
    prepare: Callable[[Path], None] | None = None  # run in the temporary directory first


def check_first(folder: Path) -> None:
    """`secure-ls check` over the folder, as a pre-commit hook or CI job would: it fills the
    results cache the server reads when a file is opened as it was checked."""
    import subprocess

    subprocess.run([sys.executable, "-m", "secure_ls", "check", "--no-dependencies", str(folder)], cwd=folder, capture_output=True, check=False)


def ruff_command() -> list[str]:
    beside = Path(sys.executable).parent / "ruff"  # the dev dependency, in the same venv
    return [
        str(beside) if beside.exists() else (shutil.which("ruff") or "ruff"),
        "server",
    ]


SERVERS = {
    "secure-ls": lambda: Server("secure-ls", [sys.executable, "-m", "secure_ls", "serve"]),
    # the same server on a file `secure-ls check` analysed before: its findings come from the cache
    "secure-ls-checked": lambda: Server("sls-checked", [sys.executable, "-m", "secure_ls", "serve"], prepare=check_first),
    "ruff": lambda: Server("ruff", ruff_command()),
}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Typist:
    """Keystrokes into one line, each sent after the previous one's diagnostics."""

    client: RawClient
    server: Server
    uri: str
    line: int
    length: int  # the line's length before anything was typed
    column: int = 0
    version: int = 1
    typed: int = 0
    missing: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.column = self.length

    async def key(self) -> float | None:
        """One keystroke; its latency in ms, or None if its diagnostics never came."""
        self.version += 1
        self.typed += 1
        if self.typed % 20 == 0:  # delete what was typed, as people do
            start, end, text = self.length, self.column, ""
            self.column = self.length
        else:
            start, end, text = self.column, self.column, "x"
            self.column += 1
        change = {
            "range": {
                "start": {"line": self.line, "character": start},
                "end": {"line": self.line, "character": end},
            },
            "text": text,
        }
        sent = time.perf_counter()
        self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [change],
            },
        )
        try:
            stamp, _ = await self.server.diagnostics(self.client, self.uri, self.version)
        except TimeoutError:
            self.missing.append(self.version)
            return None
        return (stamp - sent) * 1000

    async def type(self, count: int | None = None, until: float | None = None) -> list[float]:
        """`count` keys, or keys while the clock is before `until`: bursts and pauses."""
        timings = []
        due = time.perf_counter()
        n = 0
        while (count is None or n < count) and (until is None or due < until):
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if until is not None and time.perf_counter() >= until:
                break
            ms = await self.key()
            if ms is not None:
                timings.append(ms)
            n += 1
            due = max(due + (PAUSE if n % BURST == 0 else KEY_INTERVAL), time.perf_counter())
        return timings


async def start(command: list[str], folder: Path | None, cwd: Path, capabilities: dict | None = None) -> RawClient:
    """The server started in `cwd` and initialized with `capabilities` (default: none), with
    `folder` (if any) as its root and workspace folder. It logs at the level it would in an
    editor (INFO unless SECURE_LS_LOG_LEVEL says otherwise), to nowhere."""
    client = await RawClient.spawn(command, env={"SECURE_LS_LOG_LEVEL": os.environ.get("SECURE_LS_LOG_LEVEL", "INFO")}, cwd=str(cwd))
    client.settings = None  # a workspace/configuration (not declared, so not expected) is answered null
    uri = folder.as_uri() if folder is not None else None
    folders = [{"uri": uri, "name": folder.name}] if folder is not None else None
    try:
        await client.initialize(capabilities=capabilities or {}, root_uri=uri, workspace_folders=folders, timeout=60)
    except BaseException:
        await client.kill()
        raise
    return client


async def measure(server: Server, path: Path, edits: int, workspace_folder: bool) -> dict:
    text = path.read_text()
    uri = path.as_uri()
    client = await start(server.command, path.parent if workspace_folder else None, path.parent)
    try:
        sent = time.perf_counter()
        client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "python",
                    "version": 1,
                    "text": text,
                }
            },
        )
        stamp, found = await server.diagnostics(client, uri, 1)
        doc_lines = text.split("\n")
        middle = next(i for i in range(len(doc_lines) // 2, len(doc_lines)) if doc_lines[i].strip() == "total += value")
        typist = Typist(client, server, uri, middle, len(doc_lines[middle]))
        early = await typist.type(until=sent + EARLY_WINDOW)
        await asyncio.sleep(max(0.0, sent + EARLY_WINDOW - time.perf_counter()) + SETTLE)
        settled = await typist.type(count=edits)
        return {
            "lines": len(doc_lines),
            "findings": len(found),
            "codes": sorted({d.get("code") for d in found}),
            "open": (stamp - sent) * 1000,
            "early": early,
            "settled": settled,
            "missing": typist.missing,
        }
    finally:
        await client.shutdown()


async def measure_whole(server: Server, path: Path, workspace_folder: bool) -> tuple[float, int]:
    """(ms from didOpen to the last publication for version 1, its diagnostics count), with no typing."""
    uri = path.as_uri()
    client = await start(server.command, path.parent if workspace_folder else None, path.parent)
    try:
        sent = time.perf_counter()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}})
        stamp, found = await server.diagnostics(client, uri, 1)
        while True:
            try:
                stamp, params = await client.wait_published(uri, 1, timeout=QUIET, past=False)
                found = params["diagnostics"]
            except TimeoutError:
                return (stamp - sent) * 1000, len(found)
    finally:
        await client.shutdown()


def fmt(value: float | None, width: int, digits: int = 1) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=200, help="settled keystrokes per size and server")
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--servers", default="secure-ls,secure-ls-checked,ruff", help="comma-separated: secure-ls, secure-ls-checked, ruff")
    parser.add_argument("--no-workspace-folder", action="store_true", help="open the files with no workspace folder")
    args = parser.parse_args()
    # the servers run in a temporary directory: make `-m secure_ls` this checkout's
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    names = [n.strip() for n in args.servers.split(",") if n.strip()]
    unknown = [n for n in names if n not in SERVERS]
    if unknown:
        parser.error(f"unknown server(s) {', '.join(unknown)}; known: {', '.join(SERVERS)}")
    servers = [SERVERS[n]() for n in names]
    header = f"{'lines':>6} {'server':<10} {'findings':>8} {'open ms':>8} {'whole ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'early p95 (n)':>14} {'early/settled':>13}"
    print(header)
    notes = []
    for size in (int(s) for s in args.sizes.split(",")):
        results = {}
        with tempfile.TemporaryDirectory(prefix="secure-ls-latency-") as tmp:
            path = Path(tmp) / f"bench_{size}.py"
            path.write_text(generate(size))
            (Path(tmp) / "ruff.toml").write_text(RUFF_TOML)
            for server in servers:
                if server.prepare is not None:
                    server.prepare(Path(tmp))
                r = results[server.name] = asyncio.run(measure(server, path, args.edits, not args.no_workspace_folder))
                if server.name == "ruff":
                    r["whole"], r["whole_findings"] = r["open"], r["findings"]
                else:
                    if server.prepare is not None:
                        server.prepare(Path(tmp))
                    r["whole"], r["whole_findings"] = asyncio.run(measure_whole(server, path, not args.no_workspace_folder))
                settled, early = r["settled"], r["early"]
                p95 = percentile(settled, 0.95) if settled else None
                early_p95 = percentile(early, 0.95) if early else None
                r["p95"] = p95
                early_col = f"{fmt(early_p95, 1)} ({len(early)})" if early else "- (0)"
                print(
                    f"{r['lines']:>6} {server.name:<10} {r['findings']:>3}/{r['whole_findings']:<4} {r['open']:>8.1f} {r['whole']:>8.1f} "
                    f"{fmt(statistics.median(settled) if settled else None, 7, 2)} {fmt(p95, 7, 2)} {fmt(max(settled) if settled else None, 7, 2)} "
                    f"{early_col:>14} {ratio(early_p95, p95):>13}",
                    flush=True,
                )
                if r["missing"]:
                    notes.append(f"{server.name} at {size} lines: no diagnostics within {TIMEOUT:.0f} s for versions {r['missing']}")
                if server.name == "ruff" and any(not str(c).startswith("S") for c in r["codes"]):
                    notes.append(f"ruff at {size} lines reported non-S codes {r['codes']}: did it read ruff.toml?")
        for name, label in (("secure-ls", "sls/ruff"), ("sls-checked", "chk/ruff")):
            if name in results and "ruff" in results:
                s, f = results[name], results["ruff"]
                print(
                    f"{'':>6} {label:<10} {'':>8} {ratio(s['open'], f['open']):>8} {ratio(s['whole'], f['whole']):>8} {'':>7} {ratio(s['p95'], f['p95']):>7}",
                    flush=True,
                )
    for note in notes:
        print("note:", note)
    print("findings: in the first publication / in the whole file's")
    print("targets (issue 15): open <= 2x Ruff at 5k and 20k; edit p95 <= Ruff's; max at 20k < 100 ms; early p95 <= 2x settled")


if __name__ == "__main__":
    main()
