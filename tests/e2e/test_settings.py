"""Settings reach the server from pyproject.toml and from the editor, and bad ones are reported once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from secure_ls.testing.session import diagnostics, messages, open_doc, pushed
from tests.e2e.conftest import running, start

ERROR, HINT, CHANGED = 1, 4, 2  # MessageType.Error, DiagnosticSeverity.Hint, FileChangeType.Changed
CODE = "import yaml\nimport hashlib\n\ndef load(s):\n    return yaml.load(s)\n\ndef sign(token):\n    return hashlib.md5(token.encode()).hexdigest()\n"


@pytest.fixture
async def client(tmp_path_factory):
    async with running(tmp_path_factory) as client:
        yield client


async def open_in(client, folder: Path, version: int = 1) -> str:
    path = folder / "app.py"
    path.write_text(CODE)
    uri = path.as_uri()
    open_doc(client, uri, CODE, version)
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
    uri = await open_in(client, tmp_path)
    codes = [d.get("code") for d in await diagnostics(client, uri, 1)]
    assert "SLS104" not in codes and "SLS302" in codes
    # the team changes the policy: the open file follows without reopening
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls]\nignore = ["SLS302"]\n')
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": (tmp_path / "pyproject.toml").as_uri(), "type": CHANGED}]})
    await wait_for(lambda: "SLS104" in [d.get("code") for d in pushed(client, uri) or []])
    assert "SLS302" not in [d.get("code") for d in pushed(client, uri)]


async def test_invalid_pyproject_gives_one_message_and_analysis_goes_on(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.secure-ls]\nignroe = ["SLS104"]\n')
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri())
    uri = await open_in(client, tmp_path)
    codes = [d.get("code") for d in await diagnostics(client, uri, 1)]
    assert "SLS104" in codes  # defaults still apply
    await wait_for(lambda: messages(client, "window/showMessage"))
    errors = [m["message"] for m in messages(client, "window/showMessage") if m["type"] == ERROR]
    assert len(errors) == 1 and "ignroe" in errors[0] and "did you mean 'ignore'" in errors[0]


async def test_initialization_options_without_workspace_configuration(client, tmp_path):
    # Neovim 0.7 sends settings only as initializationOptions
    await start(client, "neovim@v0.7.0", root_uri=tmp_path.as_uri(), options={"ignore": ["weak-hash"], "severity": {"SLS104": "hint"}})
    uri = await open_in(client, tmp_path)
    diags = await diagnostics(client, uri, 1)
    assert [d.get("code") for d in diags] == ["SLS104"]
    assert diags[0]["severity"] == HINT
