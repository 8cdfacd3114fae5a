"""Whether a function tests a file path before a call that uses it (SLS110): a test of the path,
or of what it is made of, that calls a containment check (`startswith`, `is_relative_to`,
`commonpath`, `safe_join`, a regex match) or names `..`, in an `if`, `assert` or `while` above
the call. An existence test (`exists`, `isfile`) is no check: `../../etc/passwd` exists too."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.rules._support import taint_sinks as ts

_CHECKS = frozenset({"startswith", "is_relative_to", "relative_to", "commonpath", "commonprefix", "safe_join", "abort"})


def tested_before(call: ast.Call, target: ast.expr, ctx) -> bool:
    """Whether the function tests the path (or what it is made of) before the call."""
    names = {n.id for n in astutil.walk(target) if isinstance(n, ast.Name)}
    if isinstance(target, ast.Name):
        value = ts.single_value(target, ctx)
        if value is not None:
            names |= {n.id for n in astutil.walk(value) if isinstance(n, ast.Name)}
    scope = ctx.enclosing_function(call) or ctx.tree
    for stmt in astutil.walk(scope):
        if not isinstance(stmt, (ast.If, ast.Assert, ast.While)) or stmt.lineno >= call.lineno:
            continue
        test = stmt.test
        mentioned = {n.id for n in astutil.walk(test) if isinstance(n, ast.Name)}
        if not mentioned & names:
            continue
        for sub in astutil.walk(test):
            if isinstance(sub, ast.Call):
                func = sub.func
                attr = astutil.last_name(func)
                # (not `exists`/`isfile`: `../../etc/passwd` exists too; an existence test checks nothing)
                if attr in _CHECKS or attr in ("match", "fullmatch"):
                    return True
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and ".." in sub.value:
                return True
    return False
