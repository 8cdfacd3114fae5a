"""What a route's body holds, for SLS803: data or a response (sent as JSON, or judged where it
is made), request text reflected into the page, or text that is not the client's (a file of
the server's disk, a Werkzeug upload's field name)."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine import frameworks as engine_frameworks
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import frameworks, html, strings, web, xss_fix


def declares_data(func, body: ast.expr, ctx) -> bool:
    """The route is annotated to return data or a response object (`-> Tuple[Dict[str, Any], int]`),
    and what it returns is no text it builds itself: Flask sends a dict as JSON. A string the
    view assembles despite its annotation is still read."""
    if not engine_frameworks.returns_no_page_text(func.returns):
        return False
    values = ctx.assigned_values(body) if isinstance(body, ast.Name) else None
    return not any(strings.is_built(v) or isinstance(v, (ast.Constant, ast.JoinedStr)) for v in [body, *(values or [])])


def holds_response(name: ast.Name, ctx) -> bool:
    """Whether every value the name holds is a response a known constructor made."""
    values = ctx.assigned_values(name)
    return bool(values) and all(isinstance(v, ast.Call) and (ctx.call_name(v) in frameworks.HTML_BODY_RESPONSES or ctx.call_name(v) in frameworks.JSON_RESPONSES) for v in values)


def module_function(call: ast.Call, ctx) -> bool:
    """A call of a function the module itself defines (`greeting(name)`), not a response class."""
    func = call.func
    return isinstance(func, ast.Name) and func.id in ctx.module.defined and func.id not in ctx.module.imports and func.id in ctx.module.functions


def reflected(node: ast.expr, ctx) -> bool:
    if html.django_form_errors(node, ctx):
        return False  # Django renders a form's errors as escaped HTML
    if _upload_field_name(node, ctx):
        return False
    part = ctx.origin(node).risk(Sink.HTML)
    # the request's own URL is no attacker's choice of target, but its decoded path is still their text
    return web.is_client(part) and (not web.reads_own_url(ctx, part) or web.reads_decoded_path(ctx, part))


# Flask's and Quart's uploads: Werkzeug FileStorage objects
_WERKZEUG_FILES = frozenset({"flask.request.files", "quart.request.files"})


def _upload_field_name(node: ast.expr, ctx) -> bool:
    """`files["filefield"].name` of Flask's or Quart's `request.files`: a Werkzeug FileStorage's
    `name` is the form field's, the literal key it was looked up by (the client's file name is its
    `filename`; Django's `request.FILES["f"].name` is the client's file name, still reported)."""
    if not (isinstance(node, ast.Attribute) and node.attr == "name"):
        return False
    upload = node.value
    values = ctx.assigned_values(upload) if isinstance(upload, ast.Name) else (upload,)
    return bool(values) and all(_upload_by_literal_key(v, ctx) for v in values)


def _upload_by_literal_key(value: ast.expr, ctx) -> bool:
    if isinstance(value, ast.Subscript):
        files, key = value.value, value.slice
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" and value.args:
        files, key = value.func.value, value.args[0]
    else:
        return False
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return False
    held = ctx.assigned_values(files) if isinstance(files, ast.Name) else (files,)
    return bool(held) and all(ctx.qualified_name(h.value if isinstance(h, ast.Await) else h) in _WERKZEUG_FILES for h in held)


# pathlib's classes: their `read_bytes()`/`read_text()` read a file of the server's disk
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath"})


def reads_a_server_file(call: ast.Call, ctx) -> bool:
    """`Path(root, name).read_bytes()`, `open(path).read()`: the content of a file on the server's
    disk. The request may have chosen which file (a path rule's concern), not the text in it; an
    upload's `read()` (`request.files["f"].read()`) is still the client's."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    made = [func.value]
    if isinstance(func.value, ast.Name):
        made = ctx.assigned_values(func.value) or []
    if not made or not all(isinstance(m, ast.Call) for m in made):
        return False
    if func.attr in ("read_bytes", "read_text"):
        return all(ctx.call_name(m) in _PATH_CLASSES for m in made)
    return func.attr == "read" and all(ctx.call_name(m) in ("open", "io.open") for m in made)


def transforms_text(node: ast.expr, ctx) -> bool:
    """`content.strip()`, `re.sub(pattern, "", content)`: text made from other text, the value
    itself rather than a response or a page a framework built (what it keeps of the request is
    the engine's to say: `re.sub(r"[<>&]", "", content)` keeps no markup)."""
    if not isinstance(node, ast.Call):
        return False
    if isinstance(node.func, ast.Attribute) and node.func.attr in xss_fix.SAME_KIND_METHODS:
        return True
    return ctx.call_name(node) == "re.sub"


def declares_json_out(func) -> bool:
    """CherryPy's `@cherrypy.tools.json_out()`: whatever the handler returns is sent as JSON."""
    return any(astutil.last_name(d.func if isinstance(d, ast.Call) else d) == "json_out" for d in func.decorator_list)


def is_fastapi(func, ctx) -> bool:
    return ctx.imports("fastapi") or ctx.imports("starlette")
