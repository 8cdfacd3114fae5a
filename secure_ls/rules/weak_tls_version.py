"""SLS402 weak-tls-version."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support.tls import PROTOCOL_OFF_OPTIONS, WEAK_PROTOCOLS, WEAK_PYOPENSSL_VERSIONS, WEAK_VERSIONS
from secure_ls.rules.base import Example, Rule, code

_CONTEXTS = frozenset({"ssl.SSLContext", "OpenSSL.SSL.Context"})


class WeakTlsVersion(Rule):
    """
    ## What it does
    Finds TLS connections that allow or force SSL 2.0/3.0, TLS 1.0 or 1.1:
    `ssl.SSLContext(ssl.PROTOCOL_TLSv1)`, `ssl_version=ssl.PROTOCOL_SSLv3`
    passed to any call or used as a parameter default,
    `context.minimum_version = ssl.TLSVersion.TLSv1`, a `maximum_version`
    that caps TLS at 1.1, and pyOpenSSL's `SSL.Context(SSL.TLSv1_METHOD)` /
    `set_min_proto_version(SSL.TLS1_VERSION)`, and a context whose option
turning an old version off is cleared (`ctx.options &= ~ssl.OP_NO_SSLv3`). Tables that merely map
    version names to constants are not reported.

    ## Why is this bad?
    SSL 2.0/3.0 and TLS 1.0/1.1 have known attacks (POODLE, BEAST, weak
    MD5/SHA-1 handshakes) and were deprecated by RFC 8996; an attacker in
    the middle can downgrade a connection to them (CWE-326, CWE-757).

    ## How to fix it
    Use `ssl.create_default_context()` and set
    `context.minimum_version = ssl.TLSVersion.TLSv1_2`. The quick fix does
    that for `ctx = ssl.SSLContext(<old protocol>)` (with
    `ssl.Purpose.CLIENT_AUTH` when the code wraps server sockets), raises a
    `minimum_version` to TLS 1.2, and switches pyOpenSSL to `TLS_METHOD` /
    `TLS1_2_VERSION`. The fixes are unsafe: peers that only speak the old
    versions can no longer connect, and `create_default_context()` also
    turns certificate verification on.
    """

    id = "SLS402"
    name = "weak-tls-version"
    title = "SSL/TLS version older than TLS 1.2"
    cwe = 326
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "tls"
    bandit = ("B502", "B503")
    codeql = ("py/insecure-protocol",)
    fixable = True
    # `ssl_version=` is looked for on calls into urllib3/requests (pool managers, adapters).
    calls = frozenset(_CONTEXTS) | frozenset({"urllib3.", "requests.", "ssl.wrap_socket", "ssl.get_server_certificate"})
    methods = frozenset({"set_min_proto_version", "init_poolmanager", "PoolManager", "HTTPSConnectionPool", "proxy_from_url"})

    VALID = [
        code("""
            import ssl
            ctx = ssl.create_default_context()
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        """),
        # turning an old version off, and clearing an option that is no version
        code("""
            import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1
            ctx.options &= ~ssl.OP_NO_COMPRESSION
        """),
        code("""
            import ssl
            VERSIONS = {'TLSv1': ssl.PROTOCOL_TLSv1, 'TLSv1.2': ssl.PROTOCOL_TLSv1_2}
        """),
        code("""
            import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        """),
        code("""
            import ssl
            def supports_tls1():
                return hasattr(ssl, 'PROTOCOL_TLSv1')
        """),
    ]
    INVALID = [
        # the option that kept SSL 3.0 off, cleared
        Example(
            code("""
                import ssl
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.options &= ~ssl.OP_NO_SSLv3
            """),
            where="ssl.OP_NO_SSLv3",
            says="`ssl.OP_NO_SSLv3` cleared: the context accepts SSL 3.0 again",
        ),
        Example(
            code("""
                import ssl

                def connect(sock, host):
                    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
                    return context.wrap_socket(sock, server_hostname=host)
            """),
            fixed=code("""
                import ssl

                def connect(sock, host):
                    context = ssl.create_default_context()
                    context.minimum_version = ssl.TLSVersion.TLSv1_2
                    return context.wrap_socket(sock, server_hostname=host)
            """),
            where="ssl.PROTOCOL_TLSv1",
            says="TLS 1.0 allowed",
        ),
        Example(
            code("""
                import ssl

                context = ssl.create_default_context()
                context.minimum_version = ssl.TLSVersion.TLSv1
            """),
            fixed=code("""
                import ssl

                context = ssl.create_default_context()
                context.minimum_version = ssl.TLSVersion.TLSv1_2
            """),
            where="ssl.TLSVersion.TLSv1",
            says="TLS 1.0 allowed",
        ),
        Example(
            code("""
                from OpenSSL import SSL

                context = SSL.Context(SSL.SSLv3_METHOD)
            """),
            fixed=code("""
                from OpenSSL import SSL

                context = SSL.Context(SSL.TLS_METHOD)
            """),
            where="SSL.SSLv3_METHOD",
            says="SSL 3.0 allowed",
        ),
        Example(
            code("""
                import ssl
                from urllib3 import PoolManager

                http = PoolManager(ssl_version=ssl.PROTOCOL_TLSv1_1)
            """),
            fixed=None,
            where="ssl.PROTOCOL_TLSv1_1",
            says="TLS 1.1 allowed",
        ),
        Example(
            code("""
                import ssl

                def open_channel(sock, ssl_version=ssl.PROTOCOL_SSLv3):
                    return ssl.SSLContext(ssl_version).wrap_socket(sock)
            """),
            fixed=None,
            where="ssl.PROTOCOL_SSLv3",
            says="SSL 3.0 allowed",
        ),
    ]

    # ---- calls ----------------------------------------------------------------------
    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name == "ssl.wrap_socket":
            return  # SLS403
        if name in _CONTEXTS:
            protocol = argument(node, 0, ("protocol", "method"))
            weak = WEAK_PROTOCOLS.get(ctx.qualified_name(protocol) or "") if protocol is not None else None
            if weak:
                fix = self._context_fix(node, protocol, name, ctx)
                ctx.report(self, protocol, self._message(weak), fix=fix)
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "set_min_proto_version" and node.args:
            weak = WEAK_PYOPENSSL_VERSIONS.get(ctx.qualified_name(node.args[0]) or "")
            if weak:
                arg = node.args[0]
                fix = Fix("Require TLS 1.2 or later", (ctx.replace(arg, f"{ctx.text(arg.value)}.TLS1_2_VERSION"),), safe=False) if isinstance(arg, ast.Attribute) else None
                ctx.report(self, arg, self._message(weak), fix=fix)
            return
        for kw in node.keywords:
            if kw.arg in ("ssl_version", "protocol", "ssl_protocol", "tls_version", "minimum_version"):
                weak = WEAK_PROTOCOLS.get(ctx.qualified_name(kw.value) or "") or WEAK_VERSIONS.get(ctx.qualified_name(kw.value) or "")
                if weak:
                    ctx.report(self, kw.value, self._message(weak))

    def _context_fix(self, node: ast.Call, protocol: ast.expr, name: str, ctx) -> Fix | None:
        if name == "OpenSSL.SSL.Context":
            if isinstance(protocol, ast.Attribute):
                return Fix("Negotiate the best TLS version (TLS_METHOD)", (ctx.replace(protocol, f"{ctx.text(protocol.value)}.TLS_METHOD"),), safe=False)
            return None
        stmt = ctx.statement(node)
        if not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return None
        if len(node.args) + len(node.keywords) != 1 or stmt.lineno != stmt.end_lineno:
            return None
        target = stmt.targets[0].id
        ssl_name = ctx.text(node.func.value) if isinstance(node.func, ast.Attribute) else "ssl"
        imports = () if isinstance(node.func, ast.Attribute) else ("import ssl",)
        scope = ctx.enclosing_function(node) or ctx.tree
        server = any(
            isinstance(n, ast.keyword) and n.arg == "server_side" and isinstance(n.value, ast.Constant) and n.value.value is True
            for n in astutil.walk(scope)
        )
        purpose = f"{ssl_name}.Purpose.CLIENT_AUTH" if server else ""
        indent = ctx.indentation(stmt)
        text = (
            f"{target} = {ssl_name}.create_default_context({purpose})\n"
            f"{indent}{target}.minimum_version = {ssl_name}.TLSVersion.TLSv1_2"
        )
        return Fix("Use ssl.create_default_context() with TLS 1.2 or later", (ctx.replace(stmt, text),), safe=False, imports=imports)

    # ---- attribute assignments --------------------------------------------------------
    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr in ("minimum_version", "maximum_version"):
                weak = WEAK_VERSIONS.get(ctx.qualified_name(node.value) or "")
                if not weak:
                    continue
                if target.attr == "maximum_version":
                    if weak.startswith("the oldest"):
                        continue
                    ctx.report(self, node.value, f"TLS capped at {weak}: the connection can never use TLS 1.2 or 1.3. Remove the maximum_version limit.")
                    continue
                fix = None
                if isinstance(node.value, ast.Attribute):
                    fix = Fix("Require TLS 1.2 or later", (ctx.replace(node.value, f"{ctx.text(node.value.value)}.TLSv1_2"),), safe=False)
                ctx.report(self, node.value, self._message(weak), fix=fix)

    def visit_AugAssign(self, node: ast.AugAssign, ctx) -> None:
        # `context.options &= ~ssl.OP_NO_SSLv3`: the option that kept SSL 3.0 off is cleared
        if not (isinstance(node.target, ast.Attribute) and node.target.attr == "options" and isinstance(node.op, ast.BitAnd)):
            return
        if not (isinstance(node.value, ast.UnaryOp) and isinstance(node.value.op, ast.Invert)):
            return
        cleared = [n for n in astutil.walk(node.value.operand) if isinstance(n, ast.Attribute) and (ctx.qualified_name(n) or "") in PROTOCOL_OFF_OPTIONS]
        for option in cleared:
            weak = PROTOCOL_OFF_OPTIONS[ctx.qualified_name(option) or ""]
            ctx.report(
                self,
                option,
                f"`{ctx.text(option)}` cleared: the context accepts {weak} again wherever OpenSSL still offers it. Remove this line "
                "and require TLS 1.2 or later (minimum_version = ssl.TLSVersion.TLSv1_2).",
            )

    # ---- parameter defaults ----------------------------------------------------------
    def visit_FunctionDef(self, node, ctx) -> None:
        for default in list(node.args.defaults) + [d for d in node.args.kw_defaults if d is not None]:
            weak = WEAK_PROTOCOLS.get(ctx.qualified_name(default) or "")
            if weak:
                ctx.report(self, default, self._message(weak) + " (as a parameter default, callers get it unless they override it)")

    visit_AsyncFunctionDef = visit_FunctionDef

    def _message(self, weak: str) -> str:
        return (
            f"{weak} allowed: old SSL/TLS versions have known attacks (POODLE, BEAST) and are deprecated by RFC 8996. "
            "Use ssl.create_default_context() and require TLS 1.2 or later (minimum_version = ssl.TLSVersion.TLSv1_2)."
        )
