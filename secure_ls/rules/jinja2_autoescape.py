"""SLS114 jinja2-autoescape-off."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import naming, taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code

_ENVIRONMENTS = frozenset({"jinja2.Environment", "jinja2.environment.Environment", "jinja2.sandbox.SandboxedEnvironment"})


class Jinja2AutoescapeOff(Rule):
    """
    ## What it does
    Finds `jinja2.Environment(...)` (and `SandboxedEnvironment`) created
    without `autoescape`, or with `autoescape=False`.

    Jinja is also used to write SQL, YAML, code or e-mail text, where HTML
    escaping would be wrong: environments are only reported in modules that
    use a web framework or in code that mentions HTML, and not where the one
    template they compile is held by a name that says it is text
    (`css_template = Environment().from_string(widget["css"])`). An explicit
    `autoescape=False` is reported with low confidence (it may be a
    deliberate choice for text output), a missing one with medium. A
    `SandboxedEnvironment` of a function that only compiles template text
    known at run time (`env.from_string(saved.query)`) is reported with low
    confidence: the sandbox runs templates that users write, whose author
    chooses the markup anyway, and which mostly make queries, configs or
    messages.

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
    codeql = ("py/jinja2/autoescape-false",)
    fixable = True
    calls = _ENVIRONMENTS

    VALID = [
        code("""
            import jinja2

            env = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"), autoescape=jinja2.select_autoescape())
        """),
        code("""
            from jinja2 import Environment, PackageLoader

            env = Environment(loader=PackageLoader("app"), autoescape=True)
        """),
        code("""
            import jinja2

            def make(options):
                return jinja2.Environment(**options)
        """),
        code("""
            import jinja2

            def make(escape):
                return jinja2.Environment(autoescape=escape)
        """),
        code("""
            from flask import Flask

            app = Flask(__name__)
            env = app.jinja_env
        """),
        # in a web application, an environment of a function that only loads a config-file template
        code("""
            from flask import Flask
            from jinja2 import Environment, FileSystemLoader

            app = Flask(__name__)

            def write_config(path):
                env = Environment(loader=FileSystemLoader("configs"))
                text = env.get_template("app.cfg.template").render(debug=False)
                with open(path, "w") as f:
                    f.write(text)
        """),
        code("""
            import jinja2

            def sql_renderer():
                return jinja2.Environment(loader=jinja2.FileSystemLoader("queries"), undefined=jinja2.StrictUndefined)
        """),
        # a dashboard's widget stylesheet: the template's name says it renders CSS
        code("""
            from flask import Flask
            from jinja2 import BaseLoader, Environment

            app = Flask(__name__)

            def widget_css(widget, css_vars):
                css_template = Environment(loader=BaseLoader).from_string(widget["css"])
                return css_template.render(css_vars)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import jinja2

                env = jinja2.Environment(loader=jinja2.FileSystemLoader("templates/html"))
            """),
            fixed=code("""
                import jinja2

                env = jinja2.Environment(loader=jinja2.FileSystemLoader("templates/html"), autoescape=jinja2.select_autoescape())
            """),
            where='jinja2.Environment(loader=',
            says="Jinja2 environment created without autoescape",
        ),
        Example(
            code("""
                from jinja2 import Environment, FileSystemLoader

                env = Environment(loader=FileSystemLoader("html"), autoescape=False)
            """),
            fixed=code("""
                from jinja2 import Environment, FileSystemLoader
                import jinja2

                env = Environment(loader=FileSystemLoader("html"), autoescape=jinja2.select_autoescape())
            """),
            where='Environment(loader=FileSystemLoader("html"), autoescape=False)',
            says="Jinja2 environment created with autoescape=False",
        ),
        # the environment loads a template that is not a page (where select_autoescape would not escape either)
        Example(
            code("""
                from flask import Flask
                from jinja2 import Environment, FileSystemLoader

                app = Flask(__name__)

                def pages():
                    env = Environment(loader=FileSystemLoader("templates"))
                    return env.get_template("settings.cfg.template"), env.get_template("index.html")
            """),
            fixed=code("""
                from flask import Flask
                from jinja2 import Environment, FileSystemLoader
                import jinja2

                app = Flask(__name__)

                def pages():
                    env = Environment(loader=FileSystemLoader("templates"), autoescape=jinja2.select_autoescape())
                    return env.get_template("settings.cfg.template"), env.get_template("index.html")
            """),
            where='Environment(loader=FileSystemLoader("templates"))',
            says="Jinja2 environment created without autoescape",
        ),
        Example(
            code("""
                from jinja2 import Environment

                def render_email(body):
                    return Environment().from_string("<p>{{ body }}</p>").render(body=body)
            """),
            fixed=code("""
                from jinja2 import Environment
                import jinja2

                def render_email(body):
                    return Environment(autoescape=jinja2.select_autoescape()).from_string("<p>{{ body }}</p>").render(body=body)
            """),
            where="Environment()",
            says="Jinja2 environment created without autoescape",
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
        if _renders_only_text_files(node, ctx) or _named_for_text(node, ctx):
            return  # `env.get_template("app.cfg.template")`: no page, and select_autoescape would not escape it either
        users_templates = name == "jinja2.sandbox.SandboxedEnvironment" and _compiles_only_runtime_sources(node, ctx)
        how = "with autoescape=False" if option is not None else "without autoescape"
        ctx.report(
            self,
            node,
            f"Jinja2 environment created {how}: values rendered into HTML are not escaped (XSS). "
            "Pass autoescape=jinja2.select_autoescape() (or True).",
            fix=fix,
            confidence=Confidence.MEDIUM if option is None and not users_templates else Confidence.LOW,
        )


# Template names select_autoescape() escapes by default, and other markup.
_MARKUP_EXTENSIONS = (".html", ".htm", ".xml", ".xhtml", ".svg")


def _renders_only_text_files(node: ast.Call, ctx) -> bool:
    """The environment goes to a local name whose only use is `name.get_template("x.cfg")` with
    literal template names that are no page: a config file, a script, plain text. Such names
    are what select_autoescape() leaves unescaped anyway."""
    stmt = ctx.statement(node)
    if not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    name = stmt.targets[0].id
    scope = ctx.enclosing_function(node)
    if scope is None:
        return False  # a module-level environment may be imported and used anywhere
    uses = astutil.name_reads(scope, name)
    if not uses:
        return False
    for use in uses:
        attribute = ctx.parent(use)
        call = ctx.parent(attribute) if attribute is not None else None
        if not (isinstance(attribute, ast.Attribute) and attribute.attr == "get_template" and isinstance(call, ast.Call) and call.func is attribute):
            return False
        if len(call.args) != 1 or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
            return False
        template = call.args[0].value.lower()
        if "." not in template.rsplit("/", 1)[-1] or any(ext in template for ext in _MARKUP_EXTENSIONS):
            return False
    return True


# Words that name what a template renders when it is no page (`css_template`, `sql_query`).
_TEXT_FORMATS = frozenset({"css", "json", "yaml", "yml", "sql", "csv", "toml", "ini", "cfg", "txt", "plaintext", "markdown", "md"})


def _named_for_text(node: ast.Call, ctx) -> bool:
    """`css_template = Environment(...).from_string(widget["css"])`: the one template the
    environment compiles is held by a name that says it renders a format of text, not HTML."""
    attribute = ctx.parent(node)
    call = ctx.parent(attribute) if isinstance(attribute, ast.Attribute) and attribute.attr in ("from_string", "get_template") else None
    stmt = ctx.statement(node)
    if not (isinstance(call, ast.Call) and isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    return bool(_TEXT_FORMATS & set(naming.words(stmt.targets[0].id)))


# what configuring an environment reads of it: no template is compiled through these
_CONFIGURATION = frozenset({"add_extension", "filters", "globals", "tests", "policies"})


def _compiles_only_runtime_sources(node: ast.Call, ctx) -> bool:
    """A sandboxed environment held by a local name that compiles only template text known at run
    time (`env.from_string(saved.query_string)`), besides being configured. The sandbox is there
    because users write those templates: the author chooses the markup, so escaping the values
    they print does not contain them, and such templates make queries, configs and messages.
    A template written in the code (`from_string("<p>{{ name }}</p>")`) or loaded by name is a page."""
    stmt = ctx.statement(node)
    scope = ctx.enclosing_function(node)
    if scope is None or not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    compiled = False
    for use in astutil.name_reads(scope, stmt.targets[0].id):
        attribute = ctx.parent(use)
        if not isinstance(attribute, ast.Attribute):
            return False
        if attribute.attr in _CONFIGURATION:
            continue
        call = ctx.parent(attribute)
        if attribute.attr != "from_string" or not (isinstance(call, ast.Call) and call.func is attribute and call.args):
            return False
        if isinstance(call.args[0], ast.JoinedStr) or ctx.string_value(call.args[0]) is not None:
            return False
        compiled = True
    return compiled
