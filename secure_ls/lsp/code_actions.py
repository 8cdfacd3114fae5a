"""Code actions: each finding's fix and alternatives, a suppression comment, and fix-all.

Clients that support `codeAction/resolve` for edits get the actions without edits and
ask for the edit of the one they apply (`resolve`); the action's `data` names the
document version and the finding. The edits themselves come from the engine: a
finding's fixes (engine/edits.py picks the non-overlapping safe ones for fix-all) and
the suppression comment (engine/suppressions.py); here they only become LSP edits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from secure_ls.engine.edits import select_fix_edits, selected_fixes
from secure_ls.engine.model import Finding
from secure_ls.engine.suppressions import suppression_edit
from secure_ls.lsp import convert, dependency_edits
from secure_ls.lsp.diagnostics import analyze
from secure_ls.lsp.documents import Document, is_python
from secure_ls.rules import rule_by_id

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer

FIX_ALL_KIND = "source.fixAll.secure-ls"

OPTIONS = types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
    resolve_provider=True,
)


def code_actions(ls: SecureLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return ls.notebooks.code_actions(params)  # a notebook cell, or nothing
    analysis = analyze(ls, doc)
    encoding = ls.encoding
    only = params.context.only
    wants = lambda kind: not only or any(kind == k or kind.startswith(k + ".") for k in only)  # noqa: E731
    lazy = "edit" in (ls.capability("text_document", "code_action", "resolve_support", "properties") or [])
    actions: list[types.CodeAction] = []
    start = (params.range.start.line, params.range.start.character)
    end = (params.range.end.line, params.range.end.character)
    if wants(types.CodeActionKind.QuickFix):
        for finding in analysis.findings:
            rng = convert.to_range(doc, finding.span, encoding)
            if (rng.end.line, rng.end.character) < start or (rng.start.line, rng.start.character) > end:
                continue
            diag = convert.diagnostic(doc, finding, encoding, False, rule_by_id(finding.rule_id))
            data = {"uri": doc.uri, "version": doc.version, "key": finding.key}
            for index, fix in enumerate(finding.fixes()):
                kind = "fix" if fix is finding.fix else f"alternative{index - (1 if finding.fix else 0)}"
                action = types.CodeAction(
                    title=f"secure-ls ({finding.rule_id}): {dependency_edits.title(ls.documents, doc, fix)}" + ("" if fix.safe else " (changes behaviour)"),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    is_preferred=fix.safe and fix is finding.fix,
                    data={**data, "action": kind},
                )
                if not lazy:
                    action.edit = _edit_for(ls, doc, kind, finding)
                actions.append(action)
            if not is_python(doc):
                continue  # suppression comments only work in Python files
            action = types.CodeAction(
                title=f"secure-ls ({finding.rule_id}): Suppress {finding.rule_id} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                data={**data, "action": "suppress"},
            )
            if not lazy:
                action.edit = _edit_for(ls, doc, "suppress", finding)
            actions.append(action)
    fixable = [f for f in analysis.findings if f.fix and f.fix.safe and f.fix.bulk]
    if fixable and only and any(k in (types.CodeActionKind.SourceFixAll, FIX_ALL_KIND, types.CodeActionKind.Source) for k in only):
        actions.append(
            types.CodeAction(
                title="secure-ls: Fix all safely fixable problems",
                kind=FIX_ALL_KIND,
                edit=_workspace_edit(ls, doc, select_fix_edits(fixable, unsafe=False), selected_fixes(fixable, unsafe=False)),
            )
        )
    return actions


def resolve(ls: SecureLanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data or {}
    doc = ls.documents.get(data.get("uri", ""))
    if doc is None or doc.version != data.get("version"):
        return action  # stale: the client asks again for the new version
    finding = next((f for f in analyze(ls, doc).findings if f.key == data.get("key")), None)
    if finding is not None:
        action.edit = _edit_for(ls, doc, data.get("action", "fix"), finding)
    return action


def _edit_for(ls: SecureLanguageServer, doc: Document, kind: str, finding: Finding) -> types.WorkspaceEdit:
    if kind == "suppress":
        return _workspace_edit(ls, doc, [suppression_edit(doc.line, finding)])
    if kind.startswith("alternative"):
        index = int(kind[len("alternative") :] or 0)
        chosen = finding.alternatives[index] if index < len(finding.alternatives) else None
        return _workspace_edit(ls, doc, list(chosen.edits) if chosen else [], [chosen])
    return _workspace_edit(ls, doc, list(finding.fix.edits) if finding.fix else [], [finding.fix])


def _workspace_edit(ls: SecureLanguageServer, doc: Document, edits, fixes=()) -> types.WorkspaceEdit:
    """The edits to `doc`, and to the project's dependency file when `fixes` need a new
    dependency (lsp/dependency_edits.py)."""
    encoding = ls.encoding
    text_edits = [convert.text_edit(doc, e, encoding) for e in edits]
    files = [(doc.uri, doc.version, text_edits)] + dependency_edits.changes(ls.documents, doc, fixes, encoding)
    if ls.capability("workspace", "workspace_edit", "document_changes"):
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=file_edits)
                for uri, version, file_edits in files
            ]
        )
    return types.WorkspaceEdit(changes={uri: file_edits for uri, _, file_edits in files})
