"""Engine findings to LSP objects, with positions in the client's units."""

from __future__ import annotations

from lsprotocol import types

from secure_ls.engine.model import Edit, Finding, Severity, Span
from secure_ls.lsp.documents import Document, Encoding

SOURCE = "secure-ls"

_SEVERITY = {
    Severity.HIGH: types.DiagnosticSeverity.Error,
    Severity.MEDIUM: types.DiagnosticSeverity.Warning,
    Severity.LOW: types.DiagnosticSeverity.Information,
    Severity.INFO: types.DiagnosticSeverity.Hint,
}


def position(doc: Document, line: int, column: int, encoding: Encoding) -> types.Position:
    if line >= doc.line_count:
        last = doc.line_count - 1
        return types.Position(last, encoding.to_client(doc.line(last), len(doc.line(last))))
    return types.Position(line, encoding.to_client(doc.line(line), column))


def to_range(doc: Document, span: Span, encoding: Encoding) -> types.Range:
    return types.Range(
        position(doc, span.start.line, span.start.column, encoding),
        position(doc, span.end.line, span.end.column, encoding),
    )


def text_edit(doc: Document, edit: Edit, encoding: Encoding) -> types.TextEdit:
    return types.TextEdit(range=to_range(doc, edit.span, encoding), new_text=edit.text)


def diagnostic(doc: Document, finding: Finding, encoding: Encoding, related_support: bool, rule=None) -> types.Diagnostic:
    message = finding.message
    related = None
    if finding.related:
        if related_support:
            related = [
                types.DiagnosticRelatedInformation(
                    location=types.Location(uri=doc.uri, range=to_range(doc, r.span, encoding)), message=r.message
                )
                for r in finding.related
            ]
        else:
            steps = "; ".join(f"line {r.span.start.line + 1}: {r.message}" for r in finding.related)
            message = f"{message}\nPath: {steps}"
    return types.Diagnostic(
        range=to_range(doc, finding.span, encoding),
        message=message,
        severity=_SEVERITY[finding.severity],
        code=finding.rule_id,
        code_description=types.CodeDescription(href=rule.doc_url()) if rule is not None else None,
        source=SOURCE,
        related_information=related,
        data={"key": finding.key, "rule": finding.rule_id, "fixable": finding.fix is not None, "confidence": finding.confidence.name.lower()},
    )


def syntax_error(doc: Document, span: Span, message: str, encoding: Encoding) -> types.Diagnostic:
    return types.Diagnostic(
        range=to_range(doc, span, encoding),
        message=f"Syntax error: {message} (only this statement is skipped; the rest of the file is still checked)",
        severity=types.DiagnosticSeverity.Hint,
        code="syntax",
        source=SOURCE,
    )


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


def diagnostic_json(doc: Document, finding: Finding, encoding: Encoding, related_support: bool, rule=None) -> dict:
    """The same diagnostic as `diagnostic()`, built directly as JSON.

    Publishing hundreds of diagnostics per keystroke through pygls' generic
    converter costs milliseconds; this costs microseconds.
    """
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


def syntax_error_json(doc: Document, span: Span, message: str, encoding: Encoding) -> dict:
    return {
        "range": _range_json(doc, span, encoding),
        "message": f"Syntax error: {message} (only this statement is skipped; the rest of the file is still checked)",
        "severity": int(types.DiagnosticSeverity.Hint),
        "code": "syntax",
        "source": SOURCE,
    }
