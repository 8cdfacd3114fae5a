"""Files served with Flask's `send_from_directory(directory, name)`, which answers 404 for a name
that leads outside its directory (SLS110): the quick fix that rewrites `send_file(os.path.join(
directory, name))` to it, and a probe whose answer only picks which directory serves the name."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Fix
from secure_ls.engine.taint import Sink
from secure_ls.rules._support import strings
from secure_ls.rules._support import taint_sinks as ts

SEND_FROM_DIRECTORY = frozenset({"flask.send_from_directory", "flask.helpers.send_from_directory"})
_JOINS = frozenset({"os.path.join", "posixpath.join"})


def send_from_directory_fix(call: ast.Call, target: ast.expr, joined, ctx) -> Fix | None:
    """`send_file(os.path.join(directory, name))` -> `send_from_directory(directory, name)`, for a
    path made of exactly a directory and a name (`joined`: the rule's (directory, name, exact))."""
    if joined is None or len(call.args) != 1 or target is not call.args[0]:
        return None
    directory, value, exact = joined
    if not exact:
        return None
    if isinstance(directory, str):
        directory_text = strings.python_literal(directory)
    else:
        directory_text = ctx.text(directory)
    if isinstance(target, ast.Name):
        scope = ctx.enclosing_function(call)
        uses = [n for n in astutil.walk(scope) if isinstance(n, ast.Name) and n.id == target.id] if scope is not None else []
        if len(uses) != 2:
            return None  # the path is used elsewhere too: rewrite by hand
    func = call.func
    imports: tuple[str, ...] = ()
    if isinstance(func, ast.Attribute):
        callee = ctx.text(func.value) + ".send_from_directory"
    else:
        callee = "send_from_directory"
        imports = ("from flask import send_from_directory",)
    edits = (ctx.replace(func, callee), ctx.replace(target, f"{directory_text}, {ctx.text(value)}"))
    return Fix("Use send_from_directory()", edits, safe=False, imports=imports)


def only_picks_serving_directory(probe: ast.Call, target: ast.expr, ctx) -> bool:
    """Whether a probe of `os.path.join(D, name)` (`os.path.isfile(...)`) only picks the directory
    `name` is then served from, the static-override idiom:

        if os.path.isfile(os.path.join(THEME, name)):
            return send_from_directory(THEME, name)
        return send_from_directory(DEFAULT, name)

    The probe is the test of an `if` or a conditional expression, and every way out of the
    function returns `send_from_directory(directory, name)` with the same, never reassigned,
    name. For a name leading outside, every directory answers the same 404, so the client
    learns nothing of the probed file; any other answer (a message, an error) would tell."""
    name = _probed_name(target, ctx)
    function = ctx.enclosing_function(probe)
    if name is None or function is None or not _decides_only(probe, ctx):
        return False
    if not function.body or not isinstance(function.body[-1], ast.Return):
        return False  # it may fall off its end (None: a server error) on one of the answers
    returns = 0
    for node in astutil.walk(function):
        if isinstance(node, (ast.Raise, ast.Yield, ast.YieldFrom)):
            return False
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
            return False  # another name served than the one probed
        if isinstance(node, ast.Call) and astutil.last_name(node.func) == "abort":
            return False
        if isinstance(node, ast.Return):
            if not _serves(node.value, name, ctx):
                return False
            returns += 1
    return returns > 0


def _probed_name(target: ast.expr, ctx) -> str | None:
    """`name` of `os.path.join(D, "assets", name)` (also through a name bound to it): the one
    part of the probed path the client chose."""
    value = ts.single_value(target, ctx) if isinstance(target, ast.Name) else target
    if not (isinstance(value, ast.Call) and ctx.call_name(value) in _JOINS and value.args and not value.keywords):
        return None
    *directory, last = value.args
    if not isinstance(last, ast.Name) or any(isinstance(a, ast.Starred) or ctx.origin(a).risk(Sink.PATH) for a in directory):
        return None
    return last.id


def _decides_only(probe: ast.Call, ctx) -> bool:
    """The probe's answer is only tested: the test of an `if` or `a if probe else b`, maybe negated
    or one operand of `and`/`or`."""
    node, parent = probe, ctx.parent(probe)
    while isinstance(parent, (ast.UnaryOp, ast.BoolOp)):
        node, parent = parent, ctx.parent(parent)
    return isinstance(parent, (ast.If, ast.IfExp)) and parent.test is node


def _serves(value: ast.expr | None, name: str, ctx) -> bool:
    if not (isinstance(value, ast.Call) and ctx.call_name(value) in SEND_FROM_DIRECTORY):
        return False
    served = ts.argument(value, 1, ("path", "filename"))
    return isinstance(served, ast.Name) and served.id == name
