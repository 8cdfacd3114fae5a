"""SLS132 unbounded-size-from-input."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import strings, web
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
    reported. Nor is a loop `for i in range(count)` whose every turn first
    reads the field of the client's data named after the turn
    (`request.form[f"value{i}"]`, which raises at the first field not sent)
    or leaves the loop when that field is missing (`if not v: return ...`):
    it stops at the first field the client did not send, so it turns at
    most once per field the request holds, however large the count. A read
    with a default (`.get(f"value{i}", "")`), or one some turns skip, does
    not bound it.
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
        # each turn reads the field named after it, which raises at the first one not sent
        code("""
            from flask import request

            def save_rows():
                saved = []
                for i in range(int(request.form["rows"])):
                    saved.append((request.form[f"name{i}"], request.form["value%d" % (i + 1)]))
                return {"saved": len(saved)}
        """),
        # ... or leaves the loop when it is missing
        code("""
            from django.http import HttpResponseBadRequest, JsonResponse

            def tags(request):
                found = []
                for n in range(int(request.POST.get("tag-count", 0))):
                    tag = request.POST.get(f"tag-{n}")
                    if not tag:
                        return HttpResponseBadRequest()
                    found.append(tag)
                return JsonResponse({"tags": found})
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
        Example(  # a missing field gives the default: the loop goes on to the count
            code("""
                from django.http import JsonResponse

                def tags(request):
                    found = []
                    for n in range(int(request.POST.get("tag-count", 0))):
                        found.append(request.POST.get(f"tag-{n}", ""))
                    return JsonResponse({"tags": found})
            """),
            where='int(request.POST.get("tag-count", 0))',
            says="is a number from the HTTP request used as a size without an upper bound",
        ),
        Example(  # the field is read only on some turns
            code("""
                from flask import request

                def save_rows():
                    saved = []
                    for i in range(int(request.form["rows"])):
                        if i % 2:
                            saved.append(request.form[f"name{i}"])
                    return {"saved": len(saved)}
            """),
            where='int(request.form["rows"])',
            says="is a number from the Flask request used as a size without an upper bound",
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
        if _each_turn_needs_a_field(ctx, sink):
            return
        ctx.report(
            self,
            size,
            f"`{ctx.text(size)}` is a number from {part.describe()} used as a size without an upper bound: "
            "a huge value exhausts memory or CPU. Clamp it (`min(n, LIMIT)`) or reject large values.",
            confidence=part.confidence(),
            related=ctx.related_path(part),
        )


def _each_turn_needs_a_field(ctx, sink: ast.AST) -> bool:
    """`for i in range(int(data["count"])):` whose every turn first reads the field of the client's
    data named after the turn (`data[f"setting{i}"]`, which raises at the first field not sent), or
    leaves the loop when that field is missing (`m = request.POST.get(f"match-{i}")` then `if not
    m: return ...`): the loop ends at the first field the client did not send, so it turns at most
    once per field the request holds, however large the count. Only statements every turn runs,
    before any `continue`, count."""
    loop = ctx.parent(sink)
    if not (isinstance(loop, ast.For) and loop.iter is sink and isinstance(loop.target, ast.Name)):
        return False
    turn = loop.target.id
    fetched: set[str] = set()  # names holding `data.get(<field named after the turn>)`
    for statement in loop.body:
        if any(isinstance(n, ast.Continue) for n in astutil.walk(statement)):
            return False
        if any(_reads_turn_field(ctx, n, turn) for n in _always_evaluated(statement)):
            return True
        if isinstance(statement, ast.Assign) and _gets_turn_field(ctx, statement.value, turn):
            fetched |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
        elif isinstance(statement, ast.If) and _names_missing(statement.test) & fetched and statement.body and isinstance(statement.body[-1], (ast.Return, ast.Raise, ast.Break)):
            return True
    return False


def _always_evaluated(statement: ast.stmt):
    """The nodes of a simple statement that every run of it evaluates: not those under a
    conditional expression, `and`/`or`, a lambda or a comprehension; nothing of a compound one."""
    if not isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)):
        return
    todo: list[ast.AST] = [statement]
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            todo.extend(astutil.children(node))


def _reads_turn_field(ctx, node: ast.AST, turn: str) -> bool:
    """`data[f"setting{i}"]` on the client's data: a read that raises when the field is missing."""
    return isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _named_after(node.slice, turn) and web.is_client(ctx.origin(node.value).risk(Sink.ANY))


def _gets_turn_field(ctx, value: ast.expr, turn: str) -> bool:
    """`request.POST.get(f"match-{i}")` on the client's data, with no default."""
    return (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get"
        and len(value.args) == 1 and not value.keywords and _named_after(value.args[0], turn)
        and web.is_client(ctx.origin(value.func.value).risk(Sink.ANY))
    )


def _named_after(key: ast.expr, turn: str) -> bool:
    """A field name that differs on every turn: the turn itself (`i`, `i + 1`) or text built with
    it (`f"value{i}"`, `"setting%d" % (i + 1)`)."""
    if _is_turn(key, turn):
        return True
    parts = strings.pieces(key) if strings.is_built(key) else None
    return bool(parts) and any(isinstance(p, strings.Value) and _is_turn(p.node, turn) for p in parts)


def _is_turn(node: ast.expr, turn: str) -> bool:
    """`i`, `i + 1`, `1 + i`, `i - 1`."""
    if isinstance(node, ast.Name):
        return node.id == turn
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return (
            _is_turn(node.left, turn) and isinstance(node.right, ast.Constant)
            or isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant) and _is_turn(node.right, turn)
        )
    return False


def _names_missing(test: ast.expr) -> set[str]:
    """The name a test says is missing: `not m`, `m is None`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return {test.operand.id}
    if (
        isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
    ):
        return {test.left.id}
    return set()


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
