"""SLS401 tls-verification-disabled."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules.base import Example, Rule

_HTTP_CLIENT_PREFIXES = ("requests.", "httpx.", "aiohttp.", "urllib3.")
_SESSION_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream", "ws_connect", "mount")
_VERIFIED_CONTEXT = "ssl.create_default_context(cafile=certifi.where())"
_CONTEXT_IMPORTS = ("import ssl", "import certifi")


class TlsVerificationDisabled(Rule):
    """
    ## What it does
    Finds TLS certificate verification turned off: `verify=False` in
    requests and httpx (functions, sessions and clients), `ssl=False` /
    `verify_ssl=False` in aiohttp, `cert_reqs="CERT_NONE"` in urllib3,
    `ssl._create_unverified_context()`, `verify_mode = ssl.CERT_NONE`,
    `check_hostname = False`, and `session.verify = False`.

    ## Why is this bad?
    Without verification, anyone on the network path (public Wi-Fi, a
    compromised router, a proxy) can present their own certificate and read
    or change all traffic, including credentials and tokens (CWE-295).
    It is usually added to get past a self-signed or internal certificate,
    and then ships to production.

    ## How to fix it
    Verify against a known CA bundle. The quick fix restores verification
    with certifi's bundle (Mozilla's CA list): `verify=certifi.where()` for
    requests, and `ssl.create_default_context(cafile=certifi.where())` for
    httpx, aiohttp and the `ssl` module, adding the imports. For an
    internal CA, point `cafile` / `verify` at that CA's certificate instead
    of disabling checks. The fix is marked unsafe because connections to
    servers with invalid certificates will now (rightly) fail.
    """

    id = "SLS401"
    name = "tls-verification-disabled"
    title = "TLS certificate verification disabled"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "tls"
    bandit = ("B501", "B323")
    fixable = True
    calls = frozenset({"requests.", "httpx.", "aiohttp.", "urllib3.", "ssl."})
    methods = frozenset(_SESSION_METHODS)

    VALID = [
        "import requests\nrequests.get('https://example.com', verify=True)\n",
        "import requests, certifi\nrequests.get('https://example.com', verify=certifi.where())\n",
        "import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = True\n",
        "class Thing:\n    verify = False\n",
        "def run(verify=False):\n    return verify\n",
    ]
    INVALID = [
        Example(
            "import requests\n\nresp = requests.get('https://internal.example.com/api', verify=False)\n",
            fixed="import requests\nimport certifi\n\nresp = requests.get('https://internal.example.com/api', verify=certifi.where())\n",
        ),
        Example(
            "import httpx\n\nclient = httpx.Client(verify=False, timeout=5)\n",
            fixed="import httpx\nimport ssl\nimport certifi\n\nclient = httpx.Client(verify=ssl.create_default_context(cafile=certifi.where()), timeout=5)\n",
        ),
        Example(
            "import ssl\nimport urllib.request\n\nctx = ssl._create_unverified_context()\nurllib.request.urlopen('https://example.com', context=ctx)\n",
            fixed="import ssl\nimport urllib.request\nimport certifi\n\nctx = ssl.create_default_context(cafile=certifi.where())\nurllib.request.urlopen('https://example.com', context=ctx)\n",
        ),
        Example(
            "import ssl\n\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\n",
            fixed="import ssl\n\nctx = ssl.create_default_context()\nctx.check_hostname = True\nctx.verify_mode = ssl.CERT_NONE\n",
            count=2,
        ),
        Example(
            "import requests\n\nsession = requests.Session()\nsession.verify = False\n",
            fixed="import requests\nimport certifi\n\nsession = requests.Session()\nsession.verify = certifi.where()\n",
        ),
        Example(
            "import aiohttp\n\nasync def fetch(session, url):\n    async with session.get(url, ssl=False) as resp:\n        return await resp.text()\n",
            fixed="import aiohttp\nimport ssl\nimport certifi\n\nasync def fetch(session, url):\n    async with session.get(url, ssl=ssl.create_default_context(cafile=certifi.where())) as resp:\n        return await resp.text()\n",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
            fix = None
            if not node.args and not node.keywords:
                fix = Fix("Verify certificates against certifi's CA bundle", (ctx.replace(node, _VERIFIED_CONTEXT),), safe=False, imports=_CONTEXT_IMPORTS)
            ctx.report(self, node, "ssl._create_unverified_context() skips certificate and hostname checks: use a verifying context.", fix=fix)
            return
        for kw in node.keywords:
            if kw.arg in ("verify", "ssl", "verify_ssl") and _is_false(kw.value):
                if not self._is_http_client_call(node, name, kw.arg, ctx):
                    continue
                library = "httpx" if name.startswith("httpx.") or ctx.imports("httpx") and not ctx.imports("requests") else (
                    "aiohttp" if kw.arg in ("ssl", "verify_ssl") else "requests"
                )
                if library == "requests":
                    fix = Fix("Verify certificates against certifi's CA bundle", (ctx.replace(kw.value, "certifi.where()"),), safe=False, imports=("import certifi",))
                elif kw.arg == "verify_ssl":
                    fix = Fix(
                        "Verify certificates against certifi's CA bundle",
                        (ctx.replace(kw, f"ssl={_VERIFIED_CONTEXT}"),),
                        safe=False,
                        imports=_CONTEXT_IMPORTS,
                    )
                else:
                    fix = Fix("Verify certificates against certifi's CA bundle", (ctx.replace(kw.value, _VERIFIED_CONTEXT),), safe=False, imports=_CONTEXT_IMPORTS)
                ctx.report(self, kw, f"`{kw.arg}=False` turns off TLS certificate verification: anyone on the network path can intercept this connection.", fix=fix)
            elif kw.arg == "cert_reqs" and _names_cert_none(kw.value, ctx):
                replacement = "'CERT_REQUIRED'" if isinstance(kw.value, ast.Constant) else "ssl.CERT_REQUIRED"
                imports = () if isinstance(kw.value, ast.Constant) else ("import ssl",)
                fix = Fix("Require certificate verification", (ctx.replace(kw.value, replacement),), safe=False, imports=imports)
                ctx.report(self, kw, "cert_reqs=CERT_NONE accepts any certificate: require verification.", fix=fix)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            value = node.value
            if target.attr == "verify_mode" and _names_cert_none(value, ctx):
                fix = Fix("Require certificate verification", (ctx.replace(value, "ssl.CERT_REQUIRED"),), safe=False, imports=("import ssl",))
                ctx.report(self, node, "verify_mode = CERT_NONE accepts any certificate: use ssl.CERT_REQUIRED.", fix=fix)
            elif target.attr == "check_hostname" and _is_false(value):
                fix = Fix("Check the server's hostname", (ctx.replace(value, "True"),), safe=False)
                ctx.report(self, node, "check_hostname = False accepts a valid certificate for any other host: keep hostname checks on.", fix=fix)
            elif target.attr == "verify" and _is_false(value) and self._is_session(target.value, ctx):
                fix = Fix("Verify certificates against certifi's CA bundle", (ctx.replace(value, "certifi.where()"),), safe=False, imports=("import certifi",))
                ctx.report(self, node, "session.verify = False turns off TLS certificate verification for every request of this session.", fix=fix)
            elif target.attr == "_create_default_https_context" and ctx.qualified_name(value) == "ssl._create_unverified_context":
                fix = Fix("Verify certificates by default", (ctx.replace(value, "ssl.create_default_context"),), safe=False)
                ctx.report(self, node, "Replacing the default HTTPS context with an unverified one turns off verification for the whole process.", fix=fix)

    def _is_http_client_call(self, node: ast.Call, name: str, arg: str, ctx) -> bool:
        if name.startswith(_HTTP_CLIENT_PREFIXES):
            return True
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _SESSION_METHODS:
            # a method on a session/client object: the file must use an HTTP library
            return any(ctx.imports(m) for m in ("requests", "httpx", "aiohttp"))
        return False

    def _is_session(self, node: ast.expr, ctx) -> bool:
        if isinstance(node, ast.Name):
            for value in ctx.assigned_values(node):
                if isinstance(value, ast.Call) and (ctx.call_name(value) or "").startswith(("requests.", "httpx.")):
                    return True
            return "session" in node.id.lower() and ctx.imports("requests")
        return isinstance(node, ast.Attribute) and "session" in node.attr.lower() and ctx.imports("requests")


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _names_cert_none(node: ast.expr, ctx) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ("CERT_NONE", "NONE")
    return ctx.qualified_name(node) in ("ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE")
