"""Predicates written as a list of rejections: each check returns False early, and the function
ends with `return True`.

    def valid_filename(name):
        if not name or len(name) > 255:
            return False
        if not SAFE_NAME.fullmatch(name):
            return False
        return True

Every path to `return True` went past each top-level `if TEST: return False`, so there every such
TEST was false: what `guards.validation` says a false TEST leaves valid is valid when the
predicate returns true (`if valid_filename(f): ...`, `if not valid_filename(f): abort(400)`).
A guard nested in another statement (it may be skipped), a parameter given another value in the
function (the check is then on something else), or any other `return` that is not `False` makes
the function no such predicate.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, guards


def checked_before_true(func: ast.FunctionDef | ast.AsyncFunctionDef, qualify, validator=None) -> tuple[tuple[str, frozenset[str]], ...]:
    """(parameter, sink classes) each top-level rejection of such a predicate validates."""
    body = func.body[1:] if func.body and _is_docstring(func.body[0]) else func.body
    if not body or not _returns_constant(body[-1], True):
        return ()
    rejections = body[:-1]
    if not all(_returns_constant(r, False) for r in astutil.returns_in(rejections)):
        return ()
    params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    params -= _rebound(func)
    checked: dict[str, frozenset[str]] = {}
    for stmt in rejections:
        if not (isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and _returns_constant(stmt.body[0], False)):
            continue
        names, valid_when_true, sinks = guards.validation(stmt.test, qualify, validator=validator)
        if valid_when_true:
            continue  # what the test vouches for holds where it is true, and then the function returned False
        for name in names & params:
            checked[name] = checked.get(name, frozenset()) | sinks
    return tuple(sorted(checked.items()))


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _returns_constant(stmt: ast.stmt, value: bool) -> bool:
    return isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Constant) and stmt.value.value is value


def _rebound(func: ast.AST) -> set[str]:
    """The names the function assigns (or deletes) anywhere in its body."""
    return {n.id for n in astutil.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
