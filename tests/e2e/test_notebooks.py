"""Jupyter notebooks over LSP (notebookDocument/*, LSP 3.17), as VS Code sends them: the
code cells are one module, and diagnostics, hovers and fixes are per cell."""

from __future__ import annotations

import asyncio

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import SERVER, record_versions, start
from tests.e2e.helpers import apply_text_edits, diagnostics

CELLS = [
    ("markdown", "# Tokens\nHow we make them."),
    ("python", "import random\nimport string\nimport yaml"),
    ("python", "%matplotlib inline\n!pip install pyyaml\ndef load(s):\n    return yaml.load(s)"),
    ("python", "def reset_token():\n    !echo making one\n    return ''.join(random.choice(string.ascii_letters) for _ in range(32))"),
]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["visual-studio-code", "neovim@v0.11.0"])
async def client(request, lsp_client: LanguageClient):
    record_versions(lsp_client)
    await start(lsp_client, request.param)
    lsp_client.editor = request.param
    yield
    await lsp_client.shutdown_session()


def open_notebook(client, folder) -> tuple[str, list[str]]:
    notebook_uri = (folder / "tokens.ipynb").as_uri()
    cell_uris = [f"vscode-notebook-cell:{(folder / 'tokens.ipynb').as_posix()}#W{i}sZmlsZQ%3D%3D" for i in range(len(CELLS))]
    cells = [
        types.NotebookCell(kind=types.NotebookCellKind.Markup if lang == "markdown" else types.NotebookCellKind.Code, document=uri)
        for (lang, _), uri in zip(CELLS, cell_uris)
    ]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(uri=notebook_uri, notebook_type="jupyter-notebook", version=1, cells=cells),
            cell_text_documents=[types.TextDocumentItem(uri=uri, language_id=lang, version=1, text=text) for (lang, text), uri in zip(CELLS, cell_uris)],
        )
    )
    return notebook_uri, cell_uris


async def cell_diagnostics(client, uri: str) -> list[types.Diagnostic]:
    """The cell's diagnostics: pulled, or the last pushed (waiting for the first push)."""
    if not (client.capabilities.text_document and client.capabilities.text_document.diagnostic is not None):
        for _ in range(200):
            if uri in client.diagnostics:
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
    assert [(d.code, d.range.start.line, d.range.start.character) for d in load] == [("SLS104", 3, 11)]  # yaml from cell 2
    token = await cell_diagnostics(client, cells[3])
    assert [(d.code, d.range.start.line) for d in token] == [("SLS304", 2)]
    assert await cell_diagnostics(client, cells[1]) == []  # the magics and shell lines are no syntax errors


async def test_cell_diagnostics_are_pushed_also_to_a_client_that_pulls(client, tmp_path):
    """VS Code's language client pulls diagnostics only for documents in text editor tabs, never
    for a notebook editor's cells: the server pushes each cell's findings whatever the client's
    mode, and clears them when the notebook closes."""
    notebook_uri, cells = open_notebook(client, tmp_path)
    for _ in range(200):
        if cells[3] in client.diagnostics:
            break
        await asyncio.sleep(0.05)
    assert [d.code for d in client.diagnostics.get(cells[3], [])] == ["SLS304"]
    assert [d.code for d in client.diagnostics.get(cells[2], [])] == ["SLS104"]
    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=notebook_uri),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in cells],
        )
    )
    for _ in range(200):
        if not client.diagnostics[cells[3]]:
            break
        await asyncio.sleep(0.05)
    assert list(client.diagnostics[cells[3]]) == [] and list(client.diagnostics[cells[2]]) == []


async def test_hover_on_a_cell(client, tmp_path):
    _, cells = open_notebook(client, tmp_path)
    await cell_diagnostics(client, cells[2])
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=cells[2]), position=types.Position(line=3, character=14))
    )
    assert hover is not None and "SLS104" in hover.contents.value and hover.range.start.line == 3


async def test_fix_that_adds_an_import_puts_it_in_the_first_code_cell(client, tmp_path):
    _, cells = open_notebook(client, tmp_path)
    (diag,) = await cell_diagnostics(client, cells[3])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=cells[3]),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    fix = next(a for a in actions if "Suppress" not in a.title)
    changes = {}
    if fix.edit.document_changes:
        for change in fix.edit.document_changes:
            changes[change.text_document.uri] = change.edits
    else:
        changes = fix.edit.changes
    assert set(changes) == {cells[1], cells[3]}
    assert apply_text_edits(CELLS[1][1], changes[cells[1]]) == "import random\nimport string\nimport yaml\nimport secrets"
    assert "secrets.choice(string.ascii_letters)" in apply_text_edits(CELLS[3][1], changes[cells[3]])
    suppress = next(a for a in actions if "Suppress" in a.title)
    edits = suppress.edit.document_changes[0].edits if suppress.edit.document_changes else suppress.edit.changes[cells[3]]
    assert apply_text_edits(CELLS[3][1], edits).splitlines()[2].endswith("# secure-ls: ignore[SLS304]")


async def test_editing_a_cell_and_closing_the_notebook(client, tmp_path):
    notebook_uri, cells = open_notebook(client, tmp_path)
    assert len(await cell_diagnostics(client, cells[2])) == 1
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(uri=notebook_uri, version=2),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=cells[2], version=2),
                            changes=[
                                types.TextDocumentContentChangePartial(
                                    range=types.Range(start=types.Position(line=3, character=15), end=types.Position(line=3, character=19)),
                                    text="safe_load",
                                )
                            ],
                        )
                    ]
                )
            ),
        )
    )
    await wait_until_clean(client, cells[2])  # yaml.safe_load now
    assert [d.code for d in await cell_diagnostics(client, cells[3])] == ["SLS304"]
    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=notebook_uri),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in cells],
        )
    )
    if not (client.capabilities.text_document and client.capabilities.text_document.diagnostic is not None):
        await wait_until_clean(client, cells[3])  # pushed diagnostics are cleared
