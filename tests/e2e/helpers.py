"""Waiting for diagnostics the way an editor would: by push or by pull."""

from __future__ import annotations

import asyncio

from lsprotocol import types


async def diagnostics(client, uri: str, version: int | None = None, timeout: float = 10.0) -> list[types.Diagnostic]:
    """The diagnostics the server gives for `uri` (pulled if the client pulls, else pushed)."""
    if client.capabilities.text_document and client.capabilities.text_document.diagnostic is not None:
        report = await asyncio.wait_for(
            client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))),
            timeout,
        )
        return list(report.items)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if uri in client.diagnostics and (version is None or client.diagnostic_versions.get(uri) == version):
            return client.diagnostics[uri]
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"no diagnostics for {uri} version {version}")
        await asyncio.sleep(0.02)


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Applies LSP edits (UTF-16 positions) to text, as an editor does."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        line = lines[pos.line] if pos.line < len(lines) else ""
        utf16 = 0
        col = 0
        for ch in line:
            if utf16 >= pos.character:
                break
            utf16 += 2 if ord(ch) > 0xFFFF else 1
            col += 1
        return sum(len(l) + 1 for l in lines[: pos.line]) + col

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.document_changes:
        return [e for change in edit.document_changes for e in change.edits if change.text_document.uri == uri]
    return list((edit.changes or {}).get(uri, []))
