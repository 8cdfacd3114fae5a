"""The imports a fix needs, added to it: rules write a fix as edits plus the import
statements its new code uses (`Fix.imports`); the engine adds those the file lacks after
the file's docstring and import block, and says which distributions they bring in.
"""

from __future__ import annotations

import ast
import dataclasses
import sys

from secure_ls.engine import distributions
from secure_ls.engine.model import Edit, Finding, Fix, Position, Span
from secure_ls.engine.symbols import ModuleSymbols, import_bindings
from secure_ls.engine.units import Unit


class FixImports:
    """Adds the missing imports to the fixes of an analysis (see the module docstring),
    remembering which statements a file's import table already satisfies."""

    def __init__(self):
        self._imported: dict[tuple[str, frozenset], bool] = {}

    def add(self, findings: list[Finding], units: list[Unit], module: ModuleSymbols) -> None:
        """Completes, in place, the fixes of `findings` for the file split into `units`."""
        if not any(fix.imports for f in findings for fix in f.fixes()):
            return
        line = _import_insertion_line(units)
        table = frozenset(module.imports.items())
        at = Position(line, 0)

        optional = _optional_packages(units, module)
        imported = {m.split(".", 1)[0] for m in module.imported_modules}

        def with_imports(fix: Fix) -> Fix | None:
            missing = [stmt for stmt in fix.imports if not self._already_imported(stmt, module, table)]
            if not missing:
                return fix
            if any(_rebinds(stmt, module) for stmt in missing):
                # `import ast` in a file whose `ast` is `from mako import ast`: the added import
                # would take the name from the code that uses it, so the fix is not offered
                return None
            text = "".join(stmt + "\n" for stmt in missing)
            fix = fix.with_edits((Edit(Span(at, at), text),) + fix.edits)
            new = sorted({p for stmt in missing for p in _packages(stmt)} - imported)
            requires = tuple(dict.fromkeys(d for d in map(distributions.distribution, new) if d))
            if requires:
                fix = dataclasses.replace(fix, requires=requires)
            needed = sorted({p for stmt in missing for p in _packages(stmt)} & optional)
            if needed and fix.safe:
                # the file imports this package only where it is used (in a function, under
                # `try: ... except ImportError`): it is optional, and an import at the top
                # would make the whole module fail to import where it is not installed
                names = ", ".join(f"`{p}`" for p in needed)
                fix = dataclasses.replace(
                    fix,
                    safe=False,
                    title=f"{fix.title} (adds a top-level import of {names}, which this file imports only where it is needed: "
                    "the module then fails to import without it; move the import next to the code if it is optional)",
                )
            return fix

        for i, finding in enumerate(findings):
            if any(fix.imports for fix in finding.fixes()):
                findings[i] = finding.with_fixes(with_imports)

    def _already_imported(self, statement: str, module: ModuleSymbols, table: frozenset) -> bool:
        # Keyed by the import table's content: an id() of a dead ModuleSymbols can be
        # reused by a new one, which once made a fix skip an import the file lacked.
        key = (statement, table)
        known = self._imported.get(key)
        if known is None:
            if len(self._imported) > 10_000:
                self._imported.clear()
            known = self._imported[key] = _already_imported(statement, module)
        return known


def _import_insertion_line(units: list[Unit]) -> int:
    """The line after the file's leading docstring, __future__ and import block."""
    line = 0
    first = True
    for index, unit in enumerate(units):
        tree = unit.parsed.tree
        if tree is not None and not tree.body and first:
            # the comments heading the file (shebang, encoding cookie, licence): after them
            line = units[index + 1].start_line if index + 1 < len(units) else line
            continue
        if tree is None or len(tree.body) != 1:
            break
        stmt = tree.body[0]
        is_docstring = first and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
        first = False
        if is_docstring or isinstance(stmt, (ast.Import, ast.ImportFrom)):
            line = unit.start_line + (stmt.end_lineno or stmt.lineno)
            continue
        if isinstance(stmt, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body):
            line = unit.start_line + (stmt.end_lineno or stmt.lineno)
            continue
        break
    return line


def _packages(statement: str) -> set[str]:
    """The top-level packages an import statement loads."""
    try:
        node = ast.parse(statement).body[0]
    except SyntaxError:
        return set()
    if isinstance(node, ast.Import):
        return {alias.name.split(".", 1)[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return {node.module.split(".", 1)[0]}
    return set()


def _optional_packages(units: list[Unit], module: ModuleSymbols) -> set[str]:
    """Packages the file imports, but never unconditionally at module level."""
    anywhere = {m.split(".", 1)[0] for m in module.imported_modules}
    top = set()
    for unit in units:
        tree = unit.parsed.tree
        for stmt in tree.body if tree is not None else ():
            if isinstance(stmt, ast.Import):
                top |= {alias.name.split(".", 1)[0] for alias in stmt.names}
            elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
                top.add(stmt.module.split(".", 1)[0])
    return anywhere - top - set(sys.stdlib_module_names)


def _bindings(statement: str) -> list[tuple[str, str]] | None:
    """The (local name, qualified name) pairs an import statement binds (None if it does not parse)."""
    try:
        return list(import_bindings(ast.parse(statement).body[0]))
    except SyntaxError:
        return None


def _rebinds(statement: str, module: ModuleSymbols) -> bool:
    """Whether `statement` would bind a name the module already binds to something else
    (another module's import, or its own function, class or variable)."""
    return any(module.imports.get(local, qualified) != qualified or local in module.defined for local, qualified in _bindings(statement) or ())


def _already_imported(statement: str, module: ModuleSymbols) -> bool:
    bound = _bindings(statement)
    return bound is not None and all(module.imports.get(local) == qualified for local, qualified in bound)
