"""Shared helpers for the command, code, deserialization, XML, path and template rules.

Read-only over the tree and the context: which argument a call passes, where
the data behind a file handle comes from (`with open(path) as f: pickle.load(f)`
is as trusted as `path`), what a receiver was built by (`tar = tarfile.open(...)`),
and the wording of a finding from the value's origin. (The worst of several
origins is `taint.worst`, a finding's confidence `Part.confidence`.)
"""

from __future__ import annotations

import ast

from secure_ls.engine import taint
from secure_ls.engine.context import argument, keyword  # noqa: F401 (re-exported for the rules)
from secure_ls.rules._support import frameworks

# Calls that open a file (or archive) named by their first argument.
OPENERS = frozenset(
    {
        "open", "builtins.open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open",
        "gzip.GzipFile", "bz2.BZ2File", "lzma.LZMAFile", "io.FileIO", "tarfile.open", "zipfile.ZipFile",
        "tarfile.TarFile", "tarfile.TarFile.open", "pathlib.Path", "pathlib.PurePath", "os.fdopen",
        "io.BytesIO", "io.StringIO",
    }
)
# Methods that return what their receiver holds (a file's or path's content).
READ_METHODS = frozenset({"read", "read_bytes", "read_text", "open", "readlines", "readline", "getvalue", "decode", "encode", "buffer"})


def has_star_kwargs(call: ast.Call) -> bool:
    return any(kw.arg is None for kw in call.keywords)


def single_value(node: ast.AST, ctx) -> ast.expr | None:
    """The one expression a name holds (following a chain of simple names), or None.
    `self.x` counts as a name when the class's methods store it whole (`self.x = value`)."""
    seen = 0
    while (isinstance(node, ast.Name) or isinstance(node, ast.Attribute) and ctx.assigned_values(node)) and seen < 5:
        values = ctx.assigned_values(node)
        if len(values) != 1 or values[0] is node:
            return None
        node = values[0]
        seen += 1
    return node


def built_by(node: ast.AST, ctx) -> str | None:
    """The qualified name of the call that made `node` (`tar` from `tar = tarfile.open(p)`),
    in this function or, for a name it does not bind, at the module's top level."""
    value = single_value(node, ctx) if isinstance(node, ast.Name) else node
    if isinstance(value, ast.Call):
        return ctx.call_name(value)
    if isinstance(node, ast.Name):
        return ctx.module_made_by(node)
    return None


def data_origin(node: ast.AST, ctx, sink: taint.Sink, depth: int = 0) -> taint.Part | None:
    """Where the bytes behind `node` come from.

    A file handle or path is as trusted as the name of the file; the result
    of `f.read()` as trusted as `f`. Anything else: the value's own origin.
    """
    direct = ctx.origin(node).risk(sink)
    if depth > 4:
        return direct
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        if values and all(v is not node for v in values):
            inner = [data_origin(v, ctx, sink, depth + 1) for v in values]
            if any(isinstance(v, ast.Call) for v in values):
                # `buf = io.StringIO(); buf.write(request.form["svg"])`: what was written in counts too
                return taint.worst(inner + [direct if direct is not None and direct.kind == taint.UNTRUSTED else None])
        return direct
    if isinstance(node, ast.Call):
        name = ctx.call_name(node)
        if name in OPENERS:
            target = argument(node, 0, ("file", "filename", "name", "path", "fileobj", "initial_bytes"))
            return data_origin(target, ctx, sink, depth + 1) if target is not None else None
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in READ_METHODS:
            inner = data_origin(func.value, ctx, sink, depth + 1)
            return taint.worst([inner, direct if direct is not None and direct.kind == taint.UNTRUSTED else None])
    if isinstance(node, ast.Attribute) and node.attr in ("buffer", "raw", "stream") and not (direct and direct.kind == taint.UNTRUSTED):
        return data_origin(node.value, ctx, sink, depth + 1)
    return direct


def is_self_attribute(node: ast.AST) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def is_remote(part: taint.Part | None) -> bool:
    """Data from across the network: a web request, a route parameter, an HTTP response."""
    return part is not None and part.from_remote()


def describe(part: taint.Part | None) -> str:
    return "a constant" if part is None else part.describe()


def short(ctx, node: ast.AST, limit: int = 60) -> str:
    text = " ".join(ctx.text(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_mentions(ctx, needle: str) -> bool:
    needle = needle.lower()
    return any(needle in line.lower() for line in ctx.lines)


def phrase(part: taint.Part | None, shown: str) -> str:
    """`the parameter `cmd`` or `the HTTP request (`request.args["q"]`)`, without saying a name twice."""
    what = describe(part)
    if part is not None and part.kind == taint.PARAM and shown == part.label:
        return what
    return f"{what} (`{shown}`)"


def renders_html(ctx) -> bool:
    """Whether the code around looks like it produces web pages: a web framework, or HTML mentioned."""
    if frameworks.imports_any(ctx, frameworks.MAKES_PAGES):
        return True
    text = "\n".join(ctx.lines).lower()
    return "html" in text or "<p>" in text or "<div" in text or "<a " in text
