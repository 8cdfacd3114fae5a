"""Helpers for the HTML (XSS) rules: which `escape` to use, and format-string templates."""

from __future__ import annotations

import ast

from secure_ls.rules._support import strings

ESCAPES = {
    "flask": ("escape", "from markupsafe import escape", "markupsafe.escape"),
    "markupsafe": ("escape", "from markupsafe import escape", "markupsafe.escape"),
    "django": ("escape", "from django.utils.html import escape", "django.utils.html.escape"),
    "django_conditional": ("conditional_escape", "from django.utils.html import conditional_escape", "django.utils.html.conditional_escape"),
    "other": ("escape", "from html import escape", "html.escape"),
}


def escaper(ctx, family: str) -> tuple[str, str] | None:
    """(function text, import statement) for the escape function of `family`, if the name is free."""
    name, statement, qualified = ESCAPES[family]
    bound = ctx.module.imports.get(name)
    if bound is not None and bound != qualified:
        return None
    if name in ctx.module.defined:
        return None
    return name, statement


def template(parts: list, placeholder: str = "{}") -> str | None:
    """The literal text with each inserted value replaced by `{}` (literal braces doubled)."""
    out = []
    for piece in parts:
        if isinstance(piece, strings.Literal):
            out.append(piece.text.replace("{", "{{").replace("}", "}}"))
        else:
            out.append(placeholder)
    return "".join(out)


def literal_quote(ctx, built: ast.expr) -> str:
    if isinstance(built, ast.BinOp):
        return '"'
    if isinstance(built, ast.Call) and isinstance(built.func, ast.Attribute):
        return strings.quote_of(ctx.text(built.func.value))
    if isinstance(built, ast.BinOp):
        return strings.quote_of(ctx.text(built.left))
    return strings.quote_of(ctx.text(built))
