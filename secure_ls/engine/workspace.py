"""The workspace store: function summaries of every Python module of a workspace.

`WorkspaceSummaries` finds a module's file from its dotted name (relative to the
workspace roots and `src/` under them), reads and summarises files on first use (only
the names imported so far: `module_source.ModuleSource` cuts a module into the parts a name needs),
and records what each analysis read, so a persistent cache knows which files a result
depends on (`Dependencies`). `Resolver` is what `Engine.analyze(..., imports_resolver=...)`
asks for the summaries a file's imports name (the engine's `resolver.ImportsResolver`).
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping

from secure_ls import safe_files
from secure_ls.engine import admin_sites, corsconfig, declared_versions, logconfig, reexports, routes, socket_timeout
from secure_ls.engine.module_source import KeptPieces, ModuleSource, relative_start
from secure_ls.engine.resolver import ImportsResolver, LazySummaries
from secure_ls.engine.summaries import FunctionSummary, summarize_module, worth_keeping
from secure_ls.engine.symbols import ModuleSymbols, summarize
from secure_ls.engine.units import parse_within_budget

log = logging.getLogger(__name__)

_WORKSPACE_IDS = itertools.count()

# Files whose text configures the whole project, by kind (the name a cached result records
# their list under, see module_path): which files they are, and how their texts (and paths) are read.
CONFIGURATIONS: dict[str, tuple[Callable[[str], bool], Callable[[list[str], list[str]], object]]] = {
    routes.CONFIGURATIONS: (routes.is_url_configuration, routes.read),
    logconfig.CONFIGURATIONS: (logconfig.is_logging_configuration, logconfig.read),
    corsconfig.CONFIGURATIONS: (corsconfig.is_cors_configuration, corsconfig.read),
    admin_sites.CONFIGURATIONS: (admin_sites.is_admin_configuration, admin_sites.read),
    socket_timeout.CONFIGURATIONS: (socket_timeout.is_candidate, socket_timeout.read),
    declared_versions.CONFIGURATIONS: (declared_versions.is_declaration, declared_versions.read),
}
# Kinds whose files are only those of the candidates (above) whose text holds this: each is read for it.
MARKERS = {socket_timeout.CONFIGURATIONS: socket_timeout.MARKER}


def is_configuration(path: str) -> bool:
    return any(is_kind(path) for is_kind, _ in CONFIGURATIONS.values())


class WorkspaceSummaries:
    """Function summaries of every Python module of a workspace, by file.

    `update(path, text)` (re)computes one file's summaries and says whether
    they changed; `resolver_for(path)` gives what `Engine.analyze(...,
    imports_resolver=...)` needs to analyse that file: given the qualified
    names its imports bind (`pkg.util.clean`, `.util`), the summaries of
    the workspace functions they name. Modules are found by dotted path
    relative to the workspace roots (and to `src/` under them); files that
    were never `update`d are read and summarised on first use.
    Thread-safe: the language server fills it from a background thread.
    """

    def __init__(self, roots: Iterable[str] = (), sources=None, sanitizers=None, lazy: bool = True, project_files=None):
        self.roots = [os.path.abspath(r) for r in roots]
        # the project's configurations (CONFIGURATIONS): `project_files()` lists the files they are
        # among when first needed (the CLI walks its folders), or the language server's index hands them over
        self._project_files: Callable[[], Iterable[str]] | None = project_files
        self._configuration_paths: dict[str, tuple[str, ...]] = {}  # kind -> its files
        self._configurations: dict[str, object] = {}  # kind -> what they say (None: nothing)
        self.sources = sources
        self.sanitizers = sanitizers
        self.lazy = lazy
        self._by_path: dict[str, dict[str, FunctionSummary]] = {}
        self._texts: dict[str, int] = {}
        # files read on first use and summarised only for the names imported so far
        # path -> (tree, or the source not parsed yet, or None: read the file; digest; names; computed summaries)
        self._partial: dict[str, tuple] = {}
        self._paths: dict[tuple[str, str | None], str | None] = {}  # module name lookups
        self._listings: dict[str, frozenset[str]] = {}  # folder -> its entries (module lookups probe many)
        self._resolvers: dict[str | None, Resolver] = {}
        self._module_symbols: dict[str, tuple[tuple[int, int], ModuleSymbols | None]] = {}  # path -> (stat, symbols)
        self._kept_pieces = KeptPieces()  # of the modules read for other modules' imports (ModuleSource)
        self._inherited_routes = routes.InheritedRoutes()
        self._lock = threading.RLock()
        self.version = 0  # bumped whenever some summary changes
        self.identity = next(_WORKSPACE_IDS)  # tells apart two workspaces that hold the same paths
        self.listeners: list[Callable[[str], None]] = []
        # What each module's summaries were computed from (the CLI's persistent cache
        # needs it to know which files a cached result depends on): see `recording`.
        self._deps: dict[str, set[tuple]] = {}
        self._recording = threading.local()

    # -- dependencies (for a persistent cache of results)
    @contextlib.contextmanager
    def recording(self, path: str):
        """Records what is read while analysing the file at `path`; yields a `Dependencies`.

        Inside, every module whose summaries are asked for, and every module-name
        lookup with its answer, is noted: for the file being analysed, or, while
        another module's summaries are being computed, for that module. Read
        after the block, the yielded object holds the closure: every file whose
        text the results may depend on, and every lookup (a module created later
        may answer one differently).
        """
        path = os.path.abspath(path)
        found = Dependencies()
        notes: set[tuple] = set()
        stack = self._per_thread("stack")
        stack.append(notes)
        try:
            yield found
        finally:
            stack.pop()
            with self._lock:
                # this file's published summaries come from this analysis
                self._deps.setdefault(path, set()).update(notes)
            self._closure(path, notes, found)

    def _per_thread(self, name: str) -> list:
        """This thread's list `name` (the recording stack, the computations under way)."""
        found = getattr(self._recording, name, None)
        if found is None:
            found = []
            setattr(self._recording, name, found)
        return found

    def _note(self, item: tuple) -> None:
        stack = getattr(self._recording, "stack", None)
        if stack:
            stack[-1].add(item)

    def _closure(self, path: str, notes: set[tuple], found: "Dependencies") -> None:
        seen: set[str] = set()
        with self._lock:
            todo = [*notes, *self._deps.get(path, ())]
            while todo:
                item = todo.pop()
                if item[0] == "l":
                    found.lookups.add(item[1:])
                    continue
                if item[1] in seen:
                    continue
                seen.add(item[1])
                if item[1] != path:
                    found.files.add(item[1])
                todo.extend(self._deps.get(item[1], ()))

    # -- project configurations (Django URL configurations, logging configurations)
    def set_project_files(self, paths: Iterable[str]) -> None:
        """The workspace's configurations, among the files (`paths`) whoever walked its folders found."""
        paths = [os.path.abspath(p) for p in paths]
        found = {kind: tuple(sorted(p for p in paths if is_configuration(p))) for kind, (is_configuration, _) in CONFIGURATIONS.items()}
        for kind, marker in MARKERS.items():
            found[kind] = tuple(p for p in found[kind] if safe_files.source_holds(p, marker))
        with self._lock:
            self._configuration_paths.update(found)
            self._configurations.clear()

    def _paths_of(self, kind: str) -> tuple[str, ...] | None:
        with self._lock:
            paths = self._configuration_paths.get(kind)
        if paths is None and self._project_files is not None:
            try:
                listed = list(self._project_files())
            except OSError:
                listed = []
            self.set_project_files(listed)
            with self._lock:
                paths = self._configuration_paths.get(kind)
        return paths

    def configuration(self, kind: str):
        """What the workspace's configurations of `kind` (a key of CONFIGURATIONS) say; None when
        it has none (or they are not known yet)."""
        paths = self._paths_of(kind)
        self._note(("l", kind, None, "\n".join(paths or ())))  # a new one changes results
        if not paths:
            return None
        for path in paths:
            self._note(("f", path))  # a cached result depends on them
        with self._lock:
            if kind in self._configurations:
                return self._configurations[kind]
        texts, read = [], []
        for path in paths:
            try:
                texts.append(safe_files.read_text(path, safe_files.SOURCE_LIMIT, errors="replace"))
            except OSError:
                continue
            read.append(path)
        found = CONFIGURATIONS[kind][1](texts, read)
        with self._lock:
            if self._configuration_paths.get(kind) == paths:
                self._configurations[kind] = found
        return found

    def url_routes(self) -> routes.Routes | None:
        """What the URL configurations say about views: without them a view is told by its shape alone."""
        return self._inherited_routes(self.configuration(routes.CONFIGURATIONS), self.module_path, self.module_symbols)

    def log_formatting(self) -> logconfig.LogFormatting | None:
        """What every handler the logging configurations set up escapes in a log record."""
        return self.configuration(logconfig.CONFIGURATIONS)

    def cors_origins(self) -> corsconfig.CorsOrigins | None:
        """What the configuration modules give flask-cors's CORS_ORIGINS."""
        return self.configuration(corsconfig.CONFIGURATIONS)

    def admin_sites(self) -> admin_sites.AdminSites | None:
        """Which model each admin class the admin modules register shows."""
        return self.configuration(admin_sites.CONFIGURATIONS)

    def default_socket_timeout(self) -> socket_timeout.DefaultSocketTimeout | None:
        """Where the program sets a lasting default timeout for its sockets."""
        return self.configuration(socket_timeout.CONFIGURATIONS)

    def _configuration_changed(self, path: str, gone: bool = False, text: str | None = None) -> None:
        kinds = [kind for kind, (is_configuration, _) in CONFIGURATIONS.items() if is_configuration(path)]
        # whether it holds each kind's marker, read before the lock (a kind without one: listed unless gone)
        holds = {kind: not gone and (MARKERS[kind] in text if text is not None else safe_files.source_holds(path, MARKERS[kind])) for kind in kinds if kind in MARKERS}
        with self._lock:
            for kind in list(kinds):
                known = self._configuration_paths.get(kind)
                listed = holds.get(kind, not gone)
                if kind in MARKERS:
                    if not listed and path not in (known or ()):
                        kinds.remove(kind)  # a module that neither holds it nor held it: nothing changed
                        continue
                if known is not None:
                    others = tuple(p for p in known if p != path)
                    self._configuration_paths[kind] = tuple(sorted((*others, path))) if listed else others
                self._configurations.pop(kind, None)
            if not kinds:
                return
            self.version += 1
        for listener in list(self.listeners):
            try:
                listener(path)
            except Exception:  # a listener must not break indexing
                log.exception("summary listener failed")

    # -- filling
    def update(self, path: str, text: str) -> bool:
        """(Re)computes the summaries of the file at `path`; True when they changed."""
        path = os.path.abspath(path)
        digest = hash(text)
        with self._lock:
            if self._texts.get(path) == digest:
                return False
        self._configuration_changed(path, text=text)
        try:
            tree = parse_within_budget(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        with self._lock:
            self._partial.pop(path, None)
        return self._store(path, digest, self._summarize_tree(path, tree))

    def refresh(self, path: str, only_if_missing: bool = False) -> bool:
        """Reads the file at `path` again (after it changed on disk, or was closed in the editor)."""
        path = os.path.abspath(path)
        if only_if_missing:
            with self._lock:
                if path in self._by_path:
                    return False
        try:
            text = safe_files.read_text(path, safe_files.SOURCE_LIMIT, errors="replace")
        except OSError:
            self.remove(path)
            return True
        with self._lock:
            self._texts.pop(path, None)
            if path not in self._by_path:
                self._paths.clear()  # a new file may answer module lookups that failed
                self._listings.clear()
        return self.update(path, text)

    def publish(
        self,
        path: str,
        summaries: Mapping[str, FunctionSummary],
        text: str | None = None,
        wanted: frozenset[str] | None = None,
        source: str | None = None,
    ) -> bool:
        """Stores summaries the engine already computed for `path` (no re-parse).

        With `text`, they count as the file's summaries for that text (the
        CLI: the file on disk); without, as an editor's unsaved version,
        whose text is `source`. With `wanted`, only those functions were
        summarised (the ones the file itself calls): others are computed when
        asked for, from `source` or else from the file.
        """
        path = os.path.abspath(path)
        digest = hash(text) if text is not None else None
        with self._lock:
            if wanted is None:
                self._partial.pop(path, None)
            else:
                self._partial[path] = (source, digest, frozenset(wanted), {})
        return self._store(path, digest, dict(summaries))

    def known(self, path: str, text: str) -> dict[str, FunctionSummary] | None:
        """The summaries of `path` if they were computed from `text`."""
        path = os.path.abspath(path)
        with self._lock:
            if self._texts.get(path) == hash(text) and path not in self._partial:
                return self._by_path.get(path)
        return None

    def _store(self, path: str, digest: int | None, summaries: dict[str, FunctionSummary], notify: bool = True) -> bool:
        with self._lock:
            if digest is not None:
                self._texts[path] = digest
            else:
                self._texts.pop(path, None)
            old = self._by_path.get(path)
            if old == summaries:
                return False
            self._by_path[path] = summaries
            self.version += 1
        if not notify:
            return True
        for listener in list(self.listeners):
            try:
                listener(path)
            except Exception:  # a listener must not break indexing
                log.exception("summary listener failed")
        return True

    def remove(self, path: str) -> None:
        self._configuration_changed(os.path.abspath(path), gone=True)
        with self._lock:
            path = os.path.abspath(path)
            self._texts.pop(path, None)
            self._partial.pop(path, None)
            if self._by_path.pop(path, None) is not None:
                self.version += 1
            self._paths.clear()
            self._listings.clear()

    def build(self, paths: Iterable[str], rounds: int = 2) -> None:
        """Summarises every file in `paths` (twice, so helpers calling helpers settle)."""
        paths = [os.path.abspath(p) for p in paths if p.endswith((".py", ".pyw"))]
        texts = {}
        for path in paths:
            try:
                texts[path] = safe_files.read_text(path, safe_files.SOURCE_LIMIT, errors="replace")
            except OSError:
                continue
        for _ in range(rounds):
            changed = False
            for path, text in texts.items():
                try:
                    tree = parse_within_budget(text)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    continue
                changed |= self._store(path, hash(text), self._summarize_tree(path, tree))
            if not changed:
                break

    def _summarize_tree(
        self, path: str, tree: ast.Module, wanted: frozenset[str] | None = None, computed: dict | None = None, remembered: dict | None = None
    ) -> dict[str, FunctionSummary]:
        from secure_ls.engine.symbols import summarize

        try:
            pieces = tree.for_names(wanted) if isinstance(tree, ModuleSource) and wanted is not None else None
            if pieces is not None:
                trees, symbols = pieces
            else:
                # A module's symbols are kept on its ModuleSource, the one tree summarised
                # more than once, and go with it: a cache keyed by id(tree) kept every
                # re-read file's whole tree alive (closing 50 files grew RSS each time).
                source = tree if isinstance(tree, ModuleSource) else None
                if source is not None:
                    tree = source.whole()
                symbols = source.whole_symbols if source is not None else None
                if symbols is None:
                    symbols = ModuleSymbols.merge([summarize(tree)])
                    if source is not None:
                        source.whole_symbols = symbols
                trees = [tree]
            external = self.resolver_for(path).lazy()
            found = summarize_module(trees, symbols, external, self.sources, self.sanitizers, wanted=wanted, computed=computed, remembered=remembered)
            if computed is not None and wanted is not None:
                # everything summarised so far for this file, not just this round's names
                found = {k: v for k, v in computed.items() if worth_keeping(v)}
            return found
        except (RecursionError, SyntaxError, ValueError, MemoryError):
            return {}

    def summaries(self, path: str, wanted: frozenset[str] | None = None) -> dict[str, FunctionSummary] | None:
        """The summaries of the file at `path` (at least of the functions `wanted`, if given)."""
        path = os.path.abspath(path)
        self._note(("f", path))
        with self._lock:
            found = self._by_path.get(path)
            partial = self._partial.get(path)
        if found is not None and partial is None:
            return self._read(path, wanted, found)
        if not self.lazy:
            return found
        computed: dict[str, FunctionSummary] = {}
        if partial is not None:
            tree, digest, names, computed = partial
            if wanted is not None and wanted <= names:
                return self._read(path, wanted, found)
        if partial is not None and not isinstance(tree, (ast.Module, ModuleSource)):
            # published by the engine: the rest comes from the editor's text, or else the file
            try:
                if tree is None:
                    text = safe_files.read_text(path, safe_files.SOURCE_LIMIT, errors="replace")
                else:
                    text = tree
            except OSError:
                return found
            tree = ModuleSource(text, self._kept_pieces)
            digest, computed = hash(text), {}
        elif partial is None:
            try:
                text = safe_files.read_text(path, safe_files.SOURCE_LIMIT, errors="replace")
            except OSError:
                return None
            digest, names = hash(text), frozenset()
            with self._lock:
                self._by_path.setdefault(path, {})  # what a cycle back into this module reads meanwhile
            tree = ModuleSource(text, self._kept_pieces)
        return self._compute(path, tree, digest, None if wanted is None else names | wanted, computed)

    def _compute(self, path: str, tree, digest: int, names: frozenset[str] | None, computed: dict, remembered: dict | None = None) -> dict[str, FunctionSummary] | None:
        with self._lock:
            if names is None:
                self._partial.pop(path, None)
            else:
                self._partial[path] = (tree, digest, names, computed)
        # read on first use: not a change anyone has to hear about
        stack = getattr(self._recording, "stack", None)
        if stack is not None:
            with self._lock:
                notes = self._deps.setdefault(path, set())
            stack.append(notes)  # what these summaries read is this module's dependency
        computing = self._per_thread("computing")
        computing.append(frame := _Computation(path, tree, digest, remembered))
        try:
            found = self._summarize_tree(path, tree, names, computed, frame.remembered)
        finally:
            computing.pop()
            if stack is not None:
                stack.pop()
        self._store(path, digest, found, notify=False)
        if frame.read_too_early(found):
            self._settle(frame)
        with self._lock:
            return self._by_path.get(path)

    # -- import cycles
    # Module A's functions call B's, which call A's: B's summaries are computed while A's are
    # still being computed, and read what A has so far. Which module the walk entered first
    # then decided what both summaries said (`check a.py b.py` and `check b.py a.py` reported
    # different findings). Once the entered module is done, the modules of the cycle are
    # recomputed until their summaries stop changing: the same answer from either end.
    def _read(self, path: str, wanted: frozenset[str] | None, found: dict[str, FunctionSummary]) -> dict[str, FunctionSummary]:
        computing = getattr(self._recording, "computing", None)
        for index in range(len(computing or ()) - 1, -1, -1):
            if computing[index].path == path:  # still being computed: a cycle came back to it
                computing[index].read_early(wanted, found, computing[index + 1 :])
                break
        return found

    def _settle(self, entered: _Computation) -> None:
        members = {**entered.cycle, entered.path: (entered.tree, entered.digest, entered.remembered)}
        for _ in range(_CYCLE_ROUNDS):
            changed = False
            for path in sorted(members):
                tree, digest, remembered = members[path]
                with self._lock:
                    partial = self._partial.get(path)
                    before = self._by_path.get(path)
                    if self._texts.get(path) != digest or (partial is not None and partial[1] != digest):
                        continue  # changed (or published by an editor) meanwhile: not this text any more
                # each function again, unless what it read is unchanged (summarize_module_steps)
                changed |= self._compute(path, tree, digest, partial[2] if partial is not None else None, {}, remembered) != before
            if not changed:
                return

    def module_symbols(self, path: str) -> ModuleSymbols | None:
        """What the top level of the module at `path` binds and declares (its whole file's
        symbols, as saved on disk): the facts a module takes from the modules it imports."""
        path = os.path.abspath(path)
        self._note(("f", path))  # a cached result of the importer depends on this file
        try:
            stat = os.stat(path)
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._module_symbols.get(path)
        if known is not None and known[0] == key:
            return known[1]
        try:
            text = safe_files.read_text(path, safe_files.SOURCE_LIMIT, errors="replace")
            found = ModuleSymbols.merge([summarize(parse_within_budget(text), text, for_importers=True)])
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            found = None
        with self._lock:
            self._module_symbols[path] = (key, found)  # one entry a file, as the summaries
        return found

    # -- resolving
    def module_path(self, dotted: str, importer: str | None = None) -> str | None:
        """The file of module `dotted` (absolute, or relative like `..pkg.mod` to `importer`)."""
        if dotted in CONFIGURATIONS:
            # not a module: the list of a kind of configurations, so that a cached result notices a new one
            return "\n".join(self._paths_of(dotted) or ())
        key = (dotted, os.path.dirname(importer) if importer else None)
        with self._lock:
            if key in self._paths:
                found = self._paths[key]
                self._note(("l", dotted, importer, found))
                return found
        found = self._module_path(dotted, importer)
        self._note(("l", dotted, importer, found))
        with self._lock:
            if len(self._paths) > 100_000:
                self._paths.clear()
                self._listings.clear()
            self._paths[key] = found
        return found

    def _module_path(self, dotted: str, importer: str | None) -> str | None:
        if dotted.startswith("."):
            if importer is None:
                return None
            base, rest = relative_start(dotted, importer)
            return self._file_for(os.path.join(base, *rest.split("."))) if rest else self._file_for(base)
        parts = dotted.split(".")
        starts = []
        for root in self.roots:
            starts.append(root)
            starts.append(os.path.join(root, "src"))
        if importer is not None:
            # the importer's own folder and its ancestors up to a root (scripts, tests)
            folder = os.path.dirname(os.path.abspath(importer))
            for _ in range(6):
                starts.append(folder)
                parent = os.path.dirname(folder)
                if parent == folder or any(folder == r for r in self.roots):
                    break
                folder = parent
        seen = set()
        for start in starts:
            if start in seen:
                continue
            seen.add(start)
            found = self._file_for(os.path.join(start, *parts))
            if found is not None:
                return found
        return None

    def _file_for(self, base: str) -> str | None:
        """`base.py` or `base/__init__.py`, from folder listings (a lookup probes many folders)."""
        folder, name = os.path.split(base)
        entries = self._listing(folder)
        if name + ".py" in entries and os.path.isfile(base + ".py"):
            return base + ".py"
        if name in entries and "__init__.py" in self._listing(base):
            init = os.path.join(base, "__init__.py")
            if os.path.isfile(init):
                return init
        return None

    def _listing(self, folder: str) -> frozenset[str]:
        found = self._listings.get(folder)
        if found is None:
            try:
                found = frozenset(os.listdir(folder))
            except OSError:
                found = frozenset()
            with self._lock:
                self._listings[folder] = found
        return found

    def resolver_for(self, path: str | None) -> Resolver:
        """The resolver for the file at `path` (kept, so its look-ups are remembered)."""
        path = os.path.abspath(path) if path else None
        with self._lock:
            found = self._resolvers.get(path)
            if found is None:
                if len(self._resolvers) > 10_000:
                    self._resolvers.clear()
                found = self._resolvers[path] = Resolver(self, path)
        return found


class Dependencies:
    """What one analysis read besides its own file: `files` (absolute paths whose
    summaries it used, directly or through other modules' summaries) and `lookups`
    ((module name, importer, the file it named or None) for every module-name lookup)."""

    def __init__(self):
        self.files: set[str] = set()
        self.lookups: set[tuple[str, str | None, str | None]] = set()


class Resolver(ImportsResolver):
    """Summaries for the names one file imports; also takes the file's own summaries back."""

    shares_summaries = True

    def __init__(self, workspace: WorkspaceSummaries, path: str | None):
        self.workspace = workspace
        self.path = path
        self._last: tuple[frozenset[str], int, dict[str, FunctionSummary]] | None = None
        self._lookups: dict[str, tuple[FunctionSummary | None, int]] = {}

    def __call__(self, imported: Iterable[str]) -> dict[str, FunctionSummary]:
        names = frozenset(imported)
        last = self._last
        if last is not None and last[0] == names and last[1] == self.workspace.version:
            return last[2]
        version = self.workspace.version
        out = self._resolve(names)
        self._last = (names, version, out)
        return out

    def _locate(self, qualified: str) -> tuple[str, str, str | None] | None:
        """(the module's file, the module as spelled, None) for `pkg.mod`, (file, `pkg.mod`, `func`)
        for `pkg.mod.func`; None outside the workspace or in this file itself."""
        ws = self.workspace
        module_file = ws.module_path(qualified, self.path)
        if module_file is not None and module_file != self.path:
            return module_file, qualified, None
        dots = qualified[: len(qualified) - len(qualified.lstrip("."))]
        rest = qualified[len(dots) :]
        if "." in rest:
            head, _, tail = rest.rpartition(".")
            head = dots + head
        else:
            head, tail = dots, rest
        if not head:
            return None
        module_file = ws.module_path(head, self.path)
        if module_file is None or module_file == self.path:
            return None
        return module_file, head, tail

    def in_workspace(self, qualified: str) -> bool:
        return self._locate(qualified) is not None

    def imported_symbols(self, imported: Iterable[str]) -> dict[str, ModuleSymbols]:
        """The symbols (WorkspaceSummaries.module_symbols) of the workspace modules the names
        `imported` bind (`pkg.mod`, `pkg.mod.func`, `.mod`), by module as spelled, once each."""
        located = [found for found in map(self._locate, sorted(imported)) if found is not None]
        files = {path: spelled for path, spelled, _ in reversed(located)}  # a file once, by its first spelling
        symbols = {spelled: self.workspace.module_symbols(path) for path, spelled in files.items()}
        return {spelled: found for spelled, found in symbols.items() if found is not None}

    def _resolve(self, imported: frozenset[str]) -> dict[str, FunctionSummary]:
        modules: dict[str, list[str]] = {}  # file -> prefixes it is imported as (whole module)
        names: dict[str, list[tuple[str, str]]] = {}  # file -> (module as spelled, name) imported from it
        for qualified in imported:
            # `pkg.mod` (a module: all its functions) or `pkg.mod.func` (one function)
            found = self._locate(qualified)
            if found is None:
                continue
            module_file, head, tail = found
            if tail is None:
                modules.setdefault(module_file, []).append(head)
            else:
                names.setdefault(module_file, []).append((head, tail))
        ws = self.workspace
        out: dict[str, FunctionSummary] = {}
        for module_file, prefixes in modules.items():
            for name, summary in (ws.summaries(module_file) or {}).items():
                for prefix in prefixes:
                    out[f"{prefix}.{name}"] = summary
        for module_file, pairs in names.items():
            found = ws.summaries(module_file, frozenset(tail for _, tail in pairs)) or {}
            for head, tail in pairs:
                summary = found.get(tail) or reexports.declared(ws, module_file, tail)  # a class imported there
                if summary is not None:
                    out[f"{head}.{tail}"] = summary
        return out

    def lookup(self, qualified: str, depth: int = 0) -> FunctionSummary | None:
        """The summary of one function by the qualified name a call resolves to (lazily): for
        `pkg.mod.Class.method` that the class does not define, the method of a base class it
        inherits (`Policy.get_by`, defined by the models' common base in another module)."""
        cache = self._lookups
        if not depth and qualified in cache and cache[qualified][1] == self.workspace.version:
            return cache[qualified][0]
        found = None
        dots = qualified[: len(qualified) - len(qualified.lstrip("."))]
        parts = qualified[len(dots) :].split(".")
        ws = self.workspace
        # `pkg.mod.func` or `pkg.mod.Class.method`
        for split in (len(parts) - 1, len(parts) - 2):
            if split < 0 or (split == 0 and not dots):
                continue
            module_file = ws.module_path(dots + ".".join(parts[:split]), self.path)
            if module_file is None or module_file == self.path:
                continue
            name = ".".join(parts[split:])
            found = (ws.summaries(module_file, frozenset({name})) or {}).get(name) or reexports.declared(ws, module_file, name)
            if found is None and split == len(parts) - 2 and depth < 3:
                found = self._inherited(module_file, dots + ".".join(parts[:split]), parts[split], parts[split + 1], depth)
            break
        if depth:
            return found  # a base's method, asked with less depth left than a call of it would have
        if len(cache) > 10_000:
            cache.clear()
        cache[qualified] = (found, self.workspace.version)
        return found

    def _inherited(self, module_file: str, module: str, cls: str, method: str, depth: int) -> FunctionSummary | None:
        """`method` of the first base of class `cls` (of `module`, in `module_file`) that has it:
        a base of the same module, or one its imports name."""
        symbols = self.workspace.module_symbols(module_file)
        if symbols is None:
            return None
        for base in symbols.class_bases.get(cls, ()):
            where = symbols.imports.get(base) or f"{module}.{base}"
            found = self.lookup(f"{where}.{method}", depth + 1)
            if found is not None:
                return found
        return None

    def url_routes(self) -> routes.Routes | None:
        return self.workspace.url_routes()

    def log_formatting(self) -> logconfig.LogFormatting | None:
        return self.workspace.log_formatting()

    def cors_origins(self) -> corsconfig.CorsOrigins | None:
        return self.workspace.cors_origins()

    def admin_sites(self) -> admin_sites.AdminSites | None:
        return self.workspace.admin_sites()

    def default_socket_timeout(self) -> socket_timeout.DefaultSocketTimeout | None:
        return self.workspace.default_socket_timeout()

    def declared_versions(self) -> declared_versions.DeclaredVersions | None:
        return (found := self.workspace.configuration(declared_versions.CONFIGURATIONS)) and found.for_file(self.path)  # its folders' declarations

    def lazy(self) -> LazySummaries:
        """A mapping that resolves external functions when a call asks for them (one-off analyses)."""
        return LazySummaries(self)

    def state(self) -> tuple:
        """Changes whenever a lazily looked-up summary may differ: part of cache keys.

        The importer's path is part of it: the same text in another folder
        resolves `from .helper import f` to another module (and the CLI's
        persistent cache must see every module a file's analysis reads)."""
        return (self.workspace.identity, self.workspace.version, self.path)

    def publish(
        self, summaries: Mapping[str, FunctionSummary], text: str | None = None, wanted: frozenset[str] | None = None, source: str | None = None
    ) -> None:
        if self.path is not None and self.path.endswith((".py", ".pyw")):
            self.workspace.publish(self.path, summaries, text, wanted, source)

    def own(self, text: str) -> dict[str, FunctionSummary] | None:
        """This file's summaries if the workspace already computed them for this very text."""
        return self.workspace.known(self.path, text) if self.path is not None else None


_CYCLE_ROUNDS = 3  # recomputations of an import cycle's modules; they settle in one or two


class _Computation:
    """One module's summaries being computed (on this thread), and what an import cycle read
    of them before they were done."""

    def __init__(self, path: str, tree, digest: int, remembered: dict | None = None):
        self.path, self.tree, self.digest = path, tree, digest
        # each function's summary and what it read (summarize_module_steps): for the cycle's settling
        self.remembered: dict = {} if remembered is None else remembered
        self.early: list[tuple[frozenset[str] | None, dict[str, FunctionSummary]]] = []  # (names read, what they got)
        self.cycle: dict[str, tuple] = {}  # the modules computed from an early read: path -> (tree, digest, remembered)

    def read_early(self, wanted: frozenset[str] | None, seen: dict[str, FunctionSummary], inside: list[_Computation]) -> None:
        self.early.append((wanted, seen))
        for computation in inside:
            self.cycle.setdefault(computation.path, (computation.tree, computation.digest, computation.remembered))

    def read_too_early(self, final: dict[str, FunctionSummary]) -> bool:
        """Whether a cycle read something of these summaries that they no longer say."""
        for wanted, seen in self.early:
            names = wanted if wanted is not None else seen.keys() | final.keys()
            if any(seen.get(name) != final.get(name) for name in names):
                return True
        return False
