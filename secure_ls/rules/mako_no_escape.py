"""SLS115 mako-no-escape."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code

_TEMPLATES = frozenset({"mako.template.Template", "mako.lookup.TemplateLookup"})


class MakoNoEscape(Rule):
    """
    ## What it does
    Finds Mako `Template(...)` and `TemplateLookup(...)` created without
    `default_filters` (or with filters that do not include `h`).

    Mako is also used to write code and text files (Alembic's migration
    templates are the best known case), where HTML escaping would be wrong:
    templates are only reported in modules that use a web framework or in
    code that mentions HTML.

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
        if not ts.renders_html(ctx):
            return  # code generation (Alembic migrations, config files): no HTML to escape
        short = name.rsplit(".", 1)[-1]
        ctx.report(
            self,
            node,
            f"Mako `{short}` without the `h` filter: `${{...}}` expressions are written unescaped (XSS in HTML pages). "
            "Pass default_filters=['h'].",
            fix=fix,
            confidence=Confidence.MEDIUM,
        )
