"""The language server: LSP in, engine calls, LSP out. Knows nothing about rules.

Flow: a document is opened or edited -> it is marked dirty -> on the next
turn of the event loop every dirty document is analysed once (so a burst of
edits costs one analysis) -> diagnostics are published for clients that
want them pushed, or served on `textDocument/diagnostic` for clients that
pull. Code actions and hovers read the findings of the current version;
nothing is re-analysed for them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest

from secure_ls import __version__, project
from secure_ls.project import engine_for
from secure_ls.config import ConfigError, Settings, find_pyproject, load_pyproject
from secure_ls.engine.edits import select_fix_edits
from secure_ls.engine.model import AnalysisResult, Finding
from secure_ls.engine.suppressions import suppression_edit
from secure_ls.lsp import convert, notebooks, workspace_index
from secure_ls.lsp.documents import Document, DocumentStore, Encoding
from secure_ls.lsp.hover import hover_markdown
from secure_ls.rules import rule_by_id

log = logging.getLogger("secure_ls")

FIX_ALL_KIND = "source.fixAll.secure-ls"
FIX_DEPS_KIND = "source.fixAll.secure-ls.dependencies"
CONFIG_SECTION = "secure-ls"
# The longest an edit waits for its analysis while edits arrive faster than they
# can be analysed (a paste storm, a fuzzer): then a burst costs one analysis.
FLUSH_DELAY = 0.05
# The quiet time (no edits) after which the rest of a newly opened document's functions
# are summarised (see SecureLanguageServer._schedule_completion).
COMPLETION_DELAY = 1.0
# Dependency files longer than this are scanned in a worker thread: parsing and looking
# up every line of a 100,000-line requirements file took seconds. Smaller ones (thousands
# of lines) take milliseconds and are scanned at once, so typing in them does not flicker.
BACKGROUND_SCAN_CHARS = 64_000


class _Protocol(LanguageServerProtocol):
    """Leaves document bookkeeping to our DocumentStore (see lsp/documents.py)."""

    def lsp_text_document__did_open(self, params):  # no `method_name`: not registered as built-in
        return None

    def lsp_text_document__did_change(self, params):
        return None

    def lsp_text_document__did_close(self, params):
        return None

    def handle_message(self, message):
        # pygls drops requests that arrive after `shutdown` without a reply, so the
        # client waits for ever; the spec says they fail with InvalidRequest.
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            error = JsonRpcInvalidRequest("secure-ls is shutting down: only 'exit' is accepted")
            self._send_response(message.id, None, error.to_response_error())
            return None
        return super().handle_message(message)


@dataclass
class Analysis:
    version: int | None
    result: AnalysisResult
    findings: list[Finding]


class SecureLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "secure-ls",
            __version__,
            protocol_cls=_Protocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=notebooks.SYNC_OPTIONS,
        )
        self.documents = DocumentStore()
        self.notebooks = notebooks.NotebookSupport(self)
        self.analyses: dict[str, Analysis] = {}
        self.editor_settings: dict[str, Any] = {}
        self._settings_cache: dict[str, tuple[float, Settings]] = {}
        self._dirty: set[str] = set()
        self._flush_scheduled = False
        self._reported: set[str] = set()
        self._config_errors: set[str] = set()
        self._fetching: set[tuple[str, str]] = set()
        self._preparing: dict[int, set[str]] = {}  # id(scanner) -> documents waiting for its offline records
        self._scanning: set[str] = set()  # big dependency files being scanned in a worker
        self._scanned: dict[str, tuple] = {}  # uri -> (version, scanner, (result, missing)) from the worker
        self._json_cache: dict[str, dict] = {}
        self._completing: set[str] = set()
        self.pull = False
        # Whether the editor says the user trusts this workspace (initializationOptions
        # `workspaceTrusted`). Not trusted unless it says so: then the project's own
        # pyproject.toml may not choose base-url, ca-bundle or cache-dir (config.py).
        self.workspace_trusted = False
        self.hover_repeats_message = True  # see on_initialize: hoverShowsDiagnostics
        from secure_ls.lsp.workspace_diagnostics import WorkspaceDiagnostics

        self.workspace_diagnostics = WorkspaceDiagnostics(self)  # `workspace/diagnostic` (setting scope)

    # ---- client capabilities ----------------------------------------------
    @property
    def encoding(self) -> Encoding:
        kind = getattr(self.workspace, "position_encoding", None) or types.PositionEncodingKind.Utf16
        return Encoding({types.PositionEncodingKind.Utf8: "utf-8", types.PositionEncodingKind.Utf32: "utf-32"}.get(kind, "utf-16"))

    def _capability(self, *path: str) -> Any:
        node: Any = self.client_capabilities
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return None
        return node

    # ---- settings ---------------------------------------------------------
    def settings_for(self, uri: str) -> Settings:
        path = uri_to_path(uri)
        pyproject = find_pyproject(path) if path and os.path.isabs(path) else None
        key = str(pyproject) if pyproject else ""
        mtime = _mtime(pyproject)
        cached = self._settings_cache.get(key)
        if cached is None or cached[0] != mtime:
            base = Settings()
            if pyproject is not None:
                try:
                    base = base.merged(load_pyproject(pyproject), f"{pyproject} [tool.secure-ls]", trusted=self.workspace_trusted)
                    base.root = str(pyproject.parent)
                except ConfigError as exc:
                    self.config_problem(str(exc))
                for notice in base.notices:
                    self.config_problem(notice, types.MessageType.Warning)
            try:
                settings = base.merged(self.editor_settings, "secure-ls settings")
                settings.root = base.root
            except ConfigError as exc:
                self.config_problem(str(exc))
                settings = base
            cached = (mtime, settings)
            self._settings_cache[key] = cached
        return cached[1]

    def config_problem(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Tells the user once per distinct problem; analysis goes on with the rest."""
        log.warning("configuration: %s", message)
        if message not in self._config_errors:
            self._config_errors.add(message)
            self.window_show_message(types.ShowMessageParams(type=kind, message=f"secure-ls: {message}"))

    def set_editor_settings(self, raw: Any) -> None:
        if isinstance(raw, dict) and isinstance(raw.get(CONFIG_SECTION), dict):
            raw = raw[CONFIG_SECTION]
        raw = raw if isinstance(raw, dict) else {}
        if raw == self.editor_settings:
            return  # e.g. the configuration pulled after `initialized`: nothing to redo
        self.editor_settings = raw
        self._settings_cache.clear()
        # `_config_errors` is kept: a broken pyproject.toml is reported once, not again
        # on every configuration change (it is cleared when pyproject.toml changes)
        self.reanalyze_all()

    # ---- analysis -----------------------------------------------------------
    def mark_dirty(self, uri: str) -> None:
        """Schedules analysis of `uri`: at once while typing, batched while edits pile up.

        pygls reads stdin one line per await, so the loop runs between any two
        messages; with a fixed immediate flush, N queued edits would cost N
        analyses. Edits arriving less than one analysis apart mean a backlog:
        then wait (at most FLUSH_DELAY) so the burst is analysed once. Ordinary
        typing arrives far slower than an incremental analysis, so it is never delayed.
        """
        now = time.perf_counter()
        backlog = now - self._last_change_at < self._last_analysis_seconds
        self._last_change_at = now
        self._dirty.add(uri)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop = asyncio.get_running_loop()
            if backlog:
                loop.call_later(min(FLUSH_DELAY, 2 * self._last_analysis_seconds), self.flush)
            else:
                loop.call_soon(self.flush)

    _last_change_at = 0.0
    _last_analysis_seconds = 0.0

    def flush(self) -> None:
        self._flush_scheduled = False
        dirty, self._dirty = self._dirty, set()
        started = time.perf_counter()
        for uri in dirty:
            doc = self.documents.get(uri)
            if doc is None:
                if uri in self.notebooks.views:  # a notebook: its code cells as one module
                    try:
                        self.notebooks.flush(uri)
                    except Exception:
                        log.exception("analysis of %s failed", uri)
                continue
            try:
                self.analyze(doc)
            except Exception:  # never let one document take the server down
                log.exception("analysis of %s failed", uri)
                continue
            if not self.pull:
                self.publish(doc)
        if dirty:
            self._last_analysis_seconds = time.perf_counter() - started
        if dirty and self.pull and self._refresh_pending:
            self._refresh_pending = False
            if self._capability("workspace", "diagnostics", "refresh_support"):
                self.workspace_diagnostic_refresh(None)

    def _schedule_completion(self, uris: set[str]) -> None:
        """A newly opened document's first analysis summarised only the functions it
        calls (engine.complete_summaries): summarise the rest, for the documents
        importing from it, once its diagnostics are out and the editor is quiet."""
        waiting = {uri for uri in uris if uri not in self._completing}
        if not waiting:
            return
        self._completing |= waiting
        asyncio.get_running_loop().call_later(COMPLETION_DELAY, self._complete_summaries, waiting)

    def _complete_summaries(self, uris: set[str]) -> None:
        self._completing -= uris
        for uri in uris:
            doc = self.documents.get(uri)
            if doc is None or not _is_python(doc):
                continue
            if self._dirty or time.perf_counter() - self._last_change_at < COMPLETION_DELAY:
                # the user is typing: a long pass now would hold up the next keystroke
                self._schedule_completion({uri})
                continue
            path = uri_to_path(uri) or uri
            try:
                valid = engine_for(self.settings_for(uri)).complete_summaries(uri, workspace_index.resolver(self, path))
            except Exception:
                log.exception("summarising %s failed", uri)
                continue
            if not valid:
                self.analyses.pop(uri, None)
                self.mark_dirty(uri)

    _refresh_pending = False
    _config_ready = True  # False from `initialize` until the client's settings have been pulled
    _fetch_deferred = False

    def analyze(self, doc: Document) -> Analysis:
        current = self.analyses.get(doc.uri)
        if current is not None and current.version == doc.version and doc.version is not None:
            return current
        settings = self.settings_for(doc.uri)
        path = uri_to_path(doc.uri) or doc.uri
        started = time.perf_counter()
        if not settings.enable:
            result = AnalysisResult()
        elif project.file_kind(path) == project.DEPENDENCIES:
            result = self._scan_dependencies(doc, path, settings)
        elif _is_python(doc):
            engine = engine_for(settings)
            result = engine.analyze(doc.text, key=doc.uri, imports_resolver=workspace_index.resolver(self, path), path=path)
            if engine.has_partial_summaries(doc.uri):
                self._schedule_completion({doc.uri})
        else:
            result = AnalysisResult()
        findings = settings.apply(result.findings, path, audit_tier=True)
        baseline_file = settings.baseline_path()
        if baseline_file and findings:
            findings = self._without_baselined(baseline_file, path, doc.text, findings)
        for problem in result.problems:
            if problem not in self._reported:
                self._reported.add(problem)
                log.warning("%s: %s", doc.uri, problem)
                self.window_log_message(types.LogMessageParams(type=types.MessageType.Warning, message=f"{doc.uri}: {problem}"))
        analysis = Analysis(doc.version, result, findings)
        self.analyses[doc.uri] = analysis
        log.debug("analysed %s v%s in %.1f ms: %d findings", doc.uri, doc.version, (time.perf_counter() - started) * 1000, len(findings))
        return analysis

    _baseline = None

    def _without_baselined(self, baseline_file: str, path: str, text: str, findings: list) -> list:
        """The `baseline` setting: findings recorded in that report are not shown."""
        from secure_ls.baseline import BaselineError, EditorBaseline

        if self._baseline is None:
            self._baseline = EditorBaseline()
        try:
            return self._baseline.new_only(baseline_file, path, text, findings)
        except BaselineError as exc:
            self.config_problem(str(exc))
            return findings

    def _scan_dependencies(self, doc: Document, path: str, settings: Settings) -> AnalysisResult:
        if not settings.dependencies.enable:
            return AnalysisResult()
        scanner = project.scanner_for(settings)
        if not scanner.ready():
            # offline-dir is read in a worker; this file is analysed again once it is loaded
            self._prepare_in_background(scanner, doc.uri)
            return AnalysisResult()
        text = doc.text
        if len(text) > BACKGROUND_SCAN_CHARS:
            scanned = self._scanned.get(doc.uri)
            if scanned is None or scanned[0] != doc.version or scanned[1] is not scanner:
                self._scan_in_background(scanner, doc, path, text)
                return AnalysisResult()  # this version's findings come when the worker is done
            result, missing = scanned[2]
        else:
            result, missing = scanner.scan_cached(path, text)
        missing = {k for k in missing if k not in self._fetching}
        if missing and not self._config_ready:
            # the editor's settings (which may turn dependency scanning off) are not
            # in yet: no network until they are (on_initialized re-analyses then)
            self._fetch_deferred = True
            return result
        if missing:
            self._fetching |= missing
            loop = asyncio.get_running_loop()

            def fetch() -> None:
                error = None
                try:
                    error = scanner.fetch(missing)
                except Exception as exc:  # the network must never crash the server
                    error = f"dependency check failed: {exc}"
                loop.call_soon_threadsafe(self._fetched, doc.uri, missing, error)

            threading.Thread(target=fetch, name="osv-fetch", daemon=True).start()
        return result

    def _scan_in_background(self, scanner, doc: Document, path: str, text: str) -> None:
        """Scans a big dependency file in a worker (a 100,000-line requirements file took
        seconds), one scan per document at a time; the newest version is scanned next."""
        if doc.uri in self._scanning:
            return  # when the running scan ends, the document is analysed again
        self._scanning.add(doc.uri)
        uri, version = doc.uri, doc.version
        loop = asyncio.get_running_loop()

        def scan() -> None:
            try:
                outcome = scanner.scan_cached(path, text)
            except Exception as exc:  # scan_cached reports problems itself; this is a bug
                log.exception("dependency scan of %s failed", uri)
                outcome = (AnalysisResult(problems=[f"dependency scan failed: {exc!r}"]), set())
            loop.call_soon_threadsafe(self._scan_done, uri, version, scanner, outcome)

        threading.Thread(target=scan, name="deps-scan", daemon=True).start()

    def _scan_done(self, uri: str, version, scanner, outcome) -> None:
        self._scanning.discard(uri)
        if self.documents.get(uri) is None:
            return  # closed meanwhile
        self._scanned[uri] = (version, scanner, outcome)
        self.analyses.pop(uri, None)
        self._refresh_pending = True
        self.mark_dirty(uri)

    def _prepare_in_background(self, scanner, uri: str) -> None:
        waiting = self._preparing.get(id(scanner))
        if waiting is not None:
            waiting.add(uri)
            return
        self._preparing[id(scanner)] = {uri}
        loop = asyncio.get_running_loop()

        def prepare() -> None:
            try:
                scanner.prepare()
            except Exception:  # a broken offline-dir must not leave files waiting for ever
                log.exception("loading the offline advisory records failed")
            loop.call_soon_threadsafe(self._prepared, scanner)

        threading.Thread(target=prepare, name="osv-offline-load", daemon=True).start()

    def _prepared(self, scanner) -> None:
        for uri in self._preparing.pop(id(scanner), set()):
            self.analyses.pop(uri, None)
            self._refresh_pending = True
            self.mark_dirty(uri)

    def _fetched(self, uri: str, keys: set, error: str | None) -> None:
        self._fetching -= keys
        self._scanned.pop(uri, None)  # scanned before the fetch: scan again with its answers
        if error:
            self.config_problem(error)
        self.analyses.pop(uri, None)
        self._refresh_pending = True
        self.mark_dirty(uri)

    def reanalyze_all(self) -> None:
        self.analyses.clear()
        self._refresh_pending = True
        for doc in self.documents.all():
            self.mark_dirty(doc.uri)

    def diagnostics(self, doc: Document) -> list[dict]:
        """The document's diagnostics as LSP JSON, reusing the JSON of unchanged findings.

        A finding object survives from one version to the next when its unit
        did not change or move, so most of a keystroke's diagnostics are
        cache hits. The cache only ever holds the current findings.
        """
        analysis = self.analyze(doc)
        encoding = self.encoding
        related = bool(self._capability("text_document", "publish_diagnostics", "related_information")) or bool(
            self._capability("text_document", "diagnostic", "related_information")
        )
        previous = self._json_cache.get(doc.uri, {})
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
        self._json_cache[doc.uri] = cache
        for span, message in analysis.result.syntax_errors:
            out.append(convert.syntax_error_json(doc, span, message, encoding))
        return out

    def publish(self, doc: Document) -> None:
        self.send_notification(
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
            {"uri": doc.uri, "version": doc.version, "diagnostics": self.diagnostics(doc)},
        )

    def send_notification(self, method: str, params: dict) -> None:
        """Sends a notification whose params are already JSON (pygls would re-convert typed objects)."""
        self.protocol._send_data({"jsonrpc": "2.0", "method": method, "params": params})

    # ---- code actions -------------------------------------------------------
    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = self.documents.get(params.text_document.uri)
        if doc is None:
            return self.notebooks.code_actions(params)  # a notebook cell, or nothing
        analysis = self.analyze(doc)
        encoding = self.encoding
        only = params.context.only
        wants = lambda kind: not only or any(kind == k or kind.startswith(k + ".") for k in only)  # noqa: E731
        lazy = "edit" in (self._capability("text_document", "code_action", "resolve_support", "properties") or [])
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
                        title=f"secure-ls ({finding.rule_id}): {fix.title}" + ("" if fix.safe else " (changes behaviour)"),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diag],
                        is_preferred=fix.safe and fix is finding.fix,
                        data={**data, "action": kind},
                    )
                    if not lazy:
                        action.edit = self._edit_for(doc, kind, finding)
                    actions.append(action)
                if not _is_python(doc):
                    continue  # suppression comments only work in Python files
                action = types.CodeAction(
                    title=f"secure-ls ({finding.rule_id}): Suppress {finding.rule_id} on this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    data={**data, "action": "suppress"},
                )
                if not lazy:
                    action.edit = self._edit_for(doc, "suppress", finding)
                actions.append(action)
        fixable = [f for f in analysis.findings if f.fix and f.fix.safe and f.fix.bulk]
        if fixable and only and any(k in (types.CodeActionKind.SourceFixAll, FIX_ALL_KIND, types.CodeActionKind.Source) for k in only):
            actions.append(
                types.CodeAction(
                    title="secure-ls: Fix all safely fixable problems",
                    kind=FIX_ALL_KIND,
                    edit=self._workspace_edit(doc, select_fix_edits(fixable, unsafe=False)),
                )
            )
        return actions

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data or {}
        doc = self.documents.get(data.get("uri", ""))
        if doc is None or doc.version != data.get("version"):
            return action  # stale: the client asks again for the new version
        finding = next((f for f in self.analyze(doc).findings if f.key == data.get("key")), None)
        if finding is not None:
            action.edit = self._edit_for(doc, data.get("action", "fix"), finding)
        return action

    def _edit_for(self, doc: Document, kind: str, finding: Finding) -> types.WorkspaceEdit:
        if kind == "suppress":
            return self._workspace_edit(doc, [suppression_edit(doc.line, finding)])
        if kind.startswith("alternative"):
            index = int(kind[len("alternative") :] or 0)
            chosen = finding.alternatives[index] if index < len(finding.alternatives) else None
            return self._workspace_edit(doc, list(chosen.edits) if chosen else [])
        return self._workspace_edit(doc, list(finding.fix.edits) if finding.fix else [])

    def _workspace_edit(self, doc: Document, edits) -> types.WorkspaceEdit:
        encoding = self.encoding
        text_edits = [convert.text_edit(doc, e, encoding) for e in edits]
        if self._capability("workspace", "workspace_edit", "document_changes"):
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                        edits=text_edits,
                    )
                ]
            )
        return types.WorkspaceEdit(changes={doc.uri: text_edits})

    # ---- hover ------------------------------------------------------------
    def hover(self, params: types.HoverParams) -> types.Hover | None:
        doc = self.documents.get(params.text_document.uri)
        if doc is None:
            return self.notebooks.hover(params)  # a notebook cell, or nothing
        analysis = self.analyze(doc)
        encoding = self.encoding
        here = (params.position.line, params.position.character)
        for finding in analysis.findings:
            rng = convert.to_range(doc, finding.span, encoding)
            if (rng.start.line, rng.start.character) <= here <= (rng.end.line, rng.end.character):
                return types.Hover(
                    contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(finding, self.hover_repeats_message)),
                    range=rng,
                )
        return None


def uri_to_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return path


def _mtime(path: Path | None) -> float:
    try:
        return path.stat().st_mtime if path else 0.0
    except OSError:
        return -1.0


def _is_python(doc: Document) -> bool:
    if doc.language_id in ("python", "py"):
        return True
    path = uri_to_path(doc.uri) or urlparse(doc.uri).path
    return project.is_python(path) or doc.language_id == ""


# ---------------------------------------------------------------------------
server = SecureLanguageServer()
# A few lines that take the engine through parsing, summaries, the flow pass and
# a finding, so the first real document does not pay for first-use set-up.
_WARM_UP = "import os\n\ndef helper(name):\n    return name.strip()\n\ndef run(arg):\n    os.system('ls ' + helper(arg))\n"


@server.feature(types.INITIALIZE)
def on_initialize(ls: SecureLanguageServer, params: types.InitializeParams) -> None:
    ls.pull = ls._capability("text_document", "diagnostic") is not None
    ls._config_ready = not ls._capability("workspace", "configuration")
    options = params.initialization_options
    if isinstance(options, dict):
        # only `true` trusts: a missing or odd value keeps the safe default
        ls.workspace_trusted = options.get("workspaceTrusted") is True
        # a client that already shows the diagnostic's message in the same hover (VS Code)
        ls.hover_repeats_message = options.get("hoverShowsDiagnostics") is not True
        if isinstance(options.get(CONFIG_SECTION), dict):
            options = options[CONFIG_SECTION]
            ls.workspace_trusted = ls.workspace_trusted or options.get("workspaceTrusted") is True
        ls.editor_settings = {k: v for k, v in options.items() if k not in ("settings", "workspaceTrusted", "hoverShowsDiagnostics")}
        if isinstance(options.get("settings"), dict):
            ls.editor_settings.update(options["settings"])
    if params.process_id:
        _watch_parent(params.process_id)
    # Import the rules and what analysis loads lazily now, while the editor waits
    # for `initialize` anyway, rather than on the first didOpen (a few hundred ms).
    engine_for(Settings()).analyze(_WARM_UP)
    project.is_dependency_file("requirements.txt")


@server.feature(types.INITIALIZED)
async def on_initialized(ls: SecureLanguageServer, params: types.InitializedParams) -> None:
    log.info("secure-ls %s started (%s diagnostics, %s positions)", __version__, "pull" if ls.pull else "push", ls.encoding.kind)
    workspace_index.start(ls)  # summaries of the workspace's functions, built in the background
    if ls._capability("workspace", "did_change_watched_files", "dynamic_registration"):
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="secure-ls-pyproject",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
                            ),
                        )
                    ]
                )
            )
        except Exception as exc:
            log.info("could not watch pyproject.toml: %s", exc)
    await _pull_configuration(ls)
    ls._config_ready = True
    if ls._fetch_deferred:
        ls._fetch_deferred = False
        ls.reanalyze_all()


async def _pull_configuration(ls: SecureLanguageServer) -> None:
    if not ls._capability("workspace", "configuration"):
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=CONFIG_SECTION)])
        )
    except Exception as exc:
        log.info("workspace/configuration failed: %s", exc)
        return
    # The client's answer is the whole truth: a setting the user removed must
    # stop applying (only null means "this client has nothing to say").
    if result and isinstance(result[0], dict):
        ls.set_editor_settings(result[0])


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def on_configuration(ls: SecureLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get(CONFIG_SECTION), dict):
        ls.set_editor_settings(settings[CONFIG_SECTION])
    await _pull_configuration(ls)
    ls.workspace_diagnostics.changed(settings=True)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def on_watched_files(ls: SecureLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls._settings_cache.clear()
    ls._config_errors.clear()
    ls.reanalyze_all()
    ls.workspace_diagnostics.changed(settings=True)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def on_open(ls: SecureLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    doc = ls.documents.open(params.text_document)
    ls.analyses.pop(doc.uri, None)
    ls.mark_dirty(doc.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def on_change(ls: SecureLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.change(params, ls.encoding)
    if doc is not None:
        ls.mark_dirty(doc.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def on_save(ls: SecureLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    settings_changed = params.text_document.uri.endswith("pyproject.toml")
    if settings_changed:
        ls._settings_cache.clear()
        ls._config_errors.clear()
        ls.reanalyze_all()
    ls.workspace_diagnostics.changed(settings=settings_changed)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def on_close(ls: SecureLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.documents.close(uri)
    ls.workspace_diagnostics.changed()  # the closed file is the workspace report's again
    ls.analyses.pop(uri, None)
    ls._scanned.pop(uri, None)
    ls._json_cache.pop(uri, None)
    engine_for(ls.settings_for(uri)).forget(uri)
    workspace_index.closed(ls, uri)
    ls._dirty.discard(uri)
    if not ls.pull:
        ls.send_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, {"uri": uri, "diagnostics": []})


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
def on_notebook_open(ls: SecureLanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
    ls.notebooks.update(params.notebook_document.uri)  # pygls has stored the notebook and its cells


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def on_notebook_change(ls: SecureLanguageServer, params: types.DidChangeNotebookDocumentParams) -> None:
    ls.notebooks.update(params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def on_notebook_close(ls: SecureLanguageServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.notebooks.close(params.notebook_document.uri)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="secure-ls", inter_file_dependencies=False, workspace_diagnostics=True),
)
def on_diagnostic(ls: SecureLanguageServer, params: types.DocumentDiagnosticParams):
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return ls.notebooks.diagnostic(params.text_document.uri)  # a notebook cell, or nothing
    ls._dirty.discard(doc.uri)
    items = ls.diagnostics(doc)
    result_id = f"{doc.version}-{id(ls.analyses.get(doc.uri))}"
    if params.previous_result_id == result_id:
        return {"kind": "unchanged", "resultId": result_id}
    return {"kind": "full", "resultId": result_id, "items": items}


@server.feature(types.WORKSPACE_DIAGNOSTIC)
async def on_workspace_diagnostic(ls: SecureLanguageServer, params: types.WorkspaceDiagnosticParams):
    """The files that are not open, with the setting scope = "workspace" (lsp/workspace_diagnostics.py)."""
    previous = {p.uri: p.value for p in params.previous_result_ids or ()}
    try:
        return await ls.workspace_diagnostics.answer(previous)
    except Exception:
        log.exception("workspace diagnostics failed")
        return {"items": []}


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True,
    ),
)
def on_code_action(ls: SecureLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    try:
        return ls.code_actions(params)
    except Exception:
        log.exception("code action failed")
        return []


@server.feature(types.CODE_ACTION_RESOLVE)
def on_resolve(ls: SecureLanguageServer, action: types.CodeAction) -> types.CodeAction:
    try:
        return ls.resolve(action)
    except Exception:
        log.exception("code action resolve failed")
        return action


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: SecureLanguageServer, params: types.HoverParams) -> types.Hover | None:
    try:
        return ls.hover(params)
    except Exception:
        log.exception("hover failed")
        return None


@server.feature(types.EXIT)
def on_exit(ls: SecureLanguageServer, *args) -> None:
    """Exits at once, as the spec asks: 0 after `shutdown`, 1 without.

    pygls would first wait for its reader thread, which is blocked reading
    stdin until the editor closes it (half a second or more; Neovim 0.7
    kills servers that take 500 ms).
    """
    code = 0 if getattr(ls.protocol, "_shutdown", False) else 1
    log.info("exit (status %d)", code)
    logging.shutdown()
    try:
        sys.stdout.flush()
    finally:
        os._exit(code)


def _watch_parent(pid: int) -> None:
    """Exits when the editor that started us is gone, even if stdin stays open."""

    def watch() -> None:
        while True:
            time.sleep(3)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                log.info("parent process %s is gone: exiting", pid)
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run(log_file: str | None = None) -> int:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    level = os.environ.get("SECURE_LS_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # pygls warns about every cancel of a request it already answered: noise, not news
    logging.getLogger("pygls").setLevel(logging.ERROR)
    server.start_io()
    return 0
