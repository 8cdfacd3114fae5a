"""VS Code shows a diagnostic's message at the top of the hover on it: the VS Code extension
says so (`hoverShowsDiagnostics`), and the server's hover then leaves the message out, so the
user reads it once. Other editors (no such option) keep the message in the hover."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, record_versions, start
from tests.e2e.helpers import diagnostics

URI = "untitled:Untitled-hover"
CODE = "import sqlite3\n\ndef find(conn, name):\n    conn.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    record_versions(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def _hover(client) -> tuple[str, str]:
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(URI, "python", 1, CODE)))
    (diag,) = [d for d in await diagnostics(client, URI, 1) if d.code == "SLS101"]
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(URI), diag.range.start))
    return diag.message, hover.contents.value


async def test_vscode_hover_does_not_repeat_the_message(client):
    await start(client, "visual-studio-code", options={"hoverShowsDiagnostics": True})
    message, text = await _hover(client)
    assert message.split("\n")[0] not in text
    assert "SLS101" in text and "CWE-89" in text and "Why is this bad?" in text


async def test_other_editors_keep_the_message_in_the_hover(client):
    await start(client, "neovim@v0.11.0")
    message, text = await _hover(client)
    assert message.split("\n")[0] in text
