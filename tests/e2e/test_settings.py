"""Settings reach the server from pyproject.toml and from the editor, and bad ones are reported once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, record_versions, start
from tests.e2e.helpers import diagnostics

CODE = "import yaml\nimport hashlib\n\ndef load(s):\n    return yaml.load(s)\n\ndef sign(token):\n    return hashlib.md5(token.encode()).hexdigest()\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    record_versions(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def open_in(client, folder: Path, version: int = 1) -> str:
    path = folder / "app.py"
    path.write_text(CODE)
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", version, CODE)))
    return uri


async def wait_for(predicate, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.05)


async def test_pyproject_settings_apply_and_reload_on_change(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls]\nignore = ["SLS104"]\n')
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri())
    client.editor = "neovim@v0.7.0"
    uri = await open_in(client, tmp_path)
    codes = [d.code for d in await diagnostics(client, uri, 1)]
    assert "SLS104" not in codes and "SLS302" in codes
    # the team changes the policy: the open file follows without reopening
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls]\nignore = ["SLS302"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=(tmp_path / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)])
    )
    await wait_for(lambda: [d.code for d in client.diagnostics.get(uri, [])] and "SLS104" in [d.code for d in client.diagnostics[uri]])
    assert "SLS302" not in [d.code for d in client.diagnostics[uri]]


async def test_invalid_pyproject_gives_one_message_and_analysis_goes_on(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls]\nignroe = ["SLS104"]\n')
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri())
    client.editor = "neovim@v0.7.0"
    uri = await open_in(client, tmp_path)
    codes = [d.code for d in await diagnostics(client, uri, 1)]
    assert "SLS104" in codes  # defaults still apply
    await wait_for(lambda: client.messages)
    errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and "ignroe" in errors[0] and "did you mean 'ignore'" in errors[0]


async def test_initialization_options_without_workspace_configuration(client, tmp_path):
    # Neovim 0.7 sends settings only as initializationOptions
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri(), options={"ignore": ["weak-hash"], "severity": {"SLS104": "hint"}})
    client.editor = "neovim@v0.7.0"
    uri = await open_in(client, tmp_path)
    diags = await diagnostics(client, uri, 1)
    assert [d.code for d in diags] == ["SLS104"]
    assert diags[0].severity == types.DiagnosticSeverity.Hint
