"""SLS401 tls-verification-disabled."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support.taint_sinks import single_value
from secure_ls.rules.base import Example, Rule, code

_HTTP_CLIENT_PREFIXES = ("requests.", "httpx.", "aiohttp.", "urllib3.")
_SESSION_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream", "ws_connect", "mount")
# The system's CA store, as SLS405 and SLS408 pass it: certifi's bundle alone would drop the CAs a
# company installs in the operating system (SSL_CERT_FILE / SSL_CERT_DIR are honoured either way).
_VERIFIED_CONTEXT = "ssl.create_default_context()"
_CONTEXT_IMPORTS = ("import ssl",)
_CONTEXT_TITLE = "Verify certificates against the system's CA store (ssl.create_default_context(); invalid certificates then fail)"
_VERIFY_TRUE_TITLE = "Verify certificates (verify=True, with the client's own CA configuration; invalid certificates then fail)"


class TlsVerificationDisabled(Rule):
    """
    ## What it does
    Finds TLS certificate verification turned off: `verify=False` in
    requests and httpx (functions, sessions and clients), `ssl=False` /
    `verify_ssl=False` in aiohttp, `cert_reqs="CERT_NONE"` in urllib3,
    `ssl._create_unverified_context()`, `verify_mode = ssl.CERT_NONE`,
    `check_hostname = False`, and `session.verify = False`. A context whose
    connections are only asked for the server's certificate
    (`wrap_socket(...).getpeercert(binary_form=True)`, as
    `ssl.get_server_certificate` does: a certificate fetched to show or pin)
    is reported in the audit tier, and so is `verify=False` on a request whose
    URL starts `http://` (no TLS to verify, unless the server redirects to HTTPS).

    ## Why is this bad?
    Without verification, anyone on the network path (public Wi-Fi, a
    compromised router, a proxy) can present their own certificate and read
    or change all traffic, including credentials and tokens (CWE-295).
    It is usually added to get past a self-signed or internal certificate,
    and then ships to production.

    ## How to fix it
    Verify against a known CA bundle. requests and httpx verify by default
    with their own CA configuration (which honours `REQUESTS_CA_BUNDLE` /
    `SSL_CERT_FILE`), so the quick fix there is `verify=True`. For aiohttp
    and the `ssl` module it passes `ssl.create_default_context()`, as the
    fixes of SLS405 and SLS408 do: the system's CA store (and OpenSSL's
    `SSL_CERT_FILE` / `SSL_CERT_DIR` where set), so CAs a company installs
    in the operating system stay trusted, which a `cafile=certifi.where()`
    bundle alone would drop. Where Python has no system store (python.org's
    macOS build before its "Install Certificates" step), pass
    `cafile=certifi.where()` yourself: the fix cannot tell which Python the
    program will run on.
    Turning `check_hostname` back on
    also sets `verify_mode = CERT_REQUIRED` in the same edit (and any later
    `verify_mode = CERT_NONE` on the same context in the function), since
    `ssl` refuses one without the other; at module level, where the later
    statements are out of sight, that fix is not offered. For an
    internal CA, point `cafile` / `verify` at that CA's certificate instead
    of disabling checks. The fix is marked unsafe because connections to
    servers with invalid certificates will now (rightly) fail.

    Verification turned off only in the branch that a caller's or the
    configuration's own choice selects (`elif verify is False:`,
    `if settings.insecure:`, `if conf.get("verifyCert") is False:`) is how a client library implements its
    `verify=False` option: low confidence (an editor hint), since whoever
    passes that option is the one to report. Turned off unconditionally, it
    is high. `check_hostname = False` where the name is checked another
    way is low confidence too: the same function calls `match_hostname` on
    the peer's certificate (`ssl.match_hostname`, a library's own copy), or a
    class that is no SSLContext sets the attribute on itself in its
    constructor (a look-alike of the ssl API wrapping pyOpenSSL, which leaves
    names to its caller).
    """

    id = "SLS401"
    name = "tls-verification-disabled"
    title = "TLS certificate verification disabled"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "tls"
    bandit = ("B501", "B323")
    codeql = ("py/request-without-cert-validation",)
    fixable = True
    calls = frozenset({"requests.", "httpx.", "aiohttp.", "urllib3.", "ssl."})
    methods = frozenset(_SESSION_METHODS)

    VALID = [
        code("""
            import requests
            requests.get('https://example.com', verify=True)
        """),
        code("""
            import requests, certifi
            requests.get('https://example.com', verify=certifi.where())
        """),
        code("""
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = True
        """),
        code("""
            class Thing:
                verify = False
        """),
        code("""
            def run(verify=False):
                return verify
        """),
    ]
    INVALID = [
        # the connection only fetches the server's certificate, to show it: the audit tier
        Example(
            code("""
                import socket, ssl

                def fetch_certificate(hostname, port):
                    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                    with socket.create_connection((hostname, port), timeout=10) as sock:
                        with context.wrap_socket(sock, server_hostname=hostname) as ssock:
                            return ssock.getpeercert(binary_form=True)
            """),
            count=2,
            where="context.check_hostname = False",
            says="only fetch the server's certificate",
        ),
        Example(
            code("""
                import requests

                resp = requests.get('https://internal.example.com/api', verify=False)
            """),
            fixed=code("""
                import requests

                resp = requests.get('https://internal.example.com/api', verify=True)
            """),
            where="verify=False",
            says="`verify=False` turns off TLS certificate verification",
        ),
        Example(
            code("""
                import httpx

                client = httpx.Client(verify=False, timeout=5)
            """),
            fixed=code("""
                import httpx

                client = httpx.Client(verify=True, timeout=5)
            """),
            where="verify=False",
            says="`verify=False` turns off TLS certificate verification",
        ),
        Example(
            code("""
                import ssl
                import urllib.request

                ctx = ssl._create_unverified_context()
                urllib.request.urlopen('https://example.com', context=ctx)
            """),
            fixed=code("""
                import ssl
                import urllib.request

                ctx = ssl.create_default_context()
                urllib.request.urlopen('https://example.com', context=ctx)
            """),
            where="ssl._create_unverified_context()",
            says="ssl._create_unverified_context() skips certificate and hostname checks",
        ),
        Example(
            code("""
                import ssl

                def client_context():
                    ctx = ssl.create_default_context()
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                    return ctx
            """),
            fixed=code("""
                import ssl

                def client_context():
                    ctx = ssl.create_default_context()
                    ctx.verify_mode = ssl.CERT_REQUIRED
                    ctx.check_hostname = True
                    ctx.verify_mode = ssl.CERT_REQUIRED
                    return ctx
            """),
            count=2,
            where="ctx.check_hostname = False",
            says="check_hostname = False accepts a valid certificate for any other host",
        ),
        Example(
            code("""
                import requests

                session = requests.Session()
                session.verify = False
            """),
            fixed=code("""
                import requests

                session = requests.Session()
                session.verify = True
            """),
            where="session.verify = False",
            says="session.verify = False turns off TLS certificate verification for every request",
        ),
        Example(
            code("""
                import aiohttp

                async def fetch(session, url):
                    async with session.get(url, ssl=False) as resp:
                        return await resp.text()
            """),
            fixed=code("""
                import aiohttp
                import ssl

                async def fetch(session, url):
                    async with session.get(url, ssl=ssl.create_default_context()) as resp:
                        return await resp.text()
            """),
            where="ssl=False",
            says="`ssl=False` turns off TLS certificate verification",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
            fix = None
            if not node.args and not node.keywords:
                fix = Fix(_CONTEXT_TITLE, (ctx.replace(node, _VERIFIED_CONTEXT),), safe=False, imports=_CONTEXT_IMPORTS)
            ctx.report(self, node, "ssl._create_unverified_context() skips certificate and hostname checks: use a verifying context.", fix=fix, confidence=_confidence(node, ctx))
            return
        for kw in node.keywords:
            if kw.arg in ("verify", "ssl", "verify_ssl") and astutil.is_false(kw.value):
                if not self._is_http_client_call(node, name, kw.arg, ctx):
                    continue
                library = "httpx" if name.startswith("httpx.") or ctx.imports("httpx") and not ctx.imports("requests") else (
                    "aiohttp" if kw.arg in ("ssl", "verify_ssl") else "requests"
                )
                if library in ("requests", "httpx") and kw.arg == "verify":
                    # both verify by default against their own CA configuration (certifi, or
                    # REQUESTS_CA_BUNDLE / SSL_CERT_FILE): turn that back on, no bundle path
                    fix = Fix(_VERIFY_TRUE_TITLE, (ctx.replace(kw.value, "True"),), safe=False)
                elif kw.arg == "verify_ssl":
                    fix = Fix(
                        _CONTEXT_TITLE,
                        (ctx.replace(kw, f"ssl={_VERIFIED_CONTEXT}"),),
                        safe=False,
                        imports=_CONTEXT_IMPORTS,
                    )
                else:
                    fix = Fix(_CONTEXT_TITLE, (ctx.replace(kw.value, _VERIFIED_CONTEXT),), safe=False, imports=_CONTEXT_IMPORTS)
                # a URL that starts `http://` has no TLS to verify (unless it redirects to HTTPS): the audit tier
                confidence = Confidence.LOW if _plain_http(node, ctx) else _confidence(node, ctx)
                ctx.report(self, kw, f"`{kw.arg}=False` turns off TLS certificate verification: anyone on the network path can intercept this connection.", fix=fix, confidence=confidence)
            elif kw.arg == "cert_reqs" and _names_cert_none(kw.value, ctx):
                replacement = "'CERT_REQUIRED'" if isinstance(kw.value, ast.Constant) else "ssl.CERT_REQUIRED"
                imports = () if isinstance(kw.value, ast.Constant) else ("import ssl",)
                fix = Fix("Require certificate verification", (ctx.replace(kw.value, replacement),), safe=False, imports=imports)
                ctx.report(self, kw, "cert_reqs=CERT_NONE accepts any certificate: require verification.", fix=fix, confidence=_confidence(node, ctx))

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            value = node.value
            if target.attr in ("verify_mode", "check_hostname") and _only_fetches_certificate(target, ctx) and (
                _names_cert_none(value, ctx) or astutil.is_false(value)
            ):
                # `ctx.verify_mode = CERT_NONE`, then only `wrap_socket(...).getpeercert()`: nothing is sent over it
                ctx.report(
                    self,
                    node,
                    f"{target.attr} turned off on a context whose connections only fetch the server's certificate "
                    "(getpeercert), to show or pin it: nothing is sent or trusted over them. Keep it that way.",
                    confidence=Confidence.LOW,
                )
            elif target.attr == "verify_mode" and _names_cert_none(value, ctx):
                fix = Fix("Require certificate verification", (ctx.replace(value, "ssl.CERT_REQUIRED"),), safe=False, imports=("import ssl",))
                ctx.report(self, node, "verify_mode = CERT_NONE accepts any certificate: use ssl.CERT_REQUIRED.", fix=fix, confidence=_confidence(node, ctx))
            elif target.attr == "check_hostname" and astutil.is_false(value):
                fix, others = _check_hostname_fix(node, target, ctx)
                ctx.report(
                    self,
                    node,
                    "check_hostname = False accepts a valid certificate for any other host: keep hostname checks on.",
                    fix=fix,
                    also_rewrites=others,
                    confidence=Confidence.LOW if _hostname_matched_otherwise(node, target, ctx) else _confidence(node, ctx),
                )
            elif target.attr == "verify" and astutil.is_false(value) and self._is_session(target.value, ctx):
                fix = Fix(_VERIFY_TRUE_TITLE, (ctx.replace(value, "True"),), safe=False)
                ctx.report(self, node, "session.verify = False turns off TLS certificate verification for every request of this session.", fix=fix, confidence=_confidence(node, ctx))
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


def _plain_http(call: ast.Call, ctx) -> bool:
    """The request's URL starts with `http://` (`requests.get(f"http://127.0.0.1:9003/task/{id}", verify=False)`)."""
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    positional = call.args[1] if method == "request" and len(call.args) > 1 else call.args[0] if call.args and method != "request" else None
    url = positional if positional is not None else next((k.value for k in call.keywords if k.arg == "url"), None)
    found = astutil.literal_prefix(url, lambda name: ctx.string_value(name) or single_value(name, ctx)) if url is not None else None
    return found is not None and found[0].lower().startswith("http://")


# Names of a caller's or operator's choice to skip verification (`verify`, `insecure`, `ssl_verify`, ...)
_OPT_OUT = re.compile(r"(?:^|_)(?:verify|verified|insecure|check_hostname|cert_reqs|validate_certs?|tls_verify|ssl_verify|verify_ssl|no_verify|skip_verify)(?:$|_)", re.IGNORECASE)

# A lower-case letter or digit followed by a capital: where a camelCase option name (`verifyCert`,
# `insecureSkipVerify`) starts its next word
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _confidence(node: ast.AST, ctx) -> Confidence:
    """Low where verification is turned off only in the branch taken when the caller or the
    configuration asks for it (`elif verify is False: ctx.check_hostname = False`): a client
    library implementing its `verify=False` option, which its users choose; high otherwise."""
    child, parent = node, ctx.parent(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
        if isinstance(parent, (ast.If, ast.IfExp)) and child is not parent.test:
            nodes = list(astutil.walk(parent.test))
            words = [n.id for n in nodes if isinstance(n, ast.Name)]
            words += [n.attr for n in nodes if isinstance(n, ast.Attribute)]
            words += [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            if any(_OPT_OUT.search(_CAMEL_HUMP.sub("_", w)) for w in words):
                return Confidence.LOW
        child, parent = parent, ctx.parent(parent)
    return Confidence.HIGH


# The ssl module's old hostname check (`ssl.match_hostname`, its backport), and the copies
# client libraries keep of it (`_match_hostname`)
_MATCH_HOSTNAME = re.compile(r"(?:^|_)match_hostname$")


def _hostname_matched_otherwise(node: ast.Assign, target: ast.Attribute, ctx) -> bool:
    """`check_hostname = False` where the name is checked another way, so the setting turns
    nothing off (the audit tier):
    - the same function calls `match_hostname` on the peer's certificate itself (a client
      that also accepts pinned fingerprints or alternative names, which `ssl` cannot check);
    - a class's constructor gives its own instance the attribute (`self.check_hostname = False`
      in the `__init__` of a class that is no SSLContext: a look-alike of the ssl API, such as a
      pyOpenSSL wrapper, starting from what pyOpenSSL does, which is to leave names to its caller)."""
    func = ctx.enclosing_function(node)
    if func is None:
        return False
    if any(isinstance(n, ast.Call) and _MATCH_HOSTNAME.search(astutil.last_name(n.func)) for n in astutil.walk(func)):
        return True
    if func.name != "__init__" or not (isinstance(target.value, ast.Name) and target.value.id == "self"):
        return False
    cls = ctx.parent(func)
    return isinstance(cls, ast.ClassDef) and not any(astutil.last_name(b).endswith("SSLContext") for b in cls.bases)


# What a socket's owner may ask of a TLS connection without sending or trusting anything over it
_HANDSHAKE_READS = frozenset({"getpeercert", "cipher", "version", "selected_alpn_protocol", "shared_ciphers", "close", "unwrap"})


def _only_fetches_certificate(target: ast.Attribute, ctx) -> bool:
    """`context.verify_mode = ssl.CERT_NONE` on a name of the function whose every other use wraps a
    socket (`context.wrap_socket(sock, ...)`, kept with `with ... as s` or `s = ...`) that is only
    asked for the peer's certificate and the handshake's facts (`s.getpeercert(binary_form=True)`),
    as `ssl.get_server_certificate` does: a certificate fetched to show or pin, nothing sent over it."""
    func = ctx.enclosing_function(target)
    if func is None or not isinstance(target.value, ast.Name):
        return False
    name = target.value.id
    sockets: set[str] = set()
    for read in astutil.name_reads(func, name):
        attribute = ctx.parent(read)
        if not isinstance(attribute, ast.Attribute):
            return False
        if isinstance(attribute.ctx, ast.Store):
            continue  # `context.check_hostname = False`
        call = ctx.parent(attribute)
        if attribute.attr != "wrap_socket" or not isinstance(call, ast.Call):
            return False
        holder = ctx.parent(call)
        if isinstance(holder, ast.withitem) and isinstance(holder.optional_vars, ast.Name):
            sockets.add(holder.optional_vars.id)
        elif isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name):
            sockets.add(holder.targets[0].id)
        else:
            return False
    uses = [ctx.parent(r) for s in sockets for r in astutil.name_reads(func, s)]
    return bool(sockets) and bool(uses) and all(
        isinstance(u, ast.Attribute) and u.attr in _HANDSHAKE_READS and isinstance(ctx.parent(u), ast.Call) for u in uses
    ) and any(u.attr == "getpeercert" for u in uses)


def _names_cert_none(node: ast.expr, ctx) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ("CERT_NONE", "NONE")
    return ctx.qualified_name(node) in ("ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE")


def _check_hostname_fix(node: ast.Assign, target: ast.Attribute, ctx) -> tuple[Fix | None, list]:
    """`ctx.check_hostname = False` -> verify_mode = CERT_REQUIRED, then check_hostname = True,
    in one edit: ssl refuses check_hostname on a context that does not verify, and refuses
    CERT_NONE on one that checks hostnames, so a later `verify_mode = CERT_NONE` changes too."""
    if len(node.targets) != 1 or ctx.line_text(node)[: node.col_offset].strip():
        return None, []
    if ctx.enclosing_function(node) is None:
        return None, []  # module level: the statements after this one are out of sight
    owner = ctx.text(target.value)
    indent = ctx.indentation(node)
    edits = [ctx.replace(node, f"{owner}.verify_mode = ssl.CERT_REQUIRED\n{indent}{owner}.check_hostname = True")]
    others = []
    for other in astutil.walk(ctx.enclosing_function(node)):
        if (
            isinstance(other, ast.Assign)
            and other is not node
            and (other.lineno, other.col_offset) > (node.lineno, node.col_offset)
            and any(isinstance(t, ast.Attribute) and t.attr == "verify_mode" and ctx.text(t.value) == owner for t in other.targets)
            and _names_cert_none(other.value, ctx)
        ):
            edits.append(ctx.replace(other.value, "ssl.CERT_REQUIRED"))
            others.append(other)
    return Fix(
        "Check the server's hostname and certificate (verify_mode = CERT_REQUIRED with check_hostname = True; invalid certificates then fail)",
        tuple(edits),
        safe=False,
        imports=("import ssl",),
    ), others
