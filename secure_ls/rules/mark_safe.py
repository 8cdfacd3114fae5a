"""SLS801 unescaped-markup."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, frameworks, taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import html, strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_MARK_SAFE = frozenset(
    {
        "django.utils.safestring.mark_safe", "django.utils.safestring.SafeString", "django.utils.safestring.SafeText",
        "django.utils.html.mark_safe",
    }
)


class UnescapedMarkup(Rule):
    """
    ## What it does
    Finds `markupsafe.Markup(...)` (also `flask.Markup`, `jinja2.Markup`)
    and Django's `mark_safe(...)`/`SafeString(...)` applied to non-constant
    data, including strings built with f-strings, `%`, `.format()` or `+`.

    ## Why is this bad?
    These calls tell the template engine "this is trusted HTML, do not
    escape it". Anything inside that came from a user, e.g. a name of
    `<img src=x onerror=alert(document.cookie)>`, then runs as script in
    every visitor's browser (cross-site scripting).

    ## How to fix it
    Let the library escape the values while it builds the markup:
    `Markup("<b>{}</b>").format(name)` (Markup's `format` escapes its
    arguments) or Django's `format_html("<b>{}</b>", name)`. For a value
    that is not built from pieces, escape it: `markupsafe.escape(value)` or
    `django.utils.html.conditional_escape(value)`. The quick fixes do this;
    they are marked unsafe because a value that really is HTML will now be
    shown as text. A value that starts a URL (`<a href="{}">`) gets no fix:
    escaped, a `javascript:` URL still runs, so the message says to check
    its scheme first.

    Markup built from pieces is reported when a piece is request data or a
    parameter; `Markup(value)` of a bare value only when the value comes from
    the request (libraries use `Markup(param)` to declare trusted HTML). A
    helper's bare parameter in built markup (`f"<i>{icon}</i>"` in `def
    icon_tag(icon)`, also through markup the helper built from it: `css =
    '<link href="%s">' % css_url`) is the audit tier (low confidence): it is what the
    callers hand over, often markup by contract, and a caller that hands it
    request data is reported at that call (SLS803). An object's fields
    (`obj.name`: text people stored) and the `value` a form widget renders
    stay medium.
    Values produced by unknown functions, and `Markup(x).striptags()`, are
    not reported. Nor are what a Django widget is given from the form's
    declaration (the field's `name`, its `attrs`) or, in a `MultiWidget`'s
    `format_output`, the HTML its sub-widgets rendered (each value already
    escaped); the `value` a widget renders is still the client's. Nor is the
    status of a response the program holds: its code and the reason phrase the
    framework looked up for it (`response.status_code`, Django's
    `reason_phrase`, DRF's `status_text`), unlike its content.
    """

    id = "SLS801"
    name = "unescaped-markup"
    title = "Markup/mark_safe on non-constant data"
    cwe = 79
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "xss"
    # Bandit's mark_safe checks (Ruff's S308): a nosec or noqa comment naming B308 or S308 silences this rule
    bandit = ("B308", "B703")
    fixable = True
    calls = html.MARKUP_CLASSES | _MARK_SAFE

    VALID = [
        # percent-encoded with quote(): no markup, quote or scheme colon is left
        code("""
            from urllib.parse import quote
            from django.utils.safestring import mark_safe

            def edit_link(request):
                back = request.GET.get("return_url", "/")
                return mark_safe(f'<a href="/edit?return_url={quote(back)}">edit</a>')
        """),
        code("""
            from markupsafe import Markup

            def bold(name):
                return Markup("<b>{}</b>").format(name)
        """),
        # what the model class declares (its verbose names), and a count
        code("""
            from django.utils.safestring import mark_safe

            def related_count(obj, rows):
                title = obj._meta.verbose_name_plural
                field = obj._meta.get_field("owner").verbose_name
                return mark_safe(f'<span title="{title}: {field}">({rows.count()})</span>')
        """),
        # the id of an object the program holds, and a parameter declared by its default to be a number
        code("""
            from django.utils.safestring import mark_safe

            def tag_link(tag, limit=20):
                return mark_safe(f'<a href="/tags/{tag.id}/">first {limit}</a>')
        """),
        code("""
            from django.utils.safestring import mark_safe

            ICON = "<svg></svg>"

            def icon():
                return mark_safe(ICON)
        """),
        # a number written with %d, and a time span in words (Django's timesince)
        code(r"""
            from django.utils import timezone
            from django.utils.safestring import mark_safe
            from django.utils.timesince import timesince

            def age(dt):
                seconds = (timezone.now() - dt).seconds
                return mark_safe("<span data-seconds=\"%d\">%s</span>" % (seconds, timesince(dt)))
        """),
        code("""
            from markupsafe import Markup, escape

            def bold(name):
                return Markup(f"<b>{escape(name)}</b>")
        """),
        code("""
            from django.utils.html import format_html

            def link(url, text):
                return format_html('<a href="{}">{}</a>', url, text)
        """),
        code("""
            from markupsafe import Markup

            def render(widget):
                return Markup(widget.render())
        """),
        code("""
            from markupsafe import Markup

            def mark_safe(value):
                return Markup(value)
        """),
        code("""
            from markupsafe import Markup

            def strip(value):
                return Markup(str(value)).striptags()
        """),
        # an absolute URL of a reversed path: the client chose only the host, which Django's
        # get_host() checked against its host pattern (letters, digits, dots, dashes, a port)
        code("""
            from django.urls import reverse
            from django.utils.safestring import mark_safe

            def authorize_link(request, obj):
                url = request.build_absolute_uri(reverse("oauth-start", args=(obj.id,)))
                return mark_safe(f'<a href="{url}">Authorize</a>')
        """),
        # a query string re-encoded: every key and value percent-encoded, no markup can get in
        code("""
            from django.utils.safestring import mark_safe

            def page_link(request, page):
                q = request.GET.copy()
                q["page"] = page
                return mark_safe("?" + q.urlencode())
        """),
        code("""
            from urllib.parse import urlencode
            from markupsafe import Markup
            from flask import request

            def page_link():
                return Markup("?" + urlencode({"q": request.args["q"], "page": 2}))
        """),
        # past `hasattr(self.__class__, name)` the name is one of the class's attributes: an identifier
        code("""
            from django.utils.safestring import mark_safe

            class Columns:
                def describe(self, callable_name):
                    if hasattr(self.__class__, callable_name):
                        method = getattr(self.__class__, callable_name)
                        method.short_description = mark_safe(f"<span>{callable_name}</span>")
        """),
        # a response's status code and the phrase Django looked up for it
        code("""
            from django.utils.safestring import mark_safe

            def status_badge(response):
                return mark_safe(f"<b>{response.status_code} {response.reason_phrase}</b>")
        """),
        # the HTML the sub-widgets rendered (Django's MultiWidget before 1.11), already escaped
        code("""
            from django import forms
            from django.utils.safestring import mark_safe

            class PeriodWidget(forms.MultiWidget):
                def format_output(self, rendered_widgets):
                    return mark_safe(f'<span class="from">{rendered_widgets[0]}</span> to {rendered_widgets[1]}')
        """),
    ]
    INVALID = [
        Example(  # the value a widget renders is the submitted one
            code("""
                from django import forms
                from django.utils.safestring import mark_safe

                class BadgeWidget(forms.TextInput):
                    def render(self, name, value, attrs=None, renderer=None):
                        return mark_safe(f'<span class="badge">{value}</span>')
            """),
            where="f'<span class=\"badge\">{value}</span>'",
            says="marks the parameter `value` as safe HTML",
            fixed=code("""
                from django import forms
                from django.utils.safestring import mark_safe
                from django.utils.html import format_html

                class BadgeWidget(forms.TextInput):
                    def render(self, name, value, attrs=None, renderer=None):
                        return format_html('<span class="badge">{}</span>', value)
            """),
        ),
        # quote() told to leave ":" alone keeps `javascript:...` a scheme
        Example(
            code("""
                from urllib.parse import quote
                from django.utils.safestring import mark_safe

                def back_link(request):
                    back = request.GET.get("return_url", "/")
                    return mark_safe(f'<a href="{quote(back, safe="/:=")}">back</a>')
            """),
            where='f\'<a href="{quote(back, safe="/:=")}">back</a>\'',
            says="is the start of a URL",
        ),
        # a URL starts the href: Markup.format would escape it, and `javascript:` would still run
        Example(
            code("""
                from markupsafe import Markup

                def link(user):
                    return Markup(f'<a href="{user.homepage}">{user.name}</a>')
            """),
            fixed=None,
            says="`user.homepage` is the start of a URL (`href=`)",
            where='Markup(f\'<a href="{user.homepage}">{user.name}</a>\')',
        ),
        Example(
            code("""
                from markupsafe import Markup

                def greeting(user):
                    return Markup(f"<p>Hello {user.name}!</p>")
            """),
            fixed=code("""
                from markupsafe import Markup

                def greeting(user):
                    return Markup("<p>Hello {}!</p>").format(user.name)
            """),
            where='Markup(f"<p>Hello {user.name}!</p>")',
            says="`Markup()` marks `user.name`",
        ),
        Example(
            code("""
                from django.utils.safestring import mark_safe

                def comment(request):
                    return mark_safe("<div class='c'>%s</div>" % request.POST["text"])
            """),
            fixed=code("""
                from django.utils.safestring import mark_safe
                from django.utils.html import format_html

                def comment(request):
                    return format_html("<div class='c'>{}</div>", request.POST["text"])
            """),
            where='mark_safe("<div class=\'c\'>%s</div>" % request.POST["text"])',
            says='`mark_safe()` marks the HTTP request `request.POST["text"]` as safe HTML without',
        ),
        Example(
            code("""
                from flask import Markup, request

                def preview():
                    body = request.form["body"]
                    return Markup(body)
            """),
            fixed=code("""
                from flask import Markup, request
                from markupsafe import escape

                def preview():
                    body = request.form["body"]
                    return escape(body)
            """),
            where="Markup(body)",
            says="`Markup()` marks the Flask request `body` as safe HTML without escaping it",
        ),
        Example(
            code("""
                from django.utils.safestring import mark_safe

                def label(request):
                    return mark_safe(request.GET["label"])
            """),
            fixed=code("""
                from django.utils.safestring import mark_safe
                from django.utils.html import conditional_escape

                def label(request):
                    return conditional_escape(request.GET["label"])
            """),
            where='mark_safe(request.GET["label"])',
            says='`mark_safe()` marks the HTTP request `request.GET["label"]` as safe HTML without',
        ),
        Example(
            code("""
                from django.utils.safestring import mark_safe

                def bold(text):
                    return mark_safe("<b>" + text + "</b>")
            """),
            fixed=code("""
                from django.utils.safestring import mark_safe
                from django.utils.html import format_html

                def bold(text):
                    return format_html("<b>{}</b>", text)
            """),
            where='mark_safe("<b>" + text + "</b>")',
            says="`mark_safe()` marks the parameter `text` as safe HTML without escaping it",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name not in html.MARKUP_CLASSES and name not in _MARK_SAFE:
            return
        if len(node.args) != 1 or node.keywords:
            return
        value = node.args[0]
        parts = strings.pieces(value) if strings.is_built(value) else None
        dynamic = strings.inserted_text(value, parts)  # not `"<span data-age=\"%d\">" % seconds`: digits come out
        part, worst = web.worst_value(ctx, dynamic, Sink.HTML)
        if part is None or part.kind == taint.UNKNOWN:
            return
        if parts is None and not web.is_client(part):
            return  # `Markup(value)` of a parameter is how libraries declare trusted HTML; only built markup is reported
        if _stripped(node, ctx):
            return
        # a value that starts a URL (`<a href="{url}">`): escaped, a `javascript:` URL still runs
        attributes = html.url_attributes(parts)
        urls = [(v, attributes[v]) for v in dynamic if v in attributes]
        fix = None if urls else self._fix(node, value, parts, name in html.MARKUP_CLASSES, ctx)
        call = "Markup" if name in html.MARKUP_CLASSES else name.rsplit(".", 1)[-1]
        better = "`Markup(\"...{}...\").format(value)`" if name in html.MARKUP_CLASSES else "`format_html(\"...{}...\", value)`"
        ctx.report(
            self,
            node,
            f"`{call}()` marks {web.describe_value(ctx, part, worst)} as safe HTML without escaping it (cross-site scripting). "
            f"Use {better} or escape the value." + "".join(html.scheme_check_note(ctx.text(v), a) for v, a in urls[:1]),
            fix=fix,
            confidence=part.confidence(parameter=Confidence.LOW if _handed_markup(part, dynamic, ctx) else Confidence.MEDIUM),
            related=ctx.related_path(part),
        )

    def _fix(self, call: ast.Call, value: ast.expr, parts, is_markup: bool, ctx) -> Fix | None:
        if parts is None:
            if strings.is_built(value) or not web.wrappable(ctx, value):
                return None
            found = html.escaper(ctx, "markupsafe" if is_markup else "django_conditional")
            if found is None:
                return None
            func, statement = found
            return Fix(f"Escape with `{func}`", (ctx.replace(call, f"{func}({ctx.text(value)})"),), safe=False, imports=(statement,))
        values = strings.values(parts)
        if any(ctx.origin(v).is_constant for v in values) or not all(web.wrappable(ctx, v) for v in values):
            return None
        literal = strings.python_literal(html.template(parts), html.literal_quote(ctx, value))
        args = ", ".join(ctx.text(v) for v in values)
        if is_markup:
            return Fix("Build with Markup.format (escapes the values)", (ctx.replace(call, f"{ctx.text(call.func)}({literal}).format({args})"),), safe=False)
        found = ctx.module.imports.get("format_html")
        if found not in (None, "django.utils.html.format_html") or "format_html" in ctx.module.defined:
            return None
        return Fix(
            "Build with format_html (escapes the values)",
            (ctx.replace(call, f"format_html({literal}, {args})"),),
            safe=False,
            imports=("from django.utils.html import format_html",),
        )


# Form machinery whose methods are handed what the client submitted (a widget's `value`)
_FORM_CLASS_SUFFIXES = ("Widget", "Input", "Select", "Textarea", "Field")


def _handed_markup(part: taint.Part, dynamic: list[ast.expr], ctx) -> bool:
    """`def icon_tag(icon): return mark_safe(f"<i>{icon}</i>")`: a helper's bare parameters put in
    markup are what its callers hand it, often markup by contract; where one hands it request data,
    SLS803 reports that call. The audit tier (low) when every risky piece is a bare parameter, or
    markup the function built from them (`css = '<link href="%s">' % css_url`), except in form
    machinery that renders the submitted value; an object's fields (`obj.name`: stored text) stay medium."""
    if not part.is_plain_parameter():
        return False
    params = {a.arg for a in frameworks.all_args(func.args)} - {"self", "cls"} if (func := ctx.enclosing_function(dynamic[0])) is not None else set()
    risky = [v for v in dynamic if not _no_callers_value(v, ctx)]
    if not risky or not all(_of_bare_parameters(v, params, ctx) for v in risky):
        return False
    owner = next((a for a in ctx.ancestors(func) if isinstance(a, ast.ClassDef)), None)
    return owner is None or not any(astutil.last_name(b).endswith(_FORM_CLASS_SUFFIXES) for b in owner.bases)


def _of_bare_parameters(value: ast.expr, params: set[str], ctx, depth: int = 0) -> bool:
    """A parameter by its name, or a local every value of which is text built from such values and
    values that are no risk in HTML (`'<script src="%s">' % js_url`, `f"{a}{b}"`, `a + url_for(...)`):
    nothing read from an object."""
    if isinstance(value, ast.BinOp):
        return _of_bare_parameters(value.left, params, ctx, depth) and _of_bare_parameters(value.right, params, ctx, depth)
    if isinstance(value, (ast.JoinedStr, ast.Tuple)):
        parts = value.elts if isinstance(value, ast.Tuple) else [v.value for v in value.values if isinstance(v, ast.FormattedValue)]
        return all(_of_bare_parameters(v, params, ctx, depth) for v in parts)
    if not isinstance(value, ast.Name):
        return _no_callers_value(value, ctx)
    if value.id in params:
        return True
    values = ctx.assigned_values(value)
    return depth < 3 and bool(values) and all(_of_bare_parameters(v, params, ctx, depth + 1) for v in values)


def _no_callers_value(value: ast.expr, ctx) -> bool:
    """Neither the client's data nor a parameter's (a constant, the program's own state or settings)."""
    part = web.worst_value(ctx, [value], Sink.HTML)[0]
    return part is None or part.kind not in (taint.PARAM, taint.UNTRUSTED)


def _stripped(call: ast.Call, ctx) -> bool:
    """`Markup(text).striptags()` / `.unescape()`: used to strip or decode markup, not to trust it."""
    parent = ctx.parent(call)
    return isinstance(parent, ast.Attribute) and parent.attr in ("striptags", "unescape")
