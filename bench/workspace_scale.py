"""Many open files and a big workspace: issue 15's targets 4 and 5, measured.

    .venv/bin/python bench/workspace_scale.py [--files 50] [--lines 2000] [--edits 100]
                                              [--workspace PATH] [--view-lines 5000]

Many files (target 4): a temporary workspace of `--files` generated modules of `--lines`
lines. The server opens one and `--edits` keystrokes are typed into it (settled p95); then the
other files are opened (each waited for), and the same keystrokes are typed again. It prints
both p95s, their ratio (target: at most 1.5x) and the server's RSS with every file open
(target: under 250 MB).

A real workspace (target 5): a generated `--view-lines` module is opened right after
`initialize`, first in a folder that holds only it, then copied into `--workspace` (default:
saleor, the largest project `bench/realworld/prepare.py` brings, 850,000 lines; any folder
works) with that folder as the workspace. It prints the time to first diagnostics in both and
their ratio (target: at most 2x), and the RSS before the background index starts and once it
has finished, the difference being what indexing costs (target: at most 150 MB added).

Keystrokes are bench/latency.py's (Typist: bursts and pauses, each sent after the previous
one's diagnostics). Linux only (RSS from /proc). Compare figures from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from secure_ls.testing.generate import generate
from latency import REPO, SERVERS, Typist, percentile, start as start_server

from secure_ls.testing.client import SERVER, RawClient

DEFAULT_WORKSPACE = Path("/tmp/realworld/saleor")
INDEX_TIMEOUT = 600.0


def rss_mb(client: RawClient) -> float:
    rss_kib = client.memory()[0]
    return rss_kib / 1024 if rss_kib else float("nan")


async def open_file(client: RawClient, path: Path, timeout: float = 120) -> float:
    """didOpen; the ms until its first diagnostics arrived."""
    sent = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}})
    stamp, _ = await client.wait_published(path.as_uri(), 1, timeout=timeout, past=False)
    return (stamp - sent) * 1000


async def start(folder: Path) -> RawClient:
    # workDoneProgress: the server reports its background index, which says when it is done
    return await start_server(SERVER, folder, folder, capabilities={"window": {"workDoneProgress": True}})


def typist_for(client: RawClient, path: Path) -> Typist:
    lines = path.read_text().split("\n")
    middle = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].strip() == "total += value")
    return Typist(client, SERVERS["secure-ls"](), path.as_uri(), middle, len(lines[middle]))


async def many_files(count: int, lines: int, edits: int) -> None:
    with tempfile.TemporaryDirectory(prefix="secure-ls-many-") as tmp:
        folder = Path(tmp)
        text = generate(lines)
        paths = []
        for index in range(count):
            path = folder / f"module_{index:03d}.py"
            path.write_text(f"# module {index}\n{text}")
            paths.append(path)
        client = await start(folder)
        try:
            await open_file(client, paths[0])
            await wait_for_index(client)  # both figures with the workspace indexed: the index is target 5's
            await asyncio.sleep(3.0)
            typist = typist_for(client, paths[0])
            alone = await typist.type(count=edits)
            rss_one = rss_mb(client)
            for path in paths[1:]:
                await open_file(client, path)
            await asyncio.sleep(3.0)
            together = await typist.type(count=edits)
            rss_all = rss_mb(client)
        finally:
            await client.shutdown()
    one, many = percentile(alone, 0.95), percentile(together, 0.95)
    print(f"many files: {count} files of {lines} lines open")
    print(f"  edit p50/p95 ms, one file open:   {statistics.median(alone):6.2f} / {one:6.2f}   RSS {rss_one:6.1f} MB")
    print(f"  edit p50/p95 ms, all {count} open:     {statistics.median(together):6.2f} / {many:6.2f}   RSS {rss_all:6.1f} MB")
    print(f"  p95 ratio {many / one:.2f}x (target <= 1.5x); RSS {rss_all:.0f} MB (target < 250 MB)")


async def wait_for_index(client: RawClient) -> float:
    """Seconds until the server's `$/progress` for its workspace index ends (about 0 if it already has)."""
    started = time.perf_counter()
    await client.wait_for(
        lambda m: m.get("method") == "$/progress" and (m["params"].get("value") or {}).get("kind") == "end"
        and "index" in str((m["params"].get("value") or {}).get("message", "")),
        timeout=INDEX_TIMEOUT,
    )
    return time.perf_counter() - started


async def real_workspace(workspace: Path, view_lines: int) -> None:
    python_files = [p for p in workspace.rglob("*.py") if ".venv" not in p.parts and "node_modules" not in p.parts]
    total = sum(len(p.read_bytes().splitlines()) for p in python_files)
    text = generate(view_lines)
    with tempfile.TemporaryDirectory(prefix="secure-ls-alone-") as tmp:
        alone_path = Path(tmp) / "bench_views.py"
        alone_path.write_text(text)
        client = await start(Path(tmp))
        try:
            alone = await open_file(client, alone_path)
        finally:
            await client.shutdown()
    view = workspace / "bench_views_secure_ls.py"
    view.write_text(text)
    try:
        client = await start(workspace)
        try:
            inside = await open_file(client, view)
            before = rss_mb(client)
            seconds = await wait_for_index(client)
            await asyncio.sleep(2.0)
            after = rss_mb(client)
        finally:
            await client.shutdown()
    finally:
        view.unlink()
    print(f"real workspace: {workspace} ({len(python_files):,} Python files, {total:,} lines), a {view_lines}-line module opened")
    print(f"  first diagnostics: {alone:7.1f} ms alone, {inside:7.1f} ms in the workspace: {inside / alone:.2f}x (target <= 2x)")
    print(f"  RSS {before:6.1f} MB before indexing, {after:6.1f} MB after ({seconds:.1f} s): +{after - before:.0f} MB (target <= 150 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE)
    parser.add_argument("--view-lines", type=int, default=5000)
    parser.add_argument("--skip", choices=("many", "workspace"), help="leave one part out")
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    if args.skip != "many":
        asyncio.run(many_files(args.files, args.lines, args.edits))
    if args.skip != "workspace":
        if not args.workspace.is_dir():
            sys.exit(f"--workspace {args.workspace}: not a folder (run bench/realworld/prepare.py, or name another project)")
        asyncio.run(real_workspace(args.workspace, args.view_lines))


if __name__ == "__main__":
    main()
