"""A real secure-ls process over stdio, driven by secure_ls.testing's client with real
editors' capabilities (pytest-lsp's profiles), checked as pytest-lsp's client checked it."""

from __future__ import annotations

import contextlib
import os

import pytest

from secure_ls.testing.client import RawClient

PROFILES = ["visual-studio-code", "neovim", "neovim@v0.11.0"]


@contextlib.asynccontextmanager
async def running(tmp_path_factory):
    """A server not yet initialized (`start` does it). Afterwards: it broke no rule of the
    protocol or of the client's capabilities, and `shutdown` then `exit` ended it with 0."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    # started from the test run's directory and logging at the level it would in an editor
    client = await RawClient.spawn(env={"SECURE_LS_LOG_LEVEL": os.environ.get("SECURE_LS_LOG_LEVEL", "INFO")}, stderr_path=str(log), check=True)
    client.settings = None  # workspace/configuration is answered null: this editor has no settings for us
    try:
        yield client
    finally:
        code = await client.shutdown()
        print(f"server stderr (last lines):\n{client.stderr_tail()}")  # shown if the test fails
    assert client.violations == []
    assert code == 0, f"the server did not exit cleanly (exit code {code})"


async def start(client: RawClient, editor: str, root_uri: str | None = None, options: dict | None = None) -> dict:
    """`initialize` with `editor`'s capabilities, then `initialized`."""
    return await client.initialize(editor, root_uri=root_uri, options=options)


@pytest.fixture(params=PROFILES)
async def client(request, tmp_path_factory):
    async with running(tmp_path_factory) as client:
        await start(client, request.param)
        yield client
