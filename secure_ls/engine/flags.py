"""A flag set where a check held: past a test of the flag, the checked names hold what they held
where the flag was set.

    vm_exists = False
    try:
        dom = conn.lookupByName(vm_name)
        if dom:
            vm_exists = True          # here vm_name names a domain the look-up found
    except libvirt.libvirtError as e:
        error = str(e)
    if not vm_exists:
        return error_page(error)
    log.info("opening %s", vm_name)   # the name of a stored domain, as where the flag was set

The same shape checks a value against allowed items in a loop (`for host in ALLOWED: if
url_host == host: allowed = True; break`, then `if not allowed: abort(400)`).

A binding of `True` keeps the bindings the names had at that point (`Binding.implies`). A join
keeps them where the flag is false on the other path (a constant False, None, 0 or ""), and joins
them where both paths set it; anything else (the flag set from a call, or on entry) implies
nothing. A test of the flag (`if flag:`, `if not flag:`) applies them on its true side to each name
that still holds only the values it held then. Names assigned anywhere in a loop around the flag's
assignment are left out: after the loop they may hold a later item than the one checked.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from secure_ls.engine.bindings import Binding, Env
from secure_ls.engine.taint import meet_all


def implied(env: Env, loop_names: tuple[frozenset[str], ...]) -> dict[str, Binding]:
    """What setting a flag to True here implies: the names' bindings, less those a loop around
    this point assigns (`loop_names`: the names each enclosing loop assigns)."""
    reassigned = frozenset().union(*loop_names)
    return {name: binding for name, binding in env.items() if name not in reassigned and binding.element_of is None}


def loop_assigns(loop: ast.stmt) -> frozenset[str]:
    """The names a loop statement assigns anywhere in it, its own target included."""
    return frozenset(n.id for n in ast.walk(loop) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))


def joined(mine: Binding, theirs: Binding) -> dict[str, Binding] | None:
    """What a flag implies after two paths join, holding `mine` on one and `theirs` on the other."""
    if mine.implies is None and theirs.implies is None:
        return None
    if _false(mine):
        return theirs.implies
    if _false(theirs):
        return mine.implies
    if mine.implies is None or theirs.implies is None:
        return None
    out = {}
    for name in mine.implies.keys() & theirs.implies.keys():
        a, b = mine.implies[name], theirs.implies[name]
        out[name] = a if a is b else Binding(a.origin.join(b.origin), a.values + tuple(v for v in b.values if v not in a.values))
    return out


def _false(binding: Binding) -> bool:
    """Every value the name may hold is a false constant (`found = False`, `match = None`)."""
    return bool(binding.values) and all(isinstance(v, ast.Constant) and not v.value for v in binding.values)


def tested(test: ast.expr) -> tuple[str, bool] | None:
    """The flag a condition tests, and whether the condition is true when the flag is:
    `if found:` (name, True), `if not found:` (name, False)."""
    if isinstance(test, ast.Name):
        return test.id, True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id, False
    return None


def apply(env: Env, flag: str) -> None:
    """Where `flag` is true: each name it implies, still holding only the values it held where the
    flag was set, is as safe as it was there."""
    binding = env.get(flag)
    if binding is None or not binding.implies:
        return
    for name, held in binding.implies.items():
        current = env.get(name)
        if current is None or current is held or name == flag or not held.origin.parts:
            continue
        if not all(any(v is w for w in held.values) for v in current.values):
            continue  # assigned again since
        safe = meet_all(part.safe_for for part in held.origin.parts)
        if safe:
            env[name] = replace(current, origin=current.origin.sanitized(safe), implies=None)
