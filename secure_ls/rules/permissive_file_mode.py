"""SLS501 permissive-file-mode."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, constants
from secure_ls.rules.base import Example, Rule, code

# qualified name -> (mode argument index, governed by the umask)
_CALLS = {
    "os.chmod": (1, False),
    "os.lchmod": (1, False),
    "os.fchmod": (1, False),
    "os.open": (2, True),
    "os.mkdir": (1, True),
    "os.makedirs": (1, True),
    "pathlib.Path.chmod": (0, False),
    "pathlib.Path.lchmod": (0, False),
    "pathlib.Path.mkdir": (0, True),
}
# Modes that are the function's default anyway: the umask decides.
_UMASK_DEFAULTS = frozenset({0o777, 0o666})


class PermissiveFileMode(Rule):
    """
    ## What it does
    Finds files and directories given world-writable permissions (the
    "others may write" bit, 0o002): `os.chmod`/`os.lchmod`/`os.fchmod` and
    `pathlib.Path.chmod` with modes like `0o777`, `0o666` or
    `stat.S_IRWXU | stat.S_IRWXO`. Modes are evaluated from octal literals,
    `stat.S_*` constants and a simple local variable. A sticky-bit mode such
    as `0o1777` (a shared directory like `/tmp`) is not reported.

    For calls whose mode is filtered by the process umask (`os.open`,
    `os.mkdir`, `os.makedirs`, `Path.mkdir`), the default modes `0o777` and
    `0o666` (with or without setuid/setgid bits) are not reported: the usual
    umask 022 removes the write bits. Other world-writable modes there are
    reported with low confidence.
    Group-writable modes (0o660, 0o775) are not reported: sharing with a group
    is usually deliberate. Test code is reported with low confidence.

    ## Why is this bad?
    Any local user or compromised service account can modify a world-writable
    file: replace a script or config that a privileged process later runs or
    reads, plant data, or delete it (CWE-732).

    ## How to fix it
    Grant only the owner what it needs. The quick fix sets `0o700` when the
    original mode had an execute bit (directories, scripts) and `0o600`
    otherwise, keeping any setuid/setgid bit. It is unsafe: other users,
    including a web server running as another account, lose access; widen
    to `0o755`/`0o644` by hand when others must read.
    """

    id = "SLS501"
    name = "permissive-file-mode"
    title = "World-writable file permissions"
    cwe = 732
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "least-privilege"
    bandit = ("B103",)
    codeql = ("py/overly-permissive-file",)
    fixable = True
    calls = frozenset(_CALLS)
    methods = frozenset({"chmod"})

    VALID = [
        code("""
            import os
            os.chmod('run.sh', 0o755)
            os.chmod('key.pem', 0o600)
        """),
        code("""
            import os
            os.makedirs('cache', 0o777, exist_ok=True)
            os.mkdir('d', mode=0o777)
        """),
        code("""
            import os
            os.chmod('/srv/shared', 0o1777)
        """),
        code("""
            import os, stat
            os.chmod('f', stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP)
        """),
        code("""
            import os
            os.chmod('shared', 0o770)
        """),
        code("""
            def chmod(path, mode):
                pass
            chmod('x', 0o777)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import os

                os.chmod('/etc/myapp/config.yml', 0o777)
            """),
            fixed=code("""
                import os

                os.chmod('/etc/myapp/config.yml', 0o700)
            """),
            where="0o777",
            says="Mode 0o777 makes the file writable by every user",
        ),
        Example(
            code("""
                import os
                import stat

                def publish(path):
                    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IROTH | stat.S_IWOTH)
            """),
            fixed=code("""
                import os
                import stat

                def publish(path):
                    os.chmod(path, 0o600)
            """),
            where="stat.S_IRUSR | stat.S_IWUSR | stat.S_IROTH | stat.S_IWOTH",
            says="Mode 0o606 makes the file writable by every user",
        ),
        Example(
            code("""
                from pathlib import Path

                Path('output.log').chmod(0o666)
            """),
            fixed=code("""
                from pathlib import Path

                Path('output.log').chmod(0o600)
            """),
            where="0o666",
            says="Mode 0o666 makes the file writable by every user",
        ),
        Example(
            code("""
                from os import chmod as change_mode

                def share(p):
                    mode = 0o776
                    change_mode(p, mode)
            """),
            fixed=code("""
                from os import chmod as change_mode

                def share(p):
                    mode = 0o776
                    change_mode(p, 0o700)
            """),
            where="mode",
            says="Mode 0o776 makes the file writable by every user",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        spec = _CALLS.get(name or "")
        if spec is None and name is None and isinstance(node.func, ast.Attribute) and node.func.attr == "chmod" and len(node.args) == 1 and not node.keywords and ctx.imports("pathlib"):
            spec = (0, False)  # `path.chmod(mode)` on a pathlib.Path held in a variable
        if spec is None:
            return
        index, umasked = spec
        mode_node = config.argument(node, index, ("mode",))
        mode = constants.int_value(mode_node, ctx, constants.assigned_value)
        if mode is None or mode < 0 or not mode & 0o002 or mode & 0o1000:
            return
        if umasked and mode & 0o777 in _UMASK_DEFAULTS:
            return
        new = (0o700 if mode & 0o111 else 0o600) | (mode & 0o6000)  # keep setuid/setgid
        fix = Fix(f"Restrict the mode to {config.octal(new)}", (ctx.replace(mode_node, f"{config.octal(new)}"),), safe=False)
        what = "directory" if name and name.endswith(("mkdir", "makedirs")) else "file"
        extra = " (before the umask is applied)" if umasked else ""
        ctx.report(
            self,
            mode_node,
            f"Mode {config.octal(mode)} makes the {what} writable by every user{extra}: grant only the owner what it needs, e.g. {config.octal(new)}.",
            fix=fix,
            confidence=Confidence.LOW if umasked or ctx.in_test_code(node) else Confidence.HIGH,
        )
