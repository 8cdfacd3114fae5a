"""What the fields of a format template put into text: which arguments come out as digits
(`"%3.1f MB" % size`, `f"{n:,d}"`, `"{:.1f}".format(x)`), and a `.format` template cut into its
literal text and the values it inserts. The value pass (values.py) and the rewrites of guards.py
read built text through these."""

from __future__ import annotations

import ast
import re
import string

_PERCENT_FIELD = re.compile(r"%(\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")
_NUMBER_TYPES = frozenset("dioxXeEfFgGnb%")


def numeric_spec(spec: ast.expr | None) -> bool:
    """An f-string field's format spec that only numbers accept (`{size:.1f}`, `{n:,d}`): what
    it writes is digits, a sign, a point, an exponent (a string raises ValueError)."""
    text = spec.values[-1].value if isinstance(spec, ast.JoinedStr) and spec.values and isinstance(spec.values[-1], ast.Constant) else ""
    return isinstance(text, str) and text != "" and (text[-1] in _NUMBER_TYPES or text.endswith((",", "_")))


def numeric_arguments(node: ast.BinOp) -> list[ast.expr]:
    """The arguments of `"%3.1f MB" % size` (or `% (a, b)`) that fill numeric conversions
    (`%d`, `%f`, `%x`, ...): they come out as digits, whatever number they hold."""
    if not (isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
        return []
    fields = [m for m in _PERCENT_FIELD.finditer(node.left.value) if m.group(2) != "%"]
    if any(m.group(1) for m in fields) or "*" in node.left.value:
        return []  # `%(name)d` takes a mapping, `%*d` an extra width argument
    values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
    if len(values) != len(fields) or any(isinstance(v, ast.Starred) for v in values):
        return []
    return [v for v, m in zip(values, fields) if m.group(2) in _NUMBER_TYPES]


def numeric_format_arguments(template: str, arguments: list[ast.expr]) -> list[ast.expr]:
    """The arguments of `"{:3.1f} {}".format(size, unit)` that fill fields with a numeric
    spec: digits come out, whatever number they hold."""
    try:
        fields = [(name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return []
    if any(name != "" for name, _ in fields) or len(fields) != len(arguments):
        return []  # named or numbered fields: leave them to the plain join
    return [a for a, (_, spec) in zip(arguments, fields) if spec and (spec[-1] in _NUMBER_TYPES or spec.endswith((",", "_")))]


def format_pieces(template: str, arguments: list[ast.expr]) -> list[ast.expr | str] | None:
    """`'"{}" = {}'.format(a, b)` as ['"', a, '" = ', b, '']; None for templates that name
    or index their fields, or that the arguments do not fill."""
    pieces: list[ast.expr | str] = []
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    position = 0
    for literal, field, spec, conversion in fields:
        pieces.append(literal)
        if field is None:
            continue
        if field != "" or spec or conversion or position >= len(arguments):
            return None
        pieces.append(arguments[position])
        position += 1
    return pieces + [""]
