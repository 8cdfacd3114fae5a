"""SLS132 unbounded-size-from-input."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

# Calls whose argument (index) is a size or count.
_SIZE_CALLS = {
    "range": 0,
    "bytearray": 0,
    "bytes": 0,
    "os.urandom": 0,
    "secrets.token_bytes": 0,
    "secrets.token_hex": 0,
    "secrets.token_urlsafe": 0,
    "itertools.repeat": 1,
    "numpy.zeros": 0,
    "numpy.ones": 0,
    "numpy.empty": 0,
}


class UnboundedSizeFromInput(Rule):
    """
    ## What it does
    Finds integers parsed from request data (`int(request.args["n"])`,
    `request.args.get("n", type=int)`) used without an upper bound as a
    size or count: `range(n)`, `"x" * n`, `[0] * n`, `bytearray(n)`,
    `os.urandom(n)`, `secrets.token_bytes(n)`.

    ## Why is this bad?
    `int()` accepts any size. `?count=10000000000` makes the server
    allocate gigabytes or loop for hours: one request exhausts memory or a
    worker (uncontrolled resource consumption, CWE-400/CWE-789).

    ## How to fix it
    Bound the number before using it: `n = min(int(value), 100)`, or reject
    values out of range with a 400 response. A value compared with
    anything, or clamped with `min()`/`max()`, in the same function is not
    reported.
    """

    id = "SLS132"
    name = "unbounded-size-from-input"
    title = "Size or count taken from request data without a bound"
    cwe = 789
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "input-validation"
    fixable = False
    calls = frozenset(_SIZE_CALLS)

    VALID = [
        code("""
            from flask import request

            def items():
                n = min(int(request.args.get("n", 10)), 100)
                return [i for i in range(n)]
        """),
        code("""
            from flask import request

            def items():
                n = int(request.args.get("n", 10))
                if n > 100:
                    return "too many", 400
                return "x" * n
        """),
        code("""
            def pad(width):
                return " " * int(width)
        """),
        code("""
            from flask import request

            def page():
                page = int(request.args.get("page", 1))
                return {"page": page}
        """),
    ]
    INVALID = [
        Example(
            code("""
                from flask import request

                def bar():
                    width = int(request.args["width"])
                    return "#" * width
            """),
            where="width",
            says="`width` is a number from the Flask request used as a size without an upper bound",
        ),
        Example(
            code("""
                import secrets

                def token(request):
                    return secrets.token_hex(int(request.GET["bytes"]))
            """),
            where='int(request.GET["bytes"])',
            says='`int(request.GET["bytes"])` is a number from the HTTP request used as a size',
        ),
        Example(
            code("""
                from flask import request

                def rows():
                    count = request.args.get("count", 10, type=int)
                    return [{"id": i} for i in range(count)]
            """),
            where="count",
            says="`count` is a number from the Flask request used as a size without an upper bound",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name not in _SIZE_CALLS:
            return
        if name == "range" and len(node.args) > 1:
            candidates = [node.args[1]]  # the stop
        else:
            arg = web.argument(node, _SIZE_CALLS[name], ())
            candidates = [arg] if arg is not None else []
        for arg in candidates:
            self._check(arg, node, ctx)

    def visit_BinOp(self, node: ast.BinOp, ctx) -> None:
        if not isinstance(node.op, ast.Mult):
            return
        for seq, count in ((node.left, node.right), (node.right, node.left)):
            if isinstance(seq, (ast.List, ast.Tuple, ast.JoinedStr)) or (isinstance(seq, ast.Constant) and isinstance(seq.value, (str, bytes))):
                self._check(count, node, ctx)
                return

    def _check(self, size: ast.expr, sink: ast.AST, ctx) -> None:
        source = _parsed_int(size, ctx)
        if source is None:
            return
        part = ctx.origin(source).risk(Sink.ANY) if not _is_typed_get(source) else ctx.origin(source.func.value).risk(Sink.ANY)
        if not web.is_client(part) or part.label.startswith("the route parameter"):
            return
        if isinstance(size, ast.Name) and _bounded(ctx, sink, size.id):
            return
        ctx.report(
            self,
            size,
            f"`{ctx.text(size)}` is a number from {part.describe()} used as a size without an upper bound: "
            "a huge value exhausts memory or CPU. Clamp it (`min(n, LIMIT)`) or reject large values.",
            confidence=part.confidence(),
            related=ctx.related_path(part),
        )


def _is_typed_get(call: ast.expr) -> bool:
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "get"
        and any(k.arg == "type" and isinstance(k.value, ast.Name) and k.value.id == "int" for k in call.keywords)
    )


def _parsed_int(size: ast.expr, ctx) -> ast.expr | None:
    """The `int(...)` call (its argument) or typed `.get(..., type=int)` the size comes from."""
    if isinstance(size, ast.Call) and ctx.call_name(size) == "int" and size.args:
        return size.args[0]
    if _is_typed_get(size):
        return size
    if isinstance(size, ast.Name):
        values = ctx.assigned_values(size)
        if len(values) == 1:
            return _parsed_int(values[0], ctx) if isinstance(values[0], ast.Call) else None
    return None


def _bounded(ctx, sink: ast.AST, name: str) -> bool:
    body = web.function_body(ctx, sink)
    for node in astutil.walk(body):
        if isinstance(node, ast.Compare) and name in web.names_in(node):
            return True
        if isinstance(node, ast.Call) and astutil.last_name(node.func) in ("min", "max", "clamp", "clip") and any(name in web.names_in(a) for a in node.args):
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets) and isinstance(node.value, ast.Call) and astutil.last_name(node.value.func) in ("min", "max"):
            return True
    return False
