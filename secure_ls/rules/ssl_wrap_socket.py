"""SLS403 ssl-wrap-socket."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import constants, crypto
from secure_ls.rules._support.tls import WEAK_PROTOCOLS
from secure_ls.rules.base import Example, Rule, code

_CLIENT_KEYWORDS = frozenset({"ssl_version", "ca_certs", "cert_reqs", "do_handshake_on_connect", "suppress_ragged_eofs"})


class SslWrapSocket(Rule):
    """
    ## What it does
    Finds calls to `ssl.wrap_socket()`, deprecated since Python 3.7 and
    removed in 3.12.

    ## Why is this bad?
    `ssl.wrap_socket()` does not check the server's certificate or host name
    by default (`cert_reqs=CERT_NONE`), so anyone in the middle of the
    connection can impersonate the server; it also has no way to send SNI
    (CWE-295). Code that uses it stops working on Python 3.12.

    ## How to fix it
    Create a context with `ssl.create_default_context()` (certificate and
    host-name checks on, TLS 1.2+ on current Pythons) and call its
    `wrap_socket(sock, server_hostname=host)`; servers use
    `ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)` with `load_cert_chain()`. For
    a client socket whose host is known in the same function (from
    `socket.create_connection((host, port))` or `sock.connect((host, port))`)
    the quick fix does the rewrite. It is unsafe: servers with self-signed
    or mismatched certificates are now refused. Server sockets
    (`server_side=True`) are reported with medium severity (high when an
    old `ssl_version` is pinned), without a fix.
    """

    id = "SLS403"
    name = "ssl-wrap-socket"
    title = "ssl.wrap_socket() without certificate verification"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "tls"
    bandit = ("B504",)
    codeql = ("py/insecure-default-protocol",)
    fixable = True
    calls = frozenset({"ssl.wrap_socket"})

    VALID = [
        code("""
            import ssl, socket
            def connect(host):
                sock = socket.create_connection((host, 443))
                return ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        """),
        code("""
            import ssl
            def connect(context, sock, host):
                return context.wrap_socket(sock, server_hostname=host)
        """),
        code("""
            def wrap_socket(sock):
                return sock
            wrap_socket(None)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import socket
                import ssl

                def connect(host):
                    sock = socket.create_connection((host, 443))
                    return ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1)
            """),
            fixed=code("""
                import socket
                import ssl

                def connect(host):
                    sock = socket.create_connection((host, 443))
                    return ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            """),
            where="ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1)",
            says="ssl.wrap_socket() does not verify the server's certificate or host name and was",
        ),
        Example(
            code("""
                import socket
                import ssl

                def connect(host, port, ca):
                    s = ssl.wrap_socket(socket.socket(), ca_certs=ca, cert_reqs=ssl.CERT_REQUIRED)
                    s.connect((host, port))
                    return s
            """),
            fixed=code("""
                import socket
                import ssl

                def connect(host, port, ca):
                    s = ssl.create_default_context(cafile=ca).wrap_socket(socket.socket(), server_hostname=host)
                    s.connect((host, port))
                    return s
            """),
            where='ssl.wrap_socket(socket.socket()',
            says="ssl.wrap_socket() does not verify the server's certificate or host name and was",
        ),
        Example(
            code("""
                import ssl

                def serve(sock):
                    return ssl.wrap_socket(sock, server_side=True, certfile='cert.pem', keyfile='key.pem')
            """),
            fixed=None,
            where='ssl.wrap_socket(sock, server_side=True',
            says="ssl.wrap_socket() is deprecated and was removed in Python 3.12",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if (ctx.call_name(node) or "") != "ssl.wrap_socket":
            return
        fix = self._fix(node, ctx)
        version = argument(node, None, ("ssl_version",))
        weak = WEAK_PROTOCOLS.get(ctx.qualified_name(version) or "") if version is not None else None
        pinned = f" It also pins {weak}, which has known attacks." if weak else ""
        server = argument(node, None, ("server_side",))
        if isinstance(server, ast.Constant) and server.value is True:
            ctx.report(
                self,
                node,
                "ssl.wrap_socket() is deprecated and was removed in Python 3.12: create the context with "
                f"ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), load_cert_chain(), then context.wrap_socket(sock, server_side=True).{pinned}",
                severity=Severity.HIGH if weak else Severity.MEDIUM,
            )
            return
        ctx.report(
            self,
            node,
            "ssl.wrap_socket() does not verify the server's certificate or host name and was removed in Python 3.12: use "
            f"ssl.create_default_context().wrap_socket(sock, server_hostname=host).{pinned}",
            fix=fix,
        )

    def _fix(self, node: ast.Call, ctx) -> Fix | None:
        if crypto.has_unpacking(node) or len(node.args) != 1:
            return None
        if any(kw.arg not in _CLIENT_KEYWORDS for kw in node.keywords):
            return None  # server_side, certfile, keyfile, ciphers...: needs a human
        cafile = None
        for kw in node.keywords:
            if kw.arg == "cert_reqs" and (ctx.qualified_name(kw.value) or "") != "ssl.CERT_REQUIRED":
                return None
            if kw.arg in ("do_handshake_on_connect", "suppress_ragged_eofs"):
                return None
            if kw.arg == "ca_certs":
                cafile = ctx.text(kw.value)
        host = self._host(node, ctx)
        if host is None:
            return None
        ssl_name = ctx.text(node.func.value) if isinstance(node.func, ast.Attribute) else "ssl"
        imports = () if isinstance(node.func, ast.Attribute) else ("import ssl",)
        context = f"{ssl_name}.create_default_context({f'cafile={cafile}' if cafile else ''})"
        text = f"{context}.wrap_socket({ctx.text(node.args[0])}, server_hostname={host})"
        return Fix("Use ssl.create_default_context().wrap_socket(..., server_hostname=...)", (ctx.replace(node, text),), safe=False, imports=imports)

    def _host(self, node: ast.Call, ctx) -> str | None:
        func = ctx.enclosing_function(node)
        if func is None:
            return None
        sock = node.args[0]
        names = set()
        if isinstance(sock, ast.Name):
            names.add(sock.id)
            value = constants.defining_value(sock, ctx)
            if isinstance(value, ast.Call) and (ctx.call_name(value) or "") == "socket.create_connection" and value.args:
                host = self._first_of_pair(value.args[0])
                if host is not None:
                    return ctx.text(host)
        stmt = ctx.statement(node)
        if isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            names.add(stmt.targets[0].id)
        hosts = set()
        for call in astutil.walk(func):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "connect"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id in names
                and call.args
            ):
                host = self._first_of_pair(call.args[0])
                if host is not None and isinstance(host, (ast.Name, ast.Constant, ast.Attribute)) and self._defined_before(host, node, func):
                    hosts.add(ctx.text(host))
        return hosts.pop() if len(hosts) == 1 else None

    @staticmethod
    def _defined_before(host: ast.expr, node: ast.Call, func) -> bool:
        """A host name used by the fix must already be bound where wrap_socket() is called."""
        base = host
        while isinstance(base, ast.Attribute):
            base = base.value
        if not isinstance(base, ast.Name):
            return isinstance(base, ast.Constant)
        params = {a.arg for a in func.args.args + func.args.kwonlyargs + func.args.posonlyargs}
        stores = [n.lineno for n in astutil.walk(func) if isinstance(n, ast.Name) and n.id == base.id and isinstance(n.ctx, ast.Store)]
        if base.id in params:
            return not stores
        return bool(stores) and max(stores) < node.lineno

    @staticmethod
    def _first_of_pair(node: ast.expr) -> ast.expr | None:
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            return node.elts[0]
        return None
