"""SLS115 mako-no-escape."""

from __future__ import annotations

import ast
import re

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.engine.taint import ValueKind
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code

_TEMPLATES = frozenset({"mako.template.Template", "mako.lookup.TemplateLookup"})
# an imported name spelt as a constant (`__version__`, `BRAND_NAME`): the other module's own value,
# unlike an imported proxy such as Flask-Login's `current_user`
_CONSTANT_NAME = re.compile(r"(__[a-z]+__|[A-Z][A-Z0-9_]*)")


class MakoNoEscape(Rule):
    """
    ## What it does
    Finds Mako `Template(...)` and `TemplateLookup(...)` created without
    `default_filters` (or with filters that do not include `h`).

    Mako is also used to write code and text files (Alembic's migration
    templates are the best known case), where HTML escaping would be wrong:
    templates are only reported in modules that use a web framework or in
    code that mentions HTML, and not when the template file's name says it
    makes a text format (`Template(filename=os.path.join(DIR, "conf.py.in"))`,
    `"deploy.sh.mako"`; `page.mako` or `page.tmpl` say nothing, and stay reported).

    A template made in a function and only rendered there, with values
    written in the code, constants another module exports (`__version__`)
    or the object's own configuration (what its constructor was given), is
    reported in the audit tier (low confidence): no visitor's text reaches
    its `${...}` expressions, though a later change may pass some.

    ## Why is this bad?
    Mako escapes nothing by default: `${name}` writes the value as it is, so
    a value holding `<script>` runs in the browser of whoever views the page
    (cross-site scripting, CWE-79).

    ## How to fix it
    Create templates with `default_filters=['h']` so every `${...}` is
    HTML-escaped, and mark trusted markup with `${value | n}`. The quick fix
    adds `default_filters=['h']`; output changes for values containing `<`,
    `&` or quotes, so it is offered as unsafe.

    ## References
    - https://docs.makotemplates.org/en/latest/filtering.html#the-default-filters-argument
    """

    id = "SLS115"
    name = "mako-no-escape"
    title = "Mako template without HTML escaping"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "xss"
    bandit = ("B702",)
    fixable = True
    calls = _TEMPLATES

    VALID = [
        code("""
            from mako.template import Template

            page = Template("<p>${name}</p>", default_filters=["h"])
        """),
        code("""
            from mako.lookup import TemplateLookup

            lookup = TemplateLookup(directories=["templates"], default_filters=["str", "h"])
        """),
        code("""
            from mako.template import Template

            def make(**options):
                return Template(**options)
        """),
        code("""
            from string import Template

            t = Template("$who likes $what")
        """),
        code("""
            from mako.template import Template

            def migration(path, **values):
                return Template(filename=path).render(**values)
        """),
        code("""
            import os

            from mako.template import Template

            def write_config(target, **values):
                # the site's conf.py, made from the packaged template; the command also writes index.html
                packaged = os.path.join(os.path.dirname(__file__), "conf.py.in")
                source = Template(filename=packaged)
                with open(os.path.join(target, "conf.py"), "w") as fd:
                    fd.write(source.render(**values))
        """),
    ]
    INVALID = [
        Example(
            code("""
                from mako.template import Template

                page = Template("<p>Hello ${name}</p>")
            """),
            fixed=code("""
                from mako.template import Template

                page = Template("<p>Hello ${name}</p>", default_filters=['h'])
            """),
            where='Template("<p>Hello ${name}</p>")',
            says="Mako `Template` without the `h` filter",
        ),
        Example(
            code("""
                from mako.lookup import TemplateLookup

                lookup = TemplateLookup(directories=["templates/html"], module_directory="/tmp/mako")
            """),
            fixed=code("""
                from mako.lookup import TemplateLookup

                lookup = TemplateLookup(directories=["templates/html"], module_directory="/tmp/mako", default_filters=['h'])
            """),
            where='TemplateLookup(directories=',
            says="Mako `TemplateLookup` without the `h` filter",
        ),
        Example(
            code("""
                import mako.template

                def report(rows):
                    return mako.template.Template(filename="report.html", default_filters=["str"]).render(rows=rows)
            """),
            where='mako.template.Template(filename="report.html"',
            says="Mako `Template` without the `h` filter",
        ),
        Example(
            code("""
                import os

                from mako.template import Template

                def page(rows):
                    # the template's suffix is the engine's own: the file may well be HTML
                    return Template(filename=os.path.join("templates", "rows.tmpl")).render(rows=rows)
            """),
            fixed=code("""
                import os

                from mako.template import Template

                def page(rows):
                    # the template's suffix is the engine's own: the file may well be HTML
                    return Template(filename=os.path.join("templates", "rows.tmpl"), default_filters=['h']).render(rows=rows)
            """),
            where='Template(filename=os.path.join("templates", "rows.tmpl"))',
            says="Mako `Template` without the `h` filter",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name not in _TEMPLATES or ts.has_star_kwargs(node):
            return
        option = ts.keyword(node, "default_filters")
        fix = None
        if option is not None:
            value = option.value
            if not isinstance(value, (ast.List, ast.Tuple)):
                return
            filters = [ctx.string_value(e) for e in value.elts]
            if any(f is None or f in ("h", "html_escape", "x", "xml_escape") or "escape" in f for f in filters):
                return
        else:
            fix = Fix("Escape every expression with default_filters=['h']", (ctx.set_keyword(node, "default_filters", "['h']"),), safe=False)
        if not ts.renders_html(ctx) or _renders_text_file(node, ctx):
            return  # code generation (Alembic migrations, config files): no HTML to escape
        short = name.rsplit(".", 1)[-1]
        rendered_with_own_values = _rendered_only_with_own_values(node, ctx)
        ctx.report(
            self,
            node,
            f"Mako `{short}` without the `h` filter: `${{...}}` expressions are written unescaped (XSS in HTML pages). "
            "Pass default_filters=['h'].",
            fix=fix,
            confidence=Confidence.LOW if rendered_with_own_values else Confidence.MEDIUM,
        )


# What a template file renders, by its name's suffixes (`conf.py.in`, `deploy.sh.mako`): a text
# format, not a page. The template engines' own suffixes say nothing (`page.mako` may be HTML).
_TEXT_SUFFIXES = frozenset({"py", "txt", "cfg", "ini", "conf", "json", "yaml", "yml", "toml", "sql", "css", "js", "md", "rst", "sh", "csv", "tex"})
_ENGINE_SUFFIXES = frozenset({"in", "mako", "mak", "tmpl", "tpl", "template", "j2", "jinja", "jinja2"})


def _renders_text_file(call: ast.Call, ctx) -> bool:
    """`Template(filename=pkg_resources_path("nikola", "conf.py.in"))`: a template file whose name
    says it makes a text format (the file name written in the call, the last part of a path built there)."""
    option = ts.keyword(call, "filename")
    value = option.value if option is not None else None
    if isinstance(value, ast.Name) and len(held := ctx.assigned_values(value)) == 1:
        value = held[0]  # `filename = pkg_resources_path("nikola", "conf.py.in")`
    while isinstance(value, (ast.Call, ast.BinOp)):  # `os.path.join(DIR, "conf.py.in")`, `ROOT / "conf.py.in"`
        value = value.args[-1] if isinstance(value, ast.Call) and value.args else value.right if isinstance(value, ast.BinOp) else None
    name = ctx.string_value(value) if value is not None else None
    if not name:
        return False
    suffixes = [s.lower() for s in name.replace("\\", "/").rsplit("/", 1)[-1].split(".")[1:]]
    while suffixes and suffixes[-1] in _ENGINE_SUFFIXES:
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in _TEXT_SUFFIXES


def _rendered_only_with_own_values(call: ast.Call, ctx) -> bool:
    """`templ = Template(filename=...)` in a function whose every other use of `templ` is
    `templ.render(key=value, ...)` with values that are constants, constant-named imports
    (`__version__`) or the instance's state from its constructor (`self.docroot`)."""
    parent = ctx.parent(call)
    function = ctx.enclosing_function(call)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name) and function is not None):
        return False
    name = parent.targets[0].id
    renders = 0
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name) or node is parent.targets[0]:
            continue
        use = ctx.parent(node)
        call_of = ctx.parent(use) if isinstance(use, ast.Attribute) else None
        if not (isinstance(use, ast.Attribute) and use.attr == "render" and isinstance(call_of, ast.Call) and call_of.func is use):
            return False  # stored, returned, handed on: rendered elsewhere, with other values
        if call_of.args or not all(k.arg is not None and _own_value(k.value, ctx) for k in call_of.keywords):
            return False
        renders += 1
    return renders > 0


def _own_value(node: ast.expr, ctx) -> bool:
    qualified = ctx.qualified_name(node) if isinstance(node, ast.Name) else None
    if qualified and "." in qualified and _CONSTANT_NAME.fullmatch(qualified.rsplit(".", 1)[-1]):
        return True  # `from app import __version__`: the name the other module exports
    return all(
        part.kind == ValueKind.PARAM and not part.is_plain_parameter()  # the instance's configuration
        for part in ctx.origin(node).parts
    )
