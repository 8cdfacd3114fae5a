"""The layers stay apart (docs/architecture.md): nothing outside the engine uses its
private names; rules never import one another; the editor's protocol layer does not
import the CLI's batch run; no module imports another back, even inside a function;
one predicate decides what is test code; tests and benchmarks share code as modules."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "secure_ls"


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        yield path, _parsed(path)


@functools.cache
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imported(tree: ast.AST):
    """(module, name or None, alias) for every import in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, None, a.asname or a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                yield node.module, a.name, a.asname or a.name


def _engine_private_names() -> set[str]:
    """Every `_name` the engine defines: functions, classes, module globals, attributes."""
    names = set()
    for _path, tree in _modules(PACKAGE / "engine"):
        names |= {n for n in _defined_names(tree) if n.startswith("_") and not n.startswith("__")}
    return names


def _defined_names(tree: ast.AST) -> set[str]:
    """The names a module defines or assigns (functions, classes, variables, attributes)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
    return names


def test_nothing_outside_the_engine_uses_its_private_names():
    """The engine's `_names` may change without notice: no rule, protocol module, project
    layer, CLI or helper imports one, reads one off an engine module or a rule's `ctx`,
    or reaches one on an engine object (`engine._analyze_unit`, `getattr(x, "_resplit")`)."""
    engine_private = _engine_private_names()
    private = []
    for path, tree in _modules(PACKAGE):
        where = path.relative_to(PACKAGE)
        if where.parts[0] == "engine":
            continue
        own = _defined_names(tree)  # a module's own `_x` may share a name with the engine's
        engine_aliases = set()
        for module, name, alias in _imported(tree):
            if not module.startswith("secure_ls.engine"):
                continue
            if name is not None and name.startswith("_"):
                private.append(f"{where}: from {module} import {name}")
            if name is None or f"{module}.{name}".count(".") >= 2:
                engine_aliases.add(alias)  # `from secure_ls.engine import flow` binds a module
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                receiver = node.value.id if isinstance(node.value, ast.Name) else None
                if receiver in engine_aliases or receiver == "ctx":
                    private.append(f"{where}:{node.lineno}: {receiver}.{node.attr}")
                elif node.attr in engine_private and node.attr not in own and receiver not in ("self", "cls"):
                    private.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr", "hasattr", "delattr"):
                named = node.args[1] if len(node.args) > 1 else None
                if isinstance(named, ast.Constant) and named.value in engine_private and named.value not in own:
                    private.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    assert private == []


def test_no_rule_imports_another_rule():
    crossings = []
    for path, tree in _modules(PACKAGE / "rules"):
        for module, name, _alias in _imported(tree):
            target = module if name is None else f"{module}.{name}"
            if not target.startswith("secure_ls.rules.") or target.startswith(("secure_ls.rules._support", "secure_ls.rules.base")):
                continue
            crossings.append(f"{path.name}: {target}")
    assert crossings == []


def test_the_protocol_layer_does_not_import_the_cli():
    found = [
        f"{path.name}: {module}"
        for path, tree in _modules(PACKAGE / "lsp")
        for module, name, _alias in _imported(tree)
        if module == "secure_ls.checker" or (module == "secure_ls" and name == "checker")
    ]
    assert found == []


def test_the_server_does_not_import_the_testing_client():
    """secure_ls/testing/ drives the server for the tests and benchmarks; nothing else in the package imports it."""
    found = [
        f"{path.relative_to(PACKAGE)}: {module}"
        for path, tree in _modules(PACKAGE)
        if path.relative_to(PACKAGE).parts[0] != "testing"
        for module, name, _alias in _imported(tree)
        if module.startswith("secure_ls.testing") or (module == "secure_ls" and name == "testing")
    ]
    assert found == []


def test_no_module_is_over_800_lines():
    long = [f"{p.relative_to(PACKAGE)}: {n}" for p in sorted(PACKAGE.rglob("*.py")) if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800]
    assert long == []


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _runtime_imports(path: Path, tree: ast.Module) -> set[str]:
    """The secure_ls modules a module imports when it runs: at the top or inside a function
    (an import deferred to break a cycle still makes one), not under TYPE_CHECKING."""
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    nodes = list(tree.body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            nodes.extend(node.orelse)
            continue
        nodes.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("secure_ls"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the importing module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.startswith("secure_ls"):
                # `from secure_ls.lsp import convert` imports the module secure_ls.lsp.convert
                found.update(f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base for a in node.names)
    return found - {me}


def _import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle_in_the_package():
    """No two modules of secure_ls import each other, directly or through others, counting
    imports inside functions: a cycle means the two do one job and its shared part belongs
    to one of them, or to a third module both import."""
    graph = {_module_name(path): _runtime_imports(path, tree) for path, tree in _modules(PACKAGE)}
    assert "secure_ls.cache" in graph["secure_ls.project"]  # imported inside a function: counted
    assert _import_cycles(graph) == []


def test_a_misspelt_sink_class_fails_where_the_table_is_written():
    import pytest

    from secure_ls.engine.taint import ALL, Sink, sinks

    assert sinks("html", "log") == {Sink.HTML, Sink.LOG} == {"html", "log"}
    assert "*" in ALL and Sink.ANY in frozenset({"*"})  # the members are the strings older tables hold
    with pytest.raises(ValueError):
        sinks("htlm")


def test_the_protocol_layer_is_one_module_per_feature():
    """lsp/session.py holds the state, lsp/server.py wires messages to feature modules
    (docs/architecture.md); features import the session for type checking only, so
    none of them imports the server back, and none grows into a second server.py."""
    folder = PACKAGE / "lsp"
    too_long = [p.name for p in folder.glob("*.py") if len(p.read_text(encoding="utf-8").splitlines()) > 400]
    assert too_long == []
    back = []
    for path, tree in _modules(folder):
        runtime = [n for n in tree.body if not (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))]
        for node in runtime:
            for module, name, _alias in _imported(node):
                target = module if name is None else f"{module}.{name}"
                if path.name != "server.py" and target.startswith("secure_ls.lsp.server"):
                    back.append(f"{path.name}: {target}")
                if path.name not in ("server.py", "session.py") and target.startswith("secure_ls.lsp.session"):
                    back.append(f"{path.name}: {target}")
    assert back == []


# What decides whether code is test code (docs/architecture.md, "Test code"): `in_test_code`,
# and the part of it that reads the file's path, which the results cache's entries record too.
TEST_CODE_PREDICATES = {"in_test_code", "is_test_path"}
_LOOKS_LIKE_A_TEST_PREDICATE = re.compile(r"^_?(is|in|looks_like|under)_(a_)?(tests?|testing)(_|$)|test_(code|file|path|module|folder|dir)")


def test_one_predicate_decides_what_is_test_code():
    """Rules ask `ctx.in_test_code` and nothing else: a second predicate (a rule's own
    `_is_test_file`, a property beside it) would let rules disagree on what a test is."""
    defined: dict[str, list[str]] = {}
    for path, tree in _modules(PACKAGE):
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _LOOKS_LIKE_A_TEST_PREDICATE.search(node.name):
                defined.setdefault(node.name, []).append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert {name: len(places) for name, places in defined.items()} == dict.fromkeys(TEST_CODE_PREDICATES, 1), defined


def test_tests_and_benchmarks_import_shared_code_as_modules():
    """tests/ is a package and the benchmarks run as `python -m bench.x` from the repository's
    root: code is shared by importing it, never by editing sys.path (which made a helper's
    name depend on which folder was inserted first)."""
    edits = []
    for folder in (REPO / "tests", REPO / "bench"):
        for path, tree in _modules(folder):
            for node in ast.walk(tree):
                target = node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
                if isinstance(node, (ast.Assign, ast.AugAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    target = next((t.value if isinstance(t, ast.Subscript) else t for t in targets if "sys.path" in ast.unparse(t)), None)
                if target is not None and ast.unparse(target) == "sys.path":
                    edits.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert edits == []
