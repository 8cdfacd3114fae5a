"""What the fields of a format template put into text: which arguments come out as digits
(`"%3.1f MB" % size`, `f"{n:,d}"`, `"{:.1f}".format(x)`), and a `.format` template cut into its
literal text and the values it inserts. The value pass (values.py), the rewrites of guards.py and
the rules' string pieces (rules/_support/strings.py) read built text through these."""

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


def gives_template_back(template: object) -> bool:
    """Whether `template.format(...)` gives the template back as it is: a literal text without
    replacement fields (nor escaped braces), whose arguments go nowhere
    (`"git describe --tags".format(*version)`)."""
    return isinstance(template, str) and "{" not in template


def format_fields(template: str) -> list[tuple[str, str | None]] | None:
    """A `.format` template cut the way Python reads it, as (literal text, field name) pairs:
    the name is "" for `{}`, "0" for `{0}`, "user" for `{user}`, None after the last text
    (`{{` and `}}` come out as one brace). None for a template Python refuses (a lone brace)
    or with a field that converts or formats its value (`{!r}`, `{:>8}`) or reads an attribute
    or item of it (`{0.name}`, `{0[1]}`): what those insert is not the argument's text."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    fields: list[tuple[str, str | None]] = []
    for literal, field, spec, conversion in parsed:
        if field is not None and (spec or conversion or "." in field or "[" in field):
            return None
        fields.append((literal, field))
    return fields


def format_pieces(template: str, arguments: list[ast.expr]) -> list[ast.expr | str] | None:
    """`'"{}" = {}'.format(a, b)` as ['"', a, '" = ', b, '']; None for templates that name
    or index their fields, or that the arguments do not fill. (Only automatic fields: each
    argument then appears once, so what is marked on a piece by its id holds for the argument.)"""
    fields = format_fields(template)
    if fields is None:
        return None
    pieces: list[ast.expr | str] = []
    position = 0
    for literal, field in fields:
        pieces.append(literal)
        if field is None:
            continue
        if field != "" or position >= len(arguments):
            return None
        pieces.append(arguments[position])
        position += 1
    return pieces + [""]


def percent_pieces(node: ast.expr) -> list[ast.expr | str] | None:
    """`"%s/auth/%s" % (base, kind)` as ['', base, '/auth/', kind, '']: the template's text and
    the values its fields insert, when every field is a plain `%s` (which writes `str()` of its
    value, as `{}` does) filled by an item of a literal tuple, or by the one value after `%`.
    None for any other field (`%d`, `%5s`, `%(name)s`, `%r`), which converts or pads its value."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
        return None
    template = node.left.value
    values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
    pieces: list[ast.expr | str] = []
    start = used = 0
    for field in _PERCENT_FIELD.finditer(template):
        literal = template[start:field.start()]
        start = field.end()
        if field.group(0) == "%%":
            pieces.append(literal + "%")
            continue
        if field.group(0) != "%s" or used >= len(values) or isinstance(values[used], ast.Starred):
            return None
        pieces += [literal, values[used]]
        used += 1
    if used != len(values) or "%" in template[start:]:
        return None
    return pieces + [template[start:]]

