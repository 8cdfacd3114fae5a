"""SLS111 tarfile-unsafe-extraction."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

_OPENERS = frozenset(
    {"tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open", "tarfile.TarFile.taropen", "tarfile.TarFile.gzopen", "tarfile.TarFile.bz2open", "tarfile.TarFile.xzopen"}
)
_TAR_FORMATS = frozenset({"tar", "gztar", "bztar", "xztar"})
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


class TarfileUnsafeExtraction(Rule):
    """
    ## What it does
    Finds `TarFile.extractall()` and `TarFile.extract()` on archives opened
    with `tarfile`, and `shutil.unpack_archive()` of a tar archive, called
    without an extraction `filter=` (and without a `members=` selection of
    their own). Code that sets `extraction_filter` in the same function (or
    module-level statement) is not reported.

    ## Why is this bad?
    Tar members can be named `../../.bashrc` or `/etc/cron.d/job`, or be
    symbolic links pointing anywhere followed by files written through them.
    Extracting an archive someone else made without a filter writes files
    outside the target directory (CWE-22), creates device files, or sets
    setuid bits. Python only made the safe `"data"` filter the default in
    3.14.

    ## How to fix it
    Pass `filter="data"` (Python 3.12, and 3.8.17 / 3.9.17 / 3.10.12 /
    3.11.4 and later): members that would land outside the directory, links
    to outside it and special files raise an error, and permissions are
    made safe. The quick fix adds it; archives that need those features no
    longer extract, so it is offered as unsafe. The confidence follows where
    the archive comes from: high for a web request, medium for a parameter,
    low otherwise. Test modules (that import `pytest` or `unittest`) are
    only reported for archives from a request. Member names checked by hand
    first (`if os.path.isabs(m.name) or ".." in m.name: return False`) are
    still reported, and the message says what that check misses: a link
    member pointing outside, and the member written through it.

    ## References
    - https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter
    - https://peps.python.org/pep-0706/
    """

    id = "SLS111"
    name = "tarfile-unsafe-extraction"
    title = "Tar archive extracted without a filter"
    cwe = 22
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    bandit = ("B202",)
    codeql = ("py/tarslip",)
    fixable = True
    calls = frozenset({"shutil.unpack_archive"})
    methods = frozenset({"extractall", "extract"})

    VALID = [
        code("""
            import tarfile

            def unpack(path, dest):
                with tarfile.open(path) as tar:
                    tar.extractall(dest, filter="data")
        """),
        code("""
            import tarfile

            def unpack(path, dest):
                with tarfile.open(path) as tar:
                    tar.extractall(dest, members=safe_members(tar))
        """),
        code("""
            import tarfile

            def unpack(path, dest):
                with tarfile.open(path) as tar:
                    tar.extraction_filter = tarfile.data_filter
                    tar.extractall(dest)
        """),
        code("""
            import zipfile

            def unpack(path, dest):
                with zipfile.ZipFile(path) as zf:
                    zf.extractall(dest)
        """),
        code("""
            import shutil

            def unpack(path, dest):
                shutil.unpack_archive(path, dest)
        """),
        code("""
            class Archive:
                def extractall(self, dest):
                    return dest

            def f(a):
                a.extractall("/tmp")
        """),
    ]
    INVALID = [
        Example(  # names checked by hand: a link member still leads outside, and the message says so
            code("""
                import os
                import tarfile

                def unpack(path, dest):
                    with tarfile.open(path) as tar:
                        for member in tar:
                            if os.path.isabs(member.name) or ".." in member.name:
                                return False
                        for member in tar:
                            tar.extract(member, dest)
                    return True
            """),
            fixed=code("""
                import os
                import tarfile

                def unpack(path, dest):
                    with tarfile.open(path) as tar:
                        for member in tar:
                            if os.path.isabs(member.name) or ".." in member.name:
                                return False
                        for member in tar:
                            tar.extract(member, dest, filter="data")
                    return True
            """),
            where="tar.extract(member, dest)",
            says="the member names are checked for `..` and absolute paths, but a symbolic link member can still point outside",
        ),
        Example(
            code("""
                import tarfile

                def unpack(path, dest):
                    with tarfile.open(path) as tar:
                        tar.extractall(dest)
            """),
            fixed=code("""
                import tarfile

                def unpack(path, dest):
                    with tarfile.open(path) as tar:
                        tar.extractall(dest, filter="data")
            """),
            where="tar.extractall(dest)",
            says="Tar extraction with `extractall()` of an archive from the parameter `path` and",
        ),
        Example(
            code("""
                import tarfile
                from flask import request

                def upload():
                    archive = tarfile.open(fileobj=request.files["bundle"].stream, mode="r:gz")
                    archive.extractall(path="/srv/bundles")
                    archive.close()
            """),
            fixed=code("""
                import tarfile
                from flask import request

                def upload():
                    archive = tarfile.open(fileobj=request.files["bundle"].stream, mode="r:gz")
                    archive.extractall(path="/srv/bundles", filter="data")
                    archive.close()
            """),
            where='archive.extractall(path="/srv/bundles")',
            says="Tar extraction with `extractall()` of an archive from the Flask request and no",
        ),
        Example(
            code("""
                import tarfile

                tarfile.open("vendor.tgz").extractall()
            """),
            fixed=code("""
                import tarfile

                tarfile.open("vendor.tgz").extractall(filter="data")
            """),
            where='tarfile.open("vendor.tgz").extractall()',
            says="Tar extraction with `extractall()` and no filter",
        ),
        Example(
            code("""
                import shutil

                def unpack(name, dest):
                    shutil.unpack_archive(f"{name}.tar.gz", dest)
            """),
            fixed=code("""
                import shutil

                def unpack(name, dest):
                    shutil.unpack_archive(f"{name}.tar.gz", dest, filter="data")
            """),
            where='shutil.unpack_archive(f"{name}.tar.gz", dest)',
            says="Tar extraction with `shutil.unpack_archive()` of an archive from the parameter",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ts.keyword(node, "filter") is not None or ts.has_star_kwargs(node):
            return
        func = node.func
        archive_part = None
        if ctx.call_name(node) == "shutil.unpack_archive":
            archive = ts.argument(node, 0, ("filename",))
            if archive is None or not self._is_tar_name(node, archive, ctx):
                return
            if len(node.args) > 3:
                return
            archive_part = ts.data_origin(archive, ctx, Sink.PATH)
            what = "`shutil.unpack_archive()`"
        elif isinstance(func, ast.Attribute) and func.attr in ("extractall", "extract"):
            opener = self._opener(func.value, ctx)
            if opener is None:
                return
            if ts.keyword(node, "members") is not None or (func.attr == "extractall" and len(node.args) > 1):
                return
            if func.attr == "extract" and len(node.args) > 3:
                return
            source = ts.argument(opener, 0, ("name",)) or ts.keyword(opener, "fileobj") and ts.keyword(opener, "fileobj").value
            archive_part = ts.data_origin(source, ctx, Sink.PATH) if source is not None else None
            what = f"`{func.attr}()`"
        else:
            return
        if ts.file_mentions(ctx, "extraction_filter") or ts.file_mentions(ctx, "data_filter"):
            return
        if ctx.in_test_code(node) and not ts.is_remote(archive_part):
            return  # tests extract the archives they made
        origin = f" of an archive from {ts.describe(archive_part)}" if archive_part is not None else ""
        if _names_checked_before(node, ctx):
            # the usual hand-made check: it stops `../x` and `/etc/x`, not a link member
            # (`evil -> /etc`) followed by a file written through it (`evil/cron.d/job`)
            problem = "the member names are checked for `..` and absolute paths, but a symbolic link member can still point outside the target directory and let the next member write through it"
        else:
            problem = "members named `../...` or links can write outside the target directory"
        ctx.report(
            self,
            node,
            f"Tar extraction with {what}{origin} and no filter: {problem}. Pass filter=\"data\".",
            fix=Fix('Add filter="data"', (ctx.set_keyword(node, "filter", '"data"'),), safe=False),
            confidence=archive_part.confidence(configuration=Confidence.MEDIUM) if archive_part is not None else Confidence.LOW,
            related=ctx.related_path(archive_part),
        )

    def _opener(self, receiver: ast.AST, ctx) -> ast.Call | None:
        if isinstance(receiver, ast.Call):
            return receiver if ctx.call_name(receiver) in _OPENERS else None
        if isinstance(receiver, ast.Name):
            values = ctx.assigned_values(receiver)
            calls = [v for v in values if isinstance(v, ast.Call) and ctx.call_name(v) in _OPENERS]
            if calls and len(calls) == len(values):
                return calls[0]
        return None

    def _is_tar_name(self, call: ast.Call, archive: ast.expr, ctx) -> bool:
        fmt = ts.argument(call, 2, ("format",))
        if fmt is not None:
            return ctx.string_value(fmt) in _TAR_FORMATS
        text = ctx.string_value(archive)
        return text is not None and text.lower().endswith(_TAR_SUFFIXES)


def _names_checked_before(call: ast.Call, ctx) -> bool:
    """Whether the function tests member names before extracting (`if os.path.isabs(m.name) or
    ".." in m.name: return False`): a test of a `.name` (or of `getnames()`) that looks for `..`
    or an absolute path."""
    scope = ctx.enclosing_function(call) or ctx.tree
    member_names = _member_names(scope)
    for stmt in astutil.walk(scope):
        if not isinstance(stmt, ast.If) or stmt.lineno >= call.lineno:
            continue
        nodes = list(astutil.walk(stmt.test))
        reads_names = any(isinstance(n, ast.Attribute) and n.attr == "name" or isinstance(n, ast.Name) and n.id in member_names for n in nodes)
        looks_outside = any(isinstance(n, ast.Constant) and n.value in ("..", "/") for n in nodes) or any(
            isinstance(n, ast.Call) and astutil.last_name(n.func) == "isabs" for n in nodes
        )
        if reads_names and looks_outside:
            return True
    return False


def _member_names(scope: ast.AST) -> set[str]:
    """Loop variables over `tar.getnames()`."""
    return {
        n.target.id for n in astutil.walk(scope)
        if isinstance(n, ast.For) and isinstance(n.target, ast.Name) and isinstance(n.iter, ast.Call) and astutil.last_name(n.iter.func) == "getnames"
    }
