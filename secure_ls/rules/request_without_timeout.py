"""SLS604 request-without-timeout."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, web
from secure_ls.rules.base import Example, Rule, code

_REQUESTS = frozenset(
    f"requests.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "options", "request", "api.get", "api.post", "api.put", "api.patch", "api.delete", "api.head", "api.options", "api.request")
)
_HTTPX = frozenset(f"httpx.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream"))
_SESSION_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
_URLOPEN = frozenset({"urllib.request.urlopen", "urllib2.urlopen", "six.moves.urllib.request.urlopen"})


class RequestWithoutTimeout(Rule):
    """
    ## What it does
    Finds HTTP requests that can wait forever: `requests.get/post/put/
    patch/delete/head/options/request` (and the same methods of a
    `requests.Session()` created in the same function, unless its `request` is
    rebound with `functools.partial(session.request, timeout=...)`) without a `timeout`
    (or with `timeout=None`), `urllib.request.urlopen` without a timeout, and `httpx`
    functions with `timeout=None` (httpx otherwise applies a 5-second
    default, so a missing timeout there is fine). Calls passing `**kwargs`
    are not reported: the timeout may be among them; neither are `urlopen`
    calls on a literal `data:` or `file:` URL. `urlopen` findings have
    medium confidence (scripts and command-line tools use it where a hang is
    a nuisance, not an attack), test code and notebooks low confidence (a
    notebook's user runs the cell and watches it: a hang is seen and
    interrupted, not a worker lost). A call inside
    `with eventlet.Timeout(5):` or `with gevent.Timeout(5):` is cut off by
    the green-thread timeout once the program's sockets are green (under
    `monkey_patch()` or the library's worker pool): low confidence. So is a `urlopen` without a
    timeout in a program that sets a default for every socket
    (`socket.setdefaulttimeout(30)` in any of its modules, once, not put back
    in the same function; a script beside it is a program of its own, a
    package's `__main__.py` is not): `urlopen` waits that long at most, once the call
    that sets it has run, which is more than the analysis can tell
    (`requests` is not bounded by it: it asks urllib3 for a blocking socket).

    ## Why is this bad?
    Without a timeout, a slow or malicious server (or a dropped connection)
    holds the calling thread or worker forever: a few such requests exhaust a
    web server's workers, a classic denial of service (CWE-400, CWE-1088).

    ## How to fix it
    Always pass a timeout suited to the call (`timeout=10` seconds, or a
    `(connect, read)` pair for requests). The quick fix adds `timeout=10`
    (or replaces `timeout=None`). It is unsafe: a call that legitimately
    takes longer between two bytes than 10 seconds now raises a timeout
    error; adjust the value to the endpoint.
    """

    id = "SLS604"
    name = "request-without-timeout"
    title = "HTTP request without a timeout"
    cwe = 400
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "resources"
    bandit = ("B113",)
    fixable = True
    calls = _REQUESTS | _HTTPX | _URLOPEN
    methods = _SESSION_METHODS

    VALID = [
        # the session's `request`, which every method goes through, has the timeout bound in
        code("""
            from functools import partial
            import requests

            def login(user, password):
                session = requests.Session()
                session.request = partial(session.request, timeout=30)
                return session.post("https://example.com/login", data={"user": user, "password": password})
        """),
        code("""
            import requests
            r = requests.get("https://example.com", timeout=10)
        """),
        code("""
            import httpx
            r = httpx.get("https://example.com")
        """),
        code("""
            import requests
            def call(url, **kwargs):
                return requests.post(url, **kwargs)
        """),
        code("""
            from urllib.request import urlopen
            body = urlopen("https://example.com", timeout=5).read()
        """),
        code("""
            class Api:
                def get(self, url):
                    pass
            api = Api()
            api.get("/x")
        """),
    ]
    INVALID = [
        Example(
            code("""
                import requests

                def fetch(url):
                    return requests.get(url).json()
            """),
            fixed=code("""
                import requests

                def fetch(url):
                    return requests.get(url, timeout=10).json()
            """),
            where="requests.get",
            says="`get()` without a timeout can hang forever on a slow or unresponsive server",
        ),
        Example(
            code("""
                from requests import post

                post("https://hooks.example.com/notify", json={"ok": True}, timeout=None)
            """),
            fixed=code("""
                from requests import post

                post("https://hooks.example.com/notify", json={"ok": True}, timeout=10)
            """),
            where="post",
            says="`post()` with timeout=None can hang forever on a slow or unresponsive server",
        ),
        Example(
            code("""
                import urllib.request

                def download(url):
                    with urllib.request.urlopen(url) as response:
                        return response.read()
            """),
            fixed=code("""
                import urllib.request

                def download(url):
                    with urllib.request.urlopen(url, timeout=10) as response:
                        return response.read()
            """),
            where="urllib.request.urlopen",
            says="`urlopen()` without a timeout can hang forever on a slow or unresponsive server",
        ),
        Example(
            code("""
                import requests

                def sync(items):
                    with requests.Session() as session:
                        for item in items:
                            session.put(f"https://api.example.com/items/{item.id}", json=item.data)
            """),
            fixed=code("""
                import requests

                def sync(items):
                    with requests.Session() as session:
                        for item in items:
                            session.put(f"https://api.example.com/items/{item.id}", json=item.data, timeout=10)
            """),
            where="session.put",
            says="`put()` without a timeout can hang forever on a slow or unresponsive server",
        ),
        Example(
            code("""
                import httpx

                r = httpx.post("https://api.example.com", data=b"x", timeout=None)
            """),
            fixed=code("""
                import httpx

                r = httpx.post("https://api.example.com", data=b"x", timeout=10)
            """),
            where="httpx.post",
            says="`post()` with timeout=None can hang forever on a slow or unresponsive server",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if not name and _is_session_method(node, ctx):
            name = f"requests.Session.{node.func.attr}"
            timeout = keyword(node, "timeout")
        elif name in _REQUESTS:
            timeout = keyword(node, "timeout")
        elif name in _HTTPX:
            timeout = keyword(node, "timeout")
            if timeout is None:
                return
        elif name in _URLOPEN:
            timeout = keyword(node, "timeout")
            if timeout is None and len(node.args) >= 3:
                return  # urlopen(url, data, timeout)
        else:
            return
        if _sets_timeout(timeout):
            return
        if timeout is None and config.has_star_args(node):
            return
        url = config.argument(node, 0, ("url",))
        if name in _URLOPEN and isinstance(url, ast.Constant) and isinstance(url.value, str) and url.value.startswith(("data:", "file:")):
            return  # no network involved
        short = name.rsplit(".", 1)[-1] if not name.startswith("urllib") else "urlopen"
        bounded = _inside_green_timeout(node, ctx)
        # `socket.setdefaulttimeout(30)` somewhere in the program: urlopen's default timeout is that one
        default = ctx.module.default_socket_timeout if name in _URLOPEN and timeout is None else None
        edit = ctx.replace(timeout.value, "10") if timeout is not None else ctx.set_keyword(node, "timeout", "10")
        ctx.report(
            self,
            node.func,
            f"`{short}()` {'with timeout=None' if timeout is not None else 'without a timeout'} can hang forever on a slow or unresponsive server"
            + (" unless the sockets are green (the green-thread Timeout around it only interrupts green I/O)" if bounded else "")
            + (f" unless `socket.setdefaulttimeout()` ({default.where}) has run before it" if default is not None else "")
            + ": pass a timeout, e.g. timeout=10.",
            fix=Fix("Add timeout=10", (edit,), safe=False),
            # in a notebook the user runs the cell and watches it: a hang is seen and interrupted
            confidence=Confidence.LOW if bounded or default is not None or ctx.in_test_code(node) or ctx.module.is_notebook else (Confidence.MEDIUM if name in _URLOPEN else Confidence.HIGH),
        )


# Green-thread timeouts: a `with` block of one raises in the greenlet when the time is up, at its next green I/O
_GREEN_TIMEOUTS = frozenset({"eventlet.Timeout", "eventlet.timeout.Timeout", "gevent.Timeout", "gevent.timeout.Timeout"})


def _inside_green_timeout(node: ast.Call, ctx) -> bool:
    """`with Timeout(5, False): requests.get(url)` (eventlet's or gevent's Timeout), in the same function."""
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, ast.With) and any(
            isinstance(item.context_expr, ast.Call) and ctx.call_name(item.context_expr) in _GREEN_TIMEOUTS for item in ancestor.items
        ):
            return True
    return False


def _is_session_method(node: ast.Call, ctx) -> bool:
    """`session.get(...)` on a `requests.Session()` made in the same function."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in _SESSION_METHODS):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Name):
        values = ctx.assigned_values(receiver)
        if len(values) != 1 or _timeout_bound(receiver.id, node, ctx):
            return False
        receiver = values[0]
    return isinstance(receiver, ast.Call) and ctx.call_name(receiver) in _SESSIONS


def _timeout_bound(session: str, node: ast.Call, ctx) -> bool:
    """`session.request = functools.partial(session.request, timeout=30)` in the same function:
    every method of the session goes through `request`, so each call has that timeout."""
    for stmt in astutil.walk(web.function_body(ctx, node)):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.Call)):
            continue
        target = stmt.targets[0]
        if not (isinstance(target, ast.Attribute) and target.attr == "request" and isinstance(target.value, ast.Name) and target.value.id == session):
            continue
        if ctx.call_name(stmt.value) == "functools.partial" and _sets_timeout(keyword(stmt.value, "timeout")):
            return True
    return False


def _sets_timeout(timeout: ast.keyword | None) -> bool:
    """`timeout=10` (or any value but None): the call is bounded."""
    return timeout is not None and not (isinstance(timeout.value, ast.Constant) and timeout.value.value is None)
