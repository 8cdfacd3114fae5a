"""The lowest version of each library that the project's dependency files let it run with.

Some weaknesses are a library's old default. PyYAML before 6.0 let `yaml.load(stream)` build
any Python object; from 6.0 on, `Loader` is a required argument and that call raises TypeError.
lxml before 5.0 resolved external entities with its default parser; from 5.0 on it resolves
internal ones only. A project that declares it runs only with versions past the change never
meets the old default:

    PyYAML==6.0.3                   # requirements_constraints.txt
    lxml = "5.1.0"                  # pyproject.toml (Poetry)
    "lxml >=5.0.0,<8",              # pyproject.toml (PEP 621)

`read` takes every dependency file of the workspace (requirements and constraints files,
pyproject.toml, lock files: deps/files.py) and gives, for each library some file declares with
a version, the lowest version the declarations allow: the least of their lower bounds (a pin is
its own). One declaration with a version but no lower bound (`PyYAML<6`) leaves the library
without a floor. A declaration without any version says nothing of which one runs: it is left
out when another file pins one (a constraints file beside `requirements.txt`), and a library
only named that way has no floor. The rules ask, through ModuleSymbols.declared_versions,
`at_least("pyyaml", "6.0")`: no workspace, or no dependency file, answers no.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from secure_ls.deps.files import is_dependency_file, parse_dependency_file

# What a cached result records for the list of dependency files (workspace.module_path answers it
# like a module-name lookup): no module has this name.
CONFIGURATIONS = "<declared versions>"
# Operators that set a lower bound: `>5.0` allows 5.0.post1, so its bound is 5.0 itself.
_LOWER_BOUNDS = frozenset({"==", "===", ">=", ">", "~="})


@dataclass(frozen=True)
class DeclaredVersions:
    floors: dict[str, Version] = field(default_factory=dict)  # canonical name -> lowest version allowed
    fingerprint: int = 0

    def at_least(self, library: str, version: str) -> bool:
        """Whether every version of `library` the project declares is `version` or later."""
        floor = self.floors.get(canonicalize_name(library))
        return floor is not None and floor >= Version(version)


def is_declaration(path: str) -> bool:
    return is_dependency_file(path)


def read(texts: Iterable[str], paths: Iterable[str] = ()) -> DeclaredVersions | None:
    """The floors the dependency files `texts` (at `paths`, in the same order) set."""
    texts, paths = list(texts), list(paths)
    lowest: dict[str, Version | None] = {}
    for text, path in zip(texts, paths):
        for dependency in parse_dependency_file(path, text).dependencies:
            if not dependency.pinned and not any(str(s) for s in dependency.specifiers):
                continue  # `pyyaml`: any version; a pin elsewhere says which
            floor = _floor(dependency.pinned, dependency.specifiers, dependency.constraints)
            known = lowest.get(dependency.name, floor)
            lowest[dependency.name] = None if floor is None or known is None else min(floor, known)
    floors = {name: floor for name, floor in lowest.items() if floor is not None}
    if not floors:
        return None
    return DeclaredVersions(floors, hash(tuple(sorted((name, str(v)) for name, v in floors.items()))))


def _floor(pinned: str | None, alternatives: list[SpecifierSet], constraints: SpecifierSet | None) -> Version | None:
    """The lowest version a declaration allows: its pin, else the least lower bound of its
    alternatives (Poetry's `||`), raised by a constraints file's; None when one has none."""
    if pinned:
        return _version(pinned)
    bounds = [_lower_bound(s) for s in alternatives]
    floor = None if not bounds or None in bounds else min(b for b in bounds if b is not None)
    extra = _lower_bound(constraints) if constraints is not None else None
    if floor is None or extra is None:
        return floor if extra is None else extra
    return max(floor, extra)


def _lower_bound(specifiers: SpecifierSet) -> Version | None:
    bounds = [_version(s.version) for s in specifiers if s.operator in _LOWER_BOUNDS and not s.version.endswith(".*")]
    known = [b for b in bounds if b is not None]
    return max(known) if known else None


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None
