"""How fast the server answers a request on one file while it works on a heavy one (issue 14:
"requests on other files stay answered within 100 ms meanwhile").

    python bench/responsiveness.py [--interval-ms 20] [--after 1.0]

For each heavy document below, the server is asked for a hover on a small open file every
`--interval-ms` from the moment the heavy one is opened until `--after` seconds after its first
diagnostics arrive. Prints, per document, how many hovers were sent and the median, p95 and
slowest answer, against the 100 ms target:

- a statement with 100 f-string fields fewer than the limit (the parser is quadratic there);
- a statement of 600,000 characters (over the size limit: refused, with one log line);
- a 20,000-line module of request handlers;
- a class of 400 methods (its summaries run in slices);
- a requirements file of 100,000 lines (scanned off the request thread).

Timings depend on the machine's load: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from secure_ls.engine.units import FSTRING_MAX_FIELDS
from secure_ls.testing.client import RawClient
from secure_ls.testing.session import open_doc, published

REPO = Path(__file__).resolve().parents[1]
APP = (REPO / "examples" / "insecure_app.py").read_text(encoding="utf-8")
SMALL = "import os\nfrom flask import request\n\n\ndef run():\n    os.system('ls ' + request.args['d'])\n"
TARGET_MS = 100


def heavy_documents() -> list[tuple[str, str, str]]:
    """(label, file name, text) of each heavy document."""
    fields = "import os\nx = 'a'\nos.system(f'" + "{x}" * (FSTRING_MAX_FIELDS - 100) + "')\n"
    long_statement = "import os\nos.system('" + "a" * 600_000 + "' + input())\n"
    handlers = "".join(APP.replace("def ", f"def part{i}_") for i in range(20_000 // max(1, APP.count("\n")) + 1))
    methods = "import os\n\n\nclass Big:\n" + "".join(
        f"    def method{i}(self, value):\n        data = value + str({i})\n        os.system('ls ' + data)\n        return data\n\n" for i in range(400)
    )
    requirements = "".join(f"pkg{i}==1.{i % 10}.0\n" for i in range(100_000))
    return [
        (f"{FSTRING_MAX_FIELDS - 100:,} f-string fields", "fields.py", fields),
        ("a 600,000-character statement", "long_statement.py", long_statement),
        (f"{handlers.count(chr(10)):,}-line module", "handlers.py", handlers),
        ("a class of 400 methods", "methods.py", methods),
        ("100,000-line requirements file", "requirements.txt", requirements),
    ]


async def hover_times(client: RawClient, small_uri: str, heavy_uri: str, interval: float, after: float) -> tuple[list[float], float]:
    """Hover answer times (ms) on the small file until `after` s past the heavy file's first diagnostics."""
    times: list[float] = []
    started = time.monotonic()
    done_at = None
    while done_at is None or time.monotonic() < done_at + after:
        sent = time.monotonic()
        await client.request("textDocument/hover", {"textDocument": {"uri": small_uri}, "position": {"line": 5, "character": 4}}, timeout=60)
        times.append((time.monotonic() - sent) * 1000)
        if done_at is None and published(client, heavy_uri):
            done_at = time.monotonic()
        if time.monotonic() - started > 120:
            break
        await asyncio.sleep(interval)
    return times, (done_at or time.monotonic()) - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval-ms", type=float, default=20)
    parser.add_argument("--after", type=float, default=1.0, help="seconds to go on after the heavy file's diagnostics")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="secure-ls-responsiveness-"))
    (root / "small.py").write_text(SMALL, encoding="utf-8")
    client = await RawClient.spawn(cwd=str(root), stderr_path=str(root / "server.log"))
    await client.initialize("visual-studio-code", root_uri=root.as_uri())
    small_uri = (root / "small.py").as_uri()
    open_doc(client, small_uri, SMALL)
    await asyncio.sleep(2)
    print(f"hover on a small open file while the server works on a heavy one (target: slowest <= {TARGET_MS} ms)")
    print(f"{'heavy document':34} {'hovers':>6} {'median':>8} {'p95':>8} {'slowest':>8} {'its diagnostics':>16}")
    for label, name, text in heavy_documents():
        uri = (root / name).as_uri()
        open_doc(client, uri, text, language="pip-requirements" if name.endswith(".txt") else "python")
        times, ready = await hover_times(client, small_uri, uri, args.interval_ms / 1000, args.after)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        mark = "" if max(times) <= TARGET_MS else "  over"
        print(f"{label:34} {len(times):6d} {statistics.median(times):6.1f}ms {p95:6.1f}ms {max(times):6.1f}ms {ready:14.1f} s{mark}")
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        await asyncio.sleep(1)
    await client.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
