"""Function summaries of the whole workspace, for taint across files.

The language server analyses one document at a time; to know that
`from .inputs import target` returns request data it needs the summary of
`target` from another file. This module keeps a `WorkspaceSummaries`
(engine/workspace.py) per set of analysis options, fills it in a
background thread when the server starts (reporting `$/progress`), and
keeps it current:

- an open document's own summaries are handed back by the engine after
  each analysis (`Resolver.publish`): no extra parsing; when they change,
  the other open documents are analysed again (their caches make this
  cheap: only units calling the changed functions are redone);
- a closed document's file is read from disk again;
- modules the index has not reached yet are read on first use.

The session creates it with itself (`ls.workspace_index`, lsp/session.py), and
its features call it in three places (see docs/taint.md):

    ls.workspace_index.start()                                   # server.on_initialized
    imports_resolver=ls.workspace_index.resolver(path)           # diagnostics.analyze(): engine.analyze(...)
    ls.workspace_index.closed(uri)                               # session.forget (on close)
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from secure_ls.project import discover, engine_options, is_python
from secure_ls.engine.workspace import Resolver, WorkspaceSummaries
from secure_ls.lsp.documents import uri_to_path
from secure_ls.lsp.progress import Progress

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer

log = logging.getLogger("secure_ls")

# How long after `initialized`, and after the last edit or analysis, indexing waits to start.
INDEX_DELAY = 0.5

MAX_FILES = 20_000  # a bigger workspace is indexed lazily (modules read when imported)
REPORT_EVERY = 25


class WorkspaceIndex:
    def __init__(self, ls: SecureLanguageServer) -> None:
        self.ls = ls
        self._roots: list[str] | None = None
        self._workspaces: dict[int, WorkspaceSummaries] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.indexed = threading.Event()
        self.files = 0

    @property
    def roots(self) -> list[str]:
        """The workspace folders, read on first use: the session exists before `initialize` names them."""
        if self._roots is None:
            self._roots = workspace_folders(self.ls)
        return self._roots

    # ---- summaries for the analysis of one document ------------------------
    def workspace_for(self, uri_or_path: str) -> WorkspaceSummaries:
        options = engine_options(self.ls.settings_for(uri_or_path))
        key = options.fingerprint()
        workspace = self._workspaces.get(key)
        if workspace is None:
            workspace = WorkspaceSummaries(self.roots, sources=options.sources, sanitizers=options.sanitizers)
            workspace.listeners.append(self._changed)
            self._workspaces[key] = workspace
        return workspace

    def resolver(self, path: str | None) -> Resolver | None:
        """The `imports_resolver` for analysing the document at `path`."""
        if not path or not os.path.isabs(path):
            return None  # an unsaved buffer: no folder to resolve imports in
        return self.workspace_for(Path(path).as_uri()).resolver_for(path)

    def _changed(self, path: str) -> None:
        """Some module's summaries changed: open documents may call its functions."""
        loop = self._loop
        if loop is None:
            return
        if threading.current_thread() is not threading.main_thread() and not _in_loop(loop):
            return  # the background index: everything is re-checked once when it ends
        loop.call_soon(self._reanalyze_others, path)

    def _reanalyze_others(self, path: str) -> None:
        for doc in self.ls.documents.all():
            doc_path = _path_of(doc.uri)
            if doc_path is not None and os.path.abspath(doc_path) == path:
                continue
            self.ls.analyses.pop(doc.uri, None)
            self.ls.mark_dirty(doc.uri)

    def closed(self, uri: str) -> None:
        """The editor's version is gone: the file on disk is what other modules import."""
        path = _path_of(uri)
        if path is None or not is_python(Path(path)):
            return
        for workspace in self._workspaces.values():
            workspace.refresh(path)

    # ---- background indexing -------------------------------------------------
    def start(self) -> None:
        """Starts indexing the workspace folders in the background (call from `initialized`)."""
        self._loop = asyncio.get_running_loop()
        self._loop.create_task(self._run())

    async def _run(self) -> None:
        ls = self.ls
        # The files opened with the workspace come first: indexing competes with their
        # analysis for the interpreter (a 5,000-line file's first diagnostics took twice as
        # long while the folder was indexed). Their imports are read on demand meanwhile.
        await asyncio.sleep(INDEX_DELAY)
        while not ls.quiet_for(INDEX_DELAY):
            await asyncio.sleep(INDEX_DELAY / 4)
        progress = await Progress.begin(ls, "index", "indexing the workspace")
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        # settings are read here, on the server's thread; the thread only reads files
        plan = [(root, ls.settings_for(Path(root).as_uri()), self.workspace_for(Path(root).as_uri())) for root in self.roots]

        def work() -> None:
            try:
                self._index(plan, lambda c, t: loop.call_soon_threadsafe(progress.report, c, t))
            except Exception:  # indexing is an optimisation: never take the server down
                log.exception("workspace indexing failed")
            finally:
                loop.call_soon_threadsafe(lambda: done.done() or done.set_result(None))

        self._thread = threading.Thread(target=work, name="secure-ls-index", daemon=True)
        self._thread.start()
        await done
        self.indexed.set()
        progress.end(f"indexed {self.files} files")
        log.info("indexed %d Python files for cross-module taint", self.files)
        if self.files:
            ls.reanalyze_all()

    def _index(self, plan, report) -> None:
        files: list[tuple[Path, WorkspaceSummaries]] = []
        declarations: list[tuple[Path, WorkspaceSummaries]] = []  # dependency files: the declared versions
        for root, settings, workspace in plan:
            for f in discover([root], settings):
                (files if is_python(f) else declarations).append((f, workspace))
            if len(files) > MAX_FILES:
                files = files[:MAX_FILES]
                break
        # the configurations found on the way: Django URL configurations tell function views from
        # helpers, logging configurations say whether log lines can be forged
        for workspace in {id(w): w for _, _, w in plan}.values():
            workspace.set_project_files(str(f) for f, w in (*files, *declarations) if w is workspace)  # it keeps the configurations
        total = len(files)
        report(0, total)
        for count, (file, workspace) in enumerate(files, 1):
            try:
                if file.stat().st_size <= 2_000_000:
                    workspace.refresh(str(file), only_if_missing=True)
            except OSError:
                pass
            self.files = count
            time.sleep(0.001)  # let the server's thread run (edits stay responsive while indexing)
            if count % REPORT_EVERY == 0:
                report(count, total)
        report(total, total)


def workspace_folders(ls) -> list[str]:
    """The paths of the editor's workspace folders (or its root), for the index and the workspace report."""
    roots = []
    try:
        workspace = ls.workspace
    except Exception:  # not initialised yet: no folders  # noqa: BLE001
        return roots
    folders = getattr(workspace, "folders", None) or {}
    for folder in folders.values():
        path = _path_of(folder.uri)
        if path:
            roots.append(path)
    root_path = getattr(workspace, "root_path", None)
    if not roots and root_path:
        roots.append(root_path)
    return roots


def _path_of(uri: str) -> str | None:
    path = uri_to_path(uri)
    return path if path and os.path.isabs(path) else None


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
