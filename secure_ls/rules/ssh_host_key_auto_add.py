"""SLS509 ssh-host-key-auto-add."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules.base import Example, Rule, code

_LAX_POLICIES = {
    "paramiko.AutoAddPolicy": "AutoAddPolicy",
    "paramiko.client.AutoAddPolicy": "AutoAddPolicy",
    "paramiko.WarningPolicy": "WarningPolicy",
    "paramiko.client.WarningPolicy": "WarningPolicy",
}


class SshHostKeyAutoAdd(Rule):
    """
    ## What it does
    Finds Paramiko SSH clients told to accept unknown host keys:
    `client.set_missing_host_key_policy(paramiko.AutoAddPolicy())` or
    `WarningPolicy` (the class or an instance, however it was imported).
    Test code is reported with medium confidence.

    ## Why is this bad?
    The host key is how SSH knows it talks to the real server. Accepting
    any key on first sight (or with only a log warning) lets anyone who can
    intercept the connection impersonate the server and collect the
    password, the commands and the data sent (CWE-295).

    ## How to fix it
    Load known host keys (`client.load_system_host_keys()` or
    `client.load_host_keys(path)`) and reject unknown ones with
    `paramiko.RejectPolicy()`, which is also Paramiko's default. The quick
    fix switches to `RejectPolicy`; it is unsafe: connections to hosts whose
    keys are not in a known-hosts file now fail until their keys are added.
    """

    id = "SLS509"
    name = "ssh-host-key-auto-add"
    title = "SSH client accepts unknown host keys"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "least-privilege"
    bandit = ("B507",)
    codeql = ("py/paramiko-missing-host-key-validation",)
    fixable = True
    methods = frozenset({"set_missing_host_key_policy"})

    VALID = [
        code("""
            import paramiko
            client = paramiko.SSHClient()
            client.load_system_host_keys()
            client.set_missing_host_key_policy(paramiko.RejectPolicy())
        """),
        code("""
            class AutoAddPolicy:
                pass
            def setup(client):
                client.set_missing_host_key_policy(AutoAddPolicy())
        """),
    ]
    INVALID = [
        Example(
            code("""
                import paramiko

                client = paramiko.SSHClient()
                client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
                client.connect('host', username='deploy')
            """),
            fixed=code("""
                import paramiko

                client = paramiko.SSHClient()
                client.set_missing_host_key_policy(paramiko.RejectPolicy())
                client.connect('host', username='deploy')
            """),
            where="paramiko.AutoAddPolicy()",
            says="AutoAddPolicy accepts any SSH host key, so a man in the middle can impersonate",
        ),
        Example(
            code("""
                from paramiko import SSHClient, WarningPolicy

                def connect(host):
                    ssh = SSHClient()
                    ssh.set_missing_host_key_policy(WarningPolicy)
                    ssh.connect(host)
                    return ssh
            """),
            fixed=code("""
                from paramiko import SSHClient, WarningPolicy
                import paramiko

                def connect(host):
                    ssh = SSHClient()
                    ssh.set_missing_host_key_policy(paramiko.RejectPolicy())
                    ssh.connect(host)
                    return ssh
            """),
            where="WarningPolicy",
            says="WarningPolicy accepts any SSH host key, so a man in the middle can impersonate",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "set_missing_host_key_policy") or len(node.args) != 1:
            return
        policy = node.args[0]
        target = policy.func if isinstance(policy, ast.Call) else policy
        name = ctx.qualified_name(target)
        label = _LAX_POLICIES.get(name or "")
        if label is None:
            return
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and ctx.qualified_name(target.value) == "paramiko":
            text, imports = f"{target.value.id}.RejectPolicy()", ()
        else:
            text, imports = "paramiko.RejectPolicy()", ("import paramiko",)
        confidence = Confidence.MEDIUM if ctx.in_test_code(node) else Confidence.HIGH
        ctx.report(
            self,
            policy,
            f"{label} accepts any SSH host key, so a man in the middle can impersonate the server: load known host keys and use RejectPolicy.",
            fix=Fix("Reject unknown host keys", (ctx.replace(policy, text),), safe=False, imports=imports),
            confidence=confidence,
        )
