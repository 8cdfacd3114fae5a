"""The steps tests repeat with one real server: start it, open and change documents, wait for
diagnostics (pushed or pulled, as the client's capabilities say), read what the server
sent, apply a fix's edits as an editor would. Everything is LSP JSON: plain dicts."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from secure_ls.testing.client import RawClient


async def start(
    tmp: Path,
    profile: str = "visual-studio-code",
    settings: dict | None = None,
    cmd=None,
    env=None,
    root: Path | None = None,
    process_id=None,
) -> RawClient:
    """A server started in `tmp` (its stderr in tmp/server.log) and initialized with `profile`'s
    capabilities, `root` (default `tmp`) as the root; `settings` answer workspace/configuration."""
    client = await RawClient.spawn(cmd=cmd, env=env, stderr_path=str(tmp / "server.log"), cwd=str(tmp))
    client.settings = settings if settings is not None else {}
    await client.initialize(profile, root_uri=(root or tmp).as_uri(), process_id=process_id)
    return client


def open_doc(client: RawClient, uri: str, text: str, version: int = 1, language: str = "python") -> None:
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}})


def change(client: RawClient, uri: str, version: int, start, end, text: str) -> None:
    """didChange of the range from `start` to `end` ((line, character) pairs); both None: the whole text."""
    content: dict = {"text": text}
    if start is not None:
        content["range"] = {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [content]})


def published(client: RawClient, uri: str) -> list[dict]:
    """The params of every publishDiagnostics for `uri` received so far, oldest first."""
    return [n["params"] for n in client.notifications if n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri]


def pushed(client: RawClient, uri: str) -> list[dict] | None:
    """The diagnostics last pushed for `uri` (None: none yet), what an editor shows."""
    sets = published(client, uri)
    return sets[-1]["diagnostics"] if sets else None


def messages(client: RawClient, method: str) -> list[dict]:
    """The params of every notification `method` received so far (window/showMessage, ...)."""
    return [n["params"] for n in client.notifications if n.get("method") == method]


def progress(client: RawClient) -> dict[object, list[dict]]:
    """The values of `$/progress` received so far, by token, in order."""
    reports: dict[object, list[dict]] = {}
    for params in messages(client, "$/progress"):
        reports.setdefault(params["token"], []).append(params["value"])
    return reports


def pulls(client: RawClient) -> bool:
    """Whether the client asks for diagnostics (textDocument/diagnostic) rather than waiting for pushes."""
    return (client.capabilities.get("textDocument") or {}).get("diagnostic") is not None


async def diagnostics(client: RawClient, uri: str, version: int | None = None, timeout: float = 20.0) -> list[dict]:
    """The diagnostics the server gives for `uri`: pulled if the client pulls, else the last
    pushed (at `version` if given), waiting for them."""
    if pulls(client):
        report = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout)
        return list(report["items"])
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


async def code_actions(client: RawClient, uri: str, range_: dict, diags: list[dict] = (), only: list[str] | None = None) -> list[dict] | None:
    """textDocument/codeAction for `range_` of `uri` with `diags` as the context."""
    context: dict = {"diagnostics": list(diags)}
    if only is not None:
        context["only"] = only
    return await client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": range_, "context": context})


async def resolved(client: RawClient, action: dict) -> dict:
    """The action with its edit: resolved (codeAction/resolve) if the server left it out."""
    return action if action.get("edit") is not None else await client.request("codeAction/resolve", action)


def codes(diags: list[dict]) -> list[str]:
    return [d.get("code") for d in diags]


def apply_text_edits(text: str, edits: list[dict]) -> str:
    """Applies LSP TextEdits (UTF-16 positions) to text, as an editor does."""
    lines = text.split("\n")

    def offset(pos: dict) -> int:
        line = lines[pos["line"]] if pos["line"] < len(lines) else ""
        utf16 = 0
        col = 0
        for ch in line:
            if utf16 >= pos["character"]:
                break
            utf16 += 2 if ord(ch) > 0xFFFF else 1
            col += 1
        return sum(len(l) + 1 for l in lines[: pos["line"]]) + col

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_by_uri(edit: dict) -> dict[str, list[dict]]:
    """A WorkspaceEdit's text edits by document (documentChanges, else changes)."""
    if edit.get("documentChanges"):
        found: dict[str, list[dict]] = {}
        for change in edit["documentChanges"]:
            if "textDocument" in change:  # not a create, rename or delete
                found.setdefault(change["textDocument"]["uri"], []).extend(change["edits"])
        return found
    return dict(edit.get("changes") or {})


def edits_of(edit: dict, uri: str) -> list[dict]:
    """A WorkspaceEdit's text edits of `uri`."""
    return edits_by_uri(edit).get(uri, [])
