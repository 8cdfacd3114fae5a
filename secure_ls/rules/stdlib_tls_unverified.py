"""SLS408 stdlib-tls-unverified."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import crypto, tls
from secure_ls.rules.base import Example, Rule, code

# The standard library's TLS clients, the keyword their context goes in and its position,
# and the positions of keyfile/certfile (passing one of them together with a context is a
# ValueError in the standard library, so those calls get no fix).
_CONSTRUCTORS = {
    "smtplib.SMTP_SSL": ("context", 7, (3, 4)),
    "imaplib.IMAP4_SSL": ("ssl_context", 4, (2, 3)),
    "poplib.POP3_SSL": ("context", 5, (2, 3)),
    "ftplib.FTP_TLS": ("context", 6, (4, 5)),
}
# STARTTLS methods by the client class they belong to
_STARTTLS = {
    "smtplib": ("starttls", "context", 2, (0, 1)),
    "imaplib": ("starttls", "ssl_context", 0, ()),
    "poplib": ("stls", "context", 0, ()),
}
# the client classes whose STARTTLS method is checked, by the module that defines it (the
# implicit-TLS classes too: a variable may hold either, made on two branches)
_CLIENT_MODULES = {
    "smtplib.SMTP": "smtplib", "smtplib.SMTP_SSL": "smtplib", "smtplib.LMTP": "smtplib",
    "imaplib.IMAP4": "imaplib", "imaplib.IMAP4_SSL": "imaplib",
    "poplib.POP3": "poplib", "poplib.POP3_SSL": "poplib",
}
_VERIFIED = "ssl.create_default_context()"
_TITLE = "Verify the server's certificate and host name ({keyword}=ssl.create_default_context(); servers with invalid or self-signed certificates then fail)"


class StdlibTlsUnverified(Rule):
    """
    ## What it does
    Finds the standard library's TLS mail and FTP clients used without an
    SSL context: `smtplib.SMTP_SSL(host)`, `imaplib.IMAP4_SSL(host)`,
    `poplib.POP3_SSL(host)`, `ftplib.FTP_TLS(host)`, and `starttls()`
    (POP3: `stls()`) on `smtplib.SMTP`, `imaplib.IMAP4` and `poplib.POP3`
    objects, when no `context=` (`ssl_context=` for imaplib) is passed. It
    also reports an `FTP_TLS` connection that logs in but never calls
    `prot_p()`.

    ## Why is this bad?
    Without a context these clients use `ssl._create_stdlib_context()`,
    which checks neither the certificate nor the host name: the connection
    is encrypted, but to whoever answers. Anyone on the network path can
    present their own certificate and read the password and the mail or
    files (CWE-295). `FTP_TLS` also keeps the data channel (the files) in
    clear text until `prot_p()` is called.

    ## How to fix it
    Pass a verifying context: `context=ssl.create_default_context()`
    (`ssl_context=` for `IMAP4_SSL` and `IMAP4.starttls`). It uses the
    system's CA store, and OpenSSL's `SSL_CERT_FILE` / `SSL_CERT_DIR`
    where set; where Python has no system store, pass
    `cafile=certifi.where()` or your internal CA's certificate. The quick
    fix passes the context, and for `FTP_TLS` adds `prot_p()` after the
    `login(...)` statement when the code never calls it (when the login is
    not a plain statement the message says to add it by hand). It is
    unsafe: servers with invalid, expired or self-signed certificates then
    fail with `ssl.SSLCertVerificationError`. Calls that pass `keyfile` /
    `certfile` get no fix (the standard library refuses them together with
    a context): load them into the context with `load_cert_chain()`.
    A context you pass yourself is not reported; one made by
    `ssl._create_unverified_context()` is reported by SLS401.
    """

    id = "SLS408"
    name = "stdlib-tls-unverified"
    title = "Standard-library TLS client without certificate verification"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "tls"
    fixable = True
    calls = frozenset(_CONSTRUCTORS)
    methods = frozenset({"starttls", "stls"})

    VALID = [
        code("""
            import smtplib, ssl
            def send(host, msg):
                with smtplib.SMTP_SSL(host, context=ssl.create_default_context()) as s:
                    s.send_message(msg)
        """),
        code("""
            import imaplib
            def box(host, ctx):
                return imaplib.IMAP4_SSL(host, ssl_context=ctx)
        """),
        code("""
            import smtplib, ssl
            def send(host):
                s = smtplib.SMTP(host)
                s.starttls(context=ssl.create_default_context())
        """),
        code("""
            import ftplib, ssl
            def get(host, u, p):
                ftp = ftplib.FTP_TLS(host, context=ssl.create_default_context())
                ftp.login(u, p)
                ftp.prot_p()
        """),
        code("""
            import aiosmtplib
            async def send(client):
                await client.starttls()
        """),
    ]
    INVALID = [
        Example(
            code("""
                import smtplib

                def send(host, user, password, msg):
                    with smtplib.SMTP_SSL(host, 465) as server:
                        server.login(user, password)
                        server.send_message(msg)
            """),
            fixed=code("""
                import smtplib
                import ssl

                def send(host, user, password, msg):
                    with smtplib.SMTP_SSL(host, 465, context=ssl.create_default_context()) as server:
                        server.login(user, password)
                        server.send_message(msg)
            """),
            where="smtplib.SMTP_SSL(host, 465)",
            says="SMTP_SSL() without a context does not check the server's certificate or host",
        ),
        # the client made on two branches (plain or implicit TLS) is still one smtplib client
        Example(
            code("""
                import smtplib, ssl

                def connect(host, port, use_ssl, use_tls):
                    if use_ssl:
                        smtp = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context())
                    else:
                        smtp = smtplib.SMTP(host, port)
                    if use_tls:
                        smtp.starttls()
                    return smtp
            """),
            fixed=code("""
                import smtplib, ssl

                def connect(host, port, use_ssl, use_tls):
                    if use_ssl:
                        smtp = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context())
                    else:
                        smtp = smtplib.SMTP(host, port)
                    if use_tls:
                        smtp.starttls(context=ssl.create_default_context())
                    return smtp
            """),
            where="smtp.starttls()",
            says="smtp.starttls() without a context negotiates TLS without checking the server's",
        ),
        Example(
            code("""
                import imaplib

                def inbox(host):
                    return imaplib.IMAP4_SSL(host)
            """),
            fixed=code("""
                import imaplib
                import ssl

                def inbox(host):
                    return imaplib.IMAP4_SSL(host, ssl_context=ssl.create_default_context())
            """),
            where="imaplib.IMAP4_SSL(host)",
            says="IMAP4_SSL() without a context does not check the server's certificate or host",
        ),
        Example(
            code("""
                import smtplib

                def send(host, user, password):
                    server = smtplib.SMTP(host, 587)
                    server.starttls()
                    server.login(user, password)
            """),
            fixed=code("""
                import smtplib
                import ssl

                def send(host, user, password):
                    server = smtplib.SMTP(host, 587)
                    server.starttls(context=ssl.create_default_context())
                    server.login(user, password)
            """),
            where="server.starttls()",
            says="server.starttls() without a context negotiates TLS without checking the server's",
        ),
        Example(
            code("""
                import poplib

                def count(host):
                    box = poplib.POP3(host)
                    box.stls()
                    return box.stat()
            """),
            fixed=code("""
                import poplib
                import ssl

                def count(host):
                    box = poplib.POP3(host)
                    box.stls(context=ssl.create_default_context())
                    return box.stat()
            """),
            where="box.stls()",
            says="box.stls() without a context negotiates TLS without checking the server's",
        ),
        Example(
            code("""
                from ftplib import FTP_TLS

                def upload(host, user, password, f):
                    ftp = FTP_TLS(host)
                    ftp.login(user, password)
                    ftp.storbinary('STOR x', f)
            """),
            fixed=code("""
                from ftplib import FTP_TLS
                import ssl

                def upload(host, user, password, f):
                    ftp = FTP_TLS(host, context=ssl.create_default_context())
                    ftp.login(user, password)
                    ftp.prot_p()
                    ftp.storbinary('STOR x', f)
            """),
            where="FTP_TLS(host)",
            says="FTP_TLS() without a context does not check the server's certificate or host name",
        ),
        Example(
            code("""
                import ftplib, ssl

                def upload(host, user, password, f):
                    ftp = ftplib.FTP_TLS(host, context=ssl.create_default_context())
                    if ftp.login(user, password):
                        ftp.storbinary('STOR x', f)
            """),
            where="ftplib.FTP_TLS(host, context=ssl.create_default_context())",
            says="FTP_TLS logs in but never calls prot_p()",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        spec = _CONSTRUCTORS.get(name)
        if spec is not None:
            self._constructor(node, name, spec, ctx)
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("starttls", "stls"):
            module = _client_module(func.value, func.attr, ctx)
            if module is None:
                return
            method, keyword, index, key_positions = _STARTTLS[module]
            if func.attr != method or crypto.has_unpacking(node) or _has_context(node, keyword, index):
                return
            fix = None
            if not _passes_key_files(node, key_positions):
                fix = Fix(_TITLE.format(keyword=keyword), (ctx.set_keyword(node, keyword, _VERIFIED),), safe=False, imports=("import ssl",))
            ctx.report(
                self,
                node,
                f"{ctx.text(func)}() without a context negotiates TLS without checking the server's certificate or host name: "
                f"pass {keyword}=ssl.create_default_context().",
                fix=fix,
                confidence=_confidence(node, ctx),
            )

    def _constructor(self, node: ast.Call, name: str, spec, ctx) -> None:
        keyword, index, key_positions = spec
        if crypto.has_unpacking(node):
            return
        short = name.split(".")[-1]
        needs_context = not _has_context(node, keyword, index)
        prot_p, login, missing_prot_p = None, None, False
        if name == "ftplib.FTP_TLS":
            prot_p, login, missing_prot_p = _prot_p(node, ctx)
        if not needs_context and not missing_prot_p:
            return
        edits = []
        if needs_context:
            if _passes_key_files(node, key_positions):
                ctx.report(
                    self,
                    node,
                    f"{short}() without a context does not check the server's certificate or host name: load the key files into "
                    f"ssl.create_default_context() with load_cert_chain() and pass it as {keyword}=.",
                    confidence=_confidence(node, ctx),
                )
                return
            edits.append(ctx.set_keyword(node, keyword, _VERIFIED))
        if prot_p is not None:
            edits.append(prot_p)
        message = (
            f"{short}() without a context does not check the server's certificate or host name: anyone on the network path can "
            f"answer in the server's place. Pass {keyword}=ssl.create_default_context()."
            if needs_context
            else "FTP_TLS logs in but never calls prot_p(): the files cross the network in clear text."
        )
        if missing_prot_p:
            message += (
                " Call prot_p() after login() to encrypt the file transfers too."
                if prot_p is not None
                else " Call prot_p() after login() to encrypt the file transfers too (not added by the fix: the login is not a plain statement)."
            )
        if not edits:
            ctx.report(self, node, message, confidence=_confidence(node, ctx))
            return
        if needs_context:
            title = _TITLE.format(keyword=keyword)
            if prot_p is not None:
                title = title[:-1] + "; prot_p() encrypts the file transfers)"
        else:
            title = "Encrypt the file transfers (prot_p() after login; fails on servers that refuse protected transfers)"
        fix = Fix(title, tuple(edits), safe=False, imports=("import ssl",) if needs_context else ())
        ctx.report(self, node, message, fix=fix, also_rewrites=[login] if prot_p is not None and login is not None else [], confidence=_confidence(node, ctx))


def _confidence(node: ast.AST, ctx) -> Confidence | None:
    """Low in test code: tests talk to local servers with certificates made for the test."""
    return Confidence.LOW if ctx.in_test_code(node) else None


def _has_context(call: ast.Call, keyword: str, index: int) -> bool:
    return any(k.arg == keyword for k in call.keywords) or len(call.args) > index


def _passes_key_files(call: ast.Call, positions: tuple[int, ...]) -> bool:
    for position, keyword in zip(positions, ("keyfile", "certfile")):
        value = argument(call, position, (keyword,))
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            return True
    return False


def _client_module(receiver: ast.expr, method: str, ctx) -> str | None:
    """Which standard-library client `receiver` is (smtplib, imaplib, poplib), from where it was
    made, else from the file's imports when only one client module can have that method."""
    made = _made_by(receiver, ctx)
    if made is not None:
        # `smtp = SMTP(...)` on one branch and `SMTP_SSL(...)` on the other: one client module
        modules = {_CLIENT_MODULES.get(name) for name in made}
        return modules.pop() if len(modules) == 1 else None
    if ctx.imports("aiosmtplib"):
        return None  # aiosmtplib's starttls() verifies by default
    if method == "stls":
        return "poplib" if ctx.imports("poplib") else None
    candidates = [m for m in ("smtplib", "imaplib") if ctx.imports(m)]
    return candidates[0] if len(candidates) == 1 else None


def _made_by(receiver: ast.expr, ctx) -> set[str] | None:
    """The qualified names of the constructors that may have made `receiver`, when known."""
    if isinstance(receiver, ast.Call):
        return {ctx.call_name(receiver) or ""}
    if isinstance(receiver, (ast.Name, ast.Attribute)):
        names = {ctx.call_name(v) or "" for v in ctx.assigned_values(receiver) if isinstance(v, ast.Call)}
        if isinstance(receiver, ast.Name):
            scope = ctx.enclosing_function(receiver) or ctx.tree
            for node in astutil.walk(scope):
                if isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name) and node.optional_vars.id == receiver.id:
                    if isinstance(node.context_expr, ast.Call):
                        names.add(ctx.call_name(node.context_expr) or "")
        return names or None
    return None


def _prot_p(node: ast.Call, ctx):
    """The prot_p() edit, the login statement, and whether prot_p() is missing (see
    tls.prot_p_after_login); nothing is missing where the code already calls prot_p()."""
    name = crypto.bound_name(node, ctx)
    if name is None or any(c.func.attr == "prot_p" for c in crypto.method_calls(name, node, ctx)):
        return None, None, False
    return tls.prot_p_after_login(node, name, argument(node, 1, ("user",)) is not None, ctx)
