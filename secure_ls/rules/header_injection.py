"""SLS126 http-header-injection."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, catalog
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import frameworks, verified_decode, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_HEADER_METHODS = frozenset({"add", "set", "setdefault", "add_header", "__setitem__"})
# Methods of the response itself that set a header: Falcon's `resp.set_header(name, value)`,
# Tornado's `self.set_header(name, value)` on a RequestHandler.
_RESPONSE_HEADER_METHODS = frozenset({"set_header", "append_header", "add_header"})
# http.server's BaseHTTPRequestHandler.send_header(name, value): written to the socket as is
_SOCKET_HEADER_METHODS = frozenset({"send_header"})


class HttpHeaderInjection(Rule):
    """
    ## What it does
    Finds request data written into response headers (`response.headers[...] = ...`,
    `response.headers.add(...)`, Django's `response["Header"] = ...`, http.server's
    `self.send_header(...)`, a WSGI application's `start_response(status, headers)`) or
    cookies (`response.set_cookie(name, value)`) without encoding it. Frameworks
    that refuse line breaks in header values themselves (they raise) get a
    low-confidence finding: Werkzeug's headers (Flask, Quart), Django's
    responses, aiohttp, Bottle's, Tornado's `set_header`. The value is reflected, and a
    line break fails the request, but nothing is injected. (A `Location`
    header set by hand is also a redirect: SLS120 reports where it leads.)
    So is a value copied from a request header (a CORS `Origin` echoed back,
    Falcon's `req.get_header("Origin")` included, unless decoded first; also a header the configuration names,
    `request.headers.get(name)`, and the one non-constant branch of a
    conditional): the server delivers a header value on one line, so it
    cannot split the response.

    ## Why is this bad?
    A carriage return and line feed in the value end the header: the client
    can add headers of its choosing (`Set-Cookie`, a second `Location`) or a
    whole forged body (HTTP response splitting, CWE-113), which poisons
    caches and enables cross-site scripting. Where the framework refuses
    newlines, the request fails with a server error instead; the standard
    library's `http.server`, a bare WSGI `start_response`, Falcon, Sanic and
    Starlette leave the check to the server.

    ## How to fix it
    Do not reflect raw client input into headers. Map it to a known value
    (an allow-list), or encode it, e.g. with `urllib.parse.quote(value)`.
    Values passed through `quote`, `json.dumps`, `int()` or checked against
    an allow-list are not reported, nor is a claim of a token decoded with its
    signature check on (`jwt.decode(cookie, key)["sub"]`): the key's holder
    signed it, the client could not choose it. Nor is an item a server,
    middleware or component of the application put in the WSGI environ
    (lower-case, as PEP 3333 asks: `env["swift.trans_id"]`, `environ["csp_domains"]`),
    however the application names its environ parameter.
    """

    id = "SLS126"
    name = "http-header-injection"
    title = "Request data written to a response header or cookie"
    cwe = 113
    codeql = ("py/http-response-splitting",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "injection"
    fixable = False
    methods = frozenset({"set_cookie"}) | _HEADER_METHODS | _RESPONSE_HEADER_METHODS | _SOCKET_HEADER_METHODS
    calls = frameworks.HEADER_RESPONSES
    local_calls = frozenset({"start_response"})

    VALID = [
        # a claim of a token whose signature was checked: the server (or the identity provider) signed it
        code("""
            import jwt
            from fastapi import Request, Response

            def forward_auth(request: Request, key: str):
                claims = jwt.decode(request.cookies["token"], key, algorithms=["HS256"])
                user = claims.get("sub")
                response = Response("", status_code=202)
                response.headers["remote-user"] = user
                return response
        """),
        code("""
            from urllib.parse import quote
            from flask import make_response, request

            def download():
                resp = make_response("data")
                resp.headers["Content-Disposition"] = "attachment; filename=" + quote(request.args["name"])
                return resp
        """),
        code("""
            from flask import make_response, request
            THEMES = {"dark", "light"}

            def theme():
                value = request.args.get("theme", "light")
                if value not in THEMES:
                    value = "light"
                resp = make_response("ok")
                resp.set_cookie("theme", value)
                return resp
        """),
        code("""
            from flask import make_response, request

            def h():
                resp = make_response("ok")
                resp.headers["X-Request-Path"] = request.path
                return resp
        """),
        code("""
            def copy(request, headers):
                headers["X-Forwarded-For"] = request.META["REMOTE_ADDR"]
        """),
        # an item a middleware put in the environ (PEP 3333 names them so): not the client's
        code("""
            class Middleware:
                def __call__(self, env, start_response):
                    start_response("204 No Content", [("X-Trans-Id", env["swift.trans_id"])])
                    return []
        """),
        code("""
            import falcon
            from urllib.parse import quote

            class Download:
                def on_get(self, req, resp):
                    resp.set_header("Content-Disposition", "attachment; filename=" + quote(req.get_param("name")))
        """),
        code("""
            from flask import make_response, request

            SUPPORTED = ["en", "de", "fr"]

            def index():
                resp = make_response("hi")
                resp.headers["Content-Language"] = request.accept_languages.best_match(SUPPORTED) or "en"
                return resp
        """),
    ]
    INVALID = [
        # the same claim read without the signature check: the client wrote it
        Example(
            code("""
                import jwt
                from fastapi import Request, Response

                def forward_auth(request: Request, key: str):
                    claims = jwt.decode(request.cookies["token"], key, options={"verify_signature": False})
                    user = claims.get("sub")
                    response = Response("", status_code=202)
                    response.headers["remote-user"] = user
                    return response
            """),
            where='response.headers["remote-user"]',
            says="is written into a response header unencoded",
        ),
        Example(
            code("""
                from flask import make_response, request

                def download():
                    resp = make_response("data")
                    resp.headers["Content-Disposition"] = "attachment; filename=" + request.args["name"]
                    return resp
            """),
            where='resp.headers["Content-Disposition"]',
            says='The Flask request `"attachment; filename=" + request.args["name"]` is written',
        ),
        Example(
            code("""
                from django.http import HttpResponse

                def view(request):
                    response = HttpResponse("ok")
                    response["X-Tracking"] = request.GET.get("id", "")
                    return response
            """),
            where='response["X-Tracking"]',
            says='The HTTP request `request.GET.get("id", "")` is written into a response header',
        ),
        Example(
            code("""
                from flask import make_response, request

                def report():
                    name = request.args.get("name", "report.txt")
                    return make_response("body", 200, {"Content-Disposition": "attachment; filename=" + name})
            """),
            where='"attachment; filename=" + name',
            says='The Flask request `"attachment; filename=" + name` is written into a response',
        ),
        Example(
            code("""
                from django.http import HttpResponse

                def view(request):
                    return HttpResponse("ok", headers={"X-Ref": request.GET["ref"]})
            """),
            where='request.GET["ref"]',
            says='The HTTP request `request.GET["ref"]` is written into a response header',
        ),
        Example(
            code("""
                from flask import make_response, request

                def remember():
                    resp = make_response("ok")
                    resp.set_cookie("campaign", request.args["utm"])
                    return resp
            """),
            where='request.args["utm"]',
            says='The Flask request `request.args["utm"]` is written into a cookie unencoded',
        ),
        Example(
            code("""
                import falcon

                class Download:
                    def on_get(self, req, resp):
                        resp.set_header("Content-Disposition", "attachment; filename=" + req.get_param("name"))
            """),
            where='"attachment; filename=" + req.get_param("name")',
            says='The HTTP request `"attachment; filename=" + req.get_param("name")` is written',
        ),
        Example(
            code("""
                from sanic import Sanic, response
                app = Sanic("pager")

                @app.get("/items")
                async def items(request):
                    cursor = request.args.get("cursor", "")
                    return response.json({}, headers={"Link": f"</items?cursor={cursor}>; rel=next"})
            """),
            where='f"</items?cursor={cursor}>; rel=next"',
            says='The HTTP request `f"</items?cursor={cursor}>; rel=next"` is written into a',
        ),
        Example(  # the standard library's http.server writes headers as given
            code("""
                from http.server import BaseHTTPRequestHandler
                from urllib.parse import parse_qs, urlparse

                class Handler(BaseHTTPRequestHandler):
                    def do_GET(self):
                        lang = parse_qs(urlparse(self.path).query).get("lang", ["en"])[0]
                        self.send_response(200)
                        self.send_header("Content-Language", lang)
                        self.end_headers()
            """),
            where="lang",
            says="The HTTP request `lang` is written into a response header unencoded",
        ),
        Example(  # a bare WSGI application
            code("""
                from urllib.parse import parse_qs

                def application(environ, start_response):
                    campaign = parse_qs(environ.get("QUERY_STRING", "")).get("c", [""])[0]
                    start_response("200 OK", [("X-Campaign", campaign)])
                    return [b"ok"]
            """),
            where="campaign",
            says="The WSGI environ `campaign` is written into a response header unencoded",
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Subscript):
                continue
            owner = target.value
            if isinstance(owner, ast.Attribute) and owner.attr == "headers" and _is_response(owner.value, ctx, attribute=True):
                self._check(target, node.value, "header", ctx)
            elif isinstance(owner, ast.Name) and _is_django_response(owner, ctx):
                self._check(target, node.value, "header", ctx)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        name = ctx.call_name(node) or ""
        if frameworks.takes_headers(name):
            for headers in _headers_passed(node):
                for value in headers.values:
                    self._check(value, value, "header", ctx)
        if isinstance(func, ast.Name) and func.id == "start_response" and len(node.args) >= 2 and isinstance(node.args[1], (ast.List, ast.Tuple)):
            # a WSGI application's `start_response(status, [(name, value), ...])`
            for pair in node.args[1].elts:
                if isinstance(pair, ast.Tuple) and len(pair.elts) == 2:
                    self._check(pair.elts[1], pair.elts[1], "header", ctx)
        if not isinstance(func, ast.Attribute):
            return
        if func.attr in _SOCKET_HEADER_METHODS and isinstance(func.value, ast.Name) and func.value.id == "self":
            value = web.argument(node, 1, ("value",))
            if value is not None:
                self._check(value, value, "header", ctx)
        elif func.attr in _RESPONSE_HEADER_METHODS and frameworks.tornado_handler_method(node, ctx) is not None:
            # Tornado's set_header refuses CR/LF (it raises): the value is reflected, not injected
            value = web.argument(node, 1, ("value",))
            if value is not None:
                self._check(value, value, "checked-header", ctx)
        elif func.attr in _RESPONSE_HEADER_METHODS and (
            _is_response(func.value, ctx, attribute=False) or frameworks.tornado_handler_method(node, ctx) is not None
        ):
            value = web.argument(node, 1, ("value",))
            if value is not None:
                self._check(value, value, "header", ctx)
        elif func.attr == "set_cookie" and _is_response(func.value, ctx, attribute=False):
            value = web.argument(node, 1, ("value",))
            if value is not None:
                self._check(value, value, "cookie", ctx)
        elif func.attr in _HEADER_METHODS and isinstance(func.value, ast.Attribute) and func.value.attr == "headers":
            if _is_response(func.value.value, ctx, attribute=True):
                value = web.argument(node, 1, ("value", "_value"))
                if value is not None:
                    self._check(value, value, "header", ctx)

    def _check(self, where: ast.AST, value: ast.expr, kind: str, ctx) -> None:
        part = ctx.origin(value).risk(Sink.HEADER)
        if not web.is_client(part) or web.reads_own_url(ctx, part):
            return
        if verified_decode.signed_claim(value, ctx):
            return  # a claim of a token whose signature was checked: the key's holder chose it, not the client
        what = "a cookie" if kind == "cookie" else "a response header"
        if kind == "header" and frameworks.imports_any(ctx, frameworks.REFUSES_LINE_BREAKS):
            kind = "checked-header"
        if web.reads_header(ctx, part, value):
            # `Access-Control-Allow-Origin: <Origin>`: a header value holds no line break (see
            # web.reads_header), so copying one splits nothing; which origins a CORS policy
            # allows is SLS508's business
            kind = "copied-header"
        ctx.report(
            self,
            where,
            f"{web.upper_first(web.describe_value(ctx, part, value))} is written into {what} unencoded: a CR/LF in it can add headers "
            "or split the response. Map it to a known value or encode it (`urllib.parse.quote`)."
            + (" It is copied from a request header, which a compliant server delivers without line breaks: low confidence." if kind == "copied-header" else "")
            + (" The framework refuses line breaks in header values (it raises): the value is reflected, not injected, so low confidence." if kind == "checked-header" else ""),
            # Werkzeug and Django quote cookie values and refuse newlines in headers:
            # the reflection is real, the injection depends on the stack.
            confidence=Confidence.LOW if kind in ("cookie", "checked-header", "copied-header") else min(part.confidence(), Confidence.MEDIUM),
            severity=Severity.LOW if kind == "cookie" else None,
            related=ctx.related_path(part),
        )


def _headers_passed(call: ast.Call) -> list[ast.Dict]:
    """Header dicts given to a response constructor (`headers=` or a dict after the body)."""
    found = [kw.value for kw in call.keywords if kw.arg == "headers" and isinstance(kw.value, ast.Dict)]
    found += [a for a in call.args[1:] if isinstance(a, ast.Dict)]
    return found


def _is_response(node: ast.expr, ctx, attribute: bool) -> bool:
    """A response object (not the request, whose headers are the client's own)."""
    if isinstance(node, ast.Name):
        if node.id in catalog.REQUEST_NAMES:
            return False
        if "resp" in node.id.lower():
            return True
        values = ctx.assigned_values(node)
        return bool(values) and all(
            isinstance(v, ast.Call) and "response" in ((ctx.call_name(v) or "") + astutil.last_name(v.func)).lower() for v in values
        )
    if isinstance(node, ast.Attribute):
        return "resp" in node.attr.lower()
    if isinstance(node, ast.Call):
        return "response" in (ctx.call_name(node) or "").lower()
    return False


def _is_django_response(name: ast.Name, ctx) -> bool:
    values = ctx.assigned_values(name)
    return bool(values) and all(isinstance(v, ast.Call) and ctx.call_name(v) in frameworks.ITEM_HEADER_RESPONSES for v in values)
