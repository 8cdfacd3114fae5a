"""SLS133 unsafe-reflection."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secure_ls.engine import astutil
from secure_ls.engine.taint import Sink
from secure_ls.engine.model import Confidence, Severity
from secure_ls.rules._support import strings, web
from secure_ls.rules.base import Example, Rule, code

# Calls that hand back a namespace as a mapping: what a name looked up in them finds is any
# function, class or module the code can see.
_NAMESPACES = frozenset({"globals", "locals", "vars", "builtins.globals", "builtins.locals", "builtins.vars"})
_GETATTR = frozenset({"getattr", "builtins.getattr"})


class UnsafeReflection(Rule):
    """
    ## What it does
    Finds a function, class or method that the client picks by its name and
    the code then calls: `globals()[name]`, `globals().get(name)`,
    `locals()[name]`, `vars(module)[name]` or `getattr(obj, name)`, with
    `name` from the request (or a route parameter), and what the lookup finds
    called, at once (`getattr(handlers, action)(request)`) or through the
    name it is kept in (`view = globals().get(name)` ... `view(request)`).
    A name with a fixed start or end (`getattr(self, "do_" + action)`,
    `getattr(forms, f"{kind}Form")`, or one refused first without its start:
    `if not method.startswith("get_"): continue`) picks among the attributes named that
    way and is not reported (an RPC dispatch that refuses private names,
    `if func.startswith("_"): abort(403)`, is the audit tier: the object's
    public methods are its API), nor is a name checked
    against an allow-list first (`if action in ACTIONS:`), nor a lookup whose
    result is only read (`getattr(settings, name)` shown, not called), nor
    the HTTP verb (`getattr(self, request.method.lower())`, the dispatch of
    class-based views: routing admits only the verbs a view declares, and
    frameworks answer others with 405).

    ## Why is this bad?
    The client can call any function of the module and anything it imported
    (`os.system` through the module's globals), or any method of the object,
    private ones included, with the arguments the code passes: a view meant
    to forward to a page becomes a way to run the admin's functions, or to
    reach code that was never meant to be an entry point (CWE-470).

    ## How to fix it
    Name the functions that may be picked in a dict and look the client's
    name up there: `ACTIONS = {"export": export, "preview": preview}`, then
    `ACTIONS.get(name)`; answer 404 for any other name.
    """

    id = "SLS133"
    name = "unsafe-reflection"
    title = "Function picked by a name the client sends"
    cwe = 470
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "input-validation"
    bandit = ()
    fixable = False
    calls = _GETATTR
    methods = frozenset({"get"})

    VALID = [
        # a fixed start: only the handler's `do_` methods can be picked
        code("""
            from flask import request

            class Actions:
                def run(self):
                    return getattr(self, "do_" + request.args["action"])()
        """),
        # a fixed end: only the module's form classes
        code("""
            from django import forms as django_forms
            from myapp import forms

            def post(request, status_type):
                form = getattr(forms, f"{status_type.title()}Form")(request.POST)
                return form.is_valid()
        """),
        # looked up in a table of the functions that may be picked
        code("""
            from flask import request

            def export(): ...
            def preview(): ...

            ACTIONS = {"export": export, "preview": preview}

            def run():
                action = ACTIONS.get(request.args["action"])
                return action() if action else ("unknown action", 404)
        """),
        # checked against an allow-list first
        code("""
            from flask import request

            ALLOWED = ("export", "preview")

            def run(handlers):
                name = request.args["action"]
                if name not in ALLOWED:
                    return "unknown action", 404
                return getattr(handlers, name)()
        """),
        # the HTTP verb: a proxy forwarding the request with the same method
        code("""
            import requests
            from flask import request

            def proxy(url):
                return getattr(requests, request.method.lower())(url, data=request.data, timeout=10).content
        """),
        # read, not called: a setting shown by name
        code("""
            from django.conf import settings
            from django.http import JsonResponse

            def setting(request):
                return JsonResponse({"value": str(getattr(settings, request.GET["name"], None))})
        """),
        # a name refused unless it has the getters' start: only `get_*` methods can be picked
        code("""
            from flask import jsonify, request

            def facts(driver):
                out = {}
                for method in request.args.getlist("method"):
                    if not method.startswith("get_"):
                        continue
                    out[method] = getattr(driver, method)()
                return jsonify(out)
        """),
    ]
    INVALID = [
        Example(
            code("""
                from django.shortcuts import render

                def unvalidated_forward(request):
                    forward = request.GET.get("fwd")
                    function = globals().get(forward)
                    if function:
                        return function(request)
                    return render(request, "forward_failed.html", {"fwd": forward})
            """),
            where="globals().get(forward)",
            says="`globals().get(forward)` finds the function the HTTP request names",
        ),
        Example(
            code("""
                from flask import request

                class Handlers:
                    def run(self):
                        return getattr(self, request.args["action"])()
            """),
            where='getattr(self, request.args["action"])',
            says="finds the function the Flask request names",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name in _GETATTR and len(node.args) >= 2:
            self._judge(node, node.args[1], ctx)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args and _namespace(node.func.value, ctx):
            self._judge(node, node.args[0], ctx)

    def visit_Subscript(self, node: ast.Subscript, ctx) -> None:
        if isinstance(node.ctx, ast.Load) and _namespace(node.value, ctx):
            self._judge(node, node.slice, ctx)

    def _judge(self, lookup: ast.expr, key: ast.expr, ctx) -> None:
        part = ctx.origin(key).risk(Sink.ANY)
        if not web.is_client(part) or not _called(lookup, ctx):
            return
        source = web.source_node(ctx, part)
        if isinstance(source, ast.Attribute) and source.attr == "method":
            return  # `getattr(self, request.method.lower())`: the HTTP verb, which routing already limits
        built, _ = web.built_value(ctx, key)
        pieces = strings.pieces(built)
        if pieces and any(isinstance(piece, strings.Literal) and piece.text for piece in (pieces[0], pieces[-1])):
            return  # `"do_" + action`, `f"{kind}Form"`: only the names with that start or end
        if _refused_unless_starting(key, lookup, ctx):
            return  # `if not method.startswith("get_"): continue`: only the names with that start, as above
        public_only = _private_names_refused(key, lookup, ctx)
        ctx.report(
            self,
            lookup,
            f"`{ctx.text(lookup)}` finds the function {part.describe()} names, and the code calls it: the client can "
            + ("call any public method of the object. Make sure each is meant to be called this way, or look the name up in a dict of them."
               if public_only else "call any function or method in reach. Look the name up in a dict of the functions that may be picked."),
            confidence=Confidence.LOW if public_only else part.confidence(),
            related=ctx.related_path(part),
        )


def _refused_unless_starting(key: ast.expr, lookup: ast.expr, ctx) -> str | None:
    """The start a name must have, a name without it refused before the lookup (`if not
    method.startswith("get_"): continue`); None when there is no such check."""
    for test, refused_on_match in _start_tests(key, lookup, ctx):
        if not refused_on_match and len(test.args) == 1 and (start := ctx.string_value(test.args[0])):
            return start
    return None


def _private_names_refused(key: ast.expr, lookup: ast.expr, ctx) -> bool:
    """`if func.startswith("_"): return ..., 403` before `getattr(api, func)`: an RPC dispatch (as
    xmlrpc's does) whose object's public methods are its API, the private ones refused."""
    return any(refused_on_match and test.args and ctx.string_value(test.args[0]) == "_" for test, refused_on_match in _start_tests(key, lookup, ctx))


def _start_tests(key: ast.expr, lookup: ast.expr, ctx) -> Iterable[tuple[ast.Call, bool]]:
    """Each `key.startswith(...)` call an `if` before the lookup tests, the `if` leaving (`return`,
    `continue`, an abort), with whether it leaves when the name has that start (else: when not)."""
    if not isinstance(key, ast.Name) or not isinstance(lookup, ast.Call):
        return
    for node in astutil.walk(web.function_body(ctx, lookup)):
        if not (isinstance(node, ast.If) and node.lineno < lookup.lineno):
            continue
        negated = isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not)
        test = node.test.operand if negated else node.test
        if (
            isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith"
            and isinstance(test.func.value, ast.Name) and test.func.value.id == key.id and ctx.always_leaves(node.body)
        ):
            yield test, not negated


def _namespace(node: ast.expr, ctx) -> bool:
    """`globals()`, `locals()`, `vars(module)`: a namespace as a mapping."""
    return isinstance(node, ast.Call) and ctx.call_name(node) in _NAMESPACES


def _called(lookup: ast.expr, ctx) -> bool:
    """What the lookup found is called: `lookup(...)`, or the name it is bound to is
    (`function = globals().get(name)` ... `function(request)`)."""
    parent = ctx.parent(lookup)
    if isinstance(parent, ast.Call) and parent.func is lookup:
        return True
    if not (isinstance(parent, ast.Assign) and parent.value is lookup and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    held = parent.targets[0].id
    return any(
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == held
        for call in astutil.walk(web.function_body(ctx, lookup))
    )
