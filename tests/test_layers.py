"""The layers stay apart (docs/architecture.md): rules use only the engine's
public names and never import one another; the editor's protocol layer does not
import the CLI's batch run."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "secure_ls"


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imported(tree: ast.AST):
    """(module, name or None, alias) for every import in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, None, a.asname or a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                yield node.module, a.name, a.asname or a.name


def test_rules_use_only_public_engine_names():
    private = []
    for path, tree in _modules(PACKAGE / "rules"):
        engine_aliases = set()
        for module, name, alias in _imported(tree):
            if not module.startswith("secure_ls.engine"):
                continue
            if name is not None and name.startswith("_"):
                private.append(f"{path.name}: from {module} import {name}")
            if name is None or f"{module}.{name}".count(".") >= 2:
                engine_aliases.add(alias)  # `from secure_ls.engine import flow` binds a module
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                if isinstance(node.value, ast.Name) and (node.value.id in engine_aliases or node.value.id == "ctx"):
                    private.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
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


def _top_level_imports(tree: ast.Module) -> set[str]:
    """The secure_ls modules a module imports when it is loaded (not under TYPE_CHECKING,
    not inside a function)."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("secure_ls"):
            for a in node.names:
                candidate = f"{node.module}.{a.name}"
                found.add(candidate if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("secure_ls"))
    return found


def test_engine_modules_import_no_cycle():
    graph = {}
    for path, tree in _modules(PACKAGE / "engine"):
        name = "secure_ls." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        graph[name] = {m for m in _top_level_imports(tree) if m.startswith("secure_ls.engine.")}
    cycles = []

    def visit(node, stack):
        for nxt in graph.get(node, ()):
            if nxt in stack:
                cycles.append(" -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in done:
                visit(nxt, stack + [nxt])
        done.add(node)

    done: set[str] = set()
    for start in graph:
        if start not in done:
            visit(start, [start])
    assert cycles == []


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
