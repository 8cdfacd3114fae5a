"""TLS knowledge shared by the TLS rules: the protocol and version constants that allow
SSL 2.0/3.0, TLS 1.0 or 1.1, by qualified name, with the version each one names
(weak-tls-version, ssl-wrap-socket), and where an FTP_TLS fix calls `prot_p()`
(ftp-cleartext-login, stdlib-tls-unverified)."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Edit
from secure_ls.rules._support import crypto

WEAK_PROTOCOLS = {
    "ssl.PROTOCOL_SSLv2": "SSL 2.0",
    "ssl.PROTOCOL_SSLv3": "SSL 3.0",
    "ssl.PROTOCOL_TLSv1": "TLS 1.0",
    "ssl.PROTOCOL_TLSv1_1": "TLS 1.1",
    "OpenSSL.SSL.SSLv2_METHOD": "SSL 2.0",
    "OpenSSL.SSL.SSLv3_METHOD": "SSL 3.0",
    "OpenSSL.SSL.TLSv1_METHOD": "TLS 1.0",
    "OpenSSL.SSL.TLSv1_1_METHOD": "TLS 1.1",
}
WEAK_VERSIONS = {
    "ssl.TLSVersion.SSLv3": "SSL 3.0",
    "ssl.TLSVersion.TLSv1": "TLS 1.0",
    "ssl.TLSVersion.TLSv1_1": "TLS 1.1",
    "ssl.TLSVersion.MINIMUM_SUPPORTED": "the oldest version OpenSSL allows",
}
# the options that turn an old version off: clearing one turns it back on
PROTOCOL_OFF_OPTIONS = {
    "ssl.OP_NO_SSLv2": "SSL 2.0",
    "ssl.OP_NO_SSLv3": "SSL 3.0",
    "ssl.OP_NO_TLSv1": "TLS 1.0",
    "ssl.OP_NO_TLSv1_1": "TLS 1.1",
}
WEAK_PYOPENSSL_VERSIONS = {
    "OpenSSL.SSL.SSL3_VERSION": "SSL 3.0",
    "OpenSSL.SSL.TLS1_VERSION": "TLS 1.0",
    "OpenSSL.SSL.TLS1_1_VERSION": "TLS 1.1",
}


def prot_p_after_login(node: ast.Call, name: str, logs_in_at_once: bool, ctx) -> tuple[Edit | None, ast.stmt | None, bool]:
    """For the FTP connection `node` bound to `name`: the edit that calls `prot_p()` right after
    it logs in (without it the files travel in clear text), the login statement, and whether it
    logs in here at all. The edit is None where the login is not a statement the call can follow
    (`if ftp.login(...):`, a one-line `with` body).

    `logs_in_at_once`: the constructor got a user (`FTP_TLS(host, user, passwd)`)."""
    if logs_in_at_once:
        stmt = ctx.statement(node)
    else:
        later = (node.lineno, node.col_offset)
        logins = [c for c in crypto.method_calls(name, node, ctx) if c.func.attr == "login" and (c.lineno, c.col_offset) > later]
        if not logins:
            return None, None, False
        stmt = ctx.statement(logins[0])
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        first = stmt.body[0]  # `with FTP_TLS(host, user, pw) as ftp:`: protect first thing inside
        if first.lineno == stmt.lineno or ctx.line_text(first)[: first.col_offset].strip():
            return None, None, True
        return ctx.insert_before(first, f"{name}.prot_p()\n{ctx.indentation(first)}"), stmt, True
    if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) and not ctx.line_text(stmt)[: stmt.col_offset].strip():
        return ctx.insert_after(stmt, f"\n{ctx.indentation(stmt)}{name}.prot_p()"), stmt, True
    return None, None, True
