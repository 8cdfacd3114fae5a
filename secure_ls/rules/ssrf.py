"""SLS121 server-side-request-forgery."""

from __future__ import annotations

import ast
import re

from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Severity
from secure_ls.engine import taint
from secure_ls.rules._support import redirects, strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
# Qualified function -> index of the URL argument.
_FUNCTIONS: dict[str, int] = {
    **{f"requests.{v}": 0 for v in _VERBS},
    "requests.request": 1,
    "requests.api.request": 1,
    **{f"httpx.{v}": 0 for v in _VERBS},
    "httpx.request": 1,
    "httpx.stream": 1,
    "urllib.request.urlopen": 0,
    "urllib3.request": 1,
}
# Client objects whose verb methods fetch their URL argument.
_CLIENTS = frozenset(
    {
        "requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient",
        "aiohttp.ClientSession", "urllib3.PoolManager", "urllib.request.build_opener", "urllib.request.OpenerDirector",
    }
)
# Their methods that fetch a URL. A `urllib.request.Request(url)` is no fetch: the URL it
# holds is followed into the `urlopen(req)`/`opener.open(req)` that fetches it.
_CLIENT_METHODS = _VERBS + ("request", "stream", "urlopen", "ws_connect", "open")
_FIXED_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/{}?#\s]+[/?#]")


class ServerSideRequestForgery(Rule):
    """
    ## What it does
    Finds HTTP requests (`requests`, `httpx`, `aiohttp`, `urllib.request`)
    whose URL, or the host part of it, comes from the client: a query
    parameter, form field, JSON body or route parameter; also a URL given
    to a function of the module or the workspace that hands it on whole to
    one of them (`fetch(request.args["url"])` with `def fetch(url): return
    requests.get(url, timeout=5)`), reported where it is given. A URL that starts
    with a fixed host (`"https://api.example.com/" + path`, also through a
    module constant) or with a base URL of the application's own followed
    by `/` (`f"{settings.API_URL}/{item_id}"`) is not reported: the client
    only chooses a path on that host. A fixed `scheme://host` with no path,
    then a value the client did not choose (an entry of the application's
    table of routes) and then the client's text (`f"{BASE_URL}{base_path}"`,
    `base_path` that entry with `f"{pk}/"` appended) is the audit tier: the
    client reaches the host only if that value can be empty or not start
    with `/`. Nor is a URL in an Amazon SNS message once django_ses
    verified its signature (`verify_event_message`): it is Amazon's.

    ## Why is this bad?
    The server makes the request from inside your network, with its
    credentials. An attacker who picks the URL can reach internal services
    (`http://localhost:8080/admin`), cloud metadata endpoints
    (`http://169.254.169.254/` hands out credentials) or other hosts that
    only trust your server, and read the answer through your API.

    ## How to fix it
    Do not let the client choose the host. Build the URL from a fixed base
    and put client values only in the path or query (`f"https://api.example.com/users/{quote(user)}"`,
    which is not reported; nor is a path starting with `/` on a client made
    with a constant `base_url=`), or map a client choice to a URL from an
    allow-list. `urljoin(BASE, value)` does not fix the host: an absolute
    `value` replaces the base. When arbitrary URLs are the point (webhooks, previews),
    resolve the host and refuse private, loopback and link-local addresses
    before connecting, and do not follow redirects blindly.
    """

    id = "SLS121"
    name = "server-side-request-forgery"
    title = "HTTP request to a URL chosen by the client"
    cwe = 918
    codeql = ("py/full-ssrf", "py/partial-ssrf")
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "input-validation"
    forwarded_sink = Sink.URL
    fixable = False
    calls = frozenset(_FUNCTIONS)
    methods = frozenset(_CLIENT_METHODS)

    VALID = [
        code("""
            import requests
            from flask import request

            def user():
                name = request.args["name"]
                return requests.get(f"https://api.example.com/users/{name}", timeout=5).json()
        """),
        code("""
            import requests

            def fetch(url):
                return requests.get(url, timeout=5)
        """),
        code("""
            import requests
            from flask import request
            SERVICES = {"a": "https://a.example.com", "b": "https://b.example.com"}

            def proxy():
                key = request.args["service"]
                if key not in SERVICES:
                    return "no", 400
                return requests.get(SERVICES[key], timeout=5).text
        """),
        code("""
            import os
            import requests

            def ping():
                return requests.get(os.environ["HEALTH_URL"], timeout=5)
        """),
        code("""
            import requests
            from flask import request
            BASE = "https://api.example.com/"

            def item():
                return requests.get(BASE + request.args["id"], timeout=5).json()
        """),
        code("""
            from flask import request

            def get(url):
                return url

            def view():
                return get(request.args["u"])
        """),
        code("""
            import httpx

            STRIPE = "https://api.stripe.com/v1"

            async def customer(request):
                customer_id = request.path_params["customer_id"]
                async with httpx.AsyncClient(base_url=STRIPE, timeout=5) as client:
                    return await client.get(f"/customers/{customer_id}")
        """),
    ]
    INVALID = [
        Example(  # handed to a helper that fetches it
            code("""
                import requests
                from flask import request

                def fetch(url):
                    return requests.get(url, timeout=5).text

                def preview():
                    return fetch(request.args["url"])
            """),
            where='request.args["url"]',
            says="comes from the Flask request: the server will fetch whatever host the client names",
        ),
        Example(
            code("""
                import requests
                from flask import request

                def preview():
                    url = request.args["url"]
                    return requests.get(url, timeout=5).text
            """),
            where="url",
            says="URL `url` comes from the Flask request",
        ),
        Example(
            code("""
                import httpx
                from fastapi import FastAPI
                app = FastAPI()

                @app.get("/proxy")
                async def proxy(host: str):
                    async with httpx.AsyncClient() as client:
                        r = await client.get(f"http://{host}/status")
                    return r.json()
            """),
            where='f"http://{host}/status"',
            says='URL `f"http://{host}/status"` comes from the route parameter `host`',
        ),
        Example(
            code("""
                from urllib.request import urlopen

                def fetch(request):
                    return urlopen(request.POST["feed"]).read()
            """),
            where='request.POST["feed"]',
            says='URL `request.POST["feed"]` comes from the HTTP request',
        ),
        Example(
            code("""
                import requests as rq
                from flask import request

                def hook():
                    rq.request("POST", request.json["callback"], json={"ok": True}, timeout=5)
            """),
            where='request.json["callback"]',
            says='URL `request.json["callback"]` comes from the Flask request',
        ),
        Example(
            code("""
                from urllib.parse import urljoin

                import requests

                API_BASE = "https://inventory.internal/api/"
                http = requests.Session()

                def proxy(request):
                    return http.get(urljoin(API_BASE, request.GET["resource"]), timeout=5)
            """),
            where='urljoin(API_BASE, request.GET["resource"])',
            says='URL `urljoin(API_BASE, request.GET["resource"])` comes from the HTTP request',
        ),
        Example(
            code("""
                import urllib.request
                from flask import request

                def preview():
                    req = urllib.request.Request(request.json["url"], headers={"User-Agent": "bot"})
                    return urllib.request.urlopen(req, timeout=3).read()
            """),
            where="req",
            says="URL `req` comes from the Flask request",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        url = self._url(node, ctx)
        if url is not None:
            self._judge(node, url, ctx)

    def visit_Forwarded(self, node: ast.Call, callee: str, position: str, url: ast.expr, ctx) -> None:
        # `fetch(request.args["url"])` where `def fetch(url): return requests.get(url, timeout=5)`
        if callee in _FUNCTIONS and position in (str(_FUNCTIONS[callee]), "url"):
            self._judge(node, url, ctx)

    def _judge(self, node: ast.Call, url: ast.expr, ctx) -> None:
        part = ctx.origin(url).risk(Sink.URL)
        if not web.is_client(part) or web.reads_own_url(ctx, part):
            return
        built, _ = web.built_value(ctx, url)
        if _fixed_host(built, ctx) or self._relative_to_fixed_base(node, built, ctx):
            return
        settled_by = _host_then_application_value(built, ctx)
        if settled_by is not None:
            # `f"{BASE_URL}{resource['path']}{pk}/"` with `BASE_URL = "http://localhost:8080"`
            host, value = settled_by
            ctx.report(
                self,
                url,
                f"URL `{ctx.text(url)}` starts with the fixed `{host}`, then `{value}` (not the client's), then {part.describe()}: "
                f"the client reaches the host only if `{value}` can be empty or not start with `/`. Make sure it cannot, "
                "or end the base URL with `/`.",
                confidence=Confidence.LOW,
                related=ctx.related_path(part),
            )
            return
        ctx.report(
            self,
            url,
            f"URL `{ctx.text(url)}` comes from {part.describe()}: the server will fetch whatever host the client names "
            "(internal services, cloud metadata). Keep the host fixed or pick the URL from an allow-list.",
            confidence=part.confidence(),
            related=ctx.related_path(part),
        )

    def _url(self, node: ast.Call, ctx) -> ast.expr | None:
        name = ctx.call_name(node) or ""
        if name in _FUNCTIONS:
            return web.argument(node, _FUNCTIONS[name], ("url",))
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _CLIENT_METHODS:
            return None
        receiver = func.value
        client = ctx.qualified_name(receiver)
        if client not in _CLIENTS and isinstance(receiver, ast.Name):
            made = _client_construction(receiver, ctx)
            client = ctx.call_name(made) if made is not None else ctx.module_made_by(receiver)
        if client not in _CLIENTS:
            return None
        index = 1 if func.attr in ("request", "stream", "urlopen") else 0
        return web.argument(node, index, ("url", "str_or_url", "fullurl"))

    def _relative_to_fixed_base(self, call: ast.Call, built: ast.expr, ctx) -> bool:
        """`httpx.AsyncClient(base_url=STRIPE).get(f"/customers/{cid}")`: a URL that starts with one
        `/` is a path on the client's constant base URL, so the client cannot change the host."""
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        made = _client_construction(receiver, ctx) if isinstance(receiver, ast.Name) else None
        base = keyword(made, "base_url") if made is not None else None
        if base is None or not ctx.origin(base.value).is_constant:
            return False
        parts = strings.pieces(built)
        first = parts[0] if parts else None
        return isinstance(first, strings.Literal) and first.text.startswith("/") and not first.text.startswith("//")


def _client_construction(receiver: ast.Name, ctx) -> ast.Call | None:
    """The call that made an HTTP client held by a local name (`client` in
    `async with httpx.AsyncClient(...) as client`), if that is the only value it holds."""
    for value in ctx.assigned_values(receiver):
        if isinstance(value, ast.Call) and ctx.call_name(value) in _CLIENTS:
            return value
    return None


def _fixed_host(built: ast.expr, ctx) -> bool:
    """Whether a built URL starts with constant text that already names the scheme and host."""
    parts = strings.pieces(built)
    if not parts:
        return False
    prefix = ""
    for piece in parts:
        if isinstance(piece, strings.Literal):
            prefix += piece.text
            continue
        if ctx.origin(piece.node).is_constant:
            value = ctx.string_value(piece.node)
            if value is not None:
                prefix += value
                continue
            if not prefix:
                return True  # a leading constant defined elsewhere: a base URL
        break
    return bool(_FIXED_HOST.match(prefix))


# A constant `scheme://host[:port]` with nothing after the host: what follows it may still be the host's.
_BARE_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/{}?#@\\\s]+$")


def _host_then_application_value(built: ast.expr, ctx) -> tuple[str, str] | None:
    """`f"{BASE_URL}{base_path}"` with `BASE_URL = "http://localhost:8080"` and `base_path` a value
    the client did not choose (a row, a table of the application's own; the client's text only
    appended to it), also as what every return of the method called on `self` builds: the fixed
    host and the text of that value. The client reaches the host only if that value is empty or
    does not start with `/`, which the code does not show (the audit tier)."""
    made = ctx.assigned_values(built) if isinstance(built, ast.Name) else (built,)  # `url = self._build_url(...)`
    values = []
    for value in made:
        method = web.own_method(ctx, value)
        values += [r.value for r in web.returns_of(method)] if method is not None else [value]
    found = {_bare_host_then_value(v, ctx) if v is not None else None for v in values}
    return found.pop() if len(found) == 1 else None


def _bare_host_then_value(value: ast.expr, ctx) -> tuple[str, str] | None:
    parts = strings.pieces(value) or []
    if len(parts) < 2:
        return None
    first, second = parts[0], parts[1]
    host = first.text if isinstance(first, strings.Literal) else ctx.string_value(first.node) if ctx.origin(first.node).is_constant else None
    if host is None or not _BARE_HOST.match(host) or not isinstance(second, strings.Value):
        return None
    starts = redirects.start_values(ctx, second.node) if isinstance(second.node, ast.Name) else [second.node]
    if not starts or any(_callers_or_clients(ctx.origin(start).risk(Sink.URL)) for start in starts):
        return None
    return host, ctx.text(second.node)


def _callers_or_clients(part) -> bool:
    """A value the client chose, or a parameter (its callers' choice, which may be the client's)."""
    return web.is_client(part) or part is not None and part.kind == taint.PARAM and part.label != "self"
