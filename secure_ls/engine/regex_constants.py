"""The compiled patterns a module's substitutions name but do not define.

`re.sub(PATTERN, "-", name)` escapes what the pattern replaces (engine/regex_removal.py), when
the engine knows the pattern's text. A module's own `PATTERN = re.compile("...")` is known from
its symbols. Two common spellings name a pattern defined elsewhere:

    from .vars import LEGAL_NAME              # vars.py: LEGAL_NAME = re.compile(r"[^0-9A-Za-z_-]")
    re.sub(LEGAL_NAME, "-", name)

    class BaseView(View):                     # the class attribute a view's methods read
        LEGAL_NAME = LEGAL_NAME               # (or LEGAL_NAME = re.compile(...) in the class)
    class DeployView(BaseView):
        def post(self):
            re.sub(self.LEGAL_NAME, "-", name)

Each unit's symbols say which names it reads as a substitution's pattern and what its classes
bind to class attributes (`pattern_sources`); the analyzer resolves them through the workspace
once per module (`known_patterns`): the imported name to the `re.compile` of the module it comes
from, a class attribute to the pattern or module name it is bound to, in the module's own classes
and in the base classes it imports (one module away, as `non_html_bases_imported` looks). Only
`re.compile` of one literal pattern counts, as for the module's own names (symbols.made_with).
"""

from __future__ import annotations

import ast
import collections
import re

from secure_ls.engine import astutil
from secure_ls.engine.regex_removal import SUB_FUNCTIONS, SUB_METHODS

PATTERN, ALIAS, READ = "pattern", "alias", "read"
# every unit that reads a pattern as a substitution's has one of these in its text
READ_HINT = re.compile(r"\.subn?\(")


def pattern_sources(tree: ast.Module, reads: bool = True) -> tuple[tuple[str, str, str], ...]:
    """(key, kind, text): `("Base.LEGAL", PATTERN, "[^a-z]")` for `class Base: LEGAL =
    re.compile("[^a-z]")`, `("Base.LEGAL", ALIAS, "LEGAL_NAME")` for `LEGAL = LEGAL_NAME` in the
    class body; with `reads`, `("LEGAL_NAME", READ, "")` for a name read as a substitution's
    pattern (`re.sub(LEGAL_NAME, ...)`, `LEGAL_NAME.sub(...)`) and `(".LEGAL", READ, "")` for an
    attribute so read (`re.sub(self.LEGAL, ...)`)."""
    out: list[tuple[str, str, str]] = []
    for stmt in tree.body:
        if not isinstance(stmt, ast.ClassDef):
            continue
        for item in stmt.body:
            if not (isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name)):
                continue
            key = f"{stmt.name}.{item.targets[0].id}"
            if isinstance(item.value, ast.Name):
                out.append((key, ALIAS, item.value.id))
            elif (text := compiled_text(item.value)) is not None:
                out.append((key, PATTERN, text))
    for node in astutil.walk(tree) if reads else ():
        if not isinstance(node, ast.Call):
            continue
        if astutil.dotted(node.func) in SUB_FUNCTIONS:
            read = node.args[0] if node.args else None  # `re.sub(LEGAL_NAME, "-", name)`
        elif isinstance(node.func, ast.Attribute) and node.func.attr in SUB_METHODS:
            read = node.func.value  # `LEGAL_NAME.sub("-", name)`
        else:
            continue
        if isinstance(read, ast.Name):
            out.append((read.id, READ, ""))
        elif isinstance(read, ast.Attribute) and isinstance(read.value, ast.Name):
            out.append(("." + read.attr, READ, ""))
    return tuple(dict.fromkeys(out))


def compiled_text(value: ast.expr) -> str | None:
    """The pattern of `re.compile("literal")` (one literal argument, no flags), else None."""
    if (
        isinstance(value, ast.Call)
        and astutil.dotted(value.func) == "re.compile"
        and len(value.args) == 1
        and not value.keywords
        and isinstance(value.args[0], ast.Constant)
        and isinstance(value.args[0].value, str)
    ):
        return value.args[0].value
    return None


def known_patterns(resolver, units) -> tuple[tuple[str, str], ...]:
    """(key, pattern text) for the names the module reads as patterns that it imports
    (`LEGAL_NAME`), and for the class attributes it so reads (`self.LEGAL`), of its own classes and
    of the classes it imports as bases (`BaseView.LEGAL`), whose text is known. `units`: the
    module's UnitSymbols; `resolver` finds the modules it imports (as in
    symbols.non_html_bases_imported). Empty, and nothing asked, for a module that reads none."""
    sources = [s for u in units for s in u.pattern_sources]
    reads = {key for key, kind, _ in sources if kind == READ}
    if not reads:
        return ()
    attributes = {key[1:] for key in reads if key.startswith(".")}
    # names bound once at the top level only, as ModuleSymbols.merge keeps them: a rebound one may hold either
    bound = collections.Counter(name for u in units for name, _ in u.bindings)
    imports = {name: qualified for u in units for name, qualified in u.bindings if qualified is not None and bound[name] == 1}
    own = {name: dict(keywords).get("pattern") for u in units for name, keywords in u.made_with if bound[name] == 1}
    classes = [(key, kind, text) for key, kind, text in sources if kind != READ and key.split(".", 1)[1] in attributes]
    bases = {base for u in units for _, names in u.class_bases for base in names if base in imports} if attributes else set()
    wanted = {imports[n] for n in reads if n in imports} | {imports[t] for _, kind, t in classes if kind == ALIAS and t in imports}
    found = resolver.imported_symbols(wanted | {imports[b] for b in bases}) if wanted or bases else {}

    def imported_pattern(qualified: str) -> str | None:
        owner, _, name = qualified.rpartition(".")
        symbols = found.get(owner)
        return dict(symbols.made_with.get(name, ())).get("pattern") if symbols is not None else None

    out: dict[str, str] = {}
    for key in reads & imports.keys():
        if isinstance(pattern := imported_pattern(imports[key]), str):
            out[key] = pattern
    for key, kind, text in classes:
        pattern = text if kind == PATTERN else own.get(text) if text not in imports else imported_pattern(imports[text])
        if isinstance(pattern, str):
            out[key] = pattern
    # class attributes of the bases imported from other modules, bound to patterns there
    pending: dict[str, str] = {}  # key -> the name the base's module imported it as, spelled from here
    for base in sorted(bases):
        owner, _, class_name = imports[base].rpartition(".")
        symbols = found.get(owner)
        for key, kind, text in symbols.pattern_sources if symbols is not None else ():
            attribute = key.split(".", 1)[1] if key.startswith(class_name + ".") and kind != READ else None
            if attribute not in attributes:
                continue
            pattern = text if kind == PATTERN else dict(symbols.made_with.get(text, ())).get("pattern")
            if isinstance(pattern, str):
                out[f"{base}.{attribute}"] = pattern
            elif kind == ALIAS and text in symbols.imports:
                pending[f"{base}.{attribute}"] = rebased(owner, symbols.imports[text])
    if pending:
        # the base's module took the pattern from a third module (`from ..vars import LEGAL_NAME`)
        found = resolver.imported_symbols(set(pending.values()))
        for key, qualified in pending.items():
            if isinstance(pattern := imported_pattern(qualified), str):
                out[key] = pattern
    return tuple(sorted(out.items()))


def rebased(owner: str, qualified: str) -> str:
    """A name the module `owner` (spelled as this module imports it) imports, spelled as this
    module would import it: its relative imports count from its own package (`..vars`, imported
    in `..baseview`, is `...vars` here)."""
    dots = len(qualified) - len(qualified.lstrip("."))
    if not dots:
        return qualified
    owner_dots = len(owner) - len(owner.lstrip("."))
    package = owner[owner_dots:].split(".")[:-1]  # the owner's package, below its leading dots
    up = dots - 1  # each dot after the first climbs one package
    if up > len(package):
        owner_dots, package = owner_dots + up - len(package), []
    else:
        package = package[: len(package) - up]
    if not owner_dots and not package:
        return qualified[dots:]
    return "." * owner_dots + ".".join([*package, qualified[dots:]])
