"""SLS113 template-injection (server-side template injection)."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Edit, Fix, Severity
from secure_ls.rules._support import naming, shell, strings, web
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import OUTBOUND_SOURCES, Sink

# Functions and classes that compile their argument as a template: name -> keyword names of the source.
_COMPILERS = {
    "flask.render_template_string": ("source",),
    "flask.templating.render_template_string": ("source",),
    "jinja2.Template": ("source",),
    "jinja2.environment.Template": ("source",),
    "mako.template.Template": ("text",),
    "tornado.template.Template": ("template_string",),
    "django.template.Template": ("template_string",),
    "django.template.base.Template": ("template_string",),
}
# str methods that read their receiver as a format string: a client-chosen one reads
# attributes of the arguments (`{user.__class__.__init__.__globals__[SECRET]}`).
_FORMAT_METHODS = frozenset({"format", "format_map"})
_ENVIRONMENTS = frozenset(
    {
        "jinja2.Environment", "jinja2.environment.Environment", "jinja2.nativetypes.NativeEnvironment",
        "django.template.Engine", "django.template.engine.Engine", "django.template.Engine.get_default",
        "django.template.engine.Engine.get_default", "django.template.engines.__getitem__",
    }
)
# How an application's settings object is named (`app.config`, Django's `settings`, `CONFIG`), and a
# setting in it: an upper-case name (`app.config["AZURE_TENANT"]`, `settings.SITE_NAME`)
_SETTINGS_HOLDER = re.compile(r"(?i)config|settings|conf|cfg")
_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# Django's engine registry: `engines["django"]` (or `engines.all()[0]`) is a template engine
_ENGINE_REGISTRIES = frozenset({"django.template.engines", "django.template.loader.engines"})
_RENDER_FUNCTIONS = frozenset({"flask.render_template_string", "flask.templating.render_template_string"})
_RESERVED = frozenset({"true", "false", "none", "True", "False", "None", "loop", "self", "super", "varargs", "kwargs", "caller", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "and", "or", "not", "in", "is", "if", "else", "for"})


class TemplateInjection(Rule):
    """
    ## What it does
    Finds template source code built from non-constant data, or taken whole
    from a web request: `flask.render_template_string(...)`,
    `jinja2.Template(...)`, `Environment.from_string(...)` (including
    Flask's `app.jinja_env` and Django's `engines["django"]` or `Engine()`), `mako.template.Template(...)` and
    `tornado.template.Template(...)`. Sandboxed Jinja environments are not
    reported. A client's `str.format` pattern is reported too (its fields read
    attributes of the values formatted), except when every value is literal
    text or a number written in the code, data decoded from JSON
    (`request.get_json()`, `json.loads(...)`, their items) or one setting of
    the application's configuration (`app.config["TENANT"]`,
    `settings.SITE_NAME`, `CONFIG.SERVER_ID`: by convention a string, number,
    list or dict the operator wrote): the attributes of strings, numbers,
    lists and dicts lead nowhere. One real object among the values (the
    user, the app, the whole configuration object) is reported, unless the
    result is thrown away (`pattern.format(...)` alone as a statement, a dry
    run that checks the pattern parses): what the fields read then goes
    nowhere. A format string another server sent (an HTTP response: an
    update feed's version template) is the audit tier (low confidence): what
    its fields read goes into text this program uses, not back to that
    server. The status
    of a response the program holds is not data either: its code (a number)
    and the reason phrase the framework looked up for it (DRF's
    `status_text`, Django's `reason_phrase`), unlike its body or data; nor a
    number written into the source by a numeric conversion (`"%d" % count`).

    ## Why is this bad?
    Whatever is inserted into the template source is parsed as template
    code. `{{ 7*7 }}` in a user's name shows they control it;
    `{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}`
    runs commands on the server (server-side template injection, CWE-1336).
    Mako and Tornado templates run Python directly.

    ## How to fix it
    Keep the template constant and pass the values as template variables:
    `render_template_string("<h1>Hello {{ name }}</h1>", name=name)`. The
    quick fix does exactly that for an f-string, `.format()`, `%` or `+`
    template given to `render_template_string` or to
    `Template(...).render()`; the values are then escaped by the template
    engine, so the output changes for values containing `<`, `&` or quotes
    and the fix is offered as unsafe. Data from a web request is reported
    with high confidence, a function parameter with medium, anything else
    with low.

    ## References
    - https://portswigger.net/research/server-side-template-injection
    - https://jinja.palletsprojects.com/en/stable/sandbox/
    """

    id = "SLS113"
    name = "template-injection"
    title = "Template source built from non-constant data"
    cwe = 1336
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    bandit = ()
    codeql = ("py/template-injection",)
    fixable = True
    calls = frozenset(_COMPILERS)
    methods = frozenset({"from_string"}) | _FORMAT_METHODS

    VALID = [
        code("""
            from flask import render_template_string, request

            def hello():
                return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args["name"])
        """),
        code("""
            import jinja2

            HEADER = "<h1>{{ title }}</h1>"
            FOOTER = "<footer/>"
            PAGE = jinja2.Template(HEADER + FOOTER)
        """),
        code("""
            from jinja2 import Environment

            def compile_template(env: Environment, source):
                return env.from_string(source)
        """),
        code("""
            from jinja2.sandbox import SandboxedEnvironment
            from flask import request

            def preview():
                return SandboxedEnvironment().from_string(request.form["template"]).render()
        """),
        code("""
            from jinja2 import Template

            def load(path):
                with open(path) as fh:
                    return Template(fh.read())
        """),
        code("""
            class Page:
                def from_string(self, s):
                    return s

            def f(p, x):
                return p.from_string(f"<b>{x}</b>")
        """),
        code("""
            from jinja2.sandbox import SandboxedEnvironment
            from flask import request

            SANDBOX = SandboxedEnvironment()

            def preview():
                return SANDBOX.from_string("<p>" + request.form["body"] + "</p>").render()
        """),
        code("""
            from flask import request

            def signature(user):
                return "{name} <{mail}>".format(name=request.form["name"], mail=user.email)
        """),
        # a dry run of the client's template with placeholder text: nothing but str attributes to read
        code("""
            from flask import abort, request

            def check_command_template():
                template = request.json["command"]
                try:
                    template.format(input="input.mp4", output="output.mp4", fps=25)
                except (KeyError, IndexError, ValueError):
                    abort(400)
                return {"ok": True}
        """),
        # a dry run whose result is thrown away: whatever its fields read, nothing leaves
        code("""
            from flask import abort, current_app, request

            def check_command_template():
                template = request.json["command"]
                try:
                    template.format(input="input.mp4", output="output.mp4", app=current_app)
                except (KeyError, IndexError, ValueError):
                    abort(400)
                return {"ok": True}
        """),
        # the client's macro filled in with the client's own JSON values: str, numbers, lists, dicts
        code("""
            from flask import request

            def expand_macro():
                body = request.get_json()
                values = {}
                if "values" in body:
                    values = body["values"]
                return {"line": body["macro"].format(**values)}
        """),
        # the client's endpoint filled in with settings: strings the operator wrote
        code("""
            from flask import current_app, request
            from app import CONFIG

            def endpoint():
                pattern = request.args["endpoint"]
                return pattern.format(server=CONFIG.SERVER_ID, tenant=current_app.config["TENANT"], region=current_app.config.get("REGION"))
        """),
        # a number written by `%d`: digits, whoever chose it
        code("""
            from jinja2 import Template

            def inbox(count):
                return Template("<p>%d new messages for {{ name }}</p>" % count)
        """),
        # a response's status code (an int) and the reason phrase the framework looked up for it
        code("""
            from django.template import Template

            class ErrorRenderer:
                def get_exception_template(self, response):
                    return Template("%d %s" % (response.status_code, response.status_text.title()))
        """),
        # the client's host with every character but letters and digits replaced: no field can open
        code("""
            import re
            from django.http import HttpResponse

            def report(request):
                name = "report_{}.csv".format(re.sub("[^a-zA-Z0-9]", "-", request.headers["host"]))
                return HttpResponse(f'<a href="{name}">{name}</a> {{}}'.format(name))
        """),
    ]
    INVALID = [
        Example(  # the same count written by `%s`: any text
            code("""
                from jinja2 import Template

                def inbox(count):
                    return Template("<p>%s new messages for {{ name }}</p>" % count)
            """),
            where='"<p>%s new messages for {{ name }}</p>" % count',
            says="Template source built from the parameter `count`",
        ),
        Example(  # the same fallback showing the response's data: what the view put there
            code("""
                from django.template import Template

                class ErrorRenderer:
                    def get_exception_template(self, response):
                        return Template("%d %s" % (response.status_code, response.data["detail"]))
            """),
            where='"%d %s" % (response.status_code, response.data["detail"])',
            says="Template source built from the parameter `response`",
        ),
        Example(  # the whole configuration object: `{config.__init__.__globals__}` reads its module
            code("""
                from flask import current_app, request

                def endpoint():
                    pattern = request.args["endpoint"]
                    return pattern.format(tenant=current_app.config["TENANT"], config=current_app.config)
            """),
            where="pattern",
            says="Format string taken from the Flask request",
        ),
        Example(  # the same check handed one real object, its result shown: `{app.__init__.__globals__}` reads its module
            code("""
                from flask import abort, current_app, request

                def check_command_template():
                    template = request.json["command"]
                    try:
                        preview = template.format(input="input.mp4", output="output.mp4", app=current_app)
                    except (KeyError, IndexError, ValueError):
                        abort(400)
                    return {"preview": preview}
            """),
            where="template",
            says="Format string taken from the Flask request",
        ),
        Example(
            code("""
                from flask import render_template_string, request

                def hello():
                    name = request.args.get("name", "")
                    return render_template_string(f"<h1>Hello {name}!</h1>")
            """),
            fixed=code("""
                from flask import render_template_string, request

                def hello():
                    name = request.args.get("name", "")
                    return render_template_string("<h1>Hello {{ name }}!</h1>", name=name)
            """),
            where='f"<h1>Hello {name}!</h1>"',
            says="Template source built from the Flask request",
        ),
        Example(
            code("""
                import flask

                def page(user):
                    template = "<p>Welcome back, %s</p>" % user.display_name
                    return flask.render_template_string(template, title="Home")
            """),
            fixed=code("""
                import flask

                def page(user):
                    template = "<p>Welcome back, {{ display_name }}</p>"
                    return flask.render_template_string(template, title="Home", display_name=user.display_name)
            """),
            where="template",
            says="Template source built from the parameter `user`",
        ),
        Example(
            code("""
                from jinja2 import Template

                def greeting(name, count):
                    return Template("Hi " + name + ", you have {{ n }} messages").render(n=count)
            """),
            fixed=code("""
                from jinja2 import Template

                def greeting(name, count):
                    return Template("Hi {{ name }}, you have {{ n }} messages").render(n=count, name=name)
            """),
            where='"Hi " + name + ", you have {{ n }} messages"',
            says="Template source built from the parameter `name`",
        ),
        Example(
            code("""
                from flask import Flask, request

                app = Flask(__name__)

                @app.route("/preview", methods=["POST"])
                def preview():
                    return app.jinja_env.from_string(request.form["body"]).render()
            """),
            where='request.form["body"]',
            says="Template source taken from the Flask request",
        ),
        # the environment is made once at module level, the template in a view
        Example(
            code("""
                import jinja2
                from flask import request

                ENV = jinja2.Environment(autoescape=True)

                def greet():
                    return ENV.from_string("<p>Hello " + request.args["name"] + "</p>").render()
            """),
            fixed=code("""
                import jinja2
                from flask import request

                ENV = jinja2.Environment(autoescape=True)

                def greet():
                    return ENV.from_string("<p>Hello {{ name }}</p>").render(name=request.args["name"])
            """),
            where='"<p>Hello " + request.args["name"] + "</p>"',
            says="Template source built from the Flask request",
        ),
        Example(
            code("""
                from mako.template import Template

                def banner(title):
                    return Template("<div class='banner'>" + title + "</div>").render()
            """),
            fixed=code("""
                from mako.template import Template

                def banner(title):
                    return Template("<div class='banner'>${title}</div>").render(title=title)
            """),
            where='"<div class=\'banner\'>" + title + "</div>"',
            says="Template source built from the parameter `title`",
        ),
        Example(  # Django's engine registry
            code("""
                from django.http import HttpResponse
                from django.template import engines

                def card(request):
                    engine = engines["django"]
                    return HttpResponse(engine.from_string("<h1>Dear " + request.GET["to"] + "</h1>").render({}, request))
            """),
            where='"<h1>Dear " + request.GET["to"] + "</h1>"',
            says="Template source built from the HTTP request",
        ),
        Example(
            code("""
                from django.http import HttpResponse
                from django.template import Context, Template

                def banner(request):
                    return HttpResponse(Template(request.POST["banner"]).render(Context({})))
            """),
            where='request.POST["banner"]',
            says="Template source taken from the HTTP request",
        ),
        Example(
            code("""
                from flask import request
                from flask_login import current_user

                def signature():
                    pattern = request.form["pattern"]
                    return pattern.format_map({"user": current_user})
            """),
            where="pattern",
            says="Format string taken from the Flask request",
        ),
        Example(  # the same JSON values, and one real object: `{user.__init__.__globals__}` reads its module
            code("""
                from flask import request
                from flask_login import current_user

                def expand_macro():
                    body = request.get_json()
                    return {"line": body["macro"].format(user=current_user, **body.get("values", {}))}
            """),
            where='body["macro"]',
            says="Format string taken from the HTTP request",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in _FORMAT_METHODS:
            self._check_format_string(node, ctx)
            return
        name = ctx.call_name(node)
        source = None
        engine = "jinja"
        if name in _COMPILERS:
            if name.startswith("mako") and ts.keyword(node, "filename") is not None:
                return
            source = ts.argument(node, 0, _COMPILERS[name])
            engine = name.split(".")[0]
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "from_string" and self._is_environment(node.func.value, ctx):
            source = ts.argument(node, 0, ("source",))
        if source is None:
            return
        built, via = source, None
        if isinstance(source, ast.Name) and not strings.is_built(source):
            value = ts.single_value(source, ctx)
            if value is not None and strings.is_built(value):
                built, via = value, source
        if strings.is_built(built):
            parts = strings.pieces(built)
            dynamic = strings.inserted_text(built, parts)  # not `"%d %s" % (count, ...)`'s count: digits come out
            worst, where = web.worst_value(ctx, dynamic, Sink.TEMPLATE)
            if worst is None:
                return
            whole = False
        else:
            parts = None
            worst = ctx.origin(source).risk(Sink.TEMPLATE)
            where = source
            if not ts.is_remote(worst):
                return  # a template read from a file or passed in: the usual case
            whole = True
        fix = None
        if parts is not None and shell.percent_is_simple(built):
            fix = self._fix(node, name, source, built, via, parts, engine, ctx)
        what = "taken from" if whole else "built from"
        ctx.report(
            self,
            source,
            f"Template source {what} {ts.phrase(worst, ts.short(ctx, where))}: it is compiled as template code, which can "
            "run code on the server. Keep the template constant and pass values as template variables.",
            fix=fix,
            confidence=worst.confidence(configuration=Confidence.MEDIUM),
            related=ctx.related_path(worst),
            rewrites=built if via is not None else None,
        )

    def _check_format_string(self, node: ast.Call, ctx) -> None:
        """`pattern.format(user=...)` where the client wrote `pattern`."""
        receiver = node.func.value
        if isinstance(receiver, ast.Constant) or not (node.args or node.keywords):
            return  # a literal format string, or nothing to read attributes of
        if isinstance(ctx.parent(node), ast.Expr):
            return  # a dry run that only checks the pattern parses: what its fields read goes nowhere
        if all(_is_plain_data(v, ctx) for v in _formatted_values(node)):
            return  # only text, numbers, lists and dicts: their attributes are the builtins' own, no secret among them
        worst = ctx.origin(receiver).risk(Sink.TEMPLATE)
        if not ts.is_remote(worst):
            return
        ctx.report(
            self,
            receiver,
            f"Format string taken from {ts.phrase(worst, ts.short(ctx, receiver))}: `{{0.__class__...}}` fields in it read "
            "attributes of the values it is formatted with (secrets, settings). Keep the format string constant, or "
            "substitute with `string.Template(...).safe_substitute()`.",
            # a pattern another server sent (an update feed's version template): what its fields
            # read goes into text this program uses, not back to that server (audit tier)
            confidence=Confidence.LOW if worst.label in OUTBOUND_SOURCES else worst.confidence(configuration=Confidence.MEDIUM),
            related=ctx.related_path(worst),
        )

    def _is_environment(self, receiver: ast.AST, ctx) -> bool:
        if isinstance(receiver, ast.Attribute) and receiver.attr == "jinja_env":
            return True
        maker = ts.built_by(receiver, ctx)
        if maker in _ENVIRONMENTS:
            return True
        value = ts.single_value(receiver, ctx) if isinstance(receiver, ast.Name) else receiver
        return isinstance(value, ast.Subscript) and ctx.qualified_name(value.value) in _ENGINE_REGISTRIES

    def _fix(self, call, name, source, built, via, parts, engine, ctx) -> Fix | None:
        if ts.has_star_kwargs(call):
            return None
        # where the values go: the render_template_string call, or the .render() of Template(...)
        if name in _RENDER_FUNCTIONS:
            target = call
        else:
            parent = ctx.parent(call)
            grand = ctx.parent(parent) if parent is not None else None
            if not (isinstance(parent, ast.Attribute) and parent.attr == "render" and isinstance(grand, ast.Call) and grand.func is parent):
                return None
            if ts.has_star_kwargs(grand) or grand.args:
                return None
            target = grand
        if via is not None:
            scope = ctx.enclosing_function(call)
            if scope is None:
                return None
            uses = [n for n in astutil.walk(scope) if isinstance(n, ast.Name) and n.id == via.id]
            if len(uses) != 2:  # the assignment and this call
                return None
        taken = {kw.arg for kw in target.keywords}
        keys: dict[str, str] = {}  # source text -> variable name
        text = []
        for piece in parts:
            if isinstance(piece, strings.Literal):
                text.append(piece.text)
                continue
            node = piece.node
            hint = naming.name_of(node)
            if hint is None or not hint.isidentifier() or "\n" in ctx.text(node):
                return None
            source_text = ctx.text(node)
            key = keys.get(source_text)
            if key is None:
                key = hint
                if key in _RESERVED or key.startswith("_"):
                    key = key.strip("_") + "_value"
                while key in taken or key in keys.values():
                    key += "_"
                keys[source_text] = key
            text.append("${" + key + "}" if engine == "mako" else "{{ " + key + " }}")
        if not keys:
            return None
        quote = strings.quote_of(ctx.text(built)) if isinstance(built, (ast.JoinedStr, ast.Constant)) else '"'
        if isinstance(built, ast.BinOp) and isinstance(built.left, ast.Constant):
            quote = strings.quote_of(ctx.text(built.left))
        if isinstance(built, ast.Call) and isinstance(built.func, ast.Attribute):
            quote = strings.quote_of(ctx.text(built.func.value))
        new_source = strings.python_literal("".join(text), quote)
        edits = [ctx.replace(built, new_source), _add_keywords(target, keys, ctx)]
        return Fix("Pass the values as template variables", tuple(edits), safe=False)


def _formatted_values(call: ast.Call) -> list[ast.expr]:
    """What `template.format(...)` (or `.format_map(mapping)`) hands the template: its arguments,
    and the values of a `**{...}` literal."""
    values: list[ast.expr] = [a.value if isinstance(a, ast.Starred) else a for a in call.args]
    for keyword in call.keywords:
        if keyword.arg is None and isinstance(keyword.value, ast.Dict) and None not in keyword.value.keys:
            values.extend(keyword.value.values)
        else:
            values.append(keyword.value)
    return values


# What decodes JSON into str, numbers, bools, None, lists and dicts (Flask's default provider too).
_JSON_DECODERS = frozenset({"json.loads", "json.load", "flask.request.get_json", "flask.request.json", "flask.json.loads"})


def _is_plain_data(node: ast.expr, ctx, depth: int = 0) -> bool:
    """A str, number, bool or None written in the code, a list or dict of them, decoded JSON
    (`request.get_json()`, `json.loads(...)`, an item of either, every value a name is assigned)
    or a setting of the configuration (_is_setting):
    a format field can read only attributes and items, and those of the builtins' own types lead
    to no function's globals (`{0.__class__.__init__.__globals__}` needs a function written in
    Python)."""
    if depth > 6:
        return False
    if _is_setting(node):
        return True
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_is_plain_data(e, ctx, depth + 1) for e in node.elts)
    if isinstance(node, ast.Dict):
        return None not in node.keys and all(_is_plain_data(v, ctx, depth + 1) for v in node.values)
    if isinstance(node, ast.Constant):
        return node.value is not ...
    if isinstance(node, ast.Subscript):
        return _is_plain_data(node.value, ctx, depth + 1)  # `data["parameters"]`: an item of decoded JSON
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get" and ctx.call_name(node) not in _JSON_DECODERS:
            return _is_plain_data(node.func.value, ctx, depth + 1) and all(_is_plain_data(a, ctx, depth + 1) for a in node.args[1:])
        return ctx.call_name(node) in _JSON_DECODERS
    if isinstance(node, ast.Attribute) and ctx.qualified_name(node) in _JSON_DECODERS:
        return True
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        return bool(values) and all(v is not node and _is_plain_data(v, ctx, depth + 1) for v in values)
    return False


def _is_setting(node: ast.expr) -> bool:
    """One setting of the application's configuration: `app.config["AZURE_TENANT"]`,
    `app.config.get("AZURE_TENANT")`, `settings.SITE_NAME`, `plexpy.CONFIG.PMS_IDENTIFIER`. Settings
    come from configuration files and the environment, so by convention they hold strings,
    numbers, lists and dicts; the configuration object itself (`app.config`) is a Python class
    whose methods lead to its module's globals, so it is not one."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        name, holder = node.args[0], node.func.value
    elif isinstance(node, ast.Subscript):
        name, holder = node.slice, node.value
    elif isinstance(node, ast.Attribute):
        name, holder = ast.Constant(node.attr), node.value
    else:
        return False
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and _SETTING_NAME.fullmatch(name.value)):
        return False
    return _SETTINGS_HOLDER.fullmatch(astutil.last_name(holder)) is not None


def _add_keywords(call: ast.Call, keys: dict[str, str], ctx):
    """One edit appending `key=source` keywords to `call`."""
    text = ", ".join(f"{key}={source}" for source, key in keys.items())
    arguments = list(call.args) + list(call.keywords)
    if arguments:
        last = max(arguments, key=lambda n: (n.end_lineno, n.end_col_offset))
        return ctx.insert_after(last, ", " + text)
    empty = ctx.set_keyword(call, "_", "")  # an insertion just before the closing parenthesis
    return Edit(empty.span, text)
