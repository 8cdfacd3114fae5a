"""VS Code shows a diagnostic's message at the top of the hover on it: the VS Code extension
says so (`hoverShowsDiagnostics`), and the server's hover then leaves the message out, so the
user reads it once. Other editors (no such option) keep the message in the hover."""

from __future__ import annotations

import pytest

from secure_ls.testing.session import diagnostics, open_doc
from tests.e2e.conftest import running, start

URI = "untitled:Untitled-hover"
CODE = "import sqlite3\n\ndef find(conn, name):\n    conn.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")\n"


@pytest.fixture
async def client(tmp_path_factory):
    async with running(tmp_path_factory) as client:
        yield client


async def _hover(client) -> tuple[str, str]:
    open_doc(client, URI, CODE)
    (diag,) = [d for d in await diagnostics(client, URI, 1) if d.get("code") == "SLS101"]
    hover = await client.request("textDocument/hover", {"textDocument": {"uri": URI}, "position": diag["range"]["start"]})
    return diag["message"], hover["contents"]["value"]


async def test_vscode_hover_does_not_repeat_the_message(client):
    await start(client, "visual-studio-code", options={"hoverShowsDiagnostics": True})
    message, text = await _hover(client)
    assert message.split("\n")[0] not in text
    assert "SLS101" in text and "CWE-89" in text and "Why is this bad?" in text


async def test_other_editors_keep_the_message_in_the_hover(client):
    await start(client, "neovim@v0.11.0")
    message, text = await _hover(client)
    assert message.split("\n")[0] in text
