"""A real secure-ls process over stdio, driven by pytest-lsp with real editors' capabilities."""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = [sys.executable, "-m", "secure_ls", "serve"]


async def start(client: LanguageClient, editor: str, root_uri: str | None = None, options: dict | None = None):
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(editor),
            root_uri=root_uri,
            initialization_options=options,
        )
    )
    client.position_encoding = result.capabilities.position_encoding or "utf-16"
    return result


def record_versions(client: LanguageClient) -> None:
    """Keeps the version each pushed diagnostics set was published for."""
    client.diagnostic_versions = {}

    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.diagnostic_versions[params.uri] = params.version

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
    # real editors accept dynamic registration (pyproject.toml watching)
    client.protocol.fm.features.setdefault(types.CLIENT_REGISTER_CAPABILITY, lambda params: None)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["visual-studio-code", "neovim", "neovim@v0.11.0"])
async def client(request, lsp_client: LanguageClient):
    record_versions(lsp_client)
    await start(lsp_client, request.param)
    lsp_client.editor = request.param
    yield
    await lsp_client.shutdown_session()
