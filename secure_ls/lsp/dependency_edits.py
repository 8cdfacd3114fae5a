"""Fixes that need a new dependency, in the editor: the code action's title says so, and its
workspace edit also adds the dependency to the project's dependency file (project.py
`dependency_file_for`), as an edit of the open buffer when that file is open."""

from __future__ import annotations

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from secure_ls import project
from secure_ls.lsp import convert
from secure_ls.lsp.documents import Document


def _reader(documents):
    def read(path: str) -> str | None:
        doc = documents.get(from_fs_path(path) or "")
        return doc.text if doc is not None else project._read_text(path)

    return read


def title(documents, doc: Document, fix) -> str:
    """The fix title, saying which dependency it adds or needs (unchanged when none)."""
    path = _path(doc.uri)
    if not fix.requires or path is None:
        return fix.title
    target = project.dependency_file_for(path, _reader(documents))
    return project.dependency_title(fix.title, project.undeclared(fix.requires, target), target)


def changes(documents, doc: Document, fixes, encoding) -> list[tuple[str, int | None, list[types.TextEdit]]]:
    """(uri, version of the open buffer or None, edits) for the dependency file the `fixes`
    need to change; empty when they need nothing undeclared or there is no such file."""
    path = _path(doc.uri)
    requires = [r for fix in fixes if fix is not None for r in fix.requires]
    if not requires or path is None:
        return []
    found = project.declaration_edit(path, requires, _reader(documents))
    if found is None:
        return []
    target, text, edit = found
    uri = from_fs_path(target)
    open_doc = documents.get(uri)
    file_doc = open_doc or Document.create(uri, text, None, "")
    return [(uri, open_doc.version if open_doc else None, [convert.text_edit(file_doc, edit, encoding)])]


def _path(uri: str) -> str | None:
    return to_fs_path(uri) if uri.startswith("file:") else None
