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
only named that way has no floor. A dependency file governs the modules under its folder: a
tool kept inside the project with requirements of its own (`tools/mscp/requirements.txt`,
`pyyaml<7`) says nothing of the project's other modules (`for_file`). The rules ask, through
ModuleSymbols.declared_versions, `at_least("pyyaml", "6.0")`: no workspace, or no dependency
file above the module, answers no.
"""

from __future__ import annotations

import os
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
    # the folder of each dependency file -> what it declares (canonical name -> its floor, None
    # for a version range with no lower bound): `for_file` keeps the folders a module is under
    by_folder: dict[str, dict[str, Version | None]] = field(default_factory=dict, compare=False)

    def at_least(self, library: str, version: str) -> bool:
        """Whether every version of `library` the project declares is `version` or later."""
        floor = self.floors.get(canonicalize_name(library))
        return floor is not None and floor >= Version(version)

    def for_file(self, path: str | None) -> "DeclaredVersions | None":
        """What the dependency files of the folders above `path` declare: a tool's own
        requirements in another folder (`tools/mSCP/requirements.txt`) do not govern it."""
        if path is None:
            return self
        here = os.path.dirname(os.path.abspath(path))
        governing = [declared for folder, declared in self.by_folder.items() if here == folder or here.startswith(folder.rstrip(os.sep) + os.sep)]
        return _combined(governing)


def is_declaration(path: str) -> bool:
    return is_dependency_file(path)


def read(texts: Iterable[str], paths: Iterable[str] = ()) -> DeclaredVersions | None:
    """The floors the dependency files `texts` (at `paths`, in the same order) set."""
    by_folder: dict[str, dict[str, Version | None]] = {}
    for text, path in zip(texts, paths):
        declared = by_folder.setdefault(os.path.dirname(os.path.abspath(path)), {})
        for dependency in parse_dependency_file(path, text).dependencies:
            if not dependency.pinned and not any(str(s) for s in dependency.specifiers):
                continue  # `pyyaml`: any version; a pin elsewhere says which
            floor = _floor(dependency.pinned, dependency.specifiers, dependency.constraints)
            _lower(declared, dependency.name, floor)
    if not any(by_folder.values()):
        return None
    whole = _combined(list(by_folder.values()))
    fingerprint = hash(tuple(sorted((folder, name, str(v)) for folder, declared in by_folder.items() for name, v in declared.items())))
    return DeclaredVersions(whole.floors if whole else {}, fingerprint, by_folder)


def _combined(declarations: list[dict[str, Version | None]]) -> DeclaredVersions | None:
    lowest: dict[str, Version | None] = {}
    for declared in declarations:
        for name, floor in declared.items():
            _lower(lowest, name, floor)
    floors = {name: floor for name, floor in lowest.items() if floor is not None}
    if not floors:
        return None
    return DeclaredVersions(floors, hash(tuple(sorted((name, str(v)) for name, v in floors.items()))))


def _lower(lowest: dict[str, Version | None], name: str, floor: Version | None) -> None:
    """Keep in `lowest` the least floor of `name` seen so far; None (no lower bound) wins."""
    known = lowest.get(name, floor)
    lowest[name] = None if floor is None or known is None else min(floor, known)


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
