"""SLS130 assert-used-for-validation."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.symbols import base_names
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import constants, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

# Names (whole identifiers) that make a condition an authorization or authentication check.
_AUTH_NAMES = frozenset(
    {
        "is_admin", "is_superuser", "is_staff", "is_authenticated", "is_anonymous", "is_authorized", "is_authorised",
        "authorized", "authorised", "authenticated", "has_perm", "has_perms", "has_permission", "has_permissions",
        "check_permission", "check_permissions", "has_object_permission", "user_permissions", "permissions",
        "is_owner", "check_password", "verify_password", "logged_in", "is_logged_in", "is_allowed", "has_access",
        "has_role", "is_member", "can_edit", "can_delete", "can_view", "can_access", "can_write", "can_read",
        "can_modify", "can_manage", "can_change", "csrf_token", "verify_signature", "check_signature",
    }
)
_USER_NAMES = frozenset({"user", "current_user", "request_user", "owner", "owner_id", "user_id", "author", "created_by"})
_INVERSE = {ast.Eq: "!=", ast.NotEq: "==", ast.Is: "is not", ast.IsNot: "is", ast.In: "not in", ast.NotIn: "in"}


class AssertUsedForValidation(Rule):
    """
    ## What it does
    Finds `assert` statements outside tests that check authorization
    (`assert user.is_admin`, `assert request.user.has_perm(...)`,
    `assert obj.owner == user`) or validate request data
    (`assert request.args["n"].isdigit()`). Asserts on internal invariants,
    type checks and anything in test code are left alone, and so are asserts that
    only say which values are there (`assert not came_back or return_to is not
    None`: names, `is not None`, `not` and `and`/`or` of those, narrowing an
    Optional for the type checker), whatever the values hold.
    `assert request.method == "POST"` restates the route's methods and is
    left alone. An assert on the value the statement right before stored
    (`self.boundary = "B-" + token_hex(16)` then `assert len(self.boundary)
    <= 70`) is judged by that value alone. `assert key in table` (or
    `table.keys()`, `table` a dict) right before the statement that reads
    `table[key]` is left alone: without the assert the lookup raises
    `KeyError` for the same values, so `-O` changes only the exception's
    type. `assert self.is_authenticated()` in a class that never sees
    a request (an MFA backend built for one user) asserts the object's own
    state, which its callers establish: low confidence. So does an assert
    on what the method's caller passes there (`assert user.is_authenticated`
    in a model's `increase_to(cls, user, topic)`): a precondition of the
    method, checked where the request is handled. So is an authorization
    assert in a Django management command (`assert user.has_perm(...)` in a
    `...Command` class with a `handle` method, or in a function of the module
    that defines the `Command` class): the operator who runs it can do anything
    the check refuses.
    `assert request.user.is_authenticated` in a function whose `request` is
    annotated is reported with low confidence: it is the django-stubs way
    to narrow the user's type for mypy, usually behind `@login_required`.

    ## Why is this bad?
    Python removes `assert` statements when run with `-O` or
    `PYTHONOPTIMIZE`, which some deployments set. The check then silently
    disappears and every user passes it (Bandit B101). An `AssertionError`
    also turns a refused request into a server error rather than a 403/400.

    ## How to fix it
    Use an `if` statement that raises a real exception. The quick fix turns
    `assert cond, msg` into `if not cond: raise PermissionError(msg)` for
    authorization checks and `raise ValueError(msg)` for input checks; it is
    marked unsafe because the exception type changes (map it to your
    framework's 403/400 response, e.g. Django's `PermissionDenied`).
    """

    id = "SLS130"
    name = "assert-used-for-validation"
    title = "assert used for an access or input check"
    cwe = 617
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    topic = "input-validation"
    bandit = ("B101",)
    fixable = True

    VALID = [
        # which values are there, for the type checker: nothing about what the client sent
        code("""
            from fastapi import FastAPI, Request

            app = FastAPI()

            @app.get("/case")
            async def case(request: Request, return_to: str | None = None):
                came_back = is_safe_return_to(return_to)
                assert not came_back or return_to is not None
                return {"back": return_to if came_back else "/cases"}
        """),
        # a type check of every item: what the values are, not who may act
        code("""
            class User:
                def add_permissions(self, permissions):
                    assert all(isinstance(p, Permission) for p in permissions)
                    self.permissions.extend(permissions)
        """),
        # what a value may be, anonymous users included: a type contract, not an access check
        code("""
            from django.contrib.auth import get_user_model

            def real_user_or_none(user):
                assert user is None or user.is_anonymous or isinstance(user, get_user_model())
                return user if user and not user.is_anonymous else None
        """),
        # object identity (a pending socket read), not a check of the data's content
        code("""
            import socket

            class Reader:
                def start(self, sock):
                    self.pending = sock.recv(16)

                def done(self, chunk):
                    assert chunk is self.pending
        """),
        code("""
            def area(width, height):
                assert width >= 0 and height >= 0
                return width * height
        """),
        code("""
            def handle(user, payload):
                assert isinstance(payload, dict)
                return payload
        """),
        code("""
            import pytest

            def test_admin(client):
                user = client.login()
                assert user.is_admin
        """),
        code("""
            def test_permissions(user):
                assert user.has_perm("app.view")
        """),
        code("""
            def delete(user, item):
                if not user.is_admin:
                    raise PermissionError("admins only")
                item.delete()
        """),
        code("""
            class Node:
                def attach(self, parent):
                    assert self.owner is None, "already attached"
                    self.owner = parent
        """),
        # the route admits POST only: the assert restates the router's decision
        code("""
            from flask import Flask, request
            app = Flask(__name__)

            @app.route("/swarm", methods=["POST"])
            def swarm():
                assert request.method == "POST"
                return start(request.form["count"])
        """),
        # the method, through a name and lower(), against the view's own table of the methods it registered
        code("""
            import flask

            class NodeView:
                def dispatch_request(self, **kwargs):
                    http_method = flask.request.method.lower()
                    if http_method == "head":
                        http_method = "get"
                    assert self.cmd in self.operations and http_method in self.operations[self.cmd], "unimplemented"
                    return getattr(self, self.operations[self.cmd][http_method])(**kwargs)
        """),
        # a loop's invariant: the item is there (not what it holds)
        code("""
            from flask import request
            from wsgiref.util import shift_path_info

            def admin_view(page):
                environ = request.environ
                while environ.get("PATH_INFO", "") != f"/{page}":
                    assert environ["PATH_INFO"]
                    shift_path_info(environ)
        """),
        # the assert checks the value the statement before stored, made by the server, not whatever
        # else of the request the handler put on `self` earlier
        code("""
            import secrets
            from tornado import web

            class Upload(web.RequestHandler):
                def prepare(self):
                    self.length = self.request.headers.get("Content-Length", 0)
                    self.boundary = "Boundary-" + secrets.token_hex(16)
                    assert len(self.boundary) <= 70
        """),
        # the next statement looks the key up in the same dict: KeyError refuses what the assert refuses
        code("""
            from flask import request

            def convert():
                kind = request.form["kind"]
                casts = {"text": str, "number": float}
                assert kind in casts.keys()
                return casts[kind](request.form["value"])
        """),
        # a truth test of a field computed from request data: the value is there (Optional narrowed)
        code("""
            def update(request, item):
                item.start = request.POST["start"]
                item.deadline = item.compute_deadline()
                assert item.deadline
                return item.deadline
        """),
    ]
    INVALID = [
        # the method check restates the router, but the other half checks what the client sent
        Example(
            code("""
                from flask import request

                def remove():
                    http_method = request.method.lower()
                    assert http_method in ("post", "delete") and request.args["id"].isdigit()
                    return delete_row(int(request.args["id"]))
            """),
            fixed=code("""
                from flask import request

                def remove():
                    http_method = request.method.lower()
                    if not (http_method in ("post", "delete") and request.args["id"].isdigit()):
                        raise ValueError("invalid input")
                    return delete_row(int(request.args["id"]))
            """),
            where="assert http_method",
            says="`assert` used for a check of request data",
        ),
        Example(
            code("""
                def delete_item(user, item):
                    assert user.is_admin, "admins only"
                    item.delete()
            """),
            fixed=code("""
                def delete_item(user, item):
                    if not user.is_admin:
                        raise PermissionError("admins only")
                    item.delete()
            """),
            where='assert user.is_admin, "admins only"',
            says="`assert` used for an authorization check",
        ),
        Example(
            code("""
                def edit(request, doc):
                    assert doc.owner_id == request.user.id
                    doc.save()
            """),
            fixed=code("""
                def edit(request, doc):
                    if doc.owner_id != request.user.id:
                        raise PermissionError("access check failed")
                    doc.save()
            """),
            where="assert doc.owner_id == request.user.id",
            says="`assert` used for an authorization check",
        ),
        Example(
            code("""
                from flask import request

                def resize():
                    width = request.args["w"]
                    assert width.isdigit(), "width must be a number"
                    return int(width)
            """),
            fixed=code("""
                from flask import request

                def resize():
                    width = request.args["w"]
                    if not width.isdigit():
                        raise ValueError("width must be a number")
                    return int(width)
            """),
            where='assert width.isdigit(), "width must be a number"',
            says="`assert` used for a check of request data",
        ),
        # a membership test no lookup repeats: under -O any value goes on
        Example(
            code("""
                from flask import request

                def log_level(logger):
                    level = request.form["level"]
                    levels = {"info": 20, "error": 40}
                    assert level in levels
                    return getattr(logger, level)
            """),
            fixed=code("""
                from flask import request

                def log_level(logger):
                    level = request.form["level"]
                    levels = {"info": 20, "error": 40}
                    if level not in levels:
                        raise ValueError("invalid input")
                    return getattr(logger, level)
            """),
            where="assert level in levels",
            says="`assert` used for a check of request data",
        ),
    ]

    def visit_Assert(self, node: ast.Assert, ctx) -> None:
        if ctx.in_test_code(node):
            return
        test = node.test
        kind = None
        if _is_auth(test, ctx):
            kind = "auth"
        elif not _is_presence_check(test) and not _is_method_check(test, ctx) and not _repeated_by_lookup(node, ctx) and _reads_request(test, ctx, _just_stored(node, ctx)):
            kind = "input"
        if kind is None:
            return
        what = "an authorization check" if kind == "auth" else "a check of request data"
        narrowing = kind == "auth" and _narrows_for_type_checker(test, ctx.enclosing_function(node))
        own_state = kind == "auth" and not narrowing and _own_state_invariant(test, node, ctx)
        operator_run = kind == "auth" and not narrowing and not own_state and _in_management_command(node, ctx)
        ctx.report(
            self,
            node,
            f"`assert` used for {what}: asserts are removed under `python -O`, so the check disappears. "
            + (
                "In typed code this usually narrows `request.user` for the type checker while a decorator or middleware "
                "does the real check; if nothing else does, raise an exception from an `if` instead."
                if narrowing
                else "It asserts the object's own state or what its caller passes, so its callers decide who gets here; if none of them checks, "
                "raise an exception from an `if` instead."
                if own_state
                else "It is in a management command, run by an operator who holds the server already; if the command "
                "can also be started for someone else (`call_command` in a view), raise an exception from an `if` instead."
                if operator_run
                else "Raise an exception from an `if` instead."
            ),
            fix=self._fix(node, kind, ctx),
            confidence=Confidence.LOW if narrowing or own_state or operator_run else None,
        )

    def _fix(self, node: ast.Assert, kind: str, ctx) -> Fix | None:
        line = ctx.lines[node.lineno - 1]
        indent = ctx.indentation(node)
        span = ctx.span(node)
        rest = ctx.lines[span.end.line][span.end.column :].strip()
        if line[: span.start.column].strip() or (rest and not rest.startswith("#")):
            return None
        condition = _negate(node.test, ctx)
        if condition is None:
            return None
        exception = "PermissionError" if kind == "auth" else "ValueError"
        message = ctx.text(node.msg) if node.msg is not None else ('"access check failed"' if kind == "auth" else '"invalid input"')
        text = f"if {condition}:\n{indent}    raise {exception}({message})"
        return Fix(f"Replace the assert with `if ...: raise {exception}`", (ctx.replace(node, text),), safe=False)


def _narrows_for_type_checker(test: ast.expr, func: ast.AST | None) -> bool:
    """`assert request.user.is_authenticated` in a function whose `request` parameter is
    annotated: the django-stubs way to narrow `User | AnonymousUser` to `User` for mypy,
    written where a decorator (`@login_required`) or middleware already refused anonymous
    users. Low confidence: the assert is still the only check if nothing else does it."""
    if not (
        isinstance(test, ast.Attribute)
        and test.attr == "is_authenticated"
        and isinstance(test.value, ast.Attribute)
        and test.value.attr == "user"
        and isinstance(test.value.value, ast.Name)
    ):
        return False
    args = getattr(func, "args", None)
    if args is None:
        return False
    name = test.value.value.id
    return any(a.arg == name and a.annotation is not None for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))


def _is_method_check(test: ast.expr, ctx) -> bool:
    """`assert request.method == "POST"` / `in ("GET", "HEAD")`, also through a name and a change
    of case (`http_method = request.method.lower()`, then `http_method in self.operations[cmd]`,
    a view's own table of the methods it registered its routes with): which HTTP method reached
    the code is the router's decision (the route declares its methods); the assert restates it,
    it does not check what the client sent."""
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Eq, ast.In))
        and _reads_method(test.left, ctx)
        and (ctx.is_constant(test.comparators[0]) or not web.is_client(ctx.origin(test.comparators[0]).risk(Sink.ANY)))
    )


def _reads_method(node: ast.expr, ctx) -> bool:
    """`request.method`, `request.method.lower()`, or a name every assignment gives such a value."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("lower", "upper") and not node.args:
        node = node.func.value
    if isinstance(node, ast.Attribute):
        return node.attr == "method"
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        return bool(values) and all(_reads_method(v, ctx) for v in values if not ctx.is_constant(v))
    return False


def _repeated_by_lookup(node: ast.Assert, ctx) -> bool:
    """`assert key in table` (or `table.keys()`), `table` a dict display, and the next statement
    reads `table[key]` whatever happens: the lookup raises KeyError for every key the assert
    refuses, so removing the assert under `-O` changes only which exception refuses the value."""
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In)):
        return False
    key, table = test.left, test.comparators[0]
    if isinstance(table, ast.Call) and isinstance(table.func, ast.Attribute) and table.func.attr == "keys" and not table.args and not table.keywords:
        table = table.func.value
    if not isinstance(key, (ast.Name, ast.Attribute)) or not isinstance(table, ast.Name):
        return False
    if not isinstance(constants.assigned_value(table, ctx), ast.Dict):
        return False  # not known to be a plain dict: a list indexes, a defaultdict makes the key
    following = _next_statement(node, ctx)
    if not isinstance(following, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Return)):
        return False
    same = ast.dump(key), ast.dump(table)
    return any(
        isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Load) and (ast.dump(sub.slice), ast.dump(sub.value)) == same
        for sub in _always_evaluated(following)
    )


def _next_statement(node: ast.stmt, ctx) -> ast.stmt | None:
    return _sibling(node, ctx, 1)


def _previous_statement(node: ast.stmt, ctx) -> ast.stmt | None:
    return _sibling(node, ctx, -1)


def _sibling(node: ast.stmt, ctx, step: int) -> ast.stmt | None:
    """The statement `step` places from `node` in its own block, if any."""
    holder = ctx.parent(node) or ctx.tree
    for field in ("body", "orelse", "finalbody"):
        block = getattr(holder, field, None)
        if isinstance(block, list) and node in block:
            index = block.index(node) + step
            return block[index] if 0 <= index < len(block) else None
    return None


def _always_evaluated(node: ast.AST):
    """The nodes evaluated whenever `node` is: not the branches of `a if c else b`, the
    operands after the first of `and`/`or`, nor the bodies of lambdas and comprehensions."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, ast.IfExp):
            stack.append(current.test)
        elif isinstance(current, ast.BoolOp):
            stack.append(current.values[0])
        elif not isinstance(current, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            stack.extend(astutil.children(current))


def _own_state_invariant(test: ast.expr, node: ast.Assert, ctx) -> bool:
    """`assert self.is_authenticated()` in a method of a class that never sees a request (an MFA
    backend built for one user): an invariant of the object's own state, which its callers
    establish. Low confidence, since the assert is then the object's only guard."""
    names = {sub.id for sub in astutil.walk(test) if isinstance(sub, ast.Name)}
    cls = next((anc for anc in ctx.ancestors(node) if isinstance(anc, ast.ClassDef)), None)
    if cls is None or not names or "request" in _identifiers(test):
        return False
    if names != {"self"} and not names <= _method_parameters(node, cls, ctx):
        return False
    for sub in astutil.walk(cls):
        if isinstance(sub, ast.arg) and sub.arg == "request" or isinstance(sub, ast.Attribute) and sub.attr == "request":
            return False
    return True


def _method_parameters(node: ast.AST, cls: ast.ClassDef, ctx) -> set[str]:
    """The parameters of the method of `cls` holding `node` (`Bookmark.increase_to(cls, user, topic)`:
    an assert on `user` is a precondition of what its callers pass, like one on `self`)."""
    func = ctx.enclosing_function(node)
    if func is None or ctx.parent(func) is not cls:
        return set()
    return {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}


def _in_management_command(node: ast.AST, ctx) -> bool:
    """In a method of a Django management command (a `...Command` class that defines `handle`),
    or in a module-level helper of a command module (Django runs the module's `Command` class):
    `manage.py` runs it for the operator, who can do anything the check would refuse. Low
    confidence: the assert is still the command's only guard if a view calls it."""
    cls = next((anc for anc in ctx.ancestors(node) if isinstance(anc, ast.ClassDef)), None)
    if cls is None:
        return any(base.endswith("Command") for base in ctx.module.class_bases.get("Command", ()))
    return any(base.endswith("Command") for base in base_names(cls)) and any(
        isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "handle" for stmt in cls.body
    )


def _identifiers(node: ast.AST) -> list[str]:
    out = []
    for sub in astutil.walk(node):
        if isinstance(sub, ast.Name):
            out.append(sub.id)
        elif isinstance(sub, ast.Attribute):
            out.append(sub.attr)
    return out


_TYPE_CHECKS = frozenset({"isinstance", "issubclass", "callable", "hasattr"})


def _is_type_check(test: ast.expr, ctx) -> bool:
    """`isinstance(p, Permission)`, `all(isinstance(p, Permission) for p in permissions)`, and
    `not`/`and`/`or` of them: what type a value has, not who may act. An `or` with one type test
    among its alternatives (`user is None or is_anonymous(user) or isinstance(user, User)`) lists
    what a value may be, anonymous users included: a type contract, not an access check."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_type_check(test.operand, ctx)
    if isinstance(test, ast.BoolOp):
        tests = [_is_type_check(value, ctx) for value in test.values]
        return any(tests) if isinstance(test.op, ast.Or) else all(tests)
    if isinstance(test, ast.Call) and ctx.call_name(test) in ("all", "any") and len(test.args) == 1 and isinstance(test.args[0], ast.GeneratorExp):
        return _is_type_check(test.args[0].elt, ctx)
    return isinstance(test, ast.Call) and ctx.call_name(test) in _TYPE_CHECKS


def _is_auth(test: ast.expr, ctx) -> bool:
    if _is_type_check(test, ctx):
        return False
    if isinstance(test, ast.Compare) and any(isinstance(c, ast.Constant) and c.value is None for c in test.comparators):
        return False  # `assert self.owner is None`: an invariant, not a check of who may act
    names = _identifiers(test)
    if any(n.lower() in _AUTH_NAMES for n in names):
        return True
    # `assert doc.owner == request.user` / `assert item.user_id == current_user.id`
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is, ast.In)):
        sides = [set(_identifiers(side)) for side in (test.left, test.comparators[0])]
        return all(side & _USER_NAMES for side in sides) and any("request" in side or "current_user" in side for side in sides)
    return False


def _is_presence_check(test: ast.expr) -> bool:
    """`assert obj.deadline` / `assert value` / `assert environ["PATH_INFO"]`: a truth test of a
    plain name, attribute or constant-keyed item says the value is there (narrowing an Optional
    for the type checker, or a loop's invariant), nothing about its content; so do `x is not None`,
    `not x`, and such tests joined by `and`/`or` (`assert not came_back or return_to is not None`)."""
    if isinstance(test, ast.BoolOp):
        return all(_is_presence_check(v) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_presence_check(test.operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
        right = test.comparators[0]
        return isinstance(right, ast.Constant) and right.value is None and _is_presence_check(test.left)
    if isinstance(test, ast.Subscript):
        return astutil.constant_key(test.slice) is not None and isinstance(test.value, (ast.Name, ast.Attribute))
    return isinstance(test, ast.Name) or isinstance(test, ast.Attribute) and isinstance(test.value, (ast.Name, ast.Attribute))


def _just_stored(node: ast.Assert, ctx) -> tuple[str, ast.expr] | None:
    """(target, value) when the statement right before the assert is `target = value` with one
    attribute or name target: the assert reads exactly that value, whatever else flowed into the
    object before (`self.boundary = "Boundary-" + token_hex(16)`, then `assert len(self.boundary) <= 70`)."""
    previous = _previous_statement(node, ctx)
    if isinstance(previous, ast.Assign) and len(previous.targets) == 1 and isinstance(previous.targets[0], (ast.Name, ast.Attribute)):
        return ast.unparse(previous.targets[0]), previous.value
    return None


def _reads_request(test: ast.expr, ctx, stored: tuple[str, ast.expr] | None = None) -> bool:
    for sub in astutil.walk(test):
        if isinstance(sub, ast.Call) and ctx.call_name(sub) in ("isinstance", "issubclass", "hasattr"):
            return False
    stack = [test]
    in_test = {id(n) for n in astutil.walk(test)}  # the stored value itself is not searched for its target again
    while stack:
        sub = stack.pop()
        if isinstance(sub, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in sub.ops):
            continue  # `assert self._read_fut is fut`: object identity, not the content of the data
        if _is_method_check(sub, ctx):
            continue  # `... and http_method in allowed`: the router's decision, restated
        if stored is None or id(sub) not in in_test:
            pass
        elif isinstance(sub, (ast.Name, ast.Attribute)) and ast.unparse(sub) == stored[0]:
            sub = stored[1]  # the value the previous statement stored there
        elif any(isinstance(inner, (ast.Name, ast.Attribute)) and ast.unparse(inner) == stored[0] for inner in astutil.walk(sub) if inner is not sub):
            stack.extend(astutil.children(sub))  # `len(self.boundary)`: judged by its parts, the stored value among them
            continue
        if isinstance(sub, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)) and web.is_client(ctx.origin(sub).risk(Sink.ANY)):
            return True
        stack.extend(astutil.children(sub))
    return False


def _negate(test: ast.expr, ctx) -> str | None:
    if not web.wrappable(ctx, test):
        return None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        operand = test.operand
        return ctx.text(operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _INVERSE:
        left, right = test.left, test.comparators[0]
        if web.wrappable(ctx, left) and web.wrappable(ctx, right):
            return f"{ctx.text(left)} {_INVERSE[type(test.ops[0])]} {ctx.text(right)}"
    text = ctx.text(test)
    if isinstance(test, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
        return f"not {text}"
    return f"not ({text})"
