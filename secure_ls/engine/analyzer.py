"""The engine: text in, findings out. Knows rules, knows nothing about LSP.

Analysis is incremental by construction: a file is split into top-level
units (engine/units.py); each unit's findings are cached under its text and
a fingerprint of the module's top-level bindings (imports, constants).
Editing inside one function re-analyses that function only; editing an
import re-analyses everything, since names may now resolve differently.
"""

from __future__ import annotations

import ast
import dataclasses
import logging
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, NamedTuple, TypeVar

from secure_ls.engine import constructions, own_storage_calls, protocols, regex_constants, summaries, toplevel
from secure_ls.engine.context import Dispatch, UnitContext, indexed, walk
from secure_ls.engine.declarations import Declaration, function_aliases
from secure_ls.engine.fix_imports import FixImports
from secure_ls.engine.model import AnalysisResult, Edit, Finding, Position, Span
from secure_ls.engine.resolver import NO_WORKSPACE, ImportsResolver
from secure_ls.engine.symbols import ModuleSymbols, UnitSymbols, non_html_bases_imported, summarize
from secure_ls.engine.yaml_tags import yaml_extensions_imported
from secure_ls.engine.pacing import Pace, Steps, finish
from secure_ls.engine.units import Layout, Unit, UnitParser, line_offset, may_continue, resplit, statement_starts

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 3_000_000
# Size budget of the per-text caches (characters of unit text, plus _FINDING_COST per
# cached finding): roughly a few hundred MB at most.
CACHE_BUDGET = 40_000_000
_FINDING_COST = 4_000


@dataclass
class EngineOptions:
    """Analysis knobs that change findings (so they are part of cache keys)."""

    sources: dict[str, str] | None = None
    sanitizers: dict[str, frozenset[str]] | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    # the project's folder: only folders below it can make a file test code (a checkout
    # under /ci/tests/ is not a test suite); None: the whole path counts
    project_root: str | None = None

    def fingerprint(self) -> int:
        return hash(
            (
                frozenset((self.sources or {}).items()),
                frozenset((self.sanitizers or {}).items()),
            )
        )


class Beginning(NamedTuple):
    """Engine.analyze_beginning's answer."""

    result: AnalysisResult  # the findings in the lines looked at
    lines: int  # how many lines were looked at (whole lines, from the first)


@dataclass
class _UnitAnalysis:
    findings: list[Finding]
    problems: list[str] = field(default_factory=list)


class Engine:
    def __init__(self, rules: Iterable[type] | None = None, options: EngineOptions | None = None):
        if rules is None:
            from secure_ls.rules import all_rules

            rules = all_rules()
        self.rules = [r() for r in rules if getattr(r, "language", "python") == "python"]
        self.options = options or EngineOptions()
        self._dispatch = Dispatch(self.rules)
        self._parser = UnitParser()
        self._symbols: dict[str, UnitSymbols] = {}
        self._results: dict[tuple[str, int], _UnitAnalysis] = {}
        self._sessions: dict[object, _Session] = {}
        self._fix_imports = FixImports()
        self._facts: dict[str, tuple] = {}
        self._constructors = constructions.Index()  # which units call which units' classes
        self._function_summaries: dict[tuple, dict] = {}
        self._wanted: frozenset[str] | None = frozenset()  # during one analysis: see _summarize
        self._lazy = None  # during one analysis: external summaries looked up on demand

    def analyze(
        self, text: str, key: object = None, imports_resolver: ImportsResolver | None = None, path: str | None = None, *, on_disk: bool = False
    ) -> AnalysisResult:
        """Findings for `text`, the file at `path`.

        `key` names a document whose successive versions are analysed (an
        editor buffer): the units before and after the edited region, and
        their findings, are reused from the previous version.

        `imports_resolver` (resolver.ImportsResolver, from the workspace store;
        None: no workspace) gives the summaries of functions of other workspace
        modules this file imports, and is handed this file's own summaries.

        `on_disk`: `text` is what the file holds on disk, analysed once (a batch
        run): other modules' functions are looked up when a call needs them,
        summaries the workspace already has for this very text are reused, and
        this file's are published as the file's. Otherwise `text` is an editor's
        buffer: its summaries stand for its unsaved version only.
        """
        return finish(self.analysis_steps(text, key, imports_resolver, path, on_disk=on_disk))

    def analysis_steps(
        self, text: str, key: object = None, imports_resolver: ImportsResolver | None = None, path: str | None = None, *, on_disk: bool = False
    ) -> Steps[AnalysisResult]:
        """`analyze` in slices (engine/pacing.py): a generator that pauses about every
        SLICE seconds and returns the result. While it is paused the caller may run other
        analyses on this engine. One given up before its end (`close()`) leaves nothing
        for `key` but the units it parsed and analysed, cached by their text: the next
        analysis of the document reuses them."""
        return (yield from self._driven(self._analysis(text, key, imports_resolver, path, on_disk, Pace(), publish=True)))

    def _driven(self, steps: Steps[T], still_wanted: Callable[[], bool] | None = None) -> Steps[T | None]:
        """Runs `steps`, pausing where they pause. The engine's state of the computation
        (what it summarises, its lazy look-ups) is put back after each pause, since other
        analyses may run on this engine while it is paused. None, and `steps` closed, when
        `still_wanted()` turns false at a pause."""
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value
            during = (self._wanted, self._lazy)
            yield
            self._wanted, self._lazy = during
            if still_wanted is not None and not still_wanted():
                steps.close()
                return None

    def analyze_beginning(self, text: str, lines: int, imports_resolver: ImportsResolver | None = None, path: str | None = None) -> Beginning | None:
        """A first look at a long document: the findings of about its first `lines` lines,
        analysed as if the file ended at the top-level statement there (None: the text is
        not longer than that, or too long to analyse at all). Nothing is kept for the
        document, and its summaries are not handed to the workspace (they lack the rest of
        the file): the whole analysis follows. Until it lands, a finding that depends on a
        function defined further down may be missing or differ."""
        cut = line_offset(text, lines)
        if cut is None or len(text) > self.options.max_chars:
            return None
        starts = statement_starts(text[:cut])
        if len(starts) < 2:
            return None
        beginning = text[: starts[-1]]
        # a multi-line string or bracket still open where the text was cut leaves its
        # opening unit unparsed and its lines read as code: stop before that unit
        normalized = beginning.replace("\r\n", "\n").replace("\r", "\n")
        for unit in self._parser.split(normalized.lstrip("\ufeff")):
            if may_continue(unit.parsed):
                beginning = text[: line_offset(text, unit.start_line) or 0]
                break
        result = finish(self._analysis(beginning, None, imports_resolver, path, False, Pace(), publish=False))
        return Beginning(result, beginning.count("\n"))

    def _analysis(
        self, text: str, key: object, imports_resolver: ImportsResolver | None, path: str | None, on_disk: bool, pace: Pace, publish: bool
    ) -> Steps[AnalysisResult]:
        """The analysis of `analyze`, pausing at `pace`; `publish`: the summaries found are the file's (or buffer's)."""
        if on_disk and key is not None:
            raise ValueError("a file on disk is analysed once: it has no document key")
        if text.startswith("\ufeff"):
            # A byte order mark kept in an editor buffer: `ast` rejects it, which
            # would lose the whole first unit (often the imports). Analyse without
            # it; positions on the first line move right by its one column.
            return _after_bom((yield from self._analysis(text[1:], key, imports_resolver, path, on_disk, pace, publish)))
        if len(text) > self.options.max_chars:
            self._sessions.pop(key, None)
            return AnalysisResult(
                problems=[f"file not analysed: {len(text):,} characters is over the {self.options.max_chars:,}-character limit (setting maxFileSize)"]
            )
        newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        resolver = NO_WORKSPACE if imports_resolver is None else imports_resolver
        previous = self._sessions.get(key) if key is not None else None
        layout = yield from self._layout(previous, text, pace)
        units = layout.units
        symbols = []
        for unit in units:
            symbols.append(self._unit_symbols(unit))
            self._unit_facts(unit.parsed)  # what summaries and unit keys read, cached by text
            if pace.due():
                yield
        base, base_fingerprint = self._module_base(previous, symbols, units, resolver, path)
        external, external_fingerprint = self._external_summaries(previous, base, resolver, on_disk)
        fingerprint = hash((base_fingerprint, external_fingerprint))
        if pace.due():
            yield
        # the previous version's summaries, unit keys and findings hold only under the same fingerprint
        reusable = previous if previous is not None and previous.fingerprint == fingerprint else None
        known = resolver.own(text) if on_disk else None
        if known is not None:
            # a file whose summaries the workspace already has (an earlier module of the run asked for them)
            summaries_state = _Summaries([{}] * len(units), known, _by_head(known), frozenset(known))
        else:
            # An editor's document hands its summaries to the other documents: all of
            # them. Not on the first analysis, though: there only what this file calls
            # is summarised, so its diagnostics come first; complete_summaries() adds
            # the rest when the editor is idle.
            everything = previous is not None and resolver.shares_summaries
            summaries_state = yield from self._summarize(units, layout, reusable, base, fingerprint, external, pace, everything)
        module = self._with_functions(base, external, summaries_state, reusable)
        # a unit's findings depend on the summaries of the functions it names, not on all of them
        unit_keys = self._unit_keys(units, layout, reusable, fingerprint, summaries_state)
        per_unit, problems = yield from self._findings_per_unit(layout, reusable, symbols, module, unit_keys, pace)
        result = _result(units, per_unit, problems)
        if key is not None:
            self._sessions[key] = _Session(
                text, units, layout.starts, symbols, module, fingerprint, per_unit,
                base, base_fingerprint, external, external_fingerprint, summaries_state, unit_keys,
            )
        if known is None and publish:
            # a file on disk: its summaries are the file's; an editor buffer's are its unsaved version's
            # what was summarised: the functions the file calls, not the classes it names (their
            # declarations are computed when another module asks, with their bases)
            wanted = summaries_state.wanted - frozenset(base.class_bases) if summaries_state.wanted is not None else None
            resolver.publish(summaries_state.local, text if on_disk else None, wanted, source=None if on_disk else text)
        self._fix_imports.add(result.findings, units, module)
        if newline != "\n":
            result.findings = [_with_newline(f, newline) for f in result.findings]
        return result

    def _layout(self, previous: _Session | None, text: str, pace: Pace) -> Steps[Layout]:
        """The units of `text`: re-split only around the edit when the document had a previous version."""
        layout = resplit(self._parser, previous.text, previous.units, previous.starts, text) if previous is not None else None
        if layout is None:
            units = yield from self._parser.split_steps(text, pace)
            layout = Layout(units, [u.start_offset for u in units], [None] * len(units), 0)
        return layout

    def _module_base(self, previous: _Session | None, symbols: list[UnitSymbols], units: list[Unit], resolver: ImportsResolver, path: str | None):
        """The module's symbols (its units' merged, and what its path and the workspace's
        configurations say about it) and their fingerprint: the previous version's if unchanged."""
        test_file = is_test_path(path, self.options.project_root)
        protocol = protocols.of_path(path, self.options.project_root)
        configurations = {name: _configuration(resolver, symbols, modules, ask) for name, modules, ask in _CONFIGURATION_ASKS}
        yaml_imported = yaml_extensions_imported(resolver, symbols)  # PyYAML's tags are the process's
        non_html_bases = non_html_bases_imported(resolver, symbols)  # a Tornado API handler's base in another module
        patterns = regex_constants.known_patterns(resolver, symbols)  # `re.sub(self.LEGAL_NAME, ...)` of a base elsewhere
        # a notebook, a script, a migration: its own calls of its functions are all the calls
        notebook = bool(path) and path.endswith(".ipynb")
        closed_world = notebook or self._constructors.runs_alone(units)
        # a serializer of the module that its objects only hand what they read from their own storage
        pickling = frozenset().union(*(s.pickling_methods for s in symbols))
        own_storage = own_storage_calls.own_storage_methods(
            (u.parsed.tree for u in units if u.parsed.tree is not None), pickling, frozenset(n for s in symbols for n, q in s.bindings if q is not None)
        ) if pickling else frozenset()
        if (
            previous is not None
            and symbols == previous.symbols
            and (previous.base.is_test_file, previous.base.closed_world, previous.base.own_storage_methods) == (test_file, closed_world, own_storage)
            and previous.base.is_notebook == notebook
            and previous.base.protocol == protocol
            and all(getattr(previous.base, name) is found for name, found in configurations.items())
            and previous.base.yaml_extensions_imported == yaml_imported
            and previous.base.non_html_bases_imported == non_html_bases
            and previous.base.known_patterns == patterns
        ):
            return previous.base, previous.base_fingerprint
        base = ModuleSymbols.merge(symbols)
        base.is_test_file = test_file
        base.closed_world = closed_world
        base.is_notebook = notebook
        base.protocol = protocol
        base.own_storage_methods = own_storage
        for name, found in configurations.items():
            setattr(base, name, found)
        base.yaml_extensions_imported = yaml_imported
        base.non_html_bases_imported = non_html_bases
        base.known_patterns = patterns
        return base, hash((base.fingerprint(), self.options.fingerprint()))

    def _external_summaries(self, previous: _Session | None, base: ModuleSymbols, resolver: ImportsResolver, on_disk: bool) -> tuple[dict, int]:
        """The summaries of the workspace functions the module imports, and their fingerprint.

        A file on disk looks them up when a call needs them (`self._lazy`, during this
        analysis): what calls will look up is not known yet, so its caches are keyed by
        the workspace's state, or a helper edited in another module would leave this
        file's findings stale. An editor's document resolves them first: they are part
        of its cache keys."""
        self._lazy = resolver.lazy() if on_disk else None
        if self._lazy is not None:
            return {}, hash(resolver.state())
        external = resolver(base.imports.values()) if base.imports else {}
        if previous is not None and previous.external == external:
            return previous.external, previous.external_fingerprint
        return external, hash(frozenset(external.items())) if external else 0

    def _with_functions(self, base: ModuleSymbols, external: dict, state: "_Summaries", reusable: _Session | None) -> ModuleSymbols:
        """The module's symbols with the summaries of its functions and of those it imports."""
        if reusable is not None and state.local is reusable.summaries.local:
            return reusable.module
        return dataclasses.replace(base, functions=self._lazy.with_local(state.local) if self._lazy is not None else {**external, **state.local})

    def _findings_per_unit(
        self, layout: Layout, reusable: _Session | None, symbols: list[UnitSymbols], module: ModuleSymbols, unit_keys: list[int], pace: Pace
    ) -> Steps[tuple[list[list[Finding]], list[str]]]:
        """Each unit's findings (the previous version's where its key did not change, else
        cached by its text and key, else analysed now), and the problems the analyses hit."""
        units = layout.units
        # a class's findings also depend on what the module's other units pass to its constructor
        facts = [self._unit_facts(u.parsed) for u in units]
        callers = self._constructors.callers(units, [f[3] for f in facts], unit_keys, module.closed_world)
        # ... and a script's statement on what the earlier statements left in the names it reads
        overrides = {"sources": self.options.sources, "sanitizers": self.options.sanitizers}
        statements = [self._constructors.is_statement(u.parsed) for u in units]
        scope = toplevel.ModuleScope(units, symbols, facts, statements, module.constants, lambda unit, env: UnitContext(unit.parsed, module, overrides, module_env=env))
        scope.fold_keys(unit_keys)
        if pace.due():
            yield
        per_unit: list[list[Finding]] = []
        problems: list[str] = []
        # A caller unit's data flow (no rules, no constructor arguments of its own) is the same
        # whichever unit asks, so it is run once for this analysis of the file, not once per
        # class or private function it calls (a third of those runs were repeats on the
        # standard library); released with the analysis (UnitContext.release), so nothing
        # outlives the file's pass and nothing is left to the cyclic collector.
        callers_flow: dict[int, UnitContext] = {}

        def caller_context(unit: Unit) -> UnitContext:
            found = callers_flow.get(id(unit))
            if found is None:
                found = callers_flow[id(unit)] = indexed(UnitContext(unit.parsed, module, overrides))
            return found

        for index, unit in enumerate(units):
            parsed = unit.parsed
            old = layout.old_index[index]
            if reusable is not None and old is not None and reusable.unit_keys[old] == unit_keys[index]:
                findings = reusable.per_unit[old]
                if layout.line_delta and findings and index >= layout.first_suffix:
                    findings = [f.shifted(layout.line_delta) for f in findings]
                per_unit.append(findings)
                continue
            if parsed.tree is None:
                per_unit.append([])
                continue
            cache_key = (parsed.text, unit_keys[index])
            analysis = self._results.get(cache_key)
            if analysis is None:
                arguments = constructions.arguments(units, callers.get(index, ()), caller_context, module.closed_world)
                analysis = yield from self._analyze_unit(parsed, module, pace, arguments, scope.env_for(index))
                if len(self._results) > 50_000:
                    self._results.clear()
                self._results[cache_key] = analysis
                self._charge(len(parsed.text) + _FINDING_COST * len(analysis.findings))
                if pace.due():
                    yield
            problems.extend(analysis.problems)
            per_unit.append([f.shifted(unit.start_line) for f in analysis.findings])
        scope.release()
        for context in callers_flow.values():
            context.release()
        return per_unit, problems

    def forget(self, key: object) -> None:
        """Drops what is kept about a document (it was closed)."""
        self._sessions.pop(key, None)

    def _charge(self, cost: int) -> None:
        """Bounds the per-text caches by size, not just by entries: every version of a
        big unit (a 600-line function with 600 findings is ~3 MB of findings) would
        otherwise stay cached, and memory grew by megabytes per keystroke."""
        self._cache_cost = getattr(self, "_cache_cost", 0) + cost
        if self._cache_cost > CACHE_BUDGET:
            self._results.clear()
            self._symbols.clear()
            self._facts.clear()
            self._constructors.clear()
            self._cache_cost = 0

    def _unit_symbols(self, unit: Unit) -> UnitSymbols:
        cached = self._symbols.get(unit.parsed.text)
        if cached is None:
            try:
                cached = summarize(unit.parsed.tree, unit.parsed.text) if unit.parsed.tree is not None else UnitSymbols((), frozenset(), frozenset())
            except RecursionError:  # an absurdly deep expression (`a+a+...+a` thousands of times)
                cached = UnitSymbols((), frozenset(), frozenset())
            if len(self._symbols) > 50_000:
                self._symbols.clear()
            self._symbols[unit.parsed.text] = cached
            self._charge(len(unit.parsed.text))
        return cached

    # ---- function summaries ----------------------------------------------------
    def _unit_facts(self, parsed) -> tuple:
        """(whether the unit defines functions, the names it reads, the names it defines,
        the functions it may call, the summary keys it defines), cached by text."""
        cached = self._facts.get(parsed.text)
        if cached is None:
            tree = parsed.tree
            if tree is None:
                cached = (False, frozenset(), frozenset(), frozenset(), frozenset())
            else:
                defined = frozenset(s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
                keys = frozenset(k for k, _ in summaries.top_level_functions(tree)).union(function_aliases([tree])) if defined else frozenset()
                try:
                    names, calls = summaries.references(tree)
                except RecursionError:
                    names, calls = frozenset(), frozenset()
                cached = (bool(defined), names, defined, calls, keys)
            if len(self._facts) > 50_000:
                self._facts.clear()
            self._facts[parsed.text] = cached
            self._charge(len(parsed.text))
        return cached

    def has_session(self, key: object) -> bool:
        """Whether the document was analysed whole before (its next analysis is incremental)."""
        return key in self._sessions

    def has_partial_summaries(self, key: object) -> bool:
        """Whether the document's session summarised only the functions it calls itself."""
        session = self._sessions.get(key)
        return session is not None and session.summaries.wanted is not None

    def complete_summaries(self, key: object, imports_resolver: ImportsResolver | None) -> bool:
        """`completion_steps` run straight through (nothing can replace the session meanwhile)."""
        return finish(self.completion_steps(key, imports_resolver)) is not False

    def completion_steps(self, key: object, imports_resolver: ImportsResolver | None) -> Steps[bool | None]:
        """Summarises every function of the document's last analysis and publishes them
        (other modules may import functions this one never calls).

        The document's findings stay valid: they depend only on the functions it
        calls, whose summaries do not change. Returns False when one did change
        after all (a recursion settled differently) and the document must be
        analysed again.

        Pauses like `analysis_steps`: a 20,000-line module takes seconds to summarise
        whole, and the editor runs this while the user may start typing again. An
        analysis of the document while it is paused (an edit) replaces its session: then
        this stops with nothing published and returns None (the new version, if its
        summaries are partial, is completed in its turn).
        """
        session = self._sessions.get(key)
        resolver = NO_WORKSPACE if imports_resolver is None else imports_resolver
        if session is None or session.summaries.wanted is None or not resolver.shares_summaries:
            return True
        old = session.summaries.local
        self._lazy = None
        steps = self._summarize(session.units, None, None, session.base, session.fingerprint, session.external, Pace(), everything=True)
        state = yield from self._driven(steps, lambda: self._sessions.get(key) is session)
        if state is None:
            return None  # given up: see above
        if any(state.local.get(name) != summary for name, summary in old.items()):
            self._sessions.pop(key, None)
            return False
        session.summaries = dataclasses.replace(state, changed_heads=frozenset())
        session.module = dataclasses.replace(session.base, functions={**session.external, **state.local})
        resolver.publish(state.local, None, None)
        return True

    def _summarize(
        self, units, layout, previous, base: ModuleSymbols, fingerprint: int, external: dict, pace: Pace, everything: bool = False
    ) -> Steps["_Summaries"]:
        """Summaries of the module's functions, recomputing only what an edit can change.

        With the previous version of the document (same imports and
        external summaries), only the edited units are summarised again;
        units that call a function whose summary changed follow, up to three
        rounds (helpers calling helpers). Without one, every unit is
        summarised, then those calling the functions found, and so on.
        """
        count = len(units)
        per_unit: list[dict] = [{}] * count
        if previous is not None:
            old_state = previous.summaries
            local = old_state.local
            old_per_unit = old_state.per_unit
            per_unit = [old_per_unit[o] if o is not None else {} for o in layout.old_index]
            todo = [i for i, o in enumerate(layout.old_index) if o is None]
            # functions newly called by the edited units need their summaries now
            # (the set only grows within a session: a summary nobody calls is harmless)
            self._wanted = old_state.wanted
            added = set()
            for index in todo if self._wanted is not None else ():
                calls = self._unit_facts(units[index].parsed)[3]
                if not calls <= self._wanted:
                    added |= calls - self._wanted
            if added:
                self._wanted = self._wanted | added
                # units defining a newly called function summarise it now; a name typed
                # that no unit defines needs no search through the units
                if any(name.split(".", 1)[0] in base.defined for name in added):
                    todo = todo + [
                        i for i, o in enumerate(layout.old_index) if o is not None and not self._unit_facts(units[i].parsed)[4].isdisjoint(added)
                    ]
            touched: set[str] = set()
            for old in set(range(len(old_per_unit))).difference(layout.old_index):
                touched.update(old_per_unit[old])
            by_head = old_state.by_head
        else:
            self._wanted = None if everything else frozenset().union(*(self._unit_facts(u.parsed)[3] for u in units))
            local, by_head, todo = yield from self._summarize_in_order(units, per_unit, base, fingerprint, external, pace)
            touched = set()
        changed_heads: set[str] = set(by_head) if previous is None else set()
        for _ in range(4):
            for index in todo:
                per_unit[index] = yield from self._unit_summaries(units[index].parsed, base, fingerprint, external, local, by_head, pace)
                touched.update(per_unit[index])
            if not touched:
                break
            fresh = {}
            for index in todo:
                fresh.update(per_unit[index])
            if touched == fresh.keys() and all(local.get(k) == v for k, v in fresh.items()):
                break  # the usual keystroke: the edited function's summary did not change
            merged: dict = {}
            for found in per_unit:
                if found:
                    merged.update(found)
            changed = {k for k in touched if local.get(k) != merged.get(k)}
            if not changed:
                break
            local = merged
            by_head = _by_head(local)
            heads = {k.split(".", 1)[0] for k in changed}
            heads |= {k.split(".", 1)[0] for k, v in local.items() if isinstance(v, Declaration) and v.alias_of in changed}  # `DEFAULT = helper`
            changed_heads |= heads
            todo = [i for i in range(count) if self._unit_facts(units[i].parsed)[0] and not self._unit_facts(units[i].parsed)[1].isdisjoint(heads)]
            touched = set()
        return _Summaries(per_unit, local, by_head, frozenset(changed_heads), self._wanted)

    def _summarize_in_order(self, units, per_unit: list[dict], base, fingerprint: int, external: dict, pace: Pace):
        """Summarises every unit, callees first; returns the merged summaries and the units to redo (cycles)."""
        provider: dict[str, int] = {}
        defining = []
        for index, unit in enumerate(units):
            if unit.parsed.tree is None:
                continue
            defines, _, defined, _, _ = self._unit_facts(unit.parsed)
            if defines:
                defining.append(index)
                for name in defined:
                    provider[name] = index
        position = {index: n for n, index in enumerate(defining)}
        needs = []
        for index in defining:
            names = self._unit_facts(units[index].parsed)[1]
            needs.append({position[provider[n]] for n in names if n in provider and provider[n] != index})
        local: dict = {}
        by_head: dict = {}
        done: set[int] = set()
        redo = []
        for n in summaries.callees_first(needs):
            index = defining[n]
            if not needs[n] <= done:
                redo.append(index)
            found = yield from self._unit_summaries(units[index].parsed, base, fingerprint, external, local, by_head, pace)
            per_unit[index] = found
            for key, value in found.items():
                if key not in local:
                    by_head.setdefault(key.split(".", 1)[0], []).append(key)
                local[key] = value
            done.add(n)
        merged: dict = {}
        for found in per_unit:
            if found:
                merged.update(found)  # file order: a later definition wins
        return merged, _by_head(merged), redo

    def _unit_summaries(self, parsed, base, fingerprint: int, external: dict, known: dict, by_head: dict, pace: Pace) -> Steps[dict]:
        if parsed.tree is None:
            return {}
        defines, names, _, _, keys = self._unit_facts(parsed)
        if not defines:
            return {}
        # only functions something in the module may call need a summary
        wanted = keys if self._wanted is None else frozenset(k for k in keys if k in self._wanted)
        if not wanted:
            return {}
        relevant = _relevant(names, known, by_head)
        cache_key = (parsed.text, fingerprint, relevant, wanted)
        found = self._function_summaries.get(cache_key)
        if found is None:
            functions = self._lazy.with_local(known) if self._lazy is not None else {**external, **known}
            found = yield from summaries.summarize_module_steps(
                [parsed.tree], base, functions, self.options.sources, self.options.sanitizers, names=names, wanted=wanted, pace=pace
            )
            if len(self._function_summaries) > 50_000:
                self._function_summaries.clear()
            self._function_summaries[cache_key] = found
        return found

    def _unit_keys(self, units, layout, previous, fingerprint: int, state: "_Summaries") -> list[int]:
        keys = []
        changed = state.changed_heads
        if previous is not None and not changed:
            # nothing the other units call changed: they keep their keys
            old_keys = previous.unit_keys
            for index, old in enumerate(layout.old_index):
                if old is not None:
                    keys.append(old_keys[old])
                else:
                    relevant = _relevant(self._unit_facts(units[index].parsed)[1], state.local, state.by_head)
                    keys.append(hash((fingerprint, relevant)) if relevant else fingerprint)
            return keys
        for index, unit in enumerate(units):
            old = layout.old_index[index]
            names = self._unit_facts(unit.parsed)[1] if state.local else frozenset()
            if previous is not None and old is not None and (not changed or names.isdisjoint(changed)):
                keys.append(previous.unit_keys[old])
                continue
            relevant = _relevant(names, state.local, state.by_head)
            keys.append(hash((fingerprint, relevant)) if relevant else fingerprint)
        return keys

    def _analyze_unit(self, parsed, module: ModuleSymbols, pace: Pace, constructor_arguments=None, module_env=None) -> Steps[_UnitAnalysis]:
        overrides = {"sources": self.options.sources, "sanitizers": self.options.sanitizers}
        ctx = UnitContext(parsed, module, overrides, constructor_arguments, module_env)
        problems: list[str] = []

        def on_error(rule, node, exc):
            where = f"line {getattr(node, 'lineno', '?')}"
            problems.append(f"rule {rule.id} ({rule.name}) failed at {where} of a unit: {type(exc).__name__}: {exc}")

        try:
            yield from walk(ctx, self._dispatch, on_error, pace)
        except RecursionError:
            problems.append("unit too deeply nested to analyse completely")
        finally:
            findings = ctx.findings
            ctx.release()
        return _UnitAnalysis(_dedupe(findings), problems)


_TEST_PATH = re.compile(r"(^|/)_?(tests?|testing|e2e|test[_-]?data|(?:[\w.-]*[_-])?(?:unit|integration|functional|e2e|acceptance)[_-]?tests?)/|^[\w.-]+_tests/|(^|/)test_[^/]*\.py$|_tests?\.py$|(^|/)(tests?|testing|conftest)\.py$")


def is_test_path(path: str | None, root: str | None = None) -> bool:
    """Whether `path` names test code (tests/ or _tests/, unittests/, integration_tests/, e2e/ (end-to-end
    tests, as Playwright, Cypress and Selenium suites name it), test_data/ and testdata/ (the
    inputs tests read: fake secrets for a scanner's tests), test_*.py, *_test.py,
    conftest.py, and a module named test.py, tests.py or testing.py: a Django app's tests, a
    project's test settings). With the project's `root`, only the part of the path below it counts,
    and a top-level package named `<project>_tests/` is the project's test suite too (a folder so
    named further down may be a feature, `ab_tests/`)."""
    if not path:
        return False
    path = path.replace("\\", "/")
    if root:
        root = root.replace("\\", "/").rstrip("/") + "/"
        if path.startswith(root):
            path = path[len(root) :]
    return bool(_TEST_PATH.search(path))


def _with_newline(finding: Finding, newline: str) -> Finding:
    return finding.with_fixes(lambda fix: fix.with_edits(tuple(Edit(e.span, e.text.replace("\n", newline)) for e in fix.edits)))


# What a module asks the workspace's configurations (engine/workspace.CONFIGURATIONS): the field
# of ModuleSymbols that holds the answer, the imports that make a module ask, and the question.
# Django's URL configurations, the logging configurations, flask-cors's CORS_ORIGINS, the admin
# classes, the program's default socket timeout (for `urlopen`), and the versions of the libraries
# whose old defaults were the weakness (PyYAML's `load`, lxml's entities) the project declares.
_CONFIGURATION_ASKS: tuple[tuple[str, tuple[str, ...], Callable[[ImportsResolver], object]], ...] = (
    ("url_routes", ("django",), lambda resolver: resolver.url_routes()),
    ("log_formatting", ("logging",), lambda resolver: resolver.log_formatting()),
    ("cors_origins", ("flask_cors",), lambda resolver: resolver.cors_origins()),
    ("admin_sites", ("django",), lambda resolver: resolver.admin_sites()),
    ("default_socket_timeout", ("urllib", "urllib2", "six.moves.urllib"), lambda resolver: resolver.default_socket_timeout()),
    ("declared_versions", ("yaml", "lxml"), lambda resolver: resolver.declared_versions()),
)


def _configuration(resolver: ImportsResolver, symbols: list[UnitSymbols], modules: tuple[str, ...], ask: Callable[[ImportsResolver], object]) -> object:
    """What the workspace's configurations answer to `ask` (see _CONFIGURATION_ASKS), for a file
    that imports one of `modules`: only such a file's results depend on them."""
    if not any(m == module or m.startswith(module + ".") for unit in symbols for m in unit.imported_modules for module in modules):
        return None
    return ask(resolver)


def _result(units: list[Unit], per_unit: list[list[Finding]], problems: list[str]) -> AnalysisResult:
    """The analysis result: the units' findings in file order, the problems the analyses hit,
    then the units not analysed (too big) and the syntax errors."""
    result = AnalysisResult(problems=problems)
    for unit in units:
        parsed = unit.parsed
        if parsed.skipped is not None:
            # no findings and no syntax error in its lines: what was there before is gone
            first, last = unit.start_line + 1, unit.start_line + parsed.text.rstrip("\n").count("\n") + 1
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            result.problems.append(f"{where} not analysed: {parsed.skipped}")
        elif parsed.tree is None:
            result.syntax_errors.append(_syntax_error(unit))
    for findings in per_unit:
        result.findings.extend(findings)
    return result


def _after_bom(result: AnalysisResult) -> AnalysisResult:
    def pos(p: Position) -> Position:
        return Position(0, p.column + 1) if p.line == 0 else p

    def span(s: Span) -> Span:
        return Span(pos(s.start), pos(s.end))

    def finding(f: Finding) -> Finding:
        f = f.with_fixes(lambda fix: fix.with_edits(tuple(Edit(span(e.span), e.text) for e in fix.edits)))
        related = tuple(dataclasses.replace(r, span=span(r.span)) for r in f.related)
        return dataclasses.replace(f, span=span(f.span), related=related)

    result.findings = [finding(f) for f in result.findings]
    result.syntax_errors = [(span(s), m) for s, m in result.syntax_errors]
    return result


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.key in seen:
            continue
        seen.add(f.key)
        out.append(f)
    return out


def _by_head(local: dict) -> dict[str, list[str]]:
    """Summary keys by the name a call spells first (`Class` for `Class.method`)."""
    out: dict[str, list[str]] = {}
    for key in local:
        out.setdefault(key.split(".", 1)[0], []).append(key)
    return out


def _relevant(names: frozenset[str], local: dict, by_head: dict) -> tuple:
    """The summaries a unit reading `names` depends on, as a hashable key."""
    if not local:
        return ()
    found = []
    if len(names) < len(by_head):
        for name in names:
            for key in by_head.get(name, ()):
                found.append((key, local[key]))
    else:
        for head, keys in by_head.items():
            if head in names:
                found.extend((key, local[key]) for key in keys)
    # a class attribute bound to a function (`DEFAULT = helper`) stands for that function's summary
    found.extend([(v.alias_of, local.get(v.alias_of)) for _, v in found if isinstance(v, Declaration) and v.alias_of])
    found.sort(key=lambda item: item[0])
    return tuple(found)


@dataclass
class _Summaries:
    per_unit: list[dict]  # the summaries of the functions each unit defines
    local: dict  # all of them, merged in file order
    by_head: dict
    changed_heads: frozenset[str]  # names whose summary changed since the previous version
    wanted: frozenset[str] | None = frozenset()  # the functions something in the module may call (None: all)


@dataclass
class _Session:
    """What the last analysis of one document left, for the next version."""

    text: str
    units: list[Unit]
    starts: list[int]
    symbols: list[UnitSymbols]
    module: ModuleSymbols
    fingerprint: int
    per_unit: list[list[Finding]]
    base: ModuleSymbols
    base_fingerprint: int
    external: dict
    external_fingerprint: int
    summaries: _Summaries
    unit_keys: list[int]


def _syntax_error(unit: Unit) -> tuple[Span, str]:
    parsed = unit.parsed
    line, col, message = parsed.error
    lines = parsed.text.split("\n")
    line_text = lines[line - 1] if 0 < line <= len(lines) else ""
    col = min(col, len(line_text))
    start = Position(unit.start_line + line - 1, col)
    end = Position(start.line, len(line_text) if len(line_text) > col else col)
    return Span(start, end), message
