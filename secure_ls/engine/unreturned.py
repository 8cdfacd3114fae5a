"""Which arguments a function's result can hold: an exception handed to an error helper that
only logs it, compares it or picks a fixed message by it is not in what the helper returns
(read through UnitContext.result_omits by SLS701: `return error_response(e, "Could not save.")`).

`unreturned` is a closure over the names each statement writes and reads, blind to control flow,
so it errs towards "may be returned". `unreturned_exceptions` adds the one test that splits the
paths by what the argument is: a helper that returns early under `isinstance(error, Exception)`
gives an exception argument only what that branch (and what comes before it) returns.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil


def unreturned(func: ast.AST, params: tuple[str, ...]) -> tuple[str, ...]:
    """The parameters whose value cannot be part of what `func` returns: no `return` reads one,
    nor a name assigned from one, nor an object one was stored in or passed with
    (`resp.error = error`, `fill(resp, error)`, `self.error = error`). A closure over the
    names each statement writes and reads, blind to control flow (`return A if error else B`
    holds none of `error`), so it errs towards "may be returned"."""
    edges: list[tuple[frozenset[str], frozenset[str]]] = []  # (names written, names read)
    reached: set[str] = set()
    pending = list(astutil.children(func))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Call):
            # a call may store any of its arguments in its receiver or in another argument; the
            # calls and walruses inside it only join names it joins already
            touched = _names(node)
            edges.append((touched, touched))
            continue
        pending.extend(astutil.children(node))
        if isinstance(node, ast.Return) and node.value is not None:
            reached |= _names(node.value)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.comprehension)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.iter if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) else node.value
            written = frozenset(b for t in targets for b in _bases(t))
            edges.append((written, _names(value) | (frozenset().union(*(_names(t) for t in targets)) if targets else frozenset())))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            edges.append((frozenset(_bases(node.optional_vars)), _names(node.context_expr)))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) and node is not func:
            inner = frozenset(n.id for n in astutil.walk(node) if isinstance(n, ast.Name))
            edges.append((frozenset({node.name}) if not isinstance(node, ast.Lambda) else inner, inner))
    if reached & {"locals", "vars"}:
        return ()
    grew = True
    while grew:
        grew = False
        for written, read in edges:
            if not written.isdisjoint(reached) and not read <= reached:
                reached |= read
                grew = True
    return tuple(p for p in params if p not in reached)


# Built-ins whose result keeps nothing of its argument's value but its class, size, identity or truth
# (`exception_type = type(error)`, then a message picked from a table by it).
_OPAQUE_BUILTINS = frozenset({"type", "isinstance", "issubclass", "len", "id", "bool"})


def _names(node: ast.AST | None) -> frozenset[str]:
    """The names `node` reads, except inside a call of one of _OPAQUE_BUILTINS, and except the key
    of an item read: `MESSAGES[error.errno]` holds an item of the table, not the key (an item
    stored under the key, `table[key] = key`, joins the two where it is written)."""
    found: set[str] = set()
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Name):
            found.add(current.id)
        elif isinstance(current, ast.Call) and isinstance(current.func, ast.Name) and current.func.id in _OPAQUE_BUILTINS:
            continue
        elif isinstance(current, ast.Subscript) and isinstance(current.ctx, ast.Load):
            pending.append(current.value)
            continue
        pending.extend(astutil.children(current))
    return frozenset(found)


def _bases(target: ast.AST):
    """The names an assignment to `target` writes into: `x`, `x.a`, `x[i]`, `(x, *y)`."""
    while isinstance(target, (ast.Attribute, ast.Subscript, ast.Starred)):
        target = target.value
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _bases(element)


def unreturned_exceptions(func: ast.FunctionDef | ast.AsyncFunctionDef, params: tuple[str, ...]) -> tuple[str, ...]:
    """The parameters whose value cannot be part of what `func` returns when the argument is an
    exception: at the top of the body, `if isinstance(error, Exception):` leads to a return or
    raise, and neither it nor the statements before it return the exception's text
    (`if isinstance(err, Exception): return f"[ERROR: {fallback}]"`, then `return f"[ERROR: {err}]"`
    for the strings the helper is also given). Only a test of every exception counts
    (`Exception`, `BaseException`), not of one kind."""
    out = []
    for index, stmt in enumerate(func.body):
        param = _tests_any_exception(stmt)
        if param is None or param not in params or param in out:
            continue
        if not (stmt.body and isinstance(stmt.body[-1], (ast.Return, ast.Raise))):  # type: ignore[attr-defined]
            continue
        taken = ast.Module(body=[*func.body[:index], *stmt.body], type_ignores=[])  # type: ignore[attr-defined]
        if param in unreturned(taken, (param,)):
            out.append(param)
    return tuple(out)


_ANY_EXCEPTION = frozenset({"Exception", "BaseException"})


def _tests_any_exception(stmt: ast.stmt) -> str | None:
    """`if isinstance(name, Exception):` (or a tuple holding Exception): the name tested."""
    test = stmt.test if isinstance(stmt, ast.If) else None
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" and len(test.args) == 2):
        return None
    subject, kinds = test.args
    named = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    if isinstance(subject, ast.Name) and any(astutil.last_name(k) in _ANY_EXCEPTION for k in named):
        return subject.id
    return None
