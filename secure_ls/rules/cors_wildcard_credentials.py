"""SLS508 cors-wildcard-credentials."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, corsconfig
from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Severity
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import config, web
from secure_ls.rules.base import Example, Rule, code

_FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin", "flask_cors.extension.CORS", "flask_cors.decorator.cross_origin"})
_CORS_MIDDLEWARE = frozenset({"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"})
_ADDERS = frozenset({"starlette.middleware.Middleware"})


class CorsWildcardCredentials(Rule):
    """
    ## What it does
    Finds CORS configurations that let any website make credentialed
    requests: flask-cors `CORS(app, supports_credentials=True)` or
    `@cross_origin(supports_credentials=True)` with origins left at the
    default `"*"` or set to `"*"` (also inside `resources={...}`), and
    Starlette/FastAPI `CORSMiddleware` with `allow_credentials=True` and
    `allow_origins=["*"]` or an `allow_origin_regex` matching everything
    (through `app.add_middleware(...)`, `Middleware(...)` or a direct call).
    Where a flask-cors call names no origins, flask-cors takes the
    application's `CORS_ORIGINS`: set in the project's settings or config
    modules (`settings.py`, `config/production.py`: a constant, an
    `app.config[...]` item, `app.config.update(...)`) or in the statement
    of the call (`app.config["CORS_ORIGINS"] = [...]` in `create_app()`), a
    list of origins is not reported, one read from the environment is
    reported in the audit tier, and `"*"` is reported.
    Origins held in a variable are not judged, and test code is not
    reported. Also the same by hand: a response whose
    `Access-Control-Allow-Origin` is the request's own `Origin` header,
    unchecked, in a function that also sends
    `Access-Control-Allow-Credentials: true` (in the audit tier when that
    header is sent only under an opt-in of the code's configuration: `if
    allow_credentials:` of a parameter defaulting to False, `if
    self.allow_credentials:`).

    ## Why is this bad?
    Browsers refuse `Access-Control-Allow-Origin: *` with credentials, so
    these libraries echo the caller's origin back instead: every website the
    user visits can then send requests with the user's cookies and read the
    answers, which defeats the same-origin policy for the whole API
    (CWE-942, CWE-346).

    ## How to fix it
    List the origins that may call the API
    (`origins=["https://app.example.com"]`, `allow_origins=[...]`), or drop
    credentials if the API is public. No quick fix is offered: only you know
    the legitimate origins.
    """

    id = "SLS508"
    name = "cors-wildcard-credentials"
    title = "CORS allows any origin with credentials"
    cwe = 942
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "least-privilege"
    bandit = ()
    fixable = False
    calls = _FLASK_CORS | _CORS_MIDDLEWARE | _ADDERS
    methods = frozenset({"add_middleware", "set_header"})

    VALID = [
        # the Origin is echoed back only when it is one of the allowed ones
        code("""
            from flask import Flask, request

            app = Flask(__name__)
            ALLOWED = {"https://app.example.com"}

            @app.after_request
            def add_cors(response):
                origin = request.headers.get("Origin")
                if origin in ALLOWED:
                    response.headers["Access-Control-Allow-Origin"] = origin
                    response.headers["Access-Control-Allow-Credentials"] = "true"
                return response
        """),
        # without credentials, an echoed Origin only lets other sites read what anyone may read
        code("""
            from flask import Flask, request

            app = Flask(__name__)

            @app.after_request
            def add_cors(response):
                response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
                return response
        """),
        code("""
            from flask import Flask
            from flask_cors import CORS
            app = Flask(__name__)
            CORS(app, origins=["https://app.example.com"], supports_credentials=True)
        """),
        code("""
            from flask import Flask
            from flask_cors import CORS
            app = Flask(__name__)
            CORS(app)
        """),
        code("""
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])
        """),
        # no origins named: flask-cors takes the application's CORS_ORIGINS, a list here
        code("""
            from flask import Flask
            from flask_cors import CORS

            def create_app():
                app = Flask(__name__)
                app.config["CORS_ORIGINS"] = ["https://app.example.com"]
                CORS(app, supports_credentials=True)
                return app
        """),
        code("""
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=["https://a.example"], allow_credentials=True)
        """),
    ]
    INVALID = [
        # the same by hand: the caller's Origin echoed back, with credentials
        Example(
            code("""
                from flask import Flask, request

                app = Flask(__name__)

                @app.after_request
                def add_cors(response):
                    origin = request.headers.get("Origin")
                    if origin:
                        response.headers["Access-Control-Allow-Origin"] = origin
                        response.headers["Access-Control-Allow-Credentials"] = "true"
                    return response
            """),
            fixed=None,
            where='response.headers["Access-Control-Allow-Origin"] = origin',
            says="Origin header",
        ),
        Example(
            code("""
                from flask import Flask
                from flask_cors import CORS

                app = Flask(__name__)
                CORS(app, supports_credentials=True)
            """),
            fixed=None,
            where="True",
            says='flask-cors with supports_credentials=True and origins "*"',
        ),
        Example(
            code("""
                from flask import Flask
                from flask_cors import CORS

                app = Flask(__name__)
                CORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True)
            """),
            fixed=None,
            where="True",
            says='flask-cors with supports_credentials=True and origins "*"',
        ),
        Example(
            code("""
                from fastapi import FastAPI
                from fastapi.middleware.cors import CORSMiddleware

                app = FastAPI()
                app.add_middleware(
                    CORSMiddleware,
                    allow_origins=["*"],
                    allow_credentials=True,
                    allow_methods=["*"],
                )
            """),
            fixed=None,
            where="True",
            says="CORSMiddleware with allow_credentials=True and any origin",
        ),
        Example(
            code("""
                from starlette.middleware import Middleware
                from starlette.middleware.cors import CORSMiddleware

                middleware = [Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True)]
            """),
            fixed=None,
            where="True",
            says="CORSMiddleware with allow_credentials=True and any origin",
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        """`response.headers["Access-Control-Allow-Origin"] = origin` (or `response[...]`)."""
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, ast.Subscript) and _names_header(target.slice, _ALLOW_ORIGIN, ctx):
            self._reflected(node, node.value, ctx)

    def _reflected(self, node: ast.AST, value: ast.expr, ctx) -> None:
        """The request's Origin header, not checked, sent back as the allowed origin by a
        function that also allows credentials."""
        if web.header_read(value, ctx) != "origin" and not (isinstance(value, ast.Attribute) and value.attr == "origin"):
            return
        part = ctx.origin(value).risk(Sink.HEADER)
        func = ctx.enclosing_function(node)
        credentials = _allows_credentials(func, ctx) if func is not None else None
        if not web.is_client(part) or credentials is None or ctx.in_test_code(node):
            return
        ctx.report(
            self,
            node,
            "The request's Origin header is sent back as Access-Control-Allow-Origin, with credentials allowed: "
            "every website can send requests with the user's cookies and read the responses. Send it back only "
            "when it is one of the allowed origins.",
            confidence=credentials,
        )

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "set_header" and len(node.args) == 2:
            if _names_header(node.args[0], _ALLOW_ORIGIN, ctx):
                self._reflected(node, node.args[1], ctx)  # Tornado, Falcon
            return
        name = ctx.call_name(node) or ""
        if name in _FLASK_CORS:
            self._flask_cors(node, ctx)
            return
        func = node.func
        is_adder = name in _ADDERS or (isinstance(func, ast.Attribute) and func.attr == "add_middleware")
        if is_adder and node.args and ctx.qualified_name(node.args[0]) in _CORS_MIDDLEWARE or name in _CORS_MIDDLEWARE:
            self._starlette(node, ctx)

    def _flask_cors(self, node: ast.Call, ctx) -> None:
        credentials = keyword(node, "supports_credentials")
        if credentials is None or not astutil.is_true(credentials.value) or config.has_star_args(node):
            return
        origins = keyword(node, "origins")
        resources = keyword(node, "resources")
        if origins is not None:
            wildcard = _is_wildcard(origins.value)
        elif resources is not None and isinstance(resources.value, ast.Dict):
            wildcard = False
            for value in resources.value.values:
                if not isinstance(value, ast.Dict):
                    continue
                per = [v for k, v in zip(value.keys, value.values) if isinstance(k, ast.Constant) and k.value == "origins"]
                if not per or any(_is_wildcard(v) for v in per):
                    wildcard = True
        elif resources is not None:
            return  # built elsewhere
        else:
            # no origins named: flask-cors takes the application's CORS_ORIGINS, "*" where it is not set
            configured = _configured_origins(ctx)
            if configured is not None and not configured.any_origin:
                if not configured.constant and not ctx.in_test_code(node):
                    self._report(
                        credentials.value,
                        "flask-cors with supports_credentials=True takes its origins from CORS_ORIGINS, set outside the code here; "
                        "if that allows \"*\"",
                        ctx,
                        Confidence.LOW,
                    )
                return
            wildcard = True
        if wildcard and not ctx.in_test_code(node):
            self._report(credentials.value, "flask-cors with supports_credentials=True and origins \"*\" (the default)", ctx)

    def _starlette(self, node: ast.Call, ctx) -> None:
        credentials = keyword(node, "allow_credentials")
        if credentials is None or not astutil.is_true(credentials.value):
            return
        origins = keyword(node, "allow_origins")
        regex = keyword(node, "allow_origin_regex")
        wildcard = (origins is not None and _is_wildcard(origins.value)) or (
            regex is not None and isinstance(regex.value, ast.Constant) and regex.value.value in corsconfig.ANY_ORIGIN_PATTERNS
        )
        if wildcard and not ctx.in_test_code(node):
            self._report(credentials.value, "CORSMiddleware with allow_credentials=True and any origin", ctx)

    def _report(self, node: ast.AST, what: str, ctx, confidence: Confidence | None = None) -> None:
        ctx.report(
            self,
            node,
            f"{what}: the library echoes back any caller's origin, so every website can send requests with the user's cookies and read the responses. List the allowed origins.",
            confidence=confidence,
        )


_ALLOW_ORIGIN = "access-control-allow-origin"
_ALLOW_CREDENTIALS = "access-control-allow-credentials"


def _names_header(node: ast.AST, header: str, ctx) -> bool:
    return (ctx.string_value(node) or "").lower() == header


def _allows_credentials(func: ast.AST, ctx) -> Confidence | None:
    """Whether the function sends `Access-Control-Allow-Credentials: true` (a header item or
    `set_header`): MEDIUM when it may always do so, LOW (the audit tier) when every such header
    is sent only under an opt-in of the code's configuration (`if allow_credentials:` of a
    parameter defaulting to False, `if self.allow_credentials:`): whether credentials ride along
    is then a deployment's choice the code does not make. None: it never sends it."""
    found = None
    for node in astutil.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            name, value = node.targets[0].slice, node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "set_header" and len(node.args) == 2:
            name, value = node.args
        else:
            continue
        if _names_header(name, _ALLOW_CREDENTIALS, ctx) and (ctx.string_value(value) or "").lower() == "true":
            if not _under_opt_in(node, func, ctx):
                return Confidence.MEDIUM
            found = Confidence.LOW
    return found


def _under_opt_in(node: ast.AST, func: ast.AST, ctx) -> bool:
    """The statement sits in the body of an `if FLAG:` whose flag is the code's configuration,
    not the request's: a parameter of the function defaulting to False/None, or an attribute
    of `self` (`if origin:` of the request's Origin is no opt-in)."""
    child, parent = node, ctx.parent(node)
    while parent is not None and child is not func:
        if isinstance(parent, ast.If) and child in parent.body and _configured_flag(parent.test, func, ctx):
            return True
        child, parent = parent, ctx.parent(parent)
    return False


def _configured_flag(test: ast.expr, func: ast.AST, ctx) -> bool:
    if web.is_client(ctx.origin(test).risk(Sink.HEADER)):
        return False
    if isinstance(test, ast.Attribute):
        return isinstance(test.value, ast.Name) and test.value.id == "self"
    if not isinstance(test, ast.Name) or not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    args = func.args
    positional = args.posonlyargs + args.args
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    default = defaults.get(test.id)
    return isinstance(default, ast.Constant) and default.value in (False, None)


def _configured_origins(ctx) -> corsconfig.CorsOrigins | None:
    """What the application's configuration gives CORS_ORIGINS: the statement the call is in
    (`app.config["CORS_ORIGINS"] = [...]` in `create_app()`), or the project's settings and
    config modules (engine/corsconfig.py)."""
    here = corsconfig.judged(corsconfig.origins_in(ctx.tree))
    return here if here is not None else ctx.module.cors_origins


def _is_wildcard(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ("*", ".*", r"^.*$")
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return any(isinstance(e, ast.Constant) and e.value in ("*", ".*") for e in node.elts)
    return False
