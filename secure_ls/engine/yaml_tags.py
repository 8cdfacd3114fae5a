"""PyYAML's process-wide registrations: a module that adds its own tags (or dumps Python objects)
changes what every other module's `yaml.load` accepts. What a unit does is part of its symbols
(symbols.UnitSymbols.yaml_extensions); which imported workspace modules do is asked per module
(yaml_extensions_imported), for SLS105 (rules/unsafe_yaml_load.py)."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from secure_ls.engine import astutil

if TYPE_CHECKING:
    from secure_ls.engine.symbols import UnitSymbols

_REGISTRATIONS = frozenset(
    {"add_constructor", "add_multi_constructor", "add_representer", "add_multi_representer", "add_implicit_resolver", "add_path_resolver"}
)


# every construct yaml_extensions looks for has one of these words in its text
YAML_HINT = re.compile(r"add_(?:multi_)?(?:constructor|representer)|add_(?:implicit|path)_resolver|YAMLObject|yaml_tag|dump")


def yaml_extensions(tree: ast.Module) -> bool:
    """Whether the unit registers PyYAML tags, defines a YAMLObject, or dumps with yaml.dump."""
    for node in astutil.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and (
                func.attr in _REGISTRATIONS
                or (func.attr in ("dump", "dump_all") and isinstance(func.value, ast.Name) and func.value.id == "yaml"
                    and not any(k.arg == "Dumper" and "Safe" in ast.unparse(k.value) for k in node.keywords))
            ):
                return True
        elif isinstance(node, ast.ClassDef):
            if any((astutil.dotted(base) or "").endswith("YAMLObject") for base in node.bases):
                return True
            if any(isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "yaml_tag" for t in s.targets) for s in node.body):
                return True
    return False


def yaml_extensions_imported(resolver, units: list["UnitSymbols"]) -> tuple[str, ...]:
    """The workspace modules a module imports at its top level that register their own YAML
    tags or dump Python objects (UnitSymbols.yaml_extensions), as spelled: PyYAML's loaders are
    shared by the whole process, so a registration there changes what this module's loads
    accept. Asked only of a module that imports yaml; () without a workspace to ask
    (`resolver` is the analysis's imports resolver, engine/resolver.ImportsResolver)."""
    if not any(m == "yaml" or m.startswith("yaml.") for u in units for m in u.imported_modules):
        return ()
    names = {q for u in units for _, q in u.bindings if q is not None} | {m for u in units for m in u.imported_modules}
    return tuple(sorted(name for name, found in resolver.imported_symbols(names).items() if found.yaml_extensions))
