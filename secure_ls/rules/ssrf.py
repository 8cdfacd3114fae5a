"""SLS121 server-side-request-forgery."""

from __future__ import annotations

import ast
import re

from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import strings, web
from secure_ls.rules.base import Example, Rule

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
    "urllib.request.Request": 0,
    "urllib3.request": 1,
}
# Client objects whose verb methods fetch their URL argument.
_CLIENTS = frozenset(
    {
        "requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient",
        "aiohttp.ClientSession", "urllib3.PoolManager",
    }
)
_FIXED_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/{}?#\s]+[/?#]")


class ServerSideRequestForgery(Rule):
    """
    ## What it does
    Finds HTTP requests (`requests`, `httpx`, `aiohttp`, `urllib.request`)
    whose URL, or the host part of it, comes from the client: a query
    parameter, form field, JSON body or route parameter.

    ## Why is this bad?
    The server makes the request from inside your network, with its
    credentials. An attacker who picks the URL can reach internal services
    (`http://localhost:8080/admin`), cloud metadata endpoints
    (`http://169.254.169.254/` hands out credentials) or other hosts that
    only trust your server, and read the answer through your API.

    ## How to fix it
    Do not let the client choose the host. Build the URL from a fixed base
    and put client values only in the path or query (`f"https://api.example.com/users/{quote(user)}"`,
    which is not reported), or map a client choice to a URL from an
    allow-list. When arbitrary URLs are the point (webhooks, previews),
    resolve the host and refuse private, loopback and link-local addresses
    before connecting, and do not follow redirects blindly.
    """

    id = "SLS121"
    name = "server-side-request-forgery"
    title = "HTTP request to a URL chosen by the client"
    cwe = 918
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "input-validation"
    fixable = False
    calls = frozenset(_FUNCTIONS)
    methods = frozenset(_VERBS + ("request", "stream", "urlopen", "ws_connect"))

    VALID = [
        'import requests\nfrom flask import request\n\ndef user():\n    name = request.args["name"]\n    return requests.get(f"https://api.example.com/users/{name}", timeout=5).json()\n',
        'import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n',
        'import requests\nfrom flask import request\nSERVICES = {"a": "https://a.example.com", "b": "https://b.example.com"}\n\ndef proxy():\n    key = request.args["service"]\n    if key not in SERVICES:\n        return "no", 400\n    return requests.get(SERVICES[key], timeout=5).text\n',
        'import os\nimport requests\n\ndef ping():\n    return requests.get(os.environ["HEALTH_URL"], timeout=5)\n',
        'import requests\nfrom flask import request\nBASE = "https://api.example.com/"\n\ndef item():\n    return requests.get(BASE + request.args["id"], timeout=5).json()\n',
        'from flask import request\n\ndef get(url):\n    return url\n\ndef view():\n    return get(request.args["u"])\n',
    ]
    INVALID = [
        Example(
            'import requests\nfrom flask import request\n\ndef preview():\n    url = request.args["url"]\n    return requests.get(url, timeout=5).text\n',
        ),
        Example(
            'import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/proxy")\nasync def proxy(host: str):\n    async with httpx.AsyncClient() as client:\n        r = await client.get(f"http://{host}/status")\n    return r.json()\n',
        ),
        Example(
            'from urllib.request import urlopen\n\ndef fetch(request):\n    return urlopen(request.POST["feed"]).read()\n',
        ),
        Example(
            'import requests as rq\nfrom flask import request\n\ndef hook():\n    rq.request("POST", request.json["callback"], json={"ok": True}, timeout=5)\n',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        url = self._url(node, ctx)
        if url is None:
            return
        part = ctx.origin(url).risk("url")
        if not web.is_client(part) or web.reads_own_url(ctx, part):
            return
        built, _ = web.built_value(ctx, url)
        if _fixed_host(built, ctx):
            return
        ctx.report(
            self,
            url,
            f"URL `{ctx.text(url)}` comes from {web.describe(part)}: the server will fetch whatever host the client names "
            "(internal services, cloud metadata). Keep the host fixed or pick the URL from an allow-list.",
            confidence=ctx.confidence_for(part),
            related=ctx.related_path(part),
        )

    def _url(self, node: ast.Call, ctx) -> ast.expr | None:
        name = ctx.call_name(node) or ""
        if name in _FUNCTIONS:
            return web.argument(node, _FUNCTIONS[name], ("url",))
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _VERBS + ("request", "stream", "urlopen", "ws_connect"):
            return None
        receiver = func.value
        client = ctx.qualified_name(receiver)
        if client not in _CLIENTS and isinstance(receiver, ast.Name):
            for value in ctx.assigned_values(receiver):
                if isinstance(value, ast.Call) and ctx.call_name(value) in _CLIENTS:
                    client = ctx.call_name(value)
        if client not in _CLIENTS:
            return None
        index = 1 if func.attr in ("request", "stream", "urlopen") else 0
        return web.argument(node, index, ("url", "str_or_url"))


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
