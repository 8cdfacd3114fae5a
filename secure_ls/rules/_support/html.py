"""Helpers for the HTML (XSS) rules: which `escape` to use, format-string templates, and
where a value starts a URL."""

from __future__ import annotations

import ast
import re

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


# The attributes whose value is a URL the browser loads or follows, up to where the value starts
# (`<a href="`, `<img src=`): a value there chooses the URL's scheme (`javascript:`).
_URL_ATTRIBUTE = re.compile(
    r"""(?:^|[\s"'/])(href|src|action|formaction|data|poster|background|cite|codebase|xlink:href)\s*=\s*["']?\s*$""",
    re.IGNORECASE,
)


def url_attribute(parts: list | None, value: ast.expr) -> str | None:
    """The attribute (`href`, `src`, ...) whose URL the inserted `value` starts, in a string
    built from `parts` (strings.pieces): escaping keeps such a value inside the attribute but
    lets a `javascript:` URL run, so it needs a scheme check. None elsewhere (`href="/u/{name}"`:
    the URL's start is fixed)."""
    before = ""
    for piece in parts or ():
        if isinstance(piece, strings.Value):
            if piece.node is value:
                found = _URL_ATTRIBUTE.search(before)
                return found.group(1).lower() if found else None
            before = ""
        else:
            before += piece.text
    return None


def scheme_check_note(name: str, attribute: str) -> str:
    """The message's advice for a value that starts a URL attribute (see url_attribute)."""
    return (
        f" `{name}` is the start of a URL (`{attribute}=`), where escaping does not stop a `javascript:` URL, so there is "
        "no quick fix: accept only http(s) and relative URLs (check the scheme of urllib.parse.urlsplit(value)), then escape it."
    )
