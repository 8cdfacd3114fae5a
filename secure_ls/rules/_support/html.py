"""Helpers for the HTML (XSS) rules: which `escape` to use, format-string templates, and
where a value starts a URL."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil, catalog, frameworks
from secure_ls.rules._support import strings

# markupsafe's `Markup` under the names it is imported by: a string it wraps is trusted as HTML,
# and `Markup(template).format(...)` escapes the values it inserts.
MARKUP_CLASSES = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup", "jinja2.utils.Markup", "quart.Markup"})
# Django's builder that escapes its arguments into a template and marks the result safe.
FORMAT_HTML = frozenset({"django.utils.html.format_html"})

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


def url_attributes(parts: list | None) -> dict[ast.expr, str]:
    """The inserted values of a string built from `parts` (strings.pieces) that start a URL
    attribute (`href`, `src`, ...), each with that attribute: escaping keeps such a value inside
    the attribute but lets a `javascript:` URL run, so it needs a scheme check. A value elsewhere
    (`href="/u/{name}"`: the URL's start is fixed) is not in it. One pass over the pieces: asked
    value by value, a line of thousands of fields was read thousands of times (seconds)."""
    found: dict[ast.expr, str] = {}
    before = ""
    for piece in parts or ():
        if isinstance(piece, strings.Value):
            attribute = _URL_ATTRIBUTE.search(before) if before else None
            if attribute:
                found[piece.node] = attribute.group(1).lower()
            before = ""
        else:
            before += piece.text
    return found


def scheme_check_note(name: str, attribute: str) -> str:
    """The message's advice for a value that starts a URL attribute (see url_attributes)."""
    return (
        f" `{name}` is the start of a URL (`{attribute}=`), where escaping does not stop a `javascript:` URL, so there is "
        "no quick fix: accept only http(s) and relative URLs (check the scheme of urllib.parse.urlsplit(value)), then escape it."
    )


def sent_as_json(written: ast.expr, ctx) -> bool:
    """Tornado's `write` sends a dict as JSON, with a JSON content type (and Flask, Quart and
    Bottle a dict or list a view returns): a dict display or comprehension, or a call of the
    builtin `dict(message=...)`."""
    if isinstance(written, (ast.Dict, ast.DictComp, ast.List)):
        return True
    return isinstance(written, ast.Call) and isinstance(written.func, ast.Name) and written.func.id == "dict" and ctx.call_name(written) == "dict"


def _in_http_server_handler(call: ast.Call, ctx) -> bool:
    """Whether `call` is in a method of an http.server request handler (a class whose base is
    `BaseHTTPRequestHandler`, `SimpleHTTPRequestHandler`, ...)."""
    cls = next((a for a in ctx.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    return cls is not None and any((astutil.last_name(b) or "").endswith(catalog.HTTP_SERVER_HANDLER_SUFFIX) for b in cls.bases)


def http_server_error_page(call: ast.Call, ctx) -> list[ast.expr]:
    """`self.send_error(500, message, explain)` in an http.server request handler: the texts the
    error page shows the client (the message also in the status line); [] for any other call."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "send_error" and isinstance(func.value, ast.Name) and func.value.id == "self"):
        return []
    texts = [*call.args[1:3], *(k.value for k in call.keywords if k.arg in ("message", "explain"))]
    return texts if texts and _in_http_server_handler(call, ctx) else []


def http_server_body(call: ast.Call, ctx) -> ast.expr | None:
    """`self.wfile.write(page.encode())` in a method of an http.server request handler (a class
    whose base is `BaseHTTPRequestHandler`, `SimpleHTTPRequestHandler`, ...): the text written as
    the response body, which a browser renders as HTML (http.server sends no type of its own, and
    browsers sniff markup), unless the method sends a non-HTML `Content-Type`
    (`self.send_header("Content-Type", "application/json")`); None for any other call."""
    func = call.func
    writer = func.value if isinstance(func, ast.Attribute) and func.attr == "write" else None
    if not (isinstance(writer, ast.Attribute) and writer.attr == "wfile" and isinstance(writer.value, ast.Name) and writer.value.id == "self" and call.args):
        return None
    if not _in_http_server_handler(call, ctx):
        return None
    method = ctx.enclosing_function(call)
    if method is None or frameworks.declares_non_html_type(method, ctx.string_value):
        return None
    body = call.args[0]
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Attribute) and body.func.attr == "encode":
        body = body.func.value  # `page.encode()`: the text
    return body


def json_data(body: ast.expr, ctx) -> bool:
    """A dict or list (a display, `dict(...)`, or a name given only those), which Flask, Quart and
    Bottle send as JSON when a view returns it or `make_response` is given it."""
    if isinstance(body, ast.Name):
        values = ctx.assigned_values(body)
        return bool(values) and all(sent_as_json(v, ctx) for v in values)
    return sent_as_json(body, ctx)


def tornado_typed_as_non_html(write: ast.Call, ctx) -> bool:
    """A Tornado handler that declares a non-HTML type for what it writes: `self.set_header(
    "Content-Type", "application/json")` in the same method, or in the class's (or a base
    class's) `set_default_headers`, or a `get_content_type` returning one, or an override of
    `finish`/`write` that sets it (unless this write names an HTML type). A base class is
    found by name in this unit's module, or among the classes imported from another module of
    the workspace that declare it there (ModuleSymbols.non_html_bases_imported)."""
    func = ctx.enclosing_function(write)
    cls = next((a for a in ctx.ancestors(write) if isinstance(a, ast.ClassDef)), None)
    if func is not None and frameworks.declares_non_html_type(func, ctx.string_value):
        return True
    if any("html" in (ctx.string_value(k.value) or "").lower() for k in write.keywords):
        return False  # `self.finish(page, content_type="text/html")`: an override's type asked for by name
    classes = [cls] if cls is not None else []
    for klass in classes:
        for base in klass.bases:  # bases defined in this unit's module, found by name
            if ctx.module.imports.get(astutil.last_name(base)) in ctx.module.non_html_bases_imported:
                return True
            if astutil.last_name(base) not in ctx.module.imports and ctx.module.declares_non_html(astutil.last_name(base)):
                return True  # a class of this module, another top-level statement
            classes += [c for c in astutil.walk(ctx.tree) if isinstance(c, ast.ClassDef) and c.name == astutil.last_name(base) and c not in classes]
        if frameworks.declares_non_html_responses(klass, ctx.string_value):
            return True
    return False


# The keywords and response attributes that set a response's content type.
TYPE_KEYWORDS = ("content_type", "mimetype", "media_type")


def typed_later_as_non_html(call: ast.Call, ctx) -> bool:
    """`r = make_response(text)` then `r.mimetype = "text/plain"` (or `content_type`, or the
    Content-Type header, `r["Content-Type"]` in Django) in the same function: the browser does
    not read it as HTML. Nor does it render a download (`Content-Disposition: attachment`)
    in the site's origin."""
    statement = ctx.statement(call)
    if not (isinstance(statement, ast.Assign) and statement.value is call and len(statement.targets) == 1):
        return False
    target = statement.targets[0]
    func = ctx.enclosing_function(call)
    if not isinstance(target, ast.Name) or func is None:
        return False
    typed = None  # the first content type set
    for node in astutil.walk(func):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        assigned = node.targets[0]
        if isinstance(assigned, ast.Attribute) and assigned.attr in TYPE_KEYWORDS:
            owner = assigned.value
        elif isinstance(assigned, ast.Subscript) and (header := (ctx.string_value(assigned.slice) or "").lower()) in _TYPING_HEADERS:
            # `r.headers["Content-Type"] = ...`, or Django's `r["Content-Type"] = ...` on the response itself
            headers = assigned.value
            owner = headers.value if isinstance(headers, ast.Attribute) and headers.attr == "headers" else headers
            if header == "content-disposition":
                found = astutil.literal_prefix(node.value, lambda name: None)
                if isinstance(owner, ast.Name) and owner.id == target.id and found and found[0].lower().startswith("attachment"):
                    return True
                continue
        else:
            continue
        if isinstance(owner, ast.Name) and owner.id == target.id and typed is None:
            typed = ctx.string_value(node.value)
    return typed is not None and "html" not in typed.lower()


_TYPING_HEADERS = ("content-type", "content-disposition")


def django_form_errors(node: ast.expr, ctx) -> bool:
    """`form.errors` of a Django form (`form = InviteForm(request.POST)`, in a file that imports
    Django), also as `str(form.errors)` or `form.errors.as_ul()`: its ErrorDict renders as HTML with
    each message escaped (format_html). Not `as_text()`, plain text."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and ctx.call_name(node) == "str":
        node = node.args[0]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("as_ul", "as_div") and not node.args:
        node = node.func.value
    if not (isinstance(node, ast.Attribute) and node.attr == "errors" and isinstance(node.value, ast.Name) and ctx.imports("django")):
        return False
    made = ctx.assigned_values(node.value)
    return bool(made) and all(isinstance(v, ast.Call) and astutil.last_name(v.func).endswith("Form") for v in made)


# Falcon's names for the HTML media type.
FALCON_HTML_TYPES = frozenset({"falcon.MEDIA_HTML", "falcon.constants.MEDIA_HTML"})


def non_html_headers(node: ast.expr, ctx) -> bool:
    """`{"Content-Type": "application/json"}` (or a mimetype string) returned with the body."""
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and str(key.value).lower() == "content-type":
                text = ctx.string_value(value)
                return text is None or "html" not in text.lower()
    return False


def sets_html_content_type(func: ast.AST, response: str, ctx) -> bool:
    """Whether `func` sets `<response>.content_type` to HTML (`falcon.MEDIA_HTML`, "text/html")."""
    for node in ast.walk(func):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "content_type"
                and isinstance(target.value, ast.Name)
                and target.value.id == response
            ):
                text = ctx.string_value(node.value)
                if ctx.qualified_name(node.value) in FALCON_HTML_TYPES or text is not None and "html" in text.lower():
                    return True
    return False
