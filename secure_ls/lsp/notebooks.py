"""Notebook documents (LSP 3.17 `notebookDocument/*`): Jupyter notebooks in the editor.

pygls keeps the notebook's structure and each cell's text (its workspace). Here the code
cells become one module, in cell order, so a name imported in cell 1 resolves in cell 5;
IPython lines are neutralised as for `secure-ls check` (secure_ls/notebook.py), keeping
every line. The module is analysed like any document (keyed by the notebook's URI), and
its findings are handed out per cell: diagnostics, hovers and code actions name the
cell's URI and positions within the cell. A fix whose edits touch several cells (an
import added at the top) edits each of those cells, so imports land in the first code
cell.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lsprotocol import types

from secure_ls.engine.model import Edit, Finding, Position, Span
from secure_ls.engine.suppressions import suppression_edit
from secure_ls.lsp import convert
from secure_ls.lsp.diagnostics import analyze
from secure_ls.lsp.documents import Document
from secure_ls.lsp.hover import hover_markdown
from secure_ls.notebook import _neutralise
from secure_ls.rules import rule_by_id

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer

log = logging.getLogger("secure_ls")

SYNC_OPTIONS = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        # any notebook type (VS Code's is "jupyter-notebook"), for its Python cells
        types.NotebookDocumentFilterWithCells(cells=[types.NotebookCellLanguage(language="python")])
    ],
    save=False,
)


@dataclass
class Cell:
    uri: str
    doc: Document  # the cell's text as the editor has it
    first: int  # its first line in the module
    count: int  # its number of lines


@dataclass
class NotebookView:
    uri: str
    version: int
    cells: list[Cell] = field(default_factory=list)
    module: Document | None = None

    def cell_at(self, line: int) -> Cell | None:
        for cell in self.cells:
            if cell.first <= line < cell.first + cell.count:
                return cell
        return None

    def cell(self, uri: str) -> Cell | None:
        return next((c for c in self.cells if c.uri == uri), None)


class NotebookSupport:
    def __init__(self, ls: SecureLanguageServer):
        self.ls = ls
        self.views: dict[str, NotebookView] = {}
        self.cell_to_notebook: dict[str, str] = {}

    # ---- sync ---------------------------------------------------------------
    def update(self, notebook_uri: str) -> None:
        """The notebook was opened or changed: rebuild its module and analyse it."""
        before = self.views.get(notebook_uri)
        view = self._build(notebook_uri)
        if view is None:
            return
        self.views[notebook_uri] = view
        for cell in view.cells:
            self.cell_to_notebook[cell.uri] = notebook_uri
        if before is not None:  # cells removed, or no longer Python: clear what they showed
            kept = {c.uri for c in view.cells}
            for cell in before.cells:
                if cell.uri not in kept:
                    self.cell_to_notebook.pop(cell.uri, None)
                    self._publish(cell.uri, None, [])
        self.ls.analyses.pop(notebook_uri, None)
        self.ls.mark_dirty(notebook_uri)

    def close(self, notebook_uri: str) -> None:
        view = self.views.pop(notebook_uri, None)
        self.ls.forget(notebook_uri)
        for cell in view.cells if view else ():
            self.cell_to_notebook.pop(cell.uri, None)
            self._publish(cell.uri, None, [])

    def _build(self, notebook_uri: str) -> NotebookView | None:
        notebook = self.ls.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return None
        view = NotebookView(notebook_uri, notebook.version)
        lines: list[str] = []
        for cell in notebook.cells:
            if cell.kind != types.NotebookCellKind.Code:
                continue
            text_document = self.ls.workspace.get_text_document(cell.document)
            if text_document.language_id not in (None, "", "python"):
                continue
            doc = Document.create(cell.document, text_document.source, text_document.version, "python")
            cell_lines = [doc.line(i) for i in range(doc.line_count)]
            view.cells.append(Cell(cell.document, doc, len(lines), len(cell_lines)))
            lines.extend(_neutralise(cell_lines))
        view.module = Document.create(notebook_uri, "\n".join(lines) + "\n", notebook.version, "python")
        return view

    # ---- analysis ---------------------------------------------------------
    def flush(self, notebook_uri: str) -> None:
        view = self.views.get(notebook_uri)
        if view is None:
            return
        analyze(self.ls, view.module)
        for cell in view.cells:
            self._publish(cell.uri, cell.doc.version, self.cell_diagnostics(view, cell))

    def _publish(self, cell_uri: str, version: int | None, items: list[dict]) -> None:
        """Pushes a cell's diagnostics, also to a client that pulls the diagnostics of text
        documents: VS Code's language client (vscode-languageclient 9) pulls only for documents
        shown in text editor tabs, never for the cells of a notebook editor, so a push is the
        one way cell findings reach it (tests/editors/test_vscode.py, the notebook scenario). A
        pull for a cell is still answered (`diagnostic`), with the same items."""
        self.ls.send_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, {"uri": cell_uri, "version": version, "diagnostics": items})

    def find(self, cell_uri: str) -> tuple[NotebookView, Cell] | None:
        view = self.views.get(self.cell_to_notebook.get(cell_uri, ""))
        cell = view.cell(cell_uri) if view else None
        return (view, cell) if view and cell else None

    def _findings(self, view: NotebookView, cell: Cell) -> list[tuple[Finding, Finding]]:
        """(finding in module positions, the same in cell positions) for the cell's findings."""
        analysis = analyze(self.ls, view.module)
        out = []
        for finding in analysis.findings:
            if cell.first <= finding.span.start.line < cell.first + cell.count:
                local = finding.shifted(-cell.first)
                # steps in other cells cannot be shown as locations in this one
                local = dataclasses.replace(local, related=tuple(r for r in local.related if 0 <= r.span.start.line < cell.count))
                out.append((finding, local))
        return out

    def cell_diagnostics(self, view: NotebookView, cell: Cell) -> list[dict]:
        encoding = self.ls.encoding
        related = self.ls.related_information()
        out = [convert.diagnostic_json(cell.doc, local, encoding, related, rule_by_id(local.rule_id)) for _, local in self._findings(view, cell)]
        for span, message in analyze(self.ls, view.module).result.syntax_errors:
            if cell.first <= span.start.line < cell.first + cell.count:
                out.append(convert.syntax_error_json(cell.doc, span.shifted(-cell.first), message, encoding))
        return out

    # ---- requests on a cell -------------------------------------------------
    def diagnostic(self, cell_uri: str) -> dict:
        found = self.find(cell_uri)
        if found is None:
            return {"kind": "full", "items": []}
        view, cell = found
        self.ls.mark_clean(view.uri)
        items = self.cell_diagnostics(view, cell)
        return {"kind": "full", "resultId": f"{view.version}-{id(self.ls.analyses.get(view.uri))}-{cell.doc.version}", "items": items}

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        found = self.find(params.text_document.uri)
        if found is None:
            return None
        view, cell = found
        here = (params.position.line, params.position.character)
        for _, local in self._findings(view, cell):
            rng = convert.to_range(cell.doc, local.span, self.ls.encoding)
            if (rng.start.line, rng.start.character) <= here <= (rng.end.line, rng.end.character):
                return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(local, self.ls.configuration.hover_repeats_message)), range=rng)
        return None

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        found = self.find(params.text_document.uri)
        if found is None:
            return []
        view, cell = found
        only = params.context.only
        if only and not any(types.CodeActionKind.QuickFix == k or types.CodeActionKind.QuickFix.startswith(k + ".") for k in only):
            return []
        encoding = self.ls.encoding
        start = (params.range.start.line, params.range.start.character)
        end = (params.range.end.line, params.range.end.character)
        actions = []
        for finding, local in self._findings(view, cell):
            rng = convert.to_range(cell.doc, local.span, encoding)
            if (rng.end.line, rng.end.character) < start or (rng.start.line, rng.start.character) > end:
                continue
            diag = convert.diagnostic(cell.doc, local, encoding, False, rule_by_id(local.rule_id))
            if finding.fix:
                edit = self._edit(view, list(finding.fix.edits))
                if edit is not None:
                    actions.append(
                        types.CodeAction(
                            title=f"secure-ls ({finding.rule_id}): {finding.fix.title}" + ("" if finding.fix.safe else " (changes behaviour)"),
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diag],
                            is_preferred=finding.fix.safe,
                            edit=edit,
                        )
                    )
            suppress = suppression_edit(cell.doc.line, local)
            actions.append(
                types.CodeAction(
                    title=f"secure-ls ({finding.rule_id}): Suppress {finding.rule_id} on this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    edit=self._workspace_edit({cell.uri: (cell, [suppress])}),
                )
            )
        return actions

    def _edit(self, view: NotebookView, edits: list[Edit]) -> types.WorkspaceEdit | None:
        """Module edits as edits of the cells they fall in (None if one spans two cells)."""
        by_cell: dict[str, tuple[Cell, list[Edit]]] = {}
        for edit in edits:
            line = edit.span.start.line
            cell = view.cell_at(line)
            if cell is None or edit.span.end.line > cell.first + cell.count - 1:
                return None
            if _adds_imports_at_start(edit, cell) and cell is not view.cells[0]:
                # imports inserted after the last import, which ends the cell before: keep
                # them with the other imports, at the end of that cell
                before = view.cells[view.cells.index(cell) - 1]
                end = Position(before.count - 1, len(before.doc.line(before.count - 1)))
                by_cell.setdefault(before.uri, (before, []))[1].append(Edit(Span(end, end), "\n" + edit.text[:-1]))
                continue
            local = Edit(Span(Position(line - cell.first, edit.span.start.column), Position(edit.span.end.line - cell.first, edit.span.end.column)), edit.text)
            by_cell.setdefault(cell.uri, (cell, []))[1].append(local)
        return self._workspace_edit(by_cell)

    def _workspace_edit(self, by_cell: dict[str, tuple[Cell, list[Edit]]]) -> types.WorkspaceEdit:
        encoding = self.ls.encoding
        if self.ls.capability("workspace", "workspace_edit", "document_changes"):
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=cell.uri, version=cell.doc.version),
                        edits=[convert.text_edit(cell.doc, e, encoding) for e in edits],
                    )
                    for cell, edits in by_cell.values()
                ]
            )
        return types.WorkspaceEdit(changes={uri: [convert.text_edit(cell.doc, e, encoding) for e in edits] for uri, (cell, edits) in by_cell.items()})


def _adds_imports_at_start(edit: Edit, cell: Cell) -> bool:
    span = edit.span
    return (
        span.start == span.end
        and span.start.line == cell.first
        and span.start.column == 0
        and edit.text.endswith("\n")
        and all(line.startswith(("import ", "from ")) for line in edit.text[:-1].split("\n"))
    )
