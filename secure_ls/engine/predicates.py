"""The application's own predicates: functions whose true result vouches for a parameter, so that
`if is_safe_url(target):` or `if not valid_filename(f): abort(400)` validates like a library check.

`validated_parameters` reads predicates whose every return that can be true is a check
`guards.validation` knows (`return not parsed.netloc or parsed.netloc == request.host`), also
an `if TEST: return True` at the top of the body or inside a loop over a collection
(`for allowed in settings.ALLOWED_PATHS: if real.startswith(allowed): return True`).

`checked_before_true` reads predicates written as a list of rejections: each check returns
False early, and the function ends with `return True`.

    def valid_filename(name):
        if not name or len(name) > 255:
            return False
        if not SAFE_NAME.fullmatch(name):
            return False
        return True

Every path to `return True` went past each top-level `if TEST: return False`, so there every such
TEST was false: what `guards.validation` says a false TEST leaves valid is valid when the
predicate returns true. A guard nested in another statement (it may be skipped), a parameter
given another value in the function (the check is then on something else), or any other
`return` that is not `False` makes the function no such predicate.
"""

from __future__ import annotations

import ast
from typing import Iterable

from secure_ls.engine import astutil, guards, shape_checks
from secure_ls.engine.frameworks import all_args
from secure_ls.engine.taint import Sink


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


_URL_READERS = guards.URL_PARSERS | {"urllib.parse.urljoin"}
_URL_PARTS_CHECKED = frozenset({"netloc", "hostname", "scheme"})


def validated_parameters(func: ast.FunctionDef | ast.AsyncFunctionDef, qualify, validator=None, item: int | None = None) -> tuple[tuple[str, frozenset[str]], ...]:
    """The parameters a predicate checks as URLs that stay on an allowed host.

    A predicate returns only truth values (`True`/`False`, comparisons, `not`, `and`/`or`,
    calls); it checks a parameter as a URL when it parses the parameter (or a value made from
    it) and looks at the host or scheme, or hands it to a URL validator, its own or a library's:

        def is_safe_url(target):
            parsed = urlparse(target.strip())
            return not parsed.netloc or parsed.netloc == request.host

    After `if is_safe_url(next_url):`, `next_url` is safe for redirects and URL sinks. A returned
    local bound once to a call is that call (`stat = MD5.match(x)`, `return stat`: the match).
    With `item`, every return is a tuple and its item `item` is the truth value (`return True,
    None` / `return False, message`): the predicate of `ok, message = check(path)`."""
    value_of = _single_values(func)
    accepted = {id(s.body[0]): s.test for s in _accepting_ifs(func.body, item)}
    returns = []
    for ret in _own_returns(func.body):
        value = ret.value
        if item is not None:
            if not (isinstance(value, ast.Tuple) and len(value.elts) > item):
                return ()
            value = value.elts[item]
        if isinstance(value, ast.Name) and isinstance(held := value_of(value), ast.Call):
            value = held
        if value is not ret.value:
            returns.append(ast.Return(value=value))
            if id(ret) in accepted:
                accepted[id(returns[-1])] = accepted[id(ret)]
        else:
            returns.append(ret)
    if not returns or not all(_is_truth_value(r.value) for r in returns):
        return ()
    params = [a.arg for a in all_args(func.args)]
    wrapped = _wrapped_validation(returns, params, qualify, validator, shape_checks.resolved_joins(func, params, qualify), accepted, value_of)
    if wrapped:
        return wrapped
    assigned: list[tuple[set[str], ast.expr]] = []
    calls: list[ast.Call] = []
    host_reads: list[ast.expr] = []  # `x` of every `x.netloc` / `x.hostname`
    reads_url_parts = False
    for node in astutil.own_nodes(func):
        if isinstance(node, ast.Assign):
            targets = {n.id for t in node.targets for n in astutil.walk(t) if isinstance(n, ast.Name)}
            assigned.append((targets, node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor)):  # `for candidate in (url, url.replace("\\", "/")):`
            assigned.append(({n.id for n in astutil.walk(node.target) if isinstance(n, ast.Name)}, node.iter))
        elif isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, ast.Attribute) and node.attr in _URL_PARTS_CHECKED:
            reads_url_parts = True
            if node.attr in guards.URL_HOST_PARTS:
                host_reads.append(node.value)
    out = []
    for param in params:
        derived = {param}
        changed = True
        while changed:  # names made from the parameter: `target = target.strip()`, `parsed = urlsplit(target)`
            changed = False
            for targets, value in assigned:
                if not targets <= derived and _mentions(value, derived):
                    derived |= targets
                    changed = True
        if any(_mentions(value, derived) for value in host_reads):
            # `url_info = _urlparse(url)` ... `url_info.netloc in allowed_hosts`: whatever parsed it
            out.append((param, guards.URL_SINKS))
            continue
        for call in calls:
            name = qualify(call.func)
            arguments = [*call.args, *(k.value for k in call.keywords)]
            if not any(_mentions(a, derived) for a in arguments):
                continue
            if (
                name in _URL_READERS and reads_url_parts
                or name in guards.VALIDATING_FUNCTIONS and guards.VALIDATING_FUNCTIONS[name][2] == guards.URL_SINKS
                or validator is not None and _validates_any(validator(call.func))
            ):
                out.append((param, guards.URL_SINKS))
                break
    return tuple(out)


def _wrapped_validation(returns: list[ast.Return], params: list[str], qualify, validator, joins: dict[str, str], accepted: dict[int, ast.expr], value_of=None) -> tuple[tuple[str, frozenset[str]], ...]:
    """A predicate whose every return that can be true is a check `validation` knows on a parameter
    (`return root in path.resolve().parents`, `return NAME.fullmatch(x)`, `return
    hmac.compare_digest(sig, expected)` with `expected = hmac.new(KEY, data, ...)`, read through
    `value_of`): true, x passed it; a path check of a local in `joins` (`full = (Path(base) /
    name).resolve()`) checks its parameter."""
    checked: set[str] | None = None
    sinks = guards.ALL
    for ret in returns:  # all truth values (see validated_parameters)
        if isinstance(ret.value, ast.Constant) and ret.value.value is False:
            continue
        # `if name in DOCUMENTS: return True`: that return is true where the test is
        found, when, kinds = guards.validation(accepted.get(id(ret), ret.value), qualify, value_of=value_of, validator=validator)  # type: ignore[arg-type]
        if when and found & joins.keys() and (kinds & guards.PATH_SINKS or Sink.ANY in kinds):
            found, kinds = {joins.get(name, name) for name in found}, guards.PATH_SINKS  # inside the base: a path, nothing more
        found = found & set(params) if when else set()
        test = ret.value
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        if not found or isinstance(test, ast.Name):
            return ()  # a return that is true without a check, or one only falsiness vouches for (`return not x`)
        checked = found if checked is None else checked & found
        sinks = kinds if sinks == guards.ALL else sinks & kinds
    return tuple((param, sinks) for param in sorted(checked or ()))


def _accepting_ifs(body: list[ast.stmt], item: int | None) -> Iterable[ast.If]:
    """The `if test: return True` statements of a function body, and those a loop over a collection
    holds (`for allowed in settings.ALLOWED_PATHS: if real.startswith(allowed): return True`): each
    such return is true where its test is, for whichever item the loop had reached. With `item`,
    the return gives a tuple whose item `item` is True (`return True, None`)."""
    for stmt in body:
        if isinstance(stmt, (ast.For, ast.AsyncFor)) and not stmt.orelse:
            yield from _accepting_ifs(stmt.body, item)
        elif isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and _returns_true(stmt.body[0], item):
            yield stmt


def _returns_true(stmt: ast.stmt, item: int | None) -> bool:
    value = stmt.value if isinstance(stmt, ast.Return) else None
    if item is not None:
        value = value.elts[item] if isinstance(value, ast.Tuple) and len(value.elts) > item else None
    return isinstance(value, ast.Constant) and value.value is True


def _validates_any(summary) -> bool:
    return summary is not None and any(kinds == guards.URL_SINKS for _, kinds in summary.validates)


def _is_truth_value(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool)
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    return isinstance(value, (ast.Compare, ast.BoolOp, ast.Call))


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in astutil.walk(node))


def _own_returns(body: list[ast.stmt]) -> Iterable[ast.Return]:
    """The `return` statements of a function body: statements only (a return is never inside an
    expression), nested functions and classes aside."""
    for stmt in body:
        if isinstance(stmt, ast.Return):
            yield stmt
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                inner = getattr(stmt, field, None)
                if inner:
                    yield from _own_returns(inner)


def _single_values(func: ast.AST):
    """value_of for the locals a function's body binds once, by a plain `name = value`."""
    bound: dict[str, list] = {}
    for node in astutil.own_nodes(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.setdefault(node.id, []).append(node)
    values = {n.targets[0].id: n.value for n in astutil.own_nodes(func) if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}
    return lambda name: values.get(name.id) if len(bound.get(name.id, ())) == 1 else None
