"""SLS114 jinja2-autoescape-off."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule

_ENVIRONMENTS = frozenset({"jinja2.Environment", "jinja2.environment.Environment", "jinja2.sandbox.SandboxedEnvironment"})


class Jinja2AutoescapeOff(Rule):
    """
    ## What it does
    Finds `jinja2.Environment(...)` (and `SandboxedEnvironment`) created
    without `autoescape`, or with `autoescape=False`.

    Jinja is also used to write SQL, YAML, code or e-mail text, where HTML
    escaping would be wrong: environments are only reported in modules that
    use a web framework or in code that mentions HTML. An explicit
    `autoescape=False` is reported with low confidence (it may be a
    deliberate choice for text output), a missing one with medium.

    ## Why is this bad?
    Jinja does not escape by default. Any value rendered into an HTML page
    with `{{ value }}` can then carry `<script>` and run in the visitor's
    browser (cross-site scripting, CWE-79), unless every template remembers
    `|e` everywhere.

    ## How to fix it
    Pass `autoescape=jinja2.select_autoescape()`: templates whose names end
    in `.html`, `.htm` or `.xml` (and templates from strings) are escaped,
    others are not. Mark trusted HTML with `Markup` or `|safe`. The quick
    fix adds that (and `import jinja2` when needed); output changes for
    values that contain `<`, `&` or quotes, so it is offered as unsafe.
    Flask's own environment already escapes `.html` templates.

    ## References
    - https://jinja.palletsprojects.com/en/stable/api/#autoescaping
    """

    id = "SLS114"
    name = "jinja2-autoescape-off"
    title = "Jinja2 environment without autoescaping"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "xss"
    bandit = ("B701",)
    fixable = True
    calls = _ENVIRONMENTS

    VALID = [
        'import jinja2\n\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"), autoescape=jinja2.select_autoescape())\n',
        'from jinja2 import Environment, PackageLoader\n\nenv = Environment(loader=PackageLoader("app"), autoescape=True)\n',
        'import jinja2\n\ndef make(options):\n    return jinja2.Environment(**options)\n',
        'import jinja2\n\ndef make(escape):\n    return jinja2.Environment(autoescape=escape)\n',
        'from flask import Flask\n\napp = Flask(__name__)\nenv = app.jinja_env\n',
        'import jinja2\n\ndef sql_renderer():\n    return jinja2.Environment(loader=jinja2.FileSystemLoader("queries"), undefined=jinja2.StrictUndefined)\n',
    ]
    INVALID = [
        Example(
            'import jinja2\n\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader("templates/html"))\n',
            fixed='import jinja2\n\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader("templates/html"), autoescape=jinja2.select_autoescape())\n',
        ),
        Example(
            'from jinja2 import Environment, FileSystemLoader\n\nenv = Environment(loader=FileSystemLoader("html"), autoescape=False)\n',
            fixed='from jinja2 import Environment, FileSystemLoader\nimport jinja2\n\nenv = Environment(loader=FileSystemLoader("html"), autoescape=jinja2.select_autoescape())\n',
        ),
        Example(
            'from jinja2 import Environment\n\ndef render_email(body):\n    return Environment().from_string("<p>{{ body }}</p>").render(body=body)\n',
            fixed='from jinja2 import Environment\nimport jinja2\n\ndef render_email(body):\n    return Environment(autoescape=jinja2.select_autoescape()).from_string("<p>{{ body }}</p>").render(body=body)\n',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name not in _ENVIRONMENTS or ts.has_star_kwargs(node):
            return
        option = ts.keyword(node, "autoescape")
        if option is not None and not (isinstance(option.value, ast.Constant) and option.value.value in (False, None, 0)):
            return
        if len(node.args) >= 9:
            return  # autoescape given by position (very old code)
        func = node.func
        if isinstance(func, ast.Attribute) and ctx.qualified_name(func.value) == "jinja2":
            value, imports = f"{ctx.text(func.value)}.select_autoescape()", ()
        else:
            value, imports = "jinja2.select_autoescape()", ("import jinja2",)
        fix = Fix("Turn on autoescaping with select_autoescape()", (ctx.set_keyword(node, "autoescape", value),), safe=False, imports=imports)
        if not ts.renders_html(ctx):
            return  # SQL, YAML, code, e-mail text...: escaping for HTML would be wrong
        how = "with autoescape=False" if option is not None else "without autoescape"
        ctx.report(
            self,
            node,
            f"Jinja2 environment created {how}: values rendered into HTML are not escaped (XSS). "
            "Pass autoescape=jinja2.select_autoescape() (or True).",
            fix=fix,
            confidence=Confidence.MEDIUM if option is None else Confidence.LOW,
        )
