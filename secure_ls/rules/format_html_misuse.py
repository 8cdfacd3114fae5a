"""SLS802 format-html-prebuilt."""

from __future__ import annotations

import ast

from secure_ls.engine import taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import html, strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink


class FormatHtmlPrebuilt(Rule):
    """
    ## What it does
    Finds Django `format_html()` calls whose first argument is already
    built with an f-string, `%`, `.format()` or `+` from non-constant
    values, instead of passing those values as `format_html`'s own
    arguments.

    ## Why is this bad?
    `format_html` escapes its *arguments* and marks the result safe. Values
    formatted into the template string beforehand are not escaped, yet end
    up marked safe all the same: the call looks safe in review and is
    cross-site scripting in practice.

    ## How to fix it
    Put a `{}` placeholder where each value goes and pass the values as
    arguments: `format_html("<b>{}</b>", name)`. The quick fix does this
    (literal braces in the template are doubled).
    """

    id = "SLS802"
    name = "format-html-prebuilt"
    title = "format_html with a template built from non-constant data"
    cwe = 79
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "xss"
    fixable = True
    calls = html.FORMAT_HTML

    VALID = [
        code("""
            from django.utils.html import format_html

            def link(url, text):
                return format_html('<a href="{}">{}</a>', url, text)
        """),
        code("""
            from django.utils.html import format_html
            CLS = "btn"

            def button(label):
                return format_html(f'<button class="{CLS}">{{}}</button>', label)
        """),
        code("""
            def format_html(template, *args):
                return template.format(*args)

            def f(x):
                return format_html(f"<b>{x}</b>")
        """),
    ]
    INVALID = [
        Example(
            code("""
                from django.utils.html import format_html

                def badge(user):
                    return format_html(f"<span class='badge'>{user.username}</span>")
            """),
            fixed=code("""
                from django.utils.html import format_html

                def badge(user):
                    return format_html("<span class='badge'>{}</span>", user.username)
            """),
            where='f"<span class=\'badge\'>{user.username}</span>"',
            says="The `format_html` template is built from `user.username`",
        ),
        Example(
            code(r"""
                from django.utils.html import format_html

                def row(name, style):
                    return format_html("<td style=\"{}\">%s</td>" % name, style)
            """),
            where='"<td style=\\"{}\\">%s</td>" % name',
            says="The `format_html` template is built from the parameter `name`, which is",
        ),
        Example(
            code("""
                from django.utils.html import format_html

                def item(request):
                    return format_html("<li>{}</li>".format(request.GET["q"]))
            """),
            fixed=code("""
                from django.utils.html import format_html

                def item(request):
                    return format_html("<li>{}</li>", request.GET["q"])
            """),
            where='"<li>{}</li>".format(request.GET["q"])',
            says='The `format_html` template is built from the HTTP request `request.GET["q"]`',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ctx.call_name(node) not in html.FORMAT_HTML or not node.args:
            return
        template = node.args[0]
        if not strings.is_built(template):
            return
        parts = strings.pieces(template)
        dynamic = strings.values(parts) if parts is not None else [template]
        part, worst = web.worst_value(ctx, dynamic, Sink.HTML)
        if part is None:
            return
        fix = None
        if parts is not None and len(node.args) == 1 and not node.keywords and all(
            not ctx.origin(v).is_constant and web.wrappable(ctx, v) for v in dynamic
        ) and not _has_placeholders(parts):
            literal = strings.python_literal(html.template(parts), html.literal_quote(ctx, template))
            fix = Fix(
                "Pass the values as format_html arguments",
                (ctx.replace(template, literal + ", " + ", ".join(ctx.text(v) for v in dynamic)),),
                safe=True,
            )
        ctx.report(
            self,
            template,
            f"The `format_html` template is built from {web.describe_value(ctx, part, worst)}, which is therefore not escaped "
            "but still marked safe. Put `{}` in the template and pass the value as an argument.",
            fix=fix,
            confidence=part.confidence() if part.kind != taint.UNKNOWN else Confidence.MEDIUM,
            related=ctx.related_path(part),
        )


def _has_placeholders(parts) -> bool:
    return any(isinstance(p, strings.Literal) and ("{" in p.text or "}" in p.text) for p in parts)
