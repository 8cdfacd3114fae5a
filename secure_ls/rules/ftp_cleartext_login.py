"""SLS404 ftp-cleartext-login."""

from __future__ import annotations

import ast

from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import crypto, tls
from secure_ls.rules.base import Example, Rule, code

_ANONYMOUS = frozenset({"anonymous", "ftp", ""})


class FtpCleartextLogin(Rule):
    """
    ## What it does
    Finds `ftplib.FTP` connections that log in with a user name and
    password: `FTP(host, user, passwd)`, or `ftp.login(user, passwd)` on an
    `FTP` object in the same function. Anonymous logins are not reported.

    ## Why is this bad?
    Plain FTP sends the user name, the password and the files in clear
    text: anyone on the network path reads them (CWE-319).

    ## How to fix it
    Use `ftplib.FTP_TLS`, which secures the control connection before
    `login()` sends the password; call `prot_p()` after logging in to
    encrypt file transfers too. Or use SFTP (paramiko). The quick fix
    switches to `FTP_TLS`; it is unsafe because the server must support
    explicit FTPS (AUTH TLS).
    """

    id = "SLS404"
    name = "ftp-cleartext-login"
    title = "FTP login over an unencrypted connection"
    cwe = 319
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "tls"
    bandit = ("B321", "B402")
    fixable = True
    calls = frozenset({"ftplib.FTP"})

    VALID = [
        code("""
            import ftplib
            def fetch(host, user, pw):
                ftp = ftplib.FTP_TLS(host)
                ftp.login(user, pw)
                ftp.prot_p()
        """),
        code("""
            import ftplib
            def mirror(host):
                ftp = ftplib.FTP(host)
                ftp.login()
                return ftp.nlst()
        """),
        code("""
            from ftplib import FTP
            def mirror():
                with FTP('ftp.example.org', 'anonymous', '') as ftp:
                    return ftp.nlst()
        """),
    ]
    INVALID = [
        Example(
            code("""
                import ftplib

                def upload(host, user, password, f):
                    ftp = ftplib.FTP(host)
                    ftp.login(user, password)
                    ftp.storbinary('STOR report.csv', f)
            """),
            fixed=code("""
                import ftplib
                import ssl

                def upload(host, user, password, f):
                    ftp = ftplib.FTP_TLS(host, context=ssl.create_default_context())
                    ftp.login(user, password)
                    ftp.prot_p()
                    ftp.storbinary('STOR report.csv', f)
            """),
            where="ftplib.FTP(host)",
            says="FTP login sends the user name and password in clear text",
        ),
        Example(
            code("""
                from ftplib import FTP

                def upload(host, user, password):
                    with FTP(host, user, password) as ftp:
                        ftp.cwd('incoming')
            """),
            fixed=code("""
                from ftplib import FTP
                import ssl
                from ftplib import FTP_TLS

                def upload(host, user, password):
                    with FTP_TLS(host, user, password, context=ssl.create_default_context()) as ftp:
                        ftp.prot_p()
                        ftp.cwd('incoming')
            """),
            where="FTP(host, user, password)",
            says="FTP login sends the user name and password in clear text",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if (ctx.call_name(node) or "") != "ftplib.FTP":
            return
        user = argument(node, 1, ("user",))
        password = argument(node, 2, ("passwd",))
        credentials = self._credentials(user, password, ctx)
        if not credentials:
            name = crypto.bound_name(node, ctx)
            if name is None:
                return
            for call in crypto.method_calls(name, node, ctx):
                if call.func.attr == "login" and self._credentials(argument(call, 0, ("user",)), argument(call, 1, ("passwd",)), ctx):
                    credentials = True
                    break
        if not credentials:
            return
        host = argument(node, 0, ("host",))
        if crypto.is_local_host(ctx.string_value(host) if host is not None else None):
            return
        fix, login = self._fix(node, user, ctx)
        ctx.report(
            self,
            node,
            "FTP login sends the user name and password in clear text: use ftplib.FTP_TLS (and prot_p() to encrypt transfers) or SFTP.",
            fix=fix,
            also_rewrites=[login] if login is not None else [],
        )

    def _fix(self, node: ast.Call, user, ctx) -> tuple[Fix | None, ast.stmt | None]:
        """FTP_TLS with a verifying context, and prot_p() right after logging in (without it the
        files still travel in clear text). None where the login cannot be found."""
        func = node.func
        name = crypto.bound_name(node, ctx)
        if name is None:
            return None, None
        prot_p, stmt, _ = tls.prot_p_after_login(node, name, user is not None, ctx)
        if prot_p is None:
            return None, None
        edits = []
        imports = ["import ssl"]
        if isinstance(func, ast.Attribute):
            edits.append(ctx.replace(func, f"{ctx.text(func.value)}.FTP_TLS"))
        else:
            edits.append(ctx.replace(func, "FTP_TLS"))
            imports.append("from ftplib import FTP_TLS")
        if any(k.arg == "context" for k in node.keywords):
            return None, None
        last = node.keywords[-1] if node.keywords else node.args[-1] if node.args else None
        if last is None:
            edits.append(ctx.replace(node, f"{edits.pop().text}(context=ssl.create_default_context())"))
        else:
            edits.append(ctx.insert_after(last, ", context=ssl.create_default_context()"))
        edits.append(prot_p)
        return Fix(
            "Use FTP over TLS (ftplib.FTP_TLS with a verifying context, prot_p() for transfers; fails on servers without TLS)",
            tuple(edits),
            safe=False,
            imports=tuple(imports),
        ), stmt

    def _credentials(self, user, password, ctx) -> bool:
        if user is None:
            return False
        value = ctx.string_value(user) if isinstance(user, ast.Constant) else None
        if value is not None and value.lower() in _ANONYMOUS:
            return False
        if password is not None and isinstance(password, ast.Constant) and password.value in ("", None):
            return value is None  # a named user with an empty password still counts
        return True
