"""SLS104 unsafe-yaml-load."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_UNSAFE_FUNCTIONS = {
    "yaml.load": "safe_load",
    "yaml.load_all": "safe_load_all",
    "yaml.unsafe_load": "safe_load",
    "yaml.unsafe_load_all": "safe_load_all",
    "yaml.full_load": "safe_load",
    "yaml.full_load_all": "safe_load_all",
}


class UnsafeYamlLoad(Rule):
    """
    ## What it does
    Finds PyYAML loading with a loader that can build arbitrary Python
    objects: `yaml.load` without a safe `Loader`, `Loader=yaml.Loader`,
    `UnsafeLoader` or `FullLoader`, and `yaml.unsafe_load` / `full_load`.
    A loader given in a mapping of defaults (`yaml.load(*args, **defaults)`
    with `defaults = {"Loader": SafeLoader}`, a wrapper's) counts as given.
    `yaml.load(stream)` without a loader is not reported in a workspace whose
    dependency files allow only PyYAML 6.0 or later (`PyYAML==6.0.3` in a
    requirements or constraints file, `pyyaml>=6` in pyproject.toml, a lock
    file): there `Loader` is required and the call raises TypeError.

    ## Why is this bad?
    YAML tags such as `!!python/object/apply:os.system ["rm -rf /"]` make
    the unsafe loaders call any Python function while parsing. A document
    from a user, a repository or the network then runs code on your machine
    (CWE-502).

    `FullLoader` (`yaml.full_load`) is reported at low confidence, or medium
    for data from outside: since PyYAML 5.4 it no longer calls functions
    (CVE-2020-14343 was fixed), but it still builds Python objects beyond
    plain data, and older PyYAML releases run code with it.

    ## How to fix it
    Use `yaml.safe_load` (or `safe_load_all`), which only builds plain
    data: dicts, lists, strings, numbers, dates. The quick fix makes that
    change; documents made of plain data load exactly as before. Where the
    module registers its own tags (`yaml.add_constructor`,
    `add_representer`, a `YAMLObject` subclass) or writes Python objects
    with `yaml.dump`, its documents are not plain data and `safe_load`
    refuses them, so there the fix is marked unsafe: register the
    constructors on a `yaml.SafeLoader` subclass instead. PyYAML's loaders
    are shared by the whole program, so a registration in a workspace module
    this one imports makes the fix unsafe too (the title names that module).
    Registrations further away (in a module imported only by another, or
    only at the application's start) are not seen, nor anything outside a
    workspace (a single file open in the editor): registering tags on
    PyYAML's global loaders in one module and loading with them in another
    that does not import it is rare, since a project with its own tags
    usually keeps them next to its loading code or on its own loader class
    (which this rule does not report).
    """

    id = "SLS104"
    name = "unsafe-yaml-load"
    title = "YAML loaded with an unsafe loader"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "injection"
    bandit = ("B506",)
    codeql = ("py/unsafe-deserialization",)
    fixable = True
    calls = frozenset({"yaml."})

    VALID = [
        code("""
            import yaml
            data = yaml.safe_load(stream)
        """),
        code("""
            import yaml
            data = yaml.load(stream, Loader=yaml.SafeLoader)
        """),
        code("""
            import yaml
            data = yaml.load(stream, yaml.CSafeLoader)
        """),
        # a wrapper's defaults name the safe loader
        code("""
            import yaml
            from yaml import SafeLoader

            def yaml_load(*args, **kwargs):
                defaults = {"Loader": SafeLoader}
                defaults.update(kwargs)
                return yaml.load(*args, **defaults)
        """),
        code("""
            import json
            data = json.load(stream)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import yaml

                class Point(yaml.YAMLObject):
                    yaml_tag = "!Point"

                def load(text):
                    return yaml.load(text, Loader=yaml.Loader)
            """),
            fixed=code("""
                import yaml

                class Point(yaml.YAMLObject):
                    yaml_tag = "!Point"

                def load(text):
                    return yaml.safe_load(text)
            """),
            where="yaml.load(text, Loader=yaml.Loader)",
            says="`yaml.load` with an unsafe loader can run arbitrary code from the document",
        ),
        Example(
            code("""
                import yaml

                def read(path):
                    with open(path) as f:
                        return yaml.load(f, Loader=yaml.Loader)
            """),
            fixed=code("""
                import yaml

                def read(path):
                    with open(path) as f:
                        return yaml.safe_load(f)
            """),
            where="yaml.load(f, Loader=yaml.Loader)",
            says="`yaml.load` with an unsafe loader can run arbitrary code from the document",
        ),
        Example(
            code("""
                import yaml

                config = yaml.load(open('config.yml'))
            """),
            fixed=code("""
                import yaml

                config = yaml.safe_load(open('config.yml'))
            """),
            where="yaml.load(open('config.yml'))",
            says="`yaml.load` with an unsafe loader can run arbitrary code from the document",
        ),
        Example(
            code("""
                from yaml import unsafe_load

                def parse(body):
                    return unsafe_load(body)
            """),
            fixed=code("""
                from yaml import unsafe_load
                import yaml

                def parse(body):
                    return yaml.safe_load(body)
            """),
            where="unsafe_load(body)",
            says="`yaml.unsafe_load` with an unsafe loader can run arbitrary code from the",
        ),
        Example(
            code("""
                import yaml as y

                docs = list(y.load_all(text, Loader=y.FullLoader))
            """),
            fixed=code("""
                import yaml as y

                docs = list(y.safe_load_all(text))
            """),
            where="y.load_all(text, Loader=y.FullLoader)",
            says="`yaml.load_all` uses PyYAML's FullLoader, which builds Python objects beyond",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name not in _UNSAFE_FUNCTIONS:
            return
        loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
        if loader is None and name in ("yaml.load", "yaml.load_all") and len(node.args) > 1:
            loader = node.args[1]
        if loader is None:
            loader = _loader_in_defaults(node, ctx)
        if loader is None and name in ("yaml.load", "yaml.load_all") and _loader_required(ctx):
            return  # PyYAML 6 raises TypeError: no document is loaded
        loader_name = (ctx.qualified_name(loader) or "") if loader is not None else ""
        if loader is not None:
            if loader_name.rsplit(".", 1)[-1] in _SAFE_LOADERS:
                return
            if not loader_name.startswith("yaml."):
                return  # a project's own loader class: cannot judge it
        safe = _UNSAFE_FUNCTIONS[name]
        data = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "stream"), None)
        if data is None:
            return
        part = ctx.origin(data).risk(Sink.DESERIALIZE)
        untrusted = part is not None and part.kind == "untrusted"
        confidence = Confidence.HIGH if untrusted else Confidence.MEDIUM
        message = f"`{name}` with an unsafe loader can run arbitrary code from the document: use yaml.{safe}()."
        if name.startswith("yaml.full_load") or loader_name.endswith(".FullLoader"):
            confidence = Confidence.MEDIUM if untrusted else Confidence.LOW
            message = (
                f"`{name}` uses PyYAML's FullLoader, which builds Python objects beyond plain data, and ran arbitrary "
                f"code before PyYAML 5.4 (CVE-2020-14343): use yaml.{safe}()."
            )
        func = node.func
        imports: tuple[str, ...] = ()
        if isinstance(func, ast.Attribute) and ctx.qualified_name(func.value) == "yaml":
            callee = f"{ctx.text(func.value)}.{safe}"
        else:
            callee = f"yaml.{safe}"
            imports = ("import yaml",)
        edits = (ctx.replace(node, f"{callee}({ctx.text(data)})"),)
        # the module, or a workspace module it imports, teaches PyYAML its own tags or dumps
        # Python objects: safe_load refuses those documents (yaml.constructor.ConstructorError)
        imported = ctx.module.yaml_extensions_imported
        if ctx.module.yaml_extensions or imported:
            if ctx.module.yaml_extensions:
                who = "this module registers its own YAML tags or dumps Python objects"
            else:
                registers, dumps = ("registers", "dumps") if len(imported) == 1 else ("register", "dump")
                who = f"{', '.join(f'`{m}`' for m in imported)}, imported here, {registers} YAML tags or {dumps} Python objects"
            fix = Fix(f"Use yaml.{safe} ({who}, which yaml.{safe} refuses)", edits, safe=False, imports=imports)
        else:
            fix = Fix(f"Use yaml.{safe}", edits, safe=True, imports=imports)
        ctx.report(
            self,
            node,
            message,
            fix=fix,
            confidence=confidence,
            related=ctx.related_path(part),
        )


def _loader_required(ctx) -> bool:
    """The project declares PyYAML 6.0 or later (engine/declared_versions), where `Loader` is required."""
    declared = ctx.module.declared_versions
    return declared is not None and declared.at_least("pyyaml", "6.0")


def _loader_in_defaults(node: ast.Call, ctx) -> ast.expr | None:
    """`yaml.load(*args, **defaults)` with `defaults = {"Loader": SafeLoader}` (a wrapper's
    defaults, which its callers may only replace by passing their own `Loader=`): that loader."""
    for keyword in node.keywords:
        if keyword.arg is None and isinstance(keyword.value, ast.Name):
            values = ctx.assigned_values(keyword.value)
            if len(values) == 1 and isinstance(values[0], ast.Dict):
                found = [v for k, v in zip(values[0].keys, values[0].values) if isinstance(k, ast.Constant) and k.value == "Loader"]
                if found:
                    return found[0]
    return None
