"""A long document opens with a first look at its beginning, then its whole findings, with
each editor's way of receiving diagnostics (pushed or pulled, lsp/diagnostics.py
FIRST_LOOK_LINES): what a user sees on opening a 5,000-line module."""

from __future__ import annotations

import asyncio
import time

from secure_ls.lsp.diagnostics import FIRST_LOOK_LINES
from secure_ls.testing import session
from secure_ls.testing.session import codes, diagnostics

URI = "file:///tmp/secure_ls_e2e/long_module.py"
# every line distinct, as in real code (identical units would be analysed once): the
# whole analysis takes far longer than a message's round trip
BLOCK = 'import sqlite3\n\n\ndef find{n}(conn, name):\n    return conn.execute("SELECT * FROM u WHERE n = \'" + name + "\'")\n' + "".join(
    f"\nx{{n}}_{i} = {{n}} + {i}\n" for i in range(12)
)
TEXT = "".join(BLOCK.format(n=n) for n in range(300))
WHOLE = TEXT.count("def find")
TAIL = "\nimport os\n\ndef run(cmd):\n    os.system('ls ' + cmd)\n"


async def _until(client, uri: str, wanted, timeout: float = 60.0) -> list[dict]:
    """The diagnostics of `uri` once `wanted(diagnostics)` holds: pulled again and again by a
    client that pulls, else the last pushed."""
    deadline = time.monotonic() + timeout
    while True:
        found = await diagnostics(client, uri, timeout=timeout)
        if wanted(found):
            return found
        assert time.monotonic() < deadline, f"never got the wanted diagnostics; last: {codes(found)}"
        await asyncio.sleep(0.05)


async def _first(client, uri: str) -> list[dict]:
    """The first diagnostics the editor shows for the opened document."""
    found = await diagnostics(client, uri, 1)
    return found if session.pulls(client) else session.published(client, uri)[0]["diagnostics"]


async def test_a_long_module_shows_its_beginning_first_then_every_finding(client):
    assert TEXT.count("\n") > 3 * FIRST_LOOK_LINES
    session.open_doc(client, URI, TEXT)
    first = codes(await _first(client, URI))
    assert 0 < first.count("SLS101") < WHOLE  # the first screens' findings, at once
    await _until(client, URI, lambda found: codes(found).count("SLS101") == WHOLE)


async def test_edits_typed_while_the_whole_module_is_analysed_are_all_counted(client):
    session.open_doc(client, URI, TEXT)
    await diagnostics(client, URI, 1)
    # typed at the end, before the whole analysis could land
    end = TEXT.count("\n")
    session.change(client, URI, 2, (end, 0), (end, 0), TAIL)
    found = await _until(client, URI, lambda found: "SLS102" in codes(found))
    assert codes(found).count("SLS101") == WHOLE
    if not session.pulls(client):
        assert session.published(client, URI)[-1]["version"] == 2
