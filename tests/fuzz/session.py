"""Small helpers for tests that drive one real server with the raw client."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.fuzz.lspclient import RawClient


async def start(tmp: Path, profile: str = "visual-studio-code", settings: dict | None = None, cmd=None, env=None, root: Path | None = None, process_id=None) -> RawClient:
    client = await RawClient.spawn(cmd=cmd, env=env, stderr_path=str(tmp / "server.log"), cwd=str(tmp))
    client.settings = settings if settings is not None else {}
    await client.initialize(profile, root_uri=(root or tmp).as_uri(), process_id=process_id)
    return client


def open_doc(client: RawClient, uri: str, text: str, version: int = 1, language: str = "python") -> None:
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}})


def change(client: RawClient, uri: str, version: int, start, end, text: str) -> None:
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}, "text": text}],
        },
    )


def published(client: RawClient, uri: str) -> list[dict]:
    return [n["params"] for n in client.notifications if n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri]


def messages(client: RawClient, method: str) -> list[dict]:
    return [n["params"] for n in client.notifications if n.get("method") == method]


async def diagnostics(client: RawClient, uri: str, version: int | None = None, timeout: float = 20.0) -> list[dict]:
    """Pushed diagnostics for `uri` (at `version` if given)."""
    await client.drain()
    deadline = time.monotonic() + timeout
    while True:
        for params in reversed(published(client, uri)):
            if version is None or params.get("version") == version:
                return params["diagnostics"]
        if time.monotonic() > deadline:
            raise TimeoutError(f"no diagnostics for {uri} v{version} in {timeout} s")
        if not client.alive():
            raise RuntimeError(f"server died (exit code {client.proc.returncode}):\n{client.stderr_tail()}")
        await asyncio.sleep(0.02)


def codes(diags: list[dict]) -> list[str]:
    return [d.get("code") for d in diags]
