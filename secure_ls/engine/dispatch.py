"""Which rule methods see which nodes of a unit (the walker in engine/context.py asks for each call)."""

from __future__ import annotations

import ast

from secure_ls.engine.context import UnitContext


class Dispatch:
    """Which rule methods see which nodes.

    A rule that declares `calls` (qualified names; a trailing "." matches a
    whole module), `methods` (method names on any receiver) and/or
    `local_calls` (plain callee names) only sees the calls that match; one
    that declares none sees every call.
    """

    def __init__(self, rules) -> None:
        self.by_type: dict[type, list] = {}
        self.every_call: list = []
        self.exact: dict[str, list] = {}
        self.prefixes: dict[str, list] = {}
        self.methods: dict[str, list] = {}
        self.local: dict[str, list] = {}
        # rules with `visit_Forwarded(call, callee, position, argument, ctx)`: they also judge an
        # argument a called function hands on whole to a call of theirs (UnitContext.forwarded)
        self.forwarding = [rule for rule in rules if callable(getattr(rule, "visit_Forwarded", None))]
        for rule in rules:
            for node_type, method_name in rule.visitors().items():
                cls = getattr(ast, node_type, None)
                if cls is None:
                    continue
                handler = (rule, getattr(rule, method_name))
                if cls is not ast.Call:
                    self.by_type.setdefault(cls, []).append(handler)
                    continue
                names = getattr(rule, "calls", None)
                methods = getattr(rule, "methods", None)
                local = getattr(rule, "local_calls", None)
                if not names and not methods and not local:
                    self.every_call.append(handler)
                    continue
                for name in names or ():
                    target = self.prefixes if name.endswith(".") else self.exact
                    target.setdefault(name.rstrip(".") if name.endswith(".") else name, []).append(handler)
                for method in methods or ():
                    self.methods.setdefault(method, []).append(handler)
                for callee in local or ():
                    self.local.setdefault(callee, []).append(handler)

    def calls(self, node: ast.Call, ctx: UnitContext) -> list:
        handlers = list(self.every_call)
        func = node.func
        if self.exact or self.prefixes:
            name = ctx.qualified_name(func)
            if name:
                handlers.extend(self.exact.get(name, ()))
                if self.prefixes:
                    parts = name.split(".")
                    for i in range(1, len(parts)):
                        handlers.extend(self.prefixes.get(".".join(parts[:i]), ()))
        if isinstance(func, ast.Attribute):
            handlers.extend(self.methods.get(func.attr, ()))
        elif isinstance(func, ast.Name) and self.local:
            handlers.extend(self.local.get(func.id, ()))
        if self.forwarding and isinstance(func, (ast.Name, ast.Attribute)):
            handlers.append((self.forwarding[0], self._forwarded))  # a function of the module's, the class's, or an instance's method
        if len(handlers) > 1:
            seen = set()
            handlers = [h for h in handlers if not (id(h[1]) in seen or seen.add(id(h[1])))]  # a rule once per method (and the forwarding hand-off apart)
        return handlers


    def _forwarded(self, node: ast.Call, ctx: UnitContext) -> None:
        """Hands each argument `node` passes on whole to a call inside the called function to the
        rules that watch that inner call (by its qualified name, module or method name)."""
        for callee, position, argument, checked in ctx.forwarded(node):
            method = callee.rsplit(".", 1)[-1]
            watching = [*self.exact.get(callee, ()), *self.methods.get(method, ())]
            for rule in dict.fromkeys(rule for rule, _ in watching if rule in self.forwarding):
                if "*" not in checked and rule.forwarded_sink not in checked:  # the function checks it first for that sink
                    rule.visit_Forwarded(node, callee, position, argument, ctx)
