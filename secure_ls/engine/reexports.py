"""Classes a module names again after importing them (a re-export).

A package keeps its old import paths working when it moves a class:

    # dojo/forms.py
    from dojo.risk_acceptance.ui.forms import EditRiskAcceptanceForm  # noqa: F401 -- backward compat

and its views go on importing `from dojo.forms import EditRiskAcceptanceForm`. What the class
declares (engine/declarations.Declaration: a form's typed fields, an enum, a model's typed fields, a
dependency alias) is in the summaries of the module that defines it; the workspace asks
`declared` for it when the module the importer names has no summary under that name.

The same holds for a FastAPI dependency factory (`from .dependencies import require_scopes`,
then `user: require_scopes("node.view")`): what it returns is an injected dependency.

Only declarations and dependency factories are followed: they say what a class's fields or an
annotated parameter can hold (so they only narrow what a finding may be), while another
function's summary may add a source the importer would not have seen before.
"""

from __future__ import annotations

import os
import re

from secure_ls import safe_files
from secure_ls.engine.summaries import FunctionSummary
from secure_ls.engine.declarations import Declaration

_MAX_HOPS = 3  # `a.forms` re-exports from `a.ui.forms`, which re-exports from `a.ui.forms.edit`
# `from a.b import C, d as e` (or parenthesised over lines), at any indentation (under a `try:`)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_imported_by_file: dict[str, tuple[tuple[int, int], frozenset[str]]] = {}


def declared(workspace, module_file: str, name: str, hops: int = 0) -> Declaration | FunctionSummary | None:
    """The declaration of the class `name` (or the summary of the dependency factory `name`) that
    the module at `module_file` imports from another workspace module (and does not define
    itself), found where it is defined; else None."""
    if hops >= _MAX_HOPS or name not in _from_imported(module_file):
        return None  # (most names a module does not summarize are its own: no need to parse it again)
    symbols = workspace.module_symbols(module_file)
    target = symbols.imports.get(name) if symbols is not None and name not in symbols.defined else None
    if not target:
        return None
    dots = target[: len(target) - len(target.lstrip("."))]
    head, _, tail = target[len(dots) :].rpartition(".")
    head = dots + head
    if not head or not tail:
        return None  # `import pkg`: a module, not a class
    source = workspace.module_path(head, module_file)
    if source is None or source == module_file:
        return None
    found = (workspace.summaries(source, frozenset({tail})) or {}).get(tail)
    if found is None:
        return declared(workspace, source, tail, hops + 1)
    return found if isinstance(found, Declaration) or isinstance(found, FunctionSummary) and found.returns_dependency else None


def _from_imported(path: str) -> frozenset[str]:
    """The names `from ... import` statements bind in the file, read from its text without parsing it
    (a cheap first look: the file's symbols, parsed, decide)."""
    try:
        stat = os.stat(path)
        key = (stat.st_mtime_ns, stat.st_size)
        known = _imported_by_file.get(path)
        if known is not None and known[0] == key:
            return known[1]
        text = safe_files.read_text(path, safe_files.SOURCE_LIMIT, errors="replace")
    except (OSError, ValueError):
        return frozenset()
    names = set()
    for match in _FROM_IMPORT.finditer(text):
        for item in re.sub(r"#[^\n]*", "", match.group(1)).strip("()").split(","):
            words = item.split()
            if words:
                names.add(words[-1])  # `C` or the alias of `d as e`
    if len(_imported_by_file) > 4096:
        _imported_by_file.clear()
    found = _imported_by_file[path] = (key, frozenset(names))
    return found[1]
