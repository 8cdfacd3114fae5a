"""`workspace/diagnostic` (LSP 3.17 pull): findings of the files that are not open.

With the editor setting `scope = "workspace"`, every Python and dependency file of the
workspace folders gets its findings in the client's problem list, not only the open
ones. The files are those `secure-ls check` would check (`exclude`, hidden folders,
virtualenvs and build output left out) minus what git ignores, at most MAX_FILES.

- Open documents are left to `textDocument/diagnostic`, which follows the buffer.
- Each report carries a result id made of the file's modification time, its size, the
  settings' generation and the state of what its last analysis read from other files (the
  modules whose summaries it used, the module names it looked up, the URL configurations),
  so a file that did not change, nor did anything it depends on, is answered `unchanged`
  without being read, and a file whose imported helper changed is analysed again.
- The request is long-lived, as the protocol intends (clients such as VS Code ask again
  as soon as it returns): when nothing changed it waits, up to WAIT_SECONDS, for a save,
  a close, a watched-file or a settings change before answering.
- The analysis runs in a worker thread with an engine of its own, so requests on open
  documents are answered meanwhile; the default scope (`openFiles`) answers nothing.
- While it runs, `$/progress` counts the files done; a client that passes a partial-result
  token (VS Code does) gets each changed file's report as soon as it is ready.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import uuid
from pathlib import Path

from lsprotocol import types

from secure_ls import project
from secure_ls.engine.analyzer import Engine
from secure_ls.lsp import convert
from secure_ls.lsp.documents import Document
from secure_ls.lsp.progress import Progress
from secure_ls.lsp.workspace_index import workspace_folders
from secure_ls.rules import rule_by_id

log = logging.getLogger("secure_ls")

MAX_FILES = 5_000
WAIT_SECONDS = 30.0


class WorkspaceDiagnostics:
    def __init__(self, ls) -> None:
        self.ls = ls
        self.generation = 0  # bumped when settings change: every result id changes with it
        # uri -> (files, lookups) its last analysis read (engine/workspace.Dependencies)
        self._dependencies: dict[str, tuple[tuple[str, ...], tuple[tuple, ...]]] = {}
        self._changed: asyncio.Event | None = None
        self._warned = False

    # ---- what wakes a waiting request ----------------------------------------
    def changed(self, settings: bool = False) -> None:
        if settings:
            self.generation += 1
        if self._changed is not None:
            self._changed.set()

    async def _wait(self) -> None:
        self._changed = self._changed or asyncio.Event()
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), WAIT_SECONDS)
        except asyncio.TimeoutError:
            pass

    # ---- the request ---------------------------------------------------------------
    def scope(self) -> str:
        return "workspace" if self.ls.configuration.editor_settings.get("scope") == "workspace" else "openFiles"

    async def answer(self, previous: dict[str, str], work_done_token=None, partial_result_token=None) -> dict:
        """The reports of the workspace's files. While they are computed, `$/progress` says how
        many files are done (on the request's work-done token, or on one the server creates);
        with a partial-result token each changed file's report is sent as soon as it is ready
        (the problem list fills file by file) and the final answer holds no items, as LSP asks."""
        if self.scope() != "workspace":
            await self._wait()  # nothing to report: do not make the client ask in a loop
            return {"items": []}
        loop = asyncio.get_running_loop()

        def send(items: list[dict]) -> None:
            self.ls.progress(types.ProgressParams(token=partial_result_token, value={"items": items}))

        stream = None if partial_result_token is None else lambda report: loop.call_soon_threadsafe(send, [report])
        for attempt in range(2):
            roots = [root for root in workspace_folders(self.ls) if os.path.isdir(root)]
            settings = {root: self.ls.settings_for(Path(root).as_uri()) for root in roots}
            open_uris = {doc.uri for doc in self.ls.documents.all()}
            progress = await Progress.begin(self.ls, "workspace", "checking the workspace", work_done_token)
            done = lambda count, total: loop.call_soon_threadsafe(progress.report, count, total)  # noqa: E731
            try:
                items = await loop.run_in_executor(None, self._reports, roots, settings, open_uris, previous, self.generation, stream, done)
            finally:
                progress.end("workspace checked")
            if attempt or any(item["kind"] == "full" for item in items) or not previous:
                break
            await self._wait()
        if partial_result_token is None:
            return {"items": items}
        rest = [item for item in items if item["kind"] != "full"]  # the full ones went as they came
        if rest:
            send(rest)
        return {"items": []}

    def _reports(self, roots, settings_by_root, open_uris: set[str], previous: dict[str, str], generation: int, stream=None, done=None) -> list[dict]:
        """Runs in a worker thread: only its own engine and summaries, nothing of the server's.
        `stream(report)` gets each full report as it is made, `done(count, total)` the count."""
        plan = []
        for root in roots:
            settings = settings_by_root[root]
            files = [f for f in project.discover([root], settings) if f.as_uri() not in open_uris]
            files = _not_git_ignored(root, files)
            if len(files) > MAX_FILES:
                if not self._warned:
                    self._warned = True
                    log.warning("workspace diagnostics: %s has %d files; reporting the first %d", root, len(files), MAX_FILES)
                files = files[:MAX_FILES]
            plan.append((root, settings, files))
        total = sum(len(files) for _, _, files in plan)
        out: list[dict] = []
        count = 0
        for root, settings, files in plan:
            engine = Engine(project.selected_rules(settings), options=project.engine_options(settings))
            summaries = project.workspace_for(settings, (root,), uuid.uuid4().hex)
            for file in files:
                report = self._report(file, settings, engine, summaries, previous, generation)
                if report is not None:
                    out.append(report)
                    if stream is not None and report["kind"] == "full":
                        stream(report)
                count += 1
                if done is not None and (count % 25 == 0 or count == total):
                    done(count, total)
        return out

    def _report(self, file: Path, settings, engine, summaries, previous, generation) -> dict | None:
        uri = file.as_uri()
        try:
            st = os.stat(file)
        except OSError:
            return None
        own = f"{generation}:{st.st_mtime_ns}:{st.st_size}"
        if previous.get(uri) == f"{own}:{self._dependency_state(uri, summaries)}":
            return {"kind": "unchanged", "uri": uri, "version": None, "resultId": previous[uri]}
        path = str(file)
        try:
            text = project.read_source(file)
            if project.is_dependency_file(path):
                result = project.scan(path, text, settings)
                self._dependencies.pop(uri, None)
            else:
                with summaries.recording(path) as read:
                    result = engine.analyze(text, imports_resolver=summaries.resolver_for(path), path=path, on_disk=True)
                self._dependencies[uri] = (tuple(sorted(read.files)), tuple(sorted(read.lookups, key=repr)))
        except Exception as exc:  # one unreadable or hostile file must not lose the others' reports
            log.warning("workspace diagnostics: %s not analysed: %s", path, exc)
            return None
        result_id = f"{own}:{self._dependency_state(uri, summaries)}"
        doc = Document.create(uri, text, None)
        encoding = self.ls.encoding
        related = self.ls.related_information(pushed=False)
        findings = settings.apply(result.findings, path, audit_tier=True)
        items = [convert.diagnostic_json(doc, f, encoding, related, rule_by_id(f.rule_id)) for f in findings]
        return {"kind": "full", "uri": uri, "version": None, "resultId": result_id, "items": items}

    def _dependency_state(self, uri: str, summaries) -> str:
        """A digest of the files and module lookups the last analysis of `uri` read, as they
        are now: it changes when one of those files is saved or a lookup finds another file."""
        files, lookups = self._dependencies.get(uri, ((), ()))
        state = []
        for path in files:
            try:
                st = os.stat(path)
                state.append((path, st.st_mtime_ns, st.st_size))
            except OSError:
                state.append((path, None, None))
        state.extend((dotted, importer, summaries.module_path(dotted, importer)) for dotted, importer, _ in lookups)
        return format(hash(tuple(state)) & 0xFFFF_FFFF_FFFF, "x")


def _not_git_ignored(root: str, files: list[Path]) -> list[Path]:
    """`files` without those git ignores (`.gitignore`, `.git/info/exclude`), when `root` is
    in a git work tree and git is installed; otherwise all of them."""
    if not files or not os.path.exists(os.path.join(root, ".git")):
        return files
    try:
        proc = subprocess.run(
            ["git", "-C", root, "check-ignore", "--stdin", "-z"],
            input="\0".join(str(f) for f in files) + "\0",
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return files
    if proc.returncode not in (0, 1):  # 1: nothing ignored
        return files
    ignored = {p for p in proc.stdout.split("\0") if p}
    return [f for f in files if str(f) not in ignored]
