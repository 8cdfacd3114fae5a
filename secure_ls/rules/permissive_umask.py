"""SLS502 permissive-umask."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, constants
from secure_ls.rules.base import Example, Rule, code


class PermissiveUmask(Rule):
    """
    ## What it does
    Finds `os.umask(mask)` calls whose mask does not remove the "others may
    write" bit (0o002), such as `os.umask(0)` or `os.umask(0o020)`: every file
    and directory the process creates afterwards with the default modes is
    world-writable. The idioms that only read the current umask
    (`os.umask(os.umask(0))`, or `old = os.umask(0)` immediately followed by
    `os.umask(old)` or `os.umask(old and 0o077)`) are not reported, nor is a
    zero umask that only lasts while `os.makedirs`/`os.mkdir`/`os.open` create
    something with an explicit mode, restored in the `finally` of the `try`
    right after (Django's `FileSystemStorage` does this so that the configured
    mode is applied exactly), whether in a function or at module level (the
    `UMASK = os.umask(0)` / `os.umask(UMASK)` pair programs run at import
    time to learn their umask); test code is reported with low confidence.

    ## Why is this bad?
    Files created by `open()`, `os.makedirs()`, loggers and libraries get
    mode 0o666/0o777 minus the umask; with a zero umask any local user can
    modify them (CWE-732, CWE-276).

    ## How to fix it
    Use a umask that removes write access for others, normally `0o022`
    (`0o077` for private data). The quick fix adds the group and others'
    write bits to the mask (`os.umask(0)` becomes `os.umask(0o022)`); it is
    unsafe because files created afterwards are no longer group/world
    writable.
    """

    id = "SLS502"
    name = "permissive-umask"
    title = "Umask that leaves new files world-writable"
    cwe = 732
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "least-privilege"
    bandit = ()
    fixable = True
    calls = frozenset({"os.umask"})

    VALID = [
        code("""
            import os
            os.umask(0o022)
            os.umask(0o077)
        """),
        code("""
            import os
            def current_umask():
                mask = os.umask(0)
                os.umask(mask)
                return mask
        """),
        code("""
            import os
            old = os.umask(0o002)
        """),
        # the mask is read, or replaced at once: nested, or restored through an expression
        code("""
            import os
            os.umask(os.umask(0))
        """),
        code("""
            import os

            def daemonize():
                prev = os.umask(0)
                os.umask(prev and 0o077)
        """),
        # read at import time: the next top-level statement restores it
        code("""
            import os

            # there is no call that only reads the umask
            UMASK = os.umask(0)
            os.umask(UMASK)
        """),
        # zeroed only while a directory is made with an explicit mode, restored in `finally`
        code("""
            import os

            def save(directory, mode):
                old = os.umask(0)
                try:
                    os.makedirs(directory, mode)
                finally:
                    os.umask(old)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import os

                def daemonize():
                    os.setsid()
                    os.umask(0)
            """),
            fixed=code("""
                import os

                def daemonize():
                    os.setsid()
                    os.umask(0o022)
            """),
            where="0",
            says="umask 0o000 leaves files created afterwards writable by every user",
        ),
        Example(
            code("""
                from os import umask

                umask(0o020)
            """),
            fixed=code("""
                from os import umask

                umask(0o022)
            """),
            where="0o020",
            says="umask 0o020 leaves files created afterwards writable by every user",
        ),
        # at module level too, a file created before the umask is restored is world-writable
        Example(
            code("""
                import os

                UMASK = os.umask(0)
                open("app.log", "a").close()
                os.umask(UMASK)
            """),
            fixed=code("""
                import os

                UMASK = os.umask(0o022)
                open("app.log", "a").close()
                os.umask(UMASK)
            """),
            where="0",
            says="umask 0o000 leaves files created afterwards writable by every user",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ctx.call_name(node) != "os.umask" or not node.args:
            return
        arg = node.args[0]
        mask = constants.int_value(arg, ctx, constants.assigned_value)
        if mask is None or mask < 0 or mask & 0o002:
            return
        if _reads_only(node, ctx):
            return
        new = mask | 0o022
        ctx.report(
            self,
            arg,
            f"umask {config.octal(mask)} leaves files created afterwards writable by every user: use 0o022 (or 0o077 for private data).",
            fix=Fix(f"Use umask {config.octal(new)}", (ctx.replace(arg, f"{config.octal(new)}"),), safe=False),
            confidence=Confidence.LOW if ctx.in_test_code(node) else Confidence.HIGH,
        )


def _reads_only(call: ast.Call, ctx) -> bool:
    """The permissive mask lasts no further than the next call of `os.umask`: nested
    (`os.umask(os.umask(0))`), or in the statement right after (`old = os.umask(0)` then
    `os.umask(old)`, or `os.umask(old and 0o077)`, in the same block or as the module's next
    top-level statement), with nothing created in between."""
    parent = ctx.parent(call)
    if isinstance(parent, ast.Call) and ctx.call_name(parent) == "os.umask":
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    holder = ctx.parent(parent) or ctx.tree
    if holder is ctx.tree and ctx.tree.body == [parent] and parent.targets[0].id in ctx.module.handed_back:
        return True  # the module's next top-level statement is `os.umask(saved)` (symbols.UnitSymbols.calls_back)
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(holder, field, None)
        if isinstance(block, list) and parent in block:
            index = block.index(parent)
            following = block[index + 1] if index + 1 < len(block) else None
            if isinstance(following, ast.Try) and any(_restores(stmt, parent.targets[0].id, ctx) for stmt in following.finalbody):
                return all(_with_explicit_mode(node, ctx) for stmt in following.body for node in astutil.walk(stmt) if isinstance(node, ast.Call))
            return _restores(following, parent.targets[0].id, ctx)
    return False


def _restores(stmt: ast.stmt | None, saved: str, ctx) -> bool:
    """`os.umask(saved)`, or an expression of it (`os.umask(saved and 0o077)`)."""
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and ctx.call_name(stmt.value) == "os.umask"
        and len(stmt.value.args) == 1
        and saved in {n.id for n in astutil.walk(stmt.value.args[0]) if isinstance(n, ast.Name)}
    )


# What creates a file or directory with a mode of its own: the mode argument's position.
_MODE_ARGUMENT = {"os.makedirs": 1, "os.mkdir": 1, "os.mkfifo": 1, "os.mknod": 1, "os.open": 2}


def _with_explicit_mode(call: ast.Call, ctx) -> bool:
    """`os.makedirs(path, mode)`: the zero umask is there so that the mode is exactly what was asked
    (Django's FileSystemStorage idiom), not to leave files open to everyone."""
    position = _MODE_ARGUMENT.get(ctx.call_name(call) or "")
    return position is not None and (len(call.args) > position or any(k.arg == "mode" for k in call.keywords))

