"""Whether a JWT read without its signature check is verified nearby, for SLS319.

Reading a token's claims unverified to choose how to verify it (the issuer, the tenant, the
key id) and then decoding the same token with a key is the documented pattern. It is often
split over two methods of one class: the peek in a helper whose callers verify
(`claims = self.get_unverified_claims(token)` ... `jwt.decode(token, key, ...)`), or the
verification in a helper the peeking function hands the token to (`me = jwt.decode(token,
options=...)` ... `return self._validate_jwt(token, jwks)`).

`verified_nearby(decode, token, ctx)` says whether that holds for the unverified `decode` of
`token`: the same token (the same text, or the parameter it was passed as) reaches a decode
that checks the signature in the peeking function, in a method of its class it passes the
token to, or in every caller of the method that returns the peeked claims. (A rule sees one
top-level statement of a module at a time, so a class's methods are in reach, and a function's
nested functions; the module's other top-level functions are not.)
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.context import argument
from secure_ls.rules._support import crypto

# Decoders that always check the signature (authlib and joserfc have no switch to turn it off).
_ALWAYS_VERIFYING = frozenset({"authlib.jose.jwt.decode", "joserfc.jwt.decode"})


def verifies(call: ast.Call, ctx) -> bool:
    """`jwt.decode(token, key, algorithms=[...])` with its signature check left on, or a decoder
    that always checks it."""
    if (ctx.call_name(call) or "") in _ALWAYS_VERIFYING:
        return True
    return crypto.is_jwt_decode(call, ctx) and crypto.signature_disabled(call, ctx) is None


def signed_claim(value: ast.expr, ctx, depth: int = 6) -> bool:
    """Whether `value` is read out of a token decoded with its signature check on: `user =
    token.claims.get("sub")` after `token = jwt.decode(cookie, key)`, `payload["role"]`. What
    such a claim holds is what the key's holder signed (the server minted the token at login,
    or the identity provider did), not text the client chose, whatever carried the token in.
    Follows local names whose every assignment is such a read, through attributes, items and
    `.get()`."""
    node = value
    while depth > 0:
        depth -= 1
        if isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and not verifies(node, ctx):
            node = node.func.value
        elif isinstance(node, ast.Call):
            return verifies(node, ctx)
        elif isinstance(node, ast.Name):
            values = ctx.assigned_values(node)
            return bool(values) and all(signed_claim(v, ctx, depth) for v in values)
        else:
            return False
    return False


def _token_of(call: ast.Call) -> ast.expr | None:
    return argument(call, 0, ("jwt", "token", "s"))


def verified_nearby(decode: ast.Call, token: ast.expr | None, ctx) -> bool:
    function = ctx.enclosing_function(decode)
    if function is None or not isinstance(token, ast.Name):
        return False
    if _verifies_in(function, token.id, ctx, skip=decode, depth=1, direct=False):
        return True  # (a verifying decode in the function itself is the rule's own check)
    return _returned(decode, function, ctx) and _every_caller_verifies(function, token.id, ctx)


def _verifies_in(function: ast.AST, token: str, ctx, skip: ast.Call | None, depth: int, direct: bool = True) -> bool:
    """A decode of the name `token` that checks the signature in `function` (with `direct`), or
    in a method of its class (`self.helper(token)`) it passes `token` to (`depth` levels)."""
    for call in astutil.walk(function):
        if call is skip or not isinstance(call, ast.Call):
            continue
        given = _token_of(call)
        if direct and verifies(call, ctx) and isinstance(given, ast.Name) and given.id == token:
            return True
        if not depth:
            continue
        helper = _local_function(call, ctx)
        parameter = _parameter_given(call, helper, token) if helper is not None else None
        if parameter is not None and _verifies_in(helper, parameter, ctx, skip=None, depth=depth - 1):
            return True
    return False


def _returned(decode: ast.Call, function: ast.AST, ctx) -> bool:
    """The peeked claims are what the function returns: `return jwt.decode(...)`, or through the
    one name they are kept in (`claims = jwt.decode(...)` ... `return claims`)."""
    stmt = ctx.statement(decode)
    if isinstance(stmt, ast.Return) and stmt.value is decode:
        return True
    if not (isinstance(stmt, ast.Assign) and stmt.value is decode and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    name = stmt.targets[0].id
    returns = [r for r in astutil.walk(function) if isinstance(r, ast.Return) and r.value is not None]
    return bool(returns) and any(isinstance(r.value, ast.Name) and r.value.id == name for r in returns)


def _every_caller_verifies(function: ast.AST, token: str, ctx) -> bool:
    """Every call of `function` in reach (its class) hands it a token the calling function then
    decodes with the signature check (a name, the same the caller verifies); at least one call."""
    params = _passed_parameters(function)
    if token not in params:
        return False
    cls = next((a for a in ctx.ancestors(function) if isinstance(a, ast.ClassDef)), None)
    if cls is None:
        return False  # a top-level function's callers are out of reach
    calls = [c for c in astutil.walk(cls) if isinstance(c, ast.Call) and _local_function(c, ctx) is function]
    for call in calls:
        given = astutil.argument_for(call, params, token)
        caller = ctx.enclosing_function(call)
        if not isinstance(given, ast.Name) or caller is None or caller is function:
            return False
        if not _verifies_in(caller, given.id, ctx, skip=None, depth=1):
            return False
    return bool(calls)


def _local_function(call: ast.Call, ctx) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method of the class a call is in that `self.name(...)` runs."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls")):
        return None
    scope = next((a for a in ctx.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    name = func.attr
    if scope is None:
        return None
    found = [s for s in scope.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name]
    return found[0] if len(found) == 1 else None


def _passed_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The positional parameters a caller fills (after `self`/`cls` for a method)."""
    names = tuple(a.arg for a in [*function.args.posonlyargs, *function.args.args])
    return names[1:] if names and names[0] in ("self", "cls") else names


def _parameter_given(call: ast.Call, helper: ast.FunctionDef | ast.AsyncFunctionDef, token: str) -> str | None:
    """The parameter of `helper` that the call fills with the name `token`."""
    given = next((a for a in (*call.args, *(k.value for k in call.keywords)) if isinstance(a, ast.Name) and a.id == token), None)
    return astutil.parameter_for(call, given, _passed_parameters(helper)) if given is not None else None
