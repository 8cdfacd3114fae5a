"""Engine findings to LSP objects, with positions in the client's units.

Each diagnostic is built once, as the JSON the protocol sends: publishing hundreds
of diagnostics per keystroke through pygls' generic converter costs milliseconds,
building them as JSON microseconds. The code actions that name a diagnostic get the
same JSON as lsprotocol's object (`diagnostic`).
"""

from __future__ import annotations

from lsprotocol import types
from lsprotocol.converters import get_converter

from secure_ls.engine.model import Edit, Finding, Severity, Span
from secure_ls.lsp.documents import Document, Encoding

SOURCE = "secure-ls"

_SEVERITY = {
    Severity.HIGH: types.DiagnosticSeverity.Error,
    Severity.MEDIUM: types.DiagnosticSeverity.Warning,
    Severity.LOW: types.DiagnosticSeverity.Information,
    Severity.INFO: types.DiagnosticSeverity.Hint,
}

_CONVERTER = get_converter()


def _position_json(doc: Document, line: int, column: int, encoding: Encoding) -> dict:
    if line >= doc.line_count:
        line = doc.line_count - 1
        column = len(doc.line(line))
    return {"line": line, "character": encoding.to_client(doc.line(line), column)}


def _range_json(doc: Document, span: Span, encoding: Encoding) -> dict:
    return {
        "start": _position_json(doc, span.start.line, span.start.column, encoding),
        "end": _position_json(doc, span.end.line, span.end.column, encoding),
    }


def to_range(doc: Document, span: Span, encoding: Encoding) -> types.Range:
    rng = _range_json(doc, span, encoding)
    return types.Range(types.Position(**rng["start"]), types.Position(**rng["end"]))


def text_edit(doc: Document, edit: Edit, encoding: Encoding) -> types.TextEdit:
    return types.TextEdit(range=to_range(doc, edit.span, encoding), new_text=edit.text)


def diagnostic_json(doc: Document, finding: Finding, encoding: Encoding, related_support: bool, rule=None) -> dict:
    """The finding as an LSP Diagnostic. A client that does not show relatedInformation
    gets the steps of the path in the message instead."""
    message = finding.message
    out: dict = {"range": _range_json(doc, finding.span, encoding), "severity": int(_SEVERITY[finding.severity]), "code": finding.rule_id, "source": SOURCE}
    if finding.related:
        if related_support:
            out["relatedInformation"] = [
                {"location": {"uri": doc.uri, "range": _range_json(doc, r.span, encoding)}, "message": r.message} for r in finding.related
            ]
        else:
            steps = "; ".join(f"line {r.span.start.line + 1}: {r.message}" for r in finding.related)
            message = f"{message}\nPath: {steps}"
    out["message"] = message
    if rule is not None:
        out["codeDescription"] = {"href": rule.doc_url()}
    out["data"] = {"key": finding.key, "rule": finding.rule_id, "fixable": finding.fix is not None, "confidence": finding.confidence.name.lower()}
    return out


def diagnostic(doc: Document, finding: Finding, encoding: Encoding, related_support: bool, rule=None) -> types.Diagnostic:
    """`diagnostic_json` as lsprotocol's object, for the code actions that name it."""
    return _CONVERTER.structure(diagnostic_json(doc, finding, encoding, related_support, rule), types.Diagnostic)


def syntax_error_json(doc: Document, span: Span, message: str, encoding: Encoding) -> dict:
    return {
        "range": _range_json(doc, span, encoding),
        "message": f"Syntax error: {message} (only this statement is skipped; the rest of the file is still checked)",
        "severity": int(types.DiagnosticSeverity.Hint),
        "code": "syntax",
        "source": SOURCE,
    }
