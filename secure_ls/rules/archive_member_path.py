"""SLS112 archive-member-path (zip slip)."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code

_ZIP_OPENERS = frozenset({"zipfile.ZipFile", "zipfile.PyZipFile"})
_TAR_OPENERS = frozenset({"tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open"})
_ZIP_LISTS = frozenset({"namelist", "infolist"})
_TAR_LISTS = frozenset({"getmembers", "getnames"})
_NAME_ATTRIBUTES = frozenset({"filename", "name", "orig_filename", "path"})
_SANITIZERS = frozenset({"os.path.basename", "posixpath.basename", "ntpath.basename", "werkzeug.utils.secure_filename", "werkzeug.secure_filename"})
_WRITE_SINKS = {"open": 0, "builtins.open": 0, "io.open": 0, "os.makedirs": 0, "os.mkdir": 0, "shutil.copy": 1, "shutil.copyfile": 1, "shutil.copy2": 1, "shutil.move": 1}
_PATH_WRITE_METHODS = frozenset({"write_bytes", "write_text", "mkdir", "touch"})
_CHECK_CALLS = frozenset({"startswith", "is_relative_to", "relative_to", "commonpath", "commonprefix", "isabs", "is_absolute", "realpath", "abspath", "resolve"})


class ArchiveMemberPath(Rule):
    """
    ## What it does
    Finds code that extracts zip or tar members by hand, writing each one to
    a path built from the member's name (`os.path.join(dest, info.filename)`)
    inside a loop over `namelist()`, `infolist()`, `getmembers()` or
    `getnames()`, without checking the resulting path.

    `ZipFile.extractall()`/`extract()` are not reported: they remove `..`
    and leading slashes from member names themselves. Tar extraction
    without a filter is the rule `tarfile-unsafe-extraction`.

    ## Why is this bad?
    Member names are chosen by whoever made the archive. A name such as
    `../../home/app/.ssh/authorized_keys` or an absolute path makes the
    loop write outside the destination directory ("zip slip", CWE-22).

    ## How to fix it
    Let the library extract (`zf.extract(info, dest)`,
    `tar.extract(member, dest, filter="data")`), or resolve the target
    path and check it is inside the destination before writing:
    `os.path.commonpath([dest, os.path.realpath(target)]) == dest`. There
    is no mechanical fix.

    ## References
    - https://security.snyk.io/research/zip-slip-vulnerability
    - https://docs.python.org/3/library/zipfile.html#zipfile.ZipFile.extract
    """

    id = "SLS112"
    name = "archive-member-path"
    title = "Archive member written to a path built from its name"
    cwe = 22
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    bandit = ()
    fixable = False

    VALID = [
        code("""
            import zipfile

            def unpack(path, dest):
                with zipfile.ZipFile(path) as zf:
                    zf.extractall(dest)
        """),
        code("""
            import os
            import zipfile

            def unpack(path, dest):
                with zipfile.ZipFile(path) as zf:
                    for name in zf.namelist():
                        target = os.path.join(dest, os.path.basename(name))
                        with open(target, "wb") as out:
                            out.write(zf.read(name))
        """),
        code("""
            import os
            import zipfile

            def unpack(path, dest):
                with zipfile.ZipFile(path) as zf:
                    for info in zf.infolist():
                        target = os.path.realpath(os.path.join(dest, info.filename))
                        if not target.startswith(os.path.realpath(dest) + os.sep):
                            raise ValueError(info.filename)
                        with open(target, "wb") as out:
                            out.write(zf.read(info))
        """),
        code("""
            import zipfile

            def sizes(path):
                with zipfile.ZipFile(path) as zf:
                    for info in zf.infolist():
                        with open("index.txt", "a") as out:
                            out.write(info.filename)
        """),
        code("""
            import os
            import zipfile

            def check(path, dest):
                with zipfile.ZipFile(path) as zf:
                    for name in zf.namelist():
                        with open(os.path.join(dest, name)) as existing:
                            print(existing.read())
        """),
    ]
    INVALID = [
        Example(
            code("""
                import os
                import zipfile

                def unpack(path, dest):
                    with zipfile.ZipFile(path) as zf:
                        for info in zf.infolist():
                            target = os.path.join(dest, info.filename)
                            with open(target, "wb") as out:
                                out.write(zf.read(info))
            """),
            where="target",
            says="Archive member written to a path built from its name",
        ),
        Example(
            code("""
                import tarfile
                from pathlib import Path

                def unpack(archive, dest):
                    tar = tarfile.open(archive)
                    for member in tar.getmembers():
                        data = tar.extractfile(member)
                        if data is not None:
                            (Path(dest) / member.name).write_bytes(data.read())
            """),
            where="Path(dest) / member.name",
            says="Archive member written to a path built from its name",
        ),
        Example(
            code("""
                import os
                import zipfile

                def unpack(path, dest):
                    zf = zipfile.ZipFile(path)
                    for name in zf.namelist():
                        os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
                        with open(dest + "/" + name, "wb") as out:
                            out.write(zf.read(name))
            """),
            count=2,
            where="os.path.dirname(os.path.join(dest, name))",
            says="Archive member written to a path built from its name",
        ),
    ]

    def visit_For(self, node: ast.For, ctx) -> None:
        variable = node.target.id if isinstance(node.target, ast.Name) else None
        if variable is None or not self._lists_members(node.iter, ctx):
            return
        if self._checked(node, variable, ctx):
            return
        for sub in astutil.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            path = self._written_path(sub, ctx)
            if path is not None and self._uses_member(path, variable, ctx, 0):
                ctx.report(
                    self,
                    path,
                    f"Archive member written to a path built from its name (`{ts.short(ctx, path)}`): a member named `../...` "
                    "or `/...` lands outside the destination. Check the resolved path stays inside it, or let the library extract.",
                )

    def _lists_members(self, iterable: ast.AST, ctx) -> bool:
        if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)):
            return False
        attr = iterable.func.attr
        maker = ts.built_by(iterable.func.value, ctx)
        if attr in _ZIP_LISTS:
            return maker in _ZIP_OPENERS or maker is None and isinstance(iterable.func.value, ast.Name) and self._with_opened(iterable.func.value, ctx, _ZIP_OPENERS)
        if attr in _TAR_LISTS:
            return maker in _TAR_OPENERS or maker is None and isinstance(iterable.func.value, ast.Name) and self._with_opened(iterable.func.value, ctx, _TAR_OPENERS)
        return False

    def _with_opened(self, name: ast.Name, ctx, openers) -> bool:
        values = ctx.assigned_values(name)
        return bool(values) and all(isinstance(v, ast.Call) and ctx.call_name(v) in openers for v in values)

    def _written_path(self, call: ast.Call, ctx) -> ast.expr | None:
        name = ctx.call_name(call)
        if name in _WRITE_SINKS:
            if name in ("open", "builtins.open", "io.open"):
                mode = ts.argument(call, 1, ("mode",))
                text = ctx.string_value(mode) if mode is not None else "r"
                if text is None or not any(c in text for c in "wax"):
                    return None
            return ts.argument(call, _WRITE_SINKS[name], ("file", "name", "path", "dst"))
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _PATH_WRITE_METHODS and isinstance(func.value, (ast.BinOp, ast.Call, ast.Name)):
            if func.attr == "mkdir" and not isinstance(func.value, ast.BinOp):
                return None
            return func.value
        return None

    def _uses_member(self, expr: ast.AST, variable: str, ctx, depth: int) -> bool:
        if depth > 3:
            return False
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call) and ctx.call_name(node) in _SANITIZERS:
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("read", "extractfile", "open"):
                continue  # the member's content, not its name
            if isinstance(node, ast.Name):
                if node.id == variable:
                    return True
                value = ts.single_value(node, ctx) if depth < 3 else None
                if value is not None and self._uses_member(value, variable, ctx, depth + 1):
                    return True
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == variable:
                if node.attr in _NAME_ATTRIBUTES:
                    return True
                continue
            stack.extend(astutil.children(node))
        return False

    def _checked(self, loop: ast.For, variable: str, ctx) -> bool:
        for node in astutil.walk(loop):
            if isinstance(node, (ast.If, ast.Assert, ast.While)):
                for sub in astutil.walk(node.test):
                    if isinstance(sub, ast.Call):
                        func = sub.func
                        attr = astutil.last_name(func)
                        if attr in _CHECK_CALLS:
                            return True
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and ".." in sub.value:
                        return True
        return False
