"""The `re` module's functions: which argument is the pattern, the subject, the flags."""

from __future__ import annotations

import ast
import re

from secure_ls.rules._support import web

# function -> (index of the subject string, index of flags)
FUNCTIONS = {
    "re.match": (1, 2),
    "re.search": (1, 2),
    "re.fullmatch": (1, 2),
    "re.findall": (1, 2),
    "re.finditer": (1, 2),
    "re.split": (1, 3),
    "re.sub": (2, 4),
    "re.subn": (2, 4),
    "re.compile": (None, 1),
}
# compiled-pattern method -> index of the subject string
METHODS = {"match": 0, "search": 0, "fullmatch": 0, "findall": 0, "finditer": 0, "split": 0, "sub": 1, "subn": 1, "scanner": 0}

_FLAG_NAMES = {
    "I": re.IGNORECASE, "IGNORECASE": re.IGNORECASE, "M": re.MULTILINE, "MULTILINE": re.MULTILINE, "S": re.DOTALL, "DOTALL": re.DOTALL,
    "X": re.VERBOSE, "VERBOSE": re.VERBOSE, "A": re.ASCII, "ASCII": re.ASCII, "U": re.UNICODE, "UNICODE": re.UNICODE, "L": 0, "LOCALE": 0,
    "NOFLAG": 0, "DEBUG": 0, "T": 0, "TEMPLATE": 0,
}


def pattern_arg(call: ast.Call) -> ast.expr | None:
    return web.argument(call, 0, ("pattern",))


def subject_arg(call: ast.Call, name: str) -> ast.expr | None:
    index = FUNCTIONS[name][0]
    if index is None:
        return None
    return web.argument(call, index, ("string",))


def flags_value(call: ast.Call, name: str, ctx) -> int | None:
    """The flags passed to the call, 0 when none; None when they are not constant."""
    index = FUNCTIONS[name][1]
    node = web.argument(call, index, ("flags",))
    if node is None:
        return 0
    return _flags(node, ctx)


def _flags(node: ast.expr, ctx) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Add)):
        left, right = _flags(node.left, ctx), _flags(node.right, ctx)
        return None if left is None or right is None else left | right
    name = ctx.qualified_name(node) or ""
    if name.startswith("re."):
        short = name[3:].replace("RegexFlag.", "")
        if short in _FLAG_NAMES:
            return int(_FLAG_NAMES[short])
    return None


def constant_pattern(node: ast.expr, ctx) -> str | bytes | None:
    """The text of a constant pattern (a literal, or a name bound to one in this scope)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return node.value
    if isinstance(node, ast.Name):
        values = ctx.assigned_values(node)
        if len(values) == 1 and isinstance(values[0], ast.Constant) and isinstance(values[0].value, (str, bytes)):
            return values[0].value
    return None
