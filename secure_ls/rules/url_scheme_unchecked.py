"""SLS804 url-scheme-unchecked."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Severity
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import html, strings, web
from secure_ls.rules.base import Example, Rule, code


class UrlSchemeUnchecked(Rule):
    """
    ## What it does
    Finds request data that starts the URL of an HTML attribute (`href`,
    `src`, `action`, `formaction`, ...) after being escaped: inserted by
    Django's `format_html()`, markupsafe's `Markup(...).format()`, or escaped
    with `escape()` in a string built with an f-string, `%`, `.format()` or
    `+`.

    A value checked as a URL first is not reported: one that passed
    `url_has_allowed_host_and_scheme` or a URL validator of the
    application's own (a function that parses it and looks at its scheme or
    host), and a URL the application built (`reverse()`, `url_for()`). Nor
    is a value placed after a fixed start (`href="/search?q={}"`), where it
    cannot choose the scheme, nor a parameter of a library function: its
    caller decides what it passes. Values written without escaping are
    SLS803's and SLS801's findings.

    ## Why is this bad?
    Escaping keeps the value inside the attribute, but a whole URL of the
    attacker's choosing is still a URL: `javascript:alert(document.cookie)`
    has nothing to escape, and runs in the page's origin when the link is
    followed (CWE-79). `data:` URLs in `src` or `href` are the same.

    ## How to fix it
    Accept only http(s) and relative URLs: check the scheme of
    `urllib.parse.urlsplit(value)` (or use Django's
    `url_has_allowed_host_and_scheme`), and fall back to a fixed URL
    otherwise; then insert the value escaped, as now. There is no quick fix:
    which URLs to allow is the application's choice.
    """

    id = "SLS804"
    name = "url-scheme-unchecked"
    title = "Escaped request data starts a URL attribute (javascript: URL)"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "xss"
    calls = html.FORMAT_HTML
    methods = frozenset({"format"})

    VALID = [
        # a path of this site made absolute with the request's scheme and host
        code("""
            from django.contrib import admin
            from django.urls import reverse
            from django.utils.safestring import mark_safe

            class CredentialAdmin(admin.ModelAdmin):
                def authorize_client(self, obj, request):
                    url = request.build_absolute_uri(reverse("admin:oauth-auth", args=(obj.id,)))
                    return mark_safe(f'<a href="{url}">Authorize</a>')
        """),
        # the value follows a fixed start: it cannot choose the scheme
        code("""
            from django.utils.html import format_html

            def more(request):
                return format_html('<a href="/search?q={}">More</a>', request.GET["q"])
        """),
        # a library function: its caller chooses the URL
        code("""
            from django.utils.html import format_html

            def link(url, text):
                return format_html('<a href="{}">{}</a>', url, text)
        """),
        # checked as a URL of this site first
        code("""
            from django.utils.html import format_html
            from django.utils.http import url_has_allowed_host_and_scheme

            def back(request):
                target = request.GET.get("next", "/")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    target = "/"
                return format_html('<a href="{}">Back</a>', target)
        """),
        # a URL the application built
        code("""
            from flask import request, url_for
            from markupsafe import Markup

            def page_link():
                return Markup('<a href="{}">next</a>').format(url_for("items", page=request.args["page"]))
        """),
        # the text of the link, not its URL
        code("""
            from flask import request
            from markupsafe import escape

            def greet():
                return f'<a href="/home">{escape(request.args["name"])}</a>'
        """),
    ]
    INVALID = [
        Example(
            code("""
                from django.utils.html import format_html

                def back(request):
                    return format_html('<a href="{}">Back</a>', request.GET["next"])
            """),
            where='request.GET["next"]',
            says='The HTTP request `request.GET["next"]` starts a URL (`href=`)',
        ),
        Example(
            code("""
                from flask import request
                from markupsafe import escape

                def avatar():
                    return f'<img src="{escape(request.args["avatar"])}">'
            """),
            where='escape(request.args["avatar"])',
            says="starts a URL (`src=`): escaping does not stop a `javascript:` or `data:` URL",
        ),
        Example(
            code("""
                from flask import request
                from markupsafe import Markup

                def homepage():
                    site = request.form["website"]
                    return Markup("<a href='{0}'>{0}</a>").format(site)
            """),
            where="site",
            says="The Flask request `site` starts a URL (`href=`)",
        ),
    ]

    def visit_JoinedStr(self, node: ast.JoinedStr, ctx) -> None:
        self._check_built(node, ctx)

    def visit_BinOp(self, node: ast.BinOp, ctx) -> None:
        parent = ctx.parent(node)
        if isinstance(node.op, ast.Add) and isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
            return  # the outermost `+` of a chain takes the whole string apart
        if isinstance(node.op, (ast.Add, ast.Mod)):
            self._check_built(node, ctx)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name in html.FORMAT_HTML and node.args and isinstance(node.args[0], ast.Constant):
            # `format_html(template, *args, **kwargs)` is `template.format(...)` of escaped values
            self._check_escaped(_as_format(node.args[0], node.args[1:], node.keywords), ctx)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            markup = node.func.value
            if isinstance(markup, ast.Call) and (ctx.call_name(markup) or "") in html.MARKUP_CLASSES and len(markup.args) == 1 and isinstance(markup.args[0], ast.Constant):
                self._check_escaped(_as_format(markup.args[0], node.args, node.keywords), ctx)  # `Markup(t).format(...)`
            elif isinstance(markup, ast.Constant):
                self._check_built(node, ctx)

    def _check_built(self, node: ast.expr, ctx) -> None:
        """A string built with the values inserted as they are: only escaped ones are this rule's."""
        parts = strings.pieces(node) if strings.is_built(node) else None
        # the text first: most built strings hold no URL attribute, and a value's origin costs more
        for value, attribute in html.url_attributes(parts).items():
            if ctx.origin(value).risk(Sink.HTML) is None:
                self._check_value(value, attribute, ctx)

    def _check_escaped(self, built: ast.Call, ctx) -> None:
        for value, attribute in html.url_attributes(strings.pieces(built)).items():
            self._check_value(value, attribute, ctx)

    def _check_value(self, value: ast.expr, attribute: str, ctx) -> None:
        origin = ctx.origin(value)
        part = origin.risk(Sink.REDIRECT)
        if part is None or origin.risk(Sink.URL) is None or not web.is_client(part) or web.starts_own_url(ctx, web.source_node(ctx, part)):
            return  # checked as a URL (of this site, or a validated one), not the client's, or the request's own URL
        described = web.describe_value(ctx, part, value)
        ctx.report(
            self,
            value,
            f"{described[:1].upper()}{described[1:]} starts a URL "
            f"(`{attribute}=`): escaping does not stop a `javascript:` or `data:` URL, which runs in the page (cross-site "
            "scripting). Accept only http(s) and relative URLs (check the scheme of urllib.parse.urlsplit(value)) or use a fixed URL.",
            confidence=part.confidence(),
            related=ctx.related_path(part),
        )


def _as_format(template: ast.Constant, args: list[ast.expr], keywords: list[ast.keyword]) -> ast.Call:
    """`template.format(*args, **keywords)`, the call whose pieces strings.pieces takes apart
    (the argument nodes are the call's own, so findings land on them)."""
    return ast.Call(func=ast.Attribute(value=template, attr="format", ctx=ast.Load()), args=list(args), keywords=list(keywords))
