"""Jupyter notebooks over LSP (notebookDocument/*, LSP 3.17), as VS Code sends them: the
code cells are one module, and diagnostics, hovers and fixes are per cell."""

from __future__ import annotations

import asyncio

import pytest

from secure_ls.testing.session import apply_text_edits, code_actions, diagnostics, edits_by_uri, pulls, pushed
from tests.e2e.conftest import running, start

CELLS = [
    ("markdown", "# Tokens\nHow we make them."),
    ("python", "import random\nimport string\nimport yaml"),
    ("python", "%matplotlib inline\n!pip install pyyaml\ndef load(s):\n    return yaml.load(s)"),
    ("python", "def reset_token():\n    !echo making one\n    return ''.join(random.choice(string.ascii_letters) for _ in range(32))"),
]


MARKUP, CODE = 1, 2  # NotebookCellKind


@pytest.fixture(params=["visual-studio-code", "neovim@v0.11.0"])
async def client(request, tmp_path_factory):
    async with running(tmp_path_factory) as client:
        await start(client, request.param)
        yield client


def open_notebook(client, folder) -> tuple[str, list[str]]:
    notebook_uri = (folder / "tokens.ipynb").as_uri()
    cell_uris = [f"vscode-notebook-cell:{(folder / 'tokens.ipynb').as_posix()}#W{i}sZmlsZQ%3D%3D" for i in range(len(CELLS))]
    cells = [{"kind": MARKUP if lang == "markdown" else CODE, "document": uri} for (lang, _), uri in zip(CELLS, cell_uris)]
    client.notify(
        "notebookDocument/didOpen",
        {
            "notebookDocument": {"uri": notebook_uri, "notebookType": "jupyter-notebook", "version": 1, "cells": cells},
            "cellTextDocuments": [{"uri": uri, "languageId": lang, "version": 1, "text": text} for (lang, text), uri in zip(CELLS, cell_uris)],
        },
    )
    return notebook_uri, cell_uris


def close_notebook(client, notebook_uri: str, cells: list[str]) -> None:
    client.notify("notebookDocument/didClose", {"notebookDocument": {"uri": notebook_uri}, "cellTextDocuments": [{"uri": uri} for uri in cells]})


async def cell_diagnostics(client, uri: str) -> list[dict]:
    """The cell's diagnostics: pulled, or the last pushed (waiting for the first push)."""
    if not pulls(client):
        for _ in range(200):
            if pushed(client, uri) is not None:
                break
            await asyncio.sleep(0.05)
    return list(await diagnostics(client, uri))


async def wait_until_clean(client, uri: str) -> None:
    for _ in range(200):
        if await cell_diagnostics(client, uri) == []:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{uri} still has diagnostics: {await cell_diagnostics(client, uri)}")


async def test_cells_are_one_module_and_diagnostics_are_per_cell(client, tmp_path):
    _, cells = open_notebook(client, tmp_path)
    load = await cell_diagnostics(client, cells[2])
    assert [(d.get("code"), d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in load] == [("SLS104", 3, 11)]  # yaml from cell 2
    token = await cell_diagnostics(client, cells[3])
    assert [(d.get("code"), d["range"]["start"]["line"]) for d in token] == [("SLS304", 2)]
    assert await cell_diagnostics(client, cells[1]) == []  # the magics and shell lines are no syntax errors


async def test_cell_diagnostics_are_pushed_also_to_a_client_that_pulls(client, tmp_path):
    """VS Code's language client pulls diagnostics only for documents in text editor tabs, never
    for a notebook editor's cells: the server pushes each cell's findings whatever the client's
    mode, and clears them when the notebook closes."""
    notebook_uri, cells = open_notebook(client, tmp_path)
    for _ in range(200):
        if pushed(client, cells[3]) is not None:
            break
        await asyncio.sleep(0.05)
    assert [d.get("code") for d in pushed(client, cells[3]) or []] == ["SLS304"]
    assert [d.get("code") for d in pushed(client, cells[2]) or []] == ["SLS104"]
    close_notebook(client, notebook_uri, cells)
    for _ in range(200):
        if not pushed(client, cells[3]):
            break
        await asyncio.sleep(0.05)
    assert list(pushed(client, cells[3])) == [] and list(pushed(client, cells[2])) == []


async def test_hover_on_a_cell(client, tmp_path):
    _, cells = open_notebook(client, tmp_path)
    await cell_diagnostics(client, cells[2])
    hover = await client.request("textDocument/hover", {"textDocument": {"uri": cells[2]}, "position": {"line": 3, "character": 14}})
    assert hover is not None and "SLS104" in hover["contents"]["value"] and hover["range"]["start"]["line"] == 3


async def test_fix_that_adds_an_import_puts_it_in_the_first_code_cell(client, tmp_path):
    _, cells = open_notebook(client, tmp_path)
    (diag,) = await cell_diagnostics(client, cells[3])
    actions = await code_actions(client, cells[3], diag["range"], [diag])
    fix = next(a for a in actions if "Suppress" not in a["title"])
    changes = edits_by_uri(fix["edit"])
    assert set(changes) == {cells[1], cells[3]}
    assert apply_text_edits(CELLS[1][1], changes[cells[1]]) == "import random\nimport string\nimport yaml\nimport secrets"
    assert "secrets.choice(string.ascii_letters)" in apply_text_edits(CELLS[3][1], changes[cells[3]])
    suppress = next(a for a in actions if "Suppress" in a["title"])
    edit = suppress["edit"]
    edits = edit["documentChanges"][0]["edits"] if edit.get("documentChanges") else edit["changes"][cells[3]]
    assert apply_text_edits(CELLS[3][1], edits).splitlines()[2].endswith("# secure-ls: ignore[SLS304]")


async def test_editing_a_cell_and_closing_the_notebook(client, tmp_path):
    notebook_uri, cells = open_notebook(client, tmp_path)
    assert len(await cell_diagnostics(client, cells[2])) == 1
    load = {"start": {"line": 3, "character": 15}, "end": {"line": 3, "character": 19}}
    client.notify(
        "notebookDocument/didChange",
        {
            "notebookDocument": {"uri": notebook_uri, "version": 2},
            "change": {"cells": {"textContent": [{"document": {"uri": cells[2], "version": 2}, "changes": [{"range": load, "text": "safe_load"}]}]}},
        },
    )
    await wait_until_clean(client, cells[2])  # yaml.safe_load now
    assert [d.get("code") for d in await cell_diagnostics(client, cells[3])] == ["SLS304"]
    close_notebook(client, notebook_uri, cells)
    if not pulls(client):
        await wait_until_clean(client, cells[3])  # pushed diagnostics are cleared
