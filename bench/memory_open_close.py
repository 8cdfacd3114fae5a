"""Server memory for a big document and for open/close cycles (issue 14's targets).

    python bench/memory_open_close.py [--big-mb 50] [--files 50] [--cycles 5]

Prints the server's RSS (from /proc) before, while and after a document of
`--big-mb` MB is open, then after each of `--cycles` cycles of opening and
closing the same `--files` files of the workspace. Linux only.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from secure_ls.testing.client import RawClient
from secure_ls.testing.session import diagnostics, open_doc

REPO = Path(__file__).resolve().parents[1]

APP = (REPO / "examples" / "insecure_app.py").read_text(encoding="utf-8")


async def settle(client: RawClient, seconds: float = 1.0) -> int:
    await asyncio.sleep(seconds)
    await client.request("textDocument/hover", {"textDocument": {"uri": "file:///nothing.py"}, "position": {"line": 0, "character": 0}})
    return client.memory()[0] // 1024


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-mb", type=int, default=50)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="secure-ls-memory-"))
    for i in range(args.files):
        (root / f"mod{i}.py").write_text(APP.replace("def ", f"def m{i}_"), encoding="utf-8")
    client = await RawClient.spawn(cwd=str(root), stderr_path=str(root / "server.log"))
    await client.initialize("visual-studio-code", root_uri=root.as_uri())
    base = await settle(client, 3)
    print(f"after start and indexing:      {base:5d} MB")
    if args.big_mb:
        line = "x = 'just data, not analysed, " + "a" * 60 + "'\n"
        big = line * (args.big_mb * 1024 * 1024 // len(line))
        uri = (root / "big.py").as_uri()
        started = time.monotonic()
        open_doc(client, uri, big)
        await diagnostics(client, uri, 1, timeout=120)
        opened = await settle(client)
        peak = client.memory()[1] // 1024
        print(f"{args.big_mb} MB file open:             {opened:5d} MB (peak {peak} MB; first answer after {time.monotonic() - started:.1f} s)")
        del big
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        closed = await settle(client, 2)
        print(f"after closing it:              {closed:5d} MB ({(closed - base) / base:+.0%} of the level before)")
        base = closed
    first = None
    for cycle in range(1, args.cycles + 1):
        uris = [(root / f"mod{i}.py").as_uri() for i in range(args.files)]
        for uri in uris:
            open_doc(client, uri, (root / Path(uri).name).read_text(encoding="utf-8"))
        for uri in uris:
            await diagnostics(client, uri, 1, timeout=60)
        for uri in uris:
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        rss = await settle(client)
        first = first or rss
        print(f"cycle {cycle}: {args.files} files opened and closed: {rss:5d} MB ({(rss - first) / first:+.0%} of the first cycle)")
    await client.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
