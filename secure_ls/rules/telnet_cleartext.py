"""SLS406 telnet-cleartext."""

from __future__ import annotations

import ast

from secure_ls.engine.context import argument
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import crypto, naming
from secure_ls.rules.base import Example, Rule, code


class TelnetCleartext(Rule):
    """
    ## What it does
    Finds connections opened with `telnetlib.Telnet` (removed from the
    standard library in Python 3.13). When the same function writes a
    password-named value to the connection, the finding has high
    confidence. Connections to localhost are not reported.

    ## Why is this bad?
    Telnet has no encryption: logins, passwords and every command and
    answer cross the network in clear text and can be read or altered by
    anyone on the path (CWE-319).

    ## How to fix it
    Use SSH (`paramiko`, `asyncssh`, `fabric`) to run remote commands. No
    quick fix is offered: the device or server must offer SSH.
    """

    id = "SLS406"
    name = "telnet-cleartext"
    title = "Telnet connection (clear text)"
    cwe = 319
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "tls"
    bandit = ("B312", "B401")
    fixable = False
    calls = frozenset({"telnetlib.Telnet"})

    VALID = [
        code("""
            import paramiko
            def run(host, user, pw):
                c = paramiko.SSHClient()
                c.connect(host, username=user, password=pw)
        """),
        code("""
            import telnetlib
            def local():
                return telnetlib.Telnet('localhost', 2323)
        """),
        code("""
            class Telnet:
                pass
            Telnet()
        """),
    ]
    INVALID = [
        Example(
            code(r"""
                import telnetlib

                def run(host, user, password):
                    tn = telnetlib.Telnet(host)
                    tn.read_until(b'login: ')
                    tn.write(user.encode() + b'\n')
                    tn.write(password.encode() + b'\n')
            """),
            where="telnetlib.Telnet(host)",
            says="Telnet sends a password in clear text, readable by anyone on the network path",
        ),
        Example(code("""
            from telnetlib import Telnet

            def banner(host):
                with Telnet(host, 23) as tn:
                    return tn.read_some()
        """),
            where="Telnet(host, 23)",
            says="Telnet carries everything in clear text, readable by anyone on the network path",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if (ctx.call_name(node) or "") != "telnetlib.Telnet":
            return
        host = argument(node, 0, ("host",))
        if crypto.is_local_host(ctx.string_value(host) if host is not None else None):
            return
        confidence = None
        name = crypto.bound_name(node, ctx)
        if name is not None:
            for call in crypto.method_calls(name, node, ctx):
                if call.func.attr == "write" and call.args and naming.mentions(call.args[0], naming.PASSWORD_WORDS):
                    confidence = Confidence.HIGH
                    break
        sends = "sends a password" if confidence else "carries everything"
        ctx.report(
            self,
            node,
            f"Telnet {sends} in clear text, readable by anyone on the network path: use SSH (paramiko, asyncssh) instead.",
            confidence=confidence,
        )
