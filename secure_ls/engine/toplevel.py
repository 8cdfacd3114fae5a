"""Values that cross top-level statements: scripts, CGI programs, CI helpers, notebooks.

Each top-level statement is its own unit (engine/units.py), so in

    branch = os.environ["GITHUB_HEAD_REF"]
    subprocess.run(f"git fetch origin {branch}", shell=True)

the second statement would not know what `branch` holds (a pull request's branch name,
catalog.CLIENT_ENVIRONMENT). `ModuleScope` tells each
statement unit the binding, at the end of the last earlier statement unit that assigns
it, of every name it reads that the module assigns at the top level (and not to a
literal: module constants are known already). Those units are analysed for their data
flow only, once per analysis, and their own earlier names the same way.

Only module-level code sees these bindings: a function reads a global when it is called,
which may be after any later assignment. A binding handed over keeps its origin (kind,
label, sanitized sinks) but not the path it took in the other unit, nor its expressions:
those are positions and nodes of another unit. The analyzer keys a unit's cached findings
by the text of every unit it depends on this way (`key`).
"""

from __future__ import annotations

import ast
import bisect
from typing import Callable, Sequence

from secure_ls.engine import catalog
from secure_ls.engine.bindings import Binding, Env
from secure_ls.engine.taint import UNTRUSTED, Origin, Part

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def is_statement_unit(tree: ast.Module | None) -> bool:
    """Whether a unit runs module-level code (not only definitions and imports)."""
    return tree is not None and any(not isinstance(stmt, _DEFINITIONS) for stmt in tree.body)


class ModuleScope:
    """For one analysis: which earlier statement unit each statement unit's names come from.

    `symbols[i]` is unit i's UnitSymbols (what it binds at the top level), `facts[i]` the
    analyzer's facts about it (`[1]` the names it reads, `[2]` the functions and classes
    it defines), `statements[i]` whether it runs module-level code; `context_for(unit, env)`
    gives a fresh analysis context of a unit whose module-level code starts from `env`.
    """

    def __init__(self, units: Sequence, symbols: Sequence, facts: Sequence[tuple], statements: Sequence[bool], constants: set[str], context_for: Callable):
        self._units = units
        self._reads = lambda index: facts[index][1]
        self._context_for = context_for
        self._statement = statements  # statements[i]: unit i runs module-level code (is_statement_unit)
        self._statement_indexes = [index for index, flag in enumerate(statements) if flag]
        self._by_name: dict[str, list[int]] = {}  # name -> the statement units assigning it, in order
        for index in self._statement_indexes:
            assigned = {name for name, qualified in symbols[index].bindings if qualified is None}
            for name in assigned - facts[index][2] - constants:
                self._by_name.setdefault(name, []).append(index)
        self._deps: dict[int, dict[str, int]] = {}
        self._keys: dict[int, int] = {}
        self._envs: dict[int, Env] = {}
        self._end_envs: dict[int, Env] = {}
        self._contexts: list = []  # the contexts that ran units for their end bindings (release)

    def deps(self, index: int) -> dict[str, int]:
        """The names a statement unit reads -> the earlier unit whose binding it sees."""
        found = self._deps.get(index)
        if found is None:
            found = {}
            if self._statement[index] and self._by_name:
                for name in self._reads(index) & self._by_name.keys():
                    assigners = self._by_name[name]
                    before = bisect.bisect_left(assigners, index)
                    if before:
                        found[name] = assigners[before - 1]
            self._deps[index] = found
        return found

    def fold_keys(self, unit_keys: list[int]) -> None:
        """Makes each unit's cache key depend on the units whose bindings it sees."""
        for index in self._statement_indexes:
            depends = self.key(index)
            if depends is not None:
                unit_keys[index] = hash((unit_keys[index], depends))

    def key(self, index: int) -> int | None:
        """What the unit's findings depend on through these names (None: nothing)."""
        if not self.deps(index):
            return None
        return self._key(index)

    def _key(self, index: int) -> int:
        known = self._keys.get(index)
        if known is None:
            self._keys[index] = 0  # a cycle cannot happen (deps point back), but stay safe
            deps = self.deps(index)
            known = hash((self._units[index].parsed.text, tuple(sorted((name, self._key(j)) for name, j in deps.items()))))
            self._keys[index] = known
        return known

    def env_for(self, index: int) -> Callable[[], Env] | None:
        """A function giving the unit's module-level starting bindings (computed when asked)."""
        if not self.deps(index):
            return None
        return lambda: self._env(index)

    def _env(self, index: int) -> Env:
        known = self._envs.get(index)
        if known is not None:
            return known
        self._envs[index] = {}  # while it is computed: a unit never depends on itself
        env: Env = {}
        for name, source in self.deps(index).items():
            binding = self._end_env(source).get(name)
            if binding is not None and _worth_handing_over(binding):
                env[name] = _handed_over(binding)
        self._envs[index] = env
        return env

    def _end_env(self, index: int) -> Env:
        """The bindings at the end of a unit's module-level code, run from its own starting ones."""
        known = self._end_envs.get(index)
        if known is None:
            context = self._context_for(self._units[index], self._env(index))
            self._contexts.append(context)
            known = self._end_envs[index] = context.module_end_env()
        return known

    def release(self) -> None:
        """Releases the contexts that ran units for their end bindings (UnitContext.release),
        once every unit of the module is analysed: the bindings handed over were made plain."""
        for context in self._contexts:
            context.release()
        self._contexts.clear()
        self._end_envs.clear()


def _worth_handing_over(binding: Binding) -> bool:
    """A constant, or data a remote party sent. Other values (the operator's command-line
    arguments and environment, unknown results) stay unknown, as before: without the other
    unit's expressions a rule could not tell how they were built (a URL whose literal prefix
    fixes the host, a query assembled from trusted pieces)."""
    parts = binding.origin.parts
    return not parts or any(p.kind == UNTRUSTED and p.label not in catalog.WEAK_SOURCES for p in parts)


def _handed_over(binding: Binding) -> Binding:
    """The binding as another unit may see it: its origin without the other unit's path or nodes."""
    parts = frozenset(Part(p.kind, p.label, p.safe_for) for p in binding.origin.parts)
    return Binding(Origin(parts), alias=binding.alias)
