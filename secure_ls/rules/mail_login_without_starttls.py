"""SLS405 mail-login-without-starttls."""

from __future__ import annotations

import ast

from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import crypto
from secure_ls.rules.base import Example, Rule, code

# constructor -> (protocol, methods that send the password, method that starts TLS)
_PROTOCOLS = {
    "smtplib.SMTP": ("SMTP", frozenset({"login"}), "starttls"),
    "imaplib.IMAP4": ("IMAP", frozenset({"login"}), "starttls"),
    "poplib.POP3": ("POP3", frozenset({"pass_", "user"}), "stls"),
}


class MailLoginWithoutStarttls(Rule):
    """
    ## What it does
    Finds `smtplib.SMTP`, `imaplib.IMAP4` and `poplib.POP3` connections
    that log in (`login()`, POP3 `user()`/`pass_()`) without first calling
    `starttls()` (POP3: `stls()`) on the same object in the same function.
    Connections to localhost are not reported.

    ## Why is this bad?
    These protocols start in clear text: `login()` sends the password
    base64-encoded, which anyone on the network path can read (CWE-319).

    ## How to fix it
    Call `server.starttls()` (POP3: `stls()`) before logging in, or connect
    with `SMTP_SSL` / `IMAP4_SSL` / `POP3_SSL` on the implicit-TLS port.
    The quick fix inserts the `starttls()` call; it is unsafe because the
    server must offer STARTTLS.
    """

    id = "SLS405"
    name = "mail-login-without-starttls"
    title = "Mail login without STARTTLS"
    cwe = 319
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "tls"
    fixable = True
    calls = frozenset(_PROTOCOLS)

    VALID = [
        code("""
            import smtplib
            def send(host, user, pw, msg):
                with smtplib.SMTP(host, 587) as s:
                    s.starttls()
                    s.login(user, pw)
                    s.send_message(msg)
        """),
        code("""
            import smtplib
            def send(host, user, pw, msg):
                with smtplib.SMTP_SSL(host) as s:
                    s.login(user, pw)
        """),
        code("""
            import smtplib
            def send(user, pw, msg):
                s = smtplib.SMTP('localhost')
                s.login(user, pw)
        """),
        code("""
            import smtplib
            def send(host, msg):
                s = smtplib.SMTP(host)
                s.send_message(msg)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import smtplib

                def send(host, user, password, msg):
                    server = smtplib.SMTP(host, 587)
                    server.login(user, password)
                    server.send_message(msg)
            """),
            fixed=code("""
                import smtplib
                import ssl

                def send(host, user, password, msg):
                    server = smtplib.SMTP(host, 587)
                    server.starttls(context=ssl.create_default_context())
                    server.login(user, password)
                    server.send_message(msg)
            """),
            where="server.login(user, password)",
            says="SMTP login over an unencrypted connection",
        ),
        Example(
            code("""
                from imaplib import IMAP4

                def inbox(host, user, password):
                    with IMAP4(host) as imap:
                        imap.login(user, password)
                        return imap.select('INBOX')
            """),
            fixed=code("""
                from imaplib import IMAP4
                import ssl

                def inbox(host, user, password):
                    with IMAP4(host) as imap:
                        imap.starttls(ssl_context=ssl.create_default_context())
                        imap.login(user, password)
                        return imap.select('INBOX')
            """),
            where="imap.login(user, password)",
            says="IMAP login over an unencrypted connection",
        ),
        Example(
            code("""
                import poplib

                def count(host, user, password):
                    box = poplib.POP3(host)
                    box.user(user)
                    box.pass_(password)
                    return box.stat()
            """),
            fixed=code("""
                import poplib
                import ssl

                def count(host, user, password):
                    box = poplib.POP3(host)
                    box.stls(context=ssl.create_default_context())
                    box.user(user)
                    box.pass_(password)
                    return box.stat()
            """),
            where="box.user(user)",
            says="POP3 login over an unencrypted connection",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        spec = _PROTOCOLS.get(ctx.call_name(node) or "")
        if spec is None:
            return
        protocol, login_methods, starttls = spec
        host = argument(node, 0, ("host",))
        if crypto.is_local_host(ctx.string_value(host) if host is not None else None):
            return
        name = crypto.bound_name(node, ctx)
        if name is None:
            return
        calls = [c for c in crypto.method_calls(name, node, ctx) if (c.lineno, c.col_offset) > (node.lineno, node.col_offset)]
        if any(c.func.attr == starttls for c in calls):
            return
        logins = [c for c in calls if c.func.attr in login_methods and c.args]
        if not logins:
            return
        login = logins[0]
        fix = None
        stmt = ctx.statement(login)
        indent = ctx.indentation(stmt)
        if stmt is not None and isinstance(stmt, ast.Expr) and ctx.line_text(stmt)[: stmt.col_offset].strip() == "" and stmt.col_offset == len(indent.encode()):
            # without a context the standard library negotiates TLS without checking the
            # certificate: pass a verifying one
            keyword = "ssl_context" if protocol == "IMAP" else "context"
            call = f"{name}.{starttls}({keyword}=ssl.create_default_context())"
            fix = Fix(
                f"Call {name}.{starttls}() with a verifying TLS context before logging in (fails if the server offers no TLS or an invalid certificate)",
                (ctx.insert_before(stmt, f"{call}\n{indent}"),),
                safe=False,
                imports=("import ssl",),
            )
        ctx.report(
            self,
            login,
            f"{protocol} login over an unencrypted connection: the password crosses the network in clear text. Call "
            f"{name}.{starttls}() first, or connect with the _SSL variant.",
            fix=fix,
            confidence=Confidence.LOW if ctx.in_test_code(login) else None,
        )
