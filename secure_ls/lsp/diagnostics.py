"""Diagnostics: a document's analysis, and its findings as LSP diagnostics.

`analyze` is the one way a document is analysed (the engine for Python, the dependency
scanner for dependency files), cached per document version; code actions and hovers
read the same analysis. Findings are kept or dropped by the settings (the rules the
engine runs were already chosen by them, project.selected_rules) and by the `baseline`
setting, then converted in the client's position units, pushed with the document
version (`publishDiagnostics`) or returned on `textDocument/diagnostic`.
`workspace/diagnostic` (files that are not open) is lsp/workspace_diagnostics.py.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from secure_ls import project
from secure_ls.engine.model import AnalysisResult, Finding
from secure_ls.lsp import convert
from secure_ls.lsp.documents import Document, is_python, uri_to_path
from secure_ls.rules import rule_by_id

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer

log = logging.getLogger("secure_ls")


# A document longer than this many lines, opened (or its settings changed), shows the
# findings of its first FIRST_LOOK_LINES lines at once and the rest when its whole analysis,
# run in slices between the editor's messages (lsp/session.py), lands: a 20,000-line
# module takes most of a second to analyse, its first screens a few milliseconds.
FIRST_LOOK_LINES = 500
LONG_DOCUMENT_LINES = 3 * FIRST_LOOK_LINES
# How long a document opened with `secure-ls check`'s cached findings (complete, but not
# the buffer's own analysis) waits before its whole analysis starts: nothing is missing
# meanwhile, so it leaves the first moments to the documents opened with it.
CACHED_WARM_UP_DELAY = 0.3


@dataclass
class Analysis:
    version: int | None
    result: AnalysisResult
    findings: list[Finding]
    # a first look (the document's beginning only) or `secure-ls check`'s cached findings:
    # the whole analysis of the buffer is under way (SecureLanguageServer.analyse_whole_in_background)
    provisional: bool = False


def analyze(ls: SecureLanguageServer, doc: Document) -> Analysis:
    """The analysis of the document's current version (analysed now if it has none)."""
    current = ls.analyses.get(doc.uri)
    if current is not None and current.version == doc.version and doc.version is not None:
        return current
    settings = ls.settings_for(doc.uri)
    path = uri_to_path(doc.uri) or doc.uri
    started = time.perf_counter()
    from_cache = first_look = False
    if not settings.enable:
        result = AnalysisResult()
    elif project.file_kind(path) == project.DEPENDENCIES:
        result = ls.dependencies.scan(doc, path, settings)
    elif is_python(doc):
        result = _from_results_cache(ls, doc, path, settings) if doc.uri in ls.fresh else None
        from_cache = result is not None
        if result is None:
            engine = project.engine_for(settings)
            resolver = ls.workspace_index.resolver(path)
            if not engine.has_session(doc.uri) and doc.text.count("\n", 0, _LONG_ENOUGH) >= LONG_DOCUMENT_LINES:
                beginning = engine.analyze_beginning(doc.text, FIRST_LOOK_LINES, imports_resolver=resolver, path=path)
                if beginning is not None:
                    result, first_look = beginning.result, True
            if result is None:
                result = engine.analyze(doc.text, key=doc.uri, imports_resolver=resolver, path=path)
                if engine.has_partial_summaries(doc.uri):
                    ls.schedule_completion({doc.uri})
    else:
        result = AnalysisResult()
    analysis = record(ls, doc, path, settings, result, provisional=from_cache or first_look)
    if doc.uri in ls.fresh:
        ls.fresh.discard(doc.uri)
    if from_cache or first_look:
        ls.analyse_whole_in_background(doc.uri, delay=CACHED_WARM_UP_DELAY if from_cache else 0.0)
    log.debug("analysed %s v%s in %.1f ms: %d findings", doc.uri, doc.version, (time.perf_counter() - started) * 1000, len(analysis.findings))
    return analysis


# how far to look for LONG_DOCUMENT_LINES lines (no need to count a 50 MB buffer's)
_LONG_ENOUGH = 200 * LONG_DOCUMENT_LINES


def whole_analysis_steps(ls: SecureLanguageServer, doc: Document):
    """The whole analysis of a document shown with a first look or cached findings, in
    slices (engine/pacing.py): a generator whose result `record` keeps."""
    path = uri_to_path(doc.uri) or doc.uri
    engine = project.engine_for(ls.settings_for(doc.uri))
    return engine.analysis_steps(doc.text, key=doc.uri, imports_resolver=ls.workspace_index.resolver(path), path=path)


def record(ls: SecureLanguageServer, doc: Document, path: str, settings, result: AnalysisResult, provisional: bool = False) -> Analysis:
    """Keeps `result` as the analysis of the document's current version: its findings as the
    settings and the baseline show them, and its problems logged once."""
    findings = settings.apply(result.findings, path, audit_tier=True)
    baseline_file = settings.baseline_path()
    if baseline_file and findings:
        findings = _without_baselined(ls, baseline_file, path, doc.text, findings)
    for problem in result.problems:
        if problem not in ls.reported:
            ls.reported.add(problem)
            log.warning("%s: %s", doc.uri, problem)
            ls.window_log_message(types.LogMessageParams(type=types.MessageType.Warning, message=f"{doc.uri}: {problem}"))
    analysis = Analysis(doc.version, result, findings, provisional)
    ls.analyses[doc.uri] = analysis
    return analysis


def _from_results_cache(ls: SecureLanguageServer, doc: Document, path: str, settings) -> AnalysisResult | None:
    """A file just opened as it is on disk, that `secure-ls check` analysed and cached: its
    findings at once (a 20,000-line module takes a second to analyse), if the entry still
    holds (project.cached_analysis)."""
    resolver = ls.workspace_index.resolver(path)
    if resolver is None:
        return None
    try:
        result = project.cached_analysis(path, doc.text, settings, resolver.workspace.module_path)
    except Exception:  # a cache is an optimisation: never the reason a file shows nothing
        log.exception("reading the results cache for %s failed", path)
        return None
    return result


def _without_baselined(ls: SecureLanguageServer, baseline_file: str, path: str, text: str, findings: list) -> list:
    """The `baseline` setting: findings recorded in that report are not shown."""
    from secure_ls.baseline import BaselineError, EditorBaseline

    if ls.baseline is None:
        ls.baseline = EditorBaseline()
    try:
        return ls.baseline.new_only(baseline_file, path, text, findings)
    except BaselineError as exc:
        ls.configuration.problem(str(exc))
        return findings


def diagnostics(ls: SecureLanguageServer, doc: Document) -> list[dict]:
    """The document's diagnostics as LSP JSON, reusing the JSON of unchanged findings.

    A finding object survives from one version to the next when its unit
    did not change or move, so most of a keystroke's diagnostics are
    cache hits. The cache only ever holds the current findings.
    """
    analysis = analyze(ls, doc)
    encoding = ls.encoding
    related = ls.related_information()
    previous = ls.json_cache.get(doc.uri, {})
    if previous and previous.get("__encoding__") != (encoding.kind, related):
        previous = {}
    cache: dict = {"__encoding__": (encoding.kind, related)}
    out = []
    for finding in analysis.findings:
        entry = previous.get(id(finding))
        if entry is None or entry[0] is not finding:
            entry = (finding, convert.diagnostic_json(doc, finding, encoding, related, rule_by_id(finding.rule_id)))
        cache[id(finding)] = entry
        out.append(entry[1])
    ls.json_cache[doc.uri] = cache
    for span, message in analysis.result.syntax_errors:
        out.append(convert.syntax_error_json(doc, span, message, encoding))
    return out


def publish(ls: SecureLanguageServer, doc: Document) -> None:
    """Pushes the document's diagnostics, unless the client already has exactly these for
    this version (an analysis redone after the workspace index finished, with no change)."""
    items = diagnostics(ls, doc)
    if ls.published.get(doc.uri) == (doc.version, items):
        return
    ls.published[doc.uri] = (doc.version, items)
    ls.send_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, {"uri": doc.uri, "version": doc.version, "diagnostics": items})


OPTIONS = types.DiagnosticOptions(identifier="secure-ls", inter_file_dependencies=False, workspace_diagnostics=True)


def document_diagnostic(ls: SecureLanguageServer, params: types.DocumentDiagnosticParams) -> dict:
    """`textDocument/diagnostic` (pull)."""
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return ls.notebooks.diagnostic(params.text_document.uri)  # a notebook cell, or nothing
    ls.mark_clean(doc.uri)
    items = diagnostics(ls, doc)
    result_id = f"{doc.version}-{id(ls.analyses.get(doc.uri))}"
    if params.previous_result_id == result_id:
        return {"kind": "unchanged", "resultId": result_id}
    return {"kind": "full", "resultId": result_id, "items": items}


async def workspace_diagnostic(ls: SecureLanguageServer, params: types.WorkspaceDiagnosticParams) -> dict:
    """The files that are not open, with the setting scope = "workspace" (lsp/workspace_diagnostics.py)."""
    previous = {p.uri: p.value for p in params.previous_result_ids or ()}
    try:
        return await ls.workspace_diagnostics.answer(previous, params.work_done_token, params.partial_result_token)
    except Exception:
        log.exception("workspace diagnostics failed")
        return {"items": []}
