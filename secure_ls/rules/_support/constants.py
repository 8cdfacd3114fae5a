"""What an integer expression written in the code evaluates to, for the rules that judge a
number: a key size, a work factor, a file mode, a umask.

`int_value` evaluates literals, `stat.S_*` names and the arithmetic and bit operators these
numbers are written with (`2**17`, `100_000 * 6`, `stat.S_IRUSR | stat.S_IWUSR`, `~0o077`),
following local names one of two ways:

- `defining_value`: the one expression a name holds on every path (the crypto rules: a key
  size or an iteration count is reported as that number only when it is that number);
- `assigned_value`: the one expression assigned to it, even where the name may also hold a
  parameter (the mode rules: `if mode is None: mode = 0o777` makes the file world-writable
  whenever no mode is given, which is the finding).
"""

from __future__ import annotations

import ast
import operator
import stat
from collections.abc import Callable

# Exponents and shifts beyond this are not a key size or a mode: not worth computing.
_LARGEST_EXPONENT = 64
_INT_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.FloorDiv: operator.floordiv,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_DEEPEST = 8  # operators nested deeper than this are not a constant someone wrote by hand


def defining_value(node: ast.expr, ctx) -> ast.expr:
    """For a local name assigned exactly once on every path reaching it, the assigned
    expression; else `node`. (A name also bound by an unpacking or a loop elsewhere is
    not followed: its origin then differs from the assigned expression's.)"""
    seen = 0
    while isinstance(node, ast.Name) and seen < 4:
        values = ctx.assigned_values(node)
        if len(values) != 1 or values[0] is node:
            return node
        if _origin_key(ctx.origin(node)) != _origin_key(ctx.origin(values[0])):
            return node
        node = values[0]
        seen += 1
    return node


def _origin_key(origin) -> frozenset:
    return frozenset((p.kind, p.label) for p in origin.parts)


def assigned_value(node: ast.expr, ctx) -> ast.expr:
    """For a local name assigned once, the assigned expression, even where the name may also
    hold a parameter or a binding the assignments do not show; else `node`."""
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        if len(values) == 1 and values[0] is not node:
            return values[0]
    return node


Follow = Callable[[ast.expr, object], ast.expr]


def int_value(node: ast.expr | None, ctx, follow: Follow | None = defining_value, depth: int = 0) -> int | None:
    """The value of a constant integer expression, else None: integer literals, `stat.S_*`
    names, `+ - * ** << // | & ^` and `~`, following local names with `follow` (not at all
    when it is None)."""
    if node is None or depth > _DEEPEST:
        return None
    if follow is not None and (followed := follow(node, ctx)) is not node:
        return int_value(followed, ctx, follow, depth + 1)
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _INT_OPS:
        left = int_value(node.left, ctx, follow, depth + 1)
        right = int_value(node.right, ctx, follow, depth + 1)
        if left is None or right is None:
            return None
        if isinstance(node.op, (ast.Pow, ast.LShift)) and not 0 <= right <= _LARGEST_EXPONENT:
            return None
        if isinstance(node.op, ast.FloorDiv) and right == 0:
            return None
        return _INT_OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        value = int_value(node.operand, ctx, follow, depth + 1)
        return None if value is None else ~value
    if isinstance(node, (ast.Name, ast.Attribute)):
        qualified = ctx.qualified_name(node)
        if qualified and qualified.startswith("stat.S_") and hasattr(stat, qualified[5:]):
            value = getattr(stat, qualified[5:])
            return value if isinstance(value, int) else None
    return None


# Operators no string has (`"a" - "b"` raises TypeError): what they give is a number. Not `*`
# (`text * 2` repeats it), `%` (formats it) nor `+` (joins it), except `+` with a number written.
_NUMERIC_OPERATORS = (ast.Sub, ast.Div, ast.FloorDiv, ast.Pow)
# Calls that answer a number whatever they are given, and those that answer one of their arguments.
_NUMBER_CALLS = frozenset({"int", "len", "abs", "round", "math.floor", "math.ceil", "time.time", "time.monotonic"})
_PICKING_CALLS = frozenset({"max", "min"})


def is_number(value: ast.expr, ctx, depth: int = 3) -> bool:
    """A number by construction, not text: a number literal, arithmetic no string has (`running -
    now`), `int()`, `len()`, `max()` of numbers, or a name whose every value is one (`need = 0`,
    then `need = max(running - now, 0)`). No client spelt "nan" in it (SLS131), and no secret's
    text is compared with it (SLS303)."""
    if isinstance(value, ast.Constant):
        return _number_literal(value)
    if isinstance(value, ast.BinOp):
        # `end.token + 1`: text plus a number raises TypeError, so does a list plus one
        added_number = isinstance(value.op, ast.Add) and any(_number_literal(side) for side in (value.left, value.right))
        return isinstance(value.op, _NUMERIC_OPERATORS) or added_number
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        return True  # `-text` raises
    if isinstance(value, ast.Call) and not value.keywords:
        name = ctx.call_name(value)
        if name in _NUMBER_CALLS:
            return True
        return name in _PICKING_CALLS and bool(value.args) and depth > 0 and all(is_number(a, ctx, depth - 1) for a in value.args)
    if isinstance(value, ast.Name) and depth > 0:
        values = ctx.assigned_values(value)
        return bool(values) and all(is_number(v, ctx, depth - 1) for v in values)
    return False


def _number_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
