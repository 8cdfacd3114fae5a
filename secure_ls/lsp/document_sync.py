"""Document sync: open, change, save and close of text documents and notebooks.

Text documents live in our own store (lsp/documents.py); notebooks in pygls' workspace,
their code cells analysed as one module (lsp/notebooks.py). Each change marks the
document dirty; the session analyses it on the next turn of the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer


def did_open(ls: SecureLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    doc = ls.documents.open(params.text_document)
    ls.analyses.pop(doc.uri, None)
    ls.fresh.add(doc.uri)
    ls.mark_dirty(doc.uri)


def did_change(ls: SecureLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.change(params, ls.encoding)
    if doc is not None:
        ls.mark_dirty(doc.uri)


def did_save(ls: SecureLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    settings_changed = params.text_document.uri.endswith("pyproject.toml")
    if settings_changed:
        ls.configuration.pyproject_changed()
    ls.workspace_diagnostics.changed(settings=settings_changed)


def did_close(ls: SecureLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.documents.close(uri)
    ls.workspace_diagnostics.changed()  # the closed file is the workspace report's again
    ls.forget(uri)
    ls.clear_diagnostics(uri)


def did_open_notebook(ls: SecureLanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
    ls.notebooks.update(params.notebook_document.uri)  # pygls has stored the notebook and its cells


def did_change_notebook(ls: SecureLanguageServer, params: types.DidChangeNotebookDocumentParams) -> None:
    ls.notebooks.update(params.notebook_document.uri)


def did_close_notebook(ls: SecureLanguageServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.notebooks.close(params.notebook_document.uri)
