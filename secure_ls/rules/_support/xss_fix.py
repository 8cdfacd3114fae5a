"""The escaping fix of SLS803 (reflected XSS): which escape function keeps the page what it
was for plain text, decided by what kind of value each piece is (text, bytes, JSON, unknown)."""

from __future__ import annotations

import ast
import re

from secure_ls.engine.model import Fix
from secure_ls.rules._support import html, strings, web

# Values written as they are: a name, an item, an attribute (a request read inline).
DIRECT = (ast.Name, ast.Subscript, ast.Attribute)


def is_request_get(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getlist", "get_data")


# Request values that are not text: escaping them would change what is sent.
_NOT_TEXT_ATTRS = frozenset({"body", "data", "json", "files", "FILES", "stream", "content"})
_NOT_TEXT_CALLS = frozenset({"get_data", "get_json", "getlist", "read", "json"})
_CONVERSION = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\*|\d+)?(?:\.\d+)?[hlL]?([a-zA-Z%])")


def text_kind(node: ast.expr, ctx, depth: int = 0) -> str:
    """"text" for request values known to be str, "other" for bytes, JSON, lists and files
    (never escaped), "any" for a request value of unknown type (text or a missing value: its
    `str()` is what the page showed), "unknown" for a name given a value the engine cannot
    type (a helper's result, an item of a JSON document)."""
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        if not values:
            return "any"  # a parameter: a route's path argument, text
        kinds = {_value_kind(v, ctx, depth + 1) for v in values}
        return next((k for k in ("other", "unknown", "any") if k in kinds), "text")
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        # an item of a name's value: of a JSON document or a list, any type
        return "unknown" if text_kind(node.value, ctx, depth + 1) in ("other", "unknown") else "any"
    if isinstance(node, ast.Attribute) and node.attr in _NOT_TEXT_ATTRS:
        return "other"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _NOT_TEXT_CALLS:
            return "other"
        if node.func.attr in ("get", "get_argument", "get_param", "get_query_argument"):
            inner = node.func.value
            if isinstance(inner, ast.Attribute) and inner.attr in _NOT_TEXT_ATTRS:
                return "other"
            default = node.args[1] if len(node.args) > 1 else None
            if isinstance(default, ast.Constant) and isinstance(default.value, str):
                return "text"
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
        if node.value.attr in _NOT_TEXT_ATTRS:
            return "other"
        return "text"
    if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in ("request", "req", "self") and node.attr in ("path", "url", "query_string", "host"):
            return "text"
        if isinstance(root, ast.Name) and root.id in ("request", "req") and isinstance(node.value, ast.Attribute) and node.value.attr in ("query", "forms", "params"):
            return "text"  # bottle's request.query.name: "" when missing
    return "any"


# str methods that bytes have too: the result is of the receiver's kind.
SAME_KIND_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "swapcase", "replace", "zfill", "center", "ljust", "rjust", "expandtabs", "removeprefix", "removesuffix"}
)


def _value_kind(value: ast.expr, ctx, depth: int) -> str:
    """_text_kind of a value assigned to a name: a request read as written inline, text built
    from it, or "unknown"."""
    if depth > 4:
        return "unknown"
    if isinstance(value, ast.Constant):
        return "text" if isinstance(value.value, str) else "any" if value.value is None or isinstance(value.value, (int, float)) else "unknown"
    if isinstance(value, ast.JoinedStr) or strings.is_built(value) and not isinstance(value, ast.Call):
        return "text"
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name) and func.id == "str" and ctx.call_name(value) == "str":
            return "text"
        if isinstance(func, ast.Attribute) and func.attr == "decode":
            return "text"  # bytes.decode() (str has none)
        if isinstance(func, ast.Attribute) and func.attr in SAME_KIND_METHODS:
            return _value_kind(func.value, ctx, depth + 1)
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join") and isinstance(func.value, ast.Constant):
            return "text"
    if isinstance(value, ast.Name):
        return text_kind(value, ctx, depth)
    kind = text_kind(value, ctx, depth)
    if isinstance(value, ast.Subscript) and kind == "text":
        return "any"  # an item of a mapping: text in a query string, a number in cleaned form data
    if kind != "any" or isinstance(value, DIRECT) or is_request_get(value):
        return kind
    return "unknown"


def escape_fix(built: ast.expr, targets: list, family: str, ctx) -> Fix | None:
    """Wrap each value in an escape function that keeps the page what it was for plain text.

    Concatenated with `+`, the value is a str (or the original raised), and markupsafe's and
    Django's escape() return Markup/SafeString, whose `"<h1>" + escape(x)` escapes the
    `<h1>` too: there the stdlib `html.escape` (returning str) is used. Elsewhere the framework's
    escape; the stdlib one only on values known to be text, else on `str(value)`, which is what
    an f-string or `%s` shows. Bytes, JSON, lists and files are never escaped; a name whose value
    the engine cannot type gets an unsafe fix that says it assumes text."""
    kinds = [text_kind(t, ctx) for t in targets]
    if "other" in kinds:
        return None
    if isinstance(built, ast.BinOp) and isinstance(built.op, ast.Mod):
        template = ctx.string_value(built.left) or ""
        if any(conv not in "s%" for conv in _CONVERSION.findall(template)):
            return None  # `%d` or `%r` of an escaped string would change or raise
    concatenated = isinstance(built, ast.BinOp) and isinstance(built.op, ast.Add)
    # `"<p>" + x` raised for anything but str before, and html_escape(x) raises for it after
    guessed = [ctx.text(t) for t, kind in zip(targets, kinds) if kind == "unknown"] if not concatenated else []
    assumed = f" (assumes {', '.join(f'`{g}`' for g in guessed)} holds text: bytes, a list or a dict would be shown differently)" if guessed else ""
    if concatenated or family == "other":
        name, statement = ("html_escape", "from html import escape as html_escape") if concatenated else ("escape", "from html import escape")
        bound = ctx.module.imports.get(name)
        if (bound is not None and bound != "html.escape") or name in ctx.module.defined:
            return None
        edits = []
        for target, kind in zip(targets, kinds):
            inner = ctx.text(target) if kind == "text" or concatenated else f"str({ctx.text(target)})"
            edits.append(ctx.replace(target, f"{name}({inner})"))
        if not strings.is_built(built) and kinds != ["text"]:
            # written on its own (`self.write(x)`): x may be bytes, which str() would change
            return Fix(
                f"Escape the request data with `{name}` (html.escape; assumes the value is text, not bytes)",
                tuple(edits),
                safe=False,
                imports=(statement,),
            )
        return Fix(f"Escape the request data with `{name}` (html.escape){assumed}", tuple(edits), safe=not guessed, imports=(statement,))
    found = html.escaper(ctx, family)
    if found is None:
        return None
    func, statement = found
    if not strings.is_built(built) and kinds != ["text"]:
        # the value is the whole body: None or bytes would be sent as "None" or "b'...'"
        return Fix(
            f"Escape the request data with `{func}` (assumes the value is text: None or bytes would be sent as their repr)",
            tuple(web.wrap_edits(ctx, targets, func)),
            safe=False,
            imports=(statement,),
        )
    return Fix(f"Escape the request data with `{func}`{assumed}", tuple(web.wrap_edits(ctx, targets, func)), safe=not guessed, imports=(statement,))
