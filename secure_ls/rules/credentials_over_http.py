"""SLS407 credentials-over-http."""

from __future__ import annotations

import ast
import re
from urllib.parse import urlsplit

from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import constants, crypto
from secure_ls.rules.base import Example, Rule, code

_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"})
_CLIENT_MODULES = ("requests", "httpx")
_SENSITIVE = re.compile(
    r"^(api[_-]?key|apikey|key|access[_-]?token|auth[_-]?token|id[_-]?token|refresh[_-]?token|token|password|passwd|pwd|"
    r"secret|client[_-]?secret|api[_-]?secret|session[_-]?id|sessionid|authorization|x-api-key|api-token|x-auth-token|"
    r"private[_-]?token|signature|sig|access[_-]?key|secret[_-]?key|appid|app[_-]?key|app[_-]?secret|auth|passphrase)$",
    re.IGNORECASE,
)
_QUERY = re.compile(r"[?&]([A-Za-z_\-]+)=")
# a host name of one label (urlsplit lowers it): no dot, no format placeholder (`%s`), not a number
_SINGLE_LABEL = re.compile(r"[a-z][a-z0-9-]*")


class CredentialsOverHttp(Rule):
    """
    ## What it does
    Finds HTTP requests (`requests`, `httpx`, `urllib.request`) to a plain
    `http://` URL that carry credentials: a password inserted into the URL
    (`f"http://{user}:{pw}@host"`; passwords written in the URL itself are
    SLS203's), a query parameter named like a secret
    (`?api_key=`, `&token=`, `?password=`), `auth=`, an `Authorization` or
    API-key header, or form/JSON fields named like a password or token.
    Requests to localhost are not reported. A literal host made of one
    label, with no dot (`http://supervisor/auth`, `http://db:8080`), is a
    name the host's container network or the local network resolves (a
    Docker service, a LAN machine), not a server across the internet: such
    findings are the audit tier (low confidence).

    ## Why is this bad?
    Over plain HTTP, everything in the request, including the credentials,
    can be read and replayed by anyone on the network path: public Wi-Fi,
    proxies, the ISP (CWE-319, CWE-523).

    ## How to fix it
    Use `https://`. The quick fix changes the scheme of the URL literal. It
    is unsafe: the server must serve HTTPS on the same host name (and a
    non-default port may differ). Credentials in a URL also end up in logs
    and proxies' histories: prefer `auth=` or a header.
    """

    id = "SLS407"
    name = "credentials-over-http"
    title = "Credentials sent over plain HTTP"
    cwe = 319
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "tls"
    fixable = True
    calls = frozenset({"requests.", "httpx.", "urllib.request.urlopen", "urllib.request.Request", "urllib2.urlopen", "urllib2.Request"})
    methods = _METHODS

    VALID = [
        code("""
            import requests
            def fetch(key):
                return requests.get('https://api.example.com/v1/items', params={'api_key': key})
        """),
        code("""
            import requests
            def fetch():
                return requests.get('http://example.com/index.html')
        """),
        code("""
            import requests
            def fetch(user, pw):
                return requests.get('http://localhost:8080/health', auth=(user, pw))
        """),
        code("""
            import requests
            def fetch(page):
                return requests.get(f'http://example.com/list?page={page}')
        """),
    ]
    INVALID = [
        Example(
            code("""
                import requests

                def fetch(key):
                    return requests.get(f'http://api.example.com/v1/items?api_key={key}')
            """),
            fixed=code("""
                import requests

                def fetch(key):
                    return requests.get(f'https://api.example.com/v1/items?api_key={key}')
            """),
            where="f'http://api.example.com/v1/items?api_key={key}'",
            says="The `api_key` query parameter sent over plain http",
        ),
        Example(
            code("""
                import requests

                def fetch(host, user, password):
                    return requests.get(f'http://{user}:{password}@{host}/report')
            """),
            fixed=code("""
                import requests

                def fetch(host, user, password):
                    return requests.get(f'https://{user}:{password}@{host}/report')
            """),
            where="f'http://{user}:{password}@{host}/report'",
            says="A user name and password in the URL sent over plain http",
        ),
        Example(
            code("""
                import httpx

                def login(user, password):
                    url = 'http://auth.example.com/login'
                    return httpx.post(url, data={'username': user, 'password': password})
            """),
            fixed=code("""
                import httpx

                def login(user, password):
                    url = 'https://auth.example.com/login'
                    return httpx.post(url, data={'username': user, 'password': password})
            """),
            where="url",
            says="The `password` field sent over plain http",
        ),
        Example(
            code("""
                from requests import Session

                def fetch(token):
                    s = Session()
                    return s.get('http://api.example.com/me', headers={'Authorization': f'Bearer {token}'})
            """),
            fixed=code("""
                from requests import Session

                def fetch(token):
                    s = Session()
                    return s.get('https://api.example.com/me', headers={'Authorization': f'Bearer {token}'})
            """),
            where="'http://api.example.com/me'",
            says="The `Authorization` header sent over plain http",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        url = self._url_argument(node, ctx)
        if url is None:
            return
        value = constants.defining_value(url, ctx)
        text = ctx.string_value(value)
        if text is None or text[:7].lower() != "http://":
            return
        try:
            parts = urlsplit(text)
            host = parts.hostname
        except ValueError:
            return
        known_host = bool(host) and "{" not in host
        if known_host and crypto.is_local_host(host):
            return
        what = self._credentials(node, parts, text, ctx)
        if what is None:
            return
        fix = None
        literal = self._literal(value)
        if literal is not None and "http://" in ctx.text(literal):
            fix = Fix("Use https://", (ctx.replace(literal, ctx.text(literal).replace("http://", "https://", 1)),), safe=False)
        # `http://supervisor/auth`: a container's service name or a LAN host, resolved on this machine's networks
        single_label = known_host and _SINGLE_LABEL.fullmatch(host) is not None
        where = " (a single-label host: a service on this machine's container network or the local network)" if single_label else ""
        ctx.report(
            self,
            url,
            f"{what} sent over plain http://{where}: anyone on the network path can read and replay it. Use https://.",
            fix=fix,
            confidence=Confidence.LOW if single_label else None if known_host else Confidence.MEDIUM,
        )

    def _url_argument(self, node: ast.Call, ctx) -> ast.expr | None:
        name = ctx.call_name(node) or ""
        if name in ("urllib.request.urlopen", "urllib.request.Request", "urllib2.urlopen", "urllib2.Request"):
            return argument(node, 0, ("url",))
        method = None
        module = name.split(".")[0]
        if module in _CLIENT_MODULES and name.rsplit(".", 1)[-1] in _METHODS:
            method = name.rsplit(".", 1)[-1]
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _METHODS:
            receiver = constants.defining_value(node.func.value, ctx)
            if isinstance(receiver, ast.Call) and (ctx.call_name(receiver) or "") in (
                "requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient",
            ):
                method = node.func.attr
        if method is None:
            return None
        if method == "request":
            return argument(node, 1, ("url",))
        return argument(node, 0, ("url",))

    def _credentials(self, node: ast.Call, parts, text: str, ctx) -> str | None:
        userinfo = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
        if ":" in userinfo and "{}" in userinfo.split(":", 1)[1]:
            # a password inserted at run time; literal ones are SLS203's (credentials-in-url)
            return "A user name and password in the URL"
        for name in _QUERY.findall(text):
            if _SENSITIVE.match(name):
                return f"The `{name}` query parameter"
        for kw in node.keywords:
            if kw.arg == "auth" and not (isinstance(kw.value, ast.Constant) and kw.value.value is None):
                return "`auth=` credentials"
            if kw.arg in ("headers", "params", "data", "json"):
                value = constants.defining_value(kw.value, ctx)
                if isinstance(value, ast.Dict):
                    for key in value.keys:
                        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _SENSITIVE.match(key.value):
                            return f"The `{key.value}` {'header' if kw.arg == 'headers' else 'field'}"
        return None

    @staticmethod
    def _literal(value: ast.expr) -> ast.expr | None:
        while isinstance(value, ast.BinOp):
            value = value.left
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "format":
            value = value.func.value
        if isinstance(value, (ast.Constant, ast.JoinedStr)):
            return value
        return None
