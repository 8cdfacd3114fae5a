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
