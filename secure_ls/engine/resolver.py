"""What the engine asks of the workspace store, as one typed interface.

An analysis asks the workspace (engine/workspace.py `WorkspaceSummaries`, through the
`Resolver` it makes for one file) for the summaries of the functions the file imports,
for what the project's configurations say, and hands the file's own summaries back.
`ImportsResolver` lists exactly those questions; `NO_WORKSPACE` answers them for a file
analysed on its own (nothing imported is known, nothing is shared).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from secure_ls.engine.admin_sites import AdminSites
    from secure_ls.engine.corsconfig import CorsOrigins
    from secure_ls.engine.declared_versions import DeclaredVersions
    from secure_ls.engine.logconfig import LogFormatting
    from secure_ls.engine.routes import Routes
    from secure_ls.engine.socket_timeout import DefaultSocketTimeout
    from secure_ls.engine.summaries import FunctionSummary
    from secure_ls.engine.symbols import ModuleSymbols


class ImportsResolver(Protocol):
    """The workspace store as one file's analysis sees it."""

    # whether other modules read the summaries this file publishes (then an editor's
    # document summarises all its functions, not only those it calls itself)
    shares_summaries: bool

    def __call__(self, imported: Iterable[str]) -> Mapping[str, FunctionSummary]:
        """The summaries of the workspace functions the qualified names `imported` name
        (`pkg.util.clean`, or `.util`: all of that module's), resolved before the analysis."""
        ...

    def lookup(self, qualified: str) -> FunctionSummary | None:
        """The summary of one function, by the qualified name a call resolves to."""
        ...

    def in_workspace(self, qualified: str) -> bool:
        """Whether the module `qualified` names (`pkg.mod`), or the one its last name is defined in
        (`pkg.mod.Key`), is a module of the workspace."""
        ...

    def lazy(self) -> LazySummaries | None:
        """A mapping that looks functions up when a call asks for them (None: nothing to look up)."""
        ...

    def state(self) -> tuple:
        """Changes whenever a looked-up summary may differ: part of the cache keys of a lazy analysis."""
        ...

    def own(self, text: str) -> Mapping[str, FunctionSummary] | None:
        """This file's summaries, if the workspace already computed them from this very `text`."""
        ...

    def publish(
        self, summaries: Mapping[str, FunctionSummary], text: str | None = None, wanted: frozenset[str] | None = None, source: str | None = None
    ) -> None:
        """Takes the file's summaries: with `text`, as the file's on disk; else as an editor's
        unsaved version whose text is `source`. `wanted`: only those functions were summarised."""
        ...

    def url_routes(self) -> Routes | None:
        """The project's Django URL configurations."""
        ...

    def log_formatting(self) -> LogFormatting | None:
        """What the project's logging configurations escape."""
        ...

    def cors_origins(self) -> CorsOrigins | None:
        """The origins the project's flask-cors settings allow."""
        ...

    def admin_sites(self) -> AdminSites | None:
        """Which model each admin class the project's admin modules register shows."""
        ...

    def default_socket_timeout(self) -> DefaultSocketTimeout | None:
        """Where the program sets a lasting default timeout for its sockets."""
        ...

    def declared_versions(self) -> DeclaredVersions | None:
        """The lowest version of each library the project's dependency files allow."""
        ...

    def imported_symbols(self, imported: Iterable[str]) -> dict[str, ModuleSymbols]:
        """What the top level of each workspace module the qualified names `imported` name
        binds and declares (a module's facts its importers take, such as its YAML tags)."""
        ...


class NoWorkspace(ImportsResolver):
    """The resolver of a file analysed on its own: no module it imports is known, its
    summaries go nowhere, and no configuration applies."""

    shares_summaries = False

    def __call__(self, imported: Iterable[str]) -> Mapping[str, FunctionSummary]:
        return {}

    def lookup(self, qualified: str) -> FunctionSummary | None:
        return None

    def in_workspace(self, qualified: str) -> bool:
        return False

    def lazy(self) -> LazySummaries | None:
        return None

    def state(self) -> tuple:
        return ()

    def own(self, text: str) -> Mapping[str, FunctionSummary] | None:
        return None

    def publish(
        self, summaries: Mapping[str, FunctionSummary], text: str | None = None, wanted: frozenset[str] | None = None, source: str | None = None
    ) -> None:
        pass

    def url_routes(self) -> Routes | None:
        return None

    def log_formatting(self) -> LogFormatting | None:
        return None

    def cors_origins(self) -> CorsOrigins | None:
        return None

    def admin_sites(self) -> AdminSites | None:
        return None

    def default_socket_timeout(self) -> DefaultSocketTimeout | None:
        return None

    def declared_versions(self) -> DeclaredVersions | None:
        return None

    def imported_symbols(self, imported: Iterable[str]) -> dict[str, ModuleSymbols]:
        return {}


NO_WORKSPACE = NoWorkspace()


class LazySummaries(Mapping):
    """Summaries looked up on first use: local ones first, then the workspace's."""

    def __init__(self, resolver: ImportsResolver, local: Mapping[str, FunctionSummary] | None = None):
        self.resolver = resolver
        self.local = dict(local or {})
        # while set, every key read (and whether of the local ones alone) with what it gave: a
        # summary computed again from the same reads is the same (summaries.summarize_module_steps)
        self.reads: dict[tuple[str, bool], object] | None = None

    def with_local(self, local: Mapping[str, FunctionSummary]) -> "LazySummaries":
        return LazySummaries(self.resolver, local)

    def layered(self) -> "LazySummaries":
        """These summaries, with what is stored into the copy kept apart (no copy of the local ones)."""
        layered = LazySummaries(self.resolver)
        layered.local = ChainMap({}, self.local)
        return layered

    def get(self, key, default=None):
        found = self.local.get(key)
        if found is None and "." in key:
            found = self.resolver.lookup(key)
        if self.reads is not None:
            self.reads.setdefault((key, False), found)
        return found if found is not None else default

    def own(self) -> Mapping[str, FunctionSummary]:
        """The local summaries alone (no workspace look-up), reads still recorded."""
        return self.local if self.reads is None else _OwnReads(self)

    def reads_again(self, reads: Mapping[tuple[str, bool], object]) -> bool:
        """Whether every key in `reads` (as `reads` records them) still gives what it gave."""
        for (key, own), before in reads.items():
            now = self.local.get(key) if own else self.get(key)
            if now is not before and now != before:
                return False
        return True

    def in_workspace(self, qualified: str) -> bool:
        return self.resolver.in_workspace(qualified)

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __setitem__(self, key, value) -> None:
        self.local[key] = value

    def __iter__(self):
        return iter(self.local)

    def __len__(self) -> int:
        return len(self.local)

    def __bool__(self) -> bool:
        return True


def own_functions(functions: Mapping[str, FunctionSummary]) -> Mapping[str, FunctionSummary]:
    """The summaries of `functions` that need no workspace look-up (a lazy mapping's local ones)."""
    return functions.own() if isinstance(functions, LazySummaries) else functions


class _OwnReads(Mapping):
    """A lazy mapping's local summaries, read by key and recorded in its `reads`."""

    def __init__(self, lazy: LazySummaries):
        self.lazy = lazy

    def get(self, key, default=None):
        found = self.lazy.local.get(key)
        self.lazy.reads.setdefault((key, True), found)  # type: ignore[union-attr]
        return found if found is not None else default

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self):
        return iter(self.lazy.local)

    def __len__(self) -> int:
        return len(self.lazy.local)
