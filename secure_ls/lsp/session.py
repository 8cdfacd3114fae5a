"""The session: what the server holds between messages, and when documents are analysed.

The state of one editor connection: the open documents (our own store, lsp/documents.py)
and notebooks, each document's current analysis, the settings (lsp/configuration.py),
the dependency scans in flight (lsp/dependencies.py), the workspace report's state
(lsp/workspace_diagnostics.py), the workspace's function summaries (lsp/workspace_index.py),
and what the client can do.

Flow: a document is opened or edited -> it is marked dirty -> on the next turn of the
event loop every dirty document is analysed once (so a burst of edits costs one
analysis) -> diagnostics are published for clients that want them pushed, or served on
`textDocument/diagnostic` for clients that pull (lsp/diagnostics.py). Code actions and
hovers read the findings of the current version; nothing is re-analysed for them.

Each feature lives in its own module and takes the session as its first argument; the
handlers are wired to them in lsp/server.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest

from secure_ls import __version__
from secure_ls.config import Settings
from secure_ls.lsp import diagnostics, notebooks
from secure_ls.lsp.configuration import Configuration
from secure_ls.lsp.dependencies import DependencyScans
from secure_ls.lsp.documents import DocumentStore, Encoding, is_python, uri_to_path
from secure_ls.lsp.workspace_diagnostics import WorkspaceDiagnostics
from secure_ls.lsp.workspace_index import WorkspaceIndex
from secure_ls.project import engine_for

log = logging.getLogger("secure_ls")

# The longest an edit waits for its analysis while edits arrive faster than they
# can be analysed (a paste storm, a fuzzer): then a burst costs one analysis.
FLUSH_DELAY = 0.05
# The pause between two slices of a sliced analysis (engine/pacing.py). Not zero: pygls reads
# each header line and body of a message in an executor thread, one loop turn per read, so a
# loop that ran a slice on every turn took several slices to take in one keystroke.
BETWEEN_SLICES = 0.001
# The quiet time (no edits) after which the rest of a newly opened document's functions
# are summarised (see SecureLanguageServer.schedule_completion).
COMPLETION_DELAY = 1.0


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
        self.analyses: dict[str, diagnostics.Analysis] = {}
        self.configuration = Configuration(self)
        self.dependencies = DependencyScans(self)
        self.workspace_diagnostics = WorkspaceDiagnostics(self)  # `workspace/diagnostic` (setting scope)
        self.workspace_index = WorkspaceIndex(self)  # the workspace's function summaries, for taint across files
        self.json_cache: dict[str, dict] = {}  # uri -> the LSP JSON of its findings (diagnostics.diagnostics)
        self.published: dict[str, tuple] = {}  # uri -> (version, diagnostics) last pushed (diagnostics.publish)
        self.reported: set[str] = set()  # analysis problems already logged
        self.baseline = None  # the `baseline` setting's reader, made on first use (diagnostics.py)
        self.pull = False  # the client pulls diagnostics (`textDocument/diagnostic`)
        self.refresh_pending = False  # findings changed without an edit: ask a pulling client to pull again
        self._dirty: set[str] = set()
        self._flush_scheduled = False
        self._completing: set[str] = set()
        self._background: set[asyncio.Task] = set()  # summaries being completed (_complete)
        self._whole: dict[str, asyncio.Task] = {}  # uri -> its whole analysis, in slices (analyse_whole_in_background)
        # opened documents whose first diagnostics may come from `secure-ls check`'s cache
        self.fresh: set[str] = set()
        self._last_change_at = 0.0
        self._last_analysis_seconds = 0.0
        self._last_flush_at = 0.0

    # ---- client capabilities ----------------------------------------------
    @property
    def encoding(self) -> Encoding:
        kind = getattr(self.workspace, "position_encoding", None) or types.PositionEncodingKind.Utf16
        return Encoding({types.PositionEncodingKind.Utf8: "utf-8", types.PositionEncodingKind.Utf32: "utf-32"}.get(kind, "utf-16"))

    def capability(self, *path: str) -> Any:
        """The client capability at `path` (attribute names), or None if it did not say."""
        node: Any = self.client_capabilities
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return None
        return node

    def related_information(self, pushed: bool = True) -> bool:
        """Whether the client shows a diagnostic's relatedInformation (pushed or pulled)."""
        return bool(pushed and self.capability("text_document", "publish_diagnostics", "related_information")) or bool(
            self.capability("text_document", "diagnostic", "related_information")
        )

    # ---- settings ---------------------------------------------------------
    def settings_for(self, uri: str) -> Settings:
        """The settings of the document or folder at `uri` (its pyproject.toml, then the editor's)."""
        return self.configuration.settings_for(uri)

    # ---- when documents are analysed ------------------------------------------
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

    def quiet_for(self, seconds: float) -> bool:
        """No document waits for analysis or is being analysed, and none was edited or
        analysed in the last `seconds`."""
        now = time.perf_counter()
        return not self._dirty and not self._whole and now - self._last_change_at >= seconds and now - self._last_flush_at >= seconds

    def mark_clean(self, uri: str) -> None:
        """`uri` is being answered now (a pull) or is gone: no scheduled analysis for it."""
        self._dirty.discard(uri)

    def reanalyze(self, uri: str) -> None:
        """Something other than an edit changed `uri`'s findings (a scan or fetch finished):
        analyse it again, and have a pulling client pull again."""
        self.analyses.pop(uri, None)
        self.refresh_pending = True
        self.mark_dirty(uri)

    def reanalyze_all(self) -> None:
        self.analyses.clear()
        self.refresh_pending = True
        for doc in self.documents.all():
            self.mark_dirty(doc.uri)

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
                diagnostics.analyze(self, doc)
            except Exception:  # never let one document take the server down
                log.exception("analysis of %s failed", uri)
                continue
            if not self.pull:
                diagnostics.publish(self, doc)
        if dirty:
            self._last_flush_at = time.perf_counter()
            self._last_analysis_seconds = self._last_flush_at - started
        if dirty and self.pull and self.refresh_pending:
            self.refresh_pending = False
            if self.capability("workspace", "diagnostics", "refresh_support"):
                self.workspace_diagnostic_refresh(None)

    def schedule_completion(self, uris: set[str]) -> None:
        """A newly opened document's first analysis summarised only the functions it
        calls (engine.complete_summaries): summarise the rest, for the documents
        importing from it, once its diagnostics are out and the editor is quiet."""
        waiting = {uri for uri in uris if uri not in self._completing}
        if not waiting:
            return
        self._completing |= waiting
        asyncio.get_running_loop().call_later(COMPLETION_DELAY, self._complete_summaries, waiting)

    def _complete_summaries(self, uris: set[str]) -> None:
        for uri in uris:
            doc = self.documents.get(uri)
            if doc is None or not is_python(doc):
                self._completing.discard(uri)
            elif self._dirty or time.perf_counter() - self._last_change_at < COMPLETION_DELAY:
                # the user is typing: even a sliced pass would slow the next keystroke down
                self._completing.discard(uri)
                self.schedule_completion({uri})
            else:
                task = asyncio.get_running_loop().create_task(self._complete(uri, doc))
                self._background.add(task)  # the loop keeps only a weak reference to a task
                task.add_done_callback(self._background.discard)

    async def _complete(self, uri: str, doc) -> None:
        """Summarises the rest of `doc` in slices (seconds for a 20,000-line module), so
        that an edit meanwhile is answered at once; the edit's analysis replaces the
        engine's session, which gives this pass up, and the document is completed later."""
        engine = engine_for(self.settings_for(uri))
        outcome: bool | None = True
        try:
            path = uri_to_path(uri) or uri
            steps = engine.completion_steps(uri, self.workspace_index.resolver(path))
            outcome = await self._sliced(steps, lambda: self.documents.get(uri) is doc)
            if outcome is False:
                self.analyses.pop(uri, None)
                self.mark_dirty(uri)
        except Exception:
            log.exception("summarising %s failed", uri)
        finally:
            self._completing.discard(uri)
        if outcome is None and self.documents.get(uri) is not None and engine.has_partial_summaries(uri):
            self.schedule_completion({uri})  # given up for an edit (or a reopening): the new version's turn

    def analyse_whole_in_background(self, uri: str, delay: float = 0.0) -> None:
        """The document shows a first look or `secure-ls check`'s cached findings
        (diagnostics.analyze): analyse the whole buffer now, in slices between the
        editor's messages (engine/pacing.py), so that keystrokes, hovers and other
        documents are answered meanwhile (an edit meanwhile gets a new first look).
        When it lands, the findings are published (or a pulling client is asked to pull
        again), keystrokes are analysed incrementally, and code actions offer every
        alternative. If the buffer was edited meanwhile, the analysis still served: the
        engine now holds the document, and its current version is analysed incrementally."""
        if uri not in self._whole:
            self._whole[uri] = asyncio.get_running_loop().create_task(self._analyse_whole(uri, delay))

    async def _analyse_whole(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            while True:
                doc = self.documents.get(uri)
                current = self.analyses.get(uri)
                if doc is None or current is None or not current.provisional:
                    return  # closed, or analysed whole since
                version = doc.version
                result = await self._sliced(diagnostics.whole_analysis_steps(self, doc), lambda: self.documents.get(uri) is doc)
                if result is None:
                    continue  # closed or reopened meanwhile: look again
                if doc.version == version:
                    settings = self.settings_for(uri)
                    diagnostics.record(self, doc, uri_to_path(uri) or uri, settings, result)
                    if engine_for(settings).has_partial_summaries(uri):
                        self.schedule_completion({uri})
                else:
                    self.analyses.pop(uri, None)
                self.refresh_pending = True
                self.mark_dirty(uri)  # publishes it (flush), or has a pulling client pull again
                return
        except Exception:  # never let one document take the server down
            log.exception("analysis of %s failed", uri)
        finally:
            self._whole.pop(uri, None)

    @staticmethod
    async def _sliced(steps, still_wanted):
        """Runs a sliced analysis, answering the messages that arrive between its slices; its
        result, or None if `still_wanted()` turned false at a pause (then it is given up)."""
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value
            await asyncio.sleep(BETWEEN_SLICES)
            if not still_wanted():
                steps.close()
                return None

    def forget(self, uri: str) -> None:
        """The document at `uri` was closed: drop everything kept for it."""
        self.analyses.pop(uri, None)
        self.fresh.discard(uri)
        self.dependencies.forget(uri)
        self.json_cache.pop(uri, None)
        self.published.pop(uri, None)
        engine_for(self.settings_for(uri)).forget(uri)
        self.workspace_index.closed(uri)
        self.mark_clean(uri)

    # ---- sending ------------------------------------------------------------
    def send_notification(self, method: str, params: dict) -> None:
        """Sends a notification whose params are already JSON (pygls would re-convert typed objects)."""
        self.protocol._send_data({"jsonrpc": "2.0", "method": method, "params": params})

    def clear_diagnostics(self, uri: str) -> None:
        """Empties what a pushing client shows for `uri` (closed, or no longer analysed)."""
        self.published.pop(uri, None)
        if not self.pull:
            self.send_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, {"uri": uri, "diagnostics": []})
