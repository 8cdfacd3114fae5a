"""SLS602 insecure-mktemp."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config
from secure_ls.rules.base import Example, Rule, code

_MKTEMP = frozenset({"tempfile.mktemp", "os.tempnam", "os.tmpnam"})
_MKSTEMP_KEYWORDS = frozenset({"suffix", "prefix", "dir"})


class InsecureMktemp(Rule):
    """
    ## What it does
    Finds `tempfile.mktemp()`, which returns the name of a temporary file
    without creating it (and Python 2's `os.tempnam`/`os.tmpnam`). Test code
    is reported with low confidence, and so is a name picked in a directory
    of the application's own (`dir=settings.MEDIA_TMP`, a variable: not a
    literal shared directory such as `/tmp`, nor `tempfile.gettempdir()`),
    where no other user can create files. A name then created with
    `os.open(name, flags)` where the flags hold `os.O_EXCL` is not reported:
    that open fails if the path exists, as mkstemp's own does.

    ## Why is this bad?
    Between choosing the name and creating the file, another local user can
    create a file or a symlink with that name in the shared temporary
    directory; the program then writes to the attacker's file or through the
    symlink to any file it may write (a race condition, CWE-377). Python's
    documentation has deprecated `mktemp` since 2.3 for this reason.

    ## How to fix it
    Use `tempfile.mkstemp()` (creates the file atomically and returns an open
    descriptor and its name), `tempfile.NamedTemporaryFile()` or
    `tempfile.TemporaryDirectory()`. For the simple form
    `name = tempfile.mktemp(suffix=..., prefix=..., dir=...)` the quick fix
    writes `fd, name = tempfile.mkstemp(...)` followed by `os.close(fd)`, so
    `name` is an existing, private, empty file. It is unsafe: code that
    expected the file not to exist (creating it exclusively, or making a
    directory or socket at that path) must be adapted. Other uses get no
    quick fix.
    """

    id = "SLS602"
    name = "insecure-mktemp"
    title = "Race-prone temporary file name (mktemp)"
    cwe = 377
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "resources"
    bandit = ("B306",)
    codeql = ("py/insecure-temporary-file",)
    fixable = True
    calls = _MKTEMP

    VALID = [
        code("""
            import tempfile
            fd, path = tempfile.mkstemp(suffix='.txt')
        """),
        code("""
            import tempfile
            with tempfile.NamedTemporaryFile() as f:
                f.write(b'x')
        """),
        code("""
            def mktemp():
                return 'x'
            name = mktemp()
        """),
        # created exclusively: the open fails if another user made the path first
        code("""
            import os
            import tempfile

            def make(mode=0o600):
                flags = os.O_RDWR | os.O_CREAT | os.O_EXCL
                while True:
                    name = tempfile.mktemp()
                    try:
                        return os.open(name, flags, mode), name
                    except FileExistsError:
                        continue
        """),
    ]
    INVALID = [
        Example(
            code("""
                import os
                import tempfile

                def save(data):
                    path = tempfile.mktemp(suffix='.json')
                    with open(path, 'w') as f:
                        f.write(data)
                    return path
            """),
            fixed=code("""
                import os
                import tempfile

                def save(data):
                    fd, path = tempfile.mkstemp(suffix='.json')
                    os.close(fd)
                    with open(path, 'w') as f:
                        f.write(data)
                    return path
            """),
            where="tempfile.mktemp(suffix='.json')",
            says="`mktemp()` only picks a name",
        ),
        Example(
            code("""
                from tempfile import mktemp

                def scratch():
                    name = mktemp()
                    return name
            """),
            fixed=code("""
                from tempfile import mktemp
                import tempfile
                import os

                def scratch():
                    fd, name = tempfile.mkstemp()
                    os.close(fd)
                    return name
            """),
            where="mktemp()",
            says="`mktemp()` only picks a name",
        ),
        Example(
            code("""
                import os
                import tempfile

                os.mkfifo(tempfile.mktemp())
            """),
            fixed=None,
            where="tempfile.mktemp()",
            says="`mktemp()` only picks a name",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name not in _MKTEMP or _created_exclusively(node, ctx):
            return
        fix = self._fix(node, ctx) if name == "tempfile.mktemp" else None
        ctx.report(
            self,
            node,
            f"`{name.rsplit('.', 1)[-1]}()` only picks a name: another user can create that file or a symlink before you do. Use tempfile.mkstemp(), NamedTemporaryFile() or TemporaryDirectory().",
            fix=fix,
            confidence=Confidence.LOW if ctx.in_test_code(node) or _in_own_directory(node, ctx) else Confidence.HIGH,
        )

    def _fix(self, node: ast.Call, ctx) -> Fix | None:
        stmt = ctx.parent(node)
        if not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return None
        if len(node.args) > 3 or any(k.arg not in _MKSTEMP_KEYWORDS for k in node.keywords) or config.has_star_args(node):
            return None
        line = ctx.lines[stmt.lineno - 1]
        if stmt.lineno != stmt.end_lineno or line[stmt.end_col_offset :].strip() not in ("",) or line[: stmt.col_offset].strip():
            return None
        scope = ctx.scope(stmt)
        used = {n.id for n in astutil.walk(scope) if isinstance(n, ast.Name)} | {a.arg for a in astutil.walk(scope) if isinstance(a, ast.arg)}
        fd = next((c for c in ("fd", "_fd", "temp_fd", "tmp_fd") if c not in used), None)
        if fd is None:
            return None
        func = node.func
        imports: tuple[str, ...] = ()
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            call = f"{func.value.id}.mkstemp"
        else:
            call, imports = "tempfile.mkstemp", ("import tempfile",)
        arguments = ctx.text(node)[len(ctx.text(func)) :]
        indent = ctx.indentation(stmt)
        target = stmt.targets[0].id
        text = f"{fd}, {target} = {call}{arguments}\n{indent}os.close({fd})"
        return Fix("Create the file with mkstemp()", (ctx.replace(stmt, text),), safe=False, imports=imports + ("import os",))


# Directories every local user may write to: a name picked there can be taken first.
_SHARED_DIRECTORIES = ("/tmp", "/var/tmp", "/dev/shm")


def _in_own_directory(call: ast.Call, ctx) -> bool:
    """`mktemp(suffix, dir=settings.MEDIA_TMP)`: the name is picked in a directory the program
    names itself (a setting, a variable), not in the shared temporary directory, which is what
    `dir=None`, `tempfile.gettempdir()` and a literal `/tmp` mean."""
    folder = next((k.value for k in call.keywords if k.arg == "dir"), call.args[2] if len(call.args) > 2 else None)
    if folder is None or isinstance(folder, ast.Constant) and (folder.value is None or str(folder.value).startswith(_SHARED_DIRECTORIES)):
        return False
    if isinstance(folder, ast.Call) and (ctx.call_name(folder) or "").endswith("gettempdir"):
        return False
    text = ctx.string_value(folder)
    return text is None or not text.startswith(_SHARED_DIRECTORIES)


def _created_exclusively(call: ast.Call, ctx) -> bool:
    """`name = mktemp()` then `os.open(name, flags)` with `os.O_EXCL` among the flags (written
    there or in the one value of a name): the open fails if anyone made that path first, which
    is how mkstemp itself creates the file. The race is closed."""
    stmt = ctx.parent(call)
    if not (isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    held = stmt.targets[0].id
    for node in astutil.walk(ctx.scope(stmt)):
        if not (isinstance(node, ast.Call) and ctx.call_name(node) == "os.open" and len(node.args) >= 2):
            continue
        path, flags = node.args[0], node.args[1]
        if not (isinstance(path, ast.Name) and path.id == held):
            continue
        if isinstance(flags, ast.Name):
            values = ctx.assigned_values(flags)
            flags = values[0] if values else flags
        if any(isinstance(n, ast.Attribute) and n.attr == "O_EXCL" for n in astutil.walk(flags)):
            return True
    return False
