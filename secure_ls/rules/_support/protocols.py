"""Whether a published protocol fixes the algorithm a piece of code uses (engine/protocols):
the crypto rules report such code in the audit tier and name the protocol."""

from __future__ import annotations

import ast

from secure_ls.engine import protocols
from secure_ls.engine.context import argument
from secure_ls.rules._support import newline_checks


def fixed_by(node: ast.AST, ctx) -> str | None:
    """The protocol or specification that chose the algorithm `node` uses, or None: the
    innermost function is named for it or for answering a challenge (`ntlm2sr_calc_resp`,
    `_scramble_native`), an enclosing class or function is named for it (`class SPNEGOCipher`),
    the function cites its specification (`# [MS-NRPC] 3.3.4.2.1`, `RFC 4757`) in its docstring
    or comments, the module's path names it (`krb5/crypto.py`), or the call's key is what a
    function of a module named for a protocol made (`ARC4.new(ntlm.SEALKEY(flags, session_key))`,
    also through a name or `self.x` assigned from it): that protocol's key schedule fixes the
    cipher the key is for."""
    function = ctx.enclosing_function(node)
    if function is not None and (found := protocols.named_in(function.name, function=True)):
        return found
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (found := protocols.named_in(ancestor.name)):
            return found
    if function is not None and (found := _cited(function, ctx)):
        return found
    return ctx.module.protocol or (_keyed_by(node, ctx) if isinstance(node, ast.Call) else None)


def _keyed_by(call: ast.Call, ctx) -> str | None:
    """The protocol whose module's function made the key `call` is handed (see fixed_by)."""
    key = argument(call, 0, ("key",))
    if key is None:
        return None
    if isinstance(key, ast.Attribute):
        values = _last_stored(key, ctx) or ctx.assigned_values(key)
    else:
        values = ctx.assigned_values(key) if isinstance(key, ast.Name) else (key,)
    found = {_made_by_protocol(value, ctx) for value in values}
    return found.pop() if len(found) == 1 else None


def _last_stored(attribute: ast.Attribute, ctx) -> tuple[ast.expr, ...]:
    """What the nearest statement run before on every path stored in `self.x`, when that is a
    plain `self.x = value` (the class's other methods may store other keys in it, as a
    constructor's `b""`); nothing when a compound statement in between may store in it."""
    target = ast.dump(attribute.value), attribute.attr
    for earlier in newline_checks.earlier_statements(ctx.statement(attribute), ctx):
        stores = [n for n in ast.walk(earlier) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and (ast.dump(n.value), n.attr) == target]
        if stores:
            plain = isinstance(earlier, ast.Assign) and len(earlier.targets) == 1 and earlier.targets[0] is stores[0]
            return (earlier.value,) if plain else ()
    return ()


def _made_by_protocol(value: ast.expr, ctx) -> str | None:
    """`ntlm.SEALKEY(...)`: the protocol a module of the called function's dotted name is named for."""
    if not isinstance(value, ast.Call):
        return None
    *modules, _function = (ctx.call_name(value) or "").split(".")
    return next((found for module in modules if (found := protocols.named_in(module))), None)


def _cited(function: ast.AST, ctx) -> str | None:
    """The specification the function's lines cite (its docstring, its comments)."""
    return protocols.cited_in("\n".join(ctx.lines[function.lineno - 1 : function.end_lineno]))
