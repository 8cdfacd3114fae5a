"""Classes a module names again after importing them (a re-export).

A package keeps its old import paths working when it moves a class:

    # dojo/forms.py
    from dojo.risk_acceptance.ui.forms import EditRiskAcceptanceForm  # noqa: F401 -- backward compat

and its views go on importing `from dojo.forms import EditRiskAcceptanceForm`. What the class
declares (engine/symbols.Declaration: a form's typed fields, an enum, a model's typed fields, a
dependency alias) is in the summaries of the module that defines it; the workspace asks
`declared` for it when the module the importer names has no summary under that name.

Only declarations are followed: they describe what a class's fields can hold (so they only
narrow what a finding may be), while a function's summary may add a source the importer would
not have seen before.
"""

from __future__ import annotations

from secure_ls.engine.symbols import Declaration

_MAX_HOPS = 3  # `a.forms` re-exports from `a.ui.forms`, which re-exports from `a.ui.forms.edit`


def declared(workspace, module_file: str, name: str, hops: int = 0) -> Declaration | None:
    """The declaration of the class `name` that the module at `module_file` imports from another
    workspace module (and does not define itself), found where it is defined; else None."""
    if hops >= _MAX_HOPS:
        return None
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
    return found if isinstance(found, Declaration) else None
