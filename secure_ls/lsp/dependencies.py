"""Dependency files in the editor (requirements.txt, pyproject.toml, lock files).

A scan never blocks the server on the network or on a big file: a file's first scan
answers from what is known (the advisory cache, the offline records), and the slow
parts run in worker threads, each analysing the document again when it is done:

- loading the `offline-dir` records (once per scanner);
- scanning a file longer than BACKGROUND_SCAN_CHARS (one scan per document at a time;
  the newest version is scanned next);
- fetching the advisories of packages not in the cache (OSV), not before the editor's
  settings are in, since they may turn dependency scanning off.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from secure_ls import project
from secure_ls.config import Settings
from secure_ls.engine.model import AnalysisResult
from secure_ls.lsp.documents import Document

if TYPE_CHECKING:
    from secure_ls.lsp.session import SecureLanguageServer

log = logging.getLogger("secure_ls")

# Dependency files longer than this are scanned in a worker thread: parsing and looking
# up every line of a 100,000-line requirements file took seconds. Smaller ones (thousands
# of lines) take milliseconds and are scanned at once, so typing in them does not flicker.
BACKGROUND_SCAN_CHARS = 64_000


class DependencyScans:
    def __init__(self, ls: SecureLanguageServer) -> None:
        self.ls = ls
        self.fetch_deferred = False  # a fetch waited for the editor's settings (see scan)
        self._fetching: set[tuple[str, str]] = set()
        self._preparing: dict[int, set[str]] = {}  # id(scanner) -> documents waiting for its offline records
        self._scanning: set[str] = set()  # big dependency files being scanned in a worker
        self._scanned: dict[str, tuple] = {}  # uri -> (version, scanner, (result, missing)) from the worker

    def scan(self, doc: Document, path: str, settings: Settings) -> AnalysisResult:
        """The findings of the dependency file `doc` that can be had now."""
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
        if missing and not self.ls.configuration.ready:
            # the editor's settings (which may turn dependency scanning off) are not
            # in yet: no network until they are (server.on_initialized re-analyses then)
            self.fetch_deferred = True
            return result
        if missing:
            self._fetching |= missing
            self._in_worker("osv-fetch", lambda: _fetch(scanner, missing), self._fetched, doc.uri, missing)
        return result

    def forget(self, uri: str) -> None:
        """The document was closed: its worker's result is not wanted."""
        self._scanned.pop(uri, None)

    def _in_worker(self, name: str, work, done, *args) -> None:
        """Runs `work()` in a daemon thread, then `done(*args, outcome)` on the server's loop."""
        loop = asyncio.get_running_loop()

        def run() -> None:
            outcome = work()
            loop.call_soon_threadsafe(done, *args, outcome)

        threading.Thread(target=run, name=name, daemon=True).start()

    def _scan_in_background(self, scanner, doc: Document, path: str, text: str) -> None:
        """Scans a big dependency file in a worker (a 100,000-line requirements file took
        seconds), one scan per document at a time; the newest version is scanned next."""
        if doc.uri in self._scanning:
            return  # when the running scan ends, the document is analysed again
        self._scanning.add(doc.uri)
        uri = doc.uri

        def scan() -> tuple:
            try:
                return scanner.scan_cached(path, text)
            except Exception as exc:  # scan_cached reports problems itself; this is a bug
                log.exception("dependency scan of %s failed", uri)
                return (AnalysisResult(problems=[f"dependency scan failed: {exc!r}"]), set())

        self._in_worker("deps-scan", scan, self._scan_done, uri, doc.version, scanner)

    def _scan_done(self, uri: str, version, scanner, outcome) -> None:
        self._scanning.discard(uri)
        if self.ls.documents.get(uri) is None:
            return  # closed meanwhile
        self._scanned[uri] = (version, scanner, outcome)
        self.ls.reanalyze(uri)

    def _prepare_in_background(self, scanner, uri: str) -> None:
        waiting = self._preparing.get(id(scanner))
        if waiting is not None:
            waiting.add(uri)
            return
        self._preparing[id(scanner)] = {uri}

        def prepare() -> None:
            try:
                scanner.prepare()
            except Exception:  # a broken offline-dir must not leave files waiting for ever
                log.exception("loading the offline advisory records failed")

        self._in_worker("osv-offline-load", prepare, self._prepared, scanner)

    def _prepared(self, scanner, _outcome=None) -> None:
        for uri in self._preparing.pop(id(scanner), set()):
            self.ls.reanalyze(uri)

    def _fetched(self, uri: str, keys: set, error: str | None) -> None:
        self._fetching -= keys
        self._scanned.pop(uri, None)  # scanned before the fetch: scan again with its answers
        if error:
            self.ls.configuration.problem(error)
        self.ls.reanalyze(uri)


def _fetch(scanner, missing: set) -> str | None:
    """Fetches advisories (network); the problem to report, or None."""
    try:
        return scanner.fetch(missing)
    except Exception as exc:  # the network must never crash the server
        return f"dependency check failed: {exc}"
