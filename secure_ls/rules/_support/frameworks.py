"""What the rules know about web frameworks, in one place.

- Which packages are web frameworks: one table (`_FRAMEWORKS`), each package with the traits
  rules ask about; `imports_any(ctx, trait)` answers "does this module use such a framework?".
- Which calls make a response, and what each does with its arguments: one table (`_RESPONSES`),
  each callable listed once with its roles.
- Which functions answer requests: `is_view` builds on the engine's `frameworks.is_route_handler`
  (route decorators, which the taint sources use too) and adds Django's views; Tornado's
  handler methods; Flask routes that take form posts.

The engine's own framework knowledge (engine/frameworks.py, engine/catalog.py: request
sources, route parameters) is not repeated here.
"""

from __future__ import annotations

import ast
import functools

from secure_ls.engine import frameworks as engine_frameworks

# ---- framework packages ------------------------------------------------------------------

# The traits of a web framework that rules ask about, each asked by the rules named. The
# subsets differ on purpose: a package has a trait where those rules know it behaves so, and
# adding one to a trait changes those rules' findings only.
SERVES_REQUESTS = "serves-requests"  # a `request` in a module importing it is a client's request (SLS704)
MAKES_PAGES = "makes-pages"  # templates rendered in a module importing it make web pages (SLS114, SLS115)
# its views take `request` first, `def view(request)`, `def get(self, request)` (is_view: SLS701, SLS705, SLS319)
DJANGO_VIEWS = "django-views"
COOKIE_FLAGS = "cookie-flags"  # its `set_cookie(...)` is the one SLS506 reads: `secure=` off unless passed
REFUSES_LINE_BREAKS = "refuses-line-breaks"  # a CR or LF in a response header value raises (SLS126)
RETURNED_TEXT_IS_HTML = "returned-text-is-html"  # a str a route handler returns is served as text/html (SLS803)

_FRAMEWORKS: dict[str, frozenset[str]] = {
    "flask": frozenset({SERVES_REQUESTS, MAKES_PAGES, COOKIE_FLAGS, REFUSES_LINE_BREAKS, RETURNED_TEXT_IS_HTML}),
    "quart": frozenset({SERVES_REQUESTS, MAKES_PAGES, COOKIE_FLAGS, REFUSES_LINE_BREAKS, RETURNED_TEXT_IS_HTML}),
    "werkzeug": frozenset({SERVES_REQUESTS, MAKES_PAGES, COOKIE_FLAGS, REFUSES_LINE_BREAKS}),
    "django": frozenset({SERVES_REQUESTS, MAKES_PAGES, DJANGO_VIEWS, COOKIE_FLAGS, REFUSES_LINE_BREAKS}),
    "aiohttp": frozenset({SERVES_REQUESTS, MAKES_PAGES, COOKIE_FLAGS, REFUSES_LINE_BREAKS}),
    "starlette": frozenset({SERVES_REQUESTS, MAKES_PAGES, COOKIE_FLAGS}),
    "fastapi": frozenset({SERVES_REQUESTS, MAKES_PAGES, COOKIE_FLAGS}),
    "bottle": frozenset({SERVES_REQUESTS, MAKES_PAGES, RETURNED_TEXT_IS_HTML, REFUSES_LINE_BREAKS}),  # since 0.12.11
    "pyramid": frozenset({SERVES_REQUESTS, MAKES_PAGES}),
    "tornado": frozenset({SERVES_REQUESTS, MAKES_PAGES}),
    "cherrypy": frozenset({SERVES_REQUESTS, MAKES_PAGES, RETURNED_TEXT_IS_HTML}),
    "falcon": frozenset({SERVES_REQUESTS, MAKES_PAGES}),
    "sanic": frozenset({SERVES_REQUESTS, MAKES_PAGES}),
    "litestar": frozenset({SERVES_REQUESTS, MAKES_PAGES}),
    # Django REST framework answers API data, not pages: a module importing only it renders no
    # HTML template (its HTML comes from Django, imported too)
    "rest_framework": frozenset({SERVES_REQUESTS, DJANGO_VIEWS}),
    # web.py: `web` is also a common name for a project's own package, too weak a sign that
    # templates make pages (web.py renders with its own templetor anyway)
    "web": frozenset({SERVES_REQUESTS}),
    # django-ninja: only its request-first views are known (not yet measured as a request
    # source for SLS704)
    "ninja": frozenset({DJANGO_VIEWS}),
}


@functools.cache
def packages(trait: str) -> tuple[str, ...]:
    """The framework packages with `trait`, in the table's order."""
    return tuple(package for package, traits in _FRAMEWORKS.items() if trait in traits)


def imports_any(ctx, trait: str) -> bool:
    """Whether the module imports a framework with `trait`."""
    return any(ctx.imports(package) for package in packages(trait))


# ---- responses -----------------------------------------------------------------------------

# The roles of a response callable.
SHOWN = "shown"  # what it is given reaches the client (error details: SLS701)
HTML_BODY = "html-body"  # makes a response whose first argument is the body, HTML unless typed otherwise (SLS803)
PLAIN_BY_DEFAULT = "plain-by-default"  # text/plain unless a content type says HTML (werkzeug's Response, not Flask's)
JSON_BODY = "json-body"  # a JSON response: a Flask route returning a name bound to it returns no HTML
ITEM_HEADERS = "item-headers"  # a Django response: `response["Header"] = value` sets a header (SLS126)
HEADERS = "headers"  # takes the response's headers (`make_response(body, 200, {...})`, `headers=`) (SLS126)

_RESPONSES: dict[str, frozenset[str]] = {
    # Flask, Werkzeug, Quart
    "flask.make_response": frozenset({SHOWN, HTML_BODY, HEADERS}),
    "flask.Response": frozenset({SHOWN, HTML_BODY, HEADERS}),
    "flask.wrappers.Response": frozenset({HTML_BODY, HEADERS}),
    "flask.jsonify": frozenset({SHOWN, JSON_BODY}),
    "flask.json.jsonify": frozenset({SHOWN}),
    "flask.render_template": frozenset({SHOWN}),
    "flask.render_template_string": frozenset({SHOWN}),
    "flask.abort": frozenset({SHOWN}),
    "werkzeug.Response": frozenset({SHOWN, HTML_BODY, PLAIN_BY_DEFAULT, HEADERS}),
    "werkzeug.wrappers.Response": frozenset({SHOWN, HTML_BODY, PLAIN_BY_DEFAULT, HEADERS}),
    "werkzeug.wrappers.response.Response": frozenset({PLAIN_BY_DEFAULT}),
    "werkzeug.exceptions.abort": frozenset({SHOWN}),
    "quart.make_response": frozenset({SHOWN, HTML_BODY, HEADERS}),
    "quart.Response": frozenset({HTML_BODY, HEADERS}),
    "quart.jsonify": frozenset({SHOWN, JSON_BODY}),
    # Django, Django REST framework
    "django.http.HttpResponse": frozenset({SHOWN, HTML_BODY, ITEM_HEADERS}),
    "django.http.response.HttpResponse": frozenset({SHOWN, HTML_BODY, ITEM_HEADERS}),
    "django.http.HttpResponseBadRequest": frozenset({SHOWN, HTML_BODY}),
    "django.http.HttpResponseNotFound": frozenset({SHOWN, HTML_BODY}),
    "django.http.HttpResponseForbidden": frozenset({SHOWN, HTML_BODY}),
    "django.http.HttpResponseServerError": frozenset({SHOWN}),
    "django.http.HttpResponseRedirect": frozenset({ITEM_HEADERS}),
    "django.http.JsonResponse": frozenset({SHOWN, ITEM_HEADERS}),
    "django.http.response.JsonResponse": frozenset({SHOWN}),
    "django.http.StreamingHttpResponse": frozenset({ITEM_HEADERS}),
    "django.http.FileResponse": frozenset({ITEM_HEADERS}),
    "django.shortcuts.render": frozenset({SHOWN, ITEM_HEADERS}),
    "rest_framework.response.Response": frozenset({SHOWN, HEADERS}),
    # Starlette, FastAPI
    "starlette.responses.Response": frozenset({SHOWN}),
    "starlette.responses.HTMLResponse": frozenset({SHOWN, HTML_BODY}),
    "starlette.responses.JSONResponse": frozenset({SHOWN}),
    "starlette.responses.PlainTextResponse": frozenset({SHOWN}),
    "starlette.exceptions.HTTPException": frozenset({SHOWN}),
    "fastapi.Response": frozenset({HEADERS}),
    "fastapi.responses.Response": frozenset({SHOWN}),
    "fastapi.responses.HTMLResponse": frozenset({SHOWN, HTML_BODY}),
    "fastapi.responses.JSONResponse": frozenset({SHOWN}),
    "fastapi.responses.PlainTextResponse": frozenset({SHOWN}),
    "fastapi.HTTPException": frozenset({SHOWN}),
    # aiohttp, Sanic, Bottle
    "aiohttp.web.Response": frozenset({SHOWN, HTML_BODY, PLAIN_BY_DEFAULT, HEADERS}),
    "aiohttp.web.json_response": frozenset({SHOWN}),
    "sanic.HTTPResponse": frozenset({HEADERS}),
    "sanic.response.json": frozenset({SHOWN}),
    "sanic.response.text": frozenset({SHOWN}),
    "bottle.HTTPResponse": frozenset({SHOWN}),
    "bottle.abort": frozenset({SHOWN}),
}
# Modules all of whose callables are responses that take headers (matched by prefix: a rule's
# `calls` reads a name ending in "." as a module).
_HEADER_RESPONSE_MODULES = frozenset({"starlette.responses.", "fastapi.responses.", "django.http.", "sanic.response."})


def responses(role: str) -> frozenset[str]:
    """The qualified names of the response callables with `role`."""
    return frozenset(name for name, roles in _RESPONSES.items() if role in roles)


SHOWN_RESPONSES = responses(SHOWN)
HTML_BODY_RESPONSES = responses(HTML_BODY)
PLAIN_BY_DEFAULT_RESPONSES = responses(PLAIN_BY_DEFAULT)
JSON_RESPONSES = responses(JSON_BODY)
ITEM_HEADER_RESPONSES = responses(ITEM_HEADERS)
# what a rule declares in `calls` to see every response built with headers
HEADER_RESPONSES = responses(HEADERS) | _HEADER_RESPONSE_MODULES


def takes_headers(name: str) -> bool:
    """Whether the call named `name` builds a response with the headers it is given."""
    return name in HEADER_RESPONSES or name.rpartition(".")[0] + "." in _HEADER_RESPONSE_MODULES


def html_body_family(name: str) -> str | None:
    """For a callable making an HTML response from its first argument (HTML_BODY), which escape
    function suits it (`_support/html.ESCAPES`): Django's for Django, markupsafe's for Flask,
    Werkzeug and Quart, the standard library's otherwise. None for any other callable."""
    if name not in HTML_BODY_RESPONSES:
        return None
    package = name.split(".", 1)[0]
    return "django" if package == "django" else "flask" if package in ("flask", "werkzeug", "quart") else "other"


def is_response_call(call: ast.Call, ctx) -> bool:
    """A call whose arguments reach the client: a response, a rendered template, an abort."""
    return (ctx.call_name(call) or "") in SHOWN_RESPONSES


# ---- handlers ------------------------------------------------------------------------------

# A function answering requests by its route decorator: the engine's answer, which also makes
# the handler's parameters request data.
is_route_handler = engine_frameworks.is_route_handler


def is_view(func: ast.AST | None, ctx) -> bool:
    """A web request handler: route-decorated (the engine's frameworks.is_route_handler),
    decorated by a Django/DRF view decorator, or taking `request` first (Django, DRF methods)."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if is_route_handler(func):
        return True
    for deco in func.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        name = ctx.qualified_name(target) or ""
        if name.startswith(("rest_framework.decorators.", "django.views.decorators.", "django.contrib.auth.decorators.")):
            return True
    params = [a.arg for a in func.args.args]
    return (params[:1] == ["request"] or params[:2] == ["self", "request"]) and imports_any(ctx, DJANGO_VIEWS)


def in_middleware(node: ast.AST, ctx) -> bool:
    """Whether `node` runs in a Django-style middleware, which handles every request without
    importing any web framework: a class whose `__init__` takes `get_response`, or a function
    nested in a factory that takes it (`def timing(get_response): def middleware(request): ...`)."""
    for anc in ctx.ancestors(node):
        if isinstance(anc, ast.ClassDef):
            return any(
                isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__" and _takes_get_response(stmt)
                for stmt in anc.body
            )
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef)) and _takes_get_response(anc):
            return True
    return False


def _takes_get_response(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(a.arg == "get_response" for a in func.args.args)


def tornado_handler_method(call: ast.Call, ctx) -> str | None:
    """The method name of a call on `self` in a file using Tornado (`self.write(...)`, `self.redirect(...)`):
    a RequestHandler's own response methods."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self" and ctx.imports("tornado"):
        return func.attr
    return None


_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def app_route_taking_unsafe_methods(deco: ast.expr, ctx) -> bool:
    """A route decorator of the module's own Flask-style app that lets a POST, PUT, PATCH or
    DELETE reach the handler: `@app.post(...)`, `@app.route(..., methods=["POST"])`."""
    if not isinstance(deco, ast.Call) or not isinstance(deco.func, ast.Attribute):
        return False
    owner = deco.func.value
    if not isinstance(owner, ast.Name) or owner.id in ctx.module.imports or owner.id not in ctx.module.defined:
        return False
    attr = deco.func.attr
    if attr in ("post", "put", "patch", "delete"):
        return _app_named(owner.id, ctx)
    if attr != "route":
        return False
    for kw in deco.keywords:
        if kw.arg == "methods" and isinstance(kw.value, (ast.List, ast.Tuple, ast.Set)):
            methods = {e.value.upper() for e in kw.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            return bool(methods & _UNSAFE_METHODS) and _app_named(owner.id, ctx)
    return False


def _app_named(name: str, ctx) -> bool:
    """The decorator's owner is the module's own app (not a Blueprint or a router)."""
    if name in ("app", "application") or name.endswith("_app"):
        return not any(q.endswith(("Blueprint", "APIRouter")) for q in ctx.module.imports.values()) or name == "app"
    return False
